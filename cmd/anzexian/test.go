package main

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
)

func init() { commands = append(commands, newTestCmd) }

type testFlags struct {
	update   bool
	cover    bool
	minCover float64
	run      string
	format   string
	verbose  bool
	with     []string
	only     []string
}

func newTestCmd(env *cliEnv) *cobra.Command {
	var o testFlags
	c := &cobra.Command{
		Use:   "test [flags] [PATH...]",
		Short: "Run the analysts' cases and report rule coverage (运行分析案例)",
		Long: `Run the analysts' case files (default: examples/), print a diff (-want +got) for
each failure naming the case file and line, and exit 1 if any fails. --update
rewrites golden files and failed single-valued expectations in place; --coverage
reports which rules, factor cases, table bands and articles the cases exercised.`,
		Example: `  anzexian test
  anzexian test --coverage --min-coverage 100
  anzexian test --coverage --ruleset cn.hunan/rating/coal-mine --min-coverage 100 examples/rating/
  anzexian test --run hunan -v
  anzexian test --with edited.yaml examples/hunan/
  anzexian test --update examples/precedents/filing.yaml`,
		RunE: func(c *cobra.Command, args []string) error { return runTest(env, &o, args) },
	}
	f := c.Flags()
	f.BoolVar(&o.update, "update", false, "rewrite the golden files of golden cases")
	f.BoolVar(&o.cover, "coverage", false, "report which rules, factor cases, table bands and penalty rules the cases exercised")
	f.Float64Var(&o.minCover, "min-coverage", 0, "with --coverage: fail (exit 1) below this percentage of items exercised")
	f.StringVar(&o.run, "run", "", "run only cases whose file/name matches this regular expression")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "list every case, not only failures")
	f.StringArrayVar(&o.with, "with", nil, "ruleset file or directory to add for every case (repeatable)")
	f.StringArrayVar(&o.only, "ruleset", nil, "with --coverage: report (and hold --min-coverage to) only this ruleset, id or id@version (repeatable)")
	c.RegisterFlagCompletionFunc("format", completeValues("text", "json"))
	return c
}

func runTest(env *cliEnv, o *testFlags, paths []string) error {
	if err := oneOf("format", o.format, "text", "json"); err != nil {
		return err
	}
	return status(runCases(env, o, paths))
}

func runCases(env *cliEnv, o *testFlags, paths []string) int {
	if len(paths) == 0 {
		paths = []string{"examples"}
	}
	var re *regexp.Regexp
	if o.run != "" {
		var err error
		if re, err = regexp.Compile(o.run); err != nil {
			env.errorf("--run: %v", err)
			return 2
		}
	}
	reg, err := loadRegistry(o.with, env)
	if err != nil {
		return 2
	}
	cases, err := casetest.Load(paths...)
	if err != nil {
		printErr(err, env)
		if ce, ok := err.(*casetest.FileError); ok {
			ce.Diagnostics.Print(env.stderr)
		}
		return 2
	}
	if re != nil {
		kept := cases[:0]
		for _, c := range cases {
			if re.MatchString(c.File + "/" + c.Name) {
				kept = append(kept, c)
			}
		}
		cases = kept
	}
	eng := anzexian.NewWithRegistry(reg)
	run := casetest.NewRunner(eng).RunAll(cases, o.update)
	coverage := func() (*casetest.CoverageReport, bool) {
		rep, err := run.Coverage().Only(o.only...)
		if err != nil {
			env.errorf("--ruleset: %v", err)
			return nil, false
		}
		return rep, true
	}
	code := 0
	if run.Failed() > 0 {
		code = 1
	}
	if o.format == "json" {
		out := run.Summary(false)
		if o.cover {
			var ok bool
			if out.Coverage, ok = coverage(); !ok {
				return 2
			}
			if out.Coverage.Percent() < o.minCover {
				code = 1
			}
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintf(env.stdout, "%s\n", b)
		return code
	}
	updated := 0
	for _, r := range run.Results {
		if r.Updated {
			updated++
			fmt.Fprintf(env.stdout, "UPDATED %s → %s\n", r.Case.ID(), r.Case.GoldenPath())
		}
		if r.Pass() {
			if o.verbose {
				fmt.Fprintf(env.stdout, "ok   %s\n", r.Case.ID())
			}
			continue
		}
		fmt.Fprintf(env.stdout, "FAIL %s\n", r.Case.ID())
		for _, f := range r.Failures {
			fmt.Fprintf(env.stdout, "  %s (-want +got):\n", f.What)
			for _, l := range splitLines(f.Diff) {
				fmt.Fprintf(env.stdout, "    %s\n", l)
			}
		}
	}
	fmt.Fprintf(env.stdout, "%d cases, %d passed, %d failed", len(run.Results), len(run.Results)-run.Failed(), run.Failed())
	if updated > 0 {
		fmt.Fprintf(env.stdout, ", %d golden files written", updated)
	}
	fmt.Fprintln(env.stdout)
	if o.cover {
		rep, ok := coverage()
		if !ok {
			return 2
		}
		rep.WriteText(env.stdout)
		if rep.Percent() < o.minCover {
			fmt.Fprintf(env.stdout, "coverage %.1f%% is below the minimum %.1f%%\n", rep.Percent(), o.minCover)
			code = 1
		}
	}
	return code
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
