package rating

import (
	"github.com/anzexian/anzexian/internal/fixed"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/rulesets"
)

// genNum is a decimal for the pipeline's inputs: money, factors such as
// 1.15, zero and negative values, exact half cents, coefficients at the
// edge of int64 and far beyond it (the fast path must fall back).
func genNum(r *rand.Rand) decimal.Decimal {
	var c *big.Int
	exp := int32(-r.IntN(6))
	switch r.IntN(9) {
	case 0:
		c = big.NewInt(0)
	case 1: // a coefficient factor
		c, exp = big.NewInt(50+r.Int64N(150)), -2
	case 2: // a percentage
		c, exp = big.NewInt(r.Int64N(61)-30), -2
	case 3: // money ending in a half cent
		c, exp = big.NewInt(r.Int64N(1e9)*10+5), -3
	case 4: // huge
		c = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(17+r.IntN(20))), nil)
		c.Add(c, big.NewInt(r.Int64N(1e6)))
	case 5: // many places
		c, exp = big.NewInt(r.Int64N(1e17)), -int32(8+r.IntN(10))
	case 6:
		c = big.NewInt(r.Int64())
	default:
		c = big.NewInt(r.Int64N(1_000_000))
	}
	if r.IntN(5) == 0 {
		c.Neg(c)
	}
	return decimal.NewFromBigInt(c, exp)
}

func sameDec(a, b decimal.Decimal) bool {
	return a.Equal(b) && a.Exponent() == b.Exponent() && a.String() == b.String()
}

// The fast pipeline (settle, in int64 fixed point) gives the worksheet's
// numbers that plain decimal arithmetic gives (settleDecimal), at the same
// exponent, on generated pipelines and inputs: every combination mode,
// clamps and minimum premiums or none, the adjustment rounded or not, each
// rounding mode and scale, half-cent ties, negative and zero deltas, and
// numbers too large for int64.
func TestSettleAgreesWithDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 13))
	modes := []string{"multiply", "add", "add_within_family"}
	rounding := []string{"half_up", "half_even", "down"}
	families := []string{"a", "b", "c"}
	fast := 0
	for i := range 20_000 {
		rt := &rulesets.RatingStack{
			Combine:  &rulesets.Combine{Mode: modes[r.IntN(len(modes))]},
			Rounding: &rulesets.Rounding{Scale: int32(r.IntN(5) - 1), Mode: rounding[r.IntN(len(rounding))], Steps: []string{"premium"}},
		}
		if r.IntN(3) == 0 {
			rt.Rounding.Steps = append(rt.Rounding.Steps, "adjustment")
		}
		if r.IntN(4) != 0 {
			lo, hi := genNum(r), genNum(r)
			if r.IntN(2) == 0 {
				lo, hi = decimal.RequireFromString("0.70"), decimal.RequireFromString("1.50")
			}
			rt.Clamp = &rulesets.Clamp{Min: lo, Max: hi}
		}
		var min decimal.Decimal
		if r.IntN(2) == 0 {
			rt.Minimum = &rulesets.Minimum{}
			min = genNum(r)
		}
		fs := make([]Factor, r.IntN(9))
		for k := range fs {
			fs[k] = Factor{Family: families[r.IntN(len(families))], Delta: genNum(r)}
		}
		base := genNum(r)
		s := settle(rt, fixed.Of(base), fs, min)
		if s.combined.Fast() && s.amount.Fast() {
			fast++
		}
		combined, applied, beforeMin, amount, clamped, minApplied := settleDecimal(rt, base, fs, min)
		for _, c := range []struct {
			name      string
			got, want decimal.Decimal
		}{
			{"combined", s.combined.Dec(), combined},
			{"applied", s.applied.Dec(), applied},
			{"before minimum", s.beforeMin.Dec(), beforeMin},
			{"amount", s.amount.Dec(), amount},
		} {
			if !sameDec(c.got, c.want) {
				t.Fatalf("#%d (%s, round %d %s %v): %s = %s (exp %d), plain decimal gives %s (exp %d)",
					i, rt.Combine.Mode, rt.Rounding.Scale, rt.Rounding.Mode, rt.Rounding.Steps, c.name, c.got, c.got.Exponent(), c.want, c.want.Exponent())
			}
		}
		if s.clamped != clamped || s.minApplied != minApplied {
			t.Fatalf("#%d: clamped %v minimum %v, plain decimal gives %v %v", i, s.clamped, s.minApplied, clamped, minApplied)
		}
	}
	if fast < 2_000 {
		t.Fatalf("only %d of the generated pipelines took the fast path", fast)
	}
}

// The peer workload's half-cent fixture: 27900 × 1.42025 = 39624.975,
// half up to 39624.98 (half even also 39624.98, down 39624.97).
func TestSettleHalfCent(t *testing.T) {
	// 1.15 × 1.30 × 0.95
	fs := []Factor{{Delta: decimal.RequireFromString("0.15")}, {Delta: decimal.RequireFromString("0.30")}, {Delta: decimal.RequireFromString("-0.05")}}
	for mode, want := range map[string]string{"half_up": "39624.98", "half_even": "39624.98", "down": "39624.97"} {
		rt := &rulesets.RatingStack{Combine: &rulesets.Combine{Mode: "multiply"},
			Rounding: &rulesets.Rounding{Scale: 2, Mode: mode, Steps: []string{"premium"}}}
		s := settle(rt, fixed.Of(decimal.NewFromInt(27900)), fs, decimal.Decimal{})
		if got := s.combined.Dec().String(); got != "1.42025" {
			t.Fatalf("combined %s, want 1.42025", got)
		}
		if got := s.amount.Dec().StringFixed(2); got != want {
			t.Errorf("%s: %s, want %s", mode, got, want)
		}
	}
}
