package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/report"
)

// connection is a platform session ready for a run, with the run's one
// pacer and its counters.
type connection struct {
	*platform.Session
	label   string // the endpoint as the summary shows it
	sandbox bool

	pacer   *pace.Pacer
	retries atomic.Int64
	srv     *sandbox.Server
}

type connStats struct{ Requests, Retries, Throttled int64 }

func (c *connection) stats() connStats {
	p := c.pacer.Stats()
	return connStats{Requests: p.Requests, Retries: c.retries.Load(), Throttled: p.Throttled}
}

func (c *connection) close() {
	if c.srv != nil {
		c.srv.Close()
	}
}

// connectOptions are what a command asks of a connection beyond the flags.
type connectOptions struct {
	allowRechargeBonus bool // --allow-recharge-bonus
	readOnly           bool // validate --check-server: look up, never issue
	// sandboxState is the file the in-process sandbox keeps its cards in
	// ("" in memory).
	sandboxState string
}

// connect builds the platform's session, starting the in-process sandbox
// for --endpoint sandbox: the platform's Connect proves the credentials
// before a roster is spent on them.
func connect(ctx context.Context, log *slog.Logger, d *platform.Descriptor, o platformOptions, secrets map[string]string, co connectOptions) (*connection, error) {
	// The pacer says when it lowers or restores the rate.
	c := &connection{pacer: pace.New(o.rate, pace.WithLog(log)), label: o.endpoint}
	conn := platform.Connection{
		Endpoint: o.endpoint,
		Settings: platformSettings(d, o, secrets),
		HTTP:     &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		Timeout:  o.timeout,
		Pacer:    c.pacer,
		Retry: retry.Policy{
			Attempts: o.retries + 1,
			OnRetry: func(attempt int, err error, wait time.Duration) {
				c.retries.Add(1)
				log.Debug("retrying", "attempt", attempt, "wait", wait, "err", err)
			},
		},
		AllowRechargeBonus: co.allowRechargeBonus,
		ReadOnly:           co.readOnly,
	}
	if o.endpoint == "sandbox" {
		srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{StatePath: co.sandboxState})
		if err != nil {
			return nil, fmt.Errorf("start the sandbox: %w", err)
		}
		url, settings, ok := srv.Endpoint(d.Name)
		if !ok {
			srv.Close()
			return nil, usagef("the built-in sandbox does not simulate %s: give --endpoint", d.Name)
		}
		c.srv, c.sandbox = srv, true
		conn.Endpoint, conn.Settings = url, settings
		log.Warn(report.SandboxBanner+": the built-in simulator answered (use --endpoint URL for a real platform)", "url", srv.URL)
	}
	s, err := d.Connect(ctx, conn)
	if err != nil {
		c.close()
		if errors.Is(err, platform.ErrConfig) {
			return nil, usageError{err}
		}
		return nil, fmt.Errorf("endpoint %s: %w", c.label, err)
	}
	c.Session = s
	for _, w := range s.Warnings {
		log.Warn(w)
	}
	if c.sandbox {
		c.Merchant = "sandbox/" + c.Merchant
	}
	return c, nil
}
