package sandbox

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cardimport/cardimport/importer/platform"
)

// mbItem is one card of post.list as it arrived. Every field is a pointer
// so that an absent field (nil; null counts as absent) differs from an
// empty string, which the platform refuses for optional fields: the client
// must omit them. Values may come as JSON strings or numbers.
type mbItem struct {
	Cardno     *platform.Flex `json:"cardno"`
	Password   *platform.Flex `json:"password"`
	Extid      *platform.Flex `json:"extid"`
	Name       *platform.Flex `json:"name"`
	Phone      *platform.Flex `json:"phone"`
	Sex        *platform.Flex `json:"sex"`
	Birthday   *platform.Flex `json:"birthday"`
	Level      *platform.Flex `json:"level"`
	Balance    *platform.Flex `json:"balance"`
	Points     *platform.Flex `json:"points"`
	Expirydate *platform.Flex `json:"expirydate"`
	Subject    *platform.Flex `json:"subject"`
	ExtInfo    *platform.Flex `json:"ext_info"`
	IDNumber   *platform.Flex `json:"idnumber"`
}

var (
	reCardno   = regexp.MustCompile(`^[0-9A-Za-z]{4,32}$`)
	rePassword = regexp.MustCompile(`^[0-9]{4,12}$`)
	reExtid    = regexp.MustCompile(`^[0-9A-Za-z_-]{1,32}$`)
	reCNMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	reMoney    = regexp.MustCompile(`^[0-9]{1,13}(\.[0-9]{1,2})?$`)
	rePoints   = regexp.MustCompile(`^[0-9]{1,12}$`)
	reDate8    = regexp.MustCompile(`^[0-9]{8}$`)
	reID15     = regexp.MustCompile(`^[0-9]{15}$`)
	reID18     = regexp.MustCompile(`^[0-9]{17}[0-9Xx]$`)
)

// shown is a value as a refusal names it: "" is shown as "".
func shown(v string) string {
	if v == "" {
		return `""`
	}
	return v
}

// checkItem checks one card's fields and returns the card to commit, or the
// platform's refusal (naming the value, never the item's index). Passwords
// are never echoed in refusals.
func checkItem(it *mbItem, now time.Time) (MBCard, string) {
	var c MBCard
	required := func(f *platform.Flex, label string, re *regexp.Regexp) (string, string) {
		if f == nil || *f == "" {
			return "", label + "不能为空"
		}
		v := string(*f)
		if !re.MatchString(v) {
			if re == rePassword {
				return "", label + "格式错误：须为4-12位数字" // never echo a password
			}
			return "", label + "格式错误：" + v
		}
		return v, ""
	}
	var bad string
	if c.Cardno, bad = required(it.Cardno, "卡号", reCardno); bad != "" {
		return c, bad
	}
	if c.Password, bad = required(it.Password, "密码", rePassword); bad != "" {
		return c, bad
	}
	if c.Extid, bad = required(it.Extid, "卡内编码", reExtid); bad != "" {
		return c, bad
	}
	if it.Name == nil || strings.TrimSpace(string(*it.Name)) == "" {
		return c, "姓名不能为空"
	}
	c.Name = strings.TrimSpace(string(*it.Name))
	if utf8.RuneCountInString(c.Name) > 32 {
		return c, "姓名过长：" + c.Name
	}
	if strings.ContainsFunc(c.Name, unicode.IsControl) {
		return c, "姓名含有非法字符"
	}
	if c.Phone, bad = required(it.Phone, "手机号", reCNMobile); bad != "" {
		return c, bad
	}
	switch {
	case it.Sex == nil || *it.Sex == "":
		return c, "性别不能为空"
	case *it.Sex == "1":
		c.Sex = 1
	case *it.Sex == "0":
		c.Sex = 0
	default:
		return c, "性别格式错误：" + string(*it.Sex)
	}

	// Optional fields: absent is fine, present must be valid (even "").
	today := dateOnly(now)
	if f := it.Birthday; f != nil {
		v := string(*f)
		d, ok := parseDate8(v)
		if !ok || d.After(today) || d.Year() < 1900 {
			return c, "生日格式错误：" + shown(v)
		}
		c.Birthday = v
	}
	if f := it.Level; f != nil {
		v := string(*f)
		if len(v) != 1 || v[0] < '1' || v[0] > '5' {
			return c, "会员等级错误：" + shown(v)
		}
		c.Level = int(v[0] - '0')
	}
	if f := it.Balance; f != nil {
		v := string(*f)
		if !reMoney.MatchString(v) {
			return c, "储值金额格式错误：" + shown(v)
		}
		c.Balance = v
	}
	if f := it.Points; f != nil {
		v := string(*f)
		if !rePoints.MatchString(v) {
			return c, "积分格式错误：" + shown(v)
		}
		c.Points = v
	}
	if f := it.Expirydate; f != nil {
		v := string(*f)
		switch v {
		case "1day", "1week", "1month", "1year":
		default:
			d, ok := parseDate8(v)
			if !ok {
				return c, "有效期格式错误：" + shown(v)
			}
			if d.Before(today) {
				return c, "有效期已过：" + v
			}
		}
		c.Expirydate = v
	}
	for _, t := range []struct {
		f     *platform.Flex
		label string
		dst   *string
	}{{it.Subject, "摘要", &c.Subject}, {it.ExtInfo, "卡摘要", &c.ExtInfo}} {
		if t.f == nil {
			continue
		}
		v := string(*t.f)
		if v == "" || utf8.RuneCountInString(v) > 64 {
			return c, t.label + "格式错误：" + shown(v)
		}
		*t.dst = v
	}
	if f := it.IDNumber; f != nil {
		v := string(*f)
		if !validIDNumber(v) {
			return c, "身份证号格式错误：" + shown(v)
		}
		c.IDNumber = v
	}
	return c, ""
}

// parseDate8 parses a real calendar date YYYYMMDD.
func parseDate8(v string) (time.Time, bool) {
	if !reDate8.MatchString(v) {
		return time.Time{}, false
	}
	d, err := time.ParseInLocation("20060102", v, time.Local)
	return d, err == nil
}

func dateOnly(t time.Time) time.Time {
	t = t.In(time.Local)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.Local)
}

// validIDNumber accepts a legacy 15-digit number or an 18-character one
// whose GB 11643 check character is right.
func validIDNumber(v string) bool {
	if reID15.MatchString(v) {
		return true
	}
	if !reID18.MatchString(v) {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(v[i]-'0') * w
	}
	return "10X98765432"[sum%11] == byte(unicode.ToUpper(rune(v[17])))
}
