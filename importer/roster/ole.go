package roster

import (
	"io"

	"github.com/richardlehane/mscfb"
)

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
