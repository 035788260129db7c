package sandbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/sandbox"
)

// Issue one card on the simulated 果盘 platform and read it back from the
// ledger.
func ExampleStart() {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	get := map[string]string{
		"gpid": sandbox.DefaultGPID, "msid": sandbox.DefaultMSID, "signtype": "sha1", "op": "demo",
		"timestamp": time.Now().Format(mb.TimestampLayout), "nonce": "example-1",
	}
	get["sign"] = mb.Sign(get, sandbox.DefaultAPIKey, sandbox.DefaultAppSecret)
	body, _ := json.Marshal(mb.Request{
		Action: mb.Action{Action: mb.ActionNewCard},
		Get:    get,
		Post: &mb.Post{List: []mb.Item{{
			Cardno: "100101", Password: "123456", Extid: "109", Name: "西瓜", Phone: "18862302465", Sex: "1", Balance: "100.88",
		}}},
	})
	res, err := http.Post(srv.MBEndpoint(), "application/json", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var resp mb.Response
	_ = json.NewDecoder(res.Body).Decode(&resp)
	fmt.Println(resp.Status, resp.Info, resp.List[0].ID, resp.List[0].Mbno, resp.List[0].Balance)

	l, _ := srv.Sandbox.Ledger()
	fmt.Println(len(l.MB), l.MB[0].Cardno, l.MB[0].Balance)
	// Output:
	// 1 发卡成功 8481085 15698481085 100.88
	// 1 100101 100.88
}
