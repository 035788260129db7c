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
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// TemplateSheet is the sheet of an XLSX template, in English; in Chinese
// it is 名单 (the key is the summary's label "roster").
const TemplateSheet = "roster"

// NotesSheet is the XLSX template's second sheet, which explains the
// columns (说明 in Chinese); the roster reader knows it holds no rows.
var NotesSheet = validate.NotesSheet

// templateTextRows is how far down formats and the sex dropdown reach in an
// XLSX template (column styles cover the whole column; data validation needs
// a range).
const templateTextRows = 1048576

// TemplateColumn is one column of the roster template.
type TemplateColumn struct {
	Field    validate.Field
	Header   string // the field's first (Chinese) alias
	Required bool
	Rule     string // the rule in one line, with an example, in the template's language
}

// The words of the template.
var (
	msgCommentReq    = lang.Msg("%s — required — %s", "必填：%[2]s（字段名 %[1]s）")
	msgCommentOpt    = lang.Msg("%s — optional — %s", "选填：%[2]s（字段名 %[1]s）")
	msgChooseSex     = lang.Msg("Choose 男 or 女", "请选择 男 或 女")
	msgRequired      = lang.Msg("required", "必填")
	msgOptional      = lang.Msg("optional", "选填")
	msgNotesColumn   = lang.Msg("column", "列名")
	msgNotesField    = lang.Msg("field", "字段名")
	msgNotesRequired = lang.Msg("required?", "是否必填")
	msgNotesRule     = lang.Msg("what to write", "填写要求")
	// The notes under the table of columns, one per line.
	templateNotes = []string{
		lang.Msg("Fill in one card per row on the sheet %s, from row 2 down; leave the header row as it is.",
			"在“%s”工作表里每行填一张卡，从第 2 行开始往下填；第一行表头不要改动。"),
		lang.Msg("Headers in red are required; the other columns may stay empty, or be deleted.",
			"红色表头的列必须填写；其他列可以空着，也可以删掉。"),
		lang.Msg("Do not leave example rows: every row under the header is imported.",
			"不要留示例行：表头下面的每一行都会被导入。"),
		lang.Msg("Card numbers, in-card codes, phones and ID numbers are text cells, so leading zeros and long digits are kept.",
			"卡号、卡内编码、手机号和身份证号按文本保存，开头的 0 和长数字都不会丢。"),
		lang.Msg("When the roster is filled in, check it first: cardimport validate FILE",
			"填好以后先检查一遍：cardimport validate 文件名"),
	}
	msgTemplateErr     = lang.Msg("template: %v", "模板：%v")
	msgTemplatePathErr = lang.Msg("template %s: %v", "模板 %s：%v")
	msgTemplateExists  = lang.Msg("template: %s already exists, not overwritten", "模板：%s 已经存在，没有覆盖它；请换一个文件名，或先把旧文件移走")
)

// Comment is the header comment of the XLSX template, in p's language:
// "phone — required — 11-digit mobile, e.g. 13800138000".
func (c TemplateColumn) Comment(p *lang.Printer) string {
	key := msgCommentOpt
	if c.Required {
		key = msgCommentReq
	}
	return p.Sprintf(key, c.Field.String(), c.Rule)
}

// TemplateColumns returns the template's columns for a platform's profile,
// their rules in p's language: the fields it requires first, in spec
// order, then the optional ones.
func TemplateColumns(prof validate.Profile, p *lang.Printer) []TemplateColumn {
	req := prof.Required
	var first, rest []TemplateColumn
	for _, f := range validate.Fields() {
		c := TemplateColumn{Field: f, Header: f.Aliases()[0], Required: slices.Contains(req, f), Rule: fieldRule(f, prof, p)}
		if c.Required {
			first = append(first, c)
		} else {
			rest = append(rest, c)
		}
	}
	return append(first, rest...)
}

// The rules of SPEC §3, in one line each, with an example.
var (
	ruleCardno        = lang.Msg("4–32 letters or digits, unique, e.g. 100101", "4–32 位字母或数字，不能重复，例如 100101")
	rulePassword      = lang.Msg("4–12 digits, e.g. 123456", "4–12 位数字，例如 123456")
	ruleExtid         = lang.Msg("1–32 letters, digits, _ or -, unique, e.g. 109", "1–32 位字母、数字、_ 或 -，不能重复，例如 109")
	ruleName          = lang.Msg("1–32 characters, e.g. 张三", "1–32 个字符，例如 张三")
	rulePhone         = lang.Msg("11-digit mobile, e.g. 13800138000", "11 位手机号，例如 13800138000")
	ruleSex           = lang.Msg("男 or 女 (also 1/0, M/F)", "男 或 女（也可以写 1/0、M/F）")
	ruleBirthday      = lang.Msg("a date, e.g. 1990-02-03", "日期，例如 1990-02-03")
	ruleLevelName     = lang.Msg("a card level name or id of the platform, e.g. 高级会员", "平台上已有的卡等级名称或编号，例如 高级会员")
	ruleLevelNumber   = lang.Msg("a whole number 1–%s, e.g. 1", "1–%s 之间的整数，例如 1")
	ruleBalance       = lang.Msg("an amount ≥ 0 with at most 2 decimals, e.g. 100.50", "不小于 0 的金额，最多两位小数，例如 100.50")
	rulePoints        = lang.Msg("a whole number ≥ 0, e.g. 200", "不小于 0 的整数，例如 200")
	ruleExpiry        = lang.Msg("a date not in the past, e.g. 2030-12-31", "今天或以后的日期，例如 2030-12-31")
	ruleExpiryRelated = lang.Msg("a date not in the past, e.g. 2030-12-31, or 1day/1week/1month/1year",
		"今天或以后的日期，例如 2030-12-31；也可以写 1day/1week/1month/1year")
	ruleIDNumber = lang.Msg("18-character ID number (X allowed last), e.g. 11010519491231002X",
		"18 位身份证号（最后一位可以是 X），例如 11010519491231002X")
	ruleUpTo64 = lang.Msg("up to 64 characters", "最多 64 个字符")
)

// fieldRule is SPEC §3's rule for f in one line, with an example, in p's
// language.
func fieldRule(f validate.Field, prof validate.Profile, p *lang.Printer) string {
	switch f {
	case validate.Cardno:
		return p.Sprintf(ruleCardno)
	case validate.Password:
		return p.Sprintf(rulePassword)
	case validate.Extid:
		return p.Sprintf(ruleExtid)
	case validate.Name:
		return p.Sprintf(ruleName)
	case validate.Phone:
		return p.Sprintf(rulePhone)
	case validate.Sex:
		return p.Sprintf(ruleSex)
	case validate.Birthday:
		return p.Sprintf(ruleBirthday)
	case validate.Level:
		if prof.LevelNames {
			return p.Sprintf(ruleLevelName)
		}
		return p.Sprintf(ruleLevelNumber, strconv.Itoa(prof.MaxLevel))
	case validate.Balance:
		return p.Sprintf(ruleBalance)
	case validate.Points:
		return p.Sprintf(rulePoints)
	case validate.Expirydate:
		if !prof.RelativeExpiry {
			return p.Sprintf(ruleExpiry)
		}
		return p.Sprintf(ruleExpiryRelated)
	case validate.IDNumber:
		return p.Sprintf(ruleIDNumber)
	case validate.Subject, validate.ExtInfo:
		return p.Sprintf(ruleUpTo64)
	}
	return ""
}

// errExists is a refusal to overwrite, in the reader's language, that
// errors.Is still sees as fs.ErrExist.
type errExists struct{ msg string }

func (e errExists) Error() string { return e.msg }
func (e errExists) Unwrap() error { return fs.ErrExist }

// WriteTemplate writes an empty roster template for a platform's profile
// at path, in the format its extension names (one of TemplateFormats): a
// header row of every field's Chinese header, required fields
// first, and no example rows (the importer would import them). It refuses to
// overwrite an existing file; the error wraps fs.ErrExist. Comments, the
// notes sheet, sheet names and errors are in p's language (nil: English);
// the headers are the Chinese ones in every language.
//
// The XLSX template carries a styled, frozen header; a comment on each
// header with whether it is required, its rule and the field's English
// name; Text format on cardno, password, extid, phone and idnumber so Excel
// keeps leading zeros and long digits; a 男/女 dropdown on sex; yyyy-mm-dd on
// the dates and 0.00 on balance; and a second sheet of notes (说明) that
// explains every column. The CSV template is UTF-8 with BOM.
func WriteTemplate(path string, prof validate.Profile, p *lang.Printer) error {
	format, err := TemplateFormats.formatOf(p, path)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return errExists{p.Sprintf(msgTemplateExists, path)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return p.Errorf(msgTemplateErr, err)
	}
	af, err := CreateAtomic(path, 0o644)
	if err != nil {
		return p.Errorf(msgTemplateErr, err)
	}
	defer af.Abort()
	if err := format.writeTemplate(af, TemplateColumns(prof, p), p); err != nil {
		return p.Errorf(msgTemplatePathErr, path, err)
	}
	if err := af.CommitNew(); err != nil {
		return p.Errorf(msgTemplateErr, err)
	}
	return nil
}

func csvTemplate(out io.Writer, cols []TemplateColumn, _ *lang.Printer) error {
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
// the headers over them, frozen; then the notes sheet.
func xlsxTemplate(out io.Writer, cols []TemplateColumn, p *lang.Printer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := p.Sprintf(TemplateSheet)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
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
		if err := formatTemplateColumn(f, sheet, col, c, st); err != nil {
			return err
		}
	}
	for i, c := range cols {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := writeTemplateHeader(f, sheet, col, c, st, p); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &frozenHeader); err != nil {
		return err
	}
	if err := f.SetSheetDimension(sheet, "A1:"+cellRef(len(cols), 1)); err != nil {
		return err
	}
	if err := writeTemplateNotes(f, sheet, cols, st, p); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return writeWorkbook(f, out)
}

// writeTemplateNotes adds the notes sheet (说明): a table of the columns —
// header, field name, required or not, what to write — then how to fill
// in the roster.
func writeTemplateNotes(f *excelize.File, roster string, cols []TemplateColumn, st templateStyles, p *lang.Printer) error {
	sheet := p.Sprintf(NotesSheet)
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	for i, width := range []float64{14, 14, 10, 70} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	header := []any{p.Sprintf(msgNotesColumn), p.Sprintf(msgNotesField), p.Sprintf(msgNotesRequired), p.Sprintf(msgNotesRule)}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "D1", st.header); err != nil {
		return err
	}
	row := 2
	for _, c := range cols {
		req := p.Sprintf(msgOptional)
		if c.Required {
			req = p.Sprintf(msgRequired)
		}
		vals := []any{c.Header, c.Field.String(), req, c.Rule}
		if err := f.SetSheetRow(sheet, cellRef(1, row), &vals); err != nil {
			return err
		}
		if c.Required {
			if err := f.SetCellStyle(sheet, cellRef(1, row), cellRef(1, row), st.requiredText); err != nil {
				return err
			}
		}
		row++
	}
	row++ // a blank row before the notes
	for i, note := range templateNotes {
		text := p.Sprintf(note)
		if i == 0 {
			text = p.Sprintf(note, roster)
		}
		if err := f.SetCellStr(sheet, cellRef(1, row), text); err != nil {
			return err
		}
		row++
	}
	return nil
}

// templateStyles are the cell styles of the XLSX template.
type templateStyles struct {
	header, required   int // headers of optional and required fields
	text, date, amount int
	requiredText       int // a required column's header on the notes sheet
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
	if st.requiredText, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}}); err != nil {
		return st, err
	}
	st.amount, err = f.NewStyle(&excelize.Style{NumFmt: numFmt2Dec})
	return st, err
}

// formatTemplateColumn sets the width and the format of column col: Text
// on identifiers, yyyy-mm-dd on dates, 0.00 on the balance.
func formatTemplateColumn(f *excelize.File, sheet, col string, c TemplateColumn, st templateStyles) error {
	if err := f.SetColWidth(sheet, col, col, templateWidth(c.Field)); err != nil {
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
	return f.SetColStyle(sheet, col, style)
}

// writeTemplateHeader writes the header of column col with its comment,
// and the 男/女 dropdown under the sex header.
func writeTemplateHeader(f *excelize.File, sheet, col string, c TemplateColumn, st templateStyles, p *lang.Printer) error {
	cell := col + "1"
	if err := f.SetCellStr(sheet, cell, c.Header); err != nil {
		return err
	}
	hs := st.header
	if c.Required {
		hs = st.required
	}
	if err := f.SetCellStyle(sheet, cell, cell, hs); err != nil {
		return err
	}
	err := f.AddComment(sheet, excelize.Comment{
		Cell: cell, Author: "cardimport", Text: c.Comment(p), Width: 320, Height: 60,
	})
	if err != nil || c.Field != validate.Sex {
		return err
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, templateTextRows))
	if err := dv.SetDropList([]string{"男", "女"}); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, c.Header, p.Sprintf(msgChooseSex))
	return f.AddDataValidation(sheet, dv)
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
