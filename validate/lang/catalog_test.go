package lang_test

import (
	"slices"
	"strings"
	"testing"

	// Every package that owns messages registers them at init: import
	// them all, so that the walk sees the whole catalogue.
	_ "github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// TestCatalogue walks every message: it must have both languages and the
// same placeholders in each (a Chinese text may reorder them only with
// explicit indexes).
func TestCatalogue(t *testing.T) {
	for _, e := range lang.Entries() {
		if strings.TrimSpace(e.Chinese) == "" {
			t.Errorf("%q has no Chinese", e.Key)
			continue
		}
		want := sorted(lang.Placeholders(e.Key))
		if got := sorted(lang.Placeholders(e.Chinese)); !slices.Equal(got, want) {
			t.Errorf("%q: Chinese %q has placeholders %v, English %v", e.Key, e.Chinese, got, want)
		}
		for _, form := range []string{e.One, e.Other} {
			if form != "" && !slices.Equal(sorted(lang.Placeholders(form)), want) {
				t.Errorf("%q: plural form %q has other placeholders", e.Key, form)
			}
		}
	}
}

func sorted(s []string) []string {
	out := make([]string, len(s))
	for i, p := range s {
		// %[2]d and %d are the same verb for the comparison.
		if j := strings.IndexByte(p, ']'); j > 0 {
			p = "%" + p[j+1:]
		}
		out[i] = p
	}
	slices.Sort(out)
	return out
}
