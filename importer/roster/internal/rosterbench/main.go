// Command rosterbench measures `cardimport validate` against the floor or
// peer of each roster format on the same file, in one run, as whole
// processes under /usr/bin/time -v (SPEC §10, issue 12):
//
//	go run ./importer/roster/internal/rosterbench          # everything (~5 min on 2 cores)
//	go run ./importer/roster/internal/rosterbench -quick   # 100k rows only (~30 s)
//	go run ./importer/roster/internal/rosterbench -runs 3 -only csv
//	go run ./importer/roster/internal/rosterbench -slow    # also excelize on the 1M-row xlsx
//
// It builds cardimport, generates the 12-column roster of PERF-NOTES.md
// (every row valid for mb) as a 100k- and a 1M-row CSV and as 100k- and
// 1M-row .xlsx with inline and with shared strings (as Excel and WPS save
// them), and four hostile files (a 2 MB zip bomb of 2 GB of white space,
// 10M shared strings in 0.4 MB, a 100 MB CSV line, a million CSV
// columns). For each it runs cardimport validate and the floor or peer on
// the same file — the encoding/csv read; excelize Rows() with raw cell
// values, and inflating the sheet alone — and prints their wall time,
// peak RSS and ratio as a Markdown table (medians of -runs). Generated
// files stay in -dir (default $TMPDIR/rosterbench) for the next run and
// are made again only when missing. It is not part of go test: run it by
// hand on a quiet machine; the figures of other processes running beside
// it are noise.
package main

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	peer := flag.String("peer", "", "internal: read FILE as the peer named (csv, inflate, excelize) and exit")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "rosterbench"), "where the binary and the generated rosters go")
	runs := flag.Int("runs", 1, "runs of each measurement; the median is printed")
	only := flag.String("only", "", "measure only the cases whose name contains this")
	quick := flag.Bool("quick", false, "100k-row cases only, no 1M-row or hostile files")
	slow := flag.Bool("slow", false, "also read the 1M-row xlsx with excelize (minutes, and ~3 GB with shared strings)")
	flag.Parse()
	if *peer != "" {
		n, err := readPeer(*peer, flag.Arg(0))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(n, "rows")
		return
	}
	if err := run(*dir, *runs, *only, *quick, *slow); err != nil {
		fmt.Fprintln(os.Stderr, "rosterbench:", err)
		os.Exit(1)
	}
}

// readPeer reads a roster the way the floor or peer does and counts rows.
func readPeer(kind, path string) (int, error) {
	switch kind {
	case "csv":
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		cr := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		n := 0
		for {
			_, err := cr.Read()
			if err == io.EOF {
				return n, nil
			}
			if err != nil {
				return n, err
			}
			n++
		}
	case "inflate":
		zr, err := zip.OpenReader(path)
		if err != nil {
			return 0, err
		}
		defer zr.Close()
		for _, f := range zr.File {
			if f.Name != "xl/worksheets/sheet1.xml" {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return 0, err
			}
			defer rc.Close()
			n, err := io.Copy(io.Discard, rc)
			return int(n), err
		}
		return 0, errors.New("no xl/worksheets/sheet1.xml")
	case "excelize":
		f, err := excelize.OpenFile(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		rows, err := f.Rows(f.GetSheetName(0))
		if err != nil {
			return 0, err
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
				return n, err
			}
			n++
		}
		return n, rows.Close()
	}
	return 0, fmt.Errorf("unknown peer %q", kind)
}

type benchCase struct {
	name  string
	file  string
	gen   func(path string) error
	peers []string // floor and peers read on the same file
	// hostile files are expected to stop with an error.
	hostile bool
}

func run(dir string, runs int, only string, quick, slow bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bin := filepath.Join(dir, "cardimport")
	fmt.Fprintln(os.Stderr, "building cardimport…")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/cardimport/cardimport/cmd/cardimport").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	xlsxPeers := []string{"excelize", "inflate"}
	xlsx1M := []string{"inflate"}
	if slow {
		xlsx1M = xlsxPeers
	}
	cases := []benchCase{
		{name: "csv 100k", file: "roster-100k.csv", gen: func(p string) error { return genCSV(p, 100_000) }, peers: []string{"csv"}},
		{name: "xlsx 100k inline strings", file: "roster-100k-inline.xlsx", gen: func(p string) error { return genXLSX(p, 100_000, false) }, peers: xlsxPeers},
		{name: "xlsx 100k shared strings", file: "roster-100k-shared.xlsx", gen: func(p string) error { return genXLSX(p, 100_000, true) }, peers: xlsxPeers},
	}
	if !quick {
		cases = append(cases,
			benchCase{name: "csv 1M", file: "roster-1m.csv", gen: func(p string) error { return genCSV(p, 1_000_000) }, peers: []string{"csv"}},
			benchCase{name: "xlsx 1M inline strings", file: "roster-1m-inline.xlsx", gen: func(p string) error { return genXLSX(p, 1_000_000, false) }, peers: xlsx1M},
			benchCase{name: "xlsx 1M shared strings", file: "roster-1m-shared.xlsx", gen: func(p string) error { return genXLSX(p, 1_000_000, true) }, peers: xlsx1M},
			benchCase{name: "hostile zip bomb (2 GB of white space)", file: "zip-bomb.xlsx", gen: func(p string) error { return genZipBomb(p, 2<<30) }, hostile: true},
			benchCase{name: "hostile 10M shared strings", file: "many-shared-strings.xlsx", gen: func(p string) error { return genManyStrings(p, 10_000_000) }, hostile: true},
			benchCase{name: "hostile 100 MB CSV line", file: "long-line.csv", gen: func(p string) error { return genLongLine(p, 100<<20) }, hostile: true},
			benchCase{name: "hostile 1M CSV columns", file: "wide.csv", gen: func(p string) error { return genWideCSV(p, 1_000_000) }, hostile: true},
		)
	}
	fmt.Println("| roster | file | cardimport validate | floor / peer, same file, same run |")
	fmt.Println("|---|---|---|---|")
	for _, c := range cases {
		if only != "" && !strings.Contains(c.name, only) {
			continue
		}
		path := filepath.Join(dir, c.file)
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(os.Stderr, "generating %s…\n", c.file)
			if err := c.gen(path); err != nil {
				return fmt.Errorf("generate %s: %w", c.file, err)
			}
		}
		st, _ := os.Stat(path)
		size := fmt.Sprintf("%.1f MB", float64(st.Size())/1e6)
		fmt.Fprintf(os.Stderr, "measuring %s…\n", c.name)
		report := filepath.Join(dir, "out.report.csv")
		rejects := filepath.Join(dir, "out.rejects"+filepath.Ext(path))
		ours := measure(runs, bin, "validate", path, "--report", report, "--rejects", rejects, "--quiet")
		os.Remove(report)
		os.Remove(rejects)
		ourText := ours.String()
		if c.hostile {
			ourText += fmt.Sprintf(", exit %d: %s", ours.exit, ours.message)
		}
		var peers []string
		for _, peer := range c.peers {
			p := measure(runs, self, "-peer", peer, path)
			switch peer {
			case "csv":
				peers = append(peers, fmt.Sprintf("encoding/csv read: %s — validate is %.1f× the read", p, ours.wall.Seconds()/p.wall.Seconds()))
			case "excelize":
				peers = append(peers, fmt.Sprintf("excelize Rows() raw: %s — validate is %.1f× faster", p, p.wall.Seconds()/ours.wall.Seconds()))
			case "inflate":
				peers = append(peers, fmt.Sprintf("inflate the sheet only: %s — validate is %.1f× the floor", p, ours.wall.Seconds()/p.wall.Seconds()))
			}
		}
		if len(peers) == 0 {
			peers = []string{"—"}
		}
		fmt.Printf("| %s | %s | %s | %s |\n", c.name, size, ourText, strings.Join(peers, "; "))
	}
	return nil
}

// result is one measured process: the median wall time and peak RSS.
type result struct {
	wall    time.Duration
	rssKB   int
	exit    int
	message string // the last line the process wrote on stderr
}

func (r result) String() string {
	return fmt.Sprintf("%.2f s, %d MB", r.wall.Seconds(), (r.rssKB+512)/1024)
}

func measure(runs int, name string, args ...string) result {
	var rs []result
	for range runs {
		rs = append(rs, measureOnce(name, args...))
	}
	slices.SortFunc(rs, func(a, b result) int { return int(a.wall - b.wall) })
	return rs[len(rs)/2]
}

func measureOnce(name string, args ...string) result {
	tf, err := os.CreateTemp("", "rosterbench-time-*")
	if err != nil {
		return result{message: err.Error()}
	}
	tf.Close()
	defer os.Remove(tf.Name())
	cmd := exec.Command("/usr/bin/time", append([]string{"-v", "-o", tf.Name(), name}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	err = cmd.Run()
	var r result
	if ee, ok := err.(*exec.ExitError); ok {
		r.exit = ee.ExitCode()
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	r.message = lines[len(lines)-1]
	if len(r.message) > 200 {
		r.message = r.message[:200] + "…"
	}
	out, _ := os.ReadFile(tf.Name())
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if v, ok := strings.CutPrefix(l, "Maximum resident set size (kbytes): "); ok {
			r.rssKB, _ = strconv.Atoi(v)
		}
		if _, v, ok := strings.Cut(l, "Elapsed (wall clock) time (h:mm:ss or m:ss): "); ok {
			r.wall = parseClock(v)
		}
	}
	return r
}

// parseClock reads /usr/bin/time's h:mm:ss or m:ss.ss.
func parseClock(s string) time.Duration {
	var total float64
	for _, part := range strings.Split(s, ":") {
		f, _ := strconv.ParseFloat(part, 64)
		total = total*60 + f
	}
	return time.Duration(total * float64(time.Second))
}
