package roster

import (
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// The header row: finding it, mapping its columns to fields (--map,
// --ignore-column, the aliases), and the checks Require makes before an
// import: no column that looks like card data left out, every required
// field present.

// Require checks that the header is fit for an import that needs fields,
// before anything is sent. First, no column may look like a card field
// without naming one (validate.Resembles: 充值金额, 手机号吗): its values
// would be dropped silently, so the error (ErrLooksLikeField) names every
// such column and the two ways out, --map and --ignore-column. Then every
// field of fields must have a column (ErrMissingColumn); the error names
// each missing field with the headers that would match it, and the headers
// the roster has.
func (r *Reader) Require(fields []validate.Field) error {
	return inLanguage(r.p, r.require(fields))
}

func (r *Reader) require(fields []validate.Field) error {
	p := r.p
	if err := r.lookalikeError(); err != nil {
		return err
	}
	var missing []string
	for _, f := range fields {
		if f < 0 || f >= validate.NumFields || r.byField[f] >= 0 {
			continue
		}
		m := p.Sprintf(msgMissingField, fieldName(p, f), strings.Join(f.Aliases(), p.ListSep()))
		for _, c := range r.columns {
			if g, ok := validate.LookupHeader(c.Name); ok && g == f && c.Ignored {
				m += p.Sprintf(msgMissingIgnored, c.describeIn(p), shellArg(c.Name))
			}
		}
		missing = append(missing, m)
	}
	if len(missing) == 0 {
		return nil
	}
	key := msgMissingColumn
	if len(missing) > 1 {
		key = msgMissingColumns
	}
	partSep := "; "
	if p.Chinese() {
		partSep = "；"
	}
	msg := p.Sprintf(key, strings.Join(missing, partSep), r.at(r.headerLine), r.headerList())
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
	p := r.p
	if len(r.lookalikes) == 1 {
		l := r.lookalikes[0]
		c := r.columns[l.col]
		msg := p.Sprintf(msgLooksLike,
			likeness(p, l.like), mapArg(p, c.Name, l.like[0].Field), fieldName(p, l.like[0].Field), ignoreArg(p, c.Name))
		col := c.Letter + " (" + validate.ShowValueIn(p, c.Name) + ")"
		if p.Chinese() {
			col = c.Letter + "列（" + validate.ShowValueIn(p, c.Name) + "）"
		}
		return &Error{Path: r.path, Sheet: r.sheet, Row: r.headerLine, Column: col, Err: newMsg(msg, ErrLooksLikeField)}
	}
	var b strings.Builder
	b.WriteString(p.Sprintf(msgLookAlikes, itoa(len(r.lookalikes))))
	for i, l := range r.lookalikes {
		if i == maxListed {
			b.WriteString(p.Sprintf(msgLookAlikesMore, itoa(len(r.lookalikes)-i)))
			break
		}
		c := r.columns[l.col]
		b.WriteString(p.Sprintf(msgLookAlikeItem, c.describeIn(p), likeness(p, l.like), mapArg(p, c.Name, l.like[0].Field), ignoreArg(p, c.Name)))
	}
	return &Error{Path: r.path, Sheet: r.sheet, Row: r.headerLine, Err: newMsg(b.String(), ErrLooksLikeField)}
}

// likeness says which fields a column looks like and why:
// "cardno or balance (it contains card and balance)",
// "卡号或余额（列名里有 card 和 balance）".
func likeness(p *lang.Printer, ls []validate.Likeness) string {
	var fields, contains, typos []string
	for _, l := range ls {
		fields = append(fields, fieldName(p, l.Field))
		if l.Typo {
			typos = append(typos, l.Word)
		} else {
			contains = append(contains, l.Word)
		}
	}
	var why []string
	if len(contains) > 0 {
		why = append(why, p.Sprintf(msgContains, joinWords(p, contains, true)))
	}
	if len(typos) > 0 {
		why = append(why, p.Sprintf(msgOneCharFrom, joinWords(p, typos, false)))
	}
	if p.Chinese() {
		return joinWords(p, fields, false) + "（" + strings.Join(why, "；") + "）"
	}
	return joinWords(p, fields, false) + " (" + strings.Join(why, "; ") + ")"
}

// joinWords joins "a", "a or b", "a, b or c" (and, when and is set);
// "a、b 或 c" in Chinese.
func joinWords(p *lang.Printer, ws []string, and bool) string {
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	conj := " or "
	switch {
	case p.Chinese() && and:
		conj = " 和 "
	case p.Chinese():
		conj = " 或 "
	case and:
		conj = " and "
	}
	return strings.Join(ws[:len(ws)-1], p.ListSep()) + conj + ws[len(ws)-1]
}

// mapArg suggests --map for a column; in Chinese it names the field by
// its Chinese header, which --map takes as well.
func mapArg(p *lang.Printer, col string, f validate.Field) string {
	return "--map " + shellArg(validate.ShowValueIn(p, col)+"="+fieldName(p, f))
}

// ignoreArg suggests --ignore-column for a column; a header too long to
// show whole is shortened, as in every message.
func ignoreArg(p *lang.Printer, col string) string {
	return "--ignore-column " + shellArg(validate.ShowValueIn(p, col))
}

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
			return &Error{Path: r.path, Sheet: r.sheet, Err: newMsg(r.p.Sprintf(msgSheetNoRow), ErrEmpty)}
		}
		return &Error{Path: r.path, Err: sentence(r.p.Sprintf(msgNoRow), ErrEmpty)}
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
			r.warn(r.p.Sprintf(r.rowMsg(msgRowTitle, msgLineTitle),
				strconv.Itoa(line), validate.ShowValueIn(r.p, strings.TrimFunc(header[lastNonBlank(header)], isBlankRune)), strconv.Itoa(line2)))
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
		return &Error{Path: r.path, Sheet: r.sheet, Row: line, Err: newMsg(r.p.Sprintf(msgHeaderTooWide, itoa(len(header)), itoa(maxColumns)), ErrTooLong)}
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
	p := r.p

	viaMap := make([]bool, len(cols))
	for _, key := range sortedKeys(opts.Map) {
		fname := opts.Map[key]
		f, ok := validate.ParseField(fname)
		if !ok {
			return errAt(newMsg(p.Sprintf(msgMapNotAField, key, fname, fname, fieldList(p)), ErrBadMap))
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
			return errAt(newMsg(p.Sprintf(msgMapNoColumn, key, fname, key, r.headerList()), ErrBadMap))
		case len(hits) > 1:
			return errAt(newMsg(p.Sprintf(msgMapManyColumns, key, fname, itoa(len(hits)), key, r.letters(hits)), ErrDuplicateColumn))
		}
		i := hits[0]
		if viaMap[i] {
			return errAt(newMsg(p.Sprintf(msgMapTwoFields, cols[i].describeIn(p), fieldName(p, cols[i].Field), fieldName(p, f)), ErrBadMap))
		}
		if o := r.byField[f]; o >= 0 {
			return errAt(newMsg(p.Sprintf(msgMapTwoColumns, fieldName(p, f), cols[o].describeIn(p), cols[i].describeIn(p)), ErrDuplicateColumn))
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
			return errAt(newMsg(p.Sprintf(msgIgnoreNoColumn, ignoreArg(p, key), key, r.headerList()), ErrBadOption))
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
			r.warn(p.Sprintf(msgMoreUnknown, itoa(unknown-maxListed)))
		}
	}()
	for i := range cols {
		c := &cols[i]
		if viaMap[i] {
			continue
		}
		if c.Name == "" {
			unknownWarn(p.Sprintf(msgNoHeader, c.Letter))
			continue
		}
		f, ok := validate.LookupHeader(c.Name)
		if c.Ignored {
			if ok {
				r.warn(p.Sprintf(msgIgnoredField, c.describeIn(p), fieldName(p, f)))
			}
			continue
		}
		if !ok && validate.IsReasonColumn(c.Name) {
			continue // a rejects file's own column, read back
		}
		if !ok {
			if like := validate.Resembles(c.Name); len(like) > 0 {
				r.lookalikes = append(r.lookalikes, lookalike{col: i, like: like})
				unknownWarn(p.Sprintf(msgUnknownLookalike, c.describeIn(p), likeness(p, like)))
				continue
			}
			unknownWarn(p.Sprintf(msgUnknownColumn, c.describeIn(p)))
			continue
		}
		if o := r.byField[f]; o >= 0 {
			if viaMap[o] {
				r.warn(p.Sprintf(msgMappedElsewhere, c.describeIn(p), fieldName(p, f), fieldName(p, f), cols[o].describeIn(p), validate.ShowValueIn(p, c.Name)))
				continue
			}
			return errAt(newMsg(p.Sprintf(msgDuplicateField,
				cols[o].describeIn(p), c.describeIn(p), fieldName(p, f), mapArg(p, cols[o].Name, f), ignoreArg(p, c.Name)), ErrDuplicateColumn))
		}
		c.Field = f
		r.byField[f] = i
	}
	return nil
}

// describe names a column the way messages do: 会员来源 (D); a long name
// is shortened.
func (c Column) describe() string { return c.describeIn(nil) }

// describeIn is describe in p's language: 会员来源（D列）in Chinese.
func (c Column) describeIn(p *lang.Printer) string {
	switch {
	case c.Name == "" && p.Chinese():
		return c.Letter + "列"
	case c.Name == "":
		return c.Letter
	case p.Chinese():
		return validate.ShowValueIn(p, c.Name) + "（" + c.Letter + "列）"
	}
	return validate.ShowValue(c.Name) + " (" + c.Letter + ")"
}

// headerList lists the header's names for a message, the first maxListed.
func (r *Reader) headerList() string {
	var hs []string
	for _, c := range r.columns {
		if c.Name != "" {
			hs = append(hs, validate.ShowValueIn(r.p, c.Name))
		}
		if len(hs) == maxListed {
			hs = append(hs, r.p.Sprintf(msgColumnsMore, itoa(len(r.columns))))
			break
		}
	}
	return strings.Join(hs, r.p.ListSep())
}

func (r *Reader) letters(idx []int) string {
	ls := make([]string, len(idx))
	for i, j := range idx {
		ls[i] = r.columns[j].Letter
	}
	return strings.Join(ls, r.p.ListSep())
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
