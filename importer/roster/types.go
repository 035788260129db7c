package roster

import (
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Options configure Open.
type Options struct {
	Sheet    string            // xlsx sheet (--sheet); "" means the first visible sheet
	Encoding string            // csv: auto (default), utf-8, utf-16, gbk, gb18030 (--encoding)
	Map      map[string]string // --map: header as written → field name; wins over aliases
	// Ignore (--ignore-column) names columns, as written, that are not
	// imported on purpose: a column that looks like a field (Require) or
	// names none is then left out without a word, and one that names a
	// field is left out with a warning. Matched like Map.
	Ignore []string
	// MapOptional skips a Map or Ignore entry that names no column of this
	// roster instead of failing: with several rosters in one run, an entry
	// may concern only some of them (the caller checks it matched one).
	MapOptional bool
	// Printer is the language of the warnings and errors (SPEC §11); nil
	// is English. The roster's column names and values are quoted as
	// written.
	Printer *lang.Printer
}

// Column is one column of the header row.
type Column struct {
	Index  int            // 0-based position in the row
	Letter string         // spreadsheet letter: A, B, …, AA
	Name   string         // the header as the user wrote it
	Field  validate.Field // validate.NoField when the header names no field
	// Numeric is set for an xlsx column whose sampled cells are stored as
	// numbers: leading zeros of card numbers there are already lost.
	Numeric bool
	// Ignored is set for a column Options.Ignore names.
	Ignored bool
}

// Row is one non-blank roster row.
type Row struct {
	Line  int             // row number as the user sees it (CSV: line where the record starts)
	Cells []validate.Cell // one per header column, in column order
}
