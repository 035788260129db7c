package sandy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// TestMain fails the package's tests when a message was printed that the
// catalogue does not have in both languages.
func TestMain(m *testing.M) { os.Exit(lang.RunTests(m)) }

// The flow's own words in Chinese; the platform's errmsg as it came.
func TestChineseWords(t *testing.T) {
	zh := lang.New(lang.Chinese)
	bonus := `{"rules":[{"money":100,"add_score":0,"description":"充值送10元","add_money":10}],"paytypes":[[1,"現金"]]}`
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/cardlevellist"):
			io.WriteString(w, `[{"card_lel_name":"普通會員","id":1}]`)
		case strings.HasSuffix(r.URL.Path, "/getrechargerules"):
			io.WriteString(w, bonus)
		}
	})
	c.cfg.Printer = zh
	_, _, err := c.Prepare(context.Background(), false)
	want := "充值规则会给迁移的余额赠送金额或积分：充值送10元（满 100：送 10 元、0 积分）；迁移后的卡会比原来的余额多。" +
		"请在迁移期间删掉这些规则，或加上 --allow-recharge-bonus（赠送的部分会逐行记在报告里）"
	if !errors.Is(err, ErrBonusRules) || err.Error() != want {
		t.Errorf("Prepare: %v\nwant %s", err, want)
	}

	refused := c.opened(&platform.Rejection{Info: "充值金额超出限制", Code: "4"}, zh.Sprintf(msgRechargeWhat, "100.5"))
	if r, ok := platform.AsRejection(refused); !ok || r.Info != "卡已开，但充值 100.5 元被平台拒绝：充值金额超出限制（下次运行会重试）" || r.Code != "4" {
		t.Errorf("opened: %v", refused)
	}
	card := &platform.Card{Card: validate.Card{Balance: validate.Money{Fen: 10050}, HasBalance: true}}
	if got := c.balanceNote(card, platform.Answer{Balance: "100"}); got != "平台上的余额是 100，名单上是 100.5" {
		t.Errorf("balanceNote: %q", got)
	}
}
