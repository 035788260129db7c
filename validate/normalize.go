package validate

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Hints for values that Excel damaged before we saw them. They tell the
// clerk what to do, since the original digits cannot be recovered.
const (
	hintNumber = "Excel stored it as a number and dropped the leading zeros: " +
		"format the column as Text and retype it"
	hintScientific = "Excel turned it into a number in scientific notation and lost digits: " +
		"format the column as Text and retype it"
	reasonGarbled = "contains garbled characters: the file's text encoding was misread " +
		"(save it as UTF-8, or try --encoding gbk)"
)

// cleanText trims what every field loses: white space of any kind at either
// end (ASCII, tab, NBSP, U+3000 ideographic space …) and invisible
// zero-width characters, which are also removed inside the value.
func cleanText(s string) string {
	if isASCII(s) {
		return strings.TrimSpace(s)
	}
	s = strings.TrimFunc(s, isTrimmed)
	// U+200B and U+2060 start with the byte E2, U+FEFF with EF: most
	// values have neither.
	if (strings.IndexByte(s, 0xE2) >= 0 || strings.IndexByte(s, 0xEF) >= 0) &&
		strings.ContainsAny(s, "\u200b\u2060\ufeff") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case '\u200b', '\u2060', '\ufeff':
				return -1
			}
			return r
		}, s)
	}
	return s
}

// isTrimmed reports whether r is dropped from either end of a value.
func isTrimmed(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u180e':
		return true
	}
	return unicode.IsSpace(r)
}

// foldWidth turns full-width letters, digits and punctuation (ＡＢＣ１２３－)
// into their narrow forms, for identifiers, numbers, dates, phones and sex.
func foldWidth(s string) string {
	for _, r := range s {
		if r == '\u3000' || ('\uff00' <= r && r <= '\uffef') {
			return width.Fold.String(s)
		}
	}
	return s
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isControl reports whether r may not appear in any value once trimmed:
// C0 and C1 control characters (tab, line breaks, NUL, bell …) and the
// Unicode line and paragraph separators.
func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// firstControl returns the first control character in s.
func firstControl(s string) (rune, bool) {
	for _, r := range s {
		if isControl(r) {
			return r, true
		}
	}
	return 0, false
}

// describeRune names a character for a clerk: `a space`, `a tab`, `"-"`.
func describeRune(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r == '\t':
		return "a tab"
	case r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
		return "a line break"
	case isControl(r):
		return "an invisible control character (U+" + hex4(r) + ")"
	case unicode.IsSpace(r):
		return "a space"
	}
	return strconv.Quote(string(r))
}

// controlReason is the reason for a value holding a control character.
func controlReason(r rune) string {
	return "contains " + describeRune(r) + ", which is not allowed: retype the value"
}

// isScientific reports whether s is a number in scientific notation, such
// as 1.56061E+10: Excel's display of a long number, whose digits are gone.
func isScientific(s string) bool {
	mant, exp, ok := strings.Cut(s, "E")
	if !ok {
		mant, exp, ok = strings.Cut(s, "e")
	}
	if !ok || mant == "" || exp == "" {
		return false
	}
	if exp[0] == '+' || exp[0] == '-' {
		exp = exp[1:]
	}
	ip, fp, _ := strings.Cut(mant, ".")
	return ip != "" && allDigits(ip) && allDigits(fp) && exp != "" && allDigits(exp)
}

// trimZeroFraction drops a fraction of zeros, "15606132502.0" → "15606132502",
// as exports of number cells write it.
func trimZeroFraction(s string) string {
	ip, fp, ok := strings.Cut(s, ".")
	if ok && ip != "" && fp != "" && strings.Trim(fp, "0") == "" && allDigits(ip) {
		return ip
	}
	return s
}

// plural writes a count and a noun: "1 digit", "10 digits".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// hex4 writes a code point in upper-case hex, at least four digits: 00AD.
func hex4(r rune) string {
	s := strings.ToUpper(strconv.FormatInt(int64(r), 16))
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}
