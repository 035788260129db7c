package pace

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// Every test here runs on a fake clock (clock_test.go) or in the
// simulation (sim_test.go): nothing waits on the wall clock, and the
// times asserted are simulated ones.

func newTestPacer(r float64, opts ...Option) (*Pacer, *clock) {
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	return New(r, append([]Option{WithClock(c.now)}, opts...)...), c
}

// feed runs the pacer for d at its current rate: a request leaves every
// 1/sendRate (sendRate 0: at the pacer's rate), and answer decides how
// each is answered (nil: accepted).
func feed(p *Pacer, c *clock, d time.Duration, sendRate float64, answer func(i int)) {
	n := 0
	for end := c.t.Add(d); c.t.Before(end); n++ {
		r := sendRate
		if r == 0 {
			r = p.Stats().Rate
		}
		c.advance(time.Duration(float64(time.Second) / r))
		p.leave()
		if answer != nil {
			answer(n)
		} else {
			p.OnSuccess()
		}
	}
}

func near(got, want float64) bool { return got > want-0.01 && got < want+0.01 }

func TestThrottleBeforeAnythingIsMeasuredHalves(t *testing.T) {
	p, c := newTestPacer(20)
	p.OnThrottle()
	p.OnThrottle() // the same burst of refusals
	p.OnThrottle()
	if got := p.Stats().Rate; got != 20*Down {
		t.Fatalf("rate after the first burst of throttles = %v, want %v", got, 20*Down)
	}
	if got := p.Stats().Throttled; got != 3 {
		t.Errorf("throttled = %d, want 3 (every answer counts)", got)
	}
	c.advance(DownEvery)
	p.OnThrottle()
	if got := p.Stats().Rate; got != 20*Down*Down {
		t.Errorf("rate after a second second of throttling, still nothing measured = %v, want %v", got, 20*Down*Down)
	}
}

func TestThrottleNeverCutsBelowWhatWasAccepted(t *testing.T) {
	p, c := newTestPacer(15)
	platform := rate.NewLimiter(rate.Inf, 2)
	answer := func(int) {
		if platform.AllowN(c.t, 1) {
			p.OnSuccess()
		} else {
			p.OnThrottle()
		}
	}
	// The platform accepts everything for a while, then only 12/s.
	feed(p, c, Window, 0, answer)
	platform.SetLimitAt(c.t, 12)
	feed(p, c, 30*time.Second, 0, answer)
	// It accepted 12/s (less a burst, over a window of 250 ms bins): the
	// rate went down to that and never below.
	if low := p.Stats().Lowest; low < 11 {
		t.Errorf("lowest rate %v is below what the platform accepted (12/s)", low)
	}
	if got := p.Stats().Rate; got < 11 || got > 12.5 {
		t.Errorf("rate = %v after throttling at 15 with 12/s accepted, want 11 to 12.5", got)
	}
}

func TestThrottleCutsAtMostHalf(t *testing.T) {
	p, c := newTestPacer(40)
	platform := rate.NewLimiter(rate.Inf, 2)
	var cuts []float64 // after ÷ before, per decision
	answer := func(int) {
		if platform.AllowN(c.t, 1) {
			p.OnSuccess()
			return
		}
		before := p.Stats().Rate
		p.OnThrottle()
		if after := p.Stats().Rate; after != before {
			cuts = append(cuts, after/before)
		}
	}
	feed(p, c, Window, 0, answer)
	// The platform drops to 4/s: each decision halves the rate at most,
	// down to what the platform accepts.
	platform.SetLimitAt(c.t, 4)
	feed(p, c, 10*time.Second, 0, answer)
	for _, f := range cuts {
		if f < Down {
			t.Errorf("cuts %v: one decision more than halved the rate", cuts)
		}
	}
	if got := p.Stats().Rate; got < 3.5 || got > 4.5 {
		t.Errorf("rate %v after cuts %v, want about the 4/s accepted", got, cuts)
	}
}

// TestSlowStretchIsNoMeasure: answers accepted while the run itself sent
// slowly (its workers tied up) say nothing of the platform's capacity: a
// throttle then is a blind cut, not a cut to that slow rate.
func TestSlowStretchIsNoMeasure(t *testing.T) {
	p, c := newTestPacer(20)
	feed(p, c, Window, 2, nil) // 2 requests/s, all accepted, at a rate of 20
	p.OnThrottle()
	if got := p.Stats().Rate; got != 20*Down {
		t.Errorf("rate = %v, want the blind cut %v, not the 2/s the run happened to send", got, 20*Down)
	}
}

// TestRecoveryIsAdditive: back towards the rate a blind cut left, one
// Step (--rate ÷ RecoverySteps) per Interval after Hold.
func TestRecoveryIsAdditive(t *testing.T) {
	p, c := newTestPacer(20)
	p.OnThrottle() // nothing measured: halved, to climb back to 20
	feed(p, c, Hold-Interval/2, 0, nil)
	if got := p.Stats().Rate; got != 10 {
		t.Fatalf("rate %v within Hold of a throttle, want 10", got)
	}
	var rates []float64
	for p.Stats().Rate < 20 && len(rates) < 30 {
		feed(p, c, Interval, 0, nil)
		rates = append(rates, p.Stats().Rate)
	}
	step := 20.0 / RecoverySteps
	for i := 1; i < len(rates); i++ {
		if d := rates[i] - rates[i-1]; d != 0 && !near(d, step) {
			t.Errorf("rates %v: a step of %v, want %v", rates, d, step)
		}
	}
	if len(rates) > 12 {
		t.Errorf("rates %v: 10 steps of 1 took %d intervals", rates, len(rates))
	}
}

// TestProbingDoubles: above the rate a measured throttle settled on, the
// rate probes from a Step, doubling, once ProbeEvery answers were
// accepted or MaxHold passed.
func TestProbingDoubles(t *testing.T) {
	p, c := newTestPacer(40)
	feed(p, c, Window, 0, func(i int) {
		if i%4 == 0 {
			p.OnSuccess()
		}
	})
	p.OnThrottle() // settles at 20 (halved; 10/s were accepted)
	prev := p.Stats().Rate
	var steps []float64
	for range 15 {
		feed(p, c, Interval, 0, nil)
		if r := p.Stats().Rate; r != prev {
			steps = append(steps, r-prev)
			prev = r
		}
	}
	step := 40.0 / RecoverySteps
	want := []float64{step, 2 * step, ProbeMax * step} // then capped by --rate
	if len(steps) < len(want) {
		t.Fatalf("steps %v, want %v", steps, want)
	}
	for i, w := range want {
		if !near(steps[i], w) {
			t.Fatalf("steps %v, want %v: a step, doubling, capped at %d steps", steps, want, ProbeMax)
		}
	}
	if prev != 40 {
		t.Errorf("rate %v at the end, want --rate 40", prev)
	}
}

// TestReturnsWithin30s: after a run of throttling the rate is back at
// --rate within 30 s of the last refusal.
func TestReturnsWithin30s(t *testing.T) {
	for _, r := range []float64{1, 5, 20, 200} {
		p, c := newTestPacer(r)
		// Refused at every request for 20 s: the rate goes to the bottom.
		feed(p, c, 20*time.Second, 0, func(int) { p.OnThrottle() })
		if low := p.Stats().Lowest; low > r/4 {
			t.Fatalf("rate %v: lowest %v after 20 s of refusals", r, low)
		}
		var took time.Duration
		for p.Stats().Rate < r {
			feed(p, c, time.Second, 0, nil)
			took += time.Second
			if took > time.Minute {
				break
			}
		}
		if took > 30*time.Second {
			t.Errorf("rate %v: back to --rate after %v, want within 30 s", r, took)
		}
	}
}

func TestFloor(t *testing.T) {
	p, c := newTestPacer(1)
	for range 100 {
		p.OnThrottle()
		c.advance(DownEvery)
	}
	if got := p.Stats().Rate; got != MinRate {
		t.Errorf("rate = %v after many throttles, want the floor %v", got, MinRate)
	}
}

func TestBusyAloneDoesNotCut(t *testing.T) {
	p, c := newTestPacer(20)
	// One answer in 20 is busy: 5 %, far from BusyShare.
	feed(p, c, time.Minute, 0, func(i int) {
		if i%20 == 7 {
			p.OnBusy()
		} else {
			p.OnSuccess()
		}
	})
	if s := p.Stats(); s.Lowest != 20 || s.Busy == 0 {
		t.Errorf("stats %+v: 5 %% busy answers must not lower the rate", s)
	}
}

func TestBusyCutsBoundedly(t *testing.T) {
	p, c := newTestPacer(20)
	// Every answer busy for 30 s: the rate goes down, but never below
	// BusyFloor of --rate.
	feed(p, c, 30*time.Second, 0, func(int) { p.OnBusy() })
	s := p.Stats()
	if s.Lowest >= 20 {
		t.Fatalf("rate never lowered by a platform answering only busy: %+v", s)
	}
	if s.Lowest < 20*BusyFloor {
		t.Errorf("lowest %v: busy answers cut below %v", s.Lowest, 20*BusyFloor)
	}
	// Busy answers stop: back to 20 within 30 s.
	var took time.Duration
	for p.Stats().Rate < 20 && took <= time.Minute {
		feed(p, c, time.Second, 0, nil)
		took += time.Second
	}
	if took > 30*time.Second {
		t.Errorf("back to --rate %v after busy answers stopped; want within 30 s", took)
	}
}

func TestStatsAndUnlimited(t *testing.T) {
	p := New(0)
	for range 1000 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	p.OnThrottle()
	p.OnBusy()
	p.OnSuccess()
	if s := p.Stats(); s != (Stats{Requests: 1000, Throttled: 1, Busy: 1}) {
		t.Errorf("stats = %+v", s)
	}
	q, _ := newTestPacer(8)
	q.OnThrottle()
	if s := q.Stats(); s.Rate != 4 || s.Lowest != 4 || s.Max != 8 {
		t.Errorf("stats = %+v, want rate 4, lowest 4, max 8", s)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	p := New(0.001)
	_ = p.Wait(context.Background()) // spend the burst
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); err == nil {
		t.Error("Wait returned nil although the next token is minutes away")
	}
	// The cancelled wait gave its turn back: another waiter is not stuck
	// behind it.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	if err := p.Wait(ctx2); err == nil || err == context.Canceled {
		t.Errorf("second wait: %v, want its own deadline", err)
	}
}

func TestInFlight(t *testing.T) {
	p := New(0)
	ctx := InFlight(context.Background(), 3)
	var now, peak atomic.Int32
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for range 20 {
		wg.Go(func() {
			release, err := p.Acquire(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			n := now.Add(1)
			for {
				m := peak.Load()
				if n <= m || peak.CompareAndSwap(m, n) {
					break
				}
			}
			<-gate
			now.Add(-1)
			release()
			release() // twice is harmless
		})
	}
	for peak.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	if got := peak.Load(); got != 3 {
		t.Errorf("peak in flight = %d, want 3", got)
	}
	// A full gate and a done context: nothing is held.
	full := InFlight(context.Background(), 1)
	release, _ := p.Acquire(full)
	cctx, cancel := context.WithCancel(full)
	cancel()
	if _, err := p.Acquire(cctx); err == nil {
		t.Error("Acquire on a full gate with a done context succeeded")
	}
	release()
	if r, err := p.Acquire(full); err != nil {
		t.Errorf("the gate was not given back: %v", err)
	} else {
		r()
	}
}

func TestLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	p, c := newTestPacer(20, WithLog(log))
	p.OnThrottle()
	for p.Stats().Rate < 20 {
		feed(p, c, time.Second, 0, nil)
	}
	out := buf.String()
	if !strings.Contains(out, "request rate lowered") || !strings.Contains(out, "reason=throttled") || !strings.Contains(out, "to=10") {
		t.Errorf("no line for the lowering:\n%s", out)
	}
	if !strings.Contains(out, "request rate restored") || !strings.Contains(out, "lowest=10") {
		t.Errorf("no line for the restoration:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("%d lines at Info, want 2 (the steps up are Debug):\n%s", n, out)
	}
}

// The simulated runs below are the benchmarks' scenarios in miniature,
// on simulated time.

// TestSimLimited: a platform accepting 10 of --rate 20 (burst 2, 100 ms):
// the run settles just under the limit with few refusals.
func TestSimLimited(t *testing.T) {
	s := newSim(20, simPlatform{lim: rate.NewLimiter(10, 2), latency: 100 * time.Millisecond}, 1)
	s.run(2*time.Minute, 8, nil)
	tot := s.totals(0, 120)
	if got := float64(tot.accepted) / 120 / 10; got < 0.9 {
		t.Errorf("accepted %.3f of the limit, want ≥ 0.9", got)
	}
	if got := float64(tot.throttled) / float64(tot.sent); got >= 0.02 {
		t.Errorf("%.2f %% throttled, want < 2 %%", got*100)
	}
}

// TestSimLimitChanges: the limit goes 10 → 30 → 5; the rate follows each
// within 15 s, whenever the change comes.
func TestSimLimitChanges(t *testing.T) {
	for k := range 12 {
		plat := simPlatform{lim: rate.NewLimiter(10, 2), latency: 100 * time.Millisecond}
		s := newSim(40, plat, 1)
		up := 20*time.Second + time.Duration(k)*1077*time.Millisecond
		down := up + 25*time.Second
		s.run(down+25*time.Second, 8, map[time.Duration]func(){
			up:   func() { plat.lim.SetLimitAt(s.clock.t, 30) },
			down: func() { plat.lim.SetLimitAt(s.clock.t, 5) },
		})
		follows := func(from time.Duration, ok func(r float64) bool) int {
			for i := int(from / time.Second); i < len(s.secs); i++ {
				if ok(s.secs[i].rate) {
					return i - int(from/time.Second)
				}
			}
			return 1 << 30
		}
		if took := follows(up, func(r float64) bool { return r >= 27 }); took > 15 {
			t.Errorf("limit raised to 30 at %v: the rate reached 27 after %d s", up, took)
		}
		if took := follows(down, func(r float64) bool { return r <= 5.5 }); took > 15 {
			t.Errorf("limit lowered to 5 at %v: the rate came down to 5.5 after %d s", down, took)
		}
	}
}

// TestSimNoCollapseUnderFaults: 5 % busy answers and 10 % failures that
// are not about the rate (5xx, resets) at full speed: the rate holds.
func TestSimNoCollapseUnderFaults(t *testing.T) {
	for seed := range uint64(5) {
		s := newSim(50, simPlatform{lim: rate.NewLimiter(rate.Inf, 1), latency: 20 * time.Millisecond, busy: 0.05, fail: 0.10}, seed)
		s.run(5*time.Minute, 8, nil)
		st := s.p.Stats()
		if st.Lowest < 50 {
			t.Errorf("seed %d: the rate fell to %v under 5 %% busy answers", seed, st.Lowest)
		}
		if got := float64(s.totals(0, 300).sent) / 300; got < 49 {
			t.Errorf("seed %d: %.1f requests/s of 50", seed, got)
		}
	}
}

// TestSimBusyStorm: half the answers busy for 20 s — the rate is cut, but
// no lower than BusyFloor, and back at --rate within 30 s after.
func TestSimBusyStorm(t *testing.T) {
	plat := simPlatform{lim: rate.NewLimiter(rate.Inf, 1), latency: 20 * time.Millisecond}
	s := newSim(50, plat, 3)
	s.run(70*time.Second, 8, map[time.Duration]func(){
		10 * time.Second: func() { s.plat.busy = 0.5 },
		30 * time.Second: func() { s.plat.busy = 0 },
	})
	if low := s.p.Stats().Lowest; low >= 50 || low < 50*BusyFloor {
		t.Errorf("lowest %v: want a bounded cut, in [%v, 50)", low, 50*BusyFloor)
	}
	back := -1
	for i := 30; i < len(s.secs); i++ {
		if s.secs[i].rate >= 50 {
			back = i - 30
			break
		}
	}
	if back < 0 || back > 30 {
		t.Errorf("rate back at 50 %d s after the busy answers stopped, want within 30", back)
	}
}
