package anzexian_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// Assess an enterprise against the bundled rulesets: must it insure, on
// what basis, and what must its policy cover?
func ExampleEngine_Assess() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	fs, err := facts.Decode("elevator.json", []byte(`{
		"name": "湘江电梯维保有限公司",
		"region": "430100",
		"sectors": ["special_equipment.elevator"],
		"employees": 40,
		"risk_level": "moderate"
	}`))
	if err != nil {
		panic(err)
	}
	a, err := eng.Assess(fs[0], anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Coverage.Obligation)
	for _, r := range a.Coverage.Reasons {
		fmt.Printf("%s: %s\n", r.Obligation, r.Cite[0].Text())
	}
	min, _ := a.Coverage.Requirements.Decimal("death_limit_min")
	fmt.Println("death limit at least", min)
	// Output:
	// required
	// encouraged: 《中华人民共和国安全生产法（2021年修正）》第五十一条第二款
	// required: 《湖南省关于规范和加强安全生产责任保险工作的实施意见》二(一)
	// death limit at least 300000
}

// The premium and its worksheet: base, factors, clamp, minimum, rounding.
func ExampleEngine_Assess_premium() {
	eng, _ := anzexian.New()
	fs, _ := facts.Decode("mine.yaml", []byte(`
region: "430100"
sectors: [non_coal_mine.open_pit]
employees: 200
risk_level: major
standardization_level: 1
blacklisted: true
policy: {start: 2026-01-01, end: 2026-12-31, death_limit: 500000}
`))
	a, _ := eng.Assess(fs[0], anzexian.At(facts.MustParseDate("2026-01-01")))
	p := a.Premium
	fmt.Printf("base %s = %s\n", p.Base.Text, p.Base.Amount)
	for _, f := range p.Factors {
		if !f.Delta.IsZero() {
			fmt.Printf("%s %s (%s)\n", f.ID, f.Value, f.Reason)
		}
	}
	fmt.Printf("combined %s, applied %s, amount %s %s\n", p.Combined, p.Applied, p.Amount.StringFixed(2), p.Currency)
	fmt.Println("illustrative:", p.Illustrative)
	// Output:
	// base 每人年基准保费 × 从业人员数 = 57600
	// accident-record -0.1 (上一年度未发生生产安全事故)
	// risk-level 0.15 (重大风险)
	// standardization -0.15 (安全生产标准化一级)
	// blacklist 0.1 (被纳入联合惩戒名单，上调保险费率)
	// combined 1, applied 1, amount 57600.00 CNY
	// illustrative: true
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
