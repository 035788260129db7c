package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/report"
)

// A report is created by extension, fed one line per roster row, and
// appears at its path only when closed.
func ExampleCreate() {
	dir, _ := os.MkdirTemp("", "report-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "roster.report.csv")

	w, err := report.Create(path, report.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Abort() // a no-op once closed
	_ = w.Write(&report.Line{Source: "roster.csv", Row: 2, Status: platform.StatusIssued,
		Cardno: "100101", Extid: "109", Name: "西瓜", Phone: "18862302465", Mbno: "M0001", ID: "8481085", Balance: "100.88", Attempts: 1})
	if err := w.Close(nil); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Print(strings.ReplaceAll(strings.TrimPrefix(string(b), "\ufeff"), "\r\n", "\n"))
	// Output:
	// source,row,status,cardno,extid,name,phone,mbno,id,balance,attempts,message
	// roster.csv,2,issued,100101,109,西瓜,188****2465,M0001,8481085,100.88,1,
}
