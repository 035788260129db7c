package main

import (
	"context"
	"fmt"

	"github.com/cardimport/cardimport/importer/sandbox"
)

var sandboxAbout = `Serves the built-in simulator of both platforms on --addr: the 果盘 API
(mb_newcard, type 15, mb_check) at /mb with signature, timestamp and
uniqueness checks, and the member-cjb API at /api2/member-cjb/. It can
rate-limit, add latency and inject faults; /_sandbox/ledger shows every
card it issued, /_sandbox/stats its counters, and POST /_sandbox/faults
switches faults while it runs. Credentials: mb gpid ` + sandbox.DefaultGPID + `, msid ` + sandbox.DefaultMSID + `,
apikey ` + sandbox.DefaultAPIKey + `, appsecret ` + sandbox.DefaultAppSecret + `; sandy token "` + sandbox.DefaultSandyToken + `" and
customer GUID ` + sandbox.DefaultCustomerGUID + ` (the member-cjb document's
test account).`

func runSandbox(ctx context.Context, e *env, args []string) error {
	c := newCommand("sandbox", "[flags]", sandboxAbout)
	addr := c.fs.String("addr", "127.0.0.1:8080", "listen `address`")
	var cfg sandbox.Config
	c.fs.StringVar(&cfg.StatePath, "state", "", "keep the cards in this SQLite `file` (default: in memory)")
	c.fs.Float64Var(&cfg.Rate, "rate", 0, "requests per second accepted (0: unlimited)")
	c.fs.IntVar(&cfg.Burst, "burst", sandbox.DefaultBurst, "token bucket burst")
	throttle := c.fs.String("throttle", "429", "how a rate-limited request is answered: 429 or status")
	c.fs.DurationVar(&cfg.Latency, "latency", 0, "added to every answer")
	c.fs.BoolVar(&cfg.RechargeBonus, "recharge-bonus", false, "sandy: recharge rules add bonus money")
	f := &cfg.Faults
	c.fs.Int64Var(&f.Seed, "seed", 1, "seed of the fault injection")
	c.fs.Float64Var(&f.ServerError, "fault-5xx", 0, "probability of HTTP 5xx before processing")
	c.fs.Float64Var(&f.Reset, "fault-reset", 0, "probability of a connection reset before processing")
	c.fs.Float64Var(&f.DropAfterCommit, "fault-drop", 0, "probability of dropping the answer after committing")
	c.fs.Float64Var(&f.SlowAfterCommit, "fault-slow", 0, "probability of answering after --slow-delay, after committing")
	c.fs.DurationVar(&f.SlowDelay, "slow-delay", sandbox.DefaultSlowDelay, "delay of slow answers")
	c.fs.Float64Var(&f.Malformed, "fault-malformed", 0, "probability of a malformed body after committing")
	c.fs.Float64Var(&f.PartialList, "fault-partial", 0, "probability of an mb answer that leaves one card out")
	c.fs.Float64Var(&f.LateApply, "fault-late", 0, "probability of holding a write --late-delay, then applying it even if the client gave up")
	c.fs.DurationVar(&f.LateDelay, "late-delay", sandbox.DefaultLateDelay, "how long late writes are held")
	c.fs.Float64Var(&f.Busy, "fault-busy", 0, "probability of a busy answer before processing (mb 系统繁忙, sandy 系統繁忙; nothing committed)")
	if err := c.parse(e, args, false); err != nil {
		return err
	}
	if len(c.args) > 0 {
		return usagef("unexpected argument %q", c.args[0])
	}
	if err := cfg.Throttle.UnmarshalText([]byte(*throttle)); err != nil {
		return usagef("--throttle %q: want 429 or status", *throttle)
	}
	srv, err := sandbox.Start(*addr, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\nmb endpoint:  %s\nsandy base:   %s\nledger:       %s/_sandbox/ledger\npress Ctrl-C to stop\n",
		"cardimport sandbox: the built-in simulator of both platforms; nothing it issues is real", srv.MBEndpoint(), srv.SandyBase(), srv.URL)
	<-ctx.Done()
	return srv.Close()
}
