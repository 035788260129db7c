package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/validate"
)

// cli runs one command line in-process.
type cli struct {
	t   *testing.T
	env map[string]string
}

type result struct {
	code           int
	stdout, stderr string
}

func (c cli) run(args ...string) result {
	c.t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return c.env[k] }}
	code := run(context.Background(), args, e)
	return result{code, out.String(), errb.String()}
}

// newCLI runs commands with their own home and state folder, so that
// default journals never touch the user's.
// stateFile is a file of the commands' state folder.
func (c cli) stateFile(name string) string {
	return filepath.Join(c.env["XDG_STATE_HOME"], "cardimport", name)
}

func newCLI(t *testing.T) cli {
	home := t.TempDir()
	return cli{t: t, env: map[string]string{"HOME": home, "XDG_STATE_HOME": filepath.Join(home, "state")}}
}

// copySample copies a sample roster into a fresh folder.
func copySample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func countStatus(recs [][]string, status string) int {
	n := 0
	for _, r := range recs[1:] {
		if r[2] == status {
			n++
		}
	}
	return n
}

func TestUsage(t *testing.T) {
	c := newCLI(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "Commands:"},
		{[]string{"--help"}, exitOK, "Commands:"},
		{[]string{"--version"}, exitOK, "cardimport"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"import"}, exitUsage, "no roster given"},
		{[]string{"import", "--help"}, exitOK, "--batch-size"},
		{[]string{"validate", "-h"}, exitOK, "--phone-region"},
		{[]string{"import", "r.csv", "--batch-size", "0"}, exitUsage, "--batch-size 0"},
		{[]string{"import", "r.csv", "--target", "pos"}, exitUsage, "--target"},
		{[]string{"import", "r.csv", "--report", "r.txt"}, exitUsage, "--report"},
		{[]string{"import", "r.csv", "--max-errors", "ten"}, exitUsage, "--max-errors"},
		{[]string{"import", "r.csv", "--map", "foo=bar"}, exitUsage, "not a field"},
		{[]string{"import", "r.csv", "--apikey", "x"}, exitUsage, "secrets never come from flags"},
		{[]string{"generate"}, exitUsage, "--count"},
		{[]string{"template"}, exitUsage, "exactly one file"},
		{[]string{"template", "x.xls"}, exitUsage, ".xlsx or .csv"},
		{[]string{"journal", "purge"}, exitUsage, "stats, unresolved or export"},
	}
	for _, tt := range tests {
		r := c.run(tt.args...)
		if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
			t.Errorf("cardimport %s: exit %d, want %d; output lacks %q:\n%s%s", strings.Join(tt.args, " "), r.code, tt.code, tt.want, r.stdout, r.stderr)
		}
	}
}

func TestValidateSample(t *testing.T) {
	for _, sample := range []string{"roster.xlsx", "roster.csv"} {
		t.Run(sample, func(t *testing.T) {
			p := copySample(t, sample)
			r := newCLI(t).run("validate", p, "--json")
			if r.code != exitPartial {
				t.Fatalf("exit %d, want 3 (ten rows are broken):\n%s", r.code, r.stderr)
			}
			var sum struct {
				Counts  map[string]int `json:"counts"`
				Rejects string         `json:"rejects"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
				t.Fatalf("--json output: %v\n%s", err, r.stdout)
			}
			if sum.Counts["valid"] != 190 || sum.Counts["invalid"] != 10 {
				t.Errorf("counts = %v", sum.Counts)
			}
			base := strings.TrimSuffix(p, filepath.Ext(p))
			recs := readCSV(t, base+".report.csv")
			if len(recs) != 201 || countStatus(recs, "invalid") != 10 {
				t.Errorf("report: %d lines, %d invalid", len(recs), countStatus(recs, "invalid"))
			}
			if sum.Rejects == "" {
				t.Fatal("no rejects file named")
			}
			// The rejects file reads back as a roster: fix and feed back.
			rej, err := roster.Open(sum.Rejects, roster.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer rej.Close()
			if err := rej.Require(mb.Profile.Required); err != nil {
				t.Errorf("rejects file is not a roster cardimport reads: %v", err)
			}
			n := 0
			for {
				if _, err := rej.Next(); err != nil {
					break
				}
				n++
			}
			if n != 10 {
				t.Errorf("rejects hold %d rows, want 10", n)
			}
		})
	}
}

func TestValidateAllValid(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ok.csv")
	os.WriteFile(p, []byte("卡号,密码,卡内编码,姓名,手机,性别\n100101,123456,109,西瓜,18862302465,男\n"), 0o644)
	if r := newCLI(t).run("validate", p); r.code != exitOK {
		t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestFatalRosterErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.csv")
	os.WriteFile(missing, []byte("卡号,姓名,性别\n1001,西瓜,男\n"), 0o644)
	xls := filepath.Join(dir, "old.xls")
	os.WriteFile(xls, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 and more"), 0o644)
	for _, tt := range []struct{ path, want string }{
		{missing, "phone"},
		{xls, "save it as .xlsx"},
		{filepath.Join(dir, "absent.csv"), "absent.csv"},
	} {
		r := newCLI(t).run("validate", tt.path)
		if r.code != exitFatal || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("validate %s: exit %d, stderr %q lacks %q", tt.path, r.code, r.stderr, tt.want)
		}
	}
}

func TestTemplate(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"t.xlsx", "t.csv"} {
		p := filepath.Join(dir, name)
		if r := newCLI(t).run("template", p); r.code != exitOK {
			t.Fatalf("template %s: exit %d %s", name, r.code, r.stderr)
		}
		r, err := roster.Open(p, roster.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Require(mb.Profile.Required); err != nil {
			t.Errorf("%s: the template's own headers do not satisfy the importer: %v", name, err)
		}
		if len(r.Columns()) != int(validate.NumFields) {
			t.Errorf("%s: %d columns", name, len(r.Columns()))
		}
		r.Close()
		if r := newCLI(t).run("template", p); r.code != exitFatal {
			t.Errorf("template overwrote %s", name)
		}
	}
}

func TestImportSampleAndRerun(t *testing.T) {
	p := copySample(t, "roster.xlsx")
	dir := filepath.Dir(p)
	c := newCLI(t)
	r := c.run("import", p, "--rate", "100", "--report", filepath.Join(dir, "out.csv"))
	if r.code != exitPartial {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "SANDBOX") || !strings.Contains(r.stderr, "SANDBOX") {
		t.Error("a sandbox run does not say loudly that nothing real was issued")
	}
	recs := readCSV(t, filepath.Join(dir, "out.csv"))
	if countStatus(recs, "issued") != 190 {
		t.Fatalf("issued %d", countStatus(recs, "issued"))
	}
	for _, rec := range recs[1:] {
		if rec[2] == "issued" && (rec[7] == "" || rec[8] == "" || rec[7] == rec[3]) {
			t.Errorf("issued row without the platform's mbno and id: %v", rec)
		}
		if strings.Contains(rec[6], "****") == false && rec[6] != "" {
			t.Errorf("phone not masked: %v", rec)
		}
	}
	if _, err := os.Stat(c.stateFile("sandbox-mb.db")); err != nil {
		t.Errorf("journal not in the state folder: %v", err)
	}
	// The next night's run of the same roster: everything already issued.
	r = c.run("import", p, "--rate", "100", "--report", filepath.Join(dir, "out2.json"), "--json")
	if r.code != exitPartial {
		t.Fatalf("rerun exit %d:\n%s", r.code, r.stderr)
	}
	var sum struct {
		Counts   map[string]int `json:"counts"`
		Requests int            `json:"requests"`
	}
	json.Unmarshal([]byte(r.stdout), &sum)
	if sum.Counts["skipped"] != 190 || sum.Counts["issued"] != 0 || sum.Requests > 1 {
		t.Errorf("rerun: counts %v, %d requests (only the credentials check may go out)", sum.Counts, sum.Requests)
	}
}

func TestConfigFileAndSecrets(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{APIKey: "k-real", AppSecret: "s-real", GPID: "77", MSID: "88"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := copySample(t, "roster.csv")
	dir := filepath.Dir(p)
	conf := filepath.Join(dir, "cardimport.toml")
	os.WriteFile(conf, []byte(`
endpoint = "`+srv.MBEndpoint()+`"
gpid = "77"
msid = "88"
apikey = "k-real"
appsecret = "wrong"
batch-size = 20
rate = 200.0
max-errors = "50"
`), 0o600)

	c := newCLI(t)
	r := c.run("import", p, "--config", conf)
	if r.code != exitFatal || !strings.Contains(r.stderr, "签名错误") {
		t.Fatalf("wrong secret: exit %d, stderr %q; want a fatal error with the platform's words", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "roster.report.csv")); err == nil {
		t.Error("a refused credential still spent the roster")
	}
	// The environment wins over the config file for secrets.
	c.env["CARDIMPORT_APPSECRET"] = "s-real"
	r = c.run("import", p, "--config", conf)
	if r.code != exitPartial {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	for _, leak := range []string{"s-real", "k-real"} {
		if strings.Contains(r.stdout+r.stderr, leak) {
			t.Errorf("a secret appears in the output")
		}
		b, _ := os.ReadFile(filepath.Join(dir, "roster.report.csv"))
		if bytes.Contains(b, []byte(leak)) {
			t.Errorf("a secret appears in the report")
		}
	}
	ledger, _ := srv.Sandbox.Ledger()
	if len(ledger.MB) != 190 {
		t.Errorf("ledger holds %d cards", len(ledger.MB))
	}
	os.WriteFile(conf, []byte("bogus = 1\n"), 0o600)
	if r := c.run("import", p, "--config", conf); r.code != exitFatal || !strings.Contains(r.stderr, `"bogus"`) {
		t.Errorf("unknown config key: exit %d %q", r.code, r.stderr)
	}
}

func TestErrorBudgetExit(t *testing.T) {
	p := copySample(t, "roster.csv")
	r := newCLI(t).run("import", p, "--max-errors", "3", "--rate", "100", "--batch-size", "10", "--concurrency", "1")
	if r.code != exitBudget {
		t.Fatalf("exit %d, want 4:\n%s", r.code, r.stderr)
	}
	recs := readCSV(t, strings.TrimSuffix(p, ".csv")+".report.csv")
	if len(recs) != 201 || countStatus(recs, "pending") == 0 {
		t.Errorf("%d lines, %d pending", len(recs), countStatus(recs, "pending"))
	}
}

func TestJournalLock(t *testing.T) {
	p := copySample(t, "roster.csv")
	c := newCLI(t)
	held, err := openJournalForTest(c.stateFile("sandbox-mb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	r := c.run("import", p)
	if r.code != exitFatal || !strings.Contains(r.stderr, "in use") {
		t.Errorf("exit %d, stderr %q: a second run must refuse the journal", r.code, r.stderr)
	}
}

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "cards.csv")
	r := newCLI(t).run("generate", "--count", "120", "--balance", "50", "--batch-size", "50", "--rate", "100", "--report", rep)
	if r.code != exitOK {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	fi, err := os.Stat(rep)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("generated cards report mode %v, want 0600: it holds passwords", fi.Mode().Perm())
	}
	recs := readCSV(t, rep)
	if len(recs) != 121 {
		t.Fatalf("%d lines", len(recs))
	}
	seen := map[string]bool{}
	for _, rec := range recs[1:] {
		if rec[1] != "issued" || rec[3] == "" || rec[5] == "" || seen[rec[3]] {
			t.Errorf("bad generated card %v", rec)
		}
		seen[rec[3]] = true
	}
}

func TestJournalCommand(t *testing.T) {
	p := copySample(t, "roster.csv")
	dir := filepath.Dir(p)
	c := newCLI(t)
	if r := c.run("import", p, "--rate", "100"); r.code != exitPartial {
		t.Fatalf("import exit %d", r.code)
	}
	// The same flags find the same journal, in the state folder.
	r := c.run("journal")
	if r.code != exitOK || !strings.Contains(r.stdout, "issued") || !strings.Contains(r.stdout, "190") {
		t.Errorf("journal stats: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	jpath := c.stateFile("sandbox-mb.db")
	r = c.run("journal", "unresolved", "--journal", jpath)
	if r.code != exitOK || !strings.Contains(r.stdout, "0 unresolved") {
		t.Errorf("journal unresolved: %s", r.stdout)
	}
	out := filepath.Join(dir, "export.csv")
	if r := c.run("journal", "export", out, "--journal", jpath); r.code != exitOK {
		t.Fatalf("export: %s", r.stderr)
	}
	if recs := readCSV(t, out); countStatus(recs, "issued") != 190 {
		t.Errorf("export has %d issued", countStatus(recs, "issued"))
	}
}

func TestSandyImport(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sandy.csv")
	os.WriteFile(p, []byte("卡号,姓名,手机号,性别,生日,会员等级,余额\n"+
		"M0001,王伟,13800138001,男,1990-02-03,高级会员,100.50\n"+
		"M0002,李娜,13800138002,女,,普通会员,0\n"+
		"M0003,张敏,13800138003,女,1985/7/1,钻石会员,20\n"), 0o644)
	r := newCLI(t).run("import", p, "--target", "sandy", "--rate", "100", "--json")
	if r.code != exitPartial {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	recs := readCSV(t, strings.TrimSuffix(p, ".csv")+".report.csv")
	want := []string{"issued", "issued", "invalid"}
	for i, rec := range recs[1:] {
		if rec[2] != want[i] {
			t.Errorf("row %s: %s %s, want %s", rec[1], rec[2], rec[11], want[i])
		}
	}
	if recs[1][9] != "100.5" || recs[1][8] == "" {
		t.Errorf("first row balance/id = %q/%q", recs[1][9], recs[1][8])
	}
}

func TestValidateCheckServer(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := newCLI(t)
	for k, v := range map[string]string{"CARDIMPORT_APIKEY": sandbox.DefaultAPIKey, "CARDIMPORT_APPSECRET": sandbox.DefaultAppSecret,
		"CARDIMPORT_GPID": sandbox.DefaultGPID, "CARDIMPORT_MSID": sandbox.DefaultMSID} {
		c.env[k] = v
	}
	dir := t.TempDir()
	first := filepath.Join(dir, "first.csv")
	os.WriteFile(first, []byte("卡号,密码,卡内编码,姓名,手机,性别\n100101,123456,109,西瓜,18862302465,男\n"), 0o644)
	if r := c.run("import", first, "--endpoint", srv.MBEndpoint()); r.code != exitOK {
		t.Fatalf("seed import: %d %s", r.code, r.stderr)
	}
	second := filepath.Join(dir, "second.csv")
	os.WriteFile(second, []byte("卡号,密码,卡内编码,姓名,手机,性别\n"+
		"100102,123456,109,雪碧,13800138000,女\n"+ // the in-card code is taken
		"100103,123456,110,可乐,18862302465,女\n"+ // the phone is taken
		"100104,123456,111,芬达,13900139000,男\n"), 0o644)
	before := len(must(srv.Sandbox.Ledger()).MB)
	r := c.run("validate", second, "--check-server", "--endpoint", srv.MBEndpoint())
	if r.code != exitPartial {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	recs := readCSV(t, filepath.Join(dir, "second.report.csv"))
	want := []string{"exists", "exists", "valid"}
	for i, rec := range recs[1:] {
		if rec[2] != want[i] {
			t.Errorf("row %s: %s %q, want %s", rec[1], rec[2], rec[11], want[i])
		}
	}
	if after := len(must(srv.Sandbox.Ledger()).MB); after != before {
		t.Errorf("validate --check-server issued %d cards", after-before)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestGenerateUnknownOutcomeIsNeverRetried(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{Faults: sandbox.Faults{Seed: 1, DropAfterCommit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := newCLI(t)
	for k, v := range map[string]string{"CARDIMPORT_APIKEY": sandbox.DefaultAPIKey, "CARDIMPORT_APPSECRET": sandbox.DefaultAppSecret,
		"CARDIMPORT_GPID": sandbox.DefaultGPID, "CARDIMPORT_MSID": sandbox.DefaultMSID} {
		c.env[k] = v
	}
	dir := t.TempDir()
	args := []string{"generate", "--count", "10", "--balance", "20", "--endpoint", srv.MBEndpoint(), "--journal", filepath.Join(dir, "j.db")}
	r := c.run(append(args, "--report", filepath.Join(dir, "g1.csv"))...)
	if r.code != exitPartial {
		t.Fatalf("exit %d, want 3:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := srv.Sandbox.Stats().GenerateCalls; n != 1 {
		t.Fatalf("%d type-15 calls reached the platform; a call with an unknown outcome must never be retried", n)
	}
	recs := readCSV(t, filepath.Join(dir, "g1.csv"))
	if len(recs) != 2 || recs[1][1] != "unknown" || !strings.Contains(recs[1][8], "check the platform") {
		t.Errorf("report = %v", recs)
	}
	srv.Sandbox.SetFaults(sandbox.Faults{})
	r = c.run(append(args, "--report", filepath.Join(dir, "g2.csv"))...)
	if r.code != exitFatal || !strings.Contains(r.stderr, "--accept-unresolved") {
		t.Fatalf("second generate: exit %d %q; it must refuse while an earlier call is unresolved", r.code, r.stderr)
	}
	r = c.run(append(args, "--report", filepath.Join(dir, "g3.csv"), "--accept-unresolved")...)
	if r.code != exitOK {
		t.Fatalf("with --accept-unresolved: exit %d %s", r.code, r.stderr)
	}
	if n := srv.Sandbox.Stats().GenerateCalls; n != 2 {
		t.Errorf("%d type-15 calls, want 2", n)
	}
}

func TestMapAcrossSeveralRosters(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	b := filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte("新卡号,密码,卡内编码,姓名,手机,性别\n100101,123456,109,西瓜,18862302465,男\n"), 0o644)
	os.WriteFile(b, []byte("卡号,密码,卡内编码,姓名,手机,性别\n100102,123456,110,雪碧,13800138000,女\n"), 0o644)
	c := newCLI(t)
	if r := c.run("validate", a, b, "--map", "新卡号=cardno"); r.code != exitOK {
		t.Errorf("a --map for one of two rosters: exit %d %s", r.code, r.stderr)
	}
	if r := c.run("validate", a, b, "--map", "新卡号=cardno", "--map", "旧卡号=extid"); r.code != exitFatal || !strings.Contains(r.stderr, "旧卡号") {
		t.Errorf("a --map no roster matches: exit %d %s", r.code, r.stderr)
	}
	if r := c.run("validate", b, "--map", "旧卡号=extid"); r.code != exitFatal || !strings.Contains(r.stderr, "旧卡号") {
		t.Errorf("one roster, unmatched --map: exit %d %s", r.code, r.stderr)
	}
}
