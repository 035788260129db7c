package mb

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
)

// TestLoadSignals: an answer saying the rate is too high is throttling
// (the pacer lowers the rate); one saying the platform is busy, or a
// reused nonce, is busy (retried, the pacer told as busy): issue 10.
func TestLoadSignals(t *testing.T) {
	for _, tt := range []struct {
		info             string
		throttled, busy  int64
		wantThrottledErr bool
	}{
		{"请求过于频繁，请稍后再试", 1, 0, true},
		{"接口限流", 1, 0, true},
		{"系统繁忙", 0, 1, false},
		{"系统繁忙，请稍后再试", 0, 1, false},
		{"nonce重复", 0, 1, false},
	} {
		t.Run(tt.info, func(t *testing.T) {
			srv, calls := server(t, reply(`{"status":"0","info":"`+tt.info+`"}`))
			c := newClient(t, srv.URL)
			_, err := c.Issue(context.Background(), cards("A1"), nil)
			var te *platform.TransientError
			if !errors.As(err, &te) || te.Throttled != tt.wantThrottledErr || te.Busy == tt.wantThrottledErr {
				t.Fatalf("err = %#v, want a transient error, throttled %v, busy %v", err, tt.wantThrottledErr, !tt.wantThrottledErr)
			}
			if calls.Load() != 3 {
				t.Errorf("%d calls, want 3 (retried)", calls.Load())
			}
			if s := c.cfg.Pacer.Stats(); s.Throttled != 3*tt.throttled || s.Busy != 3*tt.busy {
				t.Errorf("pacer %+v: want throttled %d, busy %d", s, 3*tt.throttled, 3*tt.busy)
			}
		})
	}
	// A 5xx is neither: the pacer hears nothing of it.
	srv, _ := server(t, status(http.StatusBadGateway))
	c := newClient(t, srv.URL)
	_, _ = c.Issue(context.Background(), cards("A1"), nil)
	if s := c.cfg.Pacer.Stats(); s.Throttled != 0 || s.Busy != 0 {
		t.Errorf("pacer %+v after HTTP 502s", s)
	}
}
