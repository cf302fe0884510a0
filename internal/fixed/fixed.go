// Package fixed is the exact fast path of the engine's decimal arithmetic:
// numbers whose coefficients fit in an int64 are added, multiplied,
// compared and rounded as integers, and every operation detects overflow
// and falls back to shopspring/decimal's own arithmetic. The results are
// the numbers decimal.Decimal gives, at the same exponent (so their text,
// trailing zeros included, is the same); only the allocations differ.
//
// A [Num] is a number in progress: a chain of operations on Nums
// allocates nothing, and [Num.Dec] makes the decimal.Decimal once, at the
// end. A Num that does not fit holds its decimal.Decimal and continues in
// decimal arithmetic.
package fixed

import (
	"math"
	"math/bits"
	"strconv"
	"unsafe"

	"github.com/shopspring/decimal"
)

// Num is an exact decimal: c × 10^e, or d when big is set. A Num made by
// Of keeps its decimal.Decimal too (has), so that giving it back
// allocates nothing.
type Num struct {
	c        int64
	e        int32
	big, has bool
	d        decimal.Decimal
}

// maxDigits is the most digits a coefficient taken as an int64 may have:
// below 10^18, so that adding two never overflows.
const maxDigits = 18

// pow10 are the powers of ten an int64 holds.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// Of returns d as a Num, as an integer when its coefficient fits.
func Of(d decimal.Decimal) Num {
	if layoutOK {
		// the coefficient read in place: NumDigits goes through a float
		// logarithm, and CoefficientInt64 makes a big.Int for the zero
		// decimal
		l := (*decLayout)(unsafe.Pointer(&d))
		if l.value == nil {
			return Num{e: l.exp, has: true, d: d}
		}
		if l.value.IsInt64() {
			if c := l.value.Int64(); small(c) {
				return Num{c: c, e: l.exp, has: true, d: d}
			}
		}
		return Num{big: true, d: d}
	}
	if d.NumDigits() <= maxDigits {
		return Num{c: d.CoefficientInt64(), e: d.Exponent(), has: true, d: d}
	}
	return Num{big: true, d: d}
}

// Int returns n × 10^0.
func Int(n int64) Num { return Num{c: n} }

// Dec returns n as a decimal.Decimal.
func (n Num) Dec() decimal.Decimal {
	if n.big || n.has {
		return n.d
	}
	return decimal.New(n.c, n.e)
}

// String is decimal.Decimal.String of n (trailing zeros of the fraction
// dropped), formatted without a big.Int when n is held as an integer.
func (n Num) String() string {
	if n.big || n.e > 40 {
		return n.Dec().String()
	}
	if n.c == 0 {
		return "0"
	}
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], abs64(n.c), 10)
	point := len(d) + int(n.e) // digits before the point
	var buf [64]byte
	o := buf[:0]
	if n.c < 0 {
		o = append(o, '-')
	}
	if point > len(d) {
		o = append(o, d...)
		for range point - len(d) {
			o = append(o, '0')
		}
	} else if point > 0 {
		o = append(o, d[:point]...)
	} else {
		o = append(o, '0')
	}
	frac := d[min(max(point, 0), len(d)):]
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if len(frac) > 0 {
		o = append(o, '.')
		for i := point; i < 0; i++ {
			o = append(o, '0')
		}
		o = append(o, frac...)
	}
	return string(o)
}

// Parts returns n's coefficient and exponent, and whether n is held as an
// integer (when it is not, c and e are zero).
func (n Num) Parts() (c int64, e int32, ok bool) {
	if n.big {
		return 0, 0, false
	}
	return n.c, n.e, true
}

// Exceeds reports, for n held as an integer (ok), whether it has a digit
// other than zero past places decimal places (places ≥ 0), and whether
// |n| ≥ 10^digits (digits ≥ 0), in int64 arithmetic whatever the exponent.
func (n Num) Exceeds(places, digits int64) (morePlaces, tooLarge, ok bool) {
	if n.big {
		return false, false, false
	}
	if n.c == 0 {
		return false, false, true
	}
	e := int64(n.e)
	if k := -e - places; k > 0 && (k >= int64(len(pow10)) || n.c%pow10[k] != 0) {
		return true, false, true
	}
	// |c| × 10^e ≥ 10^digits ⇔ |c| ≥ 10^(digits-e)
	k := digits - e
	return false, k <= 0 || (k < int64(len(pow10)) && int64(abs64(n.c)) >= pow10[k]), true
}

// Fast reports whether n is held as an integer (for tests).
func (n Num) Fast() bool { return !n.big }

// Exponent is n's exponent.
func (n Num) Exponent() int32 {
	if n.big {
		return n.d.Exponent()
	}
	return n.e
}

// Sign is -1, 0 or 1.
func (n Num) Sign() int {
	if n.big {
		return n.d.Sign()
	}
	switch {
	case n.c < 0:
		return -1
	case n.c > 0:
		return 1
	}
	return 0
}

// mul64 is a×b, and whether it fits.
func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	neg := (a < 0) != (b < 0)
	ua, ub := abs64(a), abs64(b)
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

func abs64(a int64) uint64 {
	if a < 0 {
		return uint64(-a) // a > MinInt64: coefficients have at most 18 digits
	}
	return uint64(a)
}

// small reports whether c has at most maxDigits digits.
func small(c int64) bool { return c > -1e18 && c < 1e18 }

// scale returns c × 10^k (k ≥ 0), and whether it stays small.
func scale(c int64, k int64) (int64, bool) {
	if c == 0 {
		return 0, true
	}
	if k >= int64(len(pow10)) {
		return 0, false
	}
	r, ok := mul64(c, pow10[k])
	return r, ok && small(r)
}

// Mul returns a×b: decimal.Decimal.Mul's number and exponent.
func (a Num) Mul(b Num) Num {
	if !a.big && !b.big {
		e := int64(a.e) + int64(b.e)
		if c, ok := mul64(a.c, b.c); ok && small(c) && e >= math.MinInt32 && e <= math.MaxInt32 {
			return Num{c: c, e: int32(e)}
		}
	}
	return Num{big: true, d: a.Dec().Mul(b.Dec())}
}

// Add returns a+b: decimal.Decimal.Add's number and exponent (the smaller
// of the two).
func (a Num) Add(b Num) Num {
	if !a.big && !b.big {
		if a.e > b.e {
			a, b = b, a
		}
		if bc, ok := scale(b.c, int64(b.e)-int64(a.e)); ok {
			if c := a.c + bc; small(c) {
				return Num{c: c, e: a.e}
			}
		}
	}
	return Num{big: true, d: a.Dec().Add(b.Dec())}
}

// Sub returns a−b: decimal.Decimal.Sub's number and exponent.
func (a Num) Sub(b Num) Num {
	if !b.big {
		return a.Add(Num{c: -b.c, e: b.e})
	}
	return Num{big: true, d: a.Dec().Sub(b.Dec())}
}

// Cmp compares a and b: -1, 0 or 1.
func (a Num) Cmp(b Num) int {
	if a.big || b.big {
		return a.Dec().Cmp(b.Dec())
	}
	switch {
	case a.e == b.e:
		return cmp64(a.c, b.c)
	case a.e < b.e:
		if bc, ok := scale(b.c, int64(b.e)-int64(a.e)); ok {
			return cmp64(a.c, bc)
		}
		// |b| at a's exponent is at least 10^18, beyond any small a
		return -sign(b.c)
	}
	if ac, ok := scale(a.c, int64(a.e)-int64(b.e)); ok {
		return cmp64(ac, b.c)
	}
	return sign(a.c)
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sign(c int64) int {
	return cmp64(c, 0)
}

// Round rounds n to places decimal places by mode, as the engine's
// rounding does: "half_up" (half away from zero, decimal.Decimal.Round),
// "half_even" (RoundBank) or "down" (towards zero, RoundDown). The result
// has the exponent −places, as theirs.
func (n Num) Round(places int32, mode string) Num {
	if !n.big {
		if n.e == -places {
			return n // already at the scale: the same number
		}
		if c, ok := round(n.c, int64(-places)-int64(n.e), mode); ok {
			return Num{c: c, e: -places}
		}
	}
	return Num{big: true, d: Round(n.Dec(), places, mode)}
}

// round rounds c × 10^-k to an integer (k > 0), or scales it (k ≤ 0).
func round(c int64, k int64, mode string) (int64, bool) {
	if k <= 0 {
		return scale(c, -k)
	}
	if k >= int64(len(pow10)) {
		// |c| < 10^18 ≤ 10^k / 10: below half a unit, and not zero only
		// towards zero
		return 0, true
	}
	p := pow10[k]
	q, r := c/p, c%p
	if r == 0 {
		return q, true
	}
	ar := abs64(r)
	half := uint64(p) / 2
	switch mode {
	case "down":
	case "half_even":
		if ar > half || (ar == half && q%2 != 0) {
			q += int64(sign(c))
		}
	default:
		if ar >= half {
			q += int64(sign(c))
		}
	}
	return q, true
}

// Round is lang.RoundMode's decimal arithmetic: d rounded to places by
// mode.
func Round(d decimal.Decimal, places int32, mode string) decimal.Decimal {
	switch mode {
	case "half_even":
		return d.RoundBank(places)
	case "down":
		return d.RoundDown(places)
	default:
		return d.Round(places)
	}
}
