package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/validate"
)

// writtenTable is a report read back: its header and its rows, each cell as
// text (numbers in their digits).
type writtenTable struct {
	header []string
	rows   [][]string
}

// readBack reads the report at path in the format its extension names.
func readBack(t *testing.T, path string) writtenTable {
	t.Helper()
	var wt writtenTable
	switch Ext(path) {
	case ".csv":
		b := readFile(t, path)
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(utf8BOM)))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		wt.header, wt.rows = recs[0], recs[1:]
	case ".xlsx":
		f := openXLSX(t, path)
		rows, err := f.GetRows(ReportSheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		wt.header, wt.rows = rows[0], rows[1:]
		for i, r := range wt.rows {
			for len(r) < len(wt.header) { // GetRows drops trailing empty cells
				r = append(r, "")
			}
			wt.rows[i] = r
		}
	case ".json":
		wt = readJSONRows(t, readFile(t, path))
	default:
		t.Fatalf("no reader for %s", path)
	}
	return wt
}

// readJSONRows reads the "rows" of a JSON report, keeping each object's
// keys in their order: the header is the first row's keys, and every row
// must have the same.
func readJSONRows(t *testing.T, b []byte) writtenTable {
	t.Helper()
	var doc struct {
		Rows []json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var wt writtenTable
	for i, raw := range doc.Rows {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if _, err := dec.Token(); err != nil { // {
			t.Fatal(err)
		}
		var keys, vals []string
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			v, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k.(string))
			vals = append(vals, fmt.Sprint(v))
		}
		if i == 0 {
			wt.header = keys
		} else if strings.Join(keys, ",") != strings.Join(wt.header, ",") {
			t.Errorf("row %d keys %v, want %v", i, keys, wt.header)
		}
		wt.rows = append(wt.rows, vals)
	}
	return wt
}

// TestWritersFollowColumnTable writes a report in every format and mode and
// reads it back: the header is the column table, in its order, and every
// row has each column's value, masked where the table says so. A column
// added to a table but not written by some writer fails here.
func TestWritersFollowColumnTable(t *testing.T) {
	lines, gens := fixtureLines(), fixtureGenerated()
	for _, generated := range []bool{false, true} {
		formats, names := ReportFormats, columnNames(lineColumns)
		var want [][]string
		var free []bool
		if generated {
			formats, names = GeneratedFormats, columnNames(generatedColumns)
			for i := range gens {
				want = append(want, rowValues(generatedColumns, &gens[i], nil))
			}
			for _, c := range generatedColumns {
				free = append(free, c.kind == kindFreeText)
			}
		} else {
			for i := range lines {
				want = append(want, rowValues(lineColumns, &lines[i], nil))
			}
			for _, c := range lineColumns {
				free = append(free, c.kind == kindFreeText)
			}
		}
		for _, ext := range formats.Exts() {
			t.Run(fmt.Sprintf("%s generated=%v", ext, generated), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "r"+ext)
				writeReport(t, path, Options{Generated: generated}, nil)
				got := readBack(t, path)
				if strings.Join(got.header, ",") != strings.Join(names, ",") {
					t.Fatalf("header %v, want the table's %v", got.header, names)
				}
				if len(got.rows) != len(want) {
					t.Fatalf("%d rows, want %d", len(got.rows), len(want))
				}
				for r, row := range got.rows {
					if len(row) != len(names) {
						t.Fatalf("row %d has %d cells, want %d", r, len(row), len(names))
					}
					for c, v := range want[r] {
						if ext == ".csv" {
							v = defuseFormula(v, free[c])
						}
						if row[c] != v {
							t.Errorf("row %d %s = %q, want %q", r, names[c], row[c], v)
						}
					}
				}
			})
		}
	}
}

// TestXLSXColumnLayout checks the XLSX report lays out every column as the
// table says: its width, and Text format on identifiers.
func TestXLSXColumnLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.xlsx")
	writeReport(t, path, Options{}, nil)
	f := openXLSX(t, path)
	for i, c := range lineColumns {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			t.Fatal(err)
		}
		if w, _ := f.GetColWidth(ReportSheet, col); w != c.width {
			t.Errorf("%s (%s) width %v, want %v", c.name, col, w, c.width)
		}
		id, err := f.GetColStyle(ReportSheet, col)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if (st.NumFmt == numFmtText) != (c.kind == kindIdentifier) {
			t.Errorf("%s column format %d, identifier %v", c.name, st.NumFmt, c.kind == kindIdentifier)
		}
	}
}

// TestColumnTables checks the tables themselves: names unique, widths set,
// the masked columns hold phones, and numbers are digits.
func TestColumnTables(t *testing.T) {
	check := func(name string, names []string, widths []float64) {
		seen := map[string]bool{}
		for i, n := range names {
			if n == "" || seen[n] {
				t.Errorf("%s: column %d name %q empty or repeated", name, i, n)
			}
			seen[n] = true
			if widths[i] <= 0 {
				t.Errorf("%s: %s has no width", name, n)
			}
		}
	}
	var widths []float64
	for _, c := range lineColumns {
		widths = append(widths, c.width)
	}
	check("lineColumns", Columns, widths)
	widths = nil
	for _, c := range generatedColumns {
		widths = append(widths, c.width)
		if c.masked {
			t.Errorf("generated %s masked: a generate-mode report holds no phone", c.name)
		}
	}
	check("generatedColumns", GeneratedColumns, widths)

	l := Line{Phone: "13800135678", Row: 7, Attempts: 2}
	for i, v := range rowValues(lineColumns, &l, nil) {
		c := lineColumns[i]
		if c.masked && v != validate.MaskPhone(l.Phone) {
			t.Errorf("%s = %q, not masked", c.name, v)
		}
		if _, err := strconv.Atoi(v); c.kind == kindNumber && err != nil {
			t.Errorf("number column %s = %q", c.name, v)
		}
	}
}
