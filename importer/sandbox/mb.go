package sandbox

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/platform"
)

// Limits of the 果盘 simulator.
const (
	MaxList     = 500              // cards per mb_newcard call (list or type 15)
	ClockWindow = 60 * time.Minute // timestamp skew accepted, and how long a nonce is remembered
	maxBody     = 16 << 20
	serverName  = "sandbox"
)

// The 果盘 refusals a client must recognise (status "0", HTTP 200).
const (
	InfoBadGPID      = "gpid错误：应用不存在"
	InfoBadMSID      = "门店不存在"
	InfoBadSign      = "签名错误"
	InfoExpired      = "时间戳已过期"
	InfoNonceReused  = "nonce重复"
	InfoThrottled    = "请求过于频繁，请稍后再试"
	InfoBusy         = "系统繁忙" // Faults.Busy: overloaded, not a rate limit
	InfoCheckParams  = "参数错误"
	InfoCardNotFound = "会员卡不存在"
	InfoIssued       = "发卡成功"
)

// mbEnvelope is the request document as it arrived. Parts are decoded
// leniently (get values as string or number) and checked one by one.
type mbEnvelope struct {
	Action json.RawMessage          `json:"action"`
	Get    map[string]platform.Flex `json:"get"`
	Post   json.RawMessage          `json:"post"`
}

// mbHead ends every answer.
type mbHead struct {
	ServerTimestamp int64  `json:"server_timestamp"`
	ServerTime      string `json:"server_time"`
	ServerName      string `json:"server_name"`
	Msid            string `json:"msid"`
}

type mbRefusal struct {
	Status string `json:"status"`
	Info   string `json:"info"`
	mbHead
}

type mbSuccess struct {
	Status string   `json:"status"`
	Info   string   `json:"info"`
	Type   string   `json:"type,omitempty"`
	List   []mbCard `json:"list"`
	mbHead
}

// mbCard is one card of an answer: ids as numbers, the rest as strings.
type mbCard struct {
	ID      int64  `json:"id"`
	Cardno  string `json:"cardno"`
	Mbno    string `json:"mbno"`
	Pwd     string `json:"pwd,omitempty"` // mb_newcard only
	Extid   string `json:"extid"`
	Balance string `json:"balance"`
	// mb_check names the holder (a sandbox choice the spec relies on:
	// SPEC §5 compares extid, phone and name); mb_newcard does not.
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
}

func (s *Sandbox) head(msid string) mbHead {
	now := s.now()
	return mbHead{ServerTimestamp: now.Unix(), ServerTime: now.Format(time.DateTime), ServerName: serverName, Msid: msid}
}

func (s *Sandbox) mbFailure(info, msid string) mbRefusal {
	return mbRefusal{Status: "0", Info: info, mbHead: s.head(msid)}
}

// serveMB answers POST /mb.
func (s *Sandbox) serveMB(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.stats.badRequests.Add(1)
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "the 果盘 API takes POST", http.StatusMethodNotAllowed)
		return
	}
	if !s.begin(w, r, false) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.stats.badRequests.Add(1)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		}
		return // otherwise the client went away
	}
	var env mbEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		s.stats.badRequests.Add(1)
		http.Error(w, "request body is not the JSON expected: "+err.Error(), http.StatusBadRequest)
		return
	}
	get := make(map[string]string, len(env.Get))
	for k, v := range env.Get {
		get[k] = string(v)
	}
	msid := get["msid"]
	action, info, auth := s.checkEnvelope(&env, get)
	if info != "" {
		s.stats.rejected.Add(1)
		if auth {
			s.stats.authRefused.Add(1)
		}
		writeJSON(w, http.StatusOK, s.mbFailure(info, msid))
		return
	}
	p := s.plan()
	if s.injectBefore(w, p, false, msid) {
		return
	}
	switch action {
	case mb.ActionNewCard:
		s.holdLate(p)
		s.mbNewCard(w, r, get, env.Post, p)
	case mb.ActionCheck:
		s.mbCheck(w, r, get, p)
	}
}

// checkEnvelope checks the action and the get group in the platform's
// order: action, parameters present, gpid, msid, sign type, signature,
// timestamp, nonce. It returns the refusal info ("" when the request may
// proceed) and whether it is a refusal of the credentials.
func (s *Sandbox) checkEnvelope(env *mbEnvelope, get map[string]string) (action, info string, auth bool) {
	var a mb.Action
	if len(env.Action) == 0 || json.Unmarshal(env.Action, &a) != nil || a.Action == "" {
		return "", "缺少参数：action", false
	}
	if a.Action != mb.ActionNewCard && a.Action != mb.ActionCheck {
		return "", "未知的接口：" + a.Action, false
	}
	for _, k := range []string{"gpid", "msid", "timestamp", "nonce", "signtype", "op", "sign"} {
		if get[k] == "" {
			return "", "缺少参数：" + k, false
		}
	}
	switch {
	case get["gpid"] != s.cfg.GPID:
		return "", InfoBadGPID, true
	case get["msid"] != s.cfg.MSID:
		return "", InfoBadMSID, true
	case get["signtype"] != "sha1":
		return "", "签名方式错误：" + get["signtype"], true
	case subtle.ConstantTimeCompare([]byte(get["sign"]), []byte(mb.Sign(get, s.cfg.APIKey, s.cfg.AppSecret))) != 1:
		return "", InfoBadSign, true
	}
	now := s.now()
	ts, err := time.ParseInLocation(mb.TimestampLayout, get["timestamp"], time.Local)
	if err != nil || len(get["timestamp"]) != len(mb.TimestampLayout) {
		return "", "时间戳格式错误：" + get["timestamp"], true
	}
	if d := now.Sub(ts); d > ClockWindow || d < -ClockWindow {
		return "", InfoExpired, true
	}
	if !s.nonces.use(get["nonce"], now) {
		return "", InfoNonceReused, true
	}
	return a.Action, "", false
}

// mbNewCard runs mb_newcard: type 15 when get.type is "15", else list mode.
func (s *Sandbox) mbNewCard(w http.ResponseWriter, r *http.Request, get map[string]string, post json.RawMessage, p plan) {
	typ, hasType := get["type"]
	if hasType && typ == "15" {
		s.mbGenerate(w, r, get, post, p)
		return
	}
	if hasType && typ != "2" {
		s.mbRefuse(w, "发卡模式错误："+shown(typ), get)
		return
	}
	var list []mbItem
	if err := decodeList(post, &list); err != nil {
		s.mbRefuse(w, "发卡列表格式错误", get)
		return
	}
	switch {
	case len(list) == 0:
		s.mbRefuse(w, "发卡列表不能为空", get)
		return
	case len(list) > MaxList:
		s.mbRefuse(w, fmt.Sprintf("发卡列表最多%d张，收到%d张", MaxList, len(list)), get)
		return
	}
	now := s.now()
	cards := make([]MBCard, len(list))
	for i := range list {
		c, bad := checkItem(&list[i], now)
		if bad != "" {
			s.mbRefuse(w, bad, get)
			return
		}
		c.Nonce, c.Op = get["nonce"], get["op"]
		cards[i] = c
	}
	done, err := s.st.addMB(cards, now)
	if c, ok := errors.AsType[*conflict](err); ok {
		s.mbConflict(w, c, get)
		return
	}
	if err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s.stats.newCardCalls.Add(1)
	s.stats.newCards.Add(int64(len(done)))
	s.mbIssued(w, r, "2", done, get, p)
}

// decodeList reads post.list; an absent post, null or [] (PHP's empty
// object) is an empty list.
func decodeList(post json.RawMessage, list *[]mbItem) error {
	post = bytes.TrimSpace(post)
	if len(post) == 0 || string(post) == "null" || string(post) == "[]" {
		return nil
	}
	var p struct {
		List []mbItem `json:"list"`
	}
	if err := json.Unmarshal(post, &p); err != nil {
		return err
	}
	*list = p.List
	return nil
}

func (s *Sandbox) mbConflict(w http.ResponseWriter, c *conflict, get map[string]string) {
	label := map[string]string{"cardno": "卡号", "extid": "卡内编码", "phone": "手机号"}[c.field]
	var info string
	switch {
	case c.inList:
		s.stats.dupInList.Add(1)
		info = label + c.value + "重复"
	case c.field == "phone":
		s.stats.phoneTaken.Add(1)
		info = "手机号" + c.value + "已被其他会员使用"
	default:
		s.stats.exists.Add(1)
		info = label + c.value + "已存在"
	}
	s.mbRefuse(w, info, get)
}

// mbRefuse answers a business refusal of mb_newcard (no fault applies).
func (s *Sandbox) mbRefuse(w http.ResponseWriter, info string, get map[string]string) {
	s.stats.rejected.Add(1)
	writeJSON(w, http.StatusOK, s.mbFailure(info, get["msid"]))
}

// mbIssued answers a committed mb_newcard, applying the after-commit fault.
func (s *Sandbox) mbIssued(w http.ResponseWriter, r *http.Request, typ string, cards []MBCard, get map[string]string, p plan) {
	list := make([]mbCard, len(cards))
	for i, c := range cards {
		list[i] = mbCard{ID: c.ID, Cardno: c.Cardno, Mbno: c.Mbno, Pwd: c.Password, Extid: c.Extid, Balance: c.Balance}
	}
	kind := p.after(faultDrop, faultSlow, faultMalformed, faultPartial)
	if kind == faultPartial {
		s.stats.partialLists.Add(1)
		i := int(p.variant % uint64(len(list)))
		list = append(list[:i:i], list[i+1:]...)
	}
	body, err := marshal(mbSuccess{Status: "1", Info: InfoIssued, Type: typ, List: list, mbHead: s.head(get["msid"])})
	if err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s.deliver(w, r, body, kind, p)
}

// mbGenerate runs type 15: the platform generates count cards with random
// 12-digit card numbers and 6-digit passwords, all with the given balance.
func (s *Sandbox) mbGenerate(w http.ResponseWriter, r *http.Request, get map[string]string, post json.RawMessage, p plan) {
	var list []mbItem
	if err := decodeList(post, &list); err != nil || len(list) > 0 {
		s.mbRefuse(w, "type为15时不能提交发卡列表", get)
		return
	}
	countText, ok := get["count"]
	if !ok || countText == "" {
		s.mbRefuse(w, "缺少参数：count", get)
		return
	}
	count, err := strconv.Atoi(countText)
	if err != nil || count < 1 || count > MaxList || !rePoints.MatchString(countText) {
		s.mbRefuse(w, fmt.Sprintf("发卡数量错误：%s（1-%d）", countText, MaxList), get)
		return
	}
	// Sandbox choice: balance is optional (cards without a balance).
	balance, hasBalance := get["balance"]
	if hasBalance && !reMoney.MatchString(balance) {
		s.mbRefuse(w, "储值金额格式错误："+shown(balance), get)
		return
	}
	now := s.now()
	var done []MBCard
	for attempt := 0; ; attempt++ {
		cards := make([]MBCard, count)
		for i := range cards {
			cards[i] = MBCard{
				Cardno:    randomDigits(12),
				Password:  randomDigits(6),
				Extid:     "G" + randomDigits(11),
				Balance:   balance,
				Generated: true,
				Nonce:     get["nonce"],
				Op:        get["op"],
			}
		}
		done, err = s.st.addMB(cards, now)
		if _, ok := errors.AsType[*conflict](err); ok && attempt < 10 {
			continue // a random number collided: draw again
		}
		break
	}
	if err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s.stats.generateCalls.Add(1)
	s.stats.generated.Add(int64(len(done)))
	s.mbIssued(w, r, "15", done, get, p)
}

// randomDigits returns n random digits, the first not 0.
func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rand.IntN(10))
	}
	b[0] = byte('1' + rand.IntN(9))
	return string(b)
}

// mbCheck runs mb_check: exactly one of extid, id, mbno, phone.
func (s *Sandbox) mbCheck(w http.ResponseWriter, r *http.Request, get map[string]string, p plan) {
	var key, value string
	n := 0
	for _, k := range []string{"extid", "id", "mbno", "phone"} {
		if v, ok := get[k]; ok {
			key, value = k, v
			n++
		}
	}
	s.stats.checks.Add(1)
	var v any
	switch {
	case n != 1 || value == "":
		s.stats.rejected.Add(1)
		v = s.mbFailure(InfoCheckParams, get["msid"])
	default:
		if key == "id" {
			if id, err := strconv.ParseInt(value, 10, 64); err == nil {
				value = strconv.FormatInt(id, 10)
			}
		}
		c, found, err := s.st.findMB(key, value)
		if err != nil {
			http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
			return
		}
		if !found {
			s.stats.notFound.Add(1)
			v = s.mbFailure(InfoCardNotFound, get["msid"])
			break
		}
		v = mbSuccess{Status: "1", Info: "ok", List: []mbCard{{
			ID: c.ID, Cardno: c.Cardno, Mbno: c.Mbno, Extid: c.Extid, Balance: c.Balance, Name: c.Name, Phone: c.Phone,
		}}, mbHead: s.head(get["msid"])}
	}
	body, err := marshal(v)
	if err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s.deliver(w, r, body, p.after(faultMalformed), p)
}

// nonceBook remembers the nonces of the last ClockWindow.
type nonceBook struct {
	mu    sync.Mutex
	seen  map[string]time.Time
	order []nonceEntry
}

type nonceEntry struct {
	nonce string
	at    time.Time
}

// use records nonce and reports whether it was fresh.
func (b *nonceBook) use(nonce string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.order) > 0 && now.Sub(b.order[0].at) > ClockWindow {
		if e := b.order[0]; b.seen[e.nonce].Equal(e.at) {
			delete(b.seen, e.nonce)
		}
		b.order = b.order[1:]
	}
	if at, ok := b.seen[nonce]; ok && now.Sub(at) <= ClockWindow {
		return false
	}
	b.seen[nonce] = now
	b.order = append(b.order, nonceEntry{nonce, now})
	return true
}
