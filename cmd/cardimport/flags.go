package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/validate"
)

// errHelp is returned after --help printed a command's usage: exit 0.
var errHelp = errors.New("help shown")

// command is a command line being parsed: its flag set, the flags the user
// gave explicitly, the secrets, and the positional arguments.
type command struct {
	name     string
	synopsis string
	about    string
	fs       *flag.FlagSet
	config   string
	secrets  secrets
	args     []string
}

// secrets never come from flags, which `ps` shows to every user.
type secrets struct {
	apiKey     string // CARDIMPORT_APIKEY, config apikey
	appSecret  string // CARDIMPORT_APPSECRET, config appsecret
	sandyToken string // CARDIMPORT_SANDY_TOKEN, config sandy-token
}

// secretKeys are the config-file settings that hold secrets.
var secretKeys = map[string]func(*secrets, string){
	"apikey":      func(s *secrets, v string) { s.apiKey = v },
	"appsecret":   func(s *secrets, v string) { s.appSecret = v },
	"sandy-token": func(s *secrets, v string) { s.sandyToken = v },
}

// envFallbacks are flags whose value may come from the environment: an
// explicit flag wins, then the environment, then the config file.
var envFallbacks = map[string]string{
	"gpid":          "CARDIMPORT_GPID",
	"msid":          "CARDIMPORT_MSID",
	"customer-guid": "CARDIMPORT_SANDY_CUSTOMERGUID",
}

func newCommand(name, synopsis, about string) *command {
	c := &command{name: name, synopsis: synopsis, about: about, fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	c.fs.SetOutput(io.Discard)
	return c
}

// parse reads args (flags may come before, between or after positional
// arguments), then the config file, then the environment.
func (c *command) parse(e *env, args []string, withConfig bool) error {
	if withConfig {
		c.fs.StringVar(&c.config, "config", "", "read settings from this TOML `file` (flag names as keys; secrets allowed; flags win)")
	}
	help := c.fs.Bool("help", false, "show this help")
	c.fs.BoolVar(help, "h", false, "show this help")
	for {
		if err := c.fs.Parse(args); err != nil {
			return usageError{err}
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
	for name, key := range envFallbacks {
		if v := e.getenv(key); v != "" && !given[name] && c.fs.Lookup(name) != nil {
			if err := c.fs.Set(name, v); err != nil {
				return usagef("%s=%q: %v", key, v, err)
			}
		}
	}
	// The environment is where schedulers inject secrets: it wins.
	for key, set := range map[string]func(string){
		"CARDIMPORT_APIKEY":      func(v string) { c.secrets.apiKey = v },
		"CARDIMPORT_APPSECRET":   func(v string) { c.secrets.appSecret = v },
		"CARDIMPORT_SANDY_TOKEN": func(v string) { c.secrets.sandyToken = v },
	} {
		if v := e.getenv(key); v != "" {
			set(v)
		}
	}
	return nil
}

// loadConfig applies a TOML config file: every flag name is a key; values
// are strings, numbers, booleans, or arrays for repeatable flags (map).
// Flags given on the command line win.
func (c *command) loadConfig(given map[string]bool) error {
	data, err := os.ReadFile(c.config)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return fmt.Errorf("config %s: %w", c.config, err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		if set, ok := secretKeys[k]; ok {
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("config %s: %s must be a string", c.config, k)
			}
			set(&c.secrets, s)
			continue
		}
		f := c.fs.Lookup(k)
		if f == nil || k == "config" || k == "help" || k == "h" {
			return fmt.Errorf("config %s: %q is not a setting of cardimport %s", c.config, k, c.name)
		}
		if given[k] {
			continue
		}
		values := []any{v}
		if arr, ok := v.([]any); ok {
			values = arr
		}
		for _, item := range values {
			s, err := configString(item)
			if err != nil {
				return fmt.Errorf("config %s: %s: %w", c.config, k, err)
			}
			if err := f.Value.Set(s); err != nil {
				return fmt.Errorf("config %s: %s = %q: %w", c.config, k, s, err)
			}
		}
	}
	return nil
}

func configString(v any) (string, error) {
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
	return "", fmt.Errorf("unsupported value %v (%T)", v, v)
}

// usage prints the command's help.
func (c *command) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: cardimport %s %s\n\n%s\n\nFlags:\n", c.name, c.synopsis, strings.TrimSpace(c.about))
	c.fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "h" {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "[]" {
			usage += " (default " + def + ")"
		}
		fmt.Fprintf(w, "%-30s %s\n", line, usage)
	})
}

// mapFlag collects repeatable --map column=field.
type mapFlag map[string]string

func (m mapFlag) String() string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (m mapFlag) Set(s string) error {
	col, field, ok := strings.Cut(s, "=")
	col, field = strings.TrimSpace(col), strings.TrimSpace(field)
	if !ok || col == "" || field == "" {
		return fmt.Errorf("want column=field, like 会员卡号2=cardno")
	}
	// The target is a field's name or any of its aliases: 储值余额=余额.
	if _, ok := validate.ParseField(field); !ok {
		names := make([]string, 0, validate.NumFields)
		for _, f := range validate.Fields() {
			names = append(names, f.String())
		}
		return fmt.Errorf("%q is not a field; fields are %s (or a header that names one, like 余额)", field, strings.Join(names, ", "))
	}
	m[col] = field
	return nil
}

// listFlag collects a repeatable flag's values (--ignore-column).
type listFlag []string

func (l *listFlag) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *listFlag) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("want a column name, as the roster's header writes it")
	}
	*l = append(*l, s)
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

func (o *rosterOptions) register(fs *flag.FlagSet) {
	o.maps = mapFlag{}
	fs.StringVar(&o.target, "target", "mb", "platform: mb (果盘 mb_newcard) or sandy (member-cjb)")
	fs.StringVar(&o.sheet, "sheet", "", "xlsx `sheet` to read (default: the first visible sheet)")
	fs.Var(o.maps, "map", "`column=field` for a header the aliases do not know; field is a name or an alias, like 余额 (repeatable)")
	fs.Var(&o.ignore, "ignore-column", "`column` that looks like a card field but is not to be imported (repeatable)")
	fs.StringVar(&o.encoding, "encoding", "auto", "CSV encoding: auto, utf-8, utf-16, gbk or gb18030")
	fs.StringVar(&o.phoneRegion, "phone-region", "CN", "`region` phones are validated for (CN, HK, MO, TW...)")
}

func (o *rosterOptions) check() (validate.Target, error) {
	t, ok := validate.ParseTarget(o.target)
	if !ok {
		return "", usagef("--target %q: want mb or sandy", o.target)
	}
	// The roster reader owns the encodings and the --map and
	// --ignore-column rules that need no roster.
	if err := roster.CheckOptions(o.options(false)); err != nil {
		return "", usageError{err}
	}
	return t, nil
}

// options are the roster reader's options. With several rosters a --map or
// --ignore-column entry may concern only some of them: openRosters checks
// each matched a column in one.
func (o *rosterOptions) options(several bool) roster.Options {
	return roster.Options{Sheet: o.sheet, Encoding: o.encoding, Map: o.maps, Ignore: o.ignore, MapOptional: several}
}

// outputOptions are the flags of commands that write a report.
type outputOptions struct {
	report     string
	rejects    string
	json       bool
	quiet      bool
	noProgress bool
}

func (o *outputOptions) register(fs *flag.FlagSet, withRejects bool) {
	fs.StringVar(&o.report, "report", "", "report `path`: .csv, .xlsx or .json (default <first roster>.report.csv)")
	if withRejects {
		fs.StringVar(&o.rejects, "rejects", "", "`path` of the rows to fix, in the roster's format plus 错误原因 (default <first roster>.rejects.<ext>)")
	}
	fs.BoolVar(&o.json, "json", false, "print the run summary as JSON on stdout")
	fs.BoolVar(&o.quiet, "quiet", false, "log warnings and errors only, no progress")
	fs.BoolVar(&o.noProgress, "no-progress", false, "no progress bar (periodic log lines instead)")
}

// defaults fills the report and rejects paths from the first roster.
func (o *outputOptions) defaults(first string) {
	base := strings.TrimSuffix(first, extOf(first))
	if o.report == "" {
		o.report = base + ".report.csv"
	}
	if o.rejects == "" {
		ext := extOf(first)
		if ext != ".xlsx" {
			ext = ".csv"
		}
		o.rejects = base + ".rejects" + ext
	}
}

func extOf(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 || strings.ContainsAny(path[i:], `/\`) {
		return ""
	}
	return strings.ToLower(path[i:])
}

// platformOptions are the flags of commands that talk to a platform.
type platformOptions struct {
	endpoint     string
	op           string
	gpid, msid   string
	customerGUID string
	batchSize    int
	concurrency  int
	rate         float64
	timeout      time.Duration
	retries      int
}

func (o *platformOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.endpoint, "endpoint", "sandbox", "platform `URL`; sandbox runs the built-in simulator (nothing real is issued)")
	fs.StringVar(&o.op, "op", "cardimport", "operator name sent as get.op (mb)")
	fs.StringVar(&o.gpid, "gpid", "", "mb application id (or CARDIMPORT_GPID)")
	fs.StringVar(&o.msid, "msid", "", "mb store id (or CARDIMPORT_MSID)")
	fs.StringVar(&o.customerGUID, "customer-guid", "", "sandy CUSTOMERGUID (or CARDIMPORT_SANDY_CUSTOMERGUID)")
	fs.IntVar(&o.batchSize, "batch-size", 50, "rows per mb_newcard call (1-500)")
	fs.IntVar(&o.concurrency, "concurrency", 4, "requests in flight (1-64)")
	fs.Float64Var(&o.rate, "rate", 5, "requests per second (token bucket, burst 1)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "per request")
	fs.IntVar(&o.retries, "retries", 5, "retries of a transient failure (connection errors, timeouts before sending, HTTP 5xx and 429, busy answers)")
}

func (o *platformOptions) check() error {
	switch {
	case o.batchSize < 1 || o.batchSize > 500:
		return usagef("--batch-size %d: want 1 to 500", o.batchSize)
	case o.concurrency < 1 || o.concurrency > 64:
		return usagef("--concurrency %d: want 1 to 64", o.concurrency)
	case o.rate <= 0 || o.rate > 10000:
		return usagef("--rate %v: want more than 0 requests per second", o.rate)
	case o.timeout <= 0:
		return usagef("--timeout %v: want a positive duration like 30s", o.timeout)
	case o.retries < 0 || o.retries > 100:
		return usagef("--retries %d: want 0 to 100", o.retries)
	}
	return nil
}
