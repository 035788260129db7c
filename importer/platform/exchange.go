package platform

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
)

// Exchange is one HTTP request of a platform client, the part both
// clients share: it takes a place among the requests in flight (when ctx
// bounds them, pace.InFlight) and waits for the pacer, builds the request
// (so that timestamps and nonces are fresh when it leaves), sends it with
// a per-request timeout, and reads the whole answer (at most maxBody
// bytes) before giving the place back. what ("mb: mb_newcard") prefixes
// its errors.
//
// A failure is classified by whether the request was written: one that
// never left is a *TransientError (or ctx's error after an interrupt),
// one that left without a readable answer wraps ErrUnknownOutcome. A
// redirect is never followed (Go would turn a POST into a GET that some
// login page refuses, and the refusal would pass for the platform's): it
// wraps ErrUnknownOutcome too. Other HTTP statuses are the caller's to
// judge.
func Exchange(ctx context.Context, what string, hc *http.Client, p *pace.Pacer, timeout time.Duration, maxBody int64,
	build func(ctx context.Context) (*http.Request, error)) (*http.Response, []byte, error) {
	release, err := p.Acquire(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	var wrote atomic.Bool
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rctx = httptrace.WithClientTrace(rctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})
	req, err := build(rctx)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noFollow.Do(req)
	if err != nil {
		if !wrote.Load() {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err() // interrupted before anything left
			}
			return nil, nil, &TransientError{Err: fmt.Errorf("%s: %w", what, err)}
		}
		return nil, nil, fmt.Errorf("%s: %w: %w", what, ErrUnknownOutcome, err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return nil, nil, fmt.Errorf("%s: HTTP %s redirecting to %q, not followed (if --endpoint is out of date, give the new address): %w",
			what, res.Status, res.Header.Get("Location"), ErrUnknownOutcome)
	}
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: reading the answer: %w: %w", what, ErrUnknownOutcome, err)
	}
	return res, raw, nil
}
