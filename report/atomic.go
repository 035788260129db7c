package report

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// AtomicFile is a file that appears at its path complete or not at all. It
// is written to a hidden temporary file in the destination folder (so the
// final rename never crosses file systems); Commit syncs it, renames it over
// the destination and syncs the folder, so that after a crash the folder
// holds either the old file or the whole new one. Until Commit the
// destination is not touched. Abort removes the temporary file.
//
// An AtomicFile is not safe for concurrent use.
type AtomicFile struct {
	f    *os.File
	path string // destination
	tmp  string // temporary file beside it
	done bool   // committed or aborted
}

// CreateAtomic starts writing path. perm is the mode of the new file, before
// the umask (0600 for files that hold secrets). The usual pattern is:
//
//	af, err := CreateAtomic(path, 0o644)
//	if err != nil { return err }
//	defer af.Abort() // a no-op after Commit
//	... write to af ...
//	return af.Commit()
func CreateAtomic(path string, perm os.FileMode) (*AtomicFile, error) {
	dir, base := filepath.Split(path)
	if base == "" {
		return nil, fmt.Errorf("create %q: not a file name", path)
	}
	if dir == "" {
		dir = "."
	}
	for range 100 {
		var rnd [6]byte
		if _, err := rand.Read(rnd[:]); err != nil {
			return nil, fmt.Errorf("create %s: %w", path, err)
		}
		tmp := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(rnd[:]))
		// O_EXCL with our own random name rather than os.CreateTemp, so
		// that perm goes through the umask like any other new file.
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", path, err)
		}
		return &AtomicFile{f: f, path: path, tmp: tmp}, nil
	}
	return nil, fmt.Errorf("create %s: no free temporary name in %s", path, dir)
}

// Write writes to the temporary file.
func (a *AtomicFile) Write(p []byte) (int, error) {
	if a.done {
		return 0, fmt.Errorf("write %s: %w", a.path, fs.ErrClosed)
	}
	return a.f.Write(p)
}

// Name returns the destination path.
func (a *AtomicFile) Name() string { return a.path }

// TempName returns the path of the temporary file being written.
func (a *AtomicFile) TempName() string { return a.tmp }

// Commit makes the file durable and renames it over the destination. On
// failure the temporary file is removed and the destination is as it was.
func (a *AtomicFile) Commit() error {
	return a.commit(false)
}

// CommitNew is Commit that refuses to replace an existing file: it fails
// with an error wrapping fs.ErrExist (and removes the temporary file) when
// the destination exists. Where the file system supports hard links the
// check and the publication are one atomic step.
func (a *AtomicFile) CommitNew() error {
	return a.commit(true)
}

func (a *AtomicFile) commit(exclusive bool) (err error) {
	if a.done {
		return fmt.Errorf("commit %s: %w", a.path, fs.ErrClosed)
	}
	a.done = true
	defer func() {
		if err != nil {
			_ = os.Remove(a.tmp)
		}
	}()
	if err := a.f.Sync(); err != nil {
		_ = a.f.Close()
		return fmt.Errorf("sync %s: %w", a.path, err)
	}
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", a.path, err)
	}
	if exclusive {
		if err := publishNew(a.tmp, a.path); err != nil {
			return err
		}
	} else if err := os.Rename(a.tmp, a.path); err != nil {
		return fmt.Errorf("rename %s: %w", a.path, err)
	}
	return syncDir(filepath.Dir(a.path))
}

// publishNew moves tmp to path unless path exists.
func publishNew(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		_ = os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: %w", path, fs.ErrExist)
	}
	// No hard links here (FAT, some network shares): check, then rename.
	// A file created between the two is replaced; that window is the price
	// of such file systems.
	if _, serr := os.Lstat(path); serr == nil {
		return fmt.Errorf("%s already exists: %w", path, fs.ErrExist)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}

// Abort closes and removes the temporary file, leaving the destination as
// it was. It is a no-op after Commit or a previous Abort.
func (a *AtomicFile) Abort() error {
	if a.done {
		return nil
	}
	a.done = true
	cerr := a.f.Close()
	if err := os.Remove(a.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", a.tmp, err)
	}
	if cerr != nil && !errors.Is(cerr, fs.ErrClosed) {
		return fmt.Errorf("close %s: %w", a.tmp, cerr)
	}
	return nil
}

// syncDir makes a rename in dir durable. Windows cannot open a folder for
// syncing and does not need it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
