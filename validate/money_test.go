package validate

import (
	"errors"
	"math"
	"testing"
)

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in  string
		fen int64
		err error
	}{
		{"100", 10000, nil},
		{"100.8", 10080, nil},
		{"100.88", 10088, nil},
		{"100.880", 10088, nil},
		{"0.05", 5, nil},
		{".5", 50, nil},
		{"0", 0, nil},
		{"-0", 0, nil},
		{"-0.00", 0, nil},
		{"+5", 500, nil},
		{"1,234.56", 123456, nil},
		{"1,234,567", 123456700, nil},
		{"¥88", 8800, nil},
		{"￥ 88.00", 8800, nil},
		{" ¥ +88 ", 8800, nil},
		{"00000000000000000001", 100, nil},
		{"1000000000000", 1e14, nil}, // the largest amount
		{"1000000000000.01", 0, ErrMoneyRange},
		{"9999999999999", 0, ErrMoneyRange},
		{"99999999999999", 0, ErrMoneyRange},
		{"-5", 0, ErrMoneyNegative},
		{"-¥5", 0, ErrMoneyNegative},
		{"¥-5", 0, ErrMoneyNegative},
		{"- 0.01", 0, ErrMoneyNegative},
		{"1.234", 0, ErrMoneyPrecision},
		{"0.001", 0, ErrMoneyPrecision},
		{"", 0, ErrMoneySyntax},
		{"¥", 0, ErrMoneySyntax},
		{"-", 0, ErrMoneySyntax},
		{".", 0, ErrMoneySyntax},
		{"1.", 0, ErrMoneySyntax},
		{"1..2", 0, ErrMoneySyntax},
		{"--5", 0, ErrMoneySyntax},
		{"+-5", 0, ErrMoneySyntax},
		{"¥¥5", 0, ErrMoneySyntax},
		{"1,23", 0, ErrMoneySyntax},
		{",123", 0, ErrMoneySyntax},
		{"0,123", 0, ErrMoneySyntax},
		{"1234,567", 0, ErrMoneySyntax},
		{"1,234.5,6", 0, ErrMoneySyntax},
		{"1e5", 0, ErrMoneySyntax},
		{"12 34", 0, ErrMoneySyntax},
		{"12,50", 0, ErrMoneySyntax}, // a decimal comma is not guessed
		{"１００", 0, ErrMoneySyntax},   // callers fold width first
		{"100元", 0, ErrMoneySyntax},
	} {
		m, err := ParseMoney(tc.in)
		if !errors.Is(err, tc.err) || m.Fen != tc.fen {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, %v", tc.in, m.Fen, err, tc.fen, tc.err)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in  string
		fen int64
		ok  bool
		err error
	}{
		{"1420", 142000, true, nil},
		{`"1420.00"`, 142000, true, nil},
		{"14493.8", 1449380, true, nil},
		{"1420.000", 142000, true, nil},
		{"-12.5", -1250, true, nil},
		{`" -0 "`, 0, true, nil},
		{"", 0, false, nil},
		{`""`, 0, false, nil},
		{"null", 0, false, nil},
		{" null ", 0, false, nil},
		{"-+5", 0, false, ErrMoneySyntax},
		{"--5", 0, false, ErrMoneySyntax},
		{"1.005", 0, false, ErrMoneyPrecision},
		{"abc", 0, false, ErrMoneySyntax},
	} {
		m, ok, err := ParseAmount(tc.in)
		if !errors.Is(err, tc.err) || m.Fen != tc.fen || ok != tc.ok {
			t.Errorf("ParseAmount(%q) = %d, %v, %v; want %d, %v, %v", tc.in, m.Fen, ok, err, tc.fen, tc.ok, tc.err)
		}
	}
	if _, _, err := ParseAmount("abc"); err == nil || err.Error() != `amount "abc": not a number` {
		t.Errorf("ParseAmount error text: %v", err)
	}
}

func TestMoneyFormat(t *testing.T) {
	for _, tc := range []struct {
		fen        int64
		str, fixed string
	}{
		{0, "0", "0.00"},
		{5, "0.05", "0.05"},
		{50, "0.5", "0.50"},
		{100, "1", "1.00"},
		{10088, "100.88", "100.88"},
		{10080, "100.8", "100.80"},
		{-5, "-0.05", "-0.05"},
		{-12345, "-123.45", "-123.45"},
		{1e14, "1000000000000", "1000000000000.00"},
		{math.MaxInt64, "92233720368547758.07", "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08", "-92233720368547758.08"},
	} {
		m := Money{Fen: tc.fen}
		if got := m.String(); got != tc.str {
			t.Errorf("Money{%d}.String() = %q, want %q", tc.fen, got, tc.str)
		}
		if got := m.Fixed(); got != tc.fixed {
			t.Errorf("Money{%d}.Fixed() = %q, want %q", tc.fen, got, tc.fixed)
		}
	}
}

func TestMoneyAdd(t *testing.T) {
	for _, tc := range []struct{ a, b, want int64 }{
		{1, 2, 3},
		{-1, 2, 1},
		{math.MaxInt64, 1, math.MaxInt64},
		{math.MaxInt64 - 1, math.MaxInt64, math.MaxInt64},
		{math.MinInt64, -1, math.MinInt64},
		{math.MinInt64 + 1, math.MinInt64, math.MinInt64},
		{math.MaxInt64, math.MinInt64, -1},
	} {
		if got := (Money{tc.a}).Add(Money{tc.b}).Fen; got != tc.want {
			t.Errorf("%d + %d = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
