package main

import (
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/regions"
	"github.com/anzexian/anzexian/rulesets"
)

func init() { commands = append(commands, newRulesetsCmd, newLintCmd) }

func newRulesetsCmd(env *cliEnv) *cobra.Command {
	var with []string
	c := &cobra.Command{
		Use:   "rulesets [--with RULESET.yaml]",
		Short: "List the loaded rulesets: region, kind, status, effective dates (规则集)",
		Long: `List the bundled rulesets, and those added with --with: id@version, region (code
and name), kind, status (in_force, draft, repealed), effective dates and title.`,
		Example: `  anzexian rulesets
  anzexian rulesets --with examples/rulesets/beijing-regulation-2022.yaml`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			reg, err := loadRegistry(with, env)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID@VERSION\tREGION\tKIND\tSTATUS\tEFFECTIVE\tTITLE")
			for _, rs := range reg.Rulesets() {
				region := "national 全国"
				if rs.Region != "" {
					region = rs.Region + " " + regions.Label(rs.Region)
				}
				eff := rs.Effective.From.String() + " –"
				if !rs.Effective.Until.IsZero() {
					eff += " " + rs.Effective.Until.String()
				}
				if rs.Effective.Assumed {
					eff += " (assumed)"
				}
				kind := string(rs.Kind)
				if rs.Insurer != "" {
					kind += ":" + rs.Insurer
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", rs.Key(), region, kind, rs.Status, eff, rs.Title)
			}
			return tw.Flush()
		},
	}
	c.Flags().StringArrayVar(&with, "with", nil, "ruleset file or directory to add (repeatable)")
	return c
}

func newLintCmd(env *cliEnv) *cobra.Command {
	var strict bool
	c := &cobra.Command{
		Use:   "lint [--strict] [PATH...]",
		Short: "Validate rulesets and every stack they take part in (检查规则集)",
		Long: `Validate ruleset files (or every .yaml file of a directory) together with the
bundled ones, and build every stack they take part in, on every date a layer
changes. Without PATH, lint the bundled rulesets. Exit 1 on errors, and with
--strict on warnings too.`,
		Example: `  anzexian lint --strict
  anzexian lint my-rulesets/
  anzexian lint --strict edited.yaml`,
		RunE: func(c *cobra.Command, args []string) error { return status(runLint(env, strict, args)) },
	}
	c.Flags().BoolVar(&strict, "strict", false, "treat warnings as failures")
	return c
}

func runLint(env *cliEnv, strict bool, paths []string) int {
	var files []diag.File
	for _, p := range paths {
		f, err := env.readRulesetPaths(p)
		if err != nil {
			env.errorf("%v", err)
			return 2
		}
		files = append(files, f...)
	}
	base, err := rulesets.LoadBundled()
	if err != nil {
		printErr(err, env)
		return 1
	}
	reg := base
	if len(files) > 0 {
		reg, err = base.With(files...)
		if err != nil {
			printErr(err, env)
			return 1
		}
	}
	diags := rulesets.Lint(reg, names(files))
	diags.Print(env.stdout)
	nerr, nwarn := len(diags.Errors()), len(diags.Warnings())
	target := "bundled rulesets"
	if len(files) > 0 {
		target = fmt.Sprintf("%d file(s)", len(files))
	}
	fmt.Fprintf(env.stdout, "lint: %s: %d error(s), %d warning(s)\n", target, nerr, nwarn)
	if nerr > 0 || (strict && nwarn > 0) {
		return 1
	}
	return 0
}

func names(files []diag.File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Name
	}
	sort.Strings(out)
	return out
}
