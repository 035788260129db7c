package validate_test

import (
	"fmt"
	"time"

	"github.com/cardimport/cardimport/validate"
)

func ExampleValidator_Check() {
	v, err := validate.New(validate.Options{
		// What the platform requires and how it counts levels: the mb
		// package declares this as mb.Profile.
		Profile: validate.Profile{
			Name:           "mb",
			Required:       []validate.Field{validate.Cardno, validate.Password, validate.Extid, validate.Name, validate.Phone, validate.Sex},
			MaxLevel:       5,
			RelativeExpiry: true,
		},
		Now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.Local),
	})
	if err != nil {
		panic(err)
	}
	in := &validate.Input{Source: "roster.xlsx:Sheet1", Row: 2}
	set := func(f validate.Field, header, value string) {
		in.Columns[f], in.Cells[f] = header, validate.TextCell(value)
	}
	set(validate.Cardno, "卡号", "１００１０１")
	set(validate.Password, "密码", "123456")
	set(validate.Extid, "卡内编码", "109")
	set(validate.Name, "姓名", "\u3000西瓜 ")
	set(validate.Phone, "手机号", "+86 188-6230-2465")
	set(validate.Sex, "性别", "先生")
	set(validate.Birthday, "生日", "1994年1月3日")
	set(validate.Balance, "余额", "¥1,000.50")
	set(validate.IDNumber, "身份证", "11010519940103103x")

	card, problems := v.Check(in)
	fmt.Printf("valid=%v cardno=%s name=%q phone=%s sex=%d birthday=%s balance=%s\n",
		!validate.Invalid(problems), card.Cardno, card.Name, card.Phone, card.Sex, card.Birthday, card.Balance)
	fmt.Printf("message: %q\n", validate.Message(problems))

	// The next row repeats the card number, mistypes the phone and
	// contradicts the ID number's sex.
	in.Row = 3
	set(validate.Extid, "卡内编码", "110")
	set(validate.Phone, "手机号", "1380013800")
	set(validate.Sex, "性别", "女")
	_, problems = v.Check(in)
	fmt.Println("valid:", !validate.Invalid(problems))
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output:
	// valid=true cardno=100101 name="西瓜" phone=18862302465 sex=1 birthday=19940103 balance=1000.5
	// message: ""
	// valid: false
	// 卡号 "１００１０１": also in row 2 of roster.xlsx:Sheet1
	// 手机号 "13****00": 10 digits, a CN mobile has 11
	// warning: 身份证 "11010519940103103x": says male but 性别 is 女
}
