// Package sandbox is the built-in simulator of both card platforms (SPEC §7):
// the 果盘 API at POST /mb (mb_newcard in list and type-15 mode, mb_check)
// and the member-cjb API at /api2/member-cjb/<name>. It is what the quick
// start imports against and what every end-to-end and fault-injection test
// of the importer runs against, so it is strict: it checks what the real
// platforms check — signature, timestamp skew, nonce reuse, credentials and
// headers, field formats, uniqueness of card number, in-card code and phone —
// and refuses a whole mb_newcard list when one card is wrong.
//
// It owns a ledger of every card it issued (Ledger), so that a test can
// prove every valid row was issued exactly once, and atomic counters
// (Stats) of requests, throttling, injected faults and refusals. A rate
// limit, latency and fault injection (server errors, resets, answers dropped
// or delayed after commit, malformed bodies, partial lists) can be switched
// at runtime.
//
// State lives in memory, or in a SQLite file (Config.StatePath) that
// survives restarts with its cards and id sequences. An mb_newcard call
// commits all its cards in one transaction or none.
//
// Concurrency: a Sandbox is safe for concurrent use and ServeHTTP may run on
// any number of goroutines. Every write goes through the store, which
// serialises writes, so uniqueness holds under concurrent requests; Ledger
// and Stats may be called while requests run and return consistent
// snapshots.
//
// Where the seeds leave something open, the sandbox's decision is marked
// "Sandbox choice" in a comment.
package sandbox
