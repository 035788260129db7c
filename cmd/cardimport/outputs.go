package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// output is a file a command writes, named by its flag.
type output struct{ flag, path string }

// checkOutputs checks, before anything is sent, that every output can be
// written: not a folder, its folder creatable and writable. It creates the
// folders; it writes no file.
func checkOutputs(outs ...output) error {
	for _, o := range outs {
		if o.path == "" {
			continue
		}
		if fi, err := os.Stat(o.path); err == nil && fi.IsDir() {
			return usagef("%s %s is a folder: give a file name in it", o.flag, o.path)
		}
		dir := filepath.Dir(o.path)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("%s %s: cannot create its folder: %w", o.flag, o.path, err)
		}
		// Outputs are written to a temporary file in the same folder and
		// renamed: the folder must take a new file.
		f, err := os.CreateTemp(dir, ".cardimport-check-*")
		if err != nil {
			return fmt.Errorf("%s %s: cannot write in %s: %w", o.flag, o.path, dir, err)
		}
		f.Close()
		os.Remove(f.Name())
		if fi, err := os.Stat(o.path); err == nil && fi.Mode().IsRegular() {
			if f, err := os.OpenFile(o.path, os.O_WRONLY, 0); err != nil {
				return fmt.Errorf("%s %s: cannot be overwritten: %w", o.flag, o.path, err)
			} else {
				f.Close()
			}
		}
	}
	return nil
}
