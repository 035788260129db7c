package main

import (
	"io"
	"strings"

	"github.com/cardimport/cardimport/report"
)

// table lays out rows of cells in columns, each as wide as its widest cell
// on a terminal (a Chinese character takes two columns, which
// text/tabwriter does not know), two spaces apart.
type table struct{ rows [][]string }

// header adds a row of titles given as one tab-separated line (a message
// of the catalogue: "TARGET\tMERCHANT\tSTATUS\tCARDS").
func (t *table) header(line string) { t.rows = append(t.rows, strings.Split(line, "\t")) }

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// write writes the table; trailing spaces are left out.
func (t *table) write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], report.TextWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		var line strings.Builder
		for i, c := range r {
			if i < len(r)-1 {
				line.WriteString(report.PadRight(c, widths[i]+2))
			} else {
				line.WriteString(c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
