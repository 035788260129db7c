package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A config file's relative paths are relative to its folder, not to the
// folder cron starts the job in; {date} makes one report folder a night.
func TestConfigPathsAreRelativeToTheConfig(t *testing.T) {
	c := newCLI(t)
	etc := filepath.Join(t.TempDir(), "etc")
	os.MkdirAll(etc, 0o755)
	roster := copySample(t, "roster.csv")
	cfg := filepath.Join(etc, "nightly.toml")
	os.WriteFile(cfg, []byte(`report = "reports/{date}/nightly.report.csv"
rejects = "reports/{date}/nightly.rejects.csv"
journal = "state/j.db"
rate = 1000.0
quiet = true
`), 0o600)
	// The current folder is elsewhere: the test binary's.
	r := c.run("import", roster, "--config", cfg)
	if r.code != exitPartial {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	day := time.Now().Format("2006-01-02")
	for _, p := range []string{"reports/" + day + "/nightly.report.csv", "reports/" + day + "/nightly.rejects.csv", "state/j.db"} {
		if _, err := os.Stat(filepath.Join(etc, p)); err != nil {
			t.Errorf("%s not beside the config: %v", p, err)
		}
	}
	if _, err := os.Stat("reports"); err == nil {
		os.RemoveAll("reports")
		t.Error("the report went into the current folder")
	}
	if !strings.Contains(r.stdout, filepath.Join(etc, "state", "j.db")) {
		t.Errorf("the summary does not name the journal:\n%s", r.stdout)
	}
}

// Every output is checked before the first request: a report path naming
// a folder stops the run before any card is issued.
func TestOutputsCheckedBeforeSending(t *testing.T) {
	c := newCLI(t)
	roster := copySample(t, "roster.csv")
	dir := filepath.Join(t.TempDir(), "r.csv") // a folder with a report's name
	os.MkdirAll(dir, 0o755)
	r := c.run("import", roster, "--report", dir, "--rate", "1000")
	if r.code != exitUsage || !strings.Contains(r.stderr, "is a folder") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(c.stateFile("sandbox-mb.sandbox-state.db")); err == nil {
		t.Error("the sandbox was started (and maybe cards issued) before the report path was checked")
	}
	ro := filepath.Join(t.TempDir(), "ro")
	os.MkdirAll(ro, 0o555)
	if os.Getuid() != 0 { // root writes anywhere
		r = c.run("import", roster, "--rejects", filepath.Join(ro, "x.csv"))
		if r.code != exitFatal || !strings.Contains(r.stderr, "cannot write") {
			t.Errorf("read-only rejects folder: exit %d\n%s", r.code, r.stderr)
		}
	}
}
