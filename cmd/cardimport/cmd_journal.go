package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"github.com/cardimport/cardimport/importer/journal"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate/lang"
)

var journalAbout = lang.Msg(`Looks into a journal without disturbing a run that is using it.

  cardimport journal [stats]          cards per target, merchant and status; the runs
  cardimport journal unresolved       cards whose fate is open (sending, unknown, pending)
                                      and generate calls of unknown outcome
  cardimport journal export FILE      every card as a report (.csv, .xlsx or .json)

It finds the journal an import with the same flags uses (--target,
--endpoint, the platform ids, --config, --journal or CARDIMPORT_JOURNAL).
Unresolved cards are verified on the platform by the next import of a
roster that holds them: run the same import again.`, `查看发卡记录，不会打扰正在使用它的运行。

  cardimport journal [stats]          按平台、商户和状态统计卡数，并列出历次运行
  cardimport journal unresolved       结果未定的卡（发送中、待确认、未发送），
                                      以及结果不明的生成调用
  cardimport journal export 文件      把所有卡导出成一份报告（.csv、.xlsx 或 .json）

它找的是用同样的选项运行 import 时用的那份发卡记录（--target、--endpoint、
平台 ID、--config、--journal 或 CARDIMPORT_JOURNAL）。结果未定的卡，会在下一次
导入含有这些卡的名单时到平台上核实：把同样的 import 再运行一次即可。`)

// The words of journal.
var (
	msgJournalSynopsis = lang.Msg("[stats|unresolved|export FILE] [flags]", "[stats|unresolved|export 文件] [选项]")
	msgFlagJournalFind = lang.Msg("journal `path` (or CARDIMPORT_JOURNAL; default: the one an import with the same flags uses)",
		"发卡记录的`路径`（也可以用 CARDIMPORT_JOURNAL；默认：用同样的选项运行 import 时用的那份）")
	msgFlagJournalJSON = lang.Msg("print stats or unresolved as JSON on stdout", "把 stats 或 unresolved 的结果以 JSON 格式输出到标准输出")
	msgExportWant      = lang.Msg("export %q: want a %s path", "export %q：导出的文件名要以 %s 结尾")
	msgJournalAction   = lang.Msg("want stats, unresolved or export FILE", "只能是 stats、unresolved 或 export 文件名")
	msgNoJournal       = lang.Msg("no journal at %s: no import with these flags (--target, --endpoint, the platform ids) has run here; give --journal to look at another",
		"%s 没有发卡记录：还没有用这些选项（--target、--endpoint、平台 ID）运行过 import；要查看别的发卡记录，请用 --journal 指定")
	msgJournalTitle   = lang.Msg("journal %s\n\n", "发卡记录 %s\n\n")
	msgStatsCards     = lang.Msg("TARGET\tMERCHANT\tSTATUS\tCARDS", "平台\t商户\t状态\t卡数")
	msgStatsRuns      = lang.Msg("RUN\tCOMMAND\tSTARTED\tOUTCOME\tROWS", "运行\t命令\t开始时间\t结果\t各状态行数")
	msgRunningOrDied  = lang.Msg("running, or died", "还在运行，或已意外退出")
	msgStatsGenerate  = lang.Msg("GENERATE RUN\tCALL\tCARDS\tBALANCE\tSTATUS", "生成运行\t调用\t卡数\t余额\t状态")
	msgUnresolvedRows = lang.Msg("SOURCE\tROW\tCARDNO\tEXTID\tSTATUS\tATTEMPTS\tLAST ERROR", "来源\t行号\t卡号\t卡内编码\t状态\t尝试次数\t最后的错误")
	msgUnresolvedGen  = lang.Msg("GENERATE RUN\tCALL\tCARDS ASKED\tBALANCE\tSTATUS\tCREATED\tERROR", "生成运行\t调用\t要求卡数\t余额\t状态\t创建时间\t错误")
	msgUnresolvedSum  = lang.Msg("%d unresolved card(s), %d generate call(s) of unknown outcome\n", "%d 张卡结果未定，%d 次生成调用结果不明\n")
	msgUnresolvedNext = lang.Msg("generate calls of unknown outcome may have created cards: check the platform, then run generate with --accept-unresolved",
		"结果不明的生成调用可能已经生成了卡：请先到平台上核实，再加上 --accept-unresolved 运行 generate")
	msgExportLine  = lang.Msg("run %s, %s %s", "运行 %s，%s %s")
	msgExportWrote = lang.Msg("wrote %s: %s cards\n", "已写出 %s：%s 张卡\n")
)

// journalWords are the journal's own words — card and call statuses, the
// outcomes of runs — as people read them in the tables; the journal and
// --json keep the words themselves. Report statuses are report.StatusLabel's.
var journalWords = map[string]string{
	journal.StatusSending:        lang.Msg("sending", "发送中"),
	"complete":                   lang.Msg("complete", "完成"),
	"partial":                    lang.Msg("partial", "部分完成"),
	"error budget":               lang.Msg("error budget", "达到出错上限"),
	"interrupted":                lang.Msg("interrupted", "中断"),
	"fatal":                      lang.Msg("fatal", "严重错误"),
	"refused":                    lang.Msg("refused", "被拒绝"),
	"accepted":                   lang.Msg("accepted", "已接受"),
	"stopped before its summary": lang.Msg("stopped before its summary", "没到汇总就停止了"),
}

// journalWord is a journal status or outcome in p's language.
func journalWord(p *lang.Printer, w string) string {
	if key, ok := journalWords[w]; ok {
		return p.Sprintf(key)
	}
	return report.StatusLabel(p, platform.Status(w))
}

func runJournal(ctx context.Context, e *env, args []string) error {
	p := e.lang
	c := newCommand(e, "journal", p.Sprintf(msgJournalSynopsis), p.Sprintf(journalAbout))
	var ro rosterOptions
	var po platformOptions
	c.fs.StringVar(&ro.target, "target", targets.Default().Name, p.Sprintf(msgFlagTarget, targetHelp(p)))
	po.registerIDs(c.fs, p)
	jflag := c.fs.String("journal", "", p.Sprintf(msgFlagJournalFind))
	asJSON := c.fs.Bool("json", false, p.Sprintf(msgFlagJournalJSON))
	c.someConfig = true
	if err := c.parse(args, true); err != nil {
		return err
	}
	p = e.lang // the config file may have chosen another
	target, err := lookupTarget(p, ro.target)
	if err != nil {
		return err
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
			return usagef(p, msgExportWant, file, report.ReportFormats.Choices(p))
		}
	case (action == "stats" || action == "unresolved") && len(c.args) <= 1:
	default:
		return usagef(p, msgJournalAction)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return p.Errorf(msgNoJournal, path)
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
	p := e.lang
	fmt.Fprint(e.stdout, p.Sprintf(msgJournalTitle, path))
	var t table
	t.header(p.Sprintf(msgStatsCards))
	for _, c := range counts {
		t.row(c.Target, c.Merchant, journalWord(p, c.Status), strconv.Itoa(c.Cards))
	}
	if err := t.write(e.stdout); err != nil {
		return err
	}
	t = table{}
	t.header(p.Sprintf(msgStatsRuns))
	for _, r := range runs {
		outcome := journalWord(p, r.Outcome)
		if r.Finished == "" {
			outcome = p.Sprintf(msgRunningOrDied)
		}
		t.row(r.ID, r.Command, r.Started, outcome, r.Counts)
	}
	fmt.Fprintln(e.stdout)
	if err := t.write(e.stdout); err != nil {
		return err
	}
	if len(gens) > 0 {
		t = table{}
		t.header(p.Sprintf(msgStatsGenerate))
		for _, g := range gens {
			t.row(g.Run, strconv.FormatInt(g.Batch, 10), strconv.Itoa(g.Cards)+"/"+strconv.Itoa(g.Count), g.Balance, journalWord(p, g.Status))
		}
		fmt.Fprintln(e.stdout)
		return t.write(e.stdout)
	}
	return nil
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
	p := e.lang
	var t table
	t.header(p.Sprintf(msgUnresolvedRows))
	for _, en := range cards {
		t.row(en.Source, strconv.Itoa(en.Row), en.Cardno, en.Extid, journalWord(p, en.Status), strconv.Itoa(en.Attempts), en.Error)
	}
	if err := t.write(e.stdout); err != nil {
		return err
	}
	if len(gens) > 0 {
		t = table{}
		t.header(p.Sprintf(msgUnresolvedGen))
		for _, g := range gens {
			t.row(g.Run, strconv.FormatInt(g.Batch, 10), strconv.Itoa(g.Count), g.Balance, journalWord(p, g.Status), g.Created, g.Error)
		}
		fmt.Fprintln(e.stdout)
		if err := t.write(e.stdout); err != nil {
			return err
		}
	}
	fmt.Fprint(e.stdout, p.Sprintf(msgUnresolvedSum, len(cards), len(gens)))
	if len(gens) > 0 {
		fmt.Fprintln(e.stdout, p.Sprintf(msgUnresolvedNext))
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
	p := e.lang
	rep, err := report.Create(file, report.Options{Lang: p})
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
			Message: p.Join(en.Error, p.Sprintf(msgExportLine, en.Run, en.Target, en.Merchant)),
		})
	})
	if err != nil {
		return err
	}
	sum.Report = file
	if err := rep.Close(sum); err != nil {
		return err
	}
	fmt.Fprint(e.stdout, p.Sprintf(msgExportWrote, file, strconv.Itoa(sum.Rows)))
	return nil
}
