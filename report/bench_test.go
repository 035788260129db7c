package report

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
)

// BenchmarkXLSXReport writes a 100k-line XLSX report, spool and all, and
// reports lines per second:
//
//	go test -run '^$' -bench XLSXReport -benchtime 1x ./report/
func BenchmarkXLSXReport(b *testing.B) {
	const lines = 100_000
	dir := b.TempDir()
	statuses := platform.Statuses
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w, err := Create(filepath.Join(dir, "r"+strconv.Itoa(i)+".xlsx"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		l := Line{Source: "门店A.xlsx:会员", Name: "西瓜", Phone: "18862302465", Mbno: "M000000001", ID: "8481085", Balance: "100.88", Attempts: 1}
		for r := range lines {
			l.Row = r + 2
			l.Status = statuses[r%len(statuses)]
			l.Cardno = strconv.Itoa(1_000_000 + r)
			l.Extid = strconv.Itoa(r)
			if l.Status == platform.StatusInvalid {
				l.Message = `手机号 "1380013800": 10 digits, a CN mobile has 11`
			} else {
				l.Message = ""
			}
			if err := w.Write(&l); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
