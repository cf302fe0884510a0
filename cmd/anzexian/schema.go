package main

import (
	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

func init() { commands = append(commands, newSchemaCmd) }

func newSchemaCmd(env *cliEnv) *cobra.Command {
	var (
		s      stackFlags
		region string
	)
	c := &cobra.Command{
		Use:   "schema facts|case|ruleset|assessment [--region CODE [--at DATE] [--insurer NAME]]",
		Short: "Print a JSON Schema: of facts, case files, rulesets or the assessment (模式)",
		Long: `Print one of the JSON Schemas (draft-07) of the files anzexian reads and the answer
it writes: facts (an enterprise), case (an analyst's case file), ruleset, or
assessment (what assess --format json prints).

With --region (and --at, --insurer), "schema facts" prints the facts schema of the
stack that applies there and then: the codes it allows (its credit grades, every
code its rulesets add) and the facts its rulesets declare, typed; any other
top-level key is rejected, so a misspelt fact fails. Without --region, the generic
facts schema accepts any declared fact by name.

Every schema has an $id; a validator given them all resolves their references by
id. Beyond draft-07 they use only editor annotations (defaultSnippets,
enumDescriptions, markdownDescription, patternErrorMessage): tell a strict
validator their names (Ajv: new Ajv({keywords: [...]})).`,
		Example: `  anzexian schema facts > facts.schema.json
  anzexian schema facts --region 430100 --at 2026-01-01 > hunan-facts.schema.json
  anzexian schema facts --region 650100 --insurer 示例财产保险股份有限公司 --with examples/rulesets/filing-example.yaml
  anzexian schema assessment`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: rulesets.SchemaNames,
		RunE: func(c *cobra.Command, args []string) error {
			name := args[0]
			if region == "" {
				if s.at != "" || s.insurer != "" || len(s.with) > 0 {
					return usagef("--at, --insurer and --with choose a stack: give --region too")
				}
				data, err := rulesets.Schema(name)
				if err != nil {
					return usagef("%v", err)
				}
				_, err = env.stdout.Write(data)
				return err
			}
			if name != "facts" {
				return usagef("--region is for the facts schema of a stack")
			}
			if !facts.ValidRegion(region) {
				return usagef("--region %q is not a GB/T 2260 code", region)
			}
			d, err := s.date()
			if err != nil {
				return err
			}
			if d.IsZero() {
				d = facts.Today()
			}
			reg, err := s.registry(env)
			if err != nil {
				return err
			}
			st, err := reg.Stack(region, d, s.insurer)
			if err != nil {
				printErr(err, env)
				return exitCode(2)
			}
			data, err := rulesets.FactsSchema(st)
			if err != nil {
				env.errorf("%v", err)
				return exitCode(2)
			}
			_, err = env.stdout.Write(data)
			return err
		},
	}
	s.add(c, "date the stack is chosen for,")
	c.Flags().StringVar(&region, "region", "", "GB/T 2260 code: print the facts schema of the stack that applies there")
	return c
}
