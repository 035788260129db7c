package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rosterWithBalance is a roster whose balance column is headed header.
func rosterWithBalance(header string) string {
	return "卡号,密码,卡内编码,姓名,手机,性别," + header + "\n" +
		"100101,123456,109,西瓜,18862302465,男,\"1,200.50\"\n" +
		"100102,654321,110,张三,13800138000,女,99.50\n"
}

func writeText(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type runSummary struct {
	Counts        map[string]int `json:"counts"`
	RosterBalance string         `json:"roster_balance"`
	Requests      int            `json:"requests"`
}

func parseSummary(t *testing.T, r result) runSummary {
	t.Helper()
	var s runSummary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("--json output: %v\n%s%s", err, r.stdout, r.stderr)
	}
	return s
}

// TestStoredValueColumnImports: 储值余额, the header many POS exports give
// the balance, is an alias now: its balances are imported, not dropped.
func TestStoredValueColumnImports(t *testing.T) {
	for _, header := range []string{"储值余额", "卡内余额", "余额（元）", "*储值余额(元)"} {
		p := writeText(t, t.TempDir(), "r.csv", rosterWithBalance(header))
		r := newCLI(t).run("import", p, "--rate", "100", "--json")
		if r.code != exitOK {
			t.Fatalf("%s: exit %d:\n%s%s", header, r.code, r.stdout, r.stderr)
		}
		if s := parseSummary(t, r); s.Counts["issued"] != 2 || s.RosterBalance != "1300.00" {
			t.Errorf("%s: counts %v, roster balance %q; want 2 issued, 1300.00", header, s.Counts, s.RosterBalance)
		}
	}
}

// TestLookalikeColumnStopsImport: a money column the aliases do not know
// (充值金额: the balance, or the total ever recharged?) is never dropped
// silently: import and validate stop before anything is sent and say how
// to go on (SPEC §2).
func TestLookalikeColumnStopsImport(t *testing.T) {
	for _, command := range []string{"import", "validate"} {
		t.Run(command, func(t *testing.T) {
			dir := t.TempDir()
			p := writeText(t, dir, "r.csv", rosterWithBalance("充值金额"))
			r := newCLI(t).run(command, p, "--rate", "100")
			if r.code != exitFatal {
				t.Fatalf("exit %d, want 1:\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range []string{"G (充值金额)", "balance", "--map 充值金额=balance", "--ignore-column 充值金额"} {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "r.report.csv")); err == nil {
				t.Error("a report was written: the run went on")
			}
			if _, err := os.Stat(filepath.Join(dir, "cardimport.db")); err == nil {
				t.Error("a journal was opened: the run went on")
			}
		})
	}
}

// TestLookalikeColumnWaysOut: --map to the field (by name or alias) imports
// the balances; --ignore-column, on the command line or in the config
// file, leaves them out on purpose.
func TestLookalikeColumnWaysOut(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		config  string
		balance string
	}{
		{"map to an alias", []string{"--map", "充值金额=余额"}, "", "1300.00"},
		{"map to the field", []string{"--map", "充值金额=balance"}, "", "1300.00"},
		{"ignore", []string{"--ignore-column", "充值金额"}, "", "0.00"},
		{"ignore in the config", nil, `ignore-column = ["充值金额"]` + "\n", "0.00"},
		{"ignore in the config, a string", nil, `ignore-column = "充值金额"` + "\n", "0.00"},
		{"map in the config", nil, `map = ["充值金额=余额"]` + "\n", "1300.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeText(t, dir, "r.csv", rosterWithBalance("充值金额"))
			args := append([]string{"import", p, "--rate", "100", "--json"}, tt.args...)
			if tt.config != "" {
				args = append(args, "--config", writeText(t, dir, "c.toml", tt.config))
			}
			r := newCLI(t).run(args...)
			if r.code != exitOK {
				t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
			}
			s := parseSummary(t, r)
			if s.Counts["issued"] != 2 || s.RosterBalance != tt.balance {
				t.Errorf("counts %v, roster balance %q; want 2 issued, %s", s.Counts, s.RosterBalance, tt.balance)
			}
			if strings.Contains(r.stderr, "充值金额 (G)") {
				t.Errorf("the column is still warned about:\n%s", r.stderr)
			}
			recs := readCSV(t, filepath.Join(dir, "r.report.csv"))
			if tt.balance != "0.00" && recs[1][9] != "1200.5" && recs[1][9] != "1200.50" {
				t.Errorf("report balance of the first row %q (%v)", recs[1][9], recs[0])
			}
		})
	}
}

// TestIgnoreColumnUsage: an --ignore-column must name a column of at least
// one roster; with several rosters it may concern only some of them.
func TestIgnoreColumnUsage(t *testing.T) {
	dir := t.TempDir()
	a := writeText(t, dir, "a.csv", rosterWithBalance("充值金额"))
	b := writeText(t, dir, "b.csv", "卡号,密码,卡内编码,姓名,手机,性别\n100103,123456,111,雪碧,13900139000,女\n")
	c := newCLI(t)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"validate", b, "--ignore-column", "充值金额"}, exitUsage, "--ignore-column 充值金额"},
		{[]string{"import", b, "--ignore-column", "充值金额"}, exitUsage, "--ignore-column 充值金额"},
		{[]string{"validate", a, b, "--ignore-column", "充值金额"}, exitOK, ""},
		{[]string{"validate", b, a, "--ignore-column", "充值 金额"}, exitOK, ""},
		{[]string{"validate", a, b, "--ignore-column", "充值金额", "--ignore-column", "赠送余额"}, exitUsage, "赠送余额"},
		{[]string{"validate", a, "--ignore-column", "充值金额", "--map", "充值金额=balance"}, exitUsage, "充值金额"},
		{[]string{"validate", a, "--ignore-column", " "}, exitUsage, "ignore-column"},
	} {
		r := c.run(tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("cardimport %s: exit %d, want %d; stderr lacks %q:\n%s", strings.Join(tt.args, " "), r.code, tt.code, tt.want, r.stderr)
		}
	}
}

// TestSameRosterTwice: one file named twice, however spelled, is a usage
// error naming both arguments; two files with the same rows are not.
func TestSameRosterTwice(t *testing.T) {
	dir := t.TempDir()
	const text = "卡号,密码,卡内编码,姓名,手机,性别\n100101,123456,109,西瓜,18862302465,男\n"
	a := writeText(t, dir, "a.csv", text)
	writeText(t, dir, "copy.csv", text)
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.csv")
	if err := os.Link(a, hard); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)

	c := newCLI(t)
	for _, command := range []string{"import", "validate"} {
		for _, pair := range [][2]string{
			{"a.csv", "./a.csv"},
			{"a.csv", "a.csv"},
			{a, "a.csv"},
			{"a.csv", "link.csv"},
			{"hard.csv", "a.csv"},
			{"sub/../a.csv", "a.csv"},
		} {
			r := c.run(command, pair[0], pair[1], "--rate", "100")
			if r.code != exitUsage || !strings.Contains(r.stderr, pair[0]) || !strings.Contains(r.stderr, pair[1]) {
				t.Errorf("%s %s %s: exit %d, want 2 naming both:\n%s", command, pair[0], pair[1], r.code, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "a.report.csv")); err == nil {
				t.Fatalf("%s %s %s wrote a report", command, pair[0], pair[1])
			}
		}
	}
	// Nor may a roster, however spelled, be the report or the rejects file.
	for _, flag := range []string{"--report", "--rejects"} {
		before, _ := os.ReadFile(filepath.Join(dir, "a.csv"))
		r := c.run("validate", "a.csv", flag, "./a.csv")
		after, _ := os.ReadFile(filepath.Join(dir, "a.csv"))
		if r.code != exitUsage || string(before) != string(after) {
			t.Errorf("validate a.csv %s ./a.csv: exit %d, roster changed %v:\n%s", flag, r.code, string(before) != string(after), r.stderr)
		}
	}
	// Different files with the same rows: duplicates, as before.
	r := c.run("validate", "a.csv", "copy.csv", "--json")
	if r.code != exitPartial {
		t.Fatalf("two files with the same row: exit %d, want 3:\n%s", r.code, r.stderr)
	}
	if s := parseSummary(t, r); s.Counts["valid"] != 1 || s.Counts["invalid"] != 1 {
		t.Errorf("counts %v", s.Counts)
	}
}
