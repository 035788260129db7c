package importer_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/importer/sandy"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
)

func sandyClient(t testing.TB, srv *sandbox.Server, timeout time.Duration, allowBonus bool) (*sandy.Flow, sandy.Setup, error) {
	t.Helper()
	c, err := sandy.New(sandy.Config{
		Base: srv.SandyBase(), Token: sandbox.DefaultSandyToken, CustomerGUID: sandbox.DefaultCustomerGUID,
		Timeout: timeout, Pacer: pace.New(0),
		Retry: retry.Policy{Attempts: 8, Base: time.Millisecond, Max: 20 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.Prepare(context.Background(), allowBonus)
}

func sandyConfig(t testing.TB, c *sandy.Flow, setup sandy.Setup, rows int, edit func(int, []string)) importer.Config {
	return importer.Config{
		Rosters:     []importer.Roster{rosterCSV(t, rows, edit)},
		Platform:    c,
		Validate:    validate.Options{Profile: sandy.Profile, Levels: setup.Levels},
		BatchSize:   1,
		Concurrency: 6,
	}
}

// checkSandyExactlyOnce: every issued row is one card on the platform,
// opened once, recharged once with exactly the roster balance, its
// birthday set; the report's balance and id are the ledger's.
func checkSandyExactlyOnce(t *testing.T, srv *sandbox.Server, lines []report.Line) {
	t.Helper()
	checkSandyCards(t, srv, lines, "1990-02-03")
}

// checkSandyCards is checkSandyExactlyOnce for rosters whose birthdays are
// all birthday.
func checkSandyCards(t *testing.T, srv *sandbox.Server, lines []report.Line, birthday string) {
	t.Helper()
	ledger, err := srv.Sandbox.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	cards := map[string]sandbox.SandyCard{}
	for _, c := range ledger.Sandy {
		cards[c.CardID] = c
	}
	issued := 0
	for _, l := range lines {
		if l.Status != platform.StatusIssued && l.Status != platform.StatusSkipped {
			continue
		}
		issued++
		c, ok := cards[l.Cardno]
		if !ok {
			t.Errorf("row %d reported %s, the platform has no card %s", l.Row, l.Status, l.Cardno)
			continue
		}
		if c.Opens != 1 {
			t.Errorf("card %s opened %d times", c.CardID, c.Opens)
		}
		want, _ := validate.ParseMoney(l.Balance)
		var recharged validate.Money
		for _, r := range c.Recharges {
			m, _ := validate.ParseMoney(r.Money)
			recharged = recharged.Add(m)
		}
		if want.Fen > 0 && len(c.Recharges) != 1 || recharged != want {
			t.Errorf("card %s: %d recharges totalling %s, roster balance %s: must be recharged exactly once", c.CardID, len(c.Recharges), recharged, want)
		}
		if c.Birthday != birthday {
			t.Errorf("card %s birthday %q", c.CardID, c.Birthday)
		}
		if l.ID != strconv.FormatInt(c.ID, 10) {
			t.Errorf("row %d id %s, ledger %d", l.Row, l.ID, c.ID)
		}
	}
	if issued != len(ledger.Sandy) {
		t.Errorf("%d rows issued, %d cards on the platform", issued, len(ledger.Sandy))
	}
	// A late cardopen that loses the race with its resend is refused as
	// "exists" by the platform: harmless, and only then allowed.
	if st := srv.Sandbox.Stats(); st.Exists != 0 && st.Late == 0 {
		t.Errorf("cardopen answered errcode 3 %d times: a card was opened again", st.Exists)
	}
}

func TestSandyImportClean(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	c, setup, err := sandyClient(t, srv, 5*time.Second, false)
	if err != nil {
		t.Fatal(err)
	}
	const rows = 150
	r := doRun(t, context.Background(), sandyConfig(t, c, setup, rows, func(i int, f []string) {
		switch i % 3 {
		case 1:
			f = append(f[:0:0], f...) // keep the row as is; a level column is added below
		}
	}))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := statuses(r.lines); got[platform.StatusIssued] != rows {
		t.Fatalf("statuses = %v", got)
	}
	checkSandyExactlyOnce(t, srv, r.lines)
	if r.res.RosterBalance != r.res.ConfirmedBalance {
		t.Errorf("roster balance %s, platform %s", r.res.RosterBalance, r.res.ConfirmedBalance)
	}
}

func TestSandyLevels(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	c, setup, err := sandyClient(t, srv, 5*time.Second, false)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("卡号,姓名,手机号,性别,会员等级\n")
	b.WriteString("900001,甲,13800000001,男,高级会员\n") // simplified; the platform says 高級會員
	b.WriteString("900002,乙,13800000002,女,3\n")
	b.WriteString("900003,丙,13800000003,女,钻石会员\n")
	b.WriteString("900004,丁,13800000004,男,\n")
	ros, err := rosterFromText("levels.csv", b.String())
	if err != nil {
		t.Fatal(err)
	}
	cfg := sandyConfig(t, c, setup, 0, nil)
	cfg.Rosters = []importer.Roster{ros}
	r := doRun(t, context.Background(), cfg)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := []platform.Status{platform.StatusIssued, platform.StatusIssued, platform.StatusInvalid, platform.StatusIssued}
	for i, l := range r.lines {
		if l.Status != want[i] {
			t.Errorf("row %d: %s %s, want %s", l.Row, l.Status, l.Message, want[i])
		}
	}
	if !strings.Contains(r.lines[2].Message, "高級會員") {
		t.Errorf("unknown level message %q does not list the platform's levels", r.lines[2].Message)
	}
	ledger, _ := srv.Sandbox.Ledger()
	levels := map[string]int{}
	for _, c := range ledger.Sandy {
		levels[c.CardID] = c.Level
	}
	if levels["900001"] != 2 || levels["900002"] != 3 || levels["900004"] != 1 {
		t.Errorf("levels on the platform = %v, want 900001→2 (高級會員), 900002→3, 900004→1 (the first level)", levels)
	}
}

func TestSandyUnderFaults(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{Faults: sandbox.Faults{
		Seed: 5, ServerError: 0.03, Reset: 0.03, DropAfterCommit: 0.04, SlowAfterCommit: 0.03, SlowDelay: 400 * time.Millisecond, Malformed: 0.04,
	}})
	c, setup, err := sandyClient(t, srv, 150*time.Millisecond, false)
	if err != nil {
		t.Fatal(err)
	}
	const rows = 300
	r := doRun(t, context.Background(), sandyConfig(t, c, setup, rows, nil))
	if r.err != nil {
		t.Fatal(r.err)
	}
	st := srv.Sandbox.Stats()
	if st.Dropped == 0 || st.Malformed == 0 || st.Resets == 0 || st.ServerErrors == 0 || st.Slowed == 0 {
		t.Fatalf("not every fault happened: %+v", st)
	}
	if got := statuses(r.lines); got[platform.StatusIssued] != rows {
		t.Errorf("statuses = %v", got)
	}
	checkSandyExactlyOnce(t, srv, r.lines)
}

func TestSandyBonusRules(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{RechargeBonus: true})
	if _, _, err := sandyClient(t, srv, 5*time.Second, false); !errors.Is(err, sandy.ErrBonusRules) {
		t.Fatalf("Prepare with bonus rules: err = %v, want a refusal", err)
	}
	c, setup, err := sandyClient(t, srv, 5*time.Second, true)
	if err != nil || len(setup.Warnings) == 0 {
		t.Fatalf("Prepare with --allow-recharge-bonus: %v, warnings %v", err, setup.Warnings)
	}
	r := doRun(t, context.Background(), sandyConfig(t, c, setup, 20, nil))
	if r.err != nil {
		t.Fatal(r.err)
	}
	bonus := 0
	for _, l := range r.lines {
		if strings.Contains(l.Message, "bonus") {
			bonus++
		}
	}
	if bonus == 0 {
		t.Error("no row records the bonus the rules added")
	}
	if r.res.ConfirmedBalance.Fen <= r.res.RosterBalance.Fen {
		t.Errorf("confirmed %s not above roster %s although rules added bonuses", r.res.ConfirmedBalance, r.res.RosterBalance)
	}
}

// TestSandyResumesBetweenOpenAndRecharge: a run died after cardopen was
// journaled and before the recharge; the next run recharges once.
func TestSandyResumesBetweenOpenAndRecharge(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	c, setup, err := sandyClient(t, srv, 5*time.Second, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	j, err := journal.Open(context.Background(), dir+"/j.db", journal.Options{Target: "sandy", Merchant: "m"})
	if err != nil {
		t.Fatal(err)
	}
	// The dead run: rows 0-4 opened (journaled), 5-9 opened and recharged
	// on the platform but the journal only knew the open.
	ros := rosterCSV(t, 10, nil)
	for i := 0; i < 10; i++ {
		row, _ := ros.Next()
		v, _ := validate.New(validate.Options{Profile: sandy.Profile, Levels: setup.Levels})
		card, _ := v.Check(ros.Input(row))
		pc := &platform.Card{Card: card}
		if _, err := j.Claim(context.Background(), 1, []*platform.Card{pc}); err != nil {
			t.Fatal(err)
		}
		if err := c.Open(context.Background(), &pc.Card, "1"); err != nil {
			t.Fatal(err)
		}
		pc.Done = platform.StepOpen
		j.Step(context.Background(), pc, platform.Answer{})
		if i >= 5 {
			if _, err := c.Recharge(context.Background(), pc.Cardno, pc.Balance, "1"); err != nil && pc.Balance.Fen > 0 {
				t.Fatal(err)
			}
		}
	}
	cfg := sandyConfig(t, c, setup, 10, nil)
	cfg.Journal = j
	r := doRun(t, context.Background(), cfg)
	j.Close()
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := statuses(r.lines); got[platform.StatusIssued] != 10 {
		t.Fatalf("statuses = %v", got)
	}
	checkSandyExactlyOnce(t, srv, r.lines)
}
