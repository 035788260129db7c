package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

// journal unresolved tells the truth: generate calls of unknown outcome
// (which make generate refuse), rows left sending with their source and
// row, pending rows; a refused run is not "running, or died"; --json.
func TestJournalUnresolvedTellsTheTruth(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	j, err := journal.Open(ctx, path, journal.Options{Target: "mb", Merchant: "m", Command: "generate"})
	if err != nil {
		t.Fatal(err)
	}
	j.BeginGenerate(ctx, 1, 50, "100") // a call that died in flight
	card := &platform.Card{Card: validate.Card{Cardno: "100101", Extid: "109", Name: "西瓜", Phone: "18862302465"}, Source: "r.xlsx:会员", Row: 7}
	if _, err := j.Claim(ctx, 1, []*platform.Card{card}); err != nil {
		t.Fatal(err)
	}
	j.Close() // no Finish: the run stopped before its summary

	c := newCLI(t)
	r := c.run("journal", "unresolved", "--journal", path)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"r.xlsx:会员", "7", "100101", "sending", "1 generate call(s) of unknown outcome", "--accept-unresolved"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("unresolved does not say %q:\n%s", want, r.stdout)
		}
	}
	r = c.run("journal", "stats", "--journal", path)
	if strings.Contains(r.stdout, "running, or died") || !strings.Contains(r.stdout, "stopped before its summary") {
		t.Errorf("a stopped run is listed as running:\n%s", r.stdout)
	}
	r = c.run("journal", "unresolved", "--journal", path, "--json")
	var doc struct {
		Cards []struct {
			Cardno, Source, Status string
			Row                    int
		} `json:"cards"`
		Generate []struct {
			Status string `json:"status"`
			Count  int    `json:"count"`
		} `json:"generate_calls"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if len(doc.Cards) != 1 || doc.Cards[0].Row != 7 || len(doc.Generate) != 1 || doc.Generate[0].Count != 50 {
		t.Errorf("--json = %+v", doc)
	}
	if r := c.run("journal", "--journal", filepath.Join(t.TempDir(), "none.db")); r.code != exitFatal || !strings.Contains(r.stderr, "no journal") {
		t.Errorf("missing journal: exit %d %s", r.code, r.stderr)
	}
}
