package main

import (
	"context"
	"fmt"
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
	c.someConfig = true
	if err := c.parse(e, args, true); err != nil {
		return err
	}
	target, ok := targets.Lookup(ro.target)
	if !ok {
		return usagef("--target %q: want %s", ro.target, targets.Names())
	}
	p, _, err := journalPath(e, *jflag, target, po.endpoint, platformSettings(target, po, c.secrets))
	if err != nil {
		return err
	}
	path := &p
	action := "stats"
	if len(c.args) > 0 {
		action = c.args[0]
	}
	var file string
	switch {
	case action == "export" && len(c.args) == 2:
		file = c.args[1]
		switch extOf(file) {
		case ".csv", ".xlsx", ".json":
		default:
			return usagef("export %q: want a .csv, .xlsx or .json path", file)
		}
	case (action == "stats" || action == "unresolved") && len(c.args) <= 1:
	default:
		return usagef("want stats, unresolved or export FILE")
	}
	in, err := journal.Inspect(*path)
	if err != nil {
		return err
	}
	defer in.Close()
	switch action {
	case "stats":
		return journalStats(ctx, e, in)
	case "unresolved":
		return journalUnresolved(ctx, e, in)
	}
	return journalExport(ctx, e, in, file)
}

func journalStats(ctx context.Context, e *env, in *journal.Inspector) error {
	counts, err := in.Counts(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TARGET\tMERCHANT\tSTATUS\tCARDS")
	for _, c := range counts {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\n", c.Target, c.Merchant, c.Status, c.Cards)
	}
	runs, err := in.Runs(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nRUN\tCOMMAND\tSTARTED\tOUTCOME\tROWS")
	for _, r := range runs {
		outcome := r.Outcome
		if r.Finished == "" {
			outcome = "running, or died"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Command, r.Started, outcome, r.Counts)
	}
	gens, err := in.Generates(ctx)
	if err != nil {
		return err
	}
	if len(gens) > 0 {
		fmt.Fprintln(w, "\nGENERATE RUN\tCALL\tCARDS\tBALANCE\tSTATUS")
		for _, g := range gens {
			fmt.Fprintf(w, "%s\t%d\t%d/%d\t%s\t%s\n", g.Run, g.Batch, g.Cards, g.Count, g.Balance, g.Status)
		}
	}
	return w.Flush()
}

func journalUnresolved(ctx context.Context, e *env, in *journal.Inspector) error {
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SOURCE\tROW\tCARDNO\tEXTID\tSTATUS\tATTEMPTS\tLAST ERROR")
	n := 0
	err := in.Each(ctx, true, func(en *journal.Entry) error {
		n++
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%d\t%s\n", en.Source, en.Row, en.Cardno, en.Extid, en.Status, en.Attempts, en.Error)
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d unresolved card(s)\n", n)
	return nil
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
