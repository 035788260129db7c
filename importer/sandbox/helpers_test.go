package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/validate"
)

// start runs a sandbox on a loopback port for the test.
func start(t testing.TB, cfg Config) *Server {
	t.Helper()
	srv, err := Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Server.Close: %v", err)
		}
	})
	return srv
}

// noKeepAlive is a client whose every request uses a fresh connection, so
// that an injected reset or drop affects exactly one request.
func noKeepAlive(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

// mbCaller builds signed 果盘 requests the way the real client does.
type mbCaller struct {
	t        testing.TB
	url      string
	http     *http.Client
	apiKey   string
	secret   string
	gpid     string
	msid     string
	clock    func() time.Time
	nonceSeq atomic.Int64
}

func newMBCaller(t testing.TB, srv *Server) *mbCaller {
	return &mbCaller{
		t: t, url: srv.MBEndpoint(), http: noKeepAlive(10 * time.Second),
		apiKey: DefaultAPIKey, secret: DefaultAppSecret, gpid: DefaultGPID, msid: DefaultMSID,
		clock: time.Now,
	}
}

// signedGet returns a signed get group with extra parameters.
func (c *mbCaller) signedGet(extra map[string]string) map[string]string {
	get := map[string]string{
		"gpid":      c.gpid,
		"msid":      c.msid,
		"timestamp": c.clock().Local().Format(mb.TimestampLayout),
		"nonce":     "n" + strconv.FormatInt(c.nonceSeq.Add(1), 10) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		"signtype":  "sha1",
		"op":        "test",
	}
	for k, v := range extra {
		get[k] = v
	}
	get["sign"] = mb.Sign(get, c.apiKey, c.secret)
	return get
}

// result is one HTTP exchange.
type result struct {
	code int
	resp mb.Response
	raw  []byte
	err  error // transport error
}

// postJSON posts any document to the 果盘 endpoint.
func (c *mbCaller) postJSON(doc any) result {
	c.t.Helper()
	body, err := json.Marshal(doc)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.postRaw(body)
}

func (c *mbCaller) postRaw(body []byte) result {
	c.t.Helper()
	res, err := c.http.Post(c.url, "application/json; charset=utf-8", bytes.NewReader(body))
	if err != nil {
		return result{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	r := result{code: res.StatusCode, raw: raw, err: err}
	if err == nil {
		_ = json.Unmarshal(raw, &r.resp)
	}
	return r
}

// newCard sends mb_newcard with a list.
func (c *mbCaller) newCard(items ...mb.Item) result {
	c.t.Helper()
	return c.postJSON(mb.Request{Action: mb.Action{Action: mb.ActionNewCard}, Get: c.signedGet(nil), Post: &mb.Post{List: items}})
}

// generate sends mb_newcard type 15.
func (c *mbCaller) generate(count int, balance string) result {
	c.t.Helper()
	get := map[string]string{"type": "15", "count": strconv.Itoa(count)}
	if balance != "" {
		get["balance"] = balance
	}
	return c.postJSON(mb.Request{Action: mb.Action{Action: mb.ActionNewCard}, Get: c.signedGet(get)})
}

// check sends mb_check with the given keys.
func (c *mbCaller) check(keys map[string]string) result {
	c.t.Helper()
	return c.postJSON(mb.Request{Action: mb.Action{Action: mb.ActionCheck}, Get: c.signedGet(keys)})
}

// item is a valid card numbered i.
func item(i int) mb.Item {
	return mb.Item{
		Cardno:   fmt.Sprintf("1001%02d", i),
		Password: "123456",
		Extid:    fmt.Sprintf("E%d", i),
		Name:     fmt.Sprintf("会员%d", i),
		Phone:    fmt.Sprintf("1380000%04d", i),
		Sex:      json.Number(strconv.Itoa(i % 2)),
	}
}

func items(from, n int) []mb.Item {
	out := make([]mb.Item, n)
	for i := range out {
		out[i] = item(from + i)
	}
	return out
}

func ledger(t testing.TB, s *Sandbox) Ledger {
	t.Helper()
	l, err := s.Ledger()
	if err != nil {
		t.Fatalf("Ledger: %v", err)
	}
	return l
}

// wantStatus asserts an HTTP 200 answer with the status and info.
func wantStatus(t testing.TB, r result, status, info string) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("transport error: %v", r.err)
	}
	if r.code != http.StatusOK || string(r.resp.Status) != status || r.resp.Info != info {
		t.Fatalf("answer HTTP %d status %q info %q, want HTTP 200 status %q info %q; body %s",
			r.code, r.resp.Status, r.resp.Info, status, info, r.raw)
	}
}

// sandyCaller calls the member-cjb routes.
type sandyCaller struct {
	t     testing.TB
	base  string
	http  *http.Client
	token string
	guid  string
}

func newSandyCaller(t testing.TB, srv *Server) *sandyCaller {
	return &sandyCaller{t: t, base: srv.SandyBase(), http: noKeepAlive(10 * time.Second),
		token: DefaultSandyToken, guid: DefaultCustomerGUID}
}

type sandyResult struct {
	code int
	raw  []byte
	m    map[string]json.RawMessage // nil unless the body is an object
	err  error
}

// field returns a top-level field's raw JSON text.
func (r sandyResult) field(name string) string { return string(r.m[name]) }

func (c *sandyCaller) call(method, name string, body any) sandyResult {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+name, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("AUTHORIZATION", c.token)
	req.Header.Set("CUSTOMERGUID", c.guid)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return sandyResult{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	r := sandyResult{code: res.StatusCode, raw: raw, err: err}
	_ = json.Unmarshal(raw, &r.m)
	return r
}

func (c *sandyCaller) post(name string, body any) sandyResult {
	c.t.Helper()
	return c.call(http.MethodPost, name, body)
}

// ok asserts a successful answer.
func (r sandyResult) ok(t testing.TB) sandyResult {
	t.Helper()
	if r.err != nil || r.code != http.StatusOK || r.m["errcode"] != nil {
		t.Fatalf("want success, got HTTP %d err %v body %s", r.code, r.err, r.raw)
	}
	return r
}

// refused asserts an errcode answer.
func (r sandyResult) refused(t testing.TB, httpCode, errcode int, errmsg string) {
	t.Helper()
	var e sandyError
	if r.err != nil || json.Unmarshal(r.raw, &e) != nil || r.code != httpCode || e.Code != errcode || e.Msg != errmsg {
		t.Fatalf("want HTTP %d errcode %d errmsg %q, got HTTP %d err %v body %s", httpCode, errcode, errmsg, r.code, r.err, r.raw)
	}
}

func mustMoney(t testing.TB, s string) validate.Money {
	t.Helper()
	m, err := validate.ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
