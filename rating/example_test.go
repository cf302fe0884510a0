package rating_test

import (
	"fmt"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
)

// Compute a premium with its worksheet. A construction project in Hunan is
// rated on Hunan's table (‰ of 工程造价), metro works loaded by 50%.
func ExampleEvaluate() {
	reg, _ := rulesets.LoadBundled()
	asOf := facts.MustParseDate("2026-01-01")
	fs, _ := facts.Decode("metro.yaml", []byte(`
region: "430100"
sectors: [construction.municipal]
employees: 150
risk_level: moderate
standardization_level: 2
project: {contract_value: 42000000, metro: true}
aggregate_limit: 4000000
policy: {start: 2025-09-01, end: 2026-08-31, death_limit: 500000}
`))
	st, _ := reg.Stack(fs[0].Region, asOf, "")
	ev := lang.NewEval()
	if err := st.Bind(ev, fs[0], asOf, ""); err != nil {
		panic(err)
	}
	p, _, err := rating.Evaluate(st, ev, rating.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Base.Table.Title, p.Base.Table.Value, "‰")
	fmt.Println("rate", p.Base.Rate, "base", p.Base.Amount)
	fmt.Println("applied", p.Applied, "amount", p.Amount.StringFixed(2), p.Currency, "unverified:", p.Unverified)
	// Output:
	// 湖南省建筑施工行业安全生产责任保险基准费率表 1.88 ‰
	// rate 0.00282 base 118440
	// applied 0.8 amount 94752.00 CNY unverified: true
}
