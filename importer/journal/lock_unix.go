//go:build unix

package journal

import (
	"errors"
	"os"
	"syscall"
)

// openLockFile opens (or creates) the lock file without following a
// symbolic link: a link planted there would make the run truncate and
// overwrite whatever it points to.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, errors.New("it is a symbolic link, not a file: remove it")
	}
	return f, err
}

// tryLock takes an exclusive advisory lock on f without waiting. The
// kernel releases it when the process exits or dies, so a crashed run
// never leaves the journal locked.
func tryLock(f *os.File) (held bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

func unlock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
