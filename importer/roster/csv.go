package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// sniffSize is how much of a CSV file the encoding and delimiter are
// guessed from.
const sniffSize = 64 << 10

// encodingNames maps --encoding values to the decoder used ("" = auto).
var encodingNames = map[string]string{
	"": "", "auto": "",
	"utf-8": "utf-8", "utf8": "utf-8", "utf-8-bom": "utf-8",
	"utf-16": "utf-16", "utf16": "utf-16", "unicode": "utf-16",
	"utf-16le": "utf-16le", "utf-16be": "utf-16be",
	"gbk": "gb18030", "gb18030": "gb18030", "gb2312": "gb18030", "cp936": "gb18030",
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// maxRecordBytes bounds one CSV record (a line, or the lines of a quoted
// cell): twelve columns of Excel's longest cells take a few megabytes.
const maxRecordBytes = 16 << 20

// errRecordTooLong: a record passed maxRecordBytes.
var errRecordTooLong = errors.New("record too long")

// recordGuard stops the bytes that reach encoding/csv maxRecordBytes after
// the end of the last record, which would otherwise hold a 100 MB line
// (and its copies) in memory.
type recordGuard struct {
	r        io.Reader
	n, limit int64
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n >= g.limit {
		return 0, errRecordTooLong
	}
	if room := g.limit - g.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// What the CSV reader says, in English or Chinese.
var (
	msgBareQuote     = lang.Msg("line %s has a \" inside an unquoted cell: quotes in unquoted cells are read as ordinary characters", "第%s行有个 \" 在没加引号的单元格里：这种引号按普通字符读取")
	msgXLSNotText    = lang.Msg("is an Excel 97-2003 workbook (.xls), not a text file: open it in Excel or WPS and save it as .xlsx (or CSV)", "是 Excel 97-2003 工作簿（.xls），不是文本文件：请用 Excel 或 WPS 打开，另存为 .xlsx（或 CSV）")
	msgZipNotText    = lang.Msg("is a zip archive, probably an .xlsx workbook: rename it to .xlsx", "是 zip 压缩包，可能是 .xlsx 工作簿：请把它改名为 .xlsx")
	msgUTF16NoBOM    = lang.Msg("the file looks like UTF-16 without a byte-order mark; reading it as %s", "这个文件像是不带字节顺序标记（BOM）的 UTF-16；按 %s 读取")
	msgNotText       = lang.Msg("does not look like a text roster (it holds binary data): export the roster as .xlsx or CSV", "不像是文本名单（里面有二进制数据）：请把名单导出为 .xlsx 或 CSV")
	msgLineTooLong   = lang.Msg("the line is longer than %s MB (a spreadsheet cell holds at most 32,767 characters): the file is damaged or is not a roster", "这一行超过了 %s MB（电子表格一个单元格最多 32,767 个字符）：文件已损坏或不是名单")
	msgUnclosed      = lang.Msg("a quoted cell that starts on this line is not closed properly (the parser reached line %s); every row after it would be lost: fix the quotes (a \" inside a quoted cell is written \"\") and run again", "从这一行开始的带引号单元格没有正确结束（一直读到了第%s行）；后面的行都会丢失：请改好引号（带引号的单元格里的 \" 要写成 \"\"）再运行")
	msgBadLine       = lang.Msg("%s (position %s): the line cannot be read; a cell that contains a \" must be quoted and the \" doubled, like \"12\"\" screen\"", "%s（第 %s 个字符）：这一行读不了；含有 \" 的单元格要加引号，并把 \" 写两遍，如 \"12\"\" screen\"")
	msgUnclosedLazy  = lang.Msg("a quote opened in this line is not closed: the cell swallows the following lines; fix the quotes and run again", "这一行开始的引号没有结束：后面的几行都被并进了这个单元格；请改好引号再运行")
	msgBareQuoteWhat = lang.Msg(`a " inside an unquoted cell`, `没加引号的单元格里有 "`)
	msgStrayQuote    = lang.Msg(`a stray " after a quoted cell`, `带引号的单元格后面多了个 "`)
	msgNotUTF8       = lang.Msg("not valid UTF-8 (--encoding utf-8); the file may be GBK: try --encoding gbk, or auto", "不是有效的 UTF-8（--encoding utf-8）；文件可能是 GBK 编码：请试试 --encoding gbk 或 auto")
	msgMixedEncoding = lang.Msg("not valid UTF-8, although the start of the file is: the file mixes encodings; save it again as UTF-8, or try --encoding gbk", "不是有效的 UTF-8，可文件开头是：文件里混用了几种编码；请重新另存为 UTF-8，或试试 --encoding gbk")
)

// csvSource reads CSV records with encoding/csv.
type csvSource struct {
	p       *lang.Printer
	path    string
	guard   *recordGuard
	next1   int // line where the next record starts
	cr      *csv.Reader
	closer  io.Closer
	offset  int  // lines consumed before the csv.Reader (a sep= line)
	lazy    bool // LazyQuotes is on: guard against an unclosed quote
	delim   string
	scratch []string
	feed    *csvFeed // records parsed ahead, once the header is read
}

func newCSVReader(path string, in io.Reader, closer io.Closer, opts Options) (*Reader, error) {
	r := newReader(path, "csv", opts.Printer)
	src, err := openCSV(r, in, closer, opts)
	if err != nil {
		return nil, err
	}
	r.src = src
	if err := r.readHeader(opts); err != nil {
		return nil, err
	}
	src.startFeed()
	return r, nil
}

func openCSV(r *Reader, in io.Reader, closer io.Closer, opts Options) (*csvSource, error) {
	path, p := r.path, r.p
	fail := func(err error) error { return &Error{Path: path, Err: err} }

	raw := bufio.NewReaderSize(in, sniffSize)
	sample, err := raw.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fail(err)
	}
	atEOF := err == io.EOF
	if len(sample) == 0 {
		return nil, fail(sentence(p.Sprintf(msgEmptyFile), ErrEmpty))
	}

	enc := encodingNames[strings.ToLower(strings.TrimSpace(opts.Encoding))]
	var text io.Reader
	switch enc {
	case "":
		enc, err = sniffEncoding(p, sample, atEOF, r.warn)
		if err != nil {
			return nil, fail(err)
		}
	case "utf-16":
		switch {
		case bytes.HasPrefix(sample, bomUTF16BE):
			enc = "utf-16be"
		default:
			enc = "utf-16le"
		}
	case "utf-8":
		if bytes.HasPrefix(sample, bomUTF8) {
			enc = "utf-8-bom"
		}
	}
	explicit := opts.Encoding != "" && !strings.EqualFold(strings.TrimSpace(opts.Encoding), "auto")
	if explicit && !strings.HasPrefix(enc, "utf-16") && looksBinary(sample) {
		return nil, fail(notText(p))
	}
	switch enc {
	case "utf-8", "utf-8-bom":
		if enc == "utf-8-bom" {
			_, _ = raw.Discard(len(bomUTF8))
		}
		text = &utf8Check{r: raw, line: 1, explicit: explicit, p: p}
	case "utf-16le":
		text = transform.NewReader(raw, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	case "utf-16be":
		text = transform.NewReader(raw, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder())
	default: // gb18030, a superset of GBK and GB2312
		enc = "gb18030"
		text = transform.NewReader(raw, simplifiedchinese.GB18030.NewDecoder())
	}
	r.encoding = enc

	tb := bufio.NewReaderSize(text, sniffSize)
	tsample, err := tb.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		var ee *encodingError
		if errors.As(err, &ee) {
			return nil, &Error{Path: path, Row: ee.line, Err: ee}
		}
		return nil, fail(err)
	}
	tEOF := err == io.EOF

	src := &csvSource{path: path, closer: closer, p: p}
	var delim rune
	// Excel's "sep=;" hint line names the delimiter and is not a row.
	if line, _, ok := bytes.Cut(tsample, []byte("\n")); ok || tEOF {
		l := bytes.TrimRight(line, "\r")
		if len(l) == 5 && bytes.HasPrefix(bytes.ToLower(l), []byte("sep=")) && strings.ContainsRune(",;\t|", rune(l[4])) {
			delim = rune(l[4])
			n := len(line)
			if ok {
				n++
			}
			_, _ = tb.Discard(n)
			tsample = tsample[n:]
			src.offset = 1
		}
	}
	var body io.Reader = tb
	// Classic Mac line ends (CR only): encoding/csv splits on LF.
	if !bytes.Contains(tsample, []byte("\n")) && bytes.Contains(tsample, []byte("\r")) {
		body = crToLF{tb}
		tsample = bytes.ReplaceAll(tsample, []byte("\r"), []byte("\n"))
	}
	if delim == 0 {
		delim = sniffDelimiter(tsample, tEOF, enc == "utf-16le" || enc == "utf-16be")
	}
	src.delim = string(delim)
	r.delim = src.delim

	src.guard = &recordGuard{r: body, limit: maxRecordBytes}
	src.next1 = 1 + src.offset
	cr := csv.NewReader(src.guard)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	// LazyQuotes only when the sample has a bare quote in an unquoted field
	// (张"三): strict parsing would turn every such row into an error. In lazy
	// mode an unclosed quote silently swallows the rest of the file, hence
	// the guard in next.
	if line, ok := bareQuoteLine(tsample, tEOF, delim); ok {
		cr.LazyQuotes = true
		src.lazy = true
		r.warn(p.Sprintf(msgBareQuote, strconv.Itoa(line+src.offset)))
	}
	src.cr = cr
	return src, nil
}

// sniffEncoding guesses the encoding from the first bytes: a BOM, else
// valid UTF-8, else GB18030. Binary data is refused.
func sniffEncoding(p *lang.Printer, sample []byte, atEOF bool, warn func(string)) (string, error) {
	switch {
	case bytes.HasPrefix(sample, bomUTF8):
		if looksBinary(sample[3:]) {
			return "", notText(p)
		}
		return "utf-8-bom", nil
	case bytes.HasPrefix(sample, bomUTF16LE):
		return "utf-16le", checkUTF16(p, sample, unicode.LittleEndian)
	case bytes.HasPrefix(sample, bomUTF16BE):
		return "utf-16be", checkUTF16(p, sample, unicode.BigEndian)
	case bytes.HasPrefix(sample, oleMagic):
		return "", sentence(p.Sprintf(msgXLSNotText), ErrUnsupportedFormat)
	case bytes.HasPrefix(sample, zipMagic):
		return "", sentence(p.Sprintf(msgZipNotText), ErrNotText)
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		// UTF-16 without a BOM: ASCII characters leave a zero byte in every
		// other position.
		if e, ok := bomlessUTF16(sample); ok {
			end := unicode.LittleEndian
			name := "utf-16le"
			if e == 'b' {
				end, name = unicode.BigEndian, "utf-16be"
			}
			if err := checkUTF16(p, sample, end); err != nil {
				return "", err
			}
			warn(p.Sprintf(msgUTF16NoBOM, name))
			return name, nil
		}
		return "", notText(p)
	}
	if looksBinary(sample) {
		return "", notText(p)
	}
	if utf8.Valid(trimPartialRune(sample, atEOF)) {
		return "utf-8", nil
	}
	return "gb18030", nil
}

func notText(p *lang.Printer) error { return sentence(p.Sprintf(msgNotText), ErrNotText) }

// looksBinary reports control characters (other than tab, CR, LF, FF and a
// trailing Ctrl-Z) in more than 1% of the bytes, or any NUL.
func looksBinary(b []byte) bool {
	ctl := 0
	for i, c := range b {
		switch {
		case c == 0:
			return true
		case c == '\t' || c == '\n' || c == '\r' || c == '\f':
		case c == 0x1A && i == len(b)-1:
		case c < 0x20 || c == 0x7F:
			ctl++
		}
	}
	return ctl > 0 && ctl*100 > len(b)
}

// checkUTF16 decodes the sample and refuses binary data.
func checkUTF16(p *lang.Printer, sample []byte, e unicode.Endianness) error {
	s := sample[:len(sample)&^1]
	dec, err := unicode.UTF16(e, unicode.UseBOM).NewDecoder().Bytes(s)
	if err != nil {
		return notText(p)
	}
	if looksBinary(dec) || bytes.Count(dec, []byte("\uFFFD"))*50 > utf8.RuneCount(dec)+1 {
		return notText(p)
	}
	return nil
}

// bomlessUTF16 guesses UTF-16 without BOM: 'l' or 'b', ok.
func bomlessUTF16(b []byte) (byte, bool) {
	n := len(b) &^ 1
	if n < 4 {
		return 0, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd*10 >= half*3 && even*20 < half:
		return 'l', true
	case even*10 >= half*3 && odd*20 < half:
		return 'b', true
	}
	return 0, false
}

// trimPartialRune drops an incomplete UTF-8 sequence cut by the end of the
// sample.
func trimPartialRune(b []byte, atEOF bool) []byte {
	if atEOF {
		return b
	}
	for i := 1; i <= utf8.UTFMax-1 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// sniffDelimiter picks `,` `;` or tab: the candidate that appears (outside
// quotes) in the first record and the same number of times in the most of
// the following records; ties go to the larger count, then to `,` (tab
// first for UTF-16, Excel's "Unicode text").
func sniffDelimiter(sample []byte, atEOF, tabFirst bool) rune {
	cands := []byte{',', '\t', ';'}
	if tabFirst {
		cands = []byte{'\t', ',', ';'}
	}
	type counts [3]int
	var recs []counts
	var cur counts
	inQ, content, fieldStart := false, false, true
	for _, c := range sample {
		if inQ {
			if c == '"' {
				inQ = false
			}
			continue
		}
		switch c {
		case '"':
			if fieldStart {
				inQ = true
			}
			content = true
			fieldStart = false
			continue
		case '\n':
			if content {
				recs = append(recs, cur)
				if len(recs) == 50 {
					goto decide
				}
			}
			cur, content, fieldStart = counts{}, false, true
			continue
		}
		k := bytes.IndexByte(cands, c)
		if k >= 0 {
			cur[k]++
			fieldStart = true
			continue
		}
		if c != ' ' && c != '\r' {
			content = true
		}
		fieldStart = false
	}
	if atEOF && content {
		recs = append(recs, cur)
	}
decide:
	if len(recs) == 0 {
		return rune(cands[0])
	}
	best, bestScore, bestCount := -1, -1, -1
	for k := range cands {
		h := recs[0][k]
		if h == 0 {
			continue
		}
		same := 0
		for _, rc := range recs[1:] {
			if rc[k] == h {
				same++
			}
		}
		score := 1000
		if len(recs) > 1 {
			score = same * 1000 / (len(recs) - 1)
		}
		if score > bestScore || (score == bestScore && h > bestCount) {
			best, bestScore, bestCount = k, score, h
		}
	}
	if best < 0 {
		return ','
	}
	return rune(cands[best])
}

// bareQuoteLine parses the complete records of the sample strictly and
// returns the line of the first bare quote in an unquoted field.
func bareQuoteLine(sample []byte, atEOF bool, delim rune) (int, bool) {
	if !atEOF {
		i := bytes.LastIndexByte(sample, '\n')
		if i < 0 {
			return 0, false
		}
		sample = sample[:i+1]
	}
	cr := csv.NewReader(bytes.NewReader(sample))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		_, err := cr.Read()
		if err == io.EOF {
			return 0, false
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote) {
			return pe.StartLine, true
		}
		if err != nil && !errors.As(err, &pe) {
			return 0, false
		}
	}
}

func (s *csvSource) next() (int, []string, error) {
	if s.feed != nil {
		return s.feed.next()
	}
	return s.read()
}

// read parses the next record.
func (s *csvSource) read() (int, []string, error) {
	rec, err := s.cr.Read()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if errors.Is(err, errRecordTooLong) {
		return s.next1, nil, &Error{Path: s.path, Row: s.next1, Err: newMsg(s.p.Sprintf(msgLineTooLong, itoa(maxRecordBytes>>20)), ErrTooLong)}
	}
	if err == nil {
		s.guard.limit = s.guard.n + maxRecordBytes
		if end, _ := s.cr.FieldPos(len(rec) - 1); end > 0 {
			s.next1 = end + s.offset + 1
		}
	}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			var ee *encodingError
			if errors.As(err, &ee) {
				return 0, nil, &Error{Path: s.path, Row: ee.line, Err: ee}
			}
			return 0, nil, &Error{Path: s.path, Err: err}
		}
		start, end := pe.StartLine+s.offset, pe.Line+s.offset
		s.guard.limit, s.next1 = s.guard.n+maxRecordBytes, end+1
		if end > start {
			// The parser consumed lines it cannot give back: rows would be
			// lost, so stop here.
			return start, nil, &Error{Path: s.path, Row: start, Err: newMsg(s.p.Sprintf(msgUnclosed, strconv.Itoa(end)), ErrUnclosedQuote)}
		}
		return start, nil, &Error{Path: s.path, Row: start, Err: newMsg(
			s.p.Sprintf(msgBadLine, quoteProblem(s.p, pe.Err), itoa(pe.Column)),
			ErrBadRecord)}
	}
	line, _ := s.cr.FieldPos(0)
	line += s.offset
	if s.lazy {
		// With LazyQuotes an unclosed quote runs to the end of the file
		// without an error: a cell holding both a line break and the
		// delimiter is the tell-tale.
		for i, f := range rec {
			if strings.Contains(f, "\n") && strings.Contains(f, s.delim) {
				fl, _ := s.cr.FieldPos(i)
				return line, nil, &Error{Path: s.path, Row: fl + s.offset, Err: newMsg(s.p.Sprintf(msgUnclosedLazy), ErrUnclosedQuote)}
			}
		}
	}
	return line, rec, nil
}

func quoteProblem(p *lang.Printer, err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return p.Sprintf(msgBareQuoteWhat)
	case errors.Is(err, csv.ErrQuote):
		return p.Sprintf(msgStrayQuote)
	}
	return err.Error()
}

// cell reads a CSV field. A field a rejects file guarded against running
// as a formula ('=…, '-50) reads as it was before (SPEC §9): a rejects
// file imported unchanged reads exactly like the roster it came from.
func (s *csvSource) cell(_ *Column, v string) validate.Cell {
	return validate.TextCell(validate.UnguardFormula(v))
}

func (s *csvSource) finish() error { return nil }

// csvFeed parses records on a goroutine of its own, a batch ahead of the
// Reader, so that decoding and splitting the text run on one core while
// rows are validated on the other. Only its goroutine touches the
// csv.Reader once it runs.
type csvFeed struct {
	batches chan []csvRecord
	stop    chan struct{}
	done    chan struct{}
	cur     []csvRecord
	end     bool
}

type csvRecord struct {
	line int
	vals []string
	err  error
}

// startFeed starts parsing ahead, once the header is read.
func (s *csvSource) startFeed() {
	f := &csvFeed{batches: make(chan []csvRecord, 4), stop: make(chan struct{}), done: make(chan struct{})}
	s.feed = f
	go func() {
		defer close(f.done)
		defer close(f.batches)
		batch := make([]csvRecord, 0, feedBatch)
		for {
			line, vals, err := s.read()
			if vals != nil {
				vals = slices.Clone(vals) // ReuseRecord: the slice is the parser's
			}
			batch = append(batch, csvRecord{line, vals, err})
			fatal := err != nil && !errors.Is(err, ErrBadRecord)
			if len(batch) < feedBatch && !fatal {
				continue
			}
			select {
			case f.batches <- batch:
			case <-f.stop:
				return
			}
			if fatal {
				return
			}
			batch = make([]csvRecord, 0, feedBatch)
		}
	}()
}

func (f *csvFeed) next() (int, []string, error) {
	for len(f.cur) == 0 {
		if f.end {
			return 0, nil, io.EOF
		}
		b, ok := <-f.batches
		if !ok {
			f.end = true
			continue
		}
		f.cur = b
	}
	r := f.cur[0]
	f.cur = f.cur[1:]
	if r.err != nil && !errors.Is(r.err, ErrBadRecord) {
		f.end, f.cur = true, nil // fatal, or io.EOF: nothing follows
	}
	return r.line, r.vals, r.err
}

func (s *csvSource) close() error {
	if s.feed != nil {
		close(s.feed.stop)
		<-s.feed.done
		s.feed = nil
	}
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}

// crToLF turns classic Mac line ends into LF.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// encodingError is invalid UTF-8 on a line.
type encodingError struct {
	line     int
	explicit bool
	p        *lang.Printer
}

func (e *encodingError) Error() string {
	if e.explicit {
		return e.p.Sprintf(msgNotUTF8)
	}
	return e.p.Sprintf(msgMixedEncoding)
}

func (e *encodingError) Unwrap() error { return ErrEncoding }

// utf8Check passes UTF-8 through and stops with an encodingError naming
// the line of the first invalid byte. The bytes before it are delivered.
type utf8Check struct {
	r        io.Reader
	buf      [32 << 10]byte
	n        int    // bytes in buf
	keep     int    // buf[keep:n] is an incomplete rune kept for the next fill
	ok       []byte // validated, not yet delivered (a slice of buf)
	line     int    // line of the first byte not yet validated
	err      error
	explicit bool
	p        *lang.Printer
}

func (c *utf8Check) Read(p []byte) (int, error) {
	for len(c.ok) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		c.fill()
	}
	n := copy(p, c.ok)
	c.ok = c.ok[n:]
	return n, nil
}

// fill reads more bytes and validates them; it runs only once ok is empty.
func (c *utf8Check) fill() {
	c.n = copy(c.buf[:], c.buf[c.keep:c.n])
	m, err := c.r.Read(c.buf[c.n:])
	c.n += m
	data := c.buf[:c.n]
	end := len(data)
	if err == nil {
		end = len(trimPartialRune(data, false))
	}
	valid := data[:end]
	if !utf8.Valid(valid) {
		i := 0
		for i < len(valid) {
			r, size := utf8.DecodeRune(valid[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		valid = valid[:i]
		err = &encodingError{explicit: c.explicit, p: c.p}
	}
	c.line += bytes.Count(valid, []byte("\n"))
	if ee, ok := err.(*encodingError); ok {
		ee.line = c.line
	}
	c.ok, c.keep = valid, len(valid)
	if err != nil {
		c.err = err
	}
}
