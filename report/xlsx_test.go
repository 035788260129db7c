package report

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
	"github.com/xuri/excelize/v2"
)

func openXLSX(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// zipEntry returns the raw text of one part of an xlsx package.
func zipEntry(t *testing.T, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return ""
}

// styleOf returns the style of a cell.
func styleOf(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func fillColor(st *excelize.Style) string {
	if len(st.Fill.Color) == 0 {
		return ""
	}
	return strings.ToUpper(strings.TrimPrefix(st.Fill.Color[0], "#"))
}

func TestXLSXReport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.xlsx")
	writeReport(t, path, Options{}, fixtureSummary())
	noTempFiles(t, dir)
	assertWellFormed(t, path)
	f := openXLSX(t, path)

	if got := f.GetSheetList(); strings.Join(got, ",") != "report,summary" {
		t.Fatalf("sheets %v", got)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d", f.GetActiveSheetIndex())
	}
	rows, err := f.GetRows(ReportSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	lines := fixtureLines()
	if len(rows) != len(lines)+1 || strings.Join(rows[0], ",") != strings.Join(Columns, ",") {
		t.Fatalf("rows %v", rows)
	}
	for i, l := range lines {
		r := rows[i+1]
		for len(r) < len(Columns) {
			r = append(r, "")
		}
		vals := lineValues(&l)
		for c := range Columns {
			if r[c] != vals[c] {
				t.Errorf("row %d %s = %q, want %q", l.Row, Columns[c], r[c], vals[c])
			}
		}
		if r[6] != validate.MaskPhone(l.Phone) {
			t.Errorf("row %d: phone %q", l.Row, r[6])
		}
	}
	// XLSX is never evaluated: the formula-looking name is kept as typed.
	if rows[3][5] != lines[2].Name {
		t.Errorf("name %q", rows[3][5])
	}

	// Cell types: identifiers are strings, row and attempts numbers.
	for _, c := range []struct {
		cell string
		want excelize.CellType
	}{
		{"D2", excelize.CellTypeInlineString}, // cardno 100101
		{"D5", excelize.CellTypeInlineString}, // cardno 00104
		{"E2", excelize.CellTypeInlineString}, // extid
		{"G2", excelize.CellTypeInlineString}, // phone
		{"I2", excelize.CellTypeInlineString}, // id
		{"J2", excelize.CellTypeInlineString}, // balance
	} {
		got, err := f.GetCellType(ReportSheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s type %v, want %v", c.cell, got, c.want)
		}
	}
	// Numbers carry no t attribute (excelize reads them as "unset").
	sheetXML := zipEntry(t, path, "xl/worksheets/sheet1.xml")
	for _, c := range []string{`B2`, `K2`, `B9`, `K5`} {
		if !regexp.MustCompile(`<c r="` + c + `"( s="\d+")?><v>\d+</v></c>`).MatchString(sheetXML) {
			t.Errorf("%s is not a number cell", c)
		}
	}
	if v, _ := f.GetCellValue(ReportSheet, "D5"); v != "00104" {
		t.Errorf("cardno lost its zeros: %q", v)
	}

	// Header style, text format on identifiers.
	hs := styleOf(t, f, ReportSheet, "A1")
	if hs.Font == nil || !hs.Font.Bold || fillColor(hs) != headerFill {
		t.Errorf("header style %+v font %+v", hs.Fill, hs.Font)
	}
	if st := styleOf(t, f, ReportSheet, "D2"); st.NumFmt != numFmtText {
		t.Errorf("cardno numfmt %d", st.NumFmt)
	}

	// Highlights by status: rows 2.. are issued, skipped, invalid, rejected,
	// exists, unknown, valid.
	for i, want := range []string{"", "", redFill, redFill, yellowFill, yellowFill, "", yellowFill} {
		for _, col := range []string{"A", "B", "L"} {
			cell := col + strconv.Itoa(i+2)
			if got := fillColor(styleOf(t, f, ReportSheet, cell)); got != want {
				t.Errorf("%s (%s) fill %q, want %q", cell, lines[i].Status, got, want)
			}
		}
	}

	// Frozen header.
	panes, err := f.GetPanes(ReportSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v", panes)
	}
	// Column widths.
	if w, _ := f.GetColWidth(ReportSheet, "L"); w != 60 {
		t.Errorf("message width %v", w)
	}

	// Autofilter over the data and a dimension readers can trust.
	// (excelize writes the filter's range with $ anchors.)
	if !regexp.MustCompile(`<autoFilter ref="\$?A\$?1:\$?L\$?9"`).MatchString(sheetXML) {
		t.Errorf("no autofilter over A1:L9 in %s", sheetXML[strings.LastIndex(sheetXML, "</sheetData>"):])
	}
	if !strings.Contains(sheetXML, `<dimension ref="A1:L9"`) {
		t.Error("dimension not A1:L9")
	}
	var filterName bool
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && dn.RefersTo == "'report'!$A$1:$L$9" {
			filterName = true
		}
	}
	if !filterName {
		t.Errorf("no _FilterDatabase name: %+v", f.GetDefinedName())
	}
	assertColsAscending(t, sheetXML)
	if strings.Contains(sheetXML, "18862302465") {
		t.Error("unmasked phone in the sheet")
	}

	// Summary sheet.
	sum, err := f.GetRows(SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range sum {
		if len(r) == 2 {
			got[r[0]] = append(got[r[0]], r[1])
		}
	}
	for label, want := range map[string]string{
		"issued": "1", "skipped": "1", "valid": "1", "invalid": "1", "rejected": "1", "exists": "1", "unknown": "1", "pending": "1",
		"rows": "8", "requests": "12", "retries": "3", "throttled": "1", "elapsed (s)": "2.5", "rows/s": "3.2",
		"roster balance": "1344.28", "confirmed balance": "100.88", "roster points": "200", "confirmed points": "0",
		"report": "门店A.report.xlsx", "rejects": "门店A.rejects.xlsx", "journal": "cardimport.db",
		"sandbox": SandboxBanner, "exit code": "3",
	} {
		if len(got[label]) != 1 || got[label][0] != want {
			t.Errorf("summary %q = %v, want %q", label, got[label], want)
		}
	}
	if r := got["roster"]; len(r) != 2 || r[0] != "门店A.xlsx (xlsx, sheet 会员, 3 rows)" || r[1] != `b.csv (csv, gb18030, delimiter ";", 5 rows)` {
		t.Errorf("rosters %q", r)
	}
	if len(got["warning"]) != 1 {
		t.Errorf("warnings %v", got["warning"])
	}
	// Counts in platform.Statuses order.
	var order []string
	for _, r := range sum {
		for _, s := range platform.Statuses {
			if r[0] == string(s) {
				order = append(order, r[0])
			}
		}
	}
	var want []string
	for _, s := range platform.Statuses {
		want = append(want, string(s))
	}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("count order %v", order)
	}
	if t2, _ := f.GetCellType(SummarySheet, "B"+rowOf(sum, "rows")); t2 == excelize.CellTypeInlineString {
		t.Error("summary rows is a string")
	}
	if !regexp.MustCompile(`<dimension ref="A1:B\d+"`).MatchString(zipEntry(t, path, "xl/worksheets/sheet2.xml")) {
		t.Error("summary sheet dimension not set")
	}
}

func rowOf(rows [][]string, label string) string {
	for i, r := range rows {
		if len(r) > 0 && r[0] == label {
			return strconv.Itoa(i + 1)
		}
	}
	return "0"
}

func TestXLSXReportEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.xlsx")
	w, err := Create(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, path)
	rows, err := f.GetRows(ReportSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Errorf("rows %v", rows)
	}
	if !strings.Contains(zipEntry(t, path, "xl/worksheets/sheet1.xml"), `<dimension ref="A1:L1"`) {
		t.Error("dimension")
	}
	if v, _ := f.GetCellValue(SummarySheet, "B1"); v != "0" { // issued
		t.Errorf("summary B1 %q", v)
	}
}

// assertColsAscending checks the <col> elements are in ascending order, as
// Excel requires (it reports a damaged file otherwise).
func assertColsAscending(t *testing.T, sheetXML string) {
	t.Helper()
	last := 0
	for _, m := range regexp.MustCompile(`<col\b[^>]*\bmin="(\d+)"`).FindAllStringSubmatch(sheetXML, -1) {
		n, _ := strconv.Atoi(m[1])
		if n <= last {
			t.Errorf("<col> not ascending: %d after %d", n, last)
		}
		last = n
	}
	if last == 0 {
		t.Error("no <col> widths")
	}
}

// assertWellFormed parses every XML part of an xlsx package.
func assertWellFormed(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") && !strings.HasSuffix(f.Name, ".vml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(rc)
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: %s: %v", path, f.Name, err)
				break
			}
		}
		rc.Close()
	}
}
