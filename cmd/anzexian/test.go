package main

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
)

func cmdTest(args []string, env *cliEnv) int {
	fs := newFlags("test", env)
	update := fs.Bool("update", false, "rewrite the golden files of golden cases")
	cover := fs.Bool("coverage", false, "report which rules, factor cases, table bands and penalty rules the cases exercised")
	minCover := fs.Float64("min-coverage", 0, "with --coverage: fail (exit 1) below this percentage of items exercised")
	runRe := fs.String("run", "", "run only cases whose file/name matches this regular expression")
	format := fs.String("format", "text", "output format: text or json")
	verbose := fs.Bool("v", false, "list every case, not only failures")
	var with, only multiFlag
	fs.Var(&with, "with", "ruleset file or directory to add for every case (repeatable)")
	fs.Var(&only, "ruleset", "with --coverage: report (and hold --min-coverage to) only this ruleset, id or id@version (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"examples"}
	}
	var re *regexp.Regexp
	if *runRe != "" {
		var err error
		if re, err = regexp.Compile(*runRe); err != nil {
			env.errorf("--run: %v", err)
			return 2
		}
	}
	reg, ok := loadRegistry(with, env)
	if !ok {
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
	run := casetest.NewRunner(eng).RunAll(cases, *update)
	coverage := func() (*casetest.CoverageReport, bool) {
		rep, err := run.Coverage().Only(only...)
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
	if *format == "json" {
		type failure struct {
			Case string `json:"case"`
			What string `json:"what"`
			Diff string `json:"diff"`
		}
		out := struct {
			Cases    int                      `json:"cases"`
			Failed   int                      `json:"failed"`
			Failures []failure                `json:"failures"`
			Coverage *casetest.CoverageReport `json:"coverage,omitempty"`
		}{Cases: len(run.Results), Failed: run.Failed(), Failures: []failure{}}
		for _, r := range run.Results {
			for _, f := range r.Failures {
				out.Failures = append(out.Failures, failure{Case: r.Case.ID(), What: f.What, Diff: f.Diff})
			}
		}
		if *cover {
			var ok bool
			if out.Coverage, ok = coverage(); !ok {
				return 2
			}
			if out.Coverage.Percent() < *minCover {
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
			if *verbose {
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
	if *cover {
		rep, ok := coverage()
		if !ok {
			return 2
		}
		rep.WriteText(env.stdout)
		if rep.Percent() < *minCover {
			fmt.Fprintf(env.stdout, "coverage %.1f%% is below the minimum %.1f%%\n", rep.Percent(), *minCover)
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
