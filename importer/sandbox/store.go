package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cardimport/cardimport/validate"
)

// Ledger is a snapshot of every card the sandbox issued, ordered by id.
type Ledger struct {
	MB        []MBCard    `json:"mb"`        // mb_newcard list-mode cards
	Generated []MBCard    `json:"generated"` // mb_newcard type-15 cards
	Sandy     []SandyCard `json:"sandy"`     // member-cjb cards
}

// MBCard is one card of the 果盘 simulator. Optional fields the request did
// not carry are "" (Level 0).
type MBCard struct {
	ID         int64     `json:"id"`
	Cardno     string    `json:"cardno"`
	Mbno       string    `json:"mbno"`
	Extid      string    `json:"extid"`
	Phone      string    `json:"phone,omitempty"`
	Name       string    `json:"name,omitempty"`
	Sex        int       `json:"sex"` // 1 男, 0 女 (0 for generated cards)
	Birthday   string    `json:"birthday,omitempty"`
	Level      int       `json:"level,omitempty"`
	Balance    string    `json:"balance"` // exact text as sent; "" when none
	Points     string    `json:"points,omitempty"`
	Password   string    `json:"password"`
	Expirydate string    `json:"expirydate,omitempty"`
	Subject    string    `json:"subject,omitempty"`
	ExtInfo    string    `json:"ext_info,omitempty"`
	IDNumber   string    `json:"idnumber,omitempty"`
	Generated  bool      `json:"generated,omitempty"` // type 15
	Nonce      string    `json:"nonce"`               // get.nonce of the call that issued it
	Op         string    `json:"op,omitempty"`
	Created    time.Time `json:"created"`
}

// SandyCard is one card of the member-cjb simulator. Amounts are exact
// decimals with two places ("100.00").
type SandyCard struct {
	ID          int64      `json:"id"` // the platform's internal card id
	CardID      string     `json:"card_id"`
	Level       int        `json:"level"`
	Uname       string     `json:"uname"`
	Phone       string     `json:"phone"`
	Gender      int        `json:"gender"`
	Birthday    string     `json:"birthday,omitempty"` // YYYY-MM-DD
	Amount      string     `json:"amount"`
	Score       int64      `json:"score"`
	SumRecharge string     `json:"sum_recharge"`
	SumConsume  string     `json:"sum_consume"`
	Recharges   []Recharge `json:"recharges,omitempty"`
	Opens       int        `json:"opens"` // successful cardopen calls for this card id: always 1
	Mods        int        `json:"mods"`  // successful modcardinfo calls
	Created     time.Time  `json:"created"`
}

// Recharge is one successful sandy recharge.
type Recharge struct {
	Money    string    `json:"money"`     // paid, exact two places
	AddMoney string    `json:"add_money"` // bonus money the rules added
	AddScore string    `json:"add_score"` // bonus points the rules added
	PayType  int       `json:"pay_type"`
	Time     time.Time `json:"time"`
}

// First ids of the sequences (the mb one is the seed's example id).
const (
	firstMBID    = 8481085
	firstSandyID = 200001
)

// mbnoOf is the member number of card id: like the real platform's, an
// 11-digit number that differs from the card number.
func mbnoOf(id int64, cardno string) string {
	m := "1569" + strconv.FormatInt(id, 10)
	if m == cardno {
		m = "1570" + strconv.FormatInt(id, 10)
	}
	return m
}

// conflict is the store's refusal of an mb card: the first card, in list
// order, whose cardno, extid or phone is taken by the ledger (inList false)
// or by an earlier card of the same list.
type conflict struct {
	index  int
	field  string // "cardno", "extid" or "phone"
	value  string
	inList bool
}

func (c *conflict) Error() string {
	where := "ledger"
	if c.inList {
		where = "list"
	}
	return fmt.Sprintf("card %d: %s %s already in the %s", c.index, c.field, c.value, where)
}

// Errors of the sandy store.
var (
	errCardExists   = errors.New("card exists")
	errCardNotFound = errors.New("card not found")
	errPhoneTaken   = errors.New("phone taken")
)

// sandyRow is a sandy card as stored: amounts in fen.
type sandyRow struct {
	ID          int64
	CardID      string
	Level       int
	Uname       string
	Phone       string
	Gender      int
	Birthday    string
	Amount      int64
	Score       int64
	SumRecharge int64
	SumConsume  int64
	Opens       int
	Mods        int
	Created     time.Time
}

// Event types of getcardhis.
const (
	eventOpen     = 1
	eventRecharge = 6
	eventConsume  = 7
)

// sandyEvent is one line of a card's history: amounts in fen.
type sandyEvent struct {
	ID          int64
	CardID      string
	Type        int
	Ori         int64 // original amount
	Act         int64 // actual amount
	AddMoney    int64 // bonus money (recharge)
	AddScore    int64
	Amount      int64 // balance after
	Score       int64 // points after
	ScoreChange int64
	PayType     int
	Desc        string
	Time        time.Time
}

// store keeps the sandbox's state. Implementations are safe for concurrent
// use and serialise writes.
type store interface {
	// addMB commits every card or none: it returns a *conflict naming the
	// first card whose cardno, extid or phone is taken, else the cards with
	// ID, Mbno and Created assigned.
	addMB(cards []MBCard, now time.Time) ([]MBCard, error)
	// findMB looks a card up by "id", "cardno", "mbno", "extid" or "phone".
	findMB(key, value string) (MBCard, bool, error)

	// openSandy adds a card and its opening event: errCardExists,
	// errPhoneTaken.
	openSandy(row sandyRow, ev sandyEvent) (sandyRow, error)
	// updateSandy applies fn to the card in one transaction and appends the
	// events it returns: errCardNotFound, errPhoneTaken when fn set a phone
	// another card holds, or fn's error (nothing changed).
	updateSandy(cardID string, fn func(*sandyRow) ([]sandyEvent, error)) (sandyRow, error)
	getSandy(cardID string) (sandyRow, bool, error)
	// searchSandy finds cards whose card id, name or phone contains key.
	searchSandy(key string, limit int) ([]sandyRow, error)
	sandyEvents(cardID string) ([]sandyEvent, error)

	ledger() (Ledger, error)
	close() error
}

func openStore(path string) (store, error) {
	if path == "" {
		return newMemStore(), nil
	}
	return openSQLite(path)
}

// ledgerSandy converts a stored card and its events for the ledger.
func ledgerSandy(r sandyRow, events []sandyEvent) SandyCard {
	c := SandyCard{
		ID: r.ID, CardID: r.CardID, Level: r.Level, Uname: r.Uname, Phone: r.Phone,
		Gender: r.Gender, Birthday: r.Birthday, Amount: fixed(r.Amount), Score: r.Score,
		SumRecharge: fixed(r.SumRecharge), SumConsume: fixed(r.SumConsume),
		Opens: r.Opens, Mods: r.Mods, Created: r.Created,
	}
	for _, e := range events {
		if e.Type == eventRecharge {
			c.Recharges = append(c.Recharges, Recharge{
				Money: fixed(e.Ori), AddMoney: fixed(e.AddMoney), AddScore: strconv.FormatInt(e.AddScore, 10),
				PayType: e.PayType, Time: e.Time,
			})
		}
	}
	return c
}

func fixed(fen int64) string { return validate.Money{Fen: fen}.Fixed() }

// memStore keeps the state in memory behind one mutex.
type memStore struct {
	mu     sync.Mutex
	closed bool

	mb   []MBCard
	mbBy map[string]map[string]int // key → value → index in mb

	sandy        map[string]*sandyRow
	sandyOrder   []string
	sandyByPhone map[string]string
	events       []sandyEvent
	nextSandy    int64
	nextEvent    int64
}

func newMemStore() *memStore {
	m := &memStore{
		mbBy:         make(map[string]map[string]int),
		sandy:        make(map[string]*sandyRow),
		sandyByPhone: make(map[string]string),
		nextSandy:    firstSandyID,
		nextEvent:    1,
	}
	for _, k := range []string{"id", "cardno", "mbno", "extid", "phone"} {
		m.mbBy[k] = make(map[string]int)
	}
	return m
}

func (m *memStore) lock() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return errClosed
	}
	return nil
}

func (m *memStore) addMB(cards []MBCard, now time.Time) ([]MBCard, error) {
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if err := checkMBConflicts(cards, func(key, value string) (bool, error) {
		_, ok := m.mbBy[key][value]
		return ok, nil
	}); err != nil {
		return nil, err
	}
	next := int64(firstMBID + len(m.mb))
	out := make([]MBCard, len(cards))
	for i, c := range cards {
		c.ID, c.Created = next+int64(i), now
		c.Mbno = mbnoOf(c.ID, c.Cardno)
		out[i] = c
		pos := len(m.mb)
		m.mb = append(m.mb, c)
		m.mbBy["id"][strconv.FormatInt(c.ID, 10)] = pos
		m.mbBy["cardno"][c.Cardno] = pos
		m.mbBy["mbno"][c.Mbno] = pos
		m.mbBy["extid"][c.Extid] = pos
		if c.Phone != "" {
			m.mbBy["phone"][c.Phone] = pos
		}
	}
	return out, nil
}

// checkMBConflicts finds the first card whose cardno, extid or phone is
// taken, in the ledger (taken) or earlier in the list.
func checkMBConflicts(cards []MBCard, taken func(key, value string) (bool, error)) error {
	seen := map[string]map[string]bool{"cardno": {}, "extid": {}, "phone": {}}
	for i, c := range cards {
		for _, kv := range [][2]string{{"cardno", c.Cardno}, {"extid", c.Extid}, {"phone", c.Phone}} {
			key, value := kv[0], kv[1]
			if value == "" {
				continue
			}
			ok, err := taken(key, value)
			if err != nil {
				return err
			}
			if ok {
				return &conflict{index: i, field: key, value: value}
			}
			if seen[key][value] {
				return &conflict{index: i, field: key, value: value, inList: true}
			}
			seen[key][value] = true
		}
	}
	return nil
}

func (m *memStore) findMB(key, value string) (MBCard, bool, error) {
	if err := m.lock(); err != nil {
		return MBCard{}, false, err
	}
	defer m.mu.Unlock()
	idx, ok := m.mbBy[key]
	if !ok {
		return MBCard{}, false, fmt.Errorf("no mb index %q", key)
	}
	pos, ok := idx[value]
	if !ok || value == "" {
		return MBCard{}, false, nil
	}
	return m.mb[pos], true, nil
}

func (m *memStore) openSandy(row sandyRow, ev sandyEvent) (sandyRow, error) {
	if err := m.lock(); err != nil {
		return sandyRow{}, err
	}
	defer m.mu.Unlock()
	if _, ok := m.sandy[row.CardID]; ok {
		return sandyRow{}, errCardExists
	}
	if _, ok := m.sandyByPhone[row.Phone]; ok && row.Phone != "" {
		return sandyRow{}, errPhoneTaken
	}
	row.ID = m.nextSandy
	m.nextSandy++
	row.Opens = 1
	c := row
	m.sandy[row.CardID] = &c
	m.sandyOrder = append(m.sandyOrder, row.CardID)
	if row.Phone != "" {
		m.sandyByPhone[row.Phone] = row.CardID
	}
	m.appendEvents(row.CardID, []sandyEvent{ev})
	return row, nil
}

func (m *memStore) appendEvents(cardID string, evs []sandyEvent) {
	for _, e := range evs {
		e.ID, e.CardID = m.nextEvent, cardID
		m.nextEvent++
		m.events = append(m.events, e)
	}
}

func (m *memStore) updateSandy(cardID string, fn func(*sandyRow) ([]sandyEvent, error)) (sandyRow, error) {
	if err := m.lock(); err != nil {
		return sandyRow{}, err
	}
	defer m.mu.Unlock()
	cur, ok := m.sandy[cardID]
	if !ok {
		return sandyRow{}, errCardNotFound
	}
	c := *cur
	evs, err := fn(&c)
	if err != nil {
		return sandyRow{}, err
	}
	c.ID, c.CardID = cur.ID, cur.CardID
	if c.Phone != cur.Phone && c.Phone != "" {
		if other, ok := m.sandyByPhone[c.Phone]; ok && other != cardID {
			return sandyRow{}, errPhoneTaken
		}
	}
	if c.Phone != cur.Phone {
		delete(m.sandyByPhone, cur.Phone)
		if c.Phone != "" {
			m.sandyByPhone[c.Phone] = cardID
		}
	}
	*cur = c
	m.appendEvents(cardID, evs)
	return c, nil
}

func (m *memStore) getSandy(cardID string) (sandyRow, bool, error) {
	if err := m.lock(); err != nil {
		return sandyRow{}, false, err
	}
	defer m.mu.Unlock()
	c, ok := m.sandy[cardID]
	if !ok {
		return sandyRow{}, false, nil
	}
	return *c, true, nil
}

func (m *memStore) searchSandy(key string, limit int) ([]sandyRow, error) {
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var out []sandyRow
	for _, id := range m.sandyOrder {
		c := m.sandy[id]
		if strings.Contains(c.CardID, key) || strings.Contains(c.Uname, key) || strings.Contains(c.Phone, key) {
			out = append(out, *c)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

func (m *memStore) sandyEvents(cardID string) ([]sandyEvent, error) {
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var out []sandyEvent
	for _, e := range m.events {
		if e.CardID == cardID {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memStore) ledger() (Ledger, error) {
	if err := m.lock(); err != nil {
		return Ledger{}, err
	}
	defer m.mu.Unlock()
	var l Ledger
	for _, c := range m.mb {
		if c.Generated {
			l.Generated = append(l.Generated, c)
		} else {
			l.MB = append(l.MB, c)
		}
	}
	byCard := make(map[string][]sandyEvent)
	for _, e := range m.events {
		byCard[e.CardID] = append(byCard[e.CardID], e)
	}
	for _, id := range m.sandyOrder {
		l.Sandy = append(l.Sandy, ledgerSandy(*m.sandy[id], byCard[id]))
	}
	slices.SortFunc(l.Sandy, func(a, b SandyCard) int { return int(a.ID - b.ID) })
	return l, nil
}

func (m *memStore) close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
