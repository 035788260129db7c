package validate

import (
	"slices"
	"testing"
)

// TestHeaderAliases is the alias table of SPEC §2 and §3: every header a
// real POS or membership export uses for a field, each a row.
func TestHeaderAliases(t *testing.T) {
	tests := []struct {
		header string
		want   Field
	}{
		// balance
		{"余额", Balance}, {"储值金额", Balance}, {"储值", Balance},
		{"储值余额", Balance}, {"卡内余额", Balance}, {"余额(元)", Balance}, {"账户余额", Balance},
		{"卡余额", Balance}, {"储值卡余额", Balance}, {"会员余额", Balance}, {"会员卡余额", Balance},
		{"可用余额", Balance}, {"当前余额", Balance}, {"剩余金额", Balance}, {"balance", Balance},
		// phone
		{"手机", Phone}, {"手机号", Phone}, {"手机号码", Phone}, {"电话", Phone}, {"mobile", Phone},
		{"联系电话", Phone}, {"会员手机", Phone}, {"会员手机号", Phone}, {"电话号码", Phone},
		{"移动电话", Phone}, {"联系手机", Phone}, {"tel", Phone}, {"telephone", Phone},
		{"cellphone", Phone}, {"phone number", Phone}, {"Phone_Number", Phone}, {"phone", Phone},
		// birthday
		{"生日", Birthday}, {"出生日期", Birthday}, {"会员生日", Birthday}, {"出生年月日", Birthday},
		{"生日日期", Birthday}, {"birth date", Birthday}, {"Date of Birth", Birthday},
		{"date_of_birth", Birthday}, {"DOB", Birthday}, {"birthday", Birthday},
		// cardno
		{"卡号", Cardno}, {"线下卡号", Cardno}, {"会员卡号", Cardno}, {"card_no", Cardno},
		{"卡面号", Cardno}, {"卡面号码", Cardno}, {"实体卡号", Cardno}, {"会员卡卡号", Cardno},
		{"card number", Cardno}, {"cardno", Cardno}, {"Card No.", Cardno}, {"card-no", Cardno},
		// name
		{"姓名", Name}, {"会员姓名", Name}, {"持卡人", Name}, {"会员名称", Name}, {"客户姓名", Name},
		{"顾客姓名", Name}, {"持卡人姓名", Name}, {"会员名", Name}, {"名字", Name}, {"name", Name},
		// password
		{"密码", Password}, {"卡密码", Password}, {"pwd", Password}, {"会员卡密码", Password},
		{"支付密码", Password}, {"消费密码", Password}, {"初始密码", Password}, {"password", Password},
		// extid
		{"卡内编码", Extid}, {"会员卡内编码", Extid}, {"内码", Extid}, {"ext_id", Extid},
		{"卡内码", Extid}, {"卡内编号", Extid}, {"芯片号", Extid}, {"extid", Extid},
		// level
		{"等级", Level}, {"会员等级", Level}, {"卡等级", Level}, {"会员级别", Level},
		{"卡级别", Level}, {"级别", Level}, {"level", Level},
		// points
		{"积分", Points}, {"会员积分", Points}, {"当前积分", Points}, {"可用积分", Points},
		{"剩余积分", Points}, {"积分余额", Points}, {"points", Points},
		// expirydate
		{"有效期", Expirydate}, {"到期日", Expirydate}, {"有效期至", Expirydate}, {"到期日期", Expirydate},
		{"失效日期", Expirydate}, {"有效期限", Expirydate}, {"截止日期", Expirydate}, {"expirydate", Expirydate},
		// idnumber
		{"身份证", IDNumber}, {"身份证号", IDNumber}, {"身份证号码", IDNumber}, {"证件号码", IDNumber},
		{"证件号", IDNumber}, {"idnumber", IDNumber},
		// subject, ext_info, sex
		{"摘要", Subject}, {"备注", Subject}, {"备注信息", Subject}, {"subject", Subject},
		{"卡摘要", ExtInfo}, {"卡备注", ExtInfo}, {"ext_info", ExtInfo},
		{"性别", Sex}, {"gender", Sex}, {"会员性别", Sex}, {"sex", Sex},
	}
	for _, tt := range tests {
		f, ok := LookupHeader(tt.header)
		if !ok || f != tt.want {
			t.Errorf("LookupHeader(%q) = %v, %v; want %v", tt.header, f, ok, tt.want)
		}
	}
}

// TestHeadersThatAreNoAlias are headers close to an alias whose values
// belong to no field, or to a field only the user can choose: an alias
// must never send a value to the wrong field.
func TestHeadersThatAreNoAlias(t *testing.T) {
	for _, h := range []string{
		"赠送余额", "赠送金额", // bonus money is not stored value
		"消费金额", "充值金额", "累计消费",
		"会员编号",                                         // a member number: card number or in-card code? the user says
		"余额(分)", "余额（赠送）", "生日(农历)", "电话(座机)", "卡号(旧)", // a note that changes the meaning
		"会员来源", "开卡门店", "联系地址", "", "*", "()",
	} {
		if f, ok := LookupHeader(h); ok {
			t.Errorf("LookupHeader(%q) = %v; want no field", h, f)
		}
	}
}

// TestHeaderDecoration: templates mark required columns with * and add a
// unit or a note in parentheses; the lookup looks through them.
func TestHeaderDecoration(t *testing.T) {
	tests := []struct {
		header string
		want   Field
	}{
		{"*卡号", Cardno}, {"卡号*", Cardno}, {"＊卡号", Cardno}, {" * 卡号 ", Cardno},
		{"余额(元)", Balance}, {"余额（元）", Balance}, {"储值余额（元）", Balance}, {"余额(¥)", Balance},
		{"余额(RMB)", Balance}, {"余额 (人民币)", Balance},
		{"手机号（必填）", Phone}, {"*手机号(必填)", Phone}, {"手机号(必填)*", Phone}, {"姓名(选填)", Name},
		{"生日(yyyy-mm-dd)", Birthday}, {"出生日期（YYYYMMDD）", Birthday}, {"生日(年-月-日)", Birthday},
		{"性别(男/女)", Sex}, {"Mobile (required)", Phone}, {"余额【元】", Balance}, {"余额[元]", Balance},
	}
	for _, tt := range tests {
		f, ok := LookupHeader(tt.header)
		if !ok || f != tt.want {
			t.Errorf("LookupHeader(%q) = %v, %v; want %v", tt.header, f, ok, tt.want)
		}
	}
}

// TestAliasesAreUnambiguous: no header names two fields.
func TestAliasesAreUnambiguous(t *testing.T) {
	seen := map[string]Field{}
	for _, f := range Fields() {
		for _, a := range f.allAliases() {
			k := lookupKey(a)
			if g, ok := seen[k]; ok && g != f {
				t.Errorf("alias %q names both %v and %v", a, g, f)
			}
			seen[k] = f
			if got, ok := LookupHeader(a); !ok || got != f {
				t.Errorf("alias %q of %v looks up as %v, %v", a, f, got, ok)
			}
		}
	}
	// The spec's aliases come first: the template and the messages use them.
	if got := Phone.Aliases(); !slices.Equal(got, []string{"手机", "手机号", "手机号码", "电话", "mobile", "phone"}) {
		t.Errorf("Phone.Aliases() = %q", got)
	}
}

func TestParseFieldAcceptsAliases(t *testing.T) {
	tests := []struct {
		name string
		want Field
		ok   bool
	}{
		{"balance", Balance, true}, {"BALANCE", Balance, true}, {"余额", Balance, true},
		{"储值余额", Balance, true}, {"手机号", Phone, true}, {"ext_info", ExtInfo, true},
		{"卡内编码", Extid, true}, {"ｃａｒｄｎｏ", Cardno, true},
		{"bar", NoField, false}, {"", NoField, false}, {"赠送余额", NoField, false},
	}
	for _, tt := range tests {
		f, ok := ParseField(tt.name)
		if f != tt.want || ok != tt.ok {
			t.Errorf("ParseField(%q) = %v, %v; want %v, %v", tt.name, f, ok, tt.want, tt.ok)
		}
	}
}

// TestResembles: a header naming no field that contains a field's key word
// or is one edit from an alias looks like that field (SPEC §2).
func TestResembles(t *testing.T) {
	tests := []struct {
		header string
		want   []Field
		word   string // the reason given for the first field
		typo   bool
	}{
		// key words
		{"赠送余额", []Field{Balance}, "余额", false},
		{"消费金额", []Field{Balance}, "金额", false},
		{"储值卡内金额", []Field{Balance}, "金额", false},
		{"余额(分)", []Field{Balance}, "余额", false},
		{"剩余积分2", []Field{Points}, "剩余积分", false}, // an alias plus one character: it contains the alias
		{"备用手机", []Field{Phone}, "手机", false},
		{"门店电话", []Field{Phone}, "电话", false},
		{"新卡号", []Field{Cardno}, "卡号", false},
		{"查询密码2", []Field{Password}, "密码", false},
		{"卡内码2", []Field{Extid}, "卡内码", false},
		{"会员编码", []Field{Extid}, "编码", false},
		{"姓名拼音", []Field{Name}, "姓名", false},
		{"性别代码", []Field{Sex}, "性别", false},
		{"生日月份", []Field{Birthday}, "生日", false},
		{"出生年月", []Field{Birthday}, "出生年月日", true},
		{"等级名称", []Field{Level}, "等级", false},
		{"身份证类型", []Field{IDNumber}, "身份证", false},
		{"有效期开始", []Field{Expirydate}, "有效期", false},
		{"到期时间", []Field{Expirydate}, "到期", false},
		{"卡号密码", []Field{Cardno, Password}, "卡号", false},
		{"Card Balance", []Field{Cardno, Balance}, "card", false},
		{"Amount", []Field{Balance}, "amount", false},
		{"Phone2", []Field{Phone}, "phone", false},
		{"Home Phone", []Field{Phone}, "phone", false},
		{"手机号2", []Field{Phone}, "手机号", false},
		{"Ｍｏｂｉｌｅ２", []Field{Phone}, "mobile", false},
		{"Tel No", []Field{Phone}, "tel", false},
		{"tel_2", []Field{Phone}, "tel", false},
		{"memberName", []Field{Name}, "name", false},
		{"Password2", []Field{Password}, "password", false},
		{"Birthday Month", []Field{Birthday}, "birth", false},
		{"bonus points", []Field{Points}, "points", false},
		{"point", []Field{Points}, "points", true},
		{"Cell", []Field{Phone}, "cell", false},
		{"pwd2", []Field{Password}, "pwd", false},
		{"IDCard", []Field{Cardno, IDNumber}, "card", false},
		{"失效时间", []Field{Expirydate}, "失效", false},
		{"证件类型", []Field{IDNumber}, "证件", false},
		{"卡类别", []Field{Level}, "卡级别", true},
		// near misses: one edit from an alias of three or more characters
		{"会员编号", []Field{Cardno}, "会员卡号", true},
		{"持卡入", []Field{Name}, "持卡人", true},
		{"mobil", []Field{Phone}, "mobile", true},
		{"moblie", []Field{Phone}, "mobile", true},
		{"gander", []Field{Sex}, "gender", true},
		{"cardn0", []Field{Cardno}, "cardno", true}, // also contains card: the typo says more
		{"手机号吗", []Field{Phone}, "手机号码", true},      // also contains 手机
	}
	for _, tt := range tests {
		got := Resembles(tt.header)
		var fs []Field
		for _, l := range got {
			fs = append(fs, l.Field)
		}
		if !slices.Equal(fs, tt.want) {
			t.Errorf("Resembles(%q) = %v, want %v", tt.header, got, tt.want)
			continue
		}
		if got[0].Word != tt.word || got[0].Typo != tt.typo {
			t.Errorf("Resembles(%q)[0] = %+v, want word %q typo %v", tt.header, got[0], tt.word, tt.typo)
		}
	}
}

// TestResemblesNothing: headers real exports carry that hold no card data
// stay a warning, not a stop. Near misses of two-letter aliases (备用 is one
// edit from 备注) and of short English ones (job, pid, set) are no alarm.
func TestResemblesNothing(t *testing.T) {
	for _, h := range []string{
		"会员来源", "开卡门店", "开卡日期", "门店", "备用", "地址", "联系地址", "邮箱", "微信号",
		"推荐人", "联系人", "会员类型", "卡状态", "消费次数", "最后消费时间", "序号",
		"job", "pid", "set", "hotel", "appointment", "sussex", "email", "address", "remark", "store", "id", "no",
		"操作员", "创建时间", "",
	} {
		if got := Resembles(h); len(got) != 0 {
			t.Errorf("Resembles(%q) = %+v, want nothing", h, got)
		}
	}
}

// TestResemblesOnlyUnknownHeaders: a header that names a field resembles
// nothing: it is that field.
func TestResemblesOnlyUnknownHeaders(t *testing.T) {
	for _, f := range Fields() {
		for _, a := range f.allAliases() {
			if got := Resembles(a); len(got) != 0 {
				t.Errorf("Resembles(%q), an alias of %v, = %+v", a, f, got)
			}
		}
	}
}

// FuzzHeaderLookup: any header is looked up and compared without a panic,
// and a header that names a field resembles nothing.
func FuzzHeaderLookup(f *testing.F) {
	for _, s := range []string{"*卡号", "余额（元）", "手机号吗", "a【】", "()", "x(]", "Card No.", "TelNo", "**(元)*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		_, named := LookupHeader(h)
		if like := Resembles(h); named && len(like) > 0 {
			t.Errorf("%q names a field and resembles %v", h, like)
		}
	})
}
