package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/cardimport/cardimport/validate"
)

// source is one roster format: it yields raw rows and converts their cells.
type source interface {
	// next returns the next row (blank or not) and the number the user sees
	// for it; io.EOF at the end. vals may be reused by the next call. An
	// error wrapping ErrBadRecord concerns that row only; others are fatal.
	next() (line int, vals []string, err error)
	// cell converts the non-empty value v of column c of the row last
	// returned by next.
	cell(c *Column, v string) validate.Cell
	// finish runs once after next returned io.EOF: integrity checks and
	// end-of-file warnings.
	finish() error
	close() error
}

// Reader reads one roster. Open or NewCSV make one; Next yields its rows.
// A Reader is not safe for concurrent use. Rows it returns are the caller's:
// the Reader never reuses their Cells.
type Reader struct {
	path     string
	sheet    string
	source   string // path:sheet, once known
	format   string
	encoding string
	delim    string

	headerLine int
	columns    []Column
	byField    [validate.NumFields]int // column index per field, -1 when none
	lookalikes []lookalike             // unmapped columns that look like a field

	warnings []string
	warn     func(string)
	src      source

	pendLine int      // a row read ahead while looking for the header
	pendVals []string // nil when none
	pendErr  error

	extraRows int // rows with non-empty cells beyond the header
	err       error
}

// Open opens a roster by its content and extension: .xlsx (streamed by
// sheet.go), .xls (Excel 97-2003, biff.go; recognised by its content
// whatever its name), .csv/.txt. Password-protected workbooks, files that
// are not what their name says and other extensions are refused with an
// error saying what to do. The header row is read and mapped before Open
// returns.
func Open(path string, opts Options) (*Reader, error) {
	if err := CheckOptions(opts); err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in *Error
		}
		return nil, &Error{Path: path, Err: err}
	}
	var magic [8]byte
	n, err := io.ReadFull(f, magic[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		f.Close()
		return nil, &Error{Path: path, Err: err}
	}
	head := magic[:n]
	ext := strings.ToLower(filepath.Ext(path))
	if bytes.HasPrefix(head, oleMagic) {
		defer f.Close()
		var size int64
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		return openXLS(path, f, size, ext, opts)
	}
	isZip := bytes.HasPrefix(head, zipMagic)
	switch ext {
	case ".xlsx", ".xlsm":
		f.Close()
		if n == 0 {
			return nil, &Error{Path: path, Err: sentence("is empty (0 bytes): it is not a workbook", ErrEmpty)}
		}
		if !isZip {
			return nil, &Error{Path: path, Err: sentence("is not an .xlsx workbook: "+describeNonZip(head)+"; open it in Excel or WPS and save it as .xlsx (or CSV)", ErrCorrupt)}
		}
		return openXLSX(path, opts, nil)
	case ".xls":
		f.Close()
		if isZip {
			// An .xlsx renamed to .xls: read it, but say so.
			return openXLSX(path, opts, []string{fmt.Sprintf("%s is an .xlsx workbook with an .xls name; reading it as .xlsx", path)})
		}
		if n == 0 {
			return nil, &Error{Path: path, Err: sentence("is empty (0 bytes)", ErrEmpty)}
		}
		return nil, &Error{Path: path, Err: sentence("is not an Excel workbook although it is named .xls ("+describeNonZip(head)+"): open it in Excel or WPS and save it as .xlsx, .xls or CSV", ErrUnsupportedFormat)}
	case ".csv", ".txt", ".tsv":
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, &Error{Path: path, Err: err}
		}
		if isZip {
			f.Close()
			return nil, &Error{Path: path, Err: sentence("is a zip archive, probably an .xlsx workbook with a "+ext+" name: rename it to .xlsx", ErrNotText)}
		}
		r, err := newCSVReader(path, f, f, opts)
		if err != nil {
			f.Close()
			return nil, err
		}
		return r, nil
	default:
		f.Close()
		what := "has no extension"
		if ext != "" {
			what = "has the extension " + ext
		}
		return nil, &Error{Path: path, Err: sentence(what+": a roster must be .xlsx, .xls, .csv or .txt", ErrUnsupportedFormat)}
	}
}

// NewCSV reads a CSV roster from r; name is the path used in messages and
// in Source. The encoding and the delimiter are detected as Open does.
// Close does not close r: it stays the caller's.
func NewCSV(name string, r io.Reader, opts Options) (*Reader, error) {
	if err := CheckOptions(opts); err != nil {
		return nil, &Error{Path: name, Err: err}
	}
	return newCSVReader(name, r, nil, opts)
}

// CheckOptions checks Options without reading anything: the encoding name
// and the field names of Map. Open and NewCSV call it; a CLI can call it
// before any I/O.
func CheckOptions(opts Options) error {
	if _, ok := encodingNames[strings.ToLower(strings.TrimSpace(opts.Encoding))]; !ok {
		return newMsg(fmt.Sprintf("--encoding %s: unknown encoding; use auto, utf-8, utf-16, gbk or gb18030", opts.Encoding), ErrBadOption)
	}
	for _, k := range sortedKeys(opts.Map) {
		v := opts.Map[k]
		if validate.FoldHeader(k) == "" {
			return newMsg(fmt.Sprintf("--map %s=%s: the column name is empty", k, v), ErrBadMap)
		}
		if _, ok := validate.ParseField(v); !ok {
			return newMsg(fmt.Sprintf("--map %s=%s: %q is not a field; the fields are %s", k, v, v, fieldList()), ErrBadMap)
		}
	}
	for _, col := range opts.Ignore {
		fc := validate.FoldHeader(col)
		if fc == "" {
			return newMsg(fmt.Sprintf("--ignore-column %q: the column name is empty", col), ErrBadOption)
		}
		for _, k := range sortedKeys(opts.Map) {
			if validate.FoldHeader(k) == fc {
				return newMsg(fmt.Sprintf("--ignore-column %s and --map %s=%s name the same column: import it or leave it out, not both", col, k, opts.Map[k]), ErrBadOption)
			}
		}
	}
	return nil
}

func fieldList() string {
	names := make([]string, 0, validate.NumFields)
	for _, f := range validate.Fields() {
		names = append(names, f.String())
	}
	return strings.Join(names, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// newReader makes the Reader shell; the format constructors fill it.
func newReader(path, format string) *Reader {
	r := &Reader{path: path, format: format}
	r.warn = func(s string) { r.warnings = append(r.warnings, s) }
	for i := range r.byField {
		r.byField[i] = -1
	}
	return r
}

// Source returns the roster as named in reports: the path as given, plus
// ":sheet" for xlsx.
func (r *Reader) Source() string {
	if r.sheet == "" {
		return r.path
	}
	if r.source == "" {
		r.source = r.path + ":" + r.sheet // once, not for every row
	}
	return r.source
}

// Path returns the roster path as given.
func (r *Reader) Path() string { return r.path }

// Sheet returns the sheet being read, "" for CSV.
func (r *Reader) Sheet() string { return r.sheet }

// Format returns "xlsx", "xls" or "csv".
func (r *Reader) Format() string { return r.format }

// Encoding returns the CSV encoding used: "utf-8", "utf-8-bom",
// "utf-16le", "utf-16be" or "gb18030"; "" for xlsx.
func (r *Reader) Encoding() string { return r.encoding }

// Delimiter returns the CSV delimiter used ("," ";" or "\t"); "" for xlsx.
func (r *Reader) Delimiter() string { return r.delim }

// HeaderLine returns the row (CSV: line) of the header.
func (r *Reader) HeaderLine() int { return r.headerLine }

// Columns returns the header's columns, in order. The slice is shared: do
// not modify it.
func (r *Reader) Columns() []Column { return r.columns }

// Column returns the column mapped to f, if any.
func (r *Reader) Column(f validate.Field) (Column, bool) {
	if f < 0 || f >= validate.NumFields || r.byField[f] < 0 {
		return Column{}, false
	}
	return r.columns[r.byField[f]], true
}

// Warnings returns what the user should hear about the roster without it
// being an error: unknown columns, skipped hidden sheets, numeric
// identifier columns, cells beyond the header… Most are known once Open
// returns; a few (cells beyond the header, merged cells, formulas without
// a saved result) are added while reading, so read it again after io.EOF.
func (r *Reader) Warnings() []string { return slices.Clone(r.warnings) }

// Close releases the file and any temporary files, and stops the
// goroutine that reads ahead (an .xlsx, .xls or CSV roster is parsed a
// batch of rows ahead of Next, on another core).
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	if err != nil {
		return &Error{Path: r.path, Sheet: r.sheet, Err: err}
	}
	return nil
}

// Next returns the next non-blank row, or io.EOF after the last one.
// Blank rows (every cell empty or white space) are skipped but counted in
// row numbers. An error wrapping ErrBadRecord concerns one CSV record: the
// Row returned with it has its Line (and empty Cells), and Next may be
// called again. Any other error is fatal and returned again by later calls.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	if r.src == nil {
		return Row{}, &Error{Path: r.path, Sheet: r.sheet, Err: errors.New("reader is closed")}
	}
	for {
		var (
			line int
			vals []string
			err  error
		)
		if r.pendVals != nil || r.pendErr != nil {
			line, vals, err = r.pendLine, r.pendVals, r.pendErr
			r.pendVals, r.pendErr = nil, nil
		} else {
			line, vals, err = r.src.next()
		}
		if err == io.EOF {
			r.err = io.EOF
			if ferr := r.src.finish(); ferr != nil {
				r.err = ferr
			}
			if r.extraRows > 1 {
				r.warn(fmt.Sprintf("cells beyond the header (after column %s) were ignored on %d rows", r.lastLetter(), r.extraRows))
			}
			return Row{}, r.err
		}
		if err != nil {
			if errors.Is(err, ErrBadRecord) {
				return Row{Line: line, Cells: make([]validate.Cell, len(r.columns))}, err
			}
			r.err = err
			return Row{}, err
		}
		if isBlankRow(vals) {
			continue
		}
		cells := make([]validate.Cell, len(r.columns))
		for i := range r.columns {
			if i < len(vals) && vals[i] != "" {
				v := vals[i]
				if len(v) > maxCellChars {
					v = string(cutChars([]byte(v))) // still too long: invalid, without the megabytes
				}
				cells[i] = r.src.cell(&r.columns[i], v)
			}
		}
		if len(vals) > len(r.columns) && !isBlankRow(vals[len(r.columns):]) {
			r.extraRows++
			if r.extraRows == 1 {
				r.warn(fmt.Sprintf("%s %d has %d cells but the header has %d columns: cells after column %s are ignored",
					r.rowWord(), line, lastNonBlank(vals)+1, len(r.columns), r.lastLetter()))
			}
		}
		return Row{Line: line, Cells: cells}, nil
	}
}

func (r *Reader) rowWord() string {
	if r.format == "csv" {
		return "line"
	}
	return "row"
}

func (r *Reader) lastLetter() string {
	if len(r.columns) == 0 {
		return "A"
	}
	return r.columns[len(r.columns)-1].Letter
}

// Input maps a row to the validator's input: each field's cell and header.
func (r *Reader) Input(row Row) *validate.Input {
	in := new(validate.Input)
	r.InputTo(in, row)
	return in
}

// InputTo is Input into an Input the caller reuses from row to row: a
// million rows then allocate no Input (~1 KB each).
func (r *Reader) InputTo(in *validate.Input, row Row) {
	*in = validate.Input{Source: r.Source(), Row: row.Line}
	for f, c := range r.byField {
		if c < 0 {
			continue
		}
		in.Columns[f] = r.columns[c].Name
		if c < len(row.Cells) {
			in.Cells[f] = row.Cells[c]
		}
	}
}

// Require checks that the header is fit for an import that needs fields,
// before anything is sent. First, no column may look like a card field
// without naming one (validate.Resembles: 充值金额, 手机号吗): its values
// would be dropped silently, so the error (ErrLooksLikeField) names every
// such column and the two ways out, --map and --ignore-column. Then every
// field of fields must have a column (ErrMissingColumn); the error names
// each missing field with the headers that would match it, and the headers
// the roster has.
func (r *Reader) Require(fields []validate.Field) error {
	if err := r.lookalikeError(); err != nil {
		return err
	}
	var missing []string
	for _, f := range fields {
		if f < 0 || f >= validate.NumFields || r.byField[f] >= 0 {
			continue
		}
		m := fmt.Sprintf("%s (a column named %s)", f, strings.Join(f.Aliases(), ", "))
		for _, c := range r.columns {
			if g, ok := validate.LookupHeader(c.Name); ok && g == f && c.Ignored {
				m += fmt.Sprintf(" — column %s is left out by --ignore-column %s", c.describe(), shellArg(c.Name))
			}
		}
		missing = append(missing, m)
	}
	if len(missing) == 0 {
		return nil
	}
	var have []string
	for _, c := range r.columns {
		if c.Name != "" {
			have = append(have, validate.ShowValue(c.Name))
		}
		if len(have) == maxListed {
			have = append(have, fmt.Sprintf("… (%d columns)", len(r.columns)))
			break
		}
	}
	word := "column"
	if len(missing) > 1 {
		word = "columns"
	}
	msg := fmt.Sprintf("missing required %s: %s; the header (%s %d) has: %s; rename a column or use --map COLUMN=FIELD",
		word, strings.Join(missing, "; "), r.rowWord(), r.headerLine, strings.Join(have, ", "))
	return &Error{Path: r.path, Sheet: r.sheet, Err: newMsg(msg, ErrMissingColumn)}
}

// maxListed bounds the look-alike columns one error lists: a hostile
// header may have a million.
const maxListed = 20

// lookalike is a column that names no field but looks like one.
type lookalike struct {
	col  int
	like []validate.Likeness
}

// lookalikeError is the ErrLooksLikeField error for the lookalike columns,
// nil when there are none.
func (r *Reader) lookalikeError() error {
	if len(r.lookalikes) == 0 {
		return nil
	}
	if len(r.lookalikes) == 1 {
		l := r.lookalikes[0]
		c := r.columns[l.col]
		msg := fmt.Sprintf("looks like %s but names no field, so its values would not be imported: use %s to import it as %s, or %s to leave it out",
			likeness(l.like), mapArg(c.Name, l.like[0].Field), l.like[0].Field, ignoreArg(c.Name))
		return &Error{Path: r.path, Sheet: r.sheet, Row: r.headerLine, Column: c.Letter + " (" + validate.ShowValue(c.Name) + ")", Err: newMsg(msg, ErrLooksLikeField)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d columns look like card fields but name none, so their values would not be imported; import each with --map or leave it out with --ignore-column:", len(r.lookalikes))
	for i, l := range r.lookalikes {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … and %d more", len(r.lookalikes)-i)
			break
		}
		c := r.columns[l.col]
		fmt.Fprintf(&b, "\n  %s looks like %s: %s or %s", c.describe(), likeness(l.like), mapArg(c.Name, l.like[0].Field), ignoreArg(c.Name))
	}
	return &Error{Path: r.path, Sheet: r.sheet, Row: r.headerLine, Err: newMsg(b.String(), ErrLooksLikeField)}
}

// likeness says which fields a column looks like and why:
// "cardno or balance (it contains card and balance)".
func likeness(ls []validate.Likeness) string {
	var fields, contains, typos []string
	for _, l := range ls {
		fields = append(fields, l.Field.String())
		if l.Typo {
			typos = append(typos, l.Word)
		} else {
			contains = append(contains, l.Word)
		}
	}
	var why []string
	if len(contains) > 0 {
		why = append(why, "it contains "+joinWords(contains, "and"))
	}
	if len(typos) > 0 {
		why = append(why, "one character from "+joinWords(typos, "or"))
	}
	return joinWords(fields, "or") + " (" + strings.Join(why, "; ") + ")"
}

// joinWords joins "a", "a or b", "a, b or c".
func joinWords(ws []string, conj string) string {
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " " + conj + " " + ws[len(ws)-1]
}

func mapArg(col string, f validate.Field) string {
	return "--map " + shellArg(validate.ShowValue(col)+"="+f.String())
}

// ignoreArg suggests --ignore-column for a column; a header too long to
// show whole is shortened, as in every message.
func ignoreArg(col string) string { return "--ignore-column " + shellArg(validate.ShowValue(col)) }

// shellArg quotes a command-line argument for a message when a shell
// would split or expand it: double quotes, which bash, cmd.exe and
// PowerShell all read, unless the text holds a character that is special
// inside them.
func shellArg(s string) string {
	plain := s != ""
	for _, r := range s {
		if r > unicode.MaxASCII && !unicode.IsSpace(r) {
			continue
		}
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./=:,@%+", r)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	if !strings.ContainsAny(s, "\"$`!\\") {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// readHeader finds the header (the first non-empty row) and maps it.
func (r *Reader) readHeader(opts Options) error {
	line, vals, err := r.nextNonBlank()
	if err == io.EOF {
		if r.sheet != "" {
			return &Error{Path: r.path, Sheet: r.sheet, Err: newMsg("the sheet has no non-empty row (is the roster on another sheet? choose it with --sheet)", ErrEmpty)}
		}
		return &Error{Path: r.path, Err: sentence("has no non-empty row", ErrEmpty)}
	}
	if err != nil {
		return err
	}
	header := slices.Clone(vals)
	// A title row ("2024年会员名单", often merged across the columns) above
	// the real header: one non-empty cell naming no field, followed by a
	// row that names at least two. Use the second and say so.
	if nonBlankCount(header) == 1 && countFields(header, opts.Map) == 0 {
		line2, vals2, err2 := r.nextNonBlank()
		switch {
		case err2 == io.EOF:
		case err2 != nil && !errors.Is(err2, ErrBadRecord):
			return err2
		case err2 == nil && countFields(vals2, opts.Map) >= 2:
			r.warn(fmt.Sprintf("%s %d (%s) looks like a title, not a header: using %s %d as the header",
				r.rowWord(), line, validate.ShowValue(strings.TrimFunc(header[lastNonBlank(header)], isBlankRune)), r.rowWord(), line2))
			line, header = line2, slices.Clone(vals2)
		default:
			r.pendLine, r.pendErr = line2, err2
			r.pendVals = slices.Clone(vals2)
			if r.pendVals == nil && err2 == nil {
				r.pendVals = []string{}
			}
		}
	}
	r.headerLine = line
	header = header[:lastNonBlank(header)+1]
	if len(header) > maxColumns {
		return &Error{Path: r.path, Sheet: r.sheet, Row: line, Err: newMsg(fmt.Sprintf(
			"the header has %d columns, more than the %d a spreadsheet holds: the file is damaged or is not a roster (is the delimiter right?)",
			len(header), maxColumns), ErrTooLong)}
	}
	return r.mapHeader(header, opts)
}

// nextNonBlank returns the next non-blank row from the source.
func (r *Reader) nextNonBlank() (int, []string, error) {
	for {
		line, vals, err := r.src.next()
		if err != nil {
			return line, vals, err
		}
		if !isBlankRow(vals) {
			return line, vals, nil
		}
	}
}

func countFields(vals []string, m map[string]string) int {
	n := 0
	for _, v := range vals {
		if _, ok := validate.LookupHeader(v); ok {
			n++
			continue
		}
		for k := range m {
			if validate.FoldHeader(k) == validate.FoldHeader(v) && validate.FoldHeader(v) != "" {
				n++
				break
			}
		}
	}
	return n
}

// mapHeader builds the columns and maps them to fields: --map first, then
// --ignore-column, then the aliases. Columns that name no field but look
// like one are noted for Require.
func (r *Reader) mapHeader(header []string, opts Options) error {
	cols := make([]Column, len(header))
	for i, h := range header {
		cols[i] = Column{Index: i, Letter: columnLetter(i), Name: strings.TrimFunc(h, isBlankRune), Field: validate.NoField}
	}
	r.columns = cols
	errAt := func(err error) error { return &Error{Path: r.path, Sheet: r.sheet, Row: r.headerLine, Err: err} }

	viaMap := make([]bool, len(cols))
	for _, key := range sortedKeys(opts.Map) {
		fname := opts.Map[key]
		f, ok := validate.ParseField(fname)
		if !ok {
			return errAt(newMsg(fmt.Sprintf("--map %s=%s: %q is not a field; the fields are %s", key, fname, fname, fieldList()), ErrBadMap))
		}
		fk := validate.FoldHeader(key)
		var hits []int
		for i, c := range cols {
			if fk != "" && validate.FoldHeader(c.Name) == fk {
				hits = append(hits, i)
			}
		}
		switch {
		case len(hits) == 0 && opts.MapOptional:
			continue
		case len(hits) == 0:
			return errAt(newMsg(fmt.Sprintf("--map %s=%s: the header has no column %q; it has: %s", key, fname, key, r.headerList()), ErrBadMap))
		case len(hits) > 1:
			return errAt(newMsg(fmt.Sprintf("--map %s=%s: %d columns are named %q (%s); rename one", key, fname, len(hits), key, r.letters(hits)), ErrDuplicateColumn))
		}
		i := hits[0]
		if viaMap[i] {
			return errAt(newMsg(fmt.Sprintf("--map gives column %s two fields (%s and %s)", cols[i].describe(), cols[i].Field, f), ErrBadMap))
		}
		if o := r.byField[f]; o >= 0 {
			return errAt(newMsg(fmt.Sprintf("--map gives field %s to two columns: %s and %s", f, cols[o].describe(), cols[i].describe()), ErrDuplicateColumn))
		}
		viaMap[i] = true
		cols[i].Field = f
		r.byField[f] = i
	}
	for _, key := range opts.Ignore {
		fk := validate.FoldHeader(key)
		hit := false
		for i := range cols {
			if validate.FoldHeader(cols[i].Name) == fk {
				cols[i].Ignored, hit = true, true
			}
		}
		if !hit && !opts.MapOptional {
			return errAt(newMsg(fmt.Sprintf("%s: the header has no column %q; it has: %s", ignoreArg(key), key, r.headerList()), ErrBadOption))
		}
	}
	// Past maxListed, columns that name no field are counted, not listed:
	// a hostile header may have thousands.
	unknown := 0
	unknownWarn := func(msg string) {
		if unknown++; unknown <= maxListed {
			r.warn(msg)
		}
	}
	defer func() {
		if unknown > maxListed {
			r.warn(fmt.Sprintf("%d more columns are not card fields and are ignored", unknown-maxListed))
		}
	}()
	for i := range cols {
		c := &cols[i]
		if viaMap[i] {
			continue
		}
		if c.Name == "" {
			unknownWarn(fmt.Sprintf("column %s has no header: its cells are ignored", c.Letter))
			continue
		}
		f, ok := validate.LookupHeader(c.Name)
		if c.Ignored {
			if ok {
				r.warn(fmt.Sprintf("column %s would be %s, but --ignore-column leaves it out", c.describe(), f))
			}
			continue
		}
		if !ok {
			if like := validate.Resembles(c.Name); len(like) > 0 {
				r.lookalikes = append(r.lookalikes, lookalike{col: i, like: like})
				unknownWarn(fmt.Sprintf("column %s is not a card field and is ignored, although it looks like %s", c.describe(), likeness(like)))
				continue
			}
			unknownWarn(fmt.Sprintf("column %s is not a card field and is ignored", c.describe()))
			continue
		}
		if o := r.byField[f]; o >= 0 {
			if viaMap[o] {
				r.warn(fmt.Sprintf("column %s would be %s, but --map gives %s to column %s: %s is ignored", c.describe(), f, f, cols[o].describe(), validate.ShowValue(c.Name)))
				continue
			}
			return errAt(newMsg(fmt.Sprintf("columns %s and %s both name the field %s: rename or delete one, choose one with %s, or leave the other out with %s",
				cols[o].describe(), c.describe(), f, mapArg(cols[o].Name, f), ignoreArg(c.Name)), ErrDuplicateColumn))
		}
		c.Field = f
		r.byField[f] = i
	}
	return nil
}

// describe names a column the way messages do: 会员来源 (D); a long name
// is shortened.
func (c Column) describe() string {
	if c.Name == "" {
		return c.Letter
	}
	return validate.ShowValue(c.Name) + " (" + c.Letter + ")"
}

func (r *Reader) headerList() string {
	var hs []string
	for _, c := range r.columns {
		if c.Name != "" {
			hs = append(hs, validate.ShowValue(c.Name))
		}
		if len(hs) == maxListed {
			hs = append(hs, fmt.Sprintf("… (%d columns)", len(r.columns)))
			break
		}
	}
	return strings.Join(hs, ", ")
}

func (r *Reader) letters(idx []int) string {
	ls := make([]string, len(idx))
	for i, j := range idx {
		ls[i] = r.columns[j].Letter
	}
	return strings.Join(ls, ", ")
}

// columnLetter turns a 0-based index into A, B, …, Z, AA, AB, …
func columnLetter(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append(b, byte('A'+(n-1)%26))
	}
	slices.Reverse(b)
	return string(b)
}

// isBlankRune reports characters that do not make a cell non-empty:
// white space including U+3000 and NBSP, zero-width space and BOM.
func isBlankRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

func isBlank(s string) bool {
	for _, r := range s {
		if !isBlankRune(r) {
			return false
		}
	}
	return true
}

func isBlankRow(vals []string) bool {
	for _, v := range vals {
		if !isBlank(v) {
			return false
		}
	}
	return true
}

func nonBlankCount(vals []string) int {
	n := 0
	for _, v := range vals {
		if !isBlank(v) {
			n++
		}
	}
	return n
}

// lastNonBlank returns the index of the last non-blank value, -1 if none.
func lastNonBlank(vals []string) int {
	for i := len(vals) - 1; i >= 0; i-- {
		if !isBlank(vals[i]) {
			return i
		}
	}
	return -1
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// describeNonZip says what a file that should have been a zip looks like.
func describeNonZip(head []byte) string {
	switch {
	case len(head) == 0:
		return "it is empty"
	case bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf"), []byte("<")):
		return "it holds a web page or XML, not a workbook"
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "it is a PDF"
	case bytes.HasPrefix(head, []byte("PK")):
		return "it is not a complete zip archive"
	default:
		return "it is not a zip archive"
	}
}
