package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// The words of the text summary.
var (
	msgHeadTarget   = lang.Msg(" on %s", "，平台 %s")
	msgHeadEndpoint = lang.Msg(" (endpoint %s)", "（接口 %s）")
	msgHeadStarted  = lang.Msg(", started %s", "，开始于 %s")
	msgRowsPerSec   = lang.Msg(" (%s rows/s)", "（每秒 %s 行）")
	msgRequests     = lang.Msg("%s, retries %s, throttled %s", "%s 次，重试 %s 次，被限流 %s 次")
	labelRate       = lang.Msg("rate", "速率")
	msgRate         = lang.Msg("%s req/s", "每秒 %s 次")
	msgRateLowest   = lang.Msg(" (lowest %s)", "（最低 %s）")
	labelElapsed    = lang.Msg("elapsed", "用时")
	labelBalance    = lang.Msg("balance", "余额")
	labelPoints     = lang.Msg("points", "积分")
	msgTotalRoster  = lang.Msg("roster %s", "名单合计 %s")
	msgTotalConfirm = lang.Msg("confirmed %s", "平台确认 %s")
	msgTotalBoth    = lang.Msg("roster %s, confirmed %s", "名单合计 %s，平台确认 %s")
	msgInterrupted  = lang.Msg("INTERRUPTED — the run stopped early; run the same command again to continue",
		"已中断——运行提前停止了；再运行一次同样的命令即可接着做完")
	msgSheet     = lang.Msg("sheet %s", "工作表 %s")
	msgDelimiter = lang.Msg("delimiter %s", "分隔符 %s")
	msgNRows     = lang.Msg("%s rows", "%s 行")
	msgInParens  = lang.Msg("%s (%s)", "%s（%s）")
	msgExitError = lang.Msg("exit code %s: %s", "退出码 %s：%s")
)

// labelWidth is the width of the text summary's label column.
const labelWidth = 10

// WriteText writes the summary as a block for a terminal or a log, in p's
// language (nil: English): counts per status (zero counts left out, except
// issued), throughput, the roster and platform totals, the rosters, the
// files written, warnings, and a loud first line when nothing real was
// issued.
func (s *Summary) WriteText(w io.Writer, p *lang.Printer) error {
	if s == nil {
		s = &Summary{}
	}
	n := s.normalized()
	var b strings.Builder
	for _, e := range byPart(n.entries(p)) {
		rows := humanRows(p, e)
		if e.text != nil {
			rows = e.text()
		}
		for _, r := range rows {
			if r.label == "" {
				fmt.Fprintf(&b, "%v\n", r.value)
			} else {
				fmt.Fprintf(&b, "  %s %v\n", PadRight(r.label, labelWidth), r.value)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// onAnotherLine is the text of an entry that another entry's line shows.
func onAnotherLine() []summaryRow { return nil }

// summaryText makes the text summary's condensed lines, in p's language.
type summaryText struct {
	n *Summary
	p *lang.Printer
}

// headLines are the text summary's first lines: the sandbox banner, then
// what ran, where and when.
func (t summaryText) headLines() []summaryRow {
	n, p := t.n, t.p
	var rows []summaryRow
	if n.Sandbox {
		rows = append(rows, summaryRow{"", p.Sprintf(SandboxBanner)})
	}
	head := "cardimport"
	if n.Command != "" {
		head += " " + n.Command
	}
	if n.Target != "" {
		head += p.Sprintf(msgHeadTarget, n.Target)
	}
	if n.Endpoint != "" {
		head += p.Sprintf(msgHeadEndpoint, n.Endpoint)
	}
	if !n.Started.IsZero() {
		head += p.Sprintf(msgHeadStarted, n.Started.Format("2006-01-02 15:04:05"))
	}
	return append(rows, summaryRow{"", head})
}

// countWidth is the width the counts and the row count are right-aligned
// on: the widest of them.
func (n *Summary) countWidth() int {
	width := len(groupDigits(int64(n.Rows)))
	for _, c := range n.Counts {
		width = max(width, len(groupDigits(int64(c))))
	}
	return width
}

// countLines are the counts per status, zero counts left out except issued
// when something could have been issued.
func (t summaryText) countLines() []summaryRow {
	n := t.n
	var rows []summaryRow
	width := n.countWidth()
	for _, st := range statusOrder(n.Counts) {
		if c := n.Counts[st]; c > 0 || (st == platform.StatusIssued && n.Command != "validate") {
			rows = append(rows, summaryRow{StatusLabel(t.p, st), fmt.Sprintf("%*s", width, groupDigits(int64(c)))})
		}
	}
	return rows
}

// rowsLine is the row count with the throughput.
func (t summaryText) rowsLine() []summaryRow {
	n := t.n
	rows := fmt.Sprintf("%*s", n.countWidth(), groupDigits(int64(n.Rows)))
	if n.RowsPerSec > 0 {
		rows += t.p.Sprintf(msgRowsPerSec, strconv.FormatFloat(n.RowsPerSec, 'f', 1, 64))
	}
	return []summaryRow{{t.p.Sprintf(labelRows), rows}}
}

// requestsLine is the request counters, left out when a validation sent
// nothing.
func (t summaryText) requestsLine() []summaryRow {
	n := t.n
	if n.Command == "validate" && n.Requests == 0 {
		return nil
	}
	v := t.p.Sprintf(msgRequests, groupDigits(n.Requests), groupDigits(n.Retries), groupDigits(n.Throttled))
	return []summaryRow{{t.p.Sprintf(labelRequests), v}}
}

// rateLine says the rate the run ended at, and how low throttling took
// it when it did.
func (t summaryText) rateLine() []summaryRow {
	n := t.n
	if n.Rate == 0 {
		return nil
	}
	v := t.p.Sprintf(msgRate, strconv.FormatFloat(n.Rate, 'f', 1, 64))
	if n.RateLowest > 0 && n.RateLowest < n.Rate {
		v += t.p.Sprintf(msgRateLowest, strconv.FormatFloat(n.RateLowest, 'f', 1, 64))
	}
	return []summaryRow{{t.p.Sprintf(labelRate), v}}
}

func (t summaryText) elapsedLine() []summaryRow {
	return []summaryRow{{t.p.Sprintf(labelElapsed), Duration(t.p, t.n.Elapsed)}}
}

func (t summaryText) balanceLine() []summaryRow {
	return t.totalsLine(labelBalance, t.n.RosterBalance, t.n.ConfirmedBalance)
}

func (t summaryText) pointsLine() []summaryRow {
	return t.totalsLine(labelPoints, t.n.RosterPoints, t.n.ConfirmedPoints)
}

// totalsLine is a roster total beside the platform-confirmed one, or no
// line when both are unknown.
func (t summaryText) totalsLine(label, roster, confirmed string) []summaryRow {
	if v := totals(t.p, roster, confirmed); v != "" {
		return []summaryRow{{t.p.Sprintf(label), v}}
	}
	return nil
}

func (t summaryText) interruptedLine() []summaryRow {
	if !t.n.Interrupted {
		return nil
	}
	return []summaryRow{{"", t.p.Sprintf(msgInterrupted)}}
}

// exitCodeLine shows the exit code when it is not 0.
func (t summaryText) exitCodeLine() []summaryRow {
	if t.n.ExitCode == 0 {
		return nil
	}
	return []summaryRow{{t.p.Sprintf(labelExitCode), strconv.Itoa(t.n.ExitCode)}}
}

// totals renders a roster total beside the platform-confirmed one.
func totals(p *lang.Printer, roster, confirmed string) string {
	switch {
	case roster == "" && confirmed == "":
		return ""
	case confirmed == "":
		return p.Sprintf(msgTotalRoster, roster)
	case roster == "":
		return p.Sprintf(msgTotalConfirm, confirmed)
	}
	return p.Sprintf(msgTotalBoth, roster, confirmed)
}

// rosterDetails renders how a roster was read: format, sheet or encoding
// and delimiter, rows.
func rosterDetails(p *lang.Printer, r RosterInfo) string {
	parts := []string{r.Format}
	if r.Sheet != "" {
		parts = append(parts, p.Sprintf(msgSheet, r.Sheet))
	}
	if r.Encoding != "" {
		parts = append(parts, r.Encoding)
	}
	if r.Delimiter != "" {
		parts = append(parts, p.Sprintf(msgDelimiter, strconv.Quote(r.Delimiter)))
	}
	parts = append(parts, p.Sprintf(msgNRows, groupDigits(int64(r.Rows))))
	sep := ", "
	if p.Chinese() {
		sep = "，"
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}

// groupDigits writes n with thousands separators: 1234567 → 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
