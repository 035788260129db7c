package report

import "github.com/cardimport/cardimport/importer/platform"

// Columns are the report's columns, in order (SPEC §9).
var Columns = []string{"source", "row", "status", "cardno", "extid", "name", "phone", "mbno", "id", "balance", "attempts", "message"}

// Line is one row of the reconciliation report.
type Line struct {
	Source   string // roster file, and ":sheet" for xlsx
	Row      int    // row number as the user sees it in the roster
	Status   platform.Status
	Cardno   string // normalised, as sent (or as it would be sent)
	Extid    string
	Name     string
	Phone    string // unmasked here; every writer masks it
	Mbno     string // the platform's, never the roster's
	ID       string // the platform's card id
	Balance  string // exact decimal text
	Attempts int
	Message  string
}

// Generated is one card of generate mode (mb type 15): the platform chose
// its number and password, so the password is the point of the report.
type Generated struct {
	Batch    int
	Status   platform.Status // issued, or unknown when the call's outcome was lost
	ID       string
	Cardno   string
	Mbno     string
	Password string
	Extid    string
	Balance  string
	Message  string
}

// GeneratedColumns are the columns of a generate-mode report.
var GeneratedColumns = []string{"batch", "status", "id", "cardno", "mbno", "password", "extid", "balance", "message"}
