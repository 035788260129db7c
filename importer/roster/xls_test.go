package roster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The .xls fixtures of testdata/make_xls.sh, written by LibreOffice and
// gnumeric, read with the cell rules of .xlsx: a padding or literal format
// reads as displayed, a "TRUE";"TRUE";"FALSE" number (gnumeric) or
// boolean (LibreOffice) as TRUE/FALSE, date cells as dates in a date
// column in either date system (1900-03-01 has no 1904 serial: it stays
// a number), decimals and negatives exact, text that looks like a number
// as text, CJK outside the BMP intact; the hidden first sheet is skipped.
func TestXLSFixtures(t *testing.T) {
	rows := func(birth3 string) []wantRow {
		return []wantRow{
			{2, []string{"010005", "西瓜", "N:13800138000", "D:1990-02-03", "N:100.5", "N:1200", "TRUE", "门店", "A0007"}},
			{3, []string{"VIP0042", "张三", "N:13900139001", "D:2000-02-29", "N:82.6", "N:0", "FALSE", "门店", "0108"}},
			{4, []string{"0100103", "𠀀李四·王", "N:15606132502", birth3, "N:-5", "N:5", "TRUE", "门店", "110"}},
		}
	}
	tests := []struct {
		file string
		rows []wantRow
	}{
		{"biff8_formats_libreoffice.xls", rows("D:1900-03-01")},
		{"biff8_formats_gnumeric.xls", rows("D:1900-03-01")},
		{"biff8_1904_libreoffice.xls", rows("N:-1401")},
		{"biff8_1904_gnumeric.xls", rows("N:-1401")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := filepath.Join("testdata", tt.file)
			r, got, err := readAll(t, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Format() != "xls" || r.Sheet() != "会员" || r.Source() != p+":会员" || r.HeaderLine() != 1 {
				t.Errorf("format %s sheet %s source %s header %d", r.Format(), r.Sheet(), r.Source(), r.HeaderLine())
			}
			checkRows(t, got, tt.rows)
			numeric := ""
			for _, c := range r.Columns() {
				if c.Numeric {
					numeric += c.Letter
				}
			}
			if numeric != "CDEF" {
				t.Errorf("numeric columns %q, want CDEF", numeric)
			}
			checkWarnings(t, r.Warnings(), []string{"skipped hidden sheet 说明; reading sheet 会员", "column 会员来源 (H) is not a card field"})
		})
	}

	// The hidden sheet, named.
	r, got, err := readAll(t, "testdata/biff8_formats_gnumeric.xls", Options{Sheet: "说明"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sheet() != "说明" || len(got) != 0 || r.Columns()[0].Name != "本表由系统导出" {
		t.Errorf("sheet %s, %d rows, columns %+v", r.Sheet(), len(got), r.Columns())
	}
	checkWarnings(t, r.Warnings(), []string{"sheet 说明 is hidden in Excel; reading it because --sheet names it"})

	// An .xls named .xlsx or .csv is read, with a warning.
	data, err := os.ReadFile("testdata/biff8_formats_libreoffice.xls")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"roster.xlsx", "roster.csv"} {
		p := filepath.Join(t.TempDir(), name)
		write(t, p, data)
		r, got, err := readAll(t, p, Options{})
		if err != nil || len(got) != 3 {
			t.Fatalf("%s: %d rows, %v", name, len(got), err)
		}
		checkWarnings(t, r.Warnings(), []string{"is an Excel 97-2003 workbook (.xls) with a ." + strings.TrimPrefix(filepath.Ext(name), ".") + " name"})
	}
}

func TestXLSErrors(t *testing.T) {
	for _, tt := range []struct {
		path string
		is   error
		msg  string
	}{
		{"testdata/truncated_biff8.xls", ErrCorrupt, "is damaged: it is an Excel 97-2003 workbook (.xls) that cannot be read"},
		{"testdata/legacy.xls", ErrCorrupt, "is damaged: it is an Excel 97-2003 workbook (.xls) that cannot be read"},
		{"testdata/encrypted.xlsx", ErrEncrypted, "is a password-protected workbook"},
	} {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			_, err := Open(tt.path, Options{})
			var e *Error
			if !errors.Is(err, tt.is) || !errors.As(err, &e) || e.Path != tt.path || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want %v with %q", err, tt.is, tt.msg)
			}
		})
	}
}

// biffStream builds a workbook stream from records.
func biffStream(recs ...[]byte) []byte {
	var b bytes.Buffer
	for _, r := range recs {
		b.Write(r)
	}
	return b.Bytes()
}

func biffRecord(typ uint16, data []byte) []byte {
	h := make([]byte, 4, 4+len(data))
	binary.LittleEndian.PutUint16(h, typ)
	binary.LittleEndian.PutUint16(h[2:], uint16(len(data)))
	return append(h, data...)
}

var biffBOF = biffRecord(recBOF, []byte{0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})

// The records the globals must read right: an encrypted workbook (FILEPASS)
// is refused, an Excel 95 one (BIFF5) too, and the shared strings are read
// across CONTINUE records, where a string's characters go on with a new
// flags byte (here compressed, then UTF-16).
func TestBIFFGlobals(t *testing.T) {
	g, err := readGlobals(newBIFFRecords(bytes.NewReader(biffStream(biffBOF, biffRecord(recFilePass, []byte{1, 0, 1, 0})))), 100)
	if err != nil || !g.encrypted {
		t.Errorf("FILEPASS: %+v, %v", g, err)
	}
	old := biffRecord(recBOF, []byte{0x00, 0x05, 0x05, 0x00})
	if _, err := readGlobals(newBIFFRecords(bytes.NewReader(old)), 100); !errors.Is(err, errOldBIFF) {
		t.Errorf("BIFF5: %v", err)
	}
	// Three strings: "卡号" (UTF-16), "abc" + "西瓜" split over a CONTINUE,
	// and "𠀀" (U+20000, a surrogate pair) split between its two halves.
	sst := []byte{5, 0, 0, 0, 3, 0, 0, 0, 2, 0, 1, 0x61, 0x53, 0xf7, 0x53, 5, 0, 0, 'a', 'b', 'c'}
	cont := []byte{1, 0x7f, 0x89, 0xdc, 0x74, 2, 0, 1, 0x40, 0xD8}
	cont2 := []byte{1, 0x00, 0xDC}
	stream := biffStream(biffBOF, biffRecord(recDateMode, []byte{1, 0}), biffRecord(recSST, sst), biffRecord(recContinue, cont), biffRecord(recContinue, cont2), biffRecord(recEOF, nil))
	g, err = readGlobals(newBIFFRecords(bytes.NewReader(stream)), 100)
	if err != nil {
		t.Fatal(err)
	}
	if !g.date1904 || g.sst.len() != 3 {
		t.Fatalf("1904 %v, %d strings", g.date1904, g.sst.len())
	}
	for i, want := range []string{"卡号", "abc西瓜", "𠀀"} {
		if got, _ := g.sst.get(i); got != want {
			t.Errorf("string %d: %q, want %q", i, got, want)
		}
	}
	if _, err := readGlobals(newBIFFRecords(bytes.NewReader(stream[:len(stream)-16])), 100); err == nil {
		t.Error("a truncated SST reads")
	}
	if _, err := readGlobals(newBIFFRecords(bytes.NewReader(stream)), 1); !errors.Is(err, errTooManyStrings) {
		t.Errorf("too many strings: %v", err)
	}
}

func TestRKValue(t *testing.T) {
	for rk, want := range map[uint32]float64{
		0x3FF00000: 1, // the top bits of the double 1.0
		0x3FF00001: 0.01,
		2 | 5<<2:   5,
		0xFFFFFFEE: -5, // a negative integer: -5<<2 | 2
		0xFFFFFFEF: -0.05,
	} {
		if got := rkValue(rk); got != want {
			t.Errorf("rkValue(%#x) = %v, want %v", rk, got, want)
		}
	}
}

// FuzzBIFF feeds arbitrary bytes to the globals and sheet readers: they
// must never panic or loop.
//
//	go test ./importer/roster -run '^$' -fuzz FuzzBIFF -fuzztime 30s
func FuzzBIFF(f *testing.F) {
	sst := []byte{4, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0x61, 0x53, 0xf7, 0x53, 5, 0, 0, 'a', 'b', 'c'}
	f.Add(biffStream(biffBOF, biffRecord(recSST, sst), biffRecord(recContinue, []byte{1, 0x7f, 0x89, 0xdc, 0x74}), biffRecord(recEOF, nil)))
	f.Add(biffStream(biffBOF, biffRecord(recRow, make([]byte, 16)), biffRecord(recRK, []byte{0, 0, 0, 0, 15, 0, 0xEE, 0xFF, 0xFF, 0xFF}),
		biffRecord(recMulRK, []byte{1, 0, 0, 0, 15, 0, 2, 0, 0, 0, 15, 0, 6, 0, 0, 0, 1, 0}),
		biffRecord(recFormula, append([]byte{1, 0, 2, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 8)...)),
		biffRecord(recString, []byte{2, 0, 0, 'o', 'k'}), biffRecord(recMergeCells, []byte{1, 0, 0, 0, 1, 0, 0, 0, 1, 0}),
		biffRecord(recEOF, nil)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if g, err := readGlobals(newBIFFRecords(bytes.NewReader(data)), 1000); err == nil {
			g.styles()
		}
		s, err := newBIFFSheet(newBIFFRecords(bytes.NewReader(data)), &sharedStrings{off: []uint32{0}}, nil)
		if err != nil {
			return
		}
		for i := 0; ; i++ {
			if i > len(data) {
				t.Fatal("more rows than bytes")
			}
			if _, _, err := s.nextRow(); err != nil {
				break
			}
		}
	})
}

// FuzzXLSFile mutates whole .xls files: Open and Next must never panic or
// hang, and errors are *Error values naming the file.
//
//	go test ./importer/roster -run '^$' -fuzz FuzzXLSFile -fuzztime 60s
func FuzzXLSFile(f *testing.F) {
	for _, name := range []string{"biff8_formats_libreoffice.xls", "biff8_1904_gnumeric.xls"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				os.WriteFile(filepath.Join(os.TempDir(), "hang.xls"), data, 0o644)
				panic("HANG: input written to hang.xls in the temporary folder")
			}
		}()
		p := filepath.Join(t.TempDir(), "fuzz.xls")
		write(t, p, data)
		r, err := Open(p, Options{})
		if err == nil {
			for i := 0; err == nil; i++ {
				if i > len(data) {
					t.Fatal("more rows than bytes")
				}
				_, err = r.Next()
			}
			r.Close()
		}
		var e *Error
		if err != nil && err.Error() != "EOF" && (!errors.As(err, &e) || e.Path != p) {
			t.Fatalf("error %#v is not an *Error naming the file", err)
		}
	})
}
