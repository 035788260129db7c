package validate

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Field is one card field of SPEC §3.
type Field int

// The fields, in the order of the spec's table. NumFields counts them.
const (
	Cardno Field = iota
	Password
	Extid
	Name
	Phone
	Sex
	Birthday
	Level
	Balance
	Points
	Expirydate
	IDNumber
	Subject
	ExtInfo
	NumFields

	// NoField marks a roster column that maps to no field.
	NoField Field = -1
)

// fieldNames are the English names, which are also accepted as headers and
// used by --map.
var fieldNames = [NumFields]string{
	Cardno:     "cardno",
	Password:   "password",
	Extid:      "extid",
	Name:       "name",
	Phone:      "phone",
	Sex:        "sex",
	Birthday:   "birthday",
	Level:      "level",
	Balance:    "balance",
	Points:     "points",
	Expirydate: "expirydate",
	IDNumber:   "idnumber",
	Subject:    "subject",
	ExtInfo:    "ext_info",
}

// fieldAliases are the headers of SPEC §3, plus the Chinese header the
// template writes first for each field.
var fieldAliases = [NumFields][]string{
	Cardno:     {"卡号", "线下卡号", "会员卡号", "card_no"},
	Password:   {"密码", "卡密码", "pwd"},
	Extid:      {"卡内编码", "会员卡内编码", "内码", "ext_id"},
	Name:       {"姓名", "会员姓名", "持卡人"},
	Phone:      {"手机", "手机号", "手机号码", "电话", "mobile"},
	Sex:        {"性别", "gender"},
	Birthday:   {"生日", "出生日期"},
	Level:      {"等级", "会员等级"},
	Balance:    {"余额", "储值金额", "储值"},
	Points:     {"积分"},
	Expirydate: {"有效期", "到期日"},
	IDNumber:   {"身份证", "身份证号"},
	Subject:    {"摘要", "备注"},
	ExtInfo:    {"卡摘要"},
}

// String returns the field's English name, as used in --map and reports.
func (f Field) String() string {
	if f < 0 || f >= NumFields {
		return "unknown"
	}
	return fieldNames[f]
}

// Aliases returns the headers that name the field, the Chinese ones first
// (the first is the template's header), then the English name.
func (f Field) Aliases() []string {
	if f < 0 || f >= NumFields {
		return nil
	}
	return append(append([]string(nil), fieldAliases[f]...), fieldNames[f])
}

// Fields returns every field in spec order.
func Fields() []Field {
	fs := make([]Field, NumFields)
	for i := range fs {
		fs[i] = Field(i)
	}
	return fs
}

// headerIndex maps a folded header to its field.
var headerIndex = func() map[string]Field {
	m := make(map[string]Field)
	for _, f := range Fields() {
		for _, a := range f.Aliases() {
			m[FoldHeader(a)] = f
		}
	}
	return m
}()

// LookupHeader finds the field a roster header names, through the English
// names and the aliases of SPEC §3. The match ignores case, full-width forms
// and spaces: "手机 号", "ＣＡＲＤ_ＮＯ" and "Card_No" all match.
func LookupHeader(header string) (Field, bool) {
	f, ok := headerIndex[FoldHeader(header)]
	return f, ok
}

// ParseField parses an English field name, as given to --map.
func ParseField(name string) (Field, bool) {
	n := FoldHeader(name)
	for f, s := range fieldNames {
		if s == n {
			return Field(f), true
		}
	}
	return NoField, false
}

// FoldHeader is the form headers are compared in: full-width folded to
// narrow, lower case, every space (including U+3000 and NBSP) removed.
func FoldHeader(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
