package platform

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cardimport/cardimport/importer/pace"
	"github.com/cardimport/cardimport/importer/retry"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Descriptor is everything the rest of the program knows of one platform.
// Each platform package declares its own, once (mb.Descriptor,
// sandy.Descriptor), and the registry (importer/targets) lists them:
// nothing outside a platform package compares a platform's name.
type Descriptor struct {
	Name  string // the --target value: mb, sandy
	Title string // for help: 果盘 mb_newcard
	// Profile is what validation must know: required fields, levels,
	// expiry words.
	Profile validate.Profile
	Batch   BatchLimits
	// Generates: the platform can generate cards itself (mb type 15); its
	// Session's Client then satisfies the importer's Generator.
	Generates bool
	// Settings are the ids and secrets a connection needs, each with its
	// flag, environment variable and config key.
	Settings []Setting
	// Sends reports whether the platform receives a roster field at all;
	// the others are checked but not migrated (the run says so).
	Sends func(validate.Field) bool
	// Connect builds a client, proves the endpoint and the credentials,
	// and reads what the run needs to know of the platform first.
	Connect func(ctx context.Context, c Connection) (*Session, error)
}

// BatchLimits are how many cards one Issue call may carry.
type BatchLimits struct {
	Default, Max int // --batch-size default and largest value; Max 1: one card per call, always
}

// Size returns the batch size for a --batch-size request: the request
// itself within the limits, 1 on a one-card platform.
func (b BatchLimits) Size(asked int) int {
	if b.Max <= 1 {
		return 1
	}
	return min(max(asked, 1), b.Max)
}

// Setting is one id or secret of a platform connection.
type Setting struct {
	Key   string // the flag name and the config-file key: gpid, customer-guid, apikey
	Env   string // the environment variable: CARDIMPORT_GPID
	Usage string
	// Secret settings never come from flags (`ps` shows those to every
	// user): only from the environment or the config file.
	Secret  bool
	Default string
	// Required: Connect fails without it (the message names Key and Env).
	Required bool
	// Merchant: the setting names the merchant whose card numbers are
	// unique (gpid and msid, the customer GUID); the default journal's
	// file name carries it.
	Merchant bool
}

// Connection is what Connect is given.
type Connection struct {
	Endpoint string            // the platform's URL
	Settings map[string]string // by Setting.Key, filled from flags, environment and config
	HTTP     *http.Client
	Timeout  time.Duration
	Pacer    *pace.Pacer
	Retry    retry.Policy
	// AllowRechargeBonus (sandy): migrate balances through recharge rules
	// that add a bonus.
	AllowRechargeBonus bool
	// ReadOnly: the session only looks cards up (validate --check-server).
	ReadOnly bool
	// Printer is the language of the words the client writes for people
	// (conflicts, what a card lacks, notes, errors); the platform's own
	// words are quoted as they came. Nil is English.
	Printer *lang.Printer
}

// ErrConfig means a connection's settings are incomplete or wrong (a
// missing id or secret, an endpoint that is not a URL): the user's to fix
// before anything is sent.
var ErrConfig = errors.New(lang.Msg("platform settings", "平台设置"))

var msgConfig = lang.Msg("%v: %v", "%v：%v")

// ConfigError marks err as an ErrConfig, worded in p's language.
func ConfigError(p *lang.Printer, err error) error {
	return p.Errorf(msgConfig, ErrConfig, err)
}

// Client is a platform client as a run drives it: the importer's Platform
// interface (declared by the importer, satisfied by the same methods).
type Client interface {
	Issue(ctx context.Context, cards []*Card, progress Progress) ([]Answer, error)
	Verify(ctx context.Context, card *Card) (Answer, error)
}

// Session is a connected platform, ready for a run.
type Session struct {
	Client Client
	// Merchant keys the journal: card numbers are unique per merchant.
	Merchant string
	// Levels are the platform's card levels, for validation (sandy).
	Levels   []validate.CardLevel
	Warnings []string
}
