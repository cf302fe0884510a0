package portfolio_test

import (
	"encoding/json"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/portfolio"
)

// The brief form writes its numbers without going through strings
// (decfmt); on generated enterprises each is the text decimal.Decimal gives
// it: the premium and its range at the declared scale, factors as they
// are, fines to the cent.
func TestBriefNumbersAreDecimalText(t *testing.T) {
	eng := newEngine(t)
	var premiums, fines, ranges int
	for i, f := range portfolio.Generate(7, 3000) {
		if i%4 == 0 {
			f.RiskLevel = "" // some priced provisionally: a factor waits for it
		}
		a, err := eng.Assess(f, anzexian.At(asOf2026))
		if err != nil {
			continue
		}
		var b struct {
			Premium    *string           `json:"premium"`
			PremiumMin *string           `json:"premium_min"`
			PremiumMax *string           `json:"premium_max"`
			Factors    map[string]string `json:"factors"`
			Penalties  []struct {
				Min, Max    *string
				PerDayTotal *string `json:"per_day_total"`
			} `json:"penalties"`
		}
		line := portfolio.AppendBrief(nil, a, i+1)
		if err := json.Unmarshal(line, &b); err != nil {
			t.Fatalf("#%d: %v\n%s", i, err, line)
		}
		if p := a.Premium; p != nil {
			premiums++
			if want := p.Amount.StringFixed(p.Rounding.Scale); b.Premium == nil || *b.Premium != want {
				t.Fatalf("#%d: premium %v, want %s", i, b.Premium, want)
			}
			if r := p.Range; r != nil {
				ranges++
				if *b.PremiumMin != r.Min.StringFixed(p.Rounding.Scale) || *b.PremiumMax != r.Max.StringFixed(p.Rounding.Scale) {
					t.Fatalf("#%d: range %s–%s, want %s–%s", i, *b.PremiumMin, *b.PremiumMax, r.Min, r.Max)
				}
			}
			for _, fv := range p.Factors {
				if got := b.Factors[fv.ID]; got != fv.Value.String() {
					t.Fatalf("#%d: factor %s %q, want %q", i, fv.ID, got, fv.Value.String())
				}
			}
		}
		for j, p := range a.Penalties {
			if p.Fine != nil {
				fines++
				if *b.Penalties[j].Min != p.Fine.Min.StringFixed(2) || *b.Penalties[j].Max != p.Fine.Max.StringFixed(2) {
					t.Fatalf("#%d: fine %s–%s, want %s–%s", i, *b.Penalties[j].Min, *b.Penalties[j].Max, p.Fine.Min.StringFixed(2), p.Fine.Max.StringFixed(2))
				}
			}
			if p.PerDay != nil && *b.Penalties[j].PerDayTotal != p.PerDay.Total.StringFixed(2) {
				t.Fatalf("#%d: per-day total %s, want %s", i, *b.Penalties[j].PerDayTotal, p.PerDay.Total.StringFixed(2))
			}
		}
	}
	if premiums < 1000 || fines < 1000 || ranges < 100 {
		t.Fatalf("%d premiums, %d ranges, %d fines: the generator should give many of each", premiums, ranges, fines)
	}
}
