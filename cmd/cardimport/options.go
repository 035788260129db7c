package main

import (
	"flag"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// The option groups commands share: roster flags, output flags, platform
// flags (derived from the platforms' descriptors), and the repeatable
// --map and --ignore-column.

// The words of the flags' own checks.
var (
	msgMapWant  = lang.Msg("want column=field, like 会员卡号2=cardno", "要写成 列名=字段，例如 会员卡号2=cardno")
	msgListWant = lang.Msg("want a column name, as the roster's header writes it", "要写列名，和名单表头里写的一样")
)

// mapFlag collects repeatable --map column=field.
type mapFlag struct {
	m map[string]string
	e *env // for the language of its errors
}

func (m mapFlag) String() string {
	var parts []string
	for k, v := range m.m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (m mapFlag) Set(s string) error {
	p := m.e.lang
	col, field, ok := strings.Cut(s, "=")
	col, field = strings.TrimSpace(col), strings.TrimSpace(field)
	if !ok || col == "" || field == "" {
		return p.Errorf(msgMapWant)
	}
	// The target, a field's name or any of its aliases (储值余额=余额), is
	// checked by roster.CheckOptions, in rosterOptions.check.
	m.m[col] = field
	return nil
}

// listFlag collects a repeatable flag's values (--ignore-column).
type listFlag struct {
	list []string
	e    *env // for the language of its errors
}

func (l *listFlag) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.list, ",")
}

func (l *listFlag) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return l.e.lang.Errorf(msgListWant)
	}
	l.list = append(l.list, s)
	return nil
}

// rosterOptions are the flags of every command that reads rosters.
type rosterOptions struct {
	target      string
	sheet       string
	maps        mapFlag
	ignore      listFlag
	encoding    string
	phoneRegion string
}

// The usage of the roster flags, and the words of their checks.
var (
	msgFlagTarget       = lang.Msg("platform: %s", "发卡`平台`：%s")
	msgFlagSheet        = lang.Msg("xlsx `sheet` to read (default: the first visible sheet)", "要读取的 xlsx `工作表`（默认：第一个没有隐藏的工作表）")
	msgFlagMap          = lang.Msg("`column=field` for a header the aliases do not know; field is a name or an alias, like 余额 (repeatable)", "`列名=字段`：程序认不出的表头对应哪个字段；字段可以写字段名或别名，例如 余额（可以写多次）")
	msgFlagIgnoreColumn = lang.Msg("`column` that looks like a card field but is not to be imported (repeatable)", "看起来像卡字段、但不要导入的`列名`（可以写多次）")
	msgFlagEncoding     = lang.Msg("CSV encoding: auto, utf-8, utf-16, gbk or gb18030", "CSV 文件的`编码`：auto、utf-8、utf-16、gbk 或 gb18030")
	msgFlagPhoneRegion  = lang.Msg("`region` phones are validated for (CN, HK, MO, TW...)", "手机号按哪个`地区`的规则校验（CN、HK、MO、TW…）")
	msgTargetWant       = lang.Msg("--target %q: want %s", "--target %q：只能是 %s")
	msgPhoneRegion      = lang.Msg("--phone-region %s: %v", "--phone-region %s：%v")
)

func (o *rosterOptions) register(fs *flag.FlagSet, e *env) {
	p := e.lang
	o.maps = mapFlag{m: map[string]string{}, e: e}
	o.ignore.e = e
	fs.StringVar(&o.target, "target", targets.Default().Name, p.Sprintf(msgFlagTarget, targetHelp(p)))
	fs.StringVar(&o.sheet, "sheet", "", p.Sprintf(msgFlagSheet))
	fs.Var(o.maps, "map", p.Sprintf(msgFlagMap))
	fs.Var(&o.ignore, "ignore-column", p.Sprintf(msgFlagIgnoreColumn))
	fs.StringVar(&o.encoding, "encoding", "auto", p.Sprintf(msgFlagEncoding))
	fs.StringVar(&o.phoneRegion, "phone-region", "CN", p.Sprintf(msgFlagPhoneRegion))
}

// lookupTarget finds --target's platform, or says which there are.
func lookupTarget(p *lang.Printer, name string) (*platform.Descriptor, error) {
	d, ok := targets.Lookup(name)
	if !ok {
		return nil, usagef(p, msgTargetWant, name, targetNames(p))
	}
	return d, nil
}

func (o *rosterOptions) check(p *lang.Printer) (*platform.Descriptor, error) {
	d, err := lookupTarget(p, o.target)
	if err != nil {
		return nil, err
	}
	// The roster reader owns the encodings and the --map and
	// --ignore-column rules that need no roster.
	if err := roster.CheckOptions(o.options(p, false)); err != nil {
		return nil, usageError{err}
	}
	// A phone region the rules do not know is the command line's mistake,
	// found before anything is read.
	if _, err := validate.New(validate.Options{PhoneRegion: o.phoneRegion, Printer: p}); err != nil {
		return nil, usagef(p, msgPhoneRegion, o.phoneRegion, err)
	}
	return d, nil
}

// options are the roster reader's options, its words in p's language.
// With several rosters a --map or --ignore-column entry may concern only
// some of them: openRosters checks each matched a column in one.
func (o *rosterOptions) options(p *lang.Printer, several bool) roster.Options {
	return roster.Options{Sheet: o.sheet, Encoding: o.encoding, Map: o.maps.m, Ignore: o.ignore.list, MapOptional: several, Printer: p}
}

// outputOptions are the flags of commands that write a report.
type outputOptions struct {
	report     string
	rejects    string
	json       bool
	quiet      bool
	noProgress bool
}

// The usage of the output flags.
var (
	msgFlagReport  = lang.Msg("report `path`: %s (default <first roster>.report%s)", "对账报告的`路径`：%s（默认 <第一个名单>.report%s）")
	msgFlagRejects = lang.Msg("`path` of the rows to fix, in the roster's format plus 错误原因 (default <first roster>.rejects.<ext>)",
		"待修正名单的`路径`：出错的行按名单原来的格式和列写出，最后加一列 错误原因（默认 <第一个名单>.rejects.<扩展名>）")
	msgFlagJSON       = lang.Msg("print the run summary as JSON on stdout", "把运行汇总以 JSON 格式输出到标准输出")
	msgFlagQuiet      = lang.Msg("log warnings and errors only, no progress", "只输出警告和错误，不显示进度")
	msgFlagNoProgress = lang.Msg("no progress bar (periodic log lines instead)", "不显示进度条（改为定时输出一行进度）")
)

func (o *outputOptions) register(fs *flag.FlagSet, p *lang.Printer, withRejects bool) {
	fs.StringVar(&o.report, "report", "", p.Sprintf(msgFlagReport, report.ReportFormats.Choices(p), report.ReportFormats.Default()))
	if withRejects {
		fs.StringVar(&o.rejects, "rejects", "", p.Sprintf(msgFlagRejects))
	}
	fs.BoolVar(&o.json, "json", false, p.Sprintf(msgFlagJSON))
	fs.BoolVar(&o.quiet, "quiet", false, p.Sprintf(msgFlagQuiet))
	fs.BoolVar(&o.noProgress, "no-progress", false, p.Sprintf(msgFlagNoProgress))
}

// expandDates replaces {date} (2026-12-02) and {time} (231500) in the
// report and rejects paths, for dated report folders from a config file.
func (o *outputOptions) expandDates(now time.Time) {
	r := strings.NewReplacer("{date}", now.Format("2006-01-02"), "{time}", now.Format("150405"))
	o.report, o.rejects = r.Replace(o.report), r.Replace(o.rejects)
}

// defaults fills the report and rejects paths from the first roster: the
// report in its default format, the rejects in the roster's own format when
// a rejects file can be written in it, else in the default one.
func (o *outputOptions) defaults(first string) {
	ext := extOf(first)
	base := strings.TrimSuffix(first, ext)
	if o.report == "" {
		o.report = base + ".report" + report.ReportFormats.Default()
	}
	if o.rejects == "" {
		if !report.RejectsFormats.Accepts(first) {
			ext = report.RejectsFormats.Default()
		}
		o.rejects = base + ".rejects" + ext
	}
}

// extOf returns the extension of path, lower case, as every output check
// reads it (report.Ext).
func extOf(path string) string { return report.Ext(path) }

// platformOptions are the flags of commands that talk to a platform.
type platformOptions struct {
	endpoint    string
	batchSize   int
	concurrency int
	rate        float64
	timeout     time.Duration
	retries     int
	// settings are the platforms' ids that may come from flags (the
	// descriptors' non-secret settings), by key.
	settings map[string]*string
}

// The usage of the platform flags, and the words of their checks.
var (
	msgFlagBatchSize   = lang.Msg("rows per call, %s", "每次调用发送的`行数`，%s")
	msgBatchAlways1    = lang.Msg("%s always 1", "%s 固定为 1")
	msgBatchRange      = lang.Msg("%s 1-%s", "%s 为 1-%s")
	msgFlagConcurrency = lang.Msg("requests in flight (1-64)", "同时发出的`请求数`（1-64）")
	msgFlagRate        = lang.Msg("requests per second (token bucket, burst 1)", "每秒`请求数`（令牌桶，突发 1）")
	msgFlagTimeout     = lang.Msg("per request", "每个请求的超时`时长`")
	msgFlagRetries     = lang.Msg("retries of a transient failure (connection errors, timeouts before sending, HTTP 5xx and 429, busy answers)",
		"临时故障的重试`次数`（连接出错、发送前超时、HTTP 5xx 和 429、平台繁忙）")
	msgFlagEndpoint = lang.Msg("platform `URL`; sandbox runs the built-in simulator (nothing real is issued)",
		"平台接口`地址`；写 sandbox 则由内置模拟平台应答（不会发出真实的卡）")
	msgFlagSettingEnv = lang.Msg("%s (or %s)", "%s（也可以用环境变量 %s）")
	msgBatchSizeWant  = lang.Msg("--batch-size %s: want 1 to %s", "--batch-size %s：要在 1 到 %s 之间")
	msgConcurrency    = lang.Msg("--concurrency %s: want 1 to 64", "--concurrency %s：要在 1 到 64 之间")
	msgRateWant       = lang.Msg("--rate %s: want more than 0 requests per second", "--rate %s：每秒请求数要大于 0")
	msgTimeoutWant    = lang.Msg("--timeout %s: want a positive duration like 30s", "--timeout %s：要写一个大于 0 的时长，例如 30s")
	msgRetriesWant    = lang.Msg("--retries %s: want 0 to 100", "--retries %s：要在 0 到 100 之间")
)

// register registers the flags of commands that talk to the platforms ds
// (every platform when none is named).
func (o *platformOptions) register(fs *flag.FlagSet, p *lang.Printer, ds ...*platform.Descriptor) {
	if len(ds) == 0 {
		ds = targets.All()
	}
	o.registerIDs(fs, p, ds...)
	fs.IntVar(&o.batchSize, "batch-size", ds[0].Batch.Default, p.Sprintf(msgFlagBatchSize, batchHelp(p, ds)))
	fs.IntVar(&o.concurrency, "concurrency", 4, p.Sprintf(msgFlagConcurrency))
	fs.Float64Var(&o.rate, "rate", 5, p.Sprintf(msgFlagRate))
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, p.Sprintf(msgFlagTimeout))
	fs.IntVar(&o.retries, "retries", 5, p.Sprintf(msgFlagRetries))
}

// registerIDs registers --endpoint and the id flags of the platforms ds
// (every platform when none is named): what names the platform and the
// merchant.
func (o *platformOptions) registerIDs(fs *flag.FlagSet, p *lang.Printer, ds ...*platform.Descriptor) {
	fs.StringVar(&o.endpoint, "endpoint", "sandbox", p.Sprintf(msgFlagEndpoint))
	o.settings = map[string]*string{}
	if len(ds) == 0 {
		ds = targets.All()
	}
	var settings []platform.Setting
	for _, d := range ds {
		settings = append(settings, d.Settings...)
	}
	for _, s := range settings {
		if s.Secret || o.settings[s.Key] != nil {
			continue
		}
		usage := translated(p, s.Usage)
		if s.Env != "" {
			usage = p.Sprintf(msgFlagSettingEnv, usage, s.Env)
		}
		o.settings[s.Key] = fs.String(s.Key, s.Default, usage)
	}
}

// translated prints key in p's language when the catalogue has it, and
// as it is otherwise: the platforms' setting usages are the platforms'
// words, which they register themselves (or not yet).
func translated(p *lang.Printer, key string) string {
	if catalogued()[key] {
		return p.Sprintf(key)
	}
	return key
}

// catalogued is the set of the catalogue's keys (complete once every
// package's init has run).
var catalogued = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, e := range lang.Entries() {
		m[e.Key] = true
	}
	return m
})

// batchHelp words the platforms' batch limits: "mb 1-500, sandy always 1".
func batchHelp(p *lang.Printer, ds []*platform.Descriptor) string {
	var parts []string
	for _, d := range ds {
		if d.Batch.Max <= 1 {
			parts = append(parts, p.Sprintf(msgBatchAlways1, d.Name))
		} else {
			parts = append(parts, p.Sprintf(msgBatchRange, d.Name, strconv.Itoa(d.Batch.Max)))
		}
	}
	return strings.Join(parts, p.ListSep())
}

func (o *platformOptions) check(p *lang.Printer, d *platform.Descriptor) error {
	switch {
	case d.Batch.Max > 1 && (o.batchSize < 1 || o.batchSize > d.Batch.Max):
		return usagef(p, msgBatchSizeWant, strconv.Itoa(o.batchSize), strconv.Itoa(d.Batch.Max))
	case o.concurrency < 1 || o.concurrency > 64:
		return usagef(p, msgConcurrency, strconv.Itoa(o.concurrency))
	case o.rate <= 0 || o.rate > 10000:
		return usagef(p, msgRateWant, fmt.Sprint(o.rate))
	case o.timeout <= 0:
		return usagef(p, msgTimeoutWant, o.timeout.String())
	case o.retries < 0 || o.retries > 100:
		return usagef(p, msgRetriesWant, strconv.Itoa(o.retries))
	}
	// One card per call on platforms that take no more: not an error.
	o.batchSize = d.Batch.Size(o.batchSize)
	return nil
}

// platformSettings gathers the platform's settings: the flags (or their
// environment and config fallbacks, already applied) and the secrets.
func platformSettings(d *platform.Descriptor, o platformOptions, secrets map[string]string) map[string]string {
	m := map[string]string{}
	for _, s := range d.Settings {
		if s.Secret {
			m[s.Key] = secrets[s.Key]
		} else if p := o.settings[s.Key]; p != nil {
			m[s.Key] = *p
		}
	}
	return m
}

// targetHelp lists the platforms: "mb (果盘 mb_newcard) or sandy (member-cjb)".
func targetHelp(p *lang.Printer) string {
	var parts []string
	for _, d := range targets.All() {
		parts = append(parts, p.Sprintf(msgInParens, d.Name, d.Title))
	}
	return report.JoinOr(p, parts)
}

// msgInParens is a name with its description: "mb (果盘 mb_newcard)".
var msgInParens = lang.Msg("%s (%s)", "%s（%s）")

// targetNames lists the platforms' names: "mb or sandy".
func targetNames(p *lang.Printer) string {
	var names []string
	for _, d := range targets.All() {
		names = append(names, d.Name)
	}
	return report.JoinOr(p, names)
}

// The words of flagError.
var (
	msgSecretFlag = lang.Msg("--%s: secrets never come from flags (they would show in ps): set %s, or %s in the --config file",
		"--%s：密钥不能写在命令行上（ps 命令会让别的用户看到）：请设置环境变量 %s，或者写在 --config 配置文件的 %s 里")
	msgUnknownFlagNear = lang.Msg("unknown flag --%s: did you mean --%s?", "没有 --%s 这个选项，是不是想写 --%s？")
	msgUnknownFlag     = lang.Msg("unknown flag --%s (cardimport %s --help lists them)", "没有 --%s 这个选项（运行 cardimport %s --help 可以看到所有选项）")
	msgDurationUnit    = lang.Msg("--%s %s: write a duration with its unit, like %ss or %sm", "--%s %s：时长要带单位，例如 %ss 或 %sm")
	msgWantNumber      = lang.Msg("want a number", "要写数字")
	msgWantBool        = lang.Msg("want true or false", "只能是 true 或 false")
	msgOutOfRange      = lang.Msg("value out of range", "数值超出范围")
	msgParseError      = lang.Msg("parse error", "看不懂这个值")
	msgFlagValue       = lang.Msg("--%s %s: %s", "--%s %s：%s")
	msgNeedsValue      = lang.Msg("--%s needs a value", "--%s 后面要写一个值")
	msgBadSyntax       = lang.Msg("bad flag syntax: %s", "选项写法不对：%s")
)
