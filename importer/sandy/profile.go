package sandy

import "github.com/cardimport/cardimport/validate"

// Profile is what validation must know of member-cjb (SPEC §3, §8): only
// the card number of the three card fields is required; a level is one of
// the restaurant's level names or ids; cards have no expiry.
var Profile = validate.Profile{
	Name:       "sandy",
	Required:   []validate.Field{validate.Cardno, validate.Name, validate.Phone, validate.Sex},
	LevelNames: true,
}
