package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
)

func cmdImpact(args []string, env *cliEnv) int {
	fs := newFlags("impact", env)
	at := fs.String("at", "", "as-of date YYYY-MM-DD of both stacks (default: today)")
	insurer := fs.String("insurer", "", "insurer whose rate filing joins both stacks")
	format := fs.String("format", "text", "report format: text, json or html")
	out := fs.String("out", "", "file to write the report to (default: stdout)")
	top := fs.Int("top", 20, "number of largest movers listed")
	bins := fs.Int("bins", 12, "about how many bars the histogram has")
	workers := fs.Int("workers", 0, "goroutines assessing (default: one per core)")
	input := fs.String("input", "", "portfolio format jsonl or csv (default: from the file's extension)")
	progress := fs.Bool("progress", false, "show progress on stderr even when it is not a terminal")
	var with multiFlag
	fs.Var(&with, "with", "edited ruleset file or directory: added, or replacing the bundled ruleset of the same id (repeatable; required)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	defer streamGC(*workers)()
	if fs.NArg() != 1 || len(with) == 0 {
		env.errorf("usage: anzexian impact --with EDITED.yaml [--at DATE] [--format text|json|html] [--out FILE] PORTFOLIO")
		return 2
	}
	if *format != "text" && *format != "json" && *format != "html" {
		env.errorf("--format must be text, json or html, not %q", *format)
		return 2
	}
	name := fs.Arg(0)
	o := portfolio.ImpactOptions{Name: name, Insurer: *insurer, Workers: *workers, Top: *top, Bins: *bins}
	if name == "-" {
		o.Name = "<stdin>"
	}
	var ok bool
	if o.Format, ok = portfolioFormat(*input, name, env); !ok {
		return 2
	}
	if o.At, ok = parseAt(*at, env); !ok {
		return 2
	}
	before, ok := loadRegistry(nil, env)
	if !ok {
		return 2
	}
	after, ok := loadRegistry(with, env)
	if !ok {
		return 2
	}
	in, ok := openPortfolio(name, env)
	if !ok {
		return 2
	}
	defer in.Close()
	size := in.Size
	if err := portfolio.CheckOutput(*out, inputInfos(in, with)...); err != nil {
		env.errorf("%v", err)
		return 2
	}
	if *progress || isTerminal(env.stderr) {
		show := progressLine(env.stderr, size, "compared")
		var s portfolio.BatchSummary
		o.Progress = func(done int, consumed int64) {
			s.Read = done
			show(&s, consumed)
		}
	}
	ctx, stop := interruptible()
	defer stop()
	rep, err := portfolio.Impact(ctx, anzexian.NewWithRegistry(before), in, after, o)
	if err != nil {
		if ctx.Err() != nil {
			env.errorf("interrupted: no report written")
			return 130
		}
		printErr(err, env)
		return 2
	}
	// a report is written whole or not at all
	var w io.Writer = env.stdout
	closeOut, abort := func() error { return nil }, func() {}
	if *out != "" && *out != "-" {
		f, err := portfolio.CreateOutput(*out, portfolio.OutputOptions{Atomic: true})
		if err != nil {
			env.errorf("%v", err)
			return 2
		}
		w, closeOut, abort = f, f.Commit, f.Abort
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(rep)
	case "html":
		err = report.WriteImpactHTML(w, rep)
	default:
		err = report.WriteImpact(w, rep)
	}
	if err != nil {
		abort()
		env.errorf("%v", err)
		return 2
	}
	if err := closeOut(); err != nil {
		env.errorf("%v", err)
		return 2
	}
	if *out != "" {
		fmt.Fprintf(env.stderr, "impact: %d enterprises compared, %d changed; report written to %s\n", rep.Enterprises, rep.Changed, *out)
	}
	return 0
}
