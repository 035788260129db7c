package roster

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// maxStylesSize bounds the styles part we read (uncompressed). Real ones
// are a few kilobytes to a few megabytes; beyond this the workbook's
// number formats are ignored, with a warning, rather than costing memory.
const maxStylesSize = 16 << 20

// maxXfs bounds the cell formats kept: Excel allows 64,000.
const maxXfs = 1 << 20

// errStylesTooLarge: the styles part is over maxStylesSize.
var errStylesTooLarge = fmt.Errorf("it is larger than %d MB", maxStylesSize>>20)

// styles maps a cell's style index (its s attribute) to the number format
// that pads or decorates its numbers, if any. The zero value, and a nil
// *styles, know no format: every number reads as stored.
type styles struct {
	xfNumFmt []int32           // cellXfs: numFmtId of each cell format
	fmts     map[int32]*numFmt // the padding formats among them
}

// format returns the padding format of style index s, or nil.
func (st *styles) format(s uint32) *numFmt {
	if st == nil || int64(s) >= int64(len(st.xfNumFmt)) {
		return nil
	}
	return st.fmts[st.xfNumFmt[s]]
}

// readStyles reads the cell formats and custom number formats of a styles
// part (xl/styles.xml), streaming it with a bounded reader. Built-in
// number formats (ids 0–163 without a numFmt entry) never pad: the
// padding ones are always custom, though writers number them as they like
// (gnumeric from 100). A styles part that is too large or damaged is an
// error; the caller reads numbers as stored.
func readStyles(f *zip.File) (*styles, error) {
	if f.UncompressedSize64 > maxStylesSize {
		return nil, errStylesTooLarge
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readStylesFrom(rc)
}

// readStylesFrom parses a styles part, reading at most maxStylesSize
// bytes of it whatever its zip header said.
func readStylesFrom(r io.Reader) (*styles, error) {
	lr := &io.LimitedReader{R: r, N: maxStylesSize + 1}
	st, err := parseStyles(lr)
	if lr.N <= 0 {
		return nil, errStylesTooLarge
	}
	return st, err
}

func parseStyles(r io.Reader) (*styles, error) {
	d := xml.NewDecoder(r)
	codes := map[int32]string{}
	st := &styles{}
	var inNumFmts, inCellXfs bool
	depth := 0      // element depth
	xfDepth := -1   // depth of the cellXfs element
	fmtsDepth := -1 // depth of the numFmts element
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if depth != 0 {
				line, _ := d.InputPos()
				return nil, &xml.SyntaxError{Msg: "unexpected end of the part", Line: line}
			}
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case t.Name.Local == "numFmts" && fmtsDepth < 0:
				inNumFmts, fmtsDepth = true, depth
			case t.Name.Local == "cellXfs" && xfDepth < 0:
				inCellXfs, xfDepth = true, depth
			case t.Name.Local == "numFmt" && inNumFmts && depth == fmtsDepth+1:
				id, code, code16 := int32(-1), "", ""
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "numFmtId":
						id = parseID(a.Value)
					case "formatCode":
						code = a.Value
					case "formatCode16": // x16r2: the code with characters formatCode cannot hold
						code16 = a.Value
					}
				}
				if code16 != "" {
					code = code16
				}
				if id >= 0 {
					codes[id] = code
				}
			case t.Name.Local == "xf" && inCellXfs && depth == xfDepth+1:
				if len(st.xfNumFmt) >= maxXfs {
					return nil, fmt.Errorf("it has more than %d cell formats", maxXfs)
				}
				id := int32(0)
				for _, a := range t.Attr {
					if a.Name.Local == "numFmtId" {
						id = max(parseID(a.Value), 0)
					}
				}
				st.xfNumFmt = append(st.xfNumFmt, id)
			}
		case xml.EndElement:
			if depth == fmtsDepth {
				inNumFmts = false
			}
			if depth == xfDepth {
				inCellXfs = false
			}
			depth--
			if depth < 0 {
				return nil, errors.New("it has an unexpected end tag")
			}
		}
	}
	// Parse only the formats that cells use, each once.
	st.fmts = map[int32]*numFmt{}
	seen := map[int32]bool{}
	for _, id := range st.xfNumFmt {
		if seen[id] {
			continue
		}
		seen[id] = true
		if code, ok := codes[id]; ok {
			if nf := parseNumFmt(code); nf != nil {
				st.fmts[id] = nf
			}
		}
	}
	return st, nil
}

// parseID reads a numFmtId; -1 when it is not a small non-negative number.
func parseID(s string) int32 {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return -1
	}
	return int32(n)
}
