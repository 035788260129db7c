package validate

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Money is an exact amount of yuan with at most two decimal places, held in
// fen (1/100 yuan). It never passes through float64.
type Money struct {
	Fen int64
}

// maxFen bounds amounts so that sums over a million rows cannot overflow.
const maxFen = 1e12 * 100

// Errors of ParseMoney, for callers that word their own messages.
var (
	ErrMoneySyntax    = errors.New("not a number")
	ErrMoneyNegative  = errors.New("negative")
	ErrMoneyPrecision = errors.New("more than 2 decimal places")
	ErrMoneyRange     = errors.New("too large")
)

// ParseMoney parses a decimal amount: "100", "100.8", "1,234.56", "¥88",
// "￥ 88.00", "-0" is 0. Thousands separators must group by three. A sign
// may stand before or after the currency symbol: "-¥5" is negative, as is
// "¥-5".
func ParseMoney(s string) (Money, error) {
	fen, neg, err := parseDecimal(s)
	if err != nil {
		return Money{}, err
	}
	if neg && fen != 0 {
		return Money{}, ErrMoneyNegative
	}
	return Money{Fen: fen}, nil
}

// parseDecimal reads an amount's sign and magnitude in fen.
func parseDecimal(s string) (fen int64, neg bool, err error) {
	s = strings.TrimSpace(s)
	signed, currency := false, false
	for s != "" {
		if !currency && (strings.HasPrefix(s, "¥") || strings.HasPrefix(s, "￥")) {
			_, size := utf8.DecodeRuneInString(s)
			s, currency = s[size:], true
		} else if !signed && (s[0] == '-' || s[0] == '+') {
			neg, s, signed = s[0] == '-', s[1:], true
		} else {
			break
		}
		s = strings.TrimSpace(s)
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, false, ErrMoneySyntax
	}
	if strings.IndexByte(intPart, ',') >= 0 {
		var buf [32]byte
		digits, ok := ungroupInto(buf[:0], intPart)
		if !ok {
			return 0, false, ErrMoneySyntax
		}
		intPart = string(digits) // short: no allocation when it does not escape
	}
	if !allDigits(intPart) || !allDigits(frac) || (hasDot && frac == "") {
		return 0, false, ErrMoneySyntax
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return 0, false, ErrMoneyPrecision
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 13 {
		return 0, false, ErrMoneyRange
	}
	var yuan int64
	if intPart != "" {
		yuan, _ = strconv.ParseInt(intPart, 10, 64)
	}
	fen = yuan * 100
	if frac != "" {
		f, _ := strconv.ParseInt((frac + "0")[:2], 10, 64)
		fen += f
	}
	if fen > maxFen {
		return 0, false, ErrMoneyRange
	}
	return fen, neg, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the amount in its shortest exact form: 100, 100.8, 100.88.
// It is also the JSON number text sent to the platform.
func (m Money) String() string {
	sign, yuan, rest := m.parts()
	y := sign + strconv.FormatUint(yuan, 10)
	switch {
	case rest == 0:
		return y
	case rest%10 == 0:
		return y + "." + strconv.FormatUint(rest/10, 10)
	default:
		return y + "." + twoDigits(rest)
	}
}

// Fixed formats the amount with exactly two decimals: 100.00.
func (m Money) Fixed() string {
	sign, yuan, rest := m.parts()
	return sign + strconv.FormatUint(yuan, 10) + "." + twoDigits(rest)
}

// twoDigits writes 0–99 as two digits: 05.
func twoDigits(n uint64) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// parts splits the amount into sign, yuan and fen, in unsigned arithmetic
// so that the most negative amount formats too.
func (m Money) parts() (sign string, yuan, rest uint64) {
	fen := uint64(m.Fen)
	if m.Fen < 0 {
		sign, fen = "-", -fen
	}
	return sign, fen / 100, fen % 100
}

// Add returns m+n, saturating instead of overflowing.
func (m Money) Add(n Money) Money {
	switch {
	case n.Fen > 0 && m.Fen > math.MaxInt64-n.Fen:
		return Money{Fen: math.MaxInt64}
	case n.Fen < 0 && m.Fen < math.MinInt64-n.Fen:
		return Money{Fen: math.MinInt64}
	}
	return Money{Fen: m.Fen + n.Fen}
}

// ParseAmount reads an amount a platform returned: a JSON number or string
// such as 1420, "1420.00", 14493.8 or "". Unlike ParseMoney it accepts
// negative amounts and more decimal places as long as they are zeros.
// "" and "null" are zero with ok false.
func ParseAmount(s string) (m Money, ok bool, err error) {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"`))
	if s == "" || s == "null" {
		return Money{}, false, nil
	}
	fen, neg, err := parseDecimal(s)
	if err != nil {
		return Money{}, false, fmt.Errorf("amount %q: %w", s, err)
	}
	if neg {
		fen = -fen
	}
	return Money{Fen: fen}, true, nil
}
