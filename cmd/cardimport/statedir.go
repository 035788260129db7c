package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// The words of the state folder.
var (
	msgNoStateDir = lang.Msg("no state folder: HOME is not set; give the journal's path with --journal or CARDIMPORT_JOURNAL",
		"找不到存放发卡记录的文件夹：没有设置 HOME；请用 --journal 或 CARDIMPORT_JOURNAL 指定发卡记录的路径")
	msgOldJournal = lang.Msg("a journal of an earlier cardimport is beside the report: %s; this run keeps its journal in %s. "+
		"To go on with the earlier one, pass --journal %s",
		"报告旁边有旧版 cardimport 留下的发卡记录：%s；本次运行的发卡记录在 %s。如果要接着用旧的记录，请加上 --journal %s")
)

// stateDir is where journals live by default (SPEC §6): the user's state
// folder, so that moving the report or running from another folder never
// forgets what was issued. It reads the environment through e, so that
// tests (and a service manager) can point it elsewhere.
func stateDir(e *env) (string, error) {
	home := e.getenv("HOME")
	switch runtime.GOOS {
	case "windows":
		if d := e.getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "cardimport"), nil
		}
		home = e.getenv("USERPROFILE")
		if home != "" {
			return filepath.Join(home, "AppData", "Local", "cardimport"), nil
		}
	case "darwin":
		if home != "" {
			return filepath.Join(home, "Library", "Application Support", "cardimport"), nil
		}
	default:
		if d := e.getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "cardimport"), nil
		}
		if home != "" {
			return filepath.Join(home, ".local", "state", "cardimport"), nil
		}
	}
	return "", e.lang.Errorf(msgNoStateDir)
}

// journalPath is the journal a command uses: --journal (or
// CARDIMPORT_JOURNAL, or the config file) when given, else one file per
// platform and merchant in the state folder: mb-<gpid>-<msid>.db,
// sandy-<guid>.db, sandbox-mb.db for the built-in simulator.
func journalPath(e *env, given string, d *platform.Descriptor, endpoint string, settings map[string]string) (path string, isDefault bool, err error) {
	if given != "" {
		return given, false, nil
	}
	dir, err := stateDir(e)
	if err != nil {
		return "", false, err
	}
	name := "sandbox-" + d.Name
	if endpoint != "sandbox" {
		name = d.Name
		for _, s := range d.Settings {
			if s.Merchant {
				name += "-" + fileSafe(settings[s.Key])
			}
		}
	}
	return filepath.Join(dir, name+".db"), true, nil
}

// sandboxStatePath is where the in-process sandbox keeps its cards: beside
// its journal, so that repeated runs see one platform whose ids never
// repeat.
func sandboxStatePath(journal string) string {
	return strings.TrimSuffix(journal, filepath.Ext(journal)) + ".sandbox-state.db"
}

// fileSafe keeps letters, digits, '.', '_' and '-' of an id for a file
// name: {DEFAULT-AUTO-8E5A} → DEFAULT-AUTO-8E5A.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == '{' || r == '}':
		default:
			b.WriteRune('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// oldJournalNote points at a journal an earlier cardimport kept beside the
// report (cardimport.db), when the run uses the state folder's instead.
func oldJournalNote(p *lang.Printer, reportPath, journal string) string {
	old := filepath.Join(filepath.Dir(reportPath), "cardimport.db")
	if _, err := os.Stat(old); err != nil || old == journal {
		return ""
	}
	return p.Sprintf(msgOldJournal, old, journal, old)
}
