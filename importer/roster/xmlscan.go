package roster

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// This file reads the workbook's structure on the zip directly:
// inspectWorkbook resolves sheets, and the styles and shared-strings
// parts, through _rels/.rels → xl/workbook.xml → xl/_rels/workbook.xml.rels,
// with absolute ("/xl/worksheets/sheet1.xml") and relative targets, and
// reads the 1904 flag; sheet.go streams a worksheet's cells.
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
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
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

// workbookInfo is what the workbook part and its relationships say, read
// once at Open.
type workbookInfo struct {
	sheets        []sheetInfo
	stylesPart    string // "" when the workbook has none
	sharedStrings string // "" when the workbook has none
	date1904      bool
}

// errNoWorkbookPart is inspectWorkbook's error for a zip that is no
// workbook.
var errNoWorkbookPart = errors.New("it is a zip archive but not an Excel workbook (it has no xl/workbook.xml)")

// inspectWorkbook lists the sheets and the parts that hold them, finds the
// styles and shared-strings parts, and reads the 1904 flag.
func inspectWorkbook(ix zipIndex) (info workbookInfo, err error) {
	info.sheets, info.stylesPart, info.sharedStrings, info.date1904, err = inspectParts(ix)
	return info, err
}

func inspectParts(ix zipIndex) (sheets []sheetInfo, stylesPart, sstPart string, date1904 bool, err error) {
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
		return nil, "", "", false, errNoWorkbookPart
	}
	b, err := ix.readPart(wbPart, 64<<20)
	if err != nil {
		return nil, "", "", false, fmt.Errorf("reading %s: %w", wbPart, err)
	}
	var wb xmlWorkbook
	if err := xml.Unmarshal(b, &wb); err != nil {
		return nil, "", "", false, fmt.Errorf("%s is damaged: %w", wbPart, err)
	}
	date1904 = wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	targets := map[string][2]string{} // id → target part, type
	if b, err := ix.readPart(relsPath(wbPart), 16<<20); err == nil {
		var rels xmlRels
		if err := xml.Unmarshal(b, &rels); err != nil {
			return nil, "", "", false, fmt.Errorf("%s is damaged: %w", relsPath(wbPart), err)
		}
		for _, r := range rels.Rels {
			if strings.EqualFold(r.Mode, "External") {
				continue
			}
			targets[r.ID] = [2]string{resolveTarget(wbPart, r.Target), r.Type}
			if stylesPart == "" && strings.HasSuffix(r.Type, "/styles") {
				stylesPart = resolveTarget(wbPart, r.Target)
			}
			if sstPart == "" && strings.HasSuffix(r.Type, "/sharedStrings") {
				sstPart = resolveTarget(wbPart, r.Target)
			}
		}
	}
	if sstPart == "" || ix.get(sstPart) == nil {
		sstPart = path.Join(path.Dir(wbPart), "sharedStrings.xml")
		if ix.get(sstPart) == nil {
			sstPart = ""
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
	return sheets, stylesPart, sstPart, date1904, nil
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
	name := tag
	for i, c := range tag {
		if isXMLSpace(c) {
			name, attrs = tag[:i], tag[i:]
			break
		}
	}
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == ':' {
			name = name[i+1:]
			break
		}
	}
	return name, end, selfClose, attrs
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

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
	i := 0
	for i < len(attrs) && isXMLSpace(attrs[i]) {
		i++
	}
	start := i
	for i < len(attrs) && attrs[i] != '=' {
		i++
	}
	if i == len(attrs) {
		return nil, nil, nil, false
	}
	key = attrs[start:i]
	for len(key) > 0 && isXMLSpace(key[len(key)-1]) {
		key = key[:len(key)-1]
	}
	i++
	for i < len(attrs) && isXMLSpace(attrs[i]) {
		i++
	}
	if i == len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
		return nil, nil, nil, false
	}
	q := attrs[i]
	end := bytes.IndexByte(attrs[i+1:], q)
	if end < 0 {
		return nil, nil, nil, false
	}
	return key, attrs[i+1 : i+1+end], attrs[i+2+end:], true
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
