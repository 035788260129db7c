package mb

import "github.com/cardimport/cardimport/validate"

// Profile is what validation must know of 果盘 (SPEC §3): card number,
// password and in-card code are required; levels are 1-5; an expiry may
// be 1day, 1week, 1month or 1year.
var Profile = validate.Profile{
	Name:           "mb",
	Required:       []validate.Field{validate.Cardno, validate.Password, validate.Extid, validate.Name, validate.Phone, validate.Sex},
	MaxLevel:       5,
	RelativeExpiry: true,
}
