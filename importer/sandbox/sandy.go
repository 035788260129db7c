package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

// The member-cjb errcodes (seed §基本格式說明).
const (
	ErrcodeMissing      = 1   // 參數不足
	ErrcodeNotFound     = 2   // 卡不存在
	ErrcodeExists       = 3   // 卡已存在
	ErrcodeInsufficient = 4   // 余額不足 (積分不足 for consume_score)
	ErrcodeExpired      = 300 // 系統過期
	ErrcodeBadParam     = 400 // 參數錯誤 (also the 401 answer's code)
	ErrcodeInternal     = 500 // 內部錯誤 (HTTP 500); also the status-style throttle (HTTP 200)
)

// Errmsgs a client must recognise.
const (
	MsgUnauthorized = "AUTHORIZATION或CUSTOMERGUID無效"
	MsgNotFound     = "卡不存在"
	MsgExists       = "卡已存在"
	MsgPhoneTaken   = "手機號已被使用"
	MsgExpired      = "系統過期"
	MsgThrottled    = "請求過於頻繁"
)

// orgName is the merchant name cardopen and getcardhis answer.
const orgName = "沙盒測試商戶"

// sandyError is the member-cjb error document.
type sandyError struct {
	Code int    `json:"errcode"`
	Msg  string `json:"errmsg"`
}

func (e *sandyError) Error() string { return fmt.Sprintf("errcode %d: %s", e.Code, e.Msg) }

func missing(name string) *sandyError {
	return &sandyError{ErrcodeMissing, "參數不足：" + name}
}

func badParam(what string) *sandyError {
	return &sandyError{ErrcodeBadParam, "參數錯誤：" + what}
}

// num is a JSON number written with its exact text (never via float64).
type num string

// MarshalJSON writes the number's text.
func (n num) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("0"), nil
	}
	return []byte(n), nil
}

// UnmarshalJSON keeps a number's (or string's) exact text.
func (n *num) UnmarshalJSON(b []byte) error {
	var f platform.Flex
	if err := f.UnmarshalJSON(b); err != nil {
		return err
	}
	*n = num(f)
	return nil
}

// Number forms the seed shows: amounts like 14493.80 (fixedNum), bonus and
// history amounts like 10.0 or 14608.8 (floatNum, Python's float repr),
// sums like 529 (shortNum).
func fixedNum(fen int64) num { return num(validate.Money{Fen: fen}.Fixed()) }
func shortNum(fen int64) num { return num(validate.Money{Fen: fen}.String()) }
func floatNum(fen int64) num {
	s := validate.Money{Fen: fen}.String()
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return num(s)
}
func scoreNum(score int64) num { return num(strconv.FormatInt(score, 10) + ".0") }

// A level of cardlevellist, with the discount consume applies (percent).
type level struct {
	ID       int
	Name     string
	Discount int64
}

// Sandbox choice: three levels (the seed shows two) with discounts.
var levels = []level{{1, "普通會員", 100}, {2, "高級會員", 90}, {3, "VIP會員", 80}}

func levelByID(id int) (level, bool) {
	for _, l := range levels {
		if l.ID == id {
			return l, true
		}
	}
	return level{}, false
}

func levelName(id int) string {
	l, _ := levelByID(id)
	return l.Name
}

// payTypes are getrechargerules' paytypes, in the seed's order.
var payTypes = []struct {
	ID   int
	Name string
}{{1, "現金"}, {2, "銀行卡"}, {4, "支付寶"}, {3, "微信"}}

func payTypeName(id int) (string, bool) {
	for _, p := range payTypes {
		if p.ID == id {
			return p.Name, true
		}
	}
	return "", false
}

// A recharge rule. The seed's money field: 0 applies to every recharge,
// 1 is a percentage (add_money 0.1 = 10 % of the money), any other value is
// a threshold (a recharge of at least money gets add_money). Every matching
// rule applies (the seed's history shows two bonuses on one recharge).
type bonusRule struct {
	threshold int64 // fen; 0 every recharge; percentRule
	percent   int64 // percentage rules: bonus percent of the money
	addMoney  int64 // fen, fixed rules
	addScore  int64 // points (percentage rules: percent of the money in yuan)
	desc      string
	wire      rechargeRule
}

const percentRule = 100 // money 1 (yuan) marks a percentage rule

type rechargeRule struct {
	Money       num    `json:"money"`
	AddScore    num    `json:"add_score"`
	Description string `json:"description"`
	AddMoney    num    `json:"add_money"`
}

var bonusRules = []bonusRule{
	{threshold: percentRule, percent: 10, desc: "充值送10%",
		wire: rechargeRule{Money: "1", AddScore: "0.0", Description: "充值送10%", AddMoney: "0.1"}},
	{threshold: 50000, addMoney: 10000, desc: "沖500送100",
		wire: rechargeRule{Money: "500", AddScore: "0.0", Description: "沖500送100", AddMoney: "100.0"}},
}

// bonus returns what the rules add to a recharge of money fen, and the
// history description. Percentages round down to the fen.
func (s *Sandbox) bonus(money int64) (addMoney, addScore int64, desc string) {
	if !s.cfg.RechargeBonus {
		return 0, 0, "充值" + string(floatNum(money))
	}
	var parts []string
	for _, r := range bonusRules {
		var m, sc int64
		switch {
		case r.threshold == percentRule:
			m, sc = money*r.percent/100, money*r.addScore/100/100
		case money >= r.threshold:
			m, sc = r.addMoney, r.addScore
		default:
			continue
		}
		addMoney += m
		addScore += sc
		part := fmt.Sprintf("%s:充值%s贈送金額%s", r.desc, floatNum(money), floatNum(m))
		if sc != 0 {
			part += "贈送積分" + string(scoreNum(sc))
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return 0, 0, "充值" + string(floatNum(money))
	}
	return addMoney, addScore, strings.Join(parts, "<br/>")
}

// A sandy route: its method, whether it writes, and its handler.
type sandyRoute struct {
	method string
	write  bool
	fn     func(s *Sandbox, p params) (any, *sandyError)
}

var sandyRoutes = map[string]sandyRoute{
	"cardlevellist":    {http.MethodGet, false, (*Sandbox).sandyLevels},
	"getrechargerules": {http.MethodPost, false, (*Sandbox).sandyRules},
	"getcards":         {http.MethodPost, false, (*Sandbox).sandyCards},
	"cardopen":         {http.MethodPost, true, (*Sandbox).sandyOpen},
	"recharge":         {http.MethodPost, true, (*Sandbox).sandyRecharge},
	"consume":          {http.MethodPost, true, (*Sandbox).sandyConsume},
	"getcardinfo":      {http.MethodPost, false, (*Sandbox).sandyInfo},
	"modcardinfo":      {http.MethodPost, true, (*Sandbox).sandyMod},
	"getcardhis":       {http.MethodPost, false, (*Sandbox).sandyHistory},
	"consume_score":    {http.MethodPost, true, (*Sandbox).sandyConsumeScore},
}

// serveSandy answers /api2/member-cjb/<name>: the rate limit, the headers,
// the expired switch, faults before processing, the route, faults after.
func (s *Sandbox) serveSandy(w http.ResponseWriter, r *http.Request, name string) {
	if !s.begin(w, r, true) {
		return
	}
	rt, ok := sandyRoutes[name]
	if !ok {
		s.stats.badRequests.Add(1)
		writeJSON(w, http.StatusNotFound, sandyError{ErrcodeBadParam, "接口不存在：" + name})
		return
	}
	if r.Method != rt.method {
		s.stats.badRequests.Add(1)
		w.Header().Set("Allow", rt.method)
		writeJSON(w, http.StatusMethodNotAllowed, sandyError{ErrcodeBadParam, "請使用" + rt.method + "請求"})
		return
	}
	if r.Header.Get("AUTHORIZATION") != s.cfg.SandyToken || r.Header.Get("CUSTOMERGUID") != s.cfg.CustomerGUID {
		s.stats.rejected.Add(1)
		s.stats.authRefused.Add(1)
		writeJSON(w, http.StatusUnauthorized, sandyError{ErrcodeBadParam, MsgUnauthorized})
		return
	}
	if s.expired.Load() {
		s.stats.rejected.Add(1)
		writeJSON(w, http.StatusOK, sandyError{ErrcodeExpired, MsgExpired})
		return
	}
	p := s.plan()
	if s.injectBefore(w, p, true) {
		return
	}
	var ps params
	var serr *sandyError
	if rt.method == http.MethodPost {
		ps, serr = readParams(w, r)
	}
	if rt.write && serr == nil {
		s.holdLate(p)
	}
	var ans any
	if serr == nil {
		ans, serr = rt.fn(s, ps)
	}
	code := http.StatusOK
	if serr != nil {
		ans = serr
		switch {
		case serr.Code == ErrcodeInternal:
			code = http.StatusInternalServerError
		case serr.Code == ErrcodeNotFound && !rt.write:
			s.stats.notFound.Add(1)
		default:
			s.stats.rejected.Add(1)
		}
		switch serr.Code {
		case ErrcodeExists:
			s.stats.exists.Add(1)
		case ErrcodeBadParam:
			if serr.Msg == MsgPhoneTaken {
				s.stats.phoneTaken.Add(1)
			}
		}
	}
	body, err := marshal(ans)
	if err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	kind := noFault
	switch {
	case code != http.StatusOK:
	case rt.write && serr == nil:
		kind = p.after(faultDrop, faultSlow, faultMalformed)
	case !rt.write:
		kind = p.after(faultMalformed)
	}
	if kind == noFault {
		writeBody(w, code, body)
		return
	}
	s.deliver(w, r, body, kind, p)
}

// params is a JSON object body; values may be strings or numbers.
type params map[string]json.RawMessage

func readParams(w http.ResponseWriter, r *http.Request) (params, *sandyError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, badParam("請求體過大或不完整")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return params{}, nil
	}
	var p params
	if err := json.Unmarshal(body, &p); err != nil || p == nil {
		return nil, badParam("請求體不是JSON對象")
	}
	return p, nil
}

// get returns a parameter's text; present is false when absent or null.
func (p params) get(name string) (v string, present bool, bad *sandyError) {
	raw, ok := p[name]
	if !ok {
		return "", false, nil
	}
	var f *platform.Flex
	if err := json.Unmarshal(raw, &f); err != nil {
		return "", false, badParam(name + "須為字符串或數字")
	}
	if f == nil {
		return "", false, nil
	}
	return string(*f), true, nil
}

// required returns a parameter that must be present and non-empty.
func (p params) required(name string) (string, *sandyError) {
	v, ok, bad := p.get(name)
	if bad != nil {
		return "", bad
	}
	if !ok || strings.TrimSpace(v) == "" {
		return "", missing(name)
	}
	return v, nil
}

var (
	reSandyCard  = regexp.MustCompile(`^[0-9A-Za-z_-]{1,32}$`)
	reSandyPhone = regexp.MustCompile(`^\+?[0-9]{6,15}$`)
	reScore      = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]+)?$`)
	reInt        = regexp.MustCompile(`^[0-9]{1,12}$`)
)

// sandyMoney parses an amount: an exact decimal with at most two places.
func sandyMoney(v, name string, positive bool) (int64, *sandyError) {
	if !reMoney.MatchString(v) {
		return 0, badParam(name + "格式錯誤：" + shown(v))
	}
	m, err := validate.ParseMoney(v)
	if err != nil || (positive && m.Fen <= 0) {
		return 0, badParam(name + "須大於0：" + v)
	}
	return m.Fen, nil
}

func checkUname(v string) (string, *sandyError) {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > 32 || strings.ContainsFunc(v, unicode.IsControl) {
		return "", badParam("姓名格式錯誤：" + v)
	}
	return v, nil
}

func checkGender(v string) (int, *sandyError) {
	switch v {
	case "0":
		return 0, nil
	case "1":
		return 1, nil
	}
	return 0, badParam("性別須為0或1：" + shown(v))
}

func (s *Sandbox) storeError(err error) *sandyError {
	switch {
	case errors.Is(err, errCardExists):
		return &sandyError{ErrcodeExists, MsgExists}
	case errors.Is(err, errCardNotFound):
		return &sandyError{ErrcodeNotFound, MsgNotFound}
	case errors.Is(err, errPhoneTaken):
		return &sandyError{ErrcodeBadParam, MsgPhoneTaken}
	}
	if se, ok := errors.AsType[*sandyError](err); ok {
		return se
	}
	return &sandyError{ErrcodeInternal, "內部錯誤"}
}

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
