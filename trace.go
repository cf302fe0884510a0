package anzexian

import (
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// conditions index a stack's rule conditions by the rule references the
// trace names, and its lets by name; prepared once per stack.
type conditions struct {
	when map[string]*lang.Expr
	lets map[string]*lang.Expr
}

var conditionsKey = rulesets.NewMemoKey()

func stackConditions(st *rulesets.Stack) *conditions {
	return st.MemoAt(conditionsKey, func() any {
		c := &conditions{when: map[string]*lang.Expr{}, lets: map[string]*lang.Expr{}}
		for _, rs := range st.Layers {
			for _, l := range rs.Lets {
				c.lets[l.Name] = l.Expr
			}
			add := func(r *rulesets.Rule) {
				if r.When != nil {
					c.when[r.Ref()] = r.When
				}
			}
			for _, r := range rs.Coverage {
				add(&r.Rule)
			}
			for _, r := range rs.Requirements {
				add(&r.Rule)
			}
			for _, r := range rs.Findings {
				add(&r.Rule)
			}
			for _, r := range rs.Consequences {
				add(&r.Rule)
			}
			for _, r := range rs.Penalties {
				add(&r.Rule)
			}
			for _, r := range rs.References {
				add(&r.Rule)
			}
			if rt := rs.Rating; rt != nil {
				for _, b := range rt.Bases {
					add(&b.Rule)
				}
				for _, f := range rt.Factors {
					for _, cs := range f.Cases {
						if cs.When != nil {
							c.when[cs.Ref] = cs.When
						}
					}
				}
			}
		}
		return c
	}).(*conditions)
}

// explainTrace adds to each trace entry its rule's condition and the values
// the condition reads, as they stand on the as-of date. It runs only with
// WithTrace, after the answer is complete: evaluation records nothing.
func explainTrace(st *rulesets.Stack, ev *lang.Eval, a *Assessment, o options) {
	if a.Trace == nil || len(a.Trace.Rules) == 0 {
		return
	}
	f := ev.Facts()
	if !st.Binds(ev) {
		if err := st.Bind(ev, f, o.asOf, o.insurer); err != nil {
			return
		}
	} else {
		st.MoveTo(ev, o.asOf)
	}
	ev.SetObligation(string(a.Coverage.Obligation))
	c := stackConditions(st)
	let := func(name string) *lang.Expr { return c.lets[name] }
	for i := range a.Trace.Rules {
		e := &a.Trace.Rules[i]
		when := c.when[e.Rule]
		if when == nil {
			continue
		}
		e.Condition = when.Src
		for _, r := range when.Reads(ev, let) {
			e.Reads = append(e.Reads, rulesets.TraceRead{Name: r.Name, Value: r.Value})
		}
	}
}
