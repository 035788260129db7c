package validate

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// identRule is the rule of a code made of a few ASCII characters: a card
// number, a password, an in-card code.
type identRule struct {
	noun     string // "a card number"
	min, max int    // length in characters
	ok       func(r rune) bool
	allowed  string // what ok allows, in words
}

var (
	cardnoRule   = identRule{"a card number", 4, 32, isAlnum, "only letters A-Z and digits 0-9 are allowed"}
	passwordRule = identRule{"a password", 4, 12, isDigitRune, "a password has digits only"}
	extidRule    = identRule{"an in-card code", 1, 32, isExtidRune, "only letters A-Z, digits, _ and - are allowed"}
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
	if cell.Kind == KindNumber {
		s = trimZeroFraction(s)
		if len(s) > maxExcelDigits && allDigits(s) {
			c.fail(f, "Excel stored it as a number and kept only its first 15 digits: "+
				"format the column as Text and retype it")
			return "", false
		}
	}
	ok := true
	n := utf8.RuneCountInString(s)
	unit := "character"
	if allDigits(s) {
		unit = "digit"
	}
	switch {
	case n < r.min:
		reason := plural(n, unit) + ", " + r.noun + " needs " + strconv.Itoa(r.min) + " to " + strconv.Itoa(r.max)
		if cell.Kind == KindNumber {
			reason += "; " + hintNumber
		}
		c.fail(f, reason)
		ok = false
	case n > r.max && r.min <= 1:
		c.fail(f, plural(n, unit)+", "+r.noun+" has at most "+strconv.Itoa(r.max))
		ok = false
	case n > r.max:
		c.fail(f, plural(n, unit)+", "+r.noun+" needs "+strconv.Itoa(r.min)+" to "+strconv.Itoa(r.max))
		ok = false
	}
	for _, ch := range s {
		if !r.ok(ch) {
			c.fail(f, describeRune(ch)+" is not allowed, "+r.allowed)
			ok = false
			break
		}
	}
	return s, ok
}

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

// text checks free text: no control characters, at most max characters.
func (c *checker) text(f Field, s string, max int, noun string) bool {
	ok := true
	if r, bad := firstControl(s); bad {
		c.fail(f, controlReason(r))
		ok = false
	}
	if n := utf8.RuneCountInString(s); n > max {
		c.fail(f, strconv.Itoa(n)+" characters, "+noun+" has at most "+strconv.Itoa(max))
		ok = false
	}
	return ok
}

func (c *checker) name(_ Cell, s string) {
	if c.text(Name, s, 32, "a name") {
		c.card.Name = s
	}
}

func (c *checker) subject(_ Cell, s string) {
	if c.text(Subject, s, 64, "a note") {
		c.card.Subject = s
	}
}

func (c *checker) extInfo(_ Cell, s string) {
	if c.text(ExtInfo, s, 64, "a card note") {
		c.card.ExtInfo = s
	}
}

func (c *checker) phone(_ Cell, s string) {
	nsn, err := c.v.phone.normalize(foldWidth(s))
	if err != nil {
		c.fail(Phone, err.Error())
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

func (c *checker) sex(_ Cell, s string) {
	sex, ok := parseSex(s)
	if !ok {
		c.fail(Sex, "not a sex we know: write 男 or 女 (1/0 and M/F work too)")
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
		c.fail(Birthday, err.Error())
	case t.After(c.v.today):
		c.fail(Birthday, "in the future (today is "+showDate(c.v.today)+")")
	case t.Before(c.v.today.AddDate(-maxAge, 0, 0)):
		c.fail(Birthday, "more than "+strconv.Itoa(maxAge)+" years ago: check the year")
	default:
		c.card.Birthday, c.birth = dateString(t), t
	}
}

// maxAge is the oldest plausible member, in years.
const maxAge = 120

// relativeExpiry are the expiry words a platform may accept instead of a
// date (Profile.RelativeExpiry; mb does).
var relativeExpiry = map[string]bool{"1day": true, "1week": true, "1month": true, "1year": true}

func (c *checker) expirydate(cell Cell, s string) {
	word := strings.ToLower(strings.ReplaceAll(foldWidth(s), " ", ""))
	if relativeExpiry[word] {
		if !c.v.profile.RelativeExpiry {
			c.fail(Expirydate, c.v.profile.Name+" cards have no expiry, so "+word+" cannot be used: leave the column empty")
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
			c.fail(Expirydate, "not a date we can read: write it like 2027-12-31 or 20271231")
		} else {
			c.fail(Expirydate, "not a date we can read: write it like 2027-12-31 or 20271231, "+
				"or one of 1day, 1week, 1month, 1year")
		}
	case err != nil:
		c.fail(Expirydate, err.Error())
	case t.Before(c.v.today):
		c.fail(Expirydate, "in the past (today is "+showDate(c.v.today)+")")
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
		c.fail(Level, "not a card level on the platform: "+c.v.levels.names)
		return
	}
	k := trimZeroFraction(foldWidth(s))
	if len(k) <= 3 && allDigits(k) {
		if n, _ := strconv.Atoi(k); 1 <= n && n <= c.v.profile.MaxLevel {
			c.card.Level = strconv.Itoa(n)
			return
		}
	}
	c.fail(Level, c.v.profile.levelRange())
}

func (c *checker) balance(_ Cell, s string) {
	s = strings.TrimSpace(strings.TrimSuffix(foldWidth(s), "元"))
	m, err := ParseMoney(s)
	switch {
	case errors.Is(err, ErrMoneyNegative):
		c.fail(Balance, "negative, a balance must be 0 or more")
	case errors.Is(err, ErrMoneyPrecision):
		c.fail(Balance, "more than 2 decimal places: a balance is in yuan and fen, like 100.88")
	case errors.Is(err, ErrMoneyRange):
		c.fail(Balance, "too large for a card balance")
	case err != nil:
		c.fail(Balance, "not an amount: write it like 100 or 100.50")
	default:
		c.card.Balance, c.card.HasBalance = m, true
	}
}

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
		return "", errors.New("not a number: write points as a whole number like 200")
	}
	if strings.Trim(fp, "0") != "" {
		return "", errors.New("not a whole number: points have no decimals")
	}
	ip, ok := ungroup(ip)
	if !ok || !allDigits(ip) {
		return "", errors.New("not a number: write points as a whole number like 200")
	}
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		return "0", nil
	}
	if neg {
		return "", errors.New("negative, points must be 0 or more")
	}
	if len(ip) > maxPointsDigits {
		return "", errors.New("too large for card points")
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
		c.fail(Points, err.Error())
		return
	}
	c.card.Points, c.card.HasPoints = p, true
}

func (c *checker) idnumber(cell Cell, s string) {
	s = foldWidth(s)
	if cell.Kind == KindNumber && len(trimZeroFraction(s)) > maxExcelDigits {
		c.fail(IDNumber, "Excel stored the ID as a number and lost its last digits: "+
			"format the column as Text and retype it")
		return
	}
	info, err := parseIDNumber(s)
	if err != nil {
		c.fail(IDNumber, err.Error())
		return
	}
	c.card.IDNumber, c.id = info.Number, info
}
