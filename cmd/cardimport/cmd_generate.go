package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/platform"
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
	var po platformOptions
	var out outputOptions
	po.register(c.fs)
	out.register(c.fs, false)
	count := c.fs.Int("count", 0, "number of cards to generate")
	balanceText := c.fs.String("balance", "0", "stored value of each card, in yuan (exact, at most 2 decimals)")
	journalPath := c.fs.String("journal", "", "journal `path` (default cardimport.db in the report's folder)")
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
	if err := po.check(); err != nil {
		return err
	}
	if out.report == "" {
		out.report = "generated-" + time.Now().Format("20060102-150405") + ".csv"
	}
	switch extOf(out.report) {
	case ".csv", ".xlsx", ".json":
	default:
		return usagef("--report %q: want a .csv, .xlsx or .json path", out.report)
	}
	if *journalPath == "" {
		*journalPath = defaultJournal(out.report)
	}

	log := newLogger(e, out)
	conn, err := connect(ctx, e, log, validate.TargetMB, po, c.secrets, false)
	if err != nil {
		return err
	}
	defer conn.close()
	jr, err := openJournal(ctx, *journalPath, validate.TargetMB, conn, "generate", false)
	if err != nil {
		return err
	}
	defer jr.Close()
	unresolved, err := jr.UnresolvedGenerates(ctx)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if len(unresolved) > 0 {
		if !*accept {
			u := unresolved[0]
			return fmt.Errorf("%d earlier type-15 call(s) have an unknown outcome (first: run %s, call %d, %d cards of %s yuan, %s): they may have created cards. Check the platform, then run again with --accept-unresolved",
				len(unresolved), u.Run, u.Batch, u.Count, u.Balance, u.Created)
		}
		if err := jr.ResolveGenerates(ctx); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		log.Warn("accepted earlier type-15 calls with unknown outcome", "calls", len(unresolved))
	}

	if err := os.MkdirAll(filepath.Dir(out.report), 0o755); err != nil {
		return fmt.Errorf("report folder: %w", err)
	}
	rep, err := report.Create(out.report, report.Options{Generated: true})
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	defer rep.Abort()

	started := time.Now()
	calls := splitCount(*count, po.batchSize)
	results := make([][]report.Generated, len(calls))
	g, gctx := errgroup.WithContext(context.WithoutCancel(ctx))
	g.SetLimit(po.concurrency)
	for i, n := range calls {
		if ctx.Err() != nil || gctx.Err() != nil {
			results[i] = []report.Generated{{Batch: i + 1, Status: platform.StatusPending, Message: fmt.Sprintf("not sent: %d cards; the run stopped", n)}}
			continue
		}
		g.Go(func() error {
			batch := int64(i + 1)
			if err := jr.BeginGenerate(gctx, batch, n, balance.String()); err != nil {
				return fmt.Errorf("journal: %w", err)
			}
			items, err := conn.mb.Generate(gctx, n, balance)
			lines, status, jerr := generatedLines(int(batch), n, items, err)
			results[i] = lines
			if e2 := jr.EndGenerate(gctx, batch, status, len(items), errText(err)); e2 != nil {
				return fmt.Errorf("journal: %w", e2)
			}
			return jerr
		})
	}
	fatalErr := g.Wait()

	sum := &report.Summary{
		Command: "generate", Target: string(validate.TargetMB), Endpoint: conn.label, Sandbox: conn.sandbox,
		Counts: map[platform.Status]int{}, Started: started, Elapsed: time.Since(started),
		Report: out.report, Journal: *journalPath, Interrupted: ctx.Err() != nil,
	}
	var confirmed validate.Money
	for i, lines := range results {
		if lines == nil {
			lines = []report.Generated{{Batch: i + 1, Status: platform.StatusPending, Message: "not sent: the run stopped"}}
		}
		for _, l := range lines {
			if err := rep.WriteGenerated(&l); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
			if l.Cardno != "" {
				sum.Rows++
				sum.Counts[l.Status]++
				if m, ok, _ := validate.ParseAmount(l.Balance); ok {
					confirmed = confirmed.Add(m)
				}
			} else {
				sum.Warnings = append(sum.Warnings, fmt.Sprintf("call %d: %s", l.Batch, l.Message))
			}
		}
	}
	sum.RosterBalance = validate.Money{Fen: balance.Fen * int64(*count)}.Fixed()
	sum.ConfirmedBalance = confirmed.Fixed()
	st := conn.stats()
	sum.Requests, sum.Retries, sum.Throttled = st.Requests, st.Retries, st.Throttled
	code := exitOK
	switch {
	case fatalErr != nil:
		code = exitFatal
		sum.Fatal = fatalErr.Error()
	case sum.Interrupted:
		code = exitInterrupted
	case sum.Counts[platform.StatusIssued] != *count:
		code = exitPartial
	}
	sum.ExitCode = code
	if err := jr.Finish(context.WithoutCancel(ctx), outcomeWord(code), sum.Counts); err != nil {
		log.Warn("journal: recording the end of the run failed", "err", err)
	}
	if err := rep.Close(sum); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if out.json {
		err = sum.WriteJSON(e.stdout)
	} else {
		err = sum.WriteText(e.stdout)
	}
	if err != nil {
		return err
	}
	if fatalErr != nil {
		return fatalErr
	}
	if code != exitOK {
		return exitCodeError{code}
	}
	return nil
}

// splitCount splits n cards into calls of at most size.
func splitCount(n, size int) []int {
	var calls []int
	for n > 0 {
		k := min(n, size)
		calls = append(calls, k)
		n -= k
	}
	return calls
}

// generatedLines turns one type-15 call's result into report lines and the
// journal status of the call. A fatal error (credentials) is returned.
func generatedLines(batch, n int, items []mb.RespItem, err error) ([]report.Generated, string, error) {
	var rej *platform.Rejection
	switch {
	case err == nil:
		lines := make([]report.Generated, len(items))
		for i, it := range items {
			lines[i] = report.Generated{
				Batch: batch, Status: platform.StatusIssued, ID: string(it.ID), Cardno: it.CardNo(), Mbno: string(it.Mbno),
				Password: string(it.Pwd), Extid: string(it.Extid), Balance: string(it.Balance),
			}
		}
		if len(items) != n {
			lines = append(lines, report.Generated{Batch: batch, Status: platform.StatusUnknown,
				Message: fmt.Sprintf("asked for %d cards, the platform listed %d: check the platform", n, len(items))})
		}
		return lines, journal.StatusIssued, nil
	case errors.Is(err, platform.ErrUnknownOutcome):
		return []report.Generated{{Batch: batch, Status: platform.StatusUnknown,
			Message: fmt.Sprintf("%d cards: outcome unknown (%v); never retried, it could create the cards twice: check the platform", n, err)}}, "unknown", nil
	case errors.As(err, &rej):
		return []report.Generated{{Batch: batch, Status: platform.StatusRejected, Message: fmt.Sprintf("%d cards: %s", n, rej.Info)}}, "refused", nil
	case errors.Is(err, platform.ErrAuth):
		return []report.Generated{{Batch: batch, Status: platform.StatusPending, Message: fmt.Sprintf("%d cards not generated: %v", n, err)}}, "refused", err
	default:
		// Transient failures that never reached the platform, retried to
		// the end, or an interrupt before sending: nothing was created.
		return []report.Generated{{Batch: batch, Status: platform.StatusPending, Message: fmt.Sprintf("%d cards not generated: %v", n, err)}}, "not sent", err
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
