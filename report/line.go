package report

// Status is the final verdict on one roster row.
type Status string

// The statuses of SPEC §9.
const (
	StatusIssued   Status = "issued"   // the platform issued the card in this run
	StatusSkipped  Status = "skipped"  // issued by an earlier run (journal)
	StatusInvalid  Status = "invalid"  // failed validation; never sent
	StatusRejected Status = "rejected" // the platform refused the row
	StatusExists   Status = "exists"   // the platform already has the card
	StatusUnknown  Status = "unknown"  // sent, and the outcome could not be verified
	StatusValid    Status = "valid"    // validate only: the row would be sent
	// StatusPending: a valid row the run did not send (interrupted, stopped,
	// or out of error budget); the next run sends it. Not in SPEC §9, which
	// has no word for a row that was never sent.
	StatusPending Status = "pending"
)

// Statuses lists every status in the order summaries print them.
var Statuses = []Status{StatusIssued, StatusSkipped, StatusValid, StatusInvalid, StatusRejected, StatusExists, StatusUnknown, StatusPending}

// Columns are the report's columns, in order (SPEC §9).
var Columns = []string{"source", "row", "status", "cardno", "extid", "name", "phone", "mbno", "id", "balance", "attempts", "message"}

// Line is one row of the reconciliation report.
type Line struct {
	Source   string // roster file, and ":sheet" for xlsx
	Row      int    // row number as the user sees it in the roster
	Status   Status
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
	Status   Status // issued, or unknown when the call's outcome was lost
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

// MaskPhone hides the middle of a phone number: 13800135678 → 138****5678.
// Numbers of 11 or more characters keep their first 3 and last 4, numbers
// of 8 to 10 (Hong Kong, Macau) their first 2 and last 2, shorter numbers
// only their last two; so from six characters on at least four are hidden.
// The mask is always four stars: it does not tell the length.
func MaskPhone(p string) string {
	r := []rune(p)
	switch n := len(r); {
	case n == 0:
		return ""
	case n >= 11:
		return string(r[:3]) + "****" + string(r[n-4:])
	case n >= 8:
		return string(r[:2]) + "****" + string(r[n-2:])
	case n > 2:
		return "****" + string(r[n-2:])
	default:
		return "****"
	}
}
