package journal

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cardimport/cardimport/validate/lang"
)

// ErrLocked means another run holds the journal.
var ErrLocked = errors.New(lang.Msg("journal is in use by another run", "发卡记录正被另一次运行使用"))

// fileLock is the journal's exclusive lock: a file beside the database,
// locked with the operating system's advisory lock and holding the owner's
// pid, host and start time for the message a second run prints.
type fileLock struct {
	f *os.File
}

var msgLocked = lang.Msg("%v (%s): wait for it to finish, or give this run its own --journal", "%v（%s）：请等它结束，或为这次运行另给一个 --journal")

func acquire(path string, p *lang.Printer) (*fileLock, error) {
	f, err := openLockFile(path)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if held {
		owner, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(owner))
		if who == "" {
			who = "another process"
		}
		return nil, p.Errorf(msgLocked, ErrLocked, who)
	}
	host, _ := os.Hostname()
	_ = f.Truncate(0)
	_, _ = f.WriteAt(fmt.Appendf(nil, "pid %d on %s since %s\n", os.Getpid(), host, time.Now().Format(time.DateTime)), 0)
	_ = f.Sync()
	return &fileLock{f: f}, nil
}

func (l *fileLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
