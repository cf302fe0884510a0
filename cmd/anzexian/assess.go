package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/boundedfile"
	"github.com/anzexian/anzexian/report"
	"github.com/anzexian/anzexian/rulesets"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func newFlags(name string, env *cliEnv) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	return fs
}

// loadRegistry returns the bundled registry, with the --with rulesets added
// or replacing the bundled ones of the same id.
func loadRegistry(with []string, env *cliEnv) (*rulesets.Registry, bool) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		printErr(err, env)
		return nil, false
	}
	if len(with) == 0 {
		return reg, true
	}
	var files []diag.File
	for _, p := range with {
		fs, err := readRulesetPaths(p)
		if err != nil {
			env.errorf("%v", err)
			return nil, false
		}
		files = append(files, fs...)
	}
	reg, err = reg.With(files...)
	if err != nil {
		printErr(err, env)
		return nil, false
	}
	return reg, true
}

// readRulesetPaths reads a ruleset file, or every .yaml file under a
// directory, through the bounded reader (regular files only, each within
// rulesets.MaxRulesetSize).
func readRulesetPaths(p string) ([]diag.File, error) {
	files, err := boundedfile.ReadTree(p, []string{".yaml", ".yml"}, rulesets.MaxRulesetSize, "a ruleset file")
	if err != nil {
		return nil, err
	}
	out := make([]diag.File, len(files))
	for i, f := range files {
		out[i] = diag.File{Name: f.Name, Data: f.Data}
	}
	return out, nil
}

// printErr prints an error; diagnostics are printed with their snippets.
func printErr(err error, env *cliEnv) {
	var le *rulesets.LoadError
	var fe *facts.Error
	var se *rulesets.StackError
	switch {
	case errors.As(err, &le):
		le.Diagnostics.Print(env.stderr)
		fmt.Fprintf(env.stderr, "%d error(s) in rulesets\n", len(le.Diagnostics.Errors()))
	case errors.As(err, &fe):
		fe.Diagnostics.Print(env.stderr)
	case errors.As(err, &se):
		fmt.Fprintf(env.stderr, "anzexian: %s\n", se.Error())
		se.Diagnostics.Print(env.stderr)
	default:
		env.errorf("%v", err)
	}
}

func cmdAssess(args []string, env *cliEnv) int {
	fs := newFlags("assess", env)
	at := fs.String("at", "", "as-of date YYYY-MM-DD (default: today)")
	insurer := fs.String("insurer", "", "insurer whose rate filing joins the stack")
	format := fs.String("format", "text", "output format: json or text")
	trace := fs.Bool("trace", false, "record every rule evaluated")
	indent := fs.Bool("indent", false, "indent JSON output")
	var with multiFlag
	fs.Var(&with, "with", "ruleset file or directory to add, replacing bundled rulesets of the same id (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *format != "json" && *format != "text" {
		env.errorf("--format must be json or text, not %q", *format)
		return 2
	}
	if fs.NArg() == 0 {
		env.errorf("assess needs a facts file (or - for stdin)")
		return 2
	}
	opts := []anzexian.Option{anzexian.Insurer(*insurer)}
	d, ok := parseAt(*at, env)
	if !ok {
		return 2
	}
	if d.IsZero() {
		d = facts.Today()
	}
	opts = append(opts, anzexian.At(d))
	if *trace {
		opts = append(opts, anzexian.WithTrace())
	}
	reg, ok := loadRegistry(with, env)
	if !ok {
		return 2
	}
	eng := anzexian.NewWithRegistry(reg)
	code := 0
	first := true
	for _, name := range fs.Args() {
		data, err := readInput(name, env.stdin)
		if err != nil {
			env.errorf("%v", err)
			return 2
		}
		display := name
		if name == "-" {
			display = "<stdin>"
		}
		fs, err := facts.Decode(display, data)
		if err != nil {
			printErr(err, env)
			return 2
		}
		for _, f := range fs {
			a, err := eng.Assess(f, opts...)
			if err != nil {
				fmt.Fprintf(env.stderr, "%s: %s\n", diag.Escape(display), diag.Escape(enterpriseName(f)))
				printErr(err, env)
				code = 2
				continue
			}
			if err := writeAssessment(env.stdout, a, *format, *indent, first); err != nil {
				env.errorf("%v", err)
				return 2
			}
			first = false
		}
	}
	return code
}

func enterpriseName(f *facts.Facts) string {
	if f.Name != "" {
		return f.Name
	}
	return "(unnamed enterprise, region " + f.Region + ")"
}

// readInput reads a facts document through the bounded reader; "-" reads
// stdin up to the same limit.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	const what = "a facts document (use batch for portfolios)"
	if name == "-" {
		return boundedfile.ReadAll(stdin, "<stdin>", facts.MaxSize, what)
	}
	return boundedfile.Read(name, facts.MaxSize, what)
}

func writeAssessment(w io.Writer, a *anzexian.Assessment, format string, indent, first bool) error {
	if format == "json" {
		var b []byte
		var err error
		if indent {
			b, err = json.MarshalIndent(a, "", "  ")
		} else {
			b, err = json.Marshal(a)
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	if !first {
		fmt.Fprintln(w, strings.Repeat("─", 60))
	}
	return report.WriteAssessment(w, a)
}

// parseAt reads the --at flag: the zero date when it is not given, the
// caller's default.
func parseAt(at string, env *cliEnv) (facts.Date, bool) {
	if at == "" {
		return facts.Date{}, true
	}
	d, err := facts.ParseDate(at)
	if err != nil {
		env.errorf("--at: %v", err)
		return facts.Date{}, false
	}
	return d, true
}
