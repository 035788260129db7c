package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/sandbox"
)

// buildBinary compiles cardimport once for the process tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	bin := filepath.Join(t.TempDir(), "cardimport")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// writeRoster writes n valid rows with balances and birthdays.
func writeRoster(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("卡号,密码,卡内编码,姓名,手机号,性别,生日,余额\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,123456,K%d,会员%d,139%08d,%s,1990-02-03,%d.%02d\n", 5000000+i, i, i, i, []string{"男", "女"}[i%2], 1+i%500, i%100)
	}
	p := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type proc struct {
	bin, dir string
	env      []string
	args     []string
}

func (p proc) start() (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(p.bin, p.args...)
	cmd.Dir = p.dir
	// Default journals go to a state folder of the test's own.
	cmd.Env = append(os.Environ(), append([]string{"XDG_STATE_HOME=" + filepath.Join(p.dir, "state")}, p.env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	return cmd, &out
}

func exitOf(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// TestKillNineAndResume is SPEC §6's promise: kill -9 at any moment, run
// the same command again, and nothing is issued twice or lost.
func TestKillNineAndResume(t *testing.T) {
	bin := buildBinary(t)
	for _, target := range []string{"mb", "sandy"} {
		t.Run(target, func(t *testing.T) {
			srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{
				Latency: 15 * time.Millisecond,
				Faults:  sandbox.Faults{Seed: 3, DropAfterCommit: 0.02, Malformed: 0.02},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			dir := t.TempDir()
			rows := 1500 // mb sends 10 cards a request
			if target == "sandy" {
				rows = 300 // sandy makes four requests a card
			}
			writeRoster(t, dir, rows)
			endpoint := srv.MBEndpoint()
			if target == "sandy" {
				endpoint = srv.SandyBase()
			}
			p := proc{bin: bin, dir: dir,
				env: []string{
					"CARDIMPORT_APIKEY=" + sandbox.DefaultAPIKey, "CARDIMPORT_APPSECRET=" + sandbox.DefaultAppSecret,
					"CARDIMPORT_GPID=" + sandbox.DefaultGPID, "CARDIMPORT_MSID=" + sandbox.DefaultMSID,
					"CARDIMPORT_SANDY_TOKEN=" + sandbox.DefaultSandyToken, "CARDIMPORT_SANDY_CUSTOMERGUID=" + sandbox.DefaultCustomerGUID,
				},
				args: []string{"import", "roster.csv", "--target", target, "--endpoint", endpoint, "--batch-size", "10",
					"--concurrency", "4", "--rate", "150", "--timeout", "2s", "--no-progress"},
			}
			rng := rand.New(rand.NewPCG(uint64(len(target)), 9))
			kills := 0
			for range 5 {
				cmd, out := p.start()
				time.Sleep(time.Duration(150+rng.IntN(400)) * time.Millisecond)
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				err := cmd.Wait()
				if exitOf(err) == 0 || exitOf(err) == 3 {
					t.Logf("the run finished before the kill:\n%s", out)
					break
				}
				kills++
			}
			ledger, _ := srv.Sandbox.Ledger()
			t.Logf("%d kills; the platform holds %d mb and %d sandy cards before the last run", kills, len(ledger.MB), len(ledger.Sandy))
			if kills == 0 {
				t.Fatal("never killed mid-run: the test proves nothing")
			}
			cmd, out := p.start()
			if code := exitOf(cmd.Wait()); code != 0 {
				t.Fatalf("final run exit %d:\n%s", code, out)
			}
			recs := readCSV(t, filepath.Join(dir, "roster.report.csv"))
			if len(recs) != rows+1 {
				t.Fatalf("report has %d rows", len(recs)-1)
			}
			ledger, _ = srv.Sandbox.Ledger()
			ids := map[string]string{}
			for _, c := range ledger.MB {
				if _, dup := ids[c.Cardno]; dup {
					t.Errorf("card %s issued twice", c.Cardno)
				}
				ids[c.Cardno] = strconv.FormatInt(c.ID, 10)
			}
			for _, c := range ledger.Sandy {
				if c.Opens != 1 || len(c.Recharges) != 1 {
					t.Errorf("card %s: opened %d times, recharged %d times", c.CardID, c.Opens, len(c.Recharges))
				}
				ids[c.CardID] = strconv.FormatInt(c.ID, 10)
			}
			if len(ids) != rows {
				t.Errorf("the platform holds %d cards for %d rows", len(ids), rows)
			}
			for i, rec := range recs[1:] {
				if rec[1] != strconv.Itoa(i+2) {
					t.Fatalf("report out of order at %v", rec)
				}
				if rec[2] != "issued" && rec[2] != "skipped" {
					t.Errorf("row %s: %s %s", rec[1], rec[2], rec[11])
				}
				if ids[rec[3]] != rec[8] {
					t.Errorf("row %s: report id %q, platform id %q", rec[1], rec[8], ids[rec[3]])
				}
			}
			if st := srv.Sandbox.Stats(); st.Exists != 0 {
				t.Errorf("the platform answered 'exists' %d times: a card was sent again after it was issued", st.Exists)
			}
		})
	}
}

// TestInterruptWritesReportAndExits130: Ctrl-C stops dispatching, lets the
// requests in flight finish, writes journal and report, exits 130; the
// next run finishes the job.
func TestInterruptWritesReportAndExits130(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	const rows = 3000
	writeRoster(t, dir, rows)
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{Latency: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := proc{bin: bin, dir: dir,
		env:  []string{"CARDIMPORT_APIKEY=" + sandbox.DefaultAPIKey, "CARDIMPORT_APPSECRET=" + sandbox.DefaultAppSecret, "CARDIMPORT_GPID=" + sandbox.DefaultGPID, "CARDIMPORT_MSID=" + sandbox.DefaultMSID},
		args: []string{"import", "roster.csv", "--endpoint", srv.MBEndpoint(), "--batch-size", "10", "--rate", "50", "--no-progress"},
	}
	cmd, out := p.start()
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	if code := exitOf(cmd.Wait()); code != exitInterrupted {
		t.Fatalf("exit %d, want 130:\n%s", code, out)
	}
	recs := readCSV(t, filepath.Join(dir, "roster.report.csv"))
	issued := countStatus(recs, "issued")
	ledger, _ := srv.Sandbox.Ledger()
	if issued == 0 || issued != len(ledger.MB) {
		t.Fatalf("report says %d issued, the platform holds %d", issued, len(ledger.MB))
	}
	for i, rec := range recs[1:] {
		if rec[1] != strconv.Itoa(i+2) || (rec[2] != "issued" && rec[2] != "pending") {
			t.Fatalf("line %d: %v", i, rec)
		}
	}
	cmd, out = p.start()
	if code := exitOf(cmd.Wait()); code != 0 {
		t.Fatalf("second run exit %d:\n%s", code, out)
	}
	recs = readCSV(t, filepath.Join(dir, "roster.report.csv"))
	if countStatus(recs, "skipped") != issued || countStatus(recs, "issued") != rows-issued {
		t.Errorf("second run: %d skipped, %d issued; first run issued %d", countStatus(recs, "skipped"), countStatus(recs, "issued"), issued)
	}
	ledger, _ = srv.Sandbox.Ledger()
	if len(ledger.MB) != rows || srv.Sandbox.Stats().Exists != 0 {
		t.Errorf("ledger %d cards, %d exists answers", len(ledger.MB), srv.Sandbox.Stats().Exists)
	}
}
