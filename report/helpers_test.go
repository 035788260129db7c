package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// fixtureLines covers every status, a Chinese name, a phone to mask, a
// formula-looking name, and messages with quotes, commas and a newline.
func fixtureLines() []Line {
	return []Line{
		{Source: "门店A.xlsx:会员", Row: 2, Status: platform.StatusIssued, Cardno: "100101", Extid: "109", Name: "西瓜",
			Phone: "18862302465", Mbno: "M0001", ID: "8481085", Balance: "100.88", Attempts: 1},
		{Source: "门店A.xlsx:会员", Row: 3, Status: platform.StatusSkipped, Cardno: "100102", Extid: "110", Name: "李四",
			Phone: "13800135678", Mbno: "M0002", ID: "8481086", Balance: "0", Attempts: 0,
			Message: "issued by an earlier run"},
		{Source: "门店A.xlsx:会员", Row: 5, Status: platform.StatusInvalid, Cardno: "100103", Extid: "-111", Name: `=HYPERLINK("http://x","点我")`,
			Phone: "1380013800", Message: `手机号 "1380013800": 10 digits, a CN mobile has 11; 性别 "X": use 男 or 女`},
		{Source: "b.csv", Row: 2, Status: platform.StatusRejected, Cardno: "00104", Extid: "112", Name: "Zoë O'Brien",
			Phone: "15606132502", Balance: "1234.5", Attempts: 2, Message: `platform: 卡号格式错误, "00104" <refused>`},
		{Source: "b.csv", Row: 3, Status: platform.StatusExists, Cardno: "100105", Extid: "113", Name: "王五",
			Phone: "+85251234567", Attempts: 1, Message: "card already exists"},
		{Source: "b.csv", Row: 4, Status: platform.StatusUnknown, Cardno: "100106", Extid: "114", Name: "赵六",
			Phone: "13912345678", Attempts: 5, Message: "timeout after sending;\nverification failed: mb_check unreachable"},
		{Source: "b.csv", Row: 6, Status: platform.StatusValid, Cardno: "100107", Extid: "115", Name: "@钱七",
			Phone: "51234567", Balance: "9.90"},
		{Source: "b.csv", Row: 7, Status: platform.StatusPending, Cardno: "100108", Extid: "116", Name: "孙八",
			Phone: "13700001111", Message: "not sent: interrupted"},
	}
}

func fixtureGenerated() []Generated {
	return []Generated{
		{Batch: 1, Status: platform.StatusIssued, ID: "9001", Cardno: "880001", Mbno: "M9001", Password: "004512", Extid: "E1", Balance: "50.00"},
		{Batch: 1, Status: platform.StatusIssued, ID: "9002", Cardno: "880002", Mbno: "M9002", Password: "771203", Extid: "E2", Balance: "50.00"},
		{Batch: 2, Status: platform.StatusUnknown, Message: "outcome lost, not retried: check the platform before generating again"},
	}
}

func fixtureSummary() *Summary {
	return &Summary{
		Command:  "import",
		Target:   "mb",
		Endpoint: "sandbox",
		Sandbox:  true,
		Rosters: []RosterInfo{
			{Path: "门店A.xlsx", Sheet: "会员", Format: "xlsx", Rows: 3},
			{Path: "b.csv", Format: "csv", Encoding: "gb18030", Delimiter: ";", Rows: 5},
		},
		Rows: 8,
		Counts: map[platform.Status]int{
			platform.StatusIssued: 1, platform.StatusSkipped: 1, platform.StatusInvalid: 1, platform.StatusRejected: 1,
			platform.StatusExists: 1, platform.StatusUnknown: 1, platform.StatusValid: 1, platform.StatusPending: 1,
		},
		Requests:         12,
		Retries:          3,
		Throttled:        1,
		Started:          time.Date(2026, 11, 23, 10, 15, 0, 0, time.FixedZone("CST", 8*3600)),
		Elapsed:          2500 * time.Millisecond,
		RosterBalance:    "1344.28",
		RosterPoints:     "200",
		ConfirmedBalance: "100.88",
		ConfirmedPoints:  "0",
		Report:           "门店A.report.xlsx",
		Rejects:          "门店A.rejects.xlsx",
		Journal:          "cardimport.db",
		Warnings:         []string{`b.csv: unknown column "备用"`},
		ExitCode:         3,
	}
}

// writeReport writes lines (or generated cards) to a new report at path.
func writeReport(t *testing.T, path string, opts Options, s *Summary) {
	t.Helper()
	w, err := Create(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if opts.Generated {
		for _, g := range fixtureGenerated() {
			if err := w.WriteGenerated(&g); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		for _, l := range fixtureLines() {
			if err := w.Write(&l); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(s); err != nil {
		t.Fatal(err)
	}
}

// noTempFiles fails when dir holds a leftover temporary file.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lineValues returns a Line's values in Columns order, as every writer
// takes them: text, the phone masked.
func lineValues(l *Line) []string {
	return rowValues(lineColumns, l, nil)
}
