package importer_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/importer/sandbox"
	"github.com/cardimport/cardimport/report"
)

// Speed is measured here, never asserted in unit tests. Run:
//
//	go test -run '^$' -bench . -benchtime 1x ./importer/
//
// BenchmarkImportRate is issue 3's measurement: 20k rows against a
// sandbox answering in 100 ms, --rate 20 --concurrency 8 --batch-size 50.
// rate-ratio is achieved requests/s ÷ 20 (target ≥ 0.98, no throttling).
// In /sandbox-limited the sandbox accepts only 10 requests/s: limit-ratio
// is accepted requests/s ÷ 10 (target ≥ 0.9) and throttled-% the share of
// requests it refused (target < 2).
func BenchmarkImportRate(b *testing.B) {
	const rows, rate = 20000, 20.0
	for _, bc := range []struct {
		name    string
		limit   float64
		latency time.Duration
	}{
		{"sandbox-unlimited", 0, 100 * time.Millisecond},
		{"sandbox-limited", 10, 100 * time.Millisecond},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				srv := startSandbox(b, sandbox.Config{Latency: bc.latency, Rate: bc.limit})
				client, pacer := mbClient(b, srv, rate, 10*time.Second)
				start := time.Now()
				r := doRun(b, context.Background(), importer.Config{
					Rosters:     []importer.Roster{rosterCSV(b, rows, nil)},
					Platform:    client,
					BatchSize:   50,
					Concurrency: 8,
				})
				elapsed := time.Since(start).Seconds()
				if r.err != nil {
					b.Fatal(r.err)
				}
				if got := statuses(r.lines)[platform.StatusIssued]; got != rows {
					b.Fatalf("issued %d of %d", got, rows)
				}
				st := pacer.Stats()
				accepted := float64(st.Requests - st.Throttled)
				b.ReportMetric(float64(st.Requests)/elapsed, "req/s")
				b.ReportMetric(float64(st.Throttled)*100/float64(st.Requests), "throttled-%")
				if bc.limit == 0 {
					b.ReportMetric(float64(st.Requests)/elapsed/rate, "rate-ratio")
				} else {
					b.ReportMetric(accepted/elapsed/bc.limit, "limit-ratio")
				}
				b.ReportMetric(float64(rows)/elapsed, "rows/s")
			}
		})
	}
}

// BenchmarkImportJournal is issue 4's measurement: the journal's cost at
// full speed (sandbox at 0 ms, no rate limit, batches of 50, 8 in flight).
func BenchmarkImportJournal(b *testing.B) {
	const rows = 20000
	for _, withJournal := range []bool{false, true} {
		name := "without-journal"
		if withJournal {
			name = "with-journal"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				srv := startSandbox(b, sandbox.Config{})
				client, _ := mbClient(b, srv, 0, 10*time.Second)
				cfg := importer.Config{
					Rosters:     []importer.Roster{rosterCSV(b, rows, nil)},
					Platform:    client,
					BatchSize:   50,
					Concurrency: 8,
				}
				if withJournal {
					j, err := journal.Open(context.Background(), b.TempDir()+"/cardimport.db", journal.Options{Target: "mb", Merchant: "bench"})
					if err != nil {
						b.Fatal(err)
					}
					defer j.Close()
					cfg.Journal = j
				}
				start := time.Now()
				r := doRun(b, context.Background(), cfg)
				if r.err != nil {
					b.Fatal(r.err)
				}
				b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
			}
		})
	}
}

// BenchmarkValidateStream checks that reading and validating stream: the
// peak heap should grow only with the duplicate tracker (about 113 bytes
// a row), not with the rows themselves.
func BenchmarkValidateStream(b *testing.B) {
	for _, rows := range []int{50000, 200000} {
		b.Run("rows="+strconv.Itoa(rows), func(b *testing.B) {
			for range b.N {
				ros := rosterFile(b, rows)
				runtime.GC()
				var peak atomic.Uint64
				stop := make(chan struct{})
				go func() {
					var ms runtime.MemStats
					for {
						select {
						case <-stop:
							return
						case <-time.After(10 * time.Millisecond):
							runtime.ReadMemStats(&ms)
							if ms.HeapInuse > peak.Load() {
								peak.Store(ms.HeapInuse)
							}
						}
					}
				}()
				start := time.Now()
				n := 0
				_, err := importer.Run(context.Background(), importer.Config{
					Rosters: []importer.Roster{ros},
					Report:  countingReport{&n},
				})
				close(stop)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
				b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
			}
		})
	}
}

type countingReport struct{ n *int }

func (c countingReport) Write(*report.Line) error               { *c.n++; return nil }
func (c countingReport) WriteGenerated(*report.Generated) error { return nil }
func (c countingReport) Close(*report.Summary) error            { return nil }
func (c countingReport) Abort() error                           { return nil }

// rosterFile writes the roster to a file, so that the benchmark measures
// the importer's memory, not the roster's text held in memory.
func rosterFile(b *testing.B, rows int) *roster.Reader {
	b.Helper()
	path := b.TempDir() + "/roster.csv"
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(header)
	for i := range rows {
		fmt.Fprintf(w, "%d,123456,E%d,会员%d,138%08d,%s,1990-02-03,%d.%02d,%d\n", 6000000+i, i, i, i, []string{"男", "女"}[i%2], i%300, i%100, i%1000)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	r, err := roster.Open(path, roster.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}
