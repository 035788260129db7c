package importer_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
)

// memReport keeps report lines in memory.
type memReport struct {
	mu    sync.Mutex
	lines []report.Line
}

func (m *memReport) Write(l *report.Line) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lines = append(m.lines, *l)
	return nil
}
func (m *memReport) WriteGenerated(*report.Generated) error {
	return errors.New("not in generate mode")
}
func (m *memReport) Close(*report.Summary) error { return nil }
func (m *memReport) Abort() error                { return nil }

// memRejects keeps rejects in memory.
type memRejects struct{ rows []report.Reject }

func (m *memRejects) Write(r report.Reject) error { m.rows = append(m.rows, r); return nil }

const header = "卡号,密码,卡内编码,姓名,手机号,性别,生日,余额,积分\n"

// rosterCSV makes n valid rows; edit may change row i (0-based) before it
// is written.
func rosterCSV(t testing.TB, n int, edit func(i int, f []string)) *roster.Reader {
	t.Helper()
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		f := []string{
			strconv.Itoa(6000000 + i), "123456", "E" + strconv.Itoa(i), "会员" + strconv.Itoa(i),
			fmt.Sprintf("138%08d", i), []string{"男", "女"}[i%2], "1990-02-03", fmt.Sprintf("%d.%02d", i%300, i%100), strconv.Itoa(i % 1000),
		}
		if edit != nil {
			edit(i, f)
		}
		b.WriteString(strings.Join(f, ",") + "\n")
	}
	r, err := roster.NewCSV("roster.csv", strings.NewReader(b.String()), roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func startSandbox(t testing.TB, cfg sandbox.Config) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func mbClient(t testing.TB, srv *sandbox.Server, rps float64, timeout time.Duration) (*mb.Client, *pace.Pacer) {
	t.Helper()
	p := pace.New(rps)
	c, err := mb.New(mb.Config{
		Endpoint: srv.MBEndpoint(), GPID: sandbox.DefaultGPID, MSID: sandbox.DefaultMSID,
		APIKey: sandbox.DefaultAPIKey, AppSecret: sandbox.DefaultAppSecret,
		Timeout: timeout, Pacer: p,
		Retry: retry.Policy{Attempts: 8, Base: time.Millisecond, Max: 20 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

type run struct {
	res   *importer.Result
	err   error
	lines []report.Line
	rej   *memRejects
}

func doRun(t testing.TB, ctx context.Context, cfg importer.Config) run {
	t.Helper()
	rep := &memReport{}
	rej := &memRejects{}
	cfg.Report, cfg.Rejects = rep, rej
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 20
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 4
	}
	res, err := importer.Run(ctx, cfg)
	return run{res: res, err: err, lines: rep.lines, rej: rej}
}

func statuses(lines []report.Line) map[platform.Status]int {
	m := map[platform.Status]int{}
	for _, l := range lines {
		m[l.Status]++
	}
	return m
}

// checkExactlyOnce asserts the invariant of SPEC §5 against the ledger:
// every roster row in one report line, in roster order; every issued or
// skipped line is exactly one ledger card with the same id and mbno; every
// ledger card is reported; nothing was ever sent twice (no "exists").
func checkExactlyOnce(t *testing.T, srv *sandbox.Server, lines []report.Line, rows int) {
	t.Helper()
	if len(lines) != rows {
		t.Fatalf("report has %d lines for %d rows", len(lines), rows)
	}
	for i, l := range lines {
		if l.Row != i+2 {
			t.Fatalf("line %d is roster row %d, want %d (roster order)", i, l.Row, i+2)
		}
	}
	ledger, err := srv.Sandbox.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	byCardno := map[string]sandbox.MBCard{}
	for _, c := range ledger.MB {
		if _, dup := byCardno[c.Cardno]; dup {
			t.Errorf("card %s issued twice", c.Cardno)
		}
		byCardno[c.Cardno] = c
	}
	reported := 0
	for _, l := range lines {
		if l.Status != platform.StatusIssued && l.Status != platform.StatusSkipped {
			continue
		}
		reported++
		c, ok := byCardno[l.Cardno]
		if !ok {
			t.Errorf("row %d reported %s but the platform has no card %s", l.Row, l.Status, l.Cardno)
			continue
		}
		if l.ID != strconv.FormatInt(c.ID, 10) || l.Mbno != c.Mbno || l.Extid != c.Extid {
			t.Errorf("row %d: report id/mbno/extid %s/%s/%s, ledger %d/%s/%s", l.Row, l.ID, l.Mbno, l.Extid, c.ID, c.Mbno, c.Extid)
		}
	}
	if reported != len(ledger.MB) {
		t.Errorf("%d issued or skipped lines, %d cards on the platform", reported, len(ledger.MB))
	}
	if st := srv.Sandbox.Stats(); st.Exists != 0 {
		t.Errorf("the platform answered %q %d times: a card was sent again after it was issued", "exists", st.Exists)
	}
}

func TestImportClean(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	client, pacer := mbClient(t, srv, 0, 5*time.Second)
	const rows = 503
	r := doRun(t, context.Background(), importer.Config{
		Rosters:  []importer.Roster{rosterCSV(t, rows, nil)},
		Platform: client,
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := statuses(r.lines); got[platform.StatusIssued] != rows {
		t.Fatalf("statuses = %v, want all %d issued", got, rows)
	}
	checkExactlyOnce(t, srv, r.lines, rows)
	if req := pacer.Stats().Requests; req != 26 {
		t.Errorf("requests = %d, want 26 batches of ≤20", req)
	}
	if len(r.rej.rows) != 0 {
		t.Errorf("rejects: %v", r.rej.rows)
	}
	// Totals: the roster's valid rows and what the platform confirmed.
	if r.res.RosterBalance != r.res.ConfirmedBalance || r.res.Confirmations != rows {
		t.Errorf("roster balance %s, confirmed %s over %d rows", r.res.RosterBalance, r.res.ConfirmedBalance, r.res.Confirmations)
	}
}

func TestImportInvalidRowsAndBisection(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	client, _ := mbClient(t, srv, 0, 5*time.Second)
	// A card another tool issued earlier: the platform refuses its number
	// and, in a batch, every card beside it.
	first := doRun(t, context.Background(), importer.Config{
		Rosters:  []importer.Roster{rosterCSV(t, 1, func(i int, f []string) { f[0], f[2], f[4] = "7000017", "X17", "13900000017" })},
		Platform: client,
	})
	if first.err != nil || first.lines[0].Status != platform.StatusIssued {
		t.Fatalf("seeding the platform: %v %+v", first.err, first.lines)
	}
	const rows = 100
	r := doRun(t, context.Background(), importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, rows, func(i int, f []string) {
			switch i {
			case 17:
				f[0] = "7000017" // already on the platform
			case 33:
				f[4] = "13900000017" // phone of another member
			case 50:
				f[4] = "1380013800" // invalid: never sent
			case 51:
				f[2] = "E50" // duplicate extid within the run
			}
		})},
		Platform:  client,
		BatchSize: 50,
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := map[int]platform.Status{19: platform.StatusExists, 35: platform.StatusRejected, 52: platform.StatusInvalid, 53: platform.StatusInvalid}
	for _, l := range r.lines {
		w, special := want[l.Row]
		if !special {
			w = platform.StatusIssued
		}
		if l.Status != w {
			t.Errorf("row %d: %s (%s), want %s", l.Row, l.Status, l.Message, w)
		}
	}
	if m := r.lines[35-2].Message; !strings.Contains(m, "手机号") {
		t.Errorf("rejected row's message %q does not carry the platform's words", m)
	}
	if len(r.rej.rows) != 3 {
		t.Errorf("rejects = %d rows, want the 2 invalid and the 1 rejected", len(r.rej.rows))
	}
	if r.res.Counts[platform.StatusIssued] != rows-4 {
		t.Errorf("counts = %v", r.res.Counts)
	}
}

func TestImportThrottled(t *testing.T) {
	for _, style := range []sandbox.ThrottleStyle{sandbox.ThrottleHTTP429, sandbox.ThrottleStatus} {
		t.Run(style.String(), func(t *testing.T) {
			srv := startSandbox(t, sandbox.Config{Rate: 100, Burst: 1, Throttle: style})
			client, pacer := mbClient(t, srv, 400, 5*time.Second)
			const rows = 300
			r := doRun(t, context.Background(), importer.Config{
				Rosters:   []importer.Roster{rosterCSV(t, rows, nil)},
				Platform:  client,
				BatchSize: 5,
			})
			if r.err != nil {
				t.Fatal(r.err)
			}
			if got := statuses(r.lines); got[platform.StatusIssued] != rows {
				t.Fatalf("statuses = %v", got)
			}
			checkExactlyOnce(t, srv, r.lines, rows)
			if pacer.Stats().Throttled == 0 || srv.Sandbox.Stats().Throttled == 0 {
				t.Errorf("no throttling seen (client %+v, sandbox %+v): the test proves nothing", pacer.Stats(), srv.Sandbox.Stats())
			}
			t.Logf("client %+v, sandbox throttled %d", pacer.Stats(), srv.Sandbox.Stats().Throttled)
			if pacer.Stats().Rate >= 400 {
				t.Errorf("rate still %v after throttling", pacer.Stats().Rate)
			}
		})
	}
}

func TestImportUnderFaults(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{Faults: sandbox.Faults{
		Seed: 11, ServerError: 0.04, Reset: 0.04, DropAfterCommit: 0.05, SlowAfterCommit: 0.05, SlowDelay: 400 * time.Millisecond,
		Malformed: 0.05, PartialList: 0.05,
	}})
	client, _ := mbClient(t, srv, 0, 150*time.Millisecond)
	// 200 mb_newcard calls: the faults that strike only after a commit
	// get enough chances to each happen several times.
	const rows = 4000
	r := doRun(t, context.Background(), importer.Config{
		Rosters:     []importer.Roster{rosterCSV(t, rows, nil)},
		Platform:    client,
		BatchSize:   20,
		Concurrency: 8,
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	st := srv.Sandbox.Stats()
	if st.ServerErrors == 0 || st.Resets == 0 || st.Dropped == 0 || st.Slowed == 0 || st.Malformed == 0 || st.PartialLists == 0 {
		t.Fatalf("not every fault kind happened: %+v", st)
	}
	got := statuses(r.lines)
	if got[platform.StatusIssued] != rows {
		t.Errorf("statuses = %v, want every row issued (verification resolves every fault)", got)
	}
	checkExactlyOnce(t, srv, r.lines, rows)
	t.Logf("faults %+v; statuses %v", st, got)
}

func TestImportResumesFromJournal(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	client, _ := mbClient(t, srv, 0, 5*time.Second)
	dir := t.TempDir()
	openJ := func() *journal.DB {
		j, err := journal.Open(context.Background(), dir+"/cardimport.db", journal.Options{Target: "mb", Merchant: "sandbox"})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	const rows = 120

	// A first run died after the platform issued rows 0-59 and while the
	// journal still had rows 40-79 as sending: issue 0-59 without a
	// journal, then claim 40-79 and never record them.
	doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 60, nil)}, Platform: client})
	j := openJ()
	var claimed []*platform.Card
	first := rosterCSV(t, rows, nil)
	v, _ := validate.New(validate.Options{Profile: mb.Profile})
	for i := 0; ; i++ {
		row, err := first.Next()
		if err != nil {
			break
		}
		if i >= 40 && i < 80 {
			card, _ := v.Check(first.Input(row))
			claimed = append(claimed, &platform.Card{Card: card})
		}
	}
	if _, err := j.Claim(context.Background(), 1, claimed); err != nil {
		t.Fatal(err)
	}
	j.Close()

	j = openJ()
	r := doRun(t, context.Background(), importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, rows, nil)}, Platform: client, Journal: j,
	})
	j.Close()
	if r.err != nil {
		t.Fatal(r.err)
	}
	// Rows 0-39 are issued on the platform but unknown to the journal: the
	// platform says "exists", and mb_check shows the same holder: they are
	// adopted with the platform's ids (SPEC §5).
	// Rows 40-59 were in doubt: verified, found, issued without resending.
	// Rows 60-79 were in doubt: verified, not found, sent.
	got := statuses(r.lines)
	if got[platform.StatusIssued] != rows {
		t.Fatalf("statuses = %v, want %d issued", got, rows)
	}
	for _, l := range r.lines[:40] {
		if !strings.Contains(l.Message, "adopted") || l.Mbno == "" {
			t.Errorf("row %d on the platform already: %s %q mbno=%q, want adopted", l.Row, l.Status, l.Message, l.Mbno)
		}
	}
	for _, l := range r.lines[40:60] {
		if !strings.Contains(l.Message, "verif") || l.Mbno == "" {
			t.Errorf("row %d in doubt: %s %q mbno=%q, want issued through verification", l.Row, l.Status, l.Message, l.Mbno)
		}
	}

	// The third run skips everything it knows.
	j = openJ()
	defer j.Close()
	before := srv.Sandbox.Stats().MBRequests
	r = doRun(t, context.Background(), importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, rows, nil)}, Platform: client, Journal: j,
	})
	if got := statuses(r.lines); got[platform.StatusSkipped] != rows {
		t.Errorf("re-run statuses = %v", got)
	}
	for _, l := range r.lines {
		if l.Mbno == "" || l.ID == "" {
			t.Errorf("skipped row %d lost its ids", l.Row)
		}
	}
	if sent := srv.Sandbox.Stats().MBRequests - before; sent > 0 {
		t.Errorf("re-run sent %d requests; the journal knows every row", sent)
	}
}

func TestImportInterrupted(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{Latency: 30 * time.Millisecond})
	client, _ := mbClient(t, srv, 0, 5*time.Second)
	j, err := journal.Open(context.Background(), t.TempDir()+"/j.db", journal.Options{Target: "mb", Merchant: "s"})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	const rows = 5000
	r := doRun(t, ctx, importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, rows, nil)}, Platform: client, Journal: j, BatchSize: 10, Concurrency: 2,
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !r.res.Interrupted {
		t.Fatal("not marked interrupted")
	}
	got := statuses(r.lines)
	if got[platform.StatusIssued] == 0 || got[platform.StatusIssued] == rows {
		t.Fatalf("statuses = %v: the interrupt came too early or too late to prove anything", got)
	}
	ledger, _ := srv.Sandbox.Ledger()
	if len(ledger.MB) != got[platform.StatusIssued] {
		t.Errorf("the platform issued %d cards, the report says %d", len(ledger.MB), got[platform.StatusIssued])
	}
	for i, l := range r.lines {
		if l.Row != i+2 {
			t.Fatalf("line %d is row %d: rows read before the interrupt must all be reported, in order", i, l.Row)
		}
		if l.Status != platform.StatusIssued && l.Status != platform.StatusPending {
			t.Errorf("row %d: %s %s", l.Row, l.Status, l.Message)
		}
	}
	if r.res.Unread == "" && len(r.lines) < rows {
		t.Error("rows were left unread without saying so")
	}

	// Run again: everything else is issued, nothing twice.
	r2 := doRun(t, context.Background(), importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, rows, nil)}, Platform: client, Journal: j, BatchSize: 50, Concurrency: 8,
	})
	if r2.err != nil {
		t.Fatal(r2.err)
	}
	got2 := statuses(r2.lines)
	if got2[platform.StatusSkipped] != got[platform.StatusIssued] || got2[platform.StatusIssued] != rows-got[platform.StatusIssued] {
		t.Errorf("second run = %v after first %v", got2, got)
	}
	checkExactlyOnce(t, srv, r2.lines, rows)
}

func TestImportErrorBudget(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	client, _ := mbClient(t, srv, 0, 5*time.Second)
	const rows = 400
	r := doRun(t, context.Background(), importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, rows, func(i int, f []string) {
			if i >= 100 && i < 110 {
				f[5] = "?"
			}
		})},
		Platform:    client,
		BatchSize:   10,
		Concurrency: 1,
		Budget:      importer.Budget{Count: 5},
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !r.res.BudgetExceeded {
		t.Fatal("budget not reported exceeded")
	}
	got := statuses(r.lines)
	if len(r.lines) != rows {
		t.Fatalf("report has %d lines for %d rows: the rest of the roster must still be validated and reported", len(r.lines), rows)
	}
	if got[platform.StatusInvalid] != 10 || got[platform.StatusPending] == 0 || got[platform.StatusIssued] > 120 {
		t.Errorf("statuses = %v", got)
	}
}

func TestImportStopsOnRefusedCredentials(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{APIKey: "another"})
	client, _ := mbClient(t, srv, 0, 5*time.Second)
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 300, nil)}, Platform: client})
	if !errors.Is(r.err, platform.ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", r.err)
	}
	for _, l := range r.lines {
		if l.Status != platform.StatusPending {
			t.Fatalf("row %d: %s; nothing may be issued or lost", l.Row, l.Status)
		}
	}
	if r.res.Unread == "" && len(r.lines) != 300 {
		t.Error("unread rows not mentioned")
	}
}

func TestImportUnreachable(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	client, _ := mbClient(t, srv, 0, time.Second)
	srv.Close()
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 30, nil)}, Platform: client})
	if r.err == nil || !strings.Contains(r.err.Error(), "unreachable") {
		t.Fatalf("err = %v", r.err)
	}
	for _, l := range r.lines {
		if l.Status != platform.StatusPending {
			t.Errorf("row %d: %s", l.Row, l.Status)
		}
	}
}

func TestValidateOnly(t *testing.T) {
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 50, func(i int, f []string) {
		if i == 7 {
			f[1] = "12"
		}
	})}})
	got := statuses(r.lines)
	if r.err != nil || got[platform.StatusValid] != 49 || got[platform.StatusInvalid] != 1 {
		t.Errorf("statuses = %v, err %v", got, r.err)
	}
}

// TestWindowDoesNotDeadlock: one valid row then far more invalid rows than
// the window holds; the partial batch must be flushed for the collector.
func TestWindowDoesNotDeadlock(t *testing.T) {
	srv := startSandbox(t, sandbox.Config{})
	client, _ := mbClient(t, srv, 0, 5*time.Second)
	const rows = 12000
	done := make(chan run, 1)
	go func() {
		done <- doRun(t, context.Background(), importer.Config{
			Rosters: []importer.Roster{rosterCSV(t, rows, func(i int, f []string) {
				if i > 0 {
					f[1] = "x"
				}
			})},
			Platform:  client,
			BatchSize: 500,
		})
	}()
	select {
	case r := <-done:
		if got := statuses(r.lines); got[platform.StatusIssued] != 1 || got[platform.StatusInvalid] != rows-1 {
			t.Errorf("statuses = %v", got)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("deadlock: the run did not finish")
	}
}

func rosterFromText(name, text string) (*roster.Reader, error) {
	return roster.NewCSV(name, strings.NewReader(text), roster.Options{})
}
