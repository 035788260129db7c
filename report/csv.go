package report

import (
	"bufio"
	"encoding/csv"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// utf8BOM starts every CSV file written here: without it Excel opens UTF-8
// as the ANSI code page and shows Chinese as mojibake.
const utf8BOM = "\ufeff"

// csvWriter writes the CSV report: UTF-8 with BOM, RFC 4180 quoting,
// "\r\n" line endings (what Excel writes and expects; a bare "\n" inside a
// quoted message stays "\n", which Excel shows as a line break in the cell),
// and every cell guarded against formula injection (defuseFormula). A CSV
// report has no room for the summary.
type csvWriter struct {
	buf  *bufio.Writer
	cw   *csv.Writer
	cols []colSpec
	rec  []string
}

func newCSVWriter(af *AtomicFile, cols []colSpec, _ *lang.Printer) (formatWriter, error) {
	w := &csvWriter{buf: bufio.NewWriterSize(af, 64<<10), cols: cols, rec: make([]string, len(cols))}
	w.cw = csv.NewWriter(w.buf)
	w.cw.UseCRLF = true
	_, _ = w.buf.WriteString(utf8BOM)
	for i, c := range cols {
		w.rec[i] = c.name
	}
	if err := w.cw.Write(w.rec); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *csvWriter) row(_ platform.Status, vals []string) error {
	for i, c := range w.cols {
		w.rec[i] = defuseFormula(vals[i], c.kind == kindFreeText)
	}
	return w.cw.Write(w.rec)
}

func (w *csvWriter) finish(*Summary) error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	return w.buf.Flush()
}

func (w *csvWriter) release() {}
