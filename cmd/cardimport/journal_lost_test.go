package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A journal that lost its data is never silently recreated (SPEC §6): the
// run stops with what to do, and --new-journal starts anew, keeping the
// damaged files aside.
func TestLostJournalStopsTheRun(t *testing.T) {
	c := newCLI(t)
	roster := copySample(t, "roster.csv")
	dir := filepath.Dir(roster)
	jpath := filepath.Join(dir, "j.db")
	args := []string{"import", roster, "--journal", jpath, "--quiet", "--rate", "1000"}
	if r := c.run(args...); r.code != exitPartial {
		t.Fatalf("first import: exit %d\n%s", r.code, r.stderr)
	}
	if err := os.Truncate(jpath, 0); err != nil {
		t.Fatal(err)
	}
	r := c.run(args...)
	if r.code != exitFatal || !strings.Contains(r.stderr, "--new-journal") || !strings.Contains(r.stderr, "lost its data") {
		t.Fatalf("import over an emptied journal: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "roster.report.csv")); err != nil {
		t.Fatalf("the first run's report should still be there: %v", err)
	}
	r = c.run(append(args, "--new-journal")...)
	if r.code != exitPartial || !strings.Contains(r.stdout, "lost its data") {
		t.Fatalf("--new-journal: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if kept, _ := filepath.Glob(jpath + ".lost-*"); len(kept) == 0 {
		t.Error("the damaged journal was not kept aside")
	}
	// The sandbox beside the journal still had the first run's cards:
	// the new journal adopted them (same holders), issuing none twice.
	recs := readCSV(t, filepath.Join(dir, "roster.report.csv"))
	if n := countStatus(recs, "issued"); n != 190 {
		t.Errorf("%d issued after --new-journal, want the 190 cards adopted", n)
	}
	for _, rec := range recs[1:] {
		if rec[2] == "issued" && !strings.Contains(rec[11], "adopted") {
			t.Errorf("row %s: %q, want adopted", rec[1], rec[11])
			break
		}
	}
}
