package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cardimport/cardimport/validate/lang"
)

// completionAbout is the help of completion; its placeholder is zsh's
// folder, "${fpath[1]}", which the catalogue would read as a variable.
var completionAbout = lang.Msg(`Prints a shell completion script for the commands and their flags.

  bash:  source <(cardimport completion bash)
         (or save it as /etc/bash_completion.d/cardimport)
  zsh:   cardimport completion zsh > %s
  fish:  cardimport completion fish > ~/.config/fish/completions/cardimport.fish`, `输出命令和选项的自动补全脚本，供 bash、zsh、fish 使用。

  bash:  source <(cardimport completion bash)
         （或者保存为 /etc/bash_completion.d/cardimport）
  zsh:   cardimport completion zsh > %s
  fish:  cardimport completion fish > ~/.config/fish/completions/cardimport.fish`)

// The words of completion.
var (
	msgOneShell  = lang.Msg("name one shell: bash, zsh or fish", "请写一个 shell：bash、zsh 或 fish")
	msgShellWant = lang.Msg("completion %q: want bash, zsh or fish", "completion %q：只能是 bash、zsh 或 fish")
)

func runCompletion(ctx context.Context, e *env, args []string) error {
	c := newCommand(e, "completion", "bash|zsh|fish", e.lang.Sprintf(completionAbout, `"${fpath[1]}/_cardimport"`))
	if err := c.parse(args, false); err != nil {
		return err
	}
	p := e.lang
	if len(c.args) != 1 {
		return usagef(p, msgOneShell)
	}
	cmds := completionCommands(ctx, p)
	switch c.args[0] {
	case "bash":
		return bashCompletion(e.stdout, cmds)
	case "zsh":
		return zshCompletion(e.stdout, cmds)
	case "fish":
		return fishCompletion(e.stdout, cmds)
	}
	return usagef(p, msgShellWant, c.args[0])
}

// completionCommand is a command with its flags, as its --help lists them:
// the one description of the flags, so completion never drifts from it.
type completionCommand struct {
	name, summary string
	flags         []completionFlag
}

type completionFlag struct{ name, usage string }

// completionCommands are the commands and their flags as their --help
// describes them, in p's language.
func completionCommands(ctx context.Context, p *lang.Printer) []completionCommand {
	var out []completionCommand
	for _, c := range commands {
		cc := completionCommand{name: c.name, summary: p.Sprintf(c.summary)}
		if c.name != "completion" && c.name != "version" {
			var b bytes.Buffer
			c.run(ctx, &env{stdout: &b, stderr: io.Discard, getenv: func(string) string { return "" }, lang: p}, []string{"--help"})
			for _, line := range strings.Split(b.String(), "\n") {
				if !strings.HasPrefix(line, "  --") {
					continue
				}
				f := strings.Fields(line)
				name := strings.TrimPrefix(f[0], "--")
				usage := strings.TrimSpace(strings.TrimPrefix(line, "  --"+name))
				if len(f) > 1 && !strings.Contains(f[1], " ") {
					usage = strings.TrimSpace(strings.TrimPrefix(usage, f[1]))
				}
				cc.flags = append(cc.flags, completionFlag{name, usage})
			}
			sort.Slice(cc.flags, func(i, j int) bool { return cc.flags[i].name < cc.flags[j].name })
		}
		out = append(out, cc)
	}
	return out
}

func bashCompletion(w io.Writer, cmds []completionCommand) error {
	var b strings.Builder
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.name
	}
	b.WriteString("# bash completion for cardimport: source <(cardimport completion bash)\n")
	b.WriteString("_cardimport() {\n\tlocal cur=\"${COMP_WORDS[COMP_CWORD]}\" opts\n")
	fmt.Fprintf(&b, "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n\t\treturn\n\tfi\n", strings.Join(names, " "))
	b.WriteString("\tcase \"${COMP_WORDS[1]}\" in\n")
	for _, c := range cmds {
		var fl []string
		for _, f := range c.flags {
			fl = append(fl, "--"+f.name)
		}
		fmt.Fprintf(&b, "\t%s) opts=%q ;;\n", c.name, strings.Join(fl, " "))
	}
	b.WriteString("\tesac\n\tif [[ \"$cur\" == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n\telse\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n\tfi\n}\n")
	b.WriteString("complete -o filenames -F _cardimport cardimport\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func zshCompletion(w io.Writer, cmds []completionCommand) error {
	var b strings.Builder
	b.WriteString("#compdef cardimport\n\n_cardimport() {\n\tlocal -a cmds\n\tcmds=(\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "\t\t%s\n", zshQuote(c.name+":"+c.summary))
	}
	b.WriteString("\t)\n\tif (( CURRENT == 2 )); then\n\t\t_describe 'command' cmds\n\t\treturn\n\tfi\n\tcase $words[2] in\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "\t%s)\n\t\t_arguments", c.name)
		for _, f := range c.flags {
			fmt.Fprintf(&b, " \\\n\t\t\t%s", zshQuote("--"+f.name+"["+zshBracket(f.usage)+"]"))
		}
		b.WriteString(" \\\n\t\t\t'*:file:_files' ;;\n")
	}
	b.WriteString("\tesac\n}\n\n_cardimport \"$@\"\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func fishCompletion(w io.Writer, cmds []completionCommand) error {
	var b strings.Builder
	b.WriteString("# fish completion for cardimport\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "complete -c cardimport -f -n '__fish_use_subcommand' -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range cmds {
		for _, f := range c.flags {
			fmt.Fprintf(&b, "complete -c cardimport -n '__fish_seen_subcommand_from %s' -l %s -d %s\n", c.name, f.name, fishQuote(f.usage))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// zshBracket keeps a flag's description from closing _arguments' [...].
func zshBracket(s string) string {
	return strings.NewReplacer("[", "(", "]", ")", ":", "\\:").Replace(s)
}
