package lang

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/shopspring/decimal"
)

// A Switch is a list of conditions that each compare the same value with a
// constant — standardization_level == 1, == 2, == 3; loss_ratio > 0.70,
// < 0.30 — decided together: the value is read once and compared with each
// constant in turn, where evaluating the conditions one by one reads it
// for each. First gives the answer and the error the conditions give one
// by one with Bool, and spends the same budget.
type Switch struct {
	conds []*Expr
	x     cval
	tests []test
}

// test is one condition's comparison.
type test struct {
	op  string
	k   any       // int, string or bool
	num fixed.Num // a decimal constant
}

// NewSwitch returns the Switch of conds, or nil when they are not all
// comparisons of one value, of one type, with constants. The value must
// be a fact or a let (or a field of one): the same name reads the same
// value throughout an evaluation.
func NewSwitch(conds []*Expr) *Switch {
	if len(conds) < 2 {
		return nil
	}
	s := &Switch{conds: conds}
	for i, c := range conds {
		if c == nil || c.cmp == nil {
			return nil
		}
		x := c.cmp.x
		if !sameValue(x, i, s.x) {
			return nil
		}
		if i == 0 {
			s.x = x
		}
		t := test{op: c.cmp.op}
		switch k := c.cmp.k.(type) {
		case int:
			if _, ok := x.fn.(func(*Eval) int); !ok {
				return nil
			}
			t.k = k
		case string:
			if _, ok := x.fn.(func(*Eval) string); !ok || (t.op != "==" && t.op != "!=") {
				return nil
			}
			t.k = k
		case bool:
			if _, ok := x.fn.(func(*Eval) bool); !ok || (t.op != "==" && t.op != "!=") {
				return nil
			}
			t.k = k
		case decimal.Decimal:
			if _, ok := x.fn.(func(*Eval) decimal.Decimal); !ok {
				return nil
			}
			t.num = fixed.Of(k)
		default:
			return nil
		}
		s.tests = append(s.tests, t)
	}
	return s
}

// sameValue reports whether x, the value compared by condition i, is the
// value of the conditions before it (prev): a name read the same way, with
// no index or current item in its path.
func sameValue(x cval, i int, prev cval) bool {
	if x.path == "" || x.anon || x.path == "rate" || x.path == "item" || strings.ContainsAny(x.path, "[#") {
		return false
	}
	if i == 0 {
		return true
	}
	return x.path == prev.path && x.t.Kind == prev.t.Kind && x.t.Same(prev.t)
}

// First returns the index of the first condition that holds, or the number
// of conditions when none does. An error is the one Bool gives for the
// condition that found it.
func (s *Switch) First(ev *Eval) (int, error) {
	ev.begin()
	switch f := s.x.fn.(type) {
	case func(*Eval) int:
		v := f(ev)
		return s.each(ev, func(t *test) bool { return holds(t.op, cmp.Compare(v, t.k.(int))) })
	case func(*Eval) string:
		v := f(ev)
		return s.each(ev, func(t *test) bool { return (v == t.k.(string)) == (t.op == "==") })
	case func(*Eval) bool:
		v := f(ev)
		return s.each(ev, func(t *test) bool { return (v == t.k.(bool)) == (t.op == "==") })
	case func(*Eval) decimal.Decimal:
		v := fixed.Of(f(ev))
		return s.each(ev, func(t *test) bool { return holds(t.op, v.Cmp(t.num)) })
	}
	return len(s.tests), fmt.Errorf("%s: a switch over a %s", s.conds[0].At, s.x.t) // NewSwitch admits none
}

// each runs the tests in order, as the conditions would run: the first
// with the value just read, each later one after the step Bool spends.
func (s *Switch) each(ev *Eval, h func(*test) bool) (int, error) {
	for i := range s.tests {
		if i > 0 {
			ev.begin()
		}
		if err := ev.result(s.conds[i]); err != nil {
			return i, err
		}
		if h(&s.tests[i]) {
			return i, nil
		}
	}
	return len(s.tests), nil
}

// holds is whether a comparison whose operands compare as c (-1, 0, 1)
// holds under op.
func holds(op string, c int) bool {
	switch op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}
