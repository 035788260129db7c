package roster

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseStyles(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want map[uint32]string // style index → how it shows 10005 ("" = as stored)
	}{
		{"custom ids from 164, dxf and cellStyleXfs ignored", stylesDoc(
			`<numFmts count="2"><numFmt numFmtId="164" formatCode="000000"/><numFmt numFmtId="165" formatCode="&quot;VIP&quot;0000"/></numFmts>`,
			`<xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/><xf numFmtId="3"/><xf/>`),
			map[uint32]string{0: "", 1: "010005", 2: "VIP10005", 3: "", 4: "", 5: "", 1 << 31: ""}},
		// gnumeric numbers its custom formats from 100; a numFmt entry wins
		// over the built-in format of the same id.
		{"gnumeric ids", stylesDoc(
			`<numFmts><numFmt formatCode="000000" numFmtId="100"/><numFmt numFmtId="1" formatCode="0000000"/></numFmts>`,
			`<xf numFmtId="100"/><xf numFmtId="1"/><xf numFmtId="49"/><xf numFmtId="101"/>`),
			map[uint32]string{0: "010005", 1: "0010005", 2: "", 3: ""}},
		{"prefixed namespace", `<?xml version="1.0"?><x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<x:numFmts><x:numFmt numFmtId="170" formatCode="0000000"/></x:numFmts><x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="170"/></x:cellXfs></x:styleSheet>`,
			map[uint32]string{0: "", 1: "0010005"}},
		{"formatCode16 wins", stylesDoc(
			`<numFmts><numFmt numFmtId="164" formatCode="0" x16r2:formatCode16="&quot;卡&quot;000000" xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main"/></numFmts>`,
			`<xf numFmtId="164"/>`),
			map[uint32]string{0: "卡010005"}},
		{"LibreOffice General as a custom format", stylesDoc(
			`<numFmts><numFmt numFmtId="164" formatCode="General"/><numFmt numFmtId="165" formatCode="000000;\-000000"/></numFmts>`,
			`<xf numFmtId="164"/><xf numFmtId="165"/>`),
			map[uint32]string{0: "", 1: "010005"}},
		{"bad ids", stylesDoc(
			`<numFmts><numFmt numFmtId="-1" formatCode="000000"/><numFmt numFmtId="x" formatCode="000000"/><numFmt numFmtId="99999999999" formatCode="000000"/></numFmts>`,
			`<xf numFmtId="-1"/><xf numFmtId="x"/><xf numFmtId="99999999999"/>`),
			map[uint32]string{0: "", 1: "", 2: ""}},
		{"no styles", `<styleSheet/>`, map[uint32]string{0: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := readStylesFrom(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			for s, want := range tt.want {
				got, _ := st.format(s).render("10005")
				if got != want {
					t.Errorf("style %d shows 10005 as %q, want %q", s, got, want)
				}
			}
		})
	}
	var none *styles
	if none.format(1) != nil {
		t.Errorf("nil styles have a format")
	}
}

func TestStylesLimits(t *testing.T) {
	// Over the size limit, whatever the zip header says.
	big := io.MultiReader(strings.NewReader(`<styleSheet><cellXfs>`),
		strings.NewReader(strings.Repeat(`<xf numFmtId="0"/>   `, maxStylesSize/20+1)))
	if _, err := readStylesFrom(big); !errors.Is(err, errStylesTooLarge) {
		t.Errorf("large styles: %v", err)
	}
	many := `<styleSheet><cellXfs>` + strings.Repeat(`<xf/>`, maxXfs+1) + `</cellXfs></styleSheet>`
	if _, err := readStylesFrom(strings.NewReader(many)); err == nil || !strings.Contains(err.Error(), "cell formats") {
		t.Errorf("too many cell formats: %v", err)
	}
	for _, doc := range []string{`<styleSheet><cellXfs><xf numFmtId="1"`, `<styleSheet>&nbsp;</styleSheet>`, `</a></b>`,
		`<?xml version="1.0" encoding="UTF-16"?><styleSheet/>`} {
		if _, err := readStylesFrom(strings.NewReader(doc)); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}
}

// Styles excelize cannot read make the workbook unreadable; styles over
// the size limit are refused before anything reads them whole.
func TestUnreadableStyles(t *testing.T) {
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c></row>` +
		`<row r="2"><c r="A2" s="1"><v>10005</v></c></row>`
	good := stylesDoc(`<numFmts><numFmt numFmtId="164" formatCode="000000"/></numFmts>`, `<xf/><xf numFmtId="164"/>`)
	tests := []struct {
		name, styles, err string
	}{
		{"readable", good, ""},
		{"damaged", `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs><xf numFmtId="164"/>`,
			"the workbook cannot be read: XML syntax error"},
		{"too large", stylesDoc("", strings.Repeat(`<xf numFmtId="0"/>`, maxStylesSize/18+1)),
			"styles.xlsx has a styles part (xl/styles.xml) of 16 MB, more than the 16 MB a workbook's cell formats take: " +
				"copy the roster's cells into a new workbook and save that, or save the roster as CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "styles.xlsx")
			handXLSX(t, p, []string{sheetDoc(rows)}, false, map[string]string{"xl/styles.xml": tt.styles})
			r, got, err := readAll(t, p, Options{})
			if tt.err != "" {
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, []wantRow{{2, []string{"010005"}}})
			checkWarnings(t, r.Warnings(), nil)
		})
	}
}

// The styles part is found through the workbook's relationships, wherever
// it is.
func TestStylesPartFromRels(t *testing.T) {
	p := filepath.Join(t.TempDir(), "rels.xlsx")
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c></row><row r="2"><c r="A2" s="1"><v>42</v></c></row>`
	styles := stylesDoc(`<numFmts><numFmt numFmtId="164" formatCode="&quot;NO&quot;000000"/></numFmts>`, `<xf/><xf numFmtId="164"/>`)
	handXLSX(t, p, []string{sheetDoc(rows)}, false, map[string]string{
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/theme/formats.xml"/>` +
			`</Relationships>`,
		"xl/theme/formats.xml": styles,
	})
	_, got, err := readAll(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, got, []wantRow{{2, []string{"NO000042"}}})
}
