package lang

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/anzexian/anzexian/internal/yamlx"
	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// A function of the rule language: the signatures the expr checker types
// calls against, and how a call compiles to a closure. Operators on decimals
// and dates are rewritten to calls of the dec_* and date_* functions before
// type checking (expr cannot overload operators otherwise), and compile back
// to direct arithmetic here.
type function struct {
	name  string
	doc   string
	types []any // pointers to func types, for expr.Function
	// compile builds the call; args are compiled already.
	compile func(c *compiler, n *ast.CallNode, args []cval) cval
	// hidden functions are operator rewrites, not for rule authors.
	hidden bool
	// typesFn builds types that mention the checker's view types.
	typesFn func() []any
	// pure functions read only their arguments (not the facts, the as-of
	// date nor the obligation): a call has one value on any day and stack
	pure bool
}

func (f *function) checkTypes() []any {
	if f.typesFn != nil {
		return f.typesFn()
	}
	return f.types
}

type (
	dd = decimal.Decimal
)

func decOps(sig string) []any {
	switch sig {
	case "arith":
		return []any{new(func(dd, dd) dd), new(func(dd, int) dd), new(func(int, dd) dd)}
	case "cmp":
		return []any{new(func(dd, dd) bool), new(func(dd, int) bool), new(func(int, dd) bool)}
	}
	return nil
}

func opFunc(name, op string, types []any, arith bool) *function {
	return &function{name: name, hidden: true, pure: true, types: types, compile: func(c *compiler, n *ast.CallNode, a []cval) cval {
		if len(a) != 2 {
			return c.errorf(n, "", "%s takes two operands", op)
		}
		switch {
		case arith:
			return c.arith(n, op, a[0], a[1])
		case op == "==" || op == "!=":
			bn := &ast.BinaryNode{Operator: op, Left: n.Arguments[0], Right: n.Arguments[1]}
			bn.SetLocation(n.Location())
			return c.equality(bn, a[0], a[1], op == "!=")
		}
		return c.compare(n, op, a[0], a[1])
	}}
}

var dateCmp = []any{new(func(facts.Date, facts.Date) bool)}

// functions is the function table of the rule language.
var Functions = map[string]*function{}

func init() {
	for _, f := range []*function{
		opFunc("dec_add", "+", decOps("arith"), true),
		opFunc("dec_sub", "-", decOps("arith"), true),
		opFunc("dec_mul", "*", decOps("arith"), true),
		opFunc("dec_div", "/", decOps("arith"), true),
		opFunc("dec_lt", "<", decOps("cmp"), false),
		opFunc("dec_le", "<=", decOps("cmp"), false),
		opFunc("dec_gt", ">", decOps("cmp"), false),
		opFunc("dec_ge", ">=", decOps("cmp"), false),
		opFunc("dec_eq", "==", decOps("cmp"), false),
		opFunc("dec_ne", "!=", decOps("cmp"), false),
		opFunc("date_lt", "<", dateCmp, false),
		opFunc("date_le", "<=", dateCmp, false),
		opFunc("date_gt", ">", dateCmp, false),
		opFunc("date_ge", ">=", dateCmp, false),
		opFunc("date_eq", "==", dateCmp, false),
		opFunc("date_ne", "!=", dateCmp, false),
		{name: "dec_neg", pure: true, hidden: true, types: []any{new(func(dd) dd)}, compile: func(c *compiler, n *ast.CallNode, a []cval) cval {
			if len(a) != 1 || a[0].t.Kind != KDec {
				return c.errorf(n, "", "unary - needs a number")
			}
			if a[0].isConst {
				return constOf(TDec, a[0].cv.(decimal.Decimal).Neg())
			}
			f := fnOf[decimal.Decimal](a[0])
			return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return f(ev).Neg() }}
		}},
		{name: "date", pure: true, doc: `date("2021-09-01"): a date constant`, types: []any{new(func(string) facts.Date)}, compile: fnDate},
		{name: "decimal", pure: true, doc: "decimal(n): the whole number n as a decimal", types: []any{new(func(int) dd), new(func(dd) dd)}, compile: fnDecimal},
		{name: "in_sector", doc: `in_sector("construction", …): the enterprise has a sector equal to or under one of the codes`, types: []any{new(func(...string) bool)}, compile: fnInSector},
		{name: "under", pure: true, doc: `under(code, "hazardous_chemicals", …): code equals or is a sub-code of one of the prefixes`, types: []any{new(func(string, ...string) bool)}, compile: fnUnder},
		{name: "has_site", doc: `has_site("confined_space", …): the enterprise has a site of one of the kinds`, types: []any{new(func(...string) bool)}, compile: fnHasSite},
		{name: "site_workers", doc: `site_workers("explosive_dust", …): workers on the posts of sites of those kinds`, types: []any{new(func(...string) int)}, compile: fnSiteWorkers},
		{name: "accidents_within", doc: "accidents_within(n): accidents dated after the as-of date minus n years, up to the as-of date (近n年)", typesFn: func() []any {
			ft := reflect.FuncOf([]reflect.Type{reflect.TypeOf(0)}, []reflect.Type{viewType(listT(accidentObj))}, false)
			return []any{reflect.Zero(ft).Interface()}
		}, compile: fnAccidentsWithin},
		{name: "add_days", pure: true, doc: "add_days(d, n): the date n days after d", types: []any{new(func(facts.Date, int) facts.Date)}, compile: fnAddDays},
		{name: "add_years", pure: true, doc: "add_years(d, n): the same day n years later (29 Feb → 28 Feb)", types: []any{new(func(facts.Date, int) facts.Date)}, compile: fnAddYears},
		{name: "days_between", pure: true, doc: "days_between(a, b): days from a to b (negative if b is earlier)", types: []any{new(func(facts.Date, facts.Date) int)}, compile: fnDaysBetween},
		{name: "year", pure: true, doc: "year(d): the year of d", types: []any{new(func(facts.Date) int)}, compile: fnYear},
		{name: "max", pure: true, doc: "max(a, b, …) or max(list): the largest of decimals, ints or dates", types: []any{new(func(...dd) dd), new(func(...int) int), new(func([]dd) dd), new(func([]int) int), new(func(...facts.Date) facts.Date), new(func([]any) any)}, compile: fnMinMax(1)},
		{name: "min", pure: true, doc: "min(a, b, …) or min(list): the smallest of decimals, ints or dates", types: []any{new(func(...dd) dd), new(func(...int) int), new(func([]dd) dd), new(func([]int) int), new(func(...facts.Date) facts.Date), new(func([]any) any)}, compile: fnMinMax(-1)},
		{name: "abs", pure: true, doc: "abs(x): the absolute value of a decimal or an int", types: []any{new(func(dd) dd), new(func(int) int)}, compile: fnAbs},
		{name: "round", pure: true, doc: `round(x, scale) rounds half away from zero; round(x, scale, "half_even"|"down"|"half_up")`, types: []any{new(func(dd, int) dd), new(func(dd, int, string) dd)}, compile: fnRound},
	} {
		Functions[f.name] = f
	}
}

func fnDate(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) != 1 || !a[0].isConst {
		return c.errorf(n, `write a constant such as date("2021-09-01")`, "date() needs a constant string")
	}
	d, err := facts.ParseDate(a[0].cv.(string))
	if err != nil {
		return c.errorf(n.Arguments[0], "write the date as YYYY-MM-DD", "%v", err)
	}
	if d.Before(facts.MinDate) || d.After(facts.MaxDate) {
		return c.errorf(n.Arguments[0], "", "date %s is out of range (%s–%s)", d, facts.MinDate, facts.MaxDate)
	}
	return constOf(TDate, d)
}

func fnDecimal(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) != 1 {
		return c.errorf(n, "", "decimal() takes one argument")
	}
	return toDec(a[0])
}

// constStrings checks that every argument is a constant string and that each
// is a code of vocab; it returns the strings.
func (c *compiler) constStrings(n *ast.CallNode, a []cval, vocab facts.Vocabulary, what string) ([]string, bool) {
	out := make([]string, 0, len(a))
	ok := true
	for i, x := range a {
		s, isStr := x.cv.(string)
		if !x.isConst || !isStr {
			c.errorf(n.Arguments[i], "", "%s() takes constant codes", n.Callee.(*ast.IdentifierNode).Value)
			c.errs[len(c.errs)-1].code = "expr.args"
			ok = false
			continue
		}
		if vocab != nil && !vocab.Has(s) {
			hint := ""
			if sg := suggest.Closest(s, vocab.Codes()); sg != "" {
				hint = fmt.Sprintf("did you mean %q?", sg)
			} else {
				hint = suggest.CodesHint(vocab.Codes())
			}
			c.errorf(n.Arguments[i], hint, "%q is not a %s code", s, what)
			ok = false
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 && ok {
		c.errorf(n, "", "%s() needs at least one code", n.Callee.(*ast.IdentifierNode).Value)
		c.errs[len(c.errs)-1].code = "expr.args"
		ok = false
	}
	return out, ok
}

func fnInSector(c *compiler, n *ast.CallNode, a []cval) cval {
	prefixes, ok := c.constStrings(n, a, facts.Sectors, "sector")
	if !ok {
		return cval{t: TInvalid}
	}
	c.visits(cval{})
	return cval{t: TBool, sectors: prefixes, fn: func(ev *Eval) bool {
		if !ev.spend(len(ev.f.Sectors)) {
			return false
		}
		for _, s := range ev.f.Sectors {
			for _, p := range prefixes {
				if facts.SectorMatch(s, p) {
					return true
				}
			}
		}
		return false
	}}
}

func fnUnder(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) < 2 || a[0].t.Kind != KStr {
		return c.errorf(n, "", `under(code, "prefix", …) takes a code and constant prefixes`)
	}
	var vocab facts.Vocabulary
	if a[0].t.Vocab != "" && c.vocab != nil {
		vocab = c.vocab(a[0].t.Vocab)
	}
	prefixes, ok := c.constStrings(n, a[1:], vocab, vocabName(a[0].t.Vocab))
	if !ok {
		return cval{t: TInvalid}
	}
	f := fnOf[string](a[0])
	return cval{t: TBool, fn: func(ev *Eval) bool {
		s := f(ev)
		for _, p := range prefixes {
			if facts.SectorMatch(s, p) {
				return true
			}
		}
		return false
	}}
}

func fnHasSite(c *compiler, n *ast.CallNode, a []cval) cval {
	kinds, ok := c.constStrings(n, a, facts.SiteKinds, "site kind")
	if !ok {
		return cval{t: TInvalid}
	}
	c.visits(cval{})
	return cval{t: TBool, fn: func(ev *Eval) bool {
		if !ev.spend(len(ev.f.Sites)) {
			return false
		}
		for _, s := range ev.f.Sites {
			for _, k := range kinds {
				if s.Kind == k {
					return true
				}
			}
		}
		return false
	}}
}

func fnSiteWorkers(c *compiler, n *ast.CallNode, a []cval) cval {
	kinds, ok := c.constStrings(n, a, facts.SiteKinds, "site kind")
	if !ok {
		return cval{t: TInvalid}
	}
	c.visits(cval{})
	return cval{t: TInt, fn: func(ev *Eval) int {
		if !ev.spend(len(ev.f.Sites)) {
			return 0
		}
		total := 0
		for _, s := range ev.f.Sites {
			for _, k := range kinds {
				if s.Kind == k {
					total = ev.addInt(total, s.Workers)
					break
				}
			}
		}
		return total
	}}
}

// AccidentsWithin returns the accidents dated after asOf minus years and on
// or before asOf: the window "近n年" counted back from the as-of date. An
// accident exactly n years before asOf is outside (the window holds n years
// of days, not n years and a day).
func AccidentsWithin(acc []facts.Accident, asOf facts.Date, years int) []facts.Accident {
	from := asOf.AddYears(-years)
	var out []facts.Accident
	for _, a := range acc {
		if a.Date.After(from) && !a.Date.After(asOf) {
			out = append(out, a)
		}
	}
	return out
}

func fnAccidentsWithin(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) != 1 || a[0].t.Kind != KInt {
		return c.errorf(n, "", "accidents_within(n) takes a whole number of years")
	}
	if a[0].isConst && (a[0].cv.(int) < 1 || a[0].cv.(int) > 100) {
		return c.errorf(n.Arguments[0], "", "accidents_within(n) needs 1 ≤ n ≤ 100")
	}
	years := fnOf[int](a[0])
	c.visits(cval{})
	return cval{t: listT(accidentObj), fn: func(ev *Eval) []facts.Accident {
		acc := ev.accidentsByDate()
		if !ev.spend(1) { // a binary search in the accidents sorted once
			return nil
		}
		y := years(ev)
		from := ev.asOf.AddYears(-y)
		lo := sort.Search(len(acc), func(i int) bool { return acc[i].Date.After(from) })
		if lo < len(acc) {
			ev.limit(WindowEnd(acc[lo].Date, y).AddDays(1))
		}
		return acc[lo:]
	}}
}

func fnAddDays(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) != 2 || a[0].t.Kind != KDate || a[1].t.Kind != KInt {
		return c.errorf(n, "", "add_days(date, n)")
	}
	d, k := fnOf[facts.Date](a[0]), fnOf[int](a[1])
	return cval{t: TDate, fn: func(ev *Eval) facts.Date { return clampDate(ev, d(ev).AddDays(k(ev))) }}
}

func fnAddYears(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) != 2 || a[0].t.Kind != KDate || a[1].t.Kind != KInt {
		return c.errorf(n, "", "add_years(date, n)")
	}
	d, k := fnOf[facts.Date](a[0]), fnOf[int](a[1])
	return cval{t: TDate, fn: func(ev *Eval) facts.Date {
		y := k(ev)
		if y < -1000 || y > 1000 {
			ev.fail("add_years: %d years is out of range", y)
			return d(ev)
		}
		return clampDate(ev, d(ev).AddYears(y))
	}}
}

func clampDate(ev *Eval, d facts.Date) facts.Date {
	if d.IsZero() || d.Before(facts.NewDate(1, 1, 1)) || d.After(facts.NewDate(9999, 12, 31)) {
		ev.fail("date arithmetic went out of range")
		return facts.MaxDate
	}
	return d
}

func fnDaysBetween(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) != 2 || a[0].t.Kind != KDate || a[1].t.Kind != KDate {
		return c.errorf(n, "", "days_between(date, date)")
	}
	x, y := fnOf[facts.Date](a[0]), fnOf[facts.Date](a[1])
	return cval{t: TInt, fn: func(ev *Eval) int { return x(ev).DaysUntil(y(ev)) }}
}

func fnYear(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) != 1 || a[0].t.Kind != KDate {
		return c.errorf(n, "", "year(date)")
	}
	x := fnOf[facts.Date](a[0])
	return cval{t: TInt, fn: func(ev *Eval) int { return x(ev).Year() }}
}

func fnMinMax(sign int) func(c *compiler, n *ast.CallNode, a []cval) cval {
	name := "max"
	if sign < 0 {
		name = "min"
	}
	return func(c *compiler, n *ast.CallNode, a []cval) cval {
		if len(a) == 1 && a[0].t.Kind == KList {
			c.visits(a[0])
			switch a[0].t.Elem.Kind {
			case KInt:
				f := fnOf[[]int](a[0])
				return cval{t: TInt, fn: func(ev *Eval) int {
					xs := f(ev)
					if !ev.spend(len(xs)) {
						return 0
					}
					if len(xs) == 0 {
						ev.fail("%s of an empty list", name)
						return 0
					}
					m := xs[0]
					for _, x := range xs[1:] {
						if (sign > 0 && x > m) || (sign < 0 && x < m) {
							m = x
						}
					}
					return m
				}}
			case KDec:
				f := fnOf[[]decimal.Decimal](a[0])
				return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal {
					xs := f(ev)
					if !ev.spend(len(xs)) {
						return decimal.Decimal{}
					}
					if len(xs) == 0 {
						ev.fail("%s of an empty list", name)
						return decimal.Decimal{}
					}
					m := xs[0]
					for _, x := range xs[1:] {
						if x.Cmp(m)*sign > 0 {
							m = x
						}
					}
					return m
				}}
			}
			return c.errorf(n, "", "%s needs numbers", name)
		}
		if len(a) == 0 {
			return c.errorf(n, "", "%s needs arguments", name)
		}
		if a[0].t.Kind == KDate {
			fs := make([]func(*Eval) facts.Date, len(a))
			for i := range a {
				if a[i].t.Kind != KDate {
					return c.errorf(n, "", "%s cannot mix dates with %s", name, a[i].t)
				}
				fs[i] = fnOf[facts.Date](a[i])
			}
			return cval{t: TDate, fn: func(ev *Eval) facts.Date {
				m := fs[0](ev)
				for _, f := range fs[1:] {
					if x := f(ev); x.Compare(m)*sign > 0 {
						m = x
					}
				}
				return m
			}}
		}
		allInt := true
		for _, x := range a {
			switch x.t.Kind {
			case KInt:
			case KDec:
				allInt = false
			default:
				return c.errorf(n, "", "%s needs numbers, not %s", name, x.t)
			}
		}
		if allInt {
			fs := make([]func(*Eval) int, len(a))
			for i := range a {
				fs[i] = fnOf[int](a[i])
			}
			return cval{t: TInt, fn: func(ev *Eval) int {
				m := fs[0](ev)
				for _, f := range fs[1:] {
					x := f(ev)
					if (sign > 0 && x > m) || (sign < 0 && x < m) {
						m = x
					}
				}
				return m
			}}
		}
		fs := make([]func(*Eval) decimal.Decimal, len(a))
		for i := range a {
			fs[i] = fnOf[decimal.Decimal](toDec(a[i]))
		}
		return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal {
			m := fs[0](ev)
			for _, f := range fs[1:] {
				x := f(ev)
				if x.Cmp(m)*sign > 0 {
					m = x
				}
			}
			return m
		}}
	}
}

func fnAbs(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) != 1 {
		return c.errorf(n, "", "abs takes one argument")
	}
	switch a[0].t.Kind {
	case KInt:
		f := fnOf[int](a[0])
		return cval{t: TInt, fn: func(ev *Eval) int {
			if x := f(ev); x < 0 {
				return ev.negInt(x)
			} else {
				return x
			}
		}}
	case KDec:
		f := fnOf[decimal.Decimal](a[0])
		return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return f(ev).Abs() }}
	}
	return c.errorf(n, "", "abs needs a number")
}

func fnRound(c *compiler, n *ast.CallNode, a []cval) cval {
	if len(a) < 2 || len(a) > 3 || a[1].t.Kind != KInt || !a[1].isConst {
		return c.errorf(n, "", "round(x, scale[, mode]) takes a constant scale")
	}
	scale := a[1].cv.(int)
	if scale < 0 || scale > yamlx.MaxDecimalFracDigits {
		return c.errorf(n.Arguments[1], "", "scale must be between 0 and %d", yamlx.MaxDecimalFracDigits)
	}
	mode := "half_up"
	if len(a) == 3 {
		m, ok := a[2].cv.(string)
		if !a[2].isConst || !ok || (m != "half_up" && m != "half_even" && m != "down") {
			return c.errorf(n.Arguments[2], "", `mode must be "half_up", "half_even" or "down"`)
		}
		mode = m
	}
	x := toDec(a[0])
	if x.t.Kind != KDec {
		return c.errorf(n, "", "round needs a decimal")
	}
	f := fnOf[decimal.Decimal](x)
	return cval{t: TDec, fn: func(ev *Eval) decimal.Decimal { return RoundMode(f(ev), int32(scale), mode) }}
}

func (c *compiler) call(n *ast.CallNode) cval {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return c.errorf(n, "", "only functions of the rule language can be called")
	}
	f := Functions[id.Value]
	if f == nil {
		return c.errorf(n, functionHint(id.Value), "unknown function %s", id.Value)
	}
	switch id.Value {
	case "in_sector", "has_site", "site_workers", "accidents_within":
		c.impure++ // they read the facts
	}
	args := make([]cval, len(n.Arguments))
	for i, x := range n.Arguments {
		args[i] = c.compile(x)
		if args[i].t.Kind == KInvalid {
			return args[i]
		}
	}
	return f.compile(c, n, args)
}

func functionHint(name string) string {
	var names []string
	for k, f := range Functions {
		if !f.hidden {
			names = append(names, k)
		}
	}
	if s := suggest.Closest(name, names); s != "" {
		return fmt.Sprintf("did you mean %s()?", s)
	}
	return "functions: " + strings.Join(sortedNames(names), ", ")
}

func sortedNames(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
