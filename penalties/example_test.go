package penalties_test

import (
	"fmt"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rulesets"
)

// What an enterprise risks, each violation under the law that governs it:
// an accident of March 2021 is judged under the 2014 text (lighter), one of 2025
// under the 2021 text. The first accident also proves the plant was
// operating in March 2021, and no policy covered it until June 2025: it was
// uninsured in between — under the 2014 text, which had no fine for it, and
// from 2021-09-01 under the 2021 text (第一百零九条).
func ExampleEvaluate() {
	reg, _ := rulesets.LoadBundled()
	asOf := facts.MustParseDate("2026-01-01")
	fs, _ := facts.Decode("plant.yaml", []byte(`
region: "320500"
sectors: [metal_smelting]
employees: 300
policy: {start: 2025-06-01, end: 2026-05-31}
accidents:
  - {date: 2021-03-01, deaths: 1, unit_liable: true}
  - {date: 2025-10-01, deaths: 4, unit_liable: true}
`))
	st, _ := reg.Stack(fs[0].Region, asOf, "")
	ev := lang.NewEval()
	if err := st.Bind(ev, fs[0], asOf, ""); err != nil {
		panic(err)
	}
	coverage.Evaluate(st, ev, coverage.Options{}) // sets the obligation
	res := penalties.Evaluate(penalties.Input{
		Stack: st, Eval: ev,
		StackAt: func(d facts.Date) (*rulesets.Stack, error) { return reg.Stack(fs[0].Region, d, "") },
		Obligation: func(s *rulesets.Stack, ev *lang.Eval) rulesets.Obligation {
			o, _ := coverage.Obligation(s, ev)
			return o
		},
		Boundaries: reg.Boundaries(fs[0].Region, ""),
	})
	for _, p := range res.Penalties {
		fine := fmt.Sprintf("needs %v (%s)", p.Undetermined, p.FineBasis)
		switch {
		case p.Fine != nil:
			fine = fmt.Sprintf("%s–%s", p.Fine.Min, p.Fine.Max)
		case p.NoFine != "":
			fine = "no fine"
		}
		fmt.Printf("%s %s %s %s: %s\n", p.Since, p.Target, p.Law, p.Cite[0].Article, fine)
	}
	// Output:
	// 2021-03-01 unit cn/law/safety-production@2014 第四十八条: no fine
	// 2021-03-01 unit cn/law/safety-production@2014 第一百零九条第（一）项: 200000–500000
	// 2021-03-01 principal cn/law/safety-production@2014 第九十二条第（一）项: needs [principal_income] (上一年年收入的百分之三十)
	// 2021-09-01 unit cn/law/safety-production@2021 第一百零九条: 50000–100000
	// 2025-10-01 unit cn/law/safety-production@2021 第一百一十四条第一款第（二）项: 1000000–2000000
	// 2025-10-01 principal cn/law/safety-production@2021 第九十五条第（二）项: needs [principal_income] (上一年年收入的百分之六十)
}
