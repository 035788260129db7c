package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate/lang"
)

// ErrLost means a journal lost data it had: its file is gone or empty, or
// a crash's -wal was deleted (SPEC §6). Starting an empty journal in its
// place would forget which cards were issued: the run stops unless the
// user asks for a new journal.
var ErrLost = errors.New(lang.Msg("the journal lost its data", "发卡记录丢失了数据"))

// The witness is a small file beside the journal, written when a run
// opens it and when it closes, that remembers what the journal held: its
// id, the last run that opened it and how many cards it had. SQLite keeps
// a crashed run's commits in the -wal file; the witness outlives the loss
// of that file (or of the database) and tells that something is missing.
const witnessSuffix = ".id"

type witness struct {
	Journal string `json:"journal"` // meta journal_id
	LastRun string `json:"last_run"`
	Open    bool   `json:"open"` // the last run has not closed the journal
	Cards   int64  `json:"cards"`
	Updated string `json:"updated"`
}

// readWitness returns nil when there is no witness (a new journal, or one
// made by an older cardimport).
func readWitness(path string) (*witness, error) {
	b, err := os.ReadFile(path + witnessSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var w witness
	if err := json.Unmarshal(b, &w); err != nil || w.Journal == "" {
		return nil, fmt.Errorf("%s%s is damaged: %v", path, witnessSuffix, err)
	}
	return &w, nil
}

// writeWitness replaces the witness atomically, private (0600): the
// file, then its folder, are synced.
func writeWitness(path string, w witness) error {
	b, err := json.Marshal(w)
	if err != nil {
		return err
	}
	af, err := report.CreateAtomic(path+witnessSuffix, 0o600)
	if err != nil {
		return err
	}
	defer af.Abort() // a no-op after Commit
	if _, err := af.Write(append(b, '\n')); err != nil {
		return err
	}
	return af.Commit()
}

// lostBeforeOpen tells, before SQLite touches the file, whether the
// journal at path has lost its data: "" when not.
func lostBeforeOpen(path string, w *witness) string {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.Size() == 0:
		// SQLite writes its header on the first commit: an existing empty
		// file was emptied.
		return "the file is empty"
	case err != nil && errors.Is(err, fs.ErrNotExist) && w != nil:
		return fmt.Sprintf("the file is gone, though %s%s says it held %d cards", filepath.Base(path), witnessSuffix, w.Cards)
	}
	return ""
}

// lostAfterOpen compares an opened journal with its witness: "" when
// nothing is missing.
func lostAfterOpen(ctx context.Context, db *sql.DB, w *witness) (string, error) {
	if w == nil {
		return "", nil
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'runs', 'cards')`).Scan(&n); err != nil {
		return "", err
	}
	if n < 3 {
		return "its tables are gone", nil
	}
	var id string
	err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'journal_id'`).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if id != w.Journal {
		return "it is not the journal that was here (another file took its place, or its latest data is gone)", nil
	}
	var runs int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE id = ?`, w.LastRun).Scan(&runs); err != nil {
		return "", err
	}
	if runs == 0 {
		return fmt.Sprintf("run %s is missing from it: the writes of that run were lost (a -wal file deleted after a crash?)", w.LastRun), nil
	}
	var cards int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM cards`).Scan(&cards); err != nil {
		return "", err
	}
	if cards < w.Cards {
		return fmt.Sprintf("it holds %d cards but held %d", cards, w.Cards), nil
	}
	return "", nil
}

var msgLost = lang.Msg("journal %s: %v: %s. Starting an empty journal would forget which cards were issued and send them again. "+
	"Restore the file (and its -wal) from a backup if you can; otherwise run again with --new-journal: the damaged files are kept aside, "+
	"and every row the platform already has is then checked against it",
	"发卡记录 %s：%v：%s。若另起一份空的发卡记录，就会忘记哪些卡已经发过，把它们再发一遍。"+
		"能从备份恢复这个文件（连同它的 -wal）就先恢复；否则加上 --new-journal 再运行：损坏的文件会被留存备查，"+
		"平台上已有的每张卡都会先与名单核对")

// lostError words a refusal to go on with a journal that lost data, in
// p's language (nil: English); errors.Is finds ErrLost in it.
func lostError(p *lang.Printer, path, why string) error {
	return p.Errorf(msgLost, path, ErrLost, why)
}

// moveAside renames the journal's files to path.lost-<time>…, never
// deleting them.
func moveAside(path string, now time.Time) (string, error) {
	aside := path + ".lost-" + now.Format("20060102T150405")
	for _, suffix := range []string{"", "-wal", "-shm", witnessSuffix} {
		if err := os.Rename(path+suffix, aside+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("keep the damaged journal aside: %w", err)
		}
	}
	return aside, nil
}
