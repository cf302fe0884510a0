package main

import (
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/rulesets"
)

func cmdRulesets(args []string, env *cliEnv) int {
	fs := newFlags("rulesets", env)
	var with multiFlag
	fs.Var(&with, "with", "ruleset file or directory to add (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	reg, ok := loadRegistry(with, env)
	if !ok {
		return 2
	}
	tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID@VERSION\tREGION\tKIND\tSTATUS\tEFFECTIVE\tTITLE")
	for _, rs := range reg.Rulesets() {
		region := rs.Region
		if region == "" {
			region = "national"
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
	tw.Flush()
	return 0
}

func cmdLint(args []string, env *cliEnv) int {
	fs := newFlags("lint", env)
	strict := fs.Bool("strict", false, "treat warnings as failures")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var files []diag.File
	for _, p := range fs.Args() {
		f, err := readRulesetPaths(p)
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
	if nerr > 0 || (*strict && nwarn > 0) {
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
