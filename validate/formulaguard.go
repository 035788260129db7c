package validate

// A CSV cell that starts like a formula (= + - @, a tab or a carriage
// return) is run by Excel or WPS when the file is opened: a roster cell
// =HYPERLINK(…) written back into a rejects file would be. GuardFormula
// prefixes such a cell with an apostrophe, which spreadsheets show as
// text; UnguardFormula, applied by the roster reader, takes it off again,
// so a rejects file imported unchanged reads exactly as the roster did
// (SPEC §9). A cell that already starts with apostrophes before such a
// character gets one more, so the round trip is exact for every text.

// GuardFormula returns s with a leading apostrophe when a spreadsheet
// would run it as a formula.
func GuardFormula(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// UnguardFormula undoes GuardFormula.
func UnguardFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}

// formulaLike reports whether s is apostrophes (possibly none) followed by
// a character a spreadsheet reads as the start of a formula.
func formulaLike(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	if i == len(s) {
		return false
	}
	switch s[i] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
