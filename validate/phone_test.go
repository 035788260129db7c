package validate

import (
	"errors"
	"math/rand/v2"
	"strconv"
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
		cases = append(cases, fieldCase{s, TextCell(s), "18862302465", ""})
	}
	cases = append(cases,
		fieldCase{"number cell", num("15606132502"), "15606132502", ""},
		fieldCase{"10 digits", TextCell("1380013800"), "", `手机 "1380013800": 10 digits, a CN mobile has 11`},
		fieldCase{"10 digits after +86", TextCell("+86 1380013800"), "", `手机 "+86 1380013800": 10 digits, a CN mobile has 11`},
		fieldCase{"12 digits", TextCell("138001380001"), "", `手机 "138001380001": 12 digits, a CN mobile has 11`},
		fieldCase{"1 digit", TextCell("1"), "", `手机 "1": 1 digit, a CN mobile has 11`},
		fieldCase{"landline", TextCell("010-62345678"), "",
			`手机 "010-62345678": a landline number, not a mobile: members need a mobile number`},
		fieldCase{"service number", TextCell("400-123-4567"), "",
			`手机 "400-123-4567": a service number (such as toll-free or 400), not a mobile`},
		fieldCase{"not a mobile prefix", TextCell("12345678901"), "",
			`手机 "12345678901": not a real CN mobile number: check the digits`},
		fieldCase{"scientific notation", TextCell("1.56061E+10"), "", `手机 "1.56061E+10": ` + wantHintSci},
		fieldCase{"letters", TextCell("138abc00138"), "",
			`手机 "138abc00138": contains letters, a phone number has digits only`},
		fieldCase{"chinese", TextCell("无"), "", `手机 "无": "无" is not allowed, a phone number has digits only`},
		fieldCase{"two numbers", TextCell("13800138000/13900139000"), "",
			`手机 "13800138000/13900139000": two phone numbers in one cell: keep only the mobile`},
		fieldCase{"hong kong", TextCell("+852 9123 4567"), "",
			`手机 "+852 9123 4567": a HK number (+852), not a CN mobile`},
		fieldCase{"no such country", TextCell("+999 1234 5678"), "",
			`手机 "+999 1234 5678": the country code after + does not exist`},
		fieldCase{"tab inside", TextCell("188\t6230 2465"), "",
			`手机 "188\t6230 2465": contains a tab, which is not allowed: retype the value`},
		fieldCase{"plus only", TextCell("+"), "", `手机 "+": no digits, this is not a phone number`},
		fieldCase{"empty", TextCell(""), "", `手机: empty, this column is required`},
	)
	runFieldCases(t, Options{}, Phone, cases)

	runFieldCases(t, Options{PhoneRegion: "HK"}, Phone, []fieldCase{
		{"hk mobile", TextCell("9123 4567"), "91234567", ""},
		{"hk mobile +852", TextCell("+852 9123-4567"), "91234567", ""},
		{"hk short", TextCell("9123"), "", `手机 "9123": 4 digits, a HK mobile has 8`},
		{"cn mobile in hk", TextCell("+86 18862302465"), "", `手机 "+86 18862302465": a CN number (+86), not a HK mobile`},
	})
	runFieldCases(t, Options{PhoneRegion: "tw"}, Phone, []fieldCase{
		{"tw mobile", TextCell("0912 345 678"), "912345678", ""},
		{"tw short", TextCell("91234567"), "", `手机 "91234567": 8 digits, a TW mobile has 9`},
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

// TestPhoneFastPath checks that skipping libphonenumber's parser for
// plainly typed national numbers gives the same answers as the parser.
func TestPhoneFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, code := range []string{"CN", "HK", "MO", "TW", "US", "GB", "SG", "DE"} {
		r, err := lookupRegion(code)
		if err != nil {
			t.Fatal(err)
		}
		example := phonenumbers.GetNationalSignificantNumber(
			phonenumbers.GetExampleNumberForType(code, phonenumbers.MOBILE))
		mobiles := 0
		for i := 0; i < 800; i++ {
			n := r.lens[rng.IntN(len(r.lens))]
			d := []byte(strconv.Itoa(1 + rng.IntN(9)))
			if i%2 == 0 { // most of these are mobiles
				d = []byte(example[:2])
			}
			for len(d) < n {
				d = append(d, byte('0'+rng.IntN(10)))
			}
			fast, ferr := r.parse(d, false, true)
			slow, serr := r.parse(d, false, false)
			if fast != slow || (ferr == nil) != (serr == nil) {
				t.Fatalf("%s %s: fast %q, %v; parser %q, %v", code, d, fast, ferr, slow, serr)
			}
			if ferr == nil {
				mobiles++
			}
		}
		if mobiles < 150 {
			t.Errorf("%s: only %d of 800 numbers were mobiles", code, mobiles)
		}
	}
}
