package sandy

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

// TestLoadSignals: errcode 500 with 請求過於頻繁 (or HTTP 429) is
// throttling, with 系統繁忙 busy — retried without being taken for an
// unknown outcome, the pacer told which (issue 10); a plain errcode 500
// is neither.
func TestLoadSignals(t *testing.T) {
	card := &validate.Card{Cardno: "M1", Name: "王", Phone: "13800138000", Sex: 1}
	for _, tt := range []struct {
		name            string
		h               http.HandlerFunc
		throttled, busy int64
	}{
		{"too frequent", answer(200, `{"errcode":500,"errmsg":"請求過於頻繁"}`), 3, 0},
		{"429", answer(429, `{"errcode":500,"errmsg":"內部錯誤"}`), 3, 0},
		{"busy", answer(200, `{"errcode":500,"errmsg":"系統繁忙"}`), 0, 3},
		{"busy, simplified", answer(200, `{"errcode":500,"errmsg":"系统繁忙，请稍后再试"}`), 0, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, calls := testClient(t, tt.h)
			err := c.Open(context.Background(), card, "1")
			var te *platform.TransientError
			if !errors.As(err, &te) || te.Sent || te.Throttled != (tt.throttled > 0) || te.Busy != (tt.busy > 0) {
				t.Fatalf("err = %#v", err)
			}
			if calls.Load() != 3 {
				t.Errorf("%d calls, want 3", calls.Load())
			}
			if s := c.cfg.Pacer.Stats(); s.Throttled != tt.throttled || s.Busy != tt.busy {
				t.Errorf("pacer %+v, want throttled %d busy %d", s, tt.throttled, tt.busy)
			}
		})
	}
	c, _ := testClient(t, answer(500, `{"errcode":500,"errmsg":"內部錯誤"}`))
	_, _ = c.Levels(context.Background())
	if s := c.cfg.Pacer.Stats(); s.Throttled != 0 || s.Busy != 0 {
		t.Errorf("pacer %+v after plain errcode 500s", s)
	}
}
