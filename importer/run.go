package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
)

// job is one roster row on its way through the run.
type job struct {
	seq      int64
	src      int // index into Config.Rosters
	row      roster.Row
	raw      rawFields // the row's text, reported when the row is invalid
	card     platform.Card
	problems []validate.Problem
	valid    bool

	status report.Status
	answer platform.Answer
	msg    string
}

// rawFields keeps the text of the report's columns for rows that never
// became a Card.
type rawFields struct {
	cardno, extid, name, phone, balance string
}

// run is the state of one Run.
type run struct {
	cfg Config
	log *slog.Logger
	lim *logLimiter

	results chan *job     // finished jobs, any order, to the collector
	window  chan struct{} // a slot per row between reader and collector
	headers [][]string    // each roster's header, for rejects (collector only)

	stopDispatch atomic.Bool // no new batches: budget, fatal error, interrupt
	interrupted  atomic.Bool // no new requests at all
	budgetHit    atomic.Bool
	bad          atomic.Int64 // invalid and rejected rows
	seen         atomic.Int64 // rows read
	batches      atomic.Int64

	mu         sync.Mutex
	fatalErr   error
	cancelRead context.CancelFunc
	unread     string
	warnings   []string
}

// Run imports the rosters (or only validates them when cfg.Platform is
// nil) and writes one report line per row. Cancelling ctx is an interrupt:
// no new batch is dispatched, requests in flight get cfg.Timeout to finish,
// and the rows read so far are still reported and journaled. The error is
// the run's fatal error, if any; the Result is valid either way.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg.setDefaults()
	v, err := validate.New(cfg.Validate)
	if err != nil {
		return nil, err
	}
	r := &run{
		cfg:     cfg,
		log:     cfg.Log,
		lim:     newLogLimiter(cfg.Log),
		results: make(chan *job, cfg.window()),
		window:  make(chan struct{}, cfg.window()),
	}

	readCtx, cancelRead := context.WithCancel(ctx)
	defer cancelRead()
	r.cancelRead = cancelRead
	// Sending outlives an interrupt by cfg.Timeout, so that requests in
	// flight can finish and their outcomes be recorded.
	sendCtx, cancelSend := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSend()
	stopWatch := context.AfterFunc(ctx, func() {
		r.interrupted.Store(true)
		r.stopDispatch.Store(true)
		time.AfterFunc(cfg.Timeout, cancelSend)
	})
	defer stopWatch()

	batches := make(chan []*job)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(batches)
		r.read(readCtx, v, batches)
	})
	for range cfg.Concurrency {
		wg.Go(func() {
			for b := range batches {
				r.send(sendCtx, b)
			}
		})
	}
	go func() {
		wg.Wait()
		close(r.results)
	}()

	res := r.collect()
	res.Interrupted = ctx.Err() != nil
	res.BudgetExceeded = r.budgetHit.Load()
	r.mu.Lock()
	defer r.mu.Unlock()
	res.Unread = r.unread
	res.Warnings = append(res.Warnings, r.warnings...)
	return res, r.fatalErr
}

func (c *Config) setDefaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 50
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxResends <= 0 {
		c.MaxResends = 3
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// window is how many rows may be between the reader and the collector:
// every batch in flight or queued, with room to keep reading meanwhile.
func (c *Config) window() int {
	return max(c.BatchSize*(2*c.Concurrency+2), 4096)
}

// fatal stops the run for good: nothing more is dispatched or read.
func (r *run) fatal(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fatalErr == nil {
		r.fatalErr = err
		r.log.Error("stopping the run", "err", err)
	}
	r.stopDispatch.Store(true)
	r.cancelRead()
}

func (r *run) stopped() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatalErr
}

// addBad counts an invalid or rejected row against the error budget.
func (r *run) addBad(final bool) {
	bad := r.bad.Add(1)
	r.checkBudget(bad, final)
}

func (r *run) checkBudget(bad int64, final bool) {
	if r.cfg.Budget.Exceeded(int(bad), int(r.seen.Load()), final) && !r.budgetHit.Swap(true) {
		r.stopDispatch.Store(true)
		r.log.Warn("error budget exhausted: no more rows are sent", "max-errors", r.cfg.Budget.String(), "bad", bad, "read", r.seen.Load())
	}
}

// read is the first stage: it reads every roster in order, validates each
// row, sends invalid rows straight to the collector and valid ones, in
// batches, to the workers.
func (r *run) read(ctx context.Context, v *validate.Validator, batches chan<- []*job) {
	var batch []*job
	flush := func() {
		if len(batch) == 0 {
			return
		}
		b := batch
		batch = nil
		if !r.stopDispatch.Load() {
			select {
			case batches <- b:
				return
			case <-ctx.Done():
			}
		}
		for _, j := range b {
			r.finish(j, report.StatusPending, platform.Answer{}, r.notSentReason())
		}
	}
	defer flush()

	var seq int64
	for i, ros := range r.cfg.Rosters {
		for {
			if ctx.Err() != nil {
				r.noteUnread(ros, seq)
				return
			}
			row, err := ros.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			// A malformed CSV record is that row's verdict, not the run's.
			badRecord := err != nil && errors.Is(err, roster.ErrBadRecord)
			if err != nil && !badRecord {
				r.fatal(fmt.Errorf("read %s: %w", ros.Source(), err))
				r.noteUnread(ros, seq)
				return
			}
			// Take a window slot; before waiting for one, send the
			// partial batch, whose rows the collector may be waiting for.
			select {
			case r.window <- struct{}{}:
			default:
				flush()
				select {
				case r.window <- struct{}{}:
				case <-ctx.Done():
					r.noteUnread(ros, seq)
					return
				}
			}
			j := r.check(v, i, ros, row, seq)
			if badRecord {
				j.valid = false
				j.problems = []validate.Problem{{Field: validate.NoField, Reason: err.Error()}}
			}
			seq++
			r.seen.Add(1)
			switch {
			case !j.valid:
				r.finish(j, report.StatusInvalid, platform.Answer{}, validate.Message(j.problems))
				r.addBad(false)
			case r.cfg.Platform == nil:
				r.finish(j, report.StatusValid, platform.Answer{}, validate.Message(j.problems))
			case r.stopDispatch.Load():
				r.finish(j, report.StatusPending, platform.Answer{}, r.notSentReason())
			default:
				batch = append(batch, j)
				if len(batch) >= r.cfg.BatchSize {
					flush()
				}
			}
		}
	}
	r.checkBudget(r.bad.Load(), true)
}

// check validates one row into a job.
func (r *run) check(v *validate.Validator, src int, ros Roster, row roster.Row, seq int64) *job {
	in := ros.Input(row)
	card, problems := v.Check(in)
	j := &job{
		seq:      seq,
		src:      src,
		row:      row,
		card:     platform.Card{Card: card, Seq: seq},
		problems: problems,
		valid:    !validate.Invalid(problems),
	}
	if !j.valid {
		j.raw = rawFields{
			cardno:  in.Cells[validate.Cardno].Text,
			extid:   in.Cells[validate.Extid].Text,
			name:    in.Cells[validate.Name].Text,
			phone:   in.Cells[validate.Phone].Text,
			balance: in.Cells[validate.Balance].Text,
		}
	}
	return j
}

func (r *run) noteUnread(ros Roster, seq int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unread == "" {
		r.unread = fmt.Sprintf("reading stopped in %s after %d rows: later rows were not read", ros.Source(), seq)
	}
}

// notSentReason words why a valid row was not sent.
func (r *run) notSentReason() string {
	switch {
	case r.stopped() != nil:
		return "not sent: the run stopped (" + r.stopped().Error() + "); run the same command again to continue"
	case r.interrupted.Load():
		return "not sent: the run was interrupted; run the same command again to continue"
	case r.budgetHit.Load():
		return "not sent: the error budget (--max-errors " + r.cfg.Budget.String() + ") was used up"
	}
	return "not sent"
}

// finish gives a job its final status and hands it to the collector.
func (r *run) finish(j *job, st report.Status, a platform.Answer, msg string) {
	j.status, j.answer, j.msg = st, a, msg
	r.results <- j
}

// send is a worker's handling of one batch: claim it in the journal,
// verify cards an earlier run left in doubt, issue the rest, record the
// outcomes, and only then report them.
func (r *run) send(ctx context.Context, jobs []*job) {
	out := &outcomes{run: r}
	defer func() { out.flush(ctx, jobs) }()
	if r.interrupted.Load() || r.stopped() != nil {
		out.abandon(jobs, nil)
		return
	}
	if r.cfg.CheckOnly {
		r.lookUp(ctx, jobs, out)
		return
	}
	out.batch = r.batches.Add(1)
	todo := jobs
	if r.cfg.Journal != nil {
		priors, err := r.cfg.Journal.Claim(ctx, out.batch, cardsOf(jobs))
		if err != nil {
			r.fatal(fmt.Errorf("journal: %w", err))
			out.abandon(jobs, nil)
			return
		}
		todo = nil
		var doubt []*job
		for i, p := range priors {
			j := jobs[i]
			j.card.Attempts = p.Attempts
			j.card.Done = p.Answer.Steps
			switch {
			case p.Issued:
				out.set(j, report.StatusSkipped, p.Answer, "issued by an earlier run")
			case p.InDoubt:
				j.card.Suspect = true
				doubt = append(doubt, j)
			case p.Exists:
				out.set(j, report.StatusExists, platform.Answer{}, p.Message+" (said on run "+p.Run+")")
			default:
				todo = append(todo, j)
			}
		}
		todo = append(todo, out.verify(ctx, doubt, "an earlier run sent it without an answer")...)
	}
	out.issue(ctx, todo, 0)
}

// lookUp asks the platform, read-only, whether each card of a batch
// already exists (validate --check-server).
func (r *run) lookUp(ctx context.Context, jobs []*job, out *outcomes) {
	checker, ok := r.cfg.Platform.(Checker)
	for _, j := range jobs {
		if !ok {
			out.set(j, report.StatusUnknown, platform.Answer{}, "this platform cannot be asked which cards exist")
			continue
		}
		if r.interrupted.Load() || r.stopped() != nil {
			out.set(j, report.StatusValid, platform.Answer{}, "not checked on the platform: the run stopped")
			continue
		}
		what, err := checker.Existing(ctx, &j.card)
		switch {
		case errors.Is(err, platform.ErrAuth):
			r.fatal(err)
			out.set(j, report.StatusValid, platform.Answer{}, "not checked on the platform: "+err.Error())
		case err != nil:
			out.set(j, report.StatusUnknown, platform.Answer{}, "could not check the platform: "+err.Error())
		case what != "":
			out.set(j, report.StatusExists, platform.Answer{}, what)
		default:
			out.set(j, report.StatusValid, platform.Answer{}, "")
		}
	}
}

func cardsOf(jobs []*job) []*platform.Card {
	cards := make([]*platform.Card, len(jobs))
	for i, j := range jobs {
		cards[i] = &j.card
	}
	return cards
}

// outcomes decides the fate of one batch's cards: it issues, bisects,
// verifies and resends, and finally records and reports every card.
type outcomes struct {
	run   *run
	batch int64
	final map[*job]bool
}

func (o *outcomes) set(j *job, st report.Status, a platform.Answer, msg string) {
	if o.final == nil {
		o.final = make(map[*job]bool)
	}
	j.status, j.answer, j.msg = st, a, msg
	o.final[j] = true
	if st == report.StatusRejected {
		o.run.addBad(false)
	}
}

// progress commits a finished step of a multi-step flow to the journal.
func (o *outcomes) progress(ctx context.Context, c *platform.Card, a platform.Answer) error {
	if o.run.cfg.Journal == nil {
		return nil
	}
	return o.run.cfg.Journal.Step(ctx, c, a)
}

// abandon settles cards the run can no longer send: a card a request may
// have issued is unknown (the next run verifies it), any other is pending.
func (o *outcomes) abandon(jobs []*job, cause error) {
	for _, j := range jobs {
		if j.card.Done != 0 && !j.card.Done.Has(platform.StepConfirm) {
			o.set(j, report.StatusUnknown, platform.Answer{Steps: j.card.Done}, "opened, but the run stopped before the card's flow was finished; the next run finishes it")
			continue
		}
		if j.card.Suspect {
			msg := "sent, but no usable answer came back and the run stopped before it could be verified; the next run verifies it"
			if cause != nil {
				msg += ": " + cause.Error()
			}
			o.set(j, report.StatusUnknown, platform.Answer{}, msg)
			continue
		}
		o.set(j, report.StatusPending, platform.Answer{}, o.run.notSentReason())
	}
}

// issue sends cards in one call and settles each of them.
func (o *outcomes) issue(ctx context.Context, jobs []*job, round int) {
	if len(jobs) == 0 {
		return
	}
	r := o.run
	if r.interrupted.Load() || r.stopped() != nil {
		o.abandon(jobs, nil)
		return
	}
	answers, err := r.cfg.Platform.Issue(ctx, cardsOf(jobs), o.progress)
	var rej *platform.Rejection
	switch {
	case err == nil:
		var missing []*job
		for i, a := range answers {
			if a.Found {
				o.set(jobs[i], report.StatusIssued, a, "")
			} else {
				missing = append(missing, jobs[i])
			}
		}
		if len(missing) > 0 {
			r.lim.Warn("platform answer left cards out; verifying them", "batch", o.batch, "cards", len(missing))
			for _, j := range missing {
				j.card.Suspect = true
			}
		}
		o.resend(ctx, o.verify(ctx, missing, "the platform's answer left it out"), round)
	case errors.Is(err, platform.ErrUnknownOutcome):
		r.lim.Warn("outcome unknown; verifying the batch before anything is resent", "batch", o.batch, "cards", len(jobs), "err", err)
		o.resend(ctx, o.verify(ctx, jobs, "no usable answer came back"), round)
	case errors.As(err, &rej):
		if len(jobs) == 1 {
			o.refused(ctx, jobs[0], rej)
			return
		}
		// mb refuses a whole list for one bad row. When the refusal names
		// the row's card number, in-card code or phone, that row is the
		// culprit; otherwise halve the list until the rows the platform
		// refuses stand alone.
		if i := named(jobs, rej.Info); i >= 0 {
			o.refused(ctx, jobs[i], rej)
			o.issue(ctx, append(jobs[:i:i], jobs[i+1:]...), round)
			return
		}
		mid := len(jobs) / 2
		o.issue(ctx, jobs[:mid], round)
		o.issue(ctx, jobs[mid:], round)
	case errors.Is(err, platform.ErrAuth):
		r.fatal(err)
		o.abandon(jobs, err)
	default:
		if ctx.Err() == nil && !r.interrupted.Load() {
			var t *platform.TransientError
			switch {
			case errors.As(err, &t) && t.Throttled:
				r.fatal(fmt.Errorf("the platform kept refusing requests as too frequent, retries exhausted (lower --rate): %w", err))
			case errors.As(err, &t):
				r.fatal(fmt.Errorf("platform unreachable after retries: %w", err))
			default:
				r.fatal(err)
			}
		}
		o.abandon(jobs, err)
	}
}

// named returns the index of the one card whose number, in-card code or
// phone the platform's words name ("卡号100101已存在"), or -1.
func named(jobs []*job, info string) int {
	tokens := strings.FieldsFunc(info, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-')
	})
	found := -1
	for i, j := range jobs {
		for _, t := range tokens {
			if t == j.card.Cardno || t == j.card.Extid || t == j.card.Phone {
				if found >= 0 && found != i {
					return -1 // ambiguous: bisect
				}
				found = i
			}
		}
	}
	return found
}

// refused settles one card the platform refused.
func (o *outcomes) refused(ctx context.Context, j *job, rej *platform.Rejection) {
	switch {
	case rej.Exists && j.card.Suspect:
		// Our own earlier attempt may be what exists: ask.
		if again := o.verify(ctx, []*job{j}, "the platform says it already exists"); len(again) > 0 {
			o.set(j, report.StatusExists, platform.Answer{}, rej.Info)
		}
	case rej.Exists:
		o.set(j, report.StatusExists, platform.Answer{}, rej.Info)
	default:
		o.set(j, report.StatusRejected, platform.Answer{}, rej.Info)
	}
}

// verify asks the platform about cards whose fate is open. Cards found are
// settled; the ones the platform does not have are returned, to be sent.
func (o *outcomes) verify(ctx context.Context, jobs []*job, why string) (notFound []*job) {
	r := o.run
	for _, j := range jobs {
		if r.interrupted.Load() {
			o.abandon([]*job{j}, nil)
			continue
		}
		a, err := r.cfg.Platform.Verify(ctx, &j.card)
		switch {
		case err == nil && a.Conflict != "":
			o.set(j, report.StatusExists, platform.Answer{}, a.Conflict)
		case err == nil && a.Partial:
			// Ours, half done: finish the flow from where it stopped.
			j.card.Done |= a.Steps
			notFound = append(notFound, j)
		case err == nil:
			o.set(j, report.StatusIssued, a, "confirmed by verification ("+why+")")
		case errors.Is(err, platform.ErrNotFound):
			notFound = append(notFound, j)
		case errors.Is(err, platform.ErrAuth):
			r.fatal(err)
			o.abandon([]*job{j}, err)
		default:
			o.set(j, report.StatusUnknown, platform.Answer{}, why+", and verifying it failed: "+err.Error()+"; the next run verifies it again")
		}
	}
	return notFound
}

// resend sends again cards verified as not issued, a bounded number of times.
func (o *outcomes) resend(ctx context.Context, jobs []*job, round int) {
	if len(jobs) == 0 {
		return
	}
	if round >= o.run.cfg.MaxResends {
		for _, j := range jobs {
			o.set(j, report.StatusPending, platform.Answer{}, "not issued: "+strconv.Itoa(j.card.Attempts)+" attempts got no usable answer; run the same command again to retry")
		}
		return
	}
	o.issue(ctx, jobs, round+1)
}

// flush records the batch's outcomes in the journal and reports them.
func (o *outcomes) flush(ctx context.Context, jobs []*job) {
	r := o.run
	for _, j := range jobs {
		if !o.final[j] {
			// Every path settles every card; this is the safety net.
			o.set(j, report.StatusUnknown, platform.Answer{}, "internal error: the card was left without an outcome")
		}
	}
	if r.cfg.Journal != nil {
		recs := make([]journal.Outcome, 0, len(jobs))
		for _, j := range jobs {
			if j.status == report.StatusSkipped {
				continue
			}
			recs = append(recs, journal.Outcome{Card: &j.card, Status: j.status, Answer: j.answer, Message: j.msg, Batch: o.batch,
				Source: r.cfg.Rosters[j.src].Source(), Row: j.row.Line})
		}
		if err := r.cfg.Journal.Record(context.WithoutCancel(ctx), recs); err != nil {
			r.fatal(fmt.Errorf("journal: %w", err))
		}
	}
	for _, j := range jobs {
		r.results <- j
	}
}
