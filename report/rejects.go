package report

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// ReasonColumn is the header of the rejects file's last column.
const ReasonColumn = validate.ReasonColumn

// RejectsSheet is the sheet of an XLSX rejects file, in English; in Chinese
// it is 待修正名单 (the key is the summary's label "rejects").
const RejectsSheet = "rejects"

// Errors of the rejects file, as people read them.
var (
	msgRejectsErr     = lang.Msg("rejects: %v", "待修正名单：%v")
	msgRejectsPathErr = lang.Msg("rejects %s: %v", "待修正名单 %s：%v")
)

// Reject is one invalid or rejected roster row, as the user typed it.
type Reject struct {
	Source string          // roster file (and ":sheet"); used in error messages only
	Header []string        // the roster's header row as written
	Cells  []validate.Cell // the row's cells, one per header column
	Reason string          // why, in words staff can act on
}

// Rejects writes the rejects file (--rejects): the invalid and rejected rows
// in the roster's own columns plus a last column 错误原因, for staff to fix
// and feed back to the importer.
//
// Phones and every other cell are written as the roster had them, NOT
// masked: the file is the staff's own data, to be corrected and imported
// again. It is created 0600. In CSV, a cell a spreadsheet would run as a
// formula gets a leading apostrophe (validate.GuardFormula), which the
// roster reader takes off again, so the round trip is exact.
//
// Rows from rosters with different headers share one file whose columns are
// the union of the headers in order of first appearance. Headers naming the
// same field (手机, 手机号) share a column, titled as first seen; a header's
// second "备注" is a second column. A roster column already named 错误原因 (a
// rejects file fed back) is dropped: the new reason replaces it. Rows are
// spooled to disk as they come and the file is composed at Close, so memory
// does not grow with the number of rejects.
//
// A Rejects is not safe for concurrent use.
type Rejects struct {
	p      *lang.Printer // the language of the sheet's name and the errors
	af     *AtomicFile
	format *format
	sp     *spool
	rows   int
	closed bool

	headers map[string]int   // header (joined) → header id
	mapping [][]int          // header id → union column of each cell (-1: dropped)
	union   []string         // union of the headers, in order of first appearance
	byName  map[string][]int // unionKey → its union columns, by occurrence
	vals    []spoolValue
}

// CreateRejects starts the rejects file at path, in the format its
// extension names (one of RejectsFormats). The destination is created
// (atomically) only by a Close that has rows to write. The XLSX sheet's
// name and the errors are in p's language (nil: English); the reasons are
// written as given, under the header 错误原因 in every language (the
// roster reader drops that column when the file is imported again).
func CreateRejects(path string, p *lang.Printer) (*Rejects, error) {
	format, err := RejectsFormats.formatOf(p, path)
	if err != nil {
		return nil, err
	}
	// The rejects carry the roster's full values (phones unmasked, to be
	// fixed and imported again): readable by the user only (SPEC §9).
	af, err := CreateAtomic(path, 0o600)
	if err != nil {
		return nil, p.Errorf(msgRejectsErr, err)
	}
	sp, err := newSpool()
	if err != nil {
		_ = af.Abort()
		return nil, p.Errorf(msgRejectsPathErr, path, err)
	}
	return &Rejects{
		p: p, af: af, format: format, sp: sp,
		headers: make(map[string]int), byName: make(map[string][]int),
	}, nil
}

// Write adds one rejected row.
func (r *Rejects) Write(rj Reject) error {
	if r.closed {
		return ErrClosed
	}
	header := rj.Header
	if len(rj.Cells) > len(header) {
		// Cells beyond the header: columns without a name.
		header = append(append([]string(nil), header...), make([]string, len(rj.Cells)-len(header))...)
	}
	id := r.headerID(header)
	r.vals = append(r.vals[:0], intValue(id), textValue(rj.Reason))
	for _, c := range rj.Cells {
		v := textValue(c.Text)
		if digits, lost := validate.LostDigits(c); lost {
			// As text, 6222000012345680 would read back as a card number
			// that nobody holds: written as Excel shows a number too long
			// for it, the re-imported row is rejected again.
			v = textValue(scientific(digits))
		} else if c.Kind == validate.KindDate && !c.Time.IsZero() {
			v = dateValue(c.Time)
		}
		r.vals = append(r.vals, v)
	}
	r.sp.put(r.vals)
	r.rows++
	return nil
}

// scientific writes an integer in Excel's scientific notation, all its
// significant digits kept: 110105197305275000 → 1.10105197305275E+17.
func scientific(digits string) string {
	mant := digits[:1]
	if frac := strings.TrimRight(digits[1:], "0"); frac != "" {
		mant += "." + frac
	}
	return mant + "E+" + strconv.Itoa(len(digits)-1)
}

// headerID returns the id of header, adding its names to the union when it
// is new.
func (r *Rejects) headerID(header []string) int {
	key := strings.Join(header, "\x00")
	if id, ok := r.headers[key]; ok {
		return id
	}
	id := len(r.mapping)
	r.headers[key] = id
	cols := make([]int, len(header))
	seen := make(map[string]int)
	for i, h := range header {
		if validate.IsReasonColumn(h) {
			cols[i] = -1
			continue
		}
		key := unionKey(h)
		k := seen[key]
		seen[key]++
		if k >= len(r.byName[key]) {
			r.byName[key] = append(r.byName[key], len(r.union))
			r.union = append(r.union, h)
		}
		cols[i] = r.byName[key][k]
	}
	r.mapping = append(r.mapping, cols)
	return id
}

// unionKey says which headers share a column of the union: those naming the
// same field (手机 and 手机号 are both the phone, and two phone columns would
// make the file unimportable), else those equal as the importer compares
// headers (case, width and spaces ignored). The column takes the header of
// its first appearance.
func unionKey(h string) string {
	if f, ok := validate.LookupHeader(h); ok {
		return "field:" + f.String()
	}
	return "col:" + validate.FoldHeader(h)
}

// Abort drops the rejects file; an older file at the path is left alone.
func (r *Rejects) Abort() error {
	if !r.closed {
		r.closed = true
		r.sp.close()
	}
	return r.af.Abort()
}

// Close writes the file and returns how many rows it holds. With no rejects
// it writes nothing and returns 0: an older file at the path (from an
// earlier run) is left alone, so callers should report the path only when
// rows > 0.
func (r *Rejects) Close() (rows int, err error) {
	if r.closed {
		return 0, ErrClosed
	}
	r.closed = true
	defer r.sp.close()
	if r.rows == 0 {
		return 0, r.af.Abort()
	}
	if err := r.format.writeRejects(r, r.af); err != nil {
		_ = r.af.Abort()
		return 0, r.p.Errorf(msgRejectsPathErr, r.af.Name(), err)
	}
	if err := r.af.Commit(); err != nil {
		return 0, err
	}
	return r.rows, nil
}

// eachRow calls fn with every spooled row laid out on the union of the
// headers, the reason last.
func (r *Rejects) eachRow(fn func(row []spoolValue) error) error {
	rd, err := r.sp.rewind()
	if err != nil {
		return err
	}
	row := make([]spoolValue, len(r.union)+1)
	for {
		vals, err := rd.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(vals) < 2 || vals[0].kind != spoolInt || int(vals[0].n) >= len(r.mapping) {
			return errors.New("read spool: bad reject record")
		}
		clear(row)
		cols := r.mapping[vals[0].n]
		for i, v := range vals[2:] {
			if c := cols[i]; c >= 0 {
				row[c] = v
			}
		}
		row[len(r.union)] = vals[1]
		if err := fn(row); err != nil {
			return err
		}
	}
}

// composeCSV writes the CSV rejects: UTF-8 with BOM, "\r\n", dates as
// 2006-01-02.
func (r *Rejects) composeCSV(out io.Writer) error {
	buf := bufio.NewWriterSize(out, 64<<10)
	cw := csv.NewWriter(buf)
	cw.UseCRLF = true
	_, _ = buf.WriteString(utf8BOM)
	rec := append(append([]string(nil), r.union...), ReasonColumn)
	if err := cw.Write(rec); err != nil {
		return err
	}
	err := r.eachRow(func(row []spoolValue) error {
		for i, v := range row {
			if v.kind == spoolDate {
				rec[i] = v.time().Format("2006-01-02")
			} else {
				// Guarded so that opening the file runs nothing; the
				// roster reader takes the guard off on re-import.
				rec[i] = validate.GuardFormula(v.s)
			}
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return buf.Flush()
}

// isTextColumn reports whether a rejects column is formatted as Text: it
// holds one of textFields.
func isTextColumn(header string) bool {
	f, ok := validate.LookupHeader(header)
	return ok && slices.Contains(textFields, f)
}

// composeXLSX writes the XLSX rejects: string cells (phones and card
// numbers stay text), date cells formatted yyyy-mm-dd, identifier columns
// formatted as Text, the reason highlighted.
func (r *Rejects) composeXLSX(out io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := r.p.Sprintf(RejectsSheet)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newRejectsStyles(f)
	if err != nil {
		return err
	}
	ncol := len(r.union) + 1
	if err := f.SetSheetDimension(sheet, "A1:"+cellRef(ncol, r.rows+1)); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := r.layColumns(sw, st); err != nil {
		return err
	}
	row := make([]any, ncol)
	for i, h := range r.union {
		row[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	row[ncol-1] = excelize.Cell{StyleID: st.reasonHeader, Value: ReasonColumn}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	n := 1
	err = r.eachRow(func(vals []spoolValue) error {
		n++
		for i, v := range vals {
			switch {
			case v.kind == spoolDate:
				row[i] = excelize.Cell{StyleID: st.date, Value: v.time()}
			case i == ncol-1:
				row[i] = excelize.Cell{StyleID: st.reason, Value: v.s}
			case v.s == "":
				row[i] = nil // no cell at all
			default:
				row[i] = excelize.Cell{StyleID: st.text, Value: v.s}
			}
		}
		return sw.SetRow(cellRef(1, n), row)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return writeWorkbook(f, out)
}

// rejectsStyles are the cell styles of the XLSX rejects.
type rejectsStyles struct {
	header, reasonHeader int
	text, date, reason   int
}

func newRejectsStyles(f *excelize.File) (st rejectsStyles, err error) {
	if st.header, err = headerStyle(f, headerFill); err != nil {
		return st, err
	}
	if st.reasonHeader, err = headerStyle(f, redFill); err != nil {
		return st, err
	}
	if st.text, st.date, err = textAndDateStyles(f); err != nil {
		return st, err
	}
	st.reason, err = f.NewStyle(&excelize.Style{NumFmt: numFmtText, Fill: fillOf(fillRed)})
	return st, err
}

// layColumns sets the column widths, Text format on identifier columns, and
// freezes the header.
func (r *Rejects) layColumns(sw *excelize.StreamWriter, st rejectsStyles) error {
	// excelize prepends each new <col>, and Excel wants them ascending:
	// set them from the last column back.
	ncol := len(r.union) + 1
	if err := sw.SetColWidth(ncol, ncol, 60); err != nil {
		return err
	}
	for i := len(r.union) - 1; i >= 0; i-- {
		width := 14.0
		if isTextColumn(r.union[i]) {
			width = 20
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
		if isTextColumn(r.union[i]) {
			if err := sw.SetColStyle(i+1, i+1, st.text); err != nil {
				return err
			}
		}
	}
	return sw.SetPanes(&frozenHeader)
}
