// Package platform is the vocabulary shared by the importer and the platform
// clients (mb, sandy): the card as it is sent, the platform's answer for one
// card, and the small error taxonomy the importer acts on.
//
// The importer declares the Platform interface it consumes; the clients
// return these types and errors so that one pipeline drives both platforms.
package platform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/cardimport/cardimport/validate"
)

// Card is one valid roster row on its way to the platform.
type Card struct {
	validate.Card
	Seq int64 // position in the run, roster order
	// Source and Row say where the row is: the roster (and :sheet) and
	// the row number the user sees, for the journal.
	Source string
	Row    int

	// Suspect is set once a request carrying the card may have reached the
	// platform without a usable answer: a later "already exists" answer is
	// then verified instead of reported as a conflict.
	Suspect bool
	// Attempts counts requests that carried the card, earlier runs included.
	Attempts int
	// Done lists the steps of a multi-step flow (sandy) already completed,
	// from the journal, so that a resumed flow never repeats a recharge.
	Done Steps
	// SettleAfter is set while a write that must not happen twice (a sandy
	// recharge) left without an answer: from then on, the platform's
	// records can show it absent for sure — a late platform has applied
	// it by then or never will. Until then the write is not sent again.
	SettleAfter time.Time
}

// Fingerprint identifies the holder of a card: the in-card code, phone
// and name of the row that issued it (SPEC §5). A card number is "already
// issued" only to the same fingerprint. It is a hash, so that the journal
// compares phones without keeping them.
func (c *Card) Fingerprint() string {
	h := sha256.New()
	for _, s := range []string{c.Extid, c.Phone, c.Name} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Steps is a set of completed flow steps.
type Steps uint8

// The steps of the sandy flow (SPEC §8). mb issues in one step, StepOpen.
const (
	StepOpen     Steps = 1 << iota // cardopen / mb_newcard succeeded
	StepRecharge                   // balance recharged
	StepBirthday                   // modcardinfo set the birthday
	StepConfirm                    // getcardinfo confirmed the card
	// StepRechargeSent: a recharge request is leaving or left; until
	// StepRecharge joins it, whether the platform applied it is unknown.
	StepRechargeSent
)

// Has reports whether every step of s2 is in s.
func (s Steps) Has(s2 Steps) bool { return s&s2 == s2 }

// Answer is what the platform said about one card.
type Answer struct {
	// Found: the platform's answer names this card. From Issue, the call
	// issued it; from Verify (and mb's Check), it is on the platform. A
	// card of an Issue batch without it was not confirmed and is verified.
	Found   bool
	ID      string // the platform's card id
	Mbno    string // member number: the identifier to keep
	Cardno  string // the platform's card number (may differ from ours on dynamic-number platforms)
	Extid   string
	Balance string // balance the platform confirmed, exact text; "" when it did not say
	Points  string // points the platform confirmed; "" when it did not say
	Bonus   string // sandy: bonus money a recharge rule added
	// Password is the card's password when the platform chose it (mb type
	// 15 generates cards); never a roster's.
	Password string
	Steps    Steps  // steps completed (sandy)
	Note     string // anything the report should mention
	// Name and Phone are the holder the platform states, "" when its
	// answer does not say.
	Name, Phone string
	// Partial (Verify): the card is on the platform but its flow is not
	// finished (opened, not yet recharged); Issue again to finish it — if
	// this journal opened it.
	Partial bool
	// Missing (Verify) says what the platform's card lacks of the row
	// ("not recharged: …", "birthday not set"), "" when nothing.
	Missing string
	// Conflict (Verify): a card was found, but it is not the row's — another
	// card holds the in-card code, or the holder differs. Says whose.
	Conflict string
	// Unconfirmed (Verify): the card matches by number and in-card code,
	// but the platform's answer does not say whose it is, so it cannot be
	// adopted as the row's. Says why.
	Unconfirmed string
}

// Progress is told each completed step of a multi-step flow, so that the
// importer commits it to the journal before the next step's request
// leaves. mb issues in one step and never calls it.
type Progress func(ctx context.Context, card *Card, a Answer) error

// ErrUnknownOutcome means a request may have reached the platform but no
// usable answer came back: a timeout after sending, a dropped connection, an
// unreadable body. The cards must be verified before anything is resent.
var ErrUnknownOutcome = errors.New("outcome unknown")

// ErrAuth means the platform refuses to serve this account — credentials,
// signature, clock, an expired subscription: nothing will succeed, the run
// stops.
var ErrAuth = errors.New("platform refused the credentials")

// ErrNotFound is Verify's answer for a card the platform does not have.
var ErrNotFound = errors.New("card not found on the platform")

// TransientError is a failure worth retrying: the platform did not apply the
// request (connection refused, HTTP 5xx, 429, a "busy" answer).
type TransientError struct {
	Err       error
	Throttled bool // 429 or an answer saying the rate is too high
	// Busy: an answer saying the platform is busy ("系统繁忙"), not that
	// the rate is too high; nothing was applied.
	Busy       bool
	RetryAfter time.Duration // the platform's Retry-After, 0 when absent
	// Sent is set when the request was written before it failed: the
	// platform may have applied it after all (a 500 from a proxy).
	Sent bool
}

func (e *TransientError) Error() string { return e.Err.Error() }

// RetryHint says what the platform asked of the wait (retry.Transient).
func (e *TransientError) RetryHint() (time.Duration, bool) { return e.RetryAfter, e.Throttled }
func (e *TransientError) Unwrap() error                    { return e.Err }

// SettleError is an unknown outcome of a write that must not happen twice
// (a sandy recharge): until Until, a look at the platform cannot show the
// write absent for sure — a late platform may still apply it. The card is
// verified again after Until, never before; Err wraps ErrUnknownOutcome.
type SettleError struct {
	Until time.Time
	Err   error
}

func (e *SettleError) Error() string {
	return fmt.Sprintf("%v (the platform's records are conclusive from %s)", e.Err, e.Until.Format("15:04:05"))
}
func (e *SettleError) Unwrap() error { return e.Err }

// Rejection is a business refusal: the platform understood the request and
// said no. Retrying the same request cannot help.
type Rejection struct {
	Info   string // the platform's words
	Exists bool   // the card (number, in-card code) already exists
	Code   string // platform error code, when it has one
	// Card is the card number of the one card of the batch the refusal
	// names, when the client can tell ("卡号100101已存在"); "" otherwise.
	Card string
}

func (e *Rejection) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("platform refused (%s): %s", e.Code, e.Info)
	}
	return "platform refused: " + e.Info
}

// IsTransient reports whether err is worth retrying.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t)
}

// AsRejection returns the rejection in err's chain, if any.
func AsRejection(err error) (*Rejection, bool) {
	var r *Rejection
	ok := errors.As(err, &r)
	return r, ok
}
