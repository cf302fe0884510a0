package lang

import (
	"fmt"
	"github.com/anzexian/anzexian/internal/fixed"

	"github.com/anzexian/anzexian/facts"
	"github.com/shopspring/decimal"
)

// Bool evaluates a condition. A nil condition (no when:) is true. A value
// the condition needs but the facts do not give makes it fail with an
// *EvalError, never a guess.
func (e *Expr) Bool(ev *Eval) (bool, error) {
	if e == nil {
		return true, nil
	}
	f := e.boolFn
	if f == nil {
		return false, fmt.Errorf("%s: expression is %s, not a bool", e.At, e.Type)
	}
	ev.begin()
	v := f(ev)
	if err := ev.result(e); err != nil {
		return false, err
	}
	return v, nil
}

// Decimal evaluates an amount, rate or factor.
func (e *Expr) Decimal(ev *Eval) (decimal.Decimal, error) {
	if e == nil {
		return decimal.Decimal{}, fmt.Errorf("no expression")
	}
	var v decimal.Decimal
	ev.begin()
	switch f := e.compiled.fn.(type) {
	case func(*Eval) decimal.Decimal:
		v = f(ev)
	case func(*Eval) int:
		v = decimal.NewFromInt(int64(f(ev)))
	default:
		return v, fmt.Errorf("%s: expression is %s, not a decimal", e.At, e.Type)
	}
	if err := ev.result(e); err != nil {
		return decimal.Decimal{}, err
	}
	return v, nil
}

// Num evaluates an amount, rate or factor as Decimal does, in exact fixed
// point where its arithmetic has that form, so that the caller makes the
// decimal (fixed.Num.In) where it keeps it.
func (e *Expr) Num(ev *Eval) (fixed.Num, error) {
	if e == nil || e.compiled.num == nil {
		d, err := e.Decimal(ev)
		if err != nil {
			return fixed.Num{}, err
		}
		return fixed.Of(d), nil
	}
	ev.begin()
	v := e.compiled.num(ev)
	if err := ev.result(e); err != nil {
		return fixed.Num{}, err
	}
	return v, nil
}

// Date evaluates a date.
func (e *Expr) Date(ev *Eval) (facts.Date, error) {
	if e == nil {
		var zero facts.Date
		return zero, fmt.Errorf("no expression")
	}
	f, ok := e.compiled.fn.(func(*Eval) facts.Date)
	if !ok {
		return facts.Date{}, fmt.Errorf("%s: expression is %s, not a date", e.At, e.Type)
	}
	ev.begin()
	v := f(ev)
	if err := ev.result(e); err != nil {
		return facts.Date{}, err
	}
	return v, nil
}

// Items evaluates a list of objects and returns pointers to its items
// (*Accident, *Period …), for penalty rules with each:.
func (e *Expr) Items(ev *Eval) ([]any, error) {
	return e.AppendItems(nil, ev)
}

// AppendItems is Items appending the pointers to dst, so that a caller
// keeping several lists at once may keep them in one array: the items are
// dst[len(dst):] of what it returns (dst itself on an error).
func (e *Expr) AppendItems(dst []any, ev *Eval) ([]any, error) {
	if e == nil {
		return dst, fmt.Errorf("no expression")
	}
	if e.Type == nil || e.Type.Kind != KList || e.Type.Elem.Kind != KObj {
		return dst, fmt.Errorf("%s: expression is not a list of objects", e.At)
	}
	ev.begin()
	out := e.Type.Elem.Obj.list.pointers(dst, e.compiled.fn, ev)
	if err := ev.result(e); err != nil {
		clear(out[len(dst):])
		return dst, err
	}
	return out, nil
}

// Value evaluates e to a plain Go value (bool, int, decimal.Decimal, string,
// Date, or a slice of those), for table lookups and the trace.
func (e *Expr) Value(ev *Eval) (any, error) {
	if e == nil {
		var zero any
		return zero, fmt.Errorf("no expression")
	}
	ev.begin()
	var v any
	switch f := e.compiled.fn.(type) {
	case func(*Eval) bool:
		v = f(ev)
	case func(*Eval) int:
		v = f(ev)
	case func(*Eval) decimal.Decimal:
		v = f(ev)
	case func(*Eval) string:
		v = f(ev)
	case func(*Eval) facts.Date:
		v = f(ev)
	case func(*Eval) []string:
		v = f(ev)
	case func(*Eval) []int:
		v = f(ev)
	case func(*Eval) []decimal.Decimal:
		v = f(ev)
	default:
		return nil, fmt.Errorf("%s: a %s has no plain value", e.At, e.Type)
	}
	if err := ev.result(e); err != nil {
		return nil, err
	}
	return v, nil
}

// Scalar is the value of an expression of a scalar type, without boxing:
// Kind says which field holds it.
type Scalar struct {
	Kind ScalarKind
	Bool bool
	Int  int
	Dec  decimal.Decimal
	Str  string
	Date facts.Date
}

// ScalarKind is the type of a Scalar.
type ScalarKind uint8

const (
	ScalarNone ScalarKind = iota
	ScalarBool
	ScalarInt
	ScalarDecimal
	ScalarString
	ScalarDate
)

// Scalar evaluates an expression of a scalar type (bool, int, decimal,
// string or code, date), e.g. the value a rate table is looked up by.
func (e *Expr) Scalar(ev *Eval) (Scalar, error) {
	if e == nil {
		return Scalar{}, fmt.Errorf("no expression")
	}
	ev.begin()
	var v Scalar
	switch f := e.compiled.fn.(type) {
	case func(*Eval) bool:
		v.Kind, v.Bool = ScalarBool, f(ev)
	case func(*Eval) int:
		v.Kind, v.Int = ScalarInt, f(ev)
	case func(*Eval) decimal.Decimal:
		v.Kind, v.Dec = ScalarDecimal, f(ev)
	case func(*Eval) string:
		v.Kind, v.Str = ScalarString, f(ev)
	case func(*Eval) facts.Date:
		v.Kind, v.Date = ScalarDate, f(ev)
	default:
		return Scalar{}, fmt.Errorf("%s: a %s is not a scalar", e.At, e.Type)
	}
	if err := ev.result(e); err != nil {
		return Scalar{}, err
	}
	return v, nil
}

// Int evaluates a whole-number expression.
func (e *Expr) Int(ev *Eval) (int, error) {
	if e == nil {
		return 0, fmt.Errorf("no expression")
	}
	f, ok := e.compiled.fn.(func(*Eval) int)
	if !ok {
		return 0, fmt.Errorf("%s: expression is %s, not an int", e.At, e.Type)
	}
	ev.begin()
	v := f(ev)
	if err := ev.result(e); err != nil {
		return 0, err
	}
	return v, nil
}
