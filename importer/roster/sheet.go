package roster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/cardimport/cardimport/validate"
)

// The one xlsx reader: a worksheet part is inflated and scanned once, tag
// by tag, at close to inflate speed (PERF-NOTES: every reader built on
// encoding/xml is ~20× slower than inflating). The scanner reads the r, t,
// s and hidden attributes of <row> and <c>, the text of <v>, of inline
// strings (<is>, rich-text runs, without phonetic runs <rPh>) and notes
// <f>; shared strings come from the table of sst.go. Element names are
// matched without their namespace prefix (x:row), and text is decoded as
// XML says: entities, character references and CDATA sections.
//
// Everything it holds is bounded: a tag, a cell's text, a row's text, the
// number of columns (Excel's 16,384), and, through inflateLimit, the bytes
// inflated from the whole file.

// Bounds of what one sheet may make the reader hold. Excel itself holds
// 32,767 characters in a cell and 16,384 columns in a row.
const (
	maxTagBytes  = 1 << 20
	maxCellChars = validate.MaxCellChars
	// maxCellBytes is what a cell's text may take before it is cut: a
	// cell longer than Excel's limit is kept as its first maxCellChars+1
	// characters, which is enough to find it invalid.
	maxCellBytes = (maxCellChars + 1) * utf8.UTFMax
	maxRowBytes  = 16 << 20
	maxColumns   = 16384
)

var (
	errTagTooLong = errors.New("an XML tag is longer than 1 MB: the file is damaged or is not a roster")
	errBadEntity  = errors.New("the XML holds an invalid & entity")
	errCDATAEnd   = errors.New("the XML holds ]]> outside a CDATA section")
	errTruncated  = errors.New("the sheet XML ends abruptly (the file is truncated)")
)

// tagScanner yields the tags of an XML stream, and on request the text
// between them.
type tagScanner struct {
	br  *bufio.Reader
	acc []byte
	seg []byte // text of the current run, not yet decoded
	// pending: text consumed the '<' of the next tag.
	pending bool
}

func newTagScanner(r io.Reader) *tagScanner {
	return &tagScanner{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the bytes between '<' and '>' of the next tag, skipping
// text, comments, CDATA sections and processing instructions; they are
// valid until the next call. io.EOF at the end of the stream;
// io.ErrUnexpectedEOF inside a tag.
func (t *tagScanner) next() ([]byte, error) {
	for {
		// One read to the '>': text before the tag, then the tag.
		b, err := t.br.ReadSlice('>')
		var tag []byte
		switch {
		case err == nil && t.pending:
			tag = b[:len(b)-1]
		case err == nil:
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				continue // a '>' in text
			}
			tag = b[i+1 : len(b)-1]
		case err == bufio.ErrBufferFull:
			// Long text, or a long tag: keep only the tag.
			if !t.pending {
				i := bytes.IndexByte(b, '<')
				if i < 0 {
					continue
				}
				b = b[i+1:]
			}
			t.acc = append(t.acc[:0], b...)
			for err == bufio.ErrBufferFull {
				if len(t.acc) > maxTagBytes {
					return nil, errTagTooLong
				}
				b, err = t.br.ReadSlice('>')
				t.acc = append(t.acc, b...)
			}
			if err != nil {
				return nil, t.eof(err, true)
			}
			tag = t.acc[:len(t.acc)-1]
		default:
			return nil, t.eof(err, t.pending || bytes.IndexByte(b, '<') >= 0)
		}
		t.pending = false
		if len(tag) > 0 && (tag[0] == '!' || tag[0] == '?') {
			if err := t.skipMarkup(tag); err != nil {
				return nil, err
			}
			continue
		}
		return tag, nil
	}
}

// eof turns the end of the stream into io.EOF between tags and
// io.ErrUnexpectedEOF inside one.
func (t *tagScanner) eof(err error, inTag bool) error {
	if err == io.EOF && inTag {
		return io.ErrUnexpectedEOF
	}
	return err
}

// skipMarkup reads past a comment, CDATA section or processing
// instruction whose start, up to a first '>', is tag.
func (t *tagScanner) skipMarkup(tag []byte) error {
	var term []byte
	switch {
	case bytes.HasPrefix(tag, []byte("!--")):
		term = []byte("--")
	case bytes.HasPrefix(tag, []byte("![CDATA[")):
		term = []byte("]]")
	case tag[0] == '?':
		term = []byte("?")
	}
	if term == nil || bytes.HasSuffix(tag, term) && len(tag) >= len(term)+1 {
		return nil
	}
	// The '>' found was inside the comment or CDATA: read on until one that
	// follows term. Only the last bytes matter.
	tail := append([]byte(nil), tag[max(0, len(tag)-2):]...)
	for {
		tail = append(tail, '>')
		more, err := t.readTo('>')
		if err != nil {
			return err
		}
		tail = append(tail, more...)
		if bytes.HasSuffix(tail, term) {
			return nil
		}
		tail = append(tail[:0], tail[max(0, len(tail)-2):]...)
	}
}

// readTo reads up to and including delim and returns the bytes before it,
// at most maxTagBytes of them.
func (t *tagScanner) readTo(delim byte) ([]byte, error) {
	b, err := t.br.ReadSlice(delim)
	if err == bufio.ErrBufferFull {
		t.acc = append(t.acc[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(t.acc) > maxTagBytes {
				return nil, errTagTooLong
			}
			b, err = t.br.ReadSlice(delim)
			t.acc = append(t.acc, b...)
		}
		b = t.acc
	}
	if err == io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	return b[:len(b)-1], nil
}

// text reads the character data up to the next tag and appends it,
// decoded, to dst; the next call to next returns that tag. At most limit
// bytes are appended: the rest is read and dropped, and cut is set.
func (t *tagScanner) text(dst []byte, limit int) (out []byte, cut bool, err error) {
	t.seg = t.seg[:0]
	flush := func() error {
		var c bool
		dst, c, err = decodeText(dst, t.seg, limit)
		cut = cut || c
		t.seg = t.seg[:0]
		return err
	}
	for {
		b, err := t.br.ReadSlice('<')
		switch err {
		case nil:
			t.seg = appendCapped(t.seg, b[:len(b)-1], limit+16, &cut)
		case bufio.ErrBufferFull:
			// Keep the tail, which may hold a cut entity or "]]".
			t.seg = appendCapped(t.seg, b, limit+16, &cut)
			continue
		case io.EOF:
			return dst, cut, io.ErrUnexpectedEOF
		default:
			return dst, cut, err
		}
		if bytes.Contains(t.seg, []byte("]]>")) {
			return dst, cut, errCDATAEnd
		}
		if err := flush(); err != nil {
			return dst, cut, err
		}
		// What follows the '<': a CDATA section or a comment inside the
		// text, or the next tag.
		peek, _ := t.br.Peek(9)
		switch {
		case bytes.HasPrefix(peek, []byte("![CDATA[")):
			t.br.Discard(8)
			data, err := t.readCDATA()
			if err != nil {
				return dst, cut, err
			}
			room := limit - len(dst)
			if len(data) > room {
				data, cut = data[:max(room, 0)], true
			}
			dst = append(dst, data...)
		case bytes.HasPrefix(peek, []byte("!--")) || bytes.HasPrefix(peek, []byte("?")):
			tag, err := t.readTo('>')
			if err != nil {
				return dst, cut, err
			}
			if err := t.skipMarkup(tag); err != nil {
				return dst, cut, err
			}
		default:
			t.pending = true
			return dst, cut, nil
		}
	}
}

// expectEnd reads the next tag, which must end the element name, as the
// text just read is all the element holds.
func (t *tagScanner) expectEnd(name string) error {
	tag, err := t.next()
	if err != nil {
		return err
	}
	if local, end, _, _ := parseTag(tag); !end || string(local) != name {
		return fmt.Errorf("<%s> is not closed", name)
	}
	return nil
}

// readCDATA reads a CDATA section's content, after "<![CDATA[", up to and
// past "]]>"; at most maxTagBytes of it are kept.
func (t *tagScanner) readCDATA() ([]byte, error) {
	t.acc = t.acc[:0]
	for {
		b, err := t.br.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if len(t.acc) <= maxTagBytes {
			t.acc = append(t.acc, b...)
		} else if n := len(t.acc); n >= 2 {
			// Keep only the last bytes, to find the end.
			t.acc = append(t.acc[:0], t.acc[n-2:]...)
			t.acc = append(t.acc, b...)
		}
		if err == nil && bytes.HasSuffix(t.acc, []byte("]]>")) {
			return t.acc[:len(t.acc)-3], nil
		}
	}
}

func appendCapped(dst, b []byte, limit int, cut *bool) []byte {
	if room := limit - len(dst); len(b) > room {
		*cut = true
		b = b[:max(room, 0)]
	}
	return append(dst, b...)
}

// decodeText appends XML character data to dst, resolving the five
// entities and character references; cut is set when it stopped at limit
// bytes. An & that starts no entity is an error.
func decodeText(dst, raw []byte, limit int) (out []byte, cut bool, err error) {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			i = len(raw)
		}
		if len(dst)+i > limit {
			return append(dst, raw[:max(limit-len(dst), 0)]...), true, nil
		}
		dst = appendEOL(dst, raw[:i])
		raw = raw[i:]
		if len(raw) == 0 {
			break
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			return dst, cut, errBadEntity
		}
		r, ok := entity(raw[1:semi])
		if !ok {
			return dst, cut, errBadEntity
		}
		dst = utf8.AppendRune(dst, r)
		raw = raw[semi+1:]
	}
	return dst, cut, nil
}

// appendEOL appends text as XML reads it: a line break written CR LF, or
// CR alone, is LF (XML 1.0 §2.11); a &#13; reference stays a CR.
func appendEOL(dst, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		dst = append(dst, '\n')
		b = b[i+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
}

// entity resolves the name between & and ;.
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || n > utf8.MaxRune || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// unescapeXstring resolves the _xHHHH_ escapes of an ST_Xstring (shared
// and inline strings): _x000D_ is a carriage return, _x005F_ an
// underscore, as Excel writes characters XML cannot hold.
func unescapeXstring(b []byte) []byte {
	if bytes.Index(b, []byte("_x")) < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] == '_' && i+7 <= len(b) && b[i+1] == 'x' && b[i+6] == '_' && isHex4(b[i+2:i+6]) {
			n, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
			out = utf8.AppendRune(out, rune(n))
			i += 7
			continue
		}
		out = append(out, b[i])
		i++
	}
	return out
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// cutChars cuts text longer than maxCellChars characters to
// maxCellChars+1 of them: still over Excel's limit, so the field is found
// invalid, without the megabytes.
func cutChars(b []byte) []byte {
	if len(b) <= maxCellChars {
		return b
	}
	n := 0
	for i := range string(b) {
		if n == maxCellChars+1 {
			return b[:i]
		}
		n++
	}
	return b
}

// sheetScanner walks the rows of one worksheet part.
type sheetScanner struct {
	rc    io.ReadCloser
	ts    *tagScanner
	sst   *sharedStrings // nil: a t="s" cell reads as its index
	state int            // 0 before <sheetData>, 1 inside, 2 after, 3 end of stream

	row    int        // number of the row held
	hidden bool       // the row is hidden
	cells  []scanCell // its cells, index = column-1
	vals   []string   // their values, "" when none
	have   bool       // row/cells hold a row not yet passed

	buf    []byte   // a cell's text
	merges []string // mergeCell refs seen after sheetData (first few)
	nMerge int      // how many there are
	err    error
}

func newSheetScanner(rc io.ReadCloser, sst *sharedStrings) *sheetScanner {
	return &sheetScanner{rc: rc, ts: newTagScanner(rc), sst: sst}
}

func (s *sheetScanner) close() error {
	if s.rc == nil {
		return nil
	}
	err := s.rc.Close()
	s.rc = nil
	return err
}

// nextRow reads the next <row> of sheetData; false at its end or on error
// (see err).
func (s *sheetScanner) nextRow() bool {
	s.have = false
	if s.err != nil || s.state >= 2 {
		return false
	}
	for {
		tag, err := s.ts.next()
		if err != nil {
			s.fail(err)
			return false
		}
		name, end, self, attrs := parseTag(tag)
		switch s.state {
		case 0:
			if !end && string(name) == "sheetData" {
				s.state = 1
				if self {
					s.state = 2
					return false
				}
			}
		case 1:
			if end && string(name) == "sheetData" {
				s.state = 2
				return false
			}
			if !end && string(name) == "row" {
				r, hidden := 0, false
				for a := attrs; ; {
					key, val, rest, ok := nextAttr(a)
					if !ok {
						break
					}
					switch string(key) {
					case "r":
						r = atoiBytes(val)
					case "hidden":
						hidden = string(val) == "1" || string(val) == "true"
					}
					a = rest
				}
				if r <= 0 {
					r = s.row + 1
				}
				s.row, s.hidden, s.have = r, hidden, true
				s.cells, s.vals = s.cells[:0], s.vals[:0]
				if self {
					return true
				}
				return s.readCells()
			}
		}
	}
}

// readCells reads the <c> elements of the current row up to </row>.
func (s *sheetScanner) readCells() bool {
	col, rowBytes := 0, 0
	for {
		tag, err := s.ts.next()
		if err != nil {
			s.fail(err)
			return false
		}
		name, end, self, attrs := parseTag(tag)
		switch string(name) {
		case "row":
			if end {
				return true
			}
		case "c":
			if end {
				continue
			}
			ref, typ, style := cellAttrs(attrs)
			c := 0
			if ref != nil {
				c, _ = cellRef(ref)
			}
			if c <= 0 {
				c = col + 1
			}
			col = c
			cell, val, err := s.readCell(typ, style, self)
			if err != nil {
				s.fail(err)
				return false
			}
			if c > maxColumns {
				continue // beyond Excel's last column: not a cell
			}
			if rowBytes += len(val); rowBytes > maxRowBytes {
				s.err = fmt.Errorf("row %d holds more than %d MB of text: the file is damaged or is not a roster", s.row, maxRowBytes>>20)
				s.state = 3
				return false
			}
			for len(s.cells) < c {
				s.cells = append(s.cells, scanCell{})
				s.vals = append(s.vals, "")
			}
			s.cells[c-1], s.vals[c-1] = cell, val
		}
	}
}

// readCell reads one <c> after its start tag: its value (<v>, or an inline
// string <is>) and whether it holds a formula (<f>).
func (s *sheetScanner) readCell(typ, style []byte, self bool) (scanCell, string, error) {
	cell := scanCell{t: ctNumber, style: styleIndex(style)}
	kind := string(typ) // no allocation: compared only
	switch kind {
	case "s", "str", "inlineStr":
		cell.t = ctString
	case "b":
		cell.t = ctBool
	case "e":
		cell.t = ctError
	case "d":
		cell.t = ctDate
	}
	if self {
		return cell, "", nil
	}
	s.buf = s.buf[:0]
	for {
		tag, err := s.ts.next()
		if err != nil {
			return cell, "", err
		}
		name, end, tself, _ := parseTag(tag)
		switch string(name) {
		case "c":
			if end {
				v, err := s.value(kind, cell.value)
				return cell, v, err
			}
			return cell, "", errors.New("a cell inside a cell")
		case "row", "sheetData":
			if end {
				return cell, "", errors.New("a cell is not closed")
			}
		case "f":
			if !end {
				cell.formula = true
			}
		case "v":
			if end || tself {
				cell.value = cell.value || tself
				continue
			}
			cell.value = true
			if s.buf, _, err = s.ts.text(s.buf[:0], maxCellBytes); err != nil {
				return cell, "", err
			}
			if err := s.ts.expectEnd("v"); err != nil {
				return cell, "", err
			}
		case "is":
			if end || tself {
				cell.value = cell.value || tself
				continue
			}
			cell.value = true
			if s.buf, err = readStringItem(s.ts, s.buf[:0], "is"); err != nil {
				return cell, "", err
			}
			kind = "is"
		}
	}
}

// value turns the text read for a cell into its value.
func (s *sheetScanner) value(kind string, has bool) (string, error) {
	if !has {
		return "", nil
	}
	switch kind {
	case "s":
		if s.sst == nil {
			return string(s.buf), nil
		}
		i, err := strconv.ParseUint(string(bytes.TrimSpace(s.buf)), 10, 32)
		if err != nil || int(i) >= s.sst.len() {
			return "", fmt.Errorf("a cell refers to shared string %q, but the table has %d", s.buf, s.sst.len())
		}
		return s.sst.get(int(i))
	case "is":
		return string(cutChars(unescapeXstring(s.buf))), nil
	}
	return string(cutChars(s.buf)), nil
}

// readStringItem reads a string item (<si> of the shared strings, <is> of
// an inline string) after its start tag, up to its end tag named end: the
// text of its <t> elements, those of rich-text runs included, but not
// those of phonetic runs (<rPh>), which Excel shows only as a reading aid.
func readStringItem(ts *tagScanner, dst []byte, end string) ([]byte, error) {
	inPh := 0
	for {
		tag, err := ts.next()
		if err != nil {
			return dst, err
		}
		name, isEnd, self, _ := parseTag(tag)
		switch string(name) {
		case end:
			if isEnd {
				return dst, nil
			}
		case "rPh":
			if self {
				continue
			}
			if isEnd {
				inPh--
			} else {
				inPh++
			}
		case "t":
			if isEnd || self || inPh > 0 {
				continue
			}
			if dst, _, err = ts.text(dst, maxCellBytes); err != nil {
				return dst, err
			}
			if err := ts.expectEnd("t"); err != nil {
				return dst, err
			}
		}
	}
}

// fail records a read error; the end of the stream before </sheetData>
// is a truncation.
func (s *sheetScanner) fail(err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if s.state < 2 {
			s.err = errTruncated
		}
		s.state = 3
		return
	}
	s.err = err
	s.state = 3
}

// drain reads the rest of the part after the last row: the merged-cell
// ranges.
func (s *sheetScanner) drain() error {
	for s.nextRow() {
	}
	if s.err != nil {
		return s.err
	}
	for s.state == 2 {
		tag, err := s.ts.next()
		if err != nil {
			if err != io.EOF {
				return err
			}
			s.state = 3
			break
		}
		name, end, _, attrs := parseTag(tag)
		if !end && string(name) == "mergeCell" {
			if v, ok := attr(attrs, "ref"); ok {
				s.nMerge++
				if len(s.merges) < maxMerges {
					s.merges = append(s.merges, string(v))
				}
			}
		}
	}
	return nil
}

// maxMerges is how many merged ranges a sheet's reader keeps to name.
const maxMerges = 64

func rowHasValue(cells []scanCell) bool {
	for _, c := range cells {
		if c.value {
			return true
		}
	}
	return false
}
