package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

func init() { commands = append(commands, newBatchCmd, newGenerateCmd) }

func newGenerateCmd(env *cliEnv) *cobra.Command {
	var (
		seed   uint64
		count  int
		format string
		out    string
	)
	c := &cobra.Command{
		Use:   "generate [--seed N] [--count N] [--format jsonl|csv|xlsx] [--out FILE]",
		Short: "Write a deterministic sample book of enterprises (生成示例企业清单)",
		Long: `Write a deterministic sample book of enterprises: a realistic mix of regions,
sectors, sizes, policies, accidents and enforcement records. The same seed gives the
same book on every machine. The format is --format, else --out's extension
(.jsonl, .csv with fact paths as headers, .xlsx with Chinese headers), else JSONL.`,
		Example: `  anzexian generate --count 1000 --out book.jsonl
  anzexian generate --seed 7 --count 200 --out 示例企业.xlsx
  anzexian generate --count 10 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if count < 0 {
				return usagef("--count must not be negative")
			}
			f, err := portfolioFormat(format, out)
			if err != nil {
				return err
			}
			return status(writeGenerated(env, seed, count, f, out))
		},
	}
	c.Flags().Uint64Var(&seed, "seed", 1, "seed: the same seed gives the same book on every machine")
	c.Flags().IntVar(&count, "count", 1000, "number of enterprises")
	c.Flags().StringVar(&format, "format", "", "jsonl, csv or xlsx (default: from --out's extension, else jsonl)")
	c.Flags().StringVar(&out, "out", "", "file to write (default: stdout)")
	c.RegisterFlagCompletionFunc("format", completeValues("jsonl", "csv", "xlsx"))
	return c
}

func writeGenerated(env *cliEnv, seed uint64, count int, f portfolio.Format, out string) int {
	w, err := env.createOutput(out, portfolio.OutputOptions{Atomic: f == portfolio.XLSX})
	if err != nil {
		env.errorf("%v", err)
		return 2
	}
	pw := portfolio.NewWriter(w, f)
	for fa := range portfolio.GenerateSeq(seed, count) {
		if err := pw.Write(fa); err != nil {
			env.errorf("%v", err)
			return 2
		}
	}
	if err := pw.Flush(); err != nil {
		env.errorf("%v", err)
		return 2
	}
	if err := w.Close(); err != nil {
		env.errorf("%v", err)
		return 2
	}
	return 0
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// interruptible returns a context cancelled by SIGINT or SIGTERM.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

type batchFlags struct {
	stackFlags
	workers   int
	skipBad   bool
	format    string
	out       string
	outFormat string
	full      bool
	progress  bool
	resume    bool
}

func newBatchCmd(env *cliEnv) *cobra.Command {
	var o batchFlags
	c := &cobra.Command{
		Use:   "batch [flags] PORTFOLIO",
		Short: "Assess every enterprise of a book, streaming, in input order (批量评估)",
		Long: `Assess every enterprise of a book (.xlsx, .csv or .jsonl; - reads stdin) on every
core, in input order, with bounded memory whatever the book's size.

What is written depends on --out's extension (or --out-format):
  .xlsx  a workbook for people: one row per enterprise — name, region code and name,
         obligation, premium (or its range when a fact is missing), every factor,
         fines — with Chinese headers; continued on further sheets past Excel's
         1,048,576 rows
  .csv   the same table as CSV (UTF-8 with a BOM, so that Excel reads it)
  other  JSONL, the default on stdout: one brief JSON line per enterprise
         ({"line": N, "obligation": …, "premium": …, "factors": {…}, …}), or with
         --full the whole assessment ({"line": N, "assessment": {…}})

A record that does not decode or cannot be assessed stops the run with its line
(exit 2), or with --skip-bad is reported on stderr and skipped (exit 1). A summary
ends the run on stderr. Ctrl-C stops it cleanly (exit 130).`,
		Example: `  anzexian batch --at 2026-01-01 --out 结果.xlsx examples/workbooks/企业清单.xlsx
  anzexian batch --at 2026-01-01 book.jsonl > answers.jsonl
  anzexian batch --at 2026-01-01 --skip-bad --out results.csv book.csv
  anzexian generate --count 100 | anzexian batch --at 2026-01-01 -`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runBatch(env, &o, args[0]) },
	}
	o.add(c, "as-of date")
	f := c.Flags()
	f.IntVar(&o.workers, "workers", 0, "goroutines assessing (default: one per core)")
	f.BoolVar(&o.skipBad, "skip-bad", false, "skip records that do not decode or cannot be assessed (reported on stderr, exit 1) instead of stopping at the first")
	f.StringVar(&o.format, "format", "", "the book's format: jsonl, csv or xlsx (default: from its extension)")
	f.StringVar(&o.out, "out", "", "file to write the results to (default: stdout, JSONL)")
	f.StringVar(&o.outFormat, "out-format", "", "results format: jsonl, csv or xlsx (default: from --out's extension, else jsonl)")
	f.BoolVar(&o.full, "full", false, "JSONL: write each assessment in full ({\"line\": N, \"assessment\": {...}}, about 15 KB each) instead of its brief form")
	f.BoolVar(&o.progress, "progress", false, "show progress on stderr even when it is not a terminal")
	f.BoolVar(&o.resume, "resume", false, "take up a stopped batch: keep the complete lines --out holds (JSONL) and assess the records after them")
	c.RegisterFlagCompletionFunc("format", completeValues("jsonl", "csv", "xlsx"))
	c.RegisterFlagCompletionFunc("out-format", completeValues("jsonl", "csv", "xlsx"))
	return c
}

func runBatch(env *cliEnv, o *batchFlags, name string) error {
	in, err := env.openInput(name)
	if err != nil {
		env.errorf("%v", err)
		return exitCode(2)
	}
	defer in.Close()
	bo := portfolio.BatchOptions{Name: in.Name, Insurer: o.insurer, Workers: o.workers, SkipBad: o.skipBad, Full: o.full}
	if bo.Format, err = portfolioFormat(o.format, name); err != nil {
		return err
	}
	outFormat := o.outFormat
	if outFormat == "" {
		outFormat = string(portfolio.FormatOf(o.out))
	}
	switch outFormat {
	case "jsonl":
	case "csv", "xlsx":
		if o.full {
			return usagef("--full is for JSONL results; a %s table holds the answers without their explanations", outFormat)
		}
		bo.Results = portfolio.Format(outFormat)
	default:
		return usagef("--out-format must be jsonl, csv or xlsx, not %q", outFormat)
	}
	if bo.At, err = o.date(); err != nil {
		return err
	}
	reg, err := o.registry(env)
	if err != nil {
		return err
	}
	if o.resume && bo.Results != "" {
		return usagef("--resume takes up JSONL results; a %s table is written whole", bo.Results)
	}
	defer streamGC(o.workers)()
	asOf := bo.At
	if asOf.IsZero() {
		asOf = facts.Today()
	}
	// An XLSX book cannot be appended to: it is written whole or not at
	// all. JSONL and CSV are written in place, whole lines, so that a
	// stopped batch can be taken up (--resume).
	w, err := env.createOutput(o.out, portfolio.OutputOptions{Atomic: bo.Results == portfolio.XLSX, Resume: o.resume, Full: o.full, AsOf: asOf},
		append([]fs.FileInfo{in.Info}, withInfos(o.with)...)...)
	if err != nil {
		env.errorf("%v", err)
		return exitCode(2)
	}
	bo.ResumeAfter = w.ResumeAfter
	bo.Rejected = func(line int, err error) {
		if bo.SkipBad {
			fmt.Fprintf(env.stderr, "skipped: %s\n", diag.Escape(oneLine(err)))
		}
	}
	if o.progress || isTerminal(env.stderr) {
		bo.Progress = progressLine(env.stderr, in.Size, "assessed")
	}
	ctx, stop := interruptible()
	defer stop()
	s, err := portfolio.Batch(ctx, anzexian.NewWithRegistry(reg), in, w, bo)
	if err != nil {
		w.Abort() // a workbook half written is not left behind; lines are
	} else if cerr := w.Close(); cerr != nil {
		err = cerr
	}
	if s != nil && s.Resumed > 0 {
		fmt.Fprintf(env.stderr, "batch: resumed after line %d of %s: %s records already written were read past\n", bo.ResumeAfter, bo.Name, group(s.Resumed))
	}
	if s != nil && (err == nil || s.Read > 0) {
		printBatchSummary(env.stderr, s)
	}
	switch {
	case err != nil:
		printErr(err, env)
		return exitCode(2)
	case s.Interrupted:
		env.errorf("interrupted: %d enterprises written, every line complete", s.Written)
		return exitCode(130)
	case s.Skipped > 0:
		return exitCode(1)
	}
	if w.File {
		fmt.Fprintf(env.stderr, "results written to %s\n", w.Name)
	}
	return nil
}

// oneLine is an error on one line: its first line, for lists of skipped
// records.
func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "facts: ")
}

// progressLine returns a Progress function drawing "N done, rate/s, ETA"
// on one line of w, at most four times a second.
func progressLine(w io.Writer, size int64, verb string) func(*portfolio.BatchSummary, int64) {
	start := time.Now()
	var last time.Time
	return func(s *portfolio.BatchSummary, consumed int64) {
		now := time.Now()
		if consumed < 0 { // the end
			fmt.Fprint(w, "\r\033[K")
			return
		}
		if now.Sub(last) < 250*time.Millisecond {
			return
		}
		last = now
		el := now.Sub(start).Seconds()
		rate := float64(s.Read) / el // display only, never money
		line := fmt.Sprintf("%s enterprises %s, %s/s", group(s.Read), verb, group(int(rate)))
		if size > 0 && consumed > 0 {
			frac := float64(consumed) / float64(size)
			eta := time.Duration(el*(1-frac)/frac) * time.Second
			line += fmt.Sprintf(", %.0f%%, ETA %s", 100*frac, eta.Round(time.Second))
		}
		fmt.Fprintf(w, "\r\033[K%s", line)
	}
}

func printBatchSummary(w io.Writer, s *portfolio.BatchSummary) {
	rate := ""
	if sec := s.Elapsed.Seconds(); sec > 0 {
		rate = fmt.Sprintf(" (%s/s)", group(int(float64(s.Read)/sec)))
	}
	fmt.Fprintf(w, "batch: %s read, %s written, %s skipped", group(s.Read), group(s.Written), group(s.Skipped))
	if s.Failed > 0 {
		fmt.Fprintf(w, ", stopped at a bad record")
	}
	fmt.Fprintf(w, " in %s%s\n", s.Elapsed.Round(time.Millisecond), rate)
	var parts []string
	for _, ob := range []rulesets.Obligation{rulesets.ObligationMandatory, rulesets.ObligationRequired, rulesets.ObligationEncouraged, rulesets.ObligationNone} {
		parts = append(parts, fmt.Sprintf("%s %s", ob, group(s.Obligations[ob])))
	}
	fmt.Fprintf(w, "  obligations: %s", strings.Join(parts, ", "))
	if s.DraftRequired > 0 {
		fmt.Fprintf(w, " (%s required only by a draft)", group(s.DraftRequired))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  premium: %s priced, total %s 元 (%s); %s without a premium the facts allow computing\n",
		group(s.Priced), groupDecimal(s.TotalPremium.StringFixed(2)), yuanShort(s.TotalPremium), group(s.PremiumIncomplete))
	if s.Provisional > 0 {
		fmt.Fprintf(w, "  provisional: %s priced only provisionally (a fact missing), total %s 元, range %s–%s 元; not in the total above\n",
			group(s.Provisional), groupDecimal(s.ProvisionalTotal.StringFixed(2)), groupDecimal(s.ProvisionalMin.StringFixed(2)), groupDecimal(s.ProvisionalMax.StringFixed(2)))
	}
	fmt.Fprintf(w, "  penalties: %s enterprises risk at least one; fines %s–%s 元 (up to %s with alternative ranges); %s only under a draft; %s penalties undetermined\n",
		group(s.Penalised), groupDecimal(s.FinesMin.StringFixed(2)), groupDecimal(s.FinesMax.StringFixed(2)), groupDecimal(s.FinesMaxWithAlternatives.StringFixed(2)), group(s.PenalisedDraft), group(s.PenaltiesUndetermined))
}

// group writes n with thousands separators.
func group(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var parts []string
	for len(s) > 3 {
		parts = append(parts, s[len(s)-3:])
		s = s[:len(s)-3]
	}
	parts = append(parts, s)
	slices.Reverse(parts)
	out := strings.Join(parts, ",")
	if neg {
		out = "-" + out
	}
	return out
}

// groupDecimal puts thousands separators in a decimal's whole part.
func groupDecimal(s string) string {
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	n, err := strconv.ParseInt(strings.TrimPrefix(whole, "-"), 10, 64)
	if err != nil {
		return s
	}
	out := group(int(n))
	if neg {
		out = "-" + out
	}
	if frac != "" {
		out += "." + frac
	}
	return out
}

// yuanShort is an amount for a summary: 约 47.46 亿元, 约 12.30 万元.
func yuanShort(d decimal.Decimal) string {
	switch a := d.Abs(); {
	case a.GreaterThanOrEqual(decimal.New(1, 8)):
		return "约 " + d.Shift(-8).StringFixed(2) + " 亿元"
	case a.GreaterThanOrEqual(decimal.New(1, 4)):
		return "约 " + d.Shift(-4).StringFixed(2) + " 万元"
	}
	return groupDecimal(d.StringFixed(2)) + " 元"
}

// streamGC tunes the garbage collector for streaming a portfolio, unless
// the user set GOGC: what a batch keeps alive is small and bounded (the
// chunks in flight, some 20 MB), while every enterprise allocates short-lived
// memory, so the default target of twice the live heap makes the collector
// run every few milliseconds. A target of five times the live heap nearly
// halves the time of a batch (29 s → 16 s for a million enterprises on 2
// cores) for about 90 MB of peak RSS instead of 31 (BENCHMARKS.md). Unless
// GOMEMLIMIT is set, a soft limit of 192 MiB and 64 MiB a worker keeps
// that target from multiplying the heap of heavy records (24 enterprises of
// 1 MiB with 19,000 penalties each: 573 → 266 MB, no slower); an ordinary
// batch never reaches it. It returns a function that restores the previous
// settings.
func streamGC(workers int) func() {
	restore := func() {}
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(400)
		restore = func() { debug.SetGCPercent(old) }
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if workers <= 0 {
			workers = runtime.GOMAXPROCS(0)
		}
		old := debug.SetMemoryLimit(int64(192<<20 + 64<<20*workers))
		prev := restore
		restore = func() { prev(); debug.SetMemoryLimit(old) }
	}
	return restore
}
