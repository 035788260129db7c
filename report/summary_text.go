package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
)

// WriteText writes the summary as a block for a terminal or a log: counts
// per status (zero counts left out, except issued), throughput, the roster
// and platform totals, the rosters, the files written, warnings, and a loud
// first line when nothing real was issued.
func (s *Summary) WriteText(w io.Writer) error {
	if s == nil {
		s = &Summary{}
	}
	n := s.normalized()
	var b strings.Builder
	for _, e := range byPart(n.entries()) {
		rows := humanRows(e)
		if e.text != nil {
			rows = e.text()
		}
		for _, r := range rows {
			if r.label == "" {
				fmt.Fprintf(&b, "%v\n", r.value)
			} else {
				fmt.Fprintf(&b, "  %-10s %v\n", r.label, r.value)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// onAnotherLine is the text of an entry that another entry's line shows.
func onAnotherLine() []summaryRow { return nil }

// headLines are the text summary's first lines: the sandbox banner, then
// what ran, where and when.
func (n *Summary) headLines() []summaryRow {
	var rows []summaryRow
	if n.Sandbox {
		rows = append(rows, summaryRow{"", SandboxBanner})
	}
	head := "cardimport"
	if n.Command != "" {
		head += " " + n.Command
	}
	if n.Target != "" {
		head += " on " + n.Target
	}
	if n.Endpoint != "" {
		head += " (endpoint " + n.Endpoint + ")"
	}
	if !n.Started.IsZero() {
		head += ", started " + n.Started.Format("2006-01-02 15:04:05")
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
func (n *Summary) countLines() []summaryRow {
	var rows []summaryRow
	width := n.countWidth()
	for _, st := range statusOrder(n.Counts) {
		if c := n.Counts[st]; c > 0 || (st == platform.StatusIssued && n.Command != "validate") {
			rows = append(rows, summaryRow{string(st), fmt.Sprintf("%*s", width, groupDigits(int64(c)))})
		}
	}
	return rows
}

// rowsLine is the row count with the throughput.
func (n *Summary) rowsLine() []summaryRow {
	rows := fmt.Sprintf("%*s", n.countWidth(), groupDigits(int64(n.Rows)))
	if n.RowsPerSec > 0 {
		rows += fmt.Sprintf(" (%s rows/s)", strconv.FormatFloat(n.RowsPerSec, 'f', 1, 64))
	}
	return []summaryRow{{"rows", rows}}
}

// requestsLine is the request counters, left out when a validation sent
// nothing.
func (n *Summary) requestsLine() []summaryRow {
	if n.Command == "validate" && n.Requests == 0 {
		return nil
	}
	return []summaryRow{{"requests", fmt.Sprintf("%s, retries %s, throttled %s", groupDigits(n.Requests), groupDigits(n.Retries), groupDigits(n.Throttled))}}
}

// rateLine says the rate the run ended at, and how low throttling took
// it when it did.
func (n *Summary) rateLine() []summaryRow {
	if n.Rate == 0 {
		return nil
	}
	v := fmt.Sprintf("%.1f req/s", n.Rate)
	if n.RateLowest > 0 && n.RateLowest < n.Rate {
		v += fmt.Sprintf(" (lowest %.1f)", n.RateLowest)
	}
	return []summaryRow{{"rate", v}}
}

func (n *Summary) elapsedLine() []summaryRow {
	return []summaryRow{{"elapsed", n.Elapsed.Round(time.Millisecond).String()}}
}

func (n *Summary) balanceLine() []summaryRow {
	return totalsLine("balance", n.RosterBalance, n.ConfirmedBalance)
}

func (n *Summary) pointsLine() []summaryRow {
	return totalsLine("points", n.RosterPoints, n.ConfirmedPoints)
}

// totalsLine is a roster total beside the platform-confirmed one, or no
// line when both are unknown.
func totalsLine(label, roster, confirmed string) []summaryRow {
	if t := totals(roster, confirmed); t != "" {
		return []summaryRow{{label, t}}
	}
	return nil
}

func (n *Summary) interruptedLine() []summaryRow {
	if !n.Interrupted {
		return nil
	}
	return []summaryRow{{"", "INTERRUPTED — the run stopped early; run the same command again to continue"}}
}

// exitCodeLine shows the exit code when it is not 0.
func (n *Summary) exitCodeLine() []summaryRow {
	if n.ExitCode == 0 {
		return nil
	}
	return []summaryRow{{"exit code", strconv.Itoa(n.ExitCode)}}
}

// totals renders a roster total beside the platform-confirmed one.
func totals(roster, confirmed string) string {
	switch {
	case roster == "" && confirmed == "":
		return ""
	case confirmed == "":
		return "roster " + roster
	case roster == "":
		return "confirmed " + confirmed
	}
	return "roster " + roster + ", confirmed " + confirmed
}

// rosterDetails renders how a roster was read: format, sheet or encoding
// and delimiter, rows.
func rosterDetails(r RosterInfo) string {
	parts := []string{r.Format}
	if r.Sheet != "" {
		parts = append(parts, "sheet "+r.Sheet)
	}
	if r.Encoding != "" {
		parts = append(parts, r.Encoding)
	}
	if r.Delimiter != "" {
		parts = append(parts, "delimiter "+strconv.Quote(r.Delimiter))
	}
	parts = append(parts, groupDigits(int64(r.Rows))+" rows")
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), ", ")
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
