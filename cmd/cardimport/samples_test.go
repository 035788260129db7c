package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The deployment samples use only flags the import command has, and keep
// what makes them safe: a journal that survives the run, no overlapping
// runs, secrets from the environment.
func TestDeploymentSamples(t *testing.T) {
	flags := map[string]bool{}
	for _, c := range completionCommands(context.Background(), nil) {
		if c.name == "import" {
			for _, f := range c.flags {
				flags[f.name] = true
			}
		}
	}
	flagRE := regexp.MustCompile(`--([a-z][a-z0-9-]*)`)
	for file, musts := range map[string][]string{
		"systemd/cardimport-nightly.service": {"StateDirectory=cardimport", "XDG_STATE_HOME", "EnvironmentFile=", "SuccessExitStatus=3", "--json"},
		"systemd/cardimport-nightly.timer":   {"OnCalendar=", "Persistent=true"},
		"kubernetes/cronjob.yaml":            {"concurrencyPolicy: Forbid", "persistentVolumeClaim", "secretRef", "--journal=/state/", "--json"},
	} {
		b, err := os.ReadFile(filepath.Join("..", "..", "samples", file))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, m := range musts {
			if !strings.Contains(text, m) {
				t.Errorf("%s does not hold %q", file, m)
			}
		}
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") || !strings.Contains(line, "cardimport") && !strings.Contains(line, "- --") {
				continue
			}
			for _, m := range flagRE.FindAllStringSubmatch(line, -1) {
				if !flags[m[1]] && m[1] != "from-literal" && m[1] != "from-file" && m[1] != "now" {
					t.Errorf("%s: --%s is not a flag of cardimport import", file, m[1])
				}
			}
		}
	}
}

// The completion scripts list every command and are valid for their shell
// (checked by the shell itself where it is installed).
func TestCompletionScripts(t *testing.T) {
	c := newCLI(t)
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := c.run("completion", shell)
		if r.code != exitOK || !strings.Contains(r.stdout, "batch-size") || !strings.Contains(r.stdout, "journal") {
			t.Errorf("%s: exit %d\n%s", shell, r.code, r.stdout)
			continue
		}
		if path, err := exec.LookPath(shell); err == nil {
			f := filepath.Join(t.TempDir(), "c."+shell)
			os.WriteFile(f, []byte(r.stdout), 0o644)
			if out, err := exec.Command(path, "-n", f).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", shell, err, out)
			}
		}
	}
	if r := c.run("completion", "powershell"); r.code != exitUsage {
		t.Errorf("unknown shell: exit %d", r.code)
	}
}
