package sandy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
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

// flowConfig is what Prepare learned before the run.
type flowConfig struct {
	ready        bool
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
func (c *Client) Prepare(ctx context.Context, allowBonus bool) (Setup, error) {
	levels, err := c.Levels(ctx)
	if err != nil {
		return Setup{}, fmt.Errorf("sandy: read card levels: %w", err)
	}
	if len(levels) == 0 {
		return Setup{}, errors.New("sandy: cardlevellist is empty: the restaurant has no card levels to open cards on")
	}
	rules, err := c.RechargeRules(ctx)
	if err != nil {
		return Setup{}, fmt.Errorf("sandy: read recharge rules: %w", err)
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
		return Setup{}, fmt.Errorf("sandy: no cash pay type among %s: balances cannot be migrated as cash recharges", strings.Join(names, ", "))
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
			desc = append(desc, fmt.Sprintf("%s (from %s: +%s yuan, +%s points)", r.Description, r.Money, r.AddMoney, r.AddScore))
		}
		if !allowBonus {
			return s, fmt.Errorf("%w: %s; a migrated card would end with more than the legacy balance. Remove the rules for the migration, or pass --allow-recharge-bonus (the bonus is then recorded per row)",
				ErrBonusRules, strings.Join(desc, "; "))
		}
		s.Warnings = append(s.Warnings, "recharge rules add bonus money or points to migrated balances (--allow-recharge-bonus): "+strings.Join(desc, "; "))
	}
	c.flow = flowConfig{ready: true, payType: s.PayType, defaultLevel: string(levels[0].ID), bonus: s.Bonus}
	return s, nil
}

// Issue runs the flow of one card: cardopen, then recharge when the roster
// has a balance, then modcardinfo when it has a birthday, then a lookup
// that confirms the card and gives its id, balance and points. Steps in
// card.Done are skipped; each finished step goes to progress before the
// next leaves. The importer sends sandy cards one per call.
func (c *Client) Issue(ctx context.Context, cards []*platform.Card, progress platform.Progress) ([]platform.Answer, error) {
	if len(cards) != 1 {
		return nil, fmt.Errorf("sandy: one card per call, not %d", len(cards))
	}
	if !c.flow.ready {
		return nil, errors.New("sandy: Prepare must run before Issue")
	}
	if progress == nil {
		progress = func(context.Context, *platform.Card, platform.Answer) error { return nil }
	}
	card := cards[0]
	a := platform.Answer{Cardno: card.Cardno}
	step := func(s platform.Steps) error {
		card.Done |= s
		a.Steps = card.Done
		if err := progress(ctx, card, a); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		return nil
	}

	if !card.Done.Has(platform.StepOpen) {
		card.Attempts++
		level := card.Level
		if level == "" {
			level = c.flow.defaultLevel
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
		res, err := c.rechargeOnce(ctx, card)
		if err != nil {
			return nil, opened(err, "the recharge of "+card.Balance.String()+" yuan")
		}
		if nonZero(string(res.AddMoney)) || nonZero(string(res.AddScore)) {
			a.Bonus = string(res.AddMoney)
			a.Note = fmt.Sprintf("recharge rule added a bonus of %s yuan and %s points", orZero(string(res.AddMoney)), orZero(string(res.AddScore)))
		}
		if err := step(platform.StepRecharge); err != nil {
			return nil, err
		}
	}

	if card.Birthday != "" && !card.Done.Has(platform.StepBirthday) {
		if err := c.SetBirthday(ctx, card.Cardno, card.Birthday); err != nil {
			return nil, opened(err, "setting the birthday")
		}
		if err := step(platform.StepBirthday); err != nil {
			return nil, err
		}
	}

	sum, err := c.FindCard(ctx, card.Cardno)
	if err != nil {
		if isNotFound(err) {
			// It was opened a moment ago: an answer we cannot trust.
			return nil, fmt.Errorf("%w: the card is not found right after it was opened", platform.ErrUnknownOutcome)
		}
		return nil, err
	}
	a.ID, a.Mbno, a.Balance, a.Points = string(sum.ID), sum.CardID, string(sum.Amount), string(sum.CurScore)
	a.Found = true
	card.Done |= platform.StepConfirm
	a.Steps = card.Done
	a.Note = joinNote(a.Note, balanceNote(card, a))
	return []platform.Answer{a}, nil
}

// rechargeOnce recharges the roster balance exactly once. When a recharge
// may have been applied without an answer, the card's cumulative recharge
// says whether it was: a fresh card has none.
func (c *Client) rechargeOnce(ctx context.Context, card *platform.Card) (Recharged, error) {
	for attempt := 0; ; attempt++ {
		card.Attempts++
		res, err := c.Recharge(ctx, card.Cardno, card.Balance, c.flow.payType.ID)
		if !errors.Is(err, platform.ErrUnknownOutcome) {
			return res, err
		}
		info, ierr := c.CardInfo(ctx, card.Cardno)
		if ierr != nil {
			card.Suspect = true
			return res, err
		}
		if nonZero(string(info.SumRecharge)) {
			return Recharged{Amount: info.Amount, CardID: card.Cardno}, nil // it was applied
		}
		if attempt >= 2 {
			return res, err
		}
	}
}

func needsRecharge(c *platform.Card) bool { return c.HasBalance && c.Balance.Fen > 0 }

// opened words a failure after the card was opened: the card exists, the
// rest of its flow did not happen.
func opened(err error, what string) error {
	if r, ok := platform.AsRejection(err); ok {
		return &platform.Rejection{Info: "the card was opened, but " + what + " was refused: " + r.Info + " (the next run retries it)", Code: r.Code}
	}
	return err
}

// balanceNote says when the platform's balance differs from the roster's
// plus any bonus.
func balanceNote(card *platform.Card, a platform.Answer) string {
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
		return fmt.Sprintf("the platform's balance is %s, the roster's %s", got, want)
	}
	return ""
}

// Verify asks getcardinfo whether the card exists and how far its flow
// got. A card held by another member (a different phone) is a Conflict;
// an incomplete flow is Partial, to be finished by Issue.
func (c *Client) Verify(ctx context.Context, card *platform.Card) (platform.Answer, error) {
	info, err := c.CardInfo(ctx, card.Cardno)
	if err != nil {
		return platform.Answer{}, err
	}
	a := platform.Answer{Found: true, Cardno: info.CardID, Mbno: info.CardID, Steps: platform.StepOpen}
	if info.Phone != "" && info.Phone != card.Phone {
		a.Conflict = fmt.Sprintf("card %s is already on the platform for another member (%s, phone %s)", card.Cardno, info.Uname, report.MaskPhone(info.Phone))
		return a, nil
	}
	if !needsRecharge(card) || nonZero(string(info.SumRecharge)) {
		a.Steps |= platform.StepRecharge
	}
	if card.Birthday == "" || info.Birthday == isoDate(card.Birthday) {
		a.Steps |= platform.StepBirthday
	}
	if !a.Steps.Has(platform.StepRecharge | platform.StepBirthday) {
		a.Partial = true
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

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// Existing asks, read-only, whether the card number or the phone is
// already on the platform: getcardinfo by number, getcards by phone.
func (c *Client) Existing(ctx context.Context, card *platform.Card) (string, error) {
	var found []string
	info, err := c.CardInfo(ctx, card.Cardno)
	switch {
	case err == nil:
		found = append(found, fmt.Sprintf("card %s is already on the platform (%s, phone %s)", card.Cardno, info.Uname, report.MaskPhone(info.Phone)))
	case !isNotFound(err):
		return "", err
	}
	var list cardList
	if err := c.call(ctx, "POST", "getcards", map[string]string{"key": card.Phone}, &list, read); err != nil && !isNotFound(err) {
		return "", err
	}
	for _, s := range list.Cards {
		if s.Phone == card.Phone && s.CardID != card.Cardno {
			found = append(found, fmt.Sprintf("phone %s already holds card %s", report.MaskPhone(card.Phone), s.CardID))
			break
		}
	}
	return strings.Join(found, "; "), nil
}
