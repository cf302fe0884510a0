package fixed

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// genDec returns a decimal of every kind the fast path must get right:
// zero, small and huge coefficients (beyond int64, so the fallback runs),
// negative numbers, money at two places, coefficients at the edge of 18
// digits, exponents from -20 to 6, and exact half units at a scale.
func genDec(r *rand.Rand) decimal.Decimal {
	exp := int32(r.IntN(27) - 20)
	var c *big.Int
	switch r.IntN(8) {
	case 0:
		if r.IntN(2) == 0 {
			return decimal.Decimal{} // the zero value: no big.Int at all
		}
		c = big.NewInt(0)
	case 1: // money-like
		c = big.NewInt(r.Int64N(100_000_000))
		exp = -2
	case 2: // at the edge of the int64 path
		c = new(big.Int).Sub(big.NewInt(1e18), big.NewInt(r.Int64N(1000)))
	case 3: // huge: only the decimal path holds it
		c = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(18+r.IntN(25))), nil)
		c.Add(c, big.NewInt(r.Int64N(1e9)))
	case 4: // an exact half at some scale: 5 × 10^k plus a multiple of 10^(k+1)
		k := r.IntN(6)
		c = new(big.Int).Mul(big.NewInt(5+10*r.Int64N(1000)), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	case 5: // a factor such as 1.15 or 0.95
		c = big.NewInt(50 + r.Int64N(150))
		exp = -2
	case 6:
		c = big.NewInt(r.Int64())
	default:
		c = big.NewInt(r.Int64N(1_000_000))
	}
	if r.IntN(3) == 0 {
		c.Neg(c)
	}
	return decimal.NewFromBigInt(c, exp)
}

// same reports whether two decimals are the same number at the same
// exponent: the same text, trailing zeros included.
func same(a, b decimal.Decimal) bool {
	return a.Equal(b) && a.Exponent() == b.Exponent() && a.String() == b.String()
}

// Every operation of the fast path gives the number and the exponent that
// decimal.Decimal gives, on generated inputs that take both paths.
func TestAgreesWithDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2026))
	fast, slow := 0, 0
	for i := range 200_000 {
		a, b := genDec(r), genDec(r)
		x, y := Of(a), Of(b)
		if x.Fast() && y.Fast() {
			fast++
		} else {
			slow++
		}
		if got := x.Dec(); !same(got, a) {
			t.Fatalf("#%d Of(%s).Dec() = %s", i, a, got)
		}
		if got, want := x.Add(y).Dec(), a.Add(b); !same(got, want) {
			t.Fatalf("#%d %s + %s: got %s (exp %d), want %s (exp %d)", i, a, b, got, got.Exponent(), want, want.Exponent())
		}
		if got, want := x.Sub(y).Dec(), a.Sub(b); !same(got, want) {
			t.Fatalf("#%d %s - %s: got %s, want %s", i, a, b, got, want)
		}
		if a.Exponent()+b.Exponent() > -40 { // decimal.Mul panics only on int32 exponents; keep products readable
			if got, want := x.Mul(y).Dec(), a.Mul(b); !same(got, want) {
				t.Fatalf("#%d %s × %s: got %s (exp %d), want %s (exp %d)", i, a, b, got, got.Exponent(), want, want.Exponent())
			}
		}
		if got, want := x.Cmp(y), a.Cmp(b); got != want {
			t.Fatalf("#%d cmp(%s, %s) = %d, want %d", i, a, b, got, want)
		}
		if got, want := x.Sign(), a.Sign(); got != want {
			t.Fatalf("#%d sign(%s) = %d, want %d", i, a, got, want)
		}
		places := int32(r.IntN(12) - 2)
		for _, mode := range []string{"half_up", "half_even", "down"} {
			if got, want := x.Round(places, mode).Dec(), Round(a, places, mode); !same(got, want) {
				t.Fatalf("#%d round(%s, %d, %s) = %s, want %s", i, a, places, mode, got, want)
			}
		}
	}
	if fast < 50_000 || slow < 50_000 {
		t.Fatalf("the generator should exercise both paths: %d fast, %d through decimal", fast, slow)
	}
}

// Half-cent ties round as each mode declares, at the edge of the fast
// path and beyond it.
func TestRoundTies(t *testing.T) {
	for _, tc := range []struct {
		in, halfUp, halfEven, down string
	}{
		{"39624.975", "39624.98", "39624.98", "39624.97"},
		{"39624.985", "39624.99", "39624.98", "39624.98"},
		{"-0.005", "-0.01", "0.00", "0.00"},
		{"-0.015", "-0.02", "-0.02", "-0.01"},
		{"0.0049999999999999999", "0.00", "0.00", "0.00"},
		{"9999999999999999.995", "10000000000000000.00", "10000000000000000.00", "9999999999999999.99"},               // 19 digits: through decimal
		{"99999999999999999999.125", "99999999999999999999.13", "99999999999999999999.12", "99999999999999999999.12"}, // huge
		{"1000", "1000.00", "1000.00", "1000.00"},
	} {
		d := decimal.RequireFromString(tc.in)
		for mode, want := range map[string]string{"half_up": tc.halfUp, "half_even": tc.halfEven, "down": tc.down} {
			got := Of(d).Round(2, mode).Dec()
			if got.StringFixed(2) != want || !same(got, Round(d, 2, mode)) {
				t.Errorf("round(%s, 2, %s) = %s, want %s", tc.in, mode, got.StringFixed(2), want)
			}
		}
	}
}

// A chain of products stays exact and falls back when it outgrows int64.
func TestProductOverflowFallsBack(t *testing.T) {
	n, d := Int(1), decimal.NewFromInt(1)
	f := decimal.RequireFromString("1.37")
	for i := range 40 {
		n, d = n.Mul(Of(f)), d.Mul(f)
		if !same(n.Dec(), d) {
			t.Fatalf("step %d: %s, want %s", i, n.Dec(), d)
		}
	}
	if n.Fast() {
		t.Fatal("1.37^40 has 80 decimal places: it cannot be held as an int64")
	}
}

// Num.String is decimal.Decimal.String: on random coefficients and
// exponents, zero, negatives, numbers below one with leading zeros in
// the fraction and trailing zeros to drop.
func TestNumString(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	cases := []Num{{c: 0, e: -3}, {c: 0}, {c: 5, e: -3}, {c: -5, e: -3}, {c: 1500, e: -2}, {c: 100, e: -2}, {c: -100, e: -2},
		{c: 120, e: 0}, {c: 7, e: 2}, {c: 999999999999999999, e: -18}, {c: -999999999999999999, e: -30}, {c: 10, e: -1}}
	for range 50000 {
		c := r.Int64N(2e18) - 1e18
		switch r.IntN(3) {
		case 0:
			c = r.Int64N(2000) - 1000
		case 1:
			c = r.Int64N(10) * pow10[r.IntN(10)]
		}
		cases = append(cases, Num{c: c, e: int32(r.IntN(36) - 25)})
		cases = append(cases, Of(decimal.New(c, int32(r.IntN(36)-25))))
	}
	for _, n := range cases {
		if got, want := n.String(), n.Dec().String(); got != want {
			t.Fatalf("%d×10^%d: String %q, decimal %q", n.c, n.e, got, want)
		}
	}
}
