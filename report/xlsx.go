package report

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// Sheet names of the XLSX report, in English; SheetName gives them in the
// report's language (报告, 汇总).
const (
	ReportSheet  = "report" // registered as the summary's label (labelReport)
	SummarySheet = "summary"
)

var _ = lang.Msg(SummarySheet, "汇总")

// SheetName is the name of the report's sheet (ReportSheet, SummarySheet)
// in p's language.
func SheetName(p *lang.Printer, sheet string) string { return p.Sprintf(sheet) }

// Colours of the XLSX files (Excel's own "light red" and "light yellow").
const (
	headerFill = "DDEBF7"
	redFill    = "FFC7CE"
	yellowFill = "FFEB9C"
)

// Built-in number formats.
const (
	numFmtGeneral = 0
	numFmtText    = 49 // "@"
	numFmt2Dec    = 2  // "0.00"
)

// rowFill is the highlight of a report row.
type rowFill int

const (
	fillNone rowFill = iota
	fillRed
	fillYellow
	numFills
)

// statusFill says how a status is highlighted: rows that need fixing in
// light red, rows whose state needs a look (or another run) in light yellow.
func statusFill(s platform.Status) rowFill {
	switch s {
	case platform.StatusInvalid, platform.StatusRejected:
		return fillRed
	case platform.StatusExists, platform.StatusUnknown, platform.StatusPending:
		return fillYellow
	}
	return fillNone
}

func fillOf(f rowFill) excelize.Fill {
	switch f {
	case fillRed:
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{redFill}}
	case fillYellow:
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{yellowFill}}
	}
	return excelize.Fill{}
}

// headerStyle is the style of every header row written here.
func headerStyle(f *excelize.File, fill string) (int, error) {
	return f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		NumFmt:    numFmtText,
	})
}

// frozenHeader freezes the first row.
var frozenHeader = excelize.Panes{
	Freeze:      true,
	YSplit:      1,
	TopLeftCell: "A2",
	ActivePane:  "bottomLeft",
	Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
}

// cellRef returns the A1 reference of 1-based col and row.
func cellRef(col, row int) string {
	name, _ := excelize.ColumnNumberToName(col) // col is always in range here
	return name + strconv.Itoa(row)
}

// xlsxWriter writes the XLSX report. excelize's StreamWriter writes the
// sheet's <dimension> when the stream starts, before the row count is
// known, and readers that trust it would see no rows; so rows are spooled
// to disk as they come and the workbook is composed by finish, when the
// count is known. Memory stays flat either way.
//
// A spooled row is its highlight, then its values: number columns as
// numbers, the others as text.
type xlsxWriter struct {
	out  io.Writer
	cols []colSpec
	sp   *spool
	rows int
	vals []spoolValue
	p    *lang.Printer // the language of the header, labels and sheets
	// sheet is the report sheet's name in that language.
	sheet string
}

func newXLSXWriter(af *AtomicFile, cols []colSpec, p *lang.Printer) (formatWriter, error) {
	sp, err := newSpool()
	if err != nil {
		return nil, err
	}
	return &xlsxWriter{out: af, cols: cols, sp: sp, p: p, sheet: SheetName(p, ReportSheet)}, nil
}

func (w *xlsxWriter) row(st platform.Status, vals []string) error {
	w.vals = append(w.vals[:0], intValue(int(statusFill(st))))
	for i, c := range w.cols {
		switch c.kind {
		case kindNumber:
			n, err := strconv.Atoi(vals[i])
			if err != nil {
				return fmt.Errorf("column %s: %w", c.name, err)
			}
			w.vals = append(w.vals, intValue(n))
		case kindStatus:
			w.vals = append(w.vals, textValue(StatusLabel(w.p, platform.Status(vals[i]))))
		default:
			w.vals = append(w.vals, textValue(vals[i]))
		}
	}
	w.sp.put(w.vals)
	w.rows++
	return nil
}

func (w *xlsxWriter) release() { w.sp.close() }

func (w *xlsxWriter) finish(s *Summary) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", w.sheet); err != nil {
		return err
	}
	if err := w.writeReportSheet(f); err != nil {
		return err
	}
	if err := writeSummarySheet(f, s, w.p); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return writeWorkbook(f, w.out)
}

// reportStyles are the cell styles of the report sheet: a header, and one
// text ("@") and one number style per highlight.
type reportStyles struct {
	header       int
	text, number [numFills]int
}

func newReportStyles(f *excelize.File) (st reportStyles, err error) {
	if st.header, err = headerStyle(f, headerFill); err != nil {
		return st, err
	}
	for fl := range numFills {
		if st.text[fl], err = f.NewStyle(&excelize.Style{Fill: fillOf(fl), NumFmt: numFmtText}); err != nil {
			return st, err
		}
		if st.number[fl], err = f.NewStyle(&excelize.Style{Fill: fillOf(fl), NumFmt: numFmtGeneral}); err != nil {
			return st, err
		}
	}
	return st, nil
}

// writeReportSheet writes the report sheet: column widths and formats, a
// frozen header of the columns' titles, the spooled rows highlighted by
// status, an autofilter.
func (w *xlsxWriter) writeReportSheet(f *excelize.File) error {
	st, err := newReportStyles(f)
	if err != nil {
		return err
	}
	ref := "A1:" + cellRef(len(w.cols), w.rows+1)
	if err := f.SetSheetDimension(w.sheet, ref); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(w.sheet)
	if err != nil {
		return err
	}
	// excelize prepends each new <col>, and Excel wants them ascending:
	// set them from the last column back.
	for i := len(w.cols) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, w.cols[i].width); err != nil {
			return err
		}
		if w.cols[i].kind == kindIdentifier {
			// Identifier columns stay text when staff type into them.
			if err := sw.SetColStyle(i+1, i+1, st.text[fillNone]); err != nil {
				return err
			}
		}
	}
	if err := sw.SetPanes(&frozenHeader); err != nil {
		return err
	}
	row := make([]any, len(w.cols))
	for i, c := range w.cols {
		row[i] = excelize.Cell{StyleID: st.header, Value: w.p.Sprintf(c.name)}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	if err := w.writeRows(sw, st, row); err != nil {
		return err
	}
	// The stream's worksheet is the one AutoFilter edits; it is written out
	// by Flush (after the rows, where <autoFilter> belongs).
	if err := f.AutoFilter(w.sheet, ref, nil); err != nil {
		return err
	}
	return sw.Flush()
}

// writeRows writes the spooled rows from the second row on; row is scratch
// space of one cell per column.
func (w *xlsxWriter) writeRows(sw *excelize.StreamWriter, st reportStyles, row []any) error {
	rd, err := w.sp.rewind()
	if err != nil {
		return err
	}
	for r := 2; ; r++ {
		vals, err := rd.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(vals) != 1+len(w.cols) || vals[0].kind != spoolInt || uint64(vals[0].n) >= uint64(numFills) {
			return fmt.Errorf("spool: %d values, want a highlight and %d", len(vals), len(w.cols))
		}
		fl := rowFill(vals[0].n)
		for i, v := range vals[1:] {
			switch {
			case v.kind == spoolInt:
				row[i] = excelize.Cell{StyleID: st.number[fl], Value: v.n}
			case v.s == "":
				row[i] = excelize.Cell{StyleID: st.text[fl]} // styled, no value
			default:
				row[i] = excelize.Cell{StyleID: st.text[fl], Value: v.s}
			}
		}
		if err := sw.SetRow(cellRef(1, r), row); err != nil {
			return err
		}
	}
}

// writeWorkbook writes f to out as it is zipped. excelize's own Write and
// SaveAs build the whole zip in a memory buffer first (~100 MB for a
// million-row report); SetZipWriter, its documented hook, sends the zip
// straight to out instead. The one thing lost is excelize's patch of local
// headers for parts over 4 GiB, far beyond any report.
func writeWorkbook(f *excelize.File, out io.Writer) error {
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(out) })
	_, err := f.WriteToBuffer() // the buffer stays empty
	return err
}

// writeSummarySheet adds the summary sheet ("summary", 汇总), in p's
// language.
func writeSummarySheet(f *excelize.File, s *Summary, p *lang.Printer) error {
	sheet := SheetName(p, SummarySheet)
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	n := s.normalized()
	var rows []summaryRow
	for _, e := range byPart(n.entries(p)) {
		rows = append(rows, humanRows(p, e)...)
	}
	label, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: numFmtText, Alignment: &excelize.Alignment{Horizontal: "left"}})
	if err != nil {
		return err
	}
	number, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left"}})
	if err != nil {
		return err
	}
	if err := f.SetSheetDimension(sheet, "A1:"+cellRef(2, max(len(rows), 1))); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 70); err != nil { // descending, see compose
		return err
	}
	if err := sw.SetColWidth(1, 1, 20); err != nil {
		return err
	}
	for i, r := range rows {
		style := number
		if _, ok := r.value.(string); ok {
			style = text
		}
		err := sw.SetRow(cellRef(1, i+1), []any{
			excelize.Cell{StyleID: label, Value: r.label},
			excelize.Cell{StyleID: style, Value: r.value},
		})
		if err != nil {
			return err
		}
	}
	return sw.Flush()
}
