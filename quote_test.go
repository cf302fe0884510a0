package anzexian_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/portfolio"
)

// Quote gives the premium Assess gives, for every example case and a
// generated book of every region, with the same notes about it.
func TestQuoteAgreesWithAssess(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := casetest.Load("examples")
	if err != nil {
		t.Fatal(err)
	}
	run := casetest.NewRunner(eng)
	n, priced := 0, 0
	check := func(name string, a *anzexian.Assessment, q *anzexian.Quote) {
		t.Helper()
		n++
		if a.Premium != nil {
			priced++
		}
		if d := cmp.Diff(a.Premium, q.Premium); d != "" {
			t.Errorf("%s: the quote's premium differs from the assessment's (-assess +quote):\n%s", name, d)
		}
		if d := cmp.Diff(a.PremiumIncomplete, q.PremiumIncomplete); d != "" {
			t.Errorf("%s: premium_incomplete differs (-assess +quote):\n%s", name, d)
		}
		if d := cmp.Diff(a.Notes, q.Notes); d != "" {
			t.Errorf("%s: notes differ (-assess +quote):\n%s", name, d)
		}
		if a.Coverage.Obligation != q.Obligation {
			t.Errorf("%s: obligation %s in the assessment, %s in the quote", name, a.Coverage.Obligation, q.Obligation)
		}
	}
	for _, c := range cs {
		if c.FactsErr != nil || c.Facts == nil {
			continue
		}
		reg, err := run.Registry(c)
		if err != nil {
			continue
		}
		opts := []anzexian.Option{anzexian.At(c.AsOf), anzexian.Insurer(c.Insurer), anzexian.Using(reg)}
		a, aerr := eng.Assess(c.Facts, opts...)
		q, qerr := eng.Quote(c.Facts, opts...)
		if (aerr == nil) != (qerr == nil) {
			t.Errorf("%s: Assess error %v, Quote error %v", c.ID(), aerr, qerr)
			continue
		}
		if aerr == nil {
			check(c.ID(), a, q)
		}
	}
	for _, f := range portfolio.Generate(11, 2000) {
		a, aerr := eng.Assess(f, anzexian.At(asOf2026))
		q, qerr := eng.Quote(f, anzexian.At(asOf2026))
		if aerr != nil || qerr != nil {
			t.Fatalf("%s: %v / %v", f.Name, aerr, qerr)
		}
		check(f.Name, a, q)
	}
	if n < 2000 || priced < n/2 {
		t.Fatalf("compared %d answers, %d priced", n, priced)
	}
}

// A quote's JSON carries the premium as the assessment's does.
func TestQuoteJSON(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	f := mustFacts(t, `region: "430100"
sectors: [hazardous_chemicals.storage]
employees: 120
operating_since: 2025-06-01
policy: {start: 2025-06-01, end: 2026-05-31, death_limit: "400000"}
`)
	q, err := eng.Quote(f, anzexian.At(asOf2026))
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Assess(f, anzexian.At(asOf2026))
	if err != nil {
		t.Fatal(err)
	}
	var qj, aj map[string]json.RawMessage
	qb, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(qb, &qj); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(a.AppendJSON(nil), &aj); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"premium", "rulesets", "notes", "as_of", "region"} {
		if string(qj[k]) != string(aj[k]) {
			t.Errorf("%s: quote %s, assessment %s", k, qj[k], aj[k])
		}
	}
	if string(qj["obligation"]) != `"mandatory"` {
		t.Errorf("obligation = %s", qj["obligation"])
	}
}

// The zero Engine has no rulesets: it says so instead of panicking, and a
// reload makes it usable.
func TestZeroEngine(t *testing.T) {
	var eng anzexian.Engine
	f := mustFacts(t, "region: \"430100\"\nsectors: [other]\n")
	if _, err := eng.Assess(f); !errors.Is(err, anzexian.ErrNoRulesets) {
		t.Fatalf("Assess on a zero Engine: %v, want ErrNoRulesets", err)
	}
	if _, err := eng.Quote(f); !errors.Is(err, anzexian.ErrNoRulesets) {
		t.Fatalf("Quote on a zero Engine: %v, want ErrNoRulesets", err)
	}
	if eng.Registry() != nil {
		t.Fatal("a zero Engine has a registry")
	}
	if err := eng.Reload(context.Background(), mustFile(t, "rulesets/bundled/cn/law-safety-production-2014.yaml"),
		mustFile(t, "rulesets/bundled/cn/law-safety-production-2021.yaml")); err != nil {
		t.Fatal(err)
	}
	a, err := eng.Assess(f, anzexian.At(asOf2026))
	if err != nil {
		t.Fatal(err)
	}
	if a.Coverage.Obligation != "encouraged" {
		t.Errorf("obligation %s, want encouraged", a.Coverage.Obligation)
	}
}
