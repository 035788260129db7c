package validate

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"19900203", "1990-02-03", "1990/2/3", "1990.2.3", "1990年2月3日", "1990-02-03 00:00:00",
		"1990-02-30", "0000-00-00", "１９９０－０２－０３", "1990-02-03T23:59:59.123456789", "9999-12-31",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseDate(%q): empty error", s)
			}
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, d)
		}
		for _, again := range []string{showDate(d), dateString(d)} {
			if d2, err := ParseDate(again); err != nil || !d2.Equal(d) {
				t.Fatalf("ParseDate(%q) = %v, but ParseDate(%q) = %v, %v", s, d, again, d2, err)
			}
		}
	})
}

var fuzzRegions = []string{"CN", "HK", "MO", "TW", "US"}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"18862302465", "+86 188 6230 2465", "008618862302465", "8618862302465", "１８８６２３０２４６５",
		"1380013800", "010-62345678", "1.56061E+10", "9123 4567", "+852 9123 4567", "0912 345 678",
		"(201) 555-0123", "13800138000/13900139000", "+", "",
	} {
		for i := range fuzzRegions {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, ri uint8) {
		region := fuzzRegions[int(ri)%len(fuzzRegions)]
		out, err := NormalizePhone(s, region)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("NormalizePhone(%q, %s): empty error", s, region)
			}
			return
		}
		if out == "" || !allDigits(out) {
			t.Fatalf("NormalizePhone(%q, %s) = %q, not digits", s, region, out)
		}
		r, _ := lookupRegion(region)
		for _, again := range []string{out, "+" + strconv.Itoa(int(r.cc)) + " " + out} {
			if out2, err := NormalizePhone(again, region); err != nil || out2 != out {
				t.Fatalf("NormalizePhone(%q, %s) = %q, but NormalizePhone(%q) = %q, %v", s, region, out, again, out2, err)
			}
		}
	})
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"110105199002031235", "11010519940103103x", "110105900203123", "110105199002031000",
		"1.10105E+17", "110105199002301231", "１１０１０５１９９４０１０３１０３Ｘ", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info, err := ParseIDNumber(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseIDNumber(%q): empty error", s)
			}
			return
		}
		n := info.Number
		if len(n) != 18 && len(n) != 15 || strings.Contains(n, "x") || !allDigits(strings.TrimSuffix(n, "X")) {
			t.Fatalf("ParseIDNumber(%q).Number = %q", s, n)
		}
		if len(n) == 18 {
			sum := 0
			for i, w := range idWeights {
				sum += int(n[i]-'0') * w
			}
			if idCheckChars[sum%11] != n[17] {
				t.Fatalf("ParseIDNumber(%q) = %q with a wrong check digit", s, n)
			}
		}
		if again, err := ParseIDNumber(n); err != nil || again != info {
			t.Fatalf("ParseIDNumber(%q) = %+v, but ParseIDNumber(%q) = %+v, %v", s, info, n, again, err)
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{
		"100", "100.8", "100.88", "1,234.56", "¥88", "￥ 88.00", "-0", "-5", "1.234", ".5",
		"1000000000000", "00000000000000000001", "1,23", "-¥5", "1.000000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		a, ok, aerr := ParseAmount(s)
		if err != nil {
			return
		}
		if m.Fen < 0 || m.Fen > maxFen {
			t.Fatalf("ParseMoney(%q) = %d fen, out of range", s, m.Fen)
		}
		for _, again := range []string{m.String(), m.Fixed()} {
			if m2, err := ParseMoney(again); err != nil || m2 != m {
				t.Fatalf("ParseMoney(%q) = %v, but ParseMoney(%q) = %v, %v", s, m, again, m2, err)
			}
		}
		if aerr != nil || !ok || a != m {
			t.Fatalf("ParseMoney(%q) = %v, but ParseAmount = %v, %v, %v", s, m, a, ok, aerr)
		}
	})
}

// FuzzCheck checks whole rows: Check never panics, and a valid row's card,
// fed back as a roster row, is valid and unchanged.
func FuzzCheck(f *testing.F) {
	f.Add("100101", "+86 188 6230 2465", "男", "1990年2月3日", "11010519940103103x", "¥1,000.50", "西瓜", "1year")
	f.Add("１２３", "1.56061E+10", "x", "1990-02-30", "110105199002031000", "-1", "张\t三", "2020-01-01")
	f.Fuzz(func(t *testing.T, cardno, phone, sex, birthday, idnum, balance, name, expiry string) {
		opts := Options{Now: testNow}
		v, _ := New(opts)
		in := baseInput()
		in.Cells[Cardno] = TextCell(cardno)
		in.Cells[Phone] = TextCell(phone)
		in.Cells[Sex] = TextCell(sex)
		in.Cells[Birthday] = TextCell(birthday)
		in.Cells[IDNumber] = TextCell(idnum)
		in.Cells[Balance] = TextCell(balance)
		in.Cells[Name] = TextCell(name)
		in.Cells[Expirydate] = TextCell(expiry)
		card, ps := v.Check(in)
		for _, p := range ps {
			if p.Reason == "" {
				t.Fatalf("problem without a reason: %+v", p)
			}
		}
		if Invalid(ps) {
			return
		}
		again := baseInput()
		for _, fl := range Fields() {
			again.Cells[fl] = TextCell(sent(card, fl))
		}
		v2, _ := New(opts)
		card2, ps2 := v2.Check(again)
		if Invalid(ps2) || card2 != card {
			t.Fatalf("card %+v fed back: %+v, %s", card, card2, Message(ps2))
		}
	})
}
