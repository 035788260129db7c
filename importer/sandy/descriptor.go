package sandy

import (
	"context"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// Descriptor is member-cjb as the rest of the program knows it. It opens
// one card per request.
var Descriptor = platform.Descriptor{
	Name:    "sandy",
	Title:   "member-cjb",
	Profile: Profile,
	Batch:   platform.BatchLimits{Default: 1, Max: 1},
	Settings: []platform.Setting{
		{Key: "customer-guid", Merchant: true, Env: "CARDIMPORT_SANDY_CUSTOMERGUID", Usage: lang.Msg("sandy CUSTOMERGUID", "member-cjb 餐厅 ID（CUSTOMERGUID）"), Required: true},
		{Key: "sandy-token", Env: "CARDIMPORT_SANDY_TOKEN", Usage: lang.Msg("sandy AUTHORIZATION token", "member-cjb 接入令牌（AUTHORIZATION）"), Secret: true, Required: true},
	},
	Sends:   Sends,
	Connect: connect,
}

// connect builds a Client and prepares the Flow: reading the levels and
// the recharge rules also proves the token before the roster is spent. A
// read-only connection (validate --check-server) recharges nothing, so
// bonus rules do not stop it.
func connect(ctx context.Context, c platform.Connection) (*platform.Session, error) {
	client, err := New(Config{
		Base: c.Endpoint, Token: c.Settings["sandy-token"], CustomerGUID: c.Settings["customer-guid"],
		HTTP: c.HTTP, Timeout: c.Timeout, Pacer: c.Pacer, Retry: c.Retry,
		Printer: c.Printer,
	})
	if err != nil {
		return nil, platform.ConfigError(c.Printer, err)
	}
	flow, setup, err := client.Prepare(ctx, c.AllowRechargeBonus || c.ReadOnly)
	if err != nil {
		return nil, err
	}
	return &platform.Session{Client: flow, Merchant: "sandy:" + c.Settings["customer-guid"], Levels: setup.Levels, Warnings: setup.Warnings}, nil
}
