package roster

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/richardlehane/mscfb"
)

// openXLS reads an OLE2 compound file: an Excel 97-2003 workbook (BIFF8,
// biff.go), or refuses it with what to do: a password-protected .xlsx
// (Office keeps those in the same container), an encrypted .xls, an Excel
// 5.0/95 workbook, another Office document. ext is the file's extension:
// a workbook named otherwise than .xls is read with a warning.
func openXLS(path string, f *os.File, size int64, ext string, opts Options) (*Reader, error) {
	r := newReader(path, "xls")
	fail := func(err error) (*Reader, error) { return nil, &Error{Path: path, Err: err} }
	if isEncryptedOOXML(f) {
		return fail(sentence("is a password-protected workbook: open it in Excel or WPS, remove the password (File › Info › Protect Workbook) and save it as .xlsx", ErrEncrypted, ErrUnsupportedFormat))
	}
	wb, kind, err := workbookStream(f)
	if err != nil {
		return fail(xlsDamaged(err))
	}
	switch kind {
	case "":
		return fail(sentence("is an Office compound file but not an Excel workbook (a Word or PowerPoint document?): export the roster from Excel or WPS as .xlsx or CSV", ErrUnsupportedFormat))
	case "Book":
		return fail(sentence("is an Excel 5.0/95 workbook, older than this program reads: open it in Excel or WPS and save it as .xlsx (or CSV)", ErrUnsupportedFormat))
	}
	if ext != ".xls" {
		r.warn(fmt.Sprintf("%s is an Excel 97-2003 workbook (.xls) with a %s name; reading it as .xls", path, ext))
	}
	stream := &safeStream{f: wb}
	recs := newBIFFRecords(stream)
	g, err := readGlobals(recs, maxSharedStrings(size))
	switch {
	case errors.Is(err, errOldBIFF):
		return fail(sentence("is an Excel 5.0/95 workbook, older than this program reads: open it in Excel or WPS and save it as .xlsx (or CSV)", ErrUnsupportedFormat))
	case errors.Is(err, errTooManyStrings):
		return fail(sentence(fmt.Sprintf("has more than %d shared strings for a file of %s, more than a real workbook of that size holds: "+
			"it is damaged or hostile, not a roster; open it in Excel or WPS and save it again", maxSharedStrings(size), byteSize(size)), ErrCorrupt))
	case err != nil:
		return fail(xlsDamaged(err))
	case g.encrypted:
		return fail(sentence("is a password-protected workbook: open it in Excel or WPS, remove the password (File › Info › Protect Workbook) and save it as .xlsx", ErrEncrypted, ErrUnsupportedFormat))
	}
	src := &xlsxSource{path: path, kind: "xls", size: size, sst: g.sst, date1904: g.date1904, styles: g.styles(), warn: r.warn}
	ok := false
	defer func() {
		if !ok {
			src.close()
		}
	}()
	if len(g.sheets) == 0 {
		return fail(sentence("has no sheet", ErrNoSheet, ErrEmpty))
	}
	si, err := chooseSheet(g.sheets, opts.Sheet, r.warn)
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
		return fail(xlsDamaged(err))
	}
	sheet, err := newBIFFSheet(newBIFFRecords(stream), g.sst, nil)
	if err != nil {
		return fail(xlsDamaged(err))
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
func xlsDamaged(err error) error {
	return sentence("is damaged: it is an Excel 97-2003 workbook (.xls) that cannot be read ("+err.Error()+"); open it in Excel or WPS and save it as .xlsx (or CSV)", ErrCorrupt, err)
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
