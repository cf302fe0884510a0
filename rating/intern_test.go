package rating

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Interned factors (one worksheet slice per combination of cases, shared)
// are the factors evaluated one by one: on the peer workload's pipeline,
// for generated enterprises, with and without the trace, the premium and
// the trace are the same either way, and the interned slices stay
// unchanged by later premiums.
func TestInternedFactorsAgree(t *testing.T) {
	data, err := os.ReadFile("../testdata/peer/rating.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("peer", func(t *testing.T) { internedAgree(t, data) })
	// the same pipeline with illustrative and unverified numbers: the
	// provenance marks of the interned factors are the evaluated ones'
	marked := strings.Replace(string(data), "    - id: accident\n", "    - id: accident\n      illustrative: true\n", 1)
	marked = strings.Replace(marked, `{id: credit_c, when: credit_grade == "c", value: "1.10", reason: grade C}`,
		`{id: credit_c, when: credit_grade == "c", value: "1.10", reason: grade C, illustrative: true}`, 1)
	marked = strings.Replace(marked, "{id: loss_ratio_low, when: loss_ratio < 0.30, value: \"0.95\", reason: below 0.30}",
		"{id: loss_ratio_low, when: loss_ratio < 0.30, value: \"0.95\", reason: below 0.30, cite: {source: peer, article: x, unverified: true}}", 1)
	if marked == string(data) || strings.Count(marked, "illustrative: true") != 2 || !strings.Contains(marked, "unverified: true") {
		t.Fatal("the peer ruleset changed: mark its numbers anew")
	}
	t.Run("marked", func(t *testing.T) { internedAgree(t, []byte(marked)) })
}

func internedAgree(t *testing.T, data []byte) {
	reg, err := rulesets.LoadFiles(diag.File{Name: "rating.yaml", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	asOf := facts.NewDate(2026, time.January, 1)
	st, err := reg.Stack("110000", asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	m := memoOf(st, st.Rating)
	if !m.internable {
		t.Fatal("the peer pipeline's factors are static: they should be interned")
	}
	r := rand.New(rand.NewPCG(13, 1))
	sectors := []string{"coal_mine", "non_coal_mine", "hazardous_chemicals", "fireworks", "metal_smelting", "construction", "transport", "textile"}
	credits := []string{"", "a", "b", "c", "d"}
	eval := func(f *facts.Facts, intern, trace bool) (*Premium, []rulesets.TraceEntry, error) {
		m.internable = intern
		defer func() { m.internable = true }()
		ev := lang.NewEval()
		if err := st.Bind(ev, f, asOf, ""); err != nil {
			t.Fatal(err)
		}
		return Evaluate(st, ev, Options{Trace: trace})
	}
	incomplete, marked := 0, 0
	var kept []*Premium
	var want []*Premium
	for i := range 2000 {
		lr := decimal.New(r.Int64N(120), -2)
		f := &facts.Facts{Name: "gen", Region: "110000", Sectors: []string{sectors[r.IntN(len(sectors))]},
			Employees: facts.Int(1 + r.IntN(2000)), StandardizationLevel: r.IntN(4), CreditGrade: credits[r.IntN(len(credits))],
			Blacklisted: r.IntN(4) == 0, Hazards: facts.Hazards{RefusedRectification: r.IntN(4) == 0}, LossRatio: &lr}
		for range r.IntN(3) {
			f.Accidents = append(f.Accidents, facts.Accident{Date: facts.NewDate(2020+r.IntN(7), time.July, 1), Deaths: r.IntN(2), SeriousInjuries: r.IntN(3)})
		}
		trace := i%2 == 0
		got, gotTrace, gotErr := eval(f, true, trace)
		plain, plainTrace, plainErr := eval(f, false, trace)
		if d := cmp.Diff(plainErr, gotErr); d != "" {
			t.Fatalf("#%d: the error differs (-evaluated +interned):\n%s", i, d)
		}
		if gotErr != nil {
			incomplete++
		}
		if d := cmp.Diff(plain, got); d != "" {
			t.Fatalf("#%d: interned factors differ from evaluated ones (-evaluated +interned):\n%s", i, d)
		}
		if d := cmp.Diff(plainTrace, gotTrace); d != "" {
			t.Fatalf("#%d: the trace differs (-evaluated +interned):\n%s", i, d)
		}
		if i < 50 {
			kept, want = append(kept, got), append(want, plain)
		}
		if got != nil && len(got.Provenance) > 1 {
			marked++
		}
	}
	for i := range kept {
		if d := cmp.Diff(want[i], kept[i]); d != "" {
			t.Fatalf("premium #%d changed after later premiums shared its factors:\n%s", i, d)
		}
	}
	if incomplete == 0 || incomplete > 1000 {
		t.Fatalf("%d of 2000 premiums incomplete: both paths should be exercised", incomplete)
	}
	if n := len(*m.interned.Load()); n == 0 || n > maxInterned {
		t.Fatalf("%d combinations interned", n)
	}
	if strings.Contains(string(data), "illustrative: true") && marked == 0 {
		t.Fatal("no premium carries a provenance mark")
	}
}
