package sandy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

// Level is one card level of cardlevellist.
type Level struct {
	ID   platform.Flex `json:"id"`
	Name string        `json:"card_lel_name"`
}

// levelList is cardlevellist's answer: a JSON array.
type levelList []Level

func (l *levelList) wellFormed() bool { return *l != nil }

// Levels reads cardlevellist.
func (c *Client) Levels(ctx context.Context) ([]Level, error) {
	var out levelList
	if err := c.call(ctx, http.MethodGet, "cardlevellist", nil, &out, read); err != nil {
		return nil, err
	}
	return out, nil
}

// Rule is one recharge rule. Money 0 applies to every recharge, 1 is a
// percentage (AddMoney 0.1 = 10 %), other values apply from that amount on.
type Rule struct {
	Money       platform.Flex `json:"money"`
	AddScore    platform.Flex `json:"add_score"`
	AddMoney    platform.Flex `json:"add_money"`
	Description string        `json:"description"`
}

// Bonus reports whether the rule gives anything on top of the recharge.
func (r Rule) Bonus() bool { return nonZero(string(r.AddMoney)) || nonZero(string(r.AddScore)) }

func nonZero(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f != 0
}

// PayType is one of getrechargerules' paytypes, [id, name] on the wire.
type PayType struct {
	ID   string
	Name string
}

// Rules is getrechargerules' answer.
type Rules struct {
	Rules    []Rule
	PayTypes []PayType
}

type rulesWire struct {
	Rules    []Rule              `json:"rules"`
	PayTypes [][]json.RawMessage `json:"paytypes"`
}

func (w *rulesWire) wellFormed() bool { return w.PayTypes != nil }

// RechargeRules reads getrechargerules. The seed asks for a card_id; the
// rules are the restaurant's, so an empty one is sent.
func (c *Client) RechargeRules(ctx context.Context) (Rules, error) {
	var wire rulesWire
	if err := c.call(ctx, http.MethodPost, "getrechargerules", map[string]string{"card_id": ""}, &wire, read); err != nil {
		return Rules{}, err
	}
	out := Rules{Rules: wire.Rules}
	for _, pt := range wire.PayTypes {
		if len(pt) < 2 {
			continue
		}
		var id, name platform.Flex
		if json.Unmarshal(pt[0], &id) != nil || json.Unmarshal(pt[1], &name) != nil {
			continue
		}
		out.PayTypes = append(out.PayTypes, PayType{ID: string(id), Name: string(name)})
	}
	return out, nil
}

// Open runs cardopen.
func (c *Client) Open(ctx context.Context, card *validate.Card, levelID string) error {
	body := map[string]string{
		"cardID":      card.Cardno,
		"cardLevelID": levelID,
		"uname":       card.Name,
		"phone":       card.Phone,
		"gender":      strconv.Itoa(card.Sex),
	}
	var out cardEcho
	return c.call(ctx, http.MethodPost, "cardopen", body, &out, write)
}

// cardEcho is the part of cardopen's and modcardinfo's answers that says
// which card they concern.
type cardEcho struct {
	CardID string `json:"card_id"`
}

func (e *cardEcho) wellFormed() bool { return e.CardID != "" }

// Recharged is recharge's answer.
type Recharged struct {
	CurScore platform.Flex `json:"cur_score"`
	AddMoney platform.Flex `json:"add_money"`
	Amount   platform.Flex `json:"amount"`
	AddScore platform.Flex `json:"add_score"`
	CardID   string        `json:"card_id"`
}

func (r *Recharged) wellFormed() bool { return r.CardID != "" }

// Recharge adds money to a card; it is never retried once it may have
// been applied.
func (c *Client) Recharge(ctx context.Context, cardID string, money validate.Money, payType string) (Recharged, error) {
	pt, err := strconv.Atoi(payType)
	if err != nil {
		return Recharged{}, fmt.Errorf("sandy: pay type %q is not a number", payType)
	}
	body := map[string]any{"card_id": cardID, "money": money.String(), "pay_type": pt}
	var out Recharged
	err = c.call(ctx, http.MethodPost, "recharge", body, &out, write)
	return out, err
}

// SetBirthday sets the birthday with modcardinfo; birthday is YYYYMMDD.
func (c *Client) SetBirthday(ctx context.Context, cardID, birthday string) error {
	if len(birthday) != 8 {
		return fmt.Errorf("sandy: birthday %q is not YYYYMMDD", birthday)
	}
	body := map[string]string{"card_id": cardID, "birthday": isoDate(birthday)}
	var out cardEcho
	return c.call(ctx, http.MethodPost, "modcardinfo", body, &out, idempotent)
}

func isoDate(yyyymmdd string) string {
	return yyyymmdd[:4] + "-" + yyyymmdd[4:6] + "-" + yyyymmdd[6:]
}

// Info is getcardinfo's answer.
type Info struct {
	CurScore      platform.Flex `json:"cur_score"`
	Phone         string        `json:"phone"`
	Amount        platform.Flex `json:"amount"`
	Birthday      string        `json:"birthday"`
	Uname         string        `json:"uname"`
	Gender        platform.Flex `json:"gender"`
	CardLevelName string        `json:"card_level_name"`
	CardID        string        `json:"card_id"`
	SumConsume    platform.Flex `json:"sum_consume"`
	SumRecharge   platform.Flex `json:"sum_recharge"`
}

func (i *Info) wellFormed() bool { return i.CardID != "" }

// CardInfo reads getcardinfo; platform.ErrNotFound for errcode 2.
func (c *Client) CardInfo(ctx context.Context, cardID string) (Info, error) {
	var out Info
	err := c.call(ctx, http.MethodPost, "getcardinfo", map[string]string{"card_id": cardID}, &out, read)
	return out, err
}

// Summary is one card of getcards.
type Summary struct {
	CurScore platform.Flex `json:"cur_score"`
	Phone    string        `json:"phone"`
	Amount   platform.Flex `json:"amount"`
	Uname    string        `json:"uname"`
	Level    string        `json:"card_level_name"`
	Status   string        `json:"card_status"`
	ID       platform.Flex `json:"id"`
	CardID   string        `json:"card_id"`
}

type cardList struct {
	Cards []Summary `json:"cards"`
}

func (l *cardList) wellFormed() bool { return l.Cards != nil }

// FindCard looks a card number up with getcards (which matches partially)
// and returns the exact match: the only answer that carries the card id.
func (c *Client) FindCard(ctx context.Context, cardID string) (Summary, error) {
	var out cardList
	if err := c.call(ctx, http.MethodPost, "getcards", map[string]string{"key": cardID}, &out, read); err != nil {
		return Summary{}, err
	}
	for _, s := range out.Cards {
		if s.CardID == cardID {
			return s, nil
		}
	}
	return Summary{}, fmt.Errorf("sandy: getcards %s: %w", cardID, platform.ErrNotFound)
}

// isNotFound reports errcode 2.
func isNotFound(err error) bool { return errors.Is(err, platform.ErrNotFound) }

// EventRecharge is getcardhis's event_type of a recharge (充值).
const EventRecharge = 6

// Event is one line of getcardhis.
type Event struct {
	OriMoney platform.Flex `json:"ori_money"` // the amount recharged, before any bonus
	ActMoney platform.Flex `json:"act_money"` // with the bonus
	Amount   platform.Flex `json:"amount"`    // balance after the event
	Type     platform.Flex `json:"type"`
	Time     platform.Flex `json:"time"`
	ID       platform.Flex `json:"id"`
}

type history struct {
	Data  []Event       `json:"data"`
	Pages platform.Flex `json:"pages"` // the seed: the total number of records
}

func (h *history) wellFormed() bool { return h.Data != nil && h.Pages != "" }

// historyPage is how many events one getcardhis call asks for: a card
// this tool opened has a handful.
const historyPage = 100

// History reads the card's events of one type (0: every type) with
// getcardhis, newest first. complete is false when the card has more
// events than one page returned.
func (c *Client) History(ctx context.Context, cardID string, eventType int) (events []Event, complete bool, err error) {
	var out history
	body := struct {
		CardID    string `json:"card_id"`
		EventType int    `json:"event_type"`
		PageSize  int    `json:"page_size"`
		Page      int    `json:"page"`
	}{cardID, eventType, historyPage, 1}
	err = c.call(ctx, http.MethodPost, "getcardhis", body, &out, read)
	if err != nil {
		return nil, false, err
	}
	// A count it cannot read leaves the history incomplete: an absent
	// recharge in it proves nothing.
	total, perr := strconv.ParseFloat(string(out.Pages), 64)
	return out.Data, perr == nil && float64(len(out.Data)) >= total, nil
}
