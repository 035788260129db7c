package validate

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestPhoneRule(t *testing.T) {
	var cases []fieldCase
	for _, s := range []string{
		"18862302465", "188 6230 2465", "188-6230-2465", "188.6230.2465",
		"+86 188 6230 2465", "+86-18862302465", "+8618862302465", "(+86) 188-6230-2465",
		"008618862302465", "0086 188 6230 2465", "8618862302465", "86 18862302465",
		"１８８６２３０２４６５", "＋８６ １８８６２３０２４６５", "\u3000188 6230 2465\u00a0",
		"18862302465.0", "018862302465",
	} {
		cases = append(cases, fieldCase{s, TextCell(s), "18862302465", "", ""})
	}
	cases = append(cases,
		fieldCase{"number cell", num("15606132502"), "15606132502", "", ""},
		fieldCase{"10 digits", TextCell("1380013800"), "", `手机 "13****00": 10 digits, a CN mobile has 11`, /* masked (SPEC §9) */
			`手机 "13****00"：只有10位，中国大陆手机号应为11位`},
		fieldCase{"10 digits after +86", TextCell("+86 1380013800"), "", `手机 "+86****3800": 10 digits, a CN mobile has 11`,
			`手机 "+86****3800"：只有10位，中国大陆手机号应为11位`},
		fieldCase{"12 digits", TextCell("138001380001"), "", `手机 "138****0001": 12 digits, a CN mobile has 11`,
			`手机 "138****0001"：有12位，中国大陆手机号应为11位`},
		fieldCase{"1 digit", TextCell("1"), "", `手机 "1": 1 digit, a CN mobile has 11`,
			`手机 "1"：只有1位，中国大陆手机号应为11位`},
		fieldCase{"landline", TextCell("010-62345678"), "",
			`手机 "010****5678": a landline number, not a mobile: members need a mobile number`,
			`手机 "010****5678"：这是座机号码，不是手机号：会员要填手机号`},
		fieldCase{"service number", TextCell("400-123-4567"), "",
			`手机 "400****4567": a service number (such as toll-free or 400), not a mobile`,
			`手机 "400****4567"：这是服务号码（如免费电话、400电话），不是手机号`},
		fieldCase{"not a mobile prefix", TextCell("12345678901"), "",
			`手机 "123****8901": not a real CN mobile number: check the digits`,
			`手机 "123****8901"：不是有效的中国大陆手机号：请核对号码`},
		fieldCase{"scientific notation", TextCell("1.56061E+10"), "", `手机 "1.56061E+10": ` + wantHintSci,
			`手机 "1.56061E+10"：` + zhHintSci},
		fieldCase{"letters", TextCell("138abc00138"), "",
			`手机 "138****0138": contains letters, a phone number has digits only`,
			`手机 "138****0138"：含有字母，手机号只能是数字`},
		fieldCase{"chinese", TextCell("无"), "", `手机 "无": "无" is not allowed, a phone number has digits only`,
			`手机 "无"：不能有"无"，手机号只能是数字`},
		fieldCase{"two numbers", TextCell("13800138000/13900139000"), "",
			`手机 "138****9000": two phone numbers in one cell: keep only the mobile`,
			`手机 "138****9000"：一个单元格里有两个号码：只保留手机号`},
		fieldCase{"hong kong", TextCell("+852 9123 4567"), "",
			`手机 "+85****4567": a HK number (+852), not a CN mobile`,
			`手机 "+85****4567"：这是香港的号码（+852），不是中国大陆手机号`},
		fieldCase{"no such country", TextCell("+999 1234 5678"), "",
			`手机 "+99****5678": the country code after + does not exist`,
			`手机 "+99****5678"：+ 后面的国家/地区代码不存在`},
		fieldCase{"tab inside", TextCell("188\t6230 2465"), "",
			`手机 "188****2465": contains a tab, which is not allowed: retype the value`,
			`手机 "188****2465"：含有制表符（Tab），这是不允许的：请重新输入`},
		fieldCase{"plus only", TextCell("+"), "", `手机 "+": no digits, this is not a phone number`,
			`手机 "+"：没有数字，这不是手机号`},
		fieldCase{"empty", TextCell(""), "", `手机: empty, this column is required`,
			`手机：为空，此列必填`},
	)
	runFieldCases(t, Options{}, Phone, cases)

	runFieldCases(t, Options{PhoneRegion: "HK"}, Phone, []fieldCase{
		{"hk mobile", TextCell("9123 4567"), "91234567", "", ""},
		{"hk mobile +852", TextCell("+852 9123-4567"), "91234567", "", ""},
		{"hk short", TextCell("9123"), "", `手机 "9123": 4 digits, a HK mobile has 8`,
			`手机 "9123"：只有4位，香港手机号应为8位`},
		{"cn mobile in hk", TextCell("+86 18862302465"), "", `手机 "+86****2465": a CN number (+86), not a HK mobile`,
			`手机 "+86****2465"：这是中国大陆的号码（+86），不是香港手机号`},
	})
	runFieldCases(t, Options{PhoneRegion: "tw"}, Phone, []fieldCase{
		{"tw mobile", TextCell("0912 345 678"), "912345678", "", ""},
		{"tw short", TextCell("91234567"), "", `手机 "91****67": 8 digits, a TW mobile has 9`,
			`手机 "91****67"：只有8位，台湾手机号应为9位`},
	})
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct{ in, region, want, err string }{
		{"188 6230 2465", "", "18862302465", ""},
		{"+86 188 6230 2465", "cn", "18862302465", ""},
		{" 6612 3456 ", "MO", "66123456", ""},
		{"1380013800", "CN", "", "10 digits, a CN mobile has 11"},
		{"", "CN", "", "empty"},
		{"18862302465", "XX", "", `unknown phone region "XX": use an ISO country code such as CN, HK, MO or TW`},
	} {
		got, err := NormalizePhone(tc.in, tc.region)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q, %q", tc.in, tc.region, got, err, tc.want, tc.err)
		}
	}
	if _, err := NormalizePhone("1", "XX"); !errors.Is(err, ErrUnknownRegion) {
		t.Errorf("unknown region: %v is not ErrUnknownRegion", err)
	}
}

// TestPhoneFastPath compares the fast path with libphonenumber on every
// number of the test corpus (the phone cells of the sample and fixture
// rosters, every quoted value with a digit in this package's tests), on
// every 5-digit start of an 11-digit CN number, bare and after +86, and on
// random numbers of other regions: value and message must be the same.
func TestPhoneFastPath(t *testing.T) {
	corpus := phoneCorpus(t)
	if len(corpus) < 500 {
		t.Fatalf("the corpus has only %d values", len(corpus))
	}
	for _, code := range []string{"CN", "HK", "MO", "TW"} {
		r, err := lookupRegion(code)
		if err != nil {
			t.Fatal(err)
		}
		if r.fastPath() == nil {
			t.Fatalf("%s has no fast path", code)
		}
		for _, s := range corpus {
			comparePaths(t, r, s)
		}
	}

	cn, _ := lookupRegion("CN")
	rng := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for p := 10000; p < 20000; p++ {
		for range 2 {
			n := strconv.Itoa(p) + strconv.Itoa(1000000 + rng.IntN(1000000))[1:]
			if comparePaths(t, cn, n) {
				fast++
			}
			comparePaths(t, cn, "+86"+n)
		}
	}
	if fast < 5000 {
		t.Errorf("the fast path took only %d of 20000 CN numbers", fast)
	}

	for _, code := range []string{"CN", "HK", "MO", "TW", "US", "GB", "SG", "DE", "JP", "IT"} {
		r, err := lookupRegion(code)
		if err != nil {
			t.Fatal(err)
		}
		example := phonenumbers.GetNationalSignificantNumber(
			phonenumbers.GetExampleNumberForType(code, phonenumbers.MOBILE))
		for i := 0; i < 600; i++ {
			n := r.lens[rng.IntN(len(r.lens))] + rng.IntN(3) - 1
			d := []byte(strconv.Itoa(rng.IntN(10)))
			if i%2 == 0 { // most of these are mobiles
				d = []byte(example[:min(2, len(example))])
			}
			for len(d) < n {
				d = append(d, byte('0'+rng.IntN(10)))
			}
			comparePaths(t, r, string(d))
			comparePaths(t, r, "+"+strconv.Itoa(int(r.cc))+" "+string(d))
		}
	}
}

// comparePaths checks one value both ways and reports whether the fast
// path answered it.
func comparePaths(t *testing.T, r *phoneRegion, s string) bool {
	t.Helper()
	s = foldWidth(cleanText(s))
	fast, ferr := r.normalizeWith(s, true)
	slow, serr := r.normalizeWith(s, false)
	if fast != slow || (ferr == nil) != (serr == nil) || ferr != nil && ferr.Error() != serr.Error() {
		t.Fatalf("%s %q: fast path %q, %v; libphonenumber %q, %v", r.code, s, fast, ferr, slow, serr)
	}
	return ferr == nil && r.fastPath() != nil && r.fastPath().isMobile([]byte(fast))
}

// phoneCorpus returns the values of the test corpus that hold a digit.
func phoneCorpus(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] && strings.ContainsAny(s, "0123456789０１２３４５６７８９") && len(s) < 64 {
			seen[s] = true
			out = append(out, s)
		}
	}
	var files []string
	for _, g := range []string{"../samples/*.csv", "../importer/roster/testdata/*.csv", "../importer/roster/testdata/*.txt"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range strings.FieldsFunc(string(b), func(r rune) bool { return strings.ContainsRune(",;\t\r\n\"", r) }) {
			add(f)
		}
	}
	srcs, _ := filepath.Glob("*_test.go")
	quoted := regexp.MustCompile(`"((?:[^"\\\n]|\\.)*)"`)
	for _, p := range srcs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range quoted.FindAllStringSubmatch(string(b), -1) {
			if s, err := strconv.Unquote(`"` + m[1] + `"`); err == nil {
				add(s)
			}
		}
	}
	return out
}

// FuzzPhoneFastPath: the fast path and libphonenumber agree on any text.
//
//	go test ./validate -run '^$' -fuzz FuzzPhoneFastPath -fuzztime 60s
func FuzzPhoneFastPath(f *testing.F) {
	for _, s := range []string{"18862302465", "+86 188 6230 2465", "17400012345", "17951138001380", "12593138001380",
		"8618862302465", "008618862302465", "9123 4567", "+852 9123 4567", "0912 345 678", "6612 3456", "1"} {
		for i := range fuzzRegions {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, ri uint8) {
		r, _ := lookupRegion(fuzzRegions[int(ri)%len(fuzzRegions)])
		comparePaths(t, r, s)
	})
}
