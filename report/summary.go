package report

import (
	"time"

	"github.com/cardimport/cardimport/importer/platform"
)

// Summary describes a whole run: printed at the end, written as the XLSX
// report's summary sheet, and printed as JSON on stdout with --json.
type Summary struct {
	Command  string `json:"command"` // import, validate, generate
	Target   string `json:"target,omitempty"`
	Endpoint string `json:"endpoint,omitempty"` // "sandbox" or the URL (never credentials)
	Sandbox  bool   `json:"sandbox,omitempty"`  // nothing real was issued

	Rosters []RosterInfo            `json:"rosters"`
	Rows    int                     `json:"rows"`   // roster rows reported (blank rows excluded)
	Counts  map[platform.Status]int `json:"counts"` // rows per final status

	Requests  int64 `json:"requests"`
	Retries   int64 `json:"retries"`
	Throttled int64 `json:"throttled"`

	Started    time.Time     `json:"started"`
	Elapsed    time.Duration `json:"-"`
	ElapsedSec float64       `json:"elapsed_seconds"`
	RowsPerSec float64       `json:"rows_per_second"`

	// Totals over the roster's valid rows beside what the platform confirmed
	// for the rows it issued, as exact decimal text.
	RosterBalance    string `json:"roster_balance"`
	RosterPoints     string `json:"roster_points"`
	ConfirmedBalance string `json:"confirmed_balance,omitempty"`
	ConfirmedPoints  string `json:"confirmed_points,omitempty"`

	Report  string `json:"report,omitempty"`
	Rejects string `json:"rejects,omitempty"` // "" when there were no rejects
	Journal string `json:"journal,omitempty"`

	Warnings    []string `json:"warnings,omitempty"`
	Interrupted bool     `json:"interrupted,omitempty"`
	Fatal       string   `json:"fatal,omitempty"`
	ExitCode    int      `json:"exit_code"`
}

// RosterInfo describes one roster file of the run.
type RosterInfo struct {
	Path      string `json:"path"`
	Sheet     string `json:"sheet,omitempty"`
	Format    string `json:"format"`             // xlsx or csv
	Encoding  string `json:"encoding,omitempty"` // csv: utf-8, utf-8-bom, utf-16le, utf-16be, gb18030
	Delimiter string `json:"delimiter,omitempty"`
	Rows      int    `json:"rows"`
}
