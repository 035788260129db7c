package main

import (
	"context"

	"github.com/cardimport/cardimport/validate/lang"
)

var validateAbout = lang.Msg(`Checks every row of the rosters against the rules of the target platform
and writes the same report an import would, with the statuses valid and
invalid, and the rows to fix in the rejects file. Nothing is sent.

With --check-server it also asks the platform, read-only, which card
numbers, in-card codes or phones already exist there (mb: mb_check by
in-card code and phone; sandy: getcardinfo and getcards), and reports those
rows as exists before any import. The platform flags and secrets are then
those of import.`, `按目标平台的规则逐行检查名单，写出和 import 一样的报告（状态为“有效”或
“无效”），要修改的行写进待修正名单。什么都不发送。

加上 --check-server 时，还会以只读方式问平台：哪些卡号、卡内编码或手机号在平台上
已经有了（mb 用 mb_check 按卡内编码和手机号查；sandy 用 getcardinfo 和
getcards 查），在导入之前就把这些行标成“已存在”。这时平台相关的选项和密钥与
import 相同。`)

var msgFlagCheckServer = lang.Msg("ask the platform which cards, in-card codes and phones already exist", "问平台哪些卡号、卡内编码和手机号已经存在")

func runValidate(ctx context.Context, e *env, args []string) error {
	p := e.lang
	c := newCommand(e, "validate", p.Sprintf(msgRosterSynopsis), p.Sprintf(validateAbout))
	var ro rosterOptions
	var out outputOptions
	var po platformOptions
	ro.register(c.fs, e)
	out.register(c.fs, p, true)
	po.register(c.fs, p)
	checkServer := c.fs.Bool("check-server", false, p.Sprintf(msgFlagCheckServer))
	if err := c.parse(args, true); err != nil {
		return err
	}
	p = e.lang // the config file may have chosen another
	if len(c.args) == 0 {
		return usagef(p, msgNoRoster)
	}
	target, err := ro.check(p)
	if err != nil {
		return err
	}
	if err := po.check(p, target); err != nil {
		return err
	}
	if err := checkReportPaths(p, &out, c.args); err != nil {
		return err
	}
	log := newLogger(e, out)
	rosters, err := openRosters(p, c.args, ro, target, log)
	if err != nil {
		return err
	}
	defer closeRosters(rosters)
	pl := pipeline{
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
		conn, err := connect(ctx, p, log, target, po, c.secrets, connectOptions{readOnly: true, sandboxState: sandboxStatePath(jpath)})
		if err != nil {
			return err
		}
		defer conn.close()
		pl.conn, pl.checkOnly = conn, true
		pl.batchSize, pl.concurrency, pl.timeout = po.batchSize, po.concurrency, po.timeout
	}
	return runPipeline(ctx, e, log, pl)
}
