package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzCSV feeds arbitrary bytes through NewCSV: it must never panic, every
// call to Next yields a row or an error, row lines strictly increase, each
// row has one cell per column, and a fatal error stays.
//
//	go test ./importer/roster -run '^$' -fuzz FuzzCSV -fuzztime 30s
func FuzzCSV(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	txt, _ := filepath.Glob("testdata/*.txt")
	for _, p := range append(files, txt...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, "")
		}
	}
	f.Add([]byte("卡号,姓名\n1,\"a\nb\"\n\"2\",x\"y\n"), "")
	f.Add([]byte("sep=\t\n卡号\t姓名\n"), "utf-8")
	f.Add([]byte("\xff\xfe\x00"), "utf-16")
	f.Add([]byte("卡号,姓名\r1,2\r"), "gbk")
	f.Fuzz(func(t *testing.T, data []byte, enc string) {
		if _, ok := encodingNames[enc]; !ok {
			enc = ""
		}
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second): // a hang, not a slow machine
				panic(fmt.Sprintf("HANG enc=%q data=%q", enc, data))
			}
		}()
		r, err := NewCSV("fuzz.csv", bytes.NewReader(data), Options{Encoding: enc})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Path != "fuzz.csv" {
				t.Fatalf("Open error %#v is not an *Error naming the file", err)
			}
			return
		}
		defer r.Close()
		cols := len(r.Columns())
		if cols == 0 {
			t.Fatal("a header with no columns")
		}
		last := r.HeaderLine()
		for i := 0; ; i++ {
			if i > len(data)+2 {
				t.Fatal("more rows than bytes")
			}
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil && !errors.Is(err, ErrBadRecord) {
				var e *Error
				if !errors.As(err, &e) || e.Path != "fuzz.csv" {
					t.Fatalf("error %#v is not an *Error naming the file", err)
				}
				if _, err2 := r.Next(); err2 != err {
					t.Fatalf("fatal error %v not sticky: %v", err, err2)
				}
				break
			}
			if row.Line <= last {
				t.Fatalf("row line %d after %d", row.Line, last)
			}
			last = row.Line
			if len(row.Cells) != cols {
				t.Fatalf("row has %d cells, header %d", len(row.Cells), cols)
			}
		}
	})
}

// FuzzSheetScan feeds arbitrary bytes to the worksheet scanner that types
// xlsx cells: it must never panic or loop.
//
//	go test ./importer/roster -run '^$' -fuzz FuzzSheetScan -fuzztime 30s
func FuzzSheetScan(f *testing.F) {
	f.Add([]byte(sheetDoc(`<row r="1"><c r="A1" t="s"><v>0</v></c><c><f>1+1</f><v>2</v></c></row><row><c r="C2" t="inlineStr"><is><t><![CDATA[<c>]]></t></is></c></row>`) +
		`<mergeCells><mergeCell ref="A1:B2"/></mergeCells>`))
	f.Add([]byte(`<x:sheetData><x:row r="99999999999999"><x:c r="XFE1"/><!-- > --></x:row></x:sheetData>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &sheetScanner{rc: io.NopCloser(bytes.NewReader(nil)), ts: newTagScanner(bytes.NewReader(data))}
		for i := 0; s.nextRow(); i++ {
			if i > len(data) {
				t.Fatal("more rows than bytes")
			}
			if len(s.cells) > 16384 {
				t.Fatalf("%d cells", len(s.cells))
			}
		}
		_ = s.drain(0)
	})
}
