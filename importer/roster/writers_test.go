package roster

import (
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures of testdata/make_writers.sh: the same rosters written by
// xlsxwriter and openpyxl, and saved again by LibreOffice and gnumeric,
// each with its own styles.xml (custom format ids from 164, or from 100
// as gnumeric numbers them; "General" as a custom format; \-escaped
// literals such as \第0\号) and cell XML (shared or inline strings, s="0",
// t="n", formula text results as t="str" or as a shared string).
func TestWriterFixtures(t *testing.T) {
	// Padded numbers read as Excel shows them: the digits of a card
	// number are text, zeros included. #,##0, 0 and General numbers, and a
	// number with decimals under a padding format, read as before; so do
	// balances and points, whose value is the number.
	padded := []wantRow{
		{2, []string{"010005", "123456", "VIP0005", "西瓜", "N:13800138000", "男", "老会员", "N:1234", "N:100.5"}},
		{3, []string{"000042", "654321", "A0007", "张三", "N:13900139001", "女", "无", "N:200", ""}},
		{4, []string{"NO000123", "01234", "0001-2345", "李四", "N:13700137002", "男", "(000042)", "N:5", ""}},
		{5, []string{"010008", "222222", "0009", "王五", "N:13600136003", "女", "第7号", "", ""}},
	}
	// Formula errors are error cells, whatever their text; a formula's
	// text result is text.
	errRows := func(g6, g8, g9, g10 string) []wantRow {
		return []wantRow{
			{2, []string{"0100101", "123456", "109", "西瓜", "13800138000", "男", "老会员"}},
			{3, []string{"0100102", "654321", "110", "张三", "13900139001", "女", "E:#N/A"}},
			{4, []string{"0100103", "111111", "111", "E:#REF!", "13700137002", "男", ""}},
			{5, []string{"E:#DIV/0!", "222222", "112", "王五", "13600136003", "女", "E:#VALUE!"}},
			{6, []string{"0100105", "333333", "113", "赵六", "13500135004", "男", g6}},
			{7, []string{"0100106", "444444", "114", "钱七", "13400134005", "女", "E:#NAME?"}},
			{8, []string{"0100107", "555555", "115", "孙八", "13300133006", "男", g8}},
			{9, []string{"0100108", "666666", "116", "周九", "13200132007", "女", g9}},
			{10, []string{"0100109", "777777", "117", "吴十", "13100131008", "男", g10}},
			{11, []string{"0100110", "888888", "118", "郑一", "13000130009", "女", "#N/A 待补"}},
		}
	}
	tests := []struct {
		file    string
		numeric string
		rows    []wantRow
	}{
		{"padded_cardno_xlsxwriter.xlsx", "EHI", padded},
		{"padded_cardno_openpyxl.xlsx", "EHI", padded},
		{"padded_cardno_libreoffice.xlsx", "EHI", padded},
		{"padded_cardno_gnumeric.xlsx", "EHI", padded},
		// xlsxwriter writes the cached results it was given, as t="e".
		{"formula_errors_xlsxwriter.xlsx", "", errRows("E:#NUM!", "E:#NULL!", "E:#N/A", "E:#NAME?")},
		// LibreOffice recalculated: SQRT(-1) is its Err:502, saved as
		// #VALUE!; the text result "#N/A" is t="str"; SUM( became SUM().
		{"formula_errors_libreoffice.xlsx", "", errRows("E:#VALUE!", "E:#REF!", "#N/A", "N:0")},
		// gnumeric: the text result is a shared string (t="s"), and the
		// broken formula an error cell of its own, #"SUM(".
		{"formula_errors_gnumeric.xlsx", "", errRows("E:#NUM!", "E:#NULL!", "#N/A", `E:#"SUM("`)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, rows, err := readAll(t, filepath.Join("testdata", tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, rows, tt.rows)
			numeric := ""
			for _, c := range r.Columns() {
				if c.Numeric {
					numeric += c.Letter
				}
			}
			if numeric != tt.numeric {
				t.Errorf("numeric columns %q, want %q", numeric, tt.numeric)
			}
			// The card numbers' zeros are not lost: no warning says so.
			checkWarnings(t, r.Warnings(), nil)
		})
	}
}

// A column of numbers without a padding format still gets its warning,
// and so does a column mixing padded and unpadded numbers.
func TestPaddedColumnWarnings(t *testing.T) {
	styles := stylesDoc(`<numFmts count="1"><numFmt numFmtId="164" formatCode="000000"/></numFmts>`,
		`<xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="1"/>`)
	tests := []struct {
		name     string
		a2, a3   string // cells of column 卡号
		want     []string
		warnings []string
	}{
		{"all padded", `<c r="A2" s="1"><v>10005</v></c>`, `<c r="A3" s="1"><v>10006</v></c>`,
			[]string{"010005", "010006"}, nil},
		{"padded and text", `<c r="A2" s="1"><v>10005</v></c>`, `<c r="A3" t="inlineStr"><is><t>010006</t></is></c>`,
			[]string{"010005", "010006"}, nil},
		{"General", `<c r="A2"><v>10005</v></c>`, `<c r="A3" s="0"><v>10006</v></c>`,
			[]string{"N:10005", "N:10006"}, []string{"column 卡号 (A) is stored as numbers in Excel: leading zeros are already lost"}},
		{"format 0", `<c r="A2" s="2"><v>10005</v></c>`, `<c r="A3" s="2"><v>10006</v></c>`,
			[]string{"N:10005", "N:10006"}, []string{"column 卡号 (A) is stored as numbers in Excel: leading zeros are already lost"}},
		{"padded and General", `<c r="A2" s="1"><v>10005</v></c>`, `<c r="A3"><v>10006</v></c>`,
			[]string{"010005", "N:10006"}, []string{"column 卡号 (A) has cells stored as numbers in Excel: their leading zeros are already lost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "w.xlsx")
			rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>` +
				`<row r="2">` + tt.a2 + `<c r="B2" t="inlineStr"><is><t>西瓜</t></is></c></row>` +
				`<row r="3">` + tt.a3 + `<c r="B3" t="inlineStr"><is><t>张三</t></is></c></row>`
			handXLSX(t, p, []string{sheetDoc(rows)}, false, map[string]string{"xl/styles.xml": styles})
			r, got, err := readAll(t, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, []wantRow{{2, []string{tt.want[0], "西瓜"}}, {3, []string{tt.want[1], "张三"}}})
			checkWarnings(t, r.Warnings(), tt.warnings)
			for _, w := range r.Warnings() {
				if tt.warnings == nil && strings.Contains(w, "leading zeros") {
					t.Errorf("warning %q", w)
				}
			}
		})
	}
}

// stylesDoc is a styles part with the given numFmts and cellXfs children.
func stylesDoc(numFmts, xfs string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + numFmts +
		`<fonts count="1"><font><sz val="11"/></font></fonts>` +
		`<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>` +
		`<cellXfs>` + xfs + `</cellXfs>` +
		`<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf></dxfs>` +
		`</styleSheet>`
}
