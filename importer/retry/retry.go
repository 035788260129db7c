// Package retry is the one retry policy of cardimport: which failures are
// worth another attempt (errors that say they are Transient: the platform
// clients' network errors before a request left, HTTP 5xx and 429, "busy"
// answers), and how long to wait between attempts (exponential backoff
// with "equal jitter" — half the ceiling plus a random half — capped, at
// least the other side's Retry-After). Nothing is retried after the
// context is cancelled. A Policy is a value and safe for concurrent use.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Transient is implemented by errors worth another attempt
// (platform.TransientError).
type Transient interface {
	error
	// RetryHint is what the other side said of the wait: its Retry-After
	// (0 when none) and whether it refused the request as too frequent.
	RetryHint() (after time.Duration, throttled bool)
}

func isTransient(err error) (Transient, bool) {
	var t Transient
	ok := errors.As(err, &t)
	return t, ok
}

// Policy says how often and how patiently to retry.
type Policy struct {
	Attempts int           // attempts in all, the first included (--retries); < 1 means 1
	Base     time.Duration // first backoff; default 500ms
	Max      time.Duration // backoff cap; default 30s

	// Sleep waits d or until ctx is done; tests inject a fake so that
	// retries take no time. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRetry, if set, is told about each retry before its wait.
	OnRetry func(attempt int, err error, wait time.Duration)
}

// Do calls fn until it succeeds, fails with an error that is not transient,
// runs out of attempts, or ctx is done. fn receives the attempt number,
// starting at 1. The last error is returned as it is, so callers keep
// testing it with errors.Is and errors.As.
func (p Policy) Do(ctx context.Context, fn func(attempt int) error) error {
	attempts := max(p.Attempts, 1)
	var err error
	for attempt := 1; ; attempt++ {
		if cerr := ctx.Err(); cerr != nil {
			if err == nil {
				err = cerr
			}
			return err
		}
		err = fn(attempt)
		if _, ok := isTransient(err); err == nil || !ok || attempt >= attempts {
			return err
		}
		wait := p.Backoff(attempt, err)
		if p.OnRetry != nil {
			p.OnRetry(attempt, err, wait)
		}
		if serr := p.sleep(ctx, wait); serr != nil {
			return err
		}
	}
}

// Backoff is the wait after the given failed attempt: equal jitter — a
// random wait between half the ceiling and the ceiling — over an
// exponential ceiling (Base·2^(attempt-1), capped at Max), never less than
// a Retry-After the platform asked for.
func (p Policy) Backoff(attempt int, err error) time.Duration {
	base, ceil := p.Base, p.Max
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if ceil <= 0 {
		ceil = 30 * time.Second
	}
	d := base
	for i := 1; i < attempt && d < ceil; i++ {
		d *= 2
	}
	d = min(d, ceil)
	// Equal jitter: never below half the ceiling, so that a burst of
	// concurrent failures spreads out without retrying at once.
	wait := d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	if t, ok := isTransient(err); ok {
		after, throttled := t.RetryHint()
		switch {
		case after > wait:
			wait = after
		case throttled && after == 0 && wait < ThrottleWait:
			// "Too frequent" without a Retry-After: platforms count
			// requests per second, so wait at least that long.
			wait = ThrottleWait
		}
	}
	return wait
}

// ThrottleWait is the least wait after a throttled answer that named no
// Retry-After.
const ThrottleWait = time.Second

func (p Policy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NoSleep is a Sleep for tests: it returns at once unless ctx is done.
func NoSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }
