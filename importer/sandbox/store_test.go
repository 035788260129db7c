package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// stores runs f against both store implementations.
func stores(t *testing.T, f func(t *testing.T, st store)) {
	t.Run("memory", func(t *testing.T) { f(t, newMemStore()) })
	t.Run("sqlite", func(t *testing.T) {
		st, err := openSQLite(filepath.Join(t.TempDir(), "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.close() })
		f(t, st)
	})
}

func testCard(i int) MBCard {
	return MBCard{Cardno: fmt.Sprintf("C%04d", i), Extid: fmt.Sprintf("E%d", i), Phone: fmt.Sprintf("1390000%04d", i), Password: "1234", Name: "n", Sex: 1}
}

func TestStoreMB(t *testing.T) {
	stores(t, func(t *testing.T, st store) {
		now := time.Now()
		got, err := st.addMB([]MBCard{testCard(1), testCard(2)}, now)
		if err != nil || got[0].ID != firstMBID || got[1].ID != firstMBID+1 || got[0].Mbno != "15698481085" {
			t.Fatalf("addMB = %+v, %v", got, err)
		}
		dup := testCard(3)
		dup.Phone = ""
		gen := MBCard{Cardno: "C0009", Extid: "G9", Generated: true}
		if _, err := st.addMB([]MBCard{dup, gen}, now); err != nil {
			t.Fatalf("cards without a phone: %v", err)
		}
		for _, tt := range []struct {
			cards []MBCard
			want  conflict
		}{
			{[]MBCard{testCard(5), testCard(1)}, conflict{index: 1, field: "cardno", value: "C0001"}},
			{[]MBCard{testCard(5), testCard(6), testCard(5)}, conflict{index: 2, field: "cardno", value: "C0005", inList: true}},
			{[]MBCard{{Cardno: "C0007", Extid: "E2"}}, conflict{index: 0, field: "extid", value: "E2"}},
			{[]MBCard{{Cardno: "C0007", Extid: "E7", Phone: "13900000002"}}, conflict{index: 0, field: "phone", value: "13900000002"}},
		} {
			_, err := st.addMB(tt.cards, now)
			var c *conflict
			if !errors.As(err, &c) || *c != tt.want {
				t.Errorf("addMB conflict = %v, want %+v", err, tt.want)
			}
		}
		for key, value := range map[string]string{"id": "8481086", "cardno": "C0002", "mbno": "15698481086", "extid": "E2", "phone": "13900000002"} {
			c, ok, err := st.findMB(key, value)
			if err != nil || !ok || c.Cardno != "C0002" || !c.Created.Equal(now) {
				t.Errorf("findMB(%s, %s) = %+v %v %v", key, value, c, ok, err)
			}
		}
		if _, ok, _ := st.findMB("phone", ""); ok {
			t.Error("findMB by an empty phone found a card")
		}
		l, err := st.ledger()
		if err != nil || len(l.MB) != 3 || len(l.Generated) != 1 || l.Generated[0].ID != firstMBID+3 {
			t.Errorf("ledger %+v %v", l, err)
		}
	})
}

func TestStoreSandy(t *testing.T) {
	stores(t, func(t *testing.T, st store) {
		now := time.Now()
		a, err := st.openSandy(sandyRow{CardID: "A", Phone: "111111", Level: 1, Created: now}, sandyEvent{Type: eventOpen, Time: now})
		if err != nil || a.ID != firstSandyID || a.Opens != 1 {
			t.Fatalf("openSandy = %+v, %v", a, err)
		}
		if _, err := st.openSandy(sandyRow{CardID: "A", Phone: "222222"}, sandyEvent{}); !errors.Is(err, errCardExists) {
			t.Errorf("second open: %v", err)
		}
		if _, err := st.openSandy(sandyRow{CardID: "B", Phone: "111111"}, sandyEvent{}); !errors.Is(err, errPhoneTaken) {
			t.Errorf("phone reuse: %v", err)
		}
		if _, err := st.openSandy(sandyRow{CardID: "B", Phone: "222222"}, sandyEvent{Type: eventOpen}); err != nil {
			t.Fatal(err)
		}
		// fn's error changes nothing.
		boom := errors.New("boom")
		if _, err := st.updateSandy("A", func(c *sandyRow) ([]sandyEvent, error) { c.Amount = 99; return nil, boom }); !errors.Is(err, boom) {
			t.Errorf("update error: %v", err)
		}
		if _, err := st.updateSandy("A", func(c *sandyRow) ([]sandyEvent, error) { c.Phone = "222222"; return nil, nil }); !errors.Is(err, errPhoneTaken) {
			t.Errorf("phone taken on update: %v", err)
		}
		if _, err := st.updateSandy("Z", func(*sandyRow) ([]sandyEvent, error) { return nil, nil }); !errors.Is(err, errCardNotFound) {
			t.Errorf("update of a missing card: %v", err)
		}
		got, err := st.updateSandy("A", func(c *sandyRow) ([]sandyEvent, error) {
			c.Amount += 1030
			c.Phone = "333333"
			return []sandyEvent{{Type: eventRecharge, Ori: 1000, AddMoney: 30, Amount: c.Amount, Time: now}}, nil
		})
		if err != nil || got.Amount != 1030 || got.Phone != "333333" {
			t.Fatalf("update = %+v, %v", got, err)
		}
		// The old phone is free again.
		if _, err := st.openSandy(sandyRow{CardID: "C", Phone: "111111"}, sandyEvent{Type: eventOpen}); err != nil {
			t.Errorf("open with a released phone: %v", err)
		}
		if r, ok, err := st.getSandy("A"); err != nil || !ok || r.Amount != 1030 || r.Level != 1 || !r.Created.Equal(now) {
			t.Errorf("getSandy(A) = %+v %v %v", r, ok, err)
		}
		if _, ok, err := st.getSandy("Z"); err != nil || ok {
			t.Errorf("getSandy(Z) = %v %v", ok, err)
		}
		rows, err := st.searchSandy("33", 10)
		if err != nil || len(rows) != 1 || rows[0].CardID != "A" {
			t.Errorf("search = %+v %v", rows, err)
		}
		evs, err := st.sandyEvents("A")
		if err != nil || len(evs) != 2 || evs[1].AddMoney != 30 || evs[0].ID >= evs[1].ID {
			t.Errorf("events = %+v %v", evs, err)
		}
		l, err := st.ledger()
		if err != nil || len(l.Sandy) != 3 || l.Sandy[0].Amount != "10.30" || len(l.Sandy[0].Recharges) != 1 || l.Sandy[0].Recharges[0].AddMoney != "0.30" {
			t.Errorf("ledger %+v %v", l.Sandy, err)
		}
	})
}

// TestPersistence: a sandbox restarted on the same StatePath keeps its
// cards and id sequences.
func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	srv := start(t, Config{StatePath: path})
	c := newMBCaller(t, srv)
	wantStatus(t, c.newCard(items(1, 2)...), "1", InfoIssued)
	wantStatus(t, c.generate(2, "5"), "1", InfoIssued)
	sc := newSandyCaller(t, srv)
	open(t, sc, "wx001", "18600000001")
	sc.post("recharge", map[string]any{"card_id": "wx001", "money": "12.34", "pay_type": 1}).ok(t)
	before := ledger(t, srv.Sandbox)
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("state is not in WAL mode: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv = start(t, Config{StatePath: path})
	after := ledger(t, srv.Sandbox)
	if len(after.MB) != 2 || len(after.Generated) != 2 || len(after.Sandy) != 1 {
		t.Fatalf("after restart %+v", after)
	}
	for i, a := range append(after.MB, after.Generated...) {
		b := append(before.MB, before.Generated...)[i]
		if a.ID != b.ID || a.Cardno != b.Cardno || a.Mbno != b.Mbno || a.Password != b.Password || a.Nonce != b.Nonce ||
			a.Generated != b.Generated || a.Balance != b.Balance || !a.Created.Equal(b.Created) {
			t.Errorf("card %d after restart %+v, before %+v", i, a, b)
		}
	}
	if after.Sandy[0].Amount != "12.34" || len(after.Sandy[0].Recharges) != 1 {
		t.Errorf("sandy card after restart %+v", after.Sandy[0])
	}
	c = newMBCaller(t, srv)
	wantStatus(t, c.newCard(item(1)), "0", "卡号100101已存在")
	r := c.newCard(item(3))
	wantStatus(t, r, "1", InfoIssued)
	if r.resp.List[0].ID != "8481089" {
		t.Errorf("id after restart %s, want 8481089", r.resp.List[0].ID)
	}
	wantStatus(t, c.check(map[string]string{"extid": "E2"}), "1", "ok")
	sc = newSandyCaller(t, srv)
	sc.post("cardopen", map[string]any{"cardID": "wx001", "uname": "a", "phone": "18600000009", "gender": 1}).refused(t, http.StatusOK, 3, MsgExists)
}

// TestConcurrent hammers both stores with overlapping lists: every card
// number ends in the ledger exactly once, and each list is all or nothing.
func TestConcurrent(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "c.db")} {
		name := "memory"
		if path != "" {
			name = "sqlite"
		}
		t.Run(name, func(t *testing.T) {
			srv := start(t, Config{StatePath: path})
			c := newMBCaller(t, srv)
			sc := newSandyCaller(t, srv)
			const workers, lists = 8, 6
			var mu sync.Mutex
			issued := map[string]int{}
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for l := range lists {
						// Lists overlap across workers: cards l*5 … l*5+9.
						r := c.newCard(items(l*5+w%2*5, 5)...)
						if r.err != nil {
							t.Errorf("worker %d: %v", w, r.err)
							return
						}
						if r.resp.Status == "1" {
							mu.Lock()
							for _, it := range r.resp.List {
								issued[it.CardNo()]++
							}
							mu.Unlock()
						}
						c.check(map[string]string{"extid": fmt.Sprintf("E%d", l*5)})
						sc.post("cardopen", map[string]any{"cardID": fmt.Sprintf("S%d", l), "uname": "a", "phone": fmt.Sprintf("1860000%04d", l), "gender": 1})
						sc.post("recharge", map[string]any{"card_id": fmt.Sprintf("S%d", l), "money": "0.01", "pay_type": 1})
					}
				})
			}
			wg.Wait()
			l := ledger(t, srv.Sandbox)
			seen := map[string]bool{}
			for _, card := range l.MB {
				if seen[card.Cardno] {
					t.Errorf("card %s twice in the ledger", card.Cardno)
				}
				seen[card.Cardno] = true
				if issued[card.Cardno] != 1 {
					t.Errorf("card %s answered %d times", card.Cardno, issued[card.Cardno])
				}
			}
			if len(seen) != len(issued) || len(l.MB)%5 != 0 {
				t.Errorf("ledger %d cards, answers %d", len(l.MB), len(issued))
			}
			for i, card := range l.MB {
				if card.ID != int64(firstMBID+i) {
					t.Errorf("ids not dense: %d at %d", card.ID, i)
				}
			}
			if len(l.Sandy) != lists {
				t.Errorf("%d sandy cards, want %d", len(l.Sandy), lists)
			}
			var recharges int
			for _, s := range l.Sandy {
				recharges += len(s.Recharges)
				if s.Amount != fixed(int64(len(s.Recharges))) || s.Opens != 1 {
					t.Errorf("sandy card %+v", s)
				}
			}
			st := srv.Sandbox.Stats()
			if recharges != workers*lists || st.SandyRecharges != int64(recharges) || st.SandyOpens != lists || st.Exists != st.Rejected || st.Exists == 0 {
				t.Errorf("recharges %d, stats %+v", recharges, st)
			}
			if st.NewCards != int64(len(l.MB)) {
				t.Errorf("NewCards %d, ledger %d", st.NewCards, len(l.MB))
			}
		})
	}
}

func TestAdminRoutes(t *testing.T) {
	srv := start(t, Config{})
	hc := noKeepAlive(5 * time.Second)
	get := func(path string) (int, string) {
		res, err := hc.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b [4096]byte
		n, _ := res.Body.Read(b[:])
		return res.StatusCode, string(b[:n])
	}
	post := func(path, body string) int {
		res, err := hc.Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code, body := get("/"); code != http.StatusOK || !containsAll(body, "sandbox", "/mb", "/api2/member-cjb/", "/_sandbox/ledger") {
		t.Errorf("index: %d %s", code, body)
	}
	c := newMBCaller(t, srv)
	wantStatus(t, c.newCard(item(1)), "1", InfoIssued)
	if code, body := get("/_sandbox/ledger"); code != http.StatusOK || !containsAll(body, `"mb":[{"id":8481085,"cardno":"100101"`) {
		t.Errorf("ledger: %d %s", code, body)
	}
	if code, body := get("/_sandbox/stats"); code != http.StatusOK || !containsAll(body, `"new_cards":1`) {
		t.Errorf("stats: %d %s", code, body)
	}
	if code := post("/_sandbox/faults", `{"server_error":1}`); code != http.StatusOK {
		t.Errorf("faults: %d", code)
	}
	if r := c.newCard(item(2)); r.code < 500 {
		t.Errorf("after POST faults: HTTP %d", r.code)
	}
	if code := post("/_sandbox/faults", `{"server_error":2}`); code != http.StatusBadRequest {
		t.Errorf("bad faults: %d", code)
	}
	if code := post("/_sandbox/faults", `{}`); code != http.StatusOK {
		t.Errorf("faults off: %d", code)
	}
	if code := post("/_sandbox/rate", `{"rate":0.001,"burst":1,"throttle":"status"}`); code != http.StatusOK {
		t.Errorf("rate: %d", code)
	}
	wantStatus(t, c.newCard(item(2)), "1", InfoIssued)
	wantStatus(t, c.newCard(item(3)), "0", InfoThrottled)
	if code := post("/_sandbox/rate", `{"rate":0}`); code != http.StatusOK {
		t.Errorf("rate off: %d", code)
	}
	if code := post("/_sandbox/expired", `{"expired":true}`); code != http.StatusOK {
		t.Errorf("expired: %d", code)
	}
	newSandyCaller(t, srv).post("getcardinfo", map[string]any{"card_id": "x"}).refused(t, http.StatusOK, 300, MsgExpired)
	if code := post("/_sandbox/latency", `{"latency":"1ms"}`); code != http.StatusOK {
		t.Errorf("latency: %d", code)
	}
	if code := post("/_sandbox/stats", `{}`); code != http.StatusMethodNotAllowed {
		t.Errorf("POST stats: %d", code)
	}
	if code, _ := get("/_sandbox/nope"); code != http.StatusMethodNotAllowed && code != http.StatusNotFound {
		t.Errorf("unknown admin route: %d", code)
	}
}

// TestLatencyHonoursContext: a client that gives up during the latency
// commits nothing.
func TestLatencyHonoursContext(t *testing.T) {
	srv := start(t, Config{Latency: time.Hour})
	c := newMBCaller(t, srv)
	c.http.Timeout = 100 * time.Millisecond
	if r := c.newCard(item(1)); r.err == nil {
		t.Fatalf("HTTP %d, want a timeout", r.code)
	}
	srv.Sandbox.SetLatency(0)
	wantStatus(t, c.check(map[string]string{"extid": "E1"}), "0", InfoCardNotFound)
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func TestStoreClosed(t *testing.T) {
	stores(t, func(t *testing.T, st store) {
		if err := st.close(); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ledger(); !errors.Is(err, errClosed) {
			t.Errorf("ledger after close: %v", err)
		}
		if _, err := st.addMB([]MBCard{testCard(1)}, time.Now()); !errors.Is(err, errClosed) {
			t.Errorf("addMB after close: %v", err)
		}
		if _, _, err := st.getSandy("A"); !errors.Is(err, errClosed) {
			t.Errorf("getSandy after close: %v", err)
		}
	})
}
