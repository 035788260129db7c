// Package lang is cardimport's message catalogue: every text a person
// reads, in English and 简体中文 (SPEC §11), and the choice between them.
//
// It is built on golang.org/x/text/message: a message's key is its English
// text, a fmt format ("%s: empty, this column is required"); the package
// that owns a message registers its Chinese beside it with Msg (or Plural)
// in a package-level var, and prints it with a Printer of the run's
// language. Registration happens at init and the catalogue is read-only
// afterwards; a test walks it for messages missing a language or whose
// placeholders differ between the two.
//
// What machines read never goes through the catalogue: report column
// names, status values, JSON keys, log keys and exit codes stay the same
// in both languages.
package lang

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The languages of the catalogue.
var (
	English = language.English
	Chinese = language.SimplifiedChinese
)

var (
	mu      sync.Mutex
	builder = catalog.NewBuilder(catalog.Fallback(language.English))
	entries = map[string]Entry{}
)

// Entry is one message of the catalogue.
type Entry struct {
	Key     string // the English text (a fmt format); also the lookup key
	Chinese string
	// Plural (English only: Chinese has no plural forms) are the "one" and
	// "other" forms of a message counting its first argument.
	One, Other string
}

// Msg registers a message and returns its key, for a package-level var:
//
//	var msgEmpty = lang.Msg("%s: empty, this column is required", "%s：为空，此列必填")
//
// Registering the same key twice with other words panics: one text, one
// translation.
func Msg(english, chinese string) string {
	register(Entry{Key: english, Chinese: chinese})
	return english
}

// Plural registers a message whose English depends on the count in its
// first argument ("%d row" / "%d rows"); key is the form the code uses.
func Plural(key, one, other, chinese string) string {
	register(Entry{Key: key, Chinese: chinese, One: one, Other: other})
	return key
}

func register(e Entry) {
	mu.Lock()
	defer mu.Unlock()
	if old, ok := entries[e.Key]; ok {
		if old != e {
			panic(fmt.Sprintf("lang: message %q registered twice with different words", e.Key))
		}
		return
	}
	entries[e.Key] = e
	var err error
	if e.One != "" {
		err = builder.Set(English, e.Key, plural.Selectf(1, "", "one", e.One, "other", e.Other))
	} else {
		err = builder.SetString(English, e.Key, e.Key)
	}
	if err == nil {
		err = builder.SetString(Chinese, e.Key, e.Chinese)
	}
	if err != nil {
		panic(fmt.Sprintf("lang: message %q: %v", e.Key, err))
	}
}

// Entries returns the catalogue, sorted by key (for the test that walks it).
func Entries() []Entry {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Entry, 0, len(entries))
	for _, e := range entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Printer prints the catalogue's messages in one language. The zero
// Printer is not usable; a nil *Printer prints English.
type Printer struct {
	tag language.Tag
	p   *message.Printer
}

// New returns a Printer for tag (English or Chinese; other tags fall back
// to English).
func New(tag language.Tag) *Printer {
	if tag != Chinese {
		tag = English
	}
	return &Printer{tag: tag, p: message.NewPrinter(tag, message.Catalog(builder))}
}

// Tag returns the printer's language.
func (p *Printer) Tag() language.Tag {
	if p == nil {
		return English
	}
	return p.tag
}

// Chinese reports whether the printer prints Chinese.
func (p *Printer) Chinese() bool { return p.Tag() == Chinese }

// ListSep separates the items of a list in a sentence: ", " or "、".
func (p *Printer) ListSep() string {
	if p.Chinese() {
		return "、"
	}
	return ", "
}

// PartSep separates the parts of a message: "; " or "；".
func (p *Printer) PartSep() string {
	if p.Chinese() {
		return "；"
	}
	return "; "
}

// Join joins two parts of a message with PartSep, leaving out an empty
// one: "a; b" or "a；b".
func (p *Printer) Join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + p.PartSep() + b
}

// Sprintf prints a registered message with its arguments. A key that was
// never registered prints as the fmt format it is (and the catalogue test
// reports it).
func (p *Printer) Sprintf(key string, args ...any) string {
	if p == nil {
		p = defaultPrinter
	}
	mu.Lock()
	if _, ok := entries[key]; !ok {
		missing[key] = true
	}
	mu.Unlock()
	return p.p.Sprintf(key, args...)
}

// missing are keys printed without being registered.
var missing = map[string]bool{}

// Missing lists the keys printed so far that the catalogue does not have:
// a package's tests end by checking it is empty.
func Missing() []string {
	mu.Lock()
	defer mu.Unlock()
	out := make([]string, 0, len(missing))
	for k := range missing {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ErrorIs is Sprintf as an error that errors.Is also finds to be is, a
// sentinel the words need not quote: p.ErrorIs(platform.ErrAuth, msgAuth,
// info).
func (p *Printer) ErrorIs(is error, key string, args ...any) error {
	return &localized{msg: p.Sprintf(key, args...), args: []any{is}}
}

// RunTests runs a package's tests and fails them when they printed a
// message the catalogue does not have (Missing). A package's TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(lang.RunTests(m)) }
func RunTests(m interface{ Run() int }) int {
	code := m.Run()
	if missing := Missing(); code == 0 && len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "printed without being registered with lang.Msg (no Chinese):\n  %s\n", strings.Join(missing, "\n  "))
		code = 1
	}
	return code
}

// Errorf is Sprintf as an error.
//
// An error argument whose text is itself a registered message (a sentinel
// such as errors.New(lang.Msg("journal is in use", "…"))) prints in p's
// language; errors.Is and errors.As still see the error itself.
func (p *Printer) Errorf(key string, args ...any) error {
	shown := make([]any, len(args))
	for i, a := range args {
		shown[i] = a
		if err, ok := a.(error); ok {
			mu.Lock()
			_, known := entries[err.Error()]
			mu.Unlock()
			if known {
				shown[i] = p.Sprintf(err.Error())
			}
		}
	}
	return &localized{msg: p.Sprintf(key, shown...), args: args}
}

type localized struct {
	msg  string
	args []any
}

func (e *localized) Error() string { return e.msg }

// Unwrap returns the error arguments, so errors.Is and errors.As see
// through a localized message.
func (e *localized) Unwrap() []error {
	var errs []error
	for _, a := range e.args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}

var defaultPrinter = New(English)

// Parse reads a --lang value: zh (zh-CN, zh-Hans, chinese) or en.
func Parse(s string) (language.Tag, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "zh", "zh-cn", "zh_cn", "zh-hans", "cn", "chinese", "中文":
		return Chinese, true
	case "en", "en-us", "en_us", "en-gb", "english":
		return English, true
	}
	return language.Und, false
}

// FromEnvironment is the language of the user's locale: the first of
// LC_ALL, LC_MESSAGES and LANG that is set (zh_CN.UTF-8 → Chinese), else
// the system's UI language where it has one (Windows), else English.
func FromEnvironment(getenv func(string) string) language.Tag {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(k)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" {
			return English
		}
		if strings.HasPrefix(strings.ToLower(v), "zh") {
			return Chinese
		}
		return English
	}
	if ui := systemUILanguage(); strings.HasPrefix(strings.ToLower(ui), "zh") {
		return Chinese
	}
	return English
}

// placeholder matches a fmt verb: %s, %d, %.1f, %q, %v, %[2]s…
var placeholder = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// Placeholders lists the fmt verbs of a format, %% excluded, in order.
func Placeholders(format string) []string {
	var out []string
	for _, m := range placeholder.FindAllString(format, -1) {
		if m != "%%" {
			out = append(out, m)
		}
	}
	return out
}
