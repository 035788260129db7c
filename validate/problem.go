package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cardimport/cardimport/validate/lang"
)

// Problem is one broken rule of one row: an error that makes the row
// invalid, or a warning that is reported while the row is still sent.
type Problem struct {
	Field   Field
	Column  string // the header as the user wrote it ("" for row-level problems)
	Value   string // the value as the user sees it in the roster
	Reason  string // plain words: `10 digits, a CN mobile has 11`, in the Validator's language
	Warning bool

	lang *lang.Printer // the Validator's language, for String's own words
}

// maxShownValue bounds how much of a value a message quotes: a 1 MB cell
// must not make a 1 MB report line.
const maxShownValue = 40

// msgWarning marks a problem that does not stop the row.
var msgWarning = lang.Msg("warning: %s", "提醒：%s")

// String renders the problem as the report shows it, in the Validator's
// language: `手机号 "1380013800": 10 digits, a CN mobile has 11`, or for a
// missing value `姓名: empty, this column is required`; in Chinese
// `手机号 "13****00"：只有10位，中国大陆手机号应为11位`. The column and the
// value are quoted as the user wrote them.
func (p Problem) String() string {
	var b strings.Builder
	col := p.Column
	if col == "" && p.Field >= 0 && p.Field < NumFields {
		// No such column: the field is named as the template names it
		// in Chinese (姓名), by its English name otherwise.
		col = p.Field.String()
		if p.lang.Chinese() {
			col = fieldAliases[p.Field][0]
		}
	}
	b.WriteString(col)
	if p.Value != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(ShowValueIn(p.lang, p.Value)))
	}
	if b.Len() > 0 && p.Reason != "" {
		b.WriteString(colon(p.lang))
	}
	b.WriteString(p.Reason)
	if p.Warning {
		return p.lang.Sprintf(msgWarning, b.String())
	}
	return b.String()
}

var msgChars = lang.Msg("%s…(%s chars)", "%s…（共%s字）")

// ShowValue shortens a long value for a message, saying how long it was.
func ShowValue(v string) string { return ShowValueIn(nil, v) }

// ShowValueIn is ShowValue in p's language (nil: English).
func ShowValueIn(p *lang.Printer, v string) string {
	n := utf8.RuneCountInString(v)
	if n <= maxShownValue {
		return v
	}
	r := []rune(v)
	return p.Sprintf(msgChars, string(r[:maxShownValue]), strconv.Itoa(n))
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

// Message joins problems into the report's message column, errors first,
// in the Validator's language.
func Message(ps []Problem) string {
	if len(ps) == 0 {
		return ""
	}
	var errs, warns []string
	for _, p := range ps {
		if p.Warning {
			warns = append(warns, p.String())
		} else {
			errs = append(errs, p.String())
		}
	}
	return strings.Join(append(errs, warns...), ps[0].lang.PartSep())
}
