package validate

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/cardimport/cardimport/validate/lang"
)

// Hints for values that Excel damaged before we saw them. They tell the
// clerk what to do, since the original digits cannot be recovered.
var (
	hintNumber = lang.Msg("Excel stored it as a number and dropped the leading zeros: "+
		"format the column as Text and retype it",
		"Excel 把它存成了数字，开头的0已经丢了：请把这一列设为“文本”格式，再重新输入")
	hintScientific = lang.Msg("Excel turned it into a number in scientific notation and lost digits: "+
		"format the column as Text and retype it",
		"Excel 把它变成了科学计数法的数字，后面的位数已经丢了：请把这一列设为“文本”格式，再重新输入")
	reasonGarbled = lang.Msg("contains garbled characters: the file's text encoding was misread "+
		"(save it as UTF-8, or try --encoding gbk)",
		"有乱码：文件的文字编码读错了（请把文件另存为 UTF-8，或加上 --encoding gbk 再试）")
	errScientific = say(hintScientific)
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
func isTrimmed(r rune) bool { return IsBlankRune(r) }

// IsBlankRune reports the characters that make no value: white space of
// any kind (ASCII, tab, NBSP, U+3000 ideographic space…) and the invisible
// zero-width characters and BOM. A cell of only these is blank; a value
// and a header lose them at either end. The one definition of "blank"
// the roster reader, header matching and the rules share.
func IsBlankRune(r rune) bool {
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

// How a character is named in a message.
var (
	msgASpace     = lang.Msg("a space", "空格")
	msgATab       = lang.Msg("a tab", "制表符（Tab）")
	msgALineBreak = lang.Msg("a line break", "换行")
	msgAControl   = lang.Msg("an invisible control character (U+%s)", "看不见的控制字符（U+%s）")
	msgContains   = lang.Msg("contains %s, which is not allowed: retype the value", "含有%s，这是不允许的：请重新输入")
)

// describeRune names a character for a clerk: `a space`, `a tab`, `"-"`;
// 空格, 制表符（Tab）, `"-"`. It is an argument of a message: *words, or
// the character quoted, which is the same in every language.
func describeRune(r rune) any {
	switch {
	case r == ' ':
		return say(msgASpace)
	case r == '\t':
		return say(msgATab)
	case r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
		return say(msgALineBreak)
	case isControl(r):
		return say(msgAControl, hex4(r))
	case unicode.IsSpace(r):
		return say(msgASpace)
	}
	return strconv.Quote(string(r))
}

// controlReason is the reason for a value holding a control character.
func controlReason(r rune) *words { return say(msgContains, describeRune(r)) }

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

// hex4 writes a code point in upper-case hex, at least four digits: 00AD.
func hex4(r rune) string {
	s := strings.ToUpper(strconv.FormatInt(int64(r), 16))
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}
