package importer

import (
	"log/slog"
	"sync"
	"time"
)

// logLimiter keeps a storm of the same warning from flooding the log
// without hiding it: each message is logged the first burst times, then at
// most once per interval with the number of repeats it stood for.
type logLimiter struct {
	log      *slog.Logger
	burst    int
	interval time.Duration

	mu   sync.Mutex
	seen map[string]*logCount
}

type logCount struct {
	n, suppressed int
	last          time.Time
}

func newLogLimiter(log *slog.Logger) *logLimiter {
	return &logLimiter{log: log, burst: 5, interval: 10 * time.Second, seen: make(map[string]*logCount)}
}

// Warn logs msg at warning level, rate-limited per msg.
func (l *logLimiter) Warn(msg string, args ...any) {
	l.mu.Lock()
	c := l.seen[msg]
	if c == nil {
		c = &logCount{}
		l.seen[msg] = c
	}
	c.n++
	now := time.Now()
	if c.n > l.burst && now.Sub(c.last) < l.interval {
		c.suppressed++
		l.mu.Unlock()
		return
	}
	suppressed := c.suppressed
	c.suppressed, c.last = 0, now
	l.mu.Unlock()
	if suppressed > 0 {
		args = append(args, "repeats_not_logged", suppressed)
	}
	l.log.Warn(msg, args...)
}
