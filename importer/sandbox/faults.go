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

// DefaultLateDelay is Faults.LateDelay when it is 0.
const DefaultLateDelay = 2500 * time.Millisecond

// Faults injects failures into API requests that passed the credential and
// rate-limit checks. Each probability is in [0, 1]. The before-processing
// kinds share one draw (ServerError first, then Reset, then LateApply, then
// Busy: with the first two at 0.5 every request fails); the after-commit kinds share
// another (DropAfterCommit, SlowAfterCommit, Malformed, PartialList, in
// that order).
//
// LateApply is the platform that is slower than the client's patience: it
// holds a write for LateDelay before processing it, and then commits it
// whether or not the client is still there (it applies to writes only:
// mb_newcard lists and type 15, sandy cardopen, recharge, modcardinfo,
// consume, consume_score). A client with a shorter timeout sees no answer;
// a look at the card right after sees no trace of the write yet.
//
// The after-commit kinds apply only to requests that committed something
// (mb_newcard successes; sandy cardopen, recharge, modcardinfo, consume,
// consume_score successes). Read-only requests (mb_check, sandy lookups)
// get only the before-processing kinds and Malformed, whatever they
// answered. Business refusals of writes are answered faithfully.
//
// Busy is the platform that is overloaded and says so, politely: HTTP 200
// with a refusal that commits nothing — mb status "0" info "系统繁忙"
// (InfoBusy), sandy errcode 500 errmsg "系統繁忙" (MsgBusy). It is not a
// rate limit: the words say busy, not "too frequent".
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
	LateApply       float64       `json:"late_apply"`        // a write held LateDelay, then committed even if the client gave up
	LateDelay       time.Duration `json:"-"`                 // default DefaultLateDelay; JSON "late_delay": "2.5s"
	Busy            float64       `json:"busy"`              // "系统繁忙" / "系統繁忙" answered before processing: nothing committed
}

// MarshalJSON writes SlowDelay as "slow_delay": "2s".
func (f Faults) MarshalJSON() ([]byte, error) {
	type plain Faults // drops the methods
	return json.Marshal(struct {
		plain
		SlowDelay string `json:"slow_delay,omitempty"`
		LateDelay string `json:"late_delay,omitempty"`
	}{plain(f), durationText(f.SlowDelay), durationText(f.LateDelay)})
}

// UnmarshalJSON reads "slow_delay" and "late_delay" as a duration text
// ("2s") or a number of milliseconds.
func (f *Faults) UnmarshalJSON(b []byte) error {
	type plain Faults
	var v struct {
		plain
		SlowDelay json.RawMessage `json:"slow_delay"`
		LateDelay json.RawMessage `json:"late_delay"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Faults(v.plain)
	var err error
	if f.SlowDelay, err = parseDelay("slow_delay", v.SlowDelay); err != nil {
		return err
	}
	f.LateDelay, err = parseDelay("late_delay", v.LateDelay)
	return err
}

func parseDelay(name string, raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		d, err := time.ParseDuration(text)
		if err != nil {
			return 0, fmt.Errorf("%s %q: %w", name, text, err)
		}
		return d, nil
	}
	var ms float64
	if err := json.Unmarshal(raw, &ms); err != nil {
		return 0, fmt.Errorf("%s: want \"2s\" or milliseconds: %w", name, err)
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
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
		{"late_apply", f.LateApply}, {"busy", f.Busy},
	}
}

func (f Faults) validate() error {
	for _, p := range f.probabilities() {
		if math.IsNaN(p.p) || p.p < 0 || p.p > 1 {
			return fmt.Errorf("fault %s = %v: want a probability in [0, 1]", p.name, p.p)
		}
	}
	if f.SlowDelay < 0 || f.LateDelay < 0 {
		return fmt.Errorf("fault delays %v and %v must not be negative", f.SlowDelay, f.LateDelay)
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
	f.LateApply, f.Busy = c(f.LateApply), c(f.Busy)
	f.SlowDelay, f.LateDelay = max(f.SlowDelay, 0), max(f.LateDelay, 0)
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
	faultLate
	faultBusy
)

// plan is the fault decision for one request: two uniform draws and a
// variant (which 5xx code, which malformed body, which card to omit).
type plan struct {
	f        Faults
	uBefore  float64
	uAfter   float64
	variant  uint64
	slowWait time.Duration
	lateWait time.Duration
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
	p.lateWait = p.f.LateDelay
	if p.lateWait == 0 {
		p.lateWait = DefaultLateDelay
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
	case u < p.f.ServerError+p.f.Reset+p.f.LateApply:
		return faultLate
	case u < p.f.ServerError+p.f.Reset+p.f.LateApply+p.f.Busy:
		return faultBusy
	}
	return noFault
}

// holdLate applies the late-apply fault to a write: it waits LateDelay
// before the write is processed, whether or not the client is still
// waiting. It reports whether it held.
func (s *Sandbox) holdLate(p plan) bool {
	if p.before() != faultLate {
		return false
	}
	s.stats.late.Add(1)
	time.Sleep(p.lateWait) // deliberately deaf to the request's context
	return true
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
// whether it finished the request. msid is the mb request's store, echoed
// by a busy answer.
func (s *Sandbox) injectBefore(w http.ResponseWriter, p plan, sandy bool, msid string) bool {
	switch p.before() {
	case faultServerError:
		s.stats.serverErrors.Add(1)
		writeServerError(w, p.variant, sandy)
		return true
	case faultReset:
		s.stats.resets.Add(1)
		abort(w, true)
		return true
	case faultBusy:
		s.stats.busy.Add(1)
		if sandy {
			writeJSON(w, http.StatusOK, sandyError{Code: ErrcodeInternal, Msg: MsgBusy})
		} else {
			writeJSON(w, http.StatusOK, s.mbFailure(InfoBusy, msid))
		}
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
