package roster

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// This file reads what excelize's streaming Rows API does not expose: the
// type of each cell (number, string, error…), its style and the sheet's
// structure. It works on the zip directly:
//   - inspectWorkbook resolves sheets, and the styles part, to their parts
//     through _rels/.rels → xl/workbook.xml → xl/_rels/workbook.xml.rels,
//     with absolute ("/xl/worksheets/sheet1.xml") and relative targets;
//   - sheetScanner walks a worksheet part tag by tag. It does not decode
//     values (excelize does); it only reads the r, t and s attributes of
//     <row> and <c> and notes <f>, <v> and <is>, so it runs at close to
//     inflate speed (PERF-NOTES: encoding/xml is ~20× slower than
//     inflating). It is used twice: to sample the first rows for
//     Column.Numeric at Open, and in lockstep with excelize to type every
//     cell, with its style, and to check at the end that excelize saw
//     every row (excelize's Rows stops silently on malformed or truncated
//     XML).
//
// It never trusts <dimension ref=…>: writers such as excelize leave it at
// A1, and readers that trust it see no rows.

// cellType is a cell's storage type in the sheet XML.
type cellType uint8

const (
	ctNone   cellType = iota // no value (absent, or styled but empty)
	ctNumber                 // no t attribute, or t="n"
	ctString                 // t="s", "inlineStr" or "str" (a formula's text result)
	ctBool                   // t="b"
	ctError                  // t="e": #N/A, #DIV/0!…
	ctDate                   // t="d": ISO 8601 text
)

// scanCell is what the scanner knows of one cell.
type scanCell struct {
	t       cellType
	formula bool   // has <f>
	value   bool   // has <v> or <is>
	style   uint32 // s: index into the workbook's cell formats (0 = default)
}

// sheetInfo is one sheet of the workbook, in workbook order.
type sheetInfo struct {
	name  string
	state string // "", "visible", "hidden" or "veryHidden"
	part  string // zip entry of the sheet, "" when unresolved
	kind  string // worksheet, chartsheet, dialogsheet, macrosheet
}

func (s sheetInfo) visible() bool { return s.state == "" || s.state == "visible" }

// zipIndex finds zip entries by name, case-insensitively, with / or \.
type zipIndex map[string]*zip.File

func newZipIndex(zr *zip.Reader) zipIndex {
	ix := make(zipIndex, len(zr.File))
	for _, f := range zr.File {
		ix[normPart(f.Name)] = f
	}
	return ix
}

func normPart(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

func (ix zipIndex) get(name string) *zip.File { return ix[normPart(name)] }

// readPart reads a small part (workbook, rels), at most limit bytes.
func (ix zipIndex) readPart(name string, limit int64) ([]byte, error) {
	f := ix.get(name)
	if f == nil {
		return nil, fs404(name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}

type notFound string

func (n notFound) Error() string { return string(n) + " is missing" }

func fs404(name string) error { return notFound(name) }

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
		Mode   string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Sheets []struct {
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		RID2  string `xml:"id,attr"` // strict OOXML / odd namespaces
	} `xml:"sheets>sheet"`
}

// resolveTarget resolves a relationship target against the folder of the
// part that holds the relationship.
func resolveTarget(base, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(path.Dir(base), target)
}

// relsPath is the relationships part of a part: xl/workbook.xml →
// xl/_rels/workbook.xml.rels.
func relsPath(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// inspectWorkbook lists the sheets and the parts that hold them, and finds
// the styles part ("" when the workbook has none).
func inspectWorkbook(ix zipIndex) (sheets []sheetInfo, stylesPart string, err error) {
	wbPart := ""
	if b, err := ix.readPart("_rels/.rels", 1<<20); err == nil {
		var rels xmlRels
		if xml.Unmarshal(b, &rels) == nil {
			for _, r := range rels.Rels {
				if strings.HasSuffix(r.Type, "/officeDocument") {
					wbPart = resolveTarget("", r.Target)
					break
				}
			}
		}
	}
	if wbPart == "" || ix.get(wbPart) == nil {
		wbPart = "xl/workbook.xml"
	}
	if ix.get(wbPart) == nil {
		return nil, "", errors.New("it is a zip archive but not an Excel workbook (it has no xl/workbook.xml)")
	}
	b, err := ix.readPart(wbPart, 64<<20)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", wbPart, err)
	}
	var wb xmlWorkbook
	if err := xml.Unmarshal(b, &wb); err != nil {
		return nil, "", fmt.Errorf("%s is damaged: %w", wbPart, err)
	}
	targets := map[string][2]string{} // id → target part, type
	if b, err := ix.readPart(relsPath(wbPart), 16<<20); err == nil {
		var rels xmlRels
		if err := xml.Unmarshal(b, &rels); err != nil {
			return nil, "", fmt.Errorf("%s is damaged: %w", relsPath(wbPart), err)
		}
		for _, r := range rels.Rels {
			if strings.EqualFold(r.Mode, "External") {
				continue
			}
			targets[r.ID] = [2]string{resolveTarget(wbPart, r.Target), r.Type}
			if stylesPart == "" && strings.HasSuffix(r.Type, "/styles") {
				stylesPart = resolveTarget(wbPart, r.Target)
			}
		}
	}
	if stylesPart == "" || ix.get(stylesPart) == nil {
		stylesPart = path.Join(path.Dir(wbPart), "styles.xml")
		if ix.get(stylesPart) == nil {
			stylesPart = ""
		}
	}
	sheets = make([]sheetInfo, 0, len(wb.Sheets))
	for i, s := range wb.Sheets {
		id := s.RID
		if id == "" {
			id = s.RID2
		}
		si := sheetInfo{name: s.Name, state: s.State, kind: "worksheet"}
		if t, ok := targets[id]; ok {
			si.part = t[0]
			if k := t[1][strings.LastIndexByte(t[1], '/')+1:]; k != "" {
				si.kind = k
			}
		} else if p := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1); ix.get(p) != nil {
			si.part = p
		}
		if si.part != "" && ix.get(si.part) == nil {
			si.part = ""
		}
		sheets = append(sheets, si)
	}
	return sheets, stylesPart, nil
}

// tagScanner yields the tags of an XML stream, skipping text, comments,
// CDATA sections and processing instructions.
type tagScanner struct {
	br  *bufio.Reader
	acc []byte
}

func newTagScanner(r io.Reader) *tagScanner {
	return &tagScanner{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the bytes between '<' and '>' of the next tag; they are
// valid until the next call. io.EOF at the end of the stream;
// io.ErrUnexpectedEOF inside a tag.
func (t *tagScanner) next() ([]byte, error) {
	for {
		for {
			_, err := t.br.ReadSlice('<')
			if err == nil {
				break
			}
			if err != bufio.ErrBufferFull {
				return nil, err
			}
		}
		tag, err := t.readTo('>')
		if err != nil {
			return nil, err
		}
		if len(tag) > 0 && (tag[0] == '!' || tag[0] == '?') {
			var term []byte
			switch {
			case bytes.HasPrefix(tag, []byte("!--")):
				term = []byte("--")
			case bytes.HasPrefix(tag, []byte("![CDATA[")):
				term = []byte("]]")
			case tag[0] == '?':
				term = []byte("?")
			}
			if term == nil || bytes.HasSuffix(tag, term) {
				continue
			}
			// The '>' found was inside the comment or CDATA: read on until
			// one that follows term. Only the last bytes matter.
			tail := append([]byte(nil), tag[max(0, len(tag)-2):]...)
			for {
				tail = append(tail, '>')
				more, err := t.readTo('>')
				if err != nil {
					return nil, err
				}
				tail = append(tail, more...)
				if bytes.HasSuffix(tail, term) {
					break
				}
				tail = append(tail[:0], tail[max(0, len(tail)-2):]...)
			}
			continue
		}
		return tag, nil
	}
}

// readTo reads up to and including delim and returns the bytes before it.
func (t *tagScanner) readTo(delim byte) ([]byte, error) {
	b, err := t.br.ReadSlice(delim)
	if err == bufio.ErrBufferFull {
		t.acc = append(t.acc[:0], b...)
		for err == bufio.ErrBufferFull {
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

// parseTag splits a tag into its local name and attributes.
func parseTag(tag []byte) (local []byte, end, selfClose bool, attrs []byte) {
	if len(tag) > 0 && tag[0] == '/' {
		end = true
		tag = tag[1:]
	}
	if n := len(tag); n > 0 && tag[n-1] == '/' {
		selfClose = true
		tag = tag[:n-1]
	}
	i := bytes.IndexAny(tag, " \t\r\n")
	name := tag
	if i >= 0 {
		name, attrs = tag[:i], tag[i:]
	}
	if j := bytes.IndexByte(name, ':'); j >= 0 {
		name = name[j+1:]
	}
	return name, end, selfClose, attrs
}

// attr returns the value of the attribute with the given (unprefixed)
// name.
func attr(attrs []byte, name string) ([]byte, bool) {
	for {
		key, val, rest, ok := nextAttr(attrs)
		if !ok {
			return nil, false
		}
		if string(key) == name {
			return val, true
		}
		attrs = rest
	}
}

// cellAttrs returns the r, t and s attributes of a <c> tag (nil when
// absent) in one pass over them.
func cellAttrs(attrs []byte) (r, t, s []byte) {
	for {
		key, val, rest, ok := nextAttr(attrs)
		if !ok {
			return r, t, s
		}
		if len(key) == 1 {
			switch key[0] {
			case 'r':
				r = val
			case 't':
				t = val
			case 's':
				s = val
			}
		}
		attrs = rest
	}
}

// nextAttr splits the first attribute off a tag's attributes; ok is false
// at their end or where they are malformed.
func nextAttr(attrs []byte) (key, val, rest []byte, ok bool) {
	attrs = bytes.TrimLeft(attrs, " \t\r\n")
	eq := bytes.IndexByte(attrs, '=')
	if eq < 0 {
		return nil, nil, nil, false
	}
	key = bytes.TrimSpace(attrs[:eq])
	rest = bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return nil, nil, nil, false
	}
	q := rest[0]
	close := bytes.IndexByte(rest[1:], q)
	if close < 0 {
		return nil, nil, nil, false
	}
	return key, rest[1 : 1+close], rest[close+2:], true
}

// styleIndex reads an s attribute; 0 (the default format) when it is
// absent or not a number.
func styleIndex(b []byte) uint32 {
	if len(b) == 0 || len(b) > 9 {
		return 0
	}
	n := uint32(0)
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint32(c-'0')
	}
	return n
}

// cellRef splits a reference such as "AB12" into 1-based column and row;
// 0 for a part that is missing or invalid.
func cellRef(ref []byte) (col, row int) {
	i := 0
	for i < len(ref) && i < 4 {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		i++
	}
	if i == 0 {
		col = 0
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' || row > 1<<24 {
			return col, 0
		}
		row = row*10 + int(c-'0')
	}
	return col, row
}

func atoiBytes(b []byte) int {
	n, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// sheetScanner walks the rows of one worksheet part.
type sheetScanner struct {
	rc    io.ReadCloser
	ts    *tagScanner
	state int // 0 before <sheetData>, 1 inside, 2 after, 3 end of stream

	row   int        // number of the row held
	cells []scanCell // its cells, index = column-1
	have  bool       // row/cells hold a row not yet passed

	merges []string // mergeCell refs seen after sheetData (first few)
	nMerge int
	err    error
}

func openSheetScanner(f *zip.File) (*sheetScanner, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return &sheetScanner{rc: rc, ts: newTagScanner(rc)}, nil
}

func (s *sheetScanner) close() error {
	if s.rc == nil {
		return nil
	}
	err := s.rc.Close()
	s.rc = nil
	return err
}

// lookup returns the cells of row line, or nil when the sheet XML has no
// such row (or the scanner failed: see err). Lines must not decrease
// between calls.
func (s *sheetScanner) lookup(line int) []scanCell {
	for {
		if s.have {
			if s.row == line {
				return s.cells
			}
			if s.row > line {
				return nil
			}
		}
		if !s.nextRow() {
			return nil
		}
	}
}

// nextRow reads the next <row> of sheetData; false at its end or on error.
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
				r := 0
				if v, ok := attr(attrs, "r"); ok {
					r = atoiBytes(v)
				}
				if r <= 0 {
					r = s.row + 1
				}
				s.row, s.cells, s.have = r, s.cells[:0], true
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
	col := 0
	var cur *scanCell
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
				cur = nil
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
			if c > 16384 {
				cur = nil
				continue
			}
			for len(s.cells) < c {
				s.cells = append(s.cells, scanCell{})
			}
			cur = &s.cells[c-1]
			*cur = scanCell{t: ctNumber, style: styleIndex(style)}
			if typ != nil {
				switch string(typ) {
				case "s", "str", "inlineStr":
					cur.t = ctString
				case "b":
					cur.t = ctBool
				case "e":
					cur.t = ctError
				case "d":
					cur.t = ctDate
				}
			}
			if self {
				cur = nil
			}
		case "f":
			if cur != nil && !end {
				cur.formula = true
			}
		case "v", "is":
			if cur != nil && !end {
				cur.value = true
			}
		}
	}
}

// fail records a read error; io.EOF before </sheetData> is a truncation.
func (s *sheetScanner) fail(err error) {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		if s.state < 2 {
			s.err = errors.New("the sheet XML ends abruptly (the file is truncated)")
		}
		s.state = 3
		return
	}
	s.err = err
	s.state = 3
}

// drain reads the rest of the part: the rows excelize did not yield (there
// should be none with values), then the merged-cell ranges.
func (s *sheetScanner) drain(lastLine int) error {
	if s.have && s.row > lastLine && rowHasValue(s.cells) {
		return fmt.Errorf("the sheet XML is damaged near row %d: the rows after it could not be read", lastLine)
	}
	for s.nextRow() {
		if s.row > lastLine && rowHasValue(s.cells) {
			return fmt.Errorf("the sheet XML is damaged near row %d: the rows after it could not be read", lastLine)
		}
	}
	if s.err != nil {
		return s.err
	}
	for s.state == 2 {
		tag, err := s.ts.next()
		if err != nil {
			s.state = 3
			break
		}
		name, end, _, attrs := parseTag(tag)
		if !end && string(name) == "mergeCell" {
			if v, ok := attr(attrs, "ref"); ok {
				s.nMerge++
				if len(s.merges) < 64 {
					s.merges = append(s.merges, string(v))
				}
			}
		}
	}
	return nil
}

func rowHasValue(cells []scanCell) bool {
	for _, c := range cells {
		if c.value {
			return true
		}
	}
	return false
}
