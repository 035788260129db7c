// Package sandy is the client of the member-cjb third-party member API
// (SPEC §8, target "sandy"): the AUTHORIZATION and CUSTOMERGUID headers,
// the {errcode, errmsg} error model, and the per-card flow cardopen →
// recharge → modcardinfo → confirmation, each step reported to the
// importer (which journals it) so that a resumed flow never repeats a
// recharge.
//
// A Client is safe for concurrent use.
package sandy
