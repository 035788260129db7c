package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

const indexPage = `cardimport sandbox — a simulator of the card platforms. Nothing issued here is real.

果盘 API (mb_newcard list and type 15, mb_check)
  POST /mb                               JSON {"action":{"action":…},"get":{…signed…},"post":{…}}
       gpid %s, msid %s (sign with the sandbox's api key and app secret)

member-cjb API (headers AUTHORIZATION: %s, CUSTOMERGUID: %s)
  GET  /api2/member-cjb/cardlevellist
  POST /api2/member-cjb/getrechargerules | getcards | cardopen | recharge | consume
       | getcardinfo | modcardinfo | getcardhis | consume_score

Control (tests and demos)
  GET  /_sandbox/ledger     every card issued (JSON)
  GET  /_sandbox/stats      counters (JSON)
  POST /_sandbox/faults     {"seed":1,"server_error":0.1,"reset":0,"drop_after_commit":0.1,
                             "slow_after_commit":0,"slow_delay":"2s","malformed":0,"partial_list":0,
                             "late_apply":0,"late_delay":"2.5s","busy":0}
  POST /_sandbox/rate       {"rate":5,"burst":2,"throttle":"http429"|"status"}
  POST /_sandbox/expired    {"expired":true}
  POST /_sandbox/latency    {"latency":"200ms"}
`

// serveIndex answers GET / with a short description of the routes.
func (s *Sandbox) serveIndex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = fmt.Fprintf(w, indexPage, s.cfg.GPID, s.cfg.MSID, s.cfg.SandyToken, s.cfg.CustomerGUID)
}

// serveAdmin answers /_sandbox/<name>. These routes are not rate limited
// and get no faults.
func (s *Sandbox) serveAdmin(w http.ResponseWriter, r *http.Request, name string) {
	want := http.MethodPost
	if name == "ledger" || name == "stats" {
		want = http.MethodGet
	}
	if r.Method != want {
		w.Header().Set("Allow", want)
		http.Error(w, "use "+want, http.StatusMethodNotAllowed)
		return
	}
	decode := func(v any) bool {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err == nil {
			err = json.Unmarshal(body, v)
		}
		if err != nil {
			http.Error(w, "sandbox: "+name+": "+err.Error(), http.StatusBadRequest)
			return false
		}
		return true
	}
	switch name {
	case "ledger":
		l, err := s.Ledger()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, http.StatusOK, l)
	case "stats":
		writeJSON(w, http.StatusOK, s.Stats())
	case "faults":
		var f Faults
		if !decode(&f) {
			return
		}
		if err := f.validate(); err != nil {
			http.Error(w, "sandbox: faults: "+err.Error(), http.StatusBadRequest)
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, s.Faults())
	case "rate":
		var v struct {
			Rate     float64        `json:"rate"`
			Burst    int            `json:"burst"`
			Throttle *ThrottleStyle `json:"throttle"`
		}
		if !decode(&v) {
			return
		}
		if v.Rate < 0 || v.Burst < 0 {
			http.Error(w, "sandbox: rate: rate and burst must not be negative", http.StatusBadRequest)
			return
		}
		s.SetRate(v.Rate, v.Burst)
		if v.Throttle != nil {
			s.SetThrottle(*v.Throttle)
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"rate": v.Rate, "burst": s.lim.Burst(), "throttle": ThrottleStyle(s.throttle.Load()),
		})
	case "expired":
		var v struct {
			Expired bool `json:"expired"`
		}
		if !decode(&v) {
			return
		}
		s.SetExpired(v.Expired)
		writeJSON(w, http.StatusOK, v)
	case "latency":
		var v struct {
			Latency string `json:"latency"`
		}
		if !decode(&v) {
			return
		}
		d, err := time.ParseDuration(v.Latency)
		if err != nil || d < 0 {
			http.Error(w, "sandbox: latency: want a duration such as \"200ms\"", http.StatusBadRequest)
			return
		}
		s.SetLatency(d)
		writeJSON(w, http.StatusOK, v)
	default:
		http.NotFound(w, r)
	}
}
