package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
)

func TestSummaryTextGolden(t *testing.T) {
	var b bytes.Buffer
	if err := fixtureSummary().WriteText(&b, nil); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.txt", b.Bytes())
	if !strings.HasPrefix(b.String(), SandboxBanner+"\n") {
		t.Error("no sandbox banner")
	}
}

func TestSummaryTextMinimal(t *testing.T) {
	s := &Summary{Command: "validate", Rows: 1234567, Counts: map[platform.Status]int{platform.StatusValid: 1234560, platform.StatusInvalid: 7}, Elapsed: 90 * time.Second}
	var b bytes.Buffer
	if err := s.WriteText(&b, nil); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary_minimal.txt", b.Bytes())
	out := b.String()
	// Validation sends nothing: no issued count, no request counters.
	for _, absent := range []string{"SANDBOX", "skipped", "rejected", "balance", "report", "exit code", "issued", "requests"} {
		if strings.Contains(out, absent) {
			t.Errorf("%q in\n%s", absent, out)
		}
	}
	for _, present := range []string{"valid", "1,234,567", "13717.4 rows/s", "1m30s"} {
		if !strings.Contains(out, present) {
			t.Errorf("%q missing in\n%s", present, out)
		}
	}
	var nilSummary *Summary
	if err := nilSummary.WriteText(&b, nil); err != nil {
		t.Error(err)
	}
}

func TestSummaryJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := fixtureSummary().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.json", b.Bytes())
}

func TestSummaryJSONCounts(t *testing.T) {
	s := &Summary{Command: "import", Counts: map[platform.Status]int{platform.StatusRejected: 2, "weird": 1}, Elapsed: 1500 * time.Millisecond, Rows: 3}
	var b bytes.Buffer
	if err := s.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Counts     map[string]int `json:"counts"`
		ElapsedSec float64        `json:"elapsed_seconds"`
		RowsPerSec float64        `json:"rows_per_second"`
		Rosters    []RosterInfo   `json:"rosters"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if len(got.Counts) != len(platform.Statuses)+1 || got.Counts["rejected"] != 2 || got.Counts["issued"] != 0 || got.Counts["weird"] != 1 {
		t.Errorf("counts %v", got.Counts)
	}
	if got.ElapsedSec != 1.5 || got.RowsPerSec != 2 || got.Rosters == nil {
		t.Errorf("derived fields %+v", got)
	}
	// Keys in platform.Statuses order, extras after.
	out := b.String()
	last := -1
	for _, st := range append(platform.Statuses, "weird") {
		i := strings.Index(out, `"`+string(st)+`": `)
		if i < last {
			t.Errorf("%s out of order in\n%s", st, out)
		}
		last = i
	}
	if s.ElapsedSec != 0 || len(s.Counts) != 2 {
		t.Error("WriteJSON changed the summary")
	}
	// A given ElapsedSec is kept.
	s.ElapsedSec = 9
	b.Reset()
	_ = s.WriteJSON(&b)
	if !strings.Contains(b.String(), `"elapsed_seconds": 9,`) {
		t.Errorf("ElapsedSec overwritten:\n%s", b.String())
	}
	// Round trip.
	var back Summary
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Counts[platform.StatusRejected] != 2 {
		t.Errorf("round trip: %v %+v", err, back)
	}
}

func TestSummaryJSONTrickyStrings(t *testing.T) {
	// A warning that spells the counts key must not confuse the encoder.
	s := &Summary{Warnings: []string{`"counts":null`}, Fatal: `x","counts":null`}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if back.Warnings[0] != `"counts":null` || back.Fatal != `x","counts":null` || len(back.Counts) != len(platform.Statuses) {
		t.Errorf("got %s", b)
	}
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestSummaryEntriesMatchTags checks the entry list against Summary's json
// tags, which decoding uses: the same keys in the same order, omitempty
// where the entry is left out when empty, and no field without an entry.
func TestSummaryEntriesMatchTags(t *testing.T) {
	var keys []string
	omit := map[string]bool{}
	typ := reflect.TypeFor[Summary]()
	for i := range typ.NumField() {
		tag := typ.Field(i).Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		keys = append(keys, name)
		omit[name] = opts == "omitempty"
	}
	n := fixtureSummary().normalized()
	var got []string
	for _, e := range n.entries(nil) {
		got = append(got, e.key)
		if e.omitEmpty != omit[e.key] {
			t.Errorf("%s: omitEmpty %v, tag omitempty %v", e.key, e.omitEmpty, omit[e.key])
		}
		if e.label == "" && e.key != "counts" {
			t.Errorf("%s has no label", e.key)
		}
	}
	if strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Errorf("entries %v\njson tags %v", got, keys)
	}
}

// TestSummaryRenderingsShowEveryEntry fills every field and checks that the
// JSON summary has every key and the summary sheet every label: an entry
// added to the list reaches both.
func TestSummaryRenderingsShowEveryEntry(t *testing.T) {
	s := fixtureSummary()
	s.Interrupted, s.Fatal = true, "stopped"
	s.Error = &RunError{Code: 1, Message: "stopped"}
	s.Rate, s.RateLowest = 20, 7.5
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	n := s.normalized()
	labels := map[string]bool{}
	for _, e := range byPart(n.entries(nil)) {
		for _, r := range humanRows(nil, e) {
			labels[r.label] = true
		}
	}
	for _, e := range n.entries(nil) {
		if _, ok := doc[e.key]; !ok {
			t.Errorf("JSON has no %q", e.key)
		}
		if e.key != "counts" && !labels[e.label] {
			t.Errorf("summary sheet has no %q", e.label)
		}
	}
	if len(doc) != len(n.entries(nil)) {
		t.Errorf("JSON has %d keys, the list %d entries", len(doc), len(n.entries(nil)))
	}
}
