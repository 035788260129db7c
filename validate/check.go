package validate

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cardimport/cardimport/validate/lang"
)

// ErrUnknownRegion is New's error for a phone region it does not know, for
// callers that map bad options to a usage error.
var ErrUnknownRegion = errors.New("unknown phone region")

// Validator checks roster rows against the rules of SPEC §3 and remembers
// the card numbers, in-card codes and phones of the run to find
// duplicates. It is not safe for concurrent use.
type Validator struct {
	profile  Profile
	phone    *phoneRegion
	today    time.Time // midnight UTC of today's calendar date
	levels   *levelIndex
	required [NumFields]bool
	dups     *dupTracker
	lang     *lang.Printer // the language of the problems; nil: English
}

// New returns a Validator for opts. It fails for an unknown phone region
// ("" means CN). "Today", for the birthday and expiry rules, is fixed when
// New is called.
func New(opts Options) (*Validator, error) {
	profile := opts.Profile
	if profile.isZero() {
		profile = specProfile
	}
	phone, err := lookupRegion(opts.PhoneRegion)
	if err != nil {
		return nil, inLanguage(opts.Printer, err)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	y, m, d := now.Date()
	v := &Validator{
		profile: profile,
		phone:   phone,
		today:   time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		dups:    newDupTracker(),
		lang:    opts.Printer,
	}
	if opts.Levels != nil {
		v.levels = newLevelIndex(opts.Levels)
	}
	for _, f := range profile.Required {
		if f >= 0 && f < NumFields {
			v.required[f] = true
		}
	}
	return v, nil
}

// Check validates one row. It returns the row normalised to what is sent,
// and one Problem per broken rule across all fields, errors and warnings;
// the row is valid when !Invalid(problems), and the Card means nothing
// otherwise. Well-formed card numbers, in-card codes and phones are
// remembered even in an invalid row, so that a later row repeating one is
// a duplicate.
func (v *Validator) Check(in *Input) (Card, []Problem) {
	c := checker{v: v, in: in}
	for f := range NumFields {
		cell := in.Cells[f]
		if cell.Text == "" && cell.Kind != KindDate {
			if v.required[f] {
				c.problems = append(c.problems, Problem{
					Field: f, Column: in.Columns[f], Reason: v.lang.Sprintf(reasonRequired), lang: v.lang,
				})
			}
			continue
		}
		// Most cells are short ASCII without control characters: one pass
		// tells, and spares the UTF-8, trimming and control-character scans.
		ascii, ctl := scanASCII(cell.Text)
		if !ascii && !utf8.ValidString(cell.Text) {
			c.fail(f, reasonGarbled)
			continue
		}
		if len(cell.Text) > MaxCellChars && utf8.RuneCountInString(cell.Text) > MaxCellChars {
			c.fail(f, reasonTooLong)
			continue
		}
		var s string
		if ascii {
			s = strings.TrimSpace(cell.Text)
		} else {
			s = cleanText(cell.Text)
		}
		if s == "" && !(cell.Kind == KindDate && !cell.Time.IsZero()) {
			if v.required[f] {
				c.problems = append(c.problems, Problem{
					Field: f, Column: in.Columns[f], Reason: v.lang.Sprintf(reasonRequired), lang: v.lang,
				})
			}
			continue
		}
		if isFormulaError(cell, s) {
			// Checked before the field's rule: #N/A is neither a bad card
			// number nor a note to send.
			c.fail(f, reasonFormulaError)
			continue
		}
		if !ascii || ctl {
			if r, bad := firstControl(s); bad && !freeText[f] {
				c.failErr(f, controlReason(r))
				continue
			}
		}
		c.rule(f, cell, s)
	}
	c.crossCheck()
	return c.card, c.problems
}

// reasonRequired is the problem of a required field left empty.
var reasonRequired = lang.Msg("empty, this column is required", "为空，此列必填")

// MaxCellChars is the most characters an Excel cell holds (SPEC §2): a
// roster cell longer than that is invalid in any mapped column, whatever
// the field's own rule.
const MaxCellChars = 32767

// reasonTooLong is the problem of a cell over MaxCellChars.
var reasonTooLong = lang.Msg("longer than the 32,767 characters an Excel cell holds: the cell is damaged or holds something else; shorten it",
	"超过了 Excel 单元格最多能放的 32,767 个字符：单元格已损坏或放了别的内容，请删短")

// scanASCII reports whether s is all ASCII, and whether it holds an ASCII
// control character (C0 or DEL), in one pass.
func scanASCII(s string) (ascii, ctl bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return false, ctl
		case c < 0x20 || c == 0x7f:
			ctl = true
		}
	}
	return true, ctl
}

// reasonFormulaError is the problem of a field holding a formula error
// (SPEC §2).
var reasonFormulaError = lang.Msg("a formula error, the cell's real value is unknown; "+
	"fix the formula in the roster or type the value",
	"是公式出错的结果，单元格的真实值无从得知：请在名单里改正公式，或直接填入值")

// freeText marks the fields whose rules report control characters beside
// their other rules; in every other field a control character is the only
// problem reported, as nothing else about the value can be trusted.
var freeText = [NumFields]bool{Name: true, Subject: true, ExtInfo: true}

// checker holds one row's check in progress.
type checker struct {
	v        *Validator
	in       *Input
	card     Card
	problems []Problem

	// what the cross-checks compare, when the fields were valid
	birth  time.Time
	hasSex bool
	sexStr string
	id     IDInfo
}

// fail reports a broken rule of field f: the message key and its
// arguments, said in the Validator's language.
func (c *checker) fail(f Field, key string, args ...any) {
	c.add(f, say(key, args...).in(c.v.lang), false)
}

// failErr reports a broken rule of field f in a parser's words.
func (c *checker) failErr(f Field, err error) { c.add(f, render(c.v.lang, err), false) }

// warn reports a doubt about field f that does not stop the row.
func (c *checker) warn(f Field, key string, args ...any) {
	c.add(f, say(key, args...).in(c.v.lang), true)
}

func (c *checker) add(f Field, reason string, warning bool) {
	value := c.in.Cells[f].Text
	switch f {
	case Password:
		value = "" // reports never show card passwords (SPEC §9)
	case Phone:
		value = maskPhoneValue(value) // nor a phone in full, in any message (SPEC §9)
	}
	c.problems = append(c.problems, Problem{
		Field: f, Column: c.in.Columns[f], Value: value, Reason: reason, Warning: warning, lang: c.v.lang,
	})
}

// column names field f as the user wrote it, for messages about another field.
func (c *checker) column(f Field) string {
	if col := c.in.Columns[f]; col != "" {
		return col
	}
	if c.v.lang.Chinese() {
		return fieldAliases[f][0]
	}
	return f.String()
}

// Messages of duplicates and of the ID number's cross-checks.
var (
	msgAlsoInRow    = lang.Msg("also in row %s", "与第%s行重复")
	msgAlsoInRowOf  = lang.Msg("also in row %s of %s", "与 %[2]s 第%[1]s行重复")
	msgIDSaysBorn   = lang.Msg("says born %s but %s is %s", "号码里的出生日期是%s，但%s一栏是%s")
	msgIDSaysMale   = lang.Msg("says male but %s is %s", "号码显示为男性，但%s一栏是%s")
	msgIDSaysFemale = lang.Msg("says female but %s is %s", "号码显示为女性，但%s一栏是%s")
)

// unique reports a duplicate of a well-formed value of field f.
func (c *checker) unique(f Field, value string) {
	d := c.v.dups
	first, dup := d.see(f, value, d.position(c.in.Source, c.in.Row))
	if !dup {
		return
	}
	src, row := d.where(first)
	if src == "" {
		c.fail(f, msgAlsoInRow, strconv.Itoa(row))
		return
	}
	c.fail(f, msgAlsoInRowOf, strconv.Itoa(row), src)
}

// crossCheck compares an ID number's birth date and sex with the roster's.
func (c *checker) crossCheck() {
	if c.id.Number == "" {
		return
	}
	if !c.birth.IsZero() && !c.birth.Equal(c.id.Birth) {
		c.warn(IDNumber, msgIDSaysBorn, showDate(c.id.Birth), c.column(Birthday), showDate(c.birth))
	}
	if c.hasSex && c.id.Male != (c.card.Sex == 1) {
		said := msgIDSaysFemale
		if c.id.Male {
			said = msgIDSaysMale
		}
		c.warn(IDNumber, said, c.column(Sex), c.sexStr)
	}
}
