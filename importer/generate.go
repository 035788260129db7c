package importer

import (
	"context"
	"errors"

	"golang.org/x/sync/errgroup"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Generator is a platform that generates cards itself and chooses their
// numbers and passwords (mb type 15). mb.Client satisfies it.
type Generator interface {
	// GenerateCards asks for count cards of the balance in one call. A
	// call that may have reached the platform is never retried: it could
	// create the cards twice.
	GenerateCards(ctx context.Context, count int, balance validate.Money) ([]platform.Answer, error)
}

// GenerateJournal is the durable state of generate; *journal.DB satisfies
// it.
type GenerateJournal interface {
	BeginGenerate(ctx context.Context, batch int64, count int, balance string) error
	EndGenerate(ctx context.Context, batch int64, status string, cards int, msg string) error
	UnresolvedGenerates(ctx context.Context) ([]journal.GenerateCall, error)
	ResolveGenerates(ctx context.Context) error
}

// GenerateConfig describes one generate run.
type GenerateConfig struct {
	Generator   Generator
	Journal     GenerateJournal
	Count       int
	Balance     validate.Money
	BatchSize   int // cards per call
	Concurrency int // calls in flight
	// AcceptUnresolved starts although earlier calls have an unknown
	// outcome (the user checked the platform); they are marked accepted.
	AcceptUnresolved bool
	Report           report.Writer // one line per card, passwords included
	// Printer is the language of the messages and warnings (nil:
	// English).
	Printer *lang.Printer
}

// GenerateResult is what a generate run did.
type GenerateResult struct {
	Outcome
	Cards     int            // cards the platform listed
	Confirmed validate.Money // their balances as the platform stated them
	Warnings  []string       // calls that produced no card, and why
	Accepted  int            // earlier unresolved calls accepted
}

// ErrUnresolvedGenerate refuses to generate while earlier calls have an
// unknown outcome: they may have created cards.
var ErrUnresolvedGenerate = errors.New("earlier generate calls have an unknown outcome")

// The words of generate.
var (
	msgUnresolvedGenerate = lang.Msg("earlier generate calls have an unknown outcome: %d earlier type-15 call(s) (first: run %s, call %d, %d cards of %s yuan, %s) may have created cards. "+
		"Check the platform, then run again with --accept-unresolved",
		"以前有 %d 次卡类型 15 的调用结果不明（第一次：运行 %s，第 %d 次调用，%d 张 %s 元的卡，%s），可能已经生成了卡。请先到平台上核实，再加上 --accept-unresolved 重新运行")
	msgGenNotSentCards = lang.Msg("not sent: %d cards; the run stopped", "未发送：%d 张卡；运行中止了")
	msgGenNotSent      = lang.Msg("not sent: the run stopped", "未发送：运行中止了")
	msgGenCall         = lang.Msg("call %d: %s", "第 %d 次调用：%s")
	msgGenListed       = lang.Msg("asked for %d cards, the platform listed %d: check the platform", "要了 %d 张卡，平台列出了 %d 张：请到平台上核实")
	msgGenUnknown      = lang.Msg("%d cards: outcome unknown (%v); never retried, it could create the cards twice: check the platform", "%d 张卡：结果不明（%v）；不会重试，否则可能重复生成：请到平台上核实")
	msgGenRefused      = lang.Msg("%d cards: %s", "%d 张卡：%s")
	msgGenNotGenerated = lang.Msg("%d cards not generated: %v", "%d 张卡没有生成：%v")
)

// Generate runs the generate protocol (SPEC §4, type 15): refuse to start
// while an earlier call's outcome is unknown (unless accepted), split the
// count into calls of at most BatchSize, journal each call as sending
// before it leaves and its outcome when it returns, never retry a call
// that may have reached the platform, and write every generated card. The
// error is the run's fatal error (refused credentials); the result is
// valid either way.
func Generate(ctx context.Context, cfg GenerateConfig) (*GenerateResult, error) {
	res := &GenerateResult{Outcome: Outcome{Counts: map[platform.Status]int{}}}
	p := cfg.Printer
	unresolved, err := cfg.Journal.UnresolvedGenerates(ctx)
	if err != nil {
		return nil, p.Errorf(msgJournalErr, err)
	}
	if len(unresolved) > 0 {
		if !cfg.AcceptUnresolved {
			u := unresolved[0]
			return nil, p.ErrorIs(ErrUnresolvedGenerate, msgUnresolvedGenerate,
				len(unresolved), u.Run, u.Batch, u.Count, u.Balance, u.Created)
		}
		if err := cfg.Journal.ResolveGenerates(ctx); err != nil {
			return nil, p.Errorf(msgJournalErr, err)
		}
		res.Accepted = len(unresolved)
	}

	calls := splitCount(cfg.Count, max(cfg.BatchSize, 1))
	results := make([][]report.Generated, len(calls))
	// Calls in flight finish after an interrupt: their outcome must be
	// journaled. No new call starts.
	g, gctx := errgroup.WithContext(context.WithoutCancel(ctx))
	g.SetLimit(max(cfg.Concurrency, 1))
	for i, n := range calls {
		if ctx.Err() != nil || gctx.Err() != nil {
			results[i] = []report.Generated{{Batch: i + 1, Status: platform.StatusPending, Message: p.Sprintf(msgGenNotSentCards, n)}}
			continue
		}
		g.Go(func() error {
			batch := int64(i + 1)
			if err := cfg.Journal.BeginGenerate(gctx, batch, n, cfg.Balance.String()); err != nil {
				return p.Errorf(msgJournalErr, err)
			}
			cards, err := cfg.Generator.GenerateCards(gctx, n, cfg.Balance)
			lines, status, fatal := generatedLines(p, int(batch), n, cards, err)
			results[i] = lines
			if e2 := cfg.Journal.EndGenerate(gctx, batch, status, len(cards), errText(err)); e2 != nil {
				return p.Errorf(msgJournalErr, e2)
			}
			return fatal
		})
	}
	fatalErr := g.Wait()
	res.Interrupted = ctx.Err() != nil

	for i, lines := range results {
		if lines == nil {
			lines = []report.Generated{{Batch: i + 1, Status: platform.StatusPending, Message: p.Sprintf(msgGenNotSent)}}
		}
		for _, l := range lines {
			if err := cfg.Report.WriteGenerated(&l); err != nil {
				return res, p.Errorf(msgWriteReport, err)
			}
			if l.Cardno == "" {
				res.Warnings = append(res.Warnings, p.Sprintf(msgGenCall, l.Batch, l.Message))
				continue
			}
			res.Cards++
			res.Counts[l.Status]++
			if m, ok, _ := validate.ParseAmount(l.Balance); ok {
				res.Confirmed = res.Confirmed.Add(m)
			}
		}
	}
	res.Shortfall = cfg.Count - res.Counts[platform.StatusIssued]
	return res, fatalErr
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

// generatedLines turns one call's result into report lines, worded in
// p's language, and the journal status of the call. A fatal error
// (credentials) is returned.
func generatedLines(p *lang.Printer, batch, n int, cards []platform.Answer, err error) ([]report.Generated, string, error) {
	var rej *platform.Rejection
	switch {
	case err == nil:
		lines := make([]report.Generated, len(cards))
		for i, c := range cards {
			lines[i] = report.Generated{
				Batch: batch, Status: platform.StatusIssued, ID: c.ID, Cardno: c.Cardno, Mbno: c.Mbno,
				Password: c.Password, Extid: c.Extid, Balance: c.Balance,
			}
		}
		if len(cards) != n {
			lines = append(lines, report.Generated{Batch: batch, Status: platform.StatusUnknown,
				Message: p.Sprintf(msgGenListed, n, len(cards))})
		}
		return lines, journal.StatusIssued, nil
	case errors.Is(err, platform.ErrUnknownOutcome):
		return []report.Generated{{Batch: batch, Status: platform.StatusUnknown,
			Message: p.Sprintf(msgGenUnknown, n, err)}}, "unknown", nil
	case errors.As(err, &rej):
		return []report.Generated{{Batch: batch, Status: platform.StatusRejected, Message: p.Sprintf(msgGenRefused, n, rej.Info)}}, "refused", nil
	case errors.Is(err, platform.ErrAuth):
		return []report.Generated{{Batch: batch, Status: platform.StatusPending, Message: p.Sprintf(msgGenNotGenerated, n, err)}}, "refused", err
	default:
		// Transient failures that never reached the platform, retried to
		// the end, or an interrupt before sending: nothing was created.
		return []report.Generated{{Batch: batch, Status: platform.StatusPending, Message: p.Sprintf(msgGenNotGenerated, n, err)}}, "not sent", err
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
