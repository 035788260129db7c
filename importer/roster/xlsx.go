package roster

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/validate"
)

// Reading .xlsx, and the traps of PERF-NOTES.md:
//   - Rows are streamed with excelize's Rows()+Columns(RawCellValue: true),
//     never GetRows (which holds the whole sheet: ~900 MB at 1M rows). Raw
//     values are 2.8× faster than formatted ones; dates are converted here
//     (excelize.ExcelDateToTime with the workbook's 1904 flag).
//   - excelize loads the whole shared-strings table into memory: a roster
//     saved by Excel or WPS (shared strings) costs ~310 MB at 100k rows and
//     ~3 GB at 1M. Memory, not speed, limits large Excel-saved rosters; CSV
//     is the answer for those.
//   - OpenFile unzips every part into memory except worksheets (and the
//     shared strings) over UnzipXMLSizeLimit (16 MB of XML by default),
//     which spill to a temporary file: ~640 MB of disk at 1M rows. Close
//     removes it.
//   - <dimension ref=…> is never trusted for the row count (excelize's own
//     writers leave it at A1).
//   - excelize's Rows does not expose cell types and stops silently on
//     damaged XML: sheetScanner (xmlscan.go) walks the same part in
//     lockstep to type every cell and to check that no row was missed.
//   - Raw values lose what number formats show: the cell formats and
//     custom number formats of xl/styles.xml are read once at Open
//     (styles.go, bounded), and a number whose format pads it with zeros
//     or adds text reads as displayed, 010005 (numfmt.go).

// xlsxSource streams one sheet.
type xlsxSource struct {
	path, sheet string
	file        *excelize.File
	rows        *excelize.Rows
	zr          *zip.ReadCloser
	part        *zip.File
	date1904    bool
	styles      *styles // nil: every number reads as stored
	warn        func(string)

	headerLine int
	line       int // number of the row last returned (excelize yields every row number)
	scan       *sheetScanner
	scanErr    error
	cur        []scanCell // scanner cells of the row last returned, nil if unknown
	curLine    int
	hiddenOK   bool // the hidden-row warning was given
	formOK     bool // the formula warning was given
}

func openXLSX(path string, opts Options, warnings []string) (*Reader, error) {
	r := newReader(path, "xlsx")
	r.warnings = append(r.warnings, warnings...)
	fail := func(err error) (*Reader, error) { return nil, &Error{Path: path, Err: err} }

	zr, err := zip.OpenReader(path)
	if err != nil {
		return fail(sentence("is damaged or truncated (it is not a complete zip archive, as an .xlsx must be): copy it again, or open it in Excel or WPS and save it again", ErrCorrupt, err))
	}
	ok := false
	defer func() {
		if !ok {
			zr.Close()
		}
	}()
	ix := newZipIndex(&zr.Reader)
	sheets, stylesPart, err := inspectWorkbook(ix)
	if err != nil {
		return fail(newMsg(err.Error(), ErrCorrupt))
	}
	if len(sheets) == 0 {
		return fail(sentence("has no sheet", ErrNoSheet, ErrEmpty))
	}
	si, err := chooseSheet(sheets, opts.Sheet, r.warn)
	if err != nil {
		return fail(err)
	}
	r.sheet = si.name
	if si.part == "" {
		return fail(newMsg(fmt.Sprintf("sheet %s has no worksheet part: the workbook is damaged", si.name), ErrCorrupt))
	}

	// excelize reads the styles part whole at OpenFile: bound it first.
	var stylesFile *zip.File
	if stylesPart != "" {
		stylesFile = ix.get(stylesPart)
	}
	if stylesFile != nil && stylesFile.UncompressedSize64 > maxStylesSize {
		return fail(sentence(fmt.Sprintf("has a styles part (%s) of %d MB, more than the %d MB a workbook's cell formats take: "+
			"copy the roster's cells into a new workbook and save that, or save the roster as CSV",
			stylesPart, stylesFile.UncompressedSize64>>20, maxStylesSize>>20), ErrCorrupt))
	}

	xf, err := excelize.OpenFile(path)
	if err != nil {
		if xf != nil {
			xf.Close()
		}
		return fail(newMsg("the workbook cannot be read: "+err.Error()+"; open it in Excel or WPS and save it again", ErrCorrupt, err))
	}
	src := &xlsxSource{path: path, sheet: si.name, file: xf, zr: zr, part: ix.get(si.part), warn: r.warn}
	if stylesFile != nil {
		st, err := readStyles(stylesFile)
		if err != nil {
			r.warn(fmt.Sprintf("the workbook's number formats (%s) cannot be read: %v; numbers read as stored, "+
				"so a card number shown as 010005 by a 000000 format reads 10005; open the file in Excel or WPS and save it again", stylesPart, err))
		}
		src.styles = st
	}
	r.src = src
	defer func() {
		if !ok {
			src.close()
		}
	}()
	props, err := xf.GetWorkbookProps()
	if err != nil {
		return fail(newMsg("the workbook cannot be read: "+err.Error(), ErrCorrupt, err))
	}
	src.date1904 = props.Date1904 != nil && *props.Date1904
	if src.rows, err = xf.Rows(si.name); err != nil {
		return fail(newMsg(fmt.Sprintf("sheet %s cannot be read: %v", si.name, err), ErrCorrupt, err))
	}
	if err := r.readHeader(opts); err != nil {
		return nil, err
	}
	if err := src.sample(r); err != nil {
		return nil, &Error{Path: path, Sheet: si.name, Err: newMsg(err.Error(), ErrCorrupt, err)}
	}
	ok = true
	return r, nil
}

// chooseSheet picks --sheet, or the first visible worksheet.
func chooseSheet(sheets []sheetInfo, want string, warn func(string)) (sheetInfo, error) {
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.name
		if s.state == "hidden" || s.state == "veryHidden" {
			names[i] += " (hidden)"
		}
	}
	list := strings.Join(names, ", ")
	if want != "" {
		pick := -1
		for i, s := range sheets {
			if s.name == want {
				pick = i
				break
			}
		}
		if pick < 0 {
			for i, s := range sheets {
				if strings.EqualFold(strings.TrimSpace(s.name), strings.TrimSpace(want)) {
					pick = i
					break
				}
			}
		}
		if pick < 0 {
			return sheetInfo{}, newMsg(fmt.Sprintf("--sheet %s: the workbook has no such sheet; its sheets are: %s", want, list), ErrNoSheet)
		}
		s := sheets[pick]
		if s.kind != "worksheet" {
			return sheetInfo{}, newMsg(fmt.Sprintf("--sheet %s: it is a %s, not a worksheet; the sheets are: %s", want, s.kind, list), ErrNoSheet)
		}
		if !s.visible() {
			warn(fmt.Sprintf("sheet %s is hidden in Excel; reading it because --sheet names it", s.name))
		}
		return s, nil
	}
	var hidden, others []string
	pick := -1
	for i, s := range sheets {
		switch {
		case s.kind != "worksheet":
		case pick < 0 && !s.visible():
			hidden = append(hidden, s.name)
		case pick < 0:
			pick = i
		case s.visible():
			others = append(others, s.name)
		}
	}
	if pick < 0 {
		return sheetInfo{}, newMsg("the workbook has no visible worksheet; name one with --sheet (the sheets are: "+list+")", ErrNoSheet)
	}
	if len(hidden) > 0 {
		warn(fmt.Sprintf("skipped hidden sheet %s; reading sheet %s (use --sheet to choose)", strings.Join(hidden, ", "), sheets[pick].name))
	}
	if len(others) > 0 {
		warn(fmt.Sprintf("the workbook has other sheets (%s); reading only the first, %s (use --sheet to choose)", strings.Join(others, ", "), sheets[pick].name))
	}
	return sheets[pick], nil
}

// sample reads the cell types of the first data rows to set
// Column.Numeric, and warns about identifier columns stored as numbers.
func (x *xlsxSource) sample(r *Reader) error {
	x.headerLine = r.headerLine
	const maxRows = 200
	s, err := openSheetScanner(x.part)
	if err != nil {
		return err
	}
	defer s.close()
	num := make([]int, len(r.columns))
	str := make([]int, len(r.columns))
	padded := make([]int, len(r.columns)) // numbers read through a padding format
	rows := 0
	for rows < maxRows && s.nextRow() {
		if s.row <= r.headerLine || !rowHasValue(s.cells) {
			continue
		}
		rows++
		for i, c := range s.cells {
			if i >= len(r.columns) || !c.value {
				continue
			}
			switch c.t {
			case ctNumber:
				if readsFormatted(r.columns[i].Field) && x.styles.format(c.style).pads() {
					padded[i]++
				} else {
					num[i]++
				}
			case ctString:
				str[i]++
			}
		}
	}
	// A damaged sheet is reported by finish, after the rows that can be
	// read: the sample only sets Column.Numeric.
	for i := range r.columns {
		c := &r.columns[i]
		// Padded numbers read as the text they show: their zeros are not
		// lost. They count with the text cells, and win a tie.
		c.Numeric = num[i] > padded[i] && num[i] >= str[i]+padded[i]
		if !c.Numeric && num[i] == 0 {
			continue
		}
		switch c.Field {
		case validate.Cardno, validate.Password, validate.Extid:
			if c.Numeric {
				r.warn(fmt.Sprintf("column %s is stored as numbers in Excel: leading zeros are already lost; format it as Text", c.describe()))
			} else {
				r.warn(fmt.Sprintf("column %s has cells stored as numbers in Excel: their leading zeros are already lost; format the column as Text", c.describe()))
			}
		case validate.IDNumber:
			r.warn(fmt.Sprintf("column %s is stored as numbers in Excel: an 18-digit ID number keeps only 15 digits; format it as Text and type the numbers again", c.describe()))
		}
	}
	return nil
}

func (x *xlsxSource) next() (int, []string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return 0, nil, &Error{Path: x.path, Sheet: x.sheet, Row: x.line + 1, Err: newMsg(err.Error(), ErrCorrupt, err)}
		}
		return 0, nil, io.EOF
	}
	x.line++
	vals, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return x.line, nil, &Error{Path: x.path, Sheet: x.sheet, Row: x.line, Err: newMsg(err.Error(), ErrCorrupt, err)}
	}
	x.cur, x.curLine = nil, 0
	if len(vals) > 0 {
		x.typeRow(vals)
		if x.scan != nil && x.scan.err != nil {
			// The XML broke inside this row: excelize returns what it got
			// of it, which is not the row the user typed.
			return x.line, nil, &Error{Path: x.path, Sheet: x.sheet, Row: x.line, Err: newMsg(x.scan.err.Error()+"; open the file in Excel or WPS and save it again", ErrCorrupt, x.scan.err)}
		}
		if !x.hiddenOK && x.rows.GetRowOpts().Hidden && !isBlankRow(vals) {
			x.hiddenOK = true
			x.warn(fmt.Sprintf("row %d is hidden in Excel: hidden rows are imported too", x.line))
		}
	}
	return x.line, vals, nil
}

// typeRow fetches the scanner's view of the current row.
func (x *xlsxSource) typeRow(vals []string) {
	if x.scan == nil && x.scanErr == nil {
		x.scan, x.scanErr = openSheetScanner(x.part)
	}
	if x.scan == nil {
		return
	}
	x.cur, x.curLine = x.scan.lookup(x.line), x.line
	if x.formOK {
		return
	}
	for i, c := range x.cur {
		if c.formula && !c.value {
			x.formOK = true
			x.warn(fmt.Sprintf("cell %s%d holds a formula with no saved result (the workbook was written by a program and never saved by Excel): it reads as empty; open the file in Excel or WPS and save it", columnLetter(i), x.line))
			break
		}
	}
}

func (x *xlsxSource) cell(c *Column, v string) validate.Cell {
	t := ctNone // unknown
	style := uint32(0)
	if x.curLine == x.line && c.Index < len(x.cur) {
		t, style = x.cur[c.Index].t, x.cur[c.Index].style
	}
	switch t {
	case ctString:
		return validate.TextCell(v)
	case ctError:
		return validate.Cell{Text: v, Kind: validate.KindError}
	case ctBool:
		// Raw booleans are 1/0; the user sees TRUE/FALSE (and a 1 in a sex
		// column would read as 男).
		switch v {
		case "1":
			return validate.TextCell("TRUE")
		case "0":
			return validate.TextCell("FALSE")
		}
		return validate.TextCell(v)
	case ctDate:
		if tm, ok := parseISODate(v); ok {
			return dateCell(tm)
		}
		return validate.TextCell(v)
	case ctNumber:
		return x.number(c, v, style)
	}
	// The scanner could not say (it always should): fall back on the
	// value's form and the sampled column type.
	if isFloatForm(v) || c.Numeric {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return x.number(c, v, 0)
		}
	}
	return validate.TextCell(v)
}

// number converts a numeric cell of style index style: a date in a date
// column; the text the cell shows when its format pads the number with
// zeros or adds text (000000: 010005); else the number as Excel shows it.
func (x *xlsxSource) number(c *Column, v string, style uint32) validate.Cell {
	if c.Field == validate.Birthday || c.Field == validate.Expirydate {
		if tm, ok := serialDate(v, x.date1904); ok {
			return dateCell(tm)
		}
	}
	if readsFormatted(c.Field) {
		if s, ok := x.styles.format(style).render(v); ok {
			return validate.TextCell(s)
		}
	}
	if isFloatForm(v) {
		if s, ok := excelNumber(v); ok {
			return validate.Cell{Text: s, Kind: validate.KindNumber}
		}
		return validate.TextCell(v)
	}
	// An integer is exact as written: keep its digits.
	if _, err := strconv.ParseInt(strings.TrimPrefix(v, "-"), 10, 64); err == nil || isDigits(v) {
		return validate.Cell{Text: v, Kind: validate.KindNumber}
	}
	return validate.TextCell(v)
}

// readsFormatted reports whether a column of field f reads a number
// through its padding format. Balances, points and levels do not: their
// value is the number, which a display unit (0"分", "¥"0) must not turn
// into something that is no longer one.
func readsFormatted(f validate.Field) bool {
	switch f {
	case validate.Balance, validate.Points, validate.Level:
		return false
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Excel's date serial range: 1 = 1900-01-01 … 2958465 = 9999-12-31 in the
// 1900 system; the 1904 system counts from 0 = 1904-01-01, 1462 days
// later.
const (
	maxSerial1900 = 2958465
	maxSerial1904 = maxSerial1900 - 1462
)

// serialDate converts an Excel serial to a date (the time of day is
// dropped). Serial 60 of the 1900 system is Lotus 1-2-3's 1900-02-29,
// which never existed: it is not a date.
func serialDate(v string, date1904 bool) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) {
		return time.Time{}, false
	}
	day := math.Floor(f)
	if date1904 {
		if day < 0 || day > maxSerial1904 {
			return time.Time{}, false
		}
	} else if day < 1 || day > maxSerial1900 || day == 60 {
		return time.Time{}, false
	}
	tm, err := excelize.ExcelDateToTime(day, date1904)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC), true
}

func dateCell(t time.Time) validate.Cell {
	return validate.Cell{Text: t.Format("2006-01-02"), Kind: validate.KindDate, Time: t}
}

// parseISODate reads the value of a t="d" cell.
func parseISODate(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

func (x *xlsxSource) finish() error {
	if x.scan == nil {
		if x.scanErr != nil {
			return &Error{Path: x.path, Sheet: x.sheet, Err: newMsg(x.scanErr.Error(), ErrCorrupt, x.scanErr)}
		}
		var err error
		if x.scan, err = openSheetScanner(x.part); err != nil {
			return &Error{Path: x.path, Sheet: x.sheet, Err: newMsg(err.Error(), ErrCorrupt, err)}
		}
	}
	if err := x.scan.drain(x.line); err != nil {
		return &Error{Path: x.path, Sheet: x.sheet, Row: x.line, Err: newMsg(err.Error()+"; open the file in Excel or WPS and save it again", ErrCorrupt, err)}
	}
	x.mergeWarnings()
	return nil
}

// mergeWarnings tells about merged ranges: only their top-left cell holds
// the value, the others read empty.
func (x *xlsxSource) mergeWarnings() {
	var shown []string
	n := 0
	for _, ref := range x.scan.merges {
		// Ranges above the data (a merged title row) do not matter.
		_, b, _ := strings.Cut(ref, ":")
		if _, last := cellRef([]byte(b)); last <= x.headerLine {
			continue
		}
		n++
		if len(shown) < 3 {
			shown = append(shown, ref)
		}
	}
	if n == 0 {
		return
	}
	more := ""
	if n > len(shown) {
		more = fmt.Sprintf(" and %d more", n-len(shown))
	}
	x.warn(fmt.Sprintf("merged cells %s%s: only the top-left cell of a merged range holds its value, the other cells read as empty; unmerge them and fill the values in", strings.Join(shown, ", "), more))
}

func (x *xlsxSource) close() error {
	var errs []error
	if x.scan != nil {
		errs = append(errs, x.scan.close())
	}
	if x.rows != nil {
		errs = append(errs, x.rows.Close())
		x.rows = nil
	}
	if x.file != nil {
		errs = append(errs, x.file.Close())
		x.file = nil
	}
	if x.zr != nil {
		errs = append(errs, x.zr.Close())
		x.zr = nil
	}
	return errors.Join(errs...)
}
