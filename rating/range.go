package rating

import (
	"errors"
	"fmt"
	"github.com/anzexian/anzexian/internal/fixed"
	"slices"
	"strings"

	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// A factor that cannot be decided because a fact is missing still has
// finitely many outcomes: its cases and its default, whatever the type of
// the fact. A quote then takes the case its ruleset declares as the
// assumption (assume:) and prices every combination of the outcomes the
// undecided factors could have, through the whole pipeline, for the exact
// range. Nothing here runs when every fact is given.

// undecided is a factor decided only by assumption.
type undecided struct {
	f       *rulesets.Factor
	pos     int // in Premium.Factors
	missing []string
	cands   []cand // the outcomes it could have
	assumed int    // index in cands
}

// cand is one outcome of an undecided factor: a case (or the default) and
// its value.
type cand struct {
	c      *rulesets.Case
	cm     *caseMemo
	value  decimal.Decimal
	delta  decimal.Decimal
	isTrue bool // its condition holds (it is not only possible)
}

// undecide works out the outcomes an undecided factor could have, given
// what the facts do decide, and fills out with the assumed one. It returns
// nil when the facts given leave a single outcome (the factor is decided
// after all), and an error when the factor cannot be ranged (a value needs
// a missing fact, or the assumed case cannot apply to these facts).
func undecide(f *rulesets.Factor, fm *factorMemo, out *Factor, ev *lang.Eval, cause error) (*undecided, error) {
	u := &undecided{f: f}
	addMissing := func(err error) {
		for _, x := range answer.MissingOf(err) {
			if !slices.Contains(u.missing, x) {
				u.missing = append(u.missing, x)
			}
		}
	}
	addMissing(cause)
	valueOf := func(c *rulesets.Case, cm *caseMemo) (cand, error) {
		x := cand{c: c, cm: cm, value: cm.value, delta: cm.delta}
		if !cm.literal {
			v, err := c.Value.Decimal(ev)
			if err != nil {
				return x, err
			}
			x.value, x.delta = v, delta(f.Unit, v)
		}
		return x, nil
	}
	var trues, unknown []cand
	for i, c := range f.Cases {
		ok, err := c.When.Bool(ev)
		if err != nil && !errors.Is(err, lang.ErrMissing) {
			return nil, err
		}
		if err == nil && !ok {
			continue
		}
		x, verr := valueOf(c, &fm.cases[i])
		if verr != nil {
			return nil, verr
		}
		if err != nil {
			addMissing(err)
			unknown = append(unknown, x)
		} else {
			x.isTrue = true
			trues = append(trues, x)
		}
		if f.Pick == "first" && err == nil {
			break // a case that holds ends the search
		}
	}
	def := func() (cand, error) { return valueOf(f.Default, &fm.def) }
	switch f.Pick {
	case "first":
		u.cands = append(u.cands, unknown...)
		u.cands = append(u.cands, trues...)
		if len(trues) == 0 {
			d, err := def()
			if err != nil {
				return nil, err
			}
			u.cands = append(u.cands, d)
		}
	default: // highest or lowest of the cases that hold
		better := func(a, b decimal.Decimal) bool {
			if f.Pick == "highest" {
				return a.GreaterThan(b)
			}
			return a.LessThan(b)
		}
		var base cand
		if len(trues) > 0 {
			base = trues[0]
			for _, x := range trues[1:] {
				if better(x.delta, base.delta) {
					base = x
				}
			}
		} else {
			d, err := def()
			if err != nil {
				return nil, err
			}
			base = d
		}
		u.cands = append(u.cands, base)
		for _, x := range unknown {
			if len(trues) == 0 || better(x.delta, base.delta) {
				u.cands = append(u.cands, x)
			}
		}
	}
	// in the order of the cases, the default last
	slices.SortStableFunc(u.cands, func(a, b cand) int { return caseIndex(f, a.c) - caseIndex(f, b.c) })
	u.assumed = -1
	want := f.AssumedCase()
	for i, x := range u.cands {
		if x.c == want {
			u.assumed = i
		}
	}
	if len(u.cands) == 1 {
		fill(f, fm, out, ev, u.cands[0], trues)
		return nil, nil
	}
	if u.assumed < 0 {
		return nil, fmt.Errorf("factor %s cannot be decided without %s, and the case it assumes (%s) cannot apply to these facts: it could be %s",
			f.ID, strings.Join(u.missing, ", "), f.Assume, strings.Join(u.caseIDs(), ", "))
	}
	fill(f, fm, out, ev, u.cands[u.assumed], trues)
	out.Assumed = true
	return u, nil
}

func caseIndex(f *rulesets.Factor, c *rulesets.Case) int {
	for i, x := range f.Cases {
		if x == c {
			return i
		}
	}
	return len(f.Cases) // the default, last
}

func (u *undecided) caseIDs() []string {
	out := make([]string, len(u.cands))
	for i, x := range u.cands {
		out[i] = x.cm.id
	}
	return out
}

// fill writes outcome x of factor f into the worksheet entry out; trues
// are the cases whose conditions hold (for highest and lowest picks).
func fill(f *rulesets.Factor, fm *factorMemo, out *Factor, ev *lang.Eval, x cand, trues []cand) {
	out.Matched = nil
	if f.Pick != "first" {
		for _, t := range trues {
			out.Matched = append(out.Matched, t.cm.id)
		}
	}
	out.Case = x.cm.id
	out.Value = x.value
	out.Delta = x.delta
	out.Reason = x.c.Reason
	if x.cm.allStatic {
		out.Cite = x.cm.all
	} else {
		out.Cite = append(fm.cites.Get(ev, f.Ruleset, f.Cite), x.cm.cites.Get(ev, f.Ruleset, x.c.Cite)...)
	}
	out.Illustrative = f.Illustrative || x.c.Illustrative
	out.Unverified = f.Unverified || x.c.Unverified
}

// priceRange prices every combination of the undecided factors' outcomes
// through the pipeline of p (its base, the other factors, the combination
// mode, the clamp, the minimum and the rounding) and returns the range.
func priceRange(rt *rulesets.RatingStack, p *Premium, und []undecided) (*Range, error) {
	// outcomes with the same value give the same premium: price each
	// value once
	distinct := make([][]int, len(und))
	total := 1
	for k, u := range und {
		for i, x := range u.cands {
			dup := false
			for _, j := range distinct[k] {
				dup = dup || u.cands[j].delta.Equal(x.delta)
			}
			if !dup {
				distinct[k] = append(distinct[k], i)
			}
		}
		total *= len(distinct[k])
		if total > MaxCombinations {
			inc := &Incomplete{Reason: fmt.Sprintf("%d factors cannot be decided for want of facts, and their combinations of cases exceed the %d a provisional quote is priced over: give the facts",
				len(und), MaxCombinations)}
			for _, u := range und {
				inc.Undetermined = append(inc.Undetermined, rulesets.Undetermined{Rule: u.f.Ref(), Kind: "factor", Missing: u.missing})
			}
			return nil, inc
		}
	}
	fs := slices.Clone(p.Factors)
	at := make([]int, len(und))
	r := &Range{Combinations: total}
	var minAt, maxAt []int
	for first := true; ; first = false {
		for k, u := range und {
			fs[u.pos].Delta = u.cands[distinct[k][at[k]]].delta
		}
		amt := amountWith(rt, p, fs)
		if first || amt.LessThan(r.Min) {
			r.Min, minAt = amt, slices.Clone(at)
		}
		if first || amt.GreaterThan(r.Max) {
			r.Max, maxAt = amt, slices.Clone(at)
		}
		k := 0
		for ; k < len(at); k++ {
			if at[k]++; at[k] < len(distinct[k]) {
				break
			}
			at[k] = 0
		}
		if k == len(at) {
			break
		}
	}
	for k, u := range und {
		r.Undecided = append(r.Undecided, Undecided{Factor: u.f.ID, Rule: u.f.Ref(), Missing: u.missing, Cases: u.caseIDs(),
			Assumed: u.cands[u.assumed].cm.id, MinCase: u.cands[distinct[k][minAt[k]]].cm.id, MaxCase: u.cands[distinct[k][maxAt[k]]].cm.id})
	}
	return r, nil
}

// amountWith is the premium of p's pipeline with the factors' deltas fs.
func amountWith(rt *rulesets.RatingStack, p *Premium, fs []Factor) decimal.Decimal {
	var min decimal.Decimal
	if p.Minimum != nil {
		min = p.Minimum.Amount
	}
	return settle(rt, fixed.Of(p.Base.Amount), fs, min).amount.Dec()
}
