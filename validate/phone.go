package validate

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"
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
		return nil, fmt.Errorf("%w %q: use an ISO country code such as CN, HK, MO or TW", ErrUnknownRegion, code)
	}
	return r, nil
}

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
		return "", errors.New("empty")
	}
	if isScientific(s) {
		return "", errors.New(hintScientific)
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

var errNoDigits = errors.New("no digits, this is not a phone number")

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
			return "", errors.New("the country code after + does not exist")
		}
		return "", r.lengthError(len(digits))
	}
	if cc := num.GetCountryCode(); cc != r.cc {
		if other := phonenumbers.GetRegionCodeForCountryCode(int(cc)); other != "" && other != "ZZ" {
			return "", errors.New("a " + other + " number (+" + strconv.Itoa(int(cc)) + "), not a " + r.code + " mobile")
		}
		return "", errors.New("a number of another country (+" + strconv.Itoa(int(cc)) + "), not a " + r.code + " mobile")
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	if t, ok := r.numberType(num); ok {
		switch {
		case isMobile(t):
			return nsn, nil
		case t == phonenumbers.FIXED_LINE:
			return "", errors.New("a landline number, not a mobile: members need a mobile number")
		}
		return "", errors.New("a service number (such as toll-free or 400), not a mobile")
	}
	if !slices.Contains(r.lens, len(nsn)) {
		return "", r.lengthError(len(nsn))
	}
	return "", errors.New("not a real " + r.code + " mobile number: check the digits")
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

// lengthError is `10 digits, a CN mobile has 11`.
func (r *phoneRegion) lengthError(n int) error {
	return errors.New(plural(n, "digit") + ", a " + r.code + " mobile has " + r.lengthsText())
}

// lengthsText is the mobile lengths in words: "11", "10 or 11".
func (r *phoneRegion) lengthsText() string {
	parts := make([]string, len(r.lens))
	for i, n := range r.lens {
		parts[i] = strconv.Itoa(n)
	}
	switch len(parts) {
	case 0:
		return "a different number of digits"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// badRune explains a character that has no place in a phone number.
func (r *phoneRegion) badRune(c rune, nDigits int) error {
	switch {
	case strings.ContainsRune("/,;、|，；", c) && len(r.lens) > 0 && nDigits > r.lens[len(r.lens)-1]+3:
		return errors.New("two phone numbers in one cell: keep only the mobile")
	case c < 0x80 && unicode.IsLetter(c):
		return errors.New("contains letters, a phone number has digits only")
	}
	return errors.New(describeRune(c) + " is not allowed, a phone number has digits only")
}
