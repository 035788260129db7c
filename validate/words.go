package validate

import (
	"strconv"
	"time"

	"github.com/cardimport/cardimport/validate/lang"
)

// What a problem says is written for a store clerk in English or 简体中文
// (SPEC §11). Each rule registers its messages in the catalogue beside the
// code that says them (lang.Msg); the key of a message is today's English
// text, so a Validator without a Printer words everything as it always
// did. A message that uses a count (%d) is a count people read and is
// grouped per language (1,200); row numbers, years and codes are passed
// as text (%s) and never grouped.

// words is text for people not yet put in a language: a catalogue key and
// its arguments, some of which may be words themselves (a rune described,
// a month). The internal parsers return their reasons as *words, which
// the checker renders in the Validator's language; as an error it reads in
// English, for the exported functions (ParseDate, NormalizePhone…).
type words struct {
	key  string
	args []any
	is   error // a sentinel the words wrap, for errors.Is; nil for none
}

// say builds words.
func say(key string, args ...any) *words { return &words{key: key, args: args} }

// in renders the words in p's language (nil: English).
func (w *words) in(p *lang.Printer) string {
	args, copied := w.args, false
	for i, a := range w.args {
		l, ok := a.(localized)
		if !ok {
			continue
		}
		s := l.in(p)
		if !copied {
			// The words may be said again, in another language.
			args, copied = append([]any(nil), w.args...), true
		}
		args[i] = s
	}
	return p.Sprintf(w.key, args...)
}

func (w *words) Error() string { return w.in(nil) }

// localized is an argument of words that is itself said in a language:
// *words, a month, a region, a list of lengths.
type localized interface{ in(p *lang.Printer) string }

func (w *words) Unwrap() error { return w.is }

// render words an error from a parser in p's language: *words are
// rendered, any other error is said as it is.
func render(p *lang.Printer, err error) string {
	if w, ok := err.(*words); ok {
		return w.in(p)
	}
	return err.Error()
}

// inLanguage returns err worded in p's language: *words are rendered into
// an error that still wraps their sentinel; other errors are returned as
// they are.
func inLanguage(p *lang.Printer, err error) error {
	w, ok := err.(*words)
	if !ok || p == nil {
		return err
	}
	return &saidError{msg: w.in(p), is: w.is}
}

// saidError is words said in a language, as an error.
type saidError struct {
	msg string
	is  error
}

func (e *saidError) Error() string { return e.msg }
func (e *saidError) Unwrap() error { return e.is }

// monthName is a month named in a message: February, 2月.
type monthName time.Month

func (m monthName) in(p *lang.Printer) string {
	if p.Chinese() {
		return strconv.Itoa(int(m)) + "月"
	}
	return time.Month(m).String()
}

// region is a phone region named in a message: its ISO code in English
// (a CN mobile), its name in Chinese for the regions a roster of a Chinese
// chain has (中国大陆手机号), else the code.
type region string

// regionNames are the Chinese names of the phone regions --phone-region
// documents; other regions are named by their code.
var regionNames = map[region]string{"CN": "中国大陆", "HK": "香港", "MO": "澳门", "TW": "台湾"}

func (r region) in(p *lang.Printer) string {
	if n, ok := regionNames[r]; ok && p.Chinese() {
		return n
	}
	return string(r)
}

// Punctuation between the parts of a problem and between problems: what
// fmt would put, or the full-width forms Chinese text uses.

// colon separates a column and its value from the reason: ": " or "：".
func colon(p *lang.Printer) string {
	if p.Chinese() {
		return "："
	}
	return ": "
}
