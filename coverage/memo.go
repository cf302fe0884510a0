package coverage

import (
	"math/bits"
	"slices"

	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/cowmap"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// What depends only on the stack is prepared once per stack (Stack.Memo)
// and shared by every answer built on it: the citations of rules whose
// citations carry no condition, the merged requirements for each
// combination of requirement rules that apply, and the obligation's rules
// and the reasons for each combination of coverage rules that apply.
// Answers share these slices; they are never modified after they are
// built.

var memoKey = rulesets.NewMemoKey()

type stackMemo struct {
	coverage []answer.CiteMemo // parallel to Stack.Coverage
	findings []answer.CiteMemo // parallel to Stack.Findings
	reqs     []answer.CiteMemo // parallel to Stack.Requirements
	layer    []int             // layer index of each requirement rule
	// merged holds the merged requirements by the set of requirement rules
	// that apply (bit i: rule i), when every requirement rule's citations
	// are static and there are at most 64 rules.
	mergeable bool
	merged    cowmap.Map[uint64, *merged]
	// duties holds the rules and notes behind the obligation by the set of
	// coverage rules that apply (bit i: rule i).
	duties cowmap.Map[uint64, Duty]
	// reasons holds the reasons by the set of coverage rules that apply
	// (bit i: rule i), when every coverage rule's citations are static
	// and there are at most 64 rules (reasonsShared).
	reasonsShared bool
	reasons       cowmap.Map[uint64, []Reason]
	// carried holds, by the stack of the day before, which of that
	// stack's coverage rules answer for each of this stack's (carriedFrom).
	carried cowmap.Map[*rulesets.Stack, []int16]
}

// maxCarriedFrom bounds the stacks a stack keeps carriedFrom answers for:
// a timeline comes to a stack from the one before it.
const maxCarriedFrom = 16

// carriedFrom returns, for each coverage rule of st, the index of the same
// rule in prev when it reads names that mean the same in both stacks (its
// answer carries over), else -1.
func (m *stackMemo) carriedFrom(st, prev *rulesets.Stack) []int16 {
	if c, ok := m.carried.Load(prev); ok {
		return c
	}
	c := make([]int16, len(st.Coverage))
	for i, r := range st.Coverage {
		c[i] = -1
		if j := slices.Index(prev.Coverage, r); j >= 0 && j < maxCarried && st.SameNames(prev, r.When) {
			c[i] = int16(j)
		}
	}
	return m.carried.Store(prev, c, maxCarriedFrom)
}

// dutyFor returns the rules and notes of the obligation when the coverage
// rules in mask apply (Level and Binding are the caller's).
func (m *stackMemo) dutyFor(st *rulesets.Stack, mask uint64) Duty {
	if d, ok := m.duties.Load(mask); ok {
		return d
	}
	level := rulesets.ObligationNone
	for h := mask; h != 0; h &= h - 1 {
		if r := st.Coverage[bits.TrailingZeros64(h)]; r.Obligation.Rank() > level.Rank() {
			level = r.Obligation
		}
	}
	var d Duty
	d.Rules, d.Notes = dutyRules(st, level, mask, nil)
	return m.duties.Store(mask, d, maxMerged)
}

// reasonsFor returns the reasons when the coverage rules in mask apply,
// made once per stack and set (reasonsShared must hold): answers share
// the list, as they share its citations.
func (m *stackMemo) reasonsFor(st *rulesets.Stack, ev *lang.Eval, mask uint64) []Reason {
	if rs, ok := m.reasons.Load(mask); ok {
		return rs
	}
	return m.reasons.Store(mask, m.reasonList(st, ev, mask, nil), maxMerged)
}

// reasonList lists the reasons of the coverage rules in mask and more.
func (m *stackMemo) reasonList(st *rulesets.Stack, ev *lang.Eval, mask uint64, more []int) []Reason {
	out := make([]Reason, 0, bits.OnesCount64(mask)+len(more))
	add := func(i int) {
		r := st.Coverage[i]
		out = append(out, Reason{
			Rule: r.Ref(), Obligation: r.Obligation, Text: r.Text, Note: r.Note,
			Cite: m.coverage[i].Get(ev, r.Ruleset, r.Cite),
		})
	}
	for h := mask; h != 0; h &= h - 1 {
		add(bits.TrailingZeros64(h))
	}
	for _, i := range more {
		add(i)
	}
	return out
}

func memoOf(st *rulesets.Stack) *stackMemo {
	return st.MemoAt(memoKey, func() any { return newStackMemo(st) }).(*stackMemo)
}

func newStackMemo(st *rulesets.Stack) *stackMemo {
	m := &stackMemo{mergeable: len(st.Requirements) <= 64, reasonsShared: len(st.Coverage) <= 64}
	for _, r := range st.Coverage {
		c := answer.NewCiteMemo(r.Ruleset, r.Cite)
		m.coverage = append(m.coverage, c)
		if !c.Static {
			m.reasonsShared = false
		}
	}
	for _, r := range st.Findings {
		m.findings = append(m.findings, answer.NewCiteMemo(r.Ruleset, r.Cite))
	}
	for _, r := range st.Requirements {
		c := answer.NewCiteMemo(r.Ruleset, r.Cite)
		m.reqs = append(m.reqs, c)
		m.layer = append(m.layer, st.LayerIndex(r.Ruleset))
		if !c.Static {
			m.mergeable = false
		}
	}
	return m
}

// maxMerged bounds the sets of matching requirement rules kept per stack,
// and the sets of matching coverage rules whose duty and reasons are kept.
const maxMerged = 4096

// merged is the requirements merged for one set of rules that apply, with
// the basis of each field as findings cite it.
type merged struct {
	q Requirements
	// per item of q: the citations and rules of every basis, and of the
	// binding ones
	cites, bindingCites [][]rulesets.Citation
	rules, bindingRules [][]string
}

// mergedFor returns the requirements merged for the rules in mask.
func (m *stackMemo) mergedFor(st *rulesets.Stack, mask uint64) *merged {
	if x, ok := m.merged.Load(mask); ok {
		return x
	}
	// past maxMerged sets, merged without being kept: memory stays bounded
	return m.merged.Store(mask, newMerged(mergeSets(st, nil, m, mask)), maxMerged)
}

func newMerged(q Requirements) *merged {
	x := &merged{q: q}
	for _, it := range q.Items {
		var cs, bcs []rulesets.Citation
		var rs, brs []string
		for _, b := range it.Basis {
			cs = append(cs, b.Cite...)
			rs = append(rs, b.Rule)
			if b.Binding {
				bcs = append(bcs, b.Cite...)
				brs = append(brs, b.Rule)
			}
		}
		x.cites = append(x.cites, clip(cs))
		x.rules = append(x.rules, clip(rs))
		x.bindingCites = append(x.bindingCites, clip(bcs))
		x.bindingRules = append(x.bindingRules, clip(brs))
	}
	return x
}

// clip makes appending to a shared slice copy it.
func clip[T any](s []T) []T { return s[:len(s):len(s)] }
