package rulesets_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// The registry stacks the rulesets in force for a region, a date and an
// insurer: national first, most local last.
func ExampleRegistry_Stack() {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		panic(err)
	}
	for _, date := range []string{"2019-06-01", "2026-01-01"} {
		st, err := reg.Stack("430100", facts.MustParseDate(date), "")
		if err != nil {
			panic(err)
		}
		fmt.Println(date)
		for _, l := range st.Layers {
			fmt.Println(" ", l.Key())
		}
	}
	// Output:
	// 2019-06-01
	//   cn/law/safety-production@2014
	//   cn/measures/spli@2017
	//   cn/rating/baseline@2018
	//   cn.hunan/opinions/spli@2018
	//   cn.hunan/rating/construction@2018
	// 2026-01-01
	//   cn/law/safety-production@2021
	//   cn/measures/spli@2025
	//   cn/rating/baseline@2018
	//   cn.hunan/opinions/spli@2018
	//   cn.hunan/rating/construction@2018
}

// A ruleset that does not load reports every problem, each at its
// file:line:column with the line, a caret and a hint.
func ExampleLoadFiles() {
	_, err := rulesets.LoadFiles(diag.File{Name: "draft.yaml", Data: []byte(`schema: anzexian/v1
id: cn.test/policy/draft
version: "1"
status: in_force
kind: policy
title: 草案
region: "43"
effective: {from: 2026-01-01}
sources:
  s: {title: 某文件}
coverage:
  - id: big
    when: employees > 100 && risk_level == "mayor"
    obligation: requird
    text: 大企业
    cite: {source: s, article: 第一条}
`)})
	var le *rulesets.LoadError
	if errors.As(err, &le) {
		le.Diagnostics.Print(os.Stdout)
	}
	// Output:
	// draft.yaml:13:44: error: "mayor" is not a risk_level code [expr.unknown_code]
	//   13 |     when: employees > 100 && risk_level == "mayor"
	//      |                                            ^^^^^^^
	//       = hint: did you mean "major"?
	// draft.yaml:14:17: error: unknown obligation code "requird" [ruleset.unknown_code]
	//       at coverage[0].obligation
	//   14 |     obligation: requird
	//      |                 ^^^^^^^
	//       = hint: did you mean "required"?
}

// A ruleset error names the file, line and column, shows the line and says
// how to fix it.
func ExampleLoadError() {
	_, err := rulesets.LoadFiles(diag.File{Name: "mine.yaml", Data: []byte(`schema: anzexian/v1
id: cn/test/mine
version: "1"
status: in_force
kind: policy
title: 示例
region: ""
effective: {from: 2026-01-01}
sources:
  s: {title: 示例文件}
coverage:
  - id: big-mines
    when: in_sector("coal_mine") && employes > 100
    obligation: required
    text: 大型煤矿
    cite: {source: s}
`)})
	var le *rulesets.LoadError
	if errors.As(err, &le) {
		le.Diagnostics.Print(os.Stdout)
	}
	// Output:
	// mine.yaml:13:37: error: unknown name employes [expr.unknown_name]
	//   13 |     when: in_sector("coal_mine") && employes > 100
	//      |                                     ^^^^^^^^
	//       = hint: did you mean employees?
}
