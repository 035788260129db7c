package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

func TestCSVReportGolden(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	writeReport(t, path, Options{}, fixtureSummary())
	got := readFile(t, path)
	golden(t, "report.csv", got)

	if !bytes.HasPrefix(got, []byte(utf8BOM)) {
		t.Error("no UTF-8 BOM")
	}
	if bytes.Count(got, []byte("\r\n")) < len(fixtureLines())+1 {
		t.Error("lines do not end in \\r\\n")
	}
	// Read back: every line, masked phones, the formula defused, quotes
	// and commas survive.
	recs, err := csv.NewReader(bytes.NewReader(got[len(utf8BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(fixtureLines())+1 {
		t.Fatalf("%d records, want %d", len(recs), len(fixtureLines())+1)
	}
	if strings.Join(recs[0], ",") != strings.Join(Columns, ",") {
		t.Errorf("header %v", recs[0])
	}
	for i, l := range fixtureLines() {
		rec := recs[i+1]
		if rec[6] != defuseFormula(validate.MaskPhone(l.Phone), false) || strings.Contains(string(got), l.Phone) {
			t.Errorf("row %d: phone %q not masked", l.Row, rec[6])
		}
		if rec[2] != string(l.Status) {
			t.Errorf("row %d: status %q", l.Row, rec[2])
		}
	}
	if recs[3][5] != `'=HYPERLINK("http://x","点我")` {
		t.Errorf("formula not defused: %q", recs[3][5])
	}
	if recs[3][4] != "-111" {
		t.Errorf("extid changed: %q", recs[3][4])
	}
	if recs[7][5] != "'@钱七" {
		t.Errorf("@ name not defused: %q", recs[7][5])
	}
	if want := `手机号 "13****00": 10 digits, a CN mobile has 11; 性别 "X": use 男 or 女`; recs[3][11] != want {
		t.Errorf("message %q, want %q (quotes and comma kept, phone masked)", recs[3][11], want)
	}
	noTempFiles(t, dir)
}

func TestJSONReportGolden(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	writeReport(t, path, Options{}, fixtureSummary())
	got := readFile(t, path)
	golden(t, "report.json", got)

	var doc struct {
		Rows    []map[string]any `json:"rows"`
		Summary map[string]any   `json:"summary"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rows) != len(fixtureLines()) {
		t.Fatalf("%d rows", len(doc.Rows))
	}
	for i, l := range fixtureLines() {
		r := doc.Rows[i]
		if len(r) != len(Columns) {
			t.Errorf("row %d: %d keys", i, len(r))
		}
		if r["row"] != float64(l.Row) || r["attempts"] != float64(l.Attempts) {
			t.Errorf("row %d: row/attempts not numbers: %v %v", i, r["row"], r["attempts"])
		}
		if r["phone"] != validate.MaskPhone(l.Phone) {
			t.Errorf("row %d: phone %v", i, r["phone"])
		}
		if r["name"] != l.Name || r["message"] != strings.ReplaceAll(l.Message, l.Phone, validate.MaskPhone(l.Phone)) {
			t.Errorf("row %d: name/message changed: %v / %v", i, r["name"], r["message"])
		}
		for _, k := range []string{"cardno", "extid", "mbno", "id", "balance"} {
			if _, ok := r[k].(string); !ok {
				t.Errorf("row %d: %s is %T", i, k, r[k])
			}
		}
	}
	if doc.Summary["rows"] != float64(8) || doc.Summary["elapsed_seconds"] != 2.5 {
		t.Errorf("summary %v", doc.Summary)
	}
}

func TestJSONReportEmptyAndNilSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	w, err := Create(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rows    []any    `json:"rows"`
		Summary *Summary `json:"summary"`
	}
	got := readFile(t, path)
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if doc.Rows == nil || len(doc.Rows) != 0 || doc.Summary == nil || doc.Summary.Counts[platform.StatusIssued] != 0 {
		t.Errorf("empty report: %s", got)
	}
}

func TestCloseNilSummaryCountsLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	writeReport(t, path, Options{}, nil)
	var doc struct {
		Summary Summary `json:"summary"`
	}
	if err := json.Unmarshal(readFile(t, path), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Rows != 8 || doc.Summary.Counts[platform.StatusInvalid] != 1 || len(doc.Summary.Counts) != len(platform.Statuses) {
		t.Errorf("summary from lines: %+v", doc.Summary)
	}
}

func TestGeneratedReport(t *testing.T) {
	for _, ext := range []string{".csv", ".json", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "gen"+ext)
			writeReport(t, path, Options{Generated: true}, nil)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
			got := readFile(t, path)
			switch ext {
			case ".csv":
				golden(t, "generated.csv", got)
				for _, g := range fixtureGenerated() {
					if g.Password != "" && !bytes.Contains(got, []byte(","+g.Password+",")) {
						t.Errorf("password %s missing", g.Password)
					}
				}
			case ".json":
				golden(t, "generated.json", got)
				var doc struct {
					Rows []map[string]any `json:"rows"`
				}
				if err := json.Unmarshal(got, &doc); err != nil {
					t.Fatal(err)
				}
				if doc.Rows[0]["password"] != "004512" || doc.Rows[1]["batch"] != float64(1) {
					t.Errorf("rows %v", doc.Rows)
				}
			case ".xlsx":
				f := openXLSX(t, path)
				rows, err := f.GetRows(ReportSheet)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(rows[0], ",") != strings.Join(GeneratedColumns, ",") || rows[1][5] != "004512" {
					t.Errorf("rows %v", rows)
				}
			}
			noTempFiles(t, dir)
		})
	}
}

func TestReportMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	writeReport(t, path, Options{}, nil)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o600 != 0o600 || fi.Mode().Perm()&0o111 != 0 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"r.txt", "r", "r.xls"} {
		_, err := Create(filepath.Join(dir, name), Options{})
		if err == nil || !strings.Contains(err.Error(), ".csv, .xlsx, .json") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Create(filepath.Join(dir, "missing", "r.csv"), Options{}); err == nil {
		t.Error("no error for a missing folder")
	}
	noTempFiles(t, dir)
}

func TestWriterMisuse(t *testing.T) {
	for _, ext := range []string{".csv", ".json", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			w, err := Create(filepath.Join(dir, "r"+ext), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WriteGenerated(&Generated{}); err == nil {
				t.Error("WriteGenerated on a roster report")
			}
			if err := w.Close(nil); err != nil {
				t.Fatal(err)
			}
			if err := w.Write(&Line{}); !errors.Is(err, ErrClosed) {
				t.Errorf("Write after Close: %v", err)
			}
			if err := w.Close(nil); !errors.Is(err, ErrClosed) {
				t.Errorf("second Close: %v", err)
			}
			if err := w.Abort(); err != nil {
				t.Errorf("Abort after Close: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "r"+ext)); err != nil {
				t.Errorf("Abort after Close removed the report: %v", err)
			}

			g, err := Create(filepath.Join(dir, "g"+ext), Options{Generated: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Write(&Line{}); err == nil {
				t.Error("Write on a generate-mode report")
			}
			if err := g.Abort(); err != nil {
				t.Fatal(err)
			}
			noTempFiles(t, dir)
		})
	}
}

// TestAbortLeavesDestination checks every format: nothing appears before
// Close, an older report survives Abort, and no temporary file lingers.
func TestAbortLeavesDestination(t *testing.T) {
	for _, ext := range []string{".csv", ".json", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "r"+ext)
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			w, err := Create(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range fixtureLines() {
				if err := w.Write(&l); err != nil {
					t.Fatal(err)
				}
			}
			if string(readFile(t, path)) != "old" {
				t.Error("destination touched before Close")
			}
			if err := w.Abort(); err != nil {
				t.Fatal(err)
			}
			if string(readFile(t, path)) != "old" {
				t.Error("destination changed by Abort")
			}
			noTempFiles(t, dir)

			writeReport(t, path, Options{}, nil)
			if string(readFile(t, path)) == "old" {
				t.Error("Close did not replace the old report")
			}
			noTempFiles(t, dir)
		})
	}
}

func TestDefuseFormula(t *testing.T) {
	for _, tc := range []struct {
		in       string
		freeText bool
		want     string
	}{
		{"", true, ""},
		{"西瓜", true, "西瓜"},
		{"=1+1", true, "'=1+1"},
		{"=1+1", false, "'=1+1"},
		{"+86****5678", false, "'+86****5678"},
		{"@SUM(A1)", true, "'@SUM(A1)"},
		{"\t=cmd", false, "'\t=cmd"},
		{"-2+3", true, "'-2+3"},
		{"-2+3", false, "'-2+3"},
		{"-cmd|' /C calc'!A0", false, "'-cmd|' /C calc'!A0"},
		{"-Li", true, "'-Li"},
		{"-111", false, "-111"}, // a valid extid round-trips
		{"-A_1-b", false, "-A_1-b"},
		{"a=b", true, "a=b"},
		{"'quoted", true, "'quoted"},
		{"O'Brien-Li", true, "O'Brien-Li"},
	} {
		if got := defuseFormula(tc.in, tc.freeText); got != tc.want {
			t.Errorf("defuseFormula(%q, %v) = %q, want %q", tc.in, tc.freeText, got, tc.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"1", "****"},
		{"12", "****"},
		{"123", "****23"},
		{"123456", "****56"},
		{"1234567", "****67"},
		{"51234567", "51****67"},   // Hong Kong, 8 digits
		{"6612345678", "66****78"}, // 10 digits
		{"13800135678", "138****5678"},
		{"+8613800135678", "+86****5678"},
		{"８１２３４５６７", "８１****６７"}, // runes, not bytes
	} {
		if got := validate.MaskPhone(tc.in); got != tc.want {
			t.Errorf("validate.MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
