//go:build ignore

// gen writes the sample rosters: go run samples/gen.go
//
// roster.xlsx and roster.csv hold the same 200 cards of a restaurant chain,
// a handful of them broken the way real rosters are (a 10-digit phone, a
// card number typed twice, a birthday in the future...). roster-gb18030.csv
// is a smaller roster as Excel on a Chinese Windows saves "CSV": GB18030,
// no BOM. The output is deterministic.
package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var header = []string{"卡号", "密码", "卡内编码", "姓名", "手机号", "性别", "生日", "会员等级", "余额", "积分", "身份证号", "备注"}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华梅鑫玲婷宇浩然子涵欣怡梓轩一诺思远佳琪雨桐俊杰晨曦")
	subjects = []string{"", "", "", "老会员迁移", "开业储值", "员工卡", "VIP 客户", "团购转入"}
	prefixes = []string{"138", "139", "150", "151", "158", "186", "187", "135", "136", "177", "188", "199"}
)

type card struct {
	cardno, password, extid, name, phone, sex string
	birthday                                  time.Time
	level                                     int
	balance                                   string
	points                                    int
	idnumber, subject                         string
	// how the row is written in each format
	phoneNumeric bool   // xlsx: phone stored as a number cell
	birthdayText string // csv (and xlsx when set): the birthday as typed
}

func main() {
	rng := rand.New(rand.NewPCG(2026, 11))
	cards := make([]card, 200)
	for i := range cards {
		birth := time.Date(1955+rng.IntN(50), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		male := rng.IntN(2) == 0
		c := card{
			cardno:   fmt.Sprintf("8800%04d", 1001+i),
			password: fmt.Sprintf("%06d", rng.IntN(1000000)),
			extid:    fmt.Sprintf("NB%05d", 20001+i),
			name:     string(surnames[rng.IntN(len(surnames))]) + string(given[rng.IntN(len(given))]),
			phone:    prefixes[rng.IntN(len(prefixes))] + fmt.Sprintf("%08d", rng.IntN(100000000)),
			sex:      map[bool]string{true: "男", false: "女"}[male],
			birthday: birth,
			level:    1 + rng.IntN(5),
			balance:  fmt.Sprintf("%d.%02d", rng.IntN(2000), rng.IntN(100)),
			points:   rng.IntN(5000),
			subject:  subjects[rng.IntN(len(subjects))],
		}
		if rng.IntN(3) == 0 {
			c.name += string(given[rng.IntN(len(given))])
		}
		if rng.IntN(4) == 0 {
			c.idnumber = idNumber(rng, birth, male)
		}
		switch rng.IntN(10) { // the ways people type phones
		case 0:
			c.phone = c.phone[:3] + " " + c.phone[3:7] + " " + c.phone[7:]
		case 1:
			c.phone = "+86 " + c.phone
		case 2:
			c.phone = c.phone[:3] + "-" + c.phone[3:7] + "-" + c.phone[7:]
		case 3, 4, 5:
			c.phoneNumeric = true
		}
		switch rng.IntN(8) { // and sexes
		case 0:
			c.sex = map[bool]string{true: "M", false: "F"}[male]
		case 1:
			c.sex = map[bool]string{true: "先生", false: "女士"}[male]
		case 2:
			c.sex = map[bool]string{true: "1", false: "0"}[male]
		}
		switch rng.IntN(6) { // and dates
		case 0:
			c.birthdayText = birth.Format("2006/1/2")
		case 1:
			c.birthdayText = fmt.Sprintf("%d年%d月%d日", birth.Year(), birth.Month(), birth.Day())
		case 2:
			c.birthdayText = birth.Format("20060102")
		}
		if rng.IntN(5) == 0 {
			c.balance = "¥" + commas(c.balance)
		}
		cards[i] = c
	}
	breakSome(cards)

	if err := writeXLSX("samples/roster.xlsx", cards); err != nil {
		log.Fatal(err)
	}
	if err := writeCSV("samples/roster.csv", cards, false); err != nil {
		log.Fatal(err)
	}
	if err := writeCSV("samples/roster-gb18030.csv", cards[:30], true); err != nil {
		log.Fatal(err)
	}
	if err := writeSandy("samples/roster-sandy.csv", cards[:60]); err != nil {
		log.Fatal(err)
	}
}

// writeSandy writes a member-cjb roster: the restaurant's level names in
// simplified Chinese (the platform spells them 普通會員, 高級會員, VIP會員),
// two rows broken.
func writeSandy(path string, cs []card) error {
	levels := []string{"普通会员", "高级会员", "VIP会员", "普通会员", "高级会员"}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write([]string{"会员卡号", "姓名", "手机", "性别", "出生日期", "会员等级", "储值金额"})
	for i, c := range cs {
		level := levels[c.level-1]
		if i == 17 {
			level = "钻石会员" // a level the restaurant does not have
		}
		phone := c.phone
		if i == 33 {
			phone = "2345678" // a landline fragment
		}
		w.Write([]string{fmt.Sprintf("M%06d", 1+i), c.name, phone, c.sex, c.birthday.Format("2006-01-02"), level, c.balance})
	}
	w.Flush()
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// breakSome damages a few rows the way real rosters go wrong.
func breakSome(cs []card) {
	cs[12].phone = "1380013800"                                   // a digit short
	cs[12].phoneNumeric = false                                   //
	cs[27].cardno = cs[26].cardno                                 // a card number typed twice
	cs[41].password = "12"                                        // too short
	cs[58].birthday = time.Date(2031, 5, 1, 0, 0, 0, 0, time.UTC) // in the future
	cs[58].birthdayText = ""                                      //
	cs[73].idnumber = "11010519491231002Y"                        // not an ID number
	cs[96].balance = "-50"                                        // negative balance
	cs[118].sex = "未知"                                            // not a sex
	cs[140].name = ""                                             // no name
	cs[163].balance = "12.345"                                    // fractions of a fen
	cs[181].phone = cs[180].phone                                 // two members, one phone
	cs[181].phoneNumeric = cs[180].phoneNumeric                   //
}

func commas(s string) string {
	i := bytes.IndexByte([]byte(s), '.')
	intPart, rest := s[:i], s[i:]
	for n := len(intPart) - 3; n > 0; n -= 3 {
		intPart = intPart[:n] + "," + intPart[n:]
	}
	return intPart + rest
}

// idNumber makes a valid GB 11643 number for the birth date and sex.
func idNumber(rng *rand.Rand, birth time.Time, male bool) string {
	areas := []string{"110105", "310104", "440305", "320102", "330106", "510107"}
	seq := rng.IntN(500) * 2
	if male {
		seq++
	}
	body := areas[rng.IntN(len(areas))] + birth.Format("20060102") + fmt.Sprintf("%03d", seq)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

func row(c card) []string {
	bd := c.birthdayText
	if bd == "" {
		bd = c.birthday.Format("2006-01-02")
	}
	return []string{c.cardno, c.password, c.extid, c.name, c.phone, c.sex, bd, strconv.Itoa(c.level), c.balance, strconv.Itoa(c.points), c.idnumber, c.subject}
}

func writeCSV(path string, cs []card, gb bool) error {
	var buf bytes.Buffer
	if !gb {
		buf.WriteString("\ufeff")
	}
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write(header)
	for _, c := range cs {
		w.Write(row(c))
	}
	w.Flush()
	out := buf.Bytes()
	if gb {
		var err error
		if out, err = simplifiedchinese.GB18030.NewEncoder().Bytes(out); err != nil {
			return err
		}
	}
	return os.WriteFile(path, out, 0o644)
}

// writeXLSX writes the roster as staff keep it: a title-less sheet named
// 会员, identifiers as text, some phones as number cells (Excel turns a
// typed phone into a number), birthdays as date cells unless typed as text.
func writeXLSX(path string, cs []card) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "会员"
	f.SetSheetName("Sheet1", sheet)
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	textStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellStr(sheet, cell, h)
	}
	for i, c := range cs {
		r := i + 2
		set := func(col int, v any) {
			cell, _ := excelize.CoordinatesToCellName(col, r)
			f.SetCellValue(sheet, cell, v)
		}
		str := func(col int, v string) {
			cell, _ := excelize.CoordinatesToCellName(col, r)
			f.SetCellStr(sheet, cell, v)
			f.SetCellStyle(sheet, cell, cell, textStyle)
		}
		str(1, c.cardno)
		str(2, c.password)
		str(3, c.extid)
		str(4, c.name)
		if n, err := strconv.ParseInt(c.phone, 10, 64); err == nil && c.phoneNumeric {
			set(5, n)
		} else {
			str(5, c.phone)
		}
		str(6, c.sex)
		if c.birthdayText != "" {
			str(7, c.birthdayText)
		} else {
			set(7, c.birthday)
			cell, _ := excelize.CoordinatesToCellName(7, r)
			f.SetCellStyle(sheet, cell, cell, dateStyle)
		}
		set(8, c.level)
		str(9, c.balance)
		set(10, c.points)
		str(11, c.idnumber)
		str(12, c.subject)
	}
	f.SetColWidth(sheet, "A", "L", 14)
	return f.SaveAs(path)
}
