package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// errHelp is returned after --help printed a command's usage: exit 0.
var errHelp = errors.New("help shown")

// command is a command line being parsed: its flag set, the flags the user
// gave explicitly, the secrets, and the positional arguments.
type command struct {
	e        *env
	name     string
	synopsis string // in the command's language: "ROSTER [ROSTER...] [flags]"
	about    string // in the command's language
	fs       *flag.FlagSet
	config   string
	secrets  map[string]string // by setting key: never from flags, which `ps` shows to every user
	args     []string
	// someConfig: the command reads only some settings of a config file
	// written for another command, and ignores the rest.
	someConfig bool
}

// secretSettings are the platforms' secret settings, by config key.
func secretSettings() map[string]platform.Setting {
	m := map[string]platform.Setting{}
	for _, s := range targets.Settings() {
		if s.Secret {
			m[s.Key] = s
		}
	}
	return m
}

// newCommand starts the command line of a command. synopsis and about, and
// the usage of the flags registered next, are in the run's language
// already (run sets e.lang from the command line before any command
// starts): --help prints them as they are.
func newCommand(e *env, name, synopsis, about string) *command {
	c := &command{e: e, name: name, synopsis: synopsis, about: about,
		fs: flag.NewFlagSet(name, flag.ContinueOnError), secrets: map[string]string{}}
	c.fs.SetOutput(io.Discard)
	return c
}

// p is the printer of the command's language.
func (c *command) p() *lang.Printer { return c.e.lang }

// The flags every command has, and the words of parsing.
var (
	msgFlagConfig = lang.Msg("read settings from this TOML `file` (flag names as keys; secrets allowed; flags win)",
		"从这个 TOML 配置`文件`读取设置（键名就是选项名；可以写密钥；命令行上的选项优先）")
	msgFlagHelp = lang.Msg("show this help", "显示本帮助")
	msgFlagLang = lang.Msg("language of messages, help, summary, template and xlsx report: `zh|en` (default: from the locale: LC_ALL, LC_MESSAGES or LANG)",
		"提示、帮助、运行汇总、模板和 xlsx 报告的语言：`zh|en`，即中文或英文（默认按系统语言：LC_ALL、LC_MESSAGES 或 LANG）")
	msgLangWant     = lang.Msg("want zh or en", "只能是 zh 或 en")
	msgEnvValue     = lang.Msg("%s=%q: %v", "%s=%q：%v")
	msgReadConfig   = lang.Msg("read config: %v", "读取配置文件：%v")
	msgConfigErr    = lang.Msg("config %s: %v", "配置文件 %s：%v")
	msgConfigString = lang.Msg("config %s: %s must be a string", "配置文件 %s：%s 的值要用引号括起来，写成字符串")
	msgConfigKey    = lang.Msg("config %s: %q is not a setting of cardimport %s", "配置文件 %s：%q 不是 cardimport %s 的设置项")
	msgConfigValue  = lang.Msg("config %s: %s: %v", "配置文件 %s：%s：%v")
	msgConfigSet    = lang.Msg("config %s: %s = %q: %v", "配置文件 %s：%s = %q：%v")
	msgConfigType   = lang.Msg("unsupported value %v (%s)", "不支持这样的值：%v（%s）")
	msgUsageHead    = lang.Msg("Usage: cardimport %s %s\n\n%s\n\nFlags:\n", "用法：cardimport %s %s\n\n%s\n\n选项：\n")
	msgDefault      = lang.Msg(" (default %s)", "（默认 %s）")
)

// langFlag is --lang: setting it sets the run's language at once, so that
// what follows (the rest of the command line, the config file, the run)
// speaks it.
type langFlag struct {
	e     *env
	value string
}

func (l *langFlag) String() string {
	if l == nil {
		return ""
	}
	return l.value
}

func (l *langFlag) Set(s string) error {
	tag, ok := lang.Parse(s)
	if !ok {
		return l.e.lang.Errorf(msgLangWant)
	}
	l.value = s
	l.e.lang = lang.New(tag)
	return nil
}

// parse reads args (flags may come before, between or after positional
// arguments), then the config file, then the environment.
func (c *command) parse(args []string, withConfig bool) error {
	e, p := c.e, c.p()
	if withConfig {
		c.fs.StringVar(&c.config, "config", "", p.Sprintf(msgFlagConfig))
	}
	c.fs.Var(&langFlag{e: e}, "lang", p.Sprintf(msgFlagLang))
	help := c.fs.Bool("help", false, p.Sprintf(msgFlagHelp))
	c.fs.BoolVar(help, "h", false, p.Sprintf(msgFlagHelp))
	defer func() {
		// --json promises one JSON document on stdout whatever happens,
		// usage errors included: note it as soon as it is known.
		if f := c.fs.Lookup("json"); f != nil && f.Value.String() == "true" {
			e.json = true
		}
	}()
	if slices.Contains(args, "--json") || slices.Contains(args, "-json") || slices.Contains(args, "--json=true") {
		e.json = true
	}
	for {
		if err := c.fs.Parse(args); err != nil {
			return usageError{c.flagError(err)}
		}
		rest := c.fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			c.args = append(c.args, rest[1:]...)
			break
		}
		c.args = append(c.args, rest[0])
		args = rest[1:]
	}
	if *help {
		c.usage(e.stdout)
		return errHelp
	}
	given := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if c.config != "" {
		if err := c.loadConfig(given); err != nil {
			return err
		}
	}
	if v := e.getenv("CARDIMPORT_JOURNAL"); v != "" && !given["journal"] && c.fs.Lookup("journal") != nil {
		if err := c.fs.Set("journal", v); err != nil {
			return usagef(c.p(), msgEnvValue, "CARDIMPORT_JOURNAL", v, err)
		}
	}
	for _, s := range targets.Settings() {
		v := e.getenv(s.Env)
		switch {
		case s.Env == "" || v == "":
		case s.Secret:
			// The environment is where schedulers inject secrets: it wins
			// over the config file.
			c.secrets[s.Key] = v
		case !given[s.Key] && c.fs.Lookup(s.Key) != nil:
			// An explicit flag wins, then the environment, then the
			// config file.
			if err := c.fs.Set(s.Key, v); err != nil {
				return usagef(c.p(), msgEnvValue, s.Env, v, err)
			}
		}
	}
	return nil
}

// loadConfig applies a TOML config file: every flag name is a key; values
// are strings, numbers, booleans, or arrays for repeatable flags (map).
// Flags given on the command line win. Its lang is applied first, so that
// the errors of the other settings speak it.
func (c *command) loadConfig(given map[string]bool) error {
	data, err := os.ReadFile(c.config)
	if err != nil {
		return c.p().Errorf(msgReadConfig, err)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return c.p().Errorf(msgConfigErr, c.config, err)
	}
	secrets := secretSettings()
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == "lang") != (keys[j] == "lang") {
			return keys[i] == "lang"
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		v := raw[k]
		if _, ok := secrets[k]; ok {
			s, ok := v.(string)
			if !ok {
				return c.p().Errorf(msgConfigString, c.config, k)
			}
			c.secrets[k] = s
			continue
		}
		f := c.fs.Lookup(k)
		if f == nil && c.someConfig {
			continue // a setting of another command (journal reads import's config)
		}
		if f == nil || k == "config" || k == "help" || k == "h" {
			return c.p().Errorf(msgConfigKey, c.config, k, c.name)
		}
		if given[k] {
			continue
		}
		values := []any{v}
		if arr, ok := v.([]any); ok {
			values = arr
		}
		for _, item := range values {
			s, err := configString(c.p(), item)
			if err != nil {
				return c.p().Errorf(msgConfigValue, c.config, k, err)
			}
			if pathSettings[k] && s != "" && !filepath.IsAbs(s) {
				// A cron job runs from $HOME: the config's paths mean the
				// config's folder, not the current one.
				s = filepath.Join(filepath.Dir(c.config), s)
			}
			if err := f.Value.Set(s); err != nil {
				return c.p().Errorf(msgConfigSet, c.config, k, s, err)
			}
		}
	}
	return nil
}

// pathSettings are the config keys whose values are paths: relative ones
// are relative to the config file's folder (SPEC §1).
var pathSettings = map[string]bool{"report": true, "rejects": true, "journal": true}

func configString(p *lang.Printer, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", p.Errorf(msgConfigType, v, fmt.Sprintf("%T", v))
}

// typeNames are the words --help shows for a flag's value when its usage
// names none (flag.UnquoteUsage), by the English word.
var typeNames = map[string]string{
	"string":   lang.Msg("string", "文本"),
	"int":      lang.Msg("int", "整数"),
	"uint":     lang.Msg("uint", "整数"),
	"float":    lang.Msg("float", "数字"),
	"duration": lang.Msg("duration", "时长"),
	"value":    lang.Msg("value", "值"),
}

// usage prints the command's help in its language.
func (c *command) usage(w io.Writer) {
	p := c.p()
	fmt.Fprint(w, p.Sprintf(msgUsageHead, c.name, c.synopsis, strings.TrimSpace(c.about)))
	c.fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "h" {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		if key, ok := typeNames[name]; ok && !strings.Contains(f.Usage, "`") {
			name = p.Sprintf(key)
		}
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "[]" {
			usage += p.Sprintf(msgDefault, def)
		}
		fmt.Fprintf(w, "%s %s\n", report.PadRight(line, 30), usage)
	})
}

// The words of the flags' own checks.
var (
	msgMapWant     = lang.Msg("want column=field, like 会员卡号2=cardno", "要写成 列名=字段，例如 会员卡号2=cardno")
	msgMapNotField = lang.Msg("%q is not a field; fields are %s (or a header that names one, like 余额)",
		"%q 不是字段；字段有 %s（也可以写代表某个字段的表头，例如 余额）")
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
	// The target is a field's name or any of its aliases: 储值余额=余额.
	if _, ok := validate.ParseField(field); !ok {
		names := make([]string, 0, validate.NumFields)
		for _, f := range validate.Fields() {
			names = append(names, f.String())
		}
		return p.Errorf(msgMapNotField, field, strings.Join(names, report.ListSep(p)))
	}
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
	return strings.Join(parts, report.ListSep(p))
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

// flagError rewords the flag package's errors the way a user reads flags:
// --name, with the nearest flag for a typo, where a secret goes, and a
// duration's unit.
func (c *command) flagError(err error) error {
	p := c.p()
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		if s, ok := secretSettings()[name]; ok {
			return p.Errorf(msgSecretFlag, name, s.Env, s.Key)
		}
		if near := c.nearestFlag(name); near != "" {
			return p.Errorf(msgUnknownFlagNear, name, near)
		}
		return p.Errorf(msgUnknownFlag, name, c.name)
	}
	// invalid value "5" for flag -timeout: parse error
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		value, after, _ := strings.Cut(rest, " for flag -")
		name, why, _ := strings.Cut(after, ": ")
		if f := c.fs.Lookup(name); f != nil && isDurationFlag(f) {
			v := strings.Trim(value, `"`)
			return p.Errorf(msgDurationUnit, name, v, v, v)
		}
		switch why {
		case "parse error":
			why = p.Sprintf(msgParseError)
			if f := c.fs.Lookup(name); f != nil {
				if g, ok := f.Value.(flag.Getter); ok {
					switch g.Get().(type) {
					case int, int64, float64:
						why = p.Sprintf(msgWantNumber)
					case bool:
						why = p.Sprintf(msgWantBool)
					}
				}
			}
		case "value out of range":
			why = p.Sprintf(msgOutOfRange)
		}
		// Any other reason is one of our flags' own, already worded.
		return p.Errorf(msgFlagValue, name, strings.Trim(value, `"`), why)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return p.Errorf(msgNeedsValue, strings.TrimLeft(name, "-"))
	}
	if arg, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return p.Errorf(msgBadSyntax, arg)
	}
	return err
}

// isDurationFlag reports a flag that takes a time.Duration.
func isDurationFlag(f *flag.Flag) bool {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	_, ok = g.Get().(time.Duration)
	return ok
}

// nearestFlag is the defined flag closest to a mistyped name, "" when
// none is close (at most two edits, or the same letters without - or _).
func (c *command) nearestFlag(name string) string {
	best, bestD := "", 3
	squash := func(s string) string { return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s)) }
	c.fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "h" {
			return
		}
		d := editDistance(name, f.Name)
		if squash(name) == squash(f.Name) {
			d = 0
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
