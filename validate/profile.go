package validate

// Profile is what validation must know of the platform a roster is issued
// on. Each platform package declares its own (SPEC §3: mb requires card
// number, password and in-card code, sandy only the card number; mb levels
// are 1-5, sandy's are names from the platform); validate itself knows no
// platform.
type Profile struct {
	// Name names the platform in messages ("sandy cards have no expiry").
	Name string
	// Required are the fields a roster must have a column for, and every
	// row a value in.
	Required []Field
	// LevelNames: a level is one of the platform's level names or ids
	// (Options.Levels); otherwise a whole number from 1 to MaxLevel.
	LevelNames bool
	MaxLevel   int
	// RelativeExpiry: the platform takes 1day, 1week, 1month or 1year as
	// an expiry instead of a date.
	RelativeExpiry bool
}

// specProfile is SPEC §3's table read strictly — every starred field
// required, levels 1-5, the relative expiry words — for a Validator given
// no Profile.
var specProfile = Profile{
	Name:           "the platform",
	Required:       []Field{Cardno, Password, Extid, Name, Phone, Sex},
	MaxLevel:       5,
	RelativeExpiry: true,
}

func (p Profile) isZero() bool {
	return p.Name == "" && p.Required == nil && !p.LevelNames && p.MaxLevel == 0 && !p.RelativeExpiry
}
