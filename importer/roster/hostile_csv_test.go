package roster

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Hostile CSV costs bounded memory: a line over 16 MB and a header wider
// than any spreadsheet stop the read with ErrTooLong naming the line; a
// cell over Excel's 32,767 characters is cut (and found invalid by
// validate); warnings about columns stay few and short.
func TestHostileCSV(t *testing.T) {
	long := strings.Repeat("a", maxRecordBytes+64<<10) // the bound allows for a read buffer
	wide := strings.Repeat("备用,", maxColumns) + "备用"
	tests := []struct {
		name  string
		text  string
		open  string // error from NewCSV
		next  string // fatal error from Next
		line  int
		rows  int
		check func(t *testing.T, r *Reader, rows []Row)
	}{
		{name: "long line", text: "卡号,姓名\n0100101,西瓜\n" + long + "\n0100102,张三\n",
			next: "line 3: the line is longer than 16 MB", line: 3, rows: 1},
		{name: "long quoted cell", text: "卡号,姓名\n0100101,\"西瓜\n" + long + "\"\n",
			next: "line 2: the line is longer than 16 MB", line: 2},
		{name: "long header", text: long + "\n", open: "line 1: the line is longer than 16 MB", line: 1},
		{name: "wide header", text: wide + "\n1\n", open: fmt.Sprintf("line 1: the header has %d columns, more than the 16384", maxColumns+1), line: 1},
		{name: "cell over 32767 characters", text: "卡号,备注\n0100101," + strings.Repeat("长", 40000) + "\n0100102,ok\n", rows: 2,
			check: func(t *testing.T, r *Reader, rows []Row) {
				if got := rows[0].Cells[1].Text; got != strings.Repeat("长", maxCellChars+1) {
					t.Errorf("cell of %d bytes, want it cut to %d characters", len(got), maxCellChars+1)
				}
			}},
		{name: "many unknown columns", text: "卡号," + strings.Repeat("来源,", 99) + strings.Repeat("长", 500) + "\n0100101\n", rows: 1,
			check: func(t *testing.T, r *Reader, rows []Row) {
				ws := r.Warnings()
				if len(ws) != maxListed+1 || !strings.Contains(ws[maxListed], "80 more columns are not card fields and are ignored") {
					t.Errorf("%d warnings, last %q", len(ws), ws[len(ws)-1])
				}
				for _, w := range ws {
					if len(w) > 300 {
						t.Errorf("warning of %d bytes", len(w))
					}
				}
			}},
		{name: "long column name", text: "卡号," + strings.Repeat("长", 500) + "\n0100101,x\n", rows: 1,
			check: func(t *testing.T, r *Reader, rows []Row) {
				checkWarnings(t, r.Warnings(), []string{"column " + strings.Repeat("长", 40) + "…(500 chars) (B) is not a card field"})
			}},
		{name: "long look-alike column name", text: "卡号,余额" + strings.Repeat("长", 100000) + "\n0100101,x\n", rows: 1,
			check: func(t *testing.T, r *Reader, rows []Row) {
				err := r.Require(nil)
				if !errors.Is(err, ErrLooksLikeField) || len(err.Error()) > 1000 {
					t.Errorf("Require: %d bytes: %.300v", len(err.Error()), err)
				}
				for _, w := range r.Warnings() {
					if len(w) > 1000 {
						t.Errorf("warning of %d bytes", len(w))
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSV("hostile.csv", strings.NewReader(tt.text), Options{})
			if tt.open != "" {
				var e *Error
				if !errors.Is(err, ErrTooLong) || !errors.As(err, &e) || e.Row != tt.line || !strings.Contains(err.Error(), tt.open) {
					t.Fatalf("NewCSV: %v, want ErrTooLong %q", err, tt.open)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var rows []Row
			for {
				row, err := r.Next()
				if err != nil {
					if tt.next == "" {
						if err.Error() != "EOF" {
							t.Fatal(err)
						}
						break
					}
					var e *Error
					if !errors.Is(err, ErrTooLong) || !errors.As(err, &e) || e.Row != tt.line || !strings.Contains(err.Error(), tt.next) {
						t.Fatalf("Next: %v, want ErrTooLong %q", err, tt.next)
					}
					break
				}
				rows = append(rows, row)
			}
			if len(rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(rows), tt.rows)
			}
			if tt.check != nil {
				tt.check(t, r, rows)
			}
		})
	}
}
