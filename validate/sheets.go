package validate

import "github.com/cardimport/cardimport/validate/lang"

// NotesSheet is the sheet of notes a roster template carries beside its
// table (说明 in Chinese): the template writes it, the roster reader knows
// it holds no rows.
var NotesSheet = lang.Msg("notes", "说明")

// ReasonColumn is the last column of a rejects file, why its row was
// rejected: the rejects writer adds it, and the roster reader leaves it out
// without a warning when the file is imported again.
const ReasonColumn = "错误原因"

// IsReasonColumn reports whether a header is ReasonColumn, compared as
// headers are (FoldHeader).
func IsReasonColumn(header string) bool {
	return FoldHeader(header) == FoldHeader(ReasonColumn)
}

// IsNotesSheet reports whether a sheet is a template's notes sheet, in
// either language.
func IsNotesSheet(name string) bool {
	return name == NotesSheet || name == lang.New(lang.Chinese).Sprintf(NotesSheet)
}
