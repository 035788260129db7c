package journal

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// Inspector reads a journal without locking it, so that it can look at a
// journal while a run writes it.
type Inspector struct {
	db *sql.DB
}

// Inspect opens the journal at path read-only.
func Inspect(path string) (*Inspector, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	db, err := openSQL(path, true)
	if err != nil {
		return nil, err
	}
	v, err := version(context.Background(), db)
	if err == nil && v != SchemaVersion {
		err = fmt.Errorf("journal %s has schema version %d; this cardimport reads version %d (open it once with cardimport import to migrate)", path, v, SchemaVersion)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Inspector{db: db}, nil
}

// Close closes the journal.
func (i *Inspector) Close() error { return i.db.Close() }

// Count is the number of cards of one merchant in one status.
type Count struct {
	Target   string `json:"target"`
	Merchant string `json:"merchant"`
	Status   string `json:"status"`
	Cards    int    `json:"cards"`
}

// Counts returns the cards per target, merchant and status.
func (i *Inspector) Counts(ctx context.Context) ([]Count, error) {
	rows, err := i.db.QueryContext(ctx, `SELECT target, merchant, status, count(*) FROM cards GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Target, &c.Merchant, &c.Status, &c.Cards); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RunInfo is one run the journal remembers.
type RunInfo struct {
	ID       string `json:"id"`
	Command  string `json:"command"`
	Target   string `json:"target"`
	Merchant string `json:"merchant"`
	Started  string `json:"started"`
	Finished string `json:"finished,omitempty"` // "" while running, or when the run died
	Outcome  string `json:"outcome,omitempty"`
	Counts   string `json:"counts,omitempty"` // JSON rows per status
}

// Runs lists the runs, oldest first.
func (i *Inspector) Runs(ctx context.Context) ([]RunInfo, error) {
	rows, err := i.db.QueryContext(ctx, `SELECT id, command, target, merchant, started, coalesce(finished, ''), coalesce(outcome, ''), coalesce(counts, '')
		FROM runs ORDER BY started`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RunInfo
	for rows.Next() {
		var r RunInfo
		if err := rows.Scan(&r.ID, &r.Command, &r.Target, &r.Merchant, &r.Started, &r.Finished, &r.Outcome, &r.Counts); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Entry is one card as the journal records it.
type Entry struct {
	Target   string `json:"target"`
	Merchant string `json:"merchant"`
	Cardno   string `json:"cardno"`
	Status   string `json:"status"`
	Steps    int    `json:"steps"`
	ID       string `json:"id,omitempty"`
	Mbno     string `json:"mbno,omitempty"`
	Extid    string `json:"extid,omitempty"`
	Balance  string `json:"balance,omitempty"`
	Points   string `json:"points,omitempty"`
	Bonus    string `json:"bonus,omitempty"`
	Attempts int    `json:"attempts"`
	Batch    int64  `json:"batch"`
	Error    string `json:"error,omitempty"`
	Source   string `json:"source,omitempty"`
	Row      int    `json:"row,omitempty"`
	Name     string `json:"name,omitempty"`
	Phone    string `json:"phone,omitempty"` // masked
	Created  string `json:"created"`
	Updated  string `json:"updated"`
	Run      string `json:"run"`
}

// Each calls fn for every card, in roster order within each run; with
// unresolved it visits only cards whose fate is open (sending, unknown,
// pending).
func (i *Inspector) Each(ctx context.Context, unresolved bool, fn func(*Entry) error) error {
	q := `SELECT target, merchant, cardno, status, steps, id, mbno, extid, balance, points, bonus, attempts, batch, error,
		source, row, name, phone, created, updated, run FROM cards`
	if unresolved {
		q += ` WHERE status IN ('sending', 'unknown', 'pending')`
	}
	q += ` ORDER BY run, source, row, cardno`
	rows, err := i.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Target, &e.Merchant, &e.Cardno, &e.Status, &e.Steps, &e.ID, &e.Mbno, &e.Extid, &e.Balance, &e.Points,
			&e.Bonus, &e.Attempts, &e.Batch, &e.Error, &e.Source, &e.Row, &e.Name, &e.Phone, &e.Created, &e.Updated, &e.Run); err != nil {
			return err
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Generates lists every type-15 call.
func (i *Inspector) Generates(ctx context.Context) ([]GenerateCall, error) {
	rows, err := i.db.QueryContext(ctx, `SELECT run, batch, count, balance, status, cards, error, created FROM generate_calls ORDER BY created, batch`)
	return scanGenerates(rows, err)
}

// UnresolvedGenerates lists the type-15 calls whose outcome nobody knows
// (sending when a run died, unknown): they may have created cards, and
// generate refuses to start until they are accepted.
func (i *Inspector) UnresolvedGenerates(ctx context.Context) ([]GenerateCall, error) {
	rows, err := i.db.QueryContext(ctx, `SELECT run, batch, count, balance, status, cards, error, created FROM generate_calls
		WHERE status IN ('sending', 'unknown') ORDER BY created, batch`)
	return scanGenerates(rows, err)
}
