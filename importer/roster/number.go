package roster

import (
	"math"
	"strconv"
	"strings"
)

// isFloatForm reports whether a raw numeric cell value is written as a
// float (82.59999999999999, 1.10105199001011E+17) rather than an integer.
func isFloatForm(s string) bool {
	return strings.ContainsAny(s, ".eE")
}

// excelNumber renders a numeric cell value the way Excel shows it in a
// General cell widened enough, without exponent: the value is rounded to 15
// significant digits (Excel's precision; openpyxl writes 82.6 as
// 82.59999999999999) and written in plain decimal notation
// (1.10105199001011E+17 → 110105199001011000). ok is false when s is not a
// finite number.
func excelNumber(s string) (string, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	if f == 0 {
		return "0", true
	}
	// d.dddddddddddddde±XX: 15 significant digits.
	e := strconv.FormatFloat(f, 'e', 14, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	i := strings.IndexByte(e, 'e')
	exp, err := strconv.Atoi(e[i+1:])
	if err != nil {
		return "", false
	}
	digits := strings.TrimRight(e[:1]+e[2:i], "0") // mantissa digits, no point
	if digits == "" {
		return "0", true
	}
	// The decimal point goes after digit number exp+1.
	point := exp + 1
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(digits)
	case point >= len(digits):
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point])
		b.WriteByte('.')
		b.WriteString(digits[point:])
	}
	return b.String(), true
}
