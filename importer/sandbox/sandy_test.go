package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func open(t *testing.T, c *sandyCaller, cardID, phone string) {
	t.Helper()
	c.post("cardopen", map[string]any{"cardID": cardID, "cardLevelID": "1", "uname": "Mr.Wang", "phone": phone, "gender": "1"}).ok(t)
}

func TestSandyAuth(t *testing.T) {
	srv := start(t, Config{})
	for _, tt := range []struct{ token, guid string }{
		{"", DefaultCustomerGUID}, {DefaultSandyToken, ""}, {"other", DefaultCustomerGUID}, {DefaultSandyToken, "{DEFAULT-AUTO-E207-8CC9-44AD86AEEB6DD}"},
	} {
		c := newSandyCaller(t, srv)
		c.token, c.guid = tt.token, tt.guid
		c.call(http.MethodGet, "cardlevellist", nil).refused(t, http.StatusUnauthorized, 400, MsgUnauthorized)
		c.post("cardopen", map[string]any{"cardID": "1", "uname": "a", "phone": "13800000001", "gender": 1}).refused(t, http.StatusUnauthorized, 400, MsgUnauthorized)
	}
	if st := srv.Sandbox.Stats(); st.AuthRefused != 8 || st.SandyOpens != 0 {
		t.Errorf("stats %+v", st)
	}
	c := newSandyCaller(t, srv)
	if r := c.post("nosuchroute", map[string]any{}); r.code != http.StatusNotFound {
		t.Errorf("unknown route: HTTP %d", r.code)
	}
	if r := c.call(http.MethodPost, "cardlevellist", nil); r.code != http.StatusMethodNotAllowed {
		t.Errorf("POST cardlevellist: HTTP %d", r.code)
	}
	if r := c.call(http.MethodGet, "cardopen", nil); r.code != http.StatusMethodNotAllowed {
		t.Errorf("GET cardopen: HTTP %d", r.code)
	}
}

func TestSandyLevelsAndRules(t *testing.T) {
	c := newSandyCaller(t, start(t, Config{}))
	r := c.call(http.MethodGet, "cardlevellist", nil)
	if r.code != http.StatusOK || string(r.raw) != `[{"card_lel_name":"普通會員","id":1},{"card_lel_name":"高級會員","id":2},{"card_lel_name":"VIP會員","id":3}]` {
		t.Errorf("cardlevellist: HTTP %d %s", r.code, r.raw)
	}
	r = c.post("getrechargerules", map[string]any{"card_id": "000001"}).ok(t)
	if want := `{"rules":[],"paytypes":[[1,"現金"],[2,"銀行卡"],[4,"支付寶"],[3,"微信"]]}`; string(r.raw) != want {
		t.Errorf("getrechargerules = %s, want %s", r.raw, want)
	}

	bonus := newSandyCaller(t, start(t, Config{RechargeBonus: true}))
	r = bonus.post("getrechargerules", map[string]any{}).ok(t)
	if want := `{"rules":[{"money":1,"add_score":0.0,"description":"充值送10%","add_money":0.1},{"money":500,"add_score":0.0,"description":"沖500送100","add_money":100.0}],`; !strings.HasPrefix(string(r.raw), want) {
		t.Errorf("getrechargerules with bonus = %s", r.raw)
	}
}

func TestSandyCardOpen(t *testing.T) {
	srv := start(t, Config{})
	c := newSandyCaller(t, srv)
	r := c.post("cardopen", map[string]any{"cardID": "12345", "cardLevelID": "2", "uname": "Mr.Wang", "phone": "18600000001", "gender": "1"}).ok(t)
	if want := `{"org_name":"` + orgName + `","phone":"18600000001","amount":0,"card_id":"12345","cur_score":0}`; string(r.raw) != want {
		t.Errorf("cardopen = %s, want %s", r.raw, want)
	}
	// Numbers are accepted for every value; the level defaults to 1.
	c.post("cardopen", map[string]any{"cardID": 777, "uname": "陳", "phone": 66538536, "gender": 0}).ok(t)

	tests := []struct {
		name    string
		body    map[string]any
		errcode int
		errmsg  string
	}{
		{"exists", map[string]any{"cardID": "12345", "cardLevelID": 1, "uname": "x", "phone": "18600000009", "gender": 1}, 3, MsgExists},
		{"phone used", map[string]any{"cardID": "12346", "cardLevelID": 1, "uname": "x", "phone": "18600000001", "gender": 1}, 400, MsgPhoneTaken},
		{"unknown level", map[string]any{"cardID": "12347", "cardLevelID": 9, "uname": "x", "phone": "18600000002", "gender": 1}, 400, "參數錯誤：卡等級不存在：9"},
		{"level name", map[string]any{"cardID": "12347", "cardLevelID": "高級會員", "uname": "x", "phone": "18600000002", "gender": 1}, 400, "參數錯誤：卡等級不存在：高級會員"},
		{"no cardID", map[string]any{"uname": "x", "phone": "18600000002", "gender": 1}, 1, "參數不足：cardID"},
		{"no phone", map[string]any{"cardID": "12347", "uname": "x", "gender": 1}, 1, "參數不足：phone"},
		{"no gender", map[string]any{"cardID": "12347", "uname": "x", "phone": "18600000002"}, 1, "參數不足：gender"},
		{"blank uname", map[string]any{"cardID": "12347", "uname": " ", "phone": "18600000002", "gender": 1}, 1, "參數不足：uname"},
		{"gender 2", map[string]any{"cardID": "12347", "uname": "x", "phone": "18600000002", "gender": 2}, 400, "參數錯誤：性別須為0或1：2"},
		{"bad phone", map[string]any{"cardID": "12347", "uname": "x", "phone": "186-0000", "gender": 1}, 400, "參數錯誤：手機號格式錯誤：186-0000"},
		{"bad card id", map[string]any{"cardID": "a b", "uname": "x", "phone": "18600000002", "gender": 1}, 400, "參數錯誤：卡號格式錯誤：a b"},
		{"object value", map[string]any{"cardID": map[string]any{}, "uname": "x", "phone": "18600000002", "gender": 1}, 400, "參數錯誤：cardID須為字符串或數字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.post("cardopen", tt.body).refused(t, http.StatusOK, tt.errcode, tt.errmsg)
		})
	}
	if r := c.call(http.MethodPost, "cardopen", nil); !strings.Contains(string(r.raw), "參數不足：cardID") {
		t.Errorf("empty body: %s", r.raw)
	}
	req, _ := http.NewRequest(http.MethodPost, c.base+"cardopen", strings.NewReader("cardID=1"))
	req.Header.Set("AUTHORIZATION", DefaultSandyToken)
	req.Header.Set("CUSTOMERGUID", DefaultCustomerGUID)
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var e sandyError
	_ = json.NewDecoder(res.Body).Decode(&e)
	res.Body.Close()
	if e.Code != 400 {
		t.Errorf("non-JSON body: errcode %d", e.Code)
	}

	l := ledger(t, srv.Sandbox)
	if len(l.Sandy) != 2 || l.Sandy[0].CardID != "12345" || l.Sandy[0].Level != 2 || l.Sandy[0].Opens != 1 || l.Sandy[1].Level != 1 || l.Sandy[1].Phone != "66538536" {
		t.Errorf("ledger %+v", l.Sandy)
	}
	if st := srv.Sandbox.Stats(); st.SandyOpens != 2 || st.Exists != 1 || st.PhoneTaken != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestSandyRecharge(t *testing.T) {
	srv := start(t, Config{})
	c := newSandyCaller(t, srv)
	open(t, c, "wx001", "18600000001")

	// 0.1 + 0.2 is exactly 0.30 (never 0.30000000000000004).
	c.post("recharge", map[string]any{"card_id": "wx001", "money": "0.1", "pay_type": 1}).ok(t)
	r := c.post("recharge", map[string]any{"card_id": "wx001", "money": 0.2, "pay_type": "3"}).ok(t)
	if want := `{"cur_score":0,"add_money":0.0,"amount":"0.30","add_score":0.0,"card_id":"wx001"}`; string(r.raw) != want {
		t.Errorf("recharge = %s, want %s", r.raw, want)
	}
	for i := 0; i < 10; i++ {
		c.post("recharge", map[string]any{"card_id": "wx001", "money": "0.07", "pay_type": 2}).ok(t)
	}
	r = c.post("getcardinfo", map[string]any{"card_id": "wx001"}).ok(t)
	if r.field("amount") != "1.00" || r.field("sum_recharge") != "1" {
		t.Errorf("getcardinfo after 0.1+0.2+10×0.07 = %s", r.raw)
	}

	for _, tt := range []struct {
		name    string
		body    map[string]any
		errcode int
		errmsg  string
	}{
		{"no card", map[string]any{"card_id": "nope", "money": "1", "pay_type": 1}, 2, MsgNotFound},
		{"3 places", map[string]any{"card_id": "wx001", "money": "1.001", "pay_type": 1}, 400, "參數錯誤：充值金額格式錯誤：1.001"},
		{"zero", map[string]any{"card_id": "wx001", "money": "0", "pay_type": 1}, 400, "參數錯誤：充值金額須大於0：0"},
		{"negative", map[string]any{"card_id": "wx001", "money": -5, "pay_type": 1}, 400, "參數錯誤：充值金額格式錯誤：-5"},
		{"exponent", map[string]any{"card_id": "wx001", "money": json.Number("1e2"), "pay_type": 1}, 400, "參數錯誤：充值金額格式錯誤：1e2"},
		{"pay type 9", map[string]any{"card_id": "wx001", "money": "1", "pay_type": 9}, 400, "參數錯誤：支付方式不存在：9"},
		{"no pay type", map[string]any{"card_id": "wx001", "money": "1"}, 1, "參數不足：pay_type"},
		{"no money", map[string]any{"card_id": "wx001", "pay_type": 1}, 1, "參數不足：money"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c.post("recharge", tt.body).refused(t, http.StatusOK, tt.errcode, tt.errmsg)
		})
	}
	l := ledger(t, srv.Sandbox)
	if got := l.Sandy[0]; got.Amount != "1.00" || len(got.Recharges) != 12 || got.Recharges[0].Money != "0.10" || got.Recharges[1].PayType != 3 {
		t.Errorf("ledger %+v", got)
	}
}

func TestSandyRechargeBonus(t *testing.T) {
	srv := start(t, Config{RechargeBonus: true})
	c := newSandyCaller(t, srv)
	open(t, c, "12345", "18600000001")
	r := c.post("recharge", map[string]any{"card_id": "12345", "money": "100", "pay_type": 1}).ok(t)
	if want := `{"cur_score":0,"add_money":10.0,"amount":"110.00","add_score":0.0,"card_id":"12345"}`; string(r.raw) != want {
		t.Errorf("recharge 100 = %s, want %s", r.raw, want)
	}
	r = c.post("recharge", map[string]any{"card_id": "12345", "money": "1200", "pay_type": 1}).ok(t)
	if r.field("add_money") != "220.0" || r.field("amount") != `"1530.00"` {
		t.Errorf("recharge 1200 (10%% + 沖500送100) = %s", r.raw)
	}
	r = c.post("recharge", map[string]any{"card_id": "12345", "money": "0.15", "pay_type": 1}).ok(t)
	if r.field("add_money") != "0.01" || r.field("amount") != `"1530.16"` {
		t.Errorf("recharge 0.15 (bonus rounds down to the fen) = %s", r.raw)
	}
	got := ledger(t, srv.Sandbox).Sandy[0]
	if got.Amount != "1530.16" || got.SumRecharge != "1300.15" || got.Recharges[1].AddMoney != "220.00" {
		t.Errorf("ledger %+v", got)
	}
	h := c.post("getcardhis", map[string]any{"card_id": "12345", "event_type": 6}).ok(t)
	if !strings.Contains(string(h.raw), `"description":"充值送10%:充值1200.0贈送金額120.0<br/>沖500送100:充值1200.0贈送金額100.0"`) {
		t.Errorf("history %s", h.raw)
	}
}

func TestSandyInfoModAndSearch(t *testing.T) {
	srv := start(t, Config{})
	c := newSandyCaller(t, srv)
	open(t, c, "M000123", "66538536")
	open(t, c, "M000124", "66538537")

	r := c.post("getcardinfo", map[string]any{"card_id": "M000123"}).ok(t)
	if want := `{"cur_score":0,"phone":"66538536","amount":0.00,"birthday":"","uname":"Mr.Wang","gender":1,"card_level_name":"普通會員","card_id":"M000123","sum_consume":0,"sum_recharge":0}`; string(r.raw) != want {
		t.Errorf("getcardinfo = %s, want %s", r.raw, want)
	}
	c.post("getcardinfo", map[string]any{"card_id": "M0001"}).refused(t, http.StatusOK, 2, MsgNotFound)
	c.post("getcardinfo", map[string]any{}).refused(t, http.StatusOK, 1, "參數不足：card_id")

	r = c.post("modcardinfo", map[string]any{"card_id": "M000123", "birthday": "1999-9-9"}).ok(t)
	if want := `{"cur_score":0,"phone":"66538536","amount":0.00,"birthday":"1999-09-09","uname":"Mr.Wang","gender":1,"card_level_name":"普通會員","card_id":"M000123"}`; string(r.raw) != want {
		t.Errorf("modcardinfo = %s, want %s", r.raw, want)
	}
	c.post("modcardinfo", map[string]any{"card_id": "M000123", "birthday": "1999-09-09", "uname": "huang", "gender": 0, "phone": "66538530"}).ok(t)
	c.post("modcardinfo", map[string]any{"card_id": "M000123", "phone": "66538530"}).ok(t) // its own phone
	c.post("modcardinfo", map[string]any{"card_id": "M000123", "phone": "66538537"}).refused(t, http.StatusOK, 400, MsgPhoneTaken)
	c.post("modcardinfo", map[string]any{"card_id": "M000123", "birthday": "1999-02-30"}).refused(t, http.StatusOK, 400, "參數錯誤：生日格式錯誤：1999-02-30")
	c.post("modcardinfo", map[string]any{"card_id": "M000123", "birthday": "19990909"}).refused(t, http.StatusOK, 400, "參數錯誤：生日格式錯誤：19990909")
	c.post("modcardinfo", map[string]any{"card_id": "M000123", "birthday": ""}).refused(t, http.StatusOK, 400, `參數錯誤：生日格式錯誤：""`)
	c.post("modcardinfo", map[string]any{"card_id": "nope", "birthday": "1999-09-09"}).refused(t, http.StatusOK, 2, MsgNotFound)

	got := ledger(t, srv.Sandbox).Sandy[0]
	if got.Birthday != "1999-09-09" || got.Uname != "huang" || got.Gender != 0 || got.Phone != "66538530" || got.Mods != 3 {
		t.Errorf("ledger %+v", got)
	}

	r = c.post("getcards", map[string]any{"key": "M00012"}).ok(t)
	var cards struct {
		Cards []cardSummary `json:"cards"`
	}
	if err := json.Unmarshal(r.raw, &cards); err != nil || len(cards.Cards) != 2 || cards.Cards[0].CardStatus != "正常" {
		t.Errorf("getcards M00012 = %s", r.raw)
	}
	for key, n := range map[string]int{"huang": 1, "6653853": 2, "M000124": 1, "zzz": 0, "%": 0, "_": 0} {
		r = c.post("getcards", map[string]any{"key": key}).ok(t)
		if err := json.Unmarshal(r.raw, &cards); err != nil || len(cards.Cards) != n {
			t.Errorf("getcards %q = %s, want %d cards", key, r.raw, n)
		}
	}
	c.post("getcards", map[string]any{}).refused(t, http.StatusOK, 1, "參數不足：key")
}

func TestSandyConsumeAndHistory(t *testing.T) {
	srv := start(t, Config{})
	c := newSandyCaller(t, srv)
	c.post("cardopen", map[string]any{"cardID": "M000123", "cardLevelID": 3, "uname": "Chan", "phone": "66538536", "gender": 0}).ok(t)
	c.post("recharge", map[string]any{"card_id": "M000123", "money": "100", "pay_type": 1}).ok(t)

	r := c.post("consume", map[string]any{"card_id": "M000123", "money": 100}).ok(t)
	if want := `{"cur_score":80,"ori_money":100.0,"amount":"20.00","discount_money":20.0,"card_money":80.0,"discount":0.8,"depot_money":0,"card_id":"M000123","act_money":80.0}`; string(r.raw) != want {
		t.Errorf("consume = %s, want %s", r.raw, want)
	}
	c.post("consume", map[string]any{"card_id": "M000123", "money": "30"}).refused(t, http.StatusOK, 4, "余額不足")
	c.post("consume", map[string]any{"card_id": "M000123", "money": "10", "money_discount": "20"}).refused(t, http.StatusOK, 400, "參數錯誤：可打折金額不能大於消費金額")

	r = c.post("consume_score", map[string]any{"card_id": "M000123", "score": 30.9}).ok(t)
	if want := `{"cur_score":50,"amount":20.0,"card_id":"M000123"}`; string(r.raw) != want {
		t.Errorf("consume_score = %s, want %s", r.raw, want)
	}
	c.post("consume_score", map[string]any{"card_id": "M000123", "score": 51}).refused(t, http.StatusOK, 4, "積分不足")
	c.post("consume_score", map[string]any{"card_id": "M000123", "score": 0.5}).refused(t, http.StatusOK, 400, "參數錯誤：積分須大於0：0.5")

	r = c.post("getcardhis", map[string]any{"card_id": "M000123"}).ok(t)
	var h struct {
		Data     []historyLine `json:"data"`
		Pages    json.Number   `json:"pages"`
		PageSize int           `json:"page_size"`
		Page     int           `json:"page"`
	}
	if err := json.Unmarshal(r.raw, &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Data) != 4 || h.Pages != "4.0" || h.PageSize != 20 || h.Page != 1 {
		t.Fatalf("getcardhis = %s", r.raw)
	}
	if h.Data[0].Description != "消費積分30" || h.Data[1].Type != eventConsume || h.Data[1].Description != "8折(0.8)<br/>消費80.0,獲得積分80\n" ||
		h.Data[2].Type != eventRecharge || h.Data[2].PayTypeText != "現金" || h.Data[3].Type != eventOpen {
		t.Errorf("history lines %+v", h.Data)
	}
	r = c.post("getcardhis", map[string]any{"card_id": "M000123", "only_score_change": 1, "page_size": 1, "page": 2}).ok(t)
	if err := json.Unmarshal(r.raw, &h); err != nil || len(h.Data) != 1 || h.Pages != "2.0" || h.Data[0].Type != eventConsume || h.Data[0].Score != 80 {
		t.Errorf("getcardhis filtered = %s", r.raw)
	}
	c.post("getcardhis", map[string]any{"card_id": "nope"}).refused(t, http.StatusOK, 2, MsgNotFound)
	if st := srv.Sandbox.Stats(); st.SandyConsumes != 2 || st.NotFound != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestSandyExpired(t *testing.T) {
	srv := start(t, Config{SandyExpired: true})
	c := newSandyCaller(t, srv)
	c.post("getcardinfo", map[string]any{"card_id": "1"}).refused(t, http.StatusOK, 300, MsgExpired)
	srv.Sandbox.SetExpired(false)
	c.post("getcardinfo", map[string]any{"card_id": "1"}).refused(t, http.StatusOK, 2, MsgNotFound)
}
