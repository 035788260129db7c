package validate

import (
	"math"
	"runtime"
	"strconv"
	"testing"
)

// TestDuplicates runs rows from several rosters and sheets through one
// Validator, as one run does.
func TestDuplicates(t *testing.T) {
	v := newValidator(t, Options{})
	zh := newValidator(t, Options{Printer: zhPrinter}) // the same run in Chinese
	type row struct {
		source string
		line   int
		cardno string
		extid  string
		phone  string
		name   string
		want   string
		zh     string
	}
	rows := []row{
		{"a.csv", 2, "100101", "E1", "18862302465", "甲", "", ""},
		{"a.csv", 3, "100102", "E2", "18862302466", "乙", "", ""},
		// The same values in another sheet: every one is a duplicate and
		// names where it was first seen; the phone is typed differently.
		{"b.xlsx:Sheet1", 17, "100101", "E2", "+86 188-6230-2465", "丙",
			`卡号 "100101": also in row 2 of a.csv; 卡内编码 "E2": also in row 3 of a.csv; 手机 "+86****2465": also in row 2 of a.csv`, /* masked (SPEC §9) */
			`卡号 "100101"：与 a.csv 第2行重复；卡内编码 "E2"：与 a.csv 第3行重复；手机 "+86****2465"：与 a.csv 第2行重复`},
		// A third occurrence still names the first.
		{"b.xlsx:Sheet2", 5, "100101", "E3", "18862302467", "丁", `卡号 "100101": also in row 2 of a.csv`,
			`卡号 "100101"：与 a.csv 第2行重复`},
		// An invalid row (bad name) still registers its well-formed values.
		{"b.xlsx:Sheet2", 6, "200001", "E4", "18862302468", "张\t三",
			`姓名 "张\t三": contains a tab, which is not allowed: retype the value`,
			`姓名 "张\t三"：含有制表符（Tab），这是不允许的：请重新输入`},
		{"a.csv", 9, "200001", "E5", "18862302469", "戊", `卡号 "200001": also in row 6 of b.xlsx:Sheet2`,
			`卡号 "200001"：与 b.xlsx:Sheet2 第6行重复`},
		// Malformed values are not registered, so they are no duplicates.
		{"a.csv", 10, "ab", "E6", "1380013800", "己",
			`卡号 "ab": 2 characters, a card number needs 4 to 32; 手机 "13****00": 10 digits, a CN mobile has 11`,
			`卡号 "ab"：只有2个字符，卡号需要4到32个字符；手机 "13****00"：只有10位，中国大陆手机号应为11位`},
		{"a.csv", 11, "ab", "E7", "1380013800", "庚",
			`卡号 "ab": 2 characters, a card number needs 4 to 32; 手机 "13****00": 10 digits, a CN mobile has 11`,
			`卡号 "ab"：只有2个字符，卡号需要4到32个字符；手机 "13****00"：只有10位，中国大陆手机号应为11位`},
		// The same text as a card number and as an in-card code is fine.
		{"a.csv", 12, "300001", "100102", "18862302470", "辛", "", ""},
		// Full-width input normalises before the duplicate check.
		{"a.csv", 13, "１００１０２", "E8", "18862302471", "壬", `卡号 "１００１０２": also in row 3 of a.csv`,
			`卡号 "１００１０２"：与 a.csv 第3行重复`},
	}
	for _, r := range rows {
		in := baseInput()
		in.Source, in.Row = r.source, r.line
		in.Cells[Cardno] = TextCell(r.cardno)
		in.Cells[Extid] = TextCell(r.extid)
		in.Cells[Phone] = TextCell(r.phone)
		in.Cells[Name] = TextCell(r.name)
		_, ps := v.Check(in)
		if got := Message(ps); got != r.want {
			t.Errorf("%s row %d: message\n got: %s\nwant: %s", r.source, r.line, got, r.want)
		}
		_, ps = zh.Check(in)
		if got := Message(ps); got != r.zh {
			t.Errorf("%s row %d: Chinese message\n got: %s\nwant: %s", r.source, r.line, got, r.zh)
		}
	}
	if got := len(v.dups.sources); got != 3 {
		t.Errorf("interned %d sources, want 3", got)
	}

	// Checking the first row again is no duplicate of itself.
	in := baseInput()
	in.Source, in.Row = "a.csv", 2
	in.Cells[Cardno], in.Cells[Extid], in.Cells[Phone] = TextCell("100101"), TextCell("E1"), TextCell("18862302465")
	if _, ps := v.Check(in); len(ps) != 0 {
		t.Errorf("row checked twice: %s", Message(ps))
	}
}

func TestDupTracker(t *testing.T) {
	d := newDupTracker()
	p1 := d.position("x.csv", 7)
	p2 := d.position("y.csv", math.MaxUint32+10)
	p3 := d.position("x.csv", -1)
	for _, tc := range []struct {
		pos  uint64
		src  string
		line int
	}{{p1, "x.csv", 7}, {p2, "y.csv", math.MaxUint32}, {p3, "x.csv", 0}} {
		if src, line := d.where(tc.pos); src != tc.src || line != tc.line {
			t.Errorf("where(%#x) = %s, %d; want %s, %d", tc.pos, src, line, tc.src, tc.line)
		}
	}
	if _, dup := d.see(Cardno, "1", p1); dup {
		t.Error("first sight is a duplicate")
	}
	if first, dup := d.see(Cardno, "1", p2); !dup || first != p1 {
		t.Errorf("second sight = %#x, %v", first, dup)
	}
	if _, dup := d.see(Phone, "1", p2); dup {
		t.Error("a phone is a duplicate of a card number")
	}
	if _, dup := d.see(Cardno, "1", p1); dup {
		t.Error("the same row again is a duplicate")
	}
}

// BenchmarkDupTracker remembers a million card numbers and reports the
// memory the tracker holds per value, on the heap and off it, for the
// "1M rows" memory budget.
func BenchmarkDupTracker(b *testing.B) {
	const n = 1_000_000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = strconv.Itoa(10_000_000 + i)
	}
	var perValue float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d := newDupTracker()
		pos := d.position("roster.xlsx:Sheet1", 2)
		for i, k := range keys {
			d.see(Cardno, k, pos+uint64(i))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perValue = float64(after.HeapAlloc-before.HeapAlloc+d.tableBytes()) / n
		runtime.KeepAlive(d)
	}
	b.ReportMetric(perValue, "B/value")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/value")
}

// tableBytes is the memory of the shards kept outside the heap.
func (d *dupTracker) tableBytes() uint64 {
	var n uint64
	for i := range d.shards {
		n += uint64(d.shards[i].mem.mapped())
	}
	return n
}
