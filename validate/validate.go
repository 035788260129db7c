package validate

import "time"

// Options configure a Validator.
type Options struct {
	Profile     Profile   // the platform's rules: required fields, levels, expiry; zero: SPEC §3 strictly
	PhoneRegion string    // ISO region for phone rules (--phone-region); "" means CN
	Now         time.Time // "today" for birthday and expiry rules; zero means time.Now()
	// Levels are the platform's card levels (sandy cardlevellist). When set,
	// a roster level must name one of them or give its id, and Card.Level is
	// the id. When nil on sandy, any non-empty level text passes unchanged.
	Levels []CardLevel
}

// CardLevel is one card level of the platform.
type CardLevel struct {
	ID   string
	Name string
}

// Input is one roster row mapped to fields.
type Input struct {
	Source  string            // roster file, and ":sheet" for xlsx
	Row     int               // row number as the user sees it
	Cells   [NumFields]Cell   // the row's cell for each field (zero when no column)
	Columns [NumFields]string // each field's header as the user wrote it; "" when the roster has no such column
}
