package validate

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/cardimport/cardimport/validate/lang"
)

// phoneRegion is what the phone rule needs to know about a region.
type phoneRegion struct {
	code string // ISO code, upper case: CN
	cc   int32  // country calling code: 86
	lens []int  // national lengths of a mobile number: [11]
	// shared is set when other regions use the same calling code.
	shared bool

	md       *phonenumbers.PhoneMetadata
	fastOnce sync.Once
	fast     *fastPath // nil: every number goes to libphonenumber
}

// fastPath returns the region's fast path, built on first use (some 0.2 ms).
func (r *phoneRegion) fastPath() *fastPath {
	r.fastOnce.Do(func() { r.fast = newFastPath(r.md, r.shared) })
	return r.fast
}

// phoneRegions reads libphonenumber's metadata once. The table is never
// written after it is built.
var phoneRegions = sync.OnceValue(func() map[string]*phoneRegion {
	m := make(map[string]*phoneRegion)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return m
	}
	for _, md := range coll.GetMetadata() {
		id := md.GetId()
		if len(id) != 2 { // 001: non-geographic entities
			continue
		}
		lens := md.GetMobile().GetPossibleLength()
		if len(lens) == 0 || (len(lens) == 1 && lens[0] == -1) {
			lens = md.GetGeneralDesc().GetPossibleLength()
		}
		r := &phoneRegion{code: id, cc: md.GetCountryCode()}
		r.shared = len(phonenumbers.GetRegionCodesForCountryCode(int(r.cc))) > 1
		for _, n := range lens {
			if n > 0 {
				r.lens = append(r.lens, int(n))
			}
		}
		slices.Sort(r.lens)
		r.md = md
		m[id] = r
	}
	return m
})

// lookupRegion finds a phone region by its ISO code; "" is CN.
func lookupRegion(code string) (*phoneRegion, error) {
	if code == "" {
		code = "CN"
	}
	r, ok := phoneRegions()[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return nil, &words{key: msgUnknownRegion, args: []any{code}, is: ErrUnknownRegion}
	}
	return r, nil
}

// Reasons of the phone rule.
var (
	msgUnknownRegion = lang.Msg("unknown phone region %q: use an ISO country code such as CN, HK, MO or TW",
		"不认识的手机号地区 %q：请用 ISO 国家/地区代码，如 CN、HK、MO 或 TW")
	errNoDigits        = say(lang.Msg("no digits, this is not a phone number", "没有数字，这不是手机号"))
	errNoCountryCode   = say(lang.Msg("the country code after + does not exist", "+ 后面的国家/地区代码不存在"))
	msgOtherRegion     = lang.Msg("a %s number (+%s), not a %s mobile", "这是%s的号码（+%s），不是%s手机号")
	msgOtherCountry    = lang.Msg("a number of another country (+%s), not a %s mobile", "这是其他国家或地区的号码（+%s），不是%s手机号")
	errLandline        = say(lang.Msg("a landline number, not a mobile: members need a mobile number", "这是座机号码，不是手机号：会员要填手机号"))
	errServiceNumber   = say(lang.Msg("a service number (such as toll-free or 400), not a mobile", "这是服务号码（如免费电话、400电话），不是手机号"))
	msgNotRealMobile   = lang.Msg("not a real %s mobile number: check the digits", "不是有效的%s手机号：请核对号码")
	errTwoPhones       = say(lang.Msg("two phone numbers in one cell: keep only the mobile", "一个单元格里有两个号码：只保留手机号"))
	errPhoneLetters    = say(lang.Msg("contains letters, a phone number has digits only", "含有字母，手机号只能是数字"))
	msgPhoneNotAllowed = lang.Msg("%s is not allowed, a phone number has digits only", "不能有%s，手机号只能是数字")
	// The length of a mobile (count, region, lengths): too short, and too
	// long or between two lengths. The second reads like the first in
	// English; explicit indexes give it its own key and Chinese.
	msgPhoneShort = lang.Plural("%d digits, a %s mobile has %s", "%d digit, a %s mobile has %s", "%d digits, a %s mobile has %s",
		"只有%d位，%s手机号应为%s位")
	msgPhoneLength = lang.Msg("%[1]d digits, a %[2]s mobile has %[3]s", "有%[1]d位，%[2]s手机号应为%[3]s位")
	msgLengthsAny  = lang.Msg("a different number of digits", "别的")
)

// NormalizePhone checks that s is a mobile number of region (an ISO code
// such as CN; "" means CN) and returns its national significant digits,
// 13800138000. It accepts +86, 0086 and a bare 86 before the number,
// spaces, dashes, dots, parentheses and full-width digits. Errors say in
// plain words what is wrong: `10 digits, a CN mobile has 11`, a landline,
// letters, or Excel's scientific notation.
func NormalizePhone(s, region string) (string, error) {
	r, err := lookupRegion(region)
	if err != nil {
		return "", err
	}
	return r.normalize(foldWidth(cleanText(s)))
}

// normalize is NormalizePhone on a value already trimmed and width-folded.
func (r *phoneRegion) normalize(s string) (string, error) { return r.normalizeWith(s, true) }

// normalizeWith is normalize; with fast unset every number goes through
// libphonenumber, for the tests that compare both paths.
func (r *phoneRegion) normalizeWith(s string, fast bool) (string, error) {
	if s == "" {
		return "", errors.New("empty") // not a problem a row can have: the checker sees no empty cell here
	}
	if isScientific(s) {
		return "", errScientific
	}
	s = trimZeroFraction(s)
	var buf [24]byte
	digits := buf[:0]
	plus := false
	var bad rune = -1
	for _, c := range s {
		switch {
		case '0' <= c && c <= '9':
			digits = append(digits, byte(c))
		case c == '+' && len(digits) == 0 && !plus:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
			c == '\u2010' || c == '\u2013' || c == '\u2014' || c == '\u00a0':
		default:
			if bad < 0 {
				bad = c
			}
		}
	}
	if bad >= 0 {
		return "", r.badRune(bad, len(digits))
	}
	if len(digits) == 0 {
		return "", errNoDigits
	}
	if fp := r.fastPath(); fast && fp != nil {
		national := digits
		if plus {
			// +86 then the national number: the calling codes are
			// prefix-free, so libphonenumber reads the same one.
			national = nil
			if cc := fp.cc; len(digits) > len(cc) && string(digits[:len(cc)]) == cc {
				national = digits[len(cc):]
			}
		}
		if national != nil && fp.isMobile(national) {
			if len(national) == len(s) {
				return s, nil // typed as bare digits: no copy
			}
			return string(national), nil
		}
	}
	return r.parse(digits, plus)
}

// parse checks a number's digits, which had a leading + when plus is set,
// with libphonenumber.
func (r *phoneRegion) parse(digits []byte, plus bool) (string, error) {
	num := &phonenumbers.PhoneNumber{}
	number := string(digits)
	if plus {
		number = "+" + number
	}
	if err := phonenumbers.ParseToNumber(number, r.code, num); err != nil {
		if errors.Is(err, phonenumbers.ErrInvalidCountryCode) {
			return "", errNoCountryCode
		}
		return "", r.lengthError(len(digits))
	}
	if cc := num.GetCountryCode(); cc != r.cc {
		if other := phonenumbers.GetRegionCodeForCountryCode(int(cc)); other != "" && other != "ZZ" {
			return "", say(msgOtherRegion, region(other), strconv.Itoa(int(cc)), region(r.code))
		}
		return "", say(msgOtherCountry, strconv.Itoa(int(cc)), region(r.code))
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	if t, ok := r.numberType(num); ok {
		switch {
		case isMobile(t):
			return nsn, nil
		case t == phonenumbers.FIXED_LINE:
			return "", errLandline
		}
		return "", errServiceNumber
	}
	if !slices.Contains(r.lens, len(nsn)) {
		return "", r.lengthError(len(nsn))
	}
	return "", say(msgNotRealMobile, region(r.code))
}

// numberType returns the type of a number of the region's calling code,
// and whether it is a valid number of the region at all.
func (r *phoneRegion) numberType(num *phonenumbers.PhoneNumber) (phonenumbers.PhoneNumberType, bool) {
	if r.shared {
		// +1 is shared by the US, Canada and others: ask about our region.
		if !phonenumbers.IsValidNumberForRegion(num, r.code) {
			return phonenumbers.UNKNOWN, false
		}
		return phonenumbers.GetNumberType(num), true
	}
	t := phonenumbers.GetNumberType(num)
	return t, t != phonenumbers.UNKNOWN
}

func isMobile(t phonenumbers.PhoneNumberType) bool {
	return t == phonenumbers.MOBILE || t == phonenumbers.FIXED_LINE_OR_MOBILE
}

// lengthError is `10 digits, a CN mobile has 11`, `只有10位，中国大陆手机号应为11位`.
func (r *phoneRegion) lengthError(n int) error {
	key := msgPhoneLength
	if len(r.lens) > 0 && n < r.lens[0] {
		key = msgPhoneShort
	}
	return say(key, n, region(r.code), r.lengthsText())
}

// lengthsText is the mobile lengths in words: "11", "10 or 11", "10或11".
func (r *phoneRegion) lengthsText() any {
	parts := make([]string, len(r.lens))
	for i, n := range r.lens {
		parts[i] = strconv.Itoa(n)
	}
	switch len(parts) {
	case 0:
		return say(msgLengthsAny)
	case 1:
		return parts[0]
	}
	return &lengthList{parts}
}

// lengthList is several mobile lengths in words: "8, 10 or 11", "8、10或11".
type lengthList struct{ parts []string }

func (l *lengthList) in(p *lang.Printer) string {
	n := len(l.parts)
	or := " or "
	if p.Chinese() {
		or = "或"
	}
	return strings.Join(l.parts[:n-1], p.ListSep()) + or + l.parts[n-1]
}

// badRune explains a character that has no place in a phone number.
func (r *phoneRegion) badRune(c rune, nDigits int) error {
	switch {
	case strings.ContainsRune("/,;、|，；", c) && len(r.lens) > 0 && nDigits > r.lens[len(r.lens)-1]+3:
		return errTwoPhones
	case c < 0x80 && unicode.IsLetter(c):
		return errPhoneLetters
	}
	return say(msgPhoneNotAllowed, describeRune(c))
}
