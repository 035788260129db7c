package validate

import (
	"strings"
	"testing"
)

const (
	wantHintNumber = "Excel stored it as a number and dropped the leading zeros: format the column as Text and retype it"
	wantHintSci    = "Excel turned it into a number in scientific notation and lost digits: format the column as Text and retype it"
	zhHintNumber   = "Excel 把它存成了数字，开头的0已经丢了：请把这一列设为“文本”格式，再重新输入"
	zhHintSci      = "Excel 把它变成了科学计数法的数字，后面的位数已经丢了：请把这一列设为“文本”格式，再重新输入"
)

func TestCardno(t *testing.T) {
	runFieldCases(t, Options{}, Cardno, []fieldCase{
		{"digits", TextCell("100101"), "100101", "", ""},
		{"letters and digits", TextCell("AB12cd"), "AB12cd", "", ""},
		{"32 chars", TextCell(strings.Repeat("9", 32)), strings.Repeat("9", 32), "", ""},
		{"full-width and U+3000", TextCell("\u3000１００１０１ "), "100101", "", ""},
		{"NBSP and zero-width", TextCell("\u200b100101\u00a0"), "100101", "", ""},
		{"number cell", num("100101"), "100101", "", ""},
		{"too short", TextCell("123"), "",
			`卡号 "123": 3 digits, a card number needs 4 to 32`,
			`卡号 "123"：只有3位，卡号需要4到32位`},
		{"too short number cell", num("123"), "",
			`卡号 "123": 3 digits, a card number needs 4 to 32; ` + wantHintNumber,
			`卡号 "123"：只有3位，卡号需要4到32位；` + zhHintNumber},
		{"too long", TextCell(strings.Repeat("A", 33)), "",
			`卡号 "` + strings.Repeat("A", 33) + `": 33 characters, a card number needs 4 to 32`,
			`卡号 "` + strings.Repeat("A", 33) + `"：有33个字符，卡号需要4到32个字符`},
		{"dash", TextCell("1001-01"), "",
			`卡号 "1001-01": "-" is not allowed, only letters A-Z and digits 0-9 are allowed`,
			`卡号 "1001-01"：不能有"-"，卡号只能用字母A-Z和数字0-9`},
		{"inner space", TextCell("10 0101"), "",
			`卡号 "10 0101": a space is not allowed, only letters A-Z and digits 0-9 are allowed`,
			`卡号 "10 0101"：不能有空格，卡号只能用字母A-Z和数字0-9`},
		{"inner tab", TextCell("100\t101"), "",
			`卡号 "100\t101": contains a tab, which is not allowed: retype the value`,
			`卡号 "100\t101"：含有制表符（Tab），这是不允许的：请重新输入`},
		{"NUL", TextCell("100\x00101"), "",
			`卡号 "100\x00101": contains an invisible control character (U+0000), which is not allowed: retype the value`,
			`卡号 "100\x00101"：含有看不见的控制字符（U+0000），这是不允许的：请重新输入`},
		{"chinese", TextCell("卡1234"), "",
			`卡号 "卡1234": "卡" is not allowed, only letters A-Z and digits 0-9 are allowed`,
			`卡号 "卡1234"：不能有"卡"，卡号只能用字母A-Z和数字0-9`},
		{"short and bad char: two rules", TextCell("ab-"), "",
			`卡号 "ab-": 3 characters, a card number needs 4 to 32; ` +
				`卡号 "ab-": "-" is not allowed, only letters A-Z and digits 0-9 are allowed`,
			`卡号 "ab-"：只有3个字符，卡号需要4到32个字符；卡号 "ab-"：不能有"-"，卡号只能用字母A-Z和数字0-9`},
		{"scientific notation", TextCell("1.00101E+15"), "", `卡号 "1.00101E+15": ` + wantHintSci,
			`卡号 "1.00101E+15"：` + zhHintSci},
		{"number cell beyond 15 digits", num("6222021234567890000"), "",
			`卡号 "6222021234567890000": Excel stored it as a number and kept only its first 15 digits: format the column as Text and retype it`,
			`卡号 "6222021234567890000"：Excel 把它存成了数字，只留下了前15位：请把这一列设为“文本”格式，再重新输入`},
		{"empty", TextCell(""), "", `卡号: empty, this column is required`,
			`卡号：为空，此列必填`},
		{"blank", TextCell(" \u3000\t"), "", `卡号: empty, this column is required`,
			`卡号：为空，此列必填`},
	})
}

func TestPassword(t *testing.T) {
	runFieldCases(t, Options{}, Password, []fieldCase{
		{"6 digits", TextCell("123456"), "123456", "", ""},
		{"leading zero", TextCell("012345"), "012345", "", ""},
		{"full-width", TextCell("０１２３"), "0123", "", ""},
		{"12 digits", TextCell("123456789012"), "123456789012", "", ""},
		// Passwords are never shown in messages (SPEC §9).
		{"too short", TextCell("123"), "", `密码: 3 digits, a password needs 4 to 12`,
			`密码：只有3位，密码需要4到12位数字`},
		{"too short number cell", num("123"), "", `密码: 3 digits, a password needs 4 to 12; ` + wantHintNumber,
			`密码：只有3位，密码需要4到12位数字；` + zhHintNumber},
		{"too long", TextCell("1234567890123"), "", `密码: 13 digits, a password needs 4 to 12`,
			`密码：有13位，密码需要4到12位数字`},
		{"letter", TextCell("12ab56"), "", `密码: "a" is not allowed, a password has digits only`,
			`密码：不能有"a"，密码只能是数字`},
		{"empty", TextCell(""), "", `密码: empty, this column is required`,
			`密码：为空，此列必填`},
	})
	t.Run("value never shown", func(t *testing.T) {
		v := newValidator(t, Options{})
		in := baseInput()
		in.Cells[Password] = TextCell("12x")
		_, ps := v.Check(in)
		for _, p := range ps {
			if p.Value != "" || strings.Contains(p.String(), "12x") {
				t.Errorf("problem shows the password: %+v", p)
			}
		}
	})
}

func TestExtid(t *testing.T) {
	runFieldCases(t, Options{}, Extid, []fieldCase{
		{"digits", TextCell("109"), "109", "", ""},
		{"one char", TextCell("7"), "7", "", ""},
		{"underscore and dash", TextCell("EXT_01-a"), "EXT_01-a", "", ""},
		{"full-width", TextCell("ＥＸＴ－０１"), "EXT-01", "", ""},
		{"too long", TextCell(strings.Repeat("x", 33)), "",
			`卡内编码 "` + strings.Repeat("x", 33) + `": 33 characters, an in-card code has at most 32`,
			`卡内编码 "` + strings.Repeat("x", 33) + `"：有33个字符，卡内编码最多32个字符`},
		{"space", TextCell("ext 1"), "",
			`卡内编码 "ext 1": a space is not allowed, only letters A-Z, digits, _ and - are allowed`,
			`卡内编码 "ext 1"：不能有空格，卡内编码只能用字母A-Z、数字、_ 和 -`},
		{"chinese", TextCell("内码1"), "",
			`卡内编码 "内码1": "内" is not allowed, only letters A-Z, digits, _ and - are allowed`,
			`卡内编码 "内码1"：不能有"内"，卡内编码只能用字母A-Z、数字、_ 和 -`},
		{"number cell too long", num("1234567890123456"), "",
			`卡内编码 "1234567890123456": Excel stored it as a number and kept only its first 15 digits: format the column as Text and retype it`,
			`卡内编码 "1234567890123456"：Excel 把它存成了数字，只留下了前15位：请把这一列设为“文本”格式，再重新输入`},
		{"empty", TextCell(""), "", `卡内编码: empty, this column is required`,
			`卡内编码：为空，此列必填`},
	})
}

func TestName(t *testing.T) {
	runFieldCases(t, Options{}, Name, []fieldCase{
		{"chinese", TextCell("西瓜"), "西瓜", "", ""},
		{"latin with inner space", TextCell("Zhang San"), "Zhang San", "", ""},
		{"trimmed", TextCell("\u3000西瓜\u00a0\t\n"), "西瓜", "", ""},
		{"zero-width inside", TextCell("西\u200b瓜\ufeff"), "西瓜", "", ""},
		{"32 runes", TextCell(strings.Repeat("张", 32)), strings.Repeat("张", 32), "", ""},
		{"33 runes", TextCell(strings.Repeat("张", 33)), "",
			`姓名 "` + strings.Repeat("张", 33) + `": 33 characters, a name has at most 32`,
			`姓名 "` + strings.Repeat("张", 33) + `"：有33个字，姓名最多32个字`},
		{"tab inside", TextCell("张\t三"), "",
			`姓名 "张\t三": contains a tab, which is not allowed: retype the value`,
			`姓名 "张\t三"：含有制表符（Tab），这是不允许的：请重新输入`},
		{"line break inside", TextCell("张\n三"), "",
			`姓名 "张\n三": contains a line break, which is not allowed: retype the value`,
			`姓名 "张\n三"：含有换行，这是不允许的：请重新输入`},
		{"NUL", TextCell("张\x00三"), "",
			`姓名 "张\x00三": contains an invisible control character (U+0000), which is not allowed: retype the value`,
			`姓名 "张\x00三"：含有看不见的控制字符（U+0000），这是不允许的：请重新输入`},
		{"bell", TextCell("张三\x07"), "",
			`姓名 "张三\a": contains an invisible control character (U+0007), which is not allowed: retype the value`,
			`姓名 "张三\a"：含有看不见的控制字符（U+0007），这是不允许的：请重新输入`},
		{"C1 control", TextCell("张\u0085三"), "",
			`姓名 "张\u0085三": contains a line break, which is not allowed: retype the value`,
			`姓名 "张\u0085三"：含有换行，这是不允许的：请重新输入`},
		{"garbled bytes", TextCell("\xce\xf7\xb9"), "",
			`姓名 "\xce\xf7\xb9": contains garbled characters: the file's text encoding was misread (save it as UTF-8, or try --encoding gbk)`,
			`姓名 "\xce\xf7\xb9"：有乱码：文件的文字编码读错了（请把文件另存为 UTF-8，或加上 --encoding gbk 再试）`},
		{"empty", TextCell("\u3000"), "", `姓名: empty, this column is required`,
			`姓名：为空，此列必填`},
	})
}

func TestSex(t *testing.T) {
	var cases []fieldCase
	for _, s := range []string{"男", "男性", "先生", "1", "M", "m", "Male", "MALE", "Ｍ", " 男 ", "1.0"} {
		cases = append(cases, fieldCase{"male " + s, TextCell(s), "1", "", ""})
	}
	for _, s := range []string{"女", "女性", "女士", "0", "F", "female", "ｆ", "Female"} {
		cases = append(cases, fieldCase{"female " + s, TextCell(s), "0", "", ""})
	}
	cases = append(cases,
		fieldCase{"number cell", num("0"), "0", "", ""},
		fieldCase{"control character", TextCell("男\x07"), "",
			`性别 "男\a": contains an invisible control character (U+0007), which is not allowed: retype the value`,
			`性别 "男\a"：含有看不见的控制字符（U+0007），这是不允许的：请重新输入`},
		fieldCase{"unknown", TextCell("未知"), "",
			`性别 "未知": not a sex we know: write 男 or 女 (1/0 and M/F work too)`,
			`性别 "未知"：看不懂的性别：请填 男 或 女（1/0、M/F 也可以）`},
		fieldCase{"2", TextCell("2"), "",
			`性别 "2": not a sex we know: write 男 or 女 (1/0 and M/F work too)`,
			`性别 "2"：看不懂的性别：请填 男 或 女（1/0、M/F 也可以）`},
		fieldCase{"empty", TextCell(""), "", `性别: empty, this column is required`,
			`性别：为空，此列必填`},
	)
	runFieldCases(t, Options{}, Sex, cases)
}

func TestBirthday(t *testing.T) {
	ok := func(name, s string) fieldCase { return fieldCase{name, TextCell(s), "19900203", "", ""} }
	runFieldCases(t, Options{}, Birthday, []fieldCase{
		ok("digits", "19900203"),
		ok("iso", "1990-02-03"),
		ok("slashes", "1990/2/3"),
		ok("dots", "1990.2.3"),
		ok("chinese", "1990年2月3日"),
		ok("chinese padded", "1990年02月03日"),
		ok("chinese no 日", "1990年2月3"),
		ok("db export", "1990-02-03 00:00:00"),
		ok("db export millis", "1990-02-03 00:00:00.000"),
		ok("excel display", "1990/2/3 0:00"),
		ok("iso T", "1990-02-03T08:30:00"),
		ok("digits with time", "19900203 00:00:00"),
		ok("full-width", "１９９０－０２－０３"),
		ok("spaces around", "\u3000 1990-02-03 "),
		{"date cell", dateCell(1990, 2, 3), "19900203", "", ""},
		{"number cell yyyymmdd", num("19900203"), "19900203", "", ""},
		{"number cell excel serial", num("32907"), "19900203", "", ""},
		{"today", TextCell("2026-11-23"), "20261123", "", ""},
		{"120 years ago", TextCell("1906-11-23"), "19061123", "", ""},
		{"leap day", TextCell("1992-02-29"), "19920229", "", ""},
		{"db zero date is no birthday", TextCell("0000-00-00 00:00:00"), "", "", ""},
		{"absent", TextCell(""), "", "", ""},
		{"february 30", TextCell("1990-02-30"), "",
			`生日 "1990-02-30": not a real date: February 1990 has 28 days`,
			`生日 "1990-02-30"：日期不存在，1990年2月只有28天`},
		{"february 30 leap year", TextCell("1992-02-30"), "",
			`生日 "1992-02-30": not a real date: February 1992 has 29 days`,
			`生日 "1992-02-30"：日期不存在，1992年2月只有29天`},
		{"april 31", TextCell("19900431"), "",
			`生日 "19900431": not a real date: April 1990 has 30 days`,
			`生日 "19900431"：日期不存在，1990年4月只有30天`},
		{"month 13", TextCell("1990-13-01"), "",
			`生日 "1990-13-01": not a real date: there is no month 13`,
			`生日 "1990-13-01"：日期不存在：没有13月`},
		{"day 0", TextCell("1990-02-00"), "",
			`生日 "1990-02-00": not a real date: there is no day 0`,
			`生日 "1990-02-00"：日期不存在：没有0日`},
		{"day first", TextCell("03/02/1990"), "",
			`生日 "03/02/1990": not a date we can read: write it like 1990-02-03 or 19900203`,
			`生日 "03/02/1990"：看不懂这个日期：请写成 1990-02-03 或 19900203 这样`},
		{"mixed separators", TextCell("1990-02/03"), "",
			`生日 "1990-02/03": not a date we can read: write it like 1990-02-03 or 19900203`,
			`生日 "1990-02/03"：看不懂这个日期：请写成 1990-02-03 或 19900203 这样`},
		{"bad time", TextCell("1990-02-03 25:00"), "",
			`生日 "1990-02-03 25:00": not a date we can read: write it like 1990-02-03 or 19900203`,
			`生日 "1990-02-03 25:00"：看不懂这个日期：请写成 1990-02-03 或 19900203 这样`},
		{"tab inside", TextCell("1990-02-03\t00:00"), "",
			`生日 "1990-02-03\t00:00": contains a tab, which is not allowed: retype the value`,
			`生日 "1990-02-03\t00:00"：含有制表符（Tab），这是不允许的：请重新输入`},
		{"words", TextCell("unknown"), "",
			`生日 "unknown": not a date we can read: write it like 1990-02-03 or 19900203`,
			`生日 "unknown"：看不懂这个日期：请写成 1990-02-03 或 19900203 这样`},
		{"tomorrow", TextCell("2026-11-24"), "",
			`生日 "2026-11-24": in the future (today is 2026-11-23)`,
			`生日 "2026-11-24"：是将来的日期（今天是2026-11-23）`},
		{"over 120 years", TextCell("1906-11-22"), "",
			`生日 "1906-11-22": more than 120 years ago: check the year`,
			`生日 "1906-11-22"：是120多年以前：请检查年份`},
	})
}

func TestLevelMB(t *testing.T) {
	runFieldCases(t, Options{}, Level, []fieldCase{
		{"3", TextCell("3"), "3", "", ""},
		{"number cell", num("5"), "5", "", ""},
		{"3.0", TextCell("3.0"), "3", "", ""},
		{"full-width", TextCell("３"), "3", "", ""},
		{"leading zero", TextCell("01"), "1", "", ""},
		{"absent", TextCell(""), "", "", ""},
		{"0", TextCell("0"), "", `等级 "0": a level is a whole number from 1 to 5`,
			`等级 "0"：等级应为1到5的整数`},
		{"6", TextCell("6"), "", `等级 "6": a level is a whole number from 1 to 5`,
			`等级 "6"：等级应为1到5的整数`},
		{"2.5", TextCell("2.5"), "", `等级 "2.5": a level is a whole number from 1 to 5`,
			`等级 "2.5"：等级应为1到5的整数`},
		{"name", TextCell("VIP"), "", `等级 "VIP": a level is a whole number from 1 to 5`,
			`等级 "VIP"：等级应为1到5的整数`},
	})
}

func TestLevelSandy(t *testing.T) {
	levels := []CardLevel{{ID: "L1", Name: "普通会员"}, {ID: "L2", Name: "高級會員"}, {ID: "L3", Name: "ＶＩＰ 鑽石卡"}}
	sandy := Options{Profile: sandyProfile, Levels: levels}
	runFieldCases(t, sandy, Level, []fieldCase{
		{"same name", TextCell("普通会员"), "L1", "", ""},
		{"simplified for traditional", TextCell("高级会员"), "L2", "", ""},
		{"spaces and width", TextCell(" 高級 會員 "), "L2", "", ""},
		{"case and width", TextCell("vip钻石卡"), "L3", "", ""},
		{"id", TextCell("L2"), "L2", "", ""},
		{"id lower case", TextCell("l1"), "L1", "", ""},
		{"unknown", TextCell("钻石会员"), "",
			`等级 "钻石会员": not a card level on the platform: the platform's levels are 普通会员, 高級會員, ＶＩＰ 鑽石卡`,
			`等级 "钻石会员"：平台上没有这个会员等级，平台的等级有：普通会员、高級會員、ＶＩＰ 鑽石卡`},
		{"mb number", TextCell("3"), "",
			`等级 "3": not a card level on the platform: the platform's levels are 普通会员, 高級會員, ＶＩＰ 鑽石卡`,
			`等级 "3"：平台上没有这个会员等级，平台的等级有：普通会员、高級會員、ＶＩＰ 鑽石卡`},
	})
	runFieldCases(t, Options{Profile: sandyProfile}, Level, []fieldCase{
		{"no levels: passes unchanged", TextCell(" 高級會員 "), "高級會員", "", ""},
	})
	runFieldCases(t, Options{Profile: sandyProfile, Levels: []CardLevel{}}, Level, []fieldCase{
		{"empty level list", TextCell("金卡"), "",
			`等级 "金卡": not a card level on the platform: the platform has no card levels`,
			`等级 "金卡"：平台上没有这个会员等级，平台上没有任何会员等级`},
	})
	t.Run("long list is cut", func(t *testing.T) {
		var many []CardLevel
		for i := range 12 {
			many = append(many, CardLevel{ID: string(rune('a' + i)), Name: "等级" + string(rune('A'+i))})
		}
		x := newLevelIndex(many)
		if !strings.HasSuffix(x.names, "等级J … (12 in all)") {
			t.Errorf("names = %q", x.names)
		}
	})
}

func TestFoldLevel(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"高級會員", "高级会员"},
		{"高级会员", "高级会员"},
		{"ＶＩＰ 會員", "vip会员"},
		{"\u3000黃金\u200b卡 ", "黄金卡"},
		{"鑽石", "钻石"},
		{"白金卡", "白金卡"},
		{"", ""},
	} {
		if got := FoldLevel(tc.in); got != tc.want {
			t.Errorf("FoldLevel(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBalance(t *testing.T) {
	runFieldCases(t, Options{}, Balance, []fieldCase{
		{"integer", TextCell("100"), "100", "", ""},
		{"one place", TextCell("100.8"), "100.8", "", ""},
		{"two places", TextCell("100.88"), "100.88", "", ""},
		{"trailing zeros", TextCell("100.800"), "100.8", "", ""},
		{"thousands", TextCell("1,000.50"), "1000.5", "", ""},
		{"yen", TextCell("¥88"), "88", "", ""},
		{"full-width yen and space", TextCell("￥ 88.00"), "88", "", ""},
		{"full-width digits", TextCell("１，０００．５０"), "1000.5", "", ""},
		{"yuan suffix", TextCell("100元"), "100", "", ""},
		{"zero is sent", TextCell("0"), "0", "", ""},
		{"number cell", num("82.6"), "82.6", "", ""},
		{"absent", TextCell(""), "", "", ""},
		{"negative", TextCell("-5"), "", `余额 "-5": negative, a balance must be 0 or more`,
			`余额 "-5"：是负数，余额不能小于0`},
		{"negative before yen", TextCell("-¥5"), "", `余额 "-¥5": negative, a balance must be 0 or more`,
			`余额 "-¥5"：是负数，余额不能小于0`},
		{"three places", TextCell("1.234"), "",
			`余额 "1.234": more than 2 decimal places: a balance is in yuan and fen, like 100.88`,
			`余额 "1.234"：小数超过了2位：余额以元为单位，精确到分，如 100.88`},
		{"words", TextCell("一百"), "", `余额 "一百": not an amount: write it like 100 or 100.50`,
			`余额 "一百"：不是金额：请写成 100 或 100.50 这样`},
		{"bad grouping", TextCell("1,00"), "", `余额 "1,00": not an amount: write it like 100 or 100.50`,
			`余额 "1,00"：不是金额：请写成 100 或 100.50 这样`},
		{"too large", TextCell("99999999999999"), "", `余额 "99999999999999": too large for a card balance`,
			`余额 "` + strings.Repeat("9", 14) + `"：金额太大，超出了卡余额的上限`},
		{"NUL", TextCell("100\x00"), "",
			`余额 "100\x00": contains an invisible control character (U+0000), which is not allowed: retype the value`,
			`余额 "100\x00"：含有看不见的控制字符（U+0000），这是不允许的：请重新输入`},
	})
}

func TestPoints(t *testing.T) {
	runFieldCases(t, Options{}, Points, []fieldCase{
		{"integer", TextCell("200"), "200", "", ""},
		{"zero", TextCell("0"), "0", "", ""},
		{"minus zero", TextCell("-0"), "0", "", ""},
		{"leading zeros", TextCell("007"), "7", "", ""},
		{"thousands", TextCell("1,200"), "1200", "", ""},
		{"number cell .0", num("200.0"), "200", "", ""},
		{"full-width", TextCell("２００"), "200", "", ""},
		{"absent", TextCell(""), "", "", ""},
		{"negative", TextCell("-5"), "", `积分 "-5": negative, points must be 0 or more`,
			`积分 "-5"：是负数，积分不能小于0`},
		{"fraction", TextCell("1.5"), "", `积分 "1.5": not a whole number: points have no decimals`,
			`积分 "1.5"：不是整数：积分没有小数`},
		{"words", TextCell("abc"), "", `积分 "abc": not a number: write points as a whole number like 200`,
			`积分 "abc"：不是数字：积分请写成整数，如 200`},
		{"bad grouping", TextCell("12,00"), "", `积分 "12,00": not a number: write points as a whole number like 200`,
			`积分 "12,00"：不是数字：积分请写成整数，如 200`},
		{"dot only", TextCell("5."), "", `积分 "5.": not a number: write points as a whole number like 200`,
			`积分 "5."：不是数字：积分请写成整数，如 200`},
		{"too large", TextCell("1234567890123456"), "", `积分 "1234567890123456": too large for card points`,
			`积分 "1234567890123456"：数值太大，超出了积分的上限`},
	})
}

func TestExpirydate(t *testing.T) {
	runFieldCases(t, Options{}, Expirydate, []fieldCase{
		{"date", TextCell("2027-12-31"), "20271231", "", ""},
		{"chinese", TextCell("2027年12月31日"), "20271231", "", ""},
		{"date cell", dateCell(2030, 1, 1), "20300101", "", ""},
		{"today", TextCell("2026-11-23 00:00:00"), "20261123", "", ""},
		{"1day", TextCell("1day"), "1day", "", ""},
		{"1week", TextCell("1week"), "1week", "", ""},
		{"1Month", TextCell("1Month"), "1month", "", ""},
		{"1 YEAR", TextCell("1 YEAR"), "1year", "", ""},
		{"full-width", TextCell("１ｙｅａｒ"), "1year", "", ""},
		{"db zero date is no expiry", TextCell("0000-00-00"), "", "", ""},
		{"absent", TextCell(""), "", "", ""},
		{"yesterday", TextCell("2026-11-22"), "", `有效期 "2026-11-22": in the past (today is 2026-11-23)`,
			`有效期 "2026-11-22"：已经过期（今天是2026-11-23）`},
		{"not a leap year", TextCell("2027-02-29"), "",
			`有效期 "2027-02-29": not a real date: February 2027 has 28 days`,
			`有效期 "2027-02-29"：日期不存在，2027年2月只有28天`},
		{"2year", TextCell("2year"), "",
			`有效期 "2year": not a date we can read: write it like 2027-12-31 or 20271231, or one of 1day, 1week, 1month, 1year`,
			`有效期 "2year"：看不懂这个日期：请写成 2027-12-31 或 20271231 这样，或填 1day、1week、1month、1year 之一`},
	})
	runFieldCases(t, Options{Profile: sandyProfile}, Expirydate, []fieldCase{
		{"sandy date", TextCell("2027-12-31"), "20271231", "", ""},
		{"sandy 1year", TextCell("1year"), "",
			`有效期 "1year": sandy cards have no expiry, so 1year cannot be used: leave the column empty`,
			`有效期 "1year"：sandy 的卡没有有效期，不能填 1year：请让这一列空着`},
		{"sandy words", TextCell("forever"), "",
			`有效期 "forever": not a date we can read: write it like 2027-12-31 or 20271231`,
			`有效期 "forever"：看不懂这个日期：请写成 2027-12-31 或 20271231 这样`},
	})
}

func TestIDNumberRule(t *testing.T) {
	runFieldCases(t, Options{}, IDNumber, []fieldCase{
		{"18 digits", TextCell("110105199002031235"), "110105199002031235", "", ""},
		{"lower-case x", TextCell("11010519940103103x"), "11010519940103103X", "", ""},
		{"full-width", TextCell("１１０１０５１９９４０１０３１０３Ｘ"), "11010519940103103X", "", ""},
		{"15 digits", TextCell("110105900203123"), "110105900203123", "", ""},
		{"15 digits number cell", num("110105900203123"), "110105900203123", "", ""},
		{"absent", TextCell(""), "", "", ""},
		{"check digit", TextCell("110105199002031234"), "",
			`身份证 "110105199002031234": the check digit (the last character) does not match the others: a digit is mistyped`,
			`身份证 "110105199002031234"：校验位（最后一位）和前面的数字对不上：有数字输错了`},
		{"zeroed by excel, text", TextCell("110105199002031000"), "",
			`身份证 "110105199002031000": the last 3 digits are 000 and the check digit does not match: ` +
				`Excel stored the ID as a number and lost its last digits; format the column as Text and retype it`,
			`身份证 "110105199002031000"：最后3位是000，校验位也对不上：Excel 把身份证号存成了数字，丢了最后几位；请把这一列设为“文本”格式，再重新输入`},
		{"number cell", num("110105199002031000"), "",
			`身份证 "110105199002031000": Excel stored the ID as a number and lost its last digits: format the column as Text and retype it`,
			`身份证 "110105199002031000"：Excel 把身份证号存成了数字，最后几位已经丢了：请把这一列设为“文本”格式，再重新输入`},
		{"scientific", TextCell("1.10105E+17"), "", `身份证 "1.10105E+17": ` + wantHintSci,
			`身份证 "1.10105E+17"：` + zhHintSci},
		{"17 digits", TextCell("11010519900203123"), "",
			`身份证 "11010519900203123": 17 characters, an ID number has 18 (or 15 on old cards)`,
			`身份证 "11010519900203123"：有17位，身份证号应为18位（老身份证为15位）`},
		{"impossible birth date", TextCell("110105199002301231"), "",
			`身份证 "110105199002301231": the birth date in it (1990-02-30) is not a real date`,
			`身份证 "110105199002301231"：其中的出生日期（1990-02-30）不存在`},
		{"letter", TextCell("11010519900203123A"), "",
			`身份证 "11010519900203123A": "A" is not allowed: an ID number has digits only, and maybe an X at the end`,
			`身份证 "11010519900203123A"：不能有"A"：身份证号只能是数字，最后一位可以是 X`},
	})
}

func TestSubjectAndExtInfo(t *testing.T) {
	runFieldCases(t, Options{}, Subject, []fieldCase{
		{"text", TextCell(" 迁移自旧POS "), "迁移自旧POS", "", ""},
		{"64 chars", TextCell(strings.Repeat("备", 64)), strings.Repeat("备", 64), "", ""},
		{"65 chars", TextCell(strings.Repeat("备", 65)), "",
			`摘要 "` + strings.Repeat("备", 40) + `…(65 chars)": 65 characters, a note has at most 64`,
			`摘要 "` + strings.Repeat("备", 40) + `…（共65字）"：有65个字，此列最多64个字`},
		{"line break", TextCell("a\r\nb"), "",
			`摘要 "a\r\nb": contains a line break, which is not allowed: retype the value`,
			`摘要 "a\r\nb"：含有换行，这是不允许的：请重新输入`},
	})
	runFieldCases(t, Options{}, ExtInfo, []fieldCase{
		{"text", TextCell("VIP"), "VIP", "", ""},
		{"65 chars", TextCell(strings.Repeat("x", 65)), "",
			`卡摘要 "` + strings.Repeat("x", 40) + `…(65 chars)": 65 characters, a card note has at most 64`,
			`卡摘要 "` + strings.Repeat("x", 40) + `…（共65字）"：有65个字，卡摘要最多64个字`},
	})
}
