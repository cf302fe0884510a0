package anzexian_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rating"
	"github.com/shopspring/decimal"
)

// clone copies facts deeply enough for the mutations below.
func clone(f *facts.Facts) *facts.Facts {
	g := *f
	g.Accidents = append([]facts.Accident(nil), f.Accidents...)
	g.Sectors = append([]string(nil), f.Sectors...)
	return &g
}

func premium(t *testing.T, eng *anzexian.Engine, f *facts.Facts) *rating.Premium {
	t.Helper()
	a, err := eng.Assess(f, anzexian.At(asOf2026))
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return a.Premium
}

// mutation changes one thing about an enterprise; dir says whether the
// premium may only rise (+1) or only fall (-1).
type mutation struct {
	name   string
	dir    int
	mutate func(f *facts.Facts) bool // false: not applicable
}

var lastYear = asOf2026.AddDays(-100)

var mutations = []mutation{
	{"one more ordinary accident", +1, func(f *facts.Facts) bool {
		f.Accidents = append(f.Accidents, facts.Accident{Date: lastYear, Deaths: 1})
		return true
	}},
	{"one more major accident", +1, func(f *facts.Facts) bool {
		f.Accidents = append(f.Accidents, facts.Accident{Date: lastYear, Deaths: 12})
		return true
	}},
	{"a graver grade for an accident of the last year", +1, func(f *facts.Facts) bool {
		for i := range f.Accidents {
			if f.Accidents[i].Date.After(asOf2026.AddYears(-1)) && f.Accidents[i].Deaths < 30 {
				f.Accidents[i].Deaths += 10
				return true
			}
		}
		return false
	}},
	{"a better standardization level", -1, func(f *facts.Facts) bool {
		// 0 (none) < 3 < 2 < 1 (best)
		switch f.StandardizationLevel {
		case 0:
			f.StandardizationLevel = 3
		case 1:
			return false
		default:
			f.StandardizationLevel--
		}
		return true
	}},
	{"blacklisted", +1, func(f *facts.Facts) bool {
		if f.Blacklisted {
			return false
		}
		f.Blacklisted = true
		return true
	}},
	{"refused to rectify a major hidden danger", +1, func(f *facts.Facts) bool {
		if f.Hazards.RefusedRectification {
			return false
		}
		f.Hazards.MajorUnrectified, f.Hazards.RefusedRectification = true, true
		f.Hazards.RefusedOn = facts.DateP("2025-10-01")
		return true
	}},
	{"a higher risk level", +1, func(f *facts.Facts) bool {
		next := map[string]string{"low": "moderate", "moderate": "high", "high": "major"}[f.RiskLevel]
		if next == "" {
			return false
		}
		f.RiskLevel = next
		return true
	}},
}

// Property tests over a generated portfolio on the bundled rulesets
// (issue: rating).
func TestPremiumProperties(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	n := 1500
	if testing.Short() {
		n = 300
	}
	checked := map[string]int{}
	for _, f := range portfolio.Generate(7, n) {
		p := premium(t, eng, f)
		if p == nil {
			continue
		}
		checkWorksheet(t, f, p)
		for _, m := range mutations {
			g := clone(f)
			if !m.mutate(g) {
				continue
			}
			q := premium(t, eng, g)
			if q == nil {
				continue
			}
			checked[m.name]++
			c := q.Amount.Cmp(p.Amount)
			if (m.dir > 0 && c < 0) || (m.dir < 0 && c > 0) {
				t.Errorf("%s (%s %v): %s moved the premium the wrong way: %s → %s", f.Name, f.Region, f.Sectors, m.name, p.Amount, q.Amount)
			}
		}
	}
	for _, m := range mutations {
		if checked[m.name] < n/100 {
			t.Errorf("property %q was checked on only %d enterprises", m.name, checked[m.name])
		}
	}
}

// checkWorksheet: the applied adjustment lies inside the clamp, the amount
// has exactly the declared scale, and recomputing from the printed parts
// gives the amount to the cent.
func checkWorksheet(t *testing.T, f *facts.Facts, p *rating.Premium) {
	t.Helper()
	if c := p.Clamp; c != nil && (p.Applied.LessThan(c.Min) || p.Applied.GreaterThan(c.Max)) {
		t.Errorf("%s: applied %s outside the clamp [%s, %s]", f.Name, p.Applied, c.Min, c.Max)
	}
	if !p.Amount.Equal(p.Amount.Round(p.Rounding.Scale)) {
		t.Errorf("%s: amount %s has more than %d decimal places", f.Name, p.Amount, p.Rounding.Scale)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Amount string }
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if i := strings.IndexByte(out.Amount, '.'); int32(len(out.Amount)-i-1) != p.Rounding.Scale {
		t.Errorf("%s: JSON amount %q does not have exactly %d decimal places", f.Name, out.Amount, p.Rounding.Scale)
	}
	// recompute from the printed parts
	printed := func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.String()) }
	combined := decimal.NewFromInt(1)
	if p.Combine == "add" {
		sum := decimal.Zero
		for _, x := range p.Factors {
			sum = sum.Add(printed(x.Delta))
		}
		combined = combined.Add(sum)
	}
	if p.Combine == "add" && !combined.Equal(p.Combined) {
		t.Errorf("%s: the factors printed sum to %s, the worksheet says %s", f.Name, combined, p.Combined)
	}
	amount := printed(p.Base.Amount).Mul(printed(p.Applied))
	if p.Minimum != nil && amount.LessThan(p.Minimum.Amount) {
		amount = p.Minimum.Amount
	}
	amount = lang.RoundMode(amount, p.Rounding.Scale, p.Rounding.Mode)
	if !amount.Equal(p.Amount) {
		t.Errorf("%s: recomputed %s from the worksheet, the amount is %s", f.Name, amount, p.Amount)
	}
}

// Every fine range lies inside its statutory range and min ≤ max, on the
// bundled rulesets and with Beijing's discretion tiers (issue: penalties).
func TestFineRangeProperties(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	bj, err := eng.Registry().With(mustFile(t, "examples/rulesets/beijing-regulation-2022.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n, ranges, tiers := 1500, 0, 0
	if testing.Short() {
		n = 300
	}
	for _, f := range portfolio.Generate(11, n) {
		opts := []anzexian.Option{anzexian.At(asOf2026)}
		if f.Region == "110105" {
			opts = append(opts, anzexian.Using(bj))
		}
		a, err := eng.Assess(f, opts...)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, p := range a.Penalties {
			if p.Fine != nil {
				ranges++
				if p.Fine.Min.GreaterThan(p.Fine.Max) {
					t.Errorf("%s %s: min %s > max %s", f.Name, p.Violation, p.Fine.Min, p.Fine.Max)
				}
				if p.Fine.Min.IsNegative() {
					t.Errorf("%s %s: negative fine %s", f.Name, p.Violation, p.Fine.Min)
				}
			}
			if p.Tier != nil {
				tiers++
				s := p.Statutory
				if s == nil || p.Fine.Min.LessThan(s.Min) || p.Fine.Max.GreaterThan(s.Max) {
					t.Errorf("%s %s: tier %s range %v outside the statutory %v", f.Name, p.Violation, p.Tier.ID, p.Fine, s)
				}
			}
			if p.PerDay != nil && !p.PerDay.Total.Equal(p.PerDay.Amount.Mul(decimal.NewFromInt(int64(p.PerDay.Days)))) {
				t.Errorf("%s %s: per-day total %s ≠ %s × %d", f.Name, p.Violation, p.PerDay.Total, p.PerDay.Amount, p.PerDay.Days)
			}
		}
	}
	if ranges < n/20 || tiers < n/1000+1 {
		t.Errorf("too few fines checked: %d ranges, %d tiered", ranges, tiers)
	}
	t.Logf("%s", fmt.Sprintf("checked %d fine ranges, %d narrowed by tiers", ranges, tiers))
}

// A provisional premium's range is exact: for generated enterprises whose
// risk level is taken away, its bounds are the lowest and highest premium over the
// risk levels the facts could have said, and the provisional amount is the
// premium at the level the baseline assumes (moderate, its default case).
// With the level given, there is no range.
func TestProvisionalRangeIsExact(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	n := 1500
	if testing.Short() {
		n = 300
	}
	checked := 0
	for _, given := range portfolio.Generate(5, n) {
		if p := premium(t, eng, given); p != nil && p.Range != nil {
			t.Errorf("%s: risk level %s given, yet a range %v", given.Name, given.RiskLevel, p.Range)
		}
		f := clone(given)
		f.RiskLevel = "" // not given
		p := premium(t, eng, f)
		if p == nil {
			continue
		}
		if p.Range == nil {
			t.Errorf("%s: no risk level, yet no range", f.Name)
			continue
		}
		checkWorksheet(t, f, p)
		var lo, hi decimal.Decimal
		for i, lvl := range []string{"major", "high", "moderate", "low"} {
			g := clone(f)
			g.RiskLevel = lvl
			q := premium(t, eng, g)
			if q == nil || q.Range != nil {
				t.Fatalf("%s at risk level %s: %v", f.Name, lvl, q)
			}
			if i == 0 || q.Amount.LessThan(lo) {
				lo = q.Amount
			}
			if i == 0 || q.Amount.GreaterThan(hi) {
				hi = q.Amount
			}
			if lvl == "moderate" && !q.Amount.Equal(p.Amount) {
				t.Errorf("%s: provisional %s, but at the assumed level the premium is %s", f.Name, p.Amount, q.Amount)
			}
		}
		if !p.Range.Min.Equal(lo) || !p.Range.Max.Equal(hi) {
			t.Errorf("%s: range [%s, %s], the levels give [%s, %s]", f.Name, p.Range.Min, p.Range.Max, lo, hi)
		}
		checked++
	}
	if checked < n/20 {
		t.Errorf("only %d provisional premiums checked", checked)
	}
}

// With several undecided factors the range is over their combinations, and
// exact: coal mines under the example coal-mine scheme, with neither the
// risk level nor the claim-free years given, against every combination of
// the two given.
func TestProvisionalRangeIsExactOverCombinations(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := eng.Registry().With(mustFile(t, "examples/rulesets/hunan-coal-mine-rating.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	quote := func(doc string) *rating.Premium {
		t.Helper()
		fs, err := facts.Decode("coal.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		a, err := eng.Assess(fs[0], anzexian.At(asOf2026), anzexian.Using(reg))
		if err != nil || a.Premium == nil {
			t.Fatalf("%s: %v %v", doc, err, a.PremiumIncomplete)
		}
		return a.Premium
	}
	checked := 0
	for _, capacity := range []string{"100000", "150000", "250000", "600000", "1200000"} {
		for _, std := range []int{0, 1, 2} {
			for _, extra := range []string{"", ", credit_grade: a", ", blacklisted: true"} {
				head := fmt.Sprintf(`{region: "431300", sectors: [coal_mine], employees: 100, approved_capacity: %s, standardization_level: %d%s`, capacity, std, extra)
				p := quote(head + "}")
				var lo, hi decimal.Decimal
				first := true
				for _, lvl := range []string{"major", "high", "moderate", "low"} {
					for years := 0; years <= 4; years++ {
						q := quote(fmt.Sprintf("%s, risk_level: %s, claim_free_years: %d}", head, lvl, years))
						if q.Range != nil {
							t.Fatalf("%s: every fact given, yet a range", head)
						}
						if first || q.Amount.LessThan(lo) {
							lo = q.Amount
						}
						if first || q.Amount.GreaterThan(hi) {
							hi = q.Amount
						}
						first = false
					}
				}
				if lo.Equal(hi) {
					if p.Range != nil && !(p.Range.Min.Equal(lo) && p.Range.Max.Equal(hi)) {
						t.Errorf("%s: range %v, the combinations all give %s", head, p.Range, lo)
					}
					continue
				}
				if p.Range == nil || !p.Range.Min.Equal(lo) || !p.Range.Max.Equal(hi) {
					t.Errorf("%s: range %v, the combinations give [%s, %s]", head, p.Range, lo, hi)
				}
				checked++
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d ranges checked", checked)
	}
}
