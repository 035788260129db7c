package importer

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
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

	status platform.Status
	answer platform.Answer
	msg    string
	// foreign: the journal's entry for the card number is another
	// holder's; this row's outcome must not overwrite it.
	foreign bool
	// doneBefore are the flow's steps when the card was last resent: a
	// flow that moved on is continued without counting a resend.
	doneBefore platform.Steps
}

// rawFields keeps the text of the report's columns for rows that never
// became a Card.
type rawFields struct {
	cardno, extid, name, phone, balance string
}

// run is the state of one Run.
type run struct {
	cfg Config
	p   *lang.Printer // the language of the messages
	log *slog.Logger
	lim *logLimiter

	input   validate.Input // the row being checked (reader goroutine only)
	results chan *job      // finished jobs, any order, to the collector
	window  chan struct{}  // a slot per row between reader and collector
	headers [][]string     // each roster's header, for rejects (collector only)

	stopDispatch atomic.Bool // no new batches: budget, fatal error, interrupt
	// unanswered counts the requests in a row that failed every retry: at
	// maxUnanswered the platform is taken as unreachable. It starts one
	// short of that, so a platform that never answered stops the run at
	// the first such request.
	unanswered  atomic.Int64
	interrupted atomic.Bool // no new requests at all
	budgetHit   atomic.Bool
	bad         atomic.Int64 // invalid and rejected rows
	seen        atomic.Int64 // rows read
	batches     atomic.Int64

	// wg counts the goroutines that may still finish rows: the reader,
	// the workers, and the batches parked until a late platform settles.
	wg sync.WaitGroup
	// slots bounds the batches in progress (cfg.workers()): a worker
	// holds one while it sends a batch, a parked batch while it resumes.
	// The requests in flight are bounded apart, at the request edge
	// (pace.InFlight, --concurrency): a batch between two requests —
	// committing a step to the journal, backing off before a retry —
	// leaves its place on the wire to another.
	slots chan struct{}
	// halt is closed at the first interrupt or fatal error: parked
	// batches stop waiting.
	halt     chan struct{}
	haltOnce sync.Once

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
	if cfg.Validate.Printer == nil {
		cfg.Validate.Printer = cfg.Printer
	}
	v, err := validate.New(cfg.Validate)
	if err != nil {
		return nil, err
	}
	r := &run{
		cfg:     cfg,
		p:       cfg.Printer,
		log:     cfg.Log,
		lim:     newLogLimiter(cfg.Log),
		results: make(chan *job, cfg.window()),
		window:  make(chan struct{}, cfg.window()),
		slots:   make(chan struct{}, cfg.workers()),
		halt:    make(chan struct{}),
	}
	r.unanswered.Store(maxUnanswered - 1)

	readCtx, cancelRead := context.WithCancel(ctx)
	defer cancelRead()
	r.cancelRead = cancelRead
	// Sending outlives an interrupt by cfg.Timeout, so that requests in
	// flight can finish and their outcomes be recorded. At most
	// cfg.Concurrency of its requests are in flight at once.
	sendCtx, cancelSend := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSend()
	sendCtx = pace.InFlight(sendCtx, cfg.Concurrency)
	stopWatch := context.AfterFunc(ctx, func() {
		r.interrupted.Store(true)
		r.stopDispatch.Store(true)
		r.stopParked()
		time.AfterFunc(cfg.Timeout, cancelSend)
	})
	defer stopWatch()

	batches := make(chan []*job)
	r.wg.Go(func() {
		defer close(batches)
		r.read(readCtx, v, batches)
	})
	for range cfg.workers() {
		r.wg.Go(func() {
			for b := range batches {
				r.slots <- struct{}{}
				r.send(sendCtx, b)
				<-r.slots
			}
		})
	}
	go func() {
		r.wg.Wait()
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

// workers is how many batches may be in progress at once. --concurrency
// bounds the requests in flight; a batch also spends time off the wire
// (the journal between a card's steps, backoff before a retry, its next
// request waiting for the rate), so twice as many batches are in progress
// and the requests of one fill the other's gaps.
func (c *Config) workers() int { return 2 * c.Concurrency }

// window is how many rows may be between the reader and the collector:
// every batch in progress or queued, with room to keep reading meanwhile.
func (c *Config) window() int {
	return max(c.BatchSize*(2*c.workers()+2), 4096)
}

// fatal stops the run for good: nothing more is dispatched or read.
func (r *run) fatal(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fatalErr == nil {
		r.fatalErr = err
		r.log.Error(r.p.Sprintf(logStopping), "err", err)
	}
	r.stopDispatch.Store(true)
	r.stopParked()
	r.cancelRead()
}

// stopParked wakes the batches parked until a late platform settles: the
// run is ending and they are reported as they stand.
func (r *run) stopParked() { r.haltOnce.Do(func() { close(r.halt) }) }

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
		r.log.Warn(r.p.Sprintf(logBudget), "max-errors", r.cfg.Budget.String(), "bad", bad, "read", r.seen.Load())
	}
}

// read is the first stage: it reads every roster in order, validates each
// row, sends invalid rows straight to the collector and valid ones, in
// batches, to the workers.
func (r *run) read(ctx context.Context, v *validate.Validator, batches chan<- []*job) {
	var batch []*job
	dispatch := func() {
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
			r.finish(j, platform.StatusPending, platform.Answer{}, r.notSentReason())
		}
	}
	defer dispatch()

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
				r.fatal(err) // a roster error names the file, sheet and row
				r.noteUnread(ros, seq)
				return
			}
			// Take a window slot; before waiting for one, dispatch the
			// partial batch, whose rows the collector may be waiting for.
			select {
			case r.window <- struct{}{}:
			default:
				dispatch()
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
				r.finish(j, platform.StatusInvalid, platform.Answer{}, validate.Message(j.problems))
				r.addBad(false)
			case r.cfg.Platform == nil:
				r.finish(j, platform.StatusValid, platform.Answer{}, validate.Message(j.problems))
			case r.stopDispatch.Load():
				r.finish(j, platform.StatusPending, platform.Answer{}, r.notSentReason())
			default:
				batch = append(batch, j)
				if len(batch) >= r.cfg.BatchSize {
					dispatch()
				}
			}
		}
	}
	r.checkBudget(r.bad.Load(), true)
}

// check validates one row into a job.
func (r *run) check(v *validate.Validator, src int, ros Roster, row roster.Row, seq int64) *job {
	in := &r.input // the reader's, reused row after row
	ros.InputTo(in, row)
	card, problems := v.Check(in)
	j := &job{
		seq:      seq,
		src:      src,
		row:      row,
		card:     platform.Card{Card: card, Seq: seq, Source: ros.Source(), Row: row.Line},
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
		r.unread = r.p.Sprintf(msgUnread, ros.Source(), strconv.FormatInt(seq, 10))
	}
}

// The words of the run: row messages, the unread note, log messages.
var (
	msgNotSentStopped     = lang.Msg("not sent: the run stopped (%v); run the same command again to continue", "未发送：运行中止了（%v）；再运行一次同样的命令即可继续")
	msgNotSentInterrupted = lang.Msg("not sent: the run was interrupted; run the same command again to continue", "未发送：运行被中断了；再运行一次同样的命令即可继续")
	msgNotSentBudget      = lang.Msg("not sent: the error budget (--max-errors %s) was used up", "未发送：出错的行数已达上限（--max-errors %s）")
	msgNotSent            = lang.Msg("not sent", "未发送")
	msgUnread             = lang.Msg("reading stopped in %s after %s rows: later rows were not read", "%s 读了%s行后停止读取：后面的行没有读")
	msgIssuedEarlier      = lang.Msg("issued by an earlier run", "之前的运行已发过这张卡")
	msgSaidOnRun          = lang.Msg("%s (said on run %s)", "%s（运行 %s 时平台的回复）")
	msgSentNoAnswer       = lang.Msg("an earlier run sent it without an answer", "之前的运行发送过，但没有收到回复")
	msgCannotCheck        = lang.Msg("this platform cannot be asked which cards exist", "这个平台无法查询哪些卡已经存在")
	msgNotCheckedStopped  = lang.Msg("not checked on the platform: the run stopped", "没有到平台上核对：运行中止了")
	msgNotChecked         = lang.Msg("not checked on the platform: %v", "没有到平台上核对：%v")
	msgCouldNotCheck      = lang.Msg("could not check the platform: %v", "无法到平台上核对：%v")
	msgJournalErr         = lang.Msg("journal: %v", "发卡记录：%v")
	logStopping           = lang.Msg("stopping the run", "停止运行")
	logBudget             = lang.Msg("error budget exhausted: no more rows are sent", "出错的行数已达上限（--max-errors）：不再发送后面的行")
)

// notSentReason words why a valid row was not sent.
func (r *run) notSentReason() string {
	switch {
	case r.stopped() != nil:
		return r.p.Sprintf(msgNotSentStopped, r.stopped())
	case r.interrupted.Load():
		return r.p.Sprintf(msgNotSentInterrupted)
	case r.budgetHit.Load():
		return r.p.Sprintf(msgNotSentBudget, r.cfg.Budget.String())
	}
	return r.p.Sprintf(msgNotSent)
}

// finish gives a job its final status and hands it to the collector.
func (r *run) finish(j *job, st platform.Status, a platform.Answer, msg string) {
	j.status, j.answer, j.msg = st, a, msg
	r.results <- j
}

// send is a worker's handling of one batch: claim it in the journal,
// verify cards an earlier run left in doubt, issue the rest, record the
// outcomes, and only then report them. A batch with a card a late platform
// may still change is parked until the platform's records are conclusive
// (settle), and recorded and reported then.
func (r *run) send(ctx context.Context, jobs []*job) {
	out := &outcomes{run: r}
	parked := false
	defer func() {
		if !parked {
			out.record(ctx, jobs)
		}
	}()
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
			r.fatal(r.p.Errorf(msgJournalErr, err))
			out.abandon(jobs, nil)
			return
		}
		todo = nil
		var doubt []*job
		for i, p := range priors {
			j := jobs[i]
			j.card.Attempts = p.Attempts
			j.card.Done = p.Answer.Steps
			j.card.SettleAfter = p.SettleAfter
			switch {
			case p.Holder != nil:
				// Another holder's card: tell who, touch nothing.
				j.foreign = true
				out.set(j, platform.StatusExists, platform.Answer{}, p.Holder.String(r.p))
			case p.Issued:
				out.set(j, platform.StatusSkipped, p.Answer, r.p.Sprintf(msgIssuedEarlier))
			case p.InDoubt:
				j.card.Suspect = true
				doubt = append(doubt, j)
			case p.Exists:
				// The platform said "exists" on an earlier run: look again
				// rather than send again (the card may have been completed
				// by hand since, and may be adopted now).
				out.adopt(ctx, j, r.p.Sprintf(msgSaidOnRun, p.Message, p.Run))
			default:
				todo = append(todo, j)
			}
		}
		todo = append(todo, out.verify(ctx, doubt, r.p.Sprintf(msgSentNoAnswer), 0)...)
	}
	out.issue(ctx, todo, 0)
	if len(out.parked) > 0 {
		parked = true
		r.wg.Go(func() { r.settle(ctx, out, jobs) })
	}
}

// settle resumes a parked batch: it waits until the platform's records are
// conclusive for its parked cards, verifies them again, resends what is
// verified absent, and finally records and reports the batch. An
// interrupt or a fatal error ends the wait: the cards are reported
// unknown and the next run checks them.
func (r *run) settle(ctx context.Context, out *outcomes, jobs []*job) {
	defer out.record(ctx, jobs)
	for len(out.parked) > 0 {
		parked := out.parked
		out.parked = nil
		var until time.Time
		for _, p := range parked {
			if p.until.After(until) {
				until = p.until
			}
		}
		t := time.NewTimer(time.Until(until))
		select {
		case <-t.C:
		case <-r.halt:
			t.Stop()
			for _, p := range parked {
				out.abandon([]*job{p.job}, nil)
			}
			return
		}
		r.slots <- struct{}{}
		for _, p := range parked {
			out.resend(ctx, out.verify(ctx, []*job{p.job}, p.why, p.round), p.round)
		}
		<-r.slots
	}
}

// lookUp asks the platform, read-only, whether each card of a batch
// already exists (validate --check-server).
func (r *run) lookUp(ctx context.Context, jobs []*job, out *outcomes) {
	checker, ok := r.cfg.Platform.(Checker)
	for _, j := range jobs {
		if !ok {
			out.set(j, platform.StatusUnknown, platform.Answer{}, r.p.Sprintf(msgCannotCheck))
			continue
		}
		if r.interrupted.Load() || r.stopped() != nil {
			out.set(j, platform.StatusValid, platform.Answer{}, r.p.Sprintf(msgNotCheckedStopped))
			continue
		}
		what, err := checker.Existing(ctx, &j.card)
		switch {
		case errors.Is(err, platform.ErrAuth):
			r.fatal(err)
			out.set(j, platform.StatusValid, platform.Answer{}, r.p.Sprintf(msgNotChecked, err))
		case err != nil:
			out.set(j, platform.StatusUnknown, platform.Answer{}, r.p.Sprintf(msgCouldNotCheck, err))
		case what != "":
			out.set(j, platform.StatusExists, platform.Answer{}, what)
		default:
			out.set(j, platform.StatusValid, platform.Answer{}, "")
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
