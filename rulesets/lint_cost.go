package rulesets

import (
	"strconv"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/lang"
)

// lintCost warns where the work of a ruleset's rules grows faster than the
// facts: an expression that visits a list of the facts inside a predicate
// over another (Expr.Degree 2 or more), or a penalty rule with each: whose
// expressions, evaluated once an item, visit a list themselves. Such rules
// are correct but a large enterprise (40 000 accidents fit in a facts
// document) can exhaust the evaluation's budget (lang.MaxSteps), and then
// it gets no answer at all.
func lintCost(rs *Ruleset, warn func(diag.Range, string, string, string, ...any)) {
	const hint = "compute what the inner predicate needs once, in a let (a let is evaluated once an enterprise), and read the let inside the outer predicate"
	check := func(e *lang.Expr, outer int) {
		if e == nil || e.AST() == nil {
			return
		}
		if d := e.Degree() + outer; d >= 2 {
			warn(e.At, "lint.cost", hint, "the work of this expression grows with the %s of the size of the facts' lists (%s)", power(d), "a list visited inside a predicate over a list")
		}
	}
	rs.eachExpr(func(e *lang.Expr) { check(e, 0) })
	for _, p := range rs.Penalties {
		if p.Each == nil || p.Each.Degree() == 0 {
			continue
		}
		// every expression below runs once an item of each:
		for _, e := range []*lang.Expr{p.When, p.On, p.Since} {
			check(e, 1)
		}
		for _, cv := range p.Caveats {
			check(cv.When, 1)
		}
		for _, t := range p.Tiers {
			check(t.When, 1)
		}
	}
}

func power(d int) string {
	switch d {
	case 2:
		return "square"
	case 3:
		return "cube"
	}
	return "power " + strconv.Itoa(d)
}
