package report

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestAtomicCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	af, err := CreateAtomic(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(af.TempName()) != dir {
		t.Errorf("temporary file %s not beside %s", af.TempName(), path)
	}
	if _, err := af.Write([]byte("new")); err != nil {
		t.Fatal(err)
	}
	if string(readFile(t, path)) != "old" {
		t.Error("destination touched before Commit")
	}
	if err := af.Commit(); err != nil {
		t.Fatal(err)
	}
	if string(readFile(t, path)) != "new" {
		t.Error("Commit did not replace the file")
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	if err := af.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if string(readFile(t, path)) != "new" {
		t.Error("Abort after Commit changed the file")
	}
	if _, err := af.Write([]byte("x")); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Commit: %v", err)
	}
	if err := af.Commit(); err == nil {
		t.Error("second Commit succeeded")
	}
	noTempFiles(t, dir)
}

func TestAtomicAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	af, err := CreateAtomic(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := af.Write([]byte("partial")); err != nil {
		t.Fatal(err)
	}
	if err := af.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := af.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Error("Abort created the destination")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

func TestAtomicCommitNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	af, err := CreateAtomic(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = af.Write([]byte("first"))
	if err := af.CommitNew(); err != nil {
		t.Fatal(err)
	}
	af, err = CreateAtomic(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = af.Write([]byte("second"))
	if err := af.CommitNew(); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CommitNew over an existing file: %v", err)
	}
	if string(readFile(t, path)) != "first" {
		t.Error("CommitNew replaced an existing file")
	}
	noTempFiles(t, dir)
}

func TestAtomicBadPath(t *testing.T) {
	if _, err := CreateAtomic(filepath.Join(t.TempDir(), "no", "such", "x.csv"), 0o644); err == nil {
		t.Error("no error for a missing folder")
	}
	if _, err := CreateAtomic(string(filepath.Separator), 0o644); err == nil {
		t.Error("no error for a folder path")
	}
}
