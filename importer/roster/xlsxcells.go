package roster

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/validate"
	"github.com/xuri/excelize/v2"
)

// How an xlsx (and xls) cell becomes a validate.Cell: text as stored,
// numbers as Excel shows them, dates in the workbook's date system.

func (x *xlsxSource) cell(c *Column, v string) validate.Cell {
	t := ctNone // unknown
	style := uint32(0)
	if c.Index < len(x.cur.cells) {
		t, style = x.cur.cells[c.Index].t, x.cur.cells[c.Index].style
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
