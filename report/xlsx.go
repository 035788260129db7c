package report

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/xuri/excelize/v2"
)

// Sheet names of the XLSX report.
const (
	ReportSheet  = "report"
	SummarySheet = "summary"
)

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
// to disk as they come and the workbook is composed at Close, when the
// count is known. Memory stays flat either way.
type xlsxWriter struct {
	af   *AtomicFile
	t    tally
	sp   *spool
	vals []spoolValue
}

func newXLSXWriter(af *AtomicFile, opts Options) (*xlsxWriter, error) {
	sp, err := newSpool()
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", af.Name(), err)
	}
	return &xlsxWriter{af: af, t: newTally(opts), sp: sp}, nil
}

func (w *xlsxWriter) Write(l *Line) error {
	if err := w.t.line(l); err != nil {
		return err
	}
	vals := lineValues(l)
	w.vals = w.vals[:0]
	for i, v := range vals {
		switch i {
		case 1:
			w.vals = append(w.vals, intValue(l.Row))
		case 10:
			w.vals = append(w.vals, intValue(l.Attempts))
		default:
			w.vals = append(w.vals, textValue(v))
		}
	}
	w.sp.put(w.vals)
	return nil
}

func (w *xlsxWriter) WriteGenerated(g *Generated) error {
	if err := w.t.gen(g); err != nil {
		return err
	}
	vals := generatedValues(g)
	w.vals = append(w.vals[:0], intValue(g.Batch))
	for _, v := range vals[1:] {
		w.vals = append(w.vals, textValue(v))
	}
	w.sp.put(w.vals)
	return nil
}

func (w *xlsxWriter) Abort() error {
	if !w.t.closed {
		w.t.closed = true
		w.sp.close()
	}
	return w.af.Abort()
}

func (w *xlsxWriter) Close(s *Summary) error {
	if w.t.closed {
		return ErrClosed
	}
	w.t.closed = true
	defer w.sp.close()
	if err := w.compose(w.af, w.t.summary(s)); err != nil {
		_ = w.af.Abort()
		return fmt.Errorf("report %s: %w", w.af.Name(), err)
	}
	return w.af.Commit()
}

// Report column widths, in characters.
var (
	lineWidths      = []float64{28, 7, 10, 18, 16, 12, 14, 18, 12, 12, 9, 60}
	generatedWidths = []float64{7, 10, 12, 20, 18, 14, 16, 12, 50}
)

// compose writes the whole workbook to out.
func (w *xlsxWriter) compose(out io.Writer, s *Summary) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ReportSheet); err != nil {
		return err
	}

	columns, widths, status, numeric, idents := Columns, lineWidths, 2, lineNumeric[:], lineIdentifiers[:]
	if w.t.generated {
		columns, widths, status, numeric, idents = GeneratedColumns, generatedWidths, 1, generatedNumeric[:], generatedIdents[:]
	}

	hdr, err := headerStyle(f, headerFill)
	if err != nil {
		return err
	}
	// One text ("@") and one number style per highlight.
	var text, number [numFills]int
	for fl := range numFills {
		if text[fl], err = f.NewStyle(&excelize.Style{Fill: fillOf(fl), NumFmt: numFmtText}); err != nil {
			return err
		}
		if number[fl], err = f.NewStyle(&excelize.Style{Fill: fillOf(fl), NumFmt: numFmtGeneral}); err != nil {
			return err
		}
	}

	ref := "A1:" + cellRef(len(columns), w.t.rows+1)
	if err := f.SetSheetDimension(ReportSheet, ref); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(ReportSheet)
	if err != nil {
		return err
	}
	// excelize prepends each new <col>, and Excel wants them ascending:
	// set them from the last column back.
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
		if idents[i] {
			// Identifier columns stay text when staff type into them.
			if err := sw.SetColStyle(i+1, i+1, text[fillNone]); err != nil {
				return err
			}
		}
	}
	if err := sw.SetPanes(&frozenHeader); err != nil {
		return err
	}
	row := make([]any, len(columns))
	for i, c := range columns {
		row[i] = excelize.Cell{StyleID: hdr, Value: c}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}

	rd, err := w.sp.rewind()
	if err != nil {
		return err
	}
	for r := 2; ; r++ {
		vals, err := rd.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if len(vals) != len(columns) {
			return fmt.Errorf("spool: %d values, want %d", len(vals), len(columns))
		}
		fl := statusFill(platform.Status(vals[status].s))
		for i, v := range vals {
			switch {
			case numeric[i]:
				row[i] = excelize.Cell{StyleID: number[fl], Value: v.n}
			case v.s == "":
				row[i] = excelize.Cell{StyleID: text[fl]} // styled, no value
			default:
				row[i] = excelize.Cell{StyleID: text[fl], Value: v.s}
			}
		}
		if err := sw.SetRow(cellRef(1, r), row); err != nil {
			return err
		}
	}
	// The stream's worksheet is the one AutoFilter edits; it is written out
	// by Flush (after the rows, where <autoFilter> belongs).
	if err := f.AutoFilter(ReportSheet, ref, nil); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}

	if err := writeSummarySheet(f, s); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return writeWorkbook(f, out)
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

// summaryRow is one label/value row of the summary sheet.
type summaryRow struct {
	label string
	value any
}

// summaryRows lists the summary as label/value rows.
func summaryRows(s *Summary) []summaryRow {
	n := s.normalized()
	var rows []summaryRow
	add := func(label string, value any) { rows = append(rows, summaryRow{label, value}) }
	addText := func(label, value string) {
		if value != "" {
			add(label, value)
		}
	}
	addText("command", n.Command)
	addText("target", n.Target)
	addText("endpoint", n.Endpoint)
	if n.Sandbox {
		add("sandbox", SandboxBanner)
	}
	if !n.Started.IsZero() {
		add("started", n.Started.Format(time.RFC3339))
	}
	for _, st := range statusOrder(n.Counts) {
		add(string(st), n.Counts[st])
	}
	add("rows", n.Rows)
	add("requests", n.Requests)
	add("retries", n.Retries)
	add("throttled", n.Throttled)
	add("elapsed (s)", n.ElapsedSec)
	add("rows/s", n.RowsPerSec)
	addText("roster balance", n.RosterBalance)
	addText("confirmed balance", n.ConfirmedBalance)
	addText("roster points", n.RosterPoints)
	addText("confirmed points", n.ConfirmedPoints)
	for _, r := range n.Rosters {
		add("roster", r.Path+" ("+rosterDetails(r)+")")
	}
	addText("report", n.Report)
	addText("rejects", n.Rejects)
	addText("journal", n.Journal)
	for _, wmsg := range n.Warnings {
		add("warning", wmsg)
	}
	if n.Interrupted {
		add("interrupted", "yes — run the same command again to continue")
	}
	addText("fatal", n.Fatal)
	add("exit code", n.ExitCode)
	return rows
}

// writeSummarySheet adds the "summary" sheet.
func writeSummarySheet(f *excelize.File, s *Summary) error {
	if _, err := f.NewSheet(SummarySheet); err != nil {
		return err
	}
	rows := summaryRows(s)
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
	if err := f.SetSheetDimension(SummarySheet, "A1:"+cellRef(2, max(len(rows), 1))); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SummarySheet)
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
