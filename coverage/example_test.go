package coverage_test

import (
	"fmt"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Evaluate a stack's coverage rules for one enterprise: the obligation, its
// reasons, the merged requirements and the findings on the policy.
func ExampleEvaluate() {
	reg, _ := rulesets.LoadBundled()
	asOf := facts.MustParseDate("2026-01-01")
	fs, _ := facts.Decode("yq.yaml", []byte(`
region: "330382"
sectors: [machinery]
employees: 40
sites: [{kind: confined_space, workers: 6}]
policy: {start: 2025-07-01, end: 2026-06-30, insured_employees: 4, death_limit: 400000}
`))
	st, _ := reg.Stack(fs[0].Region, asOf, "")
	ev := lang.NewEval()
	if err := st.Bind(ev, fs[0], asOf, ""); err != nil {
		panic(err)
	}
	res, _ := coverage.Evaluate(st, ev, coverage.Options{})
	fmt.Println(res.Obligation)
	fmt.Println(res.Requirements.List("posts"))
	for _, f := range res.Findings {
		fmt.Println(f.ID, f.Text)
	}
	// Output:
	// required
	// [confined_space]
	// posts_under_insured 参保人数4少于所涉岗位人数6（有限空间作业场所）
}
