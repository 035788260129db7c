package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
)

var (
	errBusy   = &platform.TransientError{Err: errors.New("busy")}
	errReject = &platform.Rejection{Info: "卡号已存在", Exists: true}
)

func TestDo(t *testing.T) {
	tests := []struct {
		name     string
		attempts int
		errs     []error // what fn returns on each call; nil after the list
		wantErr  error
		wantCall int
	}{
		{"success first", 5, nil, nil, 1},
		{"transient then success", 5, []error{errBusy, errBusy}, nil, 3},
		{"transient exhausts attempts", 3, []error{errBusy, errBusy, errBusy, errBusy}, errBusy, 3},
		{"rejection is not retried", 5, []error{errReject}, errReject, 1},
		{"unknown outcome is not retried", 5, []error{platform.ErrUnknownOutcome}, platform.ErrUnknownOutcome, 1},
		{"auth is not retried", 5, []error{platform.ErrAuth}, platform.ErrAuth, 1},
		{"zero attempts means one", 0, []error{errBusy}, errBusy, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			p := retry.Policy{Attempts: tt.attempts, Sleep: retry.NoSleep}
			err := p.Do(context.Background(), func(attempt int) error {
				calls++
				if attempt != calls {
					t.Errorf("attempt = %d on call %d", attempt, calls)
				}
				if calls <= len(tt.errs) {
					return tt.errs[calls-1]
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantCall {
				t.Errorf("calls = %d, want %d", calls, tt.wantCall)
			}
		})
	}
}

func TestDoStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	p := retry.Policy{Attempts: 10, Sleep: func(ctx context.Context, d time.Duration) error {
		cancel() // the user pressed Ctrl-C during the backoff
		return ctx.Err()
	}}
	err := p.Do(ctx, func(int) error { calls++; return errBusy })
	if calls != 1 {
		t.Errorf("calls = %d after cancellation, want 1", calls)
	}
	if !errors.Is(err, errBusy) {
		t.Errorf("err = %v, want the last failure", err)
	}
	calls = 0
	err = p.Do(ctx, func(int) error { calls++; return nil })
	if calls != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("on a done context: calls = %d, err = %v", calls, err)
	}
}

func TestBackoff(t *testing.T) {
	p := retry.Policy{Base: 100 * time.Millisecond, Max: time.Second}
	for attempt, ceil := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 30: time.Second} {
		for range 50 {
			d := p.Backoff(attempt, errBusy)
			if d < ceil/2 || d > ceil {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", attempt, d, ceil/2, ceil)
			}
		}
	}
	ra := &platform.TransientError{Err: errors.New("429"), Throttled: true, RetryAfter: 3 * time.Second}
	if d := p.Backoff(1, ra); d != 3*time.Second {
		t.Errorf("Backoff with Retry-After 3s = %v, want 3s", d)
	}
}

func TestOnRetry(t *testing.T) {
	var waits []time.Duration
	p := retry.Policy{Attempts: 3, Sleep: retry.NoSleep, OnRetry: func(_ int, _ error, d time.Duration) { waits = append(waits, d) }}
	_ = p.Do(context.Background(), func(int) error { return errBusy })
	if len(waits) != 2 {
		t.Errorf("OnRetry called %d times for 3 failed attempts, want 2", len(waits))
	}
}
