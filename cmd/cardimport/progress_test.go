package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/sandbox"
)

// Without a terminal, progress is a log line on a clock — also while no
// row finishes — with rows read, requests, rows/s and the rate.
func TestProgressLinesOnAClock(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{Latency: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := newCLI(t)
	for k, v := range map[string]string{"CARDIMPORT_APIKEY": sandbox.DefaultAPIKey, "CARDIMPORT_APPSECRET": sandbox.DefaultAppSecret,
		"CARDIMPORT_GPID": sandbox.DefaultGPID, "CARDIMPORT_MSID": sandbox.DefaultMSID} {
		c.env[k] = v
	}
	roster := copySample(t, "roster.csv")
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return c.env[k] }, progressEvery: 100 * time.Millisecond}
	code := run(context.Background(), []string{"import", roster, "--endpoint", srv.MBEndpoint(), "--batch-size", "40", "--concurrency", "1", "--rate", "100"}, e)
	if code != exitPartial {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	var lines []string
	for _, l := range strings.Split(errb.String(), "\n") {
		if strings.Contains(l, "msg=progress") {
			lines = append(lines, l)
		}
	}
	// Two requests of 400 ms: about eight ticks, most with no row finished.
	if len(lines) < 3 {
		t.Fatalf("%d progress lines in a run of about a second:\n%s", len(lines), errb.String())
	}
	for _, want := range []string{"read=200", "requests=", "rows_per_second=", "rate="} {
		if !strings.Contains(lines[len(lines)-1], want) {
			t.Errorf("progress line lacks %s: %s", want, lines[len(lines)-1])
		}
	}
	// Once rows finish, the rosters' byte position gives an ETA.
	eta := false
	for _, l := range lines {
		eta = eta || strings.Contains(l, "eta=")
	}
	if !eta {
		t.Errorf("no progress line has an ETA:\n%s", strings.Join(lines, "\n"))
	}
}
