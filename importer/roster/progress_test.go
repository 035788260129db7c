package roster

import (
	"io"
	"testing"
)

// Progress tells how far through a CSV file or an xlsx sheet reading is,
// for the progress lines' ETA.
func TestProgress(t *testing.T) {
	for _, path := range []string{"testdata/utf8.csv", "testdata/chinese_headers.xlsx"} {
		r, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		done, size := r.Progress()
		if size <= 0 || done < 0 || done > size {
			t.Errorf("%s: at open %d of %d", path, done, size)
		}
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if done, size := r.Progress(); done != size {
			t.Errorf("%s: at the end %d of %d", path, done, size)
		}
		r.Close()
	}
}
