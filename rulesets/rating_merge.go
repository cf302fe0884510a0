package rulesets

import (
	"fmt"
	"slices"
	"strings"

	"github.com/anzexian/anzexian/diag"
)

// MaxRatingScopes bounds the distinct scopes of one stack's rating layers
// and items. Every combination of them is a rating program whose pipeline
// is merged when the stack is built (2^8 = 256 at most), so that choosing
// an enterprise's program is a few checks and an index, and a stack error
// in any program is found when the stack is built, not when an enterprise
// happens to need it.
const MaxRatingScopes = 8

// diagSet collects diagnostics once each: the same problem found in
// several programs of a stack is one problem.
type diagSet struct {
	ds   diag.Diagnostics
	seen map[string]bool
}

func (s *diagSet) add(d *diag.Diagnostic) {
	k := d.Code + "\x00" + d.Subject.String() + "\x00" + d.Summary
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if !s.seen[k] {
		s.seen[k] = true
		s.ds = append(s.ds, d)
	}
}

// scopeKey identifies scopes that admit the same enterprises: the same
// sectors and the same condition of the same ruleset.
func scopeKey(s *Scope) string {
	w := ""
	if s.When != nil {
		w = s.When.Src
	}
	secs := slices.Clone(s.Sectors)
	slices.Sort(secs)
	return s.Ruleset.Key() + "\x00" + strings.Join(secs, ",") + "\x00" + w
}

// eachScope calls f for the scope of a rating layer and of each of its
// items.
func (x *Rating) eachScope(f func(*Scope)) {
	if x.Scope != nil {
		f(x.Scope)
	}
	for _, b := range x.Bases {
		if b.Scope != nil {
			f(b.Scope)
		}
	}
	for _, fc := range x.Factors {
		if fc.Scope != nil {
			f(fc.Scope)
		}
	}
	for _, m := range x.Removals {
		if m.Scope != nil {
			f(m.Scope)
		}
	}
	if x.Clamp != nil && x.Clamp.Scope != nil {
		f(x.Clamp.Scope)
	}
	if x.Minimum != nil && x.Minimum.Scope != nil {
		f(x.Minimum.Scope)
	}
}

// mergeRating merges the rating layers of the stack into one pipeline per
// rating program: per combination of the scopes its layers and items
// declare.
func (st *Stack) mergeRating() diag.Diagnostics {
	var layers []*Ruleset
	for _, rs := range st.Layers {
		if rs.Rating != nil {
			layers = append(layers, rs)
		}
	}
	if len(layers) == 0 {
		return nil
	}
	var ds diagSet
	checkRemovals(layers, &ds)
	idx := map[*Scope]int{}
	byKey := map[string]int{}
	var scopes []*Scope
	for _, rs := range layers {
		rs.Rating.eachScope(func(s *Scope) {
			k := scopeKey(s)
			i, ok := byKey[k]
			if !ok {
				i = len(scopes)
				byKey[k] = i
				scopes = append(scopes, s)
			}
			idx[s] = i
		})
	}
	if len(scopes) > MaxRatingScopes {
		ds.add(&diag.Diagnostic{Severity: diag.SeverityError, Code: "stack.scopes", Subject: scopes[MaxRatingScopes].At,
			Summary: fmt.Sprintf("the rating layers of this stack declare %d distinct scopes; the limit is %d", len(scopes), MaxRatingScopes),
			Hint:    "scope whole layers (rating.scope) rather than each item, and give items of one line of business the same scope"})
		return ds.ds
	}
	st.RatingScopes = scopes
	st.RatingPrograms = make([]*RatingStack, 1<<len(scopes))
	for m := range st.RatingPrograms {
		admit := func(s *Scope) bool { return s == nil || m&(1<<idx[s]) != 0 }
		rt := mergeRatingFor(st, layers, admit, &ds)
		for i, s := range scopes {
			if m&(1<<i) != 0 {
				rt.Admitted = append(rt.Admitted, s)
			}
		}
		st.RatingPrograms[m] = rt
	}
	st.Rating = st.RatingPrograms[0]
	return ds.ds
}

// checkRemovals reports removals of what no lower layer of the stack sets,
// whatever the scopes: once per stack, at the removal.
func checkRemovals(layers []*Ruleset, ds *diagSet) {
	for i, rs := range layers {
		for _, m := range rs.Rating.Removals {
			found := false
			for _, lower := range layers[:i] {
				x := lower.Rating
				switch {
				case m.Clamp:
					found = found || x.Clamp != nil
				case m.Minimum:
					found = found || x.Minimum != nil
				default:
					for _, f := range x.Factors {
						found = found || f.ID == m.Factor
					}
				}
			}
			if found {
				continue
			}
			what := m.What()
			verb, code := "defines", "stack.unknown_factor"
			if m.Clamp || m.Minimum {
				verb, code = "sets", "stack.nothing_removed"
			}
			ds.add(&diag.Diagnostic{Severity: diag.SeverityError, Code: code, Subject: m.At, Path: m.path,
				Summary: fmt.Sprintf("%s removes %s, which no lower layer %s", rs.Key(), what, verb),
				Hint:    "remove: names what a national or provincial layer below this one sets; check the id, and the layers of this stack"})
		}
	}
}

// mergeRatingFor merges the layers for the enterprises admit admits.
func mergeRatingFor(st *Stack, layers []*Ruleset, admit func(*Scope) bool, ds *diagSet) *RatingStack {
	rt := &RatingStack{Currency: "CNY", Tables: map[string]*Table{}}
	factorIdx := map[string]int{}
	factorOwner := map[string]*Ruleset{}
	var bases [][]*Base // per layer
	regulatorSet := map[string]*Ruleset{}
	var active []*Ruleset
	var change func(verb, what string, at diag.Range) bool
	for _, rs := range layers {
		x := rs.Rating
		if !admit(x.Scope) {
			continue
		}
		active = append(active, rs)
		filing := rs.Kind == KindFiling
		override := func(what string, at diag.Range) bool { return change("replace", what, at) }
		change = func(verb, what string, at diag.Range) bool {
			if filing {
				if reg, ok := regulatorSet[what]; ok {
					ds.add(&diag.Diagnostic{Severity: diag.SeverityError, Code: "stack.filing_override", Subject: at,
						Summary: fmt.Sprintf("filing %s cannot %s the %s set by %s", rs.Key(), verb, what, reg.Key()),
						Hint:    "各承保公司应当严格执行规定的费率浮动标准: a filing adds base tables and its own factors only"})
					return false
				}
			} else {
				regulatorSet[what] = rs
			}
			return true
		}
		for _, t := range x.Tables {
			rt.Tables[t.ID] = t
		}
		var mine []*Base
		for _, b := range x.Bases {
			if !admit(b.Scope) {
				continue
			}
			for li := range bases {
				for bi := 0; bi < len(bases[li]); bi++ {
					if bases[li][bi].ID == b.ID { // a more local base replaces the lower one
						bases[li] = append(bases[li][:bi:bi], bases[li][bi+1:]...)
						bi--
					}
				}
			}
			if b.Table != nil && b.Table.Ruleset == nil && rt.Tables[b.Table.ID] == nil {
				ds.add(&diag.Diagnostic{Severity: diag.SeverityError, Code: "stack.unknown_table", Subject: b.Table.At,
					Summary: fmt.Sprintf("base %s reads table %s, which no layer of this stack defines", b.ID, b.Table.ID)})
			}
			mine = append(mine, b)
		}
		bases = append(bases, mine)
		for _, m := range x.Removals {
			if !admit(m.Scope) {
				continue
			}
			switch {
			case m.Clamp:
				if rt.Clamp != nil && change("remove", "clamp", m.At) {
					rt.Clamp = nil
					rt.Removed = append(rt.Removed, m)
				}
			case m.Minimum:
				if rt.Minimum != nil && change("remove", "minimum premium", m.At) {
					rt.Minimum = nil
					rt.Removed = append(rt.Removed, m)
				}
			default:
				i, ok := factorIdx[m.Factor]
				if !ok || !change("remove", "factor "+m.Factor, m.At) {
					continue // not in this program (checked once by checkRemovals)
				}
				rt.Removed = append(rt.Removed, m)
				rt.Factors = append(rt.Factors[:i], rt.Factors[i+1:]...)
				delete(factorIdx, m.Factor)
				for k, v := range factorIdx {
					if v > i {
						factorIdx[k] = v - 1
					}
				}
			}
		}
		for _, f := range x.Factors {
			if !admit(f.Scope) {
				continue
			}
			if i, ok := factorIdx[f.ID]; ok {
				if filing {
					ds.add(&diag.Diagnostic{Severity: diag.SeverityError, Code: "stack.filing_override", Subject: f.At,
						Summary: fmt.Sprintf("filing %s cannot replace factor %s set by %s", rs.Key(), f.ID, factorOwner[f.ID].Key()),
						Hint:    "各承保公司应当严格执行规定的费率浮动标准: give the insurer's own factor a new id"})
					continue
				}
				rt.Factors[i] = f
				factorOwner[f.ID] = rs
				continue
			}
			if !filing {
				regulatorSet["factor "+f.ID] = rs
			}
			factorIdx[f.ID] = len(rt.Factors)
			factorOwner[f.ID] = rs
			rt.Factors = append(rt.Factors, f)
		}
		if x.Combine != nil && override("combine mode", x.Combine.At) {
			rt.Combine = x.Combine
		}
		if x.Clamp != nil && admit(x.Clamp.Scope) && override("clamp", x.Clamp.At) {
			rt.Clamp = x.Clamp
		}
		if x.Minimum != nil && admit(x.Minimum.Scope) && override("minimum premium", x.Minimum.At) {
			rt.Minimum = x.Minimum
		}
		if x.Rounding != nil && override("rounding", x.Rounding.At) {
			rt.Rounding = x.Rounding
		}
		if x.PreventionCap != nil && override("prevention cap", x.PreventionCap.At) {
			rt.PreventionCap = x.PreventionCap
		}
		rt.Caveats = append(rt.Caveats, x.Caveats...)
		rt.Required = append(rt.Required, x.Required...)
	}
	for i := len(bases) - 1; i >= 0; i-- {
		rt.Bases = append(rt.Bases, bases[i]...)
	}
	if rt.Rounding == nil {
		rt.Rounding = &Rounding{Scale: 2, Mode: "half_up", Steps: []string{"premium"}}
	}
	if rt.Combine == nil {
		rt.Combine = &Combine{Mode: "multiply"}
	}
	rt.Competing = competing(active, admit)
	return rt
}

// sameRank reports whether two layers sit at the same level of a stack:
// neither is more local, and only their ids order them.
func sameRank(a, b *Ruleset) bool {
	return a.Region == b.Region && (a.Kind == KindFiling) == (b.Kind == KindFiling) && kindRank[a.Kind] == kindRank[b.Kind]
}

// provides lists what a scoped rating layer sets for the enterprises admit
// admits: "base", "factor x", "clamp", "minimum premium", "combine mode",
// "rounding", "prevention cap".
func provides(x *Rating, admit func(*Scope) bool) []string {
	var out []string
	for _, b := range x.Bases {
		if admit(b.Scope) {
			out = append(out, "base")
			break
		}
	}
	for _, f := range x.Factors {
		if admit(f.Scope) {
			out = append(out, "factor "+f.ID)
		}
	}
	for _, m := range x.Removals {
		if admit(m.Scope) {
			out = append(out, m.What())
		}
	}
	if x.Clamp != nil && admit(x.Clamp.Scope) {
		out = append(out, "clamp")
	}
	if x.Minimum != nil && admit(x.Minimum.Scope) {
		out = append(out, "minimum premium")
	}
	if x.Combine != nil {
		out = append(out, "combine mode")
	}
	if x.Rounding != nil {
		out = append(out, "rounding")
	}
	if x.PreventionCap != nil {
		out = append(out, "prevention cap")
	}
	return out
}

// competing names the pairs of scoped layers of the same rank that both
// apply and set the same things.
func competing(active []*Ruleset, admit func(*Scope) bool) []string {
	var out []string
	for i, a := range active {
		if a.Rating.Scope == nil {
			continue
		}
		for _, b := range active[i+1:] {
			if b.Rating.Scope == nil || !sameRank(a, b) {
				continue
			}
			if both := common(provides(a.Rating, admit), provides(b.Rating, admit)); len(both) > 0 {
				out = append(out, fmt.Sprintf("%s and %s both apply and both set the %s; %s, later in stack order, prevails",
					a.Key(), b.Key(), strings.Join(both, ", "), b.Key()))
			}
		}
	}
	return out
}

func common(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
