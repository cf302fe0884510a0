package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// stackFlags are the flags that choose the stack: the as-of date, the
// insurer and rulesets added with --with.
type stackFlags struct {
	at      string
	insurer string
	with    []string
}

func (s *stackFlags) add(c *cobra.Command, atWhat string) {
	c.Flags().StringVar(&s.at, "at", "", atWhat+" YYYY-MM-DD (default: today)")
	c.Flags().StringVar(&s.insurer, "insurer", "", "insurer whose rate filing joins the stack (it must have one)")
	c.Flags().StringArrayVar(&s.with, "with", nil, "ruleset file or directory to add, replacing bundled rulesets of the same id (repeatable)")
	c.MarkFlagFilename("with", "yaml", "yml")
}

// date returns the --at date, or the zero date when it is not given (the
// caller's default).
func (s *stackFlags) date() (facts.Date, error) {
	if s.at == "" {
		return facts.Date{}, nil
	}
	d, err := facts.ParseDate(s.at)
	if err != nil {
		return facts.Date{}, usagef("--at: %v", err)
	}
	return d, nil
}

// registry returns the bundled registry with the --with rulesets, and
// checks --insurer against it: an insurer with no filing anywhere is bad
// usage, said before any enterprise is read.
func (s *stackFlags) registry(env *cliEnv) (*rulesets.Registry, error) {
	reg, err := loadRegistry(s.with, env)
	if err != nil {
		return nil, err
	}
	if s.insurer != "" && !reg.HasFiling(s.insurer) {
		env.errorf("--insurer %q: no loaded ruleset is a rate filing of that insurer", s.insurer)
		if names := reg.Insurers(); len(names) > 0 {
			fmt.Fprintf(env.stderr, "  insurers with a filing: %v\n", names)
		} else {
			fmt.Fprintf(env.stderr, "  no insurer has a filing among the loaded rulesets; leave --insurer out, or add its filing with --with\n")
		}
		return nil, exitCode(2)
	}
	return reg, nil
}

// loadRegistry returns the bundled registry, with the --with rulesets added
// or replacing the bundled ones of the same id.
func loadRegistry(with []string, env *cliEnv) (*rulesets.Registry, error) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		printErr(err, env)
		return nil, exitCode(2)
	}
	if len(with) == 0 {
		return reg, nil
	}
	var files []diag.File
	for _, p := range with {
		fs, err := env.readRulesetPaths(p)
		if err != nil {
			env.errorf("--with: %v", err)
			return nil, exitCode(2)
		}
		files = append(files, fs...)
	}
	reg, err = reg.With(files...)
	if err != nil {
		printErr(err, env)
		return nil, exitCode(2)
	}
	return reg, nil
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

// portfolioFormat is the format of a portfolio: the flag's value, else the
// file's extension.
func portfolioFormat(flag, name string) (portfolio.Format, error) {
	switch flag {
	case "":
		return portfolio.FormatOf(name), nil
	case "jsonl", "csv", "xlsx":
		return portfolio.Format(flag), nil
	}
	return "", usagef("--format must be jsonl, csv or xlsx, not %q", flag)
}

// oneOf checks a flag's value against its allowed values.
func oneOf(flag, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return usagef("--%s must be %s, not %q", flag, orList(allowed), value)
}

func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	s := ""
	for i, x := range xs[:len(xs)-1] {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s + " or " + xs[len(xs)-1]
}

// completeValues completes a flag from a fixed list.
func completeValues(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}
