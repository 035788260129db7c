package validate

import (
	"strconv"
	"testing"
	"time"

	"github.com/cardimport/cardimport/validate/lang"
)

// testNow is "today" in tests: 2026-11-23, in the afternoon.
var testNow = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

// baseInput returns a valid mb row with every required field filled and
// every column named by its template header (卡号, 密码, …).
func baseInput() *Input {
	in := &Input{Source: "roster.xlsx:Sheet1", Row: 2}
	for f := range NumFields {
		in.Columns[f] = f.Aliases()[0]
	}
	in.Cells[Cardno] = TextCell("100101")
	in.Cells[Password] = TextCell("123456")
	in.Cells[Extid] = TextCell("109")
	in.Cells[Name] = TextCell("西瓜")
	in.Cells[Phone] = TextCell("18862302465")
	in.Cells[Sex] = TextCell("男")
	return in
}

func newValidator(tb testing.TB, opts Options) *Validator {
	tb.Helper()
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	v, err := New(opts)
	if err != nil {
		tb.Fatalf("New(%+v): %v", opts, err)
	}
	return v
}

// sent returns field f of a card as it would be sent, "" when absent.
func sent(c Card, f Field) string {
	switch f {
	case Cardno:
		return c.Cardno
	case Password:
		return c.Password
	case Extid:
		return c.Extid
	case Name:
		return c.Name
	case Phone:
		return c.Phone
	case Sex:
		return strconv.Itoa(c.Sex)
	case Birthday:
		return c.Birthday
	case Level:
		return c.Level
	case Balance:
		if c.HasBalance {
			return c.Balance.String()
		}
	case Points:
		if c.HasPoints {
			return c.Points
		}
	case Expirydate:
		return c.Expirydate
	case IDNumber:
		return c.IDNumber
	case Subject:
		return c.Subject
	case ExtInfo:
		return c.ExtInfo
	}
	return ""
}

// fieldCase is one value of one field, checked in an otherwise valid row.
type fieldCase struct {
	name string
	cell Cell
	want string // the sent value when the row is valid
	msg  string // Message(problems); "" for a row without problems
	zh   string // Message(problems) with a Chinese Validator
}

// zhPrinter is the Chinese of the tests.
var zhPrinter = lang.New(lang.Chinese)

// runFieldCases checks each case's cell as field f of baseInput, in
// English and in Chinese.
func runFieldCases(t *testing.T, opts Options, f Field, cases []fieldCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := newValidator(t, opts)
			in := baseInput()
			in.Cells[f] = tc.cell
			card, ps := v.Check(in)
			if got := Message(ps); got != tc.msg {
				t.Errorf("%s %q: message\n got: %s\nwant: %s", f, tc.cell.Text, got, tc.msg)
			}
			if tc.msg == "" || !Invalid(ps) {
				if got := sent(card, f); got != tc.want {
					t.Errorf("%s %q: sent %q, want %q", f, tc.cell.Text, got, tc.want)
				}
			}
			zhOpts := opts
			zhOpts.Printer = zhPrinter
			zhCard, ps := newValidator(t, zhOpts).Check(in)
			if got := Message(ps); got != tc.zh {
				t.Errorf("%s %q: Chinese message\n got: %s\nwant: %s", f, tc.cell.Text, got, tc.zh)
			}
			if zhCard != card {
				t.Errorf("%s %q: the language changed the card: %+v, in English %+v", f, tc.cell.Text, zhCard, card)
			}
		})
	}
}

func num(s string) Cell { return Cell{Text: s, Kind: KindNumber} }

func dateCell(y int, m time.Month, d int) Cell {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Cell{Text: t.Format("2006-01-02"), Kind: KindDate, Time: t}
}
