package penalties

import (
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
// obligation must be set on ev (coverage runs first).
func Consequences(st *rulesets.Stack, ev *rulesets.Eval, trace bool) ([]Consequence, []rulesets.Undetermined, []rulesets.TraceEntry) {
	out := []Consequence{}
	var und []rulesets.Undetermined
	var tr []rulesets.TraceEntry
	for _, c := range st.Consequences {
		ok, err := c.When.Bool(ev)
		if trace {
			tr = append(tr, rulesets.TraceEntry{Rule: c.Ref(), Kind: "consequence", Outcome: rulesets.Outcome(ok, err), Missing: rulesets.MissingOf(err)})
		}
		if err != nil {
			und = append(und, rulesets.UndeterminedOf(c.Ref(), "consequence", err))
			continue
		}
		if ok {
			out = append(out, Consequence{ID: c.ID, Rule: c.Ref(), Kind: c.Kind, Text: c.Text, Cite: rulesets.Citations(ev, c.Ruleset, c.Cite)})
		}
	}
	return out, und, tr
}
