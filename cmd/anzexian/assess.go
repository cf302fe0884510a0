package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
)

func init() { commands = append(commands, newAssessCmd) }

type assessFlags struct {
	stackFlags
	format string
	lang   string
	trace  bool
	indent bool
}

func newAssessCmd(env *cliEnv) *cobra.Command {
	var o assessFlags
	c := &cobra.Command{
		Use:   "assess [flags] FILE...",
		Short: "Assess enterprises: obligation, premium, penalties (评估企业)",
		Long: `Assess the enterprises described in each FILE: a YAML or JSON facts document
(a YAML stream may hold several, separated by ---), or a book of enterprises
(.xlsx, .csv, .jsonl). - reads a document from stdin.

Each answer says whether the enterprise must insure and why, the premium with its
worksheet, and what it risks, each with the document and article it rests on.
--format text (default) is for people, in Chinese (--lang en for English);
--format json prints one JSON object per enterprise, the Assessment contract
(rulesets/schema/assessment.schema.json).`,
		Example: `  anzexian assess --at 2026-01-01 examples/enterprises/hunan-hazchem-storage.yaml
  anzexian assess examples/enterprises/hunan-hazchem-storage.yaml --at 2026-01-01 --trace
  anzexian assess --format json --indent --at 2026-01-01 facts.json
  echo '{"region": "430100", "sectors": ["coal_mine"]}' | anzexian assess --at 2026-01-01 -
  anzexian assess --at 2026-01-01 examples/workbooks/企业清单.xlsx`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runAssess(env, &o, args) },
	}
	o.add(c, "as-of date")
	c.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&o.lang, "lang", "zh", "language of the text form: zh or en")
	c.Flags().BoolVar(&o.trace, "trace", false, "show every rule evaluated, with its condition and the values it read")
	c.Flags().BoolVar(&o.indent, "indent", false, "indent JSON output")
	c.RegisterFlagCompletionFunc("format", completeValues("text", "json"))
	c.RegisterFlagCompletionFunc("lang", completeValues("zh", "en"))
	return c
}

func runAssess(env *cliEnv, o *assessFlags, args []string) error {
	if err := oneOf("format", o.format, "json", "text"); err != nil {
		return err
	}
	if err := oneOf("lang", o.lang, "zh", "en"); err != nil {
		return err
	}
	d, err := o.date()
	if err != nil {
		return err
	}
	if d.IsZero() {
		d = facts.Today()
	}
	reg, err := o.registry(env)
	if err != nil {
		return err
	}
	opts := []anzexian.Option{anzexian.At(d), anzexian.Insurer(o.insurer)}
	if o.trace {
		opts = append(opts, anzexian.WithTrace())
	}
	eng := anzexian.NewWithRegistry(reg)
	code := 0
	first := true
	for _, name := range args {
		fs, display, err := readFacts(env, name)
		if err != nil {
			printErr(err, env)
			return exitCode(2)
		}
		for _, f := range fs {
			a, err := eng.Assess(f, opts...)
			if err != nil {
				fmt.Fprintf(env.stderr, "%s: %s\n", diag.Escape(display), diag.Escape(enterpriseName(f)))
				printErr(err, env)
				code = 2
				continue
			}
			if err := writeAssessment(env.stdout, a, o, first); err != nil {
				env.errorf("%v", err)
				return exitCode(2)
			}
			first = false
		}
	}
	return status(code)
}

// readFacts reads the enterprises of one assess argument: a facts document,
// or a book (.xlsx, .csv, .jsonl), which must hold no bad record.
func readFacts(env *cliEnv, name string) ([]*facts.Facts, string, error) {
	if name != "-" {
		if f := portfolio.FormatOf(name); f == portfolio.XLSX || f == portfolio.CSV || strings.HasSuffix(strings.ToLower(name), ".jsonl") {
			in, err := env.openInput(name)
			if err != nil {
				return nil, name, err
			}
			defer in.Close()
			r, err := portfolio.NewReader(in.Name, in, f)
			if err != nil {
				return nil, in.Name, err
			}
			var out []*facts.Facts
			for {
				rec, err := r.Next()
				if err == io.EOF {
					return out, in.Name, nil
				}
				if err != nil {
					return nil, in.Name, err
				}
				if rec.Err != nil {
					return nil, in.Name, rec.Err
				}
				out = append(out, rec.Facts)
			}
		}
	}
	data, display, err := env.readInput(name, facts.MaxSize, "a facts document (use batch for books of enterprises)")
	if err != nil {
		return nil, display, err
	}
	fs, err := facts.Decode(display, data)
	return fs, display, err
}

func enterpriseName(f *facts.Facts) string {
	if f.Name != "" {
		return f.Name
	}
	return "(unnamed enterprise, region " + f.Region + ")"
}

func writeAssessment(w io.Writer, a *anzexian.Assessment, o *assessFlags, first bool) error {
	if o.format == "json" {
		var b []byte
		var err error
		if o.indent {
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
	return report.WriteAssessmentLang(w, a, report.Lang(o.lang))
}
