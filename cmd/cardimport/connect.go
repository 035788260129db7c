package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/importer/sandy"
	"github.com/cardimport/cardimport/validate"
)

// connection is a platform client ready for a run, with the run's one
// pacer and its counters.
type connection struct {
	platform importer.Platform
	mb       *mb.Client // set for target mb (generate uses it directly)
	levels   []validate.CardLevel
	label    string // the endpoint as the summary shows it
	merchant string // the journal's merchant key
	sandbox  bool
	warnings []string

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

// sandboxBanner is said loudly whenever the built-in simulator answers.
const sandboxBanner = "SANDBOX — nothing real was issued: the built-in simulator answered (use --endpoint URL for a real platform)"

// connect builds the platform client for target, starting the in-process
// sandbox for --endpoint sandbox, and proves the credentials work before a
// roster is spent on them.
func connect(ctx context.Context, e *env, log *slog.Logger, target validate.Target, o platformOptions, sec secrets, allowBonus bool) (*connection, error) {
	c := &connection{pacer: pace.New(o.rate), label: o.endpoint}
	policy := retry.Policy{
		Attempts: o.retries + 1,
		OnRetry: func(attempt int, err error, wait time.Duration) {
			c.retries.Add(1)
			log.Debug("retrying", "attempt", attempt, "wait", wait, "err", err)
		},
	}
	endpoint := o.endpoint
	if endpoint == "sandbox" {
		srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{})
		if err != nil {
			return nil, fmt.Errorf("start the sandbox: %w", err)
		}
		c.srv, c.sandbox = srv, true
		endpoint = srv.URL
		o.gpid, o.msid, o.customerGUID = sandbox.DefaultGPID, sandbox.DefaultMSID, sandbox.DefaultCustomerGUID
		sec = secrets{apiKey: sandbox.DefaultAPIKey, appSecret: sandbox.DefaultAppSecret, sandyToken: sandbox.DefaultSandyToken}
		log.Warn(sandboxBanner, "url", srv.URL)
	}

	switch target {
	case validate.TargetMB:
		if c.sandbox {
			endpoint = c.srv.MBEndpoint()
		}
		client, err := mb.New(mb.Config{
			Endpoint: endpoint, GPID: o.gpid, MSID: o.msid, APIKey: sec.apiKey, AppSecret: sec.appSecret, Op: o.op,
			Timeout: o.timeout, Pacer: c.pacer, Retry: policy,
		})
		if err != nil {
			c.close()
			return nil, usageError{err}
		}
		c.platform, c.mb = client, client
		c.merchant = "mb:" + o.gpid + "/" + o.msid
		if err := client.Preflight(ctx); err != nil {
			c.close()
			return nil, fmt.Errorf("endpoint %s: %w", c.label, err)
		}
	case validate.TargetSandy:
		if c.sandbox {
			endpoint = c.srv.SandyBase()
		}
		client, err := sandy.New(sandy.Config{
			Base: endpoint, Token: sec.sandyToken, CustomerGUID: o.customerGUID,
			Timeout: o.timeout, Pacer: c.pacer, Retry: policy,
		})
		if err != nil {
			c.close()
			return nil, usageError{err}
		}
		// Reading the levels and the recharge rules also proves the
		// token before the roster is spent.
		setup, err := client.Prepare(ctx, allowBonus)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("endpoint %s: %w", c.label, err)
		}
		for _, w := range setup.Warnings {
			log.Warn(w)
		}
		c.platform, c.levels, c.warnings = client, setup.Levels, setup.Warnings
		c.merchant = "sandy:" + o.customerGUID
	default:
		c.close()
		return nil, fmt.Errorf("unknown target %s", target)
	}
	if c.sandbox {
		c.merchant = "sandbox/" + c.merchant
	}
	return c, nil
}
