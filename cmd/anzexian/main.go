// Command anzexian assesses enterprises under China's work-safety liability
// insurance rules (安全生产责任保险), and lets analysts check and test
// rulesets and see what a rule change does to a book of enterprises.
//
//	anzexian assess [--at YYYY-MM-DD] [--insurer NAME] [--with RULESET.yaml] [--format json|text] [--lang zh|en] FILE...
//	anzexian rulesets [--with RULESET.yaml]
//	anzexian lint [--strict] [PATH...]
//	anzexian test [--update] [--coverage] [--run REGEX] [PATH...]
//	anzexian batch [--at DATE] [--workers N] [--skip-bad] [--out FILE] PORTFOLIO
//	anzexian impact --with EDITED.yaml [--at DATE] [--format text|json|html|xlsx] [--out FILE] PORTFOLIO
//	anzexian generate [--seed N] [--count N] [--format jsonl|csv|xlsx] [--out FILE]
//	anzexian template [--out FILE.xlsx]
//	anzexian schema facts|case|ruleset|assessment [--region CODE] [--at DATE] [--insurer NAME]
//	anzexian version
//	anzexian completion bash|zsh|fish|powershell
//
// Flags may stand anywhere on the line; every command has --help with
// examples. Exit codes: 0 ok; 1 a check failed; 2 bad usage or bad input;
// 130 an interrupted batch or impact.
//
// The commands are built on spf13/cobra (flags anywhere, help, shell
// completion, suggestions for misspelt commands): each lives in its own
// file and registers itself in commands, so a later command (serve) is one
// more file.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// cliEnv carries the streams, so that commands can be tested in-process.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// errorf prints a message; what it quotes of files and names (which may
// hold control characters) is escaped.
func (e *cliEnv) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "anzexian: %s\n", diag.Escape(fmt.Sprintf(format, args...)))
}

// exitCode is what a command returns when it has said what went wrong
// itself: run exits with the code and prints nothing more.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// status turns a command's exit code into its error: nil for 0.
func status(code int) error {
	if code == 0 {
		return nil
	}
	return exitCode(code)
}

// usageError is bad usage found by a command after its flags were parsed
// (a missing argument, a bad flag value): exit 2, with the usage line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// commands are the subcommands, each added by its own file's init.
var commands []func(env *cliEnv) *cobra.Command

const rootLong = `anzexian — 安全生产责任保险（安责险）规则引擎 / rules engine for China's
work-safety liability insurance.

For an enterprise, a place and a date it answers: must it insure, what will it
pay (the floating premium with its worksheet), and what does it risk (fines and
other consequences) — each with the documents and articles it rests on.`

const rootExample = `  anzexian assess --at 2026-01-01 examples/enterprises/hunan-hazchem-storage.yaml
  anzexian template --out 企业清单.xlsx
  anzexian batch --at 2026-01-01 --out 结果.xlsx 企业清单.xlsx
  anzexian impact --with edited.yaml --at 2026-01-01 --format xlsx --out 影响.xlsx 企业清单.xlsx
  anzexian test --coverage
  anzexian help batch`

// newRoot builds the command tree over env.
func newRoot(env *cliEnv) *cobra.Command {
	root := &cobra.Command{
		Use:           "anzexian",
		Short:         "安全生产责任保险 rules engine",
		Long:          rootLong,
		Example:       rootExample,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       versionLine(),
	}
	root.SetIn(env.stdin)
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{err.Error()} })
	for _, mk := range commands {
		root.AddCommand(mk(env))
	}
	root.SetUsageTemplate(root.UsageTemplate() + `
Exit codes: 0 ok; 1 a check failed (lint errors, or warnings with --strict; a
failing case; records skipped by batch --skip-bad); 2 bad usage or bad input (the
message names the file and line, or the field); 130 interrupted.
`)
	return root
}

// run runs the command line args and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(env)
	if len(args) == 0 {
		root.InitDefaultHelpCmd()
		root.InitDefaultCompletionCmd()
		root.SetOut(stderr)
		root.Usage()
		return 2
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	// Bad usage: a flag cobra could not parse, an unknown command, a
	// missing argument.
	env.errorf("%s", err)
	if cmd != nil {
		if strings.HasPrefix(err.Error(), "unknown command") {
			fmt.Fprintf(stderr, "Run 'anzexian help' for the commands.\n")
		} else {
			fmt.Fprintf(stderr, "usage: %s\nRun '%s --help' for examples.\n", cmd.UseLine(), cmd.CommandPath())
		}
	}
	return 2
}
