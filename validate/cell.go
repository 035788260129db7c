package validate

import (
	"strings"
	"time"
)

// CellKind says how the roster stored a cell.
type CellKind uint8

const (
	// KindText is a cell typed as text, or any CSV field. It is also a
	// number whose format pads it with zeros or adds text: its Text is what
	// the cell shows (010005 for 10005 formatted 000000), and no zero of it
	// was lost.
	KindText CellKind = iota
	// KindNumber is a cell the workbook stored as a number. Its Text is the
	// number in plain decimal notation after Excel's 15-significant-digit
	// rounding: 15606132502, 82.6, 110105199001011000 (never 1.1E+17).
	KindNumber
	// KindDate is a date: a date-formatted cell or an Excel serial date in a
	// date column, converted with the workbook's 1900/1904 date system. Its
	// Text is the date as 2006-01-02 and Time holds it (UTC midnight).
	KindDate
	// KindError is an xlsx cell whose formula's result is an error (t="e"):
	// #N/A, #REF!, #DIV/0!… Its Text is the error as the workbook holds it.
	// The cell's real value is unknown: Check finds the field invalid,
	// whatever the column.
	KindError
)

// Cell is one roster cell as the user typed it.
type Cell struct {
	Text string
	Kind CellKind
	Time time.Time // set for KindDate
}

// LostDigits reports whether c is a number cell longer than the 15
// significant digits Excel keeps: whatever its last digits show, they are
// not what was typed. digits is the whole number as the cell shows it.
func LostDigits(c Cell) (digits string, lost bool) {
	if c.Kind != KindNumber {
		return "", false
	}
	s := trimZeroFraction(foldWidth(c.Text))
	return s, len(s) > maxExcelDigits && allDigits(s)
}

// TextCell returns a text cell, the form of every CSV field.
func TextCell(s string) Cell { return Cell{Text: s} }

// formulaErrors are the error values Excel shows in a cell whose formula
// failed (the seven of ECMA-376 and those of dynamic arrays, data types
// and external data). A cell or CSV field holding exactly one of them is a
// formula's lost result, never a value someone typed.
var formulaErrors = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true,
	"#NUM!": true, "#N/A": true, "#GETTING_DATA": true, "#SPILL!": true, "#CALC!": true,
	"#FIELD!": true, "#BLOCKED!": true, "#CONNECT!": true, "#UNKNOWN!": true, "#BUSY!": true,
	"#PYTHON!": true,
}

// isFormulaError reports whether a cell, whose text trimmed as every field
// is s, is a formula error: an xlsx error cell, or text that is exactly an
// error value as Excel shows it, or as LibreOffice shows its own errors
// (Err:502), which is what a CSV saved from a failed formula holds.
func isFormulaError(cell Cell, s string) bool {
	if cell.Kind == KindError {
		return true
	}
	if len(s) == 0 || (s[0] != '#' && s[0] != 'E') {
		return false
	}
	if formulaErrors[s] {
		return true
	}
	code, ok := strings.CutPrefix(s, "Err:")
	return ok && len(code) == 3 && allDigits(code)
}
