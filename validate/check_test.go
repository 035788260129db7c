package validate

import (
	"errors"
	"testing"
	"time"
)

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		err  error
		msg  string
	}{
		{"zero options", Options{}, nil, ""},
		{"sandy in HK", Options{Profile: sandyProfile, PhoneRegion: "hk"}, nil, ""},
		{"unknown region", Options{PhoneRegion: "ZZ"}, ErrUnknownRegion,
			`unknown phone region "ZZ": use an ISO country code such as CN, HK, MO or TW`},
		{"region name", Options{PhoneRegion: "China"}, ErrUnknownRegion,
			`unknown phone region "China": use an ISO country code such as CN, HK, MO or TW`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := New(tc.opts)
			if !errors.Is(err, tc.err) || (err != nil && err.Error() != tc.msg) {
				t.Fatalf("New: %v, want %q", err, tc.msg)
			}
			if (v == nil) != (tc.err != nil) {
				t.Errorf("New returned %v with error %v", v, err)
			}
		})
	}
}

func TestNowDefaultsToToday(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := baseInput()
	in.Cells[Birthday] = TextCell(time.Now().AddDate(0, 0, 2).Format("2006-01-02"))
	if _, ps := v.Check(in); !Invalid(ps) {
		t.Errorf("a birthday after tomorrow passed with Now unset")
	}
}

func TestRequired(t *testing.T) {
	empty := &Input{Source: "a.csv", Row: 2}
	for f := range NumFields {
		empty.Columns[f] = f.Aliases()[0]
	}
	empty.Columns[Name] = "" // a missing column: named by the field
	for _, tc := range []struct {
		profile Profile
		want    string
	}{
		{mbProfile, "卡号: empty, this column is required; 密码: empty, this column is required; " +
			"卡内编码: empty, this column is required; name: empty, this column is required; " +
			"手机: empty, this column is required; 性别: empty, this column is required"},
		{sandyProfile, "卡号: empty, this column is required; name: empty, this column is required; " +
			"手机: empty, this column is required; 性别: empty, this column is required"},
	} {
		v := newValidator(t, Options{Profile: tc.profile})
		_, ps := v.Check(empty)
		if got := Message(ps); got != tc.want {
			t.Errorf("%s: message\n got: %s\nwant: %s", tc.profile.Name, got, tc.want)
		}
		for _, p := range ps {
			if p.Value != "" {
				t.Errorf("%s: empty value shown as %q", tc.profile.Name, p.Value)
			}
		}
	}

	// On sandy, password and in-card code are optional but still checked.
	v := newValidator(t, Options{Profile: sandyProfile})
	in := baseInput()
	in.Cells[Password], in.Cells[Extid] = TextCell(""), TextCell("")
	if _, ps := v.Check(in); len(ps) != 0 {
		t.Errorf("sandy without password and in-card code: %s", Message(ps))
	}
	in.Row = 3
	in.Cells[Cardno], in.Cells[Phone] = TextCell("100102"), TextCell("18862302466")
	in.Cells[Password] = TextCell("12")
	if _, ps := v.Check(in); Message(ps) != "密码: 2 digits, a password needs 4 to 12" {
		t.Errorf("sandy with a bad password: %s", Message(ps))
	}
}

// TestEveryProblemOfARow checks that validation reports every broken rule
// of every field, in field order, and fills the card from the good ones.
func TestEveryProblemOfARow(t *testing.T) {
	v := newValidator(t, Options{})
	in := baseInput()
	in.Cells[Cardno] = num("123")
	in.Cells[Phone] = TextCell("1.56061E+10")
	in.Cells[Sex] = TextCell("x")
	in.Cells[Birthday] = TextCell("1990-02-30")
	in.Cells[Balance] = TextCell("12.345")
	in.Cells[Points] = TextCell("88")
	card, ps := v.Check(in)
	want := `卡号 "123": 3 digits, a card number needs 4 to 32; ` + wantHintNumber + `; ` +
		`手机 "1.56061E+10": ` + wantHintSci + `; ` +
		`性别 "x": not a sex we know: write 男 or 女 (1/0 and M/F work too); ` +
		`生日 "1990-02-30": not a real date: February 1990 has 28 days; ` +
		`余额 "12.345": more than 2 decimal places: a balance is in yuan and fen, like 100.88`
	if got := Message(ps); got != want {
		t.Errorf("message\n got: %s\nwant: %s", got, want)
	}
	if len(ps) != 5 || !Invalid(ps) {
		t.Errorf("%d problems, invalid %v", len(ps), Invalid(ps))
	}
	for _, p := range ps {
		if p.Column != in.Columns[p.Field] || p.Value != in.Cells[p.Field].Text {
			t.Errorf("problem %+v does not name the column and value as written", p)
		}
	}
	if card.Name != "西瓜" || card.Points != "88" || !card.HasPoints || card.Extid != "109" {
		t.Errorf("card from the good fields: %+v", card)
	}
}

func TestValidRowCard(t *testing.T) {
	v := newValidator(t, Options{})
	in := baseInput()
	in.Cells[Birthday] = dateCell(1994, 1, 3)
	in.Cells[Level] = num("1")
	in.Cells[Balance] = TextCell("100.88")
	in.Cells[Points] = TextCell("200")
	in.Cells[Expirydate] = TextCell("2030-12-25")
	in.Cells[IDNumber] = TextCell("11010519940103103x")
	in.Cells[Subject] = TextCell("备注")
	in.Cells[ExtInfo] = TextCell("卡摘要")
	card, ps := v.Check(in)
	if len(ps) != 0 {
		t.Fatalf("problems: %s", Message(ps))
	}
	want := Card{
		Cardno: "100101", Password: "123456", Extid: "109", Name: "西瓜", Phone: "18862302465",
		Sex: 1, Birthday: "19940103", Level: "1", Balance: Money{Fen: 10088}, HasBalance: true,
		Points: "200", HasPoints: true, Expirydate: "20301225", IDNumber: "11010519940103103X",
		Subject: "备注", ExtInfo: "卡摘要",
	}
	if card != want {
		t.Errorf("card\n got: %+v\nwant: %+v", card, want)
	}
}
