package report

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

// A spool holds rows on disk until a writer knows enough to compose its file
// (the row count for the XLSX dimension, the union of headers for rejects),
// so memory stays flat however many rows pass. Records are a count of
// values, then each value as a kind byte and its payload; the format lives
// only as long as one run and is read back by the same code.
type spool struct {
	f   *os.File
	w   *bufio.Writer
	n   int // records written
	buf [binary.MaxVarintLen64]byte
}

// spoolValue is one value of a spooled record.
type spoolValue struct {
	kind byte
	s    string // spoolText
	n    int64  // spoolInt; spoolDate: Unix seconds (UTC)
}

const (
	spoolText byte = iota
	spoolInt
	spoolDate
)

func textValue(s string) spoolValue { return spoolValue{kind: spoolText, s: s} }
func intValue(n int) spoolValue     { return spoolValue{kind: spoolInt, n: int64(n)} }
func dateValue(t time.Time) spoolValue {
	return spoolValue{kind: spoolDate, n: t.Unix()}
}

// time returns a spoolDate value as a UTC time.
func (v spoolValue) time() time.Time { return time.Unix(v.n, 0).UTC() }

// newSpool creates a spool in the system's temporary folder. Where the
// system allows it the file is unlinked at once, so that it disappears even
// when the process is killed.
func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "cardimport-spool-*")
	if err != nil {
		return nil, fmt.Errorf("create spool: %w", err)
	}
	if runtime.GOOS != "windows" {
		_ = os.Remove(f.Name())
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// put appends one record. Write errors surface at rewind (bufio keeps the
// first one).
func (sp *spool) put(vals []spoolValue) {
	sp.n++
	sp.uvarint(uint64(len(vals)))
	for _, v := range vals {
		_ = sp.w.WriteByte(v.kind)
		switch v.kind {
		case spoolText:
			sp.uvarint(uint64(len(v.s)))
			_, _ = sp.w.WriteString(v.s)
		default:
			k := binary.PutVarint(sp.buf[:], v.n)
			_, _ = sp.w.Write(sp.buf[:k])
		}
	}
}

func (sp *spool) uvarint(u uint64) {
	k := binary.PutUvarint(sp.buf[:], u)
	_, _ = sp.w.Write(sp.buf[:k])
}

// rewind flushes the spool and returns a reader positioned at its start.
func (sp *spool) rewind() (*spoolReader, error) {
	if err := sp.w.Flush(); err != nil {
		return nil, fmt.Errorf("write spool: %w", err)
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind spool: %w", err)
	}
	return &spoolReader{r: bufio.NewReaderSize(sp.f, 64<<10)}, nil
}

// close closes and removes the spool file.
func (sp *spool) close() {
	_ = sp.f.Close()
	_ = os.Remove(sp.f.Name()) // already gone where unlinking an open file works
}

// spoolReader reads records back in the order they were put.
type spoolReader struct {
	r    *bufio.Reader
	vals []spoolValue
}

// next returns the next record, reusing its slice between calls, or io.EOF
// after the last.
func (sr *spoolReader) next() ([]spoolValue, error) {
	n, err := binary.ReadUvarint(sr.r)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("read spool: %w", err)
	}
	sr.vals = sr.vals[:0]
	for range n {
		kind, err := sr.r.ReadByte()
		if err != nil {
			return nil, spoolErr(err)
		}
		v := spoolValue{kind: kind}
		switch kind {
		case spoolText:
			l, err := binary.ReadUvarint(sr.r)
			if err != nil {
				return nil, spoolErr(err)
			}
			b := make([]byte, l)
			if _, err := io.ReadFull(sr.r, b); err != nil {
				return nil, spoolErr(err)
			}
			v.s = string(b)
		case spoolInt, spoolDate:
			if v.n, err = binary.ReadVarint(sr.r); err != nil {
				return nil, spoolErr(err)
			}
		default:
			return nil, fmt.Errorf("read spool: bad value kind %d", kind)
		}
		sr.vals = append(sr.vals, v)
	}
	return sr.vals, nil
}

func spoolErr(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read spool: %w", err)
}
