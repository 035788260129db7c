package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A rejects file is private (0600, it holds full phones) and guards CSV
// cells a spreadsheet would run as formulas with a leading apostrophe,
// which the reader takes off: imported unchanged, it reads as the roster
// did (SPEC §9).
func TestRejectsGuardRoundTrip(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	roster := filepath.Join(dir, "r.csv")
	os.WriteFile(roster, []byte("卡号,密码,卡内编码,姓名,手机,性别,余额,备注\n"+
		"100101,123456,109,=HYPERLINK(\"http://x\"),18862302465,男,-50,@note\n"), 0o644)
	r := c.run("validate", roster, "--quiet")
	if r.code != exitPartial {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	rej := filepath.Join(dir, "r.rejects.csv")
	fi, err := os.Stat(rej)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("rejects %v mode %v: want 0600", err, fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(rej)
	for _, guarded := range []string{`'=HYPERLINK`, `'-50`, `'@note`} {
		if !strings.Contains(string(raw), guarded) {
			t.Errorf("rejects file does not guard %s:\n%s", guarded, raw)
		}
	}
	first := readCSV(t, filepath.Join(dir, "r.report.csv"))[1][11]
	r = c.run("validate", rej, "--quiet", "--report", filepath.Join(dir, "again.csv"), "--rejects", filepath.Join(dir, "again.rejects.csv"))
	if r.code != exitPartial {
		t.Fatalf("re-import exit %d\n%s", r.code, r.stderr)
	}
	second := readCSV(t, filepath.Join(dir, "again.csv"))[1][11]
	// The report's message column quotes the values as read: the same
	// roster values, so the same message.
	if first != second {
		t.Errorf("re-imported rejects read differently:\nfirst  %s\nsecond %s", first, second)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "again.rejects.csv"))
	if strings.Contains(string(again), "''") {
		t.Errorf("the guard grew on the round trip:\n%s", again)
	}
}

// A number cell longer than the 15 digits Excel keeps lost its last
// digits. The rejects file must not turn it into text that passes: a card
// number 6222000012345680 re-imported as text would issue a card nobody
// holds. Rosters from three writers, rejects in both formats: every row
// rejected for lost digits is rejected again.
func TestRejectsKeepLostDigits(t *testing.T) {
	c := newCLI(t)
	for _, writer := range []string{"xlsxwriter", "libreoffice", "gnumeric"} {
		for _, ext := range []string{".xlsx", ".csv"} {
			dir := t.TempDir()
			roster := filepath.Join(dir, "r.xlsx")
			raw, err := os.ReadFile(filepath.Join("..", "..", "importer", "roster", "testdata", "lost_digits_"+writer+".xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(roster, raw, 0o644)
			rej := filepath.Join(dir, "r.rejects"+ext)
			if r := c.run("validate", roster, "--quiet", "--rejects", rej); r.code != exitPartial {
				t.Fatalf("%s: exit %d\n%s", writer, r.code, r.stderr)
			}
			again := filepath.Join(dir, "again.csv")
			if r := c.run("validate", rej, "--quiet", "--report", again, "--rejects", filepath.Join(dir, "again.rejects"+ext)); r.code != exitPartial {
				t.Fatalf("%s %s: re-import exit %d\n%s", writer, ext, r.code, r.stderr)
			}
			lines := readCSV(t, again)[1:]
			if len(lines) != 3 {
				t.Fatalf("%s %s: %d rejected rows re-imported, want 3", writer, ext, len(lines))
			}
			for _, l := range lines {
				if l[2] != "invalid" {
					t.Errorf("%s %s: re-imported rejects row %s is %s: %s", writer, ext, l[1], l[2], l[11])
				}
			}
		}
	}
}
