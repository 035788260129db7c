package mb

import (
	"context"
	"fmt"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

// Descriptor is 果盘 mb_newcard as the rest of the program knows it.
var Descriptor = platform.Descriptor{
	Name:      "mb",
	Title:     "果盘 mb_newcard",
	Profile:   Profile,
	Batch:     platform.BatchLimits{Default: 50, Max: MaxBatch},
	Generates: true,
	Settings: []platform.Setting{
		{Key: "gpid", Merchant: true, Env: "CARDIMPORT_GPID", Usage: "mb application id", Required: true},
		{Key: "msid", Merchant: true, Env: "CARDIMPORT_MSID", Usage: "mb store id", Required: true},
		{Key: "op", Usage: "operator name sent as get.op (mb)", Default: "cardimport"},
		{Key: "apikey", Env: "CARDIMPORT_APIKEY", Usage: "mb ApiKey", Secret: true, Required: true},
		{Key: "appsecret", Env: "CARDIMPORT_APPSECRET", Usage: "mb appsecret", Secret: true, Required: true},
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
		return nil, fmt.Errorf("%w: %w", platform.ErrConfig, err)
	}
	if err := client.Preflight(ctx); err != nil {
		return nil, err
	}
	return &platform.Session{Client: client, Merchant: "mb:" + s["gpid"] + "/" + s["msid"]}, nil
}
