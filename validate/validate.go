package validate

import (
	"time"

	"github.com/cardimport/cardimport/validate/lang"
)

// Options configure a Validator.
type Options struct {
	Profile     Profile   // the platform's rules: required fields, levels, expiry; zero: SPEC §3 strictly
	PhoneRegion string    // ISO region for phone rules (--phone-region); "" means CN
	Now         time.Time // "today" for birthday and expiry rules; zero means time.Now()
	// Levels are the platform's card levels (sandy cardlevellist). When set,
	// a roster level must name one of them or give its id, and Card.Level is
	// the id. When nil on sandy, any non-empty level text passes unchanged.
	Levels []CardLevel
	// Printer is the language of the problems' words (SPEC §11): the
	// reasons, the warning mark, the punctuation between them. Nil is
	// English. The column names and values quoted stay as the user wrote
	// them.
	Printer *lang.Printer
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
