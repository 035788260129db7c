package main

import (
	"context"
)

const validateAbout = `Checks every row of the rosters against the rules of the target platform
and writes the same report an import would, with the statuses valid and
invalid, and the rows to fix in the rejects file. Nothing is sent.

With --check-server it also asks the platform, read-only, which card
numbers, in-card codes or phones already exist there (mb: mb_check by
in-card code and phone; sandy: getcardinfo and getcards), and reports those
rows as exists before any import. The platform flags and secrets are then
those of import.`

func runValidate(ctx context.Context, e *env, args []string) error {
	c := newCommand("validate", "ROSTER [ROSTER...] [flags]", validateAbout)
	var ro rosterOptions
	var out outputOptions
	var po platformOptions
	ro.register(c.fs)
	out.register(c.fs, true)
	po.register(c.fs)
	checkServer := c.fs.Bool("check-server", false, "ask the platform which cards, in-card codes and phones already exist")
	if err := c.parse(e, args, true); err != nil {
		return err
	}
	if len(c.args) == 0 {
		return usagef("no roster given")
	}
	target, err := ro.check()
	if err != nil {
		return err
	}
	if err := po.check(target); err != nil {
		return err
	}
	if err := checkReportPaths(&out, c.args); err != nil {
		return err
	}
	log := newLogger(e, out)
	rosters, err := openRosters(c.args, ro, target, log)
	if err != nil {
		return err
	}
	defer closeRosters(rosters)
	p := pipeline{
		command: "validate",
		target:  target,
		rosters: rosters,
		ro:      ro,
		out:     out,
	}
	if *checkServer {
		// The in-process sandbox is the one imports use: its cards are
		// kept beside the journal an import would use.
		jpath, _, err := journalPath(e, "", target, po.endpoint, platformSettings(target, po, c.secrets))
		if err != nil {
			return err
		}
		conn, err := connect(ctx, log, target, po, c.secrets, connectOptions{readOnly: true, sandboxState: sandboxStatePath(jpath)})
		if err != nil {
			return err
		}
		defer conn.close()
		p.conn, p.checkOnly = conn, true
		p.batchSize, p.concurrency, p.timeout = po.batchSize, po.concurrency, po.timeout
	}
	return runPipeline(ctx, e, log, p)
}
