package validate

import (
	"strings"
	"testing"
)

// errCell is an xlsx cell stored as a formula error (t="e").
func errCell(s string) Cell { return Cell{Text: s, Kind: KindError} }

const formulaReason = "a formula error, the cell's real value is unknown; " +
	"fix the formula in the roster or type the value"

const zhFormulaReason = "是公式出错的结果，单元格的真实值无从得知：请在名单里改正公式，或直接填入值"

// A formula error makes its field invalid in any column, required or
// optional, whether the xlsx cell is an error cell or the text is a CSV
// field's (SPEC §2).
func TestFormulaErrors(t *testing.T) {
	tests := []struct {
		name string
		f    Field
		cell Cell
		msg  string // "" for a valid row
		zh   string // the message in Chinese
	}{
		// An optional column: today the note would be sent as "#N/A".
		{"subject xlsx #N/A", Subject, errCell("#N/A"), `备注 "#N/A": ` + formulaReason,
			`备注 "#N/A"：` + zhFormulaReason},
		{"subject csv #N/A", Subject, TextCell("#N/A"), `备注 "#N/A": ` + formulaReason,
			`备注 "#N/A"：` + zhFormulaReason},
		{"ext_info csv #VALUE! with blanks", ExtInfo, TextCell(" #VALUE!\t"), `卡摘要 " #VALUE!\t": ` + formulaReason,
			`卡摘要 " #VALUE!\t"：` + zhFormulaReason},
		{"subject ideographic space", Subject, TextCell("\u3000#NAME?\u3000"), `备注 "\u3000#NAME?\u3000": ` + formulaReason,
			`备注 "\u3000#NAME?\u3000"：` + zhFormulaReason},
		{"birthday #NUM!", Birthday, errCell("#NUM!"), `生日 "#NUM!": ` + formulaReason,
			`生日 "#NUM!"：` + zhFormulaReason},
		{"balance #DIV/0!", Balance, TextCell("#DIV/0!"), `余额 "#DIV/0!": ` + formulaReason,
			`余额 "#DIV/0!"：` + zhFormulaReason},
		{"points #NULL!", Points, errCell("#NULL!"), `积分 "#NULL!": ` + formulaReason,
			`积分 "#NULL!"：` + zhFormulaReason},
		{"level #GETTING_DATA", Level, TextCell("#GETTING_DATA"), `等级 "#GETTING_DATA": ` + formulaReason,
			`等级 "#GETTING_DATA"：` + zhFormulaReason},
		{"idnumber #SPILL!", IDNumber, TextCell("#SPILL!"), `身份证 "#SPILL!": ` + formulaReason,
			`身份证 "#SPILL!"：` + zhFormulaReason},
		{"expiry #CALC!", Expirydate, errCell("#CALC!"), `有效期 "#CALC!": ` + formulaReason,
			`有效期 "#CALC!"：` + zhFormulaReason},
		// Required columns: the formula error is the only problem told,
		// not "not a phone" or "# is not allowed".
		{"cardno xlsx #DIV/0!", Cardno, errCell("#DIV/0!"), `卡号 "#DIV/0!": ` + formulaReason,
			`卡号 "#DIV/0!"：` + zhFormulaReason},
		{"cardno csv #REF!", Cardno, TextCell("#REF!"), `卡号 "#REF!": ` + formulaReason,
			`卡号 "#REF!"：` + zhFormulaReason},
		{"extid #N/A", Extid, TextCell("#N/A"), `卡内编码 "#N/A": ` + formulaReason,
			`卡内编码 "#N/A"：` + zhFormulaReason},
		{"name xlsx #REF!", Name, errCell("#REF!"), `姓名 "#REF!": ` + formulaReason,
			`姓名 "#REF!"：` + zhFormulaReason},
		{"phone #VALUE!", Phone, TextCell("#VALUE!"), `手机 "#VALUE!": ` + formulaReason,
			`手机 "#VALUE!"：` + zhFormulaReason},
		{"sex #N/A", Sex, errCell("#N/A"), `性别 "#N/A": ` + formulaReason,
			`性别 "#N/A"：` + zhFormulaReason},
		// Reports never show a password, not even an error value.
		{"password #N/A", Password, TextCell("#N/A"), `密码: ` + formulaReason,
			`密码：` + zhFormulaReason},
		// An error cell is an error whatever its text: gnumeric writes a
		// formula it cannot parse as #"SUM(".
		{"xlsx error of another writer", Subject, errCell(`#"SUM("`), `备注 "#\"SUM(\"": ` + formulaReason,
			`备注 "#\"SUM(\""：` + zhFormulaReason},
		// LibreOffice shows and saves its own errors as Err:502.
		{"LibreOffice Err:502", Subject, TextCell("Err:502"), `备注 "Err:502": ` + formulaReason,
			`备注 "Err:502"：` + zhFormulaReason},
		{"LibreOffice Err:522 as name", Name, TextCell("Err:522"), `姓名 "Err:522": ` + formulaReason,
			`姓名 "Err:522"：` + zhFormulaReason},
		// Only the exact text is an error: a note about one is a note.
		{"note mentioning #N/A", Subject, TextCell("#N/A 待补"), "", ""},
		{"lower case", Subject, TextCell("#n/a"), "", ""},
		{"Err: with letters", Subject, TextCell("Err:abc"), "", ""},
		{"Err: four digits", Subject, TextCell("Err:5021"), "", ""},
		{"hash alone", Subject, TextCell("#"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newValidator(t, Options{})
			in := baseInput()
			in.Columns[Subject] = "备注"
			in.Cells[tt.f] = tt.cell
			card, ps := v.Check(in)
			if got := Message(ps); got != tt.msg {
				t.Errorf("message\n got: %s\nwant: %s", got, tt.msg)
			}
			if _, ps := newValidator(t, Options{Printer: zhPrinter}).Check(in); Message(ps) != tt.zh {
				t.Errorf("Chinese message\n got: %s\nwant: %s", Message(ps), tt.zh)
			}
			if tt.msg != "" {
				if !Invalid(ps) {
					t.Errorf("row is valid")
				}
				if got := sent(card, tt.f); got != "" && tt.f != Sex {
					t.Errorf("sent %s %q", tt.f, got)
				}
			}
		})
	}
}

// An error value is never remembered as a card number or phone: two rows
// with #N/A are two formula errors, not a duplicate.
func TestFormulaErrorsAreNotDuplicates(t *testing.T) {
	v := newValidator(t, Options{})
	for row, phone := range []string{"18862302465", "13800138000"} {
		in := baseInput()
		in.Row = row + 2
		in.Cells[Cardno] = errCell("#N/A")
		in.Cells[Extid] = TextCell("#N/A")
		in.Cells[Phone] = TextCell(phone)
		_, ps := v.Check(in)
		want := `卡号 "#N/A": ` + formulaReason + `; 卡内编码 "#N/A": ` + formulaReason
		if got := Message(ps); got != want {
			t.Errorf("row %d:\n got: %s\nwant: %s", in.Row, got, want)
		}
	}
}

// Sandy requires only a card number; an error in its optional columns
// still makes the row invalid.
func TestFormulaErrorsSandy(t *testing.T) {
	v := newValidator(t, Options{Profile: sandyProfile})
	in := baseInput()
	in.Cells[Password] = Cell{}
	in.Cells[Extid] = Cell{}
	in.Cells[Name] = errCell("#N/A")
	_, ps := v.Check(in)
	if !Invalid(ps) || !strings.Contains(Message(ps), `姓名 "#N/A": a formula error`) {
		t.Errorf("sandy: %s", Message(ps))
	}
}

func TestIsFormulaError(t *testing.T) {
	for _, s := range []string{"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
		"#GETTING_DATA", "#SPILL!", "#CALC!", "Err:502", "Err:511"} {
		if !isFormulaError(TextCell(s), s) {
			t.Errorf("%q is not a formula error", s)
		}
	}
	for _, s := range []string{"", "#", "#N/A ", "N/A", "#REF", "#ref!", "Err:50", "Err:5022", "ERR:502", "#NUM!!"} {
		if isFormulaError(TextCell(s), s) {
			t.Errorf("%q is a formula error", s)
		}
	}
	if !isFormulaError(errCell("#WHATEVER"), "#WHATEVER") {
		t.Errorf("an error cell is not a formula error")
	}
}
