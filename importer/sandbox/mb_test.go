package sandbox

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/mb"
)

func TestMBNewCardIssues(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	list := items(1, 3)
	list[0].Balance = "100.88"
	list[0].Points = "200"
	list[0].Birthday = "19940103"
	list[0].Level = "1"
	list[0].Subject = "备注"
	list[0].Expirydate = "1year"
	list[1].Balance = "0.1"

	r := c.newCard(list...)
	wantStatus(t, r, "1", InfoIssued)
	if r.resp.Type != "2" || r.resp.Msid != DefaultMSID || len(r.resp.List) != 3 {
		t.Fatalf("answer %s", r.raw)
	}
	// Wire types: status a string, ids numbers, balance strings.
	var raw struct {
		Status json.RawMessage   `json:"status"`
		List   []json.RawMessage `json:"list"`
		TS     json.RawMessage   `json:"server_timestamp"`
		Time   string            `json:"server_time"`
		Name   string            `json:"server_name"`
	}
	if err := json.Unmarshal(r.raw, &raw); err != nil {
		t.Fatal(err)
	}
	if string(raw.Status) != `"1"` || raw.TS[0] == '"' || raw.Time == "" || raw.Name == "" {
		t.Errorf("envelope %s", r.raw)
	}
	if !strings.HasPrefix(string(raw.List[0]), `{"id":8481085,`) {
		t.Errorf("first item %s, want a numeric id 8481085", raw.List[0])
	}
	for i, it := range r.resp.List {
		if it.CardNo() != list[i].Cardno || string(it.Extid) != list[i].Extid || string(it.Pwd) != "123456" {
			t.Errorf("item %d = %+v", i, it)
		}
		if it.Mbno == "" || string(it.Mbno) == it.CardNo() || len(it.Mbno) != 11 {
			t.Errorf("item %d mbno %q", i, it.Mbno)
		}
		if want := strconv.Itoa(8481085 + i); string(it.ID) != want {
			t.Errorf("item %d id %s, want %s", i, it.ID, want)
		}
	}
	if got := []string{string(r.resp.List[0].Balance), string(r.resp.List[1].Balance), string(r.resp.List[2].Balance)}; got[0] != "100.88" || got[1] != "0.1" || got[2] != "" {
		t.Errorf("balances %q", got)
	}

	l := ledger(t, srv.Sandbox)
	if len(l.MB) != 3 || len(l.Generated) != 0 {
		t.Fatalf("ledger %+v", l)
	}
	first := l.MB[0]
	if first.Cardno != "100101" || first.Name != "会员1" || first.Phone != "13800000001" || first.Sex != 1 ||
		first.Birthday != "19940103" || first.Level != 1 || first.Balance != "100.88" || first.Points != "200" ||
		first.Subject != "备注" || first.Expirydate != "1year" || first.Password != "123456" || first.Nonce == "" {
		t.Errorf("ledger card %+v", first)
	}
	if st := srv.Sandbox.Stats(); st.NewCardCalls != 1 || st.NewCards != 3 || st.Rejected != 0 || st.Exists != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestMBAcceptsNumbers: every scalar may come as a JSON number, kept as its
// exact text (the seed's example sends sex, level, balance as numbers).
func TestMBAcceptsNumbers(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	doc := map[string]any{
		"action": map[string]string{"action": "mb_newcard"},
		"get":    c.signedGet(nil),
		"post": map[string]any{"list": []map[string]any{{
			"cardno": json.Number("100101"), "password": json.Number("123456"), "extid": json.Number("109"),
			"name": "西瓜", "phone": json.Number("18862302465"), "level": json.Number("1"), "sex": json.Number("1"),
			"birthday": json.Number("19940103"), "balance": json.Number("100.80"), "points": json.Number("200"),
			"subject": "备注", "expirydate": "20991225",
		}}},
	}
	r := c.postJSON(doc)
	wantStatus(t, r, "1", InfoIssued)
	if b := string(r.resp.List[0].Balance); b != "100.80" {
		t.Errorf("balance echoed as %q, want the exact text 100.80", b)
	}
	if l := ledger(t, srv.Sandbox); l.MB[0].Extid != "109" || l.MB[0].Phone != "18862302465" {
		t.Errorf("ledger %+v", l.MB[0])
	}
}

func TestMBEnvelopeRefusals(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	req := func(mod func(get map[string]string)) mb.Request {
		get := c.signedGet(nil)
		mod(get)
		return mb.Request{Action: mb.Action{Action: mb.ActionNewCard}, Get: get, Post: &mb.Post{List: items(1, 1)}}
	}
	resign := func(get map[string]string) { get["sign"] = mb.Sign(get, DefaultAPIKey, DefaultAppSecret) }
	local := func(d time.Duration) string { return time.Now().Add(d).Local().Format(mb.TimestampLayout) }
	tests := []struct {
		name string
		doc  any
		info string
		auth bool
	}{
		{"unknown action", mb.Request{Action: mb.Action{Action: "mb_delete"}, Get: c.signedGet(nil)}, "未知的接口：mb_delete", false},
		{"no action", map[string]any{"get": c.signedGet(nil)}, "缺少参数：action", false},
		{"no nonce", req(func(g map[string]string) { delete(g, "nonce"); resign(g) }), "缺少参数：nonce", false},
		{"no sign", req(func(g map[string]string) { delete(g, "sign") }), "缺少参数：sign", false},
		{"no op", req(func(g map[string]string) { delete(g, "op"); resign(g) }), "缺少参数：op", false},
		{"unknown gpid", req(func(g map[string]string) { g["gpid"] = "999"; resign(g) }), InfoBadGPID, true},
		{"wrong msid", req(func(g map[string]string) { g["msid"] = "1"; resign(g) }), InfoBadMSID, true},
		{"md5", req(func(g map[string]string) { g["signtype"] = "md5"; resign(g) }), "签名方式错误：md5", true},
		{"bad sign", req(func(g map[string]string) { g["sign"] = strings.Repeat("0", 40) }), InfoBadSign, true},
		{"upper-case sign", req(func(g map[string]string) { g["sign"] = strings.ToUpper(g["sign"]) }), InfoBadSign, true},
		{"wrong secret", req(func(g map[string]string) { g["sign"] = mb.Sign(g, DefaultAPIKey, "nope") }), InfoBadSign, true},
		{"tampered get", req(func(g map[string]string) { g["op"] = "someone else" }), InfoBadSign, true},
		{"timestamp 61 min old", req(func(g map[string]string) { g["timestamp"] = local(-61 * time.Minute); resign(g) }), InfoExpired, true},
		{"timestamp 61 min ahead", req(func(g map[string]string) { g["timestamp"] = local(61 * time.Minute); resign(g) }), InfoExpired, true},
		{"timestamp in UTC seconds", req(func(g map[string]string) { g["timestamp"] = strconv.FormatInt(time.Now().Unix(), 10); resign(g) }), "时间戳格式错误：" + strconv.FormatInt(time.Now().Unix(), 10), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.Sandbox.Stats()
			wantStatus(t, c.postJSON(tt.doc), "0", tt.info)
			after := srv.Sandbox.Stats()
			if after.Rejected != before.Rejected+1 {
				t.Errorf("Rejected %d → %d", before.Rejected, after.Rejected)
			}
			if auth := after.AuthRefused - before.AuthRefused; (auth == 1) != tt.auth {
				t.Errorf("AuthRefused grew by %d, want auth=%v", auth, tt.auth)
			}
		})
	}
	if l := ledger(t, srv.Sandbox); len(l.MB) != 0 {
		t.Fatalf("refused requests committed %d cards", len(l.MB))
	}

	t.Run("timestamp 59 min old is accepted", func(t *testing.T) {
		wantStatus(t, c.postJSON(req(func(g map[string]string) { g["timestamp"] = local(-59 * time.Minute); resign(g) })), "1", InfoIssued)
	})
	t.Run("nonce reused", func(t *testing.T) {
		get := c.signedGet(map[string]string{"id": "0"})
		doc := mb.Request{Action: mb.Action{Action: mb.ActionCheck}, Get: get}
		wantStatus(t, c.postJSON(doc), "0", InfoCardNotFound)
		wantStatus(t, c.postJSON(doc), "0", InfoNonceReused)
	})
	t.Run("not JSON", func(t *testing.T) {
		for _, body := range []string{"action=mb_newcard", `{"action":`, `[1,2]`, `{"get":{"gpid":{}}}`} {
			if r := c.postRaw([]byte(body)); r.code != http.StatusBadRequest {
				t.Errorf("body %q: HTTP %d, want 400", body, r.code)
			}
		}
	})
	t.Run("GET", func(t *testing.T) {
		res, err := c.http.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET /mb: HTTP %d", res.StatusCode)
		}
	})
}

func TestMBNonceForgottenAfterWindow(t *testing.T) {
	var b nonceBook
	b.seen = map[string]time.Time{}
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.Local)
	if !b.use("a", t0) || b.use("a", t0.Add(59*time.Minute)) {
		t.Fatal("a nonce must be refused within the window")
	}
	if !b.use("a", t0.Add(61*time.Minute)) {
		t.Fatal("a nonce older than the window must be accepted")
	}
	if len(b.seen) != 1 {
		t.Errorf("book keeps %d nonces, want 1", len(b.seen))
	}
}

func TestMBItemRefusals(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	tests := []struct {
		name string
		mod  func(*mb.Item)
		info string
	}{
		{"no cardno", func(it *mb.Item) { it.Cardno = "" }, "卡号不能为空"},
		{"short cardno", func(it *mb.Item) { it.Cardno = "123" }, "卡号格式错误：123"},
		{"cardno with dash", func(it *mb.Item) { it.Cardno = "1001-01" }, "卡号格式错误：1001-01"},
		{"no password", func(it *mb.Item) { it.Password = "" }, "密码不能为空"},
		{"letters in password", func(it *mb.Item) { it.Password = "12ab56" }, "密码格式错误：须为4-12位数字"},
		{"no extid", func(it *mb.Item) { it.Extid = "" }, "卡内编码不能为空"},
		{"extid with space", func(it *mb.Item) { it.Extid = "a b" }, "卡内编码格式错误：a b"},
		{"no name", func(it *mb.Item) { it.Name = "  " }, "姓名不能为空"},
		{"long name", func(it *mb.Item) { it.Name = strings.Repeat("名", 33) }, "姓名过长：" + strings.Repeat("名", 33)},
		{"control in name", func(it *mb.Item) { it.Name = "a\tb" }, "姓名含有非法字符"},
		{"no phone", func(it *mb.Item) { it.Phone = "" }, "手机号不能为空"},
		{"10-digit phone", func(it *mb.Item) { it.Phone = "1886230246" }, "手机号格式错误：1886230246"},
		{"landline", func(it *mb.Item) { it.Phone = "02188888888" }, "手机号格式错误：02188888888"},
		{"sex 2", func(it *mb.Item) { it.Sex = "2" }, "性别格式错误：2"},
		{"empty birthday", func(it *mb.Item) { it.Birthday = "" }, ""}, // omitted by omitempty: fine
		{"Feb 30", func(it *mb.Item) { it.Birthday = "19940230" }, "生日格式错误：19940230"},
		{"dashed birthday", func(it *mb.Item) { it.Birthday = "1994-01-03" }, "生日格式错误：1994-01-03"},
		{"future birthday", func(it *mb.Item) { it.Birthday = "29990101" }, "生日格式错误：29990101"},
		{"level 6", func(it *mb.Item) { it.Level = "6" }, "会员等级错误：6"},
		{"3 decimals", func(it *mb.Item) { it.Balance = "1.005" }, "储值金额格式错误：1.005"},
		{"negative balance", func(it *mb.Item) { it.Balance = "-1" }, "储值金额格式错误：-1"},
		{"exponent balance", func(it *mb.Item) { it.Balance = "1e2" }, "储值金额格式错误：1e2"},
		{"fractional points", func(it *mb.Item) { it.Points = "1.5" }, "积分格式错误：1.5"},
		{"expired", func(it *mb.Item) { it.Expirydate = "20200101" }, "有效期已过：20200101"},
		{"expiry word", func(it *mb.Item) { it.Expirydate = "2years" }, "有效期格式错误：2years"},
		{"long subject", func(it *mb.Item) { it.Subject = strings.Repeat("x", 65) }, "摘要格式错误：" + strings.Repeat("x", 65)},
		{"bad id check digit", func(it *mb.Item) { it.IDNumber = "110101199003070000" }, "身份证号格式错误：110101199003070000"},
		{"good id", func(it *mb.Item) { it.IDNumber = "11010519491231002X" }, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := items(10*i, 3)
			tt.mod(&list[1])
			r := c.newCard(list...)
			if tt.info == "" {
				wantStatus(t, r, "1", InfoIssued)
				return
			}
			wantStatus(t, r, "0", tt.info)
			if strings.Contains(r.resp.Info, "123456") {
				t.Errorf("refusal echoes the password: %s", r.resp.Info)
			}
		})
	}
	if l := ledger(t, srv.Sandbox); len(l.MB) != 6 {
		t.Errorf("ledger holds %d cards, want the 6 of the 2 accepted lists", len(l.MB))
	}
}

// TestMBEmptyOptionals: "" for an optional field is refused; the client must
// omit empty optionals (SPEC §4).
func TestMBEmptyOptionals(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	for _, f := range []struct{ field, info string }{
		{"birthday", `生日格式错误：""`}, {"level", `会员等级错误：""`}, {"balance", `储值金额格式错误：""`},
		{"points", `积分格式错误：""`}, {"expirydate", `有效期格式错误：""`}, {"subject", `摘要格式错误：""`},
		{"ext_info", `卡摘要格式错误：""`}, {"idnumber", `身份证号格式错误：""`},
	} {
		it := map[string]any{"cardno": "100101", "password": "1234", "extid": "1", "name": "a", "phone": "13800000001", "sex": 1, f.field: ""}
		doc := map[string]any{"action": map[string]string{"action": "mb_newcard"}, "get": c.signedGet(nil), "post": map[string]any{"list": []any{it}}}
		wantStatus(t, c.postJSON(doc), "0", f.info)
	}
	// A required field absent or null.
	for _, v := range []any{nil, ""} {
		it := map[string]any{"cardno": "100101", "password": "1234", "extid": "1", "name": "a", "phone": "13800000001"}
		if v != "" {
			it["sex"] = v
		}
		doc := map[string]any{"action": map[string]string{"action": "mb_newcard"}, "get": c.signedGet(nil), "post": map[string]any{"list": []any{it}}}
		wantStatus(t, c.postJSON(doc), "0", "性别不能为空")
	}
	// null counts as absent.
	it := map[string]any{"cardno": "100101", "password": "1234", "extid": "1", "name": "a", "phone": "13800000001", "sex": 1, "birthday": nil}
	doc := map[string]any{"action": map[string]string{"action": "mb_newcard"}, "get": c.signedGet(nil), "post": map[string]any{"list": []any{it}}}
	wantStatus(t, c.postJSON(doc), "1", InfoIssued)
}

func TestMBUniqueness(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	seed := item(1)
	wantStatus(t, c.newCard(seed), "1", InfoIssued)

	tests := []struct {
		name   string
		list   func() []mb.Item
		info   string
		exists int64
		phone  int64
		inList int64
	}{
		{"cardno in ledger", func() []mb.Item {
			l := items(10, 3)
			l[2].Cardno = seed.Cardno
			return l
		}, "卡号100101已存在", 1, 0, 0},
		{"extid in ledger", func() []mb.Item {
			l := items(20, 3)
			l[1].Extid = seed.Extid
			return l
		}, "卡内编码E1已存在", 1, 0, 0},
		{"phone in ledger", func() []mb.Item {
			l := items(30, 3)
			l[1].Phone = seed.Phone
			return l
		}, "手机号13800000001已被其他会员使用", 0, 1, 0},
		{"cardno twice in list", func() []mb.Item {
			l := items(40, 3)
			l[2].Cardno = l[0].Cardno
			return l
		}, "卡号100140重复", 0, 0, 1},
		{"extid twice in list", func() []mb.Item {
			l := items(50, 3)
			l[2].Extid = l[1].Extid
			return l
		}, "卡内编码E51重复", 0, 0, 1},
		{"phone twice in list", func() []mb.Item {
			l := items(60, 3)
			l[1].Phone = l[0].Phone
			return l
		}, "手机号13800000060重复", 0, 0, 1},
		{"first offending card wins", func() []mb.Item {
			l := items(70, 3)
			l[1].Extid = seed.Extid
			l[2].Cardno = seed.Cardno
			return l
		}, "卡内编码E1已存在", 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.Sandbox.Stats()
			wantStatus(t, c.newCard(tt.list()...), "0", tt.info)
			after := srv.Sandbox.Stats()
			if d := after.Exists - before.Exists; d != tt.exists {
				t.Errorf("Exists grew by %d, want %d", d, tt.exists)
			}
			if d := after.PhoneTaken - before.PhoneTaken; d != tt.phone {
				t.Errorf("PhoneTaken grew by %d, want %d", d, tt.phone)
			}
			if d := after.DuplicateInList - before.DuplicateInList; d != tt.inList {
				t.Errorf("DuplicateInList grew by %d, want %d", d, tt.inList)
			}
			if l := ledger(t, srv.Sandbox); len(l.MB) != 1 {
				t.Fatalf("all-or-nothing broken: ledger holds %d cards", len(l.MB))
			}
		})
	}
	// The refused lists consumed no ids.
	r := c.newCard(item(2))
	wantStatus(t, r, "1", InfoIssued)
	if r.resp.List[0].ID != "8481086" {
		t.Errorf("next id %s, want 8481086", r.resp.List[0].ID)
	}
}

func TestMBListLimits(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	wantStatus(t, c.newCard(), "0", "发卡列表不能为空")
	wantStatus(t, c.postJSON(mb.Request{Action: mb.Action{Action: mb.ActionNewCard}, Get: c.signedGet(nil)}), "0", "发卡列表不能为空")
	many := make([]mb.Item, MaxList+1)
	for i := range many {
		many[i] = item(0)
		many[i].Cardno = strconv.Itoa(100000 + i)
		many[i].Extid = strconv.Itoa(i)
		many[i].Phone = strconv.Itoa(13900000000 + i)
	}
	wantStatus(t, c.newCard(many...), "0", "发卡列表最多500张，收到501张")
	r := c.newCard(many[:MaxList]...)
	wantStatus(t, r, "1", InfoIssued)
	if len(r.resp.List) != MaxList {
		t.Errorf("answered %d cards", len(r.resp.List))
	}
	wantStatus(t, c.postJSON(mb.Request{Action: mb.Action{Action: mb.ActionNewCard}, Get: c.signedGet(map[string]string{"type": "7"}), Post: &mb.Post{List: items(1, 1)}}), "0", "发卡模式错误：7")
}

func TestMBType15(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	wantStatus(t, c.newCard(item(1)), "1", InfoIssued)

	r := c.generate(10, "50.5")
	wantStatus(t, r, "1", InfoIssued)
	if r.resp.Type != "15" || len(r.resp.List) != 10 {
		t.Fatalf("answer %s", r.raw)
	}
	twelve, six := regexp.MustCompile(`^[1-9][0-9]{11}$`), regexp.MustCompile(`^[0-9]{6}$`)
	seen := map[string]bool{}
	for _, it := range r.resp.List {
		if !twelve.MatchString(it.CardNo()) || !six.MatchString(string(it.Pwd)) || it.Mbno == "" || it.Extid == "" || it.Balance != "50.5" {
			t.Errorf("generated %+v", it)
		}
		if seen[it.CardNo()] {
			t.Errorf("card number %s twice", it.CardNo())
		}
		seen[it.CardNo()] = true
	}
	l := ledger(t, srv.Sandbox)
	if len(l.MB) != 1 || len(l.Generated) != 10 {
		t.Fatalf("ledger: %d list cards, %d generated", len(l.MB), len(l.Generated))
	}
	nonce := l.Generated[0].Nonce
	for _, g := range l.Generated {
		if !g.Generated || g.Nonce != nonce || g.Nonce == "" || g.Password == "" {
			t.Errorf("generated ledger card %+v", g)
		}
	}
	// Generated cards are found by mb_check.
	wantStatus(t, c.check(map[string]string{"mbno": string(r.resp.List[3].Mbno)}), "1", "ok")
	if st := srv.Sandbox.Stats(); st.GenerateCalls != 1 || st.Generated != 10 {
		t.Errorf("stats %+v", st)
	}

	for _, tt := range []struct {
		count int
		info  string
	}{{0, "发卡数量错误：0（1-500）"}, {501, "发卡数量错误：501（1-500）"}} {
		wantStatus(t, c.generate(tt.count, "1"), "0", tt.info)
	}
	wantStatus(t, c.generate(1, "1.001"), "0", "储值金额格式错误：1.001")
	wantStatus(t, c.postJSON(mb.Request{Action: mb.Action{Action: mb.ActionNewCard},
		Get:  c.signedGet(map[string]string{"type": "15", "count": "1", "balance": "1"}),
		Post: &mb.Post{List: items(5, 1)}}), "0", "type为15时不能提交发卡列表")
	wantStatus(t, c.postJSON(mb.Request{Action: mb.Action{Action: mb.ActionNewCard},
		Get: c.signedGet(map[string]string{"type": "15"})}), "0", "缺少参数：count")
	if l := ledger(t, srv.Sandbox); len(l.Generated) != 10 {
		t.Errorf("refused type-15 calls generated cards: %d", len(l.Generated))
	}
}

func TestMBCheck(t *testing.T) {
	srv := start(t, Config{})
	c := newMBCaller(t, srv)
	it := item(1)
	it.Balance = "12.30"
	issued := c.newCard(it)
	wantStatus(t, issued, "1", InfoIssued)
	card := issued.resp.List[0]

	for key, value := range map[string]string{
		"extid": it.Extid, "id": string(card.ID), "mbno": string(card.Mbno), "phone": it.Phone,
	} {
		t.Run("by "+key, func(t *testing.T) {
			r := c.check(map[string]string{key: value})
			wantStatus(t, r, "1", "ok")
			got := r.resp.List[0]
			if got.ID != card.ID || got.CardNo() != it.Cardno || got.Mbno != card.Mbno || string(got.Extid) != it.Extid || got.Balance != "12.30" {
				t.Errorf("mb_check by %s = %+v", key, got)
			}
			if strings.Contains(string(r.raw), "pwd") {
				t.Errorf("mb_check answers the password: %s", r.raw)
			}
		})
	}
	wantStatus(t, c.check(nil), "0", InfoCheckParams)
	wantStatus(t, c.check(map[string]string{"extid": it.Extid, "phone": it.Phone}), "0", InfoCheckParams)
	wantStatus(t, c.check(map[string]string{"extid": ""}), "0", InfoCheckParams)
	before := srv.Sandbox.Stats()
	wantStatus(t, c.check(map[string]string{"extid": "nope"}), "0", InfoCardNotFound)
	wantStatus(t, c.check(map[string]string{"id": "0"}), "0", InfoCardNotFound)
	wantStatus(t, c.check(map[string]string{"cardno": it.Cardno}), "0", InfoCheckParams) // cardno is not a key
	after := srv.Sandbox.Stats()
	if after.NotFound-before.NotFound != 2 || after.Rejected-before.Rejected != 1 {
		t.Errorf("not found %d, rejected %d", after.NotFound-before.NotFound, after.Rejected-before.Rejected)
	}
}

// TestMBRealClient runs the project's own mb client against the sandbox.
func TestMBRealClient(t *testing.T) {
	srv := start(t, Config{})
	client, err := mb.New(mb.Config{
		Endpoint: srv.MBEndpoint(), GPID: DefaultGPID, MSID: DefaultMSID,
		APIKey: DefaultAPIKey, AppSecret: DefaultAppSecret,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := client.Preflight(ctx); err != nil {
		t.Fatalf("Preflight: %v", err)
	}
	if _, err := client.Check(ctx, "extid", "E404"); err == nil {
		t.Fatal("Check of a missing card succeeded")
	}
	items, err := client.Generate(ctx, 3, mustMoney(t, "10"))
	if err != nil || len(items) != 3 {
		t.Fatalf("Generate: %v, %d items", err, len(items))
	}
	ans, err := client.Check(ctx, "mbno", string(items[0].Mbno))
	if err != nil || ans.Cardno != items[0].CardNo() {
		t.Fatalf("Check: %+v, %v", ans, err)
	}
}
