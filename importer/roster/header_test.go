package roster

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/validate"
)

// mbRequired are the fields mb requires (mb.Profile.Required).
var mbRequired = []validate.Field{validate.Cardno, validate.Password, validate.Extid, validate.Name, validate.Phone, validate.Sex}

// openHeader opens a roster written from text and returns the reader.
func openHeader(t *testing.T, text string, opts Options) (*Reader, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "r.csv")
	write(t, p, []byte(text))
	r, err := Open(p, opts)
	if err == nil {
		t.Cleanup(func() { r.Close() })
	}
	return r, err
}

const stdHead = "卡号,密码,卡内编码,姓名,手机,性别"
const stdRow = "0100101,123456,109,西瓜,18862302465,男"

// TestLooksLikeField: a column that names no field but looks like one
// stops the run before anything is sent, naming it and the two ways out
// (SPEC §2). One that looks like nothing stays a warning.
func TestLooksLikeField(t *testing.T) {
	tests := []struct {
		name   string
		header string // added after the six required columns
		want   []string
	}{
		{"recharge amount", "充值金额", []string{"column G (充值金额)", "looks like balance", "one character from 储值金额",
			"--map 充值金额=balance", "--ignore-column 充值金额"}},
		{"stored value on the card", "卡内储值", []string{"column G (卡内储值)", "looks like balance", "contains 储值",
			"--map 卡内储值=balance", "--ignore-column 卡内储值"}},
		{"bonus money", "赠送金额", []string{"G (赠送金额)", "balance", "--map 赠送金额=balance", "--ignore-column 赠送金额"}},
		{"typo", "会员编号", []string{"G (会员编号)", "looks like cardno", "one character from 会员卡号"}},
		{"english", "Card Balance", []string{"G (Card Balance)", "cardno or balance", `--map "Card Balance=cardno"`, `--ignore-column "Card Balance"`}},
		{"a unit that changes the value", "余额(分)", []string{"G (余额(分))", "balance", `--ignore-column "余额(分)"`}},
		{"second phone", "Ｍｏｂｉｌｅ２", []string{"G (Ｍｏｂｉｌｅ２)", "phone", "--ignore-column Ｍｏｂｉｌｅ２"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := openHeader(t, stdHead+","+tt.header+"\n"+stdRow+",1\n", Options{})
			if err != nil {
				t.Fatalf("Open: %v (the stop belongs to Require)", err)
			}
			err = r.Require(mbRequired)
			if !errors.Is(err, ErrLooksLikeField) {
				t.Fatalf("Require: %v, want ErrLooksLikeField", err)
			}
			var re *Error
			if !errors.As(err, &re) || re.Row != 1 || !strings.HasSuffix(re.Path, "r.csv") {
				t.Errorf("error %#v is not located at the header", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
}

// TestLooksLikeFieldSeveral: several such columns make one error that
// lists them all; the harmless one is not among them.
func TestLooksLikeFieldSeveral(t *testing.T) {
	r, _, err := readAll(t, "testdata/lookalike_columns.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Require(mbRequired)
	if !errors.Is(err, ErrLooksLikeField) {
		t.Fatalf("Require: %v", err)
	}
	msg := err.Error()
	for _, w := range []string{"2 columns", "赠送余额 (G)", "balance", "手机号吗 (I)", "手机号码",
		"--map 赠送余额=balance", "--ignore-column 赠送余额", "--map 手机号吗=phone", "--ignore-column 手机号吗"} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q lacks %q", msg, w)
		}
	}
	if strings.Contains(msg, "会员来源") {
		t.Errorf("%q names 会员来源, which looks like no field", msg)
	}
}

// TestNoLookalikeStaysAWarning: headers without a key word that are no near
// miss are unknown columns, as before.
func TestNoLookalikeStaysAWarning(t *testing.T) {
	for _, h := range []string{"会员来源", "开卡门店", "开卡日期", "备用", "Remark"} {
		r, err := openHeader(t, stdHead+","+h+"\n"+stdRow+",x\n", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Require(mbRequired); err != nil {
			t.Errorf("%s: Require: %v", h, err)
		}
		checkWarnings(t, r.Warnings(), []string{"column " + h + " (G) is not a card field and is ignored"})
	}
}

// TestRejectsReasonColumnIsOurs: a rejects file read back as a roster has
// the 错误原因 column cardimport wrote; it is left out without a warning,
// and no other column gets that treatment.
func TestRejectsReasonColumnIsOurs(t *testing.T) {
	for _, tt := range []struct {
		header string
		warns  []string
	}{
		{"错误原因", nil},
		{" 错误原因 ", nil},
		{"错误原因2", []string{"column 错误原因2 (G) is not a card field and is ignored"}},
	} {
		r, err := openHeader(t, stdHead+","+tt.header+"\n"+stdRow+",卡号：为空\n", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Require(mbRequired); err != nil {
			t.Errorf("%q: Require: %v", tt.header, err)
		}
		checkWarnings(t, r.Warnings(), tt.warns)
	}
}

// TestDecoratedHeaders: required markers and harmless notes in parentheses
// are looked through; the header stays as the user wrote it.
func TestDecoratedHeaders(t *testing.T) {
	r, rows, err := readAll(t, "testdata/decorated_headers.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Require(mbRequired); err != nil {
		t.Fatal(err)
	}
	checkWarnings(t, r.Warnings(), nil)
	for f, name := range map[validate.Field]string{
		validate.Cardno: "*卡号", validate.Password: "密码*", validate.Name: "姓名（必填）",
		validate.Phone: "手机号(必填)", validate.Sex: "性别(男/女)", validate.Balance: "余额（元）",
		validate.Birthday: "生日(yyyy-mm-dd)",
	} {
		c, ok := r.Column(f)
		if !ok || c.Name != name {
			t.Errorf("field %v: column %+v, want %q", f, c, name)
		}
	}
	in := r.Input(rows[0])
	if in.Columns[validate.Balance] != "余额（元）" || in.Cells[validate.Balance].Text != "100.50" {
		t.Errorf("balance %q from %q", in.Cells[validate.Balance].Text, in.Columns[validate.Balance])
	}
}

// TestMapToAlias: --map accepts a field's alias as the target.
func TestMapToAlias(t *testing.T) {
	for _, target := range []string{"balance", "余额", "储值余额", "ＢＡＬＡＮＣＥ"} {
		r, rows, err := readAll(t, "testdata/recharge_amount_column.csv", Options{Map: map[string]string{"充值金额": target}})
		if err != nil {
			t.Fatalf("--map 充值金额=%s: %v", target, err)
		}
		if err := r.Require(mbRequired); err != nil {
			t.Errorf("--map 充值金额=%s: %v", target, err)
		}
		if c, ok := r.Column(validate.Balance); !ok || c.Name != "充值金额" {
			t.Errorf("--map 充值金额=%s: balance column %+v", target, c)
		}
		if got := r.Input(rows[0]).Cells[validate.Balance].Text; got != "1,200.50" {
			t.Errorf("--map 充值金额=%s: balance %q", target, got)
		}
	}
	err := CheckOptions(Options{Encoding: "auto", Map: map[string]string{"充值金额": "赠送余额"}})
	if !errors.Is(err, ErrBadMap) || !strings.Contains(err.Error(), "cardno, password") {
		t.Errorf("unknown target: %v", err)
	}
}

// TestIgnoreColumn: --ignore-column silences the stop and the warning for
// the column, matching headers the way the aliases do.
func TestIgnoreColumn(t *testing.T) {
	for _, name := range []string{"充值金额", "充值 金额", "  充值　金额 "} {
		r, rows, err := readAll(t, "testdata/recharge_amount_column.csv", Options{Ignore: []string{name}})
		if err != nil {
			t.Fatalf("--ignore-column %q: %v", name, err)
		}
		if err := r.Require(mbRequired); err != nil {
			t.Errorf("--ignore-column %q: %v", name, err)
		}
		checkWarnings(t, r.Warnings(), nil)
		c := r.Columns()[6]
		if !c.Ignored || c.Field != validate.NoField {
			t.Errorf("--ignore-column %q: column %+v", name, c)
		}
		if in := r.Input(rows[0]); in.Cells[validate.Balance].Text != "" {
			t.Errorf("an ignored column was read as balance")
		}
	}
	// Only the named column: another lookalike still stops the run.
	r, _, err := readAll(t, "testdata/lookalike_columns.csv", Options{Ignore: []string{"赠送余额"}})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Require(mbRequired)
	if !errors.Is(err, ErrLooksLikeField) || strings.Contains(err.Error(), "赠送余额") || !strings.Contains(err.Error(), "手机号吗") {
		t.Errorf("Require: %v", err)
	}
}

// TestIgnoreAliasColumn: ignoring a column that names a field is honoured
// with a warning; when the field is required, its absence is still fatal.
func TestIgnoreAliasColumn(t *testing.T) {
	r, err := openHeader(t, stdHead+",余额\n"+stdRow+",100\n", Options{Ignore: []string{"余额"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Require(mbRequired); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Column(validate.Balance); ok {
		t.Error("an ignored column still gives the balance")
	}
	checkWarnings(t, r.Warnings(), []string{"column 余额 (G) would be balance, but --ignore-column leaves it out"})

	r, err = openHeader(t, stdHead+"\n"+stdRow+"\n", Options{Ignore: []string{"手机"}})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Require(mbRequired)
	if !errors.Is(err, ErrMissingColumn) || !strings.Contains(err.Error(), "phone") || !strings.Contains(err.Error(), "--ignore-column 手机") {
		t.Errorf("Require: %v", err)
	}
}

func TestIgnoreColumnErrors(t *testing.T) {
	// A column the roster does not have.
	_, err := openHeader(t, stdHead+"\n"+stdRow+"\n", Options{Ignore: []string{"赠送余额"}})
	if !errors.Is(err, ErrBadOption) || !strings.Contains(err.Error(), `--ignore-column 赠送余额: the header has no column "赠送余额"`) {
		t.Errorf("unknown column: %v", err)
	}
	// Unless another roster of the run may have it.
	if _, err := openHeader(t, stdHead+"\n"+stdRow+"\n", Options{Ignore: []string{"赠送余额"}, MapOptional: true}); err != nil {
		t.Errorf("MapOptional: %v", err)
	}
	for _, opts := range []Options{
		{Ignore: []string{" "}},
		{Ignore: []string{"充值金额"}, Map: map[string]string{"充值 金额": "balance"}},
	} {
		opts.Encoding = "auto"
		if err := CheckOptions(opts); !errors.Is(err, ErrBadOption) || !strings.Contains(err.Error(), "--ignore-column") {
			t.Errorf("CheckOptions(%+v) = %v", opts, err)
		}
	}
}

// TestExportHeaders: a roster as a POS exports it maps field by field,
// with nothing to warn about.
func TestExportHeaders(t *testing.T) {
	r, err := openHeader(t, "会员卡号,会员卡密码,卡内码,会员名称,联系电话,会员性别,储值余额,会员积分,会员生日\n"+
		"0100101,123456,109,西瓜,18862302465,男,100,20,1990-02-03\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Require(mbRequired); err != nil {
		t.Fatal(err)
	}
	checkWarnings(t, r.Warnings(), nil)
	want := []validate.Field{validate.Cardno, validate.Password, validate.Extid, validate.Name, validate.Phone,
		validate.Sex, validate.Balance, validate.Points, validate.Birthday}
	for i, c := range r.Columns() {
		if c.Field != want[i] {
			t.Errorf("column %s: %v, want %v", c.describe(), c.Field, want[i])
		}
	}
}

// TestLooksLikeFieldManyColumns: the error lists a bounded number of them.
func TestLooksLikeFieldManyColumns(t *testing.T) {
	var head, row []string
	for i := range maxListed + 5 {
		head = append(head, fmt.Sprintf("赠送余额%d", i))
		row = append(row, "1")
	}
	r, err := openHeader(t, stdHead+","+strings.Join(head, ",")+"\n"+stdRow+","+strings.Join(row, ",")+"\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Require(mbRequired)
	if !errors.Is(err, ErrLooksLikeField) || !strings.Contains(err.Error(), "… and 5 more") || strings.Count(err.Error(), "\n") != maxListed+1 {
		t.Errorf("Require: %v", err)
	}
}
