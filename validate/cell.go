package validate

import "time"

// CellKind says how the roster stored a cell.
type CellKind uint8

const (
	// KindText is a cell typed as text, or any CSV field.
	KindText CellKind = iota
	// KindNumber is a cell the workbook stored as a number. Its Text is the
	// number in plain decimal notation after Excel's 15-significant-digit
	// rounding: 15606132502, 82.6, 110105199001011000 (never 1.1E+17).
	KindNumber
	// KindDate is a date: a date-formatted cell or an Excel serial date in a
	// date column, converted with the workbook's 1900/1904 date system. Its
	// Text is the date as 2006-01-02 and Time holds it (UTC midnight).
	KindDate
)

// Cell is one roster cell as the user typed it.
type Cell struct {
	Text string
	Kind CellKind
	Time time.Time // set for KindDate
}

// TextCell returns a text cell, the form of every CSV field.
func TextCell(s string) Cell { return Cell{Text: s} }
