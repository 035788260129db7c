package main

import (
	"context"
)

const validateAbout = `Checks every row of the rosters against the rules of the target platform
and writes the same report an import would, with the statuses valid and
invalid, and the rows to fix in the rejects file. Nothing is sent.`

func runValidate(ctx context.Context, e *env, args []string) error {
	c := newCommand("validate", "ROSTER [ROSTER...] [flags]", validateAbout)
	var ro rosterOptions
	var out outputOptions
	ro.register(c.fs)
	out.register(c.fs, true)
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
	if err := checkReportPaths(&out, c.args); err != nil {
		return err
	}
	log := newLogger(e, out)
	rosters, err := openRosters(c.args, ro, target, log)
	if err != nil {
		return err
	}
	defer closeRosters(rosters)
	return runPipeline(ctx, e, log, pipeline{
		command: "validate",
		target:  target,
		rosters: rosters,
		ro:      ro,
		out:     out,
	})
}
