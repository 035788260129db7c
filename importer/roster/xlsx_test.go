package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
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

func TestCellAttrs(t *testing.T) {
	tests := []struct {
		attrs   string
		r, t, s string
		style   uint32
	}{
		{` r="B12" s="3" t="n"`, "B12", "n", "3", 3},
		{` t='e' r='C2'`, "C2", "e", "", 0},
		{"\n\tr=\"A1\"\n\ts = \"17\"", "A1", "", "17", 17},
		{` x:s="9" r="A1" cm="1"`, "A1", "", "", 0}, // prefixed attributes are not ours
		{` s="-1" r="A1"`, "A1", "", "-1", 0},
		{` s="99999999999"`, "", "", "99999999999", 0},
		{` s="4294967295"`, "", "", "4294967295", 0},
		{` s="12x"`, "", "", "12x", 0},
		{` r="A1`, "", "", "", 0},
	}
	for _, tt := range tests {
		r, typ, s := cellAttrs([]byte(tt.attrs))
		if string(r) != tt.r || string(typ) != tt.t || string(s) != tt.s {
			t.Errorf("cellAttrs(%q) = %q %q %q", tt.attrs, r, typ, s)
		}
		if got := styleIndex(s); got != tt.style {
			t.Errorf("styleIndex(%q) = %d, want %d", s, got, tt.style)
		}
	}
}

// The scanner reads each cell's style and error type, with namespace
// prefixes and the whitespace gnumeric writes.
func TestScannerStylesAndErrors(t *testing.T) {
	doc := `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		"<x:row r=\"2\">\n  <x:c r=\"A2\" s=\"4\">\n    <x:v>10005</x:v>\n  </x:c>\n" +
		`  <x:c r="C2" t="e" s="2"><x:f>NA()</x:f><x:v>#N/A</x:v></x:c><x:c r="D2" s="7"/></x:row>` +
		`</x:sheetData></x:worksheet>`
	s := &sheetScanner{rc: io.NopCloser(nil), ts: newTagScanner(strings.NewReader(doc))}
	if !s.nextRow() {
		t.Fatalf("no row: %v", s.err)
	}
	want := []scanCell{
		{t: ctNumber, value: true, style: 4},
		{},
		{t: ctError, formula: true, value: true, style: 2},
		{t: ctNumber, style: 7},
	}
	if fmt.Sprint(s.cells) != fmt.Sprint(want) {
		t.Errorf("cells %+v, want %+v", s.cells, want)
	}
}

// Every formula error cell is an error cell, whatever its text; a padded
// number in a workbook excelize wrote reads as shown.
func TestErrorCellsAndExcelizeFormats(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "errors.xlsx")
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c><c r="B1" t="inlineStr"><is><t>备注</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>0100101</t></is></c><c r="B2" t="e"><f>A1#</f><v>#SPILL!</v></c></row>` +
		`<row r="3"><c r="A3" t="e"><v>#GETTING_DATA</v></c><c r="B3" t="str"><f>"#N/A"</f><v>#N/A</v></c></row>` +
		`<row r="4"><c r="A4" t="inlineStr"><is><t>0100104</t></is></c><c r="B4" t="e"><v>#CALC!</v></c></row>`
	handXLSX(t, p, []string{sheetDoc(rows)}, false, nil)
	_, got, err := readAll(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, got, []wantRow{
		{2, []string{"0100101", "E:#SPILL!"}},
		{3, []string{"E:#GETTING_DATA", "#N/A"}},
		{4, []string{"0100104", "E:#CALC!"}},
	})

	p = filepath.Join(dir, "excelize.xlsx")
	f := newBook(t, "会员")
	setRow(t, f, "会员", 1, "卡号", "姓名", "手机")
	setRow(t, f, "会员", 2, 10005, "西瓜", int64(13800138000))
	setRow(t, f, "会员", 3, 42, "张三", int64(13900139001))
	for cell, code := range map[string]string{"A2": "000000", "A3": `"VIP"0000`, "C2": "#,##0"} {
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("会员", cell, cell, style); err != nil {
			t.Fatal(err)
		}
	}
	save(t, f, p)
	r, got, err := readAll(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, got, []wantRow{
		{2, []string{"010005", "西瓜", "N:13800138000"}},
		{3, []string{"VIP0042", "张三", "N:13900139001"}},
	})
	checkWarnings(t, r.Warnings(), nil)
}

// A sheet with more merged ranges than the reader keeps is told about with
// their real count.
func TestManyMergedRangesCounted(t *testing.T) {
	f := newBook(t, "会员")
	setRow(t, f, "会员", 1, "卡号", "姓名", "性别", "备注")
	for i := 0; i < 100; i++ {
		r := 2 + 2*i
		setRow(t, f, "会员", r, fmt.Sprintf("01%05d", r), "西瓜", "男", "同一家")
		setRow(t, f, "会员", r+1, fmt.Sprintf("01%05d", r+1), "张三", "女")
		if err := f.MergeCell("会员", fmt.Sprintf("D%d", r), fmt.Sprintf("D%d", r+1)); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "many_merged.xlsx")
	save(t, f, p)
	r, rows, err := readAll(t, p, Options{})
	if err != nil || len(rows) != 200 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	checkWarnings(t, r.Warnings(), []string{"merged cells D2:D3, D4:D5, D6:D7 and 97 more:"})
}

// A sheet XML that ends anywhere before </sheetData> — between cells, in a
// tag, in a cell's text — is a truncated file, said so.
func TestTruncatedSheetAnywhere(t *testing.T) {
	head := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c></row>`
	for _, tail := range []string{
		`<row r="2">`,
		`<row r="2"><c r="A2" t="inl`,
		`<row r="2"><c r="A2" t="inlineStr"><is><t>01001`,
		`<row r="2"><c r="A2"><v>12`,
	} {
		p := filepath.Join(t.TempDir(), "cut.xlsx")
		handXLSX(t, p, []string{head + tail}, false, nil)
		_, _, err := readAll(t, p, Options{})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "the file is truncated") {
			t.Errorf("ends with %s: %v", tail, err)
		}
	}
}
