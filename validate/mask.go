package validate

import "strings"

// MaskPhone hides the middle of a phone number: 13800135678 → 138****5678.
// Numbers of 11 or more characters keep their first 3 and last 4, numbers
// of 8 to 10 (Hong Kong, Macau) their first 2 and last 2, shorter numbers
// only their last two; so from six characters on at least four are hidden.
// The mask is always four stars: it does not tell the length.
func MaskPhone(p string) string {
	r := []rune(p)
	switch n := len(r); {
	case n == 0:
		return ""
	case n >= 11:
		return string(r[:3]) + "****" + string(r[n-4:])
	case n >= 8:
		return string(r[:2]) + "****" + string(r[n-2:])
	case n > 2:
		return "****" + string(r[n-2:])
	default:
		return "****"
	}
}

// maskPhoneValue masks a phone cell quoted in a message when it holds
// enough digits to identify someone (seven or more): "+86 139-1234-5678"
// → "+86****5678". Other text ("1", "#VALUE!", "1.56061E+10") says what is
// wrong with the cell and names no one: it is quoted as it is.
func maskPhoneValue(v string) string {
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			digits++
		}
	}
	if digits < 7 || strings.ContainsAny(v, "Ee") {
		// Too few digits to be anyone's, or Excel's scientific notation
		// (1.56061E+10): the digits that would name someone are gone.
		return v
	}
	return MaskPhone(v)
}
