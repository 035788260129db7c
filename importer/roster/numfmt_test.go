package roster

import (
	"strconv"
	"strings"
	"testing"
)

// The wants were checked against LibreOffice 7.4 ("save cell content as
// shown") and gnumeric 1.12, which agree on all of them; "" means the
// number keeps its stored form (the format is not supported, or shows the
// number as General does).
func TestNumFmtRender(t *testing.T) {
	tests := []struct {
		code string
		vals map[string]string // raw cell value → shown
	}{
		{"000000", map[string]string{"10005": "010005", "5": "000005", "0": "000000", "-5": "-000005",
			"123456": "", "1234567": "", "12.5": "", "1.0005E4": "010005", "10005.0": "010005"}},
		{`"VIP"0000`, map[string]string{"5": "VIP0005", "10005": "VIP10005", "-5": "-VIP0005", "0": "VIP0000"}},
		{"0000#", map[string]string{"5": "00005", "42": "00042", "10005": "", "-5": "-00005",
			"0": ""}}, // spreadsheets disagree on # for zero: LibreOffice 0000, gnumeric 00000
		{"00000#", map[string]string{"42": "000042", "10005": "010005"}},
		{`\A0000`, map[string]string{"7": "A0007", "10005": "A10005", "-5": "-A0005"}},
		{`000000;-000000`, map[string]string{"10008": "010008", "-5": "-000005", "0": "000000"}},
		{`000000;\-000000`, map[string]string{"-5": "-000005"}}, // as LibreOffice writes it
		{`000000;(000000)`, map[string]string{"-42": "(000042)", "42": "000042"}},
		{`000000;\(000000\)`, map[string]string{"-42": "(000042)"}},
		{`000000;-000000;"无"`, map[string]string{"0": "无", "5": "000005", "-5": "-000005"}},
		{`000000;\-000000;\无`, map[string]string{"0": "无"}},
		{`000000;;"零"`, map[string]string{"0": "零", "5": "000005", "-5": ""}}, // an empty section shows nothing
		{"0000;", map[string]string{"5": "0005", "0": "0000", "-5": ""}},
		{"0000;;", map[string]string{"5": "0005", "0": "", "-5": ""}},
		{`"x"#;"y"#;"z"`, map[string]string{"5": "x5", "-5": "y5", "0": "z"}},
		{`"VIP"0000;"NEG"0000`, map[string]string{"5": "VIP0005", "-5": "NEG0005"}},
		{"0;(0)", map[string]string{"5": "", "-5": "(5)", "0": ""}},
		{"0000-0000", map[string]string{"12345": "0001-2345", "1234567890": "123456-7890", "-5": "-0000-0005"}},
		{`0000\-0000`, map[string]string{"12345": "0001-2345"}},
		{"0000--00", map[string]string{"10005": "0100--05"}},
		{"000 000", map[string]string{"10005": "010 005", "1234567890": "1234567 890"}},
		{"00-00", map[string]string{"10005": "100-05", "5": "00-05"}},
		{"##-##", map[string]string{"5": "-5", "10005": "100-05", "0": ""}},
		{"0#", map[string]string{"5": "05", "42": "", "-5": "-05", "0": ""}},
		{"#00#", map[string]string{"5": "005", "42": "042", "10005": ""}},
		{"0#0", map[string]string{"5": "05", "42": "042"}},
		{`"No."#`, map[string]string{"5": "No.5", "0": ""}},
		{`"No."0`, map[string]string{"5": "No.5", "0": "No.0"}},
		{`#"号"`, map[string]string{"5": "5号"}},
		{`"第"0"号"`, map[string]string{"7": "第7号"}},
		{`\第0\号`, map[string]string{"7": "第7号"}}, // LibreOffice escapes CJK literals
		{`"卡"000000"号"`, map[string]string{"10005": "卡010005号"}},
		{`"a"0"b"0"c"`, map[string]string{"42": "a4b2c", "10005": "a1000b5c"}},
		{`0\-0`, map[string]string{"42": "4-2", "5": "0-5"}},
		{"$0000", map[string]string{"5": "$0005"}},
		{"(0000)", map[string]string{"5": "(0005)", "-5": "-(0005)"}},
		{"+0000", map[string]string{"5": "+0005"}},
		{"[Red]000000", map[string]string{"5": "000005"}},
		{"000000;[Red]-000000", map[string]string{"-5": "-000005"}},
		{"[$-804]000000", map[string]string{"5": "000005"}},
		{"00000000000000000000", map[string]string{"10005": "00000000000000010005",
			"123456789012345": "00000123456789012345", "1234567890123456": ""}}, // over 15 digits: as stored
		{"000000;;;@", map[string]string{"5": "000005", "-5": "", "0": ""}},
		{"0000;@", map[string]string{"5": "0005", "-5": "-0005"}},
		// A boolean format, as LibreOffice writes one (SPEC §2).
		{`"TRUE";"TRUE";"FALSE"`, map[string]string{"1": "TRUE", "0": "FALSE", "-3": "TRUE", "0.5": "TRUE", "12345678901234567": "TRUE"}},
		{`"是";"是";"否"`, map[string]string{"1": "是", "0": "否"}},
		{`[Red]"TRUE";"TRUE";"FALSE"`, map[string]string{"1": "TRUE"}},
	}
	for _, tt := range tests {
		f := parseNumFmt(tt.code)
		for v, want := range tt.vals {
			got, ok := f.render(v)
			if !ok {
				got = ""
			}
			if got != want {
				t.Errorf("%s: %s shows %q, want %q", tt.code, v, got, want)
			}
		}
	}
}

// Formats that never change how a whole number shows, or that render does
// not support: the number keeps its stored form.
func TestNumFmtNotPadding(t *testing.T) {
	for _, code := range []string{
		"General", "0", "#", "##0", "#0", "#,##0", "#,##0;(#,##0)", "0.00", "0.", "#,##0.00", "0%", "0.00E+00",
		"##0.0E+0", "# ?/?", "yyyy-mm-dd", "@", `"VIP"@`, "[>100]0000;000", "0000_)", "0000*-",
		"[DBNum1]0000", "[DBNum1][$-804]0", `[$¥-804]0000`, `[$USD]0000`, "000,", "0000E", "A0000",
		"0000'0000", `0000"0000`, `0000\`, "[Red", "0000[0000", "000010000", ";;", `"AB"`, "0;0;0;0;0",
		"[h]0", "", `"TRUE";"FALSE"`, `"TRUE";"TRUE";0`,
		strings.Repeat("0", maxFormatCode+1),
	} {
		if f := parseNumFmt(code); f != nil {
			got, _ := f.render("10005")
			t.Errorf("%q is a padding format: 10005 shows %q", code, got)
		}
	}
}

func TestNumFmtPads(t *testing.T) {
	for code, want := range map[string]bool{
		"000000": true, `"VIP"0`: true, "0#": true, "#0": false, "0;(0)": false, `000000;;"零"`: true,
		`0;-0;"无"`: false, "[Red]00": true, "General": false,
	} {
		if got := parseNumFmt(code).pads(); got != want {
			t.Errorf("%q pads: %v, want %v", code, got, want)
		}
	}
}

func TestPlainCode(t *testing.T) {
	for code, want := range map[string]bool{
		`000000`: true, `"VIP"0000`: true, `\A0000`: true, `"it's"0`: true, `[Red]0`: true, `\第0\号`: true,
		`0'0`: false, `"open`: false, `0\`: false, `[Red`: false, `0]`: true, `\"0`: true,
	} {
		if got := plainCode(code); got != want {
			t.Errorf("plainCode(%q) = %v, want %v", code, got, want)
		}
	}
}

// FuzzNumFmt parses any format code and renders any whole number with it:
// it must never panic, a rendered number keeps its digits in order, and a
// format of zeros alone agrees with zero padding.
//
//	go test ./importer/roster -run '^$' -fuzz FuzzNumFmt -fuzztime 30s
func FuzzNumFmt(f *testing.F) {
	for _, code := range []string{"000000", `"VIP"0000`, "0000#", `\A0000`, `000000;(000000);"无"`,
		"0000-0000", `"x"#;"y"#;"z"`, "#,##0", "[Red][$-804]0#0", `0"`, `\`, "[", ";;;;", "0;0;0;@"} {
		f.Add(code, int64(10005), uint8(6))
	}
	f.Add("", int64(-42), uint8(0))
	f.Add("0", int64(0), uint8(19))
	f.Fuzz(func(t *testing.T, code string, n int64, zeros uint8) {
		const limit = 999_999_999_999_999 // 15 digits
		if n > limit || n < -limit {
			n %= limit
		}
		v := strconv.FormatInt(n, 10)
		digits := strings.TrimPrefix(v, "-")

		if nf := parseNumFmt(code); nf != nil {
			nf.pads()
			if out, ok := nf.render(v); ok {
				if out == "" || out == v {
					t.Fatalf("%q: %s renders as %q with ok", code, v, out)
				}
				if n != 0 && !subsequence(digits, out) {
					t.Fatalf("%q: %s renders as %q, which lost digits", code, v, out)
				}
				if len(out) > len(digits)+len(code)+1 {
					t.Fatalf("%q: %s renders as %q, longer than format and digits", code, v, out)
				}
			}
		}

		// The reference: k zeros pad to k digits, and a negative number
		// gets a minus sign in front.
		k := int(zeros%20) + 1
		want := strings.Repeat("0", max(0, k-len(digits))) + digits
		if n == 0 {
			want = strings.Repeat("0", k)
		}
		if n < 0 {
			want = "-" + want
		}
		got, ok := parseNumFmt(strings.Repeat("0", k)).render(v)
		if !ok {
			got = v // shown as General
		}
		if got != want {
			t.Fatalf("%d zeros: %s renders as %q, want %q", k, v, got, want)
		}
	})
}

// subsequence reports whether the bytes of sub appear in s in order.
func subsequence(sub, s string) bool {
	for i := 0; i < len(s) && len(sub) > 0; i++ {
		if s[i] == sub[0] {
			sub = sub[1:]
		}
	}
	return sub == ""
}
