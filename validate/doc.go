// Package validate owns the card fields of a roster and the rules they must
// satisfy (SPEC §3).
//
// It is pure: a row of cells goes in, a normalised Card and a list of
// Problems come out. Nothing here reads files, talks to the network or logs.
// A Validator also remembers the card numbers, in-card codes and phones it
// has seen, to find duplicates across a whole run; it is not safe for
// concurrent use, and callers check rows from one goroutine in roster order.
package validate
