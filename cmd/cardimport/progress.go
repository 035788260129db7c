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
)

// progress shows how a run advances: a progress bar on a terminal, a log
// line every logEvery otherwise (cron, systemd and CI have no terminal).
type progress struct {
	bar   *progressbar.ProgressBar
	log   *slog.Logger
	start time.Time

	mu     sync.Mutex
	rows   int
	counts map[platform.Status]int
	last   time.Time
}

const logEvery = 10 * time.Second

func newProgress(e *env, log *slog.Logger, out outputOptions, verb string) *progress {
	p := &progress{log: log, start: time.Now(), last: time.Now(), counts: map[platform.Status]int{}}
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
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
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
		return
	}
	if now := time.Now(); now.Sub(p.last) >= logEvery {
		p.last = now
		p.log.Info("progress", p.attrs(now)...)
	}
}

func (p *progress) attrs(now time.Time) []any {
	el := now.Sub(p.start).Seconds()
	args := []any{"rows", p.rows, "rows_per_second", fmt.Sprintf("%.1f", float64(p.rows)/max(el, 0.001))}
	for _, st := range platform.Statuses {
		if n := p.counts[st]; n > 0 {
			args = append(args, string(st), n)
		}
	}
	return args
}

// done clears the bar.
func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}
