// Command anzexian assesses enterprises under China's work-safety liability
// insurance rules, and lets analysts check and test rulesets.
//
//	anzexian assess [--at YYYY-MM-DD] [--insurer NAME] [--with RULESET.yaml] [--format json|text] FILE...
//	anzexian rulesets
//	anzexian lint [--strict] [PATH...]
//	anzexian test [--update] [--coverage] [--run REGEX] [PATH...]
//	anzexian batch [--at DATE] [--workers N] [--skip-bad] [--out FILE] PORTFOLIO
//	anzexian impact --with EDITED.yaml [--at DATE] [--format text|json|html] [--out FILE] PORTFOLIO
//	anzexian generate [--seed N] [--count N] [--format jsonl|csv] [--out FILE]
//
// Exit codes: 0 ok; 1 a check failed; 2 bad usage or bad input.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/anzexian/anzexian/diag"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `anzexian — 安全生产责任保险 rules engine

Usage:
  anzexian assess [--at YYYY-MM-DD] [--insurer NAME] [--with RULESET.yaml] [--format json|text] [--trace] FILE...
      Assess the enterprises described in FILE (YAML or JSON; - reads stdin).
  anzexian rulesets [--with RULESET.yaml]
      List the loaded rulesets: region, status, effective dates.
  anzexian lint [--strict] [PATH...]
      Validate rulesets (files or directories) together with the bundled ones,
      and every stack they take part in. Without PATH, lint the bundled rulesets.
  anzexian test [--update] [--coverage] [--min-coverage PCT] [--run REGEX] [--format text|json] [PATH...]
      Run the analysts' cases (default: examples/), print diffs (-want +got) naming
      the case file and line, and report which rules the cases exercised.
  anzexian batch [--at YYYY-MM-DD] [--insurer NAME] [--with RULESET.yaml] [--workers N] [--skip-bad] [--out FILE] PORTFOLIO
      Assess every enterprise of a portfolio (JSONL, or CSV with a header of fact paths;
      - reads stdin), streaming: one JSON line {"line": N, "assessment": {...}} per
      enterprise, in input order, on every core; a summary on stderr.
  anzexian impact --with EDITED.yaml [--at YYYY-MM-DD] [--format text|json|html] [--out FILE] [--top N] PORTFOLIO
      Assess every enterprise of a portfolio under the bundled stack and under the stack
      with the edited ruleset, both at --at: obligation changes, the distribution of
      premium changes, the largest movers and what moved them, new and vanished penalties.
      --format html writes one self-contained page (histogram drawn inline).
  anzexian generate [--seed N] [--count N] [--format jsonl|csv] [--out FILE]
      Write a deterministic sample portfolio (a realistic mix of regions, sectors, sizes,
      policies, accidents and enforcement records).

Exit codes: 0 ok; 1 a check failed (or batch skipped records); 2 bad usage or bad input;
130 batch interrupted (its output holds complete lines only).
`

type command struct {
	name string
	run  func(args []string, env *cliEnv) int
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

var commands = map[string]func(args []string, env *cliEnv) int{
	"assess":   cmdAssess,
	"rulesets": cmdRulesets,
	"lint":     cmdLint,
	"test":     cmdTest,
	"batch":    cmdBatch,
	"generate": cmdGenerate,
	"impact":   cmdImpact,
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		io.WriteString(stderr, usage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		io.WriteString(stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		var names []string
		for n := range commands {
			names = append(names, n)
		}
		sort.Strings(names)
		env.errorf("unknown command %q (commands: %s)", args[0], strings.Join(names, ", "))
		return 2
	}
	return cmd(args[1:], env)
}
