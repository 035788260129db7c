package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
)

// utf8BOM starts every CSV file written here: without it Excel opens UTF-8
// as the ANSI code page and shows Chinese as mojibake.
const utf8BOM = "\ufeff"

// csvWriter writes the CSV report: UTF-8 with BOM, RFC 4180 quoting,
// "\r\n" line endings (what Excel writes and expects; a bare "\n" inside a
// quoted message stays "\n", which Excel shows as a line break in the cell).
type csvWriter struct {
	af  *AtomicFile
	buf *bufio.Writer
	cw  *csv.Writer
	t   tally
	rec []string
}

func newCSVWriter(af *AtomicFile, opts Options) (*csvWriter, error) {
	w := &csvWriter{af: af, buf: bufio.NewWriterSize(af, 64<<10), t: newTally(opts)}
	w.cw = csv.NewWriter(w.buf)
	w.cw.UseCRLF = true
	header := Columns
	if opts.Generated {
		header = GeneratedColumns
	}
	_, _ = w.buf.WriteString(utf8BOM)
	if err := w.cw.Write(header); err != nil {
		return nil, fmt.Errorf("report %s: %w", af.Name(), err)
	}
	w.rec = make([]string, len(header))
	return w, nil
}

func (w *csvWriter) Write(l *Line) error {
	if err := w.t.line(l); err != nil {
		return err
	}
	vals := lineValues(l)
	for i, v := range vals {
		w.rec[i] = defuseFormula(v, lineFreeText[i])
	}
	return w.write()
}

func (w *csvWriter) WriteGenerated(g *Generated) error {
	if err := w.t.gen(g); err != nil {
		return err
	}
	vals := generatedValues(g)
	for i, v := range vals {
		w.rec[i] = defuseFormula(v, generatedFree[i])
	}
	return w.write()
}

func (w *csvWriter) write() error {
	if err := w.cw.Write(w.rec); err != nil {
		return fmt.Errorf("report %s: %w", w.af.Name(), err)
	}
	return nil
}

// Close ignores s: a CSV report has no room for a summary.
func (w *csvWriter) Close(*Summary) error {
	if w.t.closed {
		return ErrClosed
	}
	w.t.closed = true
	w.cw.Flush()
	err := w.cw.Error()
	if err == nil {
		err = w.buf.Flush()
	}
	if err != nil {
		_ = w.af.Abort()
		return fmt.Errorf("report %s: %w", w.af.Name(), err)
	}
	return w.af.Commit()
}

func (w *csvWriter) Abort() error {
	w.t.closed = true
	return w.af.Abort()
}
