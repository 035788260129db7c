package journal

import (
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/report"
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
}

// Outcome is the final word on one card, committed after its request.
type Outcome struct {
	Card    *platform.Card
	Status  report.Status
	Answer  platform.Answer
	Message string
	Batch   int64
	Source  string // roster file (and sheet) of the row, for `cardimport journal export`
	Row     int
}
