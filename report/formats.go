package report

import (
	"io"
	"slices"
	"strings"

	"github.com/cardimport/cardimport/validate/lang"
)

// format is one file format cardimport writes, named by its extension, with
// the outputs it can hold. Which outputs accept it, and in which order of
// preference, is said by ReportFormats, GeneratedFormats, RejectsFormats and
// TemplateFormats.
type format struct {
	ext string // lower case, with its dot

	newReport     func(af *AtomicFile, cols []colSpec, p *lang.Printer) (formatWriter, error)
	writeRejects  func(r *Rejects, out io.Writer) error
	writeTemplate func(out io.Writer, cols []TemplateColumn, p *lang.Printer) error
}

// The formats cardimport writes.
var (
	csvFormat  = &format{ext: ".csv", newReport: newCSVWriter, writeRejects: (*Rejects).composeCSV, writeTemplate: csvTemplate}
	xlsxFormat = &format{ext: ".xlsx", newReport: newXLSXWriter, writeRejects: (*Rejects).composeXLSX, writeTemplate: xlsxTemplate}
	jsonFormat = &format{ext: ".json", newReport: newJSONWriter}
)

// Formats are the formats one kind of output accepts, the default first.
// Checks, error messages and help text about an output's formats are all
// derived from its Formats.
type Formats struct {
	output string // the kind of output, in messages (a message key): "report", "rejects", …
	list   []*format
}

// The formats each kind of output accepts, the default first.
var (
	// ReportFormats are the formats of the reconciliation report (Create).
	ReportFormats = Formats{labelReport, []*format{csvFormat, xlsxFormat, jsonFormat}}
	// GeneratedFormats are the formats of a generate-mode report (Create
	// with Options.Generated).
	GeneratedFormats = Formats{labelReport, []*format{csvFormat, xlsxFormat, jsonFormat}}
	// RejectsFormats are the formats of the rejects file (CreateRejects):
	// those the roster reader reads back.
	RejectsFormats = Formats{labelRejects, []*format{csvFormat, xlsxFormat}}
	// TemplateFormats are the formats of the roster template
	// (WriteTemplate), the workbook first.
	TemplateFormats = Formats{labelTemplate, []*format{xlsxFormat, csvFormat}}
)

var (
	labelTemplate    = lang.Msg("template", "模板")
	msgUnknownFormat = lang.Msg("%s %s: unknown format %q, use one of %s", "%s %s：不支持 %q 格式，请用 %s 之一")
)

// Ext returns the extension of path, lower case and with its dot, or ""
// when its last element has none. Both / and \ end a folder name, so that a
// Windows path reads the same everywhere.
func Ext(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 || strings.ContainsAny(path[i:], `/\`) {
		return ""
	}
	return strings.ToLower(path[i:])
}

// Exts returns the accepted extensions, the default first.
func (fs Formats) Exts() []string {
	exts := make([]string, len(fs.list))
	for i, f := range fs.list {
		exts[i] = f.ext
	}
	return exts
}

// Default returns the extension used when the user names no file.
func (fs Formats) Default() string { return fs.list[0].ext }

// Accepts reports whether path's extension (any case) is one of the
// formats.
func (fs Formats) Accepts(path string) bool { return fs.lookup(path) != nil }

// Choices lists the extensions for a sentence in p's language: ".csv,
// .xlsx or .json", ".csv、.xlsx 或 .json".
func (fs Formats) Choices(p *lang.Printer) string {
	return JoinOr(p, fs.Exts())
}

// lookup returns the format of path, or nil.
func (fs Formats) lookup(path string) *format {
	ext := Ext(path)
	i := slices.IndexFunc(fs.list, func(f *format) bool { return f.ext == ext })
	if i < 0 {
		return nil
	}
	return fs.list[i]
}

// formatOf returns the format of path, or an error in p's language naming
// the formats the output accepts.
func (fs Formats) formatOf(p *lang.Printer, path string) (*format, error) {
	if f := fs.lookup(path); f != nil {
		return f, nil
	}
	return nil, p.Errorf(msgUnknownFormat, p.Sprintf(fs.output), path, Ext(path), strings.Join(fs.Exts(), p.ListSep()))
}
