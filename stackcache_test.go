package anzexian_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
)

// TestCallKeepsStacksRight: an engine's pooled calls keep the stacks they
// found for the next call of the same registry, region and insurer. A
// long run of calls in a shuffled order — regions, dates across the law's
// changes, three registries (one with a filing, one with another blacklist
// factor), insurers with and without a filing, Assess and Quote — gives
// exactly what a fresh engine gives each call on its own.
func TestCallKeepsStacksRight(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	base := eng.Registry()
	filed, err := base.With(mustFile(t, "examples/rulesets/filing-example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := base.With(mustFile(t, "examples/rulesets/baseline-blacklist-30.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n := 40
	if testing.Short() {
		n = 15
	}
	ents := append(portfolio.Generate(99, n), exampleEnterprises(t)...)
	for _, f := range ents[:n/2] {
		f.Blacklisted = true // where the two baselines differ
	}
	type job struct {
		f     *facts.Facts
		opts  []anzexian.Option
		quote bool
		key   string // registry, insurer, region
		label string
	}
	var jobs []job
	for _, d := range []string{"2026-01-01", "2020-06-30", "2012-03-01"} {
		for _, f := range ents {
			for _, reg := range []struct {
				name string
				opt  anzexian.Option
			}{{"engine's", nil}, {"filed", anzexian.Using(filed)}, {"other", anzexian.Using(other)}} {
				for _, ins := range []string{"", "示例财产保险股份有限公司"} {
					opts := []anzexian.Option{anzexian.At(facts.MustParseDate(d))}
					if reg.opt != nil {
						opts = append(opts, reg.opt)
					}
					if ins != "" {
						opts = append(opts, anzexian.Insurer(ins))
					}
					for _, q := range []bool{false, true} {
						jobs = append(jobs, job{f, opts, q, reg.name + "|" + ins + "|" + f.Region, fmt.Sprintf("%s at %s, %s registry, insurer %q, quote %v", f.Name, d, reg.name, ins, q)})
					}
				}
			}
		}
	}
	// runs of the same key, and changes of every part of it
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })
	sorted := slices.Clone(jobs)
	slices.SortStableFunc(sorted, func(a, b job) int { return strings.Compare(a.key, b.key) })
	answer := func(e *anzexian.Engine, j job) string {
		var v any
		var err error
		if j.quote {
			v, err = e.Quote(j.f, j.opts...)
		} else {
			v, err = e.Assess(j.f, j.opts...)
		}
		if err != nil {
			return "error: " + err.Error()
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	answers, errs := 0, 0
	for round, list := range [][]job{sorted, jobs} {
		for _, j := range list {
			got := answer(eng, j)
			want := answer(anzexian.NewWithRegistry(base), j)
			if got != want {
				t.Fatalf("round %d, %s: the engine's answer differs from a fresh engine's:\n%.600s\nwant\n%.600s", round, j.label, got, want)
			}
			if strings.HasPrefix(got, "error: ") {
				errs++
			} else {
				answers++
			}
		}
	}
	if answers < len(jobs)/2 || errs == 0 {
		t.Fatalf("%d of %d calls answered, %d errors: want both", answers, 2*len(jobs), errs)
	}
}
