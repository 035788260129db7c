package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"strings"
)

// The 12-column roster of PERF-NOTES.md: every row valid for mb, each
// with its own card number, in-card code and phone.
var header = []string{"卡号", "密码", "卡内编码", "姓名", "手机号", "性别", "生日", "等级", "余额", "积分", "有效期", "备注"}

// row fills the text of row i (0-based, below the header) into b.
func row(b []string, i int) []string {
	b = b[:0]
	b = append(b,
		pad(i, 8), pad(i%1000000, 6), "E"+strconv.Itoa(i), "会员"+strconv.Itoa(i),
		strconv.Itoa(13800000000+i), [2]string{"男", "女"}[i%2],
		"1990-02-"+pad(1+i%28, 2), strconv.Itoa(1+i%5),
		strconv.Itoa(i%1000)+"."+pad(i%100, 2), strconv.Itoa(i%500), "2030-12-31", "备注 "+strconv.Itoa(i))
	return b
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// genCSV writes rows data rows as UTF-8 CSV.
func genCSV(path string, rows int) error {
	return writeFile(path, func(w *bufio.Writer) error {
		w.WriteString(strings.Join(header, ",") + "\n")
		var b []string
		for i := range rows {
			b = row(b, i)
			for j, v := range b {
				if j > 0 {
					w.WriteByte(',')
				}
				w.WriteString(v)
			}
			w.WriteByte('\n')
		}
		return nil
	})
}

func writeFile(path string, fill func(w *bufio.Writer) error) error {
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// writeXLSX writes a one-sheet workbook at path (through writeFile): the
// fixed parts, then what add writes (the sheet, the shared strings when
// shared). level is the deflate level of the parts Create adds; 0 keeps
// archive/zip's.
func writeXLSX(path string, shared bool, level int, add func(zw *zip.Writer) error) error {
	return writeFile(path, func(bw *bufio.Writer) error {
		zw := zip.NewWriter(bw)
		if level != 0 {
			zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
				return flate.NewWriter(w, level)
			})
		}
		for _, p := range [][2]string{
			{"[Content_Types].xml", contentTypes(shared)},
			{"_rels/.rels", rootRels},
			{"xl/workbook.xml", workbookXML},
			{"xl/_rels/workbook.xml.rels", workbookRels(shared)},
			{"xl/styles.xml", stylesXML},
		} {
			w, err := zw.Create(p[0])
			if err != nil {
				return err
			}
			if _, err := io.WriteString(w, p[1]); err != nil {
				return err
			}
		}
		if err := add(zw); err != nil {
			return err
		}
		return zw.Close()
	})
}

// Column kinds of the xlsx roster, as Excel stores a typed roster: text,
// numbers (phone, level, balance, points) and a date cell (birthday).
const (
	kText = iota
	kNumber
	kDate
)

var xlsxKinds = [12]int{kText, kText, kText, kText, kNumber, kText, kDate, kNumber, kNumber, kNumber, kText, kText}

// genXLSX writes the roster as an .xlsx: with shared strings every text
// cell is an index into xl/sharedStrings.xml, as Excel and WPS save it;
// without, every text cell is an inline string, as openpyxl writes.
func genXLSX(path string, rows int, shared bool) error {
	return writeXLSX(path, shared, flate.BestSpeed, func(zw *zip.Writer) error {
		return addRoster(zw, rows, shared)
	})
}

// addRoster adds genXLSX's sheet and shared strings.
func addRoster(zw *zip.Writer, rows int, shared bool) error {
	sw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(sw, 1<<20)
	var sst []string // shared strings in index order
	index := map[string]int{}
	text := func(s string) {
		if !shared {
			w.WriteString(`" t="inlineStr"><is><t>`)
			xmlEscape(w, s)
			w.WriteString(`</t></is></c>`)
			return
		}
		k, ok := index[s]
		if !ok {
			k = len(sst)
			sst = append(sst, s)
			index[s] = k
		}
		w.WriteString(`" t="s"><v>`)
		w.WriteString(strconv.Itoa(k))
		w.WriteString(`</v></c>`)
	}
	w.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<dimension ref="A1:L` + strconv.Itoa(rows+1) + `"/><sheetData>`)
	var b []string
	for i := -1; i < rows; i++ {
		n := strconv.Itoa(i + 2)
		w.WriteString(`<row r="` + n + `">`)
		if i < 0 {
			b = append(b[:0], header...)
		} else {
			b = row(b, i)
		}
		for j, v := range b {
			w.WriteString(`<c r="`)
			w.WriteByte(byte('A' + j))
			w.WriteString(n)
			if i < 0 || xlsxKinds[j] == kText {
				text(v)
				continue
			}
			switch xlsxKinds[j] {
			case kNumber:
				w.WriteString(`"><v>` + v + `</v></c>`)
			case kDate:
				day, _ := strconv.Atoi(v[len(v)-2:])
				w.WriteString(`" s="1"><v>` + strconv.Itoa(32904+day) + `</v></c>`) // 1990-02-DD
			}
		}
		w.WriteString(`</row>`)
	}
	w.WriteString(`</sheetData></worksheet>`)
	if err := w.Flush(); err != nil {
		return err
	}
	if shared {
		ss, err := zw.Create("xl/sharedStrings.xml")
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(ss, 1<<20)
		w.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="` + strconv.Itoa(len(sst)) +
			`" uniqueCount="` + strconv.Itoa(len(sst)) + `">`)
		for _, s := range sst {
			w.WriteString(`<si><t>`)
			xmlEscape(w, s)
			w.WriteString(`</t></si>`)
		}
		w.WriteString(`</sst>`)
		return w.Flush()
	}
	return nil
}

func xmlEscape(w *bufio.Writer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			w.WriteString("&lt;")
		case '>':
			w.WriteString("&gt;")
		case '&':
			w.WriteString("&amp;")
		default:
			w.WriteByte(c)
		}
	}
}

func contentTypes(shared bool) string {
	s := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
	if shared {
		s += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
	}
	return s + `</Types>`
}

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
	`<workbookPr/><sheets><sheet name="会员" sheetId="1" r:id="rId1"/></sheets></workbook>`

func workbookRels(shared bool) string {
	s := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
	if shared {
		s += `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	return s + `</Relationships>`
}

const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
	`<borders count="1"><border/></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`</styleSheet>`

// genZipBomb writes a small .xlsx whose sheet inflates to size bytes of
// white space before any row: the same deflate block of spaces repeated,
// so that writing it costs no compression time.
func genZipBomb(path string, size int64) error {
	const chunk = 1 << 20
	var blk bytes.Buffer
	fw, _ := flate.NewWriter(&blk, flate.BestCompression)
	fw.Write(bytes.Repeat([]byte(" "), chunk))
	fw.Flush() // byte-aligned, not final: the block can be repeated
	block := blk.Bytes()
	var tail bytes.Buffer
	fw2, _ := flate.NewWriter(&tail, flate.BestCompression)
	end := `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>卡号</t></is></c></row></sheetData></worksheet>`
	fw2.Write([]byte(end))
	fw2.Close()
	head := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	var headZ bytes.Buffer
	fw3, _ := flate.NewWriter(&headZ, flate.BestCompression)
	fw3.Write([]byte(head))
	fw3.Flush()

	n := size / chunk
	crc := crc32.Update(0, crc32.IEEETable, []byte(head))
	spaces := bytes.Repeat([]byte(" "), chunk)
	for range n {
		crc = crc32.Update(crc, crc32.IEEETable, spaces)
	}
	crc = crc32.Update(crc, crc32.IEEETable, []byte(end))
	usize := uint64(len(head)) + uint64(n)*chunk + uint64(len(end))
	csize := uint64(headZ.Len()) + uint64(n)*uint64(len(block)) + uint64(tail.Len())

	return writeXLSX(path, false, 0, func(zw *zip.Writer) error {
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
			CompressedSize64: csize, UncompressedSize64: usize,
		})
		if err != nil {
			return err
		}
		w.Write(headZ.Bytes())
		for range n {
			w.Write(block)
		}
		_, err = w.Write(tail.Bytes())
		return err
	})
}

// genManyStrings writes a small .xlsx whose shared-strings table holds n
// one-character strings, and a sheet of two rows that uses two of them.
func genManyStrings(path string, n int) error {
	return writeXLSX(path, true, flate.BestCompression, func(zw *zip.Writer) error {
		w, err := zw.Create("xl/worksheets/sheet1.xml")
		if err != nil {
			return err
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
			`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>`+strconv.Itoa(n-1)+`</v></c></row></sheetData></worksheet>`)
		w, err = zw.Create("xl/sharedStrings.xml")
		if err != nil {
			return err
		}
		sw := bufio.NewWriterSize(w, 1<<20)
		sw.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		sw.WriteString(`<si><t>卡号</t></si>`)
		for range n - 1 {
			sw.WriteString(`<si><t>x</t></si>`)
		}
		sw.WriteString(`</sst>`)
		return sw.Flush()
	})
}

// genLongLine writes a CSV whose second line is one cell of size bytes.
func genLongLine(path string, size int) error {
	return writeFile(path, func(w *bufio.Writer) error {
		w.WriteString(strings.Join(header, ",") + "\n")
		line := bytes.Repeat([]byte("a"), 1<<20)
		for n := 0; n < size; n += len(line) {
			w.Write(line)
		}
		w.WriteString("\n")
		return nil
	})
}

// genWideCSV writes a CSV whose header has cols columns, all named like
// card fields, and one row.
func genWideCSV(path string, cols int) error {
	return writeFile(path, func(w *bufio.Writer) error {
		for _, line := range []string{"余额备用", "1"} {
			for i := range cols {
				if i > 0 {
					w.WriteByte(',')
				}
				w.WriteString(line)
				w.WriteString(strconv.Itoa(i))
			}
			w.WriteByte('\n')
		}
		return nil
	})
}
