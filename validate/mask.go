package validate

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
