package report

import (
	"strconv"

	"github.com/cardimport/cardimport/importer/platform"
)

// Line is one row of the reconciliation report; lineColumns says how it is
// written.
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
// generatedColumns says how it is written.
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

// The column tables below are the only place that knows the report's columns:
// every writer (CSV, XLSX, JSON) iterates them, for the header and for each
// row. Adding a column is one line in a table (and its field in Line or
// Generated); no writer addresses a column by its position.

// lineColumns are the columns of a roster report, in order (SPEC §9).
var lineColumns = []column[Line]{
	// name, XLSX width, kind, masked, value
	{"source", 28, kindFreeText, false, func(l *Line) string { return l.Source }},
	{"row", 7, kindNumber, false, func(l *Line) string { return strconv.Itoa(l.Row) }},
	{"status", 10, kindPlain, false, func(l *Line) string { return string(l.Status) }},
	{"cardno", 18, kindIdentifier, false, func(l *Line) string { return l.Cardno }},
	{"extid", 16, kindIdentifier, false, func(l *Line) string { return l.Extid }},
	{"name", 12, kindFreeText, false, func(l *Line) string { return l.Name }},
	{"phone", 14, kindIdentifier, true, func(l *Line) string { return l.Phone }},
	{"mbno", 18, kindIdentifier, false, func(l *Line) string { return l.Mbno }},
	{"id", 12, kindIdentifier, false, func(l *Line) string { return l.ID }},
	{"balance", 12, kindIdentifier, false, func(l *Line) string { return l.Balance }},
	{"attempts", 9, kindNumber, false, func(l *Line) string { return strconv.Itoa(l.Attempts) }},
	{"message", 60, kindFreeText, false, lineMessage},
}

// generatedColumns are the columns of a generate-mode report, in order. The
// password is the point of that report: it is written in full.
var generatedColumns = []column[Generated]{
	// name, XLSX width, kind, masked, value
	{"batch", 7, kindNumber, false, func(g *Generated) string { return strconv.Itoa(g.Batch) }},
	{"status", 10, kindPlain, false, func(g *Generated) string { return string(g.Status) }},
	{"id", 12, kindIdentifier, false, func(g *Generated) string { return g.ID }},
	{"cardno", 20, kindIdentifier, false, func(g *Generated) string { return g.Cardno }},
	{"mbno", 18, kindIdentifier, false, func(g *Generated) string { return g.Mbno }},
	{"password", 14, kindIdentifier, false, func(g *Generated) string { return g.Password }},
	{"extid", 16, kindIdentifier, false, func(g *Generated) string { return g.Extid }},
	{"balance", 12, kindIdentifier, false, func(g *Generated) string { return g.Balance }},
	{"message", 50, kindFreeText, false, func(g *Generated) string { return g.Message }},
}

// Columns are the report's column names, in order (SPEC §9).
var Columns = columnNames(lineColumns)

// GeneratedColumns are the column names of a generate-mode report.
var GeneratedColumns = columnNames(generatedColumns)
