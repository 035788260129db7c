package sandy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// The flow's words for people: what stops a migration, what a card lacks,
// notes and conflicts. The platform's own errmsg is quoted as it came.
var (
	msgReadLevels     = lang.Msg("sandy: read card levels: %v", "sandy：读取会员等级：%v")
	msgNoLevels       = lang.Msg("sandy: cardlevellist is empty: the restaurant has no card levels to open cards on", "sandy：cardlevellist 是空的：这家餐厅没有可以开卡的会员等级")
	msgReadRules      = lang.Msg("sandy: read recharge rules: %v", "sandy：读取充值规则：%v")
	msgNoCash         = lang.Msg("sandy: no cash pay type among %s: balances cannot be migrated as cash recharges", "sandy：支付方式 %s 里没有现金：余额无法以现金充值的方式迁移")
	msgBonusRule      = lang.Msg("%s (from %s: +%s yuan, +%s points)", "%s（满 %s：送 %s 元、%s 积分）")
	msgBonusRules     = lang.Msg("recharge rules would add bonus money or points to migrated balances: %s; a migrated card would end with more than the legacy balance. Remove the rules for the migration, or pass --allow-recharge-bonus (the bonus is then recorded per row)", "充值规则会给迁移的余额赠送金额或积分：%s；迁移后的卡会比原来的余额多。请在迁移期间删掉这些规则，或加上 --allow-recharge-bonus（赠送的部分会逐行记在报告里）")
	msgBonusAllowed   = lang.Msg("recharge rules add bonus money or points to migrated balances (--allow-recharge-bonus): %s", "充值规则会给迁移的余额赠送金额或积分（--allow-recharge-bonus）：%s")
	msgBonusNote      = lang.Msg("recharge rule added a bonus of %s yuan and %s points", "充值规则赠送了 %s 元和 %s 积分")
	msgNotFoundOpened = lang.Msg("outcome unknown: the card is not found right after it was opened", "结果不明：卡刚开好却查不到")
	msgRechargeWhat   = lang.Msg("the recharge of %s yuan", "充值 %s 元")
	msgBirthdayWhat   = lang.Msg("setting the birthday", "设置生日")
	msgOpenedRefused  = lang.Msg("the card was opened, but %s was refused: %s (the next run retries it)", "卡已开，但%s被平台拒绝：%s（下次运行会重试）")
	msgNotYetApplied  = lang.Msg("outcome unknown: the recharge of %s yuan is not on the card yet, and a late platform may still apply it", "结果不明：充值的 %s 元还不在卡上，平台稍后可能仍会入账")
	msgUnsettled      = lang.Msg("outcome unknown: the card's records do not settle the recharge of %s yuan: its history holds %d recharges totalling %s, sum_recharge is %s; check the card on the platform", "结果不明：从卡的记录无法判断充值的 %s 元是否入账：流水里有 %d 笔充值，共 %s，sum_recharge 是 %s；请到平台上查看这张卡")
	msgBalanceDiffers = lang.Msg("the platform's balance is %s, the roster's %s", "平台上的余额是 %s，名单上是 %s")
	msgDiffPhone      = lang.Msg("phone %s", "手机号 %s")
	msgDiffName       = lang.Msg("name %s", "姓名 %s")
	msgOtherMember    = lang.Msg("card %s is already on the platform for another member (%s)", "卡 %s 已在平台上，是另一位会员的（%s）")
	msgUnconfirmed    = lang.Msg("getcardinfo does not say whose card it is (no name or phone): check it on the platform", "getcardinfo 没有说这张卡是谁的（没有姓名或手机号）：请到平台上核实")
	msgNotRecharged   = lang.Msg("not recharged: the roster's balance of %s yuan is not on the card", "没有充值：名单上的余额 %s 元不在卡上")
	msgRechargedSum   = lang.Msg("recharged %s yuan in all, the roster's balance is %s", "共充值 %s 元，名单上的余额是 %s")
	msgNoBirthday     = lang.Msg("birthday not set (the roster's is %s)", "没有设置生日（名单上是 %s）")
	msgCardExists     = lang.Msg("card %s is already on the platform (%s, phone %s)", "卡 %s 已在平台上（%s，手机号 %s）")
	msgPhoneHolds     = lang.Msg("phone %s already holds card %s", "手机号 %s 已经有卡 %s")
)

// Sends reports whether the flow sends a roster field to member-cjb:
// cardopen takes number, name, phone, sex and level, recharge the
// balance, modcardinfo the birthday. The API has no place for the rest.
func Sends(f validate.Field) bool {
	switch f {
	case validate.Cardno, validate.Name, validate.Phone, validate.Sex, validate.Level, validate.Balance, validate.Birthday:
		return true
	}
	return false
}

// Flow is member-cjb as a run drives it: the client, with what Prepare
// learned of the restaurant before the first card (the cash pay type, the
// default level, the bonus rules). Only a Flow issues cards, so no card
// can be issued before the preparation.
type Flow struct {
	*Client
	payType      PayType
	defaultLevel string // cardLevelID for rows without a level
	bonus        []Rule // rules that add money or points
}

// Setup is what a run needs to know of the platform before it starts.
type Setup struct {
	Levels   []validate.CardLevel // for validation: roster level names → ids
	PayType  PayType              // the cash pay type recharges use
	Bonus    []Rule               // recharge rules that add bonus money or points
	Warnings []string
}

// ErrBonusRules refuses a migration whose balances a recharge rule would
// inflate.
var ErrBonusRules = errors.New("recharge rules would add bonus money or points to migrated balances")

// Prepare reads the levels and the recharge rules once, before any card:
// it picks the cash pay type and refuses to start when a rule would add a
// bonus to migrated balances, unless allowBonus (--allow-recharge-bonus).
// The Flow it returns issues the cards.
func (c *Client) Prepare(ctx context.Context, allowBonus bool) (*Flow, Setup, error) {
	p := c.cfg.Printer
	levels, err := c.Levels(ctx)
	if err != nil {
		return nil, Setup{}, p.Errorf(msgReadLevels, err)
	}
	if len(levels) == 0 {
		return nil, Setup{}, errors.New(p.Sprintf(msgNoLevels))
	}
	rules, err := c.RechargeRules(ctx)
	if err != nil {
		return nil, Setup{}, p.Errorf(msgReadRules, err)
	}
	var s Setup
	for _, l := range levels {
		s.Levels = append(s.Levels, validate.CardLevel{ID: string(l.ID), Name: l.Name})
	}
	cash := -1
	for i, pt := range rules.PayTypes {
		if strings.Contains(pt.Name, "現金") || strings.Contains(pt.Name, "现金") || strings.EqualFold(pt.Name, "cash") {
			cash = i
			break
		}
	}
	if cash < 0 {
		var names []string
		for _, pt := range rules.PayTypes {
			names = append(names, pt.ID+" "+pt.Name)
		}
		return nil, Setup{}, errors.New(p.Sprintf(msgNoCash, strings.Join(names, c.cfg.Printer.ListSep())))
	}
	s.PayType = rules.PayTypes[cash]
	for _, r := range rules.Rules {
		if r.Bonus() {
			s.Bonus = append(s.Bonus, r)
		}
	}
	if len(s.Bonus) > 0 {
		var desc []string
		for _, r := range s.Bonus {
			desc = append(desc, p.Sprintf(msgBonusRule, r.Description, string(r.Money), string(r.AddMoney), string(r.AddScore)))
		}
		rulesText := strings.Join(desc, c.cfg.Printer.PartSep())
		if !allowBonus {
			return nil, s, c.cfg.Printer.ErrorIs(ErrBonusRules, msgBonusRules, rulesText)
		}
		s.Warnings = append(s.Warnings, p.Sprintf(msgBonusAllowed, rulesText))
	}
	return &Flow{Client: c, payType: s.PayType, defaultLevel: string(levels[0].ID), bonus: s.Bonus}, s, nil
}

// Issue runs the flow of one card: cardopen, then recharge when the roster
// has a balance, then modcardinfo when it has a birthday, then a lookup
// that confirms the card and gives its id, balance and points. Steps in
// card.Done are skipped; each finished step goes to progress before the
// next leaves. The importer sends sandy cards one per call.
//
// A recharge has no uniqueness on the platform: one sent twice is money
// twice. So before a recharge leaves, progress records StepRechargeSent
// and the time from which its absence would be conclusive; a recharge
// without an answer returns a *platform.SettleError, and the recharge is
// sent again only when the card's records, read after that time, show it
// absent (SPEC §5).
func (c *Flow) Issue(ctx context.Context, cards []*platform.Card, progress platform.Progress) ([]platform.Answer, error) {
	if len(cards) != 1 {
		return nil, fmt.Errorf("sandy: one card per call, not %d", len(cards))
	}
	if progress == nil {
		progress = func(context.Context, *platform.Card, platform.Answer) error { return nil }
	}
	card := cards[0]
	a := platform.Answer{Cardno: card.Cardno}
	commit := func() error {
		a.Steps = card.Done
		if err := progress(ctx, card, a); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		return nil
	}
	step := func(s platform.Steps) error {
		card.Done |= s
		return commit()
	}

	if !card.Done.Has(platform.StepOpen) {
		card.Attempts++
		level := card.Level
		if level == "" {
			level = c.defaultLevel
		}
		if err := c.Open(ctx, &card.Card, level); err != nil {
			if errors.Is(err, platform.ErrUnknownOutcome) {
				card.Suspect = true
			}
			return nil, err
		}
		if err := step(platform.StepOpen); err != nil {
			return nil, err
		}
	}

	if needsRecharge(card) && !card.Done.Has(platform.StepRecharge) {
		if card.Done.Has(platform.StepRechargeSent) {
			// An earlier recharge of this card got no answer.
			applied, err := c.recharged(ctx, card, nil)
			if err != nil {
				return nil, err
			}
			if applied {
				card.SettleAfter = time.Time{}
				if err := step(platform.StepRecharge); err != nil {
					return nil, err
				}
			}
		}
		if !card.Done.Has(platform.StepRecharge) {
			res, err := c.rechargeOnce(ctx, card, commit)
			if err != nil {
				return nil, err
			}
			if nonZero(string(res.AddMoney)) || nonZero(string(res.AddScore)) {
				a.Bonus = string(res.AddMoney)
				a.Note = c.cfg.Printer.Sprintf(msgBonusNote, orZero(string(res.AddMoney)), orZero(string(res.AddScore)))
			}
			if err := step(platform.StepRecharge); err != nil {
				return nil, err
			}
		}
	}

	if card.Birthday != "" && !card.Done.Has(platform.StepBirthday) {
		if err := c.SetBirthday(ctx, card.Cardno, card.Birthday); err != nil {
			return nil, c.opened(err, c.cfg.Printer.Sprintf(msgBirthdayWhat))
		}
		if err := step(platform.StepBirthday); err != nil {
			return nil, err
		}
	}

	sum, err := c.FindCard(ctx, card.Cardno)
	if err != nil {
		if isNotFound(err) {
			// It was opened a moment ago: an answer we cannot trust.
			return nil, c.cfg.Printer.ErrorIs(platform.ErrUnknownOutcome, msgNotFoundOpened)
		}
		return nil, err
	}
	a.ID, a.Mbno, a.Balance, a.Points = string(sum.ID), sum.CardID, string(sum.Amount), string(sum.CurScore)
	a.Found = true
	card.Done |= platform.StepConfirm
	a.Steps = card.Done
	a.Note = c.cfg.Printer.Join(a.Note, c.balanceNote(card, a))
	return []platform.Answer{a}, nil
}

// settleFactor: a recharge without an answer is judged absent only after
// the request's own timeout and then twice that again (SPEC §5: a settle
// delay of at least twice --timeout).
const settleFactor = 3

// rechargeOnce sends the recharge one time. Before the request leaves,
// commit records StepRechargeSent and card.SettleAfter; a definite failure
// (refused, or never sent) takes the mark back.
func (c *Flow) rechargeOnce(ctx context.Context, card *platform.Card, commit func() error) (Recharged, error) {
	card.SettleAfter = time.Now().Add(settleFactor * c.cfg.Timeout)
	card.Done |= platform.StepRechargeSent
	if err := commit(); err != nil {
		return Recharged{}, err
	}
	card.Attempts++
	res, err := c.Recharge(ctx, card.Cardno, card.Balance, c.payType.ID)
	switch {
	case err == nil:
		card.SettleAfter = time.Time{}
		return res, nil
	case errors.Is(err, platform.ErrUnknownOutcome):
		card.Suspect = true
		// Most lost answers are of recharges the platform applied before
		// it failed to answer: a look at once settles those. Only a
		// recharge not there yet waits for the settle time (it may still
		// be on its way); nothing is ever resent before then.
		if applied, verr := c.recharged(ctx, card, nil); verr == nil && applied {
			card.SettleAfter = time.Time{}
			return res, nil
		}
		return res, &platform.SettleError{Until: card.SettleAfter,
			Err: fmt.Errorf("the recharge of %s yuan got no answer and a late platform may still apply it: %w", card.Balance, err)}
	}
	// Refused, or never left (after the retries): not applied.
	card.Done &^= platform.StepRechargeSent
	card.SettleAfter = time.Time{}
	if cerr := commit(); cerr != nil {
		return res, cerr
	}
	return res, c.opened(err, c.cfg.Printer.Sprintf(msgRechargeWhat, card.Balance.String()))
}

// recharged reads the card's recharge history (getcardhis, event_type 6)
// and cumulative recharge (sum_recharge, from info, or read with
// getcardinfo when info is nil) to settle an unanswered recharge of this
// card: applied, the history holds it and it is never sent again; not
// applied, history and sum_recharge show none and the settle time is over,
// so it is sent. It returns an error when they cannot settle it: a
// *platform.SettleError while the settle time is not over, an unknown
// outcome when the records disagree with each other or with the roster.
func (c *Client) recharged(ctx context.Context, card *platform.Card, info *Info) (applied bool, err error) {
	events, complete, err := c.History(ctx, card.Cardno, EventRecharge)
	if err != nil {
		return false, err
	}
	if info == nil {
		i, err := c.CardInfo(ctx, card.Cardno)
		if err != nil {
			return false, err
		}
		info = &i
	}
	var total validate.Money
	n := 0
	for _, e := range events {
		if string(e.Type) != "" && string(e.Type) != "6" {
			continue
		}
		m, ok, err := validate.ParseAmount(string(e.OriMoney))
		if err != nil || !ok {
			return false, fmt.Errorf("sandy: getcardhis of %s: recharge amount %q: %w", card.Cardno, e.OriMoney, platform.ErrUnknownOutcome)
		}
		total = total.Add(m)
		n++
	}
	sum, _, err := validate.ParseAmount(string(info.SumRecharge))
	if err != nil {
		return false, fmt.Errorf("sandy: getcardinfo of %s: sum_recharge %q: %w", card.Cardno, info.SumRecharge, platform.ErrUnknownOutcome)
	}
	switch {
	case n == 0 && sum.Fen == 0 && complete:
		if time.Now().Before(card.SettleAfter) {
			return false, &platform.SettleError{Until: card.SettleAfter,
				Err: c.cfg.Printer.ErrorIs(platform.ErrUnknownOutcome, msgNotYetApplied, card.Balance.String())}
		}
		return false, nil
	case n == 1 && complete && total == card.Balance && sum.Fen >= card.Balance.Fen:
		return true, nil
	}
	return false, c.cfg.Printer.ErrorIs(platform.ErrUnknownOutcome, msgUnsettled, card.Balance.String(), n, total.String(), sum.String())
}

func needsRecharge(c *platform.Card) bool { return c.HasBalance && c.Balance.Fen > 0 }

// opened words a failure after the card was opened: the card exists, the
// rest of its flow did not happen.
func (c *Client) opened(err error, what string) error {
	if r, ok := platform.AsRejection(err); ok {
		return &platform.Rejection{Info: c.cfg.Printer.Sprintf(msgOpenedRefused, what, r.Info), Code: r.Code}
	}
	return err
}

// balanceNote says when the platform's balance differs from the roster's
// plus any bonus.
func (c *Client) balanceNote(card *platform.Card, a platform.Answer) string {
	got, ok, err := validate.ParseAmount(a.Balance)
	if err != nil || !ok {
		return ""
	}
	want := validate.Money{}
	if card.HasBalance {
		want = card.Balance
	}
	if bonus, ok, _ := validate.ParseAmount(a.Bonus); ok {
		want = want.Add(bonus)
	}
	if got != want {
		return c.cfg.Printer.Sprintf(msgBalanceDiffers, got.String(), want.String())
	}
	return ""
}

// Verify asks getcardinfo whether the card exists, whose it is and how far
// its flow got. A card held by another member (another phone or name) is
// a Conflict; an incomplete flow is Partial, with what it lacks in
// Missing. A recharge this journal sent without an answer is settled as
// Issue does: applied, absent (Partial), or still in doubt (an error).
func (c *Flow) Verify(ctx context.Context, card *platform.Card) (platform.Answer, error) {
	info, err := c.CardInfo(ctx, card.Cardno)
	if err != nil {
		return platform.Answer{}, err
	}
	a := platform.Answer{Found: true, Cardno: info.CardID, Mbno: info.CardID, Steps: platform.StepOpen, Name: info.Uname, Phone: info.Phone}
	p := c.cfg.Printer
	var differs []string
	if info.Phone != "" && info.Phone != card.Phone {
		differs = append(differs, p.Sprintf(msgDiffPhone, validate.MaskPhone(info.Phone)))
	}
	if info.Uname != "" && info.Uname != card.Name {
		differs = append(differs, p.Sprintf(msgDiffName, info.Uname))
	}
	if len(differs) > 0 {
		a.Conflict = p.Sprintf(msgOtherMember, card.Cardno, strings.Join(differs, c.cfg.Printer.ListSep()))
		return a, nil
	}
	if info.Phone == "" || info.Uname == "" {
		a.Unconfirmed = p.Sprintf(msgUnconfirmed)
	}
	var missing []string
	switch {
	case !needsRecharge(card):
		a.Steps |= platform.StepRecharge
	case card.Done.Has(platform.StepRecharge):
		a.Steps |= platform.StepRecharge
	case card.Done.Has(platform.StepRechargeSent):
		applied, err := c.recharged(ctx, card, &info)
		if err != nil {
			return platform.Answer{}, err
		}
		if applied {
			a.Steps |= platform.StepRecharge | platform.StepRechargeSent
		} else {
			missing = append(missing, p.Sprintf(msgNotRecharged, card.Balance.String()))
		}
	default:
		sum, _, err := validate.ParseAmount(string(info.SumRecharge))
		switch {
		case err != nil:
			return platform.Answer{}, fmt.Errorf("sandy: getcardinfo of %s: sum_recharge %q: %w", card.Cardno, info.SumRecharge, platform.ErrUnknownOutcome)
		case sum.Fen == 0:
			missing = append(missing, p.Sprintf(msgNotRecharged, card.Balance.String()))
		case sum.Fen < card.Balance.Fen:
			// Recharged, but not with the roster's balance: nothing to
			// finish automatically, the difference is reported.
			a.Steps |= platform.StepRecharge
			a.Missing = p.Sprintf(msgRechargedSum, sum.String(), card.Balance.String())
		default:
			a.Steps |= platform.StepRecharge
		}
	}
	if card.Birthday == "" || info.Birthday == isoDate(card.Birthday) {
		a.Steps |= platform.StepBirthday
	} else {
		missing = append(missing, p.Sprintf(msgNoBirthday, isoDate(card.Birthday)))
	}
	if len(missing) > 0 {
		a.Partial = true
		a.Missing = c.cfg.Printer.Join(strings.Join(missing, c.cfg.Printer.PartSep()), a.Missing)
		return a, nil
	}
	sum, err := c.FindCard(ctx, card.Cardno)
	if err != nil {
		return platform.Answer{}, err
	}
	a.ID, a.Balance, a.Points = string(sum.ID), string(sum.Amount), string(sum.CurScore)
	a.Steps |= platform.StepConfirm
	return a, nil
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// Existing asks, read-only, whether the card number or the phone is
// already on the platform: getcardinfo by number, getcards by phone.
func (c *Client) Existing(ctx context.Context, card *platform.Card) (string, error) {
	var found []string
	info, err := c.CardInfo(ctx, card.Cardno)
	switch {
	case err == nil:
		found = append(found, c.cfg.Printer.Sprintf(msgCardExists, card.Cardno, info.Uname, validate.MaskPhone(info.Phone)))
	case !isNotFound(err):
		return "", err
	}
	var list cardList
	if err := c.call(ctx, "POST", "getcards", map[string]string{"key": card.Phone}, &list, read); err != nil && !isNotFound(err) {
		return "", err
	}
	for _, s := range list.Cards {
		if s.Phone == card.Phone && s.CardID != card.Cardno {
			found = append(found, c.cfg.Printer.Sprintf(msgPhoneHolds, validate.MaskPhone(card.Phone), s.CardID))
			break
		}
	}
	return strings.Join(found, c.cfg.Printer.PartSep()), nil
}
