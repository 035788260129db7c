package roster

import (
	"bytes"
	"encoding/xml"
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
		s := newSheetScanner(io.NopCloser(bytes.NewReader(data)), nil)
		for i := 0; s.nextRow(); i++ {
			if i > len(data) {
				t.Fatal("more rows than bytes")
			}
			if len(s.cells) > 16384 {
				t.Fatalf("%d cells", len(s.cells))
			}
		}
		_ = s.drain()
	})
}

// FuzzXLSX writes a workbook around arbitrary sheet and shared-strings XML
// and reads it with Open, which must never panic or hang and must return
// *Error values; where excelize also reads it, both readers must see the
// same rows and values.
//
//	go test ./importer/roster -run '^$' -fuzz FuzzXLSX -fuzztime 60s
func FuzzXLSX(f *testing.F) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>卡号</t></si><si><r><t>西</t></r><r><t>瓜</t></r><rPh><t>xi</t></rPh></si></sst>`
	f.Add([]byte(sheetDoc(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>`+
		`<row r="2"><c r="A2"><v>100101</v></c><c r="B2" t="s"><v>1</v></c></row>`)), []byte(sst))
	f.Add([]byte(sheetDoc(`<row><c t="inlineStr"><is><t>卡号</t></is></c></row><row><c t="str"><f>A1</f><v>&#21345;&amp;&lt;</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c></row>`)), []byte(sst))
	f.Add([]byte(sheetDoc("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a\r\nb\rc&#13;d</t></is></c></row>")), []byte(sst))
	f.Add([]byte(`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="3"><x:c r="C3" t="inlineStr"><x:is><x:t><![CDATA[<a>]]></x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`), []byte(""))
	f.Fuzz(func(t *testing.T, sheet, strings []byte) {
		p := filepath.Join(t.TempDir(), "fuzz.xlsx")
		extra := map[string]string{}
		if len(strings) > 0 {
			extra["xl/sharedStrings.xml"] = string(strings)
		}
		handXLSX(t, p, []string{string(sheet)}, false, extra)

		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				panic(fmt.Sprintf("HANG sheet=%q strings=%q", sheet, strings))
			}
		}()
		r, err := Open(p, Options{})
		if err == nil {
			for {
				_, err = r.Next()
				if err != nil {
					break
				}
			}
			r.Close()
		}
		if err != nil && err != io.EOF {
			var e *Error
			if !errors.As(err, &e) || e.Path != p {
				t.Fatalf("error %#v is not an *Error naming the file", err)
			}
		}

		if !wellFormed(sheet) || !wellFormed(strings) {
			return // excelize stops silently at damaged XML: nothing to compare
		}
		ours, err := scanRaw(p)
		theirs, xerr := excelizeRaw(p)
		if err != nil || xerr != nil {
			return // what one refuses the other may read leniently
		}
		compareRaw(t, ours, theirs)
	})
}

// wellFormed reports whether b is well-formed XML, as encoding/xml reads it.
func wellFormed(b []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}
