package penalties

import (
	"math/bits"

	"github.com/anzexian/anzexian/internal/answer"
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
// obligation must be set on ev (coverage runs first). Their citations are
// prepared once per stack when they carry no condition, and shared: treat
// the result as read-only.
func Consequences(st *rulesets.Stack, ev *lang.Eval, trace bool) ([]Consequence, []rulesets.Undetermined, []rulesets.TraceEntry) {
	m := consequencesOf(st)
	var und []rulesets.Undetermined
	var tr []rulesets.TraceEntry
	if trace {
		tr = make([]rulesets.TraceEntry, 0, len(st.Consequences))
	}
	var hits uint64
	var hitList []int
	n := 0
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
			n++
			if i < 64 {
				hits |= 1 << uint(i)
			} else {
				hitList = append(hitList, i)
			}
		}
	}
	out := make([]Consequence, 0, n)
	add := func(i int) {
		c := st.Consequences[i]
		cites := m[i].cites
		if !m[i].static {
			cites = answer.Citations(ev, c.Ruleset, c.Cite)
		}
		out = append(out, Consequence{ID: c.ID, Rule: c.Ref(), Kind: c.Kind, Text: c.Text, Cite: cites})
	}
	for h := hits; h != 0; h &= h - 1 {
		add(bits.TrailingZeros64(h))
	}
	for _, i := range hitList {
		add(i)
	}
	return out, und, tr
}

var consequencesKey = rulesets.NewMemoKey()

type consequenceMemo struct {
	cites  []rulesets.Citation
	static bool
}

// consequencesOf returns the citations of the stack's consequences,
// prepared once per stack.
func consequencesOf(st *rulesets.Stack) []consequenceMemo {
	return st.MemoAt(consequencesKey, func() any {
		m := make([]consequenceMemo, len(st.Consequences))
		for i, c := range st.Consequences {
			cs, ok := rulesets.StaticCitations(c.Ruleset, c.Cite)
			m[i] = consequenceMemo{cites: clip(cs), static: ok}
		}
		return m
	}).([]consequenceMemo)
}
