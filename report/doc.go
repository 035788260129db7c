// Package report writes what a run produced: the reconciliation report of
// SPEC §9 (CSV, XLSX or JSON, one line per roster row in roster order), the
// rejects file that staff fix and feed back, the run summary, and the empty
// roster template.
//
// Each report column is declared once, in the column tables of line.go
// (name, XLSX width, kind, masking, how its value is taken), and every
// writer iterates them; each summary entry once, in Summary.entries; the
// formats each kind of output accepts once, in formats.go, from which the
// checks and messages, here and in the CLI, are derived.
//
// Every file is written to a temporary file in the destination folder and
// renamed into place on Close, so a reader never sees half a report. Writers
// are not safe for concurrent use: the importer feeds them from one goroutine.
package report
