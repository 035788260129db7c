// Package targets is the registry of the platforms cardimport issues cards
// on. Each platform package declares itself once (a platform.Descriptor);
// this list is the only place that names them all. Adding a platform is a
// new package, one line here, and its routes in the sandbox.
package targets

import (
	"strings"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/sandy"
)

// all lists the platforms; the first is the default --target.
var all = []*platform.Descriptor{
	&mb.Descriptor,
	&sandy.Descriptor,
}

// The clients satisfy what the importer consumes.
var (
	_ importer.Platform  = (*mb.Client)(nil)
	_ importer.Checker   = (*mb.Client)(nil)
	_ importer.Generator = (*mb.Client)(nil)
	_ importer.Platform  = (*sandy.Flow)(nil)
	_ importer.Checker   = (*sandy.Flow)(nil)
)

// All returns every platform, the default first.
func All() []*platform.Descriptor { return all }

// Default is the platform of a command line that names none.
func Default() *platform.Descriptor { return all[0] }

// Lookup finds a platform by its --target name, ignoring case.
func Lookup(name string) (*platform.Descriptor, bool) {
	for _, d := range all {
		if strings.EqualFold(d.Name, strings.TrimSpace(name)) {
			return d, true
		}
	}
	return nil, false
}

// Names lists the names for messages: "mb or sandy".
func Names() string {
	names := make([]string, len(all))
	for i, d := range all {
		names[i] = d.Name
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Settings lists the settings of every platform once, in registry order:
// the flags, environment variables and config keys a command offers.
func Settings() []platform.Setting {
	var out []platform.Setting
	seen := map[string]bool{}
	for _, d := range all {
		for _, s := range d.Settings {
			if !seen[s.Key] {
				seen[s.Key] = true
				out = append(out, s)
			}
		}
	}
	return out
}
