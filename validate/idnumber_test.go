package validate

import (
	"testing"
	"time"
)

func TestParseIDNumber(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in   string
		want IDInfo
		err  string
	}{
		{"110105199002031235", IDInfo{"110105199002031235", day(1990, 2, 3), true}, ""},
		{"110105199002031243", IDInfo{"110105199002031243", day(1990, 2, 3), false}, ""},
		{"11010519940103103x", IDInfo{"11010519940103103X", day(1994, 1, 3), true}, ""},
		{" 11010519940103103X\u3000", IDInfo{"11010519940103103X", day(1994, 1, 3), true}, ""},
		{"１１０１０５１９９４０１０３１０３ｘ", IDInfo{"11010519940103103X", day(1994, 1, 3), true}, ""},
		{"110105900203123", IDInfo{"110105900203123", day(1990, 2, 3), true}, ""},
		{"110105900203124", IDInfo{"110105900203124", day(1990, 2, 3), false}, ""},
		{"110105199002031234", IDInfo{},
			"the check digit (the last character) does not match the others: a digit is mistyped"},
		{"110105199002031000", IDInfo{},
			"the last 3 digits are 000 and the check digit does not match: Excel stored the ID as a number and lost its last digits; format the column as Text and retype it"},
		{"110105199002301231", IDInfo{}, "the birth date in it (1990-02-30) is not a real date"},
		{"110105901302123", IDInfo{}, "the birth date in it (1990-13-02) is not a real date"},
		{"1.10105E+17", IDInfo{}, hintScientific},
		{"11010519900203123", IDInfo{}, "17 characters, an ID number has 18 (or 15 on old cards)"},
		{"", IDInfo{}, "0 characters, an ID number has 18 (or 15 on old cards)"},
		{"1101051990020312X5", IDInfo{}, "X may only be the last of 18 characters"},
		{"11010590020312X", IDInfo{}, "X may only be the last of 18 characters"},
		{"110105-19900203-1235", IDInfo{}, `"-" is not allowed: an ID number has digits only, and maybe an X at the end`},
		{"11010519900203123é", IDInfo{}, `"é" is not allowed: an ID number has digits only, and maybe an X at the end`},
	} {
		got, err := ParseIDNumber(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("ParseIDNumber(%q) = %+v, %v; want %+v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestIDCrossCheck(t *testing.T) {
	const id = "110105199002031235" // born 1990-02-03, male
	for _, tc := range []struct {
		name          string
		birthday, sex string
		want          string
		zh            string
	}{
		{"agrees", "1990-02-03", "男", "", ""},
		{"agrees without birthday", "", "M", "", ""},
		{"other birthday", "1991-02-03", "男",
			`warning: 身份证 "110105199002031235": says born 1990-02-03 but 生日 is 1991-02-03`,
			`提醒：身份证 "110105199002031235"：号码里的出生日期是1990-02-03，但生日一栏是1991-02-03`},
		{"other sex", "19900203", "女士",
			`warning: 身份证 "110105199002031235": says male but 性别 is 女士`,
			`提醒：身份证 "110105199002031235"：号码显示为男性，但性别一栏是女士`},
		{"both", "1990/2/4", "0",
			`warning: 身份证 "110105199002031235": says born 1990-02-03 but 生日 is 1990-02-04; ` +
				`warning: 身份证 "110105199002031235": says male but 性别 is 0`,
			`提醒：身份证 "110105199002031235"：号码里的出生日期是1990-02-03，但生日一栏是1990-02-04；` +
				`提醒：身份证 "110105199002031235"：号码显示为男性，但性别一栏是0`},
		{"invalid birthday is no cross-check", "1990-02-30", "男",
			`生日 "1990-02-30": not a real date: February 1990 has 28 days`,
			`生日 "1990-02-30"：日期不存在，1990年2月只有28天`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newValidator(t, Options{})
			in := baseInput()
			in.Cells[IDNumber] = TextCell(id)
			in.Cells[Birthday] = TextCell(tc.birthday)
			in.Cells[Sex] = TextCell(tc.sex)
			_, ps := v.Check(in)
			if got := Message(ps); got != tc.want {
				t.Errorf("message\n got: %s\nwant: %s", got, tc.want)
			}
			_, ps = newValidator(t, Options{Printer: zhPrinter}).Check(in)
			if got := Message(ps); got != tc.zh {
				t.Errorf("Chinese message\n got: %s\nwant: %s", got, tc.zh)
			}
		})
	}
	t.Run("warning keeps the row valid", func(t *testing.T) {
		v := newValidator(t, Options{})
		in := baseInput()
		in.Cells[IDNumber] = TextCell(id)
		in.Cells[Sex] = TextCell("女")
		card, ps := v.Check(in)
		if Invalid(ps) || len(ps) != 1 || !ps[0].Warning || card.IDNumber != id {
			t.Errorf("got %+v, %+v", card, ps)
		}
	})
	t.Run("columns named by field when absent", func(t *testing.T) {
		v := newValidator(t, Options{})
		in := baseInput()
		in.Cells[IDNumber] = TextCell("110105900203124") // 15 digits, female
		in.Columns[Sex] = ""
		_, ps := v.Check(in)
		want := `warning: 身份证 "110105900203124": says female but sex is 男`
		if got := Message(ps); got != want {
			t.Errorf("message\n got: %s\nwant: %s", got, want)
		}
		// In Chinese the absent column is named as the template names it.
		_, ps = newValidator(t, Options{Printer: zhPrinter}).Check(in)
		want = `提醒：身份证 "110105900203124"：号码显示为女性，但性别一栏是男`
		if got := Message(ps); got != want {
			t.Errorf("Chinese message\n got: %s\nwant: %s", got, want)
		}
	})
}
