package rulesets_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/anzexian/anzexian/rulesets"
)

// Facts are read from YAML or JSON; every problem is reported at once with
// its field path and line:column, and a "did you mean" for codes.
func ExampleDecodeFacts() {
	_, err := rulesets.DecodeFacts("acme.yaml", []byte(`region: "430100"
sectors: [hazardous_chemical.storage]
employees: -3
policy: {start: 2026-01-01, end: 2025-12-31}
`))
	var fe *rulesets.FactsError
	if errors.As(err, &fe) {
		for _, d := range fe.Diagnostics {
			fmt.Printf("%s %s: %s (%s)\n", d.Subject, d.Path, d.Summary, d.Hint)
		}
	}
	// Output:
	// acme.yaml:2:11 sectors[0]: unknown sector code "hazardous_chemical.storage" (did you mean "hazardous_chemicals.storage"?)
	// acme.yaml:3:12 employees: employees is out of range: -3 (it must lie between 0 and 2147483647)
	// acme.yaml:4:34 policy.end: policy ends (2025-12-31) before it starts (2026-01-01) (end is the last day covered (至…24时止) and cannot precede start)
}

// The registry stacks the rulesets in force for a region, a date and an
// insurer: national first, most local last.
func ExampleRegistry_Stack() {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		panic(err)
	}
	for _, date := range []string{"2019-06-01", "2026-01-01"} {
		st, err := reg.Stack("430100", rulesets.MustParseDate(date), "")
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

// Accident grades follow 条例 第三条: the gravest of deaths, serious injuries
// and direct loss, 以上 inclusive and 以下 exclusive.
func ExampleGradeOf() {
	fmt.Println(rulesets.GradeOf(2, 9, rulesets.MustDecimal("9999999.99")).Label())
	fmt.Println(rulesets.GradeOf(3, 0, rulesets.MustDecimal("0")).Label())
	fmt.Println(rulesets.GradeOf(0, 0, rulesets.MustDecimal("100000000")).Label())
	// Output:
	// 一般事故
	// 较大事故
	// 特别重大事故
}

// A ruleset that does not load reports every problem, each at its
// file:line:column with the line, a caret and a hint.
func ExampleLoadFiles() {
	_, err := rulesets.LoadFiles(rulesets.File{Name: "draft.yaml", Data: []byte(`schema: anzexian/v1
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
