// Package roster reads card rosters: .xlsx workbooks, whose sheet is
// inflated and scanned once by this package's own streaming reader (the
// shared strings in a compact index; excelize only writes workbooks and
// checks the reader in tests), .xls workbooks (Excel 97-2003, BIFF8, read
// by biff.go with the same cell rules), and CSV/TXT files in UTF-8, UTF-16 or
// GB18030 with `,` `;` or tab delimiters (SPEC §2). Hostile files cost
// bounded memory and time: zip bombs, millions of shared strings, huge
// cells and rows are refused or cut with a message that says so.
//
// A Reader finds the header row (the first non-empty row), maps its columns
// to validate.Fields through the aliases of SPEC §3 and --map, and then
// yields one Row per non-blank roster row, each carrying the row number the
// user sees in Excel (for CSV, the line on which the record starts). Cells
// are what the user typed: a phone stored as a number reads 15606132502, an
// Excel date or a serial in a date column becomes a KindDate cell.
//
// Warnings and errors are worded in English or 简体中文 (Options.Printer,
// SPEC §11); the roster's column names and values are quoted as written.
//
// Errors are *Error values locating the file, sheet, row and column, and
// wrapping sentinels (ErrUnsupportedFormat, ErrEmpty, ErrMissingColumn…)
// for errors.Is. Only ErrBadRecord (one unparsable CSV line) lets reading
// go on; every other error from Next is fatal and sticky. Nothing is
// dropped silently: a row either comes out of Next or is named in an error.
//
// A Reader is not safe for concurrent use; the Rows it returns belong to
// the caller and may be sent to other goroutines.
package roster
