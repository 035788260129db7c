package mb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
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

const (
	testKey    = "key-1"
	testSecret = "secret-1"
)

// server answers each request with the next handler of the script (the
// last one repeats) after checking the envelope and signature.
func server(t *testing.T, script ...func(w http.ResponseWriter, req *Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req Request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("request is not JSON: %v", err)
			http.Error(w, "bad", 400)
			return
		}
		if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
			t.Errorf("Content-Type = %q", got)
		}
		if want := Sign(req.Get, testKey, testSecret); req.Get["sign"] != want {
			t.Errorf("sign = %s, want %s", req.Get["sign"], want)
		}
		for _, k := range []string{"gpid", "msid", "timestamp", "nonce", "signtype", "op"} {
			if req.Get[k] == "" {
				t.Errorf("get.%s missing", k)
			}
		}
		i := int(n.Add(1)) - 1
		script[min(i, len(script)-1)](w, &req)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newClient(t *testing.T, url string) *Client {
	t.Helper()
	c, err := New(Config{
		Endpoint: url, GPID: "g1", MSID: "m1", APIKey: testKey, AppSecret: testSecret,
		Timeout: 2 * time.Second,
		Pacer:   pace.New(0),
		Retry:   retry.Policy{Attempts: 3, Sleep: retry.NoSleep},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cards(nos ...string) []*platform.Card {
	var cs []*platform.Card
	for i, no := range nos {
		cs = append(cs, &platform.Card{Card: validate.Card{
			Cardno: no, Password: "123456", Extid: "e" + no, Name: "西瓜", Phone: fmt.Sprintf("1886230246%d", i), Sex: 1,
		}})
	}
	return cs
}

func reply(body string) func(http.ResponseWriter, *Request) {
	return func(w http.ResponseWriter, _ *Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}
}

// echo answers mb_newcard with every card, ids as numbers, mbno ≠ cardno.
func echo(w http.ResponseWriter, req *Request) {
	resp := map[string]any{"status": "1", "info": "发卡成功", "type": "2", "msid": 24667}
	var list []map[string]any
	for i, it := range req.Post.List {
		list = append(list, map[string]any{"id": 8481085 + i, "cardno": it.Cardno, "mbno": "M" + it.Cardno, "extid": it.Extid, "balance": ""})
	}
	resp["list"] = list
	json.NewEncoder(w).Encode(resp)
}

func TestIssueMatchesAnswerToCards(t *testing.T) {
	srv, _ := server(t, reply(`{"status":1,"info":"发卡成功","list":[
		{"id":"2","carno":"B2","mbno":"m2","extid":"eB2","balance":"100.88"},
		{"id":1,"cardno":"","mbno":"m1","extid":"eA1"},
		{"id":9,"cardno":"ZZ","mbno":"m9","extid":"nobody"}]}`))
	got, err := newClient(t, srv.URL).Issue(context.Background(), cards("A1", "B2", "C3"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []platform.Answer{
		{Found: true, ID: "1", Mbno: "m1", Extid: "eA1", Steps: platform.StepOpen},
		{Found: true, ID: "2", Mbno: "m2", Cardno: "B2", Extid: "eB2", Balance: "100.88", Steps: platform.StepOpen},
		{}, // C3 is missing from the answer: not issued until verified
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("answer %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestIssueSendsExactFields(t *testing.T) {
	var body map[string]any
	srv, _ := server(t, func(w http.ResponseWriter, req *Request) {
		b, _ := json.Marshal(req.Post.List[0])
		json.Unmarshal(b, &body)
		echo(w, req)
	})
	cs := cards("100101")
	cs[0].Balance, cs[0].HasBalance = validate.Money{Fen: 10088}, true
	cs[0].Points, cs[0].HasPoints = "200", true
	cs[0].Level = "3"
	if _, err := newClient(t, srv.URL).Issue(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"birthday", "subject", "ext_info", "expirydate", "idnumber"} {
		if _, ok := body[absent]; ok {
			t.Errorf("empty optional %s was sent", absent)
		}
	}
	if body["cardno"] != "100101" || body["sex"] != float64(1) || body["level"] != float64(3) || body["points"] != float64(200) {
		t.Errorf("list item = %v", body)
	}
	if body["balance"] != 100.88 {
		t.Errorf("balance = %v, want the number 100.88", body["balance"])
	}
}

func TestIssueClassifiesFailures(t *testing.T) {
	busy := reply(`{"status":"0","info":"请求过于频繁，请稍后再试"}`)
	tests := []struct {
		name       string
		script     []func(http.ResponseWriter, *Request)
		wantErr    func(error) bool
		wantCalls  int32
		suspect    bool
		throttled  int64
		attempts   int
		errContain string
	}{
		{name: "busy then ok", script: []func(http.ResponseWriter, *Request){busy, echo},
			wantErr: func(e error) bool { return e == nil }, wantCalls: 2, throttled: 1, attempts: 2},
		{name: "429 then ok", script: []func(http.ResponseWriter, *Request){status(429), echo},
			wantErr: func(e error) bool { return e == nil }, wantCalls: 2, throttled: 1, attempts: 2},
		{name: "500 is retried but the cards become suspect", script: []func(http.ResponseWriter, *Request){status(500), echo},
			wantErr: func(e error) bool { return e == nil }, wantCalls: 2, suspect: true, attempts: 2},
		{name: "500 three times", script: []func(http.ResponseWriter, *Request){status(503)},
			wantErr: platform.IsTransient, wantCalls: 3, suspect: true, attempts: 3},
		{name: "rejection", script: []func(http.ResponseWriter, *Request){reply(`{"status":"0","info":"卡号100101已存在"}`)},
			wantErr: func(e error) bool { r, ok := platform.AsRejection(e); return ok && r.Exists }, wantCalls: 1, attempts: 1},
		{name: "plain rejection", script: []func(http.ResponseWriter, *Request){reply(`{"status":0,"info":"手机号格式错误"}`)},
			wantErr: func(e error) bool { r, ok := platform.AsRejection(e); return ok && !r.Exists }, wantCalls: 1, attempts: 1},
		{name: "bad signature", script: []func(http.ResponseWriter, *Request){reply(`{"status":"0","info":"签名错误"}`)},
			wantErr: func(e error) bool { return errors.Is(e, platform.ErrAuth) }, wantCalls: 1, attempts: 1},
		{name: "clock", script: []func(http.ResponseWriter, *Request){reply(`{"status":"0","info":"时间戳已过期"}`)},
			wantErr: func(e error) bool { return errors.Is(e, platform.ErrAuth) }, wantCalls: 1, attempts: 1, errContain: "clock"},
		{name: "401", script: []func(http.ResponseWriter, *Request){status(401)},
			wantErr: func(e error) bool { return errors.Is(e, platform.ErrAuth) }, wantCalls: 1, attempts: 1},
		{name: "html instead of json", script: []func(http.ResponseWriter, *Request){reply(`<html>502 Bad Gateway</html>`)},
			wantErr: func(e error) bool { return errors.Is(e, platform.ErrUnknownOutcome) }, wantCalls: 1, suspect: true, attempts: 1},
		{name: "json of another shape", script: []func(http.ResponseWriter, *Request){reply(`{"data":null}`)},
			wantErr: func(e error) bool { return errors.Is(e, platform.ErrUnknownOutcome) }, wantCalls: 1, suspect: true, attempts: 1},
		{name: "connection dropped after the request", script: []func(http.ResponseWriter, *Request){hangUp},
			wantErr: func(e error) bool { return errors.Is(e, platform.ErrUnknownOutcome) }, wantCalls: 1, suspect: true, attempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := server(t, tt.script...)
			c := newClient(t, srv.URL)
			cs := cards("A1", "B2")
			_, err := c.Issue(context.Background(), cs, nil)
			if !tt.wantErr(err) {
				t.Fatalf("err = %v", err)
			}
			if tt.errContain != "" && !strings.Contains(err.Error(), tt.errContain) {
				t.Errorf("err %q does not mention %q", err, tt.errContain)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("requests = %d, want %d", got, tt.wantCalls)
			}
			for _, card := range cs {
				if card.Suspect != tt.suspect {
					t.Errorf("card %s Suspect = %v, want %v", card.Cardno, card.Suspect, tt.suspect)
				}
				if card.Attempts != tt.attempts {
					t.Errorf("card %s Attempts = %d, want %d", card.Cardno, card.Attempts, tt.attempts)
				}
			}
			if got := c.cfg.Pacer.Stats().Throttled; got != tt.throttled {
				t.Errorf("throttled = %d, want %d", got, tt.throttled)
			}
		})
	}
}

func status(code int) func(http.ResponseWriter, *Request) {
	return func(w http.ResponseWriter, _ *Request) {
		if code == 429 {
			w.Header().Set("Retry-After", "2")
		}
		w.WriteHeader(code)
	}
}

// hangUp closes the connection after reading the request, like a server
// that committed the cards and died before answering.
func hangUp(w http.ResponseWriter, _ *Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	srv, _ := server(t, status(429), echo)
	var waits []time.Duration
	c := newClient(t, srv.URL)
	c.cfg.Retry.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	if _, err := c.Issue(context.Background(), cards("A1"), nil); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] < 2*time.Second {
		t.Errorf("waits = %v, want one of at least 2s", waits)
	}
}

func TestUnreachableIsTransientAndNotSuspect(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close() // nothing listens: connection refused
	cs := cards("A1")
	_, err = newClient(t, url).Issue(context.Background(), cs, nil)
	if !platform.IsTransient(err) {
		t.Fatalf("err = %v, want transient", err)
	}
	if cs[0].Suspect || cs[0].Attempts != 0 {
		t.Errorf("a request that never left made the card suspect=%v attempts=%d", cs[0].Suspect, cs[0].Attempts)
	}
}

func TestTimeoutAfterSendingIsUnknown(t *testing.T) {
	srv, _ := server(t, func(w http.ResponseWriter, _ *Request) { time.Sleep(300 * time.Millisecond) })
	c := newClient(t, srv.URL)
	c.cfg.Timeout = 50 * time.Millisecond
	cs := cards("A1")
	if _, err := c.Issue(context.Background(), cs, nil); !errors.Is(err, platform.ErrUnknownOutcome) {
		t.Fatalf("err = %v, want unknown outcome", err)
	}
	if !cs[0].Suspect {
		t.Error("card not suspect after a timeout")
	}
}

func TestCheck(t *testing.T) {
	var gotKey string
	srv, _ := server(t, func(w http.ResponseWriter, req *Request) {
		for _, k := range []string{"extid", "id", "mbno", "phone"} {
			if v, ok := req.Get[k]; ok {
				gotKey = k + "=" + v
			}
		}
		if req.Action.Action != ActionCheck {
			t.Errorf("action = %s", req.Action.Action)
		}
		if req.Get["extid"] == "missing" {
			io.WriteString(w, `{"status":"0","info":"会员卡不存在"}`)
			return
		}
		io.WriteString(w, `{"status":"1","info":"ok","list":[{"id":77,"cardno":"A1","mbno":"M77","extid":"eA1"}]}`)
	})
	c := newClient(t, srv.URL)
	a, err := c.Verify(context.Background(), cards("A1")[0])
	if err != nil || !a.Found || a.ID != "77" || a.Mbno != "M77" || gotKey != "extid=eA1" {
		t.Errorf("Verify = %+v, %v (sent %s)", a, err, gotKey)
	}
	if _, err := c.Check(context.Background(), "extid", "missing"); !errors.Is(err, platform.ErrNotFound) {
		t.Errorf("Check of a missing card: err = %v, want ErrNotFound", err)
	}
	if _, err := c.Check(context.Background(), "cardno", "x"); err == nil {
		t.Error("Check by cardno accepted; mb_check has no such key")
	}
	if err := c.Preflight(context.Background()); err != nil {
		t.Errorf("Preflight = %v", err)
	}
}

func TestCheckRetriesUnknownOutcomes(t *testing.T) {
	srv, calls := server(t, hangUp, reply(`{"status":"1","list":[{"id":1,"cardno":"A1"}]}`))
	if _, err := newClient(t, srv.URL).Check(context.Background(), "extid", "eA1"); err != nil {
		t.Fatalf("read-only check not retried after a dropped answer: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("requests = %d, want 2", calls.Load())
	}
}

func TestGenerateIsNeverRetriedOnceSent(t *testing.T) {
	for _, tt := range []struct {
		name   string
		script func(http.ResponseWriter, *Request)
	}{{"500", status(500)}, {"dropped", hangUp}, {"malformed", reply("<html>")}} {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := server(t, tt.script)
			_, err := newClient(t, srv.URL).Generate(context.Background(), 10, validate.Money{Fen: 5000})
			if !errors.Is(err, platform.ErrUnknownOutcome) {
				t.Errorf("err = %v, want unknown outcome", err)
			}
			if calls.Load() != 1 {
				t.Errorf("type-15 call made %d times; must never be retried once sent", calls.Load())
			}
		})
	}
	srv, calls := server(t, reply(`{"status":"0","info":"系统繁忙"}`), func(w http.ResponseWriter, req *Request) {
		if req.Get["type"] != "15" || req.Get["count"] != "2" || req.Get["balance"] != "50" || req.Post != nil {
			t.Errorf("type-15 get = %v, post = %v", req.Get, req.Post)
		}
		io.WriteString(w, `{"status":"1","list":[{"id":1,"cardno":"900001","pwd":"111111","mbno":"M1"},{"id":2,"cardno":"900002","pwd":"222222","mbno":"M2"}]}`)
	})
	items, err := newClient(t, srv.URL).Generate(context.Background(), 2, validate.Money{Fen: 5000})
	if err != nil || len(items) != 2 || items[1].Pwd != "222222" {
		t.Errorf("Generate = %+v, %v", items, err)
	}
	if calls.Load() != 2 {
		t.Errorf("a busy answer (nothing applied) should be retried: %d calls", calls.Load())
	}
}

func TestNewRequiresCredentials(t *testing.T) {
	_, err := New(Config{Endpoint: "http://x"})
	if err == nil || !strings.Contains(err.Error(), "CARDIMPORT_APIKEY") {
		t.Errorf("err = %v, want the missing credentials named", err)
	}
	if _, err := New(Config{Endpoint: "ftp://x", GPID: "g", MSID: "m", APIKey: "k", AppSecret: "s"}); err == nil {
		t.Error("ftp endpoint accepted")
	}
}

// Ambiguous answers (SPEC §5): a redirect in answer to a write is never
// followed, and a body that is not exactly one JSON value with unique keys
// is no answer at all. Either way the cards may have been issued.
func TestAmbiguousAnswersAreUnknown(t *testing.T) {
	tests := []struct {
		name   string
		script []func(http.ResponseWriter, *Request)
	}{
		{"302 to a page that refuses a GET", []func(http.ResponseWriter, *Request){func(w http.ResponseWriter, _ *Request) {
			w.Header().Set("Location", "/login")
			w.WriteHeader(http.StatusFound)
		}}},
		{"307 keeps the method", []func(http.ResponseWriter, *Request){func(w http.ResponseWriter, _ *Request) {
			w.Header().Set("Location", "/other")
			w.WriteHeader(http.StatusTemporaryRedirect)
		}}},
		{"duplicate status keys", []func(http.ResponseWriter, *Request){reply(`{"status":"1","info":"发卡成功","list":[],"status":"0"}`)}},
		{"duplicate keys in an item", []func(http.ResponseWriter, *Request){reply(`{"status":"1","info":"发卡成功","list":[{"id":1,"cardno":"A1","cardno":"B2"}]}`)}},
		{"two documents", []func(http.ResponseWriter, *Request){reply(`{"status":"0","info":"卡号A1已存在"}{"status":"1"}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := server(t, tt.script...)
			cs := cards("A1")
			_, err := newClient(t, srv.URL).Issue(context.Background(), cs, nil)
			if !errors.Is(err, platform.ErrUnknownOutcome) {
				t.Fatalf("err = %v, want an unknown outcome", err)
			}
			if !cs[0].Suspect {
				t.Error("card not suspect")
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("requests = %d, want 1 (nothing followed or resent)", n)
			}
		})
	}
}

// A refusal of a whole list that names one card by number, in-card code or
// phone says which: the importer takes that row out without bisecting.
func TestIssueNamesTheRefusedCard(t *testing.T) {
	tests := []struct{ info, want string }{
		{"卡号B2已存在", "B2"},
		{"卡内编码eC3已存在", "C3"},
		{"手机号18862302460已被其他会员使用", "A1"},
		{"发卡列表格式错误", ""},
		{"卡号A1与卡号B2重复", ""}, // two cards: ambiguous
	}
	for _, tt := range tests {
		srv, _ := server(t, reply(`{"status":"0","info":"`+tt.info+`"}`))
		_, err := newClient(t, srv.URL).Issue(context.Background(), cards("A1", "B2", "C3"), nil)
		rej, ok := platform.AsRejection(err)
		if !ok || rej.Card != tt.want {
			t.Errorf("%s: err = %v, card %q, want %q", tt.info, err, rej.Card, tt.want)
		}
	}
}
