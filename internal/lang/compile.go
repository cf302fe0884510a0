package lang

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// cval is a compiled expression node: its type and a typed closure
// func(*Eval) T, where T is bool, int, decimal.Decimal, string, Date, a
// slice of those, *E for an object type E, or []E for a list of objects.
type cval struct {
	t  *Type
	fn any
	// isConst marks values known at load time; cv holds the value.
	isConst bool
	cv      any
	// present tests whether an optional value was given (x == nil).
	present func(*Eval) bool
	// path names the fact read, for messages ("policy.death_limit").
	path string
	// num is fn in exact fixed point, for arithmetic whose result is a
	// decimal (Expr.Num): the caller makes the decimal, where it keeps
	// it.
	num func(*Eval) fixed.Num
	// cmp is set on a comparison of a value with a constant (see Switch).
	cmp *constCmp
	// sectors are the constant prefixes of an in_sector test; chain is the
	// *sectorChain[T] of a conditional over such tests with constant
	// results.
	sectors []string
	chain   any
	// anon marks a field of a value that has no name (see member).
	anon bool
}

// constCmp is a comparison x op k of a value with a constant.
type constCmp struct {
	x  cval
	op string // ==, !=, <, <=, >, >=
	k  any
}

func fnOf[T any](v cval) func(*Eval) T { return v.fn.(func(*Eval) T) }

func constOf[T any](t *Type, v T) cval {
	return cval{t: t, isConst: true, cv: v, fn: func(*Eval) T { return v }}
}

// compileError is an error at a node of the expression.
type compileError struct {
	node ast.Node
	msg  string
	hint string
	code string // when empty, check() derives it from the message
}

func (e *compileError) Error() string { return e.msg }

// resolver resolves the names a ruleset declares (lets and extra facts) to
// closures. Stacks resolve them to slots; at load time a provisional
// resolver only checks that the names exist.
type Resolver interface {
	let(name string, t *Type) (any, error)
	fact(name string, t *Type) (any, func(*Eval) bool, error)
}

type compiler struct {
	env   *Env
	res   Resolver
	scope []*Type // element types of the enclosing predicates, innermost last
	vocab func(name string) facts.Vocabulary
	errs  []*compileError
	// phase is where the expression runs.
	phase Phase
	// itemType is the type of item (penalty rules with each:).
	itemType *Type
	// loops is how many predicates over lists of the facts enclose the
	// node being compiled; degree is the most, counting the visit of a
	// list itself: the power of the facts' size that the expression's work
	// grows with (see Expr.Degree).
	loops, degree int
	// impure counts the reads of anything but literals and the items of
	// predicates (names, item, functions over the facts): a predicate
	// compiled without raising it reads only its items.
	impure int
}

// visits notes that the node being compiled visits every item of a list
// of the facts (or one derived from them).
func (c *compiler) visits(list cval) {
	if !list.isConst && c.loops+1 > c.degree {
		c.degree = c.loops + 1
	}
}

func (c *compiler) errorf(n ast.Node, hint, format string, args ...any) cval {
	c.errs = append(c.errs, &compileError{node: n, msg: fmt.Sprintf(format, args...), hint: hint})
	return cval{t: TInvalid}
}

func (c *compiler) compile(n ast.Node) cval {
	switch n := n.(type) {
	case *ast.NilNode:
		return cval{t: tNil}
	case *ast.IntegerNode:
		return constOf(TInt, n.Value)
	case *ast.FloatNode:
		return c.errorf(n, "", "internal: float literal %v was not converted to a decimal", n.Value)
	case *ast.BoolNode:
		return constOf(TBool, n.Value)
	case *ast.StringNode:
		return constOf(TStr, n.Value)
	case *ast.ConstantNode:
		switch v := n.Value.(type) {
		case decimal.Decimal:
			return constOf(TDec, v)
		case facts.Date:
			return constOf(TDate, v)
		case int:
			return constOf(TInt, v)
		case string:
			return constOf(TStr, v)
		case bool:
			return constOf(TBool, v)
		}
		return c.errorf(n, "", "constant of type %T is not supported", n.Value)
	case *ast.IdentifierNode:
		return c.ident(n)
	case *ast.UnaryNode:
		return c.unary(n)
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.MemberNode:
		return c.member(n)
	case *ast.ChainNode:
		return c.errorf(n, "test for nil first: x != nil && x.y", "optional chaining (?.) is not supported in rulesets")
	case *ast.CallNode:
		return c.call(n)
	case *ast.BuiltinNode:
		return c.builtin(n)
	case *ast.PointerNode:
		return c.pointer(n)
	case *ast.ConditionalNode:
		return c.conditional(n)
	case *ast.ArrayNode:
		return c.array(n)
	case *ast.VariableDeclaratorNode:
		return c.errorf(n, "declare the value in the ruleset's let: section", "let inside an expression is not supported")
	case *ast.SequenceNode:
		return c.errorf(n, "", "sequences (a; b) are not supported")
	case *ast.MapNode, *ast.PairNode:
		return c.errorf(n, "", "map literals are not supported")
	case *ast.SliceNode:
		return c.errorf(n, "", "slices are not supported")
	case *ast.BytesNode:
		return c.errorf(n, "", "byte strings are not supported")
	case *ast.PredicateNode:
		return c.compile(n.Node)
	}
	return c.errorf(n, "", "this expression is not supported in rulesets")
}

func (c *compiler) ident(n *ast.IdentifierNode) cval {
	c.impure++
	name := n.Value
	switch name {
	case "item":
		if c.itemType == nil {
			return c.errorf(n, "item is the current occurrence of a penalty rule with each:", "item is only defined in penalty rules with each:")
		}
		return c.itemVal(c.itemType)
	case "rate":
		if c.phase&PhaseRate == 0 {
			return c.errorf(n, "rate is the effective base rate inside a base formula", "rate is only defined in a base formula")
		}
		return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return ev.rate }, path: "rate"}
	}
	if r := RootField(name); r != nil {
		if r.phase != 0 && c.phase&r.phase == 0 {
			return c.errorf(n, "coverage rules and lets decide the obligation, so they cannot read it; use it in requirements, findings, penalties or rating", "%s is not known yet where this expression runs", name)
		}
		v := cval{t: r.t, fn: r.get(name), path: name}
		if r.optional {
			v.present = r.present
		}
		return v
	}
	if d := c.env.decl(name); d != nil {
		if d.IsLet {
			fn, err := c.res.let(name, d.Type)
			if err != nil {
				return c.errorf(n, "", "%v", err)
			}
			return cval{t: d.Type, fn: fn, path: name}
		}
		fn, present, err := c.res.fact(name, d.Type)
		if err != nil {
			return c.errorf(n, "", "%v", err)
		}
		v := cval{t: d.Type, fn: fn, path: name}
		if !d.HasDefault {
			v.present = present
		}
		return v
	}
	return c.errorf(n, c.env.suggestName(name), "unknown name %s", name)
}

func (c *compiler) itemVal(t *Type) cval {
	if t.Kind == KObj {
		return cval{t: t, fn: t.Obj.list.item(), path: "item"}
	}
	return cval{t: TInvalid}
}

func (c *compiler) unary(n *ast.UnaryNode) cval {
	x := c.compile(n.Node)
	if x.t.Kind == KInvalid {
		return x
	}
	switch n.Operator {
	case "!", "not":
		if x.t.Kind != KBool {
			return c.errorf(n, "", "%s needs a bool, not %s", n.Operator, x.t)
		}
		if x.isConst {
			return constOf(TBool, !x.cv.(bool))
		}
		f := fnOf[bool](x)
		return cval{t: TBool, fn: func(ev *Eval) bool { return !f(ev) }}
	case "-":
		switch x.t.Kind {
		case KInt:
			if x.isConst {
				return constOf(TInt, -x.cv.(int))
			}
			f := fnOf[int](x)
			return cval{t: TInt, fn: func(ev *Eval) int { return ev.negInt(f(ev)) }}
		case KDec:
			if x.isConst {
				return constOf(TDec, x.cv.(decimal.Decimal).Neg())
			}
			f := fnOf[decimal.Decimal](x)
			return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return f(ev).Neg() }}
		}
		return c.errorf(n, "", "unary - needs a number, not %s", x.t)
	case "+":
		if x.t.Kind == KInt || x.t.Kind == KDec {
			return x
		}
	}
	return c.errorf(n, "", "unary %s is not supported on %s", n.Operator, x.t)
}

func (c *compiler) binary(n *ast.BinaryNode) cval {
	switch n.Operator {
	case "&&", "and", "||", "or":
		l, r := c.compile(n.Left), c.compile(n.Right)
		if l.t.Kind == KInvalid || r.t.Kind == KInvalid {
			return cval{t: TInvalid}
		}
		if l.t.Kind != KBool || r.t.Kind != KBool {
			return c.errorf(n, "", "%s needs bool operands, not %s and %s", n.Operator, l.t, r.t)
		}
		lf, rf := fnOf[bool](l), fnOf[bool](r)
		if n.Operator == "&&" || n.Operator == "and" {
			return cval{t: TBool, fn: func(ev *Eval) bool { return lf(ev) && rf(ev) }}
		}
		return cval{t: TBool, fn: func(ev *Eval) bool { return lf(ev) || rf(ev) }}
	case "??":
		l, r := c.compile(n.Left), c.compile(n.Right)
		if l.t.Kind == KInvalid || r.t.Kind == KInvalid {
			return cval{t: TInvalid}
		}
		if l.present == nil {
			return c.errorf(n.Left, "?? gives a default for a fact that may be missing", "%s is always given, so ?? has no effect", describeVal(l))
		}
		if !l.t.Same(r.t) && !(l.t.Kind == KDec && r.t.Kind == KInt) {
			return c.errorf(n, "", "?? needs a default of the same type: %s and %s", l.t, r.t)
		}
		if l.t.Kind == KDec && r.t.Kind == KInt {
			r = toDec(r)
		}
		return coalesce(l, r)
	}
	l, r := c.compile(n.Left), c.compile(n.Right)
	if l.t.Kind == KInvalid || r.t.Kind == KInvalid {
		return cval{t: TInvalid}
	}
	switch n.Operator {
	case "==", "!=":
		return c.equality(n, l, r, n.Operator == "!=")
	case "<", "<=", ">", ">=":
		return c.compare(n, n.Operator, l, r)
	case "+", "-", "*", "/", "%":
		return c.arith(n, n.Operator, l, r)
	case "**", "^":
		return c.errorf(n, "multiply explicitly: x * x", "%s is not supported: powers produce floats", n.Operator)
	case "in":
		return c.in(n, l, r)
	case "contains", "startsWith", "endsWith":
		if l.t.Kind != KStr || r.t.Kind != KStr {
			return c.errorf(n, "", "%s needs strings, not %s and %s", n.Operator, l.t, r.t)
		}
		lf, rf := fnOf[string](l), fnOf[string](r)
		var op func(a, b string) bool
		switch n.Operator {
		case "contains":
			op = strings.Contains
		case "startsWith":
			op = strings.HasPrefix
		default:
			op = strings.HasSuffix
		}
		return cval{t: TBool, fn: func(ev *Eval) bool { return op(lf(ev), rf(ev)) }}
	case "matches":
		if l.t.Kind != KStr || r.t.Kind != KStr || !r.isConst {
			return c.errorf(n, "", "matches needs a string and a constant pattern")
		}
		re, err := regexp.Compile(r.cv.(string))
		if err != nil {
			return c.errorf(n.Right, "", "bad pattern: %v", err)
		}
		lf := fnOf[string](l)
		return cval{t: TBool, fn: func(ev *Eval) bool { return re.MatchString(lf(ev)) }}
	case "..":
		return c.errorf(n, "", "ranges are not supported")
	}
	return c.errorf(n, "", "operator %s is not supported", n.Operator)
}

func describeVal(v cval) string {
	if v.path != "" {
		return v.path
	}
	return "this value"
}

func coalesce(l, r cval) cval {
	switch l.t.Kind {
	case KInt:
		return coalesceOf[int](l, r)
	case KDec:
		return coalesceOf[decimal.Decimal](l, r)
	case KStr:
		return coalesceOf[string](l, r)
	case KDate:
		return coalesceOf[facts.Date](l, r)
	case KBool:
		return coalesceOf[bool](l, r)
	}
	return cval{t: TInvalid}
}

// coalesceOf is l ?? r for values of Go type T: l when it was given, else r.
func coalesceOf[T any](l, r cval) cval {
	lp, lf, rf := l.present, fnOf[T](l), fnOf[T](r)
	return cval{t: l.t, fn: func(ev *Eval) T {
		if lp(ev) {
			return lf(ev)
		}
		return rf(ev)
	}}
}

// numOf is a number-valued v (int or decimal) as a fixed.Num.
func numOf(v cval) func(*Eval) fixed.Num {
	if v.t.Kind == KInt {
		f := fnOf[int](v)
		return func(ev *Eval) fixed.Num { return fixed.Int(int64(f(ev))) }
	}
	f := fnOf[decimal.Decimal](v)
	return func(ev *Eval) fixed.Num { return fixed.Of(f(ev)) }
}

func toDec(v cval) cval {
	if v.t.Kind != KInt {
		return v
	}
	if v.isConst {
		return constOf(TDec, decimal.NewFromInt(int64(v.cv.(int))))
	}
	f := fnOf[int](v)
	return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return decimal.NewFromInt(int64(f(ev))) }, path: v.path, present: v.present}
}

// checkCodeLit reports a string literal compared with a code-valued fact
// when the code is not in the vocabulary (a typo would make a rule never
// fire, silently).
func (c *compiler) checkCodeLit(t *Type, lit cval, at ast.Node) {
	if t.Vocab == "" || !lit.isConst || c.vocab == nil {
		return
	}
	s, ok := lit.cv.(string)
	if !ok {
		return
	}
	v := c.vocab(t.Vocab)
	if v == nil || v.Has(s) {
		return
	}
	hint := ""
	if sg := suggest.Closest(s, v.Codes()); sg != "" {
		hint = fmt.Sprintf("did you mean %q?", sg)
	} else {
		hint = suggest.CodesHint(v.Codes())
	}
	c.errorf(at, hint, "%q is not a %s code", s, vocabName(t.Vocab))
}

func vocabName(v string) string {
	if i := strings.LastIndexByte(v, '.'); i >= 0 {
		return v[i+1:]
	}
	return v
}

func (c *compiler) equality(n *ast.BinaryNode, l, r cval, neg bool) cval {
	// x == nil tests whether an optional fact was given.
	if l.t.Kind == KNil || r.t.Kind == KNil {
		v := l
		if l.t.Kind == KNil {
			v = r
		}
		if v.t.Kind == KNil {
			return constOf(TBool, !neg)
		}
		if v.present == nil {
			return c.errorf(n, "only optional facts (such as employees, policy, enforcement.deadline) can be missing", "%s is always given, so comparing it with nil is always %v", describeVal(v), neg)
		}
		p := v.present
		if neg {
			return cval{t: TBool, fn: p}
		}
		return cval{t: TBool, fn: func(ev *Eval) bool { return !p(ev) }}
	}
	if l.t.Kind == KInt && r.t.Kind == KDec {
		l = toDec(l)
	}
	if r.t.Kind == KInt && l.t.Kind == KDec {
		r = toDec(r)
	}
	if !l.t.Same(r.t) && !(l.t.Kind == KStr && r.t.Kind == KStr) {
		return c.errorf(n, "", "cannot compare %s with %s", l.t, r.t)
	}
	if l.t.Kind == KStr {
		c.checkCodeLit(l.t, r, n.Right)
		c.checkCodeLit(r.t, l, n.Left)
	}
	// a fact compared with a constant: the constant is captured rather
	// than called, and a decimal compared in fixed point
	var shape *constCmp // the comparison's shape, for a Switch
	eq, ok := equalsConst(l, r)
	if ok {
		shape = &constCmp{x: l, op: "==", k: r.cv}
	} else if eq, ok = equalsConst(r, l); ok {
		shape = &constCmp{x: r, op: "==", k: l.cv}
	}
	if !ok {
		switch l.t.Kind {
		case KBool:
			a, b := fnOf[bool](l), fnOf[bool](r)
			eq = func(ev *Eval) bool { return a(ev) == b(ev) }
		case KInt:
			a, b := fnOf[int](l), fnOf[int](r)
			eq = func(ev *Eval) bool { return a(ev) == b(ev) }
		case KDec:
			a, b := fnOf[decimal.Decimal](l), fnOf[decimal.Decimal](r)
			eq = func(ev *Eval) bool { return a(ev).Equal(b(ev)) }
		case KStr:
			a, b := fnOf[string](l), fnOf[string](r)
			eq = func(ev *Eval) bool { return a(ev) == b(ev) }
		case KDate:
			a, b := fnOf[facts.Date](l), fnOf[facts.Date](r)
			eq = func(ev *Eval) bool { return a(ev) == b(ev) }
		default:
			return c.errorf(n, "", "cannot compare values of type %s with ==", l.t)
		}
	}
	if neg {
		if shape != nil {
			shape.op = "!="
		}
		return cval{t: TBool, fn: func(ev *Eval) bool { return !eq(ev) }, cmp: shape}
	}
	return cval{t: TBool, fn: eq, cmp: shape}
}

func (c *compiler) compare(n ast.Node, op string, l, r cval) cval {
	if l.t.Kind == KInt && r.t.Kind == KDec {
		l = toDec(l)
	}
	if r.t.Kind == KInt && l.t.Kind == KDec {
		r = toDec(r)
	}
	if !l.t.Same(r.t) && !(l.t.Kind == KStr && r.t.Kind == KStr) {
		return c.errorf(n, "", "cannot compare %s with %s", l.t, r.t)
	}
	if v, ok := compareConst(op, l, r); ok {
		v.cmp = &constCmp{x: l, op: op, k: r.cv}
		return v
	}
	if v, ok := compareConst(flipOp[op], r, l); ok {
		v.cmp = &constCmp{x: r, op: flipOp[op], k: l.cv}
		return v
	}
	var cmp func(*Eval) int
	switch l.t.Kind {
	case KInt:
		a, b := fnOf[int](l), fnOf[int](r)
		switch op { // the common int comparisons without the cmp indirection
		case "<":
			return cval{t: TBool, fn: func(ev *Eval) bool { return a(ev) < b(ev) }}
		case "<=":
			return cval{t: TBool, fn: func(ev *Eval) bool { return a(ev) <= b(ev) }}
		case ">":
			return cval{t: TBool, fn: func(ev *Eval) bool { return a(ev) > b(ev) }}
		default:
			return cval{t: TBool, fn: func(ev *Eval) bool { return a(ev) >= b(ev) }}
		}
	case KDec:
		a, b := fnOf[decimal.Decimal](l), fnOf[decimal.Decimal](r)
		cmp = func(ev *Eval) int { return a(ev).Cmp(b(ev)) }
	case KDate:
		if v, ok := asOfCompare(op, l, r); ok {
			return v
		}
		a, b := fnOf[facts.Date](l), fnOf[facts.Date](r)
		cmp = func(ev *Eval) int { return a(ev).Compare(b(ev)) }
	case KStr:
		a, b := fnOf[string](l), fnOf[string](r)
		cmp = func(ev *Eval) int { return strings.Compare(a(ev), b(ev)) }
	default:
		return c.errorf(n, "", "cannot order values of type %s", l.t)
	}
	switch op {
	case "<":
		return cval{t: TBool, fn: func(ev *Eval) bool { return cmp(ev) < 0 }}
	case "<=":
		return cval{t: TBool, fn: func(ev *Eval) bool { return cmp(ev) <= 0 }}
	case ">":
		return cval{t: TBool, fn: func(ev *Eval) bool { return cmp(ev) > 0 }}
	}
	return cval{t: TBool, fn: func(ev *Eval) bool { return cmp(ev) >= 0 }}
}

// flipOp is the comparison with its operands swapped.
var flipOp = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}

// equalsConst compiles x == k for a value x and a constant k of the same
// type (ints, strings and codes, bools, decimals): k is captured rather
// than called, and a decimal is compared in fixed point, which allocates
// nothing where a decimal compare of two exponents rescales one.
func equalsConst(x, k cval) (func(*Eval) bool, bool) {
	if !k.isConst || x.isConst {
		return nil, false
	}
	switch c := k.cv.(type) {
	case bool:
		if a, ok := x.fn.(func(*Eval) bool); ok {
			return func(ev *Eval) bool { return a(ev) == c }, true
		}
	case int:
		if a, ok := x.fn.(func(*Eval) int); ok {
			return func(ev *Eval) bool { return a(ev) == c }, true
		}
	case string:
		if a, ok := x.fn.(func(*Eval) string); ok {
			return func(ev *Eval) bool { return a(ev) == c }, true
		}
	case decimal.Decimal:
		if a, ok := x.fn.(func(*Eval) decimal.Decimal); ok {
			n := fixed.Of(c)
			return func(ev *Eval) bool { return fixed.Of(a(ev)).Cmp(n) == 0 }, true
		}
	}
	return nil, false
}

// compareConst compiles x op k for a value x and a constant k, as
// equalsConst does ==.
func compareConst(op string, x, k cval) (cval, bool) {
	if !k.isConst || x.isConst || op == "" {
		return cval{}, false
	}
	var cmp func(*Eval) int
	switch c := k.cv.(type) {
	case int:
		a, ok := x.fn.(func(*Eval) int)
		if !ok {
			return cval{}, false
		}
		switch op { // without the cmp indirection, as compare does
		case "<":
			return cval{t: TBool, fn: func(ev *Eval) bool { return a(ev) < c }}, true
		case "<=":
			return cval{t: TBool, fn: func(ev *Eval) bool { return a(ev) <= c }}, true
		case ">":
			return cval{t: TBool, fn: func(ev *Eval) bool { return a(ev) > c }}, true
		}
		return cval{t: TBool, fn: func(ev *Eval) bool { return a(ev) >= c }}, true
	case decimal.Decimal:
		a, ok := x.fn.(func(*Eval) decimal.Decimal)
		if !ok {
			return cval{}, false
		}
		n := fixed.Of(c)
		cmp = func(ev *Eval) int { return fixed.Of(a(ev)).Cmp(n) }
	default:
		return cval{}, false
	}
	switch op {
	case "<":
		return cval{t: TBool, fn: func(ev *Eval) bool { return cmp(ev) < 0 }}, true
	case "<=":
		return cval{t: TBool, fn: func(ev *Eval) bool { return cmp(ev) <= 0 }}, true
	case ">":
		return cval{t: TBool, fn: func(ev *Eval) bool { return cmp(ev) > 0 }}, true
	}
	return cval{t: TBool, fn: func(ev *Eval) bool { return cmp(ev) >= 0 }}, true
}

// asOfCompare compiles as_of compared with a constant date so that the
// timeline knows the day the answer changes (the constant, or the day
// after it), instead of taking every day as a possible change.
func asOfCompare(op string, l, r cval) (cval, bool) {
	if r.path == "as_of" && l.isConst {
		l, r, op = r, l, flipOp[op]
	}
	if l.path != "as_of" || !r.isConst {
		return cval{}, false
	}
	c := r.cv.(facts.Date)
	switch op {
	case ">=", "<": // changes on c
		lt := op == "<"
		return cval{t: TBool, fn: func(ev *Eval) bool {
			ev.limit(c)
			return ev.asOf.Before(c) == lt
		}}, true
	case ">", "<=": // changes on the day after c
		le := op == "<="
		next := c.AddDays(1)
		return cval{t: TBool, fn: func(ev *Eval) bool {
			ev.limit(next)
			return !ev.asOf.After(c) == le
		}}, true
	}
	return cval{}, false
}

// DivisionScale is the number of decimal places a division keeps (rounded
// half away from zero). Rulesets round results to their declared scale;
// divide as late as possible, or multiply by a decimal (0.001 for ‰).
const DivisionScale = 16

func (c *compiler) arith(n ast.Node, op string, l, r cval) cval {
	if l.t.Kind == KInt && r.t.Kind == KInt {
		if op == "/" {
			return c.errorf(n, "write decimal(a) / b to divide exactly, or a % b for the remainder", "dividing whole numbers gives a float in expr; this is not allowed")
		}
		a, b := fnOf[int](l), fnOf[int](r)
		switch op {
		case "+":
			return cval{t: TInt, fn: func(ev *Eval) int { return ev.addInt(a(ev), b(ev)) }}
		case "-":
			return cval{t: TInt, fn: func(ev *Eval) int { return ev.subInt(a(ev), b(ev)) }}
		case "*":
			return cval{t: TInt, fn: func(ev *Eval) int { return ev.mulInt(a(ev), b(ev)) }}
		case "%":
			return cval{t: TInt, fn: func(ev *Eval) int {
				d := b(ev)
				if d == 0 {
					ev.fail("remainder by zero")
					return 0
				}
				return a(ev) % d
			}}
		}
	}
	if (l.t.Kind == KDec || l.t.Kind == KInt) && (r.t.Kind == KDec || r.t.Kind == KInt) {
		// +, - and × in exact int64 fixed point where the numbers fit
		// (internal/fixed: decimal.Decimal's results, without making a
		// decimal of a whole-number operand)
		na, nb := numOf(l), numOf(r)
		l, r = toDec(l), toDec(r)
		a, b := fnOf[decimal.Decimal](l), fnOf[decimal.Decimal](r)
		var res cval
		switch op {
		case "+":
			res = cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return ev.numDec(na(ev).Add(nb(ev))) },
				num: func(ev *Eval) fixed.Num { return ev.num(na(ev).Add(nb(ev))) }}
		case "-":
			res = cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return ev.numDec(na(ev).Sub(nb(ev))) },
				num: func(ev *Eval) fixed.Num { return ev.num(na(ev).Sub(nb(ev))) }}
		case "*":
			res = cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return ev.numDec(na(ev).Mul(nb(ev))) },
				num: func(ev *Eval) fixed.Num { return ev.num(na(ev).Mul(nb(ev))) }}
		case "/":
			res = cval{t: TDec, fn: func(ev *Eval) decimal.Decimal {
				d := b(ev)
				if d.IsZero() {
					ev.fail("division by zero")
					return decimal.Decimal{}
				}
				return ev.dec(a(ev).DivRound(d, DivisionScale))
			}}
		default:
			return c.errorf(n, "", "%s is not defined on decimals", op)
		}
		if l.isConst && r.isConst {
			ev := &Eval{}
			v := fnOf[decimal.Decimal](res)(ev)
			if ev.err == nil {
				return constOf(TDec, v)
			}
		}
		return res
	}
	return c.errorf(n, "", "operator %s is not defined on %s and %s", op, l.t, r.t)
}

func (c *compiler) in(n *ast.BinaryNode, l, r cval) cval {
	if r.t.Kind != KList {
		return c.errorf(n, "", "in needs a list on the right, not %s", r.t)
	}
	c.visits(r)
	e := r.t.Elem
	if l.t.Kind == KInt && e.Kind == KDec {
		l = toDec(l)
	}
	if !(l.t.Same(e) || (l.t.Kind == KStr && e.Kind == KStr)) {
		return c.errorf(n, "", "cannot look for %s in a list of %s", l.t, e)
	}
	if l.t.Kind == KStr && r.isConst {
		for _, s := range r.cv.([]string) {
			c.checkCodeLit(l.t, constOf(TStr, s), n.Right)
		}
	}
	if e.Kind == KStr && l.isConst && r.t.Elem.Vocab != "" {
		c.checkCodeLit(r.t.Elem, l, n.Left)
	}
	switch l.t.Kind {
	case KStr:
		return inList(l, r, func(x, y string) bool { return x == y })
	case KInt:
		return inList(l, r, func(x, y int) bool { return x == y })
	case KDec:
		return inList(l, r, decimal.Decimal.Equal)
	}
	return c.errorf(n, "", "in is not supported for %s", l.t)
}

// inList is x in ys for the typed values l and r, with eq the equality of
// their kind; the list's length is spent from the budget.
func inList[T any](l, r cval, eq func(x, y T) bool) cval {
	a, b := fnOf[T](l), fnOf[[]T](r)
	return cval{t: TBool, fn: func(ev *Eval) bool {
		x, ys := a(ev), b(ev)
		if !ev.spend(len(ys)) {
			return false
		}
		for _, y := range ys {
			if eq(x, y) {
				return true
			}
		}
		return false
	}}
}

func (c *compiler) member(n *ast.MemberNode) cval {
	base := c.compile(n.Node)
	if base.t.Kind == KInvalid {
		return base
	}
	if n.Optional {
		return c.errorf(n, "test for nil first: x != nil && x.y", "optional member access (?.) is not supported")
	}
	switch prop := n.Property.(type) {
	case *ast.StringNode:
		if base.t.Kind != KObj {
			return c.errorf(n, "", "%s has no fields (it is %s)", describeVal(base), base.t)
		}
		f := base.t.Obj.byName[prop.Value]
		if f == nil {
			names := make([]string, len(base.t.Obj.fields))
			for i, x := range base.t.Obj.fields {
				names[i] = x.name
			}
			hint := "fields: " + strings.Join(names, ", ")
			if s := suggest.Closest(prop.Value, names); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			return c.errorf(n, hint, "%s has no field %s", base.t.Obj.name, prop.Value)
		}
		path := prop.Value
		if base.path != "" {
			path = base.path + "." + prop.Value
		}
		// a field of a value without a name (none today: no function
		// returns an object) has only the field's name for a path: marked,
		// so that no Switch takes it for a value of its own
		v := cval{t: f.t, fn: f.member(base.fn, path), path: path, anon: base.path == "" || base.anon}
		if f.optional || base.present != nil {
			bp := base.present
			fp := f.present(base.fn)
			if bp != nil {
				v.present = func(ev *Eval) bool { return bp(ev) && fp(ev) }
			} else {
				v.present = fp
			}
		}
		return v
	default:
		idx := c.compile(n.Property)
		if idx.t.Kind != KInt || base.t.Kind != KList || base.t.Elem.Kind != KObj {
			return c.errorf(n, "use any(), all(), filter() or count() over lists", "indexing is supported only on lists of objects with an int index")
		}
		return cval{t: base.t.Elem, fn: base.t.Elem.Obj.list.index(base.fn, fnOf[int](idx)), path: base.path + "[i]"}
	}
}

func (c *compiler) pointer(n *ast.PointerNode) cval {
	if n.Name != "" {
		return c.errorf(n, "", "#%s is not supported", n.Name)
	}
	if len(c.scope) == 0 {
		return c.errorf(n, "", "# is only defined inside a predicate such as any(list, {# == x})")
	}
	t := c.scope[len(c.scope)-1]
	switch t.Kind {
	case KObj:
		return cval{t: t, fn: t.Obj.list.current(), path: "#"}
	case KStr:
		return cval{t: t, fn: func(ev *Eval) string { return ev.strItems[len(ev.strItems)-1] }, path: "#"}
	case KInt:
		return cval{t: t, fn: func(ev *Eval) int { return ev.intItems[len(ev.intItems)-1] }, path: "#"}
	case KDec:
		return cval{t: t, fn: func(ev *Eval) decimal.Decimal { return ev.decItems[len(ev.decItems)-1] }, path: "#"}
	}
	return c.errorf(n, "", "cannot iterate over a list of %s", t)
}

func (c *compiler) conditional(n *ast.ConditionalNode) cval {
	cond, a, b := c.compile(n.Cond), c.compile(n.Exp1), c.compile(n.Exp2)
	if cond.t.Kind == KInvalid || a.t.Kind == KInvalid || b.t.Kind == KInvalid {
		return cval{t: TInvalid}
	}
	if cond.t.Kind != KBool {
		return c.errorf(n.Cond, "", "the condition must be a bool, not %s", cond.t)
	}
	if a.t.Kind == KInt && b.t.Kind == KDec {
		a = toDec(a)
	}
	if b.t.Kind == KInt && a.t.Kind == KDec {
		b = toDec(b)
	}
	if !a.t.Same(b.t) && !(a.t.Kind == KStr && b.t.Kind == KStr) {
		return c.errorf(n, "", "both branches must have the same type: %s and %s", a.t, b.t)
	}
	cf := fnOf[bool](cond)
	t := a.t
	if a.t.Kind == KStr && a.t.Vocab != b.t.Vocab {
		t = TStr
	}
	if v, ok := sectorPick(t, cond, a, b); ok {
		return v
	}
	switch a.t.Kind {
	case KBool:
		return pick(t, cf, fnOf[bool](a), fnOf[bool](b))
	case KInt:
		return pick(t, cf, fnOf[int](a), fnOf[int](b))
	case KDec:
		return pick(t, cf, fnOf[decimal.Decimal](a), fnOf[decimal.Decimal](b))
	case KStr:
		return pick(t, cf, fnOf[string](a), fnOf[string](b))
	case KDate:
		return pick(t, cf, fnOf[facts.Date](a), fnOf[facts.Date](b))
	}
	return c.errorf(n, "", "conditional values of type %s are not supported", a.t)
}

// sectorChain is a conditional such as in_sector("coal_mine") ? "coal" :
// in_sector("metal") ? "metal" : "other": the value of the first branch
// whose prefixes match a sector of the enterprise, else the last. It is
// decided in one loop, where the nested conditionals called a closure for
// each test and each branch, and spends the budget they spend.
type sectorChain[T any] struct {
	prefixes  [][]string
	values    []T
	otherwise T
}

func (ch *sectorChain[T]) eval(ev *Eval) T {
	n := len(ev.f.Sectors)
	for i, ps := range ch.prefixes {
		if !ev.spend(n) {
			continue // the test is false, as in_sector's
		}
		for _, s := range ev.f.Sectors {
			for _, p := range ps {
				if facts.SectorMatch(s, p) {
					return ch.values[i]
				}
			}
		}
	}
	return ch.otherwise
}

// sectorPick compiles cond ? a : b as a sectorChain when cond is an
// in_sector test, a is a constant and b a constant or such a chain.
func sectorPick(t *Type, cond, a, b cval) (cval, bool) {
	if cond.sectors == nil || !a.isConst {
		return cval{}, false
	}
	switch a.cv.(type) {
	case string:
		return chainOf[string](t, cond, a, b)
	case decimal.Decimal:
		return chainOf[decimal.Decimal](t, cond, a, b)
	case int:
		return chainOf[int](t, cond, a, b)
	case bool:
		return chainOf[bool](t, cond, a, b)
	}
	return cval{}, false
}

func chainOf[T any](t *Type, cond, a, b cval) (cval, bool) {
	av, ok := a.cv.(T)
	if !ok {
		return cval{}, false
	}
	ch := &sectorChain[T]{prefixes: [][]string{cond.sectors}, values: []T{av}}
	switch {
	case b.isConst:
		if ch.otherwise, ok = b.cv.(T); !ok {
			return cval{}, false
		}
	case b.chain != nil:
		rest, ok := b.chain.(*sectorChain[T])
		if !ok {
			return cval{}, false
		}
		ch.prefixes = append(ch.prefixes, rest.prefixes...)
		ch.values = append(ch.values, rest.values...)
		ch.otherwise = rest.otherwise
	default:
		return cval{}, false
	}
	return cval{t: t, fn: ch.eval, chain: ch}, true
}

func pick[T any](t *Type, c func(*Eval) bool, a, b func(*Eval) T) cval {
	return cval{t: t, fn: func(ev *Eval) T {
		if c(ev) {
			return a(ev)
		}
		return b(ev)
	}}
}

func (c *compiler) array(n *ast.ArrayNode) cval {
	if len(n.Nodes) == 0 {
		return constOf(tStrs, []string{})
	}
	var items []cval
	for _, x := range n.Nodes {
		v := c.compile(x)
		if v.t.Kind == KInvalid {
			return v
		}
		if !v.isConst {
			return c.errorf(x, "", "list literals may hold only constants")
		}
		items = append(items, v)
	}
	k := items[0].t.Kind
	for _, it := range items {
		if it.t.Kind == KDec {
			k = KDec
		}
	}
	switch k {
	case KStr:
		return constList(c, n, tStrs, items, func(v any) (string, bool) { s, ok := v.(string); return s, ok })
	case KInt:
		return constList(c, n, tInts, items, func(v any) (int, bool) { i, ok := v.(int); return i, ok })
	case KDec:
		return constList(c, n, tDecs, items, func(v any) (decimal.Decimal, bool) {
			switch v := v.(type) {
			case decimal.Decimal:
				return v, true
			case int:
				return decimal.NewFromInt(int64(v)), true
			}
			return decimal.Decimal{}, false
		})
	}
	return c.errorf(n, "", "list literals of %s are not supported", items[0].t)
}

// constList is the list literal of items, each converted by conv to the
// list's Go type.
func constList[T any](c *compiler, n ast.Node, t *Type, items []cval, conv func(any) (T, bool)) cval {
	out := make([]T, len(items))
	for i, it := range items {
		v, ok := conv(it.cv)
		if !ok {
			return c.errorf(n, "", "a list literal must hold values of one type")
		}
		out[i] = v
	}
	return constOf(t, out)
}

// builtin compiles expr's predicate builtins over lists.
func (c *compiler) builtin(n *ast.BuiltinNode) cval {
	switch n.Name {
	case "len":
		if len(n.Arguments) != 1 {
			return c.errorf(n, "", "len takes one argument")
		}
		l := c.compile(n.Arguments[0])
		switch {
		case l.t.Kind == KInvalid:
			return l
		case l.t.Kind == KStr:
			f := fnOf[string](l)
			return cval{t: TInt, fn: func(ev *Eval) int { return len([]rune(f(ev))) }}
		case l.t.Kind == KList:
			return cval{t: TInt, fn: lenOf(l)}
		}
		return c.errorf(n, "", "len needs a list, not %s", l.t)
	case "all", "any", "none", "one", "filter", "count", "map", "find", "sum":
	default:
		return c.errorf(n, builtinHint(n.Name), "%s() is not available in rulesets", n.Name)
	}
	if len(n.Arguments) < 1 {
		return c.errorf(n, "", "%s needs a list", n.Name)
	}
	l := c.compile(n.Arguments[0])
	if l.t.Kind == KInvalid {
		return l
	}
	if l.t.Kind != KList {
		return c.errorf(n.Arguments[0], "", "%s needs a list, not %s", n.Name, l.t)
	}
	if n.Name == "count" && len(n.Arguments) == 1 {
		return cval{t: TInt, fn: lenOf(l)}
	}
	c.visits(l)
	if n.Name == "sum" && len(n.Arguments) == 1 {
		if l.t.Elem.Kind != KInt && l.t.Elem.Kind != KDec {
			return c.errorf(n, "", "sum needs a list of numbers, not %s", l.t)
		}
		return sumOf(l)
	}
	if len(n.Arguments) != 2 {
		return c.errorf(n, "", "%s takes a list and a predicate", n.Name)
	}
	c.scope = append(c.scope, l.t.Elem)
	if !l.isConst {
		c.loops++
	}
	impure := c.impure
	body := c.compile(n.Arguments[1])
	if !l.isConst {
		c.loops--
	}
	c.scope = c.scope[:len(c.scope)-1]
	if body.t.Kind == KInvalid {
		return body
	}
	if years := windowYears(n.Arguments[0]); years > 0 && c.impure == impure && body.t.Kind == KBool && (n.Name == "any" || n.Name == "none") {
		pred := fnOf[bool](body)
		direct := fnOf[bool](iterate(n.Name, l, pred))
		spec := &windowSpec{years: years, pred: pred}
		none := n.Name == "none"
		return cval{t: TBool, fn: func(ev *Eval) bool {
			holds, ok := ev.windowAny(spec)
			if !ok {
				return direct(ev)
			}
			return holds != none
		}}
	}
	switch n.Name {
	case "map":
		return c.mapList(n, l, body)
	case "sum":
		m := c.mapList(n, l, body)
		if m.t.Kind == KInvalid {
			return m
		}
		return sumOf(m)
	case "find":
		return c.errorf(n, "use filter() and count(), or any()", "find() is not supported")
	}
	if body.t.Kind != KBool {
		return c.errorf(n.Arguments[1], "", "the predicate of %s must be a bool, not %s", n.Name, body.t)
	}
	pred := fnOf[bool](body)
	return iterate(n.Name, l, pred)
}

// windowYears returns N when n is accidents_within(N) with a constant N.
func windowYears(n ast.Node) int {
	call, ok := n.(*ast.CallNode)
	if !ok || len(call.Arguments) != 1 {
		return 0
	}
	if id, ok := call.Callee.(*ast.IdentifierNode); !ok || id.Value != "accidents_within" {
		return 0
	}
	if lit, ok := call.Arguments[0].(*ast.IntegerNode); ok && lit.Value >= 1 && lit.Value <= 100 {
		return lit.Value
	}
	return 0
}

func lenOf(l cval) any {
	switch l.t.Elem.Kind {
	case KStr:
		f := fnOf[[]string](l)
		return func(ev *Eval) int { return len(f(ev)) }
	case KInt:
		f := fnOf[[]int](l)
		return func(ev *Eval) int { return len(f(ev)) }
	case KDec:
		f := fnOf[[]decimal.Decimal](l)
		return func(ev *Eval) int { return len(f(ev)) }
	case KObj:
		return l.t.Elem.Obj.list.length(l.fn)
	}
	return func(*Eval) int { return 0 }
}

func (c *compiler) mapList(n ast.Node, l, body cval) cval {
	switch body.t.Kind {
	case KInt:
		return cval{t: tInts, fn: mapOver(l, fnOf[int](body))}
	case KDec:
		return cval{t: tDecs, fn: mapOver(l, fnOf[decimal.Decimal](body))}
	case KStr:
		return cval{t: tStrs, fn: mapOver(l, fnOf[string](body))}
	}
	return c.errorf(n, "", "map may produce ints, decimals or strings, not %s", body.t)
}

// mapOver returns func(*Eval) []T.
func mapOver[T any](l cval, body func(*Eval) T) any {
	switch l.t.Elem.Kind {
	case KStr:
		return mapScalar(fnOf[[]string](l), pushStr, popStr, body)
	case KInt:
		return mapScalar(fnOf[[]int](l), pushInt, popInt, body)
	case KDec:
		return mapScalar(fnOf[[]decimal.Decimal](l), pushDec, popDec, body)
	case KObj:
		return l.t.Elem.Obj.list.mapTo(l.fn, body)
	}
	return nil
}

func mapScalar[S, T any](list func(*Eval) []S, push func(*Eval, S), pop func(*Eval), body func(*Eval) T) func(*Eval) []T {
	return func(ev *Eval) []T {
		xs := list(ev)
		if !ev.spend(len(xs)) {
			return nil
		}
		out := make([]T, 0, len(xs))
		for _, x := range xs {
			push(ev, x)
			out = append(out, body(ev))
			pop(ev)
		}
		return out
	}
}

func pushStr(ev *Eval, s string)          { ev.strItems = append(ev.strItems, s) }
func popStr(ev *Eval)                     { ev.strItems = ev.strItems[:len(ev.strItems)-1] }
func pushInt(ev *Eval, v int)             { ev.intItems = append(ev.intItems, v) }
func popInt(ev *Eval)                     { ev.intItems = ev.intItems[:len(ev.intItems)-1] }
func pushDec(ev *Eval, v decimal.Decimal) { ev.decItems = append(ev.decItems, v) }
func popDec(ev *Eval)                     { ev.decItems = ev.decItems[:len(ev.decItems)-1] }

// iterate compiles all/any/none/one/filter/count over any list.
func iterate(name string, l cval, pred func(*Eval) bool) cval {
	switch l.t.Elem.Kind {
	case KStr:
		return scalarIter(name, l.t, fnOf[[]string](l), pushStr, popStr, pred)
	case KInt:
		return scalarIter(name, l.t, fnOf[[]int](l), pushInt, popInt, pred)
	case KDec:
		return scalarIter(name, l.t, fnOf[[]decimal.Decimal](l), pushDec, popDec, pred)
	case KObj:
		fn, t := l.t.Elem.Obj.list.iterate(name, l.fn, pred)
		if t == nil {
			t = l.t
		}
		return cval{t: t, fn: fn}
	}
	return cval{t: TInvalid}
}

func scalarIter[S any](name string, lt *Type, all func(*Eval) []S, push func(*Eval, S), pop func(*Eval), pred func(*Eval) bool) cval {
	list := func(ev *Eval) []S {
		xs := all(ev)
		if !ev.spend(len(xs)) {
			return nil
		}
		return xs
	}
	test := func(ev *Eval, x S) bool {
		push(ev, x)
		ok := pred(ev)
		pop(ev)
		return ok
	}
	switch name {
	case "any":
		return cval{t: TBool, fn: func(ev *Eval) bool {
			for _, x := range list(ev) {
				if test(ev, x) {
					return true
				}
			}
			return false
		}}
	case "all":
		return cval{t: TBool, fn: func(ev *Eval) bool {
			for _, x := range list(ev) {
				if !test(ev, x) {
					return false
				}
			}
			return true
		}}
	case "none":
		return cval{t: TBool, fn: func(ev *Eval) bool {
			for _, x := range list(ev) {
				if test(ev, x) {
					return false
				}
			}
			return true
		}}
	case "one", "count":
		cnt := func(ev *Eval) int {
			n := 0
			for _, x := range list(ev) {
				if test(ev, x) {
					n++
				}
			}
			return n
		}
		if name == "count" {
			return cval{t: TInt, fn: cnt}
		}
		return cval{t: TBool, fn: func(ev *Eval) bool { return cnt(ev) == 1 }}
	case "filter":
		return cval{t: lt, fn: func(ev *Eval) []S {
			var out []S
			for _, x := range list(ev) {
				if test(ev, x) {
					out = append(out, x)
				}
			}
			return out
		}}
	}
	return cval{t: TInvalid}
}

// listOps are the list operations over []E for an object type E.
type listOps interface {
	current() any                          // func(*Eval) *E: the innermost predicate item
	item() any                             // func(*Eval) *E: the occurrence of a penalty rule
	length(list any) any                   // func(*Eval) int
	index(list any, i func(*Eval) int) any // func(*Eval) *E
	iterate(name string, list any, pred func(*Eval) bool) (any, *Type)
	mapTo(list any, body any) any                 // body func(*Eval) T -> func(*Eval) []T
	letRead(idx int) any                          // func(*Eval) []E reading a let
	pointers(dst []any, list any, ev *Eval) []any // dst with the items of a list appended as *E
}

func (objList[E]) letRead(idx int) any { return letAnyRead[[]E](idx) }

func (objList[E]) pointers(dst []any, list any, ev *Eval) []any {
	xs := list.(func(*Eval) []E)(ev)
	if !ev.spend(len(xs)) {
		return dst
	}
	dst = slices.Grow(dst, len(xs))
	for i := range xs {
		dst = append(dst, &xs[i])
	}
	return dst
}

type objList[E any] struct{ o *objType }

func listOpsFor[E any](o *objType) listOps { return objList[E]{o} }

func (objList[E]) current() any {
	return func(ev *Eval) *E {
		p, _ := ev.objItems[len(ev.objItems)-1].(*E)
		return p
	}
}

func (objList[E]) item() any {
	return func(ev *Eval) *E {
		p, _ := ev.item.(*E)
		return p
	}
}

func (objList[E]) length(list any) any {
	l := list.(func(*Eval) []E)
	return func(ev *Eval) int { return len(l(ev)) }
}

func (objList[E]) index(list any, i func(*Eval) int) any {
	l := list.(func(*Eval) []E)
	return func(ev *Eval) *E {
		xs, k := l(ev), i(ev)
		if k < 0 || k >= len(xs) {
			ev.fail("index %d out of range (the list has %d items)", k, len(xs))
			return nil
		}
		return &xs[k]
	}
}

func (o objList[E]) iterate(name string, list any, pred func(*Eval) bool) (any, *Type) {
	all := list.(func(*Eval) []E)
	l := func(ev *Eval) []E {
		xs := all(ev)
		if !ev.spend(len(xs)) {
			return nil
		}
		return xs
	}
	test := func(ev *Eval, p *E) bool {
		ev.objItems = append(ev.objItems, p)
		ok := pred(ev)
		ev.objItems = ev.objItems[:len(ev.objItems)-1]
		return ok
	}
	switch name {
	case "any":
		return func(ev *Eval) bool {
			xs := l(ev)
			for i := range xs {
				if test(ev, &xs[i]) {
					return true
				}
			}
			return false
		}, TBool
	case "all":
		return func(ev *Eval) bool {
			xs := l(ev)
			for i := range xs {
				if !test(ev, &xs[i]) {
					return false
				}
			}
			return true
		}, TBool
	case "none":
		return func(ev *Eval) bool {
			xs := l(ev)
			for i := range xs {
				if test(ev, &xs[i]) {
					return false
				}
			}
			return true
		}, TBool
	case "one", "count":
		cnt := func(ev *Eval) int {
			xs := l(ev)
			n := 0
			for i := range xs {
				if test(ev, &xs[i]) {
					n++
				}
			}
			return n
		}
		if name == "count" {
			return cnt, TInt
		}
		return func(ev *Eval) bool { return cnt(ev) == 1 }, TBool
	case "filter":
		return func(ev *Eval) []E {
			xs := l(ev)
			var out []E
			for i := range xs {
				if test(ev, &xs[i]) {
					out = append(out, xs[i])
				}
			}
			return out
		}, nil
	}
	return nil, TInvalid
}

func (objList[E]) mapTo(list any, body any) any {
	l := list.(func(*Eval) []E)
	switch b := body.(type) {
	case func(*Eval) int:
		return mapObjs(l, b)
	case func(*Eval) decimal.Decimal:
		return mapObjs(l, b)
	case func(*Eval) string:
		return mapObjs(l, b)
	}
	return nil
}

func mapObjs[E, T any](l func(*Eval) []E, body func(*Eval) T) func(*Eval) []T {
	return func(ev *Eval) []T {
		xs := l(ev)
		if !ev.spend(len(xs)) {
			return nil
		}
		out := make([]T, 0, len(xs))
		for i := range xs {
			ev.objItems = append(ev.objItems, &xs[i])
			out = append(out, body(ev))
			ev.objItems = ev.objItems[:len(ev.objItems)-1]
		}
		return out
	}
}

func sumOf(m cval) cval {
	switch m.t.Elem.Kind {
	case KInt:
		f := fnOf[[]int](m)
		return cval{t: TInt, fn: func(ev *Eval) int {
			xs := f(ev)
			if !ev.spend(len(xs)) {
				return 0
			}
			s := 0
			for _, x := range xs {
				s = ev.addInt(s, x)
			}
			return s
		}}
	case KDec:
		f := fnOf[[]decimal.Decimal](m)
		return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal {
			xs := f(ev)
			if !ev.spend(len(xs)) {
				return decimal.Decimal{}
			}
			s := decimal.Decimal{}
			for _, x := range xs {
				s = s.Add(x)
			}
			return ev.dec(s)
		}}
	}
	return cval{t: TInvalid}
}
