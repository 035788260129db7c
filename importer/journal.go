package importer

import (
	"context"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
)

// Journal is the durable state the importer needs; *journal.DB satisfies it.
type Journal interface {
	// Claim runs once per batch before its first request leaves. In one
	// committed transaction it looks each card up and records the ones to
	// send as sending; it returns one Prior per card.
	Claim(ctx context.Context, batch int64, cards []*platform.Card) ([]journal.Prior, error)
	// Step commits the progress of a multi-step flow on one card.
	Step(ctx context.Context, card *platform.Card, answer platform.Answer) error
	// Record commits final outcomes.
	Record(ctx context.Context, outcomes []journal.Outcome) error
}
