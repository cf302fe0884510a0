package portfolio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
)

// provisionalBook is a generated book in which every third enterprise
// gives no risk level: the baseline quotes those provisionally.
func provisionalBook(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := portfolio.NewWriter(&buf, portfolio.JSONL)
	for i, f := range portfolio.Generate(3, n) {
		if i%3 == 0 {
			f.RiskLevel = ""
		}
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A provisional premium is counted as such by batch and impact, and never
// mixed with exact prices; the brief form carries its range.
func TestProvisionalPremiumsCountedApart(t *testing.T) {
	eng := newEngine(t)
	in := provisionalBook(t, 300)

	var out bytes.Buffer
	s, err := portfolio.Batch(context.Background(), eng, bytes.NewReader(in), &out, portfolio.BatchOptions{Name: "book.jsonl", At: asOf2026, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	exact, provisional := 0, 0
	total, provTotal, provMin, provMax := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var b struct {
			Premium     *string
			Provisional bool
			PremiumMin  string `json:"premium_min"`
			PremiumMax  string `json:"premium_max"`
			Missing     []string
		}
		if err := json.Unmarshal([]byte(line), &b); err != nil {
			t.Fatalf("brief line is not JSON: %v\n%s", err, line)
		}
		if b.Premium == nil {
			continue
		}
		amount := decimal.RequireFromString(*b.Premium)
		if !b.Provisional {
			if b.PremiumMin != "" || b.Missing != nil {
				t.Errorf("an exact premium with a range: %s", line)
			}
			exact++
			total = total.Add(amount)
			continue
		}
		provisional++
		lo, hi := decimal.RequireFromString(b.PremiumMin), decimal.RequireFromString(b.PremiumMax)
		if amount.LessThan(lo) || amount.GreaterThan(hi) || len(b.Missing) != 1 || b.Missing[0] != "risk_level" {
			t.Errorf("provisional %s outside its range [%s, %s] or missing %v: %s", amount, lo, hi, b.Missing, line)
		}
		provTotal, provMin, provMax = provTotal.Add(amount), provMin.Add(lo), provMax.Add(hi)
	}
	if provisional < 50 || exact < 100 {
		t.Fatalf("%d provisional and %d exact premiums: the book does not test both", provisional, exact)
	}
	if s.Priced != exact || !s.TotalPremium.Equal(total) {
		t.Errorf("summary: %d priced, total %s; the exact premiums: %d, %s", s.Priced, s.TotalPremium, exact, total)
	}
	if s.Provisional != provisional || !s.ProvisionalTotal.Equal(provTotal) || !s.ProvisionalMin.Equal(provMin) || !s.ProvisionalMax.Equal(provMax) {
		t.Errorf("summary: %d provisional, %s [%s, %s]; the brief lines: %d, %s [%s, %s]",
			s.Provisional, s.ProvisionalTotal, s.ProvisionalMin, s.ProvisionalMax, provisional, provTotal, provMin, provMax)
	}

	// impact: the same book under the blacklist edit
	rep, err := portfolio.Impact(context.Background(), eng, bytes.NewReader(in), blacklistEdit(t), portfolio.ImpactOptions{Name: "book.jsonl", At: asOf2026, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := rep.Premium
	if p.Provisional != provisional || p.PricedBoth != exact {
		t.Errorf("impact: %d provisional, %d priced both; the batch: %d, %d", p.Provisional, p.PricedBoth, provisional, exact)
	}
	if !p.TotalBefore.Equal(total) || !p.ProvisionalBefore.Amount.Equal(provTotal) || !p.ProvisionalBefore.Min.Equal(provMin) {
		t.Errorf("impact totals before: exact %s, provisional %+v; the batch: %s, %s [%s, …]", p.TotalBefore, p.ProvisionalBefore, total, provTotal, provMin)
	}
	if p.Unchanged+p.Increased+p.Decreased != p.PricedBoth {
		t.Errorf("impact: %d unchanged + %d increased + %d decreased ≠ %d priced both", p.Unchanged, p.Increased, p.Decreased, p.PricedBoth)
	}
	if p.ProvisionalChanged == 0 || p.ProvisionalChanged > p.Provisional {
		t.Errorf("impact: %d of %d provisional premiums changed; the edit raises the blacklisted ones", p.ProvisionalChanged, p.Provisional)
	}
	var text bytes.Buffer
	if err := report.WriteImpact(&text, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "priced only provisionally (a fact missing; not in the counts and totals above)") {
		t.Errorf("the text report does not count provisional premiums apart:\n%s", text.String())
	}
}
