package importer

import (
	"strconv"
	"strings"

	"github.com/cardimport/cardimport/validate/lang"
)

// Budget is the error budget of --max-errors: the run stops sending once
// this many rows are invalid or rejected. Zero means unlimited.
type Budget struct {
	Count   int     // absolute number of bad rows allowed, when > 0
	Percent float64 // share of the rows read so far, when > 0
}

// budgetMinRows is how many rows a percentage budget waits for before it
// judges: one bad row among the first three is not yet 33 % of a roster.
const budgetMinRows = 100

var (
	msgBudgetPercent = lang.Msg("--max-errors %q: a percentage must be above 0 and at most 100", "--max-errors %q：百分比须大于0且不超过100")
	msgBudgetCount   = lang.Msg("--max-errors %q: want a number of rows (1 or more) or a percentage like 5%%", "--max-errors %q：请写行数（1或以上）或百分比，如 5%%")
)

// ParseBudget parses "N" or "N%"; "" means unlimited. Its errors are in
// p's language (nil: English).
func ParseBudget(s string, p *lang.Printer) (Budget, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Budget{}, nil
	}
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		if err != nil || v <= 0 || v > 100 {
			return Budget{}, p.Errorf(msgBudgetPercent, s)
		}
		return Budget{Percent: v}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return Budget{}, p.Errorf(msgBudgetCount, s)
	}
	return Budget{Count: n}, nil
}

// Exceeded reports whether bad rows among seen rows break the budget.
// final says every row has been read, so a percentage judges the whole.
func (b Budget) Exceeded(bad, seen int, final bool) bool {
	switch {
	case b.Count > 0:
		return bad >= b.Count
	case b.Percent > 0 && seen > 0 && (final || seen >= budgetMinRows):
		return float64(bad)*100 >= b.Percent*float64(seen)
	}
	return false
}

// String renders the budget as the flag was given.
func (b Budget) String() string {
	switch {
	case b.Count > 0:
		return strconv.Itoa(b.Count)
	case b.Percent > 0:
		return strconv.FormatFloat(b.Percent, 'f', -1, 64) + "%"
	}
	return "unlimited"
}
