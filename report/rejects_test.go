package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/validate"
)

var (
	headerA = []string{"卡号", "姓名", "手机号", "生日", "备注"}
	headerB = []string{"会员卡号", "手机", "性别", "备注", "备注", "错误原因"}
)

func date(y int, m time.Month, d int) validate.Cell {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return validate.Cell{Text: t.Format("2006-01-02"), Kind: validate.KindDate, Time: t}
}

func text(s string) validate.Cell { return validate.TextCell(s) }

func number(s string) validate.Cell { return validate.Cell{Text: s, Kind: validate.KindNumber} }

// rejectsA are rows of a roster with headerA.
func rejectsA() []Reject {
	return []Reject{
		{Source: "a.xlsx:会员", Header: headerA, Cells: []validate.Cell{text("00123"), text("张三"), number("1380013800"), date(1990, 2, 3), text("老客户, VIP")},
			Reason: `手机号 "1380013800": 10 digits, a CN mobile has 11`},
		{Source: "a.xlsx:会员", Header: headerA, Cells: []validate.Cell{text("00124"), text("=李四"), text("13800138000"), text(""), text("")},
			Reason: "platform: 卡号已存在"},
	}
}

// rejectsB are rows of a second roster whose header differs.
func rejectsB() []Reject {
	return []Reject{
		{Source: "b.csv", Header: headerB, Cells: []validate.Cell{text("B001"), text("15606132502"), text("X"), text("一"), text("二"), text("old reason")},
			Reason: `性别 "X": use 男 or 女`},
	}
}

func writeRejects(t *testing.T, path string, rs ...Reject) int {
	t.Helper()
	w, err := CreateRejects(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, r := range rs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	n, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func readRejectsCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b := readFile(t, path)
	if !bytes.HasPrefix(b, []byte(utf8BOM)) {
		t.Error("no UTF-8 BOM")
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("no \\r\\n line ends")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[len(utf8BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestRejectsCSVSingleRoster(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.rejects.csv")
	if n := writeRejects(t, path, rejectsA()...); n != 2 {
		t.Errorf("rows %d", n)
	}
	got := readRejectsCSV(t, path)
	want := [][]string{
		{"卡号", "姓名", "手机号", "生日", "备注", ReasonColumn},
		{"00123", "张三", "1380013800", "1990-02-03", "老客户, VIP", `手机号 "1380013800": 10 digits, a CN mobile has 11`},
		{"00124", "'=李四", "13800138000", "", "", "platform: 卡号已存在"}, // not masked; a formula guarded (the reader unguards it)
	}
	if !equalRecords(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("rejects file mode %v, %v: want 0600 (it holds full phones)", fi.Mode().Perm(), err)
	}
	noTempFiles(t, dir)
}

func TestRejectsUnionOfHeaders(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rejects.csv")
	rs := append(rejectsA()[:1], rejectsB()...)
	rs = append(rs, rejectsA()[1])
	if n := writeRejects(t, path, rs...); n != 3 {
		t.Errorf("rows %d", n)
	}
	got := readRejectsCSV(t, path)
	// 会员卡号 and 卡号 are both cardno, 手机 and 手机号 both phone: one column
	// each. The second 备注 of B is a column of its own; B's old 错误原因 is
	// replaced by the new reason.
	want := [][]string{
		{"卡号", "姓名", "手机号", "生日", "备注", "性别", "备注", ReasonColumn},
		{"00123", "张三", "1380013800", "1990-02-03", "老客户, VIP", "", "", `手机号 "1380013800": 10 digits, a CN mobile has 11`},
		{"B001", "", "15606132502", "", "一", "X", "二", `性别 "X": use 男 or 女`},
		{"00124", "'=李四", "13800138000", "", "", "", "", "platform: 卡号已存在"},
	}
	if !equalRecords(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestRejectsXLSX(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rejects.xlsx")
	rs := append(rejectsA(), rejectsB()...)
	if n := writeRejects(t, path, rs...); n != 3 {
		t.Errorf("rows %d", n)
	}
	noTempFiles(t, dir)
	assertWellFormed(t, path)
	f := openXLSX(t, path)
	if got := f.GetSheetList(); len(got) != 1 || got[0] != RejectsSheet {
		t.Errorf("sheets %v", got)
	}
	rows, err := f.GetRows(RejectsSheet)
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"卡号", "姓名", "手机号", "生日", "备注", "性别", "备注", ReasonColumn}
	if strings.Join(rows[0], "|") != strings.Join(wantHeader, "|") || len(rows) != 4 {
		t.Fatalf("rows %q", rows)
	}
	// Identifiers are strings, leading zeros and all; the phone is not masked.
	for cell, want := range map[string]string{"A2": "00123", "C2": "1380013800", "A4": "B001", "C4": "15606132502", "H2": `手机号 "1380013800": 10 digits, a CN mobile has 11`} {
		v, _ := f.GetCellValue(RejectsSheet, cell)
		typ, _ := f.GetCellType(RejectsSheet, cell)
		if v != want || typ != excelize.CellTypeInlineString {
			t.Errorf("%s = %q (%v), want string %q", cell, v, typ, want)
		}
	}
	// The date is a real date cell formatted yyyy-mm-dd.
	raw, _ := f.GetCellValue(RejectsSheet, "D2", excelize.Options{RawCellValue: true})
	if raw != "32907" { // 1990-02-03 as an Excel serial
		t.Errorf("D2 raw %q, want the serial 32907", raw)
	}
	if v, _ := f.GetCellValue(RejectsSheet, "D2"); v != "1990-02-03" {
		t.Errorf("D2 shows %q", v)
	}
	if st := styleOf(t, f, RejectsSheet, "D2"); st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("D2 format %+v", st.CustomNumFmt)
	}
	// Identifier columns (cardno, phone) formatted as Text; others not.
	for col, want := range map[string]bool{"A": true, "C": true, "B": false, "E": false} {
		id, err := f.GetColStyle(RejectsSheet, col)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.GetStyle(id)
		if (st.NumFmt == numFmtText) != want {
			t.Errorf("column %s text format = %v, want %v", col, st.NumFmt == numFmtText, want)
		}
	}
	if hs := styleOf(t, f, RejectsSheet, "A1"); hs.Font == nil || !hs.Font.Bold {
		t.Error("header not bold")
	}
	if panes, _ := f.GetPanes(RejectsSheet); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v", panes)
	}
	sheetXML := zipEntry(t, path, "xl/worksheets/sheet1.xml")
	if !strings.Contains(sheetXML, `<dimension ref="A1:H4"`) {
		t.Error("dimension not A1:H4")
	}
	assertColsAscending(t, sheetXML)
}

// TestRejectsDatesCSV checks that date cells come back as 2006-01-02.
func TestRejectsDatesCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	writeRejects(t, path, Reject{Header: []string{"生日", "有效期"}, Cells: []validate.Cell{date(2000, 12, 31), date(2030, 1, 5)}, Reason: "x"})
	got := readRejectsCSV(t, path)
	if got[1][0] != "2000-12-31" || got[1][1] != "2030-01-05" {
		t.Errorf("dates %q", got[1])
	}
}

func TestRejectsNone(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		dir := t.TempDir()
		path := filepath.Join(dir, "r"+ext)
		if n := writeRejects(t, path); n != 0 {
			t.Errorf("%s: rows %d", ext, n)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: file written for zero rejects: %v", ext, err)
		}
		noTempFiles(t, dir)

		// An older file is left alone.
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		writeRejects(t, path)
		if string(readFile(t, path)) != "old" {
			t.Errorf("%s: older file changed", ext)
		}
	}
}

func TestRejectsAbortAndMisuse(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.xlsx")
	w, err := CreateRejects(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rejectsA() {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rejectsA()[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Abort: %v", err)
	}
	if _, err := w.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("Close after Abort: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("aborted rejects written")
	}
	noTempFiles(t, dir)

	if _, err := CreateRejects(filepath.Join(dir, "r.json"), nil); err == nil || !strings.Contains(err.Error(), ".csv, .xlsx") {
		t.Errorf("json rejects: %v", err)
	}
}

func TestRejectsExtraCells(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	writeRejects(t, path, Reject{Header: []string{"卡号"}, Cells: []validate.Cell{text("1"), text("stray")}, Reason: "x"})
	got := readRejectsCSV(t, path)
	if !equalRecords(got, [][]string{{"卡号", "", ReasonColumn}, {"1", "stray", "x"}}) {
		t.Errorf("got %q", got)
	}
}

func equalRecords(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\x00") != strings.Join(b[i], "\x00") || len(a[i]) != len(b[i]) {
			return false
		}
	}
	return true
}

func TestScientific(t *testing.T) {
	for _, tt := range []struct{ digits, want string }{
		{"110105197305275000", "1.10105197305275E+17"},
		{"6222000012345680000", "6.22200001234568E+18"},
		{"6222000012345678", "6.222000012345678E+15"},
		{"1000000000000000", "1E+15"},
	} {
		if got := scientific(tt.digits); got != tt.want {
			t.Errorf("scientific(%s) = %s, want %s", tt.digits, got, tt.want)
		}
	}
}
