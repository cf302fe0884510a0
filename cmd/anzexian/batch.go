package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// cmdGenerate writes a deterministic sample portfolio.
func cmdGenerate(args []string, env *cliEnv) int {
	fs := newFlags("generate", env)
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same portfolio on every machine")
	count := fs.Int("count", 1000, "number of enterprises")
	format := fs.String("format", "", "jsonl or csv (default: from --out's extension, else jsonl)")
	out := fs.String("out", "", "file to write (default: stdout)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *count < 0 {
		env.errorf("usage: anzexian generate [--seed N] [--count N] [--format jsonl|csv] [--out FILE]")
		return 2
	}
	f, ok := portfolioFormat(*format, *out, env)
	if !ok {
		return 2
	}
	w, closeOut, ok := openOut(*out, env)
	if !ok {
		return 2
	}
	pw := portfolio.NewWriter(w, f)
	for fa := range portfolio.GenerateSeq(*seed, *count) {
		if err := pw.Write(fa); err != nil {
			env.errorf("%v", err)
			return 2
		}
	}
	if err := pw.Flush(); err != nil {
		env.errorf("%v", err)
		return 2
	}
	if err := closeOut(); err != nil {
		env.errorf("%v", err)
		return 2
	}
	return 0
}

func portfolioFormat(flagValue, name string, env *cliEnv) (portfolio.Format, bool) {
	switch flagValue {
	case "":
		return portfolio.FormatOf(name), true
	case "jsonl", "csv":
		return portfolio.Format(flagValue), true
	}
	env.errorf("--format must be jsonl or csv, not %q", flagValue)
	return "", false
}

// openOut opens the output file, or stdout for "" and "-".
func openOut(name string, env *cliEnv) (io.Writer, func() error, bool) {
	if name == "" || name == "-" {
		return env.stdout, func() error { return nil }, true
	}
	f, err := os.Create(name)
	if err != nil {
		env.errorf("%v", err)
		return nil, nil, false
	}
	return f, f.Close, true
}

// openPortfolio opens a portfolio file, or stdin for "-"; size is its
// length when known (for an ETA), else -1.
func openPortfolio(name string, env *cliEnv) (io.Reader, int64, func(), bool) {
	if name == "-" {
		return env.stdin, -1, func() {}, true
	}
	f, err := os.Open(name)
	if err != nil {
		env.errorf("%v", err)
		return nil, 0, nil, false
	}
	size := int64(-1)
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		size = info.Size()
	}
	return f, size, func() { f.Close() }, true
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

func cmdBatch(args []string, env *cliEnv) int {
	fs := newFlags("batch", env)
	at := fs.String("at", "", "as-of date YYYY-MM-DD (default: today)")
	insurer := fs.String("insurer", "", "insurer whose rate filing joins the stack")
	workers := fs.Int("workers", 0, "goroutines assessing (default: one per core)")
	skipBad := fs.Bool("skip-bad", false, "skip records that do not decode or cannot be assessed (reported on stderr, exit 1) instead of stopping at the first")
	format := fs.String("format", "", "portfolio format jsonl or csv (default: from the file's extension)")
	out := fs.String("out", "", "file to write the JSONL assessments to (default: stdout)")
	full := fs.Bool("full", false, "write each assessment in full ({\"line\": N, \"assessment\": {...}}, about 15 KB each) instead of its brief form")
	progress := fs.Bool("progress", false, "show progress on stderr even when it is not a terminal")
	var with multiFlag
	fs.Var(&with, "with", "ruleset file or directory to add, replacing bundled rulesets of the same id (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		env.errorf("usage: anzexian batch [--at DATE] [--workers N] [--skip-bad] [--out FILE] PORTFOLIO (JSONL or CSV; - reads stdin)")
		return 2
	}
	defer streamGC()()
	name := fs.Arg(0)
	o := portfolio.BatchOptions{Name: name, Insurer: *insurer, Workers: *workers, SkipBad: *skipBad, Full: *full}
	if name == "-" {
		o.Name = "<stdin>"
	}
	var ok bool
	if o.Format, ok = portfolioFormat(*format, name, env); !ok {
		return 2
	}
	if o.At, ok = parseAt(*at, env); !ok {
		return 2
	}
	reg, ok := loadRegistry(with, env)
	if !ok {
		return 2
	}
	in, size, closeIn, ok := openPortfolio(name, env)
	if !ok {
		return 2
	}
	defer closeIn()
	w, closeOut, ok := openOut(*out, env)
	if !ok {
		return 2
	}
	o.Rejected = func(line int, err error) {
		if o.SkipBad {
			fmt.Fprintf(env.stderr, "skipped: %s\n", oneLine(err))
		}
	}
	if *progress || isTerminal(env.stderr) {
		o.Progress = progressLine(env.stderr, size, "assessed")
	}
	ctx, stop := interruptible()
	defer stop()
	s, err := portfolio.Batch(ctx, anzexian.NewWithRegistry(reg), in, w, o)
	if cerr := closeOut(); err == nil && cerr != nil {
		err = cerr
	}
	if s != nil && (err == nil || s.Read > 0) {
		printBatchSummary(env.stderr, s)
	}
	switch {
	case err != nil:
		printErr(err, env)
		return 2
	case s.Interrupted:
		env.errorf("interrupted: %d enterprises written, every line complete", s.Written)
		return 130
	case s.Skipped > 0:
		return 1
	}
	return 0
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
	fmt.Fprintf(w, "  premium: %s priced, total %s CNY; %s without a premium the facts allow computing\n",
		group(s.Priced), s.TotalPremium.StringFixed(2), group(s.PremiumIncomplete))
	fmt.Fprintf(w, "  penalties: %s enterprises risk at least one; fines %s–%s CNY (up to %s with alternative ranges); %s only under a draft; %s penalties undetermined\n",
		group(s.Penalised), s.FinesMin.StringFixed(2), s.FinesMax.StringFixed(2), s.FinesMaxWithAlternatives.StringFixed(2), group(s.PenalisedDraft), group(s.PenaltiesUndetermined))
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

// streamGC tunes the garbage collector for streaming a portfolio, unless
// the user set GOGC: what a batch keeps alive is small and bounded (the
// chunks in flight, some 20 MB), while every enterprise allocates short-lived
// memory, so the default target of twice the live heap makes the collector
// run every few milliseconds. A target of five times the live heap nearly
// halves the time of a batch (29 s → 16 s for a million enterprises on 2
// cores) for about 90 MB of peak RSS instead of 31 (BENCHMARKS.md). It returns a function that
// restores the previous setting.
func streamGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(400)
	return func() { debug.SetGCPercent(old) }
}
