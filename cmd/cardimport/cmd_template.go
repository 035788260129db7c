package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
)

const templateAbout = `Writes an empty roster with the columns cardimport reads: Chinese headers
(each with a comment giving the field name and its rule), identifier
columns formatted as Text so Excel keeps leading zeros and long digits, a
男/女 dropdown on 性别, and date formats on the dates. A .csv template is a
header line with a UTF-8 BOM. An existing file is never overwritten.`

func runTemplate(_ context.Context, e *env, args []string) error {
	usage := "FILE" + strings.Join(report.TemplateFormats.Exts(), "|FILE") + " [flags]" // FILE.xlsx|FILE.csv
	c := newCommand("template", usage, templateAbout)
	var ro rosterOptions
	c.fs.StringVar(&ro.target, "target", targets.Default().Name, "platform whose required columns come first: "+targets.Names())
	ro.encoding = "auto"
	if err := c.parse(e, args, false); err != nil {
		return err
	}
	if len(c.args) != 1 {
		return usagef("give exactly one file to write, like roster.xlsx")
	}
	target, err := ro.check()
	if err != nil {
		return err
	}
	if !report.TemplateFormats.Accepts(c.args[0]) {
		return usagef("%s: a template is %s", c.args[0], report.TemplateFormats.Choices())
	}
	if err := report.WriteTemplate(c.args[0], target.Profile); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: fill in one card per row, then run: cardimport validate %s\n", c.args[0], c.args[0])
	return nil
}
