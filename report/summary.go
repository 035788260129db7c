package report

import (
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
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
	// The request rate the run ended at and the lowest it went to
	// (throttling lowers it), requests/s; 0 when no platform was asked.
	Rate       float64 `json:"rate,omitempty"`
	RateLowest float64 `json:"rate_lowest,omitempty"`

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
	// Error is set when the run ended on a fatal or usage error: the
	// {"error": {"code", "message"}} every --json document carries then
	// (SPEC §1).
	Error    *RunError `json:"error,omitempty"`
	ExitCode int       `json:"exit_code"`
}

// RunError is the error of a run that stopped: its exit code and message.
type RunError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
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

// The labels of the summary's entries, in English and Chinese.
var (
	labelCommand          = lang.Msg("command", "命令")
	labelTarget           = lang.Msg("target", "平台")
	labelEndpoint         = lang.Msg("endpoint", "接口地址")
	labelSandbox          = lang.Msg("sandbox", "沙箱")
	labelRoster           = lang.Msg("roster", "名单")
	labelRows             = lang.Msg("rows", "行数")
	labelRequests         = lang.Msg("requests", "请求")
	labelRetries          = lang.Msg("retries", "重试")
	labelThrottled        = lang.Msg("throttled", "被限流")
	labelRateReq          = lang.Msg("rate (req/s)", "速率（次/秒）")
	labelRateLowest       = lang.Msg("lowest rate (req/s)", "最低速率（次/秒）")
	labelStarted          = lang.Msg("started", "开始时间")
	labelElapsedSec       = lang.Msg("elapsed (s)", "用时（秒）")
	labelRowsPerSec       = lang.Msg("rows/s", "每秒行数")
	labelRosterBalance    = lang.Msg("roster balance", "名单余额合计")
	labelRosterPoints     = lang.Msg("roster points", "名单积分合计")
	labelConfirmedBalance = lang.Msg("confirmed balance", "平台确认余额")
	labelConfirmedPoints  = lang.Msg("confirmed points", "平台确认积分")
	labelReport           = lang.Msg("report", "报告")
	labelRejects          = lang.Msg("rejects", "待修正名单")
	labelJournal          = lang.Msg("journal", "发卡记录")
	labelWarning          = lang.Msg("warning", "警告")
	labelInterrupted      = lang.Msg("interrupted", "中断")
	labelFatal            = lang.Msg("fatal", "严重错误")
	labelError            = lang.Msg("error", "错误")
	labelExitCode         = lang.Msg("exit code", "退出码")
)

// entries lists the summary's entries, each once, in the order of the JSON
// summary. Every rendering iterates this list: the JSON summary (key and
// value), the summary sheet and the text summary (label and value, by part;
// see summaryEntry), the labels and words in p's language (JSON ignores
// them: p may be nil). Adding an entry is one line here, beside its field
// above. Call it on a normalized summary.
func (n *Summary) entries(p *lang.Printer) []summaryEntry {
	t := summaryText{n, p}
	return []summaryEntry{
		{key: "command", label: labelCommand, part: partHead, value: n.Command, text: t.headLines},
		{key: "target", label: labelTarget, part: partHead, value: n.Target, omitEmpty: true, text: onAnotherLine},
		{key: "endpoint", label: labelEndpoint, part: partHead, value: n.Endpoint, omitEmpty: true, text: onAnotherLine},
		{key: "sandbox", label: labelSandbox, part: partHead, value: n.Sandbox, omitEmpty: true, yes: SandboxBanner, text: onAnotherLine},
		{key: "rosters", label: labelRoster, part: partRosters, value: n.Rosters},
		{key: "rows", label: labelRows, part: partRun, value: n.Rows, text: t.rowsLine},
		{key: "counts", part: partCounts, value: statusCounts(n.Counts), text: t.countLines},
		{key: "requests", label: labelRequests, part: partRun, value: n.Requests, text: t.requestsLine},
		{key: "retries", label: labelRetries, part: partRun, value: n.Retries, text: onAnotherLine},
		{key: "throttled", label: labelThrottled, part: partRun, value: n.Throttled, text: onAnotherLine},
		{key: "rate", label: labelRateReq, part: partRun, value: n.Rate, omitEmpty: true, text: t.rateLine},
		{key: "rate_lowest", label: labelRateLowest, part: partRun, value: n.RateLowest, omitEmpty: true, text: onAnotherLine},
		{key: "started", label: labelStarted, part: partHead, value: n.Started, text: onAnotherLine},
		{key: "elapsed_seconds", label: labelElapsedSec, part: partRun, value: n.ElapsedSec, text: t.elapsedLine},
		{key: "rows_per_second", label: labelRowsPerSec, part: partRun, value: n.RowsPerSec, text: onAnotherLine},
		{key: "roster_balance", label: labelRosterBalance, part: partBalance, value: n.RosterBalance, text: t.balanceLine},
		{key: "roster_points", label: labelRosterPoints, part: partPoints, value: n.RosterPoints, text: t.pointsLine},
		{key: "confirmed_balance", label: labelConfirmedBalance, part: partBalance, value: n.ConfirmedBalance, omitEmpty: true, text: onAnotherLine},
		{key: "confirmed_points", label: labelConfirmedPoints, part: partPoints, value: n.ConfirmedPoints, omitEmpty: true, text: onAnotherLine},
		{key: "report", label: labelReport, part: partEnd, value: n.Report, omitEmpty: true},
		{key: "rejects", label: labelRejects, part: partEnd, value: n.Rejects, omitEmpty: true},
		{key: "journal", label: labelJournal, part: partEnd, value: n.Journal, omitEmpty: true},
		{key: "warnings", label: labelWarning, part: partEnd, value: n.Warnings, omitEmpty: true},
		{key: "interrupted", label: labelInterrupted, part: partEnd, value: n.Interrupted, omitEmpty: true, yes: interruptedYes, text: t.interruptedLine},
		{key: "fatal", label: labelFatal, part: partEnd, value: n.Fatal, omitEmpty: true},
		{key: "error", label: labelError, part: partEnd, value: n.Error, omitEmpty: true, text: onAnotherLine},
		{key: "exit_code", label: labelExitCode, part: partEnd, value: n.ExitCode, text: t.exitCodeLine},
	}
}

// summaryEntry is one entry of the run summary: what JSON calls it, what
// people read, and its value.
type summaryEntry struct {
	key       string      // JSON key (the field's json tag says the same, for decoding)
	label     string      // label on the summary sheet and in the text summary (a message key)
	part      summaryPart // where people look for it
	value     any         // encoded as encoding/json does; shown by humanRows
	omitEmpty bool        // JSON leaves it out when empty (the tag's omitempty)
	yes       string      // a bool entry: what people read when it is true (a message key)

	// text returns the entry's lines in the text summary when they are not
	// humanRows': a condensed layout that puts several entries on one line
	// (the others return none) and leaves out what is not worth a line.
	text func() []summaryRow
}

// summaryPart groups the entries for people: the text summary and the
// summary sheet show the parts in this order, each part's entries in list
// order. The JSON summary follows the list alone.
type summaryPart int

const (
	partHead    summaryPart = iota // what ran, where and when
	partCounts                     // rows per status
	partRun                        // rows, requests, time
	partBalance                    // the roster's total balance beside the platform's
	partPoints                     // the same for points
	partRosters                    // the rosters read
	partEnd                        // files written, warnings, how the run ended
)

// summaryRow is one labelled value for people: a row of the summary sheet,
// a line of the text summary (which writes a row without label as it is).
// The label is in the reader's language already.
type summaryRow struct {
	label string
	value any
}

// interruptedYes is the summary sheet's word for an interrupted run.
var interruptedYes = lang.Msg("yes — run the same command again to continue", "是——再运行一次同样的命令即可接着做完")
