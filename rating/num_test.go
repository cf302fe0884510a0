package rating_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/rulesets"
)

// A formula evaluated in fixed point (Expr.Num, which the base uses) gives
// the decimal Expr.Decimal gives: the same text, exponent and error, for
// sums, differences and products of whole and decimal numbers, including
// those past the engine's bounds on digits and decimal places, which go
// through the decimal checks.
func TestFormulaNumIsDecimal(t *testing.T) {
	formulas := []string{
		"rate * employees", "rate * employees * 1.15", "rate + employees", "rate - employees * 0.5",
		"annual_revenue * 0.0015", "annual_revenue * rate - 3", "rate * 1000000000000000 * 1000000000000000 * 1000000000000000",
		"annual_revenue * 1000000000000000 * 1000000000", "annual_revenue * 100000000000000",
		"rate * 0.0000000001 * 0.0000000001 * 0.0000000001 * 0.0000000001 * 0.0000000001 * 0.0000000001 * 0.0000000001",
		"employees * 0.0000000001 * 0.0000000001 * 0.0000000001 * 0.0000000001 * 0.0000000001 * 0.0000000001 * 0.0000000001", "employees * employees - rate",
		"-rate * employees", "rate * 0", "0 - annual_revenue",
	}
	var b strings.Builder
	b.WriteString("  bases:\n")
	for i, f := range formulas {
		fmt.Fprintf(&b, "    - {id: b%d, text: t, when: 'employees == %d', rate: '0.5 * employees + 0.25', formula: '%s', cite: {source: s}}\n", i, i+1, f)
	}
	doc := rater("test/num", "  currency: CNY\n"+b.String()+"  rounding: {scale: 2, mode: half_up, steps: [premium]}\n")
	reg, err := rulesets.LoadFiles(diag.File{Name: "num.yaml", Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	asOf := facts.MustParseDate("2026-01-01")
	st, err := reg.Stack("430100", asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	r := rand.New(rand.NewPCG(5, 6))
	failed, priced := 0, 0
	for i, f := range formulas {
		for k := 0; k < 40; k++ {
			rev := fmt.Sprintf("%d.%02d", r.Int64N(1e12), r.IntN(100))
			if k%5 == 0 {
				rev = fmt.Sprintf("%d", r.Int64N(1e15))
			}
			fs := testkit.MustFacts(t, fmt.Sprintf("region: \"430100\"\nsectors: [other]\nemployees: %d\nannual_revenue: %s\n", i+1, rev))
			if err := st.Bind(ev, fs, asOf, ""); err != nil {
				t.Fatal(err)
			}
			base := st.Rating.Bases[i]
			rate, err := base.RateExpr.Decimal(ev)
			if err != nil {
				t.Fatal(err)
			}
			ev.SetRate(rate)
			want, werr := base.Formula.Decimal(ev)
			n, gerr := base.Formula.Num(ev)
			if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
				t.Fatalf("%s (revenue %s): Decimal's error %v, Num's %v", f, rev, werr, gerr)
			}
			if werr != nil {
				failed++
				continue
			}
			priced++
			if got := n.Dec(); got.String() != want.String() || got.Exponent() != want.Exponent() {
				t.Fatalf("%s (revenue %s): Num gives %s (exp %d), Decimal %s (exp %d)", f, rev, got, got.Exponent(), want, want.Exponent())
			}
		}
	}
	if failed == 0 || priced == 0 {
		t.Fatalf("%d formulas past the bounds, %d within: both should be", failed, priced)
	}
}
