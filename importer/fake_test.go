package importer_test

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/roster"
)

// fakePlatform is a func-field Platform for the importer's own rules.
type fakePlatform struct {
	issue  func(cards []*platform.Card) ([]platform.Answer, error)
	verify func(card *platform.Card) (platform.Answer, error)
	calls  atomic.Int32
}

var _ importer.Platform = (*fakePlatform)(nil)

func (f *fakePlatform) Issue(_ context.Context, cards []*platform.Card, _ platform.Progress) ([]platform.Answer, error) {
	f.calls.Add(1)
	return f.issue(cards)
}

func (f *fakePlatform) Verify(_ context.Context, card *platform.Card) (platform.Answer, error) {
	if f.verify == nil {
		return platform.Answer{}, platform.ErrNotFound
	}
	return f.verify(card)
}

func issueAll(cards []*platform.Card) []platform.Answer {
	out := make([]platform.Answer, len(cards))
	for i, c := range cards {
		out[i] = platform.Answer{Found: true, ID: "id-" + c.Cardno, Mbno: "m-" + c.Cardno}
	}
	return out
}

func TestBisectionIsolatesUnnamedRefusals(t *testing.T) {
	bad := map[string]bool{"6000007": true, "6000031": true}
	f := &fakePlatform{issue: func(cards []*platform.Card) ([]platform.Answer, error) {
		for _, c := range cards {
			if bad[c.Cardno] {
				// A refusal that names nothing: only bisection can find it.
				return nil, &platform.Rejection{Info: "数据校验失败"}
			}
		}
		return issueAll(cards), nil
	}}
	r := doRun(t, context.Background(), importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, 50, nil)}, Platform: f, BatchSize: 50,
	})
	got := statuses(r.lines)
	if got[platform.StatusRejected] != 2 || got[platform.StatusIssued] != 48 {
		t.Fatalf("statuses = %v", got)
	}
	if r.lines[7].Status != platform.StatusRejected || r.lines[31].Status != platform.StatusRejected {
		t.Errorf("wrong rows rejected")
	}
	// Two culprits among 50: at most 2·2·log2(50) ≈ 23 calls, far from 50.
	if n := f.calls.Load(); n > 24 {
		t.Errorf("%d calls to isolate 2 rows of 50", n)
	}
}

func TestRefusalNamingARowTakesItOut(t *testing.T) {
	f := &fakePlatform{issue: func(cards []*platform.Card) ([]platform.Answer, error) {
		for _, c := range cards {
			if c.Cardno == "6000020" {
				return nil, &platform.Rejection{Info: "卡号6000020已存在", Exists: true, Card: "6000020"} // as mb.Client names it
			}
		}
		return issueAll(cards), nil
	}}
	r := doRun(t, context.Background(), importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, 50, nil)}, Platform: f, BatchSize: 50,
	})
	if got := statuses(r.lines); got[platform.StatusExists] != 1 || got[platform.StatusIssued] != 49 {
		t.Fatalf("statuses = %v", got)
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("%d calls; the named row should be taken out in one step (2 calls)", n)
	}
}

func TestVerifiedConflictIsNotClaimed(t *testing.T) {
	f := &fakePlatform{
		issue: func(cards []*platform.Card) ([]platform.Answer, error) {
			for _, c := range cards {
				c.Suspect = true
			}
			return nil, fmt.Errorf("timeout: %w", platform.ErrUnknownOutcome)
		},
		verify: func(card *platform.Card) (platform.Answer, error) {
			return platform.Answer{Found: true, Conflict: "in-card code belongs to card 999"}, nil
		},
	}
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 3, nil)}, Platform: f})
	for _, l := range r.lines {
		if l.Status != platform.StatusExists || l.Mbno != "" {
			t.Errorf("row %d: %s mbno=%q: another card's ids must never be reported as ours", l.Row, l.Status, l.Mbno)
		}
	}
}

func TestResendsAreBounded(t *testing.T) {
	f := &fakePlatform{issue: func(cards []*platform.Card) ([]platform.Answer, error) {
		for _, c := range cards {
			c.Suspect = true
		}
		return nil, platform.ErrUnknownOutcome // every answer lost, never applied
	}}
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 5, nil)}, Platform: f, MaxResends: 2})
	for _, l := range r.lines {
		if l.Status != platform.StatusPending {
			t.Errorf("row %d: %s", l.Row, l.Status)
		}
	}
	if n := f.calls.Load(); n != 3 {
		t.Errorf("%d sends, want 1 + 2 resends", n)
	}
}

// gatedRoster yields its first rows, then waits until the platform has
// been called before it yields the rest: an importer that read the whole
// roster before sending would never finish.
type gatedRoster struct {
	*roster.Reader
	after int
	gate  <-chan struct{}
	n     int
}

func (g *gatedRoster) Next() (roster.Row, error) {
	if g.n == g.after {
		select {
		case <-g.gate:
		case <-time.After(20 * time.Second):
			return roster.Row{}, io.ErrUnexpectedEOF
		}
	}
	g.n++
	return g.Reader.Next()
}

func TestFirstRequestLeavesBeforeTheRosterIsRead(t *testing.T) {
	gate := make(chan struct{})
	var once sync.Once
	f := &fakePlatform{issue: func(cards []*platform.Card) ([]platform.Answer, error) {
		once.Do(func() { close(gate) })
		return issueAll(cards), nil
	}}
	ros := &gatedRoster{Reader: rosterCSV(t, 500, nil), after: 60, gate: gate}
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{ros}, Platform: f, BatchSize: 50})
	if r.err != nil {
		t.Fatalf("%v: no request left while the roster was still being read", r.err)
	}
	if got := statuses(r.lines); got[platform.StatusIssued] != 500 {
		t.Errorf("statuses = %v", got)
	}
}

// A platform refusal that quotes the row's phone reaches the report
// masked (SPEC §9).
func TestRefusalQuotingThePhoneIsMasked(t *testing.T) {
	f := &fakePlatform{issue: func(cards []*platform.Card) ([]platform.Answer, error) {
		return nil, &platform.Rejection{Info: "手机号" + cards[0].Phone + "已被其他会员使用", Card: cards[0].Cardno}
	}}
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 1, nil)}, Platform: f, BatchSize: 1})
	if l := r.lines[0]; l.Status != platform.StatusRejected || l.Message != "手机号138****0000已被其他会员使用" {
		t.Errorf("%s %q", l.Status, l.Message)
	}
}

// A late open lands while its resend is on the way: the resend hears
// "exists", verification finds the card ours and half done, and its flow is
// finished — not reported as someone else's card.
func TestExistsOfOurHalfDoneCardFinishesTheFlow(t *testing.T) {
	var mu sync.Mutex
	opened := false
	f := &fakePlatform{
		issue: func(cards []*platform.Card) ([]platform.Answer, error) {
			mu.Lock()
			defer mu.Unlock()
			c := cards[0]
			switch {
			case c.Done.Has(platform.StepOpen):
				return issueAll(cards), nil // the flow's next steps
			case !c.Suspect:
				c.Suspect, c.Attempts = true, c.Attempts+1
				return nil, fmt.Errorf("open: %w", platform.ErrUnknownOutcome)
			default:
				opened = true // the late open has landed meanwhile
				return nil, &platform.Rejection{Info: "卡已存在", Exists: true, Card: c.Cardno}
			}
		},
		verify: func(card *platform.Card) (platform.Answer, error) {
			mu.Lock()
			defer mu.Unlock()
			if !opened {
				return platform.Answer{}, platform.ErrNotFound
			}
			return platform.Answer{Found: true, Steps: platform.StepOpen, Partial: true, Missing: "not recharged"}, nil
		},
	}
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 1, nil)}, Platform: f, BatchSize: 1})
	if l := r.lines[0]; l.Status != platform.StatusIssued {
		t.Errorf("%s %q: want the half-done card finished and issued", l.Status, l.Message)
	}
}

// A multi-step flow whose every step loses its answer, but lands: each
// resend continues a flow that moved on, which does not count against the
// resend bound (the bound is for a write that gets nowhere).
func TestFlowThatMovesOnIsNotBounded(t *testing.T) {
	steps := []platform.Steps{platform.StepOpen, platform.StepRecharge, platform.StepBirthday}
	var mu sync.Mutex
	onPlatform := map[string]platform.Steps{}
	f := &fakePlatform{
		issue: func(cards []*platform.Card) ([]platform.Answer, error) {
			mu.Lock()
			defer mu.Unlock()
			c := cards[0]
			for _, s := range steps {
				if !c.Done.Has(s) {
					onPlatform[c.Cardno] |= s // applied, answer lost
					c.Suspect = true
					return nil, platform.ErrUnknownOutcome
				}
			}
			return issueAll(cards), nil
		},
		verify: func(card *platform.Card) (platform.Answer, error) {
			mu.Lock()
			defer mu.Unlock()
			done, ok := onPlatform[card.Cardno]
			if !ok {
				return platform.Answer{}, platform.ErrNotFound
			}
			return platform.Answer{Found: true, Steps: done, Partial: true}, nil
		},
	}
	r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 2, nil)}, Platform: f, BatchSize: 1, MaxResends: 1})
	for _, l := range r.lines {
		if l.Status != platform.StatusIssued {
			t.Errorf("row %d: %s %q", l.Row, l.Status, l.Message)
		}
	}
}

// One request that fails every retry, on a platform that answers the
// others, does not stop the run: its rows are pending for the next run.
// Three in a row do, and so does the first when nothing was answered yet:
// the platform is unreachable.
func TestOneUnansweredRequestDoesNotStopTheRun(t *testing.T) {
	for _, tt := range []struct {
		failing   map[int32]bool // calls (1-based) that fail every retry
		wantFatal bool
	}{
		{map[int32]bool{3: true}, false},
		{map[int32]bool{3: true, 4: true, 5: true}, true},
		{map[int32]bool{1: true}, true}, // never answered: unreachable
	} {
		f := &fakePlatform{}
		f.issue = func(cards []*platform.Card) ([]platform.Answer, error) {
			if tt.failing[f.calls.Load()] {
				return nil, &platform.TransientError{Err: fmt.Errorf("HTTP 502")}
			}
			return issueAll(cards), nil
		}
		r := doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 100, nil)}, Platform: f, BatchSize: 10, Concurrency: 1})
		got := statuses(r.lines)
		if (r.err != nil) != tt.wantFatal {
			t.Errorf("failing calls %v: err = %v", tt.failing, r.err)
		}
		if !tt.wantFatal && (got[platform.StatusPending] != 10 || got[platform.StatusIssued] != 90) {
			t.Errorf("failing calls %v: statuses %v, want 90 issued and the failed batch pending", tt.failing, got)
		}
	}
}
