// Command cardimport issues membership cards in bulk from .xlsx or CSV
// rosters on the 果盘 (mb) and member-cjb (sandy) platforms.
//
// main only wires the process to run: arguments, standard streams, the
// environment and signals. Every command is a function of those, so tests
// call run directly. One function maps errors to exit codes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"golang.org/x/text/language"

	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate/lang"
)

// Exit codes (SPEC §1).
const (
	exitOK          = 0
	exitFatal       = 1
	exitUsage       = 2
	exitPartial     = 3 // finished; some rows invalid, rejected, exists, unknown or pending
	exitBudget      = 4 // --max-errors stopped the sending
	exitInterrupted = 130
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info is used.
var version = ""

var (
	msgSignalFirst = lang.Msg("\ninterrupted: finishing requests in flight, then writing the journal and the report (press Ctrl-C again to quit at once)",
		"\n已中断：正在等已发出的请求完成，然后写入发卡记录和报告（再按一次 Ctrl-C 立即退出）")
	msgSignalSecond = lang.Msg("quitting at once; the next run verifies whatever was in flight",
		"立即退出；下次运行时会核实刚才发出去、还没有结果的卡")
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	// The signal handler speaks the language the command line chose: its
	// own printer, as the run's is being set while it waits.
	p := lang.New(chooseLang(os.Args[1:], os.Getenv))
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, p.Sprintf(msgSignalFirst))
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, p.Sprintf(msgSignalSecond))
		os.Exit(exitInterrupted)
	}()
	code := run(ctx, os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, stdoutFile: os.Stdout, stderrFile: os.Stderr})
	cancel()
	os.Exit(code)
}

// env is what a command may touch of the process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// The real files behind stdout and stderr, when they are files: the
	// progress bar is drawn only on a terminal.
	stdoutFile, stderrFile *os.File

	// json: the command was asked for --json, so stdout carries exactly
	// one JSON document whatever happens; jsonDone: it was written.
	json, jsonDone bool

	// progressEvery is the period of progress log lines (0: logEvery);
	// tests shorten it.
	progressEvery time.Duration

	// lang prints what people read (SPEC §11): set by run from --lang on
	// the command line, else the locale; a lang in the config file, read
	// after the flags, replaces it. nil prints English.
	lang *lang.Printer
}

// chooseLang is the language of a command line before its flags are
// parsed: a valid --lang among args, else the locale's (LC_ALL,
// LC_MESSAGES, LANG; the UI language on Windows). The flag's own parsing
// refuses a bad value.
func chooseLang(args []string, getenv func(string) string) language.Tag {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "lang" || !strings.HasPrefix(a, "-") {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		if tag, ok := lang.Parse(value); ok {
			return tag
		}
	}
	return lang.FromEnvironment(getenv)
}

// usageError is a mistake in the command line: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef is a usage error worded by the catalogue's message key in p's
// language.
func usagef(p *lang.Printer, key string, args ...any) error {
	return usageError{p.Errorf(key, args...)}
}

// exitCodeError carries a non-zero exit code for a run that finished.
type exitCodeError struct{ code int }

func (e exitCodeError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// subcommand is one command of the command line.
type subcommand struct {
	name    string
	summary string // a message key
	run     func(ctx context.Context, e *env, args []string) error
}

// commands are the subcommands, in the order help lists them (set in init:
// completion reads the list).
var commands []subcommand

func init() { commands = subcommands() }

func subcommands() []subcommand {
	return []subcommand{
		{"import", lang.Msg("validate rosters, issue the valid rows, write the report", "校验名单，给有效的行发卡，写出对账报告"), runImport},
		{"validate", lang.Msg("check rosters without sending anything; same report", "只校验名单，什么都不发送；报告和 import 的一样"), runValidate},
		{"generate", lang.Msg("have the platform generate N stored-value cards (mb type 15)", "让果盘平台生成 N 张储值卡（卡类型 15）"), runGenerate},
		{"template", lang.Msg("write an empty roster template (.xlsx or .csv)", "生成一个空白名单模板（.xlsx 或 .csv）"), runTemplate},
		{"sandbox", lang.Msg("serve the built-in platform simulator", "运行内置的模拟平台"), runSandbox},
		{"journal", lang.Msg("inspect the journal: counts, unresolved rows, export", "查看发卡记录：统计、结果未定的卡、导出"), runJournal},
		{"completion", lang.Msg("print a shell completion script (bash, zsh, fish)", "输出命令行自动补全脚本（bash、zsh、fish）"), runCompletion},
		{"version", lang.Msg("print the version", "显示版本号"), func(_ context.Context, e *env, _ []string) error {
			fmt.Fprintln(e.stdout, "cardimport", versionString())
			return nil
		}},
	}
}

var msgUnknownCommand = lang.Msg("cardimport: unknown command %q\n\n", "cardimport：没有 %q 这个命令\n\n")

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, e *env) int {
	if e.lang == nil {
		e.lang = lang.New(chooseLang(args, e.getenv))
	}
	if len(args) == 0 {
		printHelp(e.stderr, e.lang)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help", "help":
		if len(args) > 1 && args[0] == "help" {
			// cardimport help import: the command's own help.
			return run(ctx, append([]string{args[1], "--help"}, args[2:]...), e)
		}
		printHelp(e.stdout, e.lang)
		return exitOK
	case "-v", "--version", "-version":
		name = "version"
	}
	for _, c := range commands {
		if c.name == name {
			return exitCode(e, c.name, c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprint(e.stderr, e.lang.Sprintf(msgUnknownCommand, name))
	printHelp(e.stderr, e.lang)
	return exitUsage
}

// exitCode maps a command's error to the process exit code, in one place
// (a run that wrote a summary decided its code with exitCodeOf). With
// --json, an error no summary carried is printed as {"error": {...}}.
func exitCode(e *env, command string, err error) int {
	code := errorCode(e, command, err)
	if e.json && !e.jsonDone && err != nil && code != exitOK {
		writeJSONError(e.stdout, code, err)
	}
	return code
}

var (
	msgUsageError = lang.Msg("cardimport %s: %v\n(see cardimport %s --help)\n", "cardimport %s：%v\n（用法见 cardimport %s --help）\n")
	msgCanceled   = lang.Msg("cardimport: interrupted", "cardimport：已中断")
	msgFatal      = lang.Msg("cardimport: %v\n", "cardimport：%v\n")
)

func errorCode(e *env, command string, err error) int {
	var ue usageError
	var ce exitCodeError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ce):
		return ce.code
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprint(e.stderr, e.lang.Sprintf(msgUsageError, command, err, command))
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(e.stderr, e.lang.Sprintf(msgCanceled))
		return exitInterrupted
	default:
		fmt.Fprint(e.stderr, e.lang.Sprintf(msgFatal, err))
		return exitFatal
	}
}

var (
	msgHelpHead = lang.Msg(`cardimport issues membership cards in bulk from .xlsx or CSV rosters.

Usage:
  cardimport COMMAND [arguments] [flags]

Commands:
`, `cardimport 按 Excel（.xlsx、.xls）或 CSV 名单批量发放会员卡。

用法：
  cardimport 命令 [文件…] [选项]

命令：
`)
	msgHelpTail = lang.Msg(`
Run "cardimport COMMAND --help" for a command's flags.

Exit codes: 0 every row issued or already issued (validate: every row valid);
3 finished, some rows invalid, rejected, exists, unknown or pending (see the
report); 4 the error budget (--max-errors) stopped the run; 1 fatal; 2 usage;
130 interrupted (journal and report are still written).

Messages are in Chinese or English: --lang zh|en, else the locale (LC_ALL,
LC_MESSAGES, LANG).
`, `
运行 “cardimport 命令 --help” 查看该命令的选项。

退出码：0 所有行都已发卡或以前发过（validate：所有行都有效）；
3 运行完成，但有的行无效、被拒、已存在、待确认或未发送（详见报告）；
4 出错行数达到上限（--max-errors），停止发送；1 严重错误；2 用法错误；
130 被中断（发卡记录和报告照样写出）。

提示文字用中文或英文：--lang zh|en；不写则按系统语言（LC_ALL、
LC_MESSAGES、LANG）。
`)
)

func printHelp(w io.Writer, p *lang.Printer) {
	fmt.Fprint(w, p.Sprintf(msgHelpHead))
	for _, c := range commands {
		fmt.Fprintf(w, "  %s %s\n", report.PadRight(c.name, 9), p.Sprintf(c.summary))
	}
	fmt.Fprint(w, p.Sprintf(msgHelpTail))
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// writeJSONError prints the one JSON document of a run that ended before
// it had a summary (SPEC §1).
func writeJSONError(w io.Writer, code int, err error) {
	b, _ := json.MarshalIndent(struct {
		Error report.RunError `json:"error"`
	}{report.RunError{Code: code, Message: err.Error()}}, "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}
