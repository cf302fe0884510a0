package fixed

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// A decimal made in a Room is the decimal Dec makes: the same text, the
// same exponent and coefficient, equal, and the same results in
// arithmetic; arithmetic on it leaves it as it was; a full room gives
// decimals of their own.
func TestRoomDecimalsAreDecs(t *testing.T) {
	if !layoutOK {
		t.Log("decimal.Decimal's layout changed: In falls back to Dec (checked below all the same)")
	}
	r := rand.New(rand.NewPCG(3, 4))
	coeffs := []int64{0, 1, -1, 9, 10, -10, 123456789, -987654321, 1e17, -(1e17), 999999999999999999, -999999999999999999, math.MaxInt32, math.MinInt32}
	for i := range 20000 {
		var c int64
		if i < len(coeffs) {
			c = coeffs[i]
		} else {
			c = r.Int64N(2e18) - 1e18
			if r.IntN(3) == 0 {
				c = r.Int64N(2e6) - 1e6
			}
		}
		e := int32(r.IntN(21) - 12)
		n := Num{c: c, e: e}
		var b Block
		room := b.Room()
		got, want := n.In(&room), n.Dec()
		if got.String() != want.String() || got.Exponent() != want.Exponent() || !got.Equal(want) || got.Coefficient().Cmp(want.Coefficient()) != 0 {
			t.Fatalf("%d×10^%d: In gives %s (exp %d), Dec %s (exp %d)", c, e, got, got.Exponent(), want, want.Exponent())
		}
		other := decimal.New(r.Int64N(1e9)-5e8, int32(r.IntN(7)-3))
		if got.Mul(other).String() != want.Mul(other).String() || got.Add(other).String() != want.Add(other).String() ||
			got.Sub(other).String() != want.Sub(other).String() || got.Round(2).String() != want.Round(2).String() ||
			got.Neg().String() != want.Neg().String() || got.Abs().String() != want.Abs().String() || got.Cmp(other) != want.Cmp(other) {
			t.Fatalf("%s: arithmetic differs from Dec's", want)
		}
		if got.String() != want.String() {
			t.Fatalf("%s: arithmetic changed the decimal in the room to %s", want, got)
		}
	}
	// a full room: decimals of their own, still equal
	var b Block
	room := b.Room()
	var made []decimal.Decimal
	for k := range RoomSize + 3 {
		made = append(made, Num{c: int64(k*7 - 10), e: -2}.In(&room))
	}
	for k, d := range made {
		if want := (Num{c: int64(k*7 - 10), e: -2}).Dec(); d.String() != want.String() {
			t.Fatalf("decimal %d of the room: %s, want %s", k, d, want)
		}
	}
	// a Num held as a decimal is given back as it is
	big := Of(decimal.RequireFromString("123456789012345678901234567890.5"))
	if d := big.In(&room); d.String() != "123456789012345678901234567890.5" {
		t.Fatalf("a big Num in a room: %s", d)
	}
}

// In allocates nothing (the room is the caller's).
func TestRoomAllocatesNothing(t *testing.T) {
	if !layoutOK {
		t.Skip("decimal.Decimal's layout changed: In is Dec")
	}
	var b Block
	var sink decimal.Decimal
	if a := testing.AllocsPerRun(100, func() {
		room := b.Room()
		sink = Num{c: -12345, e: -2}.In(&room)
	}); a != 0 {
		t.Errorf("In allocates %.0f times", a)
	}
	_ = sink
}

// decimal.Decimal is laid out as In expects: if shopspring/decimal
// changes it, In still gives correct decimals (it falls back to Dec) but
// allocates again; this test says so, so that decLayout is updated.
func TestDecimalLayout(t *testing.T) {
	if !layoutOK {
		t.Fatal("decimal.Decimal is no longer {value *big.Int; exp int32}: Room falls back to allocating decimals; update decLayout in room.go")
	}
}
