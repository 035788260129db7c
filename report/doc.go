// Package report writes what a run produced: the reconciliation report of
// SPEC §9 (CSV, XLSX or JSON, one line per roster row in roster order), the
// rejects file that staff fix and feed back, the run summary, and the empty
// roster template.
//
// Every file is written to a temporary file in the destination folder and
// renamed into place on Close, so a reader never sees half a report. Writers
// are not safe for concurrent use: the importer feeds them from one goroutine.
package report
