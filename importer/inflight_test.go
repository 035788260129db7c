package importer_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
)

// stepPlatform issues a card in steps, the shape of the sandy flow: each
// step is one request through the run's request edge (pace.Acquire under
// the run's context, as platform.Exchange does), and between two steps
// the card's progress is committed (the journal's work, off the wire).
type stepPlatform struct {
	pacer *pace.Pacer
	steps int
	// between runs after each step's request, before the next.
	between func(cardno string, step int)

	onWire, wirePeak   atomic.Int32
	inIssue, issuePeak atomic.Int32
}

func (s *stepPlatform) Issue(ctx context.Context, cards []*platform.Card, _ platform.Progress) ([]platform.Answer, error) {
	raise(&s.issuePeak, s.inIssue.Add(1))
	defer s.inIssue.Add(-1)
	for step := range s.steps {
		release, err := s.pacer.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		raise(&s.wirePeak, s.onWire.Add(1))
		time.Sleep(time.Millisecond) // the request on the wire
		s.onWire.Add(-1)
		release()
		if s.between != nil {
			s.between(cards[0].Cardno, step)
		}
	}
	return issueAll(cards), nil
}

func (s *stepPlatform) Verify(context.Context, *platform.Card) (platform.Answer, error) {
	return platform.Answer{}, platform.ErrNotFound
}

func raise(peak *atomic.Int32, n int32) {
	for {
		m := peak.Load()
		if n <= m || peak.CompareAndSwap(m, n) {
			return
		}
	}
}

// TestConcurrencyBoundsRequestsNotCards (issue 10, item 2): --concurrency
// bounds the requests on the wire, not the cards in progress. With one
// request in flight allowed, a card committing its first step leaves the
// wire free, and the next card's first request takes it; the old model
// (one card at a time) waited for the first card's last step — here that
// wait never ends, because the first card's commit waits for the second
// card's request.
func TestConcurrencyBoundsRequestsNotCards(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	f := &stepPlatform{pacer: pace.New(0), steps: 3}
	f.between = func(cardno string, step int) {
		switch {
		case cardno == "6000001" && step == 0:
			once.Do(func() { close(started) }) // the second card's first request is done
		case cardno == "6000000" && step == 0:
			<-started
		}
	}
	done := make(chan run, 1)
	go func() {
		done <- doRun(t, context.Background(), importer.Config{
			Rosters: []importer.Roster{rosterCSV(t, 2, nil)}, Platform: f, BatchSize: 1, Concurrency: 1,
		})
	}()
	select {
	case r := <-done:
		if got := statuses(r.lines); got[platform.StatusIssued] != 2 {
			t.Errorf("statuses = %v", got)
		}
	case <-time.After(20 * time.Second):
		once.Do(func() { close(started) }) // let the run end
		<-done
		t.Fatal("the second card never left while the first was between two steps: --concurrency 1 bounded cards, not requests")
	}
	if p := f.wirePeak.Load(); p != 1 {
		t.Errorf("%d requests on the wire at once, want at most --concurrency 1", p)
	}
}

// TestRequestsInFlightNeverExceedConcurrency: many multi-step cards, more
// of them in progress than --concurrency, never more requests on the wire.
func TestRequestsInFlightNeverExceedConcurrency(t *testing.T) {
	f := &stepPlatform{pacer: pace.New(0), steps: 4, between: func(string, int) { time.Sleep(time.Millisecond) }}
	r := doRun(t, context.Background(), importer.Config{
		Rosters: []importer.Roster{rosterCSV(t, 200, nil)}, Platform: f, BatchSize: 1, Concurrency: 3,
	})
	if got := statuses(r.lines); got[platform.StatusIssued] != 200 {
		t.Fatalf("statuses = %v", got)
	}
	if p := f.wirePeak.Load(); p > 3 {
		t.Errorf("%d requests on the wire at once, --concurrency is 3", p)
	}
	if p := f.issuePeak.Load(); p <= 3 {
		t.Logf("cards in progress peaked at %d (no more than --concurrency on this run)", p)
	}
}
