package roster

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/richardlehane/mscfb"

	"github.com/cardimport/cardimport/validate/lang"
)

// What the .xls reader says, in English or Chinese.
var (
	msgEncrypted  = lang.Msg("is a password-protected workbook: open it in Excel or WPS, remove the password (File › Info › Protect Workbook) and save it as .xlsx", "是加了密码的工作簿：请用 Excel 或 WPS 打开，去掉密码（文件 › 信息 › 保护工作簿）后另存为 .xlsx")
	msgNotExcel   = lang.Msg("is an Office compound file but not an Excel workbook (a Word or PowerPoint document?): export the roster from Excel or WPS as .xlsx or CSV", "是 Office 复合文档，但不是 Excel 工作簿（是 Word 或 PowerPoint 文档吗？）：请从 Excel 或 WPS 把名单导出为 .xlsx 或 CSV")
	msgExcel95    = lang.Msg("is an Excel 5.0/95 workbook, older than this program reads: open it in Excel or WPS and save it as .xlsx (or CSV)", "是 Excel 5.0/95 工作簿，太旧了，本程序读不了：请用 Excel 或 WPS 打开，另存为 .xlsx（或 CSV）")
	msgXLSNamed   = lang.Msg("%s is an Excel 97-2003 workbook (.xls) with a %s name; reading it as .xls", "%s 其实是 Excel 97-2003 工作簿（.xls），只是扩展名是 %s；按 .xls 读取")
	msgManyShared = lang.Msg("has more than %s shared strings for a file of %s, more than a real workbook of that size holds: "+
		"it is damaged or hostile, not a roster; open it in Excel or WPS and save it again",
		"在 %[2]s 大的文件里有超过 %[1]s 个共享字符串，这么大的真实工作簿不会有这么多：文件已损坏或被人动了手脚，不是名单；请用 Excel 或 WPS 打开后重新保存")
	msgNoSheet    = lang.Msg("has no sheet", "里面没有工作表")
	msgXLSDamaged = lang.Msg("is damaged: it is an Excel 97-2003 workbook (.xls) that cannot be read (%v); open it in Excel or WPS and save it as .xlsx (or CSV)", "已损坏：是读不了的 Excel 97-2003 工作簿（.xls）（%v）；请用 Excel 或 WPS 打开，另存为 .xlsx（或 CSV）")
)

// openXLS reads an OLE2 compound file: an Excel 97-2003 workbook (BIFF8,
// biff.go), or refuses it with what to do: a password-protected .xlsx
// (Office keeps those in the same container), an encrypted .xls, an Excel
// 5.0/95 workbook, another Office document. ext is the file's extension:
// a workbook named otherwise than .xls is read with a warning.
func openXLS(path string, f *os.File, size int64, ext string, opts Options) (*Reader, error) {
	p := opts.Printer
	r := newReader(path, "xls", p)
	fail := func(err error) (*Reader, error) { return nil, &Error{Path: path, Err: err} }
	if isEncryptedOOXML(f) {
		return fail(sentence(p.Sprintf(msgEncrypted), ErrEncrypted, ErrUnsupportedFormat))
	}
	wb, kind, err := workbookStream(f)
	if err != nil {
		return fail(xlsDamaged(p, err))
	}
	switch kind {
	case "":
		return fail(sentence(p.Sprintf(msgNotExcel), ErrUnsupportedFormat))
	case "Book":
		return fail(sentence(p.Sprintf(msgExcel95), ErrUnsupportedFormat))
	}
	if ext != ".xls" {
		r.warn(p.Sprintf(msgXLSNamed, path, ext))
	}
	stream := &safeStream{f: wb}
	recs := newBIFFRecords(stream)
	g, err := readGlobals(recs, maxSharedStrings(size))
	switch {
	case errors.Is(err, errOldBIFF):
		return fail(sentence(p.Sprintf(msgExcel95), ErrUnsupportedFormat))
	case errors.Is(err, errTooManyStrings):
		return fail(sentence(p.Sprintf(msgManyShared, itoa(maxSharedStrings(size)), byteSize(size)), ErrCorrupt))
	case err != nil:
		return fail(xlsDamaged(p, err))
	case g.encrypted:
		return fail(sentence(p.Sprintf(msgEncrypted), ErrEncrypted, ErrUnsupportedFormat))
	}
	src := &xlsxSource{path: path, kind: "xls", size: size, sst: g.sst, date1904: g.date1904, styles: g.styles(), warn: r.warn, p: p, file: f}
	ok := false
	defer func() {
		if !ok {
			src.close()
		}
	}()
	if len(g.sheets) == 0 {
		return fail(sentence(p.Sprintf(msgNoSheet), ErrNoSheet, ErrEmpty))
	}
	si, err := chooseSheetIn(p, g.sheets, opts.Sheet, r.warn)
	if err != nil {
		return fail(err)
	}
	r.sheet, src.sheet = si.name, si.name
	var off int64 = -1
	for i := range g.sheets {
		if g.sheets[i].name == si.name {
			off = g.offsets[i]
			break
		}
	}
	if _, err := stream.Seek(off, io.SeekStart); err != nil {
		return fail(xlsDamaged(p, err))
	}
	sheet, err := newBIFFSheet(newBIFFRecords(stream), g.sst, nil)
	if err != nil {
		return fail(xlsDamaged(p, err))
	}
	src.scan = sheet
	r.src = src
	if err := r.readHeader(opts); err != nil {
		return nil, err
	}
	src.sample(r)
	src.startFeed()
	ok = true
	return r, nil
}

// workbookStream finds the workbook stream of a compound file: "Workbook"
// (BIFF8) or "Book" (BIFF5 and older); kind "" when it has neither.
// mscfb may panic on a damaged container: that is an error too.
func workbookStream(ra io.ReaderAt) (f *mscfb.File, kind string, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, kind, err = nil, "", fmt.Errorf("the compound file is damaged (%v)", r)
		}
	}()
	doc, err := mscfb.New(ra)
	if err != nil {
		return nil, "", err
	}
	for n := 0; n < 10000; n++ {
		e, err := doc.Next()
		if err == io.EOF {
			return nil, kind, nil
		}
		if err != nil {
			return nil, "", err
		}
		switch e.Name {
		case "Workbook", "WORKBOOK":
			return e, "Workbook", nil
		case "Book", "BOOK":
			kind = "Book"
		}
	}
	return nil, kind, nil
}

// xlsDamaged is the error of an .xls that cannot be read.
func xlsDamaged(p *lang.Printer, err error) error {
	return sentence(p.Sprintf(msgXLSDamaged, err), ErrCorrupt, err)
}

// safeStream reads the workbook stream, turning a panic of mscfb on a
// damaged container into an error.
type safeStream struct{ f *mscfb.File }

func (s *safeStream) Read(p []byte) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("the compound file is damaged (%v)", r)
		}
	}()
	return s.f.Read(p)
}

func (s *safeStream) Seek(off int64, whence int) (n int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("the compound file is damaged (%v)", r)
		}
	}()
	return s.f.Seek(off, whence)
}
