package report

import (
	"errors"
	"maps"
	"os"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
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
	// Lang is the language of what people read in the report: the XLSX
	// header row, status labels, sheet names and summary sheet, and the
	// errors (nil: English). CSV and JSON column names and status values
	// are the same in every language.
	Lang *lang.Printer
}

// Errors of the writers, as people read them.
var (
	msgReportErr     = lang.Msg("report: %v", "报告：%v")
	msgReportPathErr = lang.Msg("report %s: %v", "报告 %s：%v")
)

// ErrClosed is returned by a writer's methods after Close or Abort.
var ErrClosed = errors.New("report already closed")

// Create starts the report at path, in the format its extension names (one
// of ReportFormats, or GeneratedFormats with Options.Generated; any case).
// Nothing appears at path before Close.
func Create(path string, opts Options) (Writer, error) {
	formats, cols, perm := ReportFormats, lineSpecs, os.FileMode(0o644)
	if opts.Generated {
		formats, cols, perm = GeneratedFormats, generatedSpecs, 0o600 // it holds card passwords
	}
	p := opts.Lang
	f, err := formats.formatOf(p, path)
	if err != nil {
		return nil, err
	}
	af, err := CreateAtomic(path, perm)
	if err != nil {
		return nil, p.Errorf(msgReportErr, err)
	}
	out, err := f.newReport(af, cols, p)
	if err != nil {
		_ = af.Abort()
		return nil, p.Errorf(msgReportPathErr, path, err)
	}
	return &writer{af: af, out: out, generated: opts.Generated, counts: make(map[platform.Status]int), p: p}, nil
}

// formatWriter is what one file format adds to writer, which checks and
// counts the rows, takes their values from the column table, and finishes
// or drops the file.
type formatWriter interface {
	// row writes one row: its status and its values in column order. The
	// values are only lent: the slice is reused for the next row.
	row(st platform.Status, vals []string) error
	// finish completes the file; s is the run's summary, for the formats
	// that have room for it.
	finish(s *Summary) error
	// release frees what the format holds beside the file; called once.
	release()
}

// writer is the Writer of every format.
type writer struct {
	af        *AtomicFile
	out       formatWriter
	generated bool
	rows      int
	counts    map[platform.Status]int
	closed    bool
	vals      []string
	p         *lang.Printer
}

func (w *writer) Write(l *Line) error {
	switch {
	case w.closed:
		return ErrClosed
	case w.generated:
		return errors.New("report: Write on a generate-mode report, use WriteGenerated")
	case l == nil:
		return errors.New("report: nil line")
	}
	w.vals = rowValues(lineColumns, l, w.vals[:0])
	return w.row(l.Status)
}

func (w *writer) WriteGenerated(g *Generated) error {
	switch {
	case w.closed:
		return ErrClosed
	case !w.generated:
		return errors.New("report: WriteGenerated on a roster report, create it with Options.Generated")
	case g == nil:
		return errors.New("report: nil generated card")
	}
	w.vals = rowValues(generatedColumns, g, w.vals[:0])
	return w.row(g.Status)
}

// row counts the row in w.vals and writes it.
func (w *writer) row(st platform.Status) error {
	w.rows++
	w.counts[st]++
	if err := w.out.row(st, w.vals); err != nil {
		return w.p.Errorf(msgReportPathErr, w.af.Name(), err)
	}
	return nil
}

func (w *writer) Close(s *Summary) error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	defer w.out.release()
	if err := w.out.finish(w.summary(s)); err != nil {
		_ = w.af.Abort()
		return w.p.Errorf(msgReportPathErr, w.af.Name(), err)
	}
	return w.af.Commit()
}

func (w *writer) Abort() error {
	if !w.closed {
		w.closed = true
		w.out.release()
	}
	return w.af.Abort()
}

// summary returns s, or when it is nil a summary of what was written.
func (w *writer) summary(s *Summary) *Summary {
	if s != nil {
		return s
	}
	cmd := ""
	if w.generated {
		cmd = "generate"
	}
	return &Summary{Command: cmd, Rows: w.rows, Counts: maps.Clone(w.counts)}
}

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
