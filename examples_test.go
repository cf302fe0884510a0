package anzexian_test

import (
	"flag"
	"testing"

	"github.com/anzexian/anzexian"
)

var update = flag.Bool("update", false, "rewrite the golden files of the example cases")

// TestExamples runs every case under examples/: the analysts' examples are
// the library's acceptance tests.
func TestExamples(t *testing.T) {
	cases, err := anzexian.LoadCases("examples")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases under examples/")
	}
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.File+"/"+c.Name, func(t *testing.T) {
			res := eng.RunCase(c, *update)
			for _, f := range res.Failures {
				t.Errorf("%s: %s (-want +got):\n%s", c.ID(), f.What, f.Diff)
			}
		})
	}
}

// TestRuleCoverage holds the bundled and example rulesets at 100% rule
// coverage by examples/: every rule, factor case, table band and penalty
// rule is exercised by some case, and every cited article with it.
func TestRuleCoverage(t *testing.T) {
	cases, err := anzexian.LoadCases("examples")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	rep := eng.RunCases(cases, false).Coverage()
	for _, rc := range rep.Rulesets {
		for _, u := range rc.Uncovered {
			t.Errorf("no case exercises %s", u)
		}
		for _, a := range rc.Articles {
			if !a.Covered {
				t.Errorf("no case exercises %s of %s", a.Article, rc.Ruleset)
			}
		}
	}
	if rep.Items < 150 {
		t.Errorf("only %d coverable items: is the coverage model missing something?", rep.Items)
	}
}
