package importer_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/importer/sandy"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
)

// Rate control end to end (issue 10): the tests here assert what the
// controller did (its lowest rate, how much was throttled), never how long
// a run took; speed lives in the benchmarks (bench_test.go).

// rateCase is one run against the sandbox as the CLI makes it: one pacer
// at --rate for every request, the CLI's retry policy unless told.
type rateCase struct {
	target      string // "mb" or "sandy"
	rows        int
	batch       int // mb: rows per call (default 50); sandy is one card per call
	concurrency int
	rate        float64 // --rate
	timeout     time.Duration
	sandbox     sandbox.Config
	journal     bool         // journal every step to SQLite, as the CLI does
	retry       retry.Policy // zero: --retries 5 with the default backoff
	onLine      func()       // called for every report line
	http        *http.Client // nil: a client with its own transport
}

// rateResult is what a rateCase did.
type rateResult struct {
	run
	elapsed time.Duration
	pacer   *pace.Pacer
	srv     *sandbox.Server
}

// fieldFaults is the fault mix of issue 10's field report: 4 % HTTP 5xx,
// 2 % resets, 3 % dropped answers, 2 % slow answers, 2 % malformed bodies,
// 2 % "系统繁忙".
func fieldFaults(seed int64) sandbox.Faults {
	return sandbox.Faults{Seed: seed, ServerError: 0.04, Reset: 0.02, DropAfterCommit: 0.03, SlowAfterCommit: 0.02,
		Malformed: 0.02, Busy: 0.02}
}

func runRateCase(tb testing.TB, ctx context.Context, c rateCase) rateResult {
	tb.Helper()
	srv := startSandbox(tb, c.sandbox)
	return runRateCaseOn(tb, ctx, srv, c)
}

func runRateCaseOn(tb testing.TB, ctx context.Context, srv *sandbox.Server, c rateCase) rateResult {
	tb.Helper()
	return runRateCaseWith(tb, ctx, srv, pace.New(c.rate), c)
}

func runRateCaseWith(tb testing.TB, ctx context.Context, srv *sandbox.Server, p *pace.Pacer, c rateCase) rateResult {
	tb.Helper()
	pol := c.retry
	if pol.Attempts == 0 {
		pol.Attempts = 6
	}
	if c.concurrency == 0 {
		c.concurrency = 4
	}
	if c.timeout == 0 {
		c.timeout = 30 * time.Second
	}
	cfg := importer.Config{
		Rosters:     []importer.Roster{rosterCSV(tb, c.rows, nil)},
		Concurrency: c.concurrency,
		Timeout:     c.timeout,
	}
	if c.onLine != nil {
		cfg.OnLine = func(*report.Line) { c.onLine() }
	}
	switch c.target {
	case "mb":
		client, err := mb.New(mb.Config{
			Endpoint: srv.MBEndpoint(), GPID: sandbox.DefaultGPID, MSID: sandbox.DefaultMSID,
			APIKey: sandbox.DefaultAPIKey, AppSecret: sandbox.DefaultAppSecret,
			Timeout: c.timeout, Pacer: p, Retry: pol, HTTP: c.http,
		})
		if err != nil {
			tb.Fatal(err)
		}
		cfg.Platform = client
		cfg.BatchSize = c.batch
		if cfg.BatchSize == 0 {
			cfg.BatchSize = 50
		}
	case "sandy":
		client, err := sandy.New(sandy.Config{
			Base: srv.SandyBase(), Token: sandbox.DefaultSandyToken, CustomerGUID: sandbox.DefaultCustomerGUID,
			Timeout: c.timeout, Pacer: p, Retry: pol, HTTP: c.http,
		})
		if err != nil {
			tb.Fatal(err)
		}
		flow, setup, err := client.Prepare(ctx, false)
		if err != nil {
			tb.Fatal(err)
		}
		cfg.Platform = flow
		cfg.Validate = validate.Options{Profile: sandy.Profile, Levels: setup.Levels}
		cfg.BatchSize = 1
	default:
		tb.Fatalf("unknown target %q", c.target)
	}
	if c.journal {
		j, err := journal.Open(ctx, tb.TempDir()+"/cardimport.db", journal.Options{Target: c.target, Merchant: "rate"})
		if err != nil {
			tb.Fatal(err)
		}
		defer j.Close()
		cfg.Journal = j
	}
	start := time.Now()
	r := doRun(tb, ctx, cfg)
	return rateResult{run: r, elapsed: time.Since(start), pacer: p, srv: srv}
}

// quickRetry is the CLI's --retries 5 with backoffs short enough for a
// test of a few seconds.
var quickRetry = retry.Policy{Attempts: 6, Base: 10 * time.Millisecond, Max: 200 * time.Millisecond}

// lowestRate follows a pacer's effective rate from the report lines.
type lowestRate struct {
	p   *pace.Pacer
	low float64
}

func (l *lowestRate) sample() {
	if r := l.p.Stats().Rate; l.low == 0 || r < l.low {
		l.low = r
	}
}

// TestFaultMixKeepsTheRate is issue 10's field report in small: a sandbox
// with the fault mix (5xx, resets, dropped, slow and malformed answers,
// 系统繁忙) and no rate limit. None of it is throttling, so the rate must
// hold: the old pacer took every busy answer for throttling and cut the
// rate to what the faults let through, then cut again from there.
func TestFaultMixKeepsTheRate(t *testing.T) {
	for _, target := range []string{"mb", "sandy"} {
		t.Run(target, func(t *testing.T) {
			faults := fieldFaults(3)
			faults.SlowDelay = 300 * time.Millisecond
			faults.Busy = 0.05
			c := rateCase{target: target, rows: 120, batch: 2, concurrency: 8, rate: 400, timeout: 200 * time.Millisecond,
				sandbox: sandbox.Config{Faults: faults}, retry: quickRetry}
			if target == "mb" {
				c.rows = 300
			}
			// The old pacer never finished: stop it rather than wait.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var low *lowestRate
			c.onLine = func() { low.sample() }
			srv := startSandbox(t, c.sandbox)
			p := pace.New(c.rate)
			low = &lowestRate{p: p}
			r := runRateCaseWith(t, ctx, srv, p, c)
			if r.err != nil {
				t.Fatal(r.err)
			}
			st := srv.Sandbox.Stats()
			if st.Busy == 0 || st.ServerErrors+st.Resets == 0 || st.Dropped+st.Slowed+st.Malformed == 0 {
				t.Fatalf("the fault mix did not happen: %+v", st)
			}
			if got := statuses(r.lines); got[platform.StatusIssued] != c.rows {
				t.Errorf("statuses = %v, want all %d issued", got, c.rows)
			}
			if target == "mb" {
				checkExactlyOnce(t, srv, r.lines, c.rows)
			} else {
				checkSandyExactlyOnce(t, srv, r.lines)
			}
			low.sample()
			if low.low < 0.9*c.rate {
				t.Errorf("the rate fell to %.2f of --rate %v under faults that are not throttling", low.low, c.rate)
			}
			t.Logf("pacer %+v, lowest seen %.2f; sandbox busy %d, 5xx %d", p.Stats(), low.low, st.Busy, st.ServerErrors)
		})
	}
}

// TestLimitedPlatformHoldsItsLimit: a sandbox accepting 100 of --rate 200
// requests/s, refusing the rest with HTTP 429 or with the JSON "too
// frequent" answer. The rate comes down to the limit and no lower, and
// every row is issued once.
func TestLimitedPlatformHoldsItsLimit(t *testing.T) {
	for _, style := range []sandbox.ThrottleStyle{sandbox.ThrottleHTTP429, sandbox.ThrottleStatus} {
		t.Run(style.String(), func(t *testing.T) {
			c := rateCase{target: "mb", rows: 600, batch: 5, concurrency: 8, rate: 200, timeout: 5 * time.Second,
				sandbox: sandbox.Config{Rate: 100, Throttle: style}, retry: quickRetry}
			r := runRateCase(t, context.Background(), c)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if got := statuses(r.lines); got[platform.StatusIssued] != c.rows {
				t.Fatalf("statuses = %v", got)
			}
			checkExactlyOnce(t, r.srv, r.lines, c.rows)
			st := r.pacer.Stats()
			if st.Throttled == 0 {
				t.Fatalf("no throttling seen (%+v): the test proves nothing", st)
			}
			// Blind halving at the start, then never below what the
			// platform accepted: 100/s less a burst.
			if st.Lowest < 90 || st.Lowest > 110 {
				t.Errorf("lowest rate %.2f, want the limit 100 give or take a burst", st.Lowest)
			}
			if share := float64(st.Throttled) / float64(st.Requests); share > 0.1 {
				t.Errorf("%d of %d requests throttled", st.Throttled, st.Requests)
			}
			t.Logf("pacer %+v", st)
		})
	}
}
