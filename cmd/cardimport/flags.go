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
	"github.com/cardimport/cardimport/importer/roster"
	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/report"
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

func newCommand(name, synopsis, about string) *command {
	c := &command{name: name, synopsis: synopsis, about: about, fs: flag.NewFlagSet(name, flag.ContinueOnError), secrets: map[string]string{}}
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
			return usagef("CARDIMPORT_JOURNAL=%q: %v", v, err)
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
				return usagef("%s=%q: %v", s.Env, v, err)
			}
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
	secrets := secretSettings()
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		if _, ok := secrets[k]; ok {
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("config %s: %s must be a string", c.config, k)
			}
			c.secrets[k] = s
			continue
		}
		f := c.fs.Lookup(k)
		if f == nil && c.someConfig {
			continue // a setting of another command (journal reads import's config)
		}
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
			if pathSettings[k] && s != "" && !filepath.IsAbs(s) {
				// A cron job runs from $HOME: the config's paths mean the
				// config's folder, not the current one.
				s = filepath.Join(filepath.Dir(c.config), s)
			}
			if err := f.Value.Set(s); err != nil {
				return fmt.Errorf("config %s: %s = %q: %w", c.config, k, s, err)
			}
		}
	}
	return nil
}

// pathSettings are the config keys whose values are paths: relative ones
// are relative to the config file's folder (SPEC §1).
var pathSettings = map[string]bool{"report": true, "rejects": true, "journal": true}

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
	fs.StringVar(&o.target, "target", targets.Default().Name, "platform: "+targetHelp())
	fs.StringVar(&o.sheet, "sheet", "", "xlsx `sheet` to read (default: the first visible sheet)")
	fs.Var(o.maps, "map", "`column=field` for a header the aliases do not know; field is a name or an alias, like 余额 (repeatable)")
	fs.Var(&o.ignore, "ignore-column", "`column` that looks like a card field but is not to be imported (repeatable)")
	fs.StringVar(&o.encoding, "encoding", "auto", "CSV encoding: auto, utf-8, utf-16, gbk or gb18030")
	fs.StringVar(&o.phoneRegion, "phone-region", "CN", "`region` phones are validated for (CN, HK, MO, TW...)")
}

func (o *rosterOptions) check() (*platform.Descriptor, error) {
	d, ok := targets.Lookup(o.target)
	if !ok {
		return nil, usagef("--target %q: want %s", o.target, targets.Names())
	}
	// The roster reader owns the encodings and the --map and
	// --ignore-column rules that need no roster.
	if err := roster.CheckOptions(o.options(false)); err != nil {
		return nil, usageError{err}
	}
	// A phone region the rules do not know is the command line's mistake,
	// found before anything is read.
	if _, err := validate.New(validate.Options{PhoneRegion: o.phoneRegion}); err != nil {
		return nil, usagef("--phone-region %s: %v", o.phoneRegion, err)
	}
	return d, nil
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

// register registers the flags of commands that talk to the platforms ds
// (every platform when none is named).
func (o *platformOptions) register(fs *flag.FlagSet, ds ...*platform.Descriptor) {
	if len(ds) == 0 {
		ds = targets.All()
	}
	o.registerIDs(fs, ds...)
	fs.IntVar(&o.batchSize, "batch-size", ds[0].Batch.Default, "rows per call, "+batchHelp(ds))
	fs.IntVar(&o.concurrency, "concurrency", 4, "requests in flight (1-64)")
	fs.Float64Var(&o.rate, "rate", 5, "requests per second (token bucket, burst 1)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "per request")
	fs.IntVar(&o.retries, "retries", 5, "retries of a transient failure (connection errors, timeouts before sending, HTTP 5xx and 429, busy answers)")
}

// registerIDs registers --endpoint and the id flags of the platforms ds
// (every platform when none is named): what names the platform and the
// merchant.
func (o *platformOptions) registerIDs(fs *flag.FlagSet, ds ...*platform.Descriptor) {
	fs.StringVar(&o.endpoint, "endpoint", "sandbox", "platform `URL`; sandbox runs the built-in simulator (nothing real is issued)")
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
		usage := s.Usage
		if s.Env != "" {
			usage += " (or " + s.Env + ")"
		}
		o.settings[s.Key] = fs.String(s.Key, s.Default, usage)
	}
}

// batchHelp words the platforms' batch limits: "mb 1-500, sandy always 1".
func batchHelp(ds []*platform.Descriptor) string {
	var parts []string
	for _, d := range ds {
		if d.Batch.Max <= 1 {
			parts = append(parts, d.Name+" always 1")
		} else {
			parts = append(parts, fmt.Sprintf("%s 1-%d", d.Name, d.Batch.Max))
		}
	}
	return strings.Join(parts, ", ")
}

func (o *platformOptions) check(d *platform.Descriptor) error {
	switch {
	case d.Batch.Max > 1 && (o.batchSize < 1 || o.batchSize > d.Batch.Max):
		return usagef("--batch-size %d: want 1 to %d", o.batchSize, d.Batch.Max)
	case o.concurrency < 1 || o.concurrency > 64:
		return usagef("--concurrency %d: want 1 to 64", o.concurrency)
	case o.rate <= 0 || o.rate > 10000:
		return usagef("--rate %v: want more than 0 requests per second", o.rate)
	case o.timeout <= 0:
		return usagef("--timeout %v: want a positive duration like 30s", o.timeout)
	case o.retries < 0 || o.retries > 100:
		return usagef("--retries %d: want 0 to 100", o.retries)
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
func targetHelp() string {
	var parts []string
	for _, d := range targets.All() {
		parts = append(parts, d.Name+" ("+d.Title+")")
	}
	return strings.Join(parts, " or ")
}

// flagError rewords the flag package's errors the way a user reads flags:
// --name, with the nearest flag for a typo, where a secret goes, and a
// duration's unit.
func (c *command) flagError(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		if s, ok := secretSettings()[name]; ok {
			return fmt.Errorf("--%s: secrets never come from flags (they would show in ps): set %s, or %s in the --config file", name, s.Env, s.Key)
		}
		if near := c.nearestFlag(name); near != "" {
			return fmt.Errorf("unknown flag --%s: did you mean --%s?", name, near)
		}
		return fmt.Errorf("unknown flag --%s (cardimport %s --help lists them)", name, c.name)
	}
	// invalid value "5" for flag -timeout: parse error
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		value, after, _ := strings.Cut(rest, " for flag -")
		name, why, _ := strings.Cut(after, ": ")
		if f := c.fs.Lookup(name); f != nil && isDurationFlag(f) {
			v := strings.Trim(value, `"`)
			return fmt.Errorf("--%s %s: write a duration with its unit, like %ss or %sm", name, v, v, v)
		}
		if f := c.fs.Lookup(name); f != nil && why == "parse error" {
			if g, ok := f.Value.(flag.Getter); ok {
				switch g.Get().(type) {
				case int, int64, float64:
					why = "want a number"
				case bool:
					why = "want true or false"
				}
			}
		}
		return fmt.Errorf("--%s %s: %s", name, strings.Trim(value, `"`), why)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("--%s needs a value", strings.TrimLeft(name, "-"))
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
