package journal

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the pure-Go driver "sqlite"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Status values kept for a card. A card whose request may have left
// without an answer is sending (a crash) or unknown (a run gave up on
// verifying it): both are verified before anything is resent.
const (
	StatusSending = "sending"
	StatusIssued  = string(platform.StatusIssued)
)

// Options say whose cards a DB records.
type Options struct {
	Target   string // mb or sandy
	Merchant string // gpid/msid or CARDIMPORT_GUID: card numbers are unique per merchant
	Command  string // import, generate
	// NewJournal (--new-journal) starts an empty journal in place of one
	// that lost its data, keeping the damaged files aside. Without it,
	// Open refuses such a journal with ErrLost.
	NewJournal bool
	// Printer words Open's refusals (a lost journal, a lock held by
	// another run) in the run's language; nil: English.
	Printer *lang.Printer
	Now     func() time.Time
}

// DB is an open journal, locked for this process.
type DB struct {
	db   *sql.DB
	lock *fileLock
	opt  Options
	run  string
	path string
	id   string // meta journal_id, also in the witness

	// Aside is where --new-journal moved a damaged journal, "" otherwise.
	Aside string

	finished bool // Finish recorded how the run ended
}

// Open opens (or creates) the journal at path, takes its lock, checks
// that it did not lose data since the last run (ErrLost), migrates its
// schema, and records the start of a run.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("journal folder: %w", err)
		}
	}
	lock, err := acquire(path+".lock", opt.Printer)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	j, err := openLocked(ctx, path, opt, lock)
	if err != nil {
		lock.release()
		return nil, err
	}
	return j, nil
}

func openLocked(ctx context.Context, path string, opt Options, lock *fileLock) (*DB, error) {
	w, err := readWitness(path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	aside := ""
	startAnew := func(why string) error {
		if !opt.NewJournal {
			return lostError(opt.Printer, path, why)
		}
		a, err := moveAside(path, opt.Now())
		if err != nil {
			return fmt.Errorf("journal %s: %w", path, err)
		}
		aside, w = a, nil
		return nil
	}
	if why := lostBeforeOpen(path, w); why != "" {
		if err := startAnew(why); err != nil {
			return nil, err
		}
	}
	db, err := openSQL(path, false)
	if err != nil {
		return nil, err
	}
	why, err := lostAfterOpen(ctx, db, w)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if why != "" {
		db.Close()
		if err := startAnew(why); err != nil {
			return nil, err
		}
		if db, err = openSQL(path, false); err != nil {
			return nil, err
		}
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	j := &DB{db: db, lock: lock, opt: opt, path: path, run: newRunID(opt.Now()), Aside: aside}
	fail := func(what string, err error) (*DB, error) {
		db.Close()
		return nil, fmt.Errorf("journal %s: %s: %w", path, what, err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('journal_id', ?) ON CONFLICT (key) DO NOTHING`, newRunID(opt.Now())); err != nil {
		return fail("record its id", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'journal_id'`).Scan(&j.id); err != nil {
		return fail("read its id", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO runs (id, command, target, merchant, started) VALUES (?, ?, ?, ?, ?)`,
		j.run, opt.Command, opt.Target, opt.Merchant, stamp(opt.Now())); err != nil {
		return fail("record the run", err)
	}
	// The run is committed: from now on, losing it is detectable.
	if err := j.witness(ctx, true); err != nil {
		return fail("write "+filepath.Base(path)+witnessSuffix, err)
	}
	return j, nil
}

// witness records the journal's state beside it.
func (j *DB) witness(ctx context.Context, open bool) error {
	var cards int64
	if err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM cards`).Scan(&cards); err != nil {
		return err
	}
	return writeWitness(j.path, witness{Journal: j.id, LastRun: j.run, Open: open, Cards: cards, Updated: stamp(j.opt.Now())})
}

// openSQL opens the database. Writers use WAL with full fsync (a commit
// survives a power cut, not only a crash), immediate transactions (no
// upgrade deadlocks) and one connection (SQLite has one writer anyway).
func openSQL(path string, readOnly bool) (*sql.DB, error) {
	dsn := path + "?_pragma=busy_timeout(10000)&_txlock=immediate"
	if readOnly {
		dsn = "file:" + path + "?mode=ro&_pragma=busy_timeout(10000)"
	} else {
		dsn += "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	return db, nil
}

func newRunID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

func stamp(t time.Time) string { return t.Format(time.RFC3339Nano) }

func settleText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return stamp(t)
}

// Run returns this run's id.
func (j *DB) Run() string { return j.run }

// Path returns the journal's path.
func (j *DB) Path() string { return j.path }

// Claim looks up the cards of a batch and, in the same committed
// transaction, records as sending every card it is this row's to send
// (SPEC §6: the batch is journaled before its request leaves). It returns
// one Prior per card.
//
// A card number issued to another holder (SPEC §5: another in-card code,
// phone or name) is not this row's: its entry is left as it is and the
// Prior names that holder.
func (j *DB) Claim(ctx context.Context, batch int64, cards []*platform.Card) ([]Prior, error) {
	priors := make([]Prior, len(cards))
	err := j.tx(ctx, func(tx *sql.Tx) error {
		now := stamp(j.opt.Now())
		// Prepared once a batch: parsing the SQL for every card costs more
		// than running it.
		lookup, err := tx.PrepareContext(ctx, `SELECT status, steps, id, mbno, extid, balance, points, bonus, attempts, error, run,
				holder, name, phone, source, row, updated, settle_after
				FROM cards WHERE target = ? AND merchant = ? AND cardno = ?`)
		if err != nil {
			return err
		}
		defer lookup.Close()
		claim, err := tx.PrepareContext(ctx, `INSERT INTO cards (target, merchant, cardno, status, extid, holder, name, phone, source, row, batch, created, updated, run)
				VALUES (?, ?, ?, 'sending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (target, merchant, cardno) DO UPDATE SET
					status = 'sending', extid = excluded.extid, holder = excluded.holder, name = excluded.name, phone = excluded.phone,
					source = excluded.source, row = excluded.row, batch = excluded.batch, updated = excluded.updated, run = excluded.run`)
		if err != nil {
			return err
		}
		defer claim.Close()
		for i, c := range cards {
			var st, run, msg, settle string
			var p Prior
			var e entryHolder
			var steps int
			err := lookup.QueryRowContext(ctx, j.opt.Target, j.opt.Merchant, c.Cardno).
				Scan(&st, &steps, &p.Answer.ID, &p.Answer.Mbno, &p.Answer.Extid, &p.Answer.Balance, &p.Answer.Points, &p.Answer.Bonus, &p.Attempts, &msg, &run,
					&e.fingerprint, &e.name, &e.phone, &e.source, &e.row, &e.updated, &settle)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			p.Run = run
			p.Answer.Steps = platform.Steps(steps)
			if settle != "" {
				p.SettleAfter, _ = time.Parse(time.RFC3339Nano, settle)
			}
			// Only an issued card is bound to its holder here. A card in
			// doubt for another holder is verified like any other: the
			// platform's holder decides (and a corrected row is not stuck
			// behind its own earlier version).
			e.extid, e.status = p.Answer.Extid, st
			if st == StatusIssued && !e.same(c) {
				priors[i] = Prior{Holder: e.describe(c), Run: run}
				continue
			}
			switch st {
			case StatusIssued:
				p.Issued = true
				p.Answer.Found = true
				p.Answer.Cardno = c.Cardno
				priors[i] = p
				continue
			case StatusSending, string(platform.StatusUnknown):
				p.InDoubt = true
			case string(platform.StatusExists):
				if e.same(c) {
					// Sending it again would only hear "exists" again; a
					// corrected row (another in-card code, phone or name)
					// is sent.
					p.Exists, p.Message = true, msg
					p.Answer = platform.Answer{}
					priors[i] = p
					continue
				}
			}
			priors[i] = p
			if _, err := claim.ExecContext(ctx, j.opt.Target, j.opt.Merchant, c.Cardno, c.Extid, c.Fingerprint(), c.Name, validate.MaskPhone(c.Phone),
				c.Source, c.Row, batch, now, now, j.run); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim batch %d: %w", batch, err)
	}
	return priors, nil
}

// entryHolder is what the journal kept of the row an entry was written for.
type entryHolder struct {
	status, fingerprint, extid, name, phone, source, updated string
	row                                                      int
}

// same reports whether c is the entry's holder. Entries of schema version
// 1 have no fingerprint: their in-card code, name and masked phone are
// compared (a claim of version 1 kept only the in-card code).
func (e *entryHolder) same(c *platform.Card) bool {
	if e.fingerprint != "" {
		return e.fingerprint == c.Fingerprint()
	}
	if e.name == "" && e.phone == "" {
		return e.extid == c.Extid
	}
	return e.extid == c.Extid && e.name == c.Name && e.phone == validate.MaskPhone(c.Phone)
}

func (e *entryHolder) describe(c *platform.Card) *Holder {
	h := &Holder{Status: e.status, Source: e.source, Row: e.row, Name: e.name, Phone: e.phone, Extid: e.extid}
	if t, err := time.Parse(time.RFC3339Nano, e.updated); err == nil {
		h.When = t.Local().Format("2006-01-02 15:04")
	}
	if e.extid != c.Extid {
		h.Differs = append(h.Differs, "in-card code")
	}
	if e.name != "" && e.name != c.Name {
		h.Differs = append(h.Differs, "name")
	}
	if e.phone != validate.MaskPhone(c.Phone) || (len(h.Differs) == 0 && e.fingerprint != "") {
		h.Differs = append(h.Differs, "phone")
	}
	return h
}

// Step commits the progress of a multi-step flow (sandy): the steps done
// so far and the ids learned, the card still sending.
func (j *DB) Step(ctx context.Context, c *platform.Card, a platform.Answer) error {
	err := j.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE cards SET steps = ?, attempts = ?,
				id = CASE WHEN ? != '' THEN ? ELSE id END,
				mbno = CASE WHEN ? != '' THEN ? ELSE mbno END,
				bonus = CASE WHEN ? != '' THEN ? ELSE bonus END,
				settle_after = ?, updated = ?, run = ?
			WHERE target = ? AND merchant = ? AND cardno = ?`,
			int(c.Done), c.Attempts, a.ID, a.ID, a.Mbno, a.Mbno, a.Bonus, a.Bonus, settleText(c.SettleAfter), stamp(j.opt.Now()), j.run,
			j.opt.Target, j.opt.Merchant, c.Cardno)
		return err
	})
	if err != nil {
		return fmt.Errorf("record step of card %s: %w", c.Cardno, err)
	}
	return nil
}

// Record commits final outcomes. Ids already known are kept when an
// outcome brings none.
func (j *DB) Record(ctx context.Context, outs []Outcome) error {
	if len(outs) == 0 {
		return nil
	}
	err := j.tx(ctx, func(tx *sql.Tx) error {
		now := stamp(j.opt.Now())
		record, err := tx.PrepareContext(ctx, `INSERT INTO cards (target, merchant, cardno, status, steps, id, mbno, extid, balance, points, bonus,
					attempts, batch, error, source, row, name, phone, created, updated, run, holder, settle_after)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (target, merchant, cardno) DO UPDATE SET
					status = excluded.status, steps = excluded.steps,
					id = CASE WHEN excluded.id != '' THEN excluded.id ELSE cards.id END,
					mbno = CASE WHEN excluded.mbno != '' THEN excluded.mbno ELSE cards.mbno END,
					extid = excluded.extid,
					balance = CASE WHEN excluded.balance != '' THEN excluded.balance ELSE cards.balance END,
					points = CASE WHEN excluded.points != '' THEN excluded.points ELSE cards.points END,
					bonus = CASE WHEN excluded.bonus != '' THEN excluded.bonus ELSE cards.bonus END,
					attempts = excluded.attempts, batch = excluded.batch, error = excluded.error,
					source = excluded.source, row = excluded.row, name = excluded.name, phone = excluded.phone,
					updated = excluded.updated, run = excluded.run, holder = excluded.holder, settle_after = excluded.settle_after`)
		if err != nil {
			return err
		}
		defer record.Close()
		for _, o := range outs {
			c := o.Card
			steps := c.Done | o.Answer.Steps
			if _, err := record.ExecContext(ctx, j.opt.Target, j.opt.Merchant, c.Cardno, string(o.Status), int(steps), o.Answer.ID, o.Answer.Mbno, c.Extid,
				o.Answer.Balance, o.Answer.Points, o.Answer.Bonus, c.Attempts, o.Batch, o.Message,
				c.Source, c.Row, c.Name, validate.MaskPhone(c.Phone), now, now, j.run, c.Fingerprint(), settleText(c.SettleAfter)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %d outcomes: %w", len(outs), err)
	}
	return nil
}

// Finish records how the run ended and the rows per status.
func (j *DB) Finish(ctx context.Context, outcome string, counts map[platform.Status]int) error {
	b, _ := json.Marshal(counts)
	_, err := j.db.ExecContext(ctx, `UPDATE runs SET finished = ?, outcome = ?, counts = ? WHERE id = ?`,
		stamp(j.opt.Now()), outcome, string(b), j.run)
	if err == nil {
		j.finished = true
	}
	return err
}

// Close closes the database and releases the lock.
func (j *DB) Close() error {
	if j == nil || j.db == nil {
		return nil
	}
	ctx := context.Background()
	if !j.finished {
		// A run that stopped before its summary (refused, a fatal error
		// before the first row): it is over, not "running, or died".
		_, _ = j.db.ExecContext(ctx, `UPDATE runs SET finished = ?, outcome = 'stopped before its summary' WHERE id = ? AND finished IS NULL`,
			stamp(j.opt.Now()), j.run)
	}
	// Fold the -wal into the database, so that the file alone holds every
	// card, and say so in the witness.
	_, err := j.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	if err == nil {
		err = j.witness(ctx, false)
	}
	if cerr := j.db.Close(); err == nil {
		err = cerr
	}
	if lerr := j.lock.release(); err == nil {
		err = lerr
	}
	j.db = nil
	return err
}

func (j *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	// A commit must land even while an interrupt cancels the run: the
	// request it describes has left.
	ctx = context.WithoutCancel(ctx)
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// GenerateCall is one type-15 call as the journal knows it.
type GenerateCall struct {
	Run     string `json:"run"`
	Batch   int64  `json:"call"`
	Count   int    `json:"count"`
	Balance string `json:"balance"`
	Status  string `json:"status"` // sending (crash), issued, unknown, refused, accepted
	Cards   int    `json:"cards"`
	Error   string `json:"error,omitempty"`
	Created string `json:"created"`
}

// BeginGenerate commits a type-15 call as sending before it leaves.
func (j *DB) BeginGenerate(ctx context.Context, batch int64, count int, balance string) error {
	now := stamp(j.opt.Now())
	_, err := j.db.ExecContext(context.WithoutCancel(ctx), `INSERT INTO generate_calls (run, batch, target, merchant, count, balance, status, created, updated)
		VALUES (?, ?, ?, ?, ?, ?, 'sending', ?, ?)`, j.run, batch, j.opt.Target, j.opt.Merchant, count, balance, now, now)
	return err
}

// EndGenerate commits a type-15 call's outcome.
func (j *DB) EndGenerate(ctx context.Context, batch int64, status string, cards int, msg string) error {
	_, err := j.db.ExecContext(context.WithoutCancel(ctx), `UPDATE generate_calls SET status = ?, cards = ?, error = ?, updated = ? WHERE run = ? AND batch = ?`,
		status, cards, msg, stamp(j.opt.Now()), j.run, batch)
	return err
}

// UnresolvedGenerates lists earlier type-15 calls of this merchant whose
// outcome nobody knows: they may have created cards.
func (j *DB) UnresolvedGenerates(ctx context.Context) ([]GenerateCall, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT run, batch, count, balance, status, cards, error, created FROM generate_calls
		WHERE target = ? AND merchant = ? AND status IN ('sending', 'unknown') AND run != ? ORDER BY created`, j.opt.Target, j.opt.Merchant, j.run)
	return scanGenerates(rows, err)
}

// scanGenerates reads generate_calls rows selected in GenerateCall order.
func scanGenerates(rows *sql.Rows, err error) ([]GenerateCall, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GenerateCall
	for rows.Next() {
		var g GenerateCall
		if err := rows.Scan(&g.Run, &g.Batch, &g.Count, &g.Balance, &g.Status, &g.Cards, &g.Error, &g.Created); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// ResolveGenerates marks earlier unresolved type-15 calls as accepted by
// the operator (after checking the platform by hand).
func (j *DB) ResolveGenerates(ctx context.Context) error {
	_, err := j.db.ExecContext(ctx, `UPDATE generate_calls SET status = 'accepted', updated = ? WHERE target = ? AND merchant = ? AND status IN ('sending', 'unknown') AND run != ?`,
		stamp(j.opt.Now()), j.opt.Target, j.opt.Merchant, j.run)
	return err
}
