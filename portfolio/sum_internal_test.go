package portfolio

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestSumIsDecimalAdd: a summary's running total gives what adding the
// same terms to the zero decimal.Decimal gives — value and exponent — for
// amounts of every scale, negative ones, and totals past what fixed point
// holds.
func TestSumIsDecimalAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	term := func() decimal.Decimal {
		switch r.IntN(6) {
		case 0:
			return decimal.New(r.Int64N(1e6), -int32(r.IntN(4))) // yuan, jiao, fen, li
		case 1:
			return decimal.New(-r.Int64N(1e6), -2)
		case 2:
			return decimal.New(r.Int64(), -int32(r.IntN(30))) // near int64's edge
		case 3:
			return decimal.New(r.Int64N(1000), int32(r.IntN(20))) // positive exponents
		case 4:
			return decimal.Decimal{} // the zero value
		default:
			return decimal.RequireFromString("123456789012345678901234567890.125")
		}
	}
	for round := range 2000 {
		var s sum
		want := decimal.Decimal{}
		for range r.IntN(40) {
			d := term()
			s.add(d)
			want = want.Add(d)
		}
		got := s.dec()
		if !got.Equal(want) || got.Exponent() != want.Exponent() || got.String() != want.String() {
			t.Fatalf("round %d: sum %s (exponent %d), decimal.Add gives %s (exponent %d)", round, got, got.Exponent(), want, want.Exponent())
		}
	}
	var empty sum
	if d := empty.dec(); d != (decimal.Decimal{}) {
		t.Fatalf("an empty sum is %#v, want the zero decimal", d)
	}
}
