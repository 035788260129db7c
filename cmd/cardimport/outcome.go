package main

import (
	"context"
	"log/slog"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate/lang"
)

// exitCodeOf is the exit code of a run that produced a report (SPEC §1):
// the one place that decides it from the run's outcome. exitCode in
// main.go maps the errors of runs that produced none.
func exitCodeOf(o importer.Outcome, runErr error) int {
	switch {
	case runErr != nil:
		return exitFatal
	case o.Interrupted:
		return exitInterrupted
	case o.BudgetExceeded:
		return exitBudget
	case !o.Complete():
		return exitPartial
	}
	return exitOK
}

var (
	msgJournalFinish = lang.Msg("journal: recording the end of the run failed", "发卡记录：没能记下本次运行的结束")
	msgWriteReport   = lang.Msg("write report: %v", "写报告：%v")
)

// finishRun ends a run that produced a report: the exit code goes into the
// summary and the journal's list of runs, the report is closed with the
// summary, and the summary is printed (text, or JSON with --json). It
// returns the run's fatal error, or the exit code as an error.
func finishRun(ctx context.Context, e *env, log *slog.Logger, out outputOptions, sum *report.Summary,
	o importer.Outcome, runErr error, jr *journal.DB, rep report.Writer) error {
	p := e.lang
	code := exitCodeOf(o, runErr)
	sum.ExitCode = code
	if runErr != nil {
		sum.Fatal = runErr.Error()
		sum.Error = &report.RunError{Code: code, Message: runErr.Error()}
	}
	if jr != nil {
		if err := jr.Finish(context.WithoutCancel(ctx), outcomeWord(code), o.Counts); err != nil {
			log.Warn(p.Sprintf(msgJournalFinish), "err", err)
		}
	}
	if err := rep.Close(sum); err != nil {
		return p.Errorf(msgWriteReport, err)
	}
	var err error
	if out.json {
		err = sum.WriteJSON(e.stdout)
		e.jsonDone = true
	} else {
		err = sum.WriteText(e.stdout, p)
	}
	switch {
	case err != nil:
		return err
	case runErr != nil:
		return runErr
	case code != exitOK:
		return exitCodeError{code}
	}
	return nil
}
