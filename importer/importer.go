package importer

import (
	"context"
	"log/slog"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Platform is a card platform as the importer uses it. mb.Client and the
// sandy flow satisfy it.
type Platform interface {
	// Issue issues the cards in one call and returns one Answer per card, in
	// order; a card whose answer has Found false was not confirmed and is
	// verified. Errors: *platform.Rejection (nothing applied),
	// platform.ErrUnknownOutcome (perhaps applied), platform.ErrAuth (stop
	// the run), or the last transient failure after retries. Issue counts
	// the attempt on each card and sets Suspect on cards a request may have
	// applied without answering. A multi-step flow reports each finished
	// step to progress and skips the steps in card.Done.
	Issue(ctx context.Context, cards []*platform.Card, progress platform.Progress) ([]platform.Answer, error)
	// Verify asks whether the card exists on the platform and how far its
	// flow got; it returns platform.ErrNotFound when it does not.
	Verify(ctx context.Context, card *platform.Card) (platform.Answer, error)
}

// Checker is the read-only lookup of validate --check-server: whether a
// card's number, in-card code or phone already exists on the platform.
// mb.Client and sandy.Client satisfy it.
type Checker interface {
	// Existing returns the platform's words on what already exists, or ""
	// when nothing does.
	Existing(ctx context.Context, card *platform.Card) (string, error)
}

// Roster is a source of rows; *roster.Reader satisfies it.
type Roster interface {
	Source() string
	Next() (roster.Row, error)
	// InputTo maps a row to the validator's input, reusing in.
	InputTo(in *validate.Input, row roster.Row)
	Columns() []roster.Column
}

// Rejects receives the rows staff must fix; *report.Rejects satisfies it.
type Rejects interface {
	Write(report.Reject) error
}

// Config describes one run.
type Config struct {
	Rosters  []Roster
	Validate validate.Options

	// Platform is nil for `cardimport validate`: valid rows are reported
	// valid and nothing is sent.
	Platform Platform
	// CheckOnly (validate --check-server) asks the platform, read-only,
	// which valid rows already exist there instead of issuing them; the
	// Platform must be a Checker.
	CheckOnly bool
	// Journal records what was sent (SPEC §6); nil keeps no journal.
	Journal Journal

	BatchSize   int // rows per call; default 50
	Concurrency int // calls in flight; default 4
	// Timeout bounds how long in-flight requests may finish after an
	// interrupt before they are abandoned (--timeout).
	Timeout time.Duration
	// MaxResends bounds how often a card verified as not issued after an
	// unknown outcome is sent again; default 3.
	MaxResends int
	Budget     Budget // --max-errors

	Report  report.Writer // one line per row, in roster order
	Rejects Rejects       // invalid and rejected rows; may be nil

	// OnLine, if set, sees every report line as it is written (progress).
	OnLine func(*report.Line)
	Log    *slog.Logger
	// Printer is the language of what people read of the run (SPEC §11):
	// the rows' messages, the warnings, the log's messages (its keys stay).
	// Nil is English. Validation speaks it too unless Validate.Printer
	// says otherwise.
	Printer *lang.Printer
}

// Outcome is how a run ended, from which its exit code follows.
type Outcome struct {
	Counts         map[platform.Status]int // rows (generate: cards) per final status
	Interrupted    bool                    // Ctrl-C or SIGTERM stopped the run
	BudgetExceeded bool                    // --max-errors stopped the sending
	// Shortfall (generate): cards asked for that the platform did not
	// confirm.
	Shortfall int
}

// Complete reports whether every row ended issued, skipped or valid, and
// nothing is missing.
func (o Outcome) Complete() bool {
	for st, n := range o.Counts {
		if n > 0 && st != platform.StatusIssued && st != platform.StatusSkipped && st != platform.StatusValid {
			return false
		}
	}
	return o.Shortfall <= 0
}

// Result is what a run did.
type Result struct {
	Outcome
	Rows int

	RosterBalance    validate.Money // over rows that passed validation
	RosterPoints     int64
	ConfirmedBalance validate.Money // as the platform confirmed it for issued and skipped rows
	ConfirmedPoints  int64
	Confirmations    int // rows whose balance the platform confirmed
	PointsConfirmed  int // rows whose points the platform confirmed

	Unread   string // where reading stopped early, "" when every row was read
	Warnings []string
}
