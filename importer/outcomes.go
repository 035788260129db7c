package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

// outcomes decides the fate of one batch's cards: it issues, bisects,
// verifies and resends, and finally records and reports every card.
type outcomes struct {
	run    *run
	batch  int64
	final  map[*job]bool
	parked []parkedJob // cards to verify again once a late platform settles
}

// parkedJob is a card whose fate a late platform may still change.
type parkedJob struct {
	job   *job
	until time.Time // when the platform's records become conclusive
	why   string
	round int
}

func (o *outcomes) park(j *job, until time.Time, why string, round int) {
	o.run.lim.Warn("a write got no answer; waiting until the platform's records are conclusive before checking it", "card", j.card.Cardno, "until", until.Format(time.TimeOnly))
	o.parked = append(o.parked, parkedJob{job: j, until: until, why: why, round: round})
}

func (o *outcomes) set(j *job, st platform.Status, a platform.Answer, msg string) {
	if o.final == nil {
		o.final = make(map[*job]bool)
	}
	// A platform's words may quote the row's phone ("手机号139…已被其他会员
	// 使用"): people read this message, so the phone is masked (SPEC §9).
	if p := j.card.Phone; p != "" && strings.Contains(msg, p) {
		msg = strings.ReplaceAll(msg, p, validate.MaskPhone(p))
	}
	j.status, j.answer, j.msg = st, a, msg
	o.final[j] = true
	if st == platform.StatusRejected {
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
		if j.card.Done.Has(platform.StepRechargeSent) && !j.card.Done.Has(platform.StepRecharge) {
			o.set(j, platform.StatusUnknown, platform.Answer{Steps: j.card.Done},
				"opened; the recharge of "+j.card.Balance.String()+" yuan got no answer and the platform may still apply it: the next run checks the card's recharge history before anything is sent again")
			continue
		}
		if j.card.Done != 0 && !j.card.Done.Has(platform.StepConfirm) {
			o.set(j, platform.StatusUnknown, platform.Answer{Steps: j.card.Done}, "opened, but the run stopped before the card's flow was finished; the next run finishes it")
			continue
		}
		if j.card.Suspect {
			msg := "sent, but no usable answer came back and the run stopped before it could be verified; the next run verifies it"
			if cause != nil {
				msg += ": " + cause.Error()
			}
			o.set(j, platform.StatusUnknown, platform.Answer{}, msg)
			continue
		}
		o.set(j, platform.StatusPending, platform.Answer{}, o.run.notSentReason())
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
	var settle *platform.SettleError
	switch {
	case err == nil:
		var missing []*job
		for i, a := range answers {
			if a.Found {
				o.set(jobs[i], platform.StatusIssued, a, "")
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
		o.resend(ctx, o.verify(ctx, missing, "the platform's answer left it out", round), round)
	case errors.As(err, &settle):
		for _, j := range jobs {
			o.park(j, settle.Until, "no usable answer came back", round)
		}
	case errors.Is(err, platform.ErrUnknownOutcome):
		r.lim.Warn("outcome unknown; verifying the batch before anything is resent", "batch", o.batch, "cards", len(jobs), "err", err)
		o.resend(ctx, o.verify(ctx, jobs, "no usable answer came back", round), round)
	case errors.As(err, &rej):
		if len(jobs) == 1 {
			o.refused(ctx, jobs[0], rej, round)
			return
		}
		// A platform may refuse a whole batch for one bad row. When the
		// client could tell which card the refusal names, that row is the
		// culprit; otherwise halve the batch until the rows the platform
		// refuses stand alone.
		if i := culprit(jobs, rej); i >= 0 {
			o.refused(ctx, jobs[i], rej, round)
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

// culprit returns the index of the card a batch refusal names, -1 when it
// names none.
func culprit(jobs []*job, rej *platform.Rejection) int {
	if rej.Card == "" {
		return -1
	}
	for i, j := range jobs {
		if j.card.Cardno == rej.Card {
			return i
		}
	}
	return -1
}

// refused settles one card the platform refused.
func (o *outcomes) refused(ctx context.Context, j *job, rej *platform.Rejection, round int) {
	switch {
	case rej.Exists && (j.card.Suspect || j.card.Done.Has(platform.StepOpen)):
		// Our own earlier attempt may be what exists: ask.
		if again := o.verify(ctx, []*job{j}, "the platform says it already exists", round); len(again) > 0 {
			o.set(j, platform.StatusExists, platform.Answer{}, rej.Info)
		}
	case rej.Exists:
		o.adopt(ctx, j, rej.Info)
	default:
		o.set(j, platform.StatusRejected, platform.Answer{}, rej.Info)
	}
}

// adopt settles a card the platform already has and this journal never
// sent (SPEC §5): held by the row's holder with nothing missing, it is
// the row's card — issued, with the platform's ids; otherwise it exists,
// and the message says whose it is or what it lacks. A card this run did
// not open is never completed (recharged) automatically. said is the
// platform's refusal.
func (o *outcomes) adopt(ctx context.Context, j *job, said string) {
	r := o.run
	a, err := r.cfg.Platform.Verify(ctx, &j.card)
	switch {
	case err == nil && a.Conflict != "":
		o.set(j, platform.StatusExists, platform.Answer{}, said+": "+a.Conflict)
	case err == nil && a.Unconfirmed != "":
		o.set(j, platform.StatusExists, platform.Answer{}, said+": "+a.Unconfirmed)
	case err == nil && (a.Partial || a.Missing != ""):
		o.set(j, platform.StatusExists, platform.Answer{}, said+": the platform has this card for this holder, but "+a.Missing+
			"; this journal did not open it, so cardimport does not complete it: complete it on the platform, or check who opened it")
	case err == nil:
		o.set(j, platform.StatusIssued, a, "already on the platform for this holder: adopted with the platform's ids ("+said+")")
	case errors.Is(err, platform.ErrNotFound):
		o.set(j, platform.StatusExists, platform.Answer{}, said)
	case errors.Is(err, platform.ErrAuth):
		r.fatal(err)
		o.set(j, platform.StatusExists, platform.Answer{}, said)
	default:
		o.set(j, platform.StatusExists, platform.Answer{}, said+"; comparing its holder with the row failed: "+err.Error())
	}
}

// verify asks the platform about cards whose fate is open. Cards found are
// settled; the ones the platform does not have are returned, to be sent.
// A card whose fate a late platform may still change is parked.
func (o *outcomes) verify(ctx context.Context, jobs []*job, why string, round int) (notFound []*job) {
	r := o.run
	for _, j := range jobs {
		if r.interrupted.Load() {
			o.abandon([]*job{j}, nil)
			continue
		}
		a, err := r.cfg.Platform.Verify(ctx, &j.card)
		var settle *platform.SettleError
		switch {
		case err == nil && a.Conflict != "":
			o.set(j, platform.StatusExists, platform.Answer{}, a.Conflict)
		case err == nil && a.Partial:
			// Ours, half done: finish the flow from where it stopped.
			j.card.Done |= a.Steps
			notFound = append(notFound, j)
		case err == nil:
			o.set(j, platform.StatusIssued, a, joinMsg("confirmed by verification ("+why+")", a.Missing))
		case errors.Is(err, platform.ErrNotFound):
			notFound = append(notFound, j)
		case errors.As(err, &settle):
			o.park(j, settle.Until, why, round)
		case errors.Is(err, platform.ErrAuth):
			r.fatal(err)
			o.abandon([]*job{j}, err)
		default:
			o.set(j, platform.StatusUnknown, platform.Answer{Steps: j.card.Done}, why+", and verifying it failed: "+err.Error()+"; the next run verifies it again")
		}
	}
	return notFound
}

func joinMsg(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// resend sends again cards verified as not issued, a bounded number of times.
func (o *outcomes) resend(ctx context.Context, jobs []*job, round int) {
	if len(jobs) == 0 {
		return
	}
	if round >= o.run.cfg.MaxResends {
		for _, j := range jobs {
			o.set(j, platform.StatusPending, platform.Answer{}, "not issued: "+strconv.Itoa(j.card.Attempts)+" attempts got no usable answer; run the same command again to retry")
		}
		return
	}
	o.issue(ctx, jobs, round+1)
}

// record commits the batch's outcomes to the journal, then reports them.
func (o *outcomes) record(ctx context.Context, jobs []*job) {
	r := o.run
	for _, j := range jobs {
		if !o.final[j] {
			// Every path settles every card; this is the safety net.
			o.set(j, platform.StatusUnknown, platform.Answer{}, "internal error: the card was left without an outcome")
		}
	}
	if r.cfg.Journal != nil {
		recs := make([]journal.Outcome, 0, len(jobs))
		for _, j := range jobs {
			if j.status == platform.StatusSkipped || j.foreign {
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
