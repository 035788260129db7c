package journal

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// migrations bring a journal from version i to i+1; SchemaVersion is their
// count. Append, never edit: journals in the field were made by each.
var migrations = []string{
	// 1: cards, runs, type-15 calls.
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	CREATE TABLE runs (
		id       TEXT PRIMARY KEY,
		command  TEXT NOT NULL,
		target   TEXT NOT NULL,
		merchant TEXT NOT NULL,
		started  TEXT NOT NULL,
		finished TEXT,
		outcome  TEXT,
		counts   TEXT
	);
	CREATE TABLE cards (
		target   TEXT NOT NULL,
		merchant TEXT NOT NULL,
		cardno   TEXT NOT NULL,
		status   TEXT NOT NULL,
		steps    INTEGER NOT NULL DEFAULT 0,
		id       TEXT NOT NULL DEFAULT '',
		mbno     TEXT NOT NULL DEFAULT '',
		extid    TEXT NOT NULL DEFAULT '',
		balance  TEXT NOT NULL DEFAULT '',
		points   TEXT NOT NULL DEFAULT '',
		bonus    TEXT NOT NULL DEFAULT '',
		attempts INTEGER NOT NULL DEFAULT 0,
		batch    INTEGER NOT NULL DEFAULT 0,
		error    TEXT NOT NULL DEFAULT '',
		source   TEXT NOT NULL DEFAULT '',
		row      INTEGER NOT NULL DEFAULT 0,
		name     TEXT NOT NULL DEFAULT '',
		phone    TEXT NOT NULL DEFAULT '',
		created  TEXT NOT NULL,
		updated  TEXT NOT NULL,
		run      TEXT NOT NULL,
		PRIMARY KEY (target, merchant, cardno)
	) WITHOUT ROWID;
	CREATE INDEX cards_by_status ON cards (status);
	CREATE TABLE generate_calls (
		run      TEXT NOT NULL,
		batch    INTEGER NOT NULL,
		target   TEXT NOT NULL,
		merchant TEXT NOT NULL,
		count    INTEGER NOT NULL,
		balance  TEXT NOT NULL,
		status   TEXT NOT NULL,
		cards    INTEGER NOT NULL DEFAULT 0,
		error    TEXT NOT NULL DEFAULT '',
		created  TEXT NOT NULL,
		updated  TEXT NOT NULL,
		PRIMARY KEY (run, batch)
	);`,
	// 2: the issuing row's fingerprint (SPEC §5), and when an in-doubt
	// sandy recharge can be judged absent (SPEC §5, late platforms).
	// Entries of version 1 keep holder '': they are compared on extid,
	// name and the masked phone they kept.
	`ALTER TABLE cards ADD COLUMN holder TEXT NOT NULL DEFAULT '';
	ALTER TABLE cards ADD COLUMN settle_after TEXT NOT NULL DEFAULT '';`,
}

// SchemaVersion is the version this build writes.
var SchemaVersion = len(migrations)

// migrate applies the migrations a journal lacks, each in its own
// transaction, and refuses a journal from a newer cardimport.
func migrate(ctx context.Context, db *sql.DB) error {
	v, err := version(ctx, db)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("journal schema version %d is newer than this cardimport understands (%d): upgrade cardimport", v, SchemaVersion)
	}
	for ; v < SchemaVersion; v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate journal to version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema_version', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.Itoa(v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func version(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read journal: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var s string
	err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&s)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(s)
}
