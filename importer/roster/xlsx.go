package roster

import (
	"archive/zip"
	"errors"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Reading .xlsx, and the traps of PERF-NOTES.md:
//   - One reader, one pass: the worksheet part is inflated and scanned once
//     by sheetScanner (sheet.go), which yields each row's cells with their
//     type, style and value; excelize only writes workbooks (and checks
//     this reader in the tests). No temporary file is written, except the
//     shared strings of a huge table (sst.go), unlinked at once.
//   - Excel and WPS put every text cell in the shared-strings table: it is
//     read once, before the sheet, into a compact index (one byte arena
//     and an offset a string), not excelize's ~310 MB at 100k rows.
//   - The workbook's sheets, styles and 1904 flag are read once at Open
//     (xmlscan.go, styles.go); a number whose format pads it with zeros or
//     adds text reads as displayed, 010005 (numfmt.go). Dates are
//     converted here (excelize.ExcelDateToTime with the 1904 flag).
//   - <dimension ref=…> is never trusted for the row count (excelize's own
//     writers leave it at A1).
//   - Hostile files cost bounded memory and time: every byte inflated from
//     the archive counts against inflateLimit (a multiple of the file's
//     size), the shared strings against maxSharedStrings, a tag, a cell,
//     a row against the bounds of sheet.go. A zip bomb is refused with a
//     message that says so.

// inflateLimit is how many bytes may be inflated from a workbook of size
// bytes: a real sheet compresses 5–20 times, a generated one up to ~100;
// a zip bomb 1000 times.
func inflateLimit(size int64) int64 { return inflateBase + 200*size }

// inflateBase is what any workbook may inflate to; a variable for the tests.
var inflateBase int64 = 256 << 20

// maxSharedStrings bounds the shared strings of a workbook of size bytes:
// each distinct string costs at least a byte or two once compressed.
func maxSharedStrings(size int64) int { return 1<<16 + int(2*size) }

// errInflated: the archive inflated past inflateLimit.
var errInflated = errors.New("inflated past the limit")

// budget counts the bytes inflated from one workbook.
type budget struct {
	left, limit int64
}

// budgetReader reads a zip entry against the workbook's budget.
type budgetReader struct {
	rc io.ReadCloser
	b  *budget
}

func (r budgetReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.b.left -= int64(n)
	if r.b.left < 0 {
		return n, errInflated
	}
	return n, err
}

func (r budgetReader) Close() error { return r.rc.Close() }

// openPart opens a zip entry for reading against the budget, refusing at
// once one whose header says it is larger than what is left.
func (b *budget) openPart(f *zip.File) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(b.left) {
		return nil, errInflated
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return budgetReader{rc: rc, b: b}, nil
}

// What the .xlsx reader says, in English or Chinese.
var (
	msgZipBomb = lang.Msg("inflates to more than %s MB, %s times its own size of %s: it is damaged or a zip bomb, not a roster; "+
		"open it in Excel or WPS and save it again",
		"解压后超过 %s MB，是它本身大小 %[3]s 的 %[2]s 倍：文件已损坏或是\u201c压缩炸弹\u201d，不是名单；请用 Excel 或 WPS 打开后重新保存")
	msgNotZipXLSX = lang.Msg("is damaged or truncated (it is not a complete zip archive, as an .xlsx must be): copy it again, or open it in Excel or WPS and save it again",
		"已损坏或不完整（.xlsx 应是完整的 zip 压缩包，它不是）：请重新复制一份，或用 Excel 或 WPS 打开后重新保存")
	msgNoWorksheetPart = lang.Msg("sheet %s has no worksheet part: the workbook is damaged", "工作表 %s 没有内容部分：工作簿已损坏")
	msgStylesTooLarge  = lang.Msg("has a styles part (%s) of %s MB, more than the %s MB a workbook's cell formats take: "+
		"copy the roster's cells into a new workbook and save that, or save the roster as CSV",
		"的样式部分（%s）有 %s MB，超过了工作簿单元格格式正常所需的 %s MB：请把名单的单元格复制到新工作簿里保存，或把名单另存为 CSV")
	msgStylesUnreadable = lang.Msg("the workbook cannot be read: %v in its cell formats (%s); open it in Excel or WPS and save it again",
		"工作簿读不了：单元格格式（%[2]s）里 %[1]v；请用 Excel 或 WPS 打开后重新保存")
	msgSheetUnreadable = lang.Msg("sheet %s cannot be read: %v", "工作表 %s 读不了：%v")
	msgSSTUnreadable   = lang.Msg("the workbook's shared strings (%s) cannot be read: %v; open it in Excel or WPS and save it again",
		"工作簿的共享字符串（%s）读不了：%v；请用 Excel 或 WPS 打开后重新保存")
	msgNoSuchSheet   = lang.Msg("--sheet %s: the workbook has no such sheet; its sheets are: %s", "--sheet %s：工作簿里没有这个工作表；工作表有：%s")
	msgNotWorksheet  = lang.Msg("--sheet %s: it is a %s, not a worksheet; the sheets are: %s", "--sheet %s：它是 %s，不是工作表；工作表有：%s")
	msgHiddenNamed   = lang.Msg("sheet %s is hidden in Excel; reading it because --sheet names it", "工作表 %s 在 Excel 里是隐藏的；因为 --sheet 指定了它，照样读取")
	msgNoVisible     = lang.Msg("the workbook has no visible worksheet; name one with --sheet (the sheets are: %s)", "工作簿里没有可见的工作表；请用 --sheet 指定一个（工作表有：%s）")
	msgSkippedHidden = lang.Msg("skipped hidden sheet %s; reading sheet %s (use --sheet to choose)", "跳过了隐藏的工作表 %s；读取工作表 %s（可用 --sheet 选择）")
	msgOtherSheets   = lang.Msg("the workbook has other sheets (%s); reading only the first, %s (use --sheet to choose)", "工作簿里还有别的工作表（%s）；只读取第一个：%s（可用 --sheet 选择）")
	msgNumericColumn = lang.Msg("column %s is stored as numbers in Excel: leading zeros are already lost; format it as Text", "%s在 Excel 里存的是数字：开头的0已经丢了；请把这一列设为“文本”格式")
	msgNumericCells  = lang.Msg("column %s has cells stored as numbers in Excel: their leading zeros are already lost; format the column as Text", "%s有些单元格在 Excel 里存的是数字：开头的0已经丢了；请把这一列设为“文本”格式")
	msgNumericID     = lang.Msg("column %s is stored as numbers in Excel: an 18-digit ID number keeps only 15 digits; format it as Text and type the numbers again", "%s在 Excel 里存的是数字：18位身份证号只能留下15位；请把这一列设为“文本”格式，再重新输入号码")
	msgXMLDamaged    = lang.Msg("the sheet XML is damaged: %v; open the file in Excel or WPS and save it again", "工作表的 XML 已损坏：%v；请用 Excel 或 WPS 打开后重新保存")
	msgSheetDamaged  = lang.Msg("the sheet is damaged: %v; open the file in Excel or WPS and save it again", "工作表已损坏：%v；请用 Excel 或 WPS 打开后重新保存")
	msgTruncated     = lang.Msg("%v; copy it again, or open it in Excel or WPS and save it again", "%v；请重新复制一份，或用 Excel 或 WPS 打开后重新保存")
	msgHiddenRow     = lang.Msg("row %s is hidden in Excel: hidden rows are imported too", "第%s行在 Excel 里是隐藏的：隐藏的行也会导入")
	msgNoSavedResult = lang.Msg("cell %s holds a formula with no saved result (the workbook was written by a program and never saved by Excel): it reads as empty; open the file in Excel or WPS and save it",
		"单元格 %s 里是公式，但没有保存计算结果（工作簿是程序生成的，没用 Excel 保存过）：读出来是空的；请用 Excel 或 WPS 打开后保存一次")
	msgMergedMore = lang.Msg(" and %s more", " 等共 %s 处")
	msgMerged     = lang.Msg("merged cells %s%s: only the top-left cell of a merged range holds its value, the other cells read as empty; unmerge them and fill the values in",
		"合并单元格 %s%s：合并区域只有左上角的单元格有值，其余读出来是空的；请取消合并，把值填好")
	msgNoWorkbookPart = lang.Msg("it is a zip archive but not an Excel workbook (it has no xl/workbook.xml)", "它是 zip 压缩包，但不是 Excel 工作簿（里面没有 xl/workbook.xml）")
	msgTruncatedXML   = lang.Msg("the sheet XML ends abruptly (the file is truncated)", "工作表的 XML 突然结束了（文件不完整）")
)

// bombError is the message for a workbook that inflates past its limit.
func bombError(p *lang.Printer, size, limit int64) error {
	return sentence(p.Sprintf(msgZipBomb, itoa(limit>>20), itoa(limit/max(size, 1)), byteSize(size)), ErrCorrupt)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// xlsxSource streams one sheet.
type xlsxSource struct {
	p           *lang.Printer // the language of warnings and errors; never changes once read
	path, sheet string
	kind        string // "xlsx", or "xls" (biff.go)
	zr          *zip.ReadCloser
	size        int64 // the file's size
	budget      *budget
	scan        rowSource
	sst         *sharedStrings
	date1904    bool
	styles      *styles // nil: every number reads as stored
	warn        func(string)

	headerLine int
	line       int       // number of the row last returned
	cur        xlsxRow   // the row last returned
	ahead      []xlsxRow // rows read ahead by sample, not yet returned
	feed       *rowFeed  // the rows after them, scanned on another goroutine
	aheadErr   error     // what ended the read-ahead, returned after ahead
	hiddenOK   bool      // the hidden-row warning was given
	formOK     bool      // the formula warning was given
}

// rowSource yields the rows of one sheet: the xlsx sheet scanner, or the
// BIFF8 reader of an .xls (biff.go). Both give cells the same types,
// styles and raw values, so both go through the same cell rules.
type rowSource interface {
	// nextRow returns the next row, whose buffers stay valid until the
	// next call; io.EOF after the last. Any other error is fatal, and at
	// is the row it concerns (0 when unknown).
	nextRow() (row xlsxRow, at int, err error)
	// drain reads what follows the last row: the merged ranges.
	drain() error
	// merges returns the merged ranges (A1:B2), the first few.
	merges() []string
	close() error
}

// xmlRows is the rowSource of an xlsx worksheet part.
type xmlRows struct{ s *sheetScanner }

func (x xmlRows) nextRow() (xlsxRow, int, error) {
	s := x.s
	if !s.nextRow() {
		if s.err == nil {
			return xlsxRow{}, 0, io.EOF
		}
		return xlsxRow{}, s.row, s.err
	}
	return xlsxRow{line: s.row, hidden: s.hidden, vals: s.vals, cells: s.cells}, 0, nil
}

func (x xmlRows) drain() error     { return x.s.drain() }
func (x xmlRows) merges() []string { return x.s.merges }
func (x xmlRows) close() error     { return x.s.close() }

// xlsxRow is one row of the sheet: its number, and its cells' values and
// scanner view, by column.
type xlsxRow struct {
	line   int
	hidden bool
	vals   []string
	cells  []scanCell
}

func openXLSX(path string, opts Options, warnings []string) (*Reader, error) {
	p := opts.Printer
	r := newReader(path, "xlsx", p)
	r.warnings = append(r.warnings, warnings...)
	fail := func(err error) (*Reader, error) { return nil, &Error{Path: path, Err: err} }

	zr, err := zip.OpenReader(path)
	if err != nil {
		return fail(sentence(p.Sprintf(msgNotZipXLSX), ErrCorrupt, err))
	}
	src := &xlsxSource{path: path, kind: "xlsx", zr: zr, warn: r.warn, p: p}
	ok := false
	defer func() {
		if !ok {
			src.close()
		}
	}()
	if st, err := os.Stat(path); err == nil {
		src.size = st.Size()
	}
	src.budget = &budget{left: inflateLimit(src.size), limit: inflateLimit(src.size)}
	ix := newZipIndex(&zr.Reader)
	info, err := inspectWorkbook(ix)
	if errors.Is(err, errNoWorkbookPart) {
		return fail(newMsg(p.Sprintf(msgNoWorkbookPart), ErrCorrupt))
	}
	if err != nil {
		return fail(newMsg(err.Error(), ErrCorrupt))
	}
	if len(info.sheets) == 0 {
		return fail(sentence(p.Sprintf(msgNoSheet), ErrNoSheet, ErrEmpty))
	}
	si, err := chooseSheetIn(p, info.sheets, opts.Sheet, r.warn)
	if err != nil {
		return fail(err)
	}
	r.sheet, src.sheet, src.date1904 = si.name, si.name, info.date1904
	if si.part == "" {
		return fail(newMsg(p.Sprintf(msgNoWorksheetPart, si.name), ErrCorrupt))
	}
	if info.stylesPart != "" {
		if f := ix.get(info.stylesPart); f != nil {
			if f.UncompressedSize64 > maxStylesSize {
				return fail(sentence(p.Sprintf(msgStylesTooLarge, info.stylesPart, itoa(f.UncompressedSize64>>20), itoa(maxStylesSize>>20)), ErrCorrupt))
			}
			st, err := readStyles(f)
			if err != nil {
				return fail(newMsg(p.Sprintf(msgStylesUnreadable, err, info.stylesPart), ErrCorrupt, err))
			}
			src.styles = st
		}
	}
	if info.sharedStrings != "" {
		if f := ix.get(info.sharedStrings); f != nil {
			if err := src.readSharedStrings(f); err != nil {
				return fail(err)
			}
		}
	}
	rc, err := src.budget.openPart(ix.get(si.part))
	if err != nil {
		if errors.Is(err, errInflated) {
			return fail(bombError(p, src.size, src.budget.limit))
		}
		return fail(newMsg(p.Sprintf(msgSheetUnreadable, si.name, err), ErrCorrupt, err))
	}
	part := ix.get(si.part)
	r.consumed, r.size = new(atomic.Int64), int64(part.UncompressedSize64)
	src.scan = xmlRows{newSheetScanner(countingReadCloser{countingReader{rc, r.consumed}, rc}, src.sst)}
	r.src = src
	if err := r.readHeader(opts); err != nil {
		return nil, err
	}
	src.sample(r)
	src.startFeed()
	ok = true
	return r, nil
}

// readSharedStrings reads the shared-strings table, bounded by the file's
// size.
func (x *xlsxSource) readSharedStrings(f *zip.File) error {
	rc, err := x.budget.openPart(f)
	if err == nil {
		x.sst, err = readSharedStrings(rc, maxSharedStrings(x.size))
		rc.Close()
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errInflated):
		return bombError(x.p, x.size, x.budget.limit)
	case errors.Is(err, errTooManyStrings):
		return sentence(x.p.Sprintf(msgManyShared, itoa(maxSharedStrings(x.size)), byteSize(x.size)), ErrCorrupt)
	}
	return newMsg(x.p.Sprintf(msgSSTUnreadable, f.Name, err), ErrCorrupt, err)
}

// chooseSheet picks --sheet, or the first visible worksheet.
func chooseSheet(sheets []sheetInfo, want string, warn func(string)) (sheetInfo, error) {
	return chooseSheetIn(nil, sheets, want, warn)
}

// chooseSheetIn is chooseSheet worded in p's language.
func chooseSheetIn(p *lang.Printer, sheets []sheetInfo, want string, warn func(string)) (sheetInfo, error) {
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.name
		if s.state == "hidden" || s.state == "veryHidden" {
			names[i] = p.Sprintf(msgHidden, s.name)
		}
	}
	list := strings.Join(names, listSep(p))
	if want != "" {
		pick := -1
		for i, s := range sheets {
			if s.name == want {
				pick = i
				break
			}
		}
		if pick < 0 {
			for i, s := range sheets {
				if strings.EqualFold(strings.TrimSpace(s.name), strings.TrimSpace(want)) {
					pick = i
					break
				}
			}
		}
		if pick < 0 {
			return sheetInfo{}, newMsg(p.Sprintf(msgNoSuchSheet, want, list), ErrNoSheet)
		}
		s := sheets[pick]
		if s.kind != "worksheet" {
			return sheetInfo{}, newMsg(p.Sprintf(msgNotWorksheet, want, s.kind, list), ErrNoSheet)
		}
		if !s.visible() {
			warn(p.Sprintf(msgHiddenNamed, s.name))
		}
		return s, nil
	}
	var hidden, others []string
	pick := -1
	for i, s := range sheets {
		switch {
		case s.kind != "worksheet":
		case pick < 0 && !s.visible():
			hidden = append(hidden, s.name)
		case pick < 0:
			pick = i
		case s.visible() && !validate.IsNotesSheet(s.name):
			// A template's notes sheet (说明) holds no rows: not worth a
			// warning.
			others = append(others, s.name)
		}
	}
	if pick < 0 {
		return sheetInfo{}, newMsg(p.Sprintf(msgNoVisible, list), ErrNoSheet)
	}
	if len(hidden) > 0 {
		warn(p.Sprintf(msgSkippedHidden, strings.Join(hidden, listSep(p)), sheets[pick].name))
	}
	if len(others) > 0 {
		warn(p.Sprintf(msgOtherSheets, strings.Join(others, listSep(p)), sheets[pick].name))
	}
	return sheets[pick], nil
}

// maxSampleRows and maxSampleBytes bound the rows sample reads ahead.
const (
	maxSampleRows  = 200
	maxSampleBytes = 8 << 20
)

// sample reads the first data rows ahead, keeping them for next, and sets
// Column.Numeric from their cell types; it warns about identifier columns
// stored as numbers. The row read with the header (the one after a title
// row that was not a header) counts too.
func (x *xlsxSource) sample(r *Reader) {
	x.headerLine = r.headerLine
	num := make([]int, len(r.columns))
	str := make([]int, len(r.columns))
	padded := make([]int, len(r.columns)) // numbers read through a padding format
	count := func(cells []scanCell) {
		for i, c := range cells {
			if i >= len(r.columns) || !c.value {
				continue
			}
			switch c.t {
			case ctNumber:
				if readsFormatted(r.columns[i].Field) && x.styles.format(c.style).pads() {
					padded[i]++
				} else {
					num[i]++
				}
			case ctString:
				str[i]++
			}
		}
	}
	rows, bytes := 0, 0
	x.cur = x.cur.keep() // the row read with the header, converted later
	if r.pendVals != nil && x.cur.line > r.headerLine && rowHasValue(x.cur.cells) {
		count(x.cur.cells)
		rows++
	}
	for rows < maxSampleRows && bytes < maxSampleBytes {
		row, err := x.scanRow()
		if err != nil {
			x.aheadErr = err
			break
		}
		x.ahead = append(x.ahead, row.keep())
		for _, v := range row.vals {
			bytes += len(v)
		}
		if row.line <= r.headerLine || !rowHasValue(row.cells) {
			continue
		}
		count(row.cells)
		rows++
	}
	for i := range r.columns {
		c := &r.columns[i]
		// Padded numbers read as the text they show: their zeros are not
		// lost. They count with the text cells, and win a tie.
		c.Numeric = num[i] > padded[i] && num[i] >= str[i]+padded[i]
		if !c.Numeric && num[i] == 0 {
			continue
		}
		switch c.Field {
		case validate.Cardno, validate.Password, validate.Extid:
			if c.Numeric {
				r.warn(r.p.Sprintf(msgNumericColumn, c.describeIn(r.p)))
			} else {
				r.warn(r.p.Sprintf(msgNumericCells, c.describeIn(r.p)))
			}
		case validate.IDNumber:
			r.warn(r.p.Sprintf(msgNumericID, c.describeIn(r.p)))
		}
	}
}

// scanRow reads the next row from the scanner, copied; io.EOF after the
// last; any other error is fatal and locates the row.
func (x *xlsxSource) scanRow() (xlsxRow, error) {
	last := x.line
	if n := len(x.ahead); n > 0 {
		last = x.ahead[n-1].line
	}
	row, at, err := x.scan.nextRow()
	if err == io.EOF {
		return xlsxRow{}, io.EOF
	}
	if err != nil {
		if at <= last {
			at = last + 1
		}
		return xlsxRow{}, x.scanError(at, err)
	}
	return row, nil
}

// keep copies a row out of the scanner's buffers, which the next row reuses.
func (r xlsxRow) keep() xlsxRow {
	r.vals, r.cells = slices.Clone(r.vals), slices.Clone(r.cells)
	return r
}

// scanError is the error of a sheet that cannot be read past row.
func (x *xlsxSource) scanError(row int, err error) error {
	return x.scanErrorOf(x.path, x.sheet, row, err)
}

// scanErrorOf is scanError, safe on the feed's goroutine: it reads only
// fields that never change once the feed runs.
func (x *xlsxSource) scanErrorOf(path, sheet string, row int, err error) error {
	if errors.Is(err, errInflated) {
		return &Error{Path: path, Sheet: sheet, Row: row, Err: bombError(x.p, x.size, x.budget.limit)}
	}
	msg := x.p.Sprintf(msgXMLDamaged, err)
	if x.kind == "xls" {
		msg = x.p.Sprintf(msgSheetDamaged, err)
	}
	if err.Error() == errTruncated.Error() {
		msg = x.p.Sprintf(msgTruncated, x.p.Sprintf(msgTruncatedXML))
	}
	return &Error{Path: path, Sheet: sheet, Row: row, Err: newMsg(msg, ErrCorrupt, err)}
}

func (x *xlsxSource) next() (int, []string, error) {
	var row xlsxRow
	switch {
	case len(x.ahead) > 0:
		row = x.ahead[0]
		x.ahead = x.ahead[1:]
	case x.aheadErr != nil:
		return 0, nil, x.aheadErr
	case x.feed != nil:
		var err error
		if row, err = x.feed.next(); err != nil {
			return 0, nil, err
		}
	default:
		var err error
		if row, err = x.scanRow(); err != nil {
			return 0, nil, err
		}
	}
	x.cur, x.line = row, row.line
	if !x.hiddenOK && row.hidden && !isBlankRow(row.vals) {
		x.hiddenOK = true
		x.warn(x.p.Sprintf(msgHiddenRow, strconv.Itoa(row.line)))
	}
	if !x.formOK {
		for i, c := range row.cells {
			if c.formula && !c.value {
				x.formOK = true
				x.warn(x.p.Sprintf(msgNoSavedResult, columnLetter(i)+strconv.Itoa(row.line)))
				break
			}
		}
	}
	return row.line, row.vals, nil
}

func (x *xlsxSource) cell(c *Column, v string) validate.Cell {
	t := ctNone // unknown
	style := uint32(0)
	if c.Index < len(x.cur.cells) {
		t, style = x.cur.cells[c.Index].t, x.cur.cells[c.Index].style
	}
	switch t {
	case ctString:
		return validate.TextCell(v)
	case ctError:
		return validate.Cell{Text: v, Kind: validate.KindError}
	case ctBool:
		// Raw booleans are 1/0; the user sees TRUE/FALSE (and a 1 in a sex
		// column would read as 男).
		switch v {
		case "1":
			return validate.TextCell("TRUE")
		case "0":
			return validate.TextCell("FALSE")
		}
		return validate.TextCell(v)
	case ctDate:
		if tm, ok := parseISODate(v); ok {
			return dateCell(tm)
		}
		return validate.TextCell(v)
	case ctNumber:
		return x.number(c, v, style)
	}
	// The scanner could not say (it always should): fall back on the
	// value's form and the sampled column type.
	if isFloatForm(v) || c.Numeric {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return x.number(c, v, 0)
		}
	}
	return validate.TextCell(v)
}

// number converts a numeric cell of style index style: a date in a date
// column; the text the cell shows when its format pads the number with
// zeros or adds text (000000: 010005); else the number as Excel shows it.
func (x *xlsxSource) number(c *Column, v string, style uint32) validate.Cell {
	if c.Field == validate.Birthday || c.Field == validate.Expirydate {
		if tm, ok := serialDate(v, x.date1904); ok {
			return dateCell(tm)
		}
	}
	if readsFormatted(c.Field) {
		if s, ok := x.styles.format(style).render(v); ok {
			return validate.TextCell(s)
		}
	}
	if isFloatForm(v) {
		if s, ok := excelNumber(v); ok {
			return validate.Cell{Text: s, Kind: validate.KindNumber}
		}
		return validate.TextCell(v)
	}
	// An integer is exact as written: keep its digits.
	if _, err := strconv.ParseInt(strings.TrimPrefix(v, "-"), 10, 64); err == nil || isDigits(v) {
		return validate.Cell{Text: v, Kind: validate.KindNumber}
	}
	return validate.TextCell(v)
}

// readsFormatted reports whether a column of field f reads a number
// through its padding format. Balances, points and levels do not: their
// value is the number, which a display unit (0"分", "¥"0) must not turn
// into something that is no longer one.
func readsFormatted(f validate.Field) bool {
	switch f {
	case validate.Balance, validate.Points, validate.Level:
		return false
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Excel's date serial range: 1 = 1900-01-01 … 2958465 = 9999-12-31 in the
// 1900 system; the 1904 system counts from 0 = 1904-01-01, 1462 days
// later.
const (
	maxSerial1900 = 2958465
	maxSerial1904 = maxSerial1900 - 1462
)

// serialDate converts an Excel serial to a date (the time of day is
// dropped). Serial 60 of the 1900 system is Lotus 1-2-3's 1900-02-29,
// which never existed: it is not a date.
func serialDate(v string, date1904 bool) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) {
		return time.Time{}, false
	}
	day := math.Floor(f)
	if date1904 {
		if day < 0 || day > maxSerial1904 {
			return time.Time{}, false
		}
	} else if day < 1 || day > maxSerial1900 || day == 60 {
		return time.Time{}, false
	}
	tm, err := excelize.ExcelDateToTime(day, date1904)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC), true
}

func dateCell(t time.Time) validate.Cell {
	return validate.Cell{Text: t.Format("2006-01-02"), Kind: validate.KindDate, Time: t}
}

// parseISODate reads the value of a t="d" cell.
func parseISODate(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

func (x *xlsxSource) finish() error {
	if x.feed != nil {
		if err := x.feed.drainErr; err != nil {
			return err
		}
	} else if err := x.scan.drain(); err != nil {
		return x.scanError(x.line+1, err)
	}
	x.mergeWarnings()
	return nil
}

// rowFeed scans the sheet on a goroutine of its own, a batch of rows ahead
// of the Reader, so that inflating and scanning the XML (or the BIFF
// records) run on one core while the rows are converted and validated on
// the other. Only the feed's goroutine touches the rowSource once it runs.
type rowFeed struct {
	batches  chan rowBatch
	stop     chan struct{}
	done     chan struct{}
	cur      []xlsxRow
	end      error // io.EOF or the fatal error, once the last batch came
	drainErr error // what drain found after the last row
}

type rowBatch struct {
	rows     []xlsxRow
	err      error // set on the last batch: io.EOF or a fatal error
	drainErr error
}

const feedBatch = 256

// startFeed starts the feed after the rows sample read ahead.
func (x *xlsxSource) startFeed() {
	if x.aheadErr != nil {
		return // the sheet already ended in an error
	}
	f := &rowFeed{batches: make(chan rowBatch, 4), stop: make(chan struct{}), done: make(chan struct{})}
	x.feed = f
	last := x.line
	if n := len(x.ahead); n > 0 {
		last = x.ahead[n-1].line
	}
	scan, path, sheet := x.scan, x.path, x.sheet
	go func() {
		defer close(f.done)
		defer close(f.batches)
		var b rowBatch
		for {
			row, at, err := scan.nextRow()
			if err == nil {
				b.rows = append(b.rows, row.keep())
				last = row.line
				if len(b.rows) < feedBatch {
					continue
				}
			} else if err == io.EOF {
				b.err = io.EOF
				if derr := scan.drain(); derr != nil {
					b.drainErr = x.scanErrorOf(path, sheet, last+1, derr)
				}
			} else {
				if at <= last {
					at = last + 1
				}
				b.err = x.scanErrorOf(path, sheet, at, err)
			}
			select {
			case f.batches <- b:
			case <-f.stop:
				return
			}
			if b.err != nil {
				return
			}
			b = rowBatch{rows: make([]xlsxRow, 0, feedBatch)}
		}
	}()
}

// next returns the next row of the feed.
func (f *rowFeed) next() (xlsxRow, error) {
	for len(f.cur) == 0 {
		if f.end != nil {
			return xlsxRow{}, f.end
		}
		b, ok := <-f.batches
		if !ok {
			f.end = io.EOF
			continue
		}
		f.cur, f.end, f.drainErr = b.rows, b.err, b.drainErr
	}
	row := f.cur[0]
	f.cur = f.cur[1:]
	return row, nil
}

// close stops the feed's goroutine and waits for it.
func (f *rowFeed) close() {
	close(f.stop)
	<-f.done
}

// mergeWarnings tells about merged ranges: only their top-left cell holds
// the value, the others read empty.
func (x *xlsxSource) mergeWarnings() {
	var shown []string
	n := 0
	for _, ref := range x.scan.merges() {
		// Ranges above the data (a merged title row) do not matter.
		_, b, _ := strings.Cut(ref, ":")
		if _, last := cellRef([]byte(b)); last <= x.headerLine {
			continue
		}
		n++
		if len(shown) < 3 {
			shown = append(shown, ref)
		}
	}
	if n == 0 {
		return
	}
	more := ""
	if n > len(shown) {
		more = x.p.Sprintf(msgMergedMore, itoa(n-len(shown)))
		if x.p.Chinese() {
			more = x.p.Sprintf(msgMergedMore, itoa(n)) // 等共 5 处: the whole count
		}
	}
	x.warn(x.p.Sprintf(msgMerged, strings.Join(shown, listSep(x.p)), more))
}

func (x *xlsxSource) close() error {
	var errs []error
	if x.feed != nil {
		x.feed.close()
		x.feed = nil
	}
	if x.scan != nil {
		errs = append(errs, x.scan.close())
		x.scan = nil
	}
	if x.sst != nil {
		errs = append(errs, x.sst.close())
		x.sst = nil
	}
	if x.zr != nil {
		errs = append(errs, x.zr.Close())
		x.zr = nil
	}
	return errors.Join(errs...)
}

// countingReadCloser counts what is read of a part and closes it.
type countingReadCloser struct {
	countingReader
	io.Closer
}
