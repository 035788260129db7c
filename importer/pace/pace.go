// Package pace holds the one request-rate limiter of a run. Every platform
// client waits on it once per HTTP request, at the client edge, and reports
// throttled answers back to it: repeated throttling lowers the effective rate
// multiplicatively, and quiet periods raise it back slowly, never above the
// --rate the user asked for (the shape of rclone's pacer). A Pacer is safe
// for concurrent use.
package pace

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Tuning of the adaptive rate. A throttle sets the rate to 95 % of what
// the platform accepted over the last Window, or at least cuts it by
// DownFactor (by Blind when too little was accepted to measure), at most
// once per DownEvery: the answers of requests
// already in flight when the platform started refusing must not count
// again. After a throttle the rate holds for Hold, then gains UpFactor
// every UpEvery without a throttle. Against a platform limited at L
// requests/s it settles just under L and probes above it about once every
// 16 s, so well under 2 % of the requests are refused.
const (
	DownFactor = 0.85
	Blind      = 0.5 // the cut when too little was accepted lately to measure
	Headroom   = 0.95
	UpFactor   = 1.03
	DownEvery  = time.Second
	UpEvery    = 2 * time.Second
	Hold       = 10 * time.Second
	Window     = 2 * time.Second
	// MinRate is the floor the rate never drops below.
	MinRate = 0.2
)

// Pacer is an adaptive token bucket with burst 1.
type Pacer struct {
	lim *rate.Limiter
	max rate.Limit
	now func() time.Time

	mu       sync.Mutex
	lastChg  time.Time   // last decrease or increase
	lastDown time.Time   // last decrease
	oks      []time.Time // when recent answers were accepted, oldest first

	requests  atomic.Int64
	throttled atomic.Int64
}

// New returns a Pacer allowing perSecond requests per second; perSecond <= 0
// means no limit.
func New(perSecond float64) *Pacer {
	lim := rate.Limit(perSecond)
	if perSecond <= 0 {
		lim = rate.Inf
	}
	return &Pacer{lim: rate.NewLimiter(lim, 1), max: lim, now: time.Now}
}

// Wait blocks until the next request may leave, or ctx is done.
func (p *Pacer) Wait(ctx context.Context) error {
	if err := p.lim.Wait(ctx); err != nil {
		return err
	}
	p.requests.Add(1)
	return nil
}

// OnThrottle records a throttled answer (HTTP 429, a "too frequent" status)
// and lowers the rate.
func (p *Pacer) OnThrottle() {
	p.throttled.Add(1)
	if p.max == rate.Inf {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Sub(p.lastDown) < DownEvery {
		return
	}
	p.lastChg, p.lastDown = now, now
	p.trim(now)
	// What the platform accepted is only a measure once it spans a second
	// or more: right after the start, a burst says nothing, and the rate
	// is halved (the classic multiplicative decrease) to stop the refusals
	// quickly.
	cur := p.lim.Limit()
	next := cur * Blind
	if n := len(p.oks); n >= 5 {
		if span := now.Sub(p.oks[0]); span >= time.Second {
			// The accepted rate only bounds the platform's capacity from
			// below when we were sending at it, so it may cut deeper than
			// DownFactor but never below Blind.
			next = cur * DownFactor
			accepted := rate.Limit(float64(n-1) / span.Seconds() * Headroom)
			next = max(min(next, accepted), cur*Blind)
		}
	}
	p.lim.SetLimitAt(now, max(next, MinRate))
}

// trim drops acceptances older than Window.
func (p *Pacer) trim(now time.Time) {
	i := 0
	for i < len(p.oks) && now.Sub(p.oks[i]) > Window {
		i++
	}
	p.oks = p.oks[i:]
}

// OnSuccess records an answer that was not throttled and, after a quiet
// UpEvery, raises the rate a step back towards the maximum.
func (p *Pacer) OnSuccess() {
	if p.max == rate.Inf {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.oks = append(p.oks, now)
	if len(p.oks) > 4096 {
		p.trim(now)
	}
	cur := p.lim.Limit()
	if cur >= p.max {
		return
	}
	if now.Sub(p.lastChg) < UpEvery || now.Sub(p.lastDown) < Hold {
		return
	}
	p.lastChg = now
	p.lim.SetLimitAt(now, min(cur*UpFactor, p.max))
}

// Stats is a snapshot of the pacer's counters.
type Stats struct {
	Requests  int64   // requests that left
	Throttled int64   // answers that said slow down
	Rate      float64 // the current effective rate (0 when unlimited)
}

// Stats returns the counters.
func (p *Pacer) Stats() Stats {
	r := float64(p.lim.Limit())
	if p.lim.Limit() == rate.Inf {
		r = 0
	}
	return Stats{Requests: p.requests.Load(), Throttled: p.throttled.Load(), Rate: r}
}
