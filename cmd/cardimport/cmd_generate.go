package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
)

const generateAbout = `Asks the 果盘 platform to generate COUNT stored-value cards (mb_newcard
type 15): the platform chooses the card numbers and passwords. The count
is split into calls of at most --batch-size cards. The report lists every
generated card with its password, so it is created readable by you only
(mode 0600).

A type-15 call whose outcome is unknown (timeout after sending, dropped
connection, unreadable answer) is never retried: retrying could create the
cards twice. It is reported, recorded in the journal, and the next generate
refuses to start until you have checked the platform and passed
--accept-unresolved.`

func runGenerate(ctx context.Context, e *env, args []string) error {
	c := newCommand("generate", "--count N [--balance X] [flags]", generateAbout)
	target := generator()
	var po platformOptions
	var out outputOptions
	po.register(c.fs, target)
	out.register(c.fs, false)
	c.fs.Lookup("batch-size").Usage = fmt.Sprintf("cards per type-15 call (1-%d)", target.Batch.Max)
	c.fs.Lookup("report").Usage = "report `path` of the generated cards, passwords included: " + report.GeneratedFormats.Choices() +
		" (default generated-<date>-<time>" + report.GeneratedFormats.Default() + ")"
	count := c.fs.Int("count", 0, "number of cards to generate")
	balanceText := c.fs.String("balance", "0", "stored value of each card, in yuan (exact, at most 2 decimals)")
	journalFlag := c.fs.String("journal", "", "journal `path` (or CARDIMPORT_JOURNAL; default: one file per platform and merchant in the user's state folder)")
	accept := c.fs.Bool("accept-unresolved", false, "start although earlier type-15 calls have an unknown outcome (after checking the platform)")
	if err := c.parse(e, args, true); err != nil {
		return err
	}
	if len(c.args) > 0 {
		return usagef("unexpected argument %q: generate takes no roster", c.args[0])
	}
	if *count < 1 || *count > 1_000_000 {
		return usagef("--count %d: want 1 to 1000000 cards", *count)
	}
	balance, err := validate.ParseMoney(*balanceText)
	if err != nil {
		return usagef("--balance %q: %v", *balanceText, err)
	}
	if !target.Generates {
		return usagef("no platform can generate cards")
	}
	if err := po.check(target); err != nil {
		return err
	}
	out.expandDates(time.Now())
	if out.report == "" {
		out.report = "generated-" + time.Now().Format("20060102-150405") + report.GeneratedFormats.Default()
	}
	if !report.GeneratedFormats.Accepts(out.report) {
		return usagef("--report %q: want a %s path", out.report, report.GeneratedFormats.Choices())
	}
	jpath, _, err := journalPath(e, *journalFlag, target, po.endpoint, platformSettings(target, po, c.secrets))
	if err != nil {
		return err
	}
	if err := checkOutputs(output{"--report", out.report}, output{"--journal", jpath}); err != nil {
		return err
	}

	log := newLogger(e, out)
	conn, err := connect(ctx, log, target, po, c.secrets, connectOptions{sandboxState: sandboxStatePath(jpath)})
	if err != nil {
		return err
	}
	defer conn.close()
	gen, ok := conn.Client.(importer.Generator)
	if !ok {
		return fmt.Errorf("%s: the client cannot generate cards", target.Name)
	}
	jr, err := openJournal(ctx, jpath, target, conn, "generate", false)
	if err != nil {
		return err
	}
	defer jr.Close()

	if err := os.MkdirAll(filepath.Dir(out.report), 0o755); err != nil {
		return fmt.Errorf("report folder: %w", err)
	}
	rep, err := report.Create(out.report, report.Options{Generated: true})
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	defer rep.Abort()

	started := time.Now()
	res, runErr := importer.Generate(ctx, importer.GenerateConfig{
		Generator: gen, Journal: jr, Count: *count, Balance: balance,
		BatchSize: po.batchSize, Concurrency: po.concurrency, AcceptUnresolved: *accept, Report: rep,
	})
	if res == nil {
		_ = jr.Finish(context.WithoutCancel(ctx), "refused", nil)
		return runErr
	}
	if res.Accepted > 0 {
		log.Warn("accepted earlier type-15 calls with unknown outcome", "calls", res.Accepted)
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
