package roster

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// go test ./importer/roster -run TestGenerateFixtures -update rewrites
// testdata/. The fixtures are committed: the other tests read them.
var update = flag.Bool("update", false, "rewrite the testdata fixtures")

// The roster most fixtures carry.
var (
	stdHeader = []string{"卡号", "密码", "卡内编码", "姓名", "手机号", "性别"}
	stdRows   = [][]string{
		{"0100101", "123456", "109", "西瓜", "18862302465", "男"},
		{"0100102", "654321", "110", "张三", "13800138000", "女"},
	}
)

func TestGenerateFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata")
	}
	dir := "testdata"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := func(name string) string { return filepath.Join(dir, name) }

	genNumericPhone(t, p("numeric_phone.xlsx"))
	genDateCells(t, p("date_cells.xlsx"))
	genChineseHeaders(t, p("chinese_headers.xlsx"))
	genDate1904(t, p("date1904.xlsx"))
	genHiddenFirstSheet(t, p("hidden_first_sheet.xlsx"))
	genTwoSheets(t, p("two_sheets.xlsx"))
	genFormula(t, p("formula.xlsx"))
	genMergedCells(t, p("merged_cells.xlsx"))
	genBlankRows(t, p("blank_rows.xlsx"))
	genBigCell(t, p("big_cell.xlsx"))
	genIDAsNumber(t, p("id_as_number.xlsx"))
	genInlineStrings(t, p("inline_strings_float_noise.xlsx"))
	genTruncatedSheetXML(t, p("truncated_sheet_xml.xlsx"))
	genEncrypted(t, p("encrypted.xlsx"))
	genQuirkFixtures(t, p)

	// truncated.xlsx: the first half of a real workbook.
	full, err := os.ReadFile(p("numeric_phone.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, p("truncated.xlsx"), full[:len(full)/2])
	writeZip(t, p("not_an_xlsx.xlsx"), map[string]string{
		"readme.txt":     "这不是工作簿\n",
		"data/cards.csv": "卡号,姓名\n1,张三\n",
	})
	write(t, p("empty.xlsx"), nil)
	legacy := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1016)...)
	write(t, p("legacy.xls"), legacy)

	// CSV and text rosters.
	std := csvText(",", stdHeader, stdRows)
	write(t, p("utf8.csv"), []byte(std))
	write(t, p("utf8_bom.csv"), append([]byte("\xEF\xBB\xBF"), std...))
	tab := csvText("\t", stdHeader, stdRows)
	write(t, p("utf16le_bom.txt"), utf16Bytes(t, tab, unicode.LittleEndian))
	write(t, p("utf16be_bom.csv"), utf16Bytes(t, std, unicode.BigEndian))
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(std)
	if err != nil {
		t.Fatal(err)
	}
	write(t, p("gb18030.csv"), []byte(gb))
	// Semicolons with decimal commas, as European Excel writes.
	write(t, p("semicolon.csv"), []byte("卡号;姓名;手机号;余额\r\n0100101;西瓜;18862302465;100,88\r\n0100102;张三;13800138000;0,5\r\n"))
	write(t, p("tab.txt"), []byte(tab))
	write(t, p("quoted_newlines.csv"), []byte("卡号,姓名,备注,手机号\n"+
		"0100101,西瓜,\"第一行\n第二行, 有逗号\",18862302465\n"+
		"0100102,\"张\"\"三\"\"\",\"a\r\nb\r\nc\",13800138000\n"+
		"0100103,李四,plain,13900139000\n"))
	garbage := make([]byte, 4096)
	seed := uint32(2463534242)
	for i := range garbage {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		garbage[i] = byte(seed)
	}
	write(t, p("binary_garbage.csv"), garbage)
	write(t, p("duplicate_headers.csv"), []byte("卡号,姓名,电话,手机\n0100101,西瓜,0571-88886666,18862302465\n"))
	write(t, p("same_unknown_headers.csv"), []byte("卡号,备用,姓名,备用\n0100101,x,西瓜,y\n"))
	write(t, p("header_only.csv"), []byte("卡号,密码,卡内编码,姓名,手机号,性别\r\n"))
	write(t, p("missing_required_column.csv"), []byte("卡号,姓名,会员来源\n0100101,西瓜,门店\n"))
	write(t, p("fullwidth_headers.csv"), []byte("ＣＡＲＤ＿ＮＯ,手机 号,姓　名,Ｍｏｂｉｌｅ２\n0100101,18862302465,西瓜,x\n"))
	write(t, p("extra_cells.csv"), []byte("卡号,姓名\n0100101,西瓜,多余,更多\n0100102,张三\n0100103,李四,,\n0100104\n"))
	write(t, p("blank_lines.csv"), []byte("\n\n卡号,姓名\n\n0100101,西瓜\n , \u3000\n,,\n\n0100102,张三\n\n"))
	write(t, p("bare_quote.csv"), []byte("卡号,姓名,备注\n0100101,西\"瓜,12\" 屏\n0100102,张三,ok\n"))
	write(t, p("unclosed_quote.csv"), []byte("卡号,姓名,备注\n0100101,西瓜,\"没有结束\n0100102,张三,ok\n0100103,李四,ok\n"))
	write(t, p("sep_line.csv"), []byte("sep=;\n卡号;姓名\n0100101;西瓜\n"))
	write(t, p("mac_cr.csv"), []byte("卡号,姓名\r0100101,西瓜\r0100102,张三\r"))
	write(t, p("title_row.csv"), []byte("2024年会员名单,,,\n卡号,姓名,手机号,性别\n0100101,西瓜,18862302465,男\n"))
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func csvText(sep string, header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(header, sep) + "\r\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, sep) + "\r\n")
	}
	return b.String()
}

func utf16Bytes(t *testing.T, s string, e unicode.Endianness) []byte {
	t.Helper()
	b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeZip writes a zip with the given files, in name order.
func writeZip(t testing.TB, path string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// handXLSX is a minimal workbook written part by part, the way openpyxl and
// other non-Excel writers do. absolute makes the relationship targets
// absolute (/xl/worksheets/…), as openpyxl writes them.
func handXLSX(t testing.TB, path string, sheetXML []string, absolute bool, extra map[string]string) {
	t.Helper()
	var sheets, rels, overrides strings.Builder
	prefix := "worksheets/"
	if absolute {
		prefix = "/xl/worksheets/"
	}
	for i := range sheetXML {
		n := i + 1
		fmt.Fprintf(&sheets, `<sheet name="Sheet%d" sheetId="%d" r:id="rId%d"/>`, n, n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="%ssheet%d.xml"/>`, n, prefix, n)
		fmt.Fprintf(&overrides, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
	}
	if _, ok := extra["xl/sharedStrings.xml"]; ok {
		rels.WriteString(`<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`)
		overrides.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
	}
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			overrides.String() + `</Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?>` +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<workbookPr/><sheets>` + sheets.String() + `</sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`,
	}
	for i, x := range sheetXML {
		files[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)] = x
	}
	for k, v := range extra {
		files[k] = v
	}
	writeZip(t, path, files)
}

func sheetDoc(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<dimension ref="A1"/><sheetData>` + rows + `</sheetData></worksheet>`
}

// newBook returns a workbook whose first sheet is named name.
func newBook(t testing.TB, name string) *excelize.File {
	t.Helper()
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		t.Fatal(err)
	}
	return f
}

func setRow(t testing.TB, f *excelize.File, sheet string, row int, vals ...any) {
	t.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, row)
	if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
		t.Fatal(err)
	}
}

func save(t testing.TB, f *excelize.File, path string) {
	t.Helper()
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

func genNumericPhone(t *testing.T, path string) {
	f := newBook(t, "会员")
	setRow(t, f, "会员", 1, "卡号", "密码", "卡内编码", "姓名", "手机号", "性别")
	setRow(t, f, "会员", 2, "0100101", "123456", "109", "西瓜", int64(18862302465), "男")
	setRow(t, f, "会员", 3, "0100102", "654321", "110", "张三", int64(15606132502), "女")
	save(t, f, path)
}

func genDateCells(t *testing.T, path string) {
	f := newBook(t, "会员")
	setRow(t, f, "会员", 1, "卡号", "姓名", "生日", "有效期", "积分")
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	setRow(t, f, "会员", 2, "0100101", "西瓜", d(1990, 2, 3), d(2030, 12, 25), 32907) // date cells
	setRow(t, f, "会员", 3, "0100102", "张三", 32907, 47477, 200)                     // plain serials
	setRow(t, f, "会员", 4, "0100103", "李四", "1990-02-03", "1year", 0)              // text
	setRow(t, f, "会员", 5, "0100104", "王五", 19900203, 60, 1)                       // yyyymmdd number; serial 60
	setRow(t, f, "会员", 6, "0100105", "赵六", 61, 32907.75, 2)                       // 1900-03-01; date with a time
	save(t, f, path)
}

func genChineseHeaders(t *testing.T, path string) {
	f := newBook(t, "会员名单")
	setRow(t, f, "会员名单", 1, "会员卡号", "卡密码", "会员卡内编码", "会员姓名", "手机号码", "性别", "出生日期", "会员等级", "储值金额", "积分", "到期日", "身份证号", "备注", "卡摘要", "会员来源")
	setRow(t, f, "会员名单", 2, "0100101", "123456", "109", "西瓜", "18862302465", "男", "1994-01-03", "1", "100.88", "200", "2030-12-25", "11010519491231002X", "老会员", "金卡", "门店")
	save(t, f, path)
}

func genDate1904(t *testing.T, path string) {
	f := newBook(t, "会员")
	t1904 := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &t1904}); err != nil {
		t.Fatal(err)
	}
	setRow(t, f, "会员", 1, "卡号", "姓名", "生日")
	// 31445 in the 1904 system is 1990-02-03 (32907 in the 1900 system).
	setRow(t, f, "会员", 2, "0100101", "西瓜", 31445)
	setRow(t, f, "会员", 3, "0100102", "张三", 0)
	save(t, f, path)
}

func genHiddenFirstSheet(t *testing.T, path string) {
	f := newBook(t, "说明")
	setRow(t, f, "说明", 1, "本表由系统导出")
	if _, err := f.NewSheet("会员"); err != nil {
		t.Fatal(err)
	}
	setRow(t, f, "会员", 1, "卡号", "姓名")
	setRow(t, f, "会员", 2, "0100101", "西瓜")
	f.SetActiveSheet(1)
	if err := f.SetSheetVisible("说明", false); err != nil {
		t.Fatal(err)
	}
	save(t, f, path)
}

func genTwoSheets(t *testing.T, path string) {
	f := newBook(t, "一店")
	setRow(t, f, "一店", 1, "卡号", "姓名")
	setRow(t, f, "一店", 2, "0100101", "西瓜")
	if _, err := f.NewSheet("二店"); err != nil {
		t.Fatal(err)
	}
	setRow(t, f, "二店", 1, "卡号", "姓名")
	setRow(t, f, "二店", 2, "0200101", "张三")
	setRow(t, f, "二店", 3, "0200102", "李四")
	save(t, f, path)
}

// formula.xlsx: cached results are what the user sees; a formula saved
// without a result (a program wrote it, Excel never recalculated) is empty.
func genFormula(t *testing.T, path string) {
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c><c r="C1" t="inlineStr"><is><t>积分</t></is></c></row>` +
		`<row r="2"><c r="A2" t="str"><f>"0100"&amp;"101"</f><v>0100101</v></c><c r="B2" t="inlineStr"><is><t>西瓜</t></is></c><c r="C2"><f>100*2</f><v>200</v></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>0100102</t></is></c><c r="B3" t="inlineStr"><is><t>张三</t></is></c><c r="C3"><f>C2+1</f></c></row>`
	handXLSX(t, path, []string{sheetDoc(rows)}, false, nil)
}

func genMergedCells(t *testing.T, path string) {
	f := newBook(t, "会员")
	setRow(t, f, "会员", 1, "2024年会员名单")
	if err := f.MergeCell("会员", "A1", "D1"); err != nil {
		t.Fatal(err)
	}
	setRow(t, f, "会员", 2, "卡号", "姓名", "性别", "备注")
	setRow(t, f, "会员", 3, "0100101", "西瓜", "男", "同一家")
	setRow(t, f, "会员", 4, "0100102", "张三", "女")
	setRow(t, f, "会员", 5, "0100103", "李四", "男", "x")
	if err := f.MergeCell("会员", "D3", "D4"); err != nil {
		t.Fatal(err)
	}
	save(t, f, path)
}

func genBlankRows(t *testing.T, path string) {
	f := newBook(t, "会员")
	// Rows 1–2 empty, header on row 3, a blank row 5, a row of spaces 6
	// (including U+3000), data on 4, 7 and 10.
	setRow(t, f, "会员", 3, "卡号", "姓名")
	setRow(t, f, "会员", 4, "0100101", "西瓜")
	setRow(t, f, "会员", 6, " ", "\u3000")
	setRow(t, f, "会员", 7, "0100102", "张三")
	setRow(t, f, "会员", 10, "0100103", "李四")
	save(t, f, path)
}

func genBigCell(t *testing.T, path string) {
	// excelize (like Excel) caps a cell at 32767 characters: write the
	// megabyte as an inline string by hand.
	big := strings.Repeat("长", 1<<20/3)
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c><c r="C1" t="inlineStr"><is><t>备注</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>0100101</t></is></c><c r="B2" t="inlineStr"><is><t>西瓜</t></is></c><c r="C2" t="inlineStr"><is><t>` + big + `</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>0100102</t></is></c><c r="B3" t="inlineStr"><is><t>张三</t></is></c></row>`
	handXLSX(t, path, []string{sheetDoc(rows)}, false, nil)
}

// id_as_number.xlsx: ID numbers and card numbers typed into number cells,
// as Excel stores them (15 significant digits, exponent form).
func genIDAsNumber(t *testing.T, path string) {
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c><c r="C1" t="inlineStr"><is><t>身份证号</t></is></c></row>` +
		`<row r="2"><c r="A2"><v>100101</v></c><c r="B2" t="inlineStr"><is><t>西瓜</t></is></c><c r="C2"><v>1.10105199001011E+17</v></c></row>` +
		`<row r="3"><c r="A3"><v>100102</v></c><c r="B3" t="inlineStr"><is><t>张三</t></is></c><c r="C3" t="inlineStr"><is><t>11010519491231002X</t></is></c></row>` +
		`<row r="4"><c r="A4"><v>100103</v></c><c r="B4" t="inlineStr"><is><t>李四</t></is></c><c r="C4"><v>110105194912310000</v></c></row>`
	handXLSX(t, path, []string{sheetDoc(rows)}, false, nil)
}

// inline_strings_float_noise.xlsx, as openpyxl writes: inline strings,
// Chinese as character references, 82.6 as 82.59999999999999, absolute
// relationship targets, a text cell that looks like a float.
func genInlineStrings(t *testing.T, path string) {
	is := func(ref, s string) string {
		var b strings.Builder
		for _, r := range s {
			if r < 128 {
				b.WriteRune(r)
			} else {
				fmt.Fprintf(&b, "&#%d;", r)
			}
		}
		return `<c r="` + ref + `" t="inlineStr"><is><t>` + b.String() + `</t></is></c>`
	}
	rows := `<row r="1">` + is("A1", "卡号") + is("B1", "姓名") + is("C1", "余额") + is("D1", "手机号") + `</row>` +
		`<row r="2">` + is("A2", "0100101") + is("B2", "西瓜") + `<c r="C2" t="n"><v>82.59999999999999</v></c><c r="D2" t="n"><v>15606132502</v></c></row>` +
		`<row r="3">` + is("A3", "12E45") + is("B3", "张三") + `<c r="C3" t="n"><v>0.30000000000000004</v></c>` + is("D3", "1.5606132502E10") + `</row>` +
		`<row r="4">` + is("A4", "0100103") + is("B4", "李四") + `<c r="C4"><v>1E-3</v></c><c r="D4" t="n"><v>1.5606132502E+10</v></c></row>`
	handXLSX(t, path, []string{sheetDoc(rows)}, true, nil)
}

// truncated_sheet_xml.xlsx: a complete zip whose sheet XML stops in the
// middle of row 4: excelize's Rows stops silently there.
func genTruncatedSheetXML(t *testing.T, path string) {
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>0100101</t></is></c><c r="B2" t="inlineStr"><is><t>西瓜</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>0100102</t></is></c><c r="B3" t="inlineStr"><is><t>张三</t></is></c></row>` +
		`<row r="4"><c r="A4" t="inlineStr"><is><t>0100103</t></is></c><c r="B4" t="inl`
	doc := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows
	handXLSX(t, path, []string{doc}, false, nil)
}

func genEncrypted(t *testing.T, path string) {
	f := newBook(t, "会员")
	setRow(t, f, "会员", 1, "卡号", "姓名")
	setRow(t, f, "会员", 2, "0100101", "西瓜")
	if err := f.SaveAs(path, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}
