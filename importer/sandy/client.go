package sandy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/validate/lang"
)

// Config configures a Client. Base, Token and CustomerGUID are required.
type Config struct {
	// Base is the API's root, the routes are appended to it:
	// http://vip.sandypos.com/api2/member-cjb
	Base         string
	Token        string // AUTHORIZATION: secret, from the environment or the config file
	CustomerGUID string // CUSTOMERGUID: the restaurant

	HTTP    *http.Client
	Timeout time.Duration // per request; default 30s
	Pacer   *pace.Pacer
	Retry   retry.Policy

	// Printer is the language of the client's own words (nil: English);
	// the platform's errmsg is quoted as it came.
	Printer *lang.Printer
}

// Refused credentials, as people read them.
var (
	msgAuthToken   = lang.Msg("platform refused the credentials: sandy: %s: %v (check CARDIMPORT_SANDY_TOKEN and --customer-guid)", "平台拒绝了凭据：sandy：%s：%v（请检查 CARDIMPORT_SANDY_TOKEN 和 --customer-guid）")
	msgAuthExpired = lang.Msg("platform refused the credentials: sandy: %s: %v (the platform says the system has expired: the restaurant's subscription)", "平台拒绝了凭据：sandy：%s：%v（平台说系统已过期：是这家餐厅的订阅到期了）")
)

// The settings New requires, as MissingSettings names them.
var (
	msgNeedToken = lang.Msg("token (CARDIMPORT_SANDY_TOKEN)", "令牌 token（CARDIMPORT_SANDY_TOKEN）")
	msgNeedGUID  = lang.Msg("customer guid (--customer-guid or CARDIMPORT_SANDY_CUSTOMERGUID)", "商户 customer guid（--customer-guid 或 CARDIMPORT_SANDY_CUSTOMERGUID）")
)

// Client talks to member-cjb.
type Client struct {
	cfg Config
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if err := platform.CheckEndpoint(cfg.Printer, "sandy", cfg.Base); err != nil {
		return nil, err
	}
	if err := platform.MissingSettings(cfg.Printer, "sandy",
		platform.Need{Value: cfg.Token, How: msgNeedToken},
		platform.Need{Value: cfg.CustomerGUID, How: msgNeedGUID},
	); err != nil {
		return nil, err
	}
	cfg.Base = strings.TrimRight(cfg.Base, "/")
	r := platform.NewRequester(cfg.HTTP, cfg.Timeout, cfg.Pacer)
	cfg.HTTP, cfg.Timeout, cfg.Pacer = r.HTTP, r.Timeout, r.Pacer
	return &Client{cfg: cfg}, nil
}

// The member-cjb errcodes (the seed's 基本格式說明).
const (
	CodeMissingParams = 1
	CodeNotFound      = 2
	CodeExists        = 3
	CodeInsufficient  = 4
	CodeExpired       = 300
	CodeBadParams     = 400
	CodeInternal      = 500
)

// APIError is an {errcode, errmsg} answer.
type APIError struct {
	Code int
	Msg  string
}

func (e *APIError) Error() string { return fmt.Sprintf("errcode %d: %s", e.Code, e.Msg) }

// kind says what a call may do on the platform, which decides how its
// failures are retried.
type kind int

const (
	read       kind = iota // no effect: every failure may be retried
	idempotent             // the same effect twice is one effect (modcardinfo)
	write                  // an effect that must not happen twice (cardopen, recharge)
)

// call makes one API call with retries and decodes a success into out.
// A write whose request may have been applied without an answer returns
// platform.ErrUnknownOutcome and is never retried here.
func (c *Client) call(ctx context.Context, method, route string, body, out any, k kind) error {
	return c.cfg.Retry.Do(ctx, func(int) error {
		err := c.once(ctx, method, route, body, out)
		var t *platform.TransientError
		switch {
		case k != write && errors.Is(err, platform.ErrUnknownOutcome):
			return &platform.TransientError{Err: err, Sent: true}
		case k == write && errors.As(err, &t) && t.Sent:
			return fmt.Errorf("%w: %v", platform.ErrUnknownOutcome, err)
		}
		return err
	})
}

const maxBody = 16 << 20

func (c *Client) once(ctx context.Context, method, route string, body, out any) error {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("sandy: encode %s: %w", route, err)
		}
		payload = b
	}
	res, raw, err := platform.Exchange(ctx, "sandy: "+route, c.cfg.HTTP, c.cfg.Pacer, c.cfg.Timeout, maxBody, func(rctx context.Context) (*http.Request, error) {
		var rd io.Reader
		if payload != nil {
			rd = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(rctx, method, c.cfg.Base+"/"+route, rd)
		if err != nil {
			return nil, err
		}
		req.Header.Set("AUTHORIZATION", c.cfg.Token)
		req.Header.Set("CUSTOMERGUID", c.cfg.CustomerGUID)
		req.Header.Set("Accept", "application/json")
		if payload != nil {
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		return req, nil
	})
	if err != nil {
		return err
	}
	if t := bytes.TrimSpace(raw); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		if err := platform.StrictJSON(t); err != nil {
			return fmt.Errorf("sandy: %s: answer %s: %w: %w", route, platform.Snippet(raw), platform.ErrUnknownOutcome, err)
		}
	}
	if apiErr, ok := decodeError(raw); ok {
		return c.classify(route, res, apiErr)
	}
	if err := platform.HTTPStatus("sandy: "+route, res, c.cfg.Pacer, time.Now(),
		"check CARDIMPORT_SANDY_TOKEN and --customer-guid", "is --endpoint the API root, like http://vip.sandypos.com/api2/member-cjb?"); err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("sandy: %s: unreadable answer %s: %w: %w", route, platform.Snippet(raw), platform.ErrUnknownOutcome, err)
		}
		// JSON of another shape ({"data":null}, a proxy's JSON error)
		// must not pass for an answer: an empty sum_recharge read from it
		// would look like "not recharged yet".
		if s, ok := out.(shaped); ok && !s.wellFormed() {
			return fmt.Errorf("sandy: %s: answer of an unexpected shape %s: %w", route, platform.Snippet(raw), platform.ErrUnknownOutcome)
		}
	}
	c.cfg.Pacer.OnSuccess()
	return nil
}

// shaped is an answer that can tell whether it has the fields every real
// answer carries.
type shaped interface{ wellFormed() bool }

// decodeError recognises an {errcode, errmsg} body.
func decodeError(raw []byte) (*APIError, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' || !bytes.Contains(raw, []byte(`"errcode"`)) {
		return nil, false
	}
	var e struct {
		Code platform.Flex `json:"errcode"`
		Msg  string        `json:"errmsg"`
	}
	if json.Unmarshal(raw, &e) != nil || e.Code == "" || e.Code == "0" {
		return nil, false
	}
	code, err := strconv.Atoi(string(e.Code))
	if err != nil {
		code = -1
	}
	return &APIError{Code: code, Msg: e.Msg}, true
}

// classify turns an errcode into the importer's vocabulary: 500,
// throttling and busy answers retry, 300 and refused credentials stop the
// run, 2 is "not found", 3 "exists", the rest are the row's rejection.
func (c *Client) classify(route string, res *http.Response, e *APIError) error {
	load := platform.SaysOverloaded(e.Msg)
	switch {
	case res.StatusCode == http.StatusTooManyRequests || load == platform.Throttled:
		c.cfg.Pacer.OnThrottle()
		return &platform.TransientError{Err: fmt.Errorf("sandy: %s: %w", route, e), Throttled: true,
			RetryAfter: platform.RetryAfter(res.Header.Get("Retry-After"), time.Now())}
	case load == platform.Busy:
		// 系統繁忙: the platform did not take the request up.
		c.cfg.Pacer.OnBusy()
		return &platform.TransientError{Err: fmt.Errorf("sandy: %s: %w", route, e), Busy: true,
			RetryAfter: platform.RetryAfter(res.Header.Get("Retry-After"), time.Now())}
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		return c.cfg.Printer.ErrorIs(platform.ErrAuth, msgAuthToken, route, e)
	case e.Code == CodeExpired:
		return c.cfg.Printer.ErrorIs(platform.ErrAuth, msgAuthExpired, route, e)
	case e.Code == CodeInternal:
		return &platform.TransientError{Err: fmt.Errorf("sandy: %s: %w", route, e), Sent: true}
	case e.Code == CodeNotFound:
		return fmt.Errorf("sandy: %s: %w: %w", route, platform.ErrNotFound, e)
	}
	c.cfg.Pacer.OnSuccess()
	return &platform.Rejection{Info: e.Msg, Code: strconv.Itoa(e.Code), Exists: e.Code == CodeExists}
}
