package validate

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cardimport/cardimport/validate/lang"
)

// identRule is the rule of a code made of a few ASCII characters: a card
// number, a password, an in-card code.
type identRule struct {
	min, max int // length in characters
	ok       func(r rune) bool
	// The rule's messages, by the unit the value is counted in (unitChar,
	// unitDigit): too short (count, min, max) and too long (count, min,
	// max; or count, max when min is 1). The too-long message of a rule
	// with a minimum reads like its too-short one in English, so its key
	// is written with explicit argument indexes: the same English, its
	// own Chinese (有33个字符 rather than 只有2个字符).
	short, long [2]string
	notAllowed  string // a character ok refuses (its description)
}

// The units a code's length is counted in.
const (
	unitChar = iota
	unitDigit
)

var (
	cardnoRule = identRule{4, 32, isAlnum,
		[2]string{
			lang.Plural("%d characters, a card number needs %d to %d",
				"%d character, a card number needs %d to %d", "%d characters, a card number needs %d to %d",
				"只有%d个字符，卡号需要%d到%d个字符"),
			lang.Plural("%d digits, a card number needs %d to %d",
				"%d digit, a card number needs %d to %d", "%d digits, a card number needs %d to %d",
				"只有%d位，卡号需要%d到%d位"),
		},
		[2]string{
			lang.Msg("%[1]d characters, a card number needs %[2]d to %[3]d", "有%[1]d个字符，卡号需要%[2]d到%[3]d个字符"),
			lang.Msg("%[1]d digits, a card number needs %[2]d to %[3]d", "有%[1]d位，卡号需要%[2]d到%[3]d位"),
		},
		lang.Msg("%s is not allowed, only letters A-Z and digits 0-9 are allowed", "不能有%s，卡号只能用字母A-Z和数字0-9"),
	}
	passwordRule = identRule{4, 12, isDigitRune,
		[2]string{
			lang.Plural("%d characters, a password needs %d to %d",
				"%d character, a password needs %d to %d", "%d characters, a password needs %d to %d",
				"只有%d个字符，密码需要%d到%d位数字"),
			lang.Plural("%d digits, a password needs %d to %d",
				"%d digit, a password needs %d to %d", "%d digits, a password needs %d to %d",
				"只有%d位，密码需要%d到%d位数字"),
		},
		[2]string{
			lang.Msg("%[1]d characters, a password needs %[2]d to %[3]d", "有%[1]d个字符，密码需要%[2]d到%[3]d位数字"),
			lang.Msg("%[1]d digits, a password needs %[2]d to %[3]d", "有%[1]d位，密码需要%[2]d到%[3]d位数字"),
		},
		lang.Msg("%s is not allowed, a password has digits only", "不能有%s，密码只能是数字"),
	}
	// An in-card code has no minimum beyond being there: only too long.
	extidRule = identRule{1, 32, isExtidRune,
		[2]string{},
		[2]string{
			lang.Msg("%d characters, an in-card code has at most %d", "有%d个字符，卡内编码最多%d个字符"),
			lang.Msg("%d digits, an in-card code has at most %d", "有%d位，卡内编码最多%d位"),
		},
		lang.Msg("%s is not allowed, only letters A-Z, digits, _ and - are allowed", "不能有%s，卡内编码只能用字母A-Z、数字、_ 和 -"),
	}
)

func isDigitRune(r rune) bool { return '0' <= r && r <= '9' }
func isAlnum(r rune) bool {
	return isDigitRune(r) || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
}
func isExtidRune(r rune) bool { return isAlnum(r) || r == '_' || r == '-' }

// maxExcelDigits is how many significant digits Excel keeps of a number.
const maxExcelDigits = 15

// ident checks a code against rule r and returns it normalised.
func (c *checker) ident(f Field, cell Cell, s string, r *identRule) (string, bool) {
	s = foldWidth(s)
	if isScientific(s) {
		c.fail(f, hintScientific)
		return "", false
	}
	if _, lost := LostDigits(cell); lost {
		c.fail(f, reasonFirst15)
		return "", false
	}
	if cell.Kind == KindNumber {
		s = trimZeroFraction(s)
	}
	ok := true
	n := utf8.RuneCountInString(s)
	unit := unitChar
	if allDigits(s) {
		unit = unitDigit
	}
	p := c.v.lang
	switch {
	case n < r.min:
		reason := p.Sprintf(r.short[unit], n, r.min, r.max)
		if cell.Kind == KindNumber {
			reason += p.PartSep() + p.Sprintf(hintNumber)
		}
		c.add(f, reason, false)
		ok = false
	case n > r.max && r.min <= 1:
		c.fail(f, r.long[unit], n, r.max)
		ok = false
	case n > r.max:
		c.fail(f, r.long[unit], n, r.min, r.max)
		ok = false
	}
	for _, ch := range s {
		if !r.ok(ch) {
			c.fail(f, r.notAllowed, describeRune(ch))
			ok = false
			break
		}
	}
	return s, ok
}

var reasonFirst15 = lang.Msg("Excel stored it as a number and kept only its first 15 digits: "+
	"format the column as Text and retype it",
	"Excel 把它存成了数字，只留下了前15位：请把这一列设为“文本”格式，再重新输入")

func (c *checker) cardno(cell Cell, s string) {
	if s, ok := c.ident(Cardno, cell, s, &cardnoRule); ok {
		c.card.Cardno = s
		c.unique(Cardno, s)
	}
}

func (c *checker) password(cell Cell, s string) {
	if s, ok := c.ident(Password, cell, s, &passwordRule); ok {
		c.card.Password = s
	}
}

func (c *checker) extid(cell Cell, s string) {
	if s, ok := c.ident(Extid, cell, s, &extidRule); ok {
		c.card.Extid = s
		c.unique(Extid, s)
	}
}

// Messages of free text over its length (count, max).
var (
	msgNameTooLong    = lang.Msg("%d characters, a name has at most %d", "有%d个字，姓名最多%d个字")
	msgNoteTooLong    = lang.Msg("%d characters, a note has at most %d", "有%d个字，此列最多%d个字")
	msgCardNoteTooLng = lang.Msg("%d characters, a card note has at most %d", "有%d个字，卡摘要最多%d个字")
)

// text checks free text: no control characters, at most max characters
// (tooLong says so).
func (c *checker) text(f Field, s string, max int, tooLong string) bool {
	ok := true
	if r, bad := firstControl(s); bad {
		c.failErr(f, controlReason(r))
		ok = false
	}
	if n := utf8.RuneCountInString(s); n > max {
		c.fail(f, tooLong, n, max)
		ok = false
	}
	return ok
}

func (c *checker) name(_ Cell, s string) {
	if c.text(Name, s, 32, msgNameTooLong) {
		c.card.Name = s
	}
}

func (c *checker) subject(_ Cell, s string) {
	if c.text(Subject, s, 64, msgNoteTooLong) {
		c.card.Subject = s
	}
}

func (c *checker) extInfo(_ Cell, s string) {
	if c.text(ExtInfo, s, 64, msgCardNoteTooLng) {
		c.card.ExtInfo = s
	}
}

func (c *checker) phone(_ Cell, s string) {
	nsn, err := c.v.phone.normalize(foldWidth(s))
	if err != nil {
		c.failErr(Phone, err)
		return
	}
	c.card.Phone = nsn
	c.unique(Phone, nsn)
}

// parseSex reads 男/女, 男性/女性, 先生/女士, 1/0, M/F, male/female.
func parseSex(s string) (int, bool) {
	k := trimZeroFraction(strings.ToLower(foldWidth(s)))
	switch k {
	case "男", "男性", "先生", "1", "m", "male":
		return 1, true
	case "女", "女性", "女士", "0", "f", "female":
		return 0, true
	}
	return 0, false
}

var reasonSex = lang.Msg("not a sex we know: write 男 or 女 (1/0 and M/F work too)",
	"看不懂的性别：请填 男 或 女（1/0、M/F 也可以）")

func (c *checker) sex(_ Cell, s string) {
	sex, ok := parseSex(s)
	if !ok {
		c.fail(Sex, reasonSex)
		return
	}
	c.card.Sex, c.hasSex, c.sexStr = sex, true, s
}

func (c *checker) birthday(cell Cell, s string) {
	t, err := cellDate(cell, s)
	switch {
	case errors.Is(err, errZeroDate):
		return // a database's "no date": the optional birthday is absent
	case err != nil:
		c.failErr(Birthday, err)
	case t.After(c.v.today):
		c.fail(Birthday, msgInFuture, showDate(c.v.today))
	case t.Before(c.v.today.AddDate(-maxAge, 0, 0)):
		c.fail(Birthday, msgTooOld, maxAge)
	default:
		c.card.Birthday, c.birth = dateString(t), t
	}
}

// maxAge is the oldest plausible member, in years.
const maxAge = 120

// Messages of the date fields.
var (
	msgInFuture = lang.Msg("in the future (today is %s)", "是将来的日期（今天是%s）")
	msgTooOld   = lang.Msg("more than %d years ago: check the year", "是%d多年以前：请检查年份")
	msgInPast   = lang.Msg("in the past (today is %s)", "已经过期（今天是%s）")
	msgNoExpiry = lang.Msg("%s cards have no expiry, so %s cannot be used: leave the column empty",
		"%s 的卡没有有效期，不能填 %s：请让这一列空着")
	msgExpirySyntax = lang.Msg("not a date we can read: write it like 2027-12-31 or 20271231",
		"看不懂这个日期：请写成 2027-12-31 或 20271231 这样")
	msgExpirySyntaxWords = lang.Msg("not a date we can read: write it like 2027-12-31 or 20271231, "+
		"or one of 1day, 1week, 1month, 1year",
		"看不懂这个日期：请写成 2027-12-31 或 20271231 这样，或填 1day、1week、1month、1year 之一")
)

// relativeExpiry are the expiry words a platform may accept instead of a
// date (Profile.RelativeExpiry; mb does).
var relativeExpiry = map[string]bool{"1day": true, "1week": true, "1month": true, "1year": true}

func (c *checker) expirydate(cell Cell, s string) {
	word := strings.ToLower(strings.ReplaceAll(foldWidth(s), " ", ""))
	if relativeExpiry[word] {
		if !c.v.profile.RelativeExpiry {
			c.fail(Expirydate, msgNoExpiry, c.v.profile.Name, word)
			return
		}
		c.card.Expirydate = word
		return
	}
	t, err := cellDate(cell, s)
	switch {
	case errors.Is(err, errZeroDate):
		return // a database's "no date": no expiry
	case errors.Is(err, errDateSyntax):
		if !c.v.profile.RelativeExpiry {
			c.fail(Expirydate, msgExpirySyntax)
		} else {
			c.fail(Expirydate, msgExpirySyntaxWords)
		}
	case err != nil:
		c.failErr(Expirydate, err)
	case t.Before(c.v.today):
		c.fail(Expirydate, msgInPast, showDate(c.v.today))
	default:
		c.card.Expirydate = dateString(t)
	}
}

func (c *checker) level(_ Cell, s string) {
	if c.v.profile.LevelNames {
		if c.v.levels == nil {
			c.card.Level = s
			return
		}
		if id, ok := c.v.levels.lookup(s); ok {
			c.card.Level = id
			return
		}
		c.fail(Level, msgNotALevel, c.v.levels.describe())
		return
	}
	k := trimZeroFraction(foldWidth(s))
	if len(k) <= 3 && allDigits(k) {
		if n, _ := strconv.Atoi(k); 1 <= n && n <= c.v.profile.MaxLevel {
			c.card.Level = strconv.Itoa(n)
			return
		}
	}
	c.fail(Level, msgLevelRange, c.v.profile.MaxLevel)
}

// Messages of the level.
var (
	msgNotALevel  = lang.Msg("not a card level on the platform: %s", "平台上没有这个会员等级，%s")
	msgLevelRange = lang.Msg("a level is a whole number from 1 to %d", "等级应为1到%d的整数")
)

func (c *checker) balance(_ Cell, s string) {
	s = strings.TrimSpace(strings.TrimSuffix(foldWidth(s), "元"))
	m, err := ParseMoney(s)
	switch {
	case errors.Is(err, ErrMoneyNegative):
		c.fail(Balance, msgBalanceNegative)
	case errors.Is(err, ErrMoneyPrecision):
		c.fail(Balance, msgBalancePrecision)
	case errors.Is(err, ErrMoneyRange):
		c.fail(Balance, msgBalanceRange)
	case err != nil:
		c.fail(Balance, msgBalanceSyntax)
	default:
		c.card.Balance, c.card.HasBalance = m, true
	}
}

// Messages of the balance.
var (
	msgBalanceNegative  = lang.Msg("negative, a balance must be 0 or more", "是负数，余额不能小于0")
	msgBalancePrecision = lang.Msg("more than 2 decimal places: a balance is in yuan and fen, like 100.88",
		"小数超过了2位：余额以元为单位，精确到分，如 100.88")
	msgBalanceRange  = lang.Msg("too large for a card balance", "金额太大，超出了卡余额的上限")
	msgBalanceSyntax = lang.Msg("not an amount: write it like 100 or 100.50", "不是金额：请写成 100 或 100.50 这样")
)

// Reasons of parsePoints.
var (
	errPointsSyntax = say(lang.Msg("not a number: write points as a whole number like 200",
		"不是数字：积分请写成整数，如 200"))
	errPointsFraction = say(lang.Msg("not a whole number: points have no decimals", "不是整数：积分没有小数"))
	errPointsNegative = say(lang.Msg("negative, points must be 0 or more", "是负数，积分不能小于0"))
	errPointsRange    = say(lang.Msg("too large for card points", "数值太大，超出了积分的上限"))
)

// maxPointsDigits bounds points to 15 digits, which every JSON decoder,
// float64 ones included, reads exactly.
const maxPointsDigits = 15

// parsePoints reads a whole number of points ≥ 0: "200", "1,200", "200.0"
// (a number cell), and returns its digits without leading zeros.
func parsePoints(s string) (string, error) {
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	ip, fp, hasDot := strings.Cut(s, ".")
	if hasDot && (fp == "" || !allDigits(fp)) || ip == "" {
		return "", errPointsSyntax
	}
	if strings.Trim(fp, "0") != "" {
		return "", errPointsFraction
	}
	ip, ok := ungroup(ip)
	if !ok || !allDigits(ip) {
		return "", errPointsSyntax
	}
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		return "0", nil
	}
	if neg {
		return "", errPointsNegative
	}
	if len(ip) > maxPointsDigits {
		return "", errPointsRange
	}
	return ip, nil
}

// ungroup removes thousands separators, which must group by three:
// "1,234,567" → "1234567"; "12,34" and "0,123" are not ok.
func ungroup(s string) (string, bool) {
	if strings.IndexByte(s, ',') < 0 {
		return s, true
	}
	b, ok := ungroupInto(nil, s)
	return string(b), ok
}

// ungroupInto appends s without its thousands separators to dst; ok is
// false when they do not group by three or the first group starts with 0
// ("0,123" may be a decimal comma).
func ungroupInto(dst []byte, s string) ([]byte, bool) {
	first := strings.IndexByte(s, ',')
	if first <= 0 || first > 3 || s[0] == '0' {
		return dst, false
	}
	dst = append(dst, s[:first]...)
	for rest := s[first+1:]; ; {
		i := strings.IndexByte(rest, ',')
		if i < 0 {
			if len(rest) != 3 {
				return dst, false
			}
			return append(dst, rest...), true
		}
		if i != 3 {
			return dst, false
		}
		dst = append(dst, rest[:3]...)
		rest = rest[4:]
	}
}

func (c *checker) points(_ Cell, s string) {
	p, err := parsePoints(foldWidth(s))
	if err != nil {
		c.failErr(Points, err)
		return
	}
	c.card.Points, c.card.HasPoints = p, true
}

func (c *checker) idnumber(cell Cell, s string) {
	s = foldWidth(s)
	if _, lost := LostDigits(cell); lost {
		c.fail(IDNumber, reasonIDNumberCell)
		return
	}
	info, err := parseIDNumber(s)
	if err != nil {
		c.failErr(IDNumber, err)
		return
	}
	c.card.IDNumber, c.id = info.Number, info
}
