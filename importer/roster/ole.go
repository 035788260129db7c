package roster

import (
	"io"

	"github.com/richardlehane/mscfb"
)

// oleError explains an OLE2 compound file (magic D0 CF 11 E0): either an
// Excel 97-2003 workbook or a password-protected .xlsx, which Office stores
// as an EncryptedPackage stream inside the same container.
func oleError(ra io.ReaderAt, ext string) error {
	if isEncryptedOOXML(ra) {
		return sentence("is a password-protected workbook: open it in Excel or WPS, remove the password (File › Info › Protect Workbook) and save it as .xlsx", ErrEncrypted, ErrUnsupportedFormat)
	}
	msg := "is an Excel 97-2003 workbook: open it in Excel or WPS and save it as .xlsx (or CSV)"
	if ext != ".xls" {
		msg = "is an Excel 97-2003 workbook (.xls) although it is named " + ext + ": open it in Excel or WPS and save it as .xlsx (or CSV)"
	}
	return sentence(msg, ErrUnsupportedFormat)
}

// isEncryptedOOXML reports whether the compound file holds the streams of
// an encrypted OOXML package. Damaged containers count as not encrypted.
func isEncryptedOOXML(ra io.ReaderAt) (encrypted bool) {
	defer func() {
		if recover() != nil { // a damaged container must not crash the import
			encrypted = false
		}
	}()
	doc, err := mscfb.New(ra)
	if err != nil {
		return false
	}
	for n := 0; n < 10000; n++ {
		e, err := doc.Next()
		if err != nil {
			return false
		}
		if e.Name == "EncryptedPackage" || e.Name == "EncryptionInfo" {
			return true
		}
	}
	return false
}
