package validate

import "testing"

func TestGuardFormula(t *testing.T) {
	for _, tt := range []struct{ in, guarded string }{
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+86 139", "'+86 139"},
		{"-50", "'-50"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"'=x", "''=x"},
		{"13800138000", "13800138000"},
		{"'quoted", "'quoted"},
		{"'", "'"},
		{"", ""},
		{"西瓜", "西瓜"},
	} {
		if got := GuardFormula(tt.in); got != tt.guarded {
			t.Errorf("GuardFormula(%q) = %q, want %q", tt.in, got, tt.guarded)
		}
		if back := UnguardFormula(GuardFormula(tt.in)); back != tt.in {
			t.Errorf("round trip of %q gives %q", tt.in, back)
		}
	}
}

func FuzzGuardFormula(f *testing.F) {
	for _, s := range []string{"=1", "'-2", "''@", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if back := UnguardFormula(GuardFormula(s)); back != s {
			t.Fatalf("round trip of %q gives %q", s, back)
		}
	})
}
