package roster

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The benchmarks read 100k generated 12-column rows; rows/s is the figure
// to compare with PERF-NOTES.md.
//
//	go test ./importer/roster -run '^$' -bench . -benchtime 1x
const benchRows = 100_000

var benchHeader = []string{"卡号", "密码", "卡内编码", "姓名", "手机号", "性别", "生日", "等级", "余额", "积分", "有效期", "备注"}

func benchCSV(b *testing.B) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "bench.csv")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "卡号,密码,卡内编码,姓名,手机号,性别,生日,等级,余额,积分,有效期,备注")
	for i := 0; i < benchRows; i++ {
		fmt.Fprintf(w, "%08d,%06d,E%d,会员%d,1%010d,%s,1990-02-%02d,%d,%d.%02d,%d,2030-12-31,\"备注 %d\"\n",
			i, i%1000000, i, i, 3800000000+i, []string{"男", "女"}[i%2], 1+i%28, 1+i%5, i%1000, i%100, i%500, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return p
}

func benchXLSX(b *testing.B) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "bench.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := make([]any, len(benchHeader))
	for i, h := range benchHeader {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		b.Fatal(err)
	}
	birthday := time.Date(1990, 2, 3, 0, 0, 0, 0, time.UTC)
	for i := 0; i < benchRows; i++ {
		row = []any{
			fmt.Sprintf("%08d", i), fmt.Sprintf("%06d", i%1000000), fmt.Sprintf("E%d", i), fmt.Sprintf("会员%d", i),
			int64(13800000000 + i), []string{"男", "女"}[i%2], birthday.AddDate(0, 0, i%3000), 1 + i%5,
			float64(i%1000) + 0.88, i % 500, "2030-12-31", fmt.Sprintf("备注 %d", i),
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(p); err != nil {
		b.Fatal(err)
	}
	return p
}

func benchRead(b *testing.B, path string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchRows {
			b.Fatalf("%d rows, want %d", n, benchRows)
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadCSV(b *testing.B)  { benchRead(b, benchCSV(b)) }
func BenchmarkReadXLSX(b *testing.B) { benchRead(b, benchXLSX(b)) }
