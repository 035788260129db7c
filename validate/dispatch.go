package validate

// rule runs field f's rule. A rule gets the cell and its text trimmed by
// cleanText, never empty; it fills the card and reports problems. A switch
// rather than a table of method values keeps the checker on the stack.
func (c *checker) rule(f Field, cell Cell, s string) {
	switch f {
	case Cardno:
		c.cardno(cell, s)
	case Password:
		c.password(cell, s)
	case Extid:
		c.extid(cell, s)
	case Name:
		c.name(cell, s)
	case Phone:
		c.phone(cell, s)
	case Sex:
		c.sex(cell, s)
	case Birthday:
		c.birthday(cell, s)
	case Level:
		c.level(cell, s)
	case Balance:
		c.balance(cell, s)
	case Points:
		c.points(cell, s)
	case Expirydate:
		c.expirydate(cell, s)
	case IDNumber:
		c.idnumber(cell, s)
	case Subject:
		c.subject(cell, s)
	case ExtInfo:
		c.extInfo(cell, s)
	}
}
