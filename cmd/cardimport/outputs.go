package main

import (
	"os"
	"path/filepath"

	"github.com/cardimport/cardimport/validate/lang"
)

// output is a file a command writes, named by its flag.
type output struct{ flag, path string }

// The words of checkOutputs.
var (
	msgOutputFolder    = lang.Msg("%s %s is a folder: give a file name in it", "%s %s 是一个文件夹：请写出文件夹里的文件名")
	msgOutputMkdir     = lang.Msg("%s %s: cannot create its folder: %v", "%s %s：无法创建它所在的文件夹：%v")
	msgOutputWrite     = lang.Msg("%s %s: cannot write in %s: %v", "%s %s：无法在 %s 里写文件：%v")
	msgOutputOverwrite = lang.Msg("%s %s: cannot be overwritten: %v", "%s %s：无法覆盖这个文件：%v")
)

// checkOutputs checks, before anything is sent, that every output can be
// written: not a folder, its folder creatable and writable. It creates the
// folders; it writes no file.
func checkOutputs(p *lang.Printer, outs ...output) error {
	for _, o := range outs {
		if o.path == "" {
			continue
		}
		if fi, err := os.Stat(o.path); err == nil && fi.IsDir() {
			return usagef(p, msgOutputFolder, o.flag, o.path)
		}
		dir := filepath.Dir(o.path)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return p.Errorf(msgOutputMkdir, o.flag, o.path, err)
		}
		// Outputs are written to a temporary file in the same folder and
		// renamed: the folder must take a new file.
		f, err := os.CreateTemp(dir, ".cardimport-check-*")
		if err != nil {
			return p.Errorf(msgOutputWrite, o.flag, o.path, dir, err)
		}
		f.Close()
		os.Remove(f.Name())
		if fi, err := os.Stat(o.path); err == nil && fi.Mode().IsRegular() {
			if f, err := os.OpenFile(o.path, os.O_WRONLY, 0); err != nil {
				return p.Errorf(msgOutputOverwrite, o.flag, o.path, err)
			} else {
				f.Close()
			}
		}
	}
	return nil
}
