package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate/lang"
)

var templateAbout = lang.Msg(`Writes an empty roster with the columns cardimport reads: Chinese headers
(each with a comment giving the field name and its rule), identifier
columns formatted as Text so Excel keeps leading zeros and long digits, a
男/女 dropdown on 性别, date formats on the dates, and a notes sheet that
explains every column. A .csv template is a header line with a UTF-8 BOM.
An existing file is never overwritten.`, `生成一份空白名单，列就是 cardimport 能读的那些：中文表头（每个表头都有批注，写明
是否必填、怎么填和字段名）；卡号这类编号列设成文本格式，Excel 不会吃掉开头的 0 和
长数字；性别列有 男/女 下拉框，日期列设好了日期格式；另有一张“说明”工作表，逐列
说明怎么填。.csv 模板只有一行表头，UTF-8 带 BOM。已有的文件绝不会被覆盖。`)

// The words of template.
var (
	msgTemplateFile       = lang.Msg("FILE%s", "文件%s")
	msgTemplateSynopsis   = lang.Msg("%s [flags]", "%s [选项]")
	msgFlagTemplateTarget = lang.Msg("platform whose required columns come first: %s", "把哪个`平台`的必填列放在最前面：%s")
	msgTemplateOneFile    = lang.Msg("give exactly one file to write, like roster.xlsx", "请写一个（只写一个）要生成的文件，例如 roster.xlsx")
	msgTemplateFormat     = lang.Msg("%s: a template is %s", "%s：模板只能是 %s 文件")
	msgTemplateWrote      = lang.Msg("wrote %s: fill in one card per row, then run: cardimport validate %s\n", "已生成 %s：每行填一张卡，填好后运行：cardimport validate %s\n")
)

func runTemplate(_ context.Context, e *env, args []string) error {
	p := e.lang
	var files []string // FILE.xlsx|FILE.csv
	for _, ext := range report.TemplateFormats.Exts() {
		files = append(files, p.Sprintf(msgTemplateFile, ext))
	}
	c := newCommand(e, "template", p.Sprintf(msgTemplateSynopsis, strings.Join(files, "|")), p.Sprintf(templateAbout))
	var ro rosterOptions
	c.fs.StringVar(&ro.target, "target", targets.Default().Name, p.Sprintf(msgFlagTemplateTarget, targetNames(p)))
	ro.encoding = "auto"
	if err := c.parse(args, false); err != nil {
		return err
	}
	p = e.lang
	if len(c.args) != 1 {
		return usagef(p, msgTemplateOneFile)
	}
	target, err := ro.check(p)
	if err != nil {
		return err
	}
	if !report.TemplateFormats.Accepts(c.args[0]) {
		return usagef(p, msgTemplateFormat, c.args[0], report.TemplateFormats.Choices(p))
	}
	if err := report.WriteTemplate(c.args[0], target.Profile, p); err != nil {
		return err
	}
	fmt.Fprint(e.stdout, p.Sprintf(msgTemplateWrote, c.args[0], c.args[0]))
	return nil
}
