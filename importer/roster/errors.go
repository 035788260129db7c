package roster

import (
	"errors"
	"strconv"
	"strings"

	"github.com/cardimport/cardimport/validate/lang"
)

// Sentinels callers test with errors.Is. Every error Open, NewCSV and the
// Reader methods return is an *Error wrapping one of them.
var (
	// ErrUnsupportedFormat is for a file that is not an .xlsx, .xls, .csv
	// or .txt roster, including Excel 5.0/95 and password-protected
	// workbooks.
	ErrUnsupportedFormat = errors.New("unsupported roster format")
	// ErrEncrypted is for a password-protected workbook (it is also
	// ErrUnsupportedFormat).
	ErrEncrypted = errors.New("workbook is password-protected")
	// ErrCorrupt is for a damaged or truncated workbook, or a zip that is
	// not one.
	ErrCorrupt = errors.New("damaged workbook")
	// ErrEmpty is for a file (or sheet) without a non-empty row.
	ErrEmpty = errors.New("roster is empty")
	// ErrNotText is for a .csv/.txt file holding binary data.
	ErrNotText = errors.New("not a text roster")
	// ErrEncoding is for bytes that are invalid in the roster's encoding.
	ErrEncoding = errors.New("invalid text encoding")
	// ErrBadRecord is for one CSV record that cannot be parsed (a stray
	// quote). It is the only error after which Next may be called again:
	// the Row returned with it carries the record's line.
	ErrBadRecord = errors.New("malformed record")
	// ErrUnclosedQuote is for a CSV quote that is never closed properly:
	// the parser cannot resume past it, so it is fatal.
	ErrUnclosedQuote = errors.New("unclosed quote")
	// ErrMissingColumn is for a required field without a column (Require).
	ErrMissingColumn = errors.New("missing required column")
	// ErrLooksLikeField is for columns that name no field but look like
	// one (Require): their values would be dropped silently.
	ErrLooksLikeField = errors.New("column looks like a card field")
	// ErrDuplicateColumn is for two columns that map to the same field.
	ErrDuplicateColumn = errors.New("duplicate column")
	// ErrNoSheet is for a --sheet that names no worksheet of the workbook,
	// or a workbook without a visible worksheet.
	ErrNoSheet = errors.New("no such sheet")
	// ErrBadMap is for a --map entry that names no column of the header,
	// or no field.
	ErrBadMap = errors.New("bad --map")
	// ErrTooLong is for a roster larger in one dimension than any
	// spreadsheet: a CSV line over 16 MB, a header of more than 16,384
	// columns.
	ErrTooLong = errors.New("roster line or header too long")
	// ErrBadOption is for an invalid Options value: an unknown --encoding,
	// an --ignore-column that names no column or a column --map maps.
	ErrBadOption = errors.New("bad option")
)

// Error locates a roster error: the file, the sheet (xlsx), the row as the
// user sees it (for CSV, the line) and the column, each when it applies.
type Error struct {
	Path   string // roster file as given
	Sheet  string // xlsx sheet, "" for CSV or before a sheet is chosen
	Row    int    // row (xlsx) or line (CSV) number; 0 when not about a row
	Column string // column letter and header, e.g. `B (手机号)`; "" when none
	Err    error

	lang *lang.Printer // the language of the words around the location
}

// Where an error is, in words.
var (
	msgAtRow    = lang.Msg("row %s", "第%s行")
	msgAtLine   = lang.Msg("line %s", "第%s行")
	msgAtColumn = lang.Msg("column %s", "%s") // the Chinese column says 列 itself: B列（手机号）
)

// Error reads like `roster.xlsx:会员: row 7, column B (手机号): …`; for CSV
// the row is called a line. In Chinese: `roster.xlsx:会员：第7行，
// B列（手机号）：…`.
func (e *Error) Error() string {
	p := e.lang
	colon, comma := ": ", ", "
	if p.Chinese() {
		colon, comma = "：", "，"
	}
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Sheet != "" {
		b.WriteString(":")
		b.WriteString(e.Sheet)
	}
	sep := colon
	if e.Row > 0 {
		b.WriteString(sep)
		at := msgAtLine
		if e.Sheet != "" {
			at = msgAtRow
		}
		b.WriteString(p.Sprintf(at, strconv.Itoa(e.Row)))
		sep = comma
	}
	if e.Column != "" {
		b.WriteString(sep)
		b.WriteString(p.Sprintf(msgAtColumn, e.Column))
	}
	if e.Err != nil {
		var m *msgError
		if e.Row == 0 && e.Column == "" && errors.As(e.Err, &m) && m.subject {
			// "roster.xls is an Excel 97-2003 workbook: …"
			b.WriteString(" ")
		} else {
			b.WriteString(colon)
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// itoa writes a number for a message as it always was, without the
// grouping a Printer gives %d: the English of the messages stays exact.
func itoa[T ~int | ~int64 | ~uint64](n T) string { return strconv.FormatInt(int64(n), 10) }

// inLanguage gives an *Error the language of the words around its
// location; other errors are returned as they are.
func inLanguage(p *lang.Printer, err error) error {
	var e *Error
	if p != nil && errors.As(err, &e) && e.lang == nil {
		e.lang = p
	}
	return err
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// msgError is a message that wraps one or more sentinels. With subject set
// the message continues a sentence whose subject is the file name.
type msgError struct {
	msg     string
	subject bool
	is      []error
}

func (m *msgError) Error() string   { return m.msg }
func (m *msgError) Unwrap() []error { return m.is }

// newMsg builds a message error wrapping the sentinels.
func newMsg(msg string, is ...error) error { return &msgError{msg: msg, is: is} }

// sentence builds a message that follows the file name: "roster.csv does
// not look like a text roster".
func sentence(msg string, is ...error) error { return &msgError{msg: msg, subject: true, is: is} }
