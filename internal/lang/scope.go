package lang

import (
	"fmt"

	"github.com/anzexian/anzexian/facts"
	"github.com/shopspring/decimal"
)

// regResolver compiles references to declared names into slot reads that
// work in every stack of the registry: the interned name indexes a per-stack
// table of slots.
type SlotResolver struct{ Names map[string]int }

// Scope is what a stack gives the evaluations run on it: the slot of every
// declared name (let or ruleset fact) the stack holds, by interned name.
type Scope struct {
	LetSlot  []int   // by interned name; -1 when not a let here
	Lets     []*Expr // the let expressions, by slot
	FactSlot []int   // by interned name; -1 when not a fact here
}

func (rr SlotResolver) let(name string, t *Type) (any, error) {
	idx := rr.Names[name]
	switch t.Kind {
	case KBool:
		return letRead(idx, func(ev *Eval) []bool { return ev.letBool }), nil
	case KInt:
		return letRead(idx, func(ev *Eval) []int { return ev.letInt }), nil
	case KDec:
		return letRead(idx, func(ev *Eval) []decimal.Decimal { return ev.letDec }), nil
	case KStr:
		return letRead(idx, func(ev *Eval) []string { return ev.letStr }), nil
	case KDate:
		return letRead(idx, func(ev *Eval) []facts.Date { return ev.letDate }), nil
	case KList:
		switch t.Elem.Kind {
		case KStr:
			return letAnyRead[[]string](idx), nil
		case KInt:
			return letAnyRead[[]int](idx), nil
		case KDec:
			return letAnyRead[[]decimal.Decimal](idx), nil
		case KObj:
			return t.Elem.Obj.list.letRead(idx), nil
		}
	}
	return nil, fmt.Errorf("a let of type %s is not supported", t)
}

// letRead returns a closure that reads let idx from its typed memo, computing
// it on first use in the current generation. A computation that failed is
// memoized as a failure: every reader sees it, and it is not computed
// again.
func letRead[T any](idx int, store func(*Eval) []T) func(*Eval) T {
	return func(ev *Eval) T {
		slot := ev.scope.LetSlot[idx]
		if slot < 0 {
			ev.fail("internal: let is not in this stack")
			var zero T
			return zero
		}
		ev.growLets()
		if ev.letGen[slot] == ev.gen {
			if f := ev.letFail[slot]; f != nil {
				ev.replay(f)
				var zero T
				return zero
			}
			return store(ev)[slot]
		}
		saved, savedMissing := ev.beginLet()
		v := ev.scope.Lets[slot].compiled.fn.(func(*Eval) T)(ev)
		if !ev.endLet(slot, saved, savedMissing) {
			store(ev)[slot] = v
		}
		return v
	}
}

// letFailure is the outcome of a let whose computation failed, memoized
// like a value: a let read many times (a chain of lets each reading the
// one before twice) is computed once, not once a read.
type letFailure struct {
	err     error
	missing []string
}

// beginLet sets the error state aside to compute a let on its own.
func (ev *Eval) beginLet() (error, []string) {
	saved, savedMissing := ev.err, ev.missing
	ev.err, ev.missing = nil, nil
	return saved, savedMissing
}

// endLet memoizes the outcome of computing let slot, restores the state
// beginLet set aside with the let's problem added, and reports whether it
// failed.
func (ev *Eval) endLet(slot int, saved error, savedMissing []string) bool {
	var f *letFailure
	if ev.err != nil {
		f = &letFailure{err: ev.err, missing: ev.missing}
	}
	ev.letFail[slot] = f
	ev.letGen[slot] = ev.gen
	ev.err, ev.missing = saved, savedMissing
	if f != nil {
		ev.replay(f)
	}
	return f != nil
}

// replay adds a failed let's problem to the current expression's.
func (ev *Eval) replay(f *letFailure) {
	for _, m := range f.missing {
		ev.missingValue(m)
	}
	if ev.err == nil || ev.err == errMissingSentinel {
		ev.err = f.err
	}
}

// letAnyRead is letRead for lets whose values are lists, memoized boxed.
func letAnyRead[T any](idx int) func(*Eval) T {
	return func(ev *Eval) T {
		slot := ev.scope.LetSlot[idx]
		if slot < 0 {
			ev.fail("internal: let is not in this stack")
			var zero T
			return zero
		}
		ev.growLets()
		if ev.letGen[slot] == ev.gen {
			if f := ev.letFail[slot]; f != nil {
				ev.replay(f)
				var zero T
				return zero
			}
			if b, ok := ev.letAny[slot].(*T); ok {
				return *b
			}
			var zero T
			return zero
		}
		saved, savedMissing := ev.beginLet()
		v := ev.scope.Lets[slot].compiled.fn.(func(*Eval) T)(ev)
		if !ev.endLet(slot, saved, savedMissing) {
			// the value is kept in a box of the slot, made once and
			// reused by later evaluations (boxing a list in an interface
			// would allocate each time)
			b, ok := ev.letAny[slot].(*T)
			if !ok {
				b = new(T)
				ev.letAny[slot] = b
			}
			*b = v
		}
		return v
	}
}

func (ev *Eval) growLets() {
	n := len(ev.scope.Lets)
	if len(ev.letGen) >= n {
		return
	}
	grow := func(k int) int { return n - k }
	ev.letGen = append(ev.letGen, make([]uint32, grow(len(ev.letGen)))...)
	ev.letBool = append(ev.letBool, make([]bool, grow(len(ev.letBool)))...)
	ev.letInt = append(ev.letInt, make([]int, grow(len(ev.letInt)))...)
	ev.letDec = append(ev.letDec, make([]decimal.Decimal, grow(len(ev.letDec)))...)
	ev.letStr = append(ev.letStr, make([]string, grow(len(ev.letStr)))...)
	ev.letDate = append(ev.letDate, make([]facts.Date, grow(len(ev.letDate)))...)
	ev.letAny = append(ev.letAny, make([]any, grow(len(ev.letAny)))...)
	ev.letFail = append(ev.letFail, make([]*letFailure, grow(len(ev.letFail)))...)
}

func (rr SlotResolver) fact(name string, t *Type) (any, func(*Eval) bool, error) {
	idx := rr.Names[name]
	present := func(ev *Eval) bool {
		slot := ev.scope.FactSlot[idx]
		return slot >= 0 && slot < len(ev.factSet) && ev.factSet[slot]
	}
	get := func(ev *Eval) (int, bool) {
		slot := ev.scope.FactSlot[idx]
		if slot < 0 || slot >= len(ev.factSet) || !ev.factSet[slot] {
			ev.missingValue(name)
			return 0, false
		}
		return slot, true
	}
	switch t.Kind {
	case KBool:
		return func(ev *Eval) bool { s, ok := get(ev); return ok && ev.factBool[s] }, present, nil
	case KInt:
		return func(ev *Eval) int {
			if s, ok := get(ev); ok {
				return ev.factInt[s]
			}
			return 0
		}, present, nil
	case KDec:
		return func(ev *Eval) decimal.Decimal {
			if s, ok := get(ev); ok {
				return ev.factDec[s]
			}
			return decimal.Decimal{}
		}, present, nil
	case KStr:
		return func(ev *Eval) string {
			if s, ok := get(ev); ok {
				return ev.factStr[s]
			}
			return ""
		}, present, nil
	case KDate:
		return func(ev *Eval) facts.Date {
			if s, ok := get(ev); ok {
				return ev.factDate[s]
			}
			return facts.Date{}
		}, present, nil
	case KList:
		return func(ev *Eval) []string {
			if s, ok := get(ev); ok {
				return ev.factList[s]
			}
			return nil
		}, present, nil
	}
	return nil, nil, fmt.Errorf("a fact of type %s is not supported", t)
}
