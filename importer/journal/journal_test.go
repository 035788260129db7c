package journal

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

var ctx = context.Background()

func open(t *testing.T, path string) *DB {
	t.Helper()
	j, err := Open(ctx, path, Options{Target: "mb", Merchant: "g/m", Command: "import"})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func card(no string) *platform.Card {
	return &platform.Card{Card: validate.Card{Cardno: no, Extid: "e" + no, Name: "西瓜", Phone: "18862302465"}}
}

func TestLifecycleAcrossRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cardimport.db")
	j := open(t, path)
	a, b, c, d := card("A"), card("B"), card("C"), card("D")
	priors, err := j.Claim(ctx, 1, []*platform.Card{a, b, c, d})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range priors {
		if p.Issued || p.InDoubt {
			t.Fatalf("fresh journal: prior %d = %+v", i, p)
		}
	}
	a.Attempts, b.Attempts = 1, 1
	a.Source, a.Row = "r.csv", 2
	b.Source, b.Row = "r.csv", 3
	c.Source, c.Row = "r.csv", 4
	err = j.Record(ctx, []Outcome{
		{Card: a, Status: platform.StatusIssued, Answer: platform.Answer{Found: true, ID: "8481085", Mbno: "M1", Balance: "100.88"}, Batch: 1},
		{Card: b, Status: platform.StatusUnknown, Message: "verification failed", Batch: 1},
		{Card: c, Status: platform.StatusRejected, Message: "手机号格式错误", Batch: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	// D is left sending, as after a kill -9 between claim and record.
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	j = open(t, path)
	defer j.Close()
	a2, b2, c2, d2, e2 := card("A"), card("B"), card("C"), card("D"), card("E")
	priors, err = j.Claim(ctx, 1, []*platform.Card{a2, b2, c2, d2, e2})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		issued, doubt bool
		id            string
	}{{true, false, "8481085"}, {false, true, ""}, {false, false, ""}, {false, true, ""}, {false, false, ""}}
	for i, w := range want {
		p := priors[i]
		if p.Issued != w.issued || p.InDoubt != w.doubt || p.Answer.ID != w.id {
			t.Errorf("card %d: prior = %+v, want issued=%v doubt=%v id=%q", i, p, w.issued, w.doubt, w.id)
		}
	}
	if priors[0].Answer.Mbno != "M1" || priors[0].Answer.Balance != "100.88" {
		t.Errorf("issued prior lost its ids: %+v", priors[0].Answer)
	}
	if priors[1].Attempts != 1 {
		t.Errorf("attempts not kept: %d", priors[1].Attempts)
	}
}

func TestRecordKeepsKnownIDs(t *testing.T) {
	j := open(t, filepath.Join(t.TempDir(), "j.db"))
	defer j.Close()
	a := card("A")
	j.Claim(ctx, 1, []*platform.Card{a})
	a.Done = platform.StepOpen
	if err := j.Step(ctx, a, platform.Answer{ID: "77", Mbno: "M77"}); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(ctx, []Outcome{{Card: a, Status: platform.StatusUnknown}}); err != nil {
		t.Fatal(err)
	}
	priors, _ := j.Claim(ctx, 2, []*platform.Card{card("A")})
	if p := priors[0]; !p.InDoubt || p.Answer.ID != "77" || p.Answer.Mbno != "M77" || !p.Answer.Steps.Has(platform.StepOpen) {
		t.Errorf("prior = %+v: ids or steps of the half-done flow were lost", p)
	}
}

func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	j := open(t, path)
	if _, err := Open(ctx, path, Options{Target: "mb"}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: err = %v, want ErrLocked", err)
	} else if !strings.Contains(err.Error(), "pid") {
		t.Errorf("message does not say who holds the lock: %v", err)
	}
	j.Close()
	j2, err := Open(ctx, path, Options{Target: "mb"})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	j2.Close()
}

// TestLockOfDeadProcess holds the lock in a child process that is killed:
// the kernel must release it.
func TestLockOfDeadProcess(t *testing.T) {
	if os.Getenv("JOURNAL_LOCK_CHILD") != "" {
		j, err := Open(ctx, os.Getenv("JOURNAL_LOCK_CHILD"), Options{Target: "mb"})
		if err != nil {
			os.Exit(3)
		}
		_ = j
		os.Stdout.WriteString("locked\n")
		select {} // wait to be killed
	}
	path := filepath.Join(t.TempDir(), "j.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockOfDeadProcess$")
	cmd.Env = append(os.Environ(), "JOURNAL_LOCK_CHILD="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child did not lock: %q %v", buf, err)
	}
	if _, err := Open(ctx, path, Options{Target: "mb"}); !errors.Is(err, ErrLocked) {
		t.Fatalf("open while the child holds it: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	j, err := Open(ctx, path, Options{Target: "mb"})
	if err != nil {
		t.Fatalf("the lock of a killed process still blocks: %v", err)
	}
	j.Close()
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	open(t, path).Close()
	db, err := openSQL(path, false)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`)
	db.Close()
	if _, err := Open(ctx, path, Options{Target: "mb"}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("err = %v, want a refusal of a newer schema", err)
	}
}

func TestInspect(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	j := open(t, path)
	a, b := card("A"), card("B")
	j.Claim(ctx, 1, []*platform.Card{a, b})
	a.Source, a.Row = "r.csv", 2
	j.Record(ctx, []Outcome{{Card: a, Status: platform.StatusIssued, Answer: platform.Answer{ID: "1", Mbno: "M1"}}})
	j.Finish(ctx, "interrupted", map[platform.Status]int{platform.StatusIssued: 1})
	if err := j.BeginGenerate(ctx, 1, 10, "50"); err != nil {
		t.Fatal(err)
	}

	// Inspect while the run still holds the lock.
	in, err := Inspect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	counts, err := in.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range counts {
		got[c.Status] = c.Cards
	}
	if got["issued"] != 1 || got["sending"] != 1 {
		t.Errorf("counts = %v", counts)
	}
	var unresolved []string
	in.Each(ctx, true, func(e *Entry) error { unresolved = append(unresolved, e.Cardno+":"+e.Status); return nil })
	if len(unresolved) != 1 || unresolved[0] != "B:sending" {
		t.Errorf("unresolved = %v", unresolved)
	}
	var all []Entry
	in.Each(ctx, false, func(e *Entry) error { all = append(all, *e); return nil })
	if len(all) != 2 || all[1].Cardno != "A" || all[1].Phone != "188****2465" {
		t.Errorf("entries = %+v (phones must be stored masked)", all)
	}
	runs, _ := in.Runs(ctx)
	if len(runs) != 1 || runs[0].Outcome != "interrupted" {
		t.Errorf("runs = %+v", runs)
	}
	gens, _ := in.Generates(ctx)
	if len(gens) != 1 || gens[0].Status != "sending" {
		t.Errorf("generate calls = %+v", gens)
	}
	j.Close()

	j2 := open(t, path)
	defer j2.Close()
	un, err := j2.UnresolvedGenerates(ctx)
	if err != nil || len(un) != 1 {
		t.Fatalf("unresolved generates = %v, %v", un, err)
	}
	j2.ResolveGenerates(ctx)
	if un, _ := j2.UnresolvedGenerates(ctx); len(un) != 0 {
		t.Errorf("still unresolved after ResolveGenerates: %v", un)
	}
}
