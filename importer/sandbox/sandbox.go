package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Credentials the simulator accepts when Config leaves them empty. The sandy
// ones are the test account of the member-cjb document.
const (
	DefaultAPIKey       = "sandbox-apikey"
	DefaultAppSecret    = "sandbox-appsecret"
	DefaultGPID         = "10001"
	DefaultMSID         = "24667"
	DefaultSandyToken   = "test"
	DefaultCustomerGUID = "{DEFAULT-AUTO-8E5A-BDE2-34ABA1BD956C9}"
)

// Routes of the simulator.
const (
	MBPath      = "/mb"               // POST: the 果盘 API; the action is in the body
	SandyPrefix = "/api2/member-cjb/" // followed by the member-cjb route name
	AdminPrefix = "/_sandbox/"        // ledger, stats, faults, rate, expired
)

// DefaultBurst is the token bucket's burst when Config.Burst is 0.
const DefaultBurst = 2

// ThrottleStyle is how a rate-limited request is answered.
type ThrottleStyle int

const (
	// ThrottleHTTP429 answers HTTP 429 with Retry-After: 1.
	ThrottleHTTP429 ThrottleStyle = iota
	// ThrottleStatus answers HTTP 200 with a business refusal: mb status "0"
	// info "请求过于频繁，请稍后再试"; sandy errcode 500 errmsg "請求過於頻繁".
	ThrottleStatus
)

// String returns "http429" or "status".
func (t ThrottleStyle) String() string {
	if t == ThrottleStatus {
		return "status"
	}
	return "http429"
}

// MarshalText encodes the style as its String.
func (t ThrottleStyle) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText accepts "http429", "429" or "status".
func (t *ThrottleStyle) UnmarshalText(b []byte) error {
	switch strings.ToLower(strings.TrimSpace(string(b))) {
	case "http429", "429", "":
		*t = ThrottleHTTP429
	case "status":
		*t = ThrottleStatus
	default:
		return fmt.Errorf("throttle style %q: want http429 or status", b)
	}
	return nil
}

// Config configures a Sandbox. The zero value is a working simulator with
// the default credentials, no rate limit, no faults and state in memory.
type Config struct {
	// mb credentials the simulator accepts (empty: the Default* constants).
	APIKey, AppSecret, GPID, MSID string
	// sandy headers it accepts (empty: DefaultSandyToken, DefaultCustomerGUID).
	SandyToken, CustomerGUID string

	Rate     float64       // requests per second accepted (token bucket); 0 = unlimited
	Burst    int           // token bucket burst; 0 = DefaultBurst
	Throttle ThrottleStyle // how a rate-limited request is answered
	Latency  time.Duration // added before every API request is processed (honours the request's context)
	Faults   Faults        // fault injection; see Faults

	// StatePath is "" to keep state in memory, else a SQLite file (WAL) that
	// survives restarts.
	StatePath string
	// RechargeBonus makes sandy getrechargerules list the seed's bonus rules
	// (充值送10%, 沖500送100) and recharge apply them.
	RechargeBonus bool
	// SandyExpired makes every sandy route answer errcode 300 (系統過期);
	// switchable with SetExpired.
	SandyExpired bool

	Now func() time.Time // default time.Now
}

// Sandbox simulates both platforms. It is an http.Handler; use Start to run
// it on a listener. A Sandbox is safe for concurrent use.
type Sandbox struct {
	cfg Config
	st  store
	lim *rate.Limiter

	throttle atomic.Int32 // ThrottleStyle
	latency  atomic.Int64 // time.Duration
	expired  atomic.Bool
	nonces   nonceBook
	stats    counters

	fmu    sync.Mutex // guards faults and rng
	faults Faults
	rng    *rand.Rand

	closeOnce sync.Once
	closeErr  error
}

// New checks cfg, opens the state and returns a Sandbox.
func New(cfg Config) (*Sandbox, error) {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&cfg.APIKey, DefaultAPIKey)
	def(&cfg.AppSecret, DefaultAppSecret)
	def(&cfg.GPID, DefaultGPID)
	def(&cfg.MSID, DefaultMSID)
	def(&cfg.SandyToken, DefaultSandyToken)
	def(&cfg.CustomerGUID, DefaultCustomerGUID)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rate < 0 || math.IsNaN(cfg.Rate) || cfg.Burst < 0 || cfg.Latency < 0 {
		return nil, fmt.Errorf("sandbox: rate %v, burst %d and latency %v must not be negative", cfg.Rate, cfg.Burst, cfg.Latency)
	}
	if cfg.Throttle != ThrottleHTTP429 && cfg.Throttle != ThrottleStatus {
		return nil, fmt.Errorf("sandbox: unknown throttle style %d", cfg.Throttle)
	}
	if err := cfg.Faults.validate(); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	st, err := openStore(cfg.StatePath)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s := &Sandbox{cfg: cfg, st: st, lim: rate.NewLimiter(rate.Inf, DefaultBurst)}
	s.nonces.seen = make(map[string]time.Time)
	s.SetRate(cfg.Rate, cfg.Burst)
	s.throttle.Store(int32(cfg.Throttle))
	s.latency.Store(int64(cfg.Latency))
	s.expired.Store(cfg.SandyExpired)
	s.SetFaults(cfg.Faults)
	return s, nil
}

// ServeHTTP routes a request: POST /mb, /api2/member-cjb/<name>,
// /_sandbox/... and GET /.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == MBPath:
		s.serveMB(w, r)
	case strings.HasPrefix(p, SandyPrefix):
		s.serveSandy(w, r, strings.TrimPrefix(p, SandyPrefix))
	case strings.HasPrefix(p, AdminPrefix):
		s.serveAdmin(w, r, strings.TrimPrefix(p, AdminPrefix))
	case p == "/":
		s.serveIndex(w, r)
	default:
		http.NotFound(w, r)
	}
}

// SetFaults replaces the fault injection settings and reseeds the fault
// choice with f.Seed. Probabilities are clamped to [0, 1].
func (s *Sandbox) SetFaults(f Faults) {
	f = f.clamped()
	s.fmu.Lock()
	defer s.fmu.Unlock()
	s.faults = f
	s.rng = rand.New(rand.NewPCG(uint64(f.Seed), uint64(f.Seed)^0x9e3779b97f4a7c15))
}

// Faults returns the current fault injection settings.
func (s *Sandbox) Faults() Faults {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	return s.faults
}

// SetRate changes the accepted request rate (requests per second, 0 or less
// = unlimited) and burst (0 or less = DefaultBurst).
func (s *Sandbox) SetRate(perSecond float64, burst int) {
	if burst <= 0 {
		burst = DefaultBurst
	}
	lim := rate.Limit(perSecond)
	if perSecond <= 0 || math.IsNaN(perSecond) {
		lim = rate.Inf
	}
	s.lim.SetBurst(burst)
	s.lim.SetLimit(lim)
}

// SetThrottle changes how rate-limited requests are answered.
func (s *Sandbox) SetThrottle(t ThrottleStyle) { s.throttle.Store(int32(t)) }

// SetLatency changes the delay added to every API request.
func (s *Sandbox) SetLatency(d time.Duration) { s.latency.Store(int64(max(d, 0))) }

// SetExpired switches the sandy system-expired state (errcode 300).
func (s *Sandbox) SetExpired(expired bool) { s.expired.Store(expired) }

// Ledger returns a snapshot of every card issued, for assertions.
func (s *Sandbox) Ledger() (Ledger, error) {
	l, err := s.st.ledger()
	if err != nil {
		return Ledger{}, fmt.Errorf("sandbox: read ledger: %w", err)
	}
	return l, nil
}

// Stats returns a snapshot of the counters.
func (s *Sandbox) Stats() Stats { return s.stats.snapshot() }

// Close releases the state. Requests served after Close fail with HTTP 500.
func (s *Sandbox) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.st.close() })
	return s.closeErr
}

func (s *Sandbox) now() time.Time { return s.cfg.Now() }

// begin is what every API request goes through first: the latency, then the
// rate limit. It returns false when the request is finished (throttled, or
// the client left during the latency).
func (s *Sandbox) begin(w http.ResponseWriter, r *http.Request, sandy bool) bool {
	s.stats.requests.Add(1)
	if sandy {
		s.stats.sandyRequests.Add(1)
	} else {
		s.stats.mbRequests.Add(1)
	}
	if !sleep(r.Context(), time.Duration(s.latency.Load())) {
		abort(w, false) // the client gave up, or the server is closing: never an empty 200
		return false
	}
	if s.lim.Allow() {
		return true
	}
	s.stats.throttled.Add(1)
	code := http.StatusOK
	if ThrottleStyle(s.throttle.Load()) == ThrottleHTTP429 {
		w.Header().Set("Retry-After", "1")
		code = http.StatusTooManyRequests
	}
	if sandy {
		writeJSON(w, code, sandyError{Code: 500, Msg: "請求過於頻繁"})
	} else {
		writeJSON(w, code, s.mbFailure("请求过于频繁，请稍后再试", s.cfg.MSID))
	}
	return false
}

// sleep waits d or until ctx is done; false means ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeJSON encodes v as the whole answer.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := marshal(v)
	if err != nil {
		http.Error(w, "sandbox: encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeBody(w, code, b)
}

func writeBody(w http.ResponseWriter, code int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// marshal encodes v without escaping <, > and & (the seed's descriptions
// carry <br/>).
func marshal(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// errClosed is what the store answers after Close.
var errClosed = errors.New("sandbox closed")
