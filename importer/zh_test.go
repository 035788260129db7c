package importer_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// TestMain fails the package's tests when a message was printed that the
// catalogue does not have in both languages.
func TestMain(m *testing.M) { os.Exit(lang.RunTests(m)) }

var zhPrinter = lang.New(lang.Chinese)

// The report's row messages in Chinese (SPEC §11): the importer's own
// words are Chinese, the platform's are quoted as they came, the roster's
// values as written. Statuses stay the machine's.
func TestChineseRowMessages(t *testing.T) {
	t.Run("reused card number", func(t *testing.T) {
		j := openJournal(t, t.TempDir()+"/j.db", "mb")
		defer j.Close()
		f := &fakePlatform{issue: func(cards []*platform.Card) ([]platform.Answer, error) { return issueAll(cards), nil }}
		doRun(t, context.Background(), importer.Config{Rosters: []importer.Roster{rosterCSV(t, 3, nil)}, Platform: f, Journal: j})
		r := doRun(t, context.Background(), importer.Config{
			Rosters: []importer.Roster{rosterCSV(t, 3, func(i int, f []string) {
				if i == 0 {
					f[3] = "别人" // the same card number for another holder
				}
			})},
			Platform: f, Journal: j, Printer: zhPrinter,
		})
		l := r.lines[0]
		if l.Status != platform.StatusExists {
			t.Fatalf("status %s %q", l.Status, l.Message)
		}
		if !strings.HasPrefix(l.Message, "这个卡号已在 ") ||
			!strings.HasSuffix(l.Message, " 发过卡，来自 roster.csv 第 2 行，发给 会员0 138****0000（卡内编码 E0）：是另一位持卡人（姓名不同）") {
			t.Errorf("message %q", l.Message)
		}
		if r.lines[1].Status != platform.StatusSkipped || r.lines[1].Message != "之前的运行已发过这张卡" {
			t.Errorf("row 3: %s %q", r.lines[1].Status, r.lines[1].Message)
		}
	})
	t.Run("rejected after bisection", func(t *testing.T) {
		f := &fakePlatform{issue: func(cards []*platform.Card) ([]platform.Answer, error) {
			for _, c := range cards {
				if c.Cardno == "6000003" {
					return nil, &platform.Rejection{Info: "数据校验失败"} // names no card: bisection finds it
				}
			}
			return issueAll(cards), nil
		}}
		r := doRun(t, context.Background(), importer.Config{
			Rosters: []importer.Roster{rosterCSV(t, 8, nil)}, Platform: f, BatchSize: 8, Printer: zhPrinter,
		})
		l := r.lines[3]
		if l.Status != platform.StatusRejected || l.Message != "数据校验失败" {
			t.Errorf("%s %q: the platform's words, as they came", l.Status, l.Message)
		}
		if len(r.rej.rows) != 1 || r.rej.rows[0].Reason != "数据校验失败" {
			t.Errorf("rejects %+v", r.rej.rows)
		}
	})
	t.Run("exists, adopted", func(t *testing.T) {
		f := &fakePlatform{
			issue: func(cards []*platform.Card) ([]platform.Answer, error) {
				return nil, &platform.Rejection{Info: "卡号" + cards[0].Cardno + "已存在", Exists: true, Card: cards[0].Cardno}
			},
			verify: func(c *platform.Card) (platform.Answer, error) {
				return platform.Answer{Found: true, ID: "7", Mbno: "M7", Cardno: c.Cardno, Name: c.Name, Phone: c.Phone}, nil
			},
		}
		r := doRun(t, context.Background(), importer.Config{
			Rosters: []importer.Roster{rosterCSV(t, 1, nil)}, Platform: f, BatchSize: 1, Printer: zhPrinter,
		})
		want := "平台上已有这位持卡人的这张卡：已采用平台的编号（卡号6000000已存在）"
		if l := r.lines[0]; l.Status != platform.StatusIssued || l.Message != want {
			t.Errorf("%s %q, want %q", l.Status, l.Message, want)
		}
	})
	t.Run("invalid, then the budget", func(t *testing.T) {
		f := &fakePlatform{issue: func(cards []*platform.Card) ([]platform.Answer, error) { return issueAll(cards), nil }}
		r := doRun(t, context.Background(), importer.Config{
			Rosters: []importer.Roster{rosterCSV(t, 3, func(i int, f []string) {
				if i == 0 {
					f[4] = "1380013800"
				}
			})},
			Platform: f, Budget: importer.Budget{Count: 1}, Printer: zhPrinter,
		})
		if l := r.lines[0]; l.Status != platform.StatusInvalid || l.Message != `手机号 "13****00"：只有10位，中国大陆手机号应为11位` {
			t.Errorf("%s %q", l.Status, l.Message)
		}
		if l := r.lines[1]; l.Status != platform.StatusPending || l.Message != "未发送：出错的行数已达上限（--max-errors 1）" {
			t.Errorf("%s %q", l.Status, l.Message)
		}
	})
}
