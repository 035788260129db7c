package sandy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/validate"
)

func testClient(t *testing.T, h http.HandlerFunc) (*Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("AUTHORIZATION") != "tok" || r.Header.Get("CUSTOMERGUID") != "{G}" {
			t.Errorf("headers = %v", r.Header)
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{Base: srv.URL + "/api2/member-cjb/", Token: "tok", CustomerGUID: "{G}", Timeout: time.Second,
		Pacer: pace.New(0), Retry: retry.Policy{Attempts: 3, Sleep: retry.NoSleep}})
	if err != nil {
		t.Fatal(err)
	}
	return c, &calls
}

func answer(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func TestErrcodeClassification(t *testing.T) {
	card := &validate.Card{Cardno: "M1", Name: "王", Phone: "13800138000", Sex: 1}
	tests := []struct {
		name  string
		h     http.HandlerFunc
		check func(error) bool
		calls int32
	}{
		{"1 missing params", answer(200, `{"errcode":1,"errmsg":"參數不足"}`), isRejection(false), 1},
		{"3 exists", answer(200, `{"errcode":"3","errmsg":"卡已存在"}`), isRejection(true), 1},
		{"4 insufficient", answer(200, `{"errcode":4,"errmsg":"余額不足"}`), isRejection(false), 1},
		{"400 bad params", answer(200, `{"errcode":400,"errmsg":"手機號格式錯誤"}`), isRejection(false), 1},
		{"300 expired stops the run", answer(200, `{"errcode":300,"errmsg":"系統過期"}`), is(platform.ErrAuth), 1},
		{"401 stops the run", answer(401, `{"errcode":400,"errmsg":"AUTHORIZATION無效"}`), is(platform.ErrAuth), 1},
		{"404 is a wrong endpoint", answer(404, `not found`), is(platform.ErrAuth), 1},
		// cardopen is a write: a 500 may have opened the card, so it is
		// not retried blindly but reported as an unknown outcome.
		{"500 on a write is unknown", answer(500, `{"errcode":500,"errmsg":"內部錯誤"}`), is(platform.ErrUnknownOutcome), 1},
		{"throttled is retried", answer(200, `{"errcode":500,"errmsg":"請求過於頻繁"}`), platform.IsTransient, 3},
		{"another shape is unknown", answer(200, `{"data":null}`), is(platform.ErrUnknownOutcome), 1},
		{"html is unknown", answer(200, `<html>`), is(platform.ErrUnknownOutcome), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, calls := testClient(t, tt.h)
			err := c.Open(context.Background(), card, "1")
			if !tt.check(err) {
				t.Errorf("err = %v", err)
			}
			if calls.Load() != tt.calls {
				t.Errorf("calls = %d, want %d", calls.Load(), tt.calls)
			}
		})
	}
}

func TestReadsRetryEverything(t *testing.T) {
	var n atomic.Int32
	c, calls := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(500)
			io.WriteString(w, `{"errcode":500,"errmsg":"內部錯誤"}`)
			return
		}
		io.WriteString(w, `{"card_id":"M1","phone":"13800138000","amount":14493.80,"sum_recharge":529,"birthday":""}`)
	})
	info, err := c.CardInfo(context.Background(), "M1")
	if err != nil || string(info.Amount) != "14493.80" || calls.Load() != 3 {
		t.Errorf("CardInfo = %+v, %v after %d calls", info, err, calls.Load())
	}
	c2, _ := testClient(t, answer(200, `{"errcode":2,"errmsg":"卡不存在"}`))
	if _, err := c2.CardInfo(context.Background(), "M9"); !errors.Is(err, platform.ErrNotFound) {
		t.Errorf("errcode 2: err = %v, want ErrNotFound", err)
	}
}

func TestPrepare(t *testing.T) {
	rules := `{"rules":[],"paytypes":[[1,"現金"],[2,"銀行卡"]]}`
	bonus := `{"rules":[{"money":1,"add_score":0.0,"description":"充值送10%","add_money":0.1}],"paytypes":[[2,"銀行卡"],[1,"現金"]]}`
	noCash := `{"rules":[],"paytypes":[[2,"銀行卡"]]}`
	route := func(rulesBody string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasSuffix(r.URL.Path, "/cardlevellist") && r.Method == http.MethodGet:
				io.WriteString(w, `[{"card_lel_name":"普通會員","id":1},{"card_lel_name":"高級會員","id":2}]`)
			case strings.HasSuffix(r.URL.Path, "/getrechargerules"):
				io.WriteString(w, rulesBody)
			default:
				t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			}
		}
	}
	c, _ := testClient(t, route(rules))
	_, s, err := c.Prepare(context.Background(), false)
	if err != nil || s.PayType.ID != "1" || len(s.Levels) != 2 || s.Levels[1].Name != "高級會員" || s.Levels[1].ID != "2" {
		t.Errorf("Prepare = %+v, %v", s, err)
	}
	c, _ = testClient(t, route(bonus))
	if _, _, err := c.Prepare(context.Background(), false); !errors.Is(err, ErrBonusRules) || !strings.Contains(err.Error(), "充值送10%") {
		t.Errorf("bonus rules: err = %v", err)
	}
	if _, s, err := c.Prepare(context.Background(), true); err != nil || s.PayType.Name != "現金" || len(s.Bonus) != 1 {
		t.Errorf("bonus allowed: %+v, %v", s, err)
	}
	c, _ = testClient(t, route(noCash))
	if _, _, err := c.Prepare(context.Background(), false); err == nil || !strings.Contains(err.Error(), "cash") {
		t.Errorf("no cash pay type: err = %v", err)
	}
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func isRejection(exists bool) func(error) bool {
	return func(err error) bool {
		r, ok := platform.AsRejection(err)
		return ok && r.Exists == exists
	}
}

// A redirect is never followed and a body with duplicate keys is no answer:
// cardopen may have opened the card.
func TestAmbiguousAnswersAreUnknown(t *testing.T) {
	card := &validate.Card{Cardno: "M1", Name: "王", Phone: "13800138000", Sex: 1}
	tests := []struct {
		name string
		h    http.HandlerFunc
	}{
		{"302", func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				t.Errorf("redirect followed: %s %s", r.Method, r.URL)
			}
			w.Header().Set("Location", "/login")
			w.WriteHeader(http.StatusFound)
		}},
		{"308", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/api2/member-cjb/cardopen2")
			w.WriteHeader(http.StatusPermanentRedirect)
		}},
		{"duplicate errcode", answer(200, `{"errcode":"0","errmsg":"","card_id":"M1","errcode":"3"}`)},
		{"duplicate card_id", answer(200, `{"card_id":"M1","phone":"13800138000","card_id":"M2"}`)},
		{"trailing document", answer(200, `{"card_id":"M1"} {"errcode":3}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, calls := testClient(t, tt.h)
			err := c.Open(context.Background(), card, "1")
			if !errors.Is(err, platform.ErrUnknownOutcome) {
				t.Errorf("err = %v, want an unknown outcome", err)
			}
			if err != nil && strings.Contains(err.Error(), card.Phone) {
				t.Errorf("err = %v: the phone unmasked", err)
			}
			if calls.Load() != 1 {
				t.Errorf("calls = %d, want 1", calls.Load())
			}
		})
	}
}

// A recharge whose answer was lost but which the platform applied is
// settled by a look at once, without waiting for the settle time; one not
// there yet waits (SettleError), and is never resent before.
func TestLostRechargeAnswerSettledAtOnce(t *testing.T) {
	for _, applied := range []bool{true, false} {
		var recharges atomic.Int32
		c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasSuffix(r.URL.Path, "/recharge"):
				recharges.Add(1)
				if hj, ok := w.(http.Hijacker); ok {
					conn, _, _ := hj.Hijack()
					conn.Close() // the answer is lost
				}
			case strings.HasSuffix(r.URL.Path, "/getcardhis"):
				if applied {
					io.WriteString(w, `{"data":[{"ori_money":12.5,"act_money":12.5,"amount":12.5,"type":6,"time":1,"id":1}],"pages":1.0,"page_size":100,"page":1}`)
				} else {
					io.WriteString(w, `{"data":[],"pages":0.0,"page_size":100,"page":1}`)
				}
			case strings.HasSuffix(r.URL.Path, "/getcardinfo"):
				sum := "0"
				if applied {
					sum = "12.5"
				}
				io.WriteString(w, `{"card_id":"M1","phone":"13800138000","uname":"王","amount":12.5,"sum_recharge":`+sum+`,"birthday":""}`)
			case strings.HasSuffix(r.URL.Path, "/getcards"):
				io.WriteString(w, `{"cards":[{"card_id":"M1","id":7,"amount":12.5,"cur_score":0,"phone":"13800138000"}]}`)
			}
		})
		flow := &Flow{Client: c, payType: PayType{ID: "1"}, defaultLevel: "1"}
		card := &platform.Card{Card: validate.Card{Cardno: "M1", Name: "王", Phone: "13800138000", Sex: 1, HasBalance: true, Balance: validate.Money{Fen: 1250}}, Done: platform.StepOpen}
		_, err := flow.Issue(context.Background(), []*platform.Card{card}, nil)
		var settle *platform.SettleError
		switch {
		case applied && err != nil:
			t.Errorf("applied recharge: err = %v, want it settled at once", err)
		case applied && !card.Done.Has(platform.StepRecharge):
			t.Errorf("applied recharge: steps %v", card.Done)
		case !applied && !errors.As(err, &settle):
			t.Errorf("recharge not there yet: err = %v, want a SettleError", err)
		}
		if n := recharges.Load(); n != 1 {
			t.Errorf("applied=%v: %d recharges sent, want 1", applied, n)
		}
	}
}

// A history whose record count cannot be read is not complete: an absent
// recharge in it proves nothing (a resend on its word could pay twice).
func TestHistoryCompleteOnlyWhenCounted(t *testing.T) {
	for _, tt := range []struct {
		pages string
		want  bool
	}{
		{`0`, true}, {`0.0`, true}, {`"0"`, true}, {`1`, false}, {`"many"`, false}, {`""`, false},
	} {
		c, _ := testClient(t, answer(200, `{"data":[],"pages":`+tt.pages+`,"page_size":100,"page":1}`))
		_, complete, err := c.History(context.Background(), "M1", EventRecharge)
		if err != nil && tt.want {
			t.Errorf("pages %s: %v", tt.pages, err)
		}
		if err == nil && complete != tt.want {
			t.Errorf("pages %s: complete = %v, want %v", tt.pages, complete, tt.want)
		}
	}
}

// Verify of a card whose recharge got no answer reads the card once: the
// getcardinfo it starts with also gives recharged its sum_recharge.
func TestVerifyReadsTheCardOnce(t *testing.T) {
	var infos atomic.Int32
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/getcardhis"):
			io.WriteString(w, `{"data":[{"ori_money":12.5,"act_money":12.5,"amount":12.5,"type":6,"time":1,"id":1}],"pages":1,"page_size":100,"page":1}`)
		case strings.HasSuffix(r.URL.Path, "/getcardinfo"):
			infos.Add(1)
			io.WriteString(w, `{"card_id":"M1","phone":"13800138000","uname":"王","amount":12.5,"sum_recharge":12.5,"birthday":""}`)
		case strings.HasSuffix(r.URL.Path, "/getcards"):
			io.WriteString(w, `{"cards":[{"card_id":"M1","id":7,"amount":12.5,"cur_score":0,"phone":"13800138000"}]}`)
		}
	})
	flow := &Flow{Client: c, payType: PayType{ID: "1"}, defaultLevel: "1"}
	card := &platform.Card{Card: validate.Card{Cardno: "M1", Name: "王", Phone: "13800138000", Sex: 1, HasBalance: true, Balance: validate.Money{Fen: 1250}},
		Done: platform.StepOpen | platform.StepRechargeSent}
	a, err := flow.Verify(context.Background(), card)
	if err != nil || !a.Steps.Has(platform.StepRecharge) {
		t.Fatalf("Verify: %+v, %v", a, err)
	}
	if n := infos.Load(); n != 1 {
		t.Errorf("%d getcardinfo calls, want 1", n)
	}
}
