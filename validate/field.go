package validate

import (
	"slices"
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
// template writes first for each field. Messages list these.
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

// exportAliases are more headers real POS and membership exports use for a
// field (SPEC §2). An alias must only ever name its field: 赠送余额 and
// 赠送金额 (bonus money) are not balance, 消费金额 (money spent) is not,
// and 会员编号 may be a card number or an in-card code, so none is an
// alias; such headers stop the run as look-alikes (Resembles) until the
// user maps or ignores them. English aliases are written with their
// spaces; the lookup ignores spaces, '_', '-' and '.'.
var exportAliases = [NumFields][]string{
	Cardno:     {"卡面号", "卡面号码", "实体卡号", "会员卡卡号", "card number"},
	Password:   {"会员卡密码", "支付密码", "消费密码", "初始密码"},
	Extid:      {"卡内码", "卡内编号", "芯片号"},
	Name:       {"会员名称", "客户姓名", "顾客姓名", "持卡人姓名", "会员名", "名字"},
	Phone:      {"联系电话", "会员手机", "会员手机号", "电话号码", "移动电话", "联系手机", "tel", "telephone", "cellphone", "phone number"},
	Sex:        {"会员性别"},
	Birthday:   {"会员生日", "出生年月日", "生日日期", "birth date", "date of birth", "dob"},
	Level:      {"卡等级", "会员级别", "卡级别", "级别"},
	Balance:    {"储值余额", "卡内余额", "账户余额", "卡余额", "储值卡余额", "会员余额", "会员卡余额", "可用余额", "当前余额", "剩余金额"},
	Points:     {"会员积分", "当前积分", "可用积分", "剩余积分", "积分余额"},
	Expirydate: {"有效期至", "到期日期", "失效日期", "有效期限", "截止日期"},
	IDNumber:   {"身份证号码", "证件号码", "证件号"},
	Subject:    {"备注信息"},
	ExtInfo:    {"卡备注"},
}

// keyWords are the words that make an unknown header look like a field
// (SPEC §2): a header containing one is not dropped silently. They are
// matched anywhere in the header's lookup form, so English ones must be
// long enough not to hide inside unrelated words.
var keyWords = [NumFields][]string{
	Cardno:     {"卡号", "card"},
	Password:   {"密码", "password", "passwd"},
	Extid:      {"内码", "编码", "芯片"},
	Name:       {"姓名", "name"},
	Phone:      {"手机", "电话", "phone", "mobile"},
	Sex:        {"性别", "gender"},
	Birthday:   {"生日", "出生", "birth"},
	Level:      {"等级", "级别", "level"},
	Balance:    {"余额", "金额", "储值", "balance", "amount"},
	Points:     {"积分", "points"},
	Expirydate: {"有效期", "到期", "失效", "expir"},
	IDNumber:   {"身份证", "证件", "idcard"},
}

// keyWholeWords are short English key words that count only as a whole
// word of the header (Tel, tel_no, TelNo), not inside one (hotel).
var keyWholeWords = [NumFields][]string{
	Password: {"pwd"},
	Phone:    {"tel", "cell"},
	Sex:      {"sex"},
	Birthday: {"dob"},
	Points:   {"point"},
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

// allAliases returns every header that names the field: Aliases, then
// the export aliases.
func (f Field) allAliases() []string {
	return append(f.Aliases(), exportAliases[f]...)
}

// Fields returns every field in spec order.
func Fields() []Field {
	fs := make([]Field, NumFields)
	for i := range fs {
		fs[i] = Field(i)
	}
	return fs
}

// alias is one header that names a field, with its lookup form.
type alias struct {
	field Field
	text  string
	key   string
	runes []rune // key
}

// aliases are every field's aliases, the English name first: a near miss
// names the first alias it misses.
var aliases = func() []alias {
	var as []alias
	for _, f := range Fields() {
		for _, a := range append([]string{f.String()}, f.allAliases()...) {
			k := lookupKey(a)
			as = append(as, alias{f, a, k, []rune(k)})
		}
	}
	return as
}()

// headerIndex maps an alias's lookup form to its field.
var headerIndex = func() map[string]Field {
	m := make(map[string]Field, len(aliases))
	for _, a := range aliases {
		m[a.key] = a.field
	}
	return m
}()

// LookupHeader finds the field a roster header names, through the English
// names, the aliases of SPEC §3 and the export aliases. The match ignores
// case, full-width forms, spaces, '_', '-' and '.': "手机 号", "ＣＡＲＤ＿ＮＯ",
// "Card No." and "card-no" all match. It also looks through what templates
// add around a header: a required marker (*卡号, 卡号*) and a note in
// parentheses that does not change the meaning of the values: a unit
// (余额(元), 余额（元）), required or optional (手机号（必填）), a date
// format (生日(yyyy-mm-dd)), 男/女. Any other note (余额(分), 生日(农历))
// names no field.
func LookupHeader(header string) (Field, bool) {
	if f, ok := headerIndex[lookupKey(header)]; ok {
		return f, true
	}
	return NoField, false
}

// ParseField parses the target of --map: a field's English name or any of
// its aliases, as LookupHeader reads them ("balance", "余额", "储值余额").
func ParseField(name string) (Field, bool) {
	if f, ok := LookupHeader(name); ok {
		return f, true
	}
	return NoField, false
}

// lookupKey is the form headers and aliases are compared in: FoldHeader,
// without decoration, without '_', '-' and '.'.
func lookupKey(s string) string {
	s = stripDecoration(FoldHeader(s))
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' {
			return -1
		}
		return r
	}, s)
}

// noteBrackets are the brackets a note after a header is written in,
// after FoldHeader (full-width parentheses are folded to narrow ones).
var noteBrackets = []struct{ open, close string }{{"(", ")"}, {"[", "]"}, {"【", "】"}}

// harmlessNotes are the notes in brackets after a header that say nothing
// about the values' meaning: the unit cardimport assumes anyway, whether
// the column is required, the sex words. Date formats are recognised by
// harmlessNote. Compared after FoldHeader.
var harmlessNotes = []string{
	"元", "人民币", "人民币元", "单位:元", "rmb", "cny", "yuan", "¥",
	"必填", "必填项", "必输", "必须", "选填", "选填项", "可选", "可空", "非必填", "required", "optional",
	"男/女", "女/男", "m/f",
}

// stripDecoration removes from a folded header the required markers and
// a harmless note in brackets, repeatedly: "*手机号(必填)" is "手机号".
func stripDecoration(s string) string {
	for {
		t := strings.Trim(s, "*")
		for _, b := range noteBrackets {
			if !strings.HasSuffix(t, b.close) {
				continue
			}
			i := strings.LastIndex(t, b.open)
			if i > 0 && harmlessNote(t[i+len(b.open):len(t)-len(b.close)]) {
				t = strings.TrimRight(t[:i], "*")
			}
			break
		}
		if t == s {
			return s
		}
		s = t
	}
}

func harmlessNote(n string) bool {
	if slices.Contains(harmlessNotes, n) {
		return true
	}
	// A date format: yyyy-mm-dd, YYYYMMDD, 年-月-日, 格式:年月日.
	n = strings.TrimPrefix(strings.TrimPrefix(n, "格式"), ":")
	return n != "" && strings.Trim(n, "ymd年月日-/.") == "" && strings.ContainsAny(n, "y年")
}

// Likeness says why a header that names no field looks like one.
type Likeness struct {
	Field Field
	// Word is the key word or alias the header contains, or, when Typo is
	// set, the alias the header misses by one character.
	Word string
	Typo bool
}

// Resembles returns the fields a header that names no field looks like,
// in spec order, with the first reason found for each (SPEC §2): the header
// contains a field's key word (储值余额 contains 余额, "Card Balance"
// contains card and balance; tel, sex, pwd, dob, cell and point only as a
// whole word), or it is a near miss of an alias: one character inserted,
// deleted, replaced or two adjacent ones swapped (手机号吗, mobil, moblie).
// A near miss counts only for aliases of three characters or more (five
// for English ones): one edit from 备注 (备用) or pwd (pid, job is from
// dob) is another word, not a typo. A header that names a field resembles
// nothing.
func Resembles(header string) []Likeness {
	k := lookupKey(header)
	if k == "" {
		return nil
	}
	if _, ok := headerIndex[k]; ok {
		return nil
	}
	var found [NumFields]*Likeness
	var rank [NumFields]int
	kr := []rune(k)
	for _, a := range aliases {
		if !nearMissCounts(a.key) || !oneEdit(kr, a.runes) {
			continue
		}
		// A typo (手机号吗 is 手机号码 mistyped) says more than an alias
		// plus a character (手机号 and 吗), unless that character is a
		// digit: 手机号2 and Phone2 are second copies, not typos.
		l, r := Likeness{Field: a.field, Word: a.text, Typo: true}, 2
		if x, ok := extraRune(k, a.key); ok {
			l.Typo, r = false, 1
			if unicode.IsDigit(x) {
				r = 3
			}
		}
		if r > rank[a.field] {
			found[a.field], rank[a.field] = &l, r
		}
	}
	for f, words := range keyWords {
		for _, w := range words {
			if found[f] == nil && strings.Contains(k, w) {
				found[f] = &Likeness{Field: Field(f), Word: w}
			}
		}
	}
	var ws []string
	for f, words := range keyWholeWords {
		for _, w := range words {
			if found[f] != nil {
				continue
			}
			if ws == nil {
				ws = englishWords(header)
			}
			if slices.Contains(ws, w) {
				found[f] = &Likeness{Field: Field(f), Word: w}
			}
		}
	}
	var out []Likeness
	for _, l := range found {
		if l != nil {
			out = append(out, *l)
		}
	}
	return out
}

// extraRune returns the rune s has around sub when s is sub plus one rune
// before or after it.
func extraRune(s, sub string) (rune, bool) {
	if len([]rune(s)) != len([]rune(sub))+1 {
		return 0, false
	}
	if rest, ok := strings.CutPrefix(s, sub); ok {
		return []rune(rest)[0], true
	}
	if rest, ok := strings.CutSuffix(s, sub); ok {
		return []rune(rest)[0], true
	}
	return 0, false
}

// nearMissCounts reports whether a near miss of the alias (in lookup form)
// is worth a stop: three characters or more, five for ASCII ones.
func nearMissCounts(key string) bool {
	n := len([]rune(key))
	for _, r := range key {
		if r > unicode.MaxASCII {
			return n >= 3
		}
	}
	return n >= 5
}

// oneEdit reports whether a and b differ by exactly one inserted, deleted
// or replaced rune, or by two adjacent runes swapped.
func oneEdit(a, b []rune) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	switch len(a) - len(b) {
	case 0:
		if i == len(a) {
			return false // equal
		}
		if slices.Equal(a[i+1:], b[i+1:]) {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && slices.Equal(a[i+2:], b[i+2:])
	case 1:
		return slices.Equal(a[i+1:], b[i:])
	}
	return false
}

// englishWords splits a header into its lower-case English words: runs of
// ASCII letters, also split where camelCase starts a word ("TelNo" is tel
// and no).
func englishWords(header string) []string {
	var ws []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			ws = append(ws, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	prevLower := false
	for _, r := range width.Fold.String(header) {
		isLetter := r < unicode.MaxASCII && unicode.IsLetter(r)
		if !isLetter {
			flush()
			prevLower = false
			continue
		}
		if unicode.IsUpper(r) && prevLower {
			flush()
		}
		cur = append(cur, r)
		prevLower = unicode.IsLower(r)
	}
	flush()
	return ws
}

// FoldHeader is the form headers are compared in: full-width folded to
// narrow, lower case, every space (including U+3000 and NBSP) removed.
func FoldHeader(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if IsBlankRune(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
