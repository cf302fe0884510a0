package lang

import "testing"

// NewSwitch decides cases together only when they read one value by one
// name: not a value without a name (an object a function returns, were one
// added), an occurrence's item or current list element, an index, the
// formula's rate, nor two names or two types.
func TestNewSwitchRefuses(t *testing.T) {
	cond := func(path string, kind *Type, k any) *Expr {
		x := cval{t: kind, path: path}
		switch kind.Kind {
		case KInt:
			x.fn = func(*Eval) int { return 0 }
		case KStr:
			x.fn = func(*Eval) string { return "" }
		}
		return &Expr{cmp: &constCmp{x: x, op: "==", k: k}}
	}
	for _, c := range []struct {
		name  string
		conds []*Expr
		ok    bool
	}{
		{"one name", []*Expr{cond("standardization_level", TInt, 1), cond("standardization_level", TInt, 2)}, true},
		{"a member path", []*Expr{cond("policy.insured_employees", TInt, 1), cond("policy.insured_employees", TInt, 2)}, true},
		{"one case", []*Expr{cond("standardization_level", TInt, 1)}, false},
		{"no name", []*Expr{cond("", TInt, 1), cond("", TInt, 2)}, false},
		{"the item", []*Expr{cond("item", TInt, 1), cond("item", TInt, 2)}, false},
		{"the rate", []*Expr{cond("rate", TInt, 1), cond("rate", TInt, 2)}, false},
		{"an index", []*Expr{cond("accidents[i].deaths", TInt, 1), cond("accidents[i].deaths", TInt, 2)}, false},
		{"the current element", []*Expr{cond("#", TInt, 1), cond("#", TInt, 2)}, false},
		{"a field of a value without a name", func() []*Expr {
			a, b := cond("deaths", TInt, 1), cond("deaths", TInt, 2)
			a.cmp.x.anon, b.cmp.x.anon = true, true
			return []*Expr{a, b}
		}(), false},
		{"two names", []*Expr{cond("standardization_level", TInt, 1), cond("employees", TInt, 2)}, false},
		{"two types", []*Expr{cond("x", TInt, 1), cond("x", TStr, "a")}, false},
		{"a case that is no comparison", []*Expr{cond("x", TInt, 1), {}}, false},
		{"a case without a condition", []*Expr{cond("x", TInt, 1), nil}, false},
	} {
		if got := NewSwitch(c.conds) != nil; got != c.ok {
			t.Errorf("%s: a Switch %v, want %v", c.name, got, c.ok)
		}
	}
}
