package retry_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
)

// TestBackoffBusyIsNotThrottling: a busy answer is retried on the plain
// backoff; only an answer saying the rate is too high waits at least
// ThrottleWait (issue 10: busy is not a rate signal).
func TestBackoffBusyIsNotThrottling(t *testing.T) {
	p := retry.Policy{Base: 100 * time.Millisecond, Max: time.Second}
	busy := &platform.TransientError{Err: errors.New("系统繁忙"), Busy: true}
	throttled := &platform.TransientError{Err: errors.New("请求过于频繁"), Throttled: true}
	for range 50 {
		if d := p.Backoff(1, busy); d < 50*time.Millisecond || d > 100*time.Millisecond {
			t.Fatalf("Backoff(1, busy) = %v, want the plain 50–100 ms", d)
		}
		if d := p.Backoff(1, throttled); d < retry.ThrottleWait {
			t.Fatalf("Backoff(1, throttled) = %v, want at least %v", d, retry.ThrottleWait)
		}
	}
}
