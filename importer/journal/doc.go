// Package journal is the durable memory of cardimport (SPEC §6): an
// embedded SQLite database (modernc.org/sqlite, pure Go) holding one entry
// per (target, merchant, cardno) with its status, the platform's id and
// mbno, attempts, batch, last error, timestamps and the run that wrote it.
//
// A batch is claimed — its cards recorded as sending — in a committed
// transaction before its request leaves, and its outcome is committed when
// it returns, so after a crash at any moment the next run knows which cards
// were issued and which must be verified before anything is resent. A DB is
// safe for concurrent use; an exclusive lock file keeps a second process out.
package journal
