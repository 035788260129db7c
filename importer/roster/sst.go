package roster

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
)

// sharedStrings is a workbook's shared-strings table (xl/sharedStrings.xml)
// as a compact index: every string's text, decoded, one after the other in
// one byte arena, and the offset where each starts (4 bytes a string).
// Excel and WPS put every text cell there, so at a million rows it holds
// millions of strings; excelize keeps them as Go strings in structs,
// ~300 MB at 100k rows. Up to spillBytes the index stays in memory;
// beyond, the arena and the offsets go to two temporary files that are
// unlinked as soon as they are created (removed by the system even if the
// run is killed) and are read back through a small block cache: a sheet
// refers to its strings nearly in table order, so memory stays flat at any
// row count. It is read once, before the sheet, and only read after.
type sharedStrings struct {
	off   []uint32 // in memory: off[i] is where string i starts, off[n] the end
	arena []byte
	n     int   // strings
	size  int64 // bytes in the arena

	// spilled: the arena and the offsets (little-endian uint32) on disk.
	arenaF, offF *blockFile
	buf          []byte
}

// spillBytes is the size of the in-memory index (arena and offsets)
// beyond which it goes to temporary files. A variable for the tests.
var spillBytes int64 = 16 << 20

var errTooManyStrings = errors.New("too many shared strings")

// readSharedStrings reads a shared-strings part; at most maxCount strings
// (the caller bounds it by the file's size: a real table holds at least a
// byte of compressed text for each).
func readSharedStrings(r io.Reader, maxCount int) (*sharedStrings, error) {
	s := &sharedStrings{off: make([]uint32, 1, 1024)}
	ts := newTagScanner(r)
	var buf []byte
	for {
		tag, err := ts.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.close()
			return nil, err
		}
		name, end, self, _ := parseTag(tag)
		if end || string(name) != "si" {
			continue
		}
		if s.n >= maxCount {
			s.close()
			return nil, errTooManyStrings
		}
		buf = buf[:0]
		if !self {
			if buf, err = readStringItem(ts, buf, "si"); err != nil {
				s.close()
				return nil, err
			}
		}
		if err := s.add(cutChars(unescapeXstring(buf))); err != nil {
			s.close()
			return nil, err
		}
	}
	if s.arenaF != nil {
		for _, f := range []*blockFile{s.arenaF, s.offF} {
			if err := f.flush(); err != nil {
				s.close()
				return nil, err
			}
		}
	}
	return s, nil
}

func (s *sharedStrings) len() int { return s.n }

func (s *sharedStrings) add(b []byte) error {
	if s.size+int64(len(b)) > math.MaxUint32 {
		return errors.New("the shared strings hold more than 4 GB of text")
	}
	if s.arenaF == nil && int64(len(s.arena)+len(b))+4*int64(len(s.off)) > spillBytes {
		if err := s.spill(); err != nil {
			return err
		}
	}
	s.size += int64(len(b))
	s.n++
	if s.arenaF == nil {
		s.arena = append(s.arena, b...)
		s.off = append(s.off, uint32(s.size))
		return nil
	}
	if err := s.arenaF.write(b); err != nil {
		return err
	}
	var o [4]byte
	binary.LittleEndian.PutUint32(o[:], uint32(s.size))
	return s.offF.write(o[:])
}

// spill moves the index to temporary files, unlinked at once.
func (s *sharedStrings) spill() error {
	var err error
	if s.arenaF, err = newBlockFile(); err != nil {
		return err
	}
	if s.offF, err = newBlockFile(); err != nil {
		return err
	}
	if err := s.arenaF.write(s.arena); err != nil {
		return err
	}
	var o [4]byte
	for _, v := range s.off {
		binary.LittleEndian.PutUint32(o[:], v)
		if err := s.offF.write(o[:]); err != nil {
			return err
		}
	}
	s.arena, s.off = nil, nil
	return nil
}

// get returns string i.
func (s *sharedStrings) get(i int) (string, error) {
	if s.arenaF == nil {
		return string(s.arena[s.off[i]:s.off[i+1]]), nil
	}
	var o [8]byte
	if err := s.offF.readAt(o[:], 4*int64(i)); err != nil {
		return "", err
	}
	a, b := binary.LittleEndian.Uint32(o[:4]), binary.LittleEndian.Uint32(o[4:])
	if b < a {
		return "", errors.New("the shared strings' temporary file is damaged")
	}
	if cap(s.buf) < int(b-a) {
		s.buf = make([]byte, b-a)
	}
	buf := s.buf[:b-a]
	if err := s.arenaF.readAt(buf, int64(a)); err != nil {
		return "", err
	}
	return string(buf), nil
}

func (s *sharedStrings) close() error {
	if s == nil {
		return nil
	}
	return errors.Join(s.arenaF.close(), s.offF.close())
}

// blockFile is a temporary file written once, in order, then read at
// random through a small cache of blocks. It is unlinked as soon as it is
// created.
type blockFile struct {
	f      *os.File
	name   string // set when the system cannot unlink an open file
	w      *bufio.Writer
	blocks [cacheBlocks]cacheBlock
	clock  uint64
}

const (
	blockSize   = 64 << 10
	cacheBlocks = 8
)

type cacheBlock struct {
	idx  int64 // block number, -1 when empty
	used uint64
	n    int // valid bytes
	data []byte
}

func newBlockFile() (*blockFile, error) {
	f, err := os.CreateTemp("", "cardimport-strings-*")
	if err != nil {
		return nil, err
	}
	b := &blockFile{f: f, w: bufio.NewWriterSize(f, blockSize)}
	if err := os.Remove(f.Name()); err != nil {
		b.name = f.Name() // Windows: removed by close
	}
	for i := range b.blocks {
		b.blocks[i].idx = -1
	}
	return b, nil
}

func (b *blockFile) write(p []byte) error {
	_, err := b.w.Write(p)
	return err
}

func (b *blockFile) flush() error { return b.w.Flush() }

// readAt fills p from offset off, through the cache.
func (b *blockFile) readAt(p []byte, off int64) error {
	for len(p) > 0 {
		blk, err := b.block(off / blockSize)
		if err != nil {
			return err
		}
		start := int(off % blockSize)
		if start >= blk.n {
			return io.ErrUnexpectedEOF
		}
		n := copy(p, blk.data[start:blk.n])
		p, off = p[n:], off+int64(n)
	}
	return nil
}

// block returns block idx, reading it in place of the least recently used.
func (b *blockFile) block(idx int64) (*cacheBlock, error) {
	b.clock++
	lru := &b.blocks[0]
	for i := range b.blocks {
		c := &b.blocks[i]
		if c.idx == idx {
			c.used = b.clock
			return c, nil
		}
		if c.used < lru.used {
			lru = c
		}
	}
	if lru.data == nil {
		lru.data = make([]byte, blockSize)
	}
	n, err := b.f.ReadAt(lru.data, idx*blockSize)
	if err != nil && err != io.EOF {
		lru.idx = -1
		return nil, err
	}
	lru.idx, lru.n, lru.used = idx, n, b.clock
	return lru, nil
}

func (b *blockFile) close() error {
	if b == nil || b.f == nil {
		return nil
	}
	err := b.f.Close()
	if b.name != "" {
		os.Remove(b.name)
	}
	b.f = nil
	return err
}
