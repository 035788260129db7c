package importer

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// The words of the outcomes: row messages, fatal errors, log messages.
var (
	msgRechargeNoAnswer = lang.Msg("opened; the recharge of %s yuan got no answer and the platform may still apply it: "+
		"the next run checks the card's recharge history before anything is sent again",
		"卡已开；充值 %s 元没有收到回复，平台可能稍后仍会入账：下次运行会先查这张卡的充值记录，再决定是否重发")
	msgFlowUnfinished = lang.Msg("opened, but this run could not finish the card's flow; the next run finishes it",
		"卡已开，但这次运行没能办完这张卡的各步；下次运行会接着办完")
	msgSentUnverified = lang.Msg("sent, but no usable answer came back and this run could not verify it; the next run verifies it",
		"已发送，但没有收到可用的回复，这次运行也没能核实；下次运行会核实")
	msgBecause           = lang.Msg("%s: %v", "%s：%v")
	msgAnswerLeftOut     = lang.Msg("the platform's answer left it out", "平台的回复里没有这张卡")
	msgNoUsableAnswer    = lang.Msg("no usable answer came back", "没有收到可用的回复")
	msgThrottledFatal    = lang.Msg("the platform kept refusing requests as too frequent, retries exhausted (lower --rate): %v", "平台一直以请求太频繁为由拒绝，重试次数已用完（请调低 --rate）：%v")
	msgUnreachableFatal  = lang.Msg("platform unreachable after retries: %v", "重试多次后仍连不上平台：%v")
	msgSaysExists        = lang.Msg("the platform says it already exists", "平台说这张卡已经存在")
	msgHolderIncomplete  = lang.Msg("%s: the platform has this card for this holder, but %s; this journal did not open it, so cardimport does not complete it: complete it on the platform, or check who opened it", "%s：平台上有这位持卡人的这张卡，但%s；这张卡不是按本发卡记录开的，所以 cardimport 不会替它补全：请到平台上补全，或查一下是谁开的卡")
	msgAdopted           = lang.Msg("already on the platform for this holder: adopted with the platform's ids (%s)", "平台上已有这位持卡人的这张卡：已采用平台的编号（%s）")
	msgCompareFailed     = lang.Msg("%s; comparing its holder with the row failed: %v", "%s；核对持卡人是否与这一行相符时出错：%v")
	msgConfirmedVerified = lang.Msg("confirmed by verification (%s)", "已核实确认（%s）")
	msgVerifyFailed      = lang.Msg("%s, and verifying it failed: %v; the next run verifies it again", "%s，核实时又出错了：%v；下次运行会再核实")
	msgNotIssuedAttempts = lang.Msg("not issued: %d attempts got no usable answer; run the same command again to retry", "未发卡：%d 次尝试都没有收到可用的回复；再运行一次同样的命令即可重试")
	msgGaveUpInDoubt     = lang.Msg("%d attempts got no usable answer and the card may be on the platform: the next run verifies it and finishes it", "尝试了 %d 次都没有收到可用的回复，这张卡可能已在平台上：下次运行会先核实再接着办完")
	msgNoAnswerPending   = lang.Msg("not sent: the platform did not answer after every retry (%v); run the same command again to send it", "未发送：重试了仍没有得到平台的回复（%v）；再运行一次同样的命令即可发送")
	msgNoOutcome         = lang.Msg("internal error: the card was left without an outcome", "内部错误：这张卡没有得到结果")
	logParked            = lang.Msg("a write got no answer; waiting until the platform's records are conclusive before checking it", "有一次写入没有收到回复；等平台的记录确定后再核对")
	logLeftOut           = lang.Msg("platform answer left cards out; verifying them", "平台的回复漏了一些卡；正在核对")
	logUnknownBatch      = lang.Msg("outcome unknown; verifying the batch before anything is resent", "结果不明；重发之前先核对这一批")
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
	o.run.lim.Warn(o.run.p.Sprintf(logParked), "card", j.card.Cardno, "until", until.Format(time.TimeOnly))
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

// abandon settles cards the run can no longer send — it stopped, or their
// request failed every retry (cause): a card a request may have issued is
// unknown (the next run verifies it), any other is pending.
func (o *outcomes) abandon(jobs []*job, cause error) {
	p := o.run.p
	for _, j := range jobs {
		if j.card.Done.Has(platform.StepRechargeSent) && !j.card.Done.Has(platform.StepRecharge) {
			o.set(j, platform.StatusUnknown, platform.Answer{Steps: j.card.Done},
				p.Sprintf(msgRechargeNoAnswer, j.card.Balance.String()))
			continue
		}
		if j.card.Done != 0 && !j.card.Done.Has(platform.StepConfirm) {
			o.set(j, platform.StatusUnknown, platform.Answer{Steps: j.card.Done}, p.Sprintf(msgFlowUnfinished))
			continue
		}
		if j.card.Suspect {
			msg := p.Sprintf(msgSentUnverified)
			if cause != nil {
				msg = p.Sprintf(msgBecause, msg, cause)
			}
			o.set(j, platform.StatusUnknown, platform.Answer{}, msg)
			continue
		}
		reason := o.run.notSentReason()
		if cause != nil && o.run.stopped() == nil {
			reason = p.Sprintf(msgNoAnswerPending, cause) // the run goes on without it
		}
		o.set(j, platform.StatusPending, platform.Answer{}, reason)
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
	p := r.p
	answers, err := r.cfg.Platform.Issue(ctx, cardsOf(jobs), o.progress)
	var rej *platform.Rejection
	var settle *platform.SettleError
	var transient *platform.TransientError
	if err == nil || errors.As(err, &rej) {
		r.unanswered.Store(0) // the platform answers
	}
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
			r.lim.Warn(p.Sprintf(logLeftOut), "batch", o.batch, "cards", len(missing))
			for _, j := range missing {
				j.card.Suspect = true
			}
		}
		o.resend(ctx, o.verify(ctx, missing, p.Sprintf(msgAnswerLeftOut), round), round)
	case errors.As(err, &settle):
		for _, j := range jobs {
			o.park(j, settle.Until, p.Sprintf(msgNoUsableAnswer), round)
		}
	case errors.Is(err, platform.ErrUnknownOutcome):
		r.lim.Warn(p.Sprintf(logUnknownBatch), "batch", o.batch, "cards", len(jobs), "err", err)
		o.resend(ctx, o.verify(ctx, jobs, p.Sprintf(msgNoUsableAnswer), round), round)
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
	case errors.As(err, &transient) && ctx.Err() == nil && !r.interrupted.Load() &&
		r.unanswered.Add(1) < maxUnanswered:
		// One request that failed every retry, on a platform that answers
		// the others, is bad luck under routine faults, not an unreachable
		// platform: its rows wait for the next run, and the run goes on.
		o.abandon(jobs, err)
	default:
		if ctx.Err() == nil && !r.interrupted.Load() {
			switch {
			case transient != nil && transient.Throttled:
				r.fatal(p.Errorf(msgThrottledFatal, err))
			case transient != nil:
				r.fatal(p.Errorf(msgUnreachableFatal, err))
			default:
				r.fatal(err)
			}
		}
		o.abandon(jobs, err)
	}
}

// maxUnanswered is how many requests in a row may fail every retry before
// the run concludes the platform is unreachable and stops.
const maxUnanswered = 3

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
		again := o.verify(ctx, []*job{j}, o.run.p.Sprintf(msgSaysExists), round)
		if len(again) == 0 {
			return
		}
		if j.card.Done.Has(platform.StepOpen) {
			// Found, ours and half done (a late cardopen landed while
			// its resend was on the way): finish its flow.
			o.resend(ctx, again, round)
			return
		}
		// The platform says it exists, and yet cannot find it.
		o.set(j, platform.StatusExists, platform.Answer{}, rej.Info)
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
	p := r.p
	a, err := r.cfg.Platform.Verify(ctx, &j.card)
	switch {
	case err == nil && a.Conflict != "":
		o.set(j, platform.StatusExists, platform.Answer{}, p.Sprintf(msgBecause, said, a.Conflict))
	case err == nil && a.Unconfirmed != "":
		o.set(j, platform.StatusExists, platform.Answer{}, p.Sprintf(msgBecause, said, a.Unconfirmed))
	case err == nil && (a.Partial || a.Missing != ""):
		o.set(j, platform.StatusExists, platform.Answer{}, p.Sprintf(msgHolderIncomplete, said, a.Missing))
	case err == nil:
		o.set(j, platform.StatusIssued, a, p.Sprintf(msgAdopted, said))
	case errors.Is(err, platform.ErrNotFound):
		o.set(j, platform.StatusExists, platform.Answer{}, said)
	case errors.Is(err, platform.ErrAuth):
		r.fatal(err)
		o.set(j, platform.StatusExists, platform.Answer{}, said)
	default:
		o.set(j, platform.StatusExists, platform.Answer{}, p.Sprintf(msgCompareFailed, said, err))
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
			o.set(j, platform.StatusIssued, a, r.p.Join(r.p.Sprintf(msgConfirmedVerified, why), a.Missing))
		case errors.Is(err, platform.ErrNotFound):
			notFound = append(notFound, j)
		case errors.As(err, &settle):
			o.park(j, settle.Until, why, round)
		case errors.Is(err, platform.ErrAuth):
			r.fatal(err)
			o.abandon([]*job{j}, err)
		default:
			o.set(j, platform.StatusUnknown, platform.Answer{Steps: j.card.Done}, r.p.Sprintf(msgVerifyFailed, why, err))
		}
	}
	return notFound
}

// resend sends again cards verified as not issued, a bounded number of times.
func (o *outcomes) resend(ctx context.Context, jobs []*job, round int) {
	if len(jobs) == 0 {
		return
	}
	// A multi-step flow that moved on since it was last sent (a sandy card
	// now opened, or recharged) is continued, not sent again: only a
	// write that got nowhere counts against the bound.
	moved := true
	for _, j := range jobs {
		if j.card.Done == j.doneBefore {
			moved = false
		}
		j.doneBefore = j.card.Done
	}
	if !moved {
		if round >= o.run.cfg.MaxResends {
			o.giveUp(jobs)
			return
		}
		round++
	}
	o.issue(ctx, jobs, round)
}

// giveUp settles cards that got no usable answer after every resend. Each
// was verified absent after its last attempt: pending, the next run sends
// it — unless its flow is half done on the platform (a sandy card opened,
// not yet recharged): then it is unknown, and the next run verifies it and
// finishes it.
func (o *outcomes) giveUp(jobs []*job) {
	for _, j := range jobs {
		if j.card.Done != 0 {
			o.set(j, platform.StatusUnknown, platform.Answer{Steps: j.card.Done}, o.run.p.Sprintf(msgGaveUpInDoubt, j.card.Attempts))
			continue
		}
		o.set(j, platform.StatusPending, platform.Answer{}, o.run.p.Sprintf(msgNotIssuedAttempts, j.card.Attempts))
	}
}

// record commits the batch's outcomes to the journal, then reports them.
func (o *outcomes) record(ctx context.Context, jobs []*job) {
	r := o.run
	for _, j := range jobs {
		if !o.final[j] {
			// Every path settles every card; this is the safety net.
			o.set(j, platform.StatusUnknown, platform.Answer{}, r.p.Sprintf(msgNoOutcome))
		}
	}
	if r.cfg.Journal != nil {
		recs := make([]journal.Outcome, 0, len(jobs))
		for _, j := range jobs {
			if j.status == platform.StatusSkipped || j.foreign {
				continue
			}
			recs = append(recs, journal.Outcome{Card: &j.card, Status: j.status, Answer: j.answer, Message: j.msg, Batch: o.batch})
		}
		if err := r.cfg.Journal.Record(context.WithoutCancel(ctx), recs); err != nil {
			r.fatal(r.p.Errorf(msgJournalErr, err))
		}
	}
	for _, j := range jobs {
		r.results <- j
	}
}
