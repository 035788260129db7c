package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
)

const journalAbout = `Looks into a journal without disturbing a run that is using it.

  cardimport journal [stats]          cards per target, merchant and status; the runs
  cardimport journal unresolved       cards whose fate is open (sending, unknown, pending)
                                      and generate calls of unknown outcome
  cardimport journal export FILE      every card as a report (.csv, .xlsx or .json)

It finds the journal an import with the same flags uses (--target,
--endpoint, the platform ids, --config, --journal or CARDIMPORT_JOURNAL).
Unresolved cards are verified on the platform by the next import of a
roster that holds them: run the same import again.`

func runJournal(ctx context.Context, e *env, args []string) error {
	c := newCommand("journal", "[stats|unresolved|export FILE] [flags]", journalAbout)
	var ro rosterOptions
	var po platformOptions
	c.fs.StringVar(&ro.target, "target", targets.Default().Name, "platform: "+targetHelp())
	po.registerIDs(c.fs)
	jflag := c.fs.String("journal", "", "journal `path` (or CARDIMPORT_JOURNAL; default: the one an import with the same flags uses)")
	asJSON := c.fs.Bool("json", false, "print stats or unresolved as JSON on stdout")
	c.someConfig = true
	if err := c.parse(e, args, true); err != nil {
		return err
	}
	target, ok := targets.Lookup(ro.target)
	if !ok {
		return usagef("--target %q: want %s", ro.target, targets.Names())
	}
	path, _, err := journalPath(e, *jflag, target, po.endpoint, platformSettings(target, po, c.secrets))
	if err != nil {
		return err
	}
	action := "stats"
	if len(c.args) > 0 {
		action = c.args[0]
	}
	var file string
	switch {
	case action == "export" && len(c.args) == 2:
		file = c.args[1]
		if !report.ReportFormats.Accepts(file) {
			return usagef("export %q: want a %s path", file, report.ReportFormats.Choices())
		}
	case (action == "stats" || action == "unresolved") && len(c.args) <= 1:
	default:
		return usagef("want stats, unresolved or export FILE")
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no journal at %s: no import with these flags (--target, --endpoint, the platform ids) has run here; give --journal to look at another", path)
	}
	in, err := journal.Inspect(path)
	if err != nil {
		return err
	}
	defer in.Close()
	switch action {
	case "stats":
		return journalStats(ctx, e, in, path, *asJSON)
	case "unresolved":
		return journalUnresolved(ctx, e, in, path, *asJSON)
	}
	return journalExport(ctx, e, in, file)
}

func journalStats(ctx context.Context, e *env, in *journal.Inspector, path string, asJSON bool) error {
	counts, err := in.Counts(ctx)
	if err != nil {
		return err
	}
	runs, err := in.Runs(ctx)
	if err != nil {
		return err
	}
	gens, err := in.Generates(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e, struct {
			Journal  string                 `json:"journal"`
			Cards    []journal.Count        `json:"cards"`
			Runs     []journal.RunInfo      `json:"runs"`
			Generate []journal.GenerateCall `json:"generate_calls"`
		}{path, counts, runs, gens})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "journal %s\n\n", path)
	fmt.Fprintln(w, "TARGET\tMERCHANT\tSTATUS\tCARDS")
	for _, c := range counts {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\n", c.Target, c.Merchant, c.Status, c.Cards)
	}
	fmt.Fprintln(w, "\nRUN\tCOMMAND\tSTARTED\tOUTCOME\tROWS")
	for _, r := range runs {
		outcome := r.Outcome
		if r.Finished == "" {
			outcome = "running, or died"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Command, r.Started, outcome, r.Counts)
	}
	if len(gens) > 0 {
		fmt.Fprintln(w, "\nGENERATE RUN\tCALL\tCARDS\tBALANCE\tSTATUS")
		for _, g := range gens {
			fmt.Fprintf(w, "%s\t%d\t%d/%d\t%s\t%s\n", g.Run, g.Batch, g.Cards, g.Count, g.Balance, g.Status)
		}
	}
	return w.Flush()
}

func journalUnresolved(ctx context.Context, e *env, in *journal.Inspector, path string, asJSON bool) error {
	var cards []journal.Entry
	err := in.Each(ctx, true, func(en *journal.Entry) error {
		cards = append(cards, *en)
		return nil
	})
	if err != nil {
		return err
	}
	gens, err := in.UnresolvedGenerates(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e, struct {
			Journal  string                 `json:"journal"`
			Cards    []journal.Entry        `json:"cards"`
			Generate []journal.GenerateCall `json:"generate_calls"`
		}{path, cards, gens})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SOURCE\tROW\tCARDNO\tEXTID\tSTATUS\tATTEMPTS\tLAST ERROR")
	for _, en := range cards {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%d\t%s\n", en.Source, en.Row, en.Cardno, en.Extid, en.Status, en.Attempts, en.Error)
	}
	if len(gens) > 0 {
		fmt.Fprintln(w, "\nGENERATE RUN\tCALL\tCARDS ASKED\tBALANCE\tSTATUS\tCREATED\tERROR")
		for _, g := range gens {
			fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\t%s\t%s\n", g.Run, g.Batch, g.Count, g.Balance, g.Status, g.Created, g.Error)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d unresolved card(s), %d generate call(s) of unknown outcome\n", len(cards), len(gens))
	if len(gens) > 0 {
		fmt.Fprintln(e.stdout, "generate calls of unknown outcome may have created cards: check the platform, then run generate with --accept-unresolved")
	}
	return nil
}

// writeJSON prints v as the command's one JSON document.
func writeJSON(e *env, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	e.jsonDone = true
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}

func journalExport(ctx context.Context, e *env, in *journal.Inspector, file string) error {
	rep, err := report.Create(file, report.Options{})
	if err != nil {
		return err
	}
	defer rep.Abort()
	sum := &report.Summary{Command: "journal export", Counts: map[platform.Status]int{}}
	err = in.Each(ctx, false, func(en *journal.Entry) error {
		st := platform.Status(en.Status)
		if en.Status == journal.StatusSending {
			st = platform.StatusUnknown // a run died while sending it
		}
		sum.Rows++
		sum.Counts[st]++
		return rep.Write(&report.Line{
			Source: en.Source, Row: en.Row, Status: st, Cardno: en.Cardno, Extid: en.Extid, Name: en.Name,
			Phone: en.Phone, Mbno: en.Mbno, ID: en.ID, Balance: en.Balance, Attempts: en.Attempts,
			Message: joinNonEmpty(en.Error, "run "+en.Run+", "+en.Target+" "+en.Merchant),
		})
	})
	if err != nil {
		return err
	}
	sum.Report = file
	if err := rep.Close(sum); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: %s cards\n", file, strconv.Itoa(sum.Rows))
	return nil
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
