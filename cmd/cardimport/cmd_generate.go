package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

var generateAbout = lang.Msg(`Asks the 果盘 platform to generate COUNT stored-value cards (mb_newcard
type 15): the platform chooses the card numbers and passwords. The count
is split into calls of at most --batch-size cards. The report lists every
generated card with its password, so it is created readable by you only
(mode 0600).

A type-15 call whose outcome is unknown (timeout after sending, dropped
connection, unreadable answer) is never retried: retrying could create the
cards twice. It is reported, recorded in the journal, and the next generate
refuses to start until you have checked the platform and passed
--accept-unresolved.`, `让果盘平台生成 --count 张储值卡（mb_newcard 卡类型 15）：卡号和密码由平台决定。
卡数会拆成多次调用，每次最多 --batch-size 张。报告里列出生成的每张卡和它的密码，
所以报告文件只有你自己能读（权限 0600）。

卡类型 15 的调用如果结果不明（发送后超时、连接中断、应答看不懂），绝不会重试：
重试可能把卡生成两遍。这样的调用会写进报告和发卡记录；在你到平台上核实、并加上
--accept-unresolved 之前，下一次 generate 会拒绝开始。`)

// The words of generate.
var (
	msgGenerateSynopsis = lang.Msg("--count N [--balance X] [flags]", "--count N [--balance X] [选项]")
	msgFlagGenBatch     = lang.Msg("cards per type-15 call (1-%s)", "每次卡类型 15 调用生成的`卡数`（1-%s）")
	msgFlagGenReport    = lang.Msg("report `path` of the generated cards, passwords included: %s (default generated-<date>-<time>%s)",
		"生成的卡（含密码）的报告`路径`：%s（默认 generated-<日期>-<时间>%s）")
	msgFlagCount     = lang.Msg("number of cards to generate", "要生成的`卡数`")
	msgFlagBalance   = lang.Msg("stored value of each card, in yuan (exact, at most 2 decimals)", "每张卡的储值`金额`，单位元（按原值，最多两位小数）")
	msgFlagAccept    = lang.Msg("start although earlier type-15 calls have an unknown outcome (after checking the platform)", "即使以前有结果不明的卡类型 15 调用，也照样开始（请先到平台上核实）")
	msgGenNoRoster   = lang.Msg("unexpected argument %q: generate takes no roster", "多余的参数 %q：generate 不读取名单")
	msgCountWant     = lang.Msg("--count %s: want 1 to 1000000 cards", "--count %s：卡数要在 1 到 1000000 之间")
	msgBalanceErr    = lang.Msg("--balance %q: %v", "--balance %q：%v")
	msgNoGenerator   = lang.Msg("no platform can generate cards", "没有哪个平台能生成卡")
	msgCannotGen     = lang.Msg("%s: the client cannot generate cards", "%s：这个平台的客户端不能生成卡")
	msgAcceptedCalls = lang.Msg("accepted earlier type-15 calls with unknown outcome", "已按要求接受以前结果不明的卡类型 15 调用")
)

func runGenerate(ctx context.Context, e *env, args []string) error {
	p := e.lang
	c := newCommand(e, "generate", p.Sprintf(msgGenerateSynopsis), p.Sprintf(generateAbout))
	target := generator()
	var po platformOptions
	var out outputOptions
	po.register(c.fs, p, target)
	out.register(c.fs, p, false)
	c.fs.Lookup("batch-size").Usage = p.Sprintf(msgFlagGenBatch, strconv.Itoa(target.Batch.Max))
	c.fs.Lookup("report").Usage = p.Sprintf(msgFlagGenReport, report.GeneratedFormats.Choices(p), report.GeneratedFormats.Default())
	count := c.fs.Int("count", 0, p.Sprintf(msgFlagCount))
	balanceText := c.fs.String("balance", "0", p.Sprintf(msgFlagBalance))
	journalFlag := c.fs.String("journal", "", p.Sprintf(msgFlagJournal))
	accept := c.fs.Bool("accept-unresolved", false, p.Sprintf(msgFlagAccept))
	if err := c.parse(args, true); err != nil {
		return err
	}
	p = e.lang // the config file may have chosen another
	if len(c.args) > 0 {
		return usagef(p, msgGenNoRoster, c.args[0])
	}
	if *count < 1 || *count > 1_000_000 {
		return usagef(p, msgCountWant, strconv.Itoa(*count))
	}
	balance, err := validate.ParseMoney(*balanceText)
	if err != nil {
		return usagef(p, msgBalanceErr, *balanceText, err)
	}
	if !target.Generates {
		return usagef(p, msgNoGenerator)
	}
	if err := po.check(p, target); err != nil {
		return err
	}
	out.expandDates(time.Now())
	if out.report == "" {
		out.report = "generated-" + time.Now().Format("20060102-150405") + report.GeneratedFormats.Default()
	}
	if !report.GeneratedFormats.Accepts(out.report) {
		return usagef(p, msgReportPathWant, out.report, report.GeneratedFormats.Choices(p))
	}
	jpath, _, err := journalPath(e, *journalFlag, target, po.endpoint, platformSettings(target, po, c.secrets))
	if err != nil {
		return err
	}
	if err := checkOutputs(p, output{"--report", out.report}, output{"--journal", jpath}); err != nil {
		return err
	}

	log := newLogger(e, out)
	conn, err := connect(ctx, p, log, target, po, c.secrets, connectOptions{sandboxState: sandboxStatePath(jpath)})
	if err != nil {
		return err
	}
	defer conn.close()
	gen, ok := conn.Client.(importer.Generator)
	if !ok {
		return p.Errorf(msgCannotGen, target.Name)
	}
	jr, err := openJournal(ctx, p, jpath, target, conn, "generate", false)
	if err != nil {
		return err
	}
	defer jr.Close()

	if err := os.MkdirAll(filepath.Dir(out.report), 0o755); err != nil {
		return p.Errorf(msgReportFolder, err)
	}
	rep, err := report.Create(out.report, report.Options{Generated: true, Lang: p})
	if err != nil {
		return p.Errorf(msgCreateReport, err)
	}
	defer rep.Abort()

	started := time.Now()
	res, runErr := importer.Generate(ctx, importer.GenerateConfig{
		Generator: gen, Journal: jr, Count: *count, Balance: balance,
		BatchSize: po.batchSize, Concurrency: po.concurrency, AcceptUnresolved: *accept, Report: rep, Printer: p,
	})
	if res == nil {
		_ = jr.Finish(context.WithoutCancel(ctx), "refused", nil)
		return runErr
	}
	if res.Accepted > 0 {
		log.Warn(p.Sprintf(msgAcceptedCalls), "calls", res.Accepted)
	}
	sum := &report.Summary{
		Command: "generate", Target: target.Name, Endpoint: conn.label, Sandbox: conn.sandbox,
		Rows: res.Cards, Counts: res.Counts, Started: started, Elapsed: time.Since(started),
		Report: out.report, Journal: jpath, Interrupted: res.Interrupted, Warnings: res.Warnings,
		RosterBalance:    validate.Money{Fen: balance.Fen * int64(*count)}.Fixed(),
		ConfirmedBalance: res.Confirmed.Fixed(),
	}
	st := conn.stats()
	sum.Requests, sum.Retries, sum.Throttled = st.Requests, st.Retries, st.Throttled
	return finishRun(ctx, e, log, out, sum, res.Outcome, runErr, jr, rep)
}

// generator is the platform generate talks to: the first that can
// generate cards (mb type 15).
func generator() *platform.Descriptor {
	for _, d := range targets.All() {
		if d.Generates {
			return d
		}
	}
	return targets.Default()
}
