package roster

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Reading .xls (Excel 97-2003, BIFF8). The two pure-Go libraries were
// tried on workbooks LibreOffice and gnumeric wrote (testdata/make_xls.sh)
// and neither reads them faithfully: github.com/extrame/xls formats a
// number under 000000 as a date (10005 reads 1927-05-23), misreads
// negative numbers, panics on a truncated file and calls os.Exit on an
// unexpected format record; github.com/shakinm/xlsReader decodes negative
// RK numbers as unsigned (-5 reads 1073741819) and knows neither the 1904
// date system, nor hidden sheets, nor encrypted workbooks. So the records
// are read here — what a roster needs, each bounds-checked — inside the
// compound file that github.com/richardlehane/mscfb (already used to find
// encrypted .xlsx) opens:
//
//	globals: BOF, FILEPASS (encrypted: refused), DATEMODE (1904),
//	         BOUNDSHEET (sheets, hidden state), FORMAT, XF, SST + CONTINUE
//	sheet:   ROW (hidden rows), NUMBER, RK, MULRK, LABELSST, LABEL, RSTRING,
//	         BOOLERR, FORMULA and its STRING, MERGECELLS, EOF
//
// Cells become the same typed cells as the xlsx scanner's (number, text,
// boolean, error), with their XF index as style, so .xls goes through the
// same cell rules: number formats (a padding format reads as displayed,
// "TRUE";"TRUE";"FALSE" as the boolean it shows), dates in date columns,
// 15 significant digits.

// BIFF8 record types.
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recRString    = 0x00D6
	recXF         = 0x00E0
	recMergeCells = 0x00E5
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRow        = 0x0208
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
)

// maxRecordLen is the largest record BIFF8 allows.
const maxRecordLen = 8224

var errBIFF = errors.New("the workbook's records are damaged")

// biffRecords reads the records of a workbook stream.
type biffRecords struct {
	r    *bufio.Reader
	data [maxRecordLen]byte
	// a record read ahead and given back (unread)
	back     bool
	backType uint16
	backLen  int
}

func newBIFFRecords(r io.Reader) *biffRecords {
	return &biffRecords{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next record; its data is valid until the next call.
func (b *biffRecords) next() (uint16, []byte, error) {
	if b.back {
		b.back = false
		return b.backType, b.data[:b.backLen], nil
	}
	var h [4]byte
	if _, err := io.ReadFull(b.r, h[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return 0, nil, errBIFF
		}
		return 0, nil, err
	}
	typ, n := binary.LittleEndian.Uint16(h[:2]), int(binary.LittleEndian.Uint16(h[2:]))
	if n > maxRecordLen {
		return 0, nil, errBIFF
	}
	if _, err := io.ReadFull(b.r, b.data[:n]); err != nil {
		return 0, nil, errBIFF
	}
	return typ, b.data[:n], nil
}

// unread gives the record last returned back to next.
func (b *biffRecords) unread(typ uint16, n int) { b.back, b.backType, b.backLen = true, typ, n }

// biffGlobals is what the workbook globals substream says.
type biffGlobals struct {
	encrypted bool
	date1904  bool
	sheets    []sheetInfo
	offsets   []int64          // stream offset of each sheet's BOF
	formats   map[int32]string // custom number formats by id
	xfFormat  []int32          // number format id of each XF
	sst       *sharedStrings
}

// readGlobals reads the globals substream, which starts the workbook
// stream, up to its EOF record. maxStrings bounds the shared strings.
func readGlobals(recs *biffRecords, maxStrings int) (*biffGlobals, error) {
	g := &biffGlobals{formats: map[int32]string{}}
	typ, data, err := recs.next()
	if err != nil || typ != recBOF || len(data) < 4 {
		return nil, errBIFF
	}
	if v := binary.LittleEndian.Uint16(data); v != 0x0600 {
		return nil, errOldBIFF
	}
	for {
		typ, data, err := recs.next()
		if err == io.EOF {
			return nil, errBIFF
		}
		if err != nil {
			return nil, err
		}
		switch typ {
		case recEOF:
			if g.sst == nil {
				g.sst = &sharedStrings{off: []uint32{0}}
			}
			return g, nil
		case recFilePass:
			g.encrypted = true
			return g, nil
		case recDateMode:
			g.date1904 = len(data) >= 2 && binary.LittleEndian.Uint16(data) == 1
		case recBoundSheet:
			if len(data) < 8 {
				return nil, errBIFF
			}
			si := sheetInfo{kind: "worksheet"}
			switch data[4] & 3 {
			case 1:
				si.state = "hidden"
			case 2:
				si.state = "veryHidden"
			}
			switch data[5] {
			case 0:
			case 1:
				si.kind = "macrosheet"
			case 2:
				si.kind = "chartsheet"
			default:
				si.kind = "dialogsheet" // VB modules and the like: no cells
			}
			name, _, err := shortString(data[6:])
			if err != nil {
				return nil, err
			}
			si.name = name
			g.sheets = append(g.sheets, si)
			g.offsets = append(g.offsets, int64(binary.LittleEndian.Uint32(data)))
		case recFormat:
			if len(data) < 5 {
				return nil, errBIFF
			}
			code, _, err := unicodeString(data[2:], 2)
			if err != nil {
				return nil, err
			}
			g.formats[int32(binary.LittleEndian.Uint16(data))] = code
		case recXF:
			if len(data) < 4 {
				return nil, errBIFF
			}
			if len(g.xfFormat) >= maxXfs {
				return nil, errBIFF
			}
			g.xfFormat = append(g.xfFormat, int32(binary.LittleEndian.Uint16(data[2:])))
		case recSST:
			if g.sst != nil {
				return nil, errBIFF
			}
			if g.sst, err = readSST(recs, data, maxStrings); err != nil {
				return nil, err
			}
		}
	}
}

var errOldBIFF = errors.New("an Excel 5.0/95 or older workbook")

// styles turns the XF records and formats into the styles the cell rules
// use: the padding formats by XF index.
func (g *biffGlobals) styles() *styles {
	st := &styles{xfNumFmt: g.xfFormat, fmts: map[int32]*numFmt{}}
	for _, id := range g.xfFormat {
		if _, done := st.fmts[id]; done {
			continue
		}
		if code, ok := g.formats[id]; ok {
			st.fmts[id] = parseNumFmt(code) // nil: the format pads nothing
		}
	}
	return st
}

// shortString reads a ShortXLUnicodeString: a one-byte count.
func shortString(b []byte) (string, []byte, error) {
	if len(b) < 1 {
		return "", nil, errBIFF
	}
	return unicodeStringN(b[1:], int(b[0]))
}

// unicodeString reads an XLUnicodeString whose count takes countBytes.
func unicodeString(b []byte, countBytes int) (string, []byte, error) {
	if len(b) < countBytes {
		return "", nil, errBIFF
	}
	n := int(b[0])
	if countBytes == 2 {
		n = int(binary.LittleEndian.Uint16(b))
	}
	return unicodeStringN(b[countBytes:], n)
}

// unicodeStringN reads the flags byte and n characters, compressed
// (one byte each, Latin-1) or UTF-16.
func unicodeStringN(b []byte, n int) (string, []byte, error) {
	if len(b) < 1 {
		return "", nil, errBIFF
	}
	high := b[0]&1 != 0
	b = b[1:]
	size := n
	if high {
		size *= 2
	}
	if len(b) < size {
		return "", nil, errBIFF
	}
	return decodeChars(b[:size], high), b[size:], nil
}

// decodeChars decodes BIFF8 characters: two bytes each (UTF-16LE) when
// high, else one (the low byte of a UTF-16 code unit, Latin-1).
func decodeChars(b []byte, high bool) string {
	if !high {
		out := make([]rune, len(b))
		for i, c := range b {
			out[i] = rune(c)
		}
		return string(out)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// sstReader reads the shared strings of an SST record and the CONTINUE
// records after it as one stream, as BIFF8 splits them: a string's
// characters may continue in the next record, which then starts with a
// new flags byte; its rich-text runs and phonetic data continue as they
// are.
type sstReader struct {
	recs *biffRecords
	cur  []byte
	buf  []byte
}

// more moves to the next CONTINUE record; false at the end of the SST.
func (s *sstReader) more() bool {
	typ, data, err := s.recs.next()
	if err != nil {
		return false
	}
	if typ != recContinue {
		s.recs.unread(typ, len(data))
		return false
	}
	s.cur = data
	return true
}

func (s *sstReader) bytes(n int) ([]byte, bool) {
	s.buf = s.buf[:0]
	for n > 0 {
		if len(s.cur) == 0 && !s.more() {
			return nil, false
		}
		k := min(n, len(s.cur))
		s.buf = append(s.buf, s.cur[:k]...)
		s.cur, n = s.cur[k:], n-k
	}
	return s.buf, true
}

func (s *sstReader) skip(n int) bool {
	for n > 0 {
		if len(s.cur) == 0 && !s.more() {
			return false
		}
		k := min(n, len(s.cur))
		s.cur, n = s.cur[k:], n-k
	}
	return true
}

// chars appends n characters to dst as UTF-16 code units, decoded once
// whole so that a surrogate pair split by a record boundary survives; a
// CONTINUE in their middle starts with the flags byte of the rest.
func (s *sstReader) chars(dst []uint16, n int, high bool) ([]uint16, bool) {
	for n > 0 {
		if len(s.cur) == 0 {
			if !s.more() || len(s.cur) < 1 {
				return dst, false
			}
			high, s.cur = s.cur[0]&1 != 0, s.cur[1:]
			continue
		}
		size := 1
		if high {
			size = 2
		}
		k := min(n, len(s.cur)/size)
		if k == 0 {
			return dst, false // half a character at the end of a record
		}
		for i := 0; i < k; i++ {
			if high {
				dst = append(dst, binary.LittleEndian.Uint16(s.cur[2*i:]))
			} else {
				dst = append(dst, uint16(s.cur[i]))
			}
		}
		s.cur, n = s.cur[k*size:], n-k
	}
	return dst, true
}

// readSST reads the shared strings into the compact index of sst.go.
func readSST(recs *biffRecords, data []byte, maxStrings int) (*sharedStrings, error) {
	if len(data) < 8 {
		return nil, errBIFF
	}
	unique := int(binary.LittleEndian.Uint32(data[4:]))
	if unique < 0 || unique > maxStrings {
		return nil, errTooManyStrings
	}
	sst := &sharedStrings{off: make([]uint32, 1, min(unique, 1<<16)+1)}
	s := &sstReader{recs: recs, cur: append([]byte(nil), data[8:]...)}
	var units []uint16
	var text []byte
	for i := 0; i < unique; i++ {
		h, ok := s.bytes(3)
		if !ok {
			sst.close()
			return nil, errBIFF
		}
		n, flags := int(binary.LittleEndian.Uint16(h)), h[2]
		runs, ext := 0, 0
		if flags&0x08 != 0 {
			b, ok := s.bytes(2)
			if !ok {
				sst.close()
				return nil, errBIFF
			}
			runs = int(binary.LittleEndian.Uint16(b))
		}
		if flags&0x04 != 0 {
			b, ok := s.bytes(4)
			if !ok {
				sst.close()
				return nil, errBIFF
			}
			ext = int(binary.LittleEndian.Uint32(b))
		}
		if units, ok = s.chars(units[:0], n, flags&1 != 0); !ok || !s.skip(4*runs) || !s.skip(ext) {
			sst.close()
			return nil, errBIFF
		}
		text = text[:0]
		for _, r := range utf16.Decode(units) {
			text = utf8.AppendRune(text, r)
		}
		if err := sst.add(cutChars(text)); err != nil {
			sst.close()
			return nil, err
		}
	}
	// Any CONTINUE left belongs to the SST.
	for s.more() {
	}
	if sst.arenaF != nil {
		for _, f := range []*blockFile{sst.arenaF, sst.offF} {
			if err := f.flush(); err != nil {
				sst.close()
				return nil, err
			}
		}
	}
	return sst, nil
}

// biffSheet is the rowSource of one worksheet substream.
type biffSheet struct {
	recs   *biffRecords
	sst    *sharedStrings
	closer io.Closer

	hidden  map[int]bool // hidden rows
	row     xlsxRow
	cur     int // row being collected, 1-based; 0 before the first cell
	strCell int // column of a formula cell whose STRING record follows, -1 when none
	done    bool
	refs    []string // merged ranges, the first maxMerges
	nMerge  int      // how many merged ranges there are
}

func newBIFFSheet(recs *biffRecords, sst *sharedStrings, closer io.Closer) (*biffSheet, error) {
	typ, data, err := recs.next()
	if err != nil || typ != recBOF || len(data) < 4 {
		return nil, errBIFF
	}
	return &biffSheet{recs: recs, sst: sst, closer: closer, hidden: map[int]bool{}, strCell: -1}, nil
}

// nextRow collects the cells of the next row: BIFF8 writes them row by
// row, in blocks after their ROW records.
func (b *biffSheet) nextRow() (xlsxRow, int, error) {
	if b.done && b.cur == 0 {
		return xlsxRow{}, 0, io.EOF
	}
	for !b.done {
		typ, data, err := b.recs.next()
		if err == io.EOF {
			return xlsxRow{}, b.cur, errors.New("the sheet ends abruptly (the file is truncated)")
		}
		if err != nil {
			return xlsxRow{}, b.cur, err
		}
		if typ == recEOF {
			b.done = true
			break
		}
		row, _, ok := cellPos(typ, data)
		if ok && b.cur != 0 && row != b.cur {
			// The first cell of another row: the one collected is whole.
			b.recs.unread(typ, len(data))
			return b.emit(), 0, nil
		}
		if err := b.record(typ, data); err != nil {
			return xlsxRow{}, row, err
		}
	}
	if b.cur != 0 {
		return b.emit(), 0, nil
	}
	return xlsxRow{}, 0, io.EOF
}

// emit returns the row collected and starts afresh.
func (b *biffSheet) emit() xlsxRow {
	r := b.row
	r.line, r.hidden = b.cur, b.hidden[b.cur]
	b.row.vals, b.row.cells = b.row.vals[:0], b.row.cells[:0]
	b.cur = 0
	return r
}

// cellPos returns the 1-based row and column of a cell record.
func cellPos(typ uint16, data []byte) (row, col int, ok bool) {
	switch typ {
	case recNumber, recRK, recMulRK, recLabelSST, recLabel, recRString, recBoolErr, recFormula:
		if len(data) < 4 {
			return 0, 0, false
		}
		return int(binary.LittleEndian.Uint16(data)) + 1, int(binary.LittleEndian.Uint16(data[2:])) + 1, true
	}
	return 0, 0, false
}

// record handles one record of the sheet substream.
func (b *biffSheet) record(typ uint16, data []byte) error {
	if typ == recString {
		if b.strCell < 0 {
			return nil
		}
		s, _, err := unicodeString(data, 2)
		if err != nil {
			return err
		}
		b.set(b.strCell, scanCell{t: ctString, value: true, formula: true, style: b.row.cells[b.strCell-1].style}, string(cutChars([]byte(s))))
		b.strCell = -1
		return nil
	}
	switch typ {
	case recRow:
		if len(data) >= 16 && binary.LittleEndian.Uint16(data[12:])&0x20 != 0 && len(b.hidden) < 1<<16 {
			b.hidden[int(binary.LittleEndian.Uint16(data))+1] = true
		}
		return nil
	case recMergeCells:
		if len(data) < 2 {
			return errBIFF
		}
		n := int(binary.LittleEndian.Uint16(data))
		for i := 0; i < n && 2+8*i+8 <= len(data); i++ {
			b.nMerge++
			if len(b.refs) >= maxMerges {
				continue
			}
			r := data[2+8*i:]
			r1, r2 := int(binary.LittleEndian.Uint16(r))+1, int(binary.LittleEndian.Uint16(r[2:]))+1
			c1, c2 := int(binary.LittleEndian.Uint16(r[4:])), int(binary.LittleEndian.Uint16(r[6:]))
			b.refs = append(b.refs, columnLetter(c1)+strconv.Itoa(r1)+":"+columnLetter(c2)+strconv.Itoa(r2))
		}
		return nil
	}
	row, col, ok := cellPos(typ, data)
	if !ok {
		return nil // not a cell (shared formulas and arrays may come between a FORMULA and its STRING)
	}
	b.cur, b.strCell = row, -1
	style := func(off int) uint32 {
		if len(data) < off+2 {
			return 0
		}
		return uint32(binary.LittleEndian.Uint16(data[off:]))
	}
	switch typ {
	case recNumber:
		if len(data) < 14 {
			return errBIFF
		}
		b.set(col, scanCell{t: ctNumber, value: true, style: style(4)}, formatDouble(math.Float64frombits(binary.LittleEndian.Uint64(data[6:]))))
	case recRK:
		if len(data) < 10 {
			return errBIFF
		}
		b.set(col, scanCell{t: ctNumber, value: true, style: style(4)}, formatDouble(rkValue(binary.LittleEndian.Uint32(data[6:]))))
	case recMulRK:
		// colFirst, then (ixfe, rk) pairs, then colLast.
		for i, c := 0, col; 4+6*i+6 <= len(data)-2; i, c = i+1, c+1 {
			p := data[4+6*i:]
			b.set(c, scanCell{t: ctNumber, value: true, style: uint32(binary.LittleEndian.Uint16(p))}, formatDouble(rkValue(binary.LittleEndian.Uint32(p[2:]))))
		}
	case recLabelSST:
		if len(data) < 10 {
			return errBIFF
		}
		i := int(binary.LittleEndian.Uint32(data[6:]))
		if i < 0 || i >= b.sst.len() {
			return fmt.Errorf("a cell refers to shared string %d, but the table has %d", i, b.sst.len())
		}
		s, err := b.sst.get(i)
		if err != nil {
			return err
		}
		b.set(col, scanCell{t: ctString, value: true, style: style(4)}, s)
	case recLabel, recRString:
		if len(data) < 6 {
			return errBIFF
		}
		s, _, err := unicodeString(data[6:], 2)
		if err != nil {
			return err
		}
		b.set(col, scanCell{t: ctString, value: true, style: style(4)}, string(cutChars([]byte(s))))
	case recBoolErr:
		if len(data) < 8 {
			return errBIFF
		}
		if data[7] == 0 {
			v := "0"
			if data[6] != 0 {
				v = "1"
			}
			b.set(col, scanCell{t: ctBool, value: true, style: style(4)}, v)
		} else {
			b.set(col, scanCell{t: ctError, value: true, style: style(4)}, biffError(data[6]))
		}
	case recFormula:
		if len(data) < 20 {
			return errBIFF
		}
		res := data[6:14]
		cell := scanCell{t: ctNumber, value: true, formula: true, style: style(4)}
		if res[6] != 0xFF || res[7] != 0xFF {
			b.set(col, cell, formatDouble(math.Float64frombits(binary.LittleEndian.Uint64(res))))
			return nil
		}
		switch res[0] {
		case 0: // a string, in the STRING record that follows
			cell.t = ctString
			b.set(col, cell, "")
			b.strCell = col
		case 1:
			cell.t = ctBool
			b.set(col, cell, map[bool]string{false: "0", true: "1"}[res[2] != 0])
		case 2:
			cell.t = ctError
			b.set(col, cell, biffError(res[2]))
		case 3:
			cell.t = ctString
			b.set(col, cell, "")
		}
	}
	return nil
}

// set stores a cell of the row being collected (column col, 1-based).
func (b *biffSheet) set(col int, c scanCell, v string) {
	if col < 1 || col > maxColumns {
		return
	}
	for len(b.row.cells) < col {
		b.row.cells = append(b.row.cells, scanCell{})
		b.row.vals = append(b.row.vals, "")
	}
	b.row.cells[col-1], b.row.vals[col-1] = c, v
}

// rkValue decodes an RK number: a 30-bit signed integer or the top 30 bits
// of a double, either possibly divided by 100.
func rkValue(rk uint32) float64 {
	var f float64
	if rk&2 != 0 {
		f = float64(int32(rk) >> 2) // signed
	} else {
		f = math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32)
	}
	if rk&1 != 0 {
		f /= 100
	}
	return f
}

// formatDouble writes a cell's number as the xlsx scanner finds it in
// <v>: the shortest text that reads back as the same double.
func formatDouble(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "#NUM!"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// biffError names a BIFF error code as Excel shows it.
func biffError(code byte) string {
	switch code {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	case 0x2B:
		return "#GETTING_DATA"
	}
	return "#N/A"
}

func (b *biffSheet) drain() error            { return nil }
func (b *biffSheet) merges() ([]string, int) { return b.refs, b.nMerge }
func (b *biffSheet) close() error {
	if b.closer == nil {
		return nil
	}
	err := b.closer.Close()
	b.closer = nil
	return err
}
