package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
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
	ErrcodeInternal     = 500 // 內部錯誤 (HTTP 500); also the status-style throttle and the busy answer (HTTP 200)
)

// Errmsgs a client must recognise.
const (
	MsgUnauthorized = "AUTHORIZATION或CUSTOMERGUID無效"
	MsgNotFound     = "卡不存在"
	MsgExists       = "卡已存在"
	MsgPhoneTaken   = "手機號已被使用"
	MsgExpired      = "系統過期"
	MsgThrottled    = "請求過於頻繁"
	MsgBusy         = "系統繁忙" // Faults.Busy: overloaded, not a rate limit
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
	if s.injectBefore(w, p, true, "") {
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
