package casetest_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
)

var update = flag.Bool("update", false, "rewrite the golden files of the example cases")

// TestExamples runs every case under examples/: the analysts' examples are
// the library's acceptance tests.
func TestExamples(t *testing.T) {
	cases, err := casetest.Load("../examples")
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
			res := casetest.NewRunner(eng).Run(c, *update)
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
	cases, err := casetest.Load("../examples")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	rep := casetest.NewRunner(eng).RunAll(cases, false).Coverage()
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

// TestUpdateRewritesExpectations: with update, failed single-valued
// expectations are rewritten to what the answer says, keeping the kind of
// scalar (a plain bool stays a bool) and the rest of the file; the case
// then passes.
func TestUpdateRewritesExpectations(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	doc := `# a comment that must survive
cases:
  - name: 乌鲁木齐烟花爆竹专卖店
    as_of: 2026-01-01
    facts:
      region: "650100"
      sectors: [fireworks.retail_store]
      employees: 1
      risk_level: moderate
    expect:
      obligation: encouraged # wrong: fireworks are a high-risk sector
      paths:
        premium.minimum_applied: false # wrong: the minimum applies
        premium.amount: "1.00"
`
	path := filepath.Join(t.TempDir(), "case.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(update bool) *casetest.Result {
		cs, err := casetest.Load(path)
		if err != nil || len(cs) != 1 {
			t.Fatalf("LoadCases: %v (%d cases)", err, len(cs))
		}
		return casetest.NewRunner(eng).Run(cs[0], update)
	}
	if r := run(false); len(r.Failures) != 2 {
		t.Fatalf("before the update: %d failures, want 2 (obligation, paths): %+v", len(r.Failures), r.Failures)
	}
	if r := run(true); !r.Pass() || !r.Updated {
		t.Fatalf("update: pass %v, updated %v: %+v", r.Pass(), r.Updated, r.Failures)
	}
	if r := run(false); !r.Pass() {
		t.Fatalf("after the update: %+v", r.Failures)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"obligation: encouraged", `obligation: "mandatory"`,
		"minimum_applied: false", "minimum_applied: true",
		`amount: "1.00"`, `amount: "300.00"`,
	).Replace(doc)
	if d := cmp.Diff(want, string(got)); d != "" {
		t.Errorf("rewritten file (-want +got):\n%s", d)
	}
}
