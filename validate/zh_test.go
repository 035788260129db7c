package validate

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/validate/lang"
)

// TestMain fails the package's tests when a message was printed that the
// catalogue does not have in both languages.
func TestMain(m *testing.M) { os.Exit(lang.RunTests(m)) }

// The rules the field tables cannot reach, in Chinese.
func TestChineseProblems(t *testing.T) {
	zh := Options{Printer: zhPrinter}
	t.Run("required column absent", func(t *testing.T) {
		in := baseInput()
		in.Columns[Name], in.Cells[Name] = "", Cell{}
		_, ps := newValidator(t, zh).Check(in)
		// The field is named as the template's Chinese header names it.
		if got, want := Message(ps), "姓名：为空，此列必填"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("cell too long", func(t *testing.T) {
		in := baseInput()
		in.Cells[Subject] = TextCell(strings.Repeat("长", MaxCellChars+1))
		_, ps := newValidator(t, zh).Check(in)
		want := `摘要 "` + strings.Repeat("长", 40) + `…（共32768字）"：超过了 Excel 单元格最多能放的 32,767 个字符：单元格已损坏或放了别的内容，请删短`
		if got := Message(ps); got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})
	t.Run("unknown region", func(t *testing.T) {
		_, err := New(Options{PhoneRegion: "ZZ", Printer: zhPrinter})
		want := `不认识的手机号地区 "ZZ"：请用 ISO 国家/地区代码，如 CN、HK、MO 或 TW`
		if !errors.Is(err, ErrUnknownRegion) || err.Error() != want {
			t.Errorf("New: %v, want %s", err, want)
		}
	})
	t.Run("several mobile lengths", func(t *testing.T) {
		in := baseInput()
		in.Cells[Phone] = TextCell("151 2")
		for _, tc := range []struct {
			p    *lang.Printer
			want string
		}{
			{nil, `手机 "151 2": 4 digits, a DE mobile has 10 or 11`},
			{zhPrinter, `手机 "151 2"：只有4位，DE手机号应为10或11位`},
		} {
			_, ps := newValidator(t, Options{PhoneRegion: "DE", Printer: tc.p}).Check(in)
			if got := Message(ps); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		}
	})
	t.Run("dates", func(t *testing.T) {
		for in, want := range map[string]string{
			"0000-05-01": `生日 "0000-05-01"：年份0000不存在`,
			"1990-00-10": `生日 "1990-00-10"：日期不存在：没有0月`,
			"1900-02-29": `生日 "1900-02-29"：日期不存在，1900年2月只有28天`,
			"1990-12-32": `生日 "1990-12-32"：日期不存在，1990年12月只有31天`,
		} {
			c := baseInput()
			c.Cells[Birthday] = TextCell(in)
			_, ps := newValidator(t, zh).Check(c)
			if got := Message(ps); got != want {
				t.Errorf("%s: got %s, want %s", in, got, want)
			}
		}
	})
	t.Run("more levels than listed", func(t *testing.T) {
		var many []CardLevel
		for i := range 12 {
			many = append(many, CardLevel{ID: fmt.Sprint(i), Name: fmt.Sprint("等级", i)})
		}
		in := baseInput()
		in.Cells[Level] = TextCell("金卡")
		_, ps := newValidator(t, Options{Profile: sandyProfile, Levels: many, Printer: zhPrinter}).Check(in)
		want := `等级 "金卡"：平台上没有这个会员等级，平台的等级有：等级0、等级1、等级2、等级3、等级4、等级5、等级6、等级7、等级8、等级9…（共12个）`
		if got := Message(ps); got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})
}

// Counts are grouped as people read them, identifiers never: a row number
// or a year of four digits reads as written in both languages.
func TestNumbersInMessages(t *testing.T) {
	for _, p := range []*lang.Printer{nil, zhPrinter} {
		v := newValidator(t, Options{Printer: p})
		in := baseInput()
		in.Source, in.Row = "a.csv", 1200
		v.Check(in)
		in.Row = 1201
		_, ps := v.Check(in)
		if got := Message(ps); !strings.Contains(got, "1200") || strings.Contains(got, "1,200") {
			t.Errorf("%v: %s", p.Tag(), got)
		}
	}
}
