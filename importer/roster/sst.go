package roster

import (
	"bufio"
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
// ~300 MB at 100k rows. The arena stays in memory up to spillBytes; beyond,
// it is written to a temporary file that is unlinked as soon as it is
// created (removed by the system even if the run is killed), and strings
// are read back with ReadAt. It is read once, before the sheet, and only
// read after.
type sharedStrings struct {
	off   []uint32 // off[i] is where string i starts; off[len-1] the end
	arena []byte   // nil once spilled
	file  *os.File // the spilled arena, already unlinked
	name  string   // its name, when the system could not unlink an open file
	w     *bufio.Writer
	size  int64 // bytes in the arena
	rbuf  []byte
}

// spillBytes is the arena size beyond which it goes to a temporary file.
// A variable for the tests.
var spillBytes int64 = 64 << 20

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
		if s.len() >= maxCount {
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
	if s.w != nil {
		if err := s.w.Flush(); err != nil {
			s.close()
			return nil, err
		}
		s.w = nil
	}
	return s, nil
}

func (s *sharedStrings) len() int { return len(s.off) - 1 }

func (s *sharedStrings) add(b []byte) error {
	if s.size+int64(len(b)) > math.MaxUint32 {
		return errors.New("the shared strings hold more than 4 GB of text")
	}
	if s.file == nil && s.size+int64(len(b)) > spillBytes {
		if err := s.spill(); err != nil {
			return err
		}
	}
	if s.file != nil {
		if _, err := s.w.Write(b); err != nil {
			return err
		}
	} else {
		s.arena = append(s.arena, b...)
	}
	s.size += int64(len(b))
	s.off = append(s.off, uint32(s.size))
	return nil
}

// spill moves the arena to a temporary file, unlinked at once.
func (s *sharedStrings) spill() error {
	f, err := os.CreateTemp("", "cardimport-strings-*")
	if err != nil {
		return err
	}
	if err := os.Remove(f.Name()); err != nil {
		s.name = f.Name() // Windows: removed by close
	}
	s.file = f
	s.w = bufio.NewWriterSize(f, 1<<20)
	if _, err := s.w.Write(s.arena); err != nil {
		return err
	}
	s.arena = nil
	return nil
}

// get returns string i.
func (s *sharedStrings) get(i int) (string, error) {
	a, b := s.off[i], s.off[i+1]
	if s.file == nil {
		return string(s.arena[a:b]), nil
	}
	if cap(s.rbuf) < int(b-a) {
		s.rbuf = make([]byte, b-a)
	}
	buf := s.rbuf[:b-a]
	if _, err := s.file.ReadAt(buf, int64(a)); err != nil {
		return "", err
	}
	return string(buf), nil
}

func (s *sharedStrings) close() error {
	if s == nil || s.file == nil {
		return nil
	}
	err := s.file.Close()
	if s.name != "" {
		os.Remove(s.name)
	}
	s.file = nil
	return err
}
