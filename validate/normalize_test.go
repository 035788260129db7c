package validate

import "testing"

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  abc ", "abc"},
		{"\t\r\nabc\n", "abc"},
		{"\u3000西瓜\u3000", "西瓜"},
		{"\u00a0abc\u00a0", "abc"},
		{"\ufeff\u200b abc \u200d\u2060", "abc"},
		{"a\u200bb\ufeffc", "abc"},
		{"a b", "a b"},
		{"a\tb", "a\tb"}, // inside: kept, and then refused by the rules
		{"", ""},
	} {
		if got := cleanText(tc.in); got != tc.want {
			t.Errorf("cleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFoldWidth(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ＡＢＣ１２３", "ABC123"},
		{"１９９０－０２－０３", "1990-02-03"},
		{"￥１，０００．５", "¥1,000.5"},
		{"男", "男"},
		{"a\u3000b", "a b"},
		{"abc", "abc"},
	} {
		if got := foldWidth(tc.in); got != tc.want {
			t.Errorf("foldWidth(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsScientific(t *testing.T) {
	for s, want := range map[string]bool{
		"1.56061E+10": true, "1.1E+17": true, "1e10": true, "15E-3": true,
		"15606132502": false, "E10": false, "1.5E": false, "1.5E+": false, "abcE+1": false, "1.2.3E4": false,
	} {
		if got := isScientific(s); got != want {
			t.Errorf("isScientific(%q) = %v", s, got)
		}
	}
}

func TestTrimZeroFraction(t *testing.T) {
	for s, want := range map[string]string{
		"200.0": "200", "200.000": "200", "200": "200", "200.5": "200.5", ".0": ".0", "200.": "200.", "a.0": "a.0",
	} {
		if got := trimZeroFraction(s); got != want {
			t.Errorf("trimZeroFraction(%q) = %q, want %q", s, got, want)
		}
	}
}
