package main

import (
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate/lang"
)

// progress shows how a run advances: a progress bar on a terminal, a log
// line every logEvery otherwise (cron, systemd and CI have no terminal) —
// on a ticker, so that a slow stretch still says where the run stands.
type progress struct {
	bar   *progressbar.ProgressBar
	log   *slog.Logger
	start time.Time
	live  func() liveStats // what the run's other parts know; nil for none
	msg   string           // the log line's message, in the run's language
	stop  chan struct{}
	wg    sync.WaitGroup

	mu     sync.Mutex
	rows   int
	counts map[platform.Status]int
}

// liveStats is what a progress line reports beside the finished rows.
type liveStats struct {
	read     int64   // rows read from the rosters
	requests int64   // requests sent
	rate     float64 // the pacer's rate now, requests/s (0: unlimited)
	// done and size: how far through the rosters' bytes reading is, when
	// known (size 0: not known): the ETA follows from it.
	done, size int64
}

const logEvery = 10 * time.Second

// The words of progress: the bar's and the log line's text (the log keys
// stay English, for machines).
var (
	msgProgress  = lang.Msg("progress", "进度")
	commandVerbs = map[string]string{
		"import":   lang.Msg("import", "导入"),
		"validate": lang.Msg("validate", "校验"),
	}
)

func newProgress(e *env, log *slog.Logger, out outputOptions, verb string, live func() liveStats) *progress {
	p := &progress{log: log, start: time.Now(), counts: map[platform.Status]int{}, live: live, stop: make(chan struct{}), msg: e.lang.Sprintf(msgProgress)}
	if key, ok := commandVerbs[verb]; ok {
		verb = e.lang.Sprintf(key)
	}
	if out.quiet {
		p.log = slog.New(slog.DiscardHandler)
		return p
	}
	if !out.noProgress && isTerminal(e.stderrFile) {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription(verb),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(barUnit(e.lang)),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionClearOnFinish(),
		)
		return p
	}
	every := e.progressEvery
	if every <= 0 {
		every = logEvery
	}
	p.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				p.logLine(now)
			case <-p.stop:
				return
			}
		}
	})
	return p
}

// barUnit is the bar's unit, "rows" in "12 rows/s": a word of its own
// (the catalogue's "rows" is the summary's label 行数).
func barUnit(p *lang.Printer) string {
	if p.Chinese() {
		return "行"
	}
	return "rows"
}

func isTerminal(f *os.File) bool {
	return f != nil && term.IsTerminal(int(f.Fd()))
}

// line is called for every report line, from one goroutine.
func (p *progress) line(l *report.Line) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rows++
	p.counts[l.Status]++
	if p.bar != nil {
		_ = p.bar.Add(1)
	}
}

func (p *progress) logLine(now time.Time) {
	p.mu.Lock()
	args := p.attrs(now)
	p.mu.Unlock()
	p.log.Info(p.msg, args...)
}

// attrs are a progress line's fields: rows finished, read and sent,
// rows/s, the rate, an ETA when the total is known, the rows per status.
func (p *progress) attrs(now time.Time) []any {
	el := now.Sub(p.start).Seconds()
	perSec := float64(p.rows) / max(el, 0.001)
	args := []any{"rows", p.rows}
	var ls liveStats
	if p.live != nil {
		ls = p.live()
		args = append(args, "read", ls.read, "requests", ls.requests)
	}
	args = append(args, "rows_per_second", fmt.Sprintf("%.1f", perSec))
	if ls.rate > 0 {
		args = append(args, "rate", fmt.Sprintf("%.1f", ls.rate))
	}
	if ls.size > 0 && ls.done > 0 && ls.read > 0 {
		// Rows still in the rosters, estimated from the bytes left, plus
		// rows read and not finished, at the rows/s so far.
		left := float64(ls.read)*float64(ls.size-ls.done)/float64(ls.done) + float64(ls.read-int64(p.rows))
		if perSec > 0 {
			eta := time.Duration(left / perSec * float64(time.Second))
			args = append(args, "eta", eta.Round(time.Second).String())
		}
	}
	for _, st := range platform.Statuses {
		if n := p.counts[st]; n > 0 {
			args = append(args, string(st), n)
		}
	}
	return args
}

// done stops the ticker and clears the bar.
func (p *progress) done() {
	close(p.stop)
	p.wg.Wait()
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}
