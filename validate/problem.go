package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one broken rule of one row: an error that makes the row
// invalid, or a warning that is reported while the row is still sent.
type Problem struct {
	Field   Field
	Column  string // the header as the user wrote it ("" for row-level problems)
	Value   string // the value as the user sees it in the roster
	Reason  string // plain words: `10 digits, a CN mobile has 11`
	Warning bool
}

// maxShownValue bounds how much of a value a message quotes: a 1 MB cell
// must not make a 1 MB report line.
const maxShownValue = 40

// String renders the problem as the report shows it:
// `手机号 "1380013800": 10 digits, a CN mobile has 11`, or for a missing
// value `姓名: empty, this column is required`.
func (p Problem) String() string {
	var b strings.Builder
	if p.Warning {
		b.WriteString("warning: ")
	}
	col := p.Column
	if col == "" && p.Field >= 0 && p.Field < NumFields {
		col = p.Field.String()
	}
	b.WriteString(col)
	if p.Value != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(ShowValue(p.Value)))
	}
	if b.Len() > 0 && p.Reason != "" {
		b.WriteString(": ")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// ShowValue shortens a long value for a message, saying how long it was.
func ShowValue(v string) string {
	n := utf8.RuneCountInString(v)
	if n <= maxShownValue {
		return v
	}
	r := []rune(v)
	return string(r[:maxShownValue]) + "…(" + strconv.Itoa(n) + " chars)"
}

// Invalid reports whether any problem is an error rather than a warning.
func Invalid(ps []Problem) bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Message joins problems into the report's message column, errors first.
func Message(ps []Problem) string {
	var errs, warns []string
	for _, p := range ps {
		if p.Warning {
			warns = append(warns, p.String())
		} else {
			errs = append(errs, p.String())
		}
	}
	return strings.Join(append(errs, warns...), "; ")
}
