package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// jsonWriter streams {"rows":[{…},…],"summary":{…}}: one row object per
// line, keyed by the column names, numbers for the number columns (row,
// attempts; batch in generate mode) and strings for everything else.
type jsonWriter struct {
	buf  *bufio.Writer
	cols []colSpec
	rows int
	str  bytes.Buffer
	enc  *json.Encoder
}

func newJSONWriter(af *AtomicFile, cols []colSpec, _ *lang.Printer) (formatWriter, error) {
	w := &jsonWriter{buf: bufio.NewWriterSize(af, 64<<10), cols: cols}
	w.enc = json.NewEncoder(&w.str)
	w.enc.SetEscapeHTML(false)
	_, _ = w.buf.WriteString(`{"rows":[`)
	return w, nil
}

// row writes one row object. Write errors are kept by bufio and reported
// by finish.
func (w *jsonWriter) row(_ platform.Status, vals []string) error {
	if w.rows > 0 {
		_ = w.buf.WriteByte(',')
	}
	w.rows++
	_, _ = w.buf.WriteString("\n{")
	for i, c := range w.cols {
		if i > 0 {
			_ = w.buf.WriteByte(',')
		}
		w.string(c.name)
		_ = w.buf.WriteByte(':')
		if c.kind == kindNumber {
			_, _ = w.buf.WriteString(vals[i]) // from strconv.Itoa
		} else {
			w.string(vals[i])
		}
	}
	_ = w.buf.WriteByte('}')
	return nil
}

// string writes s as a JSON string, without HTML escaping so that messages
// with < > & stay readable.
func (w *jsonWriter) string(s string) {
	w.str.Reset()
	_ = w.enc.Encode(s) // a string always encodes
	_, _ = w.buf.Write(bytes.TrimSuffix(w.str.Bytes(), []byte("\n")))
}

func (w *jsonWriter) finish(s *Summary) error {
	sum, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	if w.rows > 0 {
		_ = w.buf.WriteByte('\n')
	}
	_, _ = w.buf.WriteString("],\n\"summary\":")
	_, _ = w.buf.Write(sum)
	_, _ = w.buf.WriteString("}\n")
	return w.buf.Flush()
}

func (w *jsonWriter) release() {}
