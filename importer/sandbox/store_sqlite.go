package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)
)

// sqliteStore keeps the state in a SQLite file. It uses one connection, so
// every transaction is serialised and sees the previous ones.
type sqliteStore struct {
	db *sql.DB
}

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS mb_cards (
	id         INTEGER PRIMARY KEY,
	cardno     TEXT NOT NULL UNIQUE,
	mbno       TEXT NOT NULL UNIQUE,
	extid      TEXT NOT NULL UNIQUE,
	phone      TEXT NOT NULL,
	name       TEXT NOT NULL,
	sex        INTEGER NOT NULL,
	birthday   TEXT NOT NULL,
	level      INTEGER NOT NULL,
	balance    TEXT NOT NULL,
	points     TEXT NOT NULL,
	password   TEXT NOT NULL,
	expirydate TEXT NOT NULL,
	subject    TEXT NOT NULL,
	ext_info   TEXT NOT NULL,
	idnumber   TEXT NOT NULL,
	generated  INTEGER NOT NULL,
	nonce      TEXT NOT NULL,
	op         TEXT NOT NULL,
	created    INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS mb_cards_phone ON mb_cards(phone) WHERE phone <> '';
CREATE TABLE IF NOT EXISTS sandy_cards (
	id           INTEGER PRIMARY KEY,
	card_id      TEXT NOT NULL UNIQUE,
	level        INTEGER NOT NULL,
	uname        TEXT NOT NULL,
	phone        TEXT NOT NULL,
	gender       INTEGER NOT NULL,
	birthday     TEXT NOT NULL,
	amount       INTEGER NOT NULL,
	score        INTEGER NOT NULL,
	sum_recharge INTEGER NOT NULL,
	sum_consume  INTEGER NOT NULL,
	opens        INTEGER NOT NULL,
	mods         INTEGER NOT NULL,
	created      INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS sandy_cards_phone ON sandy_cards(phone) WHERE phone <> '';
CREATE TABLE IF NOT EXISTS sandy_events (
	id           INTEGER PRIMARY KEY,
	card_id      TEXT NOT NULL,
	type         INTEGER NOT NULL,
	ori          INTEGER NOT NULL,
	act          INTEGER NOT NULL,
	add_money    INTEGER NOT NULL,
	add_score    INTEGER NOT NULL,
	amount       INTEGER NOT NULL,
	score        INTEGER NOT NULL,
	score_change INTEGER NOT NULL,
	pay_type     INTEGER NOT NULL,
	description  TEXT NOT NULL,
	time         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sandy_events_card ON sandy_events(card_id, id);
`

func openSQLite(path string) (*sqliteStore, error) {
	// Immediate transactions: another process on the same file waits
	// (busy_timeout) instead of failing half-way through an id allocation.
	dsn := path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(sqliteSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	return &sqliteStore{db: db}, nil
}

// tx runs fn in one transaction, committed when fn returns nil.
func (s *sqliteStore) tx(fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		return closedErr(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func closedErr(err error) error {
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "sql: database is closed") {
		return errClosed
	}
	return err
}

const mbColumns = `id, cardno, mbno, extid, phone, name, sex, birthday, level, balance, points, password,
	expirydate, subject, ext_info, idnumber, generated, nonce, op, created`

func (s *sqliteStore) addMB(cards []MBCard, now time.Time) ([]MBCard, error) {
	out := make([]MBCard, len(cards))
	err := s.tx(func(tx *sql.Tx) error {
		err := checkMBConflicts(cards, func(key, value string) (bool, error) {
			var n int
			err := tx.QueryRow(`SELECT count(*) FROM mb_cards WHERE `+key+` = ?`, value).Scan(&n)
			return n > 0, err
		})
		if err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRow(`SELECT coalesce(max(id), ?) FROM mb_cards`, firstMBID-1).Scan(&last); err != nil {
			return err
		}
		ins, err := tx.Prepare(`INSERT INTO mb_cards (` + mbColumns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for i, c := range cards {
			c.ID, c.Created = last+1+int64(i), now
			c.Mbno = mbnoOf(c.ID, c.Cardno)
			if _, err := ins.Exec(c.ID, c.Cardno, c.Mbno, c.Extid, c.Phone, c.Name, c.Sex, c.Birthday, c.Level,
				c.Balance, c.Points, c.Password, c.Expirydate, c.Subject, c.ExtInfo, c.IDNumber, c.Generated,
				c.Nonce, c.Op, c.Created.UnixNano()); err != nil {
				return err
			}
			out[i] = c
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanMB(sc scanner) (MBCard, error) {
	var c MBCard
	var created int64
	err := sc.Scan(&c.ID, &c.Cardno, &c.Mbno, &c.Extid, &c.Phone, &c.Name, &c.Sex, &c.Birthday, &c.Level,
		&c.Balance, &c.Points, &c.Password, &c.Expirydate, &c.Subject, &c.ExtInfo, &c.IDNumber, &c.Generated,
		&c.Nonce, &c.Op, &created)
	c.Created = time.Unix(0, created)
	return c, err
}

func (s *sqliteStore) findMB(key, value string) (MBCard, bool, error) {
	switch key {
	case "id", "cardno", "mbno", "extid", "phone":
	default:
		return MBCard{}, false, fmt.Errorf("no mb index %q", key)
	}
	if value == "" {
		return MBCard{}, false, nil
	}
	c, err := scanMB(s.db.QueryRow(`SELECT `+mbColumns+` FROM mb_cards WHERE `+key+` = ?`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return MBCard{}, false, nil
	}
	if err != nil {
		return MBCard{}, false, closedErr(err)
	}
	return c, true, nil
}

const sandyColumns = `id, card_id, level, uname, phone, gender, birthday, amount, score, sum_recharge,
	sum_consume, opens, mods, created`

func scanSandy(sc scanner) (sandyRow, error) {
	var r sandyRow
	var created int64
	err := sc.Scan(&r.ID, &r.CardID, &r.Level, &r.Uname, &r.Phone, &r.Gender, &r.Birthday, &r.Amount,
		&r.Score, &r.SumRecharge, &r.SumConsume, &r.Opens, &r.Mods, &created)
	r.Created = time.Unix(0, created)
	return r, err
}

func insertEvents(tx *sql.Tx, cardID string, evs []sandyEvent) error {
	for _, e := range evs {
		if _, err := tx.Exec(`INSERT INTO sandy_events (card_id, type, ori, act, add_money, add_score, amount, score,
			score_change, pay_type, description, time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
			cardID, e.Type, e.Ori, e.Act, e.AddMoney, e.AddScore, e.Amount, e.Score, e.ScoreChange, e.PayType,
			e.Desc, e.Time.UnixNano()); err != nil {
			return err
		}
	}
	return nil
}

func phoneHolder(tx *sql.Tx, phone string) (string, error) {
	var id string
	err := tx.QueryRow(`SELECT card_id FROM sandy_cards WHERE phone = ?`, phone).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

func (s *sqliteStore) openSandy(row sandyRow, ev sandyEvent) (sandyRow, error) {
	err := s.tx(func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM sandy_cards WHERE card_id = ?`, row.CardID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errCardExists
		}
		if row.Phone != "" {
			holder, err := phoneHolder(tx, row.Phone)
			if err != nil {
				return err
			}
			if holder != "" {
				return errPhoneTaken
			}
		}
		if err := tx.QueryRow(`SELECT coalesce(max(id), ?) + 1 FROM sandy_cards`, firstSandyID-1).Scan(&row.ID); err != nil {
			return err
		}
		row.Opens = 1
		if _, err := tx.Exec(`INSERT INTO sandy_cards (`+sandyColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			row.ID, row.CardID, row.Level, row.Uname, row.Phone, row.Gender, row.Birthday, row.Amount, row.Score,
			row.SumRecharge, row.SumConsume, row.Opens, row.Mods, row.Created.UnixNano()); err != nil {
			return err
		}
		return insertEvents(tx, row.CardID, []sandyEvent{ev})
	})
	if err != nil {
		return sandyRow{}, err
	}
	return row, nil
}

func (s *sqliteStore) updateSandy(cardID string, fn func(*sandyRow) ([]sandyEvent, error)) (sandyRow, error) {
	var out sandyRow
	err := s.tx(func(tx *sql.Tx) error {
		cur, err := scanSandy(tx.QueryRow(`SELECT `+sandyColumns+` FROM sandy_cards WHERE card_id = ?`, cardID))
		if errors.Is(err, sql.ErrNoRows) {
			return errCardNotFound
		}
		if err != nil {
			return err
		}
		c := cur
		evs, err := fn(&c)
		if err != nil {
			return err
		}
		c.ID, c.CardID = cur.ID, cur.CardID
		if c.Phone != cur.Phone && c.Phone != "" {
			holder, err := phoneHolder(tx, c.Phone)
			if err != nil {
				return err
			}
			if holder != "" && holder != cardID {
				return errPhoneTaken
			}
		}
		if _, err := tx.Exec(`UPDATE sandy_cards SET level = ?, uname = ?, phone = ?, gender = ?, birthday = ?,
			amount = ?, score = ?, sum_recharge = ?, sum_consume = ?, opens = ?, mods = ? WHERE card_id = ?`,
			c.Level, c.Uname, c.Phone, c.Gender, c.Birthday, c.Amount, c.Score, c.SumRecharge, c.SumConsume,
			c.Opens, c.Mods, cardID); err != nil {
			return err
		}
		out = c
		return insertEvents(tx, cardID, evs)
	})
	if err != nil {
		return sandyRow{}, err
	}
	return out, nil
}

func (s *sqliteStore) getSandy(cardID string) (sandyRow, bool, error) {
	r, err := scanSandy(s.db.QueryRow(`SELECT `+sandyColumns+` FROM sandy_cards WHERE card_id = ?`, cardID))
	if errors.Is(err, sql.ErrNoRows) {
		return sandyRow{}, false, nil
	}
	if err != nil {
		return sandyRow{}, false, closedErr(err)
	}
	return r, true, nil
}

func (s *sqliteStore) searchSandy(key string, limit int) ([]sandyRow, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(key) + "%"
	rows, err := s.db.Query(`SELECT `+sandyColumns+` FROM sandy_cards
		WHERE card_id LIKE ?1 ESCAPE '\' OR uname LIKE ?1 ESCAPE '\' OR phone LIKE ?1 ESCAPE '\'
		ORDER BY id LIMIT ?2`, like, limit)
	if err != nil {
		return nil, closedErr(err)
	}
	defer rows.Close()
	var out []sandyRow
	for rows.Next() {
		r, err := scanSandy(rows)
		if err != nil {
			return nil, err
		}
		// LIKE is case-insensitive for ASCII; the memory store is not.
		if strings.Contains(r.CardID, key) || strings.Contains(r.Uname, key) || strings.Contains(r.Phone, key) {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

func (s *sqliteStore) sandyEvents(cardID string) ([]sandyEvent, error) {
	rows, err := s.db.Query(`SELECT id, card_id, type, ori, act, add_money, add_score, amount, score, score_change,
		pay_type, description, time FROM sandy_events WHERE card_id = ? ORDER BY id`, cardID)
	if err != nil {
		return nil, closedErr(err)
	}
	defer rows.Close()
	return scanEvents(rows)
}

func scanEvents(rows *sql.Rows) ([]sandyEvent, error) {
	var out []sandyEvent
	for rows.Next() {
		var e sandyEvent
		var t int64
		if err := rows.Scan(&e.ID, &e.CardID, &e.Type, &e.Ori, &e.Act, &e.AddMoney, &e.AddScore, &e.Amount,
			&e.Score, &e.ScoreChange, &e.PayType, &e.Desc, &t); err != nil {
			return nil, err
		}
		e.Time = time.Unix(0, t)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *sqliteStore) ledger() (Ledger, error) {
	var l Ledger
	err := s.tx(func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT ` + mbColumns + ` FROM mb_cards ORDER BY id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := scanMB(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if c.Generated {
				l.Generated = append(l.Generated, c)
			} else {
				l.MB = append(l.MB, c)
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		if err := rows.Close(); err != nil {
			return err
		}
		evRows, err := tx.Query(`SELECT id, card_id, type, ori, act, add_money, add_score, amount, score, score_change,
			pay_type, description, time FROM sandy_events WHERE type = ? ORDER BY id`, eventRecharge)
		if err != nil {
			return err
		}
		evs, err := scanEvents(evRows)
		evRows.Close()
		if err != nil {
			return err
		}
		byCard := make(map[string][]sandyEvent)
		for _, e := range evs {
			byCard[e.CardID] = append(byCard[e.CardID], e)
		}
		rows, err = tx.Query(`SELECT ` + sandyColumns + ` FROM sandy_cards ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanSandy(rows)
			if err != nil {
				return err
			}
			l.Sandy = append(l.Sandy, ledgerSandy(r, byCard[r.CardID]))
		}
		return rows.Err()
	})
	return l, err
}

func (s *sqliteStore) close() error { return s.db.Close() }
