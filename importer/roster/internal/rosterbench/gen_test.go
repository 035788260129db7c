package main

import (
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
