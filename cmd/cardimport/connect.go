package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate/lang"
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
// The words of connecting.
var (
	msgStartSandbox = lang.Msg("start the sandbox: %v", "启动沙箱：%v")
	msgNoSandbox    = lang.Msg("the built-in sandbox does not simulate %s: give --endpoint", "内置沙箱不模拟 %s：请用 --endpoint 写出平台的接口地址")
	msgSandboxUp    = lang.Msg("%s: the built-in simulator answered (use --endpoint URL for a real platform)", "%s：由内置模拟平台应答（要连真实平台，请用 --endpoint 写出接口地址）")
	msgEndpointErr  = lang.Msg("endpoint %s: %v", "平台接口 %s：%v")
	msgRetrying     = lang.Msg("retrying", "重试")
)

func connect(ctx context.Context, p *lang.Printer, log *slog.Logger, d *platform.Descriptor, o platformOptions, secrets map[string]string, co connectOptions) (*connection, error) {
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
				log.Debug(p.Sprintf(msgRetrying), "attempt", attempt, "wait", wait, "err", err)
			},
		},
		AllowRechargeBonus: co.allowRechargeBonus,
		ReadOnly:           co.readOnly,
		Printer:            p,
	}
	if o.endpoint == "sandbox" {
		srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{StatePath: co.sandboxState})
		if err != nil {
			return nil, p.Errorf(msgStartSandbox, err)
		}
		url, settings, ok := srv.Endpoint(d.Name)
		if !ok {
			srv.Close()
			return nil, usagef(p, msgNoSandbox, d.Name)
		}
		c.srv, c.sandbox = srv, true
		conn.Endpoint, conn.Settings = url, settings
		log.Warn(p.Sprintf(msgSandboxUp, p.Sprintf(report.SandboxBanner)), "url", srv.URL)
	}
	s, err := d.Connect(ctx, conn)
	if err != nil {
		c.close()
		if errors.Is(err, platform.ErrConfig) {
			return nil, usageError{err}
		}
		return nil, p.Errorf(msgEndpointErr, c.label, err)
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
