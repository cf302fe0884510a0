package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
)

func init() { commands = append(commands, newImpactCmd) }

type impactFlags struct {
	stackFlags
	format   string
	lang     string
	out      string
	changed  string
	top      int
	bins     int
	workers  int
	input    string
	progress bool
}

func newImpactCmd(env *cliEnv) *cobra.Command {
	var o impactFlags
	c := &cobra.Command{
		Use:   "impact --with EDITED.yaml [flags] PORTFOLIO",
		Short: "What a rule change does across a book of enterprises (规则修改影响分析)",
		Long: `Assess every enterprise of a book (.xlsx, .csv or .jsonl) under the bundled stack
and under the stack with the edited ruleset(s) of --with, both at --at, and report
the difference: the rule diff (rules, factors and values added, removed or
changed), obligation changes, the distribution of premium changes, breakdowns by
province and city, sector family and obligation, the largest movers and what moved
them, new and vanished penalties, and every enterprise that changed.

--format text (default, Chinese; --lang en for English), json, html (one
self-contained page with charts and the changed list to download) or xlsx (a
workbook: summary, breakdowns, rule diff, and the changed enterprises).
--changed FILE writes the full list of changed enterprises as .xlsx or .csv.`,
		Example: `  anzexian impact --with edited.yaml --at 2026-01-01 book.jsonl
  anzexian impact --with edited.yaml --at 2026-01-01 --format html --out 影响.html 企业清单.xlsx
  anzexian impact --with edited.yaml --at 2026-01-01 --format xlsx --out 影响.xlsx 企业清单.xlsx
  anzexian impact --with edited.yaml --changed 变化企业.csv book.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runImpact(env, &o, args[0]) },
	}
	o.add(c, "as-of date of both stacks")
	f := c.Flags()
	f.StringVar(&o.format, "format", "text", "report format: text, json, html or xlsx")
	f.StringVar(&o.lang, "lang", "zh", "language of the text and html report: zh or en")
	f.StringVar(&o.out, "out", "", "file to write the report to (default: stdout)")
	f.StringVar(&o.changed, "changed", "", "file (.xlsx or .csv) to write every changed enterprise to")
	f.IntVar(&o.top, "top", 20, "number of largest movers listed")
	f.IntVar(&o.bins, "bins", 12, "about how many bars the histogram has")
	f.IntVar(&o.workers, "workers", 0, "goroutines assessing (default: one per core)")
	f.StringVar(&o.input, "input", "", "the book's format: jsonl, csv or xlsx (default: from its extension)")
	f.BoolVar(&o.progress, "progress", false, "show progress on stderr even when it is not a terminal")
	c.MarkFlagRequired("with")
	c.RegisterFlagCompletionFunc("format", completeValues("text", "json", "html", "xlsx"))
	c.RegisterFlagCompletionFunc("lang", completeValues("zh", "en"))
	c.RegisterFlagCompletionFunc("input", completeValues("jsonl", "csv", "xlsx"))
	return c
}

func runImpact(env *cliEnv, o *impactFlags, name string) error {
	if err := oneOf("format", o.format, "text", "json", "html", "xlsx"); err != nil {
		return err
	}
	if err := oneOf("lang", o.lang, "zh", "en"); err != nil {
		return err
	}
	if o.format == "xlsx" && o.out == "" {
		return usagef("--format xlsx needs --out FILE.xlsx: a workbook is not for a terminal")
	}
	var changedFormat portfolio.Format
	if o.changed != "" {
		switch changedFormat = portfolio.FormatOf(o.changed); changedFormat {
		case portfolio.CSV, portfolio.XLSX:
		default:
			return usagef("--changed must name a .xlsx or .csv file, not %q", o.changed)
		}
	}
	io := portfolio.ImpactOptions{Insurer: o.insurer, Workers: o.workers, Top: o.top, Bins: o.bins}
	var err error
	if io.Format, err = portfolioFormat(o.input, name); err != nil {
		return err
	}
	if io.At, err = o.date(); err != nil {
		return err
	}
	defer streamGC(o.workers)()
	before, err := loadRegistry(nil, env)
	if err != nil {
		return err
	}
	after, err := o.registry(env)
	if err != nil {
		return err
	}
	in, err := env.openInput(name)
	if err != nil {
		env.errorf("%v", err)
		return exitCode(2)
	}
	defer in.Close()
	io.Name = in.Name
	inputs := append([]fs.FileInfo{in.Info}, withInfos(o.with)...)
	if err := portfolio.CheckOutput(o.out, inputs...); err != nil {
		env.errorf("%v", err)
		return exitCode(2)
	}
	if o.changed != "" {
		cw, err := env.createOutput(o.changed, portfolio.OutputOptions{}, inputs...)
		if err != nil {
			env.errorf("%v", err)
			return exitCode(2)
		}
		lw := portfolio.NewChangedWriter(cw, changedFormat)
		io.ChangedTo = lw.Write
		defer func() {
			if err := lw.Close(); err != nil {
				env.errorf("%s: %v", o.changed, err)
			}
			cw.Close()
		}()
	}
	if o.progress || isTerminal(env.stderr) {
		show := progressLine(env.stderr, in.Size, "compared")
		var s portfolio.BatchSummary
		io.Progress = func(done int, consumed int64) {
			s.Read = done
			show(&s, consumed)
		}
	}
	ctx, stop := interruptible()
	defer stop()
	rep, err := portfolio.Impact(ctx, anzexian.NewWithRegistry(before), in, after, io)
	if err != nil {
		if ctx.Err() != nil {
			env.errorf("interrupted: no report written")
			return exitCode(130)
		}
		printErr(err, env)
		return exitCode(2)
	}
	// a report is written whole or not at all
	w, err := env.createOutput(o.out, portfolio.OutputOptions{Atomic: true}, inputs...)
	if err != nil {
		env.errorf("%v", err)
		return exitCode(2)
	}
	lang := report.Lang(o.lang)
	switch o.format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(rep)
	case "html":
		err = report.WriteImpactHTMLLang(w, rep, lang)
	case "xlsx":
		err = report.WriteImpactXLSX(w, rep)
	default:
		err = report.WriteImpactLang(w, rep, lang)
	}
	if err != nil {
		w.Abort()
		env.errorf("%v", err)
		return exitCode(2)
	}
	if err := w.Close(); err != nil {
		env.errorf("%v", err)
		return exitCode(2)
	}
	if w.File {
		fmt.Fprintf(env.stderr, "impact: %d enterprises compared, %d changed; report written to %s\n", rep.Enterprises, rep.Changed, o.out)
	}
	if o.changed != "" {
		fmt.Fprintf(env.stderr, "impact: the %d changed enterprises written to %s\n", rep.Changed, strings.TrimSpace(o.changed))
	}
	return nil
}
