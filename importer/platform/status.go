package platform

// Status is the final verdict on one roster row: the word the report, the
// journal and the summary all use.
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
