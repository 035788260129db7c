// Package validate owns the card fields of a roster and the rules they must
// satisfy (SPEC §3).
//
// It is pure: a row of cells goes in, a normalised Card and a list of
// Problems come out. Nothing here reads files, talks to the network or logs.
// Every value is trimmed (white space of any kind, zero-width characters);
// identifiers, numbers, dates, phones and sex are also width-folded, so
// full-width ＡＢＣ１２３ reads as ABC123. Problems are worded for a store
// clerk, naming the column and value as the user wrote them:
// `手机号 "1380013800": 10 digits, a CN mobile has 11`, or with a Chinese
// Options.Printer `手机号 "13****00"：只有10位，中国大陆手机号应为11位`
// (SPEC §11; the messages are registered in validate/lang's catalogue).
//
// A Validator also remembers the card numbers, in-card codes and phones it
// has seen, to find duplicates across a whole run. It keeps a fixed-size
// 64-bit key per value and the ordinal of its first row in a flat
// open-addressing table (12 bytes a slot, plus 4 bytes a row: some 50 MB
// for a million rows with all three fields), never the strings. A Validator is not safe for concurrent use: callers check
// rows from one goroutine in roster order. The package-level functions
// (ParseDate, NormalizePhone, ParseIDNumber, FoldLevel, ParseMoney …) are
// safe for concurrent use.
package validate
