package mb

import (
	"context"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Descriptor is 果盘 mb_newcard as the rest of the program knows it.
var Descriptor = platform.Descriptor{
	Name:      "mb",
	Title:     "果盘 mb_newcard",
	Profile:   Profile,
	Batch:     platform.BatchLimits{Default: 50, Max: MaxBatch},
	Generates: true,
	Settings: []platform.Setting{
		{Key: "gpid", Merchant: true, Env: "CARDIMPORT_GPID", Usage: lang.Msg("mb application id", "果盘应用 ID（gpid）"), Required: true},
		{Key: "msid", Merchant: true, Env: "CARDIMPORT_MSID", Usage: lang.Msg("mb store id", "果盘门店 ID（msid）"), Required: true},
		{Key: "op", Usage: lang.Msg("operator name sent as get.op (mb)", "操作员名称，随请求发送为 get.op（果盘）"), Default: "cardimport"},
		{Key: "apikey", Env: "CARDIMPORT_APIKEY", Usage: lang.Msg("mb ApiKey", "果盘 ApiKey"), Secret: true, Required: true},
		{Key: "appsecret", Env: "CARDIMPORT_APPSECRET", Usage: lang.Msg("mb appsecret", "果盘 appsecret"), Secret: true, Required: true},
	},
	Sends:   func(validate.Field) bool { return true },
	Connect: connect,
}

// connect builds a Client and proves the endpoint and the credentials
// with a read-only mb_check before a roster is spent on them.
func connect(ctx context.Context, c platform.Connection) (*platform.Session, error) {
	s := c.Settings
	client, err := New(Config{
		Endpoint: c.Endpoint, GPID: s["gpid"], MSID: s["msid"], Op: s["op"],
		APIKey: s["apikey"], AppSecret: s["appsecret"],
		HTTP: c.HTTP, Timeout: c.Timeout, Pacer: c.Pacer, Retry: c.Retry,
		Printer: c.Printer,
	})
	if err != nil {
		return nil, platform.ConfigError(c.Printer, err)
	}
	if err := client.Preflight(ctx); err != nil {
		return nil, err
	}
	return &platform.Session{Client: client, Merchant: "mb:" + s["gpid"] + "/" + s["msid"]}, nil
}
