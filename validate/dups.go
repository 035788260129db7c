package validate

import (
	"hash/maphash"
	"math"
	"math/bits"
	"runtime"
)

// dupTracker remembers where each card number, in-card code and phone was
// first seen in the run, in little memory and no strings: the one part of
// a run that grows with its rows. A value is kept as a fixed-size 64-bit
// key, a hash of (field, value), in an open-addressing table of two flat
// arrays (keys and first positions, 12 bytes a slot, filled to at most
// 80 %, grown by half). The table is split in 64 shards by the key's top
// bits, so that growing one never holds two copies of the whole; large
// shards live outside the Go heap (offheap.go), which the garbage
// collector neither scans nor counts when it decides how large the heap
// may grow. A position is an ordinal into a log of row numbers (4 bytes a
// row) and the run of sources they belong to. A million rows with all
// three fields cost about 50 MB. Two different values share a key with
// odds of about 1 in 4 million for 3 million values, an error that would
// show as a false duplicate, never as a missed one.
type dupTracker struct {
	seed   maphash.Seed
	shards *[dupShards]dupShard

	rows []uint32 // row number of each ordinal
	runs []srcRun // where each source's ordinals start, in run order
	last struct { // the previous position, which the next check often repeats
		source string
		row    int
		ord    uint32
		ok     bool
	}
	sources []string          // interned source names, by index
	index   map[string]uint32 // source name → index
}

const (
	dupShardBits = 6
	dupShards    = 1 << dupShardBits
	dupMinSlots  = 64
	dupMaxLoad   = 0.8
)

// dupShard is one shard of the table.
type dupShard struct {
	keys []uint64 // 0: empty slot
	ords []uint32 // ordinal of the value's first position, by slot
	n    int      // filled slots
	mem  offheap  // where keys and ords live when outside the heap
}

// srcRun says that the ordinals from first on belong to source src.
type srcRun struct {
	first, src uint32
}

func newDupTracker() *dupTracker {
	d := &dupTracker{
		seed:   maphash.MakeSeed(),
		shards: new([dupShards]dupShard),
		index:  make(map[string]uint32),
	}
	// Free the shards kept outside the heap once the tracker is garbage.
	runtime.AddCleanup(d, func(s *[dupShards]dupShard) {
		for i := range s {
			s[i].mem.free()
		}
	}, d.shards)
	return d
}

// fieldSalt separates the fields' values: the same text as a card number
// and as an in-card code are not duplicates of each other.
func fieldSalt(f Field) uint64 { return (uint64(f) + 1) * 0x9e3779b97f4a7c15 }

// position registers a row's place in the run and returns its ordinal.
// The same place asked again in a row returns the same ordinal.
func (d *dupTracker) position(source string, row int) uint64 {
	if d.last.ok && d.last.row == row && d.last.source == source {
		return uint64(d.last.ord)
	}
	idx, ok := d.index[source]
	if !ok {
		idx = uint32(len(d.sources))
		d.sources = append(d.sources, source)
		d.index[source] = idx
	}
	ord := uint32(len(d.rows))
	if len(d.rows) == math.MaxUint32 {
		ord-- // four billion rows: the last ordinal is reused
		d.rows[ord] = clampRow(row)
	} else {
		d.rows = append(d.rows, clampRow(row))
	}
	if n := len(d.runs); n == 0 || d.runs[n-1].src != idx {
		d.runs = append(d.runs, srcRun{first: ord, src: idx})
	}
	d.last.source, d.last.row, d.last.ord, d.last.ok = source, row, ord, true
	return uint64(ord)
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

// see records value of field f at pos, an ordinal from position. When the
// value was already seen at another place, it returns that first position
// and true.
func (d *dupTracker) see(f Field, value string, pos uint64) (uint64, bool) {
	key := maphash.String(d.seed, value) ^ fieldSalt(f)
	if key == 0 {
		key = 1
	}
	sh := &d.shards[key>>(64-dupShardBits)]
	if sh.keys == nil {
		sh.resize(dupMinSlots)
	}
	i := sh.slot(key)
	if sh.keys[i] == key {
		first := uint64(sh.ords[i])
		// The same row checked again is no duplicate.
		fs, fr := d.where(first)
		ps, pr := d.where(pos)
		return first, fr != pr || fs != ps
	}
	if float64(sh.n+1) > dupMaxLoad*float64(len(sh.keys)) {
		sh.resize(len(sh.keys) + len(sh.keys)/2)
		i = sh.slot(key)
	}
	sh.keys[i], sh.ords[i] = key, uint32(pos)
	sh.n++
	return 0, false
}

// slot returns the slot holding key, or the empty one where it goes.
func (sh *dupShard) slot(key uint64) int {
	n := uint64(len(sh.keys))
	// The top bits chose the shard: scale the others to [0, n).
	i, _ := bits.Mul64(key<<dupShardBits, n)
	for {
		if k := sh.keys[i]; k == key || k == 0 {
			return int(i)
		}
		if i++; i == n {
			i = 0
		}
	}
}

// resize gives the shard size slots and places every key anew.
func (sh *dupShard) resize(size int) {
	keys, ords, mem := sh.keys, sh.ords, sh.mem
	sh.keys, sh.ords, sh.mem = allocSlots(size)
	for i, k := range keys {
		if k != 0 {
			j := sh.slot(k)
			sh.keys[j], sh.ords[j] = k, ords[i]
		}
	}
	mem.free()
}

// where unpacks a position: `row 17 of roster.xlsx:Sheet1`.
func (d *dupTracker) where(pos uint64) (source string, row int) {
	if pos >= uint64(len(d.rows)) {
		return "", 0
	}
	ord := uint32(pos)
	// The last run starting at or before ord.
	lo, hi := 0, len(d.runs)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if d.runs[mid].first <= ord {
			lo = mid
		} else {
			hi = mid
		}
	}
	return d.sources[d.runs[lo].src], int(d.rows[ord])
}
