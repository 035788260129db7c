package journal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
)

// A card number is "already issued" only to the same holder (SPEC §5): the
// journal keeps the issuing row's fingerprint and a later row with the same
// number and another holder is told who holds it, never given its ids.
func TestClaimComparesTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	j := open(t, path)
	a := card("A")
	if _, err := j.Claim(ctx, 1, []*platform.Card{a}); err != nil {
		t.Fatal(err)
	}
	a.Source, a.Row = "roster.xlsx:会员", 5
	if err := j.Record(ctx, []Outcome{{Card: a, Status: platform.StatusIssued, Answer: platform.Answer{ID: "1", Mbno: "M1"}}}); err != nil {
		t.Fatal(err)
	}
	j.Close()

	tests := []struct {
		name     string
		edit     func(c *platform.Card)
		issued   bool
		differs  string // what the conflict names as different
		conflict bool
	}{
		{"same holder", func(*platform.Card) {}, true, "", false},
		{"same holder, other balance", func(c *platform.Card) { c.HasBalance = true; c.Balance.Fen = 500 }, true, "", false},
		{"other phone", func(c *platform.Card) { c.Phone = "13900139000" }, false, "phone", true},
		{"other name", func(c *platform.Card) { c.Name = "哈密瓜" }, false, "name", true},
		{"other in-card code", func(c *platform.Card) { c.Extid = "e9" }, false, "in-card code", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := open(t, path)
			defer j.Close()
			c := card("A")
			tt.edit(c)
			priors, err := j.Claim(ctx, 2, []*platform.Card{c})
			if err != nil {
				t.Fatal(err)
			}
			p := priors[0]
			if p.Issued != tt.issued || (p.Holder != nil) != tt.conflict {
				t.Fatalf("prior = %+v, want issued=%v conflict=%v", p, tt.issued, tt.conflict)
			}
			if !tt.conflict {
				if p.Answer.Mbno != "M1" {
					t.Errorf("same holder lost the ids: %+v", p.Answer)
				}
				return
			}
			if p.Answer.ID != "" || p.Answer.Mbno != "" {
				t.Errorf("another holder was given the card's ids: %+v", p.Answer)
			}
			h := p.Holder
			if h.Source != "roster.xlsx:会员" || h.Row != 5 || h.Name != "西瓜" || h.Phone != "188****2465" || h.When == "" {
				t.Errorf("holder = %+v", h)
			}
			if !strings.Contains(strings.Join(h.Differs, ","), tt.differs) {
				t.Errorf("differs = %v, want %s", h.Differs, tt.differs)
			}
			if msg := h.String(nil); !strings.Contains(msg, "188****2465") || strings.Contains(msg, "18862302465") || !strings.Contains(msg, "row 5") {
				t.Errorf("message %q must name where and to whom, phone masked", msg)
			}
		})
	}
	// The conflicting claims never overwrote the issuing row's entry.
	j = open(t, path)
	defer j.Close()
	priors, _ := j.Claim(ctx, 3, []*platform.Card{card("A")})
	if !priors[0].Issued || priors[0].Answer.Mbno != "M1" {
		t.Errorf("the issued entry was overwritten: %+v", priors[0])
	}
}

// A journal written by schema version 1 has no fingerprints: the holder is
// compared on what it kept (in-card code, name, masked phone).
func TestMigrationFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	db, err := openSQL(path, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], `INSERT INTO meta VALUES ('schema_version', '1')`,
		`INSERT INTO cards (target, merchant, cardno, status, id, mbno, extid, name, phone, source, row, created, updated, run)
		 VALUES ('mb', 'g/m', 'A', 'issued', '1', 'M1', 'eA', '西瓜', '188****2465', 'old.csv', 7, '2026-11-30T10:00:00Z', '2026-11-30T10:00:00Z', 'r1')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	j := open(t, path)
	defer j.Close()
	same, other := card("A"), card("A")
	other.Phone = "18862309999"
	priors, err := j.Claim(ctx, 1, []*platform.Card{same})
	if err != nil {
		t.Fatal(err)
	}
	if !priors[0].Issued {
		t.Errorf("same holder from a version-1 journal: %+v", priors[0])
	}
	priors, _ = j.Claim(ctx, 2, []*platform.Card{other})
	if priors[0].Holder == nil || priors[0].Holder.Row != 7 {
		t.Errorf("another phone from a version-1 journal: %+v", priors[0])
	}
}

// A journal that lost its data is never silently recreated (SPEC §6).
func TestLostJournalIsRefused(t *testing.T) {
	issue := func(t *testing.T, path string) {
		j := open(t, path)
		a := card("A")
		j.Claim(ctx, 1, []*platform.Card{a})
		j.Record(ctx, []Outcome{{Card: a, Status: platform.StatusIssued, Answer: platform.Answer{ID: "1", Mbno: "M1"}}})
		j.Close()
	}
	t.Run("emptied file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "j.db")
		issue(t, path)
		if err := os.Truncate(path, 0); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, path, Options{Target: "mb", Merchant: "g/m"})
		if !errors.Is(err, ErrLost) || !strings.Contains(err.Error(), "--new-journal") {
			t.Fatalf("err = %v, want ErrLost naming --new-journal", err)
		}
		j, err := Open(ctx, path, Options{Target: "mb", Merchant: "g/m", NewJournal: true})
		if err != nil {
			t.Fatalf("--new-journal: %v", err)
		}
		j.Close()
		kept, _ := filepath.Glob(path + ".lost-*")
		if len(kept) == 0 {
			t.Error("the damaged journal was not kept aside")
		}
		// Once started anew, the next run opens it without complaint.
		open(t, path).Close()
	})
	t.Run("deleted file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "j.db")
		issue(t, path)
		os.Remove(path)
		if _, err := Open(ctx, path, Options{Target: "mb", Merchant: "g/m"}); !errors.Is(err, ErrLost) {
			t.Fatalf("err = %v, want ErrLost", err)
		}
	})
	t.Run("wal deleted after a crash", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "j.db")
		issue(t, path)
		// A second run claims cards and dies: its commits are in the WAL
		// only. Copy what a crash leaves on disk, minus the -wal.
		j := open(t, path)
		j.Claim(ctx, 1, []*platform.Card{card("B")})
		crash := filepath.Join(t.TempDir(), "j.db")
		for _, suffix := range []string{"", witnessSuffix} {
			b, err := os.ReadFile(path + suffix)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(crash+suffix, b, 0o600)
		}
		j.Close()
		if _, err := Open(ctx, crash, Options{Target: "mb", Merchant: "g/m"}); !errors.Is(err, ErrLost) || !strings.Contains(err.Error(), "missing from it") {
			t.Fatalf("err = %v, want ErrLost", err)
		}
	})
	t.Run("a new journal is no loss", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sub", "j.db")
		open(t, path).Close()
		open(t, path).Close()
	})
}

// The lock file is never opened through a symbolic link: a planted link
// would make the run truncate its target.
func TestLockRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "precious.txt")
	os.WriteFile(victim, []byte("keep me"), 0o644)
	path := filepath.Join(dir, "j.db")
	if err := os.Symlink(victim, path+".lock"); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := Open(ctx, path, Options{Target: "mb"}); err == nil {
		t.Fatal("opened a journal whose lock file is a symlink")
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the link's target was changed: %q", b)
	}
}

// The witness is private, and written whole: nothing of its writing is
// left beside it.
func TestWitnessIsPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.db")
	open(t, path).Close()
	fi, err := os.Stat(path + witnessSuffix)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("witness: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
