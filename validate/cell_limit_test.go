package validate

import (
	"strings"
	"testing"
)

// A cell longer than Excel's 32,767 characters is invalid in any mapped
// column (SPEC §2), named as such, before the field's own rule.
func TestCellTooLong(t *testing.T) {
	long := strings.Repeat("长", MaxCellChars+1)
	for _, f := range []Field{Cardno, Name, Phone, Subject, Balance} {
		t.Run(f.String(), func(t *testing.T) {
			v := newValidator(t, Options{})
			in := baseInput()
			in.Cells[f] = TextCell(long)
			_, ps := v.Check(in)
			if len(ps) != 1 || ps[0].Field != f || ps[0].Reason != reasonTooLong {
				t.Fatalf("problems %+v", ps)
			}
			if got := ps[0].String(); !strings.Contains(got, `…(32768 chars)": longer than the 32,767 characters`) {
				t.Errorf("message %q", got)
			}
		})
	}
	// At the limit, the field's own rule speaks.
	v := newValidator(t, Options{})
	in := baseInput()
	in.Cells[Subject] = TextCell(strings.Repeat("长", MaxCellChars))
	if _, ps := v.Check(in); len(ps) != 1 || !strings.Contains(ps[0].Reason, "a note has at most 64") {
		t.Errorf("32,767 characters: %+v", ps)
	}
}
