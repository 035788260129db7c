package report

import (
	"strings"
	"unicode/utf8"

	"github.com/cardimport/cardimport/validate"
)

// cellKind says what a column holds, and so how each format writes it.
type cellKind int

const (
	// kindStatus is a status value: written as is in CSV and JSON (what
	// machines read), as its label in the reader's language in XLSX
	// (StatusLabel: 已发卡 for issued).
	kindStatus cellKind = iota
	// kindFreeText is what the roster's author typed (source, name, message):
	// CSV guards it against every formula start, see defuseFormula.
	kindFreeText
	// kindIdentifier is a card number, id, phone or amount: formatted as Text
	// in XLSX so that leading zeros and long digits survive, and let
	// through CSV with a leading "-" when it is a plain identifier.
	kindIdentifier
	// kindNumber is a whole number (row, attempts, batch): a number cell in
	// XLSX, a bare number in JSON.
	kindNumber
)

// column is one column of a report whose rows are T.
type column[T any] struct {
	// name is the column's name in CSV and JSON, the same in every
	// language, and the message key of its title in the XLSX header
	// (registered with its Chinese in the column tables).
	name   string
	width  float64 // in the XLSX report, in characters
	kind   cellKind
	masked bool            // a phone: written as validate.MaskPhone shows it
	value  func(*T) string // the row's value, as text (digits for a number)
}

// colSpec is a column as a writer lays it out, whatever the rows' type.
type colSpec struct {
	name  string
	width float64
	kind  cellKind
}

// Column layouts, as writers see them.
var (
	lineSpecs      = specsOf(lineColumns)
	generatedSpecs = specsOf(generatedColumns)
)

func specsOf[T any](cols []column[T]) []colSpec {
	specs := make([]colSpec, len(cols))
	for i, c := range cols {
		specs[i] = colSpec{name: c.name, width: c.width, kind: c.kind}
	}
	return specs
}

func columnNames[T any](cols []column[T]) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// rowValues appends the values of row to dst, in the order of cols, masked
// columns masked.
func rowValues[T any](cols []column[T], row *T, dst []string) []string {
	for _, c := range cols {
		v := c.value(row)
		if c.masked {
			v = validate.MaskPhone(v)
		}
		dst = append(dst, v)
	}
	return dst
}

// lineMessage is a Line's message with its phone masked wherever the
// message quotes it (a validation message names the bad value; source and
// row find the row).
func lineMessage(l *Line) string {
	if utf8.RuneCountInString(l.Phone) >= 6 && strings.Contains(l.Message, l.Phone) {
		return strings.ReplaceAll(l.Message, l.Phone, validate.MaskPhone(l.Phone))
	}
	return l.Message
}
