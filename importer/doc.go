// Package importer runs an import: roster rows are read and validated in
// one goroutine, valid rows are grouped in roster order into batches, a
// fixed number of workers send the batches through a Platform (at most
// Config.Concurrency requests in flight, paced by the run's one limiter
// inside the platform client), every outcome is committed to a Journal, and
// one collector puts the rows back in roster order and writes the report.
//
//	roster ─▶ validate ─▶ batch ─▶ send (workers) ─▶ journal ─▶ collect ─▶ report
//	               └──── invalid rows ──────────────────────────────┘
//
// Memory is bounded by a window of rows between the reader and the
// collector, so a million-row roster streams through in constant space, and
// the first request leaves as soon as the first batch is full.
//
// Exactly-once rules (SPEC §5): a request that may have reached the platform
// without a usable answer is never simply resent; its cards are verified
// first. A rejected batch is bisected to isolate the rows the platform
// refuses. Every row ends in exactly one report line.
package importer
