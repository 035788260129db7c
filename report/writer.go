package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
)

// Writer writes one reconciliation report. Lines are written in roster
// order; Close finishes the file and renames it into place, Abort drops it.
// After Close or Abort every method but Abort fails (Abort is then a no-op,
// so `defer w.Abort()` is always safe).
type Writer interface {
	// Write adds the line of one roster row. Its phone is masked.
	Write(l *Line) error
	// WriteGenerated adds one generated card (Options.Generated only).
	WriteGenerated(g *Generated) error
	// Close finishes the report and moves it into place. s feeds the XLSX
	// summary sheet and the JSON "summary"; when s is nil a summary of the
	// rows and counts this writer saw is used instead.
	Close(s *Summary) error
	// Abort removes the unfinished report; the destination is untouched.
	Abort() error
}

// Options configure Create.
type Options struct {
	// Generated selects generate mode: the report lists Generated cards
	// (GeneratedColumns, passwords included) and is created with mode 0600.
	Generated bool
}

// ReportExtensions are the report formats Create accepts, by extension.
var ReportExtensions = []string{".csv", ".xlsx", ".json"}

// ErrClosed is returned by a writer's methods after Close or Abort.
var ErrClosed = errors.New("report already closed")

// Create starts the report at path, in the format its extension names
// (.csv, .xlsx or .json, any case). Nothing appears at path before Close.
func Create(path string, opts Options) (Writer, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".csv", ".xlsx", ".json":
	default:
		return nil, fmt.Errorf("report %s: unknown format %q, use one of %s", path, ext, strings.Join(ReportExtensions, ", "))
	}
	perm := os.FileMode(0o644)
	if opts.Generated {
		perm = 0o600 // it holds card passwords
	}
	af, err := CreateAtomic(path, perm)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var w Writer
	switch ext {
	case ".csv":
		w, err = newCSVWriter(af, opts)
	case ".xlsx":
		w, err = newXLSXWriter(af, opts)
	case ".json":
		w, err = newJSONWriter(af, opts)
	}
	if err != nil {
		_ = af.Abort()
		return nil, err
	}
	return w, nil
}

// tally counts what a writer saw, for the summary of Close(nil) and for the
// mode checks every format shares.
type tally struct {
	generated bool
	rows      int
	counts    map[platform.Status]int
	closed    bool
}

func newTally(opts Options) tally {
	return tally{generated: opts.Generated, counts: make(map[platform.Status]int)}
}

// line checks that a Line may be written now and counts it.
func (t *tally) line(l *Line) error {
	switch {
	case t.closed:
		return ErrClosed
	case t.generated:
		return errors.New("report: Write on a generate-mode report, use WriteGenerated")
	case l == nil:
		return errors.New("report: nil line")
	}
	t.rows++
	t.counts[l.Status]++
	return nil
}

// gen checks that a Generated card may be written now and counts it.
func (t *tally) gen(g *Generated) error {
	switch {
	case t.closed:
		return ErrClosed
	case !t.generated:
		return errors.New("report: WriteGenerated on a roster report, create it with Options.Generated")
	case g == nil:
		return errors.New("report: nil generated card")
	}
	t.rows++
	t.counts[g.Status]++
	return nil
}

// summary returns s, or when it is nil a summary of what was written.
func (t *tally) summary(s *Summary) *Summary {
	if s != nil {
		return s
	}
	counts := make(map[platform.Status]int, len(t.counts))
	for k, v := range t.counts {
		counts[k] = v
	}
	cmd := ""
	if t.generated {
		cmd = "generate"
	}
	return &Summary{Command: cmd, Rows: t.rows, Counts: counts}
}

// lineValues returns a Line's values in Columns order, as text, the phone
// masked — in its column and wherever the message quotes it (a validation
// message names the bad value; source and row find the row).
func lineValues(l *Line) [12]string {
	phone, msg := validate.MaskPhone(l.Phone), l.Message
	if utf8.RuneCountInString(l.Phone) >= 6 && strings.Contains(msg, l.Phone) {
		msg = strings.ReplaceAll(msg, l.Phone, phone)
	}
	return [12]string{
		l.Source, strconv.Itoa(l.Row), string(l.Status), l.Cardno, l.Extid, l.Name,
		phone, l.Mbno, l.ID, l.Balance, strconv.Itoa(l.Attempts), msg,
	}
}

// generatedValues returns a Generated card's values in GeneratedColumns
// order, as text.
func generatedValues(g *Generated) [9]string {
	return [9]string{
		strconv.Itoa(g.Batch), string(g.Status), g.ID, g.Cardno, g.Mbno, g.Password,
		g.Extid, g.Balance, g.Message,
	}
}

// Column positions that hold numbers (written as numbers in XLSX and JSON),
// free text (guarded more strictly against formula injection in CSV, see
// defuseFormula) and identifiers (formatted as Text in XLSX).
var (
	lineNumeric      = [12]bool{1: true, 10: true}          // row, attempts
	lineFreeText     = [12]bool{0: true, 5: true, 11: true} // source, name, message
	generatedNumeric = [9]bool{0: true}                     // batch
	generatedFree    = [9]bool{8: true}                     // message
	lineIdentifiers  = [12]bool{3: true, 4: true, 6: true, 7: true, 8: true, 9: true}
	generatedIdents  = [9]bool{2: true, 3: true, 4: true, 5: true, 6: true, 7: true}
)

// defuseFormula protects a CSV cell from formula injection: a value that
// Excel or WPS would evaluate gets a leading apostrophe, which the
// spreadsheet shows as text. Dangerous starts are = + @, a tab or carriage
// return (some parsers strip them before looking), and "-".
//
// Free text (source, name, message: what the roster's author typed) is
// guarded on every one of them. Other columns (identifiers, status,
// balance) keep a leading "-" when the rest is only [0-9A-Za-z_-]: an extid
// such as "-111" is valid and must reach scripts that compare the report
// byte for byte, and such a value cannot form a function call or DDE link.
// Identifiers of invalid rows may hold raw roster text, so = + @ are always
// guarded there too. The guard applies to CSV only: XLSX cells are typed
// strings, never evaluated, and JSON is data.
func defuseFormula(s string, freeText bool) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
	case '-':
		if !freeText && plainIdentifier(s[1:]) {
			return s
		}
	default:
		return s
	}
	return "'" + s
}

// plainIdentifier reports whether s holds only [0-9A-Za-z_-].
func plainIdentifier(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
