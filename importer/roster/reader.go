package roster

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// What Open and the Reader say about a file, in English or Chinese
// (Options.Printer). Sentences (sentence) follow the file's name.
var (
	msgEmptyWorkbook    = lang.Msg("is empty (0 bytes): it is not a workbook", "是空文件（0 字节），不是工作簿")
	msgNotXLSX          = lang.Msg("is not an .xlsx workbook: %s; open it in Excel or WPS and save it as .xlsx (or CSV)", "不是 .xlsx 工作簿：%s；请用 Excel 或 WPS 打开，另存为 .xlsx（或 CSV）")
	msgXLSXNamedXLS     = lang.Msg("%s is an .xlsx workbook with an .xls name; reading it as .xlsx", "%s 其实是 .xlsx 工作簿，只是文件名是 .xls；按 .xlsx 读取")
	msgEmptyFile        = lang.Msg("is empty (0 bytes)", "是空文件（0 字节）")
	msgNotXLS           = lang.Msg("is not an Excel workbook although it is named .xls (%s): open it in Excel or WPS and save it as .xlsx, .xls or CSV", "文件名是 .xls，却不是 Excel 工作簿（%s）：请用 Excel 或 WPS 打开，另存为 .xlsx、.xls 或 CSV")
	msgZipNamedText     = lang.Msg("is a zip archive, probably an .xlsx workbook with a %s name: rename it to .xlsx", "是 zip 压缩包，可能是文件名为 %s 的 .xlsx 工作簿：请把它改名为 .xlsx")
	msgNoExtension      = lang.Msg("has no extension: a roster must be .xlsx, .xls, .csv or .txt", "没有扩展名：名单必须是 .xlsx、.xls、.csv 或 .txt 文件")
	msgBadExtension     = lang.Msg("has the extension %s: a roster must be .xlsx, .xls, .csv or .txt", "的扩展名是 %s：名单必须是 .xlsx、.xls、.csv 或 .txt 文件")
	msgUnknownEncoding  = lang.Msg("--encoding %s: unknown encoding; use auto, utf-8, utf-16, gbk or gb18030", "--encoding %s：不认识这个编码；请用 auto、utf-8、utf-16、gbk 或 gb18030")
	msgMapEmptyColumn   = lang.Msg("--map %s=%s: the column name is empty", "--map %s=%s：列名是空的")
	msgMapNotAField     = lang.Msg("--map %s=%s: %q is not a field; the fields are %s (or a header that names one, like 余额)", "--map %s=%s：%q 不是字段；字段有：%s")
	msgIgnoreEmpty      = lang.Msg("--ignore-column %q: the column name is empty", "--ignore-column %q：列名是空的")
	msgIgnoreAndMap     = lang.Msg("--ignore-column %s and --map %s=%s name the same column: import it or leave it out, not both", "--ignore-column %s 和 --map %s=%s 说的是同一列：要么导入，要么不导入，不能两样都要")
	msgBeyondHeaderRows = lang.Msg("cells beyond the header (after column %s) were ignored on %s rows", "有 %[2]s 行在表头以外（%[1]s 列之后）还有内容，已忽略")
	msgRowBeyondHeader  = lang.Msg("row %s has %s cells but the header has %s columns: cells after column %s are ignored", "第%s行有 %s 个单元格，但表头只有 %s 列：%s 列之后的内容已忽略")
	msgLineBeyondHeader = lang.Msg("line %s has %s cells but the header has %s columns: cells after column %s are ignored", "第%s行有 %s 个单元格，但表头只有 %s 列：%s 列之后的内容已忽略")
	msgMissingField     = lang.Msg("%s (a column named %s)", "%s（列名可以是 %s）")
	msgMissingIgnored   = lang.Msg(" — column %s is left out by --ignore-column %s", "——%s 被 --ignore-column %s 排除了")
	msgColumnsMore      = lang.Msg("… (%s columns)", "…（共 %s 列）")
	msgMissingColumn    = lang.Msg("missing required column: %s; the header (%s) has: %s; rename a column or use --map COLUMN=FIELD", "缺少必填的列：%s；表头（%s）里有：%s；请改列名，或用 --map 列名=字段")
	msgMissingColumns   = lang.Msg("missing required columns: %s; the header (%s) has: %s; rename a column or use --map COLUMN=FIELD", "缺少必填的列：%s；表头（%s）里有：%s；请改列名，或用 --map 列名=字段")
	msgLooksLike        = lang.Msg("looks like %s but names no field, so its values would not be imported: use %s to import it as %s, or %s to leave it out", "看起来像%[1]s，却不是任何字段，这一列的内容不会导入：要当作%[3]s导入，请用 %[2]s；不导入，请用 %[4]s")
	msgLookAlikes       = lang.Msg("%s columns look like card fields but name none, so their values would not be imported; import each with --map or leave it out with --ignore-column:", "有 %s 列看起来像会员卡字段，却不是任何字段，内容不会导入；请用 --map 逐列导入，或用 --ignore-column 排除：")
	msgLookAlikesMore   = lang.Msg("\n  … and %s more", "\n  …还有 %s 列")
	msgLookAlikeItem    = lang.Msg("\n  %s looks like %s: %s or %s", "\n  %s像%s：%s 或 %s")
	msgContains         = lang.Msg("it contains %s", "列名里有 %s")
	msgOneCharFrom      = lang.Msg("one character from %s", "和 %s 只差一个字")
	msgSheetNoRow       = lang.Msg("the sheet has no non-empty row (is the roster on another sheet? choose it with --sheet)", "这个工作表没有一行有内容（名单是不是在别的工作表上？请用 --sheet 选择）")
	msgNoRow            = lang.Msg("has no non-empty row", "没有一行有内容")
	msgRowTitle         = lang.Msg("row %s (%s) looks like a title, not a header: using row %s as the header", "第%s行（%s）像是标题，不是表头：改用第%s行作表头")
	msgLineTitle        = lang.Msg("line %s (%s) looks like a title, not a header: using line %s as the header", "第%s行（%s）像是标题，不是表头：改用第%s行作表头")
	msgHeaderTooWide    = lang.Msg("the header has %s columns, more than the %s a spreadsheet holds: the file is damaged or is not a roster (is the delimiter right?)", "表头有 %s 列，超过了电子表格最多能有的 %s 列：文件已损坏或不是名单（分隔符对吗？）")
	msgMapNoColumn      = lang.Msg("--map %s=%s: the header has no column %q; it has: %s", "--map %s=%s：表头里没有 %q 这一列；表头有：%s")
	msgMapManyColumns   = lang.Msg("--map %s=%s: %s columns are named %q (%s); rename one", "--map %s=%s：有 %s 列都叫 %q（%s）；请改掉其中一列的名字")
	msgMapTwoFields     = lang.Msg("--map gives column %s two fields (%s and %s)", "--map 给%s指定了两个字段（%s 和 %s）")
	msgMapTwoColumns    = lang.Msg("--map gives field %s to two columns: %s and %s", "--map 把“%s”字段给了两列：%s和%s")
	msgIgnoreNoColumn   = lang.Msg("%s: the header has no column %q; it has: %s", "%s：表头里没有 %q 这一列；表头有：%s")
	msgMoreUnknown      = lang.Msg("%s more columns are not card fields and are ignored", "还有 %s 列不是会员卡字段，已忽略")
	msgNoHeader         = lang.Msg("column %s has no header: its cells are ignored", "%s 列没有表头：这一列的内容已忽略")
	msgIgnoredField     = lang.Msg("column %s would be %s, but --ignore-column leaves it out", "%s本来是%s，但 --ignore-column 把它排除了")
	msgUnknownLookalike = lang.Msg("column %s is not a card field and is ignored, although it looks like %s", "%s不是会员卡字段，已忽略，虽然它看起来像%s")
	msgUnknownColumn    = lang.Msg("column %s is not a card field and is ignored", "%s不是会员卡字段，已忽略")
	msgMappedElsewhere  = lang.Msg("column %s would be %s, but --map gives %s to column %s: %s is ignored", "%[1]s本来是%[2]s，但 --map 把%[3]s给了%[4]s：%[5]s 已忽略")
	msgDuplicateField   = lang.Msg("columns %s and %s both name the field %s: rename or delete one, choose one with %s, or leave the other out with %s", "%s和%s都对应“%s”字段：请改名或删掉其中一列，或用 %s 选定一列，或用 %s 排除另一列")
	msgNotZipEmpty      = lang.Msg("it is empty", "它是空的")
	msgNotZipWeb        = lang.Msg("it holds a web page or XML, not a workbook", "里面是网页或 XML，不是工作簿")
	msgNotZipPDF        = lang.Msg("it is a PDF", "它是 PDF 文件")
	msgNotZipIncomplete = lang.Msg("it is not a complete zip archive", "它不是完整的 zip 压缩包")
	msgNotZip           = lang.Msg("it is not a zip archive", "它不是 zip 压缩包")
	msgHidden           = lang.Msg("%s (hidden)", "%s（隐藏）")
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
	// consumed counts the bytes of the file (CSV) or of the sheet's XML
	// (xlsx) read so far, out of size, for Progress; both 0 when unknown.
	consumed *atomic.Int64
	size     int64

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

	p *lang.Printer // the language of warnings and errors (Options.Printer)
}

// Open opens a roster by its content and extension: .xlsx (streamed by
// sheet.go), .xls (Excel 97-2003, biff.go; recognised by its content
// whatever its name), .csv/.txt. Password-protected workbooks, files that
// are not what their name says and other extensions are refused with an
// error saying what to do. The header row is read and mapped before Open
// returns.
func Open(path string, opts Options) (*Reader, error) {
	r, err := open(path, opts)
	return r, inLanguage(opts.Printer, err)
}

func open(path string, opts Options) (*Reader, error) {
	p := opts.Printer
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
		var size int64
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		// The sheet's records are read as rows are: the reader owns the
		// file from here and closes it with itself.
		r, err := openXLS(path, f, size, ext, opts)
		if err != nil {
			f.Close()
		}
		return r, err
	}
	isZip := bytes.HasPrefix(head, zipMagic)
	switch ext {
	case ".xlsx", ".xlsm":
		f.Close()
		if n == 0 {
			return nil, &Error{Path: path, Err: sentence(p.Sprintf(msgEmptyWorkbook), ErrEmpty)}
		}
		if !isZip {
			return nil, &Error{Path: path, Err: sentence(p.Sprintf(msgNotXLSX, describeNonZip(p, head)), ErrCorrupt)}
		}
		return openXLSX(path, opts, nil)
	case ".xls":
		f.Close()
		if isZip {
			// An .xlsx renamed to .xls: read it, but say so.
			return openXLSX(path, opts, []string{p.Sprintf(msgXLSXNamedXLS, path)})
		}
		if n == 0 {
			return nil, &Error{Path: path, Err: sentence(p.Sprintf(msgEmptyFile), ErrEmpty)}
		}
		return nil, &Error{Path: path, Err: sentence(p.Sprintf(msgNotXLS, describeNonZip(p, head)), ErrUnsupportedFormat)}
	case ".csv", ".txt", ".tsv":
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, &Error{Path: path, Err: err}
		}
		if isZip {
			f.Close()
			return nil, &Error{Path: path, Err: sentence(p.Sprintf(msgZipNamedText, ext), ErrNotText)}
		}
		var size int64
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
		consumed := new(atomic.Int64)
		r, err := newCSVReader(path, countingReader{f, consumed}, f, opts)
		if err != nil {
			f.Close()
			return nil, err
		}
		r.consumed, r.size = consumed, size
		return r, nil
	default:
		f.Close()
		what := p.Sprintf(msgNoExtension)
		if ext != "" {
			what = p.Sprintf(msgBadExtension, ext)
		}
		return nil, &Error{Path: path, Err: sentence(what, ErrUnsupportedFormat)}
	}
}

// NewCSV reads a CSV roster from r; name is the path used in messages and
// in Source. The encoding and the delimiter are detected as Open does.
// Close does not close r: it stays the caller's.
func NewCSV(name string, r io.Reader, opts Options) (*Reader, error) {
	if err := CheckOptions(opts); err != nil {
		return nil, inLanguage(opts.Printer, &Error{Path: name, Err: err})
	}
	rd, err := newCSVReader(name, r, nil, opts)
	return rd, inLanguage(opts.Printer, err)
}

// CheckOptions checks Options without reading anything: the encoding name
// and the field names of Map. Open and NewCSV call it; a CLI can call it
// before any I/O.
func CheckOptions(opts Options) error {
	p := opts.Printer
	if _, ok := encodingNames[strings.ToLower(strings.TrimSpace(opts.Encoding))]; !ok {
		return newMsg(p.Sprintf(msgUnknownEncoding, opts.Encoding), ErrBadOption)
	}
	for _, k := range sortedKeys(opts.Map) {
		v := opts.Map[k]
		if validate.FoldHeader(k) == "" {
			return newMsg(p.Sprintf(msgMapEmptyColumn, k, v), ErrBadMap)
		}
		if _, ok := validate.ParseField(v); !ok {
			return newMsg(p.Sprintf(msgMapNotAField, k, v, v, fieldList(p)), ErrBadMap)
		}
	}
	for _, col := range opts.Ignore {
		fc := validate.FoldHeader(col)
		if fc == "" {
			return newMsg(p.Sprintf(msgIgnoreEmpty, col), ErrBadOption)
		}
		for _, k := range sortedKeys(opts.Map) {
			if validate.FoldHeader(k) == fc {
				return newMsg(p.Sprintf(msgIgnoreAndMap, col, k, opts.Map[k]), ErrBadOption)
			}
		}
	}
	return nil
}

// fieldList lists the fields --map takes: their English names, or in
// Chinese their template headers (--map takes either).
func fieldList(p *lang.Printer) string {
	names := make([]string, 0, validate.NumFields)
	for _, f := range validate.Fields() {
		names = append(names, fieldName(p, f))
	}
	return strings.Join(names, p.ListSep())
}

// fieldName names a field in a message: cardno, or 卡号 in Chinese.
func fieldName(p *lang.Printer, f validate.Field) string {
	if p.Chinese() {
		if a := f.Aliases(); len(a) > 0 {
			return a[0]
		}
	}
	return f.String()
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
func newReader(path, format string, p *lang.Printer) *Reader {
	r := &Reader{path: path, format: format, p: p}
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
		return inLanguage(r.p, &Error{Path: r.path, Sheet: r.sheet, Err: err})
	}
	return nil
}

// Next returns the next non-blank row, or io.EOF after the last one.
// Blank rows (every cell empty or white space) are skipped but counted in
// row numbers. An error wrapping ErrBadRecord concerns one CSV record: the
// Row returned with it has its Line (and empty Cells), and Next may be
// called again. Any other error is fatal and returned again by later calls.
func (r *Reader) Next() (Row, error) {
	row, err := r.next()
	if err != nil && err != io.EOF {
		err = inLanguage(r.p, err)
	}
	return row, err
}

func (r *Reader) next() (Row, error) {
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
				r.warn(r.p.Sprintf(msgBeyondHeaderRows, r.lastLetter(), itoa(r.extraRows)))
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
				r.warn(r.p.Sprintf(r.rowMsg(msgRowBeyondHeader, msgLineBeyondHeader),
					strconv.Itoa(line), itoa(lastNonBlank(vals)+1), itoa(len(r.columns)), r.lastLetter()))
			}
		}
		return Row{Line: line, Cells: cells}, nil
	}
}

// rowMsg picks the message that calls a row a row (xlsx, xls) or a line
// (CSV).
func (r *Reader) rowMsg(row, line string) string {
	if r.format == "csv" {
		return line
	}
	return row
}

// at names the row or line n: "row 7", "line 7", "第7行".
func (r *Reader) at(n int) string {
	return r.p.Sprintf(r.rowMsg(msgAtRow, msgAtLine), strconv.Itoa(n))
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

// isBlankRune reports characters that do not make a cell non-empty:
// white space including U+3000 and NBSP, zero-width space and BOM.
func isBlankRune(r rune) bool {
	return validate.IsBlankRune(r)
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
func describeNonZip(p *lang.Printer, head []byte) string {
	switch {
	case len(head) == 0:
		return p.Sprintf(msgNotZipEmpty)
	case bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf"), []byte("<")):
		return p.Sprintf(msgNotZipWeb)
	case bytes.HasPrefix(head, []byte("%PDF")):
		return p.Sprintf(msgNotZipPDF)
	case bytes.HasPrefix(head, []byte("PK")):
		return p.Sprintf(msgNotZipIncomplete)
	default:
		return p.Sprintf(msgNotZip)
	}
}

// Progress says how far through the roster reading is: bytes of the CSV
// file, or of the xlsx sheet's XML, read so far out of size (read ahead of
// the rows handed out, by at most a batch). Both are 0 when the reader
// cannot tell (xls, a CSV stream). Safe for concurrent use.
func (r *Reader) Progress() (done, size int64) {
	if r.consumed == nil || r.size <= 0 {
		return 0, 0
	}
	return min(r.consumed.Load(), r.size), r.size
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
