package fixed

import (
	"math/big"
	"reflect"
	"unsafe"

	"github.com/shopspring/decimal"
)

// Room is memory for the decimals an answer shows: Num.In makes a
// decimal.Decimal whose coefficient lives in the next of the room's
// slots, where decimal.New allocates a big.Int and its one-word slice for
// each. A Room is a view of a Block, allocated with the answer (a field
// of the struct that holds it: the answer and its numbers are then one
// allocation instead of three per number), or of a slab (NewSlab) that
// answers built one after another in a caller's reused memory take their
// few decimals from, so that each costs the bytes of the decimals it
// makes. A slot is given out once: a decimal made in a room is never
// overwritten.
//
// decimal.Decimal has no constructor that adopts a big.Int, so In builds
// the value from its two fields (the coefficient pointer and the
// exponent) when the layout of decimal.Decimal is that one, checked once
// by reflection; with another layout (a future shopspring/decimal), In is
// Dec. Decimals are immutable: neither this package nor shopspring/decimal
// writes to a decimal's big.Int after making it.
type Room struct {
	ints  []big.Int
	words []big.Word
	used  int // slots given out (an index: taking one writes no pointer)
}

// RoomSize is the number of decimals a Block holds.
const RoomSize = 4

// A Block is memory for RoomSize decimals (see Room).
type Block struct {
	ints  [RoomSize]big.Int
	words [RoomSize]big.Word
}

// Room returns a room of b's slots.
func (b *Block) Room() Room { return Room{ints: b.ints[:], words: b.words[:]} }

// SlabSize is the number of decimals a slab holds: 153 coefficients of 40
// bytes (a big.Int and its word) fill the 6,144-byte size class.
const SlabSize = 153

type slab struct {
	ints  [SlabSize]big.Int
	words [SlabSize]big.Word
}

// NewSlab returns a room of SlabSize new slots, in one allocation. A
// decimal made in it keeps the whole slab alive (6 KB).
func NewSlab() Room {
	s := new(slab)
	return Room{ints: s.ints[:], words: s.words[:]}
}

// Len returns the number of slots left in r.
func (r *Room) Len() int { return len(r.ints) - r.used }

// decLayout is decimal.Decimal's layout as adopt expects it.
type decLayout struct {
	value *big.Int
	exp   int32
}

// layoutOK reports whether decimal.Decimal is laid out as decLayout.
var layoutOK = func() bool {
	t := reflect.TypeFor[decimal.Decimal]()
	l := reflect.TypeFor[decLayout]()
	if t.Size() != l.Size() || t.NumField() != 2 {
		return false
	}
	for i := range 2 {
		f, g := t.Field(i), l.Field(i)
		if f.Name != g.Name || f.Type != g.Type || f.Offset != g.Offset {
			return false
		}
	}
	return true
}()

// In returns n as a decimal.Decimal whose coefficient is kept in r (the
// same number and exponent as Dec). A Num held as a decimal is returned
// as it is.
func (n Num) In(r *Room) decimal.Decimal {
	i := r.used
	if n.big || n.has || !layoutOK || i >= len(r.ints) || i >= len(r.words) {
		return n.Dec()
	}
	v := &r.ints[i]
	if n.c != 0 {
		u := abs64(n.c)
		if uint64(big.Word(u)) != u { // a 32-bit word
			return n.Dec()
		}
		r.words[i] = big.Word(u)
		v.SetBits(r.words[i : i+1 : i+1])
		if n.c < 0 {
			v.Neg(v)
		}
	}
	r.used++
	return *(*decimal.Decimal)(unsafe.Pointer(&decLayout{value: v, exp: n.e}))
}

// decBlock is a decimal with its coefficient, in one allocation.
type decBlock struct {
	d decimal.Decimal
	i big.Int
	w [1]big.Word
}

// NewDec returns a new decimal c × 10^e whose coefficient is kept in the
// same allocation as the decimal: one allocation, where taking the address
// of decimal.New(c, e) makes three (the decimal, its big.Int and the
// big.Int's word). The decimal is decimal.New(c, e): the same number and
// exponent.
func NewDec(c int64, e int32) *decimal.Decimal {
	u := abs64(c)
	if !layoutOK || uint64(big.Word(u)) != u {
		d := decimal.New(c, e)
		return &d
	}
	b := new(decBlock)
	if c != 0 {
		b.w[0] = big.Word(u)
		b.i.SetBits(b.w[:1:1])
		if c < 0 {
			b.i.Neg(&b.i)
		}
	}
	b.d = *(*decimal.Decimal)(unsafe.Pointer(&decLayout{value: &b.i, exp: e}))
	return &b.d
}
