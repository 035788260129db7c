package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// --json prints exactly one JSON document on stdout whatever happens
// (SPEC §1): {"error": {"code", "message"}} when the run stopped, with the
// summary when there is one.
func TestJSONAlways(t *testing.T) {
	c := newCLI(t)
	roster := copySample(t, "roster.csv")
	tests := []struct {
		name    string
		args    []string
		code    int
		summary bool // the document carries a run summary
	}{
		{"bad flag", []string{"import", roster, "--json", "--batchsize", "5"}, exitUsage, false},
		{"bad value", []string{"import", roster, "--json", "--rate", "-1"}, exitUsage, false},
		{"unreachable endpoint", []string{"import", roster, "--json", "--endpoint", "http://127.0.0.1:1/mb", "--retries", "0",
			"--gpid", "g", "--msid", "m"}, exitFatal, false},
		{"missing roster", []string{"validate", roster + ".nope", "--json"}, exitFatal, false},
		{"finished with invalid rows", []string{"validate", roster, "--json"}, exitPartial, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "unreachable endpoint" {
				c.env["CARDIMPORT_APIKEY"], c.env["CARDIMPORT_APPSECRET"] = "k", "s"
			}
			r := c.run(tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
			dec := json.NewDecoder(strings.NewReader(r.stdout))
			var doc map[string]any
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
			}
			if dec.More() {
				t.Fatalf("stdout holds more than one JSON document:\n%s", r.stdout)
			}
			e, hasErr := doc["error"].(map[string]any)
			switch {
			case tt.code == exitPartial && hasErr:
				t.Errorf("a finished run carries an error: %v", doc["error"])
			case tt.code != exitPartial && (!hasErr || e["code"] != float64(tt.code) || e["message"] == ""):
				t.Errorf("error = %v, want code %d and a message", doc["error"], tt.code)
			}
			if _, ok := doc["exit_code"]; ok != tt.summary {
				t.Errorf("summary present = %v, want %v: %s", ok, tt.summary, r.stdout)
			}
		})
	}
}
