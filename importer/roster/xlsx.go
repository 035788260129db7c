package roster

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

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

// xlsxSource streams one sheet.
type xlsxSource struct {
	p           *lang.Printer // the language of warnings and errors; never changes once read
	path, sheet string
	kind        string // "xlsx", or "xls" (biff.go)
	zr          *zip.ReadCloser
	file        io.Closer // xls: the compound file the sheet is read from
	size        int64     // the file's size
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
	// merges returns the first few merged ranges (A1:B2), and how many
	// the sheet has.
	merges() (refs []string, total int)
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

func (x xmlRows) drain() error            { return x.s.drain() }
func (x xmlRows) merges() ([]string, int) { return x.s.merges, x.s.nMerge }
func (x xmlRows) close() error            { return x.s.close() }

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
	list := strings.Join(names, p.ListSep())
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
		warn(p.Sprintf(msgSkippedHidden, strings.Join(hidden, p.ListSep()), sheets[pick].name))
	}
	if len(others) > 0 {
		warn(p.Sprintf(msgOtherSheets, strings.Join(others, p.ListSep()), sheets[pick].name))
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
	if errors.Is(err, errTruncated) {
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
	refs, total := x.scan.merges()
	n := total - len(refs) // those not kept: below the header, as sheets go
	for _, ref := range refs {
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
	x.warn(x.p.Sprintf(msgMerged, strings.Join(shown, x.p.ListSep()), more))
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
	if x.file != nil {
		errs = append(errs, x.file.Close())
		x.file = nil
	}
	return errors.Join(errs...)
}

// countingReadCloser counts what is read of a part and closes it.
type countingReadCloser struct {
	countingReader
	io.Closer
}
