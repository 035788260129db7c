package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// What the platform clients share: settings checks, the request defaults,
// the classification of HTTP statuses and of throttle and busy words,
// lenient JSON scalars and Retry-After.

var (
	msgNotURL  = lang.Msg("%s: endpoint %q is not an http(s) URL", "%s：接口地址 %q 不是 http(s) 网址")
	msgMissing = lang.Msg("%s: missing %s", "%s：缺少%s")
)

// CheckEndpoint checks that raw is an http(s) URL; client names the
// platform in the error ("mb"), worded in p's language.
func CheckEndpoint(p *lang.Printer, client, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return p.Errorf(msgNotURL, client, raw)
	}
	return nil
}

// Snippet quotes the start of an answer a client could not read, for its
// error: about 60 characters, invalid UTF-8 shown as '?', and every run of
// seven or more digits masked as validate.MaskPhone masks a phone (an
// answer may hold members' phones, and errors reach logs and reports). A
// run of digits the limit would cut is kept whole, so it is masked whole.
func Snippet(raw []byte) string {
	const limit = 60
	r := []rune(strings.ToValidUTF8(string(raw), "?"))
	n := min(len(r), limit)
	for n < len(r) && isDigit(r[n]) && n > 0 && isDigit(r[n-1]) {
		n++
	}
	var b strings.Builder
	for i := 0; i < n; {
		j := i
		for j < n && isDigit(r[j]) {
			j++
		}
		switch {
		case j-i >= 7:
			b.WriteString(validate.MaskPhone(string(r[i:j])))
		case j > i:
			b.WriteString(string(r[i:j]))
		default:
			b.WriteRune(r[i])
			j = i + 1
		}
		i = j
	}
	s := strconv.Quote(b.String())
	if n < len(r) {
		s = s[:len(s)-1] + "…\""
	}
	return s
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// Need is one required setting of a client: its value, and how the user
// gives it, a catalogue message ("gpid (--gpid or CARDIMPORT_GPID)").
type Need struct{ Value, How string }

// MissingSettings names the needs without a value in p's language; nil
// when none.
func MissingSettings(p *lang.Printer, client string, needs ...Need) error {
	var missing []string
	for _, n := range needs {
		if n.Value == "" {
			missing = append(missing, p.Sprintf(n.How))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return p.Errorf(msgMissing, client, strings.Join(missing, p.ListSep()))
}

// Requester is the request machinery of a client: its HTTP client, the
// per-request timeout and the run's pacer.
type Requester struct {
	HTTP    *http.Client
	Timeout time.Duration
	Pacer   *pace.Pacer
}

// NewRequester fills what is left empty: a client with its own
// transport, 30 s, an unlimited pacer.
func NewRequester(hc *http.Client, timeout time.Duration, p *pace.Pacer) Requester {
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if p == nil {
		p = pace.New(0)
	}
	return Requester{HTTP: hc, Timeout: timeout, Pacer: p}
}

// HTTPStatus classifies an answer by its HTTP status: nil for 200; 429 is
// throttling (the pacer is told); 401 and 403 refuse the credentials
// (authHint says what to check); 404 is a wrong endpoint (endpointHint);
// 408 and 5xx are transient but may have been applied (Sent); anything
// else is a refusal. what prefixes the errors ("mb: mb_newcard").
func HTTPStatus(what string, res *http.Response, p *pace.Pacer, now time.Time, authHint, endpointHint string) error {
	code := res.StatusCode
	if code == http.StatusOK {
		return nil
	}
	err := fmt.Errorf("%s: HTTP %s", what, res.Status)
	retryAfter := RetryAfter(res.Header.Get("Retry-After"), now)
	switch {
	case code == http.StatusTooManyRequests:
		p.OnThrottle()
		return &TransientError{Err: err, Throttled: true, RetryAfter: retryAfter}
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("%w: %w%s", ErrAuth, err, hint(authHint))
	case code == http.StatusNotFound:
		return fmt.Errorf("%w: %w%s", ErrAuth, err, hint(endpointHint))
	case code == http.StatusRequestTimeout || code >= 500:
		return &TransientError{Err: err, Sent: true, RetryAfter: retryAfter}
	}
	return &Rejection{Info: res.Status, Code: strconv.Itoa(code)}
}

func hint(h string) string {
	if h == "" {
		return ""
	}
	return " (" + h + ")"
}

// What a platform's refusal words say of its load. One list each, used by
// both clients: throttle words say the request rate is too high (the
// platform counts requests and refused this one), busy words say the
// platform is overloaded without a word about the rate. An answer with
// both ("请求过于频繁，请稍后再试") is throttling.
var (
	throttleWords = []string{"频繁", "頻繁", "限流", "过快", "過快", "请求过多", "請求過多", "too many", "too frequent", "rate limit", "throttl"}
	busyWords     = []string{"繁忙", "稍后", "稍後", "忙碌", "busy", "overload", "try again later"}
)

// Load is what a platform's words say of its load.
type Load int

// The loads a refusal can name.
const (
	NotOverloaded Load = iota
	// Busy: "系统繁忙", "try again later". Retried with backoff; the
	// pacer is told (OnBusy), which lowers the rate only boundedly.
	Busy
	// Throttled: "请求过于频繁", "too many requests". The rate is too high:
	// the pacer is told (OnThrottle) and lowers it.
	Throttled
)

// SaysOverloaded reads a platform's words for throttling or busyness.
func SaysOverloaded(msg string) Load {
	low := strings.ToLower(msg)
	switch {
	case ContainsAny(low, throttleWords):
		return Throttled
	case ContainsAny(low, busyWords):
		return Busy
	}
	return NotOverloaded
}

// ContainsAny reports whether s contains any of words.
func ContainsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// RetryAfter parses a Retry-After header: seconds or an HTTP date.
func RetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Flex is a scalar that arrives as a JSON string, number, boolean or null,
// kept as its exact text (numbers never pass through float64). It marshals
// as a string.
type Flex string

// UnmarshalJSON accepts "abc", 123, 12.50, true and null.
func (f *Flex) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = Flex(s)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = Flex(n)
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		*f = Flex(b)
	default:
		return fmt.Errorf("want a string or number, got %.20s", b)
	}
	return nil
}
