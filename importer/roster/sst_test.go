package roster

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// A shared-strings table over the spill threshold is read back from its
// temporary file with the same values.
func TestSharedStringsSpill(t *testing.T) {
	for _, file := range []string{"rich_text.xlsx", "phonetic_runs.xlsx", "numeric_phone.xlsx", "chinese_headers.xlsx"} {
		t.Run(file, func(t *testing.T) {
			p := filepath.Join("testdata", file)
			_, want, err := readAll(t, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			old := spillBytes
			spillBytes = 8
			defer func() { spillBytes = old }()
			r, got, err := readAll(t, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if x := r.src.(*xlsxSource); x.sst == nil || x.sst.arenaF == nil {
				t.Fatal("no spill")
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i := range got {
				for j := range got[i].Cells {
					if got[i].Cells[j] != want[i].Cells[j] {
						t.Errorf("row %d cell %d: %+v, want %+v", got[i].Line, j, got[i].Cells[j], want[i].Cells[j])
					}
				}
			}
		})
	}
}

// Hostile workbooks are refused with a message that says what they are,
// before they cost memory: more shared strings than the file's size
// allows, a part that inflates far beyond the file's size.
func TestHostileWorkbooks(t *testing.T) {
	dir := t.TempDir()
	many := filepath.Join(dir, "many_shared_strings.xlsx")
	n := maxSharedStrings(40<<10) + 10 // the file is well under 40 KB
	handXLSX(t, many, []string{sheetDoc(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`)}, false,
		map[string]string{"xl/sharedStrings.xml": `<sst>` + strings.Repeat(`<si><t>x</t></si>`, n) + `</sst>`})
	old := inflateBase
	inflateBase = 1 << 20
	defer func() { inflateBase = old }()
	bomb := filepath.Join(dir, "zip_bomb.xlsx")
	handXLSX(t, bomb, []string{sheetDoc(`<row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c></row>` +
		strings.Repeat(" ", 4<<20) + `<row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is></c></row>`)}, false, nil)
	tests := []struct {
		path, msg string
	}{
		{many, "shared strings for a file of"},
		{bomb, "it is damaged or a zip bomb, not a roster"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			_, _, err := readAll(t, tt.path, Options{})
			var e *Error
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &e) || e.Path != tt.path || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want ErrCorrupt with %q", err, tt.msg)
			}
		})
	}
}
