package roster

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/nfp"
)

// Number formats that change how a whole number shows (SPEC §2: a numeric
// cell is read as Excel displays its digits). A card number 10005 in a
// cell formatted 000000 is 010005 on the screen and on the printed card;
// "VIP"0000 shows 5 as VIP0005.
//
// Only formats made of digit placeholders (0 and #) and literal text
// (quoted strings, \-escaped characters, and the characters Excel shows
// unquoted, such as - ( ) and space) are rendered, in up to three sections
// (positive;negative;zero), with colours and [$-804] locale tags ignored.
// Anything else — decimals, %, E+, thousands separators (#,##0 does not
// pad), fractions, dates, @, General, conditions, [DBNum1], * fills and _
// spacing — keeps the number as stored, and so does a value that is not a
// whole number of at most 15 digits. Format codes are parsed with
// github.com/xuri/nfp, excelize's own number-format parser.

// maxFormatCode bounds the format codes we parse: Excel allows 255
// characters.
const maxFormatCode = 1024

// numFmt is a number format that may show a whole number otherwise than
// General does.
type numFmt struct {
	sec [3]fmtSection // positive, negative, zero
	n   int           // number sections given, 1–3
	// A boolean format, "TRUE";"TRUE";"FALSE" as LibreOffice writes one:
	// any number but zero shows yes, zero shows no (SPEC §2: the number
	// is the boolean it displays).
	boolean bool
	yes, no string
}

// fmtSection is one section of a format.
type fmtSection struct {
	ok      bool      // made only of what render supports
	items   []fmtItem // in display order
	holders int       // digit placeholders
	hashes  bool      // some placeholder is a #
	pads    bool      // a 0 placeholder before the units one: 5 shows as 05
	text    bool      // has literal text
}

// fmtItem is a digit placeholder (0 or #) or literal text.
type fmtItem struct {
	holder byte // '0', '#', or 0 for text
	lit    string
}

// parseNumFmt parses a format code. It returns nil when no section of the
// format can change how a whole number shows: General, 0, #,##0, 0.00, a
// date format…
func parseNumFmt(code string) *numFmt {
	if len(code) > maxFormatCode || !utf8.ValidString(code) || !plainCode(code) {
		return nil
	}
	p := nfp.NumberFormatParser()
	secs := p.Parse(code)
	// A trailing text section (…;@) formats text, not numbers.
	if n := len(secs); n > 0 && secs[n-1].Type == nfp.TokenSectionText && n > 1 {
		secs = secs[:n-1]
	}
	if len(secs) == 0 || len(secs) > 3 {
		return nil
	}
	for _, sec := range secs {
		for _, tk := range sec.Items {
			if tk.TType == nfp.TokenTypeCondition {
				return nil // [>100] decides which section applies
			}
		}
	}
	if yes, no, ok := booleanFormat(secs); ok {
		return &numFmt{n: 3, boolean: true, yes: yes, no: no}
	}
	f := &numFmt{n: len(secs)}
	changes := false
	for i, s := range secs {
		f.sec[i] = parseSection(s, i == 2)
		sec := &f.sec[i]
		if sec.ok && (sec.pads || sec.text) {
			changes = true
		}
	}
	if !changes {
		return nil
	}
	return f
}

// booleanFormat recognises a format of three sections that are text alone,
// the first two alike and the zero one different: "TRUE";"TRUE";"FALSE".
func booleanFormat(secs []nfp.Section) (yes, no string, ok bool) {
	if len(secs) != 3 {
		return "", "", false
	}
	var text [3]string
	for i, s := range secs {
		for _, tk := range s.Items {
			switch tk.TType {
			case nfp.TokenTypeLiteral:
				text[i] += tk.TValue
			case nfp.TokenTypeColor:
			default:
				return "", "", false
			}
		}
	}
	if text[0] == "" || text[0] != text[1] || text[2] == "" || text[2] == text[0] {
		return "", "", false
	}
	return text[0], text[2], true
}

// parseSection turns nfp's tokens into a section; ok is false for any
// token render does not support. A section needs a digit placeholder,
// except the zero section, which may be text alone (0;-0;"无").
func parseSection(s nfp.Section, zero bool) fmtSection {
	var sec fmtSection
	if s.Type == nfp.TokenSectionText {
		return sec
	}
	firstZero := -1
	for _, tk := range s.Items {
		switch tk.TType {
		case nfp.TokenTypeZeroPlaceHolder, nfp.TokenTypeHashPlaceHolder:
			want := byte('0')
			if tk.TType == nfp.TokenTypeHashPlaceHolder {
				want = '#'
			}
			if tk.TValue == "" || strings.Trim(tk.TValue, string(want)) != "" {
				return fmtSection{} // nfp folds digits such as 1 into zero runs
			}
			for range len(tk.TValue) {
				if want == '#' {
					sec.hashes = true
				} else if firstZero < 0 {
					firstZero = sec.holders
				}
				sec.items = append(sec.items, fmtItem{holder: want})
				sec.holders++
			}
		case nfp.TokenTypeLiteral:
			if tk.TValue != "" {
				sec.items = append(sec.items, fmtItem{lit: tk.TValue})
				sec.text = true
			}
		case nfp.TokenTypeColor:
			// [Red]: no text
		case nfp.TokenTypeCurrencyLanguage:
			// [$-804] only names a locale; [$¥-804] shows a currency.
			for _, p := range tk.Parts {
				if p.Token.TType != nfp.TokenSubTypeLanguageInfo && p.Token.TValue != "" {
					return fmtSection{}
				}
			}
		default:
			return fmtSection{}
		}
	}
	if sec.holders == 0 && !(zero && sec.text) {
		return fmtSection{}
	}
	// A 0 in the units place shows what General shows; one before it pads.
	sec.pads = firstZero >= 0 && firstZero < sec.holders-1
	sec.ok = true
	return sec
}

// plainCode rejects codes that nfp reads leniently where Excel would
// refuse them or show otherwise: an unclosed quote or bracket, a trailing
// backslash, an apostrophe (shown by Excel, dropped by nfp).
func plainCode(code string) bool {
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case quoted:
			quoted = c != '"'
		case c == '\\':
			if i+1 == len(code) {
				return false
			}
			i++ // the next byte is literal; a multi-byte rune's tail bytes are never special
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\'':
			return false
		}
	}
	return !quoted && !bracket
}

// pads reports whether the positive section, the one card numbers use,
// pads with zeros or adds text: a column of numbers in such a format has
// not lost the zeros the user sees.
func (f *numFmt) pads() bool {
	if f == nil {
		return false
	}
	if f.boolean {
		return true
	}
	s := &f.sec[0]
	return s.ok && (s.pads || s.text)
}

// render returns the raw numeric value v as the format shows it. ok is
// false when the format does not apply (v is not a whole number of at most
// 15 digits, or its section is not supported or shows nothing) or shows v
// as General would: then the cell keeps the number.
func (f *numFmt) render(v string) (string, bool) {
	if f == nil {
		return "", false
	}
	if f.boolean {
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(n) {
			return "", false
		}
		if n == 0 {
			return f.no, true
		}
		return f.yes, true
	}
	s, ok := excelNumber(v)
	if !ok || strings.IndexByte(s, '.') >= 0 {
		return "", false
	}
	digits, neg := strings.CutPrefix(s, "-")
	if len(digits) > maxDigits {
		return "", false
	}
	if digits == "0" {
		digits = "" // a zero has no significant digit
	}
	sec, sign := &f.sec[0], ""
	switch {
	case neg && f.n >= 2:
		sec = &f.sec[1] // the negative section writes its own sign, if any
	case neg:
		sign = "-"
	case digits == "" && f.n >= 3:
		sec = &f.sec[2]
	}
	// Spreadsheets disagree on # for zero (LibreOffice shows 0000# as
	// 0000, gnumeric as 00000): keep the number.
	if !sec.ok || digits == "" && sec.hashes {
		return "", false
	}
	out := sec.render(digits)
	if out == "" || sign+out == s {
		return "", false
	}
	return sign + out, true
}

// maxDigits is how many significant digits Excel keeps of a number.
const maxDigits = 15

// render fills the section's placeholders with digits, the digits of a
// whole number without its sign ("" for zero), as Excel, LibreOffice and
// gnumeric do: digits are right-aligned on the placeholders, those beyond
// them all go where the first placeholder is, and a placeholder left
// without a digit shows 0 for a 0 and nothing for a #. So 0000-0000 shows
// 12345 as 0001-2345, and 0#0 shows 5 as 05.
func (s *fmtSection) render(digits string) string {
	shift := len(digits) - s.holders // digit index of placeholder 0
	var b strings.Builder
	b.Grow(len(digits) + s.holders + 16)
	h := 0
	for _, it := range s.items {
		if it.holder == 0 {
			b.WriteString(it.lit)
			continue
		}
		switch i := h + shift; {
		case h == 0 && shift > 0:
			b.WriteString(digits[:shift+1])
		case i >= 0:
			b.WriteByte(digits[i])
		case it.holder == '0':
			b.WriteByte('0')
		}
		h++
	}
	return b.String()
}
