package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/validate"
)

// The member-cjb routes: one function per route, each answering a
// params document with its answer or an errcode.

func (s *Sandbox) sandyLevels(params) (any, *sandyError) {
	s.stats.sandyLooks.Add(1)
	type lel struct {
		Name string `json:"card_lel_name"`
		ID   int    `json:"id"`
	}
	out := make([]lel, len(levels))
	for i, l := range levels {
		out[i] = lel{l.Name, l.ID}
	}
	return out, nil
}

// sandyRules answers getrechargerules. Sandbox choice: card_id is optional
// and need not exist (an importer reads the rules once, before any card).
func (s *Sandbox) sandyRules(p params) (any, *sandyError) {
	if _, _, bad := p.get("card_id"); bad != nil {
		return nil, bad
	}
	s.stats.sandyLooks.Add(1)
	rules := []rechargeRule{}
	if s.cfg.RechargeBonus {
		for _, r := range bonusRules {
			rules = append(rules, r.wire)
		}
	}
	pays := make([][2]any, len(payTypes))
	for i, pt := range payTypes {
		pays[i] = [2]any{pt.ID, pt.Name}
	}
	return struct {
		Rules    []rechargeRule `json:"rules"`
		Paytypes [][2]any       `json:"paytypes"`
	}{rules, pays}, nil
}

type cardSummary struct {
	CurScore      int64  `json:"cur_score"`
	Phone         string `json:"phone"`
	Amount        num    `json:"amount"`
	Uname         string `json:"uname"`
	CardLevelName string `json:"card_level_name"`
	CardStatus    string `json:"card_status"`
	ID            int64  `json:"id"`
	CardID        string `json:"card_id"`
}

// sandyCards answers getcards: partial match on card id, name or phone,
// at most 100 cards.
func (s *Sandbox) sandyCards(p params) (any, *sandyError) {
	key, bad := p.required("key")
	if bad != nil {
		return nil, bad
	}
	rows, err := s.st.searchSandy(key, 100)
	if err != nil {
		return nil, s.storeError(err)
	}
	s.stats.sandyLooks.Add(1)
	cards := make([]cardSummary, len(rows))
	for i, r := range rows {
		cards[i] = cardSummary{r.Score, r.Phone, fixedNum(r.Amount), r.Uname, levelName(r.Level), "正常", r.ID, r.CardID}
	}
	return struct {
		Cards []cardSummary `json:"cards"`
	}{cards}, nil
}

// sandyOpen answers cardopen. Sandbox choice: cardLevelID is optional
// (default 1, 普通會員); cardID, uname, phone and gender are required.
func (s *Sandbox) sandyOpen(p params) (any, *sandyError) {
	var vals [4]string
	for i, name := range []string{"cardID", "uname", "phone", "gender"} {
		v, bad := p.required(name)
		if bad != nil {
			return nil, bad
		}
		vals[i] = v
	}
	cardID, unameText, phone, genderText := vals[0], vals[1], vals[2], vals[3]
	lvl := 1
	if v, ok, bad := p.get("cardLevelID"); bad != nil {
		return nil, bad
	} else if ok {
		id, err := strconv.Atoi(v)
		if _, known := levelByID(id); err != nil || !known {
			return nil, badParam("卡等級不存在：" + shown(v))
		}
		lvl = id
	}
	if !reSandyCard.MatchString(cardID) {
		return nil, badParam("卡號格式錯誤：" + cardID)
	}
	uname, bad := checkUname(unameText)
	if bad != nil {
		return nil, bad
	}
	if !reSandyPhone.MatchString(phone) {
		return nil, badParam("手機號格式錯誤：" + phone)
	}
	gender, bad := checkGender(genderText)
	if bad != nil {
		return nil, bad
	}
	now := s.now()
	row, err := s.st.openSandy(
		sandyRow{CardID: cardID, Level: lvl, Uname: uname, Phone: phone, Gender: gender, Created: now},
		sandyEvent{Type: eventOpen, Desc: "開卡", Time: now},
	)
	if err != nil {
		return nil, s.storeError(err)
	}
	s.stats.sandyOpens.Add(1)
	return struct {
		OrgName  string `json:"org_name"`
		Phone    string `json:"phone"`
		Amount   num    `json:"amount"`
		CardID   string `json:"card_id"`
		CurScore int64  `json:"cur_score"`
	}{orgName, row.Phone, shortNum(row.Amount), row.CardID, row.Score}, nil
}

// maxAmount bounds a card's balance so sums cannot overflow.
const maxAmount = 1e15 // fen

// sandyRecharge answers recharge: {card_id, money, pay_type}.
func (s *Sandbox) sandyRecharge(p params) (any, *sandyError) {
	var vals [3]string
	for i, name := range []string{"card_id", "money", "pay_type"} {
		v, bad := p.required(name)
		if bad != nil {
			return nil, bad
		}
		vals[i] = v
	}
	money, bad := sandyMoney(vals[1], "充值金額", true)
	if bad != nil {
		return nil, bad
	}
	pt, err := strconv.Atoi(vals[2])
	if _, known := payTypeName(pt); err != nil || !known {
		return nil, badParam("支付方式不存在：" + vals[2])
	}
	addMoney, addScore, desc := s.bonus(money)
	now := s.now()
	row, err := s.st.updateSandy(vals[0], func(c *sandyRow) ([]sandyEvent, error) {
		if c.Amount+money+addMoney > maxAmount {
			return nil, badParam("余額超出上限")
		}
		c.Amount += money + addMoney
		c.SumRecharge += money
		c.Score += addScore
		return []sandyEvent{{
			Type: eventRecharge, Ori: money, Act: money + addMoney, AddMoney: addMoney, AddScore: addScore,
			Amount: c.Amount, Score: c.Score, ScoreChange: addScore, PayType: pt, Desc: desc, Time: now,
		}}, nil
	})
	if err != nil {
		return nil, s.storeError(err)
	}
	s.stats.sandyRecharges.Add(1)
	return struct {
		CurScore int64  `json:"cur_score"`
		AddMoney num    `json:"add_money"`
		Amount   string `json:"amount"`
		AddScore num    `json:"add_score"`
		CardID   string `json:"card_id"`
	}{row.Score, floatNum(addMoney), validate.Money{Fen: row.Amount}.Fixed(), scoreNum(addScore), row.CardID}, nil
}

// sandyConsume answers consume: {card_id, money, money_discount?}. The
// card's level discount applies to money_discount (default: all of money);
// the card pays the rest and earns one point per whole yuan paid. Sandbox
// choice: a balance short of the amount is errcode 4 (no depot_money).
func (s *Sandbox) sandyConsume(p params) (any, *sandyError) {
	cardID, bad := p.required("card_id")
	if bad != nil {
		return nil, bad
	}
	moneyText, bad := p.required("money")
	if bad != nil {
		return nil, bad
	}
	money, bad := sandyMoney(moneyText, "消費金額", true)
	if bad != nil {
		return nil, bad
	}
	discountable := money
	if v, ok, bad := p.get("money_discount"); bad != nil {
		return nil, bad
	} else if ok {
		if discountable, bad = sandyMoney(v, "可打折金額", false); bad != nil {
			return nil, bad
		}
		if discountable > money {
			return nil, badParam("可打折金額不能大於消費金額")
		}
	}
	now := s.now()
	var discount, discountMoney, act int64
	row, err := s.st.updateSandy(cardID, func(c *sandyRow) ([]sandyEvent, error) {
		l, _ := levelByID(c.Level)
		discount = l.Discount
		discountMoney = (discountable*(100-discount) + 50) / 100
		act = money - discountMoney
		if c.Amount < act {
			return nil, &sandyError{ErrcodeInsufficient, "余額不足"}
		}
		earned := act / 100
		c.Amount -= act
		c.SumConsume += act
		c.Score += earned
		desc := fmt.Sprintf("消費%s,獲得積分%d\n", floatNum(act), earned)
		if discount < 100 {
			desc = fmt.Sprintf("%s折(%s)<br/>", discountWord(discount), discountNum(discount)) + desc
		}
		return []sandyEvent{{
			Type: eventConsume, Ori: money, Act: act, Amount: c.Amount, Score: c.Score, ScoreChange: earned,
			Desc: desc, Time: now,
		}}, nil
	})
	if err != nil {
		return nil, s.storeError(err)
	}
	s.stats.sandyConsumes.Add(1)
	return struct {
		CurScore      int64  `json:"cur_score"`
		OriMoney      num    `json:"ori_money"`
		Amount        string `json:"amount"`
		DiscountMoney num    `json:"discount_money"`
		CardMoney     num    `json:"card_money"`
		Discount      num    `json:"discount"`
		DepotMoney    num    `json:"depot_money"`
		CardID        string `json:"card_id"`
		ActMoney      num    `json:"act_money"`
	}{row.Score, floatNum(money), validate.Money{Fen: row.Amount}.Fixed(), floatNum(discountMoney), floatNum(act),
		discountNum(discount), "0", row.CardID, floatNum(act)}, nil
}

// discountNum writes a discount percent as the seed does: 80 → 0.8.
func discountNum(pct int64) num {
	if pct%10 == 0 {
		return num(fmt.Sprintf("%d.%d", pct/100, pct%100/10))
	}
	return num(fmt.Sprintf("%d.%02d", pct/100, pct%100))
}

func discountWord(pct int64) string {
	if pct%10 == 0 {
		return strconv.FormatInt(pct/10, 10)
	}
	return strconv.FormatInt(pct, 10)
}

// sandyConsumeScore answers consume_score: {card_id, score}; a fractional
// part of score is ignored, as the seed says.
func (s *Sandbox) sandyConsumeScore(p params) (any, *sandyError) {
	cardID, bad := p.required("card_id")
	if bad != nil {
		return nil, bad
	}
	v, bad := p.required("score")
	if bad != nil {
		return nil, bad
	}
	if !reScore.MatchString(v) {
		return nil, badParam("積分格式錯誤：" + v)
	}
	whole, _, _ := strings.Cut(v, ".")
	score, _ := strconv.ParseInt(whole, 10, 64)
	if score <= 0 {
		return nil, badParam("積分須大於0：" + v)
	}
	now := s.now()
	row, err := s.st.updateSandy(cardID, func(c *sandyRow) ([]sandyEvent, error) {
		if c.Score < score {
			return nil, &sandyError{ErrcodeInsufficient, "積分不足"}
		}
		c.Score -= score
		return []sandyEvent{{
			Type: eventConsume, Amount: c.Amount, Score: c.Score, ScoreChange: -score,
			Desc: fmt.Sprintf("消費積分%d", score), Time: now,
		}}, nil
	})
	if err != nil {
		return nil, s.storeError(err)
	}
	s.stats.sandyConsumes.Add(1)
	return struct {
		CurScore int64  `json:"cur_score"`
		Amount   num    `json:"amount"`
		CardID   string `json:"card_id"`
	}{row.Score, floatNum(row.Amount), row.CardID}, nil
}

// cardInfo is getcardinfo's answer; modcardinfo answers it without the sums.
type cardInfo struct {
	CurScore      int64  `json:"cur_score"`
	Phone         string `json:"phone"`
	Amount        num    `json:"amount"`
	Birthday      string `json:"birthday"`
	Uname         string `json:"uname"`
	Gender        int    `json:"gender"`
	CardLevelName string `json:"card_level_name"`
	CardID        string `json:"card_id"`
	SumConsume    *num   `json:"sum_consume,omitempty"`
	SumRecharge   *num   `json:"sum_recharge,omitempty"`
}

func infoOf(r sandyRow, sums bool) cardInfo {
	c := cardInfo{r.Score, r.Phone, fixedNum(r.Amount), r.Birthday, r.Uname, r.Gender, levelName(r.Level), r.CardID, nil, nil}
	if sums {
		consume, recharge := shortNum(r.SumConsume), shortNum(r.SumRecharge)
		c.SumConsume, c.SumRecharge = &consume, &recharge
	}
	return c
}

// sandyInfo answers getcardinfo: exact match on card_id.
func (s *Sandbox) sandyInfo(p params) (any, *sandyError) {
	cardID, bad := p.required("card_id")
	if bad != nil {
		return nil, bad
	}
	row, ok, err := s.st.getSandy(cardID)
	if err != nil {
		return nil, s.storeError(err)
	}
	if !ok {
		return nil, &sandyError{ErrcodeNotFound, MsgNotFound}
	}
	s.stats.sandyLooks.Add(1)
	return infoOf(row, true), nil
}

// sandyMod answers modcardinfo: {card_id, uname?, phone?, birthday?,
// gender?}; an absent field is not changed. birthday is "1999-9-9" or
// "1999-09-09", stored and answered as "1999-09-09".
func (s *Sandbox) sandyMod(p params) (any, *sandyError) {
	cardID, bad := p.required("card_id")
	if bad != nil {
		return nil, bad
	}
	var changes []func(*sandyRow)
	if v, ok, bad := p.get("uname"); bad != nil {
		return nil, bad
	} else if ok {
		u, bad := checkUname(v)
		if bad == nil && u == "" {
			bad = badParam("姓名不能為空")
		}
		if bad != nil {
			return nil, bad
		}
		changes = append(changes, func(c *sandyRow) { c.Uname = u })
	}
	if v, ok, bad := p.get("phone"); bad != nil {
		return nil, bad
	} else if ok {
		if !reSandyPhone.MatchString(v) {
			return nil, badParam("手機號格式錯誤：" + shown(v))
		}
		changes = append(changes, func(c *sandyRow) { c.Phone = v })
	}
	if v, ok, bad := p.get("birthday"); bad != nil {
		return nil, bad
	} else if ok {
		d, err := time.ParseInLocation("2006-1-2", v, time.Local)
		if err != nil || d.After(s.now()) || d.Year() < 1900 {
			return nil, badParam("生日格式錯誤：" + shown(v))
		}
		b := d.Format(time.DateOnly)
		changes = append(changes, func(c *sandyRow) { c.Birthday = b })
	}
	if v, ok, bad := p.get("gender"); bad != nil {
		return nil, bad
	} else if ok {
		g, bad := checkGender(v)
		if bad != nil {
			return nil, bad
		}
		changes = append(changes, func(c *sandyRow) { c.Gender = g })
	}
	row, err := s.st.updateSandy(cardID, func(c *sandyRow) ([]sandyEvent, error) {
		for _, ch := range changes {
			ch(c)
		}
		c.Mods++
		return nil, nil
	})
	if err != nil {
		return nil, s.storeError(err)
	}
	s.stats.sandyMods.Add(1)
	return infoOf(row, false), nil
}

type historyLine struct {
	OriMoney    num    `json:"ori_money"`
	ActMoney    num    `json:"act_money"`
	Amount      num    `json:"amount"`
	Score       int64  `json:"score"`
	PayTypeText string `json:"pay_type_text"`
	Description string `json:"description"`
	Time        int64  `json:"time"`
	Type        int    `json:"type"`
	OrgName     string `json:"org_name"`
	ID          int64  `json:"id"`
}

// sandyHistory answers getcardhis, newest first. pages is the total number
// of records, as the seed documents it.
func (s *Sandbox) sandyHistory(p params) (any, *sandyError) {
	cardID, bad := p.required("card_id")
	if bad != nil {
		return nil, bad
	}
	opt := map[string]int64{"only_score_change": 0, "start_timestamp": 0, "end_timestamp": 0, "event_type": 0, "page_size": 20, "page": 1}
	for name := range opt {
		v, ok, bad := p.get(name)
		if bad != nil {
			return nil, bad
		}
		if !ok || v == "" {
			continue
		}
		if !reInt.MatchString(v) {
			return nil, badParam(name + "須為整數：" + v)
		}
		opt[name], _ = strconv.ParseInt(v, 10, 64)
	}
	if opt["page_size"] < 1 || opt["page_size"] > 1000 || opt["page"] < 1 {
		return nil, badParam("page與page_size須大於0")
	}
	if _, ok, err := s.st.getSandy(cardID); err != nil {
		return nil, s.storeError(err)
	} else if !ok {
		return nil, &sandyError{ErrcodeNotFound, MsgNotFound}
	}
	evs, err := s.st.sandyEvents(cardID)
	if err != nil {
		return nil, s.storeError(err)
	}
	var lines []historyLine
	for _, e := range slices.Backward(evs) {
		t := e.Time.Unix()
		switch {
		case opt["only_score_change"] == 1 && e.ScoreChange == 0,
			opt["event_type"] != 0 && int64(e.Type) != opt["event_type"],
			opt["start_timestamp"] != 0 && t < opt["start_timestamp"],
			opt["end_timestamp"] != 0 && t > opt["end_timestamp"]:
			continue
		}
		payText, _ := payTypeName(e.PayType)
		lines = append(lines, historyLine{floatNum(e.Ori), floatNum(e.Act), floatNum(e.Amount), e.Score, payText, e.Desc, t, e.Type, orgName, e.ID})
	}
	total := int64(len(lines))
	from := min((opt["page"]-1)*opt["page_size"], total)
	to := min(from+opt["page_size"], total)
	s.stats.sandyLooks.Add(1)
	return struct {
		Data     []historyLine `json:"data"`
		Pages    num           `json:"pages"`
		PageSize int64         `json:"page_size"`
		Page     int64         `json:"page"`
	}{append([]historyLine{}, lines[from:to]...), scoreNum(total), opt["page_size"], opt["page"]}, nil
}
