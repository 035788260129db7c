package report

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
)

// benchLines is the size of the report benchmarks.
const benchLines = 100_000

// benchmarkReport writes a benchLines-line report in the format of ext and
// reports lines per second.
func benchmarkReport(b *testing.B, ext string) {
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w, err := Create(filepath.Join(dir, "r"+strconv.Itoa(i)+ext), Options{})
		if err != nil {
			b.Fatal(err)
		}
		eachBenchLine(func(l *Line) {
			if err := w.Write(l); err != nil {
				b.Fatal(err)
			}
		})
		if err := w.Close(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchLines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// eachBenchLine calls fn with benchLines lines of every status, one Line
// reused.
func eachBenchLine(fn func(l *Line)) {
	statuses := platform.Statuses
	l := Line{Source: "门店A.xlsx:会员", Name: "西瓜", Phone: "18862302465", Mbno: "M000000001", ID: "8481085", Balance: "100.88", Attempts: 1}
	for r := range benchLines {
		l.Row = r + 2
		l.Status = statuses[r%len(statuses)]
		l.Cardno = strconv.Itoa(1_000_000 + r)
		l.Extid = strconv.Itoa(r)
		if l.Status == platform.StatusInvalid {
			l.Message = `手机号 "1380013800": 10 digits, a CN mobile has 11`
		} else {
			l.Message = ""
		}
		fn(&l)
	}
}

// BenchmarkXLSXReport writes a 100k-line XLSX report, spool and all, and
// reports lines per second:
//
//	go test -run '^$' -bench XLSXReport -benchtime 1x ./report/
func BenchmarkXLSXReport(b *testing.B) { benchmarkReport(b, ".xlsx") }

// BenchmarkCSVReport writes a 100k-line CSV report:
//
//	go test -run '^$' -bench CSVReport ./report/
func BenchmarkCSVReport(b *testing.B) { benchmarkReport(b, ".csv") }
