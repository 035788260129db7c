package roster

import (
	"io"
	"testing"
)

// A sheet longer than the read-ahead is read to its end: the workbook's
// file stays open while rows are read (Open closed it on return, and a
// LibreOffice-saved roster stopped as "damaged" at row 463).
func TestLargeXLSReadToTheEnd(t *testing.T) {
	r, err := Open("testdata/large_sheet_libreoffice.xls", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d rows: %v", n, err)
		}
		n++
	}
	if n != 1200 {
		t.Errorf("%d rows, want 1200", n)
	}
}
