package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
)

// jsonWriter streams {"rows":[{…},…],"summary":{…}}: one row object per
// line, keyed by the column names, numbers for row/attempts (batch in
// generate mode) and strings for everything else.
type jsonWriter struct {
	af  *AtomicFile
	buf *bufio.Writer
	t   tally
	str bytes.Buffer
	enc *json.Encoder
}

func newJSONWriter(af *AtomicFile, opts Options) (*jsonWriter, error) {
	w := &jsonWriter{af: af, buf: bufio.NewWriterSize(af, 64<<10), t: newTally(opts)}
	w.enc = json.NewEncoder(&w.str)
	w.enc.SetEscapeHTML(false)
	_, _ = w.buf.WriteString(`{"rows":[`)
	return w, nil
}

func (w *jsonWriter) Write(l *Line) error {
	if err := w.t.line(l); err != nil {
		return err
	}
	vals := lineValues(l)
	w.object(Columns, vals[:], lineNumeric[:])
	return nil
}

func (w *jsonWriter) WriteGenerated(g *Generated) error {
	if err := w.t.gen(g); err != nil {
		return err
	}
	vals := generatedValues(g)
	w.object(GeneratedColumns, vals[:], generatedNumeric[:])
	return nil
}

// object writes one row object. Write errors are kept by bufio and reported
// at Close.
func (w *jsonWriter) object(keys, vals []string, numeric []bool) {
	if w.t.rows > 1 {
		_ = w.buf.WriteByte(',')
	}
	_, _ = w.buf.WriteString("\n{")
	for i, k := range keys {
		if i > 0 {
			_ = w.buf.WriteByte(',')
		}
		w.string(k)
		_ = w.buf.WriteByte(':')
		if numeric[i] {
			_, _ = w.buf.WriteString(vals[i]) // from strconv.Itoa
		} else {
			w.string(vals[i])
		}
	}
	_ = w.buf.WriteByte('}')
}

// string writes s as a JSON string, without HTML escaping so that messages
// with < > & stay readable.
func (w *jsonWriter) string(s string) {
	w.str.Reset()
	_ = w.enc.Encode(s) // a string always encodes
	_, _ = w.buf.Write(bytes.TrimSuffix(w.str.Bytes(), []byte("\n")))
}

func (w *jsonWriter) Close(s *Summary) error {
	if w.t.closed {
		return ErrClosed
	}
	w.t.closed = true
	sum, err := json.Marshal(w.t.summary(s))
	if err != nil {
		_ = w.af.Abort()
		return fmt.Errorf("report %s: summary: %w", w.af.Name(), err)
	}
	if w.t.rows > 0 {
		_ = w.buf.WriteByte('\n')
	}
	_, _ = w.buf.WriteString("],\n\"summary\":")
	_, _ = w.buf.Write(sum)
	_, _ = w.buf.WriteString("}\n")
	if err := w.buf.Flush(); err != nil {
		_ = w.af.Abort()
		return fmt.Errorf("report %s: %w", w.af.Name(), err)
	}
	return w.af.Commit()
}

func (w *jsonWriter) Abort() error {
	w.t.closed = true
	return w.af.Abort()
}
