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
	"time"

	"github.com/BurntSushi/toml"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
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
