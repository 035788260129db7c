// Package platform is the vocabulary shared by the importer and the platform
// clients (mb, sandy): the card as it is sent, the platform's answer for one
// card, and the small error taxonomy the importer acts on.
//
// The importer declares the Platform interface it consumes; the clients
// return these types and errors so that one pipeline drives both platforms.
package platform

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cardimport/cardimport/validate"
)

// Card is one valid roster row on its way to the platform.
type Card struct {
	validate.Card
	Seq int64 // position in the run, roster order

	// Suspect is set once a request carrying the card may have reached the
	// platform without a usable answer: a later "already exists" answer is
	// then verified instead of reported as a conflict.
	Suspect bool
	// Attempts counts requests that carried the card, earlier runs included.
	Attempts int
	// Done lists the steps of a multi-step flow (sandy) already completed,
	// from the journal, so that a resumed flow never repeats a recharge.
	Done Steps
}

// Steps is a set of completed flow steps.
type Steps uint8

// The steps of the sandy flow (SPEC §8). mb issues in one step, StepOpen.
const (
	StepOpen     Steps = 1 << iota // cardopen / mb_newcard succeeded
	StepRecharge                   // balance recharged
	StepBirthday                   // modcardinfo set the birthday
	StepConfirm                    // getcardinfo confirmed the card
)

// Has reports whether every step of s2 is in s.
func (s Steps) Has(s2 Steps) bool { return s&s2 == s2 }

// Answer is what the platform said about one card.
type Answer struct {
	Found   bool   // issued by this call (Issue) or present on the platform (Verify)
	ID      string // the platform's card id
	Mbno    string // member number: the identifier to keep
	Cardno  string // the platform's card number (may differ from ours on dynamic-number platforms)
	Extid   string
	Balance string // balance the platform confirmed, exact text; "" when it did not say
	Points  string // points the platform confirmed; "" when it did not say
	Bonus   string // sandy: bonus money a recharge rule added
	Steps   Steps  // steps completed (sandy)
	Note    string // anything the report should mention
	// Partial (Verify): the card is on the platform but its flow is not
	// finished (opened, not yet recharged); Issue again to finish it.
	Partial bool
	// Conflict (Verify): a card was found, but it is not ours — another
	// card holds the in-card code, or the holder differs. Says whose.
	Conflict string
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
	Err        error
	Throttled  bool          // 429 or a rate-limit answer
	RetryAfter time.Duration // the platform's Retry-After, 0 when absent
	// Sent is set when the request was written before it failed: the
	// platform may have applied it after all (a 500 from a proxy).
	Sent bool
}

func (e *TransientError) Error() string { return e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// Rejection is a business refusal: the platform understood the request and
// said no. Retrying the same request cannot help.
type Rejection struct {
	Info   string // the platform's words
	Exists bool   // the card (number, in-card code) already exists
	Code   string // platform error code, when it has one
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
