package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian/portfolio"
)

func init() { commands = append(commands, newTemplateCmd) }

func newTemplateCmd(env *cliEnv) *cobra.Command {
	var out string
	var with []string
	c := &cobra.Command{
		Use:   "template [--out FILE.xlsx] [--with RULESET.yaml]",
		Short: "Write an input workbook with Chinese headers, drop-down lists and notes (企业清单模板)",
		Long: `Write an Excel workbook to fill in with enterprises, for batch, impact and assess:
a sheet 企业清单 with one column per fact under its Chinese header (企业名称, 地区代码,
行业, 从业人员数, …), then the facts the rulesets declare; every cell formatted as text
(region codes keep their leading zeros, amounts their digits); drop-down lists for
codes and yes/no facts; a sheet 代码表 with every code and its label; a sheet 说明
explaining every column. --with adds the facts an edited or extra ruleset declares.`,
		Example: `  anzexian template --out 企业清单.xlsx
  anzexian template --with examples/rulesets/filing-example.yaml --out 企业清单.xlsx
  anzexian batch --at 2026-01-01 --out 结果.xlsx 企业清单.xlsx`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				if isTerminal(env.stdout) {
					return usagef("give --out FILE.xlsx: a workbook is not for a terminal")
				}
			}
			reg, err := loadRegistry(with, env)
			if err != nil {
				return err
			}
			w, err := env.createOutput(out, portfolio.OutputOptions{Atomic: true})
			if err != nil {
				env.errorf("%v", err)
				return exitCode(2)
			}
			err = portfolio.WriteTemplate(w, reg)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				env.errorf("%v", err)
				return exitCode(2)
			}
			if w.File {
				fmt.Fprintf(env.stderr, "template written to %s: fill in 企业清单, then anzexian batch --out 结果.xlsx %s\n", out, out)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "file to write (default: stdout when it is not a terminal)")
	c.Flags().StringArrayVar(&with, "with", nil, "ruleset file or directory whose declared facts get columns too (repeatable)")
	return c
}
