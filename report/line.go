package report

import (
	"strconv"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
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
// row. A column's name is what CSV and JSON call it in every language; the
// XLSX header shows its title in the reader's language, registered beside
// it (lang.Msg returns the name). Adding a column is one line in a table
// (and its field in Line or Generated); no writer addresses a column by its
// position.

// lineColumns are the columns of a roster report, in order (SPEC §9).
var lineColumns = []column[Line]{
	// name, XLSX width, kind, masked, value
	{lang.Msg("source", "来源"), 28, kindFreeText, false, func(l *Line) string { return l.Source }},
	{lang.Msg("row", "行号"), 7, kindNumber, false, func(l *Line) string { return strconv.Itoa(l.Row) }},
	{lang.Msg("status", "状态"), 10, kindStatus, false, func(l *Line) string { return string(l.Status) }},
	{lang.Msg("cardno", "卡号"), 18, kindIdentifier, false, func(l *Line) string { return l.Cardno }},
	{lang.Msg("extid", "卡内编码"), 16, kindIdentifier, false, func(l *Line) string { return l.Extid }},
	{lang.Msg("name", "姓名"), 12, kindFreeText, false, func(l *Line) string { return l.Name }},
	{lang.Msg("phone", "手机号"), 14, kindIdentifier, true, func(l *Line) string { return l.Phone }},
	{lang.Msg("mbno", "会员号"), 18, kindIdentifier, false, func(l *Line) string { return l.Mbno }},
	{lang.Msg("id", "卡ID"), 12, kindIdentifier, false, func(l *Line) string { return l.ID }},
	{lang.Msg("balance", "余额"), 12, kindIdentifier, false, func(l *Line) string { return l.Balance }},
	{lang.Msg("attempts", "尝试次数"), 9, kindNumber, false, func(l *Line) string { return strconv.Itoa(l.Attempts) }},
	{lang.Msg("message", "说明"), 60, kindFreeText, false, lineMessage},
}

// generatedColumns are the columns of a generate-mode report, in order. The
// password is the point of that report: it is written in full.
var generatedColumns = []column[Generated]{
	// name, XLSX width, kind, masked, value
	{lang.Msg("batch", "批次"), 7, kindNumber, false, func(g *Generated) string { return strconv.Itoa(g.Batch) }},
	{lang.Msg("status", "状态"), 10, kindStatus, false, func(g *Generated) string { return string(g.Status) }},
	{lang.Msg("id", "卡ID"), 12, kindIdentifier, false, func(g *Generated) string { return g.ID }},
	{lang.Msg("cardno", "卡号"), 20, kindIdentifier, false, func(g *Generated) string { return g.Cardno }},
	{lang.Msg("mbno", "会员号"), 18, kindIdentifier, false, func(g *Generated) string { return g.Mbno }},
	{lang.Msg("password", "密码"), 14, kindIdentifier, false, func(g *Generated) string { return g.Password }},
	{lang.Msg("extid", "卡内编码"), 16, kindIdentifier, false, func(g *Generated) string { return g.Extid }},
	{lang.Msg("balance", "余额"), 12, kindIdentifier, false, func(g *Generated) string { return g.Balance }},
	{lang.Msg("message", "说明"), 50, kindFreeText, false, func(g *Generated) string { return g.Message }},
}

// Columns are the report's column names, in order (SPEC §9).
var Columns = columnNames(lineColumns)

// GeneratedColumns are the column names of a generate-mode report.
var GeneratedColumns = columnNames(generatedColumns)
