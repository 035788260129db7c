package main

import (
	"context"

	"github.com/cardimport/cardimport/importer/journal"
)

func openJournalForTest(path string) (*journal.DB, error) {
	return journal.Open(context.Background(), path, journal.Options{Target: "mb", Merchant: "x"})
}
