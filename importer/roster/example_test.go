package roster_test

import (
	"errors"
	"fmt"
	"io"

	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/validate"
)

func ExampleOpen() {
	r, err := roster.Open("testdata/numeric_phone.xlsx", roster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	if err := r.Require([]validate.Field{validate.Cardno, validate.Phone}); err != nil {
		fmt.Println(err)
		return
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, roster.ErrBadRecord) {
			continue // one unreadable CSV line: report it, read on
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		in := r.Input(row)
		fmt.Println(in.Source, in.Row, in.Cells[validate.Cardno].Text, in.Cells[validate.Phone].Text)
	}
	// Output:
	// testdata/numeric_phone.xlsx:会员 2 0100101 18862302465
	// testdata/numeric_phone.xlsx:会员 3 0100102 15606132502
}
