// Package mb is the client of the 果盘 platform's mb_newcard and mb_check
// actions (SPEC §4): the JSON envelope, the get-group signature, lenient
// decoding of the platform's answers, and the matching of answer items to
// the rows that were sent.
//
// A Client is safe for concurrent use.
package mb
