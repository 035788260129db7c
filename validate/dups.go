package validate

import (
	"hash/maphash"
	"math"
)

// dupTracker remembers where each card number, in-card code and phone was
// first seen in the run, in little memory: a value is kept as a 64-bit hash
// of (field, value), its position as source index << 32 | row. A million
// rows cost three map entries each and no strings. Two different values
// share a hash with odds of about 1 in 4 million for 3 million values, an error
// that would show as a false duplicate, never as a missed one.
type dupTracker struct {
	seed    maphash.Seed
	seen    map[uint64]uint64
	sources []string          // interned source names, by index
	index   map[string]uint32 // source name → index
	last    string            // the source of the previous row, and its index
	lastIdx uint32
	hasLast bool
}

func newDupTracker() *dupTracker {
	return &dupTracker{
		seed:  maphash.MakeSeed(),
		seen:  make(map[uint64]uint64),
		index: make(map[string]uint32),
	}
}

// fieldSalt separates the fields' values: the same text as a card number
// and as an in-card code are not duplicates of each other.
func fieldSalt(f Field) uint64 { return (uint64(f) + 1) * 0x9e3779b97f4a7c15 }

// position packs a row's place in the run.
func (d *dupTracker) position(source string, row int) uint64 {
	if !d.hasLast || source != d.last {
		idx, ok := d.index[source]
		if !ok {
			idx = uint32(len(d.sources))
			d.sources = append(d.sources, source)
			d.index[source] = idx
		}
		d.last, d.lastIdx, d.hasLast = source, idx, true
	}
	return uint64(d.lastIdx)<<32 | uint64(clampRow(row))
}

func clampRow(row int) uint32 {
	switch {
	case row < 0:
		return 0
	case row > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(row)
}

// see records value of field f at pos. When the value was already seen at
// another position, it returns that first position and true.
func (d *dupTracker) see(f Field, value string, pos uint64) (uint64, bool) {
	h := maphash.String(d.seed, value) ^ fieldSalt(f)
	if first, ok := d.seen[h]; ok {
		return first, first != pos // the same row checked again is no duplicate
	}
	d.seen[h] = pos
	return 0, false
}

// where unpacks a position: `row 17 of roster.xlsx:Sheet1`.
func (d *dupTracker) where(pos uint64) (source string, row int) {
	idx := int(pos >> 32)
	if idx < len(d.sources) {
		source = d.sources[idx]
	}
	return source, int(uint32(pos))
}
