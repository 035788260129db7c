package main

import (
	"archive/zip"
	"io"
	"path/filepath"
	"testing"

	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/validate"
)

// The generated rosters read back whole, every row valid for mb, as
// cardimport and the peers must see them.
func TestGeneratedRostersAreValid(t *testing.T) {
	dir := t.TempDir()
	gens := map[string]func(string) error{
		"r.csv":       func(p string) error { return genCSV(p, 50) },
		"inline.xlsx": func(p string) error { return genXLSX(p, 50, false) },
		"shared.xlsx": func(p string) error { return genXLSX(p, 50, true) },
	}
	for name, gen := range gens {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := gen(p); err != nil {
				t.Fatal(err)
			}
			r, err := roster.Open(p, roster.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			v, err := validate.New(validate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for {
				row, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if _, ps := v.Check(r.Input(row)); validate.Invalid(ps) {
					t.Fatalf("row %d: %s", row.Line, validate.Message(ps))
				}
				n++
			}
			if n != 50 {
				t.Errorf("%d rows", n)
			}
			if n, err := readPeer(map[bool]string{true: "csv", false: "excelize"}[filepath.Ext(p) == ".csv"], p); err != nil || n != 51 {
				t.Errorf("peer read %d rows, %v", n, err)
			}
		})
	}
}

// The hostile workbooks are well-formed zips whose parts inflate to what
// they claim (archive/zip checks each part's size and CRC as it is read).
func TestHostileWorkbooksAreWellFormed(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		gen   func(string) error
		part  string
		bytes int64 // at least
		parts int
	}{
		{"bomb.xlsx", func(p string) error { return genZipBomb(p, 8<<20) }, "xl/worksheets/sheet1.xml", 8 << 20, 6},
		{"strings.xlsx", func(p string) error { return genManyStrings(p, 1000) }, "xl/sharedStrings.xml", 1000 * int64(len(`<si><t>x</t></si>`)), 7},
	} {
		p := filepath.Join(dir, tt.name)
		if err := tt.gen(p); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.OpenReader(p)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		defer zr.Close()
		parts := 0
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatalf("%s %s: %v", tt.name, f.Name, err)
			}
			n, err := io.Copy(io.Discard, rc)
			rc.Close()
			if err != nil {
				t.Errorf("%s %s: %v", tt.name, f.Name, err)
			}
			if f.Name == tt.part && n < tt.bytes {
				t.Errorf("%s %s: %d bytes, want at least %d", tt.name, f.Name, n, tt.bytes)
			}
			parts++
		}
		if parts != tt.parts {
			t.Errorf("%s: %d parts, want %d", tt.name, parts, tt.parts)
		}
	}
}
