package lang

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestConstComparisonsAgree checks the comparisons of a value with a
// constant (equalsConst, compareConst, either side constant) against the
// general comparison on generated values: decimals of every exponent and of
// more digits than fixed point holds, ints around the constant.
func TestConstComparisonsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	dec := func() decimal.Decimal {
		switch rng.IntN(4) {
		case 0: // more digits than an int64 holds
			return decimal.RequireFromString(fmt.Sprintf("%d%018d.%d", rng.IntN(100), rng.Uint64()%1e18, rng.IntN(1000)))
		case 1:
			return decimal.New(int64(rng.IntN(21))-10, -int32(rng.IntN(3)))
		}
		return decimal.New(rng.Int64N(2_000_000)-1_000_000, -int32(rng.IntN(20)))
	}
	ops := []string{"<", "<=", ">", ">="} // holds (switch.go) says what each means
	ev := &Eval{}
	for range 20000 {
		xv, kv := dec(), dec()
		if rng.IntN(3) == 0 {
			kv = xv.Truncate(int32(rng.IntN(4))) // equal, or near, at another exponent
		}
		x := cval{t: TDec, fn: func(*Eval) decimal.Decimal { return xv }}
		k := constOf(TDec, kv)
		eq, ok := equalsConst(x, k)
		if !ok || eq(ev) != xv.Equal(kv) {
			t.Fatalf("%s == %s: const path %v (taken %v), want %v", xv, kv, ok && eq(ev), ok, xv.Equal(kv))
		}
		for _, op := range ops {
			v, ok := compareConst(op, x, k)
			if !ok || v.fn.(func(*Eval) bool)(ev) != holds(op, xv.Cmp(kv)) {
				t.Fatalf("%s %s %s: const path wrong (taken %v)", xv, op, kv, ok)
			}
			// the constant on the left: k op x as x flip(op) k
			v, ok = compareConst(flipOp[op], x, k)
			if !ok || v.fn.(func(*Eval) bool)(ev) != holds(op, kv.Cmp(xv)) {
				t.Fatalf("%s %s %s: const path wrong (taken %v)", kv, op, xv, ok)
			}
		}
		xi, ki := rng.IntN(7)-3, rng.IntN(7)-3
		xc := cval{t: TInt, fn: func(*Eval) int { return xi }}
		kc := constOf(TInt, ki)
		if eq, ok := equalsConst(xc, kc); !ok || eq(ev) != (xi == ki) {
			t.Fatalf("%d == %d: const path wrong (taken %v)", xi, ki, ok)
		}
		for _, op := range ops {
			if v, ok := compareConst(op, xc, kc); !ok || v.fn.(func(*Eval) bool)(ev) != holds(op, xi-ki) {
				t.Fatalf("%d %s %d: const path wrong (taken %v)", xi, op, ki, ok)
			}
		}
		xs, ks := string(rune('a'+rng.IntN(3))), string(rune('a'+rng.IntN(3)))
		if eq, ok := equalsConst(cval{t: TStr, fn: func(*Eval) string { return xs }}, constOf(TStr, ks)); !ok || eq(ev) != (xs == ks) {
			t.Fatalf("%q == %q: const path wrong (taken %v)", xs, ks, ok)
		}
	}
	// two constants, or two values, take the general path
	if _, ok := equalsConst(constOf(TInt, 1), constOf(TInt, 1)); ok {
		t.Error("equalsConst took two constants")
	}
	if _, ok := compareConst("<", cval{t: TInt, fn: func(*Eval) int { return 1 }}, cval{t: TInt, fn: func(*Eval) int { return 2 }}); ok {
		t.Error("compareConst took two values")
	}
}
