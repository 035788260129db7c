package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/cardimport/cardimport/importer"
	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

var importAbout = lang.Msg(`Validates every row of the rosters, issues the valid rows on the platform
in batches (concurrently, under a rate limit, never twice), and writes a
reconciliation report with one line per roster row.

With --endpoint sandbox (the default) a built-in simulator answers and
nothing real is issued. Against a real platform, secrets come from the
environment or the config file, never from flags: CARDIMPORT_APIKEY and
CARDIMPORT_APPSECRET (mb), CARDIMPORT_SANDY_TOKEN (sandy).`, `逐行校验名单，把有效的行分批发到平台上开卡（并发发送、限制速率、同一张卡绝不发
两次），最后写出对账报告：名单里的每一行，在报告里都有对应的一行。

--endpoint 为 sandbox（默认）时，由内置的模拟平台应答，不会发出真实的卡。连接
真实平台时，密钥只能来自环境变量或配置文件，不能写在命令行上：CARDIMPORT_APIKEY
和 CARDIMPORT_APPSECRET（mb），CARDIMPORT_SANDY_TOKEN（sandy）。`)

// The words of import and of the pipeline it shares with validate.
var (
	msgRosterSynopsis    = lang.Msg("ROSTER [ROSTER...] [flags]", "名单文件 [名单文件…] [选项]")
	msgFlagJournal       = lang.Msg("journal `path` (or CARDIMPORT_JOURNAL; default: one file per platform and merchant in the user's state folder)", "发卡记录的`路径`（也可以用 CARDIMPORT_JOURNAL；默认：放在用户的状态文件夹里，每个平台和商户各一个文件）")
	msgFlagNewJournal    = lang.Msg("start an empty journal in place of one that lost its data (the damaged files are kept aside)", "发卡记录的数据丢失时，换一个新的空记录（损坏的文件另外保留）")
	msgFlagMaxErrors     = lang.Msg("stop sending once this many rows are invalid or rejected: `N` or N%%", "无效或被拒的行达到这个数就停止发送：`N` 行，或 N%%")
	msgFlagRechargeBonus = lang.Msg("sandy: migrate balances even through a recharge rule that adds bonus money or points", "sandy：即使平台的充值规则会赠送金额或积分，也照样迁移余额")
	msgNoRoster          = lang.Msg("no roster given", "没有给出名单文件：请在命令后面写上要处理的名单")
	msgJournalLost       = lang.Msg("the journal %s had lost its data: started a new one (--new-journal); the damaged files are kept as %s*", "发卡记录 %s 的数据已丢失：已按 --new-journal 换了一个新的；损坏的文件保留为 %s*")
	msgNotMigrated       = lang.Msg("column %s (%s) is not migrated: %s has no such field", "%s 列（%s）不会迁移：%s 没有这个字段")
	msgReportFolder      = lang.Msg("report folder: %v", "报告所在的文件夹：%v")
	msgCreateReport      = lang.Msg("create report: %v", "创建报告：%v")
	msgCreateRejects     = lang.Msg("create rejects: %v", "创建待修正名单：%v")
	msgHeaderOnly        = lang.Msg("%s has a header but no rows: nothing in it was checked or sent", "%s 只有表头，没有数据：里面什么都没有检查，也没有发送")
	msgWriteRejects      = lang.Msg("write rejects: %v", "写待修正名单：%v")
	msgMapNoColumn       = lang.Msg("--map %s=%s: no roster has a column %q", "--map %s=%s：哪个名单里都没有 %q 这一列")
	msgIgnoreNoColumn    = lang.Msg("--ignore-column %s: no roster has a column %q", "--ignore-column %s：哪个名单里都没有 %q 这一列")
	msgRosterTwice       = lang.Msg("roster %s is named twice: name each roster once", "名单 %s 写了两次：每个名单只写一次")
	msgRostersSame       = lang.Msg("rosters %s and %s are the same file: name each roster once", "名单 %s 和 %s 是同一个文件：每个名单只写一次")
	msgReportPathWant    = lang.Msg("--report %q: want a %s path", "--report %q：报告的文件名要以 %s 结尾")
	msgRejectsPathWant   = lang.Msg("--rejects %q: want a %s path", "--rejects %q：待修正名单的文件名要以 %s 结尾")
	msgRosterIsOutput    = lang.Msg("%s is a roster: it must not also be the report or the rejects file", "%s 是名单文件：不能同时用作报告或待修正名单")
)

// importOptions are the flags of cardimport import.
type importOptions struct {
	roster   rosterOptions
	out      outputOptions
	platform platformOptions

	journal            string
	newJournal         bool
	maxErrors          string
	allowRechargeBonus bool
}

func runImport(ctx context.Context, e *env, args []string) error {
	p := e.lang
	c := newCommand(e, "import", p.Sprintf(msgRosterSynopsis), p.Sprintf(importAbout))
	var o importOptions
	o.roster.register(c.fs, e)
	o.out.register(c.fs, p, true)
	o.platform.register(c.fs, p)
	c.fs.StringVar(&o.journal, "journal", "", p.Sprintf(msgFlagJournal))
	c.fs.BoolVar(&o.newJournal, "new-journal", false, p.Sprintf(msgFlagNewJournal))
	c.fs.StringVar(&o.maxErrors, "max-errors", "", p.Sprintf(msgFlagMaxErrors))
	c.fs.BoolVar(&o.allowRechargeBonus, "allow-recharge-bonus", false, p.Sprintf(msgFlagRechargeBonus))
	if err := c.parse(args, true); err != nil {
		return err
	}
	p = e.lang // the config file may have chosen another
	if len(c.args) == 0 {
		return usagef(p, msgNoRoster)
	}
	target, err := o.roster.check(p)
	if err != nil {
		return err
	}
	if err := o.platform.check(p, target); err != nil {
		return err
	}
	budget, err := importer.ParseBudget(o.maxErrors, p)
	if err != nil {
		return usageError{err}
	}
	if err := checkReportPaths(p, &o.out, c.args); err != nil {
		return err
	}
	log := newLogger(e, o.out)
	var warnings []string
	jpath, isDefault, err := journalPath(e, o.journal, target, o.platform.endpoint, platformSettings(target, o.platform, c.secrets))
	if err != nil {
		return err
	}
	o.journal = jpath
	if isDefault {
		if note := oldJournalNote(p, o.out.report, jpath); note != "" {
			log.Warn(note)
			warnings = append(warnings, note)
		}
	}
	// Every output is checked before the first request leaves: a report
	// that cannot be written must not be found out after the cards were
	// issued.
	if err := checkOutputs(p, output{"--report", o.out.report}, output{"--rejects", o.out.rejects}, output{"--journal", o.journal}); err != nil {
		return err
	}

	rosters, err := openRosters(p, c.args, o.roster, target, log)
	if err != nil {
		return err
	}
	defer closeRosters(rosters)

	conn, err := connect(ctx, p, log, target, o.platform, c.secrets, connectOptions{
		allowRechargeBonus: o.allowRechargeBonus, sandboxState: sandboxStatePath(o.journal)})
	if err != nil {
		return err
	}
	defer conn.close()

	jr, err := openJournal(ctx, p, o.journal, target, conn, "import", o.newJournal)
	if err != nil {
		return err
	}
	defer jr.Close()
	if jr.Aside != "" {
		w := p.Sprintf(msgJournalLost, o.journal, jr.Aside)
		log.Warn(w)
		warnings = append(warnings, w)
	}

	unsent := unsentColumns(p, target, rosters)
	for _, w := range unsent {
		log.Warn(w)
	}
	warnings = append(warnings, unsent...)
	return runPipeline(ctx, e, log, pipeline{
		command:     "import",
		target:      target,
		rosters:     rosters,
		ro:          o.roster,
		out:         o.out,
		conn:        conn,
		journal:     jr,
		journalPath: o.journal,
		batchSize:   o.platform.batchSize,
		concurrency: o.platform.concurrency,
		timeout:     o.platform.timeout,
		budget:      budget,
		warnings:    warnings,
	})
}

// unsentColumns warns of roster columns the platform has no field for:
// their values are checked but not migrated.
func unsentColumns(p *lang.Printer, d *platform.Descriptor, rosters []*roster.Reader) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rosters {
		for _, c := range r.Columns() {
			if c.Field == validate.NoField || d.Sends(c.Field) || seen[c.Name] {
				continue
			}
			seen[c.Name] = true
			out = append(out, p.Sprintf(msgNotMigrated, c.Name, c.Field.String(), d.Title))
		}
	}
	return out
}

// pipeline is everything runPipeline needs, for import and validate alike.
type pipeline struct {
	command     string
	target      *platform.Descriptor
	rosters     []*roster.Reader
	ro          rosterOptions
	out         outputOptions
	conn        *connection // nil: validate only
	checkOnly   bool        // validate --check-server: look up, never issue
	journal     *journal.DB // nil: no journal (validate)
	journalPath string
	batchSize   int
	concurrency int
	timeout     time.Duration
	budget      importer.Budget
	warnings    []string // said in the summary
}

// runPipeline runs the importer, writes the report, the rejects and the
// summary, and turns the outcome into the exit code.
func runPipeline(ctx context.Context, e *env, log *slog.Logger, p pipeline) error {
	lp := e.lang
	for _, path := range []string{p.out.report, p.out.rejects} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return lp.Errorf(msgReportFolder, err)
		}
	}
	rep, err := report.Create(p.out.report, report.Options{Lang: lp})
	if err != nil {
		return lp.Errorf(msgCreateReport, err)
	}
	defer rep.Abort()
	rej, err := report.CreateRejects(p.out.rejects, lp)
	if err != nil {
		return lp.Errorf(msgCreateRejects, err)
	}
	defer rej.Abort()

	started := time.Now()
	var read atomic.Int64
	live := func() liveStats {
		ls := liveStats{read: read.Load()}
		if p.conn != nil {
			st := p.conn.pacer.Stats()
			ls.requests, ls.rate = st.Requests, st.Rate
		}
		ls.done, ls.size = rosterProgress(p.rosters)
		return ls
	}
	prog := newProgress(e, log, p.out, p.command, live)
	perRoster := map[string]int{}
	cfg := importer.Config{
		Validate:    validate.Options{Profile: p.target.Profile, PhoneRegion: p.ro.phoneRegion, Now: started, Printer: lp},
		BatchSize:   p.batchSize,
		Concurrency: p.concurrency,
		Timeout:     p.timeout,
		Budget:      p.budget,
		Report:      rep,
		Rejects:     rej,
		Log:         log,
		Printer:     lp,
		OnLine: func(l *report.Line) {
			perRoster[l.Source]++
			prog.line(l)
		},
	}
	for _, r := range p.rosters {
		cfg.Rosters = append(cfg.Rosters, countingRoster{r, &read})
	}
	if p.conn != nil {
		cfg.Platform = p.conn.Client
		cfg.Validate.Levels = p.conn.Levels
		cfg.CheckOnly = p.checkOnly
	}
	if p.journal != nil {
		cfg.Journal = p.journal
	}

	res, runErr := importer.Run(ctx, cfg)
	prog.done()
	if res == nil {
		return runErr
	}

	sum := &report.Summary{
		Command:       p.command,
		Target:        p.target.Name,
		Rows:          res.Rows,
		Counts:        res.Counts,
		Started:       started,
		Elapsed:       time.Since(started),
		RosterBalance: res.RosterBalance.Fixed(),
		RosterPoints:  fmt.Sprint(res.RosterPoints),
		Report:        p.out.report,
		Interrupted:   res.Interrupted,
		Warnings:      append(p.warnings, res.Warnings...),
	}
	for _, r := range p.rosters {
		sum.Rosters = append(sum.Rosters, report.RosterInfo{
			Path: r.Path(), Sheet: r.Sheet(), Format: r.Format(), Encoding: r.Encoding(), Delimiter: r.Delimiter(),
			Rows: perRoster[r.Source()],
		})
		sum.Warnings = append(sum.Warnings, r.Warnings()...)
		if perRoster[r.Source()] == 0 && res.Unread == "" && runErr == nil && !res.Interrupted {
			w := lp.Sprintf(msgHeaderOnly, r.Source())
			log.Warn(w)
			sum.Warnings = append(sum.Warnings, w)
		}
	}
	if res.Unread != "" {
		sum.Warnings = append(sum.Warnings, res.Unread)
	}
	if p.conn != nil {
		sum.Endpoint = p.conn.label
		sum.Sandbox = p.conn.sandbox
		st := p.conn.stats()
		sum.Requests, sum.Retries, sum.Throttled = st.Requests, st.Retries, st.Throttled
		ps := p.conn.pacer.Stats()
		sum.Rate, sum.RateLowest = ps.Rate, ps.Lowest
		// Totals the platform never stated stay empty ("not confirmed"),
		// never a misleading 0: mb echoes balances but not points.
		if res.Confirmations > 0 {
			sum.ConfirmedBalance = res.ConfirmedBalance.Fixed()
		}
		if res.PointsConfirmed > 0 {
			sum.ConfirmedPoints = fmt.Sprint(res.ConfirmedPoints)
		}
		sum.Warnings = append(sum.Warnings, p.conn.Warnings...)
	}
	if p.journal != nil {
		sum.Journal = p.journalPath
	}
	n, err := rej.Close()
	if err != nil {
		return lp.Errorf(msgWriteRejects, err)
	}
	if n > 0 {
		sum.Rejects = p.out.rejects
	}
	return finishRun(ctx, e, log, p.out, sum, res.Outcome, runErr, p.journal, rep)
}

// outcomeWord names an exit code in the journal's list of runs.
func outcomeWord(code int) string {
	switch code {
	case exitOK:
		return "complete"
	case exitPartial:
		return "partial"
	case exitBudget:
		return "error budget"
	case exitInterrupted:
		return "interrupted"
	}
	return "fatal"
}

// openJournal opens the journal for the connection's target and merchant.
// newJournal (--new-journal) replaces a journal that lost its data.
func openJournal(ctx context.Context, p *lang.Printer, path string, target *platform.Descriptor, conn *connection, command string, newJournal bool) (*journal.DB, error) {
	return journal.Open(ctx, path, journal.Options{Target: target.Name, Merchant: conn.Merchant, Command: command, NewJournal: newJournal, Printer: p})
}

// newLogger logs to stderr: text lines, info level (warnings with --quiet).
func newLogger(e *env, out outputOptions) *slog.Logger {
	level := slog.LevelInfo
	if out.quiet {
		level = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

// openRosters opens every roster and checks its header before anything is
// sent: a missing required column or a column that looks like a field
// without naming one is fatal. A roster named twice, or an --ignore-column
// that names no column, is a usage error.
func openRosters(p *lang.Printer, paths []string, o rosterOptions, target *platform.Descriptor, log *slog.Logger) ([]*roster.Reader, error) {
	if err := checkDistinctRosters(p, paths); err != nil {
		return nil, err
	}
	var rs []*roster.Reader
	// With several rosters a --map or --ignore-column entry may concern
	// only some of them; it must match a column in at least one.
	opts := o.options(p, len(paths) > 1)
	for _, path := range paths {
		r, err := roster.Open(path, opts)
		if err == nil {
			err = r.Require(target.Profile.Required)
			if err != nil {
				r.Close()
			}
		}
		if err != nil {
			closeRosters(rs)
			if errors.Is(err, roster.ErrBadOption) {
				return nil, usageError{err}
			}
			return nil, err
		}
		for _, w := range r.Warnings() {
			log.Warn(w, "roster", r.Source())
		}
		rs = append(rs, r)
	}
	for _, col := range slices.Sorted(maps.Keys(o.maps.m)) {
		if !mapMatches(rs, col) {
			closeRosters(rs)
			return nil, p.Errorf(msgMapNoColumn, col, o.maps.m[col], col)
		}
	}
	for _, col := range o.ignore.list {
		if !mapMatches(rs, col) {
			closeRosters(rs)
			return nil, usagef(p, msgIgnoreNoColumn, col, col)
		}
	}
	return rs, nil
}

// mapMatches reports whether a roster has a column named col, compared
// the way --map and --ignore-column compare headers.
func mapMatches(rs []*roster.Reader, col string) bool {
	want := validate.FoldHeader(col)
	for _, r := range rs {
		for _, c := range r.Columns() {
			if validate.FoldHeader(c.Name) == want {
				return true
			}
		}
	}
	return false
}

// checkDistinctRosters refuses a file named twice as a roster, however it
// is spelled (a.csv, ./a.csv, a symbolic or hard link to it): its rows
// would be read twice and every total doubled. A path that cannot be read
// is left to roster.Open to report.
func checkDistinctRosters(lp *lang.Printer, paths []string) error {
	infos := make([]os.FileInfo, len(paths))
	for i, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		for j, prev := range infos[:i] {
			if prev == nil || !os.SameFile(prev, fi) {
				continue
			}
			if paths[j] == p {
				return usagef(lp, msgRosterTwice, p)
			}
			return usagef(lp, msgRostersSame, paths[j], p)
		}
		infos[i] = fi
	}
	return nil
}

// samePath reports whether two paths name the same file: the same file
// on disk when both exist, else the same absolute path.
func samePath(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

func closeRosters(rs []*roster.Reader) {
	for _, r := range rs {
		r.Close()
	}
}

// checkReportPaths fills the default report and rejects paths and checks
// their extensions before anything is read.
func checkReportPaths(p *lang.Printer, o *outputOptions, rosters []string) error {
	o.expandDates(time.Now())
	o.defaults(rosters[0])
	if !report.ReportFormats.Accepts(o.report) {
		return usagef(p, msgReportPathWant, o.report, report.ReportFormats.Choices(p))
	}
	if !report.RejectsFormats.Accepts(o.rejects) {
		return usagef(p, msgRejectsPathWant, o.rejects, report.RejectsFormats.Choices(p))
	}
	for _, r := range rosters {
		if samePath(r, o.report) || samePath(r, o.rejects) {
			return usagef(p, msgRosterIsOutput, r)
		}
	}
	return nil
}

// countingRoster counts the rows the importer reads, for progress lines.
type countingRoster struct {
	*roster.Reader
	n *atomic.Int64
}

func (c countingRoster) Next() (roster.Row, error) {
	row, err := c.Reader.Next()
	if err == nil {
		c.n.Add(1)
	}
	return row, err
}

// rosterProgress is how far through the rosters' bytes reading is, when
// the readers can tell (for the ETA): done and size, 0 and 0 otherwise.
func rosterProgress(rs []*roster.Reader) (done, size int64) {
	for _, r := range rs {
		p, ok := any(r).(interface{ Progress() (done, size int64) })
		if !ok {
			return 0, 0
		}
		d, s := p.Progress()
		done, size = done+d, size+s
	}
	return done, size
}
