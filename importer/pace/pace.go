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

// Tuning of the adaptive rate. A throttle costs 15 % of the rate, at most
// once per DownEvery (the answers of requests already in flight when the
// platform started refusing must not count again); every UpEvery without a
// throttle gains 5 %. Against a platform limited at L requests/s this saws
// between 0.85·L and L, about 0.92·L on average, and throttles roughly one
// request in 10·L.
const (
	DownFactor = 0.85
	UpFactor   = 1.05
	DownEvery  = time.Second
	UpEvery    = 2 * time.Second
	// MinRate is the floor the rate never drops below.
	MinRate = 0.2
)

// Pacer is an adaptive token bucket with burst 1.
type Pacer struct {
	lim *rate.Limiter
	max rate.Limit
	now func() time.Time

	mu      sync.Mutex
	lastChg time.Time // last decrease or increase

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
	if now.Sub(p.lastChg) < DownEvery {
		return
	}
	p.lastChg = now
	p.lim.SetLimitAt(now, max(p.lim.Limit()*DownFactor, MinRate))
}

// OnSuccess records an answer that was not throttled and, after a quiet
// UpEvery, raises the rate a step back towards the maximum.
func (p *Pacer) OnSuccess() {
	if p.max == rate.Inf {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.lim.Limit()
	if cur >= p.max {
		return
	}
	now := p.now()
	if now.Sub(p.lastChg) < UpEvery {
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
