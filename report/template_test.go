package report

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/sandy"
	"github.com/cardimport/cardimport/validate"
)

func TestTemplateColumns(t *testing.T) {
	for _, profile := range []validate.Profile{mb.Profile, sandy.Profile} {
		target := profile.Name
		cols := TemplateColumns(profile, nil)
		if len(cols) != int(validate.NumFields) {
			t.Fatalf("%s: %d columns", target, len(cols))
		}
		req := profile.Required
		for i, c := range cols {
			if c.Required != (i < len(req)) {
				t.Errorf("%s: column %d %s required=%v out of place", target, i, c.Field, c.Required)
			}
			if c.Header != c.Field.Aliases()[0] {
				t.Errorf("%s: header %q", c.Field, c.Header)
			}
			if f, ok := validate.LookupHeader(c.Header); !ok || f != c.Field {
				t.Errorf("header %q does not read back as %s", c.Header, c.Field)
			}
			if c.Rule == "" {
				t.Errorf("%s: no rule", c.Field)
			}
		}
		// Within each group, spec order.
		for i := 1; i < len(cols); i++ {
			if cols[i].Required == cols[i-1].Required && cols[i].Field < cols[i-1].Field {
				t.Errorf("%s: %s before %s", target, cols[i-1].Field, cols[i].Field)
			}
		}
	}
	sandy := TemplateColumns(sandy.Profile, nil)
	if sandy[0].Field != validate.Cardno || sandy[1].Field != validate.Name || sandy[4].Field != validate.Password {
		t.Errorf("sandy order %v", sandy)
	}
	var phone TemplateColumn
	for _, c := range TemplateColumns(mb.Profile, nil) {
		if c.Field == validate.Phone {
			phone = c
		}
	}
	if phone.Comment(nil) != "phone — required — 11-digit mobile, e.g. 13800138000" {
		t.Errorf("comment %q", phone.Comment(nil))
	}
}

func TestTemplateXLSX(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "roster.xlsx")
	if err := WriteTemplate(path, mb.Profile, nil); err != nil {
		t.Fatal(err)
	}
	noTempFiles(t, dir)
	assertWellFormed(t, path)
	f := openXLSX(t, path)
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	cols := TemplateColumns(mb.Profile, nil)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want the header only", len(rows))
	}
	colOf := map[validate.Field]string{}
	for i, c := range cols {
		if rows[0][i] != c.Header {
			t.Errorf("header %d = %q, want %q", i, rows[0][i], c.Header)
		}
		colOf[c.Field], _ = excelize.ColumnNumberToName(i + 1)
	}

	// Comments on every header.
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]string{}
	for _, c := range comments {
		text := c.Text
		for _, r := range c.Paragraph {
			text += r.Text
		}
		byCell[c.Cell] = text
	}
	for _, c := range cols {
		got := byCell[colOf[c.Field]+"1"]
		if !strings.Contains(got, c.Comment(nil)) {
			t.Errorf("%s comment %q, want %q", c.Field, got, c.Comment(nil))
		}
	}

	// Header style and frozen row.
	if hs := styleOf(t, f, sheet, "A1"); hs.Font == nil || !hs.Font.Bold || fillColor(hs) != headerFill {
		t.Errorf("header style %+v", hs)
	}
	if panes, _ := f.GetPanes(sheet); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v", panes)
	}

	// Column formats.
	colStyle := func(field validate.Field) *excelize.Style {
		id, err := f.GetColStyle(sheet, colOf[field])
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	for _, fld := range []validate.Field{validate.Cardno, validate.Password, validate.Extid, validate.Phone, validate.IDNumber} {
		if st := colStyle(fld); st.NumFmt != numFmtText {
			t.Errorf("%s column numfmt %d, want 49 (@)", fld, st.NumFmt)
		}
	}
	for _, fld := range []validate.Field{validate.Birthday, validate.Expirydate} {
		if st := colStyle(fld); st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
			t.Errorf("%s column format %+v", fld, st.CustomNumFmt)
		}
	}
	if st := colStyle(validate.Balance); st.NumFmt != numFmt2Dec {
		t.Errorf("balance numfmt %d, want 2 (0.00)", st.NumFmt)
	}
	if st := colStyle(validate.Name); st.NumFmt != 0 || st.CustomNumFmt != nil {
		t.Errorf("name column formatted: %+v", st)
	}

	// 男/女 dropdown on sex.
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(dvs) != 1 {
		t.Fatalf("%d data validations", len(dvs))
	}
	dv := dvs[0]
	sex := colOf[validate.Sex]
	if dv.Type != "list" || dv.Formula1 != `"男,女"` || !strings.HasPrefix(dv.Sqref, sex+"2:"+sex) {
		t.Errorf("data validation %+v formula %s", dv, dv.Formula1)
	}
	if w, _ := f.GetColWidth(sheet, colOf[validate.IDNumber]); w < 20 {
		t.Errorf("idnumber width %v", w)
	}
	assertColsAscending(t, zipEntry(t, path, "xl/worksheets/sheet1.xml"))
}

func TestTemplateCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roster.csv")
	if err := WriteTemplate(path, sandy.Profile, nil); err != nil {
		t.Fatal(err)
	}
	b := readFile(t, path)
	var headers []string
	for _, c := range TemplateColumns(sandy.Profile, nil) {
		headers = append(headers, c.Header)
	}
	want := utf8BOM + strings.Join(headers, ",") + "\r\n"
	if string(b) != want {
		t.Errorf("got %q, want %q", b, want)
	}
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf卡号,姓名,手机,性别,")) {
		t.Errorf("start %q", b[:20])
	}
}

func TestTemplateRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"t.xlsx", "t.csv"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := WriteTemplate(path, mb.Profile, nil)
		if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v", name, err)
		}
		if string(readFile(t, path)) != "mine" {
			t.Errorf("%s overwritten", name)
		}
	}
	if err := WriteTemplate(filepath.Join(dir, "t.xls"), mb.Profile, nil); err == nil || !strings.Contains(err.Error(), ".xlsx, .csv") {
		t.Errorf("xls: %v", err)
	}
	noTempFiles(t, dir)
	ents, _ := os.ReadDir(dir)
	if !slices.EqualFunc(ents, []string{"t.csv", "t.xlsx"}, func(e os.DirEntry, s string) bool { return e.Name() == s }) {
		t.Errorf("folder %v", ents)
	}
}
