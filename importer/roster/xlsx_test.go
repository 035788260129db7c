package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// Writers differ: a namespace prefix on every element, rows and cells
// without r attributes, comments and CDATA holding markup. The scanner
// must type the same cells excelize reads.
func TestOddSheetXML(t *testing.T) {
	p := filepath.Join(t.TempDir(), "odd.xlsx")
	doc := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<!-- a comment with <row> and > inside -->` +
		`<x:sheetData>` +
		`<x:row><x:c t="inlineStr"><x:is><x:t>卡号</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>余额</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>备注</x:t></x:is></x:c></x:row>` +
		`<x:row><x:c t="inlineStr"><x:is><x:t>0100101</x:t></x:is></x:c><x:c><x:v>82.59999999999999</x:v></x:c><x:c t="inlineStr"><x:is><x:t><![CDATA[<c t="n"><v>1</v></c> > ]]></x:t></x:is></x:c></x:row>` +
		`<x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:t>1.5E3</x:t></x:is></x:c><x:c><x:v>7</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`
	handXLSX(t, p, []string{doc}, false, nil)
	r, rows, err := readAll(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, rows, []wantRow{
		{2, []string{"0100101", "N:82.6", `<c t="n"><v>1</v></c> > `}},
		{5, []string{"1.5E3", "N:7", "TRUE"}},
	})
	checkWarnings(t, r.Warnings(), nil)
}

func TestTagScanner(t *testing.T) {
	in := `<?xml version="1.0"?><a x='1'><!-- <b> -- > --><![CDATA[ <c> ]] > ]]><d/>text &lt; more</a>`
	ts := newTagScanner(bytes.NewReader([]byte(in)))
	var got []string
	for {
		tag, err := ts.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(tag))
	}
	if want := `[a x='1' d/ /a]`; fmt.Sprint(got) != want {
		t.Errorf("tags %s, want %s", got, want)
	}
	ts = newTagScanner(bytes.NewReader([]byte(`<a><b attr="x`)))
	ts.next()
	if _, err := ts.next(); err != io.ErrUnexpectedEOF {
		t.Errorf("truncated tag: %v", err)
	}
}

func TestAttr(t *testing.T) {
	attrs := []byte(` r="B12" s = '3'  t="inlineStr" x:r="9"`)
	for name, want := range map[string]string{"r": "B12", "s": "3", "t": "inlineStr", "u": ""} {
		v, ok := attr(attrs, name)
		if string(v) != want || ok != (want != "") {
			t.Errorf("attr %s = %q %v", name, v, ok)
		}
	}
	for ref, want := range map[string][2]int{"A1": {1, 1}, "XFD1048576": {16384, 1048576}, "B": {2, 0}, "12": {0, 12}} {
		c, r := cellRef([]byte(ref))
		if c != want[0] || r != want[1] {
			t.Errorf("cellRef(%s) = %d, %d", ref, c, r)
		}
	}
}

func TestHiddenRowWarning(t *testing.T) {
	p := filepath.Join(t.TempDir(), "hidden_row.xlsx")
	f := newBook(t, "会员")
	setRow(t, f, "会员", 1, "卡号", "姓名")
	setRow(t, f, "会员", 2, "0100101", "西瓜")
	setRow(t, f, "会员", 3, "0100102", "张三")
	if err := f.SetRowVisible("会员", 3, false); err != nil {
		t.Fatal(err)
	}
	save(t, f, p)
	r, rows, err := readAll(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Errorf("%d rows", len(rows))
	}
	checkWarnings(t, r.Warnings(), []string{"row 3 is hidden in Excel: hidden rows are imported too"})
}

// Malformed XML in the middle of a sheet: excelize's Rows stops there
// without an error; the reader must report it instead of ending early.
func TestDamagedXMLIsReported(t *testing.T) {
	p := filepath.Join(t.TempDir(), "damaged.xlsx")
	doc := sheetDoc(`<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>0100101</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>bad ]]> text</t></is></c></row>` +
		`<row r="4"><c r="A4" t="inlineStr"><is><t>0100103</t></is></c></row>`)
	handXLSX(t, p, []string{doc}, false, nil)
	_, rows, err := readAll(t, p, Options{})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("error %v after %d rows", err, len(rows))
	}
	if len(rows) > 2 {
		t.Errorf("%d rows", len(rows))
	}
}

func TestSheetChoiceErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty_sheet.xlsx")
	handXLSX(t, empty, []string{sheetDoc(`<row r="3"><c r="A3" t="inlineStr"><is><t> </t></is></c></row>`)}, false, nil)
	_, err := Open(empty, Options{})
	if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "empty_sheet.xlsx:Sheet1: the sheet has no non-empty row") {
		t.Errorf("empty sheet: %v", err)
	}

	hidden := filepath.Join(dir, "hidden.xlsx")
	f := newBook(t, "A")
	setRow(t, f, "A", 1, "卡号")
	if _, err := f.NewSheet("B"); err != nil {
		t.Fatal(err)
	}
	setRow(t, f, "B", 1, "卡号")
	if err := f.SetSheetVisible("A", false); err != nil {
		t.Fatal(err)
	}
	save(t, f, hidden)
	r, err := Open(hidden, Options{Sheet: "b"}) // case-insensitive fallback
	if err != nil {
		t.Fatalf("--sheet b: %v", err)
	}
	if r.Sheet() != "B" {
		t.Errorf("sheet %q", r.Sheet())
	}
	r.Close()
}

func TestChooseSheet(t *testing.T) {
	sheets := []sheetInfo{
		{name: "说明", state: "hidden", kind: "worksheet"},
		{name: "图表", kind: "chartsheet"},
		{name: "会员", kind: "worksheet"},
		{name: "门店", state: "visible", kind: "worksheet"},
	}
	var warns []string
	warn := func(s string) { warns = append(warns, s) }
	s, err := chooseSheet(sheets, "", warn)
	if err != nil || s.name != "会员" {
		t.Fatalf("%v %v", s, err)
	}
	checkWarnings(t, warns, []string{"skipped hidden sheet 说明; reading sheet 会员", "other sheets (门店)"})
	if _, err := chooseSheet(sheets, "图表", warn); !errors.Is(err, ErrNoSheet) || !strings.Contains(err.Error(), "it is a chartsheet") {
		t.Errorf("chartsheet: %v", err)
	}
	_, err = chooseSheet(sheets[:2], "", warn)
	if !errors.Is(err, ErrNoSheet) || !strings.Contains(err.Error(), "no visible worksheet; name one with --sheet (the sheets are: 说明 (hidden), 图表)") {
		t.Errorf("no visible sheet: %v", err)
	}
}
