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
	"syscall"
	"time"

	"github.com/cardimport/cardimport/report"
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

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "\ninterrupted: finishing requests in flight, then writing the journal and the report (press Ctrl-C again to quit at once)")
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, "quitting at once; the next run verifies whatever was in flight")
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
}

// usageError is a mistake in the command line: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCodeError carries a non-zero exit code for a run that finished.
type exitCodeError struct{ code int }

func (e exitCodeError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// subcommand is one command of the command line.
type subcommand struct {
	name, summary string
	run           func(ctx context.Context, e *env, args []string) error
}

// commands are the subcommands, in the order help lists them (set in init:
// completion reads the list).
var commands []subcommand

func init() { commands = subcommands() }

func subcommands() []subcommand {
	return []subcommand{
		{"import", "validate rosters, issue the valid rows, write the report", runImport},
		{"validate", "check rosters without sending anything; same report", runValidate},
		{"generate", "have the platform generate N stored-value cards (mb type 15)", runGenerate},
		{"template", "write an empty roster template (.xlsx or .csv)", runTemplate},
		{"sandbox", "serve the built-in platform simulator", runSandbox},
		{"journal", "inspect the journal: counts, unresolved rows, export", runJournal},
		{"completion", "print a shell completion script (bash, zsh, fish)", runCompletion},
		{"version", "print the version", func(_ context.Context, e *env, _ []string) error {
			fmt.Fprintln(e.stdout, "cardimport", versionString())
			return nil
		}},
	}
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		printHelp(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help", "help":
		if len(args) > 1 && args[0] == "help" {
			// cardimport help import: the command's own help.
			return run(ctx, []string{args[1], "--help"}, e)
		}
		printHelp(e.stdout)
		return exitOK
	case "-v", "--version", "-version":
		name = "version"
	}
	for _, c := range commands {
		if c.name == name {
			return exitCode(e, c.name, c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprintf(e.stderr, "cardimport: unknown command %q\n\n", name)
	printHelp(e.stderr)
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
		fmt.Fprintf(e.stderr, "cardimport %s: %v\n(see cardimport %s --help)\n", command, err, command)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(e.stderr, "cardimport: interrupted")
		return exitInterrupted
	default:
		fmt.Fprintf(e.stderr, "cardimport: %v\n", err)
		return exitFatal
	}
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `cardimport issues membership cards in bulk from .xlsx or CSV rosters.

Usage:
  cardimport COMMAND [arguments] [flags]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "cardimport COMMAND --help" for a command's flags.

Exit codes: 0 every row issued or already issued (validate: every row valid);
3 finished, some rows invalid, rejected, exists, unknown or pending (see the
report); 4 the error budget (--max-errors) stopped the run; 1 fatal; 2 usage;
130 interrupted (journal and report are still written).
`)
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
