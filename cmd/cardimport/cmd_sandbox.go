package main

import (
	"context"
	"fmt"

	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/validate/lang"
)

var sandboxAbout = lang.Msg(`Serves the built-in simulator of both platforms on --addr: the 果盘 API
(mb_newcard, type 15, mb_check) at /mb with signature, timestamp and
uniqueness checks, and the member-cjb API at /api2/member-cjb/. It can
rate-limit, add latency and inject faults; /_sandbox/ledger shows every
card it issued, /_sandbox/stats its counters, and POST /_sandbox/faults
switches faults while it runs. Credentials: mb gpid %s, msid %s,
apikey %s, appsecret %s; sandy token "%s" and
customer GUID %s (the member-cjb document's
test account).`, `在 --addr 上运行两个平台的内置模拟器：/mb 是果盘接口（mb_newcard、卡类型 15、
mb_check），会检查签名、时间戳和是否重复；/api2/member-cjb/ 是 member-cjb 接口。
它可以限流、加延迟、注入故障；/_sandbox/ledger 列出它发过的每张卡，/_sandbox/stats
是它的计数，运行中可以用 POST /_sandbox/faults 切换故障。
测试账号：果盘 gpid %s，msid %s，
apikey %s，appsecret %s；sandy 令牌 "%s"，
客户 GUID %s（member-cjb 文档里的测试账号）。`)

// The words of sandbox.
var (
	msgFlagAddr         = lang.Msg("listen `address`", "监听的`地址`")
	msgFlagState        = lang.Msg("keep the cards in this SQLite `file` (default: in memory)", "把卡保存在这个 SQLite `文件`里（默认：只放在内存中）")
	msgFlagSandboxRate  = lang.Msg("requests per second accepted (0: unlimited)", "每秒接受的`请求数`（0：不限）")
	msgFlagBurst        = lang.Msg("token bucket burst", "令牌桶的突发`数量`")
	msgFlagThrottle     = lang.Msg("how a rate-limited request is answered: 429 or status", "被限流的请求用哪种`方式`应答：429 或 status")
	msgFlagLatency      = lang.Msg("added to every answer", "每个应答额外增加的`延迟`")
	msgFlagRechargeRule = lang.Msg("sandy: recharge rules add bonus money", "sandy：充值规则会赠送金额")
	msgFlagSeed         = lang.Msg("seed of the fault injection", "故障注入的随机`种子`")
	msgFlagFault5xx     = lang.Msg("probability of HTTP 5xx before processing", "处理前就应答 HTTP 5xx 的`概率`")
	msgFlagFaultReset   = lang.Msg("probability of a connection reset before processing", "处理前就断开连接的`概率`")
	msgFlagFaultDrop    = lang.Msg("probability of dropping the answer after committing", "已经提交、却丢掉应答的`概率`")
	msgFlagFaultSlow    = lang.Msg("probability of answering after --slow-delay, after committing", "提交后等 --slow-delay 才应答的`概率`")
	msgFlagSlowDelay    = lang.Msg("delay of slow answers", "慢应答的`延迟`")
	msgFlagFaultMalform = lang.Msg("probability of a malformed body after committing", "提交后应答内容格式错误的`概率`")
	msgFlagFaultPartial = lang.Msg("probability of an mb answer that leaves one card out", "mb 应答里漏掉一张卡的`概率`")
	msgFlagFaultLate    = lang.Msg("probability of holding a write --late-delay, then applying it even if the client gave up", "把写操作压住 --late-delay 再执行（即使客户端已经放弃）的`概率`")
	msgFlagLateDelay    = lang.Msg("how long late writes are held", "迟到的写操作要压住的`时长`")
	msgFlagFaultBusy    = lang.Msg("probability of a busy answer before processing (mb 系统繁忙, sandy 系統繁忙; nothing committed)", "处理前就应答“繁忙”的`概率`（mb 为 系统繁忙，sandy 为 系統繁忙；什么都不提交）")
	msgUnexpectedArg    = lang.Msg("unexpected argument %q", "多余的参数 %q")
	msgThrottleWant     = lang.Msg("--throttle %q: want 429 or status", "--throttle %q：只能是 429 或 status")
	msgSandboxFlags     = lang.Msg("[flags]", "[选项]")
	msgSandboxStarted   = lang.Msg("cardimport sandbox: the built-in simulator of both platforms; nothing it issues is real\nmb endpoint:  %s\nsandy base:   %s\nledger:       %s/_sandbox/ledger\npress Ctrl-C to stop\n",
		"cardimport sandbox：两个平台的内置模拟器；它发的卡都不是真的\nmb 接口：     %s\nsandy 地址：  %s\n发卡台账：    %s/_sandbox/ledger\n按 Ctrl-C 停止\n")
)

func runSandbox(ctx context.Context, e *env, args []string) error {
	p := e.lang
	c := newCommand(e, "sandbox", p.Sprintf(msgSandboxFlags), p.Sprintf(sandboxAbout, sandbox.DefaultGPID, sandbox.DefaultMSID,
		sandbox.DefaultAPIKey, sandbox.DefaultAppSecret, sandbox.DefaultSandyToken, sandbox.DefaultCustomerGUID))
	addr := c.fs.String("addr", "127.0.0.1:8080", p.Sprintf(msgFlagAddr))
	var cfg sandbox.Config
	c.fs.StringVar(&cfg.StatePath, "state", "", p.Sprintf(msgFlagState))
	c.fs.Float64Var(&cfg.Rate, "rate", 0, p.Sprintf(msgFlagSandboxRate))
	c.fs.IntVar(&cfg.Burst, "burst", sandbox.DefaultBurst, p.Sprintf(msgFlagBurst))
	throttle := c.fs.String("throttle", "429", p.Sprintf(msgFlagThrottle))
	c.fs.DurationVar(&cfg.Latency, "latency", 0, p.Sprintf(msgFlagLatency))
	c.fs.BoolVar(&cfg.RechargeBonus, "recharge-bonus", false, p.Sprintf(msgFlagRechargeRule))
	f := &cfg.Faults
	c.fs.Int64Var(&f.Seed, "seed", 1, p.Sprintf(msgFlagSeed))
	c.fs.Float64Var(&f.ServerError, "fault-5xx", 0, p.Sprintf(msgFlagFault5xx))
	c.fs.Float64Var(&f.Reset, "fault-reset", 0, p.Sprintf(msgFlagFaultReset))
	c.fs.Float64Var(&f.DropAfterCommit, "fault-drop", 0, p.Sprintf(msgFlagFaultDrop))
	c.fs.Float64Var(&f.SlowAfterCommit, "fault-slow", 0, p.Sprintf(msgFlagFaultSlow))
	c.fs.DurationVar(&f.SlowDelay, "slow-delay", sandbox.DefaultSlowDelay, p.Sprintf(msgFlagSlowDelay))
	c.fs.Float64Var(&f.Malformed, "fault-malformed", 0, p.Sprintf(msgFlagFaultMalform))
	c.fs.Float64Var(&f.PartialList, "fault-partial", 0, p.Sprintf(msgFlagFaultPartial))
	c.fs.Float64Var(&f.LateApply, "fault-late", 0, p.Sprintf(msgFlagFaultLate))
	c.fs.DurationVar(&f.LateDelay, "late-delay", sandbox.DefaultLateDelay, p.Sprintf(msgFlagLateDelay))
	c.fs.Float64Var(&f.Busy, "fault-busy", 0, p.Sprintf(msgFlagFaultBusy))
	if err := c.parse(args, false); err != nil {
		return err
	}
	p = e.lang
	if len(c.args) > 0 {
		return usagef(p, msgUnexpectedArg, c.args[0])
	}
	if err := cfg.Throttle.UnmarshalText([]byte(*throttle)); err != nil {
		return usagef(p, msgThrottleWant, *throttle)
	}
	srv, err := sandbox.Start(*addr, cfg)
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, p.Sprintf(msgSandboxStarted, srv.MBEndpoint(), srv.SandyBase(), srv.URL))
	<-ctx.Done()
	return srv.Close()
}
