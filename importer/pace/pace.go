// Package pace owns the admission of a run's requests to the platform:
// the one adaptive rate limiter every platform client waits on once per
// HTTP request (Acquire, at the client edge), and the bound on requests in
// flight that a run puts in its context (InFlight). A Pacer is safe for
// concurrent use; it logs nothing unless given a logger (WithLog).
//
// The controller separates signals (SPEC §5). Only throttling — HTTP 429,
// an answer saying the rate is too high — lowers the run's rate
// (OnThrottle). A "busy" answer (OnBusy) lowers it only when busy answers
// are a large share of the recent ones, by a bounded step, never below
// half of --rate. Other transient failures (5xx, resets, timeouts) are the
// retry policy's: retried per request with backoff, never a rate signal.
//
// How the rate moves, and where the ideas come from:
//
//   - A token bucket with burst 1 (golang.org/x/time/rate) whose rate the
//     controller sets, as the AWS SDKs' adaptive retry mode sets its
//     bucket's fill rate. Waiters take turns, one token reserved at a
//     time, so that a new rate applies from the next request.
//   - Throttling cuts at most once per DownEvery: the refusals of requests
//     already in flight say nothing new (rclone's pacer "attacks" on the
//     first retry; Netflix concurrency-limits' AIMD cuts once per drop).
//     A decision goes down to what the platform accepted, halving the rate
//     at most (the multiplicative decrease of AIMD); before a second of
//     sending is measured, it halves.
//   - Never below what the platform demonstrably accepted: the rate of
//     accepted answers in the recent stretches in which requests left at
//     the full rate — since the last decision (the platform's bucket was
//     empty then), else over the last Window or its last second, less a
//     burst (Slack). AWS's adaptive mode measures the rate it sends at and
//     cuts from there; counting only full-rate stretches is Netflix's
//     AIMD rule of adapting only while the limit is in use. A rate
//     measured while the run itself was the bottleneck (workers tied up in
//     slow answers and retries) says nothing of the platform: counting it
//     was the spiral of issue 10, each cut lowering the measure that
//     justified the next.
//   - Recovery is additive, TCP-style: after Hold without throttling (or
//     BusyHold after a busy cut) the rate gains Step, --rate ÷
//     RecoverySteps, every Interval, up to the rate the last throttle
//     settled on (a blind cut climbs back to where it was): from nothing
//     to --rate in about 20 s.
//   - Above the rate the last throttle settled on, the platform's limit is
//     found only by trying: a probe starts at one Step and doubles
//     every quiet Interval up to ProbeMax Steps (TCP slow start; CUBIC's
//     convex region, careful near the old limit and fast past it), so a
//     limit raised from 10 to 30 requests/s is followed within 15 s, and
//     a probe that finds more probes again after Hold. Otherwise probes
//     come once ProbeEvery answers were accepted at the settled rate, or
//     MaxHold after the last refusal, whichever is first: a probe costs a
//     refusal or two, so refusals stay near one per ProbeEvery accepted
//     requests — the accepts-to-requests ratio that gRPC's adaptive
//     client-side throttling budgets, used here to space the probes.
//
// Not taken: rclone's exponential decay back to full speed (recovery here
// is additive, so a platform at its limit is not hit again at once), and
// Netflix's gradient limit, which reads latency: these platforms count
// requests per second, and their latency says little of that.
//
// Stats gives the effective rate now and the lowest it reached.
package pace

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Tuning of the controller. Each is a constant so that the package doc and
// the tests can name it.
const (
	// Down is the deepest one throttle decision cuts: the new rate is at
	// least Down × the old one, and at least what the platform accepted.
	// Before anything is measured it is the cut.
	Down = 0.5
	// DownEvery: at most one decrease per DownEvery.
	DownEvery = time.Second
	// Window is how far back acceptance and busy answers are measured, in
	// bins of Bin.
	Window = 3 * time.Second
	Bin    = 250 * time.Millisecond
	// FullShare: a bin counts as sent at the full rate when at least this
	// share of the requests the rate allowed in it left.
	FullShare = 0.8
	// MinSpan is the least time at the full rate that makes a measurement.
	MinSpan = time.Second
	// Slack is how many accepted answers of a window are not counted as
	// a rate: a platform's token bucket lets a burst through on top of
	// its rate (typically 1 or 2 requests), which a window of a few
	// seconds would otherwise count as capacity.
	Slack = 2

	// Interval is the recovery tick: one Step (or probe) per Interval.
	Interval = time.Second
	// RecoverySteps: Step is --rate ÷ RecoverySteps.
	RecoverySteps = 20
	// Hold is the least quiet time after a throttle before the rate rises.
	Hold = 2 * time.Second
	// ProbeEvery is the number of requests accepted at the rate the last
	// throttle settled on before the rate probes above it; MaxHold bounds
	// the wait, so that a raised limit is found in seconds.
	ProbeEvery = 100
	MaxHold    = 10 * time.Second
	// ProbeMax caps the probing step, in Steps: doubling from one Step,
	// it gets there in two intervals.
	ProbeMax = 4
	// RiseMargin: a throttle that settles this much above the rate the
	// one before settled on shows a raised limit.
	RiseMargin = 0.1

	// BusyShare: busy answers lower the rate only when they are at least
	// this share of the answers of the last Window (and at least
	// BusyMinAnswers of them), by BusyCut, never below BusyFloor × --rate
	// nor below the accepted rate; BusyHold is the pause before the rate
	// climbs back.
	BusyShare      = 0.2
	BusyMinAnswers = 40
	BusyCut        = 0.9
	BusyFloor      = 0.5
	BusyHold       = 2 * time.Second

	// MinRate is the floor the rate never drops below.
	MinRate = 0.2
	// LogEvery bounds the Info lines about lowerings.
	LogEvery = 30 * time.Second
)

// bins is the size of the history ring: Window and the bin in progress.
const bins = int(Window/Bin) + 1

// bin is what happened during one Bin of time.
type bin struct {
	sent     int     // requests that left
	accepted int     // answers that were not refused as too frequent or busy
	answers  int     // every answer the pacer was told about
	busy     int     // busy answers
	allowed  float64 // requests the rate allowed during the bin (∫ rate dt)
}

// Pacer is the run's adaptive request-rate limiter.
type Pacer struct {
	lim  *rate.Limiter
	turn chan struct{} // held by the one waiter whose token is next
	max  float64       // --rate; 0 = unlimited
	now  func() time.Time
	log  *slog.Logger

	mu    sync.Mutex
	cur   float64 // the effective rate (the limiter's)
	low   float64 // the lowest effective rate so far
	known float64 // the rate the last throttle settled on; max until one
	probe float64 // the next probing step above known
	step  float64 // the additive recovery step

	// Since the last throttle decision: accepted answers, for ProbeEvery.
	sinceDown int
	// rising: the last throttle settled well above the one before — a
	// raised limit being found; probing resumes after Hold.
	rising    bool
	lastDown  time.Time // last decision to lower (throttle or busy)
	lastCut   time.Time // last decision on a throttle
	lastThr   time.Time // last throttled answer
	lastBusy  time.Time // last decrease for busy answers
	lastUp    time.Time // last increase
	lastLog   time.Time // last Info line about a lowering
	lowLogged float64   // the lowest rate logged since the last restoration

	ring     [bins]bin
	head     int       // the bin in progress
	headFrom time.Time // when it began
	mark     time.Time // up to when its allowed is counted

	requests  atomic.Int64
	throttled atomic.Int64
	busy      atomic.Int64
}

// Option configures a Pacer.
type Option func(*Pacer)

// WithLog makes the pacer log its lowerings and restorations of the rate.
func WithLog(l *slog.Logger) Option { return func(p *Pacer) { p.log = l } }

// WithClock replaces time.Now for the controller's decisions (tests).
func WithClock(now func() time.Time) Option { return func(p *Pacer) { p.now = now } }

// New returns a Pacer allowing perSecond requests per second; perSecond <= 0
// means no limit (the pacer then only counts).
func New(perSecond float64, opts ...Option) *Pacer {
	p := &Pacer{now: time.Now, turn: make(chan struct{}, 1)}
	for _, o := range opts {
		o(p)
	}
	if perSecond <= 0 || math.IsNaN(perSecond) || math.IsInf(perSecond, 0) {
		p.lim = rate.NewLimiter(rate.Inf, 1)
		return p
	}
	p.max, p.cur, p.low, p.known = perSecond, perSecond, perSecond, perSecond
	p.step = perSecond / RecoverySteps
	p.probe = p.step
	p.lowLogged = perSecond
	p.lim = rate.NewLimiter(rate.Limit(perSecond), 1)
	now := p.now()
	p.headFrom, p.mark = now, now
	return p
}

// Wait blocks until the next request may leave, or ctx is done. Most
// callers want Acquire, which also takes a place among the requests in
// flight.
//
// Waiters take turns: one at a time reserves the next token and sleeps
// until it is due, so that a change of the rate applies from the very
// next request (reservations made ahead at an old rate would otherwise
// leave bunched with the new ones, and a platform counting requests per
// second refuses bunches).
func (p *Pacer) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.max == 0 {
		p.requests.Add(1)
		return nil
	}
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.turn }()
	p.mu.Lock()
	now := p.now()
	r := p.lim.ReserveN(now, 1)
	p.mu.Unlock()
	if d := r.DelayFrom(now); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			p.mu.Lock()
			r.CancelAt(p.now())
			p.mu.Unlock()
			return ctx.Err()
		}
	}
	p.leave()
	return nil
}

// leave records a request that left now.
func (p *Pacer) leave() {
	p.requests.Add(1)
	if p.max == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.advance(now)
	p.ring[p.head].sent++
	p.grow(now)
}

// OnThrottle records an answer that refused the request as too frequent
// (HTTP 429, "请求过于频繁"): the rate is lowered, to no less than what
// the platform demonstrably accepted lately.
func (p *Pacer) OnThrottle() {
	p.throttled.Add(1)
	if p.max == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.advance(now)
	p.ring[p.head].answers++
	p.lastThr = now
	if now.Sub(p.lastDown) < DownEvery {
		return
	}
	// Before anything is measured, halve the rate to stop the refusals
	// quickly, but climb back towards where it was: the cut is a guess,
	// not a measure of the platform's limit.
	next, known := p.cur*Down, p.cur
	if a, ok := p.accepted(now); ok {
		next = max(p.cur*Down, min(a, p.cur))
		known = next
	}
	next = max(next, MinRate)
	// A probe that found the platform accepting more than the rate the
	// last throttle settled on goes on probing after Hold: the limit was
	// raised, and is being found.
	p.rising = known > p.known*(1+RiseMargin)
	p.lastDown, p.lastCut = now, now
	p.known = max(known, next)
	p.probe = p.step
	p.sinceDown = 0
	p.set(now, next, "throttled")
}

// OnBusy records an answer that said the platform is busy (系统繁忙,
// "try again later") without saying the rate is too high. The request is
// retried by the retry policy; the rate is lowered only when busy answers
// are BusyShare or more of the recent answers, and never below BusyFloor ×
// --rate.
func (p *Pacer) OnBusy() {
	p.busy.Add(1)
	if p.max == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.advance(now)
	p.ring[p.head].answers++
	p.ring[p.head].busy++
	if now.Sub(p.lastDown) < DownEvery {
		return
	}
	var answers, busy int
	for i := range p.ring {
		answers += p.ring[i].answers
		busy += p.ring[i].busy
	}
	if answers < BusyMinAnswers || float64(busy) < BusyShare*float64(answers) {
		return
	}
	floor := BusyFloor * p.max
	if a, ok := p.accepted(now); ok {
		floor = max(floor, a)
	}
	next := max(p.cur*BusyCut, floor)
	if next >= p.cur {
		return
	}
	p.lastDown, p.lastBusy = now, now
	p.set(now, next, "busy")
}

// OnSuccess records an answer the platform did not refuse as too frequent
// or busy: a success or a business refusal.
func (p *Pacer) OnSuccess() {
	if p.max == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.advance(now)
	p.ring[p.head].answers++
	p.ring[p.head].accepted++
	p.sinceDown++
	p.grow(now)
}

// grow raises the rate after a quiet while: additively up to the rate the
// last throttle settled on (or --rate), probing above it with a doubling
// step.
func (p *Pacer) grow(now time.Time) {
	if p.cur >= p.max || now.Sub(p.lastUp) < Interval ||
		now.Sub(p.lastThr) < Hold || now.Sub(p.lastBusy) < BusyHold {
		return
	}
	var next float64
	if p.cur < p.known {
		next = min(p.cur+p.step, p.known)
	} else {
		if !p.rising && p.sinceDown < ProbeEvery && now.Sub(p.lastThr) < MaxHold {
			return
		}
		next = p.cur + p.probe
		p.probe = min(2*p.probe, ProbeMax*p.step)
	}
	p.lastUp = now
	p.set(now, min(next, p.max), "recovering")
}

// accepted is what the platform demonstrably accepted lately: the rate
// of accepted answers in the bins in which requests left at the full
// rate. Right after a decision taken on a refusal the platform's bucket
// held less than one request, so the bins since then measure its rate
// (less half an answer). Otherwise the bins of the last Window do, or those of
// its last second when they say more (the rate was rising), less Slack
// for a burst. ok is false when too little was sent at the full rate to
// tell.
func (p *Pacer) accepted(now time.Time) (float64, bool) {
	if !p.lastCut.IsZero() && now.Sub(p.lastCut) < Window {
		if a, ok := p.acceptedSince(now, p.lastCut, 0.5, MinSpan*3/4); ok {
			return a, true
		}
	}
	a, ok := p.acceptedSince(now, time.Time{}, Slack, MinSpan)
	if last, lok := p.acceptedSince(now, now.Add(-MinSpan), 1, MinSpan*3/4); lok && last > a {
		return last, true
	}
	return a, ok
}

// acceptedSince is the accepted rate over the full-rate bins that began
// at or after since, less slack answers; ok is false below minSpan.
func (p *Pacer) acceptedSince(now, since time.Time, slack float64, minSpan time.Duration) (float64, bool) {
	var n int
	var span time.Duration
	for k := range bins {
		i := (p.head - k + bins) % bins
		from := p.headFrom.Add(-time.Duration(k) * Bin)
		if from.Before(since) {
			break
		}
		b := &p.ring[i]
		d := Bin
		if k == 0 {
			d = now.Sub(p.headFrom)
		}
		// Requests are whole: a bin that allowed 2.6 sent 2 or 3.
		if b.allowed < 1 || float64(b.sent) < min(FullShare*b.allowed, b.allowed-1) {
			continue
		}
		n += b.accepted
		span += d
	}
	if span < minSpan {
		return 0, false
	}
	return max(float64(n)-slack, 0) / span.Seconds(), true
}

// advance moves the history to now: the bin in progress counts the
// requests the current rate allowed until now, and bins older than Window
// are forgotten.
func (p *Pacer) advance(now time.Time) {
	if now.Before(p.mark) {
		return // a clock that went back: count nothing twice
	}
	if now.Sub(p.headFrom) > Window+Bin {
		// Idle for longer than the window: start afresh.
		p.ring = [bins]bin{}
		p.headFrom = now.Add(-now.Sub(p.headFrom) % Bin)
		p.mark = p.headFrom
	}
	for {
		end := p.headFrom.Add(Bin)
		if now.Before(end) {
			p.ring[p.head].allowed += p.cur * now.Sub(p.mark).Seconds()
			p.mark = now
			return
		}
		p.ring[p.head].allowed += p.cur * end.Sub(p.mark).Seconds()
		p.head = (p.head + 1) % bins
		p.ring[p.head] = bin{}
		p.headFrom, p.mark = end, end
	}
}

// set changes the effective rate (advance has run) and says so.
func (p *Pacer) set(now time.Time, next float64, why string) {
	prev := p.cur
	if next == prev {
		return
	}
	p.cur = next
	p.lim.SetLimitAt(now, rate.Limit(next))
	newLow := next < p.low
	if newLow {
		p.low = next
	}
	if p.log == nil {
		return
	}
	switch {
	case next < prev:
		lvl := slog.LevelDebug
		if next < p.lowLogged || now.Sub(p.lastLog) >= LogEvery {
			lvl = slog.LevelInfo
			p.lastLog = now
			p.lowLogged = min(p.lowLogged, next)
		}
		p.log.Log(context.Background(), lvl, "request rate lowered", "reason", why, "from", round(prev), "to", round(next), "rate", p.max)
	case next >= p.max:
		p.log.Info("request rate restored", "rate", p.max, "lowest", round(p.low))
		p.lowLogged = p.max
	default:
		p.log.Debug("request rate raised", "from", round(prev), "to", round(next), "rate", p.max)
	}
}

func round(r float64) float64 { return math.Round(r*100) / 100 }

// Stats is a snapshot of the pacer's counters. Rates are 0 when the pacer
// is unlimited.
type Stats struct {
	Requests  int64 // requests that left
	Throttled int64 // answers that refused a request as too frequent
	Busy      int64 // answers that said the platform is busy

	Rate   float64 // the effective rate now, requests/s
	Lowest float64 // the lowest effective rate of the run
	Max    float64 // the rate asked for (--rate)
}

// Stats returns the counters.
func (p *Pacer) Stats() Stats {
	s := Stats{Requests: p.requests.Load(), Throttled: p.throttled.Load(), Busy: p.busy.Load()}
	if p.max == 0 {
		return s
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s.Rate, s.Lowest, s.Max = p.cur, p.low, p.max
	return s
}

// inFlightKey is the context key of a run's bound on requests in flight.
type inFlightKey struct{}

// InFlight returns a context under which at most n requests are in
// flight at once, whichever goroutines send them: Acquire takes a place
// before the request waits for the rate, and the request gives it back
// once its answer is read. This is how a run's --concurrency bounds the
// requests on the wire rather than the cards in progress. n <= 0 means no
// bound.
func InFlight(ctx context.Context, n int) context.Context {
	if n <= 0 {
		return ctx
	}
	return context.WithValue(ctx, inFlightKey{}, make(chan struct{}, n))
}

// Acquire waits for a place among the requests in flight (when ctx bounds
// them, see InFlight), then for the rate. release gives the place back:
// call it once the request's answer is read. On error nothing is held.
func (p *Pacer) Acquire(ctx context.Context) (release func(), err error) {
	slots, _ := ctx.Value(inFlightKey{}).(chan struct{})
	if slots != nil {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	free := func() {
		if slots != nil {
			<-slots
		}
	}
	if err := p.Wait(ctx); err != nil {
		free()
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(free) }, nil
}
