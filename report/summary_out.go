package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// SandboxBanner is the line every sandbox summary carries (a message key:
// print it with a lang.Printer).
const SandboxBanner = "SANDBOX — nothing real was issued"

var _ = lang.Msg(SandboxBanner, "【沙箱】模拟平台，没有发出任何真实的卡")

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

// statusCounts are the rows per status, written in statusOrder: JSON as an
// object, people as one row per status.
type statusCounts map[platform.Status]int

// MarshalJSON writes the counts in statusOrder (encoding/json would sort
// the keys).
func (c statusCounts) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, st := range statusOrder(c) {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(string(st))
		if err != nil {
			return nil, err
		}
		b = append(append(b, k...), ':')
		b = strconv.AppendInt(b, int64(c[st]), 10)
	}
	return append(b, '}'), nil
}

// MarshalJSON encodes the summary's entries (see entries) with its derived
// fields filled (see WriteJSON) and "counts" holding every status, in
// platform.Statuses order. Decoding uses the fields' json tags, which name
// the same keys.
func (s Summary) MarshalJSON() ([]byte, error) {
	n := s.normalized()
	b := []byte{'{'}
	for _, e := range n.entries(nil) {
		if e.omitEmpty && isEmpty(e.value) {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		k, err := json.Marshal(e.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(e.value)
		if err != nil {
			return nil, fmt.Errorf("summary %s: %w", e.key, err)
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// isEmpty reports whether v is what omitempty leaves out: false, 0, "", or
// an empty slice or map.
func isEmpty(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Invalid:
		return true
	case reflect.Slice, reflect.Map, reflect.String:
		return rv.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return rv.IsZero()
	case reflect.Pointer:
		return rv.IsNil()
	}
	return false
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

// byPart returns the entries in the order people read them: by part, and
// in list order within a part.
func byPart(entries []summaryEntry) []summaryEntry {
	return slices.SortedStableFunc(slices.Values(entries), func(a, b summaryEntry) int {
		return cmp.Compare(a.part, b.part)
	})
}

// humanRows are an entry's rows for people, in p's language: its label and
// value, none when the value is empty (numbers excepted), one row per item
// of a list, the entry's yes for a true bool, a time as RFC 3339.
func humanRows(p *lang.Printer, e summaryEntry) []summaryRow {
	label := ""
	if e.label != "" {
		label = p.Sprintf(e.label)
	}
	switch v := e.value.(type) {
	case string:
		if v == "" {
			return nil
		}
	case bool:
		if !v {
			return nil
		}
		return []summaryRow{{label, p.Sprintf(e.yes)}}
	case time.Time:
		if v.IsZero() {
			return nil
		}
		return []summaryRow{{label, v.Format(time.RFC3339)}}
	case statusCounts:
		rows := make([]summaryRow, 0, len(v))
		for _, st := range statusOrder(v) {
			rows = append(rows, summaryRow{StatusLabel(p, st), v[st]})
		}
		return rows
	case []RosterInfo:
		rows := make([]summaryRow, len(v))
		for i, r := range v {
			rows[i] = summaryRow{label, p.Sprintf(msgInParens, r.Path, rosterDetails(p, r))}
		}
		return rows
	case *RunError:
		if v == nil {
			return nil
		}
		return []summaryRow{{label, p.Sprintf(msgExitError, strconv.Itoa(v.Code), v.Message)}}
	case []string:
		rows := make([]summaryRow, len(v))
		for i, s := range v {
			rows[i] = summaryRow{label, s}
		}
		return rows
	}
	return []summaryRow{{label, e.value}}
}
