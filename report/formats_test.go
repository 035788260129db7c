package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFormatsImplemented checks that every format an output accepts can
// write it: a format listed but not implemented fails here, not at run time.
func TestFormatsImplemented(t *testing.T) {
	for _, tc := range []struct {
		formats Formats
		can     func(f *format) bool
	}{
		{ReportFormats, func(f *format) bool { return f.newReport != nil }},
		{GeneratedFormats, func(f *format) bool { return f.newReport != nil }},
		{RejectsFormats, func(f *format) bool { return f.writeRejects != nil }},
		{TemplateFormats, func(f *format) bool { return f.writeTemplate != nil }},
	} {
		if len(tc.formats.list) == 0 {
			t.Errorf("%s: no formats", tc.formats.output)
		}
		for _, f := range tc.formats.list {
			if !tc.can(f) {
				t.Errorf("%s: %s listed but not implemented", tc.formats.output, f.ext)
			}
			if f.ext != strings.ToLower(f.ext) || !strings.HasPrefix(f.ext, ".") {
				t.Errorf("%s: extension %q", tc.formats.output, f.ext)
			}
		}
	}
}

func TestFormatsWords(t *testing.T) {
	for _, tc := range []struct {
		formats          Formats
		choices, deflt   string
		accepts, refuses []string
	}{
		{ReportFormats, ".csv, .xlsx or .json", ".csv", []string{"a.csv", "A.XLSX", "dir.v1/r.Json"}, []string{"r.xls", "r", "r.csv.txt", `dir.csv\r`}},
		{RejectsFormats, ".csv or .xlsx", ".csv", []string{"a.rejects.csv", "b.xlsx"}, []string{"r.json", "r.xlsm"}},
		{TemplateFormats, ".xlsx or .csv", ".xlsx", []string{"roster.xlsx", "roster.CSV"}, []string{"roster.xls", "roster.json"}},
	} {
		if got := tc.formats.Choices(nil); got != tc.choices {
			t.Errorf("%s: Choices %q, want %q", tc.formats.output, got, tc.choices)
		}
		if got := tc.formats.Default(); got != tc.deflt {
			t.Errorf("%s: Default %q, want %q", tc.formats.output, got, tc.deflt)
		}
		for _, p := range tc.accepts {
			if !tc.formats.Accepts(p) {
				t.Errorf("%s refuses %s", tc.formats.output, p)
			}
		}
		for _, p := range tc.refuses {
			if tc.formats.Accepts(p) {
				t.Errorf("%s accepts %s", tc.formats.output, p)
			}
		}
	}
}

func TestExt(t *testing.T) {
	for in, want := range map[string]string{
		"r.csv": ".csv", "R.XLSX": ".xlsx", "r": "", "dir.d/r": "", `dir.d\r`: "", "a.b.json": ".json", ".hidden": ".hidden", "r.": ".",
	} {
		if got := Ext(in); got != want {
			t.Errorf("Ext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUnknownFormatMessages checks each output's refusal names the formats
// it accepts.
func TestUnknownFormatMessages(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.txt")
	_, err := Create(path, Options{Generated: true})
	if err == nil || !strings.Contains(err.Error(), "use one of "+strings.Join(GeneratedFormats.Exts(), ", ")) {
		t.Errorf("generated: %v", err)
	}
	_, err = CreateRejects(path, nil)
	if err == nil || !strings.Contains(err.Error(), `rejects `+path+`: unknown format ".txt", use one of .csv, .xlsx`) {
		t.Errorf("rejects: %v", err)
	}
	noTempFiles(t, dir)
}
