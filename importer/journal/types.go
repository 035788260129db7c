package journal

import (
	"fmt"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
)

// Prior is what the journal already knew of a card when a batch claimed it.
type Prior struct {
	// Issued: an earlier run (or an earlier batch) issued the card; the row
	// is skipped and reported with the recorded ids.
	Issued bool
	// InDoubt: an earlier request may have issued the card (a crash while
	// sending, an unknown outcome); it is verified before it is resent.
	InDoubt bool
	// Exists: the platform said a card with this number and in-card code
	// already exists; it is not sent again (Message has its words).
	Exists   bool
	Message  string
	Answer   platform.Answer
	Attempts int
	Run      string // the run that wrote the entry
	// SettleAfter: an in-doubt recharge of this card may not be judged
	// absent before this time (platform.Card.SettleAfter).
	SettleAfter time.Time
	// Holder is set when the card number belongs to another holder: it was
	// issued for a row with another in-card code, phone or name. The row
	// must not take that card's ids; the journal entry is left as it is.
	Holder *Holder
}

// Holder is the row a card number was issued to, as the journal kept it.
type Holder struct {
	Status  string // issued
	When    string // local time of the entry, 2006-01-02 15:04
	Source  string
	Row     int
	Name    string
	Phone   string   // masked
	Extid   string   // the in-card code it was issued with
	Differs []string // what differs from the row at hand: in-card code, name, phone
}

// String words where and to whom the number went, phone masked.
func (h *Holder) String() string {
	var b strings.Builder
	b.WriteString("this card number was already issued")
	if h.When != "" {
		b.WriteString(" on " + h.When)
	}
	if h.Source != "" {
		fmt.Fprintf(&b, " from %s row %d", h.Source, h.Row)
	}
	who := h.Name
	if h.Phone != "" {
		who = strings.TrimSpace(who + " " + h.Phone)
	}
	if who != "" {
		b.WriteString(" to " + who)
	}
	if h.Extid != "" {
		b.WriteString(" (in-card code " + h.Extid + ")")
	}
	if len(h.Differs) > 0 {
		b.WriteString(": another holder (" + strings.Join(h.Differs, ", ") + " differ)")
	}
	return b.String()
}

// Outcome is the final word on one card, committed after its request.
type Outcome struct {
	Card    *platform.Card
	Status  platform.Status
	Answer  platform.Answer
	Message string
	Batch   int64
	Source  string // roster file (and sheet) of the row, for `cardimport journal export`
	Row     int
}
