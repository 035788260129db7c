package validate

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// IDInfo is what a resident identity card number (居民身份证号码) says.
type IDInfo struct {
	Number string    // as sent: 18 characters with an upper-case X, or 15 digits
	Birth  time.Time // birth date, midnight UTC
	Male   bool      // the sex digit is odd
}

// idWeights are the GB 11643-1999 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

var errIDScientific = errors.New(hintScientific)

// ParseIDNumber checks a mainland ID number, ignoring surrounding spaces and
// full-width forms: 18 characters whose last is a GB 11643-1999 check digit
// (x or X), or a legacy 15-digit number (born 19YY). The birth date inside
// must be a real date. Errors say in plain words what is wrong, including
// when Excel has turned the number into a float and lost its last digits.
func ParseIDNumber(s string) (IDInfo, error) {
	return parseIDNumber(foldWidth(cleanText(s)))
}

func parseIDNumber(s string) (IDInfo, error) {
	if isScientific(s) {
		return IDInfo{}, errIDScientific
	}
	if strings.HasSuffix(s, "x") {
		s = s[:len(s)-1] + "X"
	}
	n := utf8.RuneCountInString(s)
	for i, r := range s {
		if (r < '0' || r > '9') && !(r == 'X' && i == len(s)-1 && n == 18) {
			if r == 'X' {
				return IDInfo{}, errors.New("X may only be the last of 18 characters")
			}
			return IDInfo{}, errors.New(describeRune(r) + " is not allowed: an ID number has digits only, " +
				"and maybe an X at the end")
		}
	}
	switch n {
	case 18:
		return parseID18(s)
	case 15:
		return parseID15(s)
	}
	return IDInfo{}, errors.New(plural(n, "character") + ", an ID number has 18 (or 15 on old cards)")
}

func parseID18(s string) (IDInfo, error) {
	sum := 0
	for i, w := range idWeights {
		sum += int(s[i]-'0') * w
	}
	if want := idCheckChars[sum%11]; s[17] != want {
		if strings.HasSuffix(s, "000") {
			return IDInfo{}, errors.New("the last 3 digits are 000 and the check digit does not match: " +
				"Excel stored the ID as a number and lost its last digits; " +
				"format the column as Text and retype it")
		}
		return IDInfo{}, errors.New("the check digit (the last character) does not match the others: " +
			"a digit is mistyped")
	}
	birth, err := idBirth(s[6:14])
	if err != nil {
		return IDInfo{}, err
	}
	return IDInfo{Number: s, Birth: birth, Male: (s[16]-'0')%2 == 1}, nil
}

func parseID15(s string) (IDInfo, error) {
	birth, err := idBirth("19" + s[6:12])
	if err != nil {
		return IDInfo{}, err
	}
	return IDInfo{Number: s, Birth: birth, Male: (s[14]-'0')%2 == 1}, nil
}

// idBirth reads the YYYYMMDD birth date inside an ID number.
func idBirth(ymd string) (time.Time, error) {
	t, err := parseDate(ymd)
	if err != nil {
		return time.Time{}, errors.New("the birth date in it (" + ymd[:4] + "-" + ymd[4:6] + "-" + ymd[6:] + ") is not a real date")
	}
	return t, nil
}
