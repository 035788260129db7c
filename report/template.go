package report

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/validate"
)

// TemplateSheet is the sheet of an XLSX template.
const TemplateSheet = "roster"

// templateTextRows is how far down formats and the sex dropdown reach in an
// XLSX template (column styles cover the whole column; data validation needs
// a range).
const templateTextRows = 1048576

// TemplateColumn is one column of the roster template.
type TemplateColumn struct {
	Field    validate.Field
	Header   string // the field's first (Chinese) alias
	Required bool
	Rule     string // the rule in one line, with an example
}

// Comment is the header comment of the XLSX template:
// "phone — required — 11-digit mobile, e.g. 13800138000".
func (c TemplateColumn) Comment() string {
	req := "optional"
	if c.Required {
		req = "required"
	}
	return c.Field.String() + " — " + req + " — " + c.Rule
}

// TemplateColumns returns the template's columns for a platform's profile:
// the fields it requires first, in spec order, then the optional ones.
func TemplateColumns(p validate.Profile) []TemplateColumn {
	req := p.Required
	var first, rest []TemplateColumn
	for _, f := range validate.Fields() {
		c := TemplateColumn{Field: f, Header: f.Aliases()[0], Required: slices.Contains(req, f), Rule: fieldRule(f, p)}
		if c.Required {
			first = append(first, c)
		} else {
			rest = append(rest, c)
		}
	}
	return append(first, rest...)
}

// fieldRule is SPEC §3's rule for f in one line, with an example.
func fieldRule(f validate.Field, p validate.Profile) string {
	switch f {
	case validate.Cardno:
		return "4–32 letters or digits, unique, e.g. 100101"
	case validate.Password:
		return "4–12 digits, e.g. 123456"
	case validate.Extid:
		return "1–32 letters, digits, _ or -, unique, e.g. 109"
	case validate.Name:
		return "1–32 characters, e.g. 张三"
	case validate.Phone:
		return "11-digit mobile, e.g. 13800138000"
	case validate.Sex:
		return "男 or 女 (also 1/0, M/F)"
	case validate.Birthday:
		return "a date, e.g. 1990-02-03"
	case validate.Level:
		if p.LevelNames {
			return "a card level name or id of the platform, e.g. 高级会员"
		}
		return fmt.Sprintf("a whole number 1–%d, e.g. 1", p.MaxLevel)
	case validate.Balance:
		return "an amount ≥ 0 with at most 2 decimals, e.g. 100.50"
	case validate.Points:
		return "a whole number ≥ 0, e.g. 200"
	case validate.Expirydate:
		if !p.RelativeExpiry {
			return "a date not in the past, e.g. 2030-12-31"
		}
		return "a date not in the past, e.g. 2030-12-31, or 1day/1week/1month/1year"
	case validate.IDNumber:
		return "18-character ID number (X allowed last), e.g. 11010519491231002X"
	case validate.Subject:
		return "up to 64 characters"
	case validate.ExtInfo:
		return "up to 64 characters"
	}
	return ""
}

// WriteTemplate writes an empty roster template for a platform's profile
// at path, in the format its extension names (one of TemplateFormats): a
// header row of every field's Chinese header, required fields
// first, and no example rows (the importer would import them). It refuses to
// overwrite an existing file; the error wraps fs.ErrExist.
//
// The XLSX template carries a styled, frozen header; a comment on each
// header with the field's English name, whether it is required and its
// rule; Text format on cardno, password, extid, phone and idnumber so Excel
// keeps leading zeros and long digits; a 男/女 dropdown on sex; yyyy-mm-dd on
// the dates and 0.00 on balance. The CSV template is UTF-8 with BOM.
func WriteTemplate(path string, p validate.Profile) error {
	format, err := TemplateFormats.formatOf(path)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("template: %s already exists, not overwritten: %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("template: %w", err)
	}
	af, err := CreateAtomic(path, 0o644)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	defer af.Abort()
	if err := format.writeTemplate(af, TemplateColumns(p)); err != nil {
		return fmt.Errorf("template %s: %w", path, err)
	}
	if err := af.CommitNew(); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}

func csvTemplate(out io.Writer, cols []TemplateColumn) error {
	buf := bufio.NewWriter(out)
	_, _ = buf.WriteString(utf8BOM)
	cw := csv.NewWriter(buf)
	cw.UseCRLF = true
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Header
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return buf.Flush()
}

// templateWidth is a column's width in the XLSX template.
func templateWidth(f validate.Field) float64 {
	switch f {
	case validate.Cardno, validate.Extid, validate.IDNumber:
		return 22
	case validate.Subject, validate.ExtInfo:
		return 30
	case validate.Sex, validate.Level:
		return 10
	}
	return 14
}

// xlsxTemplate writes the XLSX template: column widths and formats, then
// the headers over them, frozen.
func xlsxTemplate(out io.Writer, cols []TemplateColumn) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TemplateSheet); err != nil {
		return err
	}
	st, err := newTemplateStyles(f)
	if err != nil {
		return err
	}
	for i, c := range cols {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := formatTemplateColumn(f, col, c, st); err != nil {
			return err
		}
	}
	for i, c := range cols {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := writeTemplateHeader(f, col, c, st); err != nil {
			return err
		}
	}
	if err := f.SetPanes(TemplateSheet, &frozenHeader); err != nil {
		return err
	}
	if err := f.SetSheetDimension(TemplateSheet, "A1:"+cellRef(len(cols), 1)); err != nil {
		return err
	}
	return writeWorkbook(f, out)
}

// templateStyles are the cell styles of the XLSX template.
type templateStyles struct {
	header, required   int // headers of optional and required fields
	text, date, amount int
}

func newTemplateStyles(f *excelize.File) (st templateStyles, err error) {
	if st.header, err = headerStyle(f, headerFill); err != nil {
		return st, err
	}
	st.required, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "C00000"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{headerFill}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		NumFmt:    numFmtText,
	})
	if err != nil {
		return st, err
	}
	if st.text, st.date, err = textAndDateStyles(f); err != nil {
		return st, err
	}
	st.amount, err = f.NewStyle(&excelize.Style{NumFmt: numFmt2Dec})
	return st, err
}

// formatTemplateColumn sets the width and the format of column col: Text
// on identifiers, yyyy-mm-dd on dates, 0.00 on the balance.
func formatTemplateColumn(f *excelize.File, col string, c TemplateColumn, st templateStyles) error {
	if err := f.SetColWidth(TemplateSheet, col, col, templateWidth(c.Field)); err != nil {
		return err
	}
	style := 0
	switch {
	case slices.Contains(textFields, c.Field):
		style = st.text
	case c.Field == validate.Birthday || c.Field == validate.Expirydate:
		style = st.date
	case c.Field == validate.Balance:
		style = st.amount
	}
	if style == 0 {
		return nil
	}
	return f.SetColStyle(TemplateSheet, col, style)
}

// writeTemplateHeader writes the header of column col with its comment,
// and the 男/女 dropdown under the sex header.
func writeTemplateHeader(f *excelize.File, col string, c TemplateColumn, st templateStyles) error {
	cell := col + "1"
	if err := f.SetCellStr(TemplateSheet, cell, c.Header); err != nil {
		return err
	}
	hs := st.header
	if c.Required {
		hs = st.required
	}
	if err := f.SetCellStyle(TemplateSheet, cell, cell, hs); err != nil {
		return err
	}
	err := f.AddComment(TemplateSheet, excelize.Comment{
		Cell: cell, Author: "cardimport", Text: c.Comment(), Width: 320, Height: 60,
	})
	if err != nil || c.Field != validate.Sex {
		return err
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, templateTextRows))
	if err := dv.SetDropList([]string{"男", "女"}); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, c.Header, "请选择 男 或 女")
	return f.AddDataValidation(TemplateSheet, dv)
}

// textFields are the fields whose columns are formatted as Text in the
// workbooks staff fill in (the template, the XLSX rejects), so that Excel
// keeps leading zeros and long digits.
var textFields = []validate.Field{validate.Cardno, validate.Password, validate.Extid, validate.Phone, validate.IDNumber}

// textAndDateStyles makes the cell styles staff-facing workbooks share:
// Text (so Excel keeps leading zeros and long digits) and yyyy-mm-dd.
func textAndDateStyles(f *excelize.File) (text, date int, err error) {
	if text, err = f.NewStyle(&excelize.Style{NumFmt: numFmtText}); err != nil {
		return 0, 0, err
	}
	dateFmt := "yyyy-mm-dd"
	date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	return text, date, err
}
