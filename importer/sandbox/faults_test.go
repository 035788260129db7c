package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/mb"
)

func TestRateLimit(t *testing.T) {
	for _, style := range []ThrottleStyle{ThrottleHTTP429, ThrottleStatus} {
		t.Run(style.String(), func(t *testing.T) {
			srv := start(t, Config{Rate: 0.001, Burst: 1, Throttle: style})
			c := newMBCaller(t, srv)
			wantStatus(t, c.newCard(item(1)), "1", InfoIssued)
			r := c.newCard(item(2))
			sc := newSandyCaller(t, srv)
			sr := sc.post("cardopen", map[string]any{"cardID": "1", "uname": "a", "phone": "13800000001", "gender": 1})
			switch style {
			case ThrottleHTTP429:
				if r.code != http.StatusTooManyRequests || sr.code != http.StatusTooManyRequests {
					t.Fatalf("throttled: mb HTTP %d, sandy HTTP %d; want 429", r.code, sr.code)
				}
			case ThrottleStatus:
				wantStatus(t, r, "0", InfoThrottled)
				sr.refused(t, http.StatusOK, 500, MsgThrottled)
			}
			if l := ledger(t, srv.Sandbox); len(l.MB) != 1 || len(l.Sandy) != 0 {
				t.Errorf("throttled requests committed: %+v", l)
			}
			if st := srv.Sandbox.Stats(); st.Throttled != 2 || st.Requests != 3 || st.Rejected != 0 {
				t.Errorf("stats %+v", st)
			}
			srv.Sandbox.SetRate(0, 0)
			wantStatus(t, c.newCard(item(2)), "1", InfoIssued)
		})
	}
	t.Run("Retry-After", func(t *testing.T) {
		srv := start(t, Config{Rate: 0.001, Burst: 1})
		hc := noKeepAlive(5 * time.Second)
		var last *http.Response
		for range 2 {
			res, err := hc.Get(srv.SandyBase() + "cardlevellist")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			last = res
		}
		if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") != "1" {
			t.Errorf("HTTP %d Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
		}
	})
	t.Run("rate is kept", func(t *testing.T) {
		srv := start(t, Config{Rate: 20, Burst: 1})
		sc := newSandyCaller(t, srv)
		ok := 0
		deadline := time.Now().Add(500 * time.Millisecond)
		for time.Now().Before(deadline) {
			if r := sc.call(http.MethodGet, "cardlevellist", nil); r.code == http.StatusOK {
				ok++
			}
		}
		if ok < 2 || ok > 13 { // 1 + 20/s × 0.5 s, with slack for a slow machine
			t.Errorf("%d requests accepted in 0.5 s at 20/s", ok)
		}
	})
}

// TestFaultsMB injects each fault kind at probability 1 into mb_newcard and
// checks whether the cards were committed.
func TestFaultsMB(t *testing.T) {
	tests := []struct {
		name      string
		faults    Faults
		committed bool
		check     func(t *testing.T, r result)
		stat      func(Stats) int64
	}{
		{"server error", Faults{ServerError: 1}, false, func(t *testing.T, r result) {
			if r.err != nil || r.code < 500 {
				t.Errorf("HTTP %d err %v, want 5xx", r.code, r.err)
			}
		}, func(s Stats) int64 { return s.ServerErrors }},
		{"reset", Faults{Reset: 1}, false, func(t *testing.T, r result) {
			if r.err == nil {
				t.Errorf("HTTP %d, want a connection error", r.code)
			}
		}, func(s Stats) int64 { return s.Resets }},
		{"drop after commit", Faults{DropAfterCommit: 1}, true, func(t *testing.T, r result) {
			if r.err == nil {
				t.Errorf("HTTP %d, want a connection error", r.code)
			}
		}, func(s Stats) int64 { return s.Dropped }},
		{"slow after commit", Faults{SlowAfterCommit: 1, SlowDelay: time.Minute}, true, func(t *testing.T, r result) {
			if r.err == nil {
				t.Errorf("HTTP %d, want a client timeout", r.code)
			}
		}, func(s Stats) int64 { return s.Slowed }},
		{"malformed", Faults{Malformed: 1}, true, func(t *testing.T, r result) {
			var resp mb.Response
			if r.err != nil || r.code != http.StatusOK || (json.Unmarshal(r.raw, &resp) == nil && resp.Status != "") {
				t.Errorf("HTTP %d err %v body %s: want HTTP 200 without a readable status", r.code, r.err, r.raw)
			}
		}, func(s Stats) int64 { return s.Malformed }},
		{"busy", Faults{Busy: 1}, false, func(t *testing.T, r result) {
			if r.code != http.StatusOK {
				t.Errorf("HTTP %d, want 200", r.code)
			}
			wantStatus(t, r, "0", InfoBusy)
		}, func(s Stats) int64 { return s.Busy }},
		{"partial list", Faults{PartialList: 1}, true, func(t *testing.T, r result) {
			wantStatus(t, r, "1", InfoIssued)
			if len(r.resp.List) != 2 {
				t.Errorf("list of %d cards, want 2 of 3", len(r.resp.List))
			}
		}, func(s Stats) int64 { return s.PartialLists }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, Config{Faults: tt.faults})
			c := newMBCaller(t, srv)
			c.http.Timeout = 300 * time.Millisecond
			tt.check(t, c.newCard(items(1, 3)...))
			n := len(ledger(t, srv.Sandbox).MB)
			if tt.committed && n != 3 || !tt.committed && n != 0 {
				t.Errorf("ledger holds %d cards; committed=%v", n, tt.committed)
			}
			if got := tt.stat(srv.Sandbox.Stats()); got != 1 {
				t.Errorf("fault counter = %d, want 1", got)
			}

			// A business refusal is answered faithfully: after-commit
			// faults apply only to commits.
			if tt.committed {
				srv.Sandbox.SetFaults(Faults{Seed: 1, DropAfterCommit: tt.faults.DropAfterCommit, SlowAfterCommit: tt.faults.SlowAfterCommit,
					SlowDelay: tt.faults.SlowDelay, PartialList: tt.faults.PartialList})
				wantStatus(t, c.newCard(item(1)), "0", "卡号100101已存在")
			}
			// Verification through mb_check gets the before kinds and
			// Malformed only.
			srv.Sandbox.SetFaults(Faults{DropAfterCommit: 1, SlowAfterCommit: 1, PartialList: 1})
			r := c.check(map[string]string{"extid": "E1"})
			if tt.committed {
				wantStatus(t, r, "1", "ok")
			} else {
				wantStatus(t, r, "0", InfoCardNotFound)
			}
		})
	}
}

func TestFaultsType15(t *testing.T) {
	srv := start(t, Config{Faults: Faults{DropAfterCommit: 1}})
	c := newMBCaller(t, srv)
	if r := c.generate(5, "10"); r.err == nil {
		t.Fatalf("HTTP %d, want a dropped connection", r.code)
	}
	if n := len(ledger(t, srv.Sandbox).Generated); n != 5 {
		t.Errorf("a dropped type-15 call generated %d cards, want 5 (committed before the drop)", n)
	}
}

func TestFaultsMBCheckMalformed(t *testing.T) {
	srv := start(t, Config{Faults: Faults{Malformed: 1}})
	c := newMBCaller(t, srv)
	for i := range 8 {
		r := c.check(map[string]string{"id": "1"})
		if r.err != nil || r.code != http.StatusOK || r.resp.Status != "" {
			t.Errorf("check %d: HTTP %d err %v body %q", i, r.code, r.err, r.raw)
		}
	}
}

func TestFaultsSandy(t *testing.T) {
	tests := []struct {
		name      string
		faults    Faults
		committed bool
		transport bool // a connection error, not an answer
	}{
		{"server error", Faults{ServerError: 1}, false, false},
		{"reset", Faults{Reset: 1}, false, true},
		{"drop after commit", Faults{DropAfterCommit: 1}, true, true},
		{"slow after commit", Faults{SlowAfterCommit: 1, SlowDelay: time.Minute}, true, true},
		{"malformed", Faults{Malformed: 1}, true, false},
		{"busy", Faults{Busy: 1}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, Config{Faults: tt.faults})
			c := newSandyCaller(t, srv)
			c.http.Timeout = 300 * time.Millisecond
			r := c.post("cardopen", map[string]any{"cardID": "12345", "uname": "a", "phone": "13800000001", "gender": 1})
			if (r.err != nil) != tt.transport {
				t.Errorf("transport error %v, want one: %v", r.err, tt.transport)
			}
			if r.err == nil && r.code == http.StatusOK && r.field("card_id") == `"12345"` {
				t.Errorf("got a readable answer %s", r.raw)
			}
			if tt.faults.Busy > 0 {
				r.refused(t, http.StatusOK, ErrcodeInternal, MsgBusy)
			}
			if n := len(ledger(t, srv.Sandbox).Sandy); (n == 1) != tt.committed {
				t.Errorf("ledger holds %d cards; committed=%v", n, tt.committed)
			}
			if tt.committed {
				// recharge and modcardinfo commit before the fault too.
				c.post("recharge", map[string]any{"card_id": "12345", "money": "5", "pay_type": 1})
				c.post("modcardinfo", map[string]any{"card_id": "12345", "birthday": "1990-01-02"})
				got := ledger(t, srv.Sandbox).Sandy[0]
				if got.Amount != "5.00" || got.Birthday != "1990-01-02" || got.Mods != 1 {
					t.Errorf("ledger %+v", got)
				}
				// A refusal of a write is answered faithfully.
				c.post("cardopen", map[string]any{"cardID": "12345", "uname": "a", "phone": "13800000002", "gender": 1}).refused(t, http.StatusOK, 3, MsgExists)
			}
		})
	}
}

// TestFaultsSeed: the same seed and the same requests give the same faults.
func TestFaultsSeed(t *testing.T) {
	run := func(seed int64) string {
		srv := start(t, Config{Faults: Faults{Seed: seed, ServerError: 0.3, Malformed: 0.3, PartialList: 0.3}})
		c := newMBCaller(t, srv)
		var b strings.Builder
		for i := range 30 {
			r := c.newCard(item(i))
			switch {
			case r.code >= 500:
				b.WriteByte('E')
			case r.resp.Status == "":
				b.WriteByte('M')
			case len(r.resp.List) == 0:
				b.WriteByte('P')
			default:
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := run(42), run(42)
	if a != b {
		t.Fatalf("seed 42 gave %s then %s", a, b)
	}
	if !strings.ContainsAny(a, "E") || !strings.ContainsAny(a, "M") || !strings.ContainsAny(a, "P") || !strings.Contains(a, ".") {
		t.Errorf("seed 42 gave %s: want every outcome in 30 requests", a)
	}
	if c := run(43); c == a {
		t.Errorf("seeds 42 and 43 gave the same sequence %s", a)
	}
}

func TestFaultsValidation(t *testing.T) {
	for _, f := range []Faults{{ServerError: 1.5}, {Reset: -0.1}, {SlowDelay: -time.Second}, {Busy: 2}} {
		if _, err := New(Config{Faults: f}); err == nil {
			t.Errorf("New accepted %+v", f)
		}
	}
	var f Faults
	if err := json.Unmarshal([]byte(`{"seed":7,"drop_after_commit":0.5,"slow_delay":"150ms","busy":0.02}`), &f); err != nil {
		t.Fatal(err)
	}
	if f.Seed != 7 || f.DropAfterCommit != 0.5 || f.SlowDelay != 150*time.Millisecond || f.Busy != 0.02 {
		t.Errorf("decoded %+v", f)
	}
	if err := json.Unmarshal([]byte(`{"slow_delay":250}`), &f); err != nil || f.SlowDelay != 250*time.Millisecond {
		t.Errorf("slow_delay in ms: %v %v", f.SlowDelay, err)
	}
	b, _ := json.Marshal(Faults{SlowDelay: 2 * time.Second, Reset: 0.25})
	if !strings.Contains(string(b), `"slow_delay":"2s"`) || !strings.Contains(string(b), `"reset":0.25`) {
		t.Errorf("encoded %s", b)
	}
}

// TestServerCloseEndsSlowAnswers: Close does not wait out SlowDelay.
func TestServerCloseEndsSlowAnswers(t *testing.T) {
	srv, err := Start("127.0.0.1:0", Config{Faults: Faults{SlowAfterCommit: 1, SlowDelay: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	c := newMBCaller(t, srv)
	done := make(chan result, 1)
	go func() { done <- c.newCard(item(1)) }()
	for srv.Sandbox.Stats().Slowed == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	began := time.Now()
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if r := <-done; r.err == nil && r.code == http.StatusOK {
		t.Errorf("the slow answer arrived: %s", r.raw)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := srv.Sandbox.Ledger(); !errors.Is(err, errClosed) {
		t.Errorf("Ledger after Close: %v", err)
	}
}

// TestLateApply: a write held past the client's timeout is committed all
// the same, and a look right after the timeout does not see it yet.
func TestLateApply(t *testing.T) {
	srv := start(t, Config{Faults: Faults{LateApply: 1, LateDelay: 800 * time.Millisecond}})
	sc := newSandyCaller(t, srv)
	sc.post("cardopen", map[string]any{"cardID": "L1", "uname": "a", "phone": "13800000001", "gender": 1}).ok(t)
	sc.http.Timeout = 300 * time.Millisecond
	if r := sc.post("recharge", map[string]any{"card_id": "L1", "money": "12.50", "pay_type": 1}); r.err == nil {
		t.Fatalf("recharge answered HTTP %d: want the client to give up", r.code)
	}
	sc.http.Timeout = 10 * time.Second
	if got := sc.post("getcardinfo", map[string]any{"card_id": "L1"}).ok(t).field("sum_recharge"); got != `0` {
		t.Errorf("right after the timeout sum_recharge = %s, want 0 (the write is still held)", got)
	}
	time.Sleep(time.Second)
	if got := sc.post("getcardinfo", map[string]any{"card_id": "L1"}).ok(t).field("sum_recharge"); got != `12.5` {
		t.Errorf("after the hold sum_recharge = %s, want 12.5: the late write is applied", got)
	}
	c := newMBCaller(t, srv)
	c.http.Timeout = 300 * time.Millisecond
	if r := c.newCard(items(1, 2)...); r.err == nil {
		t.Fatalf("mb_newcard answered: want the client to give up")
	}
	time.Sleep(time.Second)
	if n := len(ledger(t, srv.Sandbox).MB); n != 2 {
		t.Errorf("ledger holds %d mb cards after the hold, want 2", n)
	}
	if st := srv.Sandbox.Stats(); st.Late != 3 {
		t.Errorf("late = %d, want 3 (two sandy writes, one mb list; reads are never held)", st.Late)
	}
}
