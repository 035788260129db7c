package mb

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// TestMain fails the package's tests when a message was printed that the
// catalogue does not have in both languages.
func TestMain(m *testing.M) { os.Exit(lang.RunTests(m)) }

// The client's own words in Chinese; the platform's info as it came.
func TestChineseWords(t *testing.T) {
	srv, _ := server(t, func(w http.ResponseWriter, req *Request) {
		switch {
		case req.Get["extid"] != "":
			io.WriteString(w, `{"status":"1","list":[{"id":77,"cardno":"A1","mbno":"M77","extid":"eA1","name":"东瓜","phone":"13900139000"}]}`)
		case req.Get["phone"] != "":
			io.WriteString(w, `{"status":"1","list":[{"id":78,"cardno":"B2","mbno":"M78"}]}`)
		default:
			io.WriteString(w, `{"status":"0","info":"时间戳已过期"}`)
		}
	})
	c := newClient(t, srv.URL)
	c.cfg.Printer = lang.New(lang.Chinese)
	card := cards("A1")[0]

	a, err := c.Verify(context.Background(), card)
	if want := "平台上的卡 A1 是另一位会员的（姓名 东瓜、手机号 139****9000）"; err != nil || a.Conflict != want {
		t.Errorf("Verify: %q, %v; want %q", a.Conflict, err, want)
	}
	got, err := c.Existing(context.Background(), card)
	want := "卡内编码 eA1 已在平台上（卡号 A1，会员号 M77）；手机号 188****2460 已在平台上（卡号 B2，会员号 M78）"
	if err != nil || got != want {
		t.Errorf("Existing: %q, %v; want %q", got, err, want)
	}
	err = c.Preflight(context.Background())
	want = "平台拒绝了凭据：时间戳已过期（平台不接受相差60分钟以上的时钟：请检查这台电脑的日期、时间和时区）"
	if !errors.Is(err, platform.ErrAuth) || err.Error() != want {
		t.Errorf("Preflight: %v; want %q", err, want)
	}
}
