package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"time"
)

// DefaultSlowDelay is Faults.SlowDelay when it is 0.
const DefaultSlowDelay = 2 * time.Second

// Faults injects failures into API requests that passed the credential and
// rate-limit checks. Each probability is in [0, 1]. The before-processing
// kinds share one draw (ServerError first, then Reset: with both at 0.5
// every request fails); the after-commit kinds share another (DropAfterCommit,
// SlowAfterCommit, Malformed, PartialList, in that order).
//
// The after-commit kinds apply only to requests that committed something
// (mb_newcard successes; sandy cardopen, recharge, modcardinfo, consume,
// consume_score successes). Read-only requests (mb_check, sandy lookups)
// get only the before-processing kinds and Malformed, whatever they
// answered. Business refusals of writes are answered faithfully.
//
// Choices are deterministic: the same Seed and the same sequence of requests
// give the same faults (draws are made under a mutex, three per request).
type Faults struct {
	Seed            int64         `json:"seed"`
	ServerError     float64       `json:"server_error"`      // HTTP 500/502/503 before processing: nothing committed
	Reset           float64       `json:"reset"`             // connection reset before processing: nothing committed
	DropAfterCommit float64       `json:"drop_after_commit"` // committed, then the connection closed without an answer
	SlowAfterCommit float64       `json:"slow_after_commit"` // committed, answer delayed by SlowDelay
	SlowDelay       time.Duration `json:"-"`                 // default DefaultSlowDelay; JSON "slow_delay": "2s"
	Malformed       float64       `json:"malformed"`         // processed (committed if a write), body not the JSON expected
	PartialList     float64       `json:"partial_list"`      // mb_newcard success whose list omits one card (committed)
}

// MarshalJSON writes SlowDelay as "slow_delay": "2s".
func (f Faults) MarshalJSON() ([]byte, error) {
	type plain Faults // drops the methods
	return json.Marshal(struct {
		plain
		SlowDelay string `json:"slow_delay,omitempty"`
	}{plain(f), durationText(f.SlowDelay)})
}

// UnmarshalJSON reads "slow_delay" as a duration text ("2s") or a number of
// milliseconds.
func (f *Faults) UnmarshalJSON(b []byte) error {
	type plain Faults
	var v struct {
		plain
		SlowDelay json.RawMessage `json:"slow_delay"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Faults(v.plain)
	if len(v.SlowDelay) == 0 || string(v.SlowDelay) == "null" {
		return nil
	}
	var text string
	if err := json.Unmarshal(v.SlowDelay, &text); err == nil {
		d, err := time.ParseDuration(text)
		if err != nil {
			return fmt.Errorf("slow_delay %q: %w", text, err)
		}
		f.SlowDelay = d
		return nil
	}
	var ms float64
	if err := json.Unmarshal(v.SlowDelay, &ms); err != nil {
		return fmt.Errorf("slow_delay: want \"2s\" or milliseconds: %w", err)
	}
	f.SlowDelay = time.Duration(ms * float64(time.Millisecond))
	return nil
}

func durationText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func (f Faults) probabilities() []struct {
	name string
	p    float64
} {
	return []struct {
		name string
		p    float64
	}{
		{"server_error", f.ServerError}, {"reset", f.Reset}, {"drop_after_commit", f.DropAfterCommit},
		{"slow_after_commit", f.SlowAfterCommit}, {"malformed", f.Malformed}, {"partial_list", f.PartialList},
	}
}

func (f Faults) validate() error {
	for _, p := range f.probabilities() {
		if math.IsNaN(p.p) || p.p < 0 || p.p > 1 {
			return fmt.Errorf("fault %s = %v: want a probability in [0, 1]", p.name, p.p)
		}
	}
	if f.SlowDelay < 0 {
		return fmt.Errorf("fault slow_delay %v is negative", f.SlowDelay)
	}
	return nil
}

func (f Faults) clamped() Faults {
	c := func(p float64) float64 {
		if math.IsNaN(p) || p < 0 {
			return 0
		}
		return min(p, 1)
	}
	f.ServerError, f.Reset = c(f.ServerError), c(f.Reset)
	f.DropAfterCommit, f.SlowAfterCommit = c(f.DropAfterCommit), c(f.SlowAfterCommit)
	f.Malformed, f.PartialList = c(f.Malformed), c(f.PartialList)
	f.SlowDelay = max(f.SlowDelay, 0)
	return f
}

// faultKind is one injected failure.
type faultKind int

const (
	noFault faultKind = iota
	faultServerError
	faultReset
	faultDrop
	faultSlow
	faultMalformed
	faultPartial
)

// plan is the fault decision for one request: two uniform draws and a
// variant (which 5xx code, which malformed body, which card to omit).
type plan struct {
	f        Faults
	uBefore  float64
	uAfter   float64
	variant  uint64
	slowWait time.Duration
}

// plan draws the fault decision for one request.
func (s *Sandbox) plan() plan {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	p := plan{f: s.faults, uBefore: s.rng.Float64(), uAfter: s.rng.Float64(), variant: s.rng.Uint64()}
	p.slowWait = p.f.SlowDelay
	if p.slowWait == 0 {
		p.slowWait = DefaultSlowDelay
	}
	return p
}

// before is the fault to inject before processing.
func (p plan) before() faultKind {
	switch u := p.uBefore; {
	case u < p.f.ServerError:
		return faultServerError
	case u < p.f.ServerError+p.f.Reset:
		return faultReset
	}
	return noFault
}

// after is the after-processing fault among kinds (in their fixed order).
func (p plan) after(kinds ...faultKind) faultKind {
	acc := 0.0
	for _, k := range kinds {
		switch k {
		case faultDrop:
			acc += p.f.DropAfterCommit
		case faultSlow:
			acc += p.f.SlowAfterCommit
		case faultMalformed:
			acc += p.f.Malformed
		case faultPartial:
			acc += p.f.PartialList
		}
		if p.uAfter < acc {
			return k
		}
	}
	return noFault
}

// injectBefore applies the before-processing fault, if any, and reports
// whether it finished the request.
func (s *Sandbox) injectBefore(w http.ResponseWriter, p plan, sandy bool) bool {
	switch p.before() {
	case faultServerError:
		s.stats.serverErrors.Add(1)
		writeServerError(w, p.variant, sandy)
		return true
	case faultReset:
		s.stats.resets.Add(1)
		abort(w, true)
		return true
	}
	return false
}

func writeServerError(w http.ResponseWriter, variant uint64, sandy bool) {
	switch variant % 3 {
	case 0:
		if sandy {
			writeJSON(w, http.StatusInternalServerError, sandyError{Code: 500, Msg: "內部錯誤"})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("Internal Server Error\n"))
	case 1:
		writeHTML(w, http.StatusBadGateway, "502 Bad Gateway")
	default:
		w.Header().Set("Retry-After", "1")
		writeHTML(w, http.StatusServiceUnavailable, "503 Service Temporarily Unavailable")
	}
}

func writeHTML(w http.ResponseWriter, code int, title string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", title, title)
}

// deliver writes a processed answer, applying the after-processing fault.
func (s *Sandbox) deliver(w http.ResponseWriter, r *http.Request, body []byte, kind faultKind, p plan) {
	switch kind {
	case faultDrop:
		s.stats.dropped.Add(1)
		abort(w, false)
		return
	case faultSlow:
		s.stats.slowed.Add(1)
		if !sleep(r.Context(), p.slowWait) {
			abort(w, false) // the client gave up, or the server is closing: never an empty 200
			return
		}
	case faultMalformed:
		s.stats.malformed.Add(1)
		writeMalformed(w, body, p.variant)
		return
	}
	writeBody(w, http.StatusOK, body)
}

// writeMalformed answers HTTP 200 with a body that is not the JSON expected.
func writeMalformed(w http.ResponseWriter, body []byte, variant uint64) {
	switch variant % 4 {
	case 0:
		writeHTML(w, http.StatusOK, "系统繁忙")
	case 1:
		writeBody(w, http.StatusOK, body[:len(body)/2])
	case 2:
		writeBody(w, http.StatusOK, []byte("[]"))
	default:
		writeBody(w, http.StatusOK, []byte(`{"data":null}`))
	}
}

// abort closes the connection without an answer: with a TCP reset (rst) or
// a plain close. Where the connection cannot be hijacked (HTTP/2, a
// recorder) it aborts the handler, which the server turns into a reset
// stream or closed connection.
func abort(w http.ResponseWriter, rst bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && rst {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
