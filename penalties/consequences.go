package penalties

import (
	"math/bits"

	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/cowmap"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Consequence is a non-monetary consequence the documents attach to being
// insured or not: a precondition of standardization and credit grading, a
// key check in licence procedures, priority in public funds and credit.
type Consequence struct {
	ID   string              `json:"id"`
	Rule string              `json:"rule"`
	Kind string              `json:"kind,omitempty"`
	Text string              `json:"text"`
	Cite []rulesets.Citation `json:"cite"`
}

// Consequences returns the consequences of the stack that apply. The
// obligation must be set on ev (coverage runs first). When no citation
// carries a condition, the list is prepared once per stack for each set of
// consequences that apply, and shared: treat the result as read-only.
func Consequences(st *rulesets.Stack, ev *lang.Eval, trace bool) ([]Consequence, []rulesets.Undetermined, []rulesets.TraceEntry) {
	m := consequencesOf(st)
	var und []rulesets.Undetermined
	var tr []rulesets.TraceEntry
	if trace {
		tr = make([]rulesets.TraceEntry, 0, len(st.Consequences))
	}
	var hits uint64
	var hitList []int
	for i, c := range st.Consequences {
		ok, err := c.When.Bool(ev)
		if trace {
			tr = append(tr, rulesets.TraceEntry{Rule: c.Ref(), Kind: "consequence", Outcome: answer.Outcome(ok, err), Missing: answer.MissingOf(err)})
		}
		if err != nil {
			und = append(und, answer.UndeterminedOf(c.Ref(), "consequence", err))
			continue
		}
		if ok {
			if i < 64 {
				hits |= 1 << uint(i)
			} else {
				hitList = append(hitList, i)
			}
		}
	}
	if hitList == nil && m.static {
		return m.listFor(st, ev, hits), und, tr
	}
	return m.list(st, ev, hits, hitList), und, tr
}

// list lists the consequences in mask and more.
func (m *consequenceMemo) list(st *rulesets.Stack, ev *lang.Eval, mask uint64, more []int) []Consequence {
	out := make([]Consequence, 0, bits.OnesCount64(mask)+len(more))
	add := func(i int) {
		c := st.Consequences[i]
		out = append(out, Consequence{ID: c.ID, Rule: c.Ref(), Kind: c.Kind, Text: c.Text, Cite: m.each[i].Get(ev, c.Ruleset, c.Cite)})
	}
	for h := mask; h != 0; h &= h - 1 {
		add(bits.TrailingZeros64(h))
	}
	for _, i := range more {
		add(i)
	}
	return out
}

// listFor returns the list of the consequences in mask, made once per
// stack and set (static must hold): answers share it, as they share its
// citations.
func (m *consequenceMemo) listFor(st *rulesets.Stack, ev *lang.Eval, mask uint64) []Consequence {
	if l, ok := m.lists.Load(mask); ok {
		return l
	}
	return m.lists.Store(mask, m.list(st, ev, mask, nil), maxLists)
}

var consequencesKey = rulesets.NewMemoKey()

// consequenceMemo is what a stack's consequences share between answers.
type consequenceMemo struct {
	each []answer.CiteMemo // parallel to Stack.Consequences
	// static: there are at most 64 consequences and none has citations
	// that depend on the facts; lists then holds the list of those that
	// apply by their set (bit i: consequence i)
	static bool
	lists  cowmap.Map[uint64, []Consequence]
}

// maxLists bounds the sets of consequences whose list a stack keeps.
const maxLists = 4096

// consequencesOf returns the stack's consequence memo, prepared once per
// stack.
func consequencesOf(st *rulesets.Stack) *consequenceMemo {
	return st.MemoAt(consequencesKey, func() any {
		m := &consequenceMemo{each: make([]answer.CiteMemo, len(st.Consequences)), static: len(st.Consequences) <= 64}
		for i, c := range st.Consequences {
			m.each[i] = answer.NewCiteMemo(c.Ruleset, c.Cite)
			if !m.each[i].Static {
				m.static = false
			}
		}
		return m
	}).(*consequenceMemo)
}
