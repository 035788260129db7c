package mb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Config configures a Client. Endpoint, GPID, MSID, APIKey and AppSecret
// are required.
type Config struct {
	Endpoint  string // the platform's URL, POSTed to for every action
	GPID      string // application id
	MSID      string // store id
	APIKey    string // secret: from the environment or the config file only
	AppSecret string // secret
	Op        string // operator name sent as get.op; default "cardimport"

	HTTP    *http.Client  // default: a client with its own transport
	Timeout time.Duration // per request; default 30s
	Pacer   *pace.Pacer   // the run's one limiter; default unlimited
	Retry   retry.Policy

	Now   func() time.Time // default time.Now; timestamps are local time
	Nonce func() string    // default 16 random hex digits

	// Printer is the language of the client's own words (nil: English);
	// the platform's info is quoted as it came.
	Printer *lang.Printer
}

// Client talks to the 果盘 platform.
type Client struct {
	cfg Config
}

// The settings New requires, as MissingSettings names them.
var (
	msgNeedGPID   = lang.Msg("gpid (--gpid or CARDIMPORT_GPID)", "应用 gpid（--gpid 或 CARDIMPORT_GPID）")
	msgNeedMSID   = lang.Msg("msid (--msid or CARDIMPORT_MSID)", "门店 msid（--msid 或 CARDIMPORT_MSID）")
	msgNeedAPIKey = lang.Msg("api key (CARDIMPORT_APIKEY)", "API 密钥 api key（CARDIMPORT_APIKEY）")
	msgNeedSecret = lang.Msg("app secret (CARDIMPORT_APPSECRET)", "应用密钥 app secret（CARDIMPORT_APPSECRET）")
)

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if err := platform.CheckEndpoint(cfg.Printer, "mb", cfg.Endpoint); err != nil {
		return nil, err
	}
	if err := platform.MissingSettings(cfg.Printer, "mb",
		platform.Need{Value: cfg.GPID, How: msgNeedGPID},
		platform.Need{Value: cfg.MSID, How: msgNeedMSID},
		platform.Need{Value: cfg.APIKey, How: msgNeedAPIKey},
		platform.Need{Value: cfg.AppSecret, How: msgNeedSecret},
	); err != nil {
		return nil, err
	}
	if cfg.Op == "" {
		cfg.Op = "cardimport"
	}
	r := platform.NewRequester(cfg.HTTP, cfg.Timeout, cfg.Pacer)
	cfg.HTTP, cfg.Timeout, cfg.Pacer = r.HTTP, r.Timeout, r.Pacer
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Nonce == nil {
		cfg.Nonce = randomNonce
	}
	return &Client{cfg: cfg}, nil
}

func randomNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// MaxBatch is the most cards one mb_newcard list may carry.
const MaxBatch = 500

// Issue sends the cards in one mb_newcard request (retrying transient
// failures) and returns one Answer per card, in order. A card absent from a
// successful answer has Found false: it is not issued until verified.
//
// Errors: *platform.Rejection when the platform refused the request (the
// whole list: mb is all or nothing), platform.ErrUnknownOutcome when it may
// have been applied, platform.ErrAuth, or the last transient failure. Issue
// counts the attempt on every card and marks cards Suspect when a request
// carrying them may have been applied.
func (c *Client) Issue(ctx context.Context, cards []*platform.Card, _ platform.Progress) ([]platform.Answer, error) {
	if len(cards) == 0 || len(cards) > MaxBatch {
		return nil, fmt.Errorf("mb: a batch holds 1 to %d cards, not %d", MaxBatch, len(cards))
	}
	post := &Post{List: make([]Item, len(cards))}
	for i, card := range cards {
		post.List[i] = ItemOf(&card.Card)
	}
	resp, err := c.call(ctx, ActionNewCard, nil, post, true, func(d delivery) {
		for _, card := range cards {
			card.Attempts++
			if d == ambiguous {
				card.Suspect = true
			}
		}
	})
	if rej, ok := platform.AsRejection(err); ok {
		// mb refuses a whole list for one bad row, naming it.
		rej.Card = named(cards, rej.Info)
	}
	if err != nil {
		return nil, err
	}
	return Match(cards, resp.List), nil
}

// named returns the card number of the one card whose number, in-card
// code or phone the platform's words name ("卡号100101已存在"), "" when
// none or more than one.
func named(cards []*platform.Card, info string) string {
	tokens := strings.FieldsFunc(info, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-')
	})
	found := -1
	for i, c := range cards {
		for _, t := range tokens {
			if t == c.Cardno || t == c.Extid || t == c.Phone {
				if found >= 0 && found != i {
					return "" // ambiguous: the importer bisects
				}
				found = i
			}
		}
	}
	if found < 0 {
		return ""
	}
	return cards[found].Cardno
}

// ItemOf converts a validated card to a post.list item, omitting empty
// optional fields and sending numbers as their exact text.
func ItemOf(c *validate.Card) Item {
	it := Item{
		Cardno:     c.Cardno,
		Password:   c.Password,
		Extid:      c.Extid,
		Name:       c.Name,
		Phone:      c.Phone,
		Sex:        json.Number(strconv.Itoa(c.Sex)),
		Birthday:   c.Birthday,
		Level:      json.Number(c.Level),
		Subject:    c.Subject,
		ExtInfo:    c.ExtInfo,
		Expirydate: c.Expirydate,
		IDNumber:   c.IDNumber,
	}
	if c.HasBalance {
		it.Balance = json.Number(c.Balance.String())
	}
	if c.HasPoints {
		it.Points = json.Number(c.Points)
	}
	return it
}

// Match pairs answer items with the cards sent: by card number first, else
// by in-card code. Cards without an item come back with Found false.
func Match(cards []*platform.Card, items []RespItem) []platform.Answer {
	byCardno := make(map[string]int, len(cards))
	byExtid := make(map[string]int, len(cards))
	for i, c := range cards {
		byCardno[c.Cardno] = i
		if c.Extid != "" {
			byExtid[c.Extid] = i
		}
	}
	answers := make([]platform.Answer, len(cards))
	for _, it := range items {
		i, ok := byCardno[it.CardNo()]
		if !ok {
			i, ok = byExtid[string(it.Extid)]
		}
		if !ok || answers[i].Found {
			continue
		}
		answers[i] = answerOf(&it)
	}
	return answers
}

func answerOf(it *RespItem) platform.Answer {
	return platform.Answer{
		Found:   true,
		ID:      string(it.ID),
		Mbno:    string(it.Mbno),
		Cardno:  it.CardNo(),
		Extid:   string(it.Extid),
		Balance: string(it.Balance),
		Name:    string(it.Name),
		Phone:   string(it.Phone),
		Steps:   platform.StepOpen,
	}
}

// The client's words for people: what a lookup found, refused credentials.
var (
	msgExtidElsewhere = lang.Msg("in-card code %s belongs to card %s on the platform", "卡内编码 %s 在平台上属于卡 %s")
	msgDiffName       = lang.Msg("name %s", "姓名 %s")
	msgDiffPhone      = lang.Msg("phone %s", "手机号 %s")
	msgOtherMember    = lang.Msg("card %s on the platform is another member's (%s)", "平台上的卡 %s 是另一位会员的（%s）")
	msgUnconfirmed    = lang.Msg("mb_check does not say whose card it is (no name or phone in its answer): check it on the platform",
		"mb_check 没有说这张卡是谁的（回复里没有姓名或手机号）：请到平台上核实")
	msgBalanceDiffers = lang.Msg("the platform's balance is %s, the roster's %s", "平台上的余额是 %s，名单上是 %s")
	msgExtidWhat      = lang.Msg("in-card code %s", "卡内编码 %s")
	msgOnPlatform     = lang.Msg("%s is already on the platform (card %s, mbno %s)", "%s 已在平台上（卡号 %s，会员号 %s）")
	msgAuthClock      = lang.Msg("platform refused the credentials: %s (the platform refuses clocks more than 60 minutes apart: check this computer's date, time and time zone)",
		"平台拒绝了凭据：%s（平台不接受相差60分钟以上的时钟：请检查这台电脑的日期、时间和时区）")
	msgAuth = lang.Msg("platform refused the credentials: %s", "平台拒绝了凭据：%s")
)

// Verify asks mb_check whether the card's in-card code exists (SPEC §5).
// It returns platform.ErrNotFound when it does not, a Conflict when the
// code belongs to another card number or the platform names another
// holder, Unconfirmed when it names none, and Missing when the platform's
// balance is not the row's.
func (c *Client) Verify(ctx context.Context, card *platform.Card) (platform.Answer, error) {
	a, err := c.Check(ctx, "extid", card.Extid)
	if err != nil {
		return a, err
	}
	p := c.cfg.Printer
	if a.Cardno != "" && a.Cardno != card.Cardno {
		a.Conflict = p.Sprintf(msgExtidElsewhere, card.Extid, a.Cardno)
		return a, nil
	}
	var differs []string
	if a.Name != "" && a.Name != card.Name {
		differs = append(differs, p.Sprintf(msgDiffName, a.Name))
	}
	if a.Phone != "" && a.Phone != card.Phone {
		differs = append(differs, p.Sprintf(msgDiffPhone, validate.MaskPhone(a.Phone)))
	}
	if len(differs) > 0 {
		a.Conflict = p.Sprintf(msgOtherMember, card.Cardno, strings.Join(differs, c.cfg.Printer.ListSep()))
		return a, nil
	}
	if a.Name == "" || a.Phone == "" {
		a.Unconfirmed = p.Sprintf(msgUnconfirmed)
	}
	if card.HasBalance {
		if got, ok, err := validate.ParseAmount(a.Balance); err == nil && ok && got != card.Balance {
			a.Missing = p.Sprintf(msgBalanceDiffers, got.String(), card.Balance.String())
		}
	}
	return a, nil
}

// Existing asks mb_check, read-only, whether the card's in-card code or
// phone is already on the platform (mb_check has no card-number key).
func (c *Client) Existing(ctx context.Context, card *platform.Card) (string, error) {
	var found []string
	p := c.cfg.Printer
	for _, k := range []struct{ key, value, what string }{
		{"extid", card.Extid, p.Sprintf(msgExtidWhat, card.Extid)},
		{"phone", card.Phone, p.Sprintf(msgDiffPhone, validate.MaskPhone(card.Phone))},
	} {
		if k.value == "" {
			continue
		}
		a, err := c.Check(ctx, k.key, k.value)
		if errors.Is(err, platform.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		found = append(found, p.Sprintf(msgOnPlatform, k.what, a.Cardno, a.Mbno))
	}
	return strings.Join(found, c.cfg.Printer.PartSep()), nil
}

// Check runs mb_check with one key: extid, id, mbno or phone. mb_check is
// read-only, so every failure short of a refusal is retried.
func (c *Client) Check(ctx context.Context, key, value string) (platform.Answer, error) {
	switch key {
	case "extid", "id", "mbno", "phone":
	default:
		return platform.Answer{}, fmt.Errorf("mb: mb_check by %q: want extid, id, mbno or phone", key)
	}
	resp, err := c.call(ctx, ActionCheck, map[string]string{key: value}, nil, true, nil)
	if r, ok := platform.AsRejection(err); ok && isNotFound(r.Info) {
		return platform.Answer{}, platform.ErrNotFound
	}
	if err != nil {
		return platform.Answer{}, err
	}
	if len(resp.List) == 0 {
		return platform.Answer{}, fmt.Errorf("mb: mb_check %s=%s: %w: status 1 without a card", key, value, platform.ErrUnknownOutcome)
	}
	return answerOf(&resp.List[0]), nil
}

// Generate asks for count platform-generated stored-value cards (type 15).
// It is never retried once a request may have reached the platform: that
// would issue cards twice. The answer lists the cards with their passwords.
func (c *Client) Generate(ctx context.Context, count int, balance validate.Money) ([]RespItem, error) {
	if count < 1 || count > MaxBatch {
		return nil, fmt.Errorf("mb: type 15 generates 1 to %d cards per call, not %d", MaxBatch, count)
	}
	get := map[string]string{"type": "15", "count": strconv.Itoa(count), "balance": balance.String()}
	resp, err := c.call(ctx, ActionNewCard, get, nil, false, nil)
	if err != nil {
		return nil, err
	}
	return resp.List, nil
}

// GenerateCards is Generate in the importer's terms: one Answer per
// generated card, its password in Password.
func (c *Client) GenerateCards(ctx context.Context, count int, balance validate.Money) ([]platform.Answer, error) {
	items, err := c.Generate(ctx, count, balance)
	if err != nil {
		return nil, err
	}
	out := make([]platform.Answer, len(items))
	for i := range items {
		out[i] = answerOf(&items[i])
		out[i].Password = string(items[i].Pwd)
	}
	return out, nil
}

// Preflight proves the endpoint answers and accepts the credentials before
// a roster is spent on them: an mb_check of id 0 must come back found or
// not found, not refused.
func (c *Client) Preflight(ctx context.Context) error {
	_, err := c.Check(ctx, "id", "0")
	if err == nil || errors.Is(err, platform.ErrNotFound) {
		return nil
	}
	return err
}

// delivery says how far one request got.
type delivery int

const (
	notSent   delivery = iota // never written: the platform cannot have applied it
	answered                  // the platform answered: applied or refused, we know which
	ambiguous                 // written, and the platform may have applied it
)

// call makes one API call with retries. retrySent says whether a transient
// failure after the request was written may be retried (mb_newcard lists
// and mb_check: the platform's uniqueness and read-only checks make that
// safe); type 15 may not. onAttempt learns of each request that was written.
func (c *Client) call(ctx context.Context, action string, extra map[string]string, post *Post, retrySent bool, onAttempt func(delivery)) (*Response, error) {
	var resp *Response
	readOnly := action == ActionCheck
	err := c.cfg.Retry.Do(ctx, func(int) error {
		r, d, err := c.once(ctx, action, extra, post)
		if onAttempt != nil && d != notSent {
			onAttempt(d)
		}
		if readOnly && errors.Is(err, platform.ErrUnknownOutcome) {
			// Asking again cannot change anything on the platform.
			err = &platform.TransientError{Err: err, Sent: true}
		}
		var t *platform.TransientError
		if !retrySent && errors.As(err, &t) && t.Sent {
			// Not a TransientError any more: the retry loop must stop.
			err = fmt.Errorf("%w: %v", platform.ErrUnknownOutcome, err)
		}
		resp = r
		return err
	})
	return resp, err
}

// maxBody bounds how much of an answer is read.
const maxBody = 32 << 20

// once makes one HTTP request and classifies its result.
func (c *Client) once(ctx context.Context, action string, extra map[string]string, post *Post) (*Response, delivery, error) {
	res, raw, err := platform.Exchange(ctx, "mb: "+action, c.cfg.HTTP, c.cfg.Pacer, c.cfg.Timeout, maxBody, func(rctx context.Context) (*http.Request, error) {
		get := map[string]string{
			"gpid":      c.cfg.GPID,
			"msid":      c.cfg.MSID,
			"timestamp": c.cfg.Now().Local().Format(TimestampLayout),
			"nonce":     c.cfg.Nonce(),
			"signtype":  "sha1",
			"op":        c.cfg.Op,
		}
		for k, v := range extra {
			get[k] = v
		}
		get["sign"] = Sign(get, c.cfg.APIKey, c.cfg.AppSecret)
		body, err := json.Marshal(Request{Action: Action{Action: action}, Get: get, Post: post})
		if err != nil {
			return nil, fmt.Errorf("encode: %w", err)
		}
		req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.cfg.Endpoint, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if errors.Is(err, platform.ErrUnknownOutcome) {
		return nil, ambiguous, err
	}
	if err != nil {
		return nil, notSent, err
	}
	if err := platform.HTTPStatus("mb: "+action, res, c.cfg.Pacer, c.cfg.Now(), "", "is --endpoint right?"); err != nil {
		var t *platform.TransientError
		if errors.As(err, &t) && t.Sent {
			return nil, ambiguous, err
		}
		return nil, answered, err
	}
	var resp Response
	err = platform.StrictJSON(raw)
	if err == nil {
		err = json.Unmarshal(raw, &resp)
	}
	if err != nil || resp.Status == "" {
		if err == nil {
			err = errors.New("no status field")
		}
		return nil, ambiguous, fmt.Errorf("mb: %s: unreadable answer %s: %w: %w", action, platform.Snippet(raw), platform.ErrUnknownOutcome, err)
	}
	if resp.OK() {
		c.cfg.Pacer.OnSuccess()
		return &resp, answered, nil
	}
	return nil, answered, c.refusal(action, resp.Info)
}

// The platform answers status 0 with words; these decide what they mean.
var (
	// A reused nonce is the platform's way of saying two requests came
	// too close together: retried with a new one, as busy.
	nonceWords    = []string{"nonce重复"}
	authWords     = []string{"签名", "簽名", "sign", "gpid", "应用不存在", "门店不存在", "授权", "授權", "token", "appsecret", "apikey"}
	clockWords    = []string{"时间戳", "時間戳", "timestamp"}
	existsWords   = []string{"已存在", "already exists", "exists"}
	notFoundWords = []string{"不存在", "not found", "未找到"}
)

func (c *Client) refusal(action, info string) error {
	low := strings.ToLower(info)
	load := platform.SaysOverloaded(low)
	switch {
	case load == platform.Throttled:
		c.cfg.Pacer.OnThrottle()
		return &platform.TransientError{Err: fmt.Errorf("mb: %s: requests too frequent: %s", action, info), Throttled: true}
	case load == platform.Busy || containsAny(low, nonceWords):
		c.cfg.Pacer.OnBusy()
		return &platform.TransientError{Err: fmt.Errorf("mb: %s: platform busy: %s", action, info), Busy: true}
	case containsAny(low, clockWords):
		return c.cfg.Printer.ErrorIs(platform.ErrAuth, msgAuthClock, info)
	case containsAny(low, authWords) && !containsAny(low, existsWords):
		return c.cfg.Printer.ErrorIs(platform.ErrAuth, msgAuth, info)
	}
	c.cfg.Pacer.OnSuccess()
	return &platform.Rejection{Info: info, Exists: containsAny(low, existsWords)}
}

func isNotFound(info string) bool {
	return containsAny(strings.ToLower(info), notFoundWords)
}

func containsAny(s string, words []string) bool { return platform.ContainsAny(s, words) }
