package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
)

// SandboxBanner is the line every sandbox summary carries.
const SandboxBanner = "SANDBOX — nothing real was issued"

// normalized returns a copy of s with the derived fields filled: ElapsedSec
// from Elapsed, RowsPerSec from Rows and the elapsed time, a count for every
// status (zero included), and Rosters never nil.
func (s Summary) normalized() Summary {
	if s.ElapsedSec == 0 && s.Elapsed > 0 {
		s.ElapsedSec = math.Round(s.Elapsed.Seconds()*1000) / 1000
	}
	if s.Elapsed == 0 && s.ElapsedSec > 0 {
		s.Elapsed = time.Duration(s.ElapsedSec * float64(time.Second))
	}
	if s.RowsPerSec == 0 && s.Rows > 0 && s.Elapsed > 0 {
		s.RowsPerSec = math.Round(float64(s.Rows)/s.Elapsed.Seconds()*10) / 10
	}
	if s.Rosters == nil {
		s.Rosters = []RosterInfo{} // "rosters": [] rather than null
	}
	counts := make(map[platform.Status]int, len(platform.Statuses)+len(s.Counts))
	for _, st := range platform.Statuses {
		counts[st] = 0
	}
	for k, v := range s.Counts {
		counts[k] = v
	}
	s.Counts = counts
	return s
}

// statusOrder returns the keys of counts: platform.Statuses first, in their order,
// then any others sorted.
func statusOrder(counts map[platform.Status]int) []platform.Status {
	order := slices.Clone(platform.Statuses)
	var extra []platform.Status
	for k := range counts {
		if !slices.Contains(platform.Statuses, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	return append(order, extra...)
}

// plainSummary has Summary's fields and none of its methods.
type plainSummary Summary

// MarshalJSON encodes the summary with its derived fields filled (see
// WriteJSON) and "counts" holding every status, in platform.Statuses order.
func (s Summary) MarshalJSON() ([]byte, error) {
	n := s.normalized()
	var counts bytes.Buffer
	counts.WriteByte('{')
	for i, st := range statusOrder(n.Counts) {
		if i > 0 {
			counts.WriteByte(',')
		}
		k, err := json.Marshal(string(st))
		if err != nil {
			return nil, err
		}
		counts.Write(k)
		counts.WriteByte(':')
		counts.WriteString(strconv.Itoa(n.Counts[st]))
	}
	counts.WriteByte('}')

	// encoding/json sorts map keys; to keep platform.Statuses order the map is left
	// out and its object spliced in. `"counts":null` can only be that key:
	// inside a JSON string every '"' is escaped.
	p := plainSummary(n)
	p.Counts = nil
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	const hole = `"counts":null`
	i := bytes.Index(b, []byte(hole))
	if i < 0 {
		return nil, fmt.Errorf("summary: no counts in %s", b)
	}
	out := make([]byte, 0, len(b)+counts.Len())
	out = append(out, b[:i+len(`"counts":`)]...)
	out = append(out, counts.Bytes()...)
	return append(out, b[i+len(hole):]...), nil
}

// WriteJSON writes the summary as indented JSON (--json): ElapsedSec and
// RowsPerSec filled from Elapsed when zero, and a "counts" entry for every
// status, zeros included and in a fixed order, so that schedulers can rely
// on the keys.
func (s *Summary) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

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
	line := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "  %-10s %s\n", label, fmt.Sprintf(format, args...))
	}
	if n.Sandbox {
		b.WriteString(SandboxBanner + "\n")
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
	b.WriteString(head + "\n")

	// Counts right-aligned on the widest number, the row count included.
	width := len(groupDigits(int64(n.Rows)))
	for _, c := range n.Counts {
		width = max(width, len(groupDigits(int64(c))))
	}
	for _, st := range statusOrder(n.Counts) {
		if c := n.Counts[st]; c > 0 || (st == platform.StatusIssued && n.Command != "validate") {
			line(string(st), "%*s", width, groupDigits(int64(c)))
		}
	}
	rows := fmt.Sprintf("%*s", width, groupDigits(int64(n.Rows)))
	if n.RowsPerSec > 0 {
		rows += fmt.Sprintf(" (%s rows/s)", strconv.FormatFloat(n.RowsPerSec, 'f', 1, 64))
	}
	line("rows", "%s", rows)
	if n.Command != "validate" || n.Requests > 0 {
		line("requests", "%s, retries %s, throttled %s", groupDigits(n.Requests), groupDigits(n.Retries), groupDigits(n.Throttled))
	}
	line("elapsed", "%s", n.Elapsed.Round(time.Millisecond))
	if t := totals(n.RosterBalance, n.ConfirmedBalance); t != "" {
		line("balance", "%s", t)
	}
	if t := totals(n.RosterPoints, n.ConfirmedPoints); t != "" {
		line("points", "%s", t)
	}
	for _, r := range n.Rosters {
		line("roster", "%s (%s)", r.Path, rosterDetails(r))
	}
	for _, f := range []struct{ label, path string }{
		{"report", n.Report}, {"rejects", n.Rejects}, {"journal", n.Journal},
	} {
		if f.path != "" {
			line(f.label, "%s", f.path)
		}
	}
	for _, wmsg := range n.Warnings {
		line("warning", "%s", wmsg)
	}
	if n.Interrupted {
		b.WriteString("INTERRUPTED — the run stopped early; run the same command again to continue\n")
	}
	if n.Fatal != "" {
		line("fatal", "%s", n.Fatal)
	}
	if n.ExitCode != 0 {
		line("exit code", "%d", n.ExitCode)
	}
	_, err := io.WriteString(w, b.String())
	return err
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
