package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/cardimport/cardimport/validate"
)

// wantRow is a row as a test expects it: its line and its cells, each
// written "T:text", "N:number", "D:2006-01-02" or "E:#N/A" (kind prefix
// optional when the kind is text).
type wantRow struct {
	line  int
	cells []string
}

// cellString renders a cell as a wantRow writes it.
func cellString(c validate.Cell) string {
	return string("TNDE"[c.Kind]) + ":" + c.Text
}

// readAll opens a roster and reads every row; a fatal error ends it.
func readAll(t *testing.T, path string, opts Options) (*Reader, []Row, error) {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { r.Close() })
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return r, rows, nil
		}
		if err != nil {
			return r, rows, err
		}
		rows = append(rows, row)
	}
}

// checkRows compares rows cell by cell, and a date cell's Time with its
// text.
func checkRows(t *testing.T, got []Row, want []wantRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if g.Line != w.line {
			t.Errorf("row %d: line %d, want %d", i, g.Line, w.line)
		}
		if len(g.Cells) != len(w.cells) {
			t.Errorf("line %d: %d cells, want %d", g.Line, len(g.Cells), len(w.cells))
			continue
		}
		for j, c := range g.Cells {
			want := w.cells[j]
			if len(want) < 2 || want[1] != ':' {
				want = "T:" + want
			}
			if got := cellString(c); got != want {
				t.Errorf("line %d cell %s: %q, want %q", g.Line, columnLetter(j), got, want)
			}
			if c.Kind == validate.KindDate && c.Time.Format("2006-01-02") != c.Text {
				t.Errorf("line %d cell %s: Time %v does not match %q", g.Line, columnLetter(j), c.Time, c.Text)
			}
		}
	}
}

func checkWarnings(t *testing.T, got []string, want []string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.Contains(g, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no warning containing %q in %q", w, got)
		}
	}
	if len(want) == 0 && len(got) > 0 {
		t.Errorf("unexpected warnings %q", got)
	}
}

var std = []wantRow{
	{2, []string{"0100101", "123456", "109", "西瓜", "18862302465", "男"}},
	{3, []string{"0100102", "654321", "110", "张三", "13800138000", "女"}},
}

func TestCSVFixtures(t *testing.T) {
	tests := []struct {
		file      string
		opts      Options
		enc       string
		delim     string
		header    int
		names     []string // column names, when checked
		rows      []wantRow
		warnings  []string
		nextError error // fatal error after the rows
	}{
		{file: "utf8.csv", enc: "utf-8", delim: ",", header: 1, names: stdHeader, rows: std},
		{file: "utf8_bom.csv", enc: "utf-8-bom", delim: ",", header: 1, names: stdHeader, rows: std},
		{file: "utf16le_bom.txt", enc: "utf-16le", delim: "\t", header: 1, names: stdHeader, rows: std},
		{file: "utf16be_bom.csv", enc: "utf-16be", delim: ",", header: 1, names: stdHeader, rows: std},
		{file: "gb18030.csv", enc: "gb18030", delim: ",", header: 1, names: stdHeader, rows: std},
		{file: "gb18030.csv", opts: Options{Encoding: "gbk"}, enc: "gb18030", delim: ",", header: 1, rows: std},
		{file: "utf8_bom.csv", opts: Options{Encoding: "UTF-8"}, enc: "utf-8-bom", delim: ",", header: 1, names: stdHeader, rows: std},
		{file: "tab.txt", enc: "utf-8", delim: "\t", header: 1, names: stdHeader, rows: std},
		{file: "semicolon.csv", enc: "utf-8", delim: ";", header: 1, rows: []wantRow{
			{2, []string{"0100101", "西瓜", "18862302465", "100,88"}},
			{3, []string{"0100102", "张三", "13800138000", "0,5"}},
		}},
		{file: "quoted_newlines.csv", enc: "utf-8", delim: ",", header: 1, rows: []wantRow{
			{2, []string{"0100101", "西瓜", "第一行\n第二行, 有逗号", "18862302465"}},
			{4, []string{"0100102", `张"三"`, "a\nb\nc", "13800138000"}},
			{7, []string{"0100103", "李四", "plain", "13900139000"}},
		}},
		{file: "header_only.csv", enc: "utf-8", delim: ",", header: 1, names: stdHeader},
		{file: "missing_required_column.csv", enc: "utf-8", delim: ",", header: 1,
			rows:     []wantRow{{2, []string{"0100101", "西瓜", "门店"}}},
			warnings: []string{"column 会员来源 (C) is not a card field and is ignored"}},
		{file: "same_unknown_headers.csv", enc: "utf-8", delim: ",", header: 1,
			rows:     []wantRow{{2, []string{"0100101", "x", "西瓜", "y"}}},
			warnings: []string{"column 备用 (B) is not", "column 备用 (D) is not"}},
		{file: "fullwidth_headers.csv", enc: "utf-8", delim: ",", header: 1,
			names:    []string{"ＣＡＲＤ＿ＮＯ", "手机 号", "姓　名", "Ｍｏｂｉｌｅ２"},
			rows:     []wantRow{{2, []string{"0100101", "18862302465", "西瓜", "x"}}},
			warnings: []string{"Ｍｏｂｉｌｅ２ (D) is not a card field"}},
		{file: "extra_cells.csv", enc: "utf-8", delim: ",", header: 1, rows: []wantRow{
			{2, []string{"0100101", "西瓜"}},
			{3, []string{"0100102", "张三"}},
			{4, []string{"0100103", "李四"}}, // trailing empty cells: no warning
			{5, []string{"0100104", ""}},   // short row: padded
		}, warnings: []string{"line 2 has 4 cells but the header has 2 columns: cells after column B are ignored"}},
		{file: "blank_lines.csv", enc: "utf-8", delim: ",", header: 3, rows: []wantRow{
			{5, []string{"0100101", "西瓜"}},
			{9, []string{"0100102", "张三"}},
		}},
		{file: "bare_quote.csv", enc: "utf-8", delim: ",", header: 1, rows: []wantRow{
			{2, []string{"0100101", `西"瓜`, `12" 屏`}},
			{3, []string{"0100102", "张三", "ok"}},
		}, warnings: []string{`line 2 has a " inside an unquoted cell`}},
		{file: "unclosed_quote.csv", enc: "utf-8", delim: ",", header: 1, nextError: ErrUnclosedQuote},
		{file: "sep_line.csv", enc: "utf-8", delim: ";", header: 2, rows: []wantRow{{3, []string{"0100101", "西瓜"}}}},
		{file: "mac_cr.csv", enc: "utf-8", delim: ",", header: 1, rows: []wantRow{
			{2, []string{"0100101", "西瓜"}},
			{3, []string{"0100102", "张三"}},
		}},
		{file: "title_row.csv", enc: "utf-8", delim: ",", header: 2,
			rows:     []wantRow{{3, []string{"0100101", "西瓜", "18862302465", "男"}}},
			warnings: []string{"line 1 (2024年会员名单) looks like a title"}},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.opts.Encoding, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			r, rows, err := readAll(t, path, tt.opts)
			if r == nil {
				t.Fatalf("Open: %v", err)
			}
			if tt.nextError != nil {
				if !errors.Is(err, tt.nextError) {
					t.Fatalf("Next error %v, want %v", err, tt.nextError)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name the file", err)
				}
				if _, err2 := r.Next(); err2 != err {
					t.Errorf("fatal error is not sticky: %v", err2)
				}
			} else if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if r.Format() != "csv" || r.Encoding() != tt.enc || r.Delimiter() != tt.delim || r.HeaderLine() != tt.header {
				t.Errorf("format %s encoding %s delimiter %q header %d; want csv %s %q %d",
					r.Format(), r.Encoding(), r.Delimiter(), r.HeaderLine(), tt.enc, tt.delim, tt.header)
			}
			if r.Source() != path || r.Path() != path || r.Sheet() != "" {
				t.Errorf("source %q path %q sheet %q", r.Source(), r.Path(), r.Sheet())
			}
			if tt.names != nil {
				var names []string
				for _, c := range r.Columns() {
					names = append(names, c.Name)
				}
				if fmt.Sprint(names) != fmt.Sprint(tt.names) {
					t.Errorf("columns %q, want %q", names, tt.names)
				}
			}
			checkRows(t, rows, tt.rows)
			checkWarnings(t, r.Warnings(), tt.warnings)
		})
	}
}

func TestXLSXFixtures(t *testing.T) {
	tests := []struct {
		file     string
		opts     Options
		sheet    string
		header   int
		numeric  string // letters of the Numeric columns
		rows     []wantRow
		warnings []string
		err      error // fatal error from Next
	}{
		{file: "numeric_phone.xlsx", sheet: "会员", header: 1, numeric: "E", rows: []wantRow{
			{2, []string{"0100101", "123456", "109", "西瓜", "N:18862302465", "男"}},
			{3, []string{"0100102", "654321", "110", "张三", "N:15606132502", "女"}},
		}},
		{file: "date_cells.xlsx", sheet: "会员", header: 1, numeric: "CDE", rows: []wantRow{
			{2, []string{"0100101", "西瓜", "D:1990-02-03", "D:2030-12-25", "N:32907"}}, // date-formatted cells
			{3, []string{"0100102", "张三", "D:1990-02-03", "D:2029-12-25", "N:200"}},   // plain serials
			{4, []string{"0100103", "李四", "1990-02-03", "1year", "N:0"}},              // text stays text
			{5, []string{"0100104", "王五", "N:19900203", "N:60", "N:1"}},               // beyond the serial range; phantom 1900-02-29
			{6, []string{"0100105", "赵六", "D:1900-03-01", "D:1990-02-03", "N:2"}},     // serial 61; time of day dropped
		}},
		{file: "chinese_headers.xlsx", sheet: "会员名单", header: 1, rows: []wantRow{
			{2, []string{"0100101", "123456", "109", "西瓜", "18862302465", "男", "1994-01-03", "1", "100.88", "200", "2030-12-25", "11010519491231002X", "老会员", "金卡", "门店"}},
		}, warnings: []string{"column 会员来源 (O) is not a card field and is ignored"}},
		{file: "date1904.xlsx", sheet: "会员", header: 1, numeric: "C", rows: []wantRow{
			{2, []string{"0100101", "西瓜", "D:1990-02-03"}},
			{3, []string{"0100102", "张三", "D:1904-01-01"}},
		}},
		{file: "hidden_first_sheet.xlsx", sheet: "会员", header: 1,
			rows:     []wantRow{{2, []string{"0100101", "西瓜"}}},
			warnings: []string{"skipped hidden sheet 说明; reading sheet 会员"}},
		{file: "hidden_first_sheet.xlsx", opts: Options{Sheet: "说明"}, sheet: "说明", header: 1,
			warnings: []string{"sheet 说明 is hidden in Excel", "is not a card field"}},
		{file: "two_sheets.xlsx", sheet: "一店", header: 1,
			rows:     []wantRow{{2, []string{"0100101", "西瓜"}}},
			warnings: []string{"the workbook has other sheets (二店); reading only the first, 一店"}},
		{file: "two_sheets.xlsx", opts: Options{Sheet: "二店"}, sheet: "二店", header: 1, rows: []wantRow{
			{2, []string{"0200101", "张三"}},
			{3, []string{"0200102", "李四"}},
		}},
		{file: "formula.xlsx", sheet: "Sheet1", header: 1, numeric: "C", rows: []wantRow{
			{2, []string{"0100101", "西瓜", "N:200"}},
			{3, []string{"0100102", "张三", ""}},
		}, warnings: []string{"cell C3 holds a formula with no saved result"}},
		{file: "merged_cells.xlsx", sheet: "会员", header: 2, rows: []wantRow{
			{3, []string{"0100101", "西瓜", "男", "同一家"}},
			{4, []string{"0100102", "张三", "女", ""}},
			{5, []string{"0100103", "李四", "男", "x"}},
		}, warnings: []string{"row 1 (2024年会员名单) looks like a title", "merged cells D3:D4: only the top-left cell"}},
		{file: "blank_rows.xlsx", sheet: "会员", header: 3, rows: []wantRow{
			{4, []string{"0100101", "西瓜"}},
			{7, []string{"0100102", "张三"}},
			{10, []string{"0100103", "李四"}},
		}},
		{file: "id_as_number.xlsx", sheet: "Sheet1", header: 1, numeric: "AC", rows: []wantRow{
			{2, []string{"N:100101", "西瓜", "N:110105199001011000"}},
			{3, []string{"N:100102", "张三", "11010519491231002X"}},
			{4, []string{"N:100103", "李四", "N:110105194912310000"}},
		}, warnings: []string{
			"column 卡号 (A) is stored as numbers in Excel: leading zeros are already lost; format it as Text",
			"column 身份证号 (C) is stored as numbers in Excel",
		}},
		{file: "inline_strings_float_noise.xlsx", sheet: "Sheet1", header: 1, numeric: "CD", rows: []wantRow{
			{2, []string{"0100101", "西瓜", "N:82.6", "N:15606132502"}},
			{3, []string{"12E45", "张三", "N:0.3", "1.5606132502E10"}}, // text cells that look like numbers stay text
			{4, []string{"0100103", "李四", "N:0.001", "N:15606132502"}},
		}},
		{file: "truncated_sheet_xml.xlsx", sheet: "Sheet1", header: 1, rows: []wantRow{
			{2, []string{"0100101", "西瓜"}},
			{3, []string{"0100102", "张三"}},
		}, err: ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.opts.Sheet, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			r, rows, err := readAll(t, path, tt.opts)
			if r == nil {
				t.Fatalf("Open: %v", err)
			}
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				var e *Error
				if !errors.As(err, &e) || e.Path != path || e.Sheet != tt.sheet || e.Row == 0 {
					t.Errorf("error %#v does not locate file, sheet and row", err)
				}
			} else if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if r.Format() != "xlsx" || r.Sheet() != tt.sheet || r.Source() != path+":"+tt.sheet || r.HeaderLine() != tt.header {
				t.Errorf("format %s sheet %s source %s header %d", r.Format(), r.Sheet(), r.Source(), r.HeaderLine())
			}
			if r.Encoding() != "" || r.Delimiter() != "" {
				t.Errorf("xlsx has encoding %q delimiter %q", r.Encoding(), r.Delimiter())
			}
			numeric := ""
			for _, c := range r.Columns() {
				if c.Numeric {
					numeric += c.Letter
				}
			}
			if numeric != tt.numeric {
				t.Errorf("numeric columns %q, want %q", numeric, tt.numeric)
			}
			checkRows(t, rows, tt.rows)
			checkWarnings(t, r.Warnings(), tt.warnings)
		})
	}
}

func TestBigCell(t *testing.T) {
	_, rows, err := readAll(t, "testdata/big_cell.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 3 {
		t.Fatalf("rows %d", len(rows))
	}
	// A cell over Excel's 32,767 characters is kept as its first 32,768:
	// still too long, so validation finds it invalid, without the megabyte.
	if got, want := rows[0].Cells[2].Text, strings.Repeat("长", maxCellChars+1); got != want {
		t.Errorf("big cell has %d bytes, want %d", len(got), len(want))
	}
	if rows[1].Cells[0].Text != "0100102" {
		t.Errorf("row after the big cell: %+v", rows[1].Cells)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "roster.pdf")
	write(t, odd, []byte("%PDF-1.4"))
	xlsText := filepath.Join(dir, "export.xls")
	write(t, xlsText, []byte("<html><table><tr><td>卡号</td></tr></table></html>"))
	xlsxText := filepath.Join(dir, "export.xlsx")
	write(t, xlsxText, []byte("卡号,姓名\n1,2\n"))
	csvZip := filepath.Join(dir, "roster.csv")
	data, err := os.ReadFile("testdata/numeric_phone.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	write(t, csvZip, data)
	legacyAsXLSX := filepath.Join(dir, "old.xlsx")
	legacy, _ := os.ReadFile("testdata/legacy.xls")
	write(t, legacyAsXLSX, legacy)
	emptyCSV := filepath.Join(dir, "empty.csv")
	write(t, emptyCSV, nil)
	blankCSV := filepath.Join(dir, "blank.csv")
	write(t, blankCSV, []byte("\xEF\xBB\xBF\r\n , ,\r\n\u3000\r\n"))
	renamed := filepath.Join(dir, "renamed.xls")
	write(t, renamed, data)

	tests := []struct {
		path string
		opts Options
		is   []error
		msg  string
	}{
		// An OLE header and nothing else: an .xls, but a damaged one.
		{path: "testdata/legacy.xls", is: []error{ErrCorrupt},
			msg: "testdata/legacy.xls is damaged: it is an Excel 97-2003 workbook (.xls) that cannot be read"},
		{path: legacyAsXLSX, is: []error{ErrCorrupt}, msg: "is damaged: it is an Excel 97-2003 workbook (.xls) that cannot be read"},
		{path: "testdata/encrypted.xlsx", is: []error{ErrEncrypted, ErrUnsupportedFormat}, msg: "is a password-protected workbook"},
		{path: "testdata/empty.xlsx", is: []error{ErrEmpty}, msg: "testdata/empty.xlsx is empty (0 bytes)"},
		{path: "testdata/truncated.xlsx", is: []error{ErrCorrupt}, msg: "is damaged or truncated"},
		{path: "testdata/not_an_xlsx.xlsx", is: []error{ErrCorrupt}, msg: "is a zip archive but not an Excel workbook"},
		{path: "testdata/binary_garbage.csv", is: []error{ErrNotText}, msg: "testdata/binary_garbage.csv does not look like a text roster"},
		{path: "testdata/binary_garbage.csv", opts: Options{Encoding: "gbk"}, is: []error{ErrNotText}, msg: "does not look like a text roster"},
		{path: "testdata/duplicate_headers.csv", is: []error{ErrDuplicateColumn},
			msg: "line 1: columns 电话 (C) and 手机 (D) both name the field phone"},
		{path: "testdata/gb18030.csv", opts: Options{Encoding: "utf-8"}, is: []error{ErrEncoding},
			msg: "testdata/gb18030.csv: line 1: not valid UTF-8 (--encoding utf-8)"},
		{path: "testdata/two_sheets.xlsx", opts: Options{Sheet: "三店"}, is: []error{ErrNoSheet},
			msg: "--sheet 三店: the workbook has no such sheet; its sheets are: 一店, 二店"},
		{path: "testdata/utf8.csv", opts: Options{Encoding: "latin1"}, is: []error{ErrBadOption}, msg: "--encoding latin1"},
		{path: "testdata/utf8.csv", opts: Options{Map: map[string]string{"姓名": "nom"}}, is: []error{ErrBadMap},
			msg: `--map 姓名=nom: "nom" is not a field`},
		{path: "testdata/utf8.csv", opts: Options{Map: map[string]string{"会员名": "name"}}, is: []error{ErrBadMap},
			msg: `line 1: --map 会员名=name: the header has no column "会员名"; it has: 卡号, 密码`},
		{path: "testdata/utf8.csv", opts: Options{Map: map[string]string{"姓名": "name", "手机号": "name"}}, is: []error{ErrDuplicateColumn},
			msg: "--map gives field name to two columns"},
		{path: odd, is: []error{ErrUnsupportedFormat}, msg: "has the extension .pdf: a roster must be .xlsx, .xls, .csv or .txt"},
		{path: xlsText, is: []error{ErrUnsupportedFormat}, msg: "is not an Excel workbook although it is named .xls (it holds a web page"},
		{path: xlsxText, is: []error{ErrCorrupt}, msg: "is not an .xlsx workbook: it is not a zip archive"},
		{path: csvZip, is: []error{ErrNotText}, msg: "is a zip archive, probably an .xlsx workbook with a .csv name"},
		{path: emptyCSV, is: []error{ErrEmpty}, msg: "empty.csv is empty (0 bytes)"},
		{path: blankCSV, is: []error{ErrEmpty}, msg: "blank.csv has no non-empty row"},
		{path: filepath.Join(dir, "missing.csv"), is: []error{os.ErrNotExist}, msg: "missing.csv"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			r, err := Open(tt.path, tt.opts)
			if err == nil {
				r.Close()
				t.Fatal("no error")
			}
			for _, is := range tt.is {
				if !errors.Is(err, is) {
					t.Errorf("error %q is not %v", err, is)
				}
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != tt.path {
				t.Errorf("error %#v is not an *Error for %s", err, tt.path)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}

	// An .xlsx renamed .xls is read, with a warning.
	r, rows, err := readAll(t, renamed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Errorf("renamed .xls: %d rows", len(rows))
	}
	checkWarnings(t, r.Warnings(), []string{"is an .xlsx workbook with an .xls name"})
}

func TestMap(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "map.csv")
	write(t, p, []byte("卡号,新卡号,客户名称,Tel\n1,0100101,西瓜,18862302465\n"))
	r, rows, err := readAll(t, p, Options{Map: map[string]string{"新 卡号": "cardno", "客户名称": "Name", "tel": "phone"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Require([]validate.Field{validate.Cardno, validate.Name, validate.Phone}); err != nil {
		t.Fatal(err)
	}
	in := r.Input(rows[0])
	if in.Cells[validate.Cardno].Text != "0100101" || in.Columns[validate.Cardno] != "新卡号" {
		t.Errorf("cardno %q from %q", in.Cells[validate.Cardno].Text, in.Columns[validate.Cardno])
	}
	if in.Cells[validate.Name].Text != "西瓜" || in.Cells[validate.Phone].Text != "18862302465" {
		t.Errorf("input %+v", in.Cells)
	}
	checkWarnings(t, r.Warnings(), []string{"column 卡号 (A) would be cardno, but --map gives cardno to column 新卡号 (B): 卡号 is ignored"})

	// --map settles two columns that both alias phone.
	r, rows, err = readAll(t, "testdata/duplicate_headers.csv", Options{Map: map[string]string{"手机": "phone"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Input(rows[0]).Cells[validate.Phone].Text; got != "18862302465" {
		t.Errorf("phone %q", got)
	}
	if c, ok := r.Column(validate.Phone); !ok || c.Letter != "D" {
		t.Errorf("phone column %+v", c)
	}
}

func TestRequire(t *testing.T) {
	r, err := Open("testdata/missing_required_column.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Require([]validate.Field{validate.Cardno, validate.Name}); err != nil {
		t.Errorf("Require(cardno, name): %v", err)
	}
	err = r.Require([]validate.Field{validate.Cardno, validate.Phone, validate.Sex})
	if !errors.Is(err, ErrMissingColumn) {
		t.Fatalf("error %v", err)
	}
	for _, want := range []string{
		"testdata/missing_required_column.csv: missing required columns",
		"phone (a column named 手机, 手机号, 手机号码, 电话, mobile, phone)",
		"sex (a column named 性别, gender, sex)",
		"the header (line 1) has: 卡号, 姓名, 会员来源",
		"--map",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not contain %q", err, want)
		}
	}
}

func TestInput(t *testing.T) {
	r, rows, err := readAll(t, "testdata/date_cells.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := r.Input(rows[0])
	if in.Source != "testdata/date_cells.xlsx:会员" || in.Row != 2 {
		t.Errorf("source %q row %d", in.Source, in.Row)
	}
	b := in.Cells[validate.Birthday]
	if b.Kind != validate.KindDate || !b.Time.Equal(time.Date(1990, 2, 3, 0, 0, 0, 0, time.UTC)) || in.Columns[validate.Birthday] != "生日" {
		t.Errorf("birthday %+v from %q", b, in.Columns[validate.Birthday])
	}
	if in.Columns[validate.Phone] != "" || in.Cells[validate.Phone] != (validate.Cell{}) {
		t.Errorf("phone has no column but got %q %+v", in.Columns[validate.Phone], in.Cells[validate.Phone])
	}
}

// Rows handed out are never reused by later calls (CSV reads with
// ReuseRecord).
func TestRowsAreNotReused(t *testing.T) {
	_, rows, err := readAll(t, "testdata/utf8.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, rows, std)
}

// A malformed line beyond the sniffed start concerns that line only: an
// ErrBadRecord row error, then reading goes on.
func TestBadRecordIsARowError(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("卡号,姓名\n")
	n := 0
	for b.Len() < 2*sniffSize {
		n++
		fmt.Fprintf(&b, "%07d,会员%d\n", n, n)
	}
	bad := n + 2
	b.WriteString("9999999,西\"瓜\n")
	b.WriteString("9999998,\"a\"b\n")
	b.WriteString("9999997,最后\n")
	r, err := NewCSV("late.csv", bytes.NewReader(b.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	var bads []int
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, ErrBadRecord) {
			bads = append(bads, row.Line)
			if len(row.Cells) != 2 {
				t.Errorf("bad row cells %d", len(row.Cells))
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("late.csv: line %d: ", row.Line)) {
				t.Errorf("error %q", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, row.Line)
	}
	if fmt.Sprint(bads) != fmt.Sprint([]int{bad, bad + 1}) {
		t.Errorf("bad lines %v, want %d and %d", bads, bad, bad+1)
	}
	if len(lines) != n+1 || lines[len(lines)-1] != bad+2 {
		t.Errorf("%d good rows, last on line %d", len(lines), lines[len(lines)-1])
	}
}

// With lazy quotes (chosen because the start has a bare quote) an unclosed
// quote must not swallow the rest of the file silently.
func TestLazyQuotesUnclosed(t *testing.T) {
	in := "卡号,姓名,备注\n1,西\"瓜,x\n2,\"张三,y\n3,李四,z\n4,王五,w\n"
	r, err := NewCSV("lazy.csv", strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil || row.Line != 2 {
		t.Fatalf("first row %+v %v", row, err)
	}
	_, err = r.Next()
	if !errors.Is(err, ErrUnclosedQuote) || !strings.Contains(err.Error(), "lazy.csv: line 3") {
		t.Fatalf("error %v", err)
	}
}

func TestEncodingErrors(t *testing.T) {
	// Valid UTF-8 for the first 64 KiB, then a GBK line: the reader must
	// stop at that line, not decode it into mojibake.
	var b bytes.Buffer
	b.WriteString("卡号,姓名\n")
	line := 1
	for b.Len() < sniffSize+100 {
		line++
		fmt.Fprintf(&b, "%07d,会员\n", line)
	}
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("0000000,西瓜\n"))
	b.Write(gbk)
	r, err := NewCSV("mixed.csv", bytes.NewReader(b.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Encoding() != "utf-8" {
		t.Errorf("encoding %s", r.Encoding())
	}
	rows := 0
	for {
		_, err = r.Next()
		if err != nil {
			break
		}
		rows++
	}
	if rows != line-1 {
		t.Errorf("%d rows before the error, want %d", rows, line-1)
	}
	if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), fmt.Sprintf("mixed.csv: line %d: not valid UTF-8", line+1)) {
		t.Errorf("error %v", err)
	}

	// A truncated multi-byte character at the end of the file.
	r, err = NewCSV("cut.csv", strings.NewReader("卡号,姓名\n1,西\xe7\x93"), Options{Encoding: "utf-8"})
	if err == nil {
		_, err = r.Next()
	}
	if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("cut rune: %v", err)
	}
}

func TestBOMlessUTF16(t *testing.T) {
	b := utf16Bytes(t, "卡号\t姓名\r\n0100101\t西瓜\r\n", unicode.LittleEndian)
	b = b[2:] // drop the BOM
	r, err := NewCSV("nobom.txt", bytes.NewReader(b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil || row.Cells[1].Text != "西瓜" || r.Encoding() != "utf-16be" && r.Encoding() != "utf-16le" {
		t.Fatalf("%+v %v %s", row, err, r.Encoding())
	}
	checkWarnings(t, r.Warnings(), []string{"UTF-16 without a byte-order mark"})
}

func TestExcelNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"82.59999999999999", "82.6"},
		{"82.599999999999994", "82.6"},
		{"0.30000000000000004", "0.3"},
		{"1.10105199001011E+17", "110105199001011000"},
		{"1.5606132502E+10", "15606132502"},
		{"15606132502.0", "15606132502"},
		{"1E-3", "0.001"},
		{"-1.5", "-1.5"},
		{"100.88", "100.88"},
		{"0.0", "0"},
		{"1.23456789012345678E+3", "1234.56789012346"},
		{"9.99999999999999E+307", "999999999999999" + strings.Repeat("0", 293)},
	}
	for _, tt := range tests {
		got, ok := excelNumber(tt.in)
		if !ok || got != tt.want {
			t.Errorf("excelNumber(%q) = %q %v, want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "abc", "1e400", "NaN"} {
		if got, ok := excelNumber(bad); ok {
			t.Errorf("excelNumber(%q) = %q, want failure", bad, got)
		}
	}
}

func TestSerialDate(t *testing.T) {
	tests := []struct {
		serial string
		d1904  bool
		want   string // "" = not a date
	}{
		{"1", false, "1900-01-01"},
		{"59", false, "1900-02-28"},
		{"60", false, ""}, // Lotus' 1900-02-29
		{"61", false, "1900-03-01"},
		{"32907", false, "1990-02-03"},
		{"32907.999", false, "1990-02-03"},
		{"2958465", false, "9999-12-31"},
		{"2958466", false, ""},
		{"0", false, ""},
		{"-1", false, ""},
		{"0", true, "1904-01-01"},
		{"31445", true, "1990-02-03"},
		{"32907", true, "1994-02-04"}, // 1462 days later
		{"19900203", false, ""},
	}
	for _, tt := range tests {
		tm, ok := serialDate(tt.serial, tt.d1904)
		got := ""
		if ok {
			got = tm.Format("2006-01-02")
			if tm.Location() != time.UTC || tm.Hour() != 0 {
				t.Errorf("%s: %v is not UTC midnight", tt.serial, tm)
			}
		}
		if got != tt.want {
			t.Errorf("serialDate(%s, 1904=%v) = %q, want %q", tt.serial, tt.d1904, got, tt.want)
		}
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b;c\n1,5;2,5;3\n", ';'},
		{"a\tb\n1,000\t2\n", '\t'},
		{"name,addr\n张三,\"x;y;z\"\n", ','},
		{"单列\n1\n2\n", ','},
		{"a;b\n", ';'},
		{"\"a,b\";c;d\n1;2;3\n", ';'},
		{"", ','},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.in), true, false); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestCheckOptions(t *testing.T) {
	for _, enc := range []string{"", "auto", "UTF-8", "utf8", "gbk", "GB18030", "utf-16", "utf-16le", "utf-16be"} {
		if err := CheckOptions(Options{Encoding: enc}); err != nil {
			t.Errorf("encoding %q: %v", enc, err)
		}
	}
	if err := CheckOptions(Options{Map: map[string]string{"x": "phone", "y": "ext_info"}}); err != nil {
		t.Error(err)
	}
	if err := CheckOptions(Options{Map: map[string]string{" ": "phone"}}); !errors.Is(err, ErrBadMap) {
		t.Errorf("empty column: %v", err)
	}
}

func TestClose(t *testing.T) {
	for _, p := range []string{"testdata/utf8.csv", "testdata/numeric_phone.xlsx"} {
		r, err := Open(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("%s: Close: %v", p, err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("%s: second Close: %v", p, err)
		}
		if _, err := r.Next(); err == nil || err == io.EOF {
			t.Errorf("%s: Next after Close: %v", p, err)
		}
	}
}

// InputTo fills a reused Input exactly as Input builds a new one.
func TestInputTo(t *testing.T) {
	r, rows, err := readAll(t, "testdata/date_cells.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var in validate.Input
	for _, row := range rows {
		r.InputTo(&in, row)
		if want := r.Input(row); in != *want {
			t.Errorf("row %d: InputTo %+v, Input %+v", row.Line, in, *want)
		}
	}
	if testing.AllocsPerRun(100, func() { r.InputTo(&in, rows[0]) }) != 0 {
		t.Error("InputTo allocates")
	}
}
