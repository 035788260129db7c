package sandbox

import "sync/atomic"

// Stats counts what the sandbox saw and did. Every field is a running total
// since New (the counters are not persisted with StatePath).
type Stats struct {
	Requests      int64 `json:"requests"`       // API requests (mb and sandy); /_sandbox and / excluded
	MBRequests    int64 `json:"mb_requests"`    // requests to /mb
	SandyRequests int64 `json:"sandy_requests"` // requests to /api2/member-cjb/
	Throttled     int64 `json:"throttled"`      // refused by the rate limit (either style)
	BadRequests   int64 `json:"bad_requests"`   // HTTP 400/404/405/413: not JSON, wrong method, unknown route

	// Injected faults, per kind.
	ServerErrors int64 `json:"server_errors"` // HTTP 500/502/503 before processing
	Resets       int64 `json:"resets"`        // connection reset before processing
	Dropped      int64 `json:"dropped"`       // committed, connection closed without an answer
	Slowed       int64 `json:"slowed"`        // committed, answer delayed by SlowDelay
	Malformed    int64 `json:"malformed"`     // answer body replaced by something unparsable
	PartialLists int64 `json:"partial_lists"` // mb_newcard success whose list omitted one card
	Late         int64 `json:"late"`          // writes held LateDelay, then applied
	Busy         int64 `json:"busy"`          // "系统繁忙" answered before processing

	// Rejected counts business refusals: mb status "0" and sandy errcode
	// answers, credentials included, throttling and lookup misses excluded.
	Rejected int64 `json:"rejected"`
	// AuthRefused counts the refusals of credentials: mb gpid, msid,
	// signature, sign type, timestamp and nonce; sandy HTTP 401.
	AuthRefused int64 `json:"auth_refused"`
	// Exists counts "already exists" refusals: mb cardno or extid already in
	// the ledger, sandy errcode 3. An importer that never issues a card twice
	// keeps this at 0 on a fresh sandbox.
	Exists int64 `json:"exists"`
	// PhoneTaken counts refusals of a phone another card holds (mb and sandy).
	PhoneTaken int64 `json:"phone_taken"`
	// DuplicateInList counts mb_newcard lists refused because two of their
	// cards share a cardno, extid or phone.
	DuplicateInList int64 `json:"duplicate_in_list"`
	// NotFound counts lookups of a card that does not exist: mb_check
	// "会员卡不存在", sandy errcode 2 from getcardinfo, getcardhis.
	NotFound int64 `json:"not_found"`

	NewCardCalls   int64 `json:"new_card_calls"` // successful mb_newcard list calls
	NewCards       int64 `json:"new_cards"`      // cards they committed
	GenerateCalls  int64 `json:"generate_calls"` // successful type-15 calls
	Generated      int64 `json:"generated"`      // cards they generated
	Checks         int64 `json:"checks"`         // mb_check calls answered (found or not)
	SandyOpens     int64 `json:"sandy_opens"`    // successful cardopen
	SandyRecharges int64 `json:"sandy_recharges"`
	SandyMods      int64 `json:"sandy_mods"`
	SandyConsumes  int64 `json:"sandy_consumes"` // consume and consume_score
	SandyLookups   int64 `json:"sandy_lookups"`  // getcardinfo, getcards, getcardhis, cardlevellist, getrechargerules answered
}

type counters struct {
	requests, mbRequests, sandyRequests, throttled, badRequests      atomic.Int64
	serverErrors, resets, dropped, slowed, malformed, partialLists   atomic.Int64
	late, busy                                                       atomic.Int64
	rejected, authRefused, exists, phoneTaken, dupInList, notFound   atomic.Int64
	newCardCalls, newCards, generateCalls, generated, checks         atomic.Int64
	sandyOpens, sandyRecharges, sandyMods, sandyConsumes, sandyLooks atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Requests:        c.requests.Load(),
		MBRequests:      c.mbRequests.Load(),
		SandyRequests:   c.sandyRequests.Load(),
		Throttled:       c.throttled.Load(),
		BadRequests:     c.badRequests.Load(),
		ServerErrors:    c.serverErrors.Load(),
		Resets:          c.resets.Load(),
		Dropped:         c.dropped.Load(),
		Slowed:          c.slowed.Load(),
		Malformed:       c.malformed.Load(),
		PartialLists:    c.partialLists.Load(),
		Late:            c.late.Load(),
		Busy:            c.busy.Load(),
		Rejected:        c.rejected.Load(),
		AuthRefused:     c.authRefused.Load(),
		Exists:          c.exists.Load(),
		PhoneTaken:      c.phoneTaken.Load(),
		DuplicateInList: c.dupInList.Load(),
		NotFound:        c.notFound.Load(),
		NewCardCalls:    c.newCardCalls.Load(),
		NewCards:        c.newCards.Load(),
		GenerateCalls:   c.generateCalls.Load(),
		Generated:       c.generated.Load(),
		Checks:          c.checks.Load(),
		SandyOpens:      c.sandyOpens.Load(),
		SandyRecharges:  c.sandyRecharges.Load(),
		SandyMods:       c.sandyMods.Load(),
		SandyConsumes:   c.sandyConsumes.Load(),
		SandyLookups:    c.sandyLooks.Load(),
	}
}
