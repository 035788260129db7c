package validate

import (
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/validate/lang"
)

// Reasons of ParseDate.
var (
	errDateSyntax = say(lang.Msg("not a date we can read: write it like 1990-02-03 or 19900203",
		"看不懂这个日期：请写成 1990-02-03 或 19900203 这样"))
	errZeroDate = say(lang.Msg("an empty date from a database (0000-00-00)", "数据库导出的空日期（0000-00-00）"))
	errNoDay0   = say(lang.Msg("not a real date: there is no day 0", "日期不存在：没有0日"))
	msgNoYear   = lang.Msg("year %s does not exist", "年份%s不存在")
	msgNoMonth  = lang.Msg("not a real date: there is no month %s", "日期不存在：没有%s月")
	// msgMonthDays names the month, then the year: February 1990, 1990年2月.
	msgMonthDays = lang.Msg("not a real date: %s %s has %d days", "日期不存在，%[2]s年%[1]s只有%[3]d天")
)

// ParseDate reads a roster date, ignoring surrounding spaces and full-width
// forms: 19900203, 1990-02-03, 1990/2/3, 1990.2.3, 1990年2月3日, each
// optionally followed by a time of day (" 00:00:00", "T08:30") as database
// and Excel exports write it; the time is dropped. The result is midnight
// UTC of that calendar date. An impossible date such as 1990-02-30 is an
// error whose text says why, in plain words.
func ParseDate(s string) (time.Time, error) {
	return parseDate(foldWidth(cleanText(s)))
}

// parseDate is ParseDate on a value already trimmed and width-folded.
func parseDate(s string) (time.Time, error) {
	p := dateScanner{s: s}
	year, ok := p.digits(4, 4)
	if !ok {
		return time.Time{}, errDateSyntax
	}
	var month, day int
	if m, ok := p.digits(2, 2); ok && p.peekDigit() {
		// 19900203: eight digits in a row.
		month = m
		day, _ = p.digits(2, 2)
		if p.peekDigit() {
			return time.Time{}, errDateSyntax
		}
	} else {
		if ok {
			return time.Time{}, errDateSyntax // 199002 or 1990020
		}
		sep, ok := p.sep()
		if !ok {
			return time.Time{}, errDateSyntax
		}
		if month, ok = p.digits(1, 2); !ok {
			return time.Time{}, errDateSyntax
		}
		sep2 := sep
		if sep == "年" {
			sep2 = "月"
		}
		if !p.literal(sep2) {
			return time.Time{}, errDateSyntax
		}
		if day, ok = p.digits(1, 2); !ok {
			return time.Time{}, errDateSyntax
		}
		if sep == "年" {
			p.literal("日")
		}
	}
	if !p.timeOfDay() {
		return time.Time{}, errDateSyntax
	}
	return makeDate(year, month, day)
}

// makeDate checks that year-month-day is a real calendar date.
func makeDate(year, month, day int) (time.Time, error) {
	if year == 0 && month == 0 && day == 0 {
		return time.Time{}, errZeroDate
	}
	if year < 1 {
		return time.Time{}, say(msgNoYear, zeroPad(year, 4))
	}
	if month < 1 || month > 12 {
		return time.Time{}, say(msgNoMonth, strconv.Itoa(month))
	}
	last := daysIn(year, time.Month(month))
	if day < 1 || day > last {
		if day == 0 {
			return time.Time{}, errNoDay0
		}
		return time.Time{}, say(msgMonthDays, monthName(month), strconv.Itoa(year), last)
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), nil
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dateScanner walks a date string left to right.
type dateScanner struct {
	s string
	i int
}

// digits reads between min and max ASCII digits.
func (p *dateScanner) digits(min, max int) (int, bool) {
	n, v := 0, 0
	for n < max && p.i+n < len(p.s) && isDigit(p.s[p.i+n]) {
		v = v*10 + int(p.s[p.i+n]-'0')
		n++
	}
	if n < min {
		return 0, false
	}
	p.i += n
	return v, true
}

func (p *dateScanner) peekDigit() bool { return p.i < len(p.s) && isDigit(p.s[p.i]) }

// sep reads the separator after the year.
func (p *dateScanner) sep() (string, bool) {
	for _, sep := range [...]string{"-", "/", ".", "年"} {
		if p.literal(sep) {
			return sep, true
		}
	}
	return "", false
}

func (p *dateScanner) literal(lit string) bool {
	if strings.HasPrefix(p.s[p.i:], lit) {
		p.i += len(lit)
		return true
	}
	return false
}

// timeOfDay accepts the end of the string, or a time of day after spaces or
// a T: H:MM, HH:MM:SS, HH:MM:SS.fff. The time is checked, then dropped.
func (p *dateScanner) timeOfDay() bool {
	if p.i == len(p.s) {
		return true
	}
	if p.literal("T") {
	} else if p.peek() == ' ' {
		for p.peek() == ' ' {
			p.i++
		}
	} else {
		return false
	}
	h, ok := p.digits(1, 2)
	if !ok || h > 23 || !p.literal(":") {
		return false
	}
	if m, ok := p.digits(2, 2); !ok || m > 59 {
		return false
	}
	if p.literal(":") {
		if sec, ok := p.digits(2, 2); !ok || sec > 59 {
			return false
		}
		if p.literal(".") {
			if _, ok := p.digits(1, 9); !ok {
				return false
			}
		}
	}
	return p.i == len(p.s)
}

func (p *dateScanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// excelSerial converts an Excel serial day number (1900 date system) to a
// date: a number cell in a date column that the reader did not convert.
func excelSerial(s string) (time.Time, bool) {
	if len(s) != 5 || !allDigits(s) {
		return time.Time{}, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	// Serial 1 is 1900-01-01, but Excel counts a 1900-02-29 that never was,
	// so for every five-digit serial day 0 is 1899-12-30.
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), true
}

// cellDate reads a date field's cell: a KindDate cell's Time, a
// five-digit serial in a number cell, or the text forms of ParseDate.
func cellDate(cell Cell, s string) (time.Time, error) {
	if cell.Kind == KindDate && !cell.Time.IsZero() {
		y, m, d := cell.Time.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	s = foldWidth(s)
	if cell.Kind == KindNumber {
		if t, ok := excelSerial(trimZeroFraction(s)); ok {
			return t, nil
		}
	}
	return parseDate(s)
}

// dateString formats a date as sent: YYYYMMDD.
func dateString(t time.Time) string {
	y, m, d := t.Date()
	var b [8]byte
	putDigits(b[0:4], y)
	putDigits(b[4:6], int(m))
	putDigits(b[6:8], d)
	return string(b[:])
}

// showDate formats a date for a message: 1990-02-03.
func showDate(t time.Time) string {
	y, m, d := t.Date()
	var b [10]byte
	putDigits(b[0:4], y)
	b[4] = '-'
	putDigits(b[5:7], int(m))
	b[7] = '-'
	putDigits(b[8:10], d)
	return string(b[:])
}

// putDigits writes n (≥ 0) right-aligned in b with leading zeros; the
// digits that do not fit are dropped, as years beyond 9999 do not occur.
func putDigits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// zeroPad writes n with at least width digits: 0007.
func zeroPad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}
