package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What a careful user expects of the command line (issue 11, item 8).
func TestCommandLinePolish(t *testing.T) {
	c := newCLI(t)
	roster := copySample(t, "roster.csv")
	headerOnly := filepath.Join(t.TempDir(), "empty.csv")
	os.WriteFile(headerOnly, []byte("卡号,密码,卡内编码,姓名,手机,性别\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stderr, or stdout for help
	}{
		{"secret as a flag", []string{"import", roster, "--apikey", "x"}, exitUsage, "CARDIMPORT_APIKEY"},
		{"typo", []string{"import", roster, "--batchsize", "5"}, exitUsage, "did you mean --batch-size?"},
		{"duration without unit", []string{"import", roster, "--timeout", "5"}, exitUsage, "like 5s"},
		{"not a number", []string{"import", roster, "--rate", "fast"}, exitUsage, "--rate fast: want a number"},
		{"help COMMAND", []string{"help", "import"}, exitOK, "Usage: cardimport import"},
		{"unknown phone region", []string{"validate", roster, "--phone-region", "XX"}, exitUsage, "--phone-region XX"},
		{"generate help is its own", []string{"generate", "--help"}, exitOK, "generated-<date>-<time>.csv"},
		{"header-only roster", []string{"validate", headerOnly}, exitOK, "has a header but no rows"},
		{"sandbox help names the sandy account", []string{"sandbox", "--help"}, exitOK, "{DEFAULT-AUTO-8E5A-BDE2-34ABA1BD956C9}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.run(tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr+r.stdout, tt.out) {
				t.Errorf("exit %d (want %d), output does not say %q:\n%s%s", r.code, tt.code, tt.out, r.stdout, r.stderr)
			}
		})
	}
	if r := c.run("generate", "--help"); strings.Contains(r.stdout, "customer-guid") || strings.Contains(r.stdout, "first roster") {
		t.Errorf("generate --help shows flags or defaults that are not its own:\n%s", r.stdout)
	}
}

// A roster filled in from the template reads without a warning about the
// template's notes sheet, in either language.
func TestTemplateNotesSheetIsNotARoster(t *testing.T) {
	c := newCLI(t)
	for _, l := range []string{"zh", "en"} {
		tpl := filepath.Join(t.TempDir(), "t.xlsx")
		if r := c.run("template", tpl, "--lang", l); r.code != exitOK {
			t.Fatalf("template: %d %s", r.code, r.stderr)
		}
		r := c.run("validate", tpl, "--lang", l)
		if strings.Contains(r.stderr+r.stdout, "说明") || strings.Contains(r.stderr+r.stdout, "notes") {
			t.Errorf("%s: the notes sheet is mentioned:\n%s%s", l, r.stdout, r.stderr)
		}
	}
}
