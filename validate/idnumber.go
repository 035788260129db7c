package validate

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cardimport/cardimport/validate/lang"
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

// Reasons of ParseIDNumber.
var (
	errIDX          = say(lang.Msg("X may only be the last of 18 characters", "X 只能是18位号码的最后一位"))
	msgIDNotAllowed = lang.Msg("%s is not allowed: an ID number has digits only, and maybe an X at the end",
		"不能有%s：身份证号只能是数字，最后一位可以是 X")
	msgIDLength = lang.Plural("%d characters, an ID number has 18 (or 15 on old cards)",
		"%d character, an ID number has 18 (or 15 on old cards)", "%d characters, an ID number has 18 (or 15 on old cards)",
		"有%d位，身份证号应为18位（老身份证为15位）")
	errIDZeroed = say(lang.Msg("the last 3 digits are 000 and the check digit does not match: "+
		"Excel stored the ID as a number and lost its last digits; "+
		"format the column as Text and retype it",
		"最后3位是000，校验位也对不上：Excel 把身份证号存成了数字，丢了最后几位；"+
			"请把这一列设为“文本”格式，再重新输入"))
	errIDCheckDigit = say(lang.Msg("the check digit (the last character) does not match the others: "+
		"a digit is mistyped",
		"校验位（最后一位）和前面的数字对不上：有数字输错了"))
	msgIDBirth = lang.Msg("the birth date in it (%s) is not a real date", "其中的出生日期（%s）不存在")
	// reasonIDNumberCell is the problem of an ID typed into a number cell.
	reasonIDNumberCell = lang.Msg("Excel stored the ID as a number and lost its last digits: "+
		"format the column as Text and retype it",
		"Excel 把身份证号存成了数字，最后几位已经丢了：请把这一列设为“文本”格式，再重新输入")
)

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
		return IDInfo{}, errScientific
	}
	if strings.HasSuffix(s, "x") {
		s = s[:len(s)-1] + "X"
	}
	n := utf8.RuneCountInString(s)
	for i, r := range s {
		if (r < '0' || r > '9') && !(r == 'X' && i == len(s)-1 && n == 18) {
			if r == 'X' {
				return IDInfo{}, errIDX
			}
			return IDInfo{}, say(msgIDNotAllowed, describeRune(r))
		}
	}
	switch n {
	case 18:
		return parseID18(s)
	case 15:
		return parseID15(s)
	}
	return IDInfo{}, say(msgIDLength, n)
}

func parseID18(s string) (IDInfo, error) {
	sum := 0
	for i, w := range idWeights {
		sum += int(s[i]-'0') * w
	}
	if want := idCheckChars[sum%11]; s[17] != want {
		if strings.HasSuffix(s, "000") {
			return IDInfo{}, errIDZeroed
		}
		return IDInfo{}, errIDCheckDigit
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
		return time.Time{}, say(msgIDBirth, ymd[:4]+"-"+ymd[4:6]+"-"+ymd[6:])
	}
	return t, nil
}
