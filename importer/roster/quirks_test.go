package roster

import (
	"archive/zip"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The quirk fixtures: workbooks written the ways real writers write them,
// each named after its quirk. TestGenerateFixtures (-update) writes them;
// TestReadersAgree reads them, and every other fixture, both with this
// package's reader and with excelize.
func genQuirkFixtures(t *testing.T, p func(string) string) {
	const hdr = `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`
	sst := func(items ...string) string {
		return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9">` +
			`<si><t>卡号</t></si><si><t>姓名</t></si><si><t>备注</t></si>` + strings.Join(items, "") + `</sst>`
	}
	withSST := func(doc string) map[string]string {
		return map[string]string{"xl/sharedStrings.xml": doc}
	}

	// Rich text: a shared string made of formatted runs, one with
	// xml:space="preserve", and an inline string made of runs; _x000D_ is
	// Excel's escape of a carriage return, _x005F_ of an underscore.
	handXLSX(t, p("rich_text.xlsx"), []string{sheetDoc(hdr +
		`<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>5</v></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><r><t>0100</t></r><r><rPr><b/></rPr><t>102</t></r></is></c>` +
		`<c r="B3" t="inlineStr"><is><t>张三</t></is></c><c r="C3" t="inlineStr"><is><t>a_x005F_b</t></is></c></row>`)},
		false, withSST(sst(
			`<si><r><t>0100</t></r><r><rPr><b/><sz val="11"/></rPr><t>101</t></r></si>`,
			`<si><r><rPr><i/></rPr><t xml:space="preserve">西 </t></r><r><t>瓜</t></r></si>`,
			`<si><t>第一行_x000D_第二行</t></si>`)))

	// Phonetic runs: Japanese and Chinese workbooks keep a reading aid
	// (<rPh>) in the string item; it is not part of the value.
	handXLSX(t, p("phonetic_runs.xlsx"), []string{sheetDoc(hdr +
		`<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>5</v></c></row>`)},
		false, withSST(sst(
			`<si><t>0100101</t></si>`,
			`<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>`,
			`<si><r><t>西</t></r><r><t>瓜</t></r><rPh sb="0" eb="1"><t>xi</t></rPh><rPh sb="1" eb="2"><t>gua</t></rPh></si>`)))

	// Formula results of every type: text (t="str"), boolean (t="b"),
	// error (t="e"), number, and a cached date (t="d").
	handXLSX(t, p("str_bool_error_cells.xlsx"), []string{sheetDoc(
		`<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c><c r="B1" t="inlineStr"><is><t>备注</t></is></c>` +
			`<c r="C1" t="inlineStr"><is><t>生日</t></is></c><c r="D1" t="inlineStr"><is><t>积分</t></is></c></row>` +
			`<row r="2"><c r="A2" t="str"><f>"0100"&amp;"101"</f><v>0100101</v></c><c r="B2" t="b"><f>TRUE()</f><v>1</v></c>` +
			`<c r="C2" t="d"><v>1990-02-03T00:00:00Z</v></c><c r="D2"><f>1+1</f><v>2</v></c></row>` +
			`<row r="3"><c r="A3" t="str"><f>A2&amp;""</f><v>0100102</v></c><c r="B3" t="b"><v>0</v></c>` +
			`<c r="C3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D3" t="e"><v>#N/A</v></c></row>`)},
		false, nil)

	// Rows and cells without r attributes, as some generators write them:
	// a cell's column is the one after the previous cell, a row's number
	// the one after the previous row.
	handXLSX(t, p("no_cell_refs.xlsx"), []string{sheetDoc(
		`<row><c t="inlineStr"><is><t>卡号</t></is></c><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>积分</t></is></c></row>` +
			`<row><c t="inlineStr"><is><t>0100101</t></is></c><c t="inlineStr"><is><t>西瓜</t></is></c><c><v>200</v></c></row>` +
			`<row r="5"><c t="inlineStr"><is><t>0100102</t></is></c><c r="C5"><v>7</v></c></row>` +
			`<row><c r="B6" t="inlineStr"><is><t>李四</t></is></c><c><v>9</v></c></row>`)},
		false, nil)

	// Strict OOXML (ISO/IEC 29500 Strict), as Excel saves "Strict Open XML
	// Spreadsheet": other namespaces and relationship types.
	strictSheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheetData>` + hdr +
		`<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2"><v>82.599999999999994</v></c></row>` +
		`</sheetData></worksheet>`
	writeZip(t, p("strict_ooxml.xlsx"), map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
			`</Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships" conformance="strict">` +
			`<workbookPr date1904="false"/><sheets><sheet name="会员" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
			`</Relationships>`,
		"xl/worksheets/sheet1.xml": strictSheet,
		"xl/sharedStrings.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<sst xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><si><t>卡号</t></si><si><t>姓名</t></si><si><t>余额</t></si>` +
			`<si><t>0100101</t></si><si><t>西瓜</t></si></sst>`,
	})

	// A namespace prefix on every element (x:), as .NET's Open XML SDK
	// writes, in the sheet and in the shared strings.
	handXLSX(t, p("x_prefix.xlsx"), []string{`<?xml version="1.0" encoding="UTF-8"?>` +
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c></x:row>` +
		`<x:row r="2"><x:c r="A2" t="s"><x:v>3</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>西瓜</x:t></x:is></x:c><x:c r="C2"><x:v>15606132502</x:v></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`},
		false, withSST(`<?xml version="1.0" encoding="UTF-8"?><x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+
			`<x:si><x:t>卡号</x:t></x:si><x:si><x:t>姓名</x:t></x:si><x:si><x:t>手机号</x:t></x:si><x:si><x:t>0100101</x:t></x:si></x:sst>`))
}

// rawRow is a row as both readers see it: its number and its cells' raw
// values (shared strings resolved, booleans 1/0, numbers as stored),
// without trailing empty cells. Rows without a value are left out.
type rawRow struct {
	line int
	vals []string
}

// scanRaw reads every worksheet of a workbook with this package's
// scanner.
func scanRaw(path string) (map[string][]rawRow, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	ix := newZipIndex(&zr.Reader)
	info, err := inspectWorkbook(ix)
	if err != nil {
		return nil, err
	}
	b := &budget{left: 1 << 40}
	var sst *sharedStrings
	if f := ix.get(info.sharedStrings); f != nil {
		rc, err := b.openPart(f)
		if err != nil {
			return nil, err
		}
		sst, err = readSharedStrings(rc, 1<<30)
		rc.Close()
		if err != nil {
			return nil, err
		}
		defer sst.close()
	}
	out := map[string][]rawRow{}
	for _, si := range info.sheets {
		f := ix.get(si.part)
		if f == nil || si.kind != "worksheet" {
			continue
		}
		rc, err := b.openPart(f)
		if err != nil {
			return nil, err
		}
		s := newSheetScanner(rc, sst)
		rows := []rawRow{}
		for s.nextRow() {
			if vals := trimRaw(s.vals); len(vals) > 0 {
				rows = append(rows, rawRow{s.row, vals})
			}
		}
		if err := s.drain(); err != nil {
			s.close()
			return nil, err
		}
		s.close()
		out[si.name] = rows
	}
	return out, nil
}

// excelizeRaw reads every worksheet with excelize's Rows(), raw values.
func excelizeRaw(path string) (out map[string][]rawRow, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("excelize panicked: %v", r)
		}
	}()
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out = map[string][]rawRow{}
	for _, name := range f.GetSheetList() {
		rows, err := f.Rows(name)
		if err != nil {
			return nil, err
		}
		got := []rawRow{}
		for line := 1; rows.Next(); line++ {
			if line > 1<<20 {
				return nil, errors.New("more rows than Excel holds")
			}
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return nil, err
			}
			for i, c := range cols {
				cols[i] = string(cutChars([]byte(c))) // this reader keeps 32,768 characters of a cell
			}
			if vals := trimRaw(cols); len(vals) > 0 {
				got = append(got, rawRow{line, vals})
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		out[name] = got
	}
	return out, nil
}

func trimRaw(vals []string) []string {
	n := len(vals)
	for n > 0 && vals[n-1] == "" {
		n--
	}
	return slices.Clone(vals[:n])
}

// unreadable are the fixtures that are not workbooks, or damaged ones:
// both readers must refuse them, except truncated_sheet_xml.xlsx, where
// excelize stops silently at the damage and this reader says so.
var unreadable = map[string]bool{
	"empty.xlsx": true, "encrypted.xlsx": true, "truncated.xlsx": true, "not_an_xlsx.xlsx": true,
	"truncated_sheet_xml.xlsx": true,
}

// TestReadersAgree reads every .xlsx fixture, quirk files included, with
// this package's reader and with excelize, and compares them sheet by
// sheet, row by row, cell by cell.
func TestReadersAgree(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xlsx")
	if len(files) < 25 {
		t.Fatalf("only %d fixtures", len(files))
	}
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			ours, err := scanRaw(p)
			theirs, xerr := excelizeRaw(p)
			if unreadable[filepath.Base(p)] {
				if err == nil {
					t.Errorf("read, but the file is damaged or no workbook")
				}
				return
			}
			if err != nil || xerr != nil {
				t.Fatalf("this reader: %v; excelize: %v", err, xerr)
			}
			n := 0
			for _, rows := range theirs {
				n += len(rows)
			}
			if n == 0 {
				t.Errorf("excelize read no row: nothing compared")
			}
			compareRaw(t, ours, theirs)
		})
	}
}

func compareRaw(t *testing.T, ours, theirs map[string][]rawRow) {
	t.Helper()
	if len(ours) != len(theirs) {
		t.Errorf("sheets: %d, excelize %d", len(ours), len(theirs))
	}
	for name, want := range theirs {
		got, ok := ours[name]
		if !ok {
			t.Errorf("sheet %s missing", name)
			continue
		}
		if len(got) != len(want) {
			t.Errorf("sheet %s: %d rows, excelize %d", name, len(got), len(want))
		}
		for i := 0; i < len(got) && i < len(want); i++ {
			if got[i].line != want[i].line {
				t.Errorf("sheet %s: row %d, excelize row %d", name, got[i].line, want[i].line)
				continue
			}
			if !slices.Equal(got[i].vals, want[i].vals) {
				t.Errorf("sheet %s row %d:\n ours     %q\n excelize %q", name, got[i].line, got[i].vals, want[i].vals)
			}
		}
	}
}

// The quirk fixtures as the Reader delivers them.
func TestQuirkFixtures(t *testing.T) {
	tests := []struct {
		file string
		rows []wantRow
	}{
		{"rich_text.xlsx", []wantRow{
			{2, []string{"0100101", "西 瓜", "第一行\r第二行"}},
			{3, []string{"0100102", "张三", "a_b"}},
		}},
		{"phonetic_runs.xlsx", []wantRow{{2, []string{"0100101", "東京", "西瓜"}}}},
		{"str_bool_error_cells.xlsx", []wantRow{
			{2, []string{"0100101", "TRUE", "D:1990-02-03", "N:2"}},
			{3, []string{"0100102", "FALSE", "E:#DIV/0!", "E:#N/A"}},
		}},
		{"no_cell_refs.xlsx", []wantRow{
			{2, []string{"0100101", "西瓜", "N:200"}},
			{5, []string{"0100102", "", "N:7"}},
			{6, []string{"", "李四", "N:9"}},
		}},
		{"strict_ooxml.xlsx", []wantRow{{2, []string{"0100101", "西瓜", "N:82.6"}}}},
		{"x_prefix.xlsx", []wantRow{{2, []string{"0100101", "西瓜", "N:15606132502"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, rows, err := readAll(t, filepath.Join("testdata", tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, rows, tt.rows)
		})
	}
}
