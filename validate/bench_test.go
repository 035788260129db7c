package validate

import (
	"strconv"
	"testing"
	"time"
)

// benchRows is how many distinct rows BenchmarkCheck cycles through before
// it starts a new run, so that duplicates never occur.
const benchRows = 1 << 16

// BenchmarkCheck checks one realistic mb row: every field filled, a date
// cell, a balance with a currency sign; each row has its own card number,
// in-card code and phone, so the duplicate tracker grows as in a real run.
// The phone is typed plainly (13800100000), or as +86 138-00100-000.
func BenchmarkCheck(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchmarkCheck(b, false) })
	b.Run("formatted", func(b *testing.B) { benchmarkCheck(b, true) })
}

func benchmarkCheck(b *testing.B, formatted bool) {
	opts := Options{Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	rows := make([]Input, benchRows)
	for i := range rows {
		in := &rows[i]
		in.Source, in.Row = "roster.xlsx:Sheet1", i+2
		for f := range NumFields {
			in.Columns[f] = f.Aliases()[0]
		}
		n := strconv.Itoa(100000 + i)
		in.Cells[Cardno] = Cell{Text: "8800" + n, Kind: KindNumber}
		in.Cells[Password] = TextCell("123456")
		in.Cells[Extid] = TextCell("EXT-" + n)
		in.Cells[Name] = TextCell(" 西瓜 ")
		in.Cells[Phone] = Cell{Text: "13800" + n, Kind: KindNumber}
		if formatted {
			in.Cells[Phone] = TextCell("+86 138-00" + n[:3] + "-" + n[3:])
		}
		in.Cells[Sex] = TextCell("男")
		in.Cells[Birthday] = Cell{Text: "1994-01-03", Kind: KindDate, Time: time.Date(1994, 1, 3, 0, 0, 0, 0, time.UTC)}
		in.Cells[Level] = Cell{Text: "2", Kind: KindNumber}
		in.Cells[Balance] = TextCell("¥1,000.88")
		in.Cells[Points] = Cell{Text: "200", Kind: KindNumber}
		in.Cells[Expirydate] = TextCell("2030/12/31")
		in.Cells[IDNumber] = TextCell("11010519940103103X")
		in.Cells[Subject] = TextCell("迁移自旧POS")
	}
	v, _ := New(opts)
	if _, ps := v.Check(&rows[0]); Invalid(ps) {
		b.Fatalf("benchmark row is invalid: %s", Message(ps))
	}
	v, _ = New(opts)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%benchRows == 0 && i > 0 {
			b.StopTimer()
			v, _ = New(opts)
			b.StartTimer()
		}
		if _, ps := v.Check(&rows[i%benchRows]); ps != nil {
			b.Fatalf("row %d: %s", i, Message(ps))
		}
	}
}

// TestCheckAllocs pins the per-row allocations of a valid row: the two
// dates sent as YYYYMMDD are the only new strings; everything else is the
// roster's text, sliced, or the tracker's amortised growth.
func TestCheckAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts only")
	}
	const n = 2000
	rows := make([]Input, n)
	for i := range rows {
		in := &rows[i]
		in.Source, in.Row = "roster.csv", i+2
		for f := range NumFields {
			in.Columns[f] = f.Aliases()[0]
		}
		s := strconv.Itoa(100000 + i)
		in.Cells[Cardno] = TextCell("8800" + s)
		in.Cells[Password] = TextCell("123456")
		in.Cells[Extid] = TextCell("EXT-" + s)
		in.Cells[Name] = TextCell("西瓜")
		in.Cells[Phone] = TextCell("13800" + s)
		in.Cells[Sex] = TextCell("男")
		in.Cells[Birthday] = TextCell("1994-01-03")
		in.Cells[Level] = TextCell("2")
		in.Cells[Balance] = TextCell("¥1,000.88")
		in.Cells[Points] = TextCell("200")
		in.Cells[Expirydate] = TextCell("2030/12/31")
		in.Cells[IDNumber] = TextCell("11010519940103103X")
		in.Cells[Subject] = TextCell("迁移自旧POS")
	}
	v := newValidator(t, Options{})
	i := 0
	allocs := testing.AllocsPerRun(n-1, func() {
		if _, ps := v.Check(&rows[i]); ps != nil {
			t.Fatalf("row %d: %s", i, Message(ps))
		}
		i++
	})
	if allocs > 2 {
		t.Errorf("%.1f allocations a row, want at most 2 (the two dates)", allocs)
	}
}
