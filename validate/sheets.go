package validate

import "github.com/cardimport/cardimport/validate/lang"

// NotesSheet is the sheet of notes a roster template carries beside its
// table (说明 in Chinese): the template writes it, the roster reader knows
// it holds no rows.
var NotesSheet = lang.Msg("notes", "说明")

// IsNotesSheet reports whether a sheet is a template's notes sheet, in
// either language.
func IsNotesSheet(name string) bool {
	return name == NotesSheet || name == lang.New(lang.Chinese).Sprintf(NotesSheet)
}
