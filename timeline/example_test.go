package timeline_test

import (
	"fmt"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
)

// The duty to insure and the cover along an enterprise's own dates: a law
// that makes insurance mandatory from 2022, a plant operating since June
// 2021 and insured from March 2022.
func ExampleBuild() {
	law := func(version, from, level, more string) diag.File {
		return diag.File{Name: version + ".yaml", Data: []byte(`schema: anzexian/v1
id: example/law
version: "` + version + `"
status: in_force
kind: law
title: 示例法
region: ""
effective: {from: ` + from + `}
` + more + `sources:
  s: {title: 示例法}
coverage:
  - {id: duty, obligation: ` + level + `, text: 投保, cite: {source: s, article: 第一条}}
`)}
	}
	reg, err := rulesets.LoadFiles(law("2020", "2020-01-01", "encouraged", ""),
		law("2022", "2022-01-01", "mandatory", "supersedes: [example/law@2020]\n"))
	if err != nil {
		panic(err)
	}
	fs, _ := facts.Decode("plant.yaml", []byte(`
region: "650100"
sectors: [machinery]
employees: 20
operating_since: 2021-06-01
policy: {start: 2022-03-01, end: 2023-02-28}
`))
	f, asOf := fs[0], facts.MustParseDate("2022-12-31")
	st, _ := reg.Stack(f.Region, asOf, "")
	ev := lang.NewEval()
	if err := st.Bind(ev, f, asOf, ""); err != nil {
		panic(err)
	}
	bounds := reg.Boundaries(f.Region, "")
	tl := timeline.Build(timeline.Input{Stack: st, Eval: ev, Boundaries: bounds,
		StackAt: func(d facts.Date) (*rulesets.Stack, error) { return reg.Stack(f.Region, d, "") },
		Decide: func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty {
			d := coverage.Decide(s, ev)
			return timeline.Duty{Level: d.Level, Binding: d.Binding, Rules: d.Rules}
		}})
	tl.Finish(ev, st, reg, f.Region, "", bounds)
	for _, o := range tl.Obligations {
		fmt.Println(o.From, o.To, o.Level, o.Rules)
	}
	for _, c := range tl.Cover {
		fmt.Println(c.From, c.To, c.State, c.Sources)
	}
	// Output:
	// 2020-01-01 2021-12-31 encouraged [example/law@2020#duty]
	// 2022-01-01 2022-12-31 mandatory [example/law@2022#duty]
	// 2020-01-01 2021-05-31 not_operating [operating_since]
	// 2021-06-01 2021-12-31 no_duty []
	// 2022-01-01 2022-02-28 uninsured [operating_since policy]
	// 2022-03-01 2022-12-31 insured [policy]
}
