package validate

// Card is a valid roster row, normalised to what is sent to the platform.
// Optional fields are "" when absent (and then never sent), except Balance
// and Points which say so with HasBalance and HasPoints.
type Card struct {
	Cardno   string
	Password string
	Extid    string
	Name     string
	Phone    string // national significant digits: 15606132502
	Sex      int    // 1 male, 0 female
	Birthday string // YYYYMMDD
	// Level is the level as sent: "1".."5" on mb; on sandy the cardLevelID
	// when Options.Levels resolved it, else the roster's text.
	Level      string
	Balance    Money
	HasBalance bool
	Points     string // decimal digits, no leading zeros
	HasPoints  bool
	Expirydate string // YYYYMMDD, or 1day/1week/1month/1year
	IDNumber   string // upper-case X
	Subject    string
	ExtInfo    string
}
