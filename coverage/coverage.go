// Package coverage answers the first question about an enterprise: must it
// insure? It reads a compiled stack of rulesets and returns the obligation
// (mandatory, required, encouraged or none) with every reason and its legal
// basis, the requirements a compliant policy must meet merged across the
// stack, and findings on the current policy and its history.
//
// Evaluate is pure: it reads the facts through an evaluation bound to the
// stack and the as-of date, never the clock. Most callers want
// [github.com/anzexian/anzexian.Engine.Assess], which runs the three answers in order on one
// evaluation; Evaluate is the engine's step. Results are plain values,
// safe to share once made; they share read-only slices with the stack.
//
// # Stacking
//
// Coverage rules accumulate and the strongest obligation wins; every rule
// that applies is returned as a reason. Requirements merge per field as the
// field declares: minimum amounts take the highest, duties are imposed if
// any layer imposes them, lists are united, levels take the strongest and
// the term takes the most local statement.
package coverage

import (
	"errors"
	"math/bits"

	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Result is the coverage answer.
type Result struct {
	Obligation   rulesets.Obligation `json:"obligation"`
	Reasons      []Reason            `json:"reasons"`
	Requirements Requirements        `json:"requirements"`
	Findings     []Finding           `json:"findings"`
	// Undetermined lists rules that could not be decided for lack of facts.
	Undetermined []rulesets.Undetermined `json:"undetermined,omitempty"`
	// Incomplete is set when an undetermined rule could have raised the
	// obligation: the answer is a lower bound until the facts are given.
	Incomplete string `json:"incomplete,omitempty"`
}

// Reason is a coverage rule that applies.
type Reason struct {
	Rule       string              `json:"rule"`
	Obligation rulesets.Obligation `json:"obligation"`
	Text       string              `json:"text"`
	Cite       []rulesets.Citation `json:"cite"`
	Note       string              `json:"note,omitempty"`
}

// Options control an evaluation.
type Options struct {
	// Trace records every rule evaluated in Trace.
	Trace bool
}

// Trace is the record of the rules evaluated.
type Trace = []rulesets.TraceEntry

// Obligation decides the obligation alone: the strongest obligation of the
// coverage rules that apply, and whether an undetermined rule could raise
// it. It is what penalties need for each stretch of time.
func Obligation(st *rulesets.Stack, ev *lang.Eval) (rulesets.Obligation, error) {
	best := rulesets.ObligationNone
	var undetermined error
	for _, r := range st.Coverage {
		ok, err := r.When.Bool(ev)
		if err != nil {
			if r.Obligation.Rank() > best.Rank() {
				undetermined = err
			}
			continue
		}
		if ok && r.Obligation.Rank() > best.Rank() {
			best = r.Obligation
		}
	}
	if undetermined != nil {
		var ee *lang.EvalError
		if errors.As(undetermined, &ee) {
			return best, undetermined
		}
	}
	return best, nil
}

// Evaluate answers whether the enterprise must insure. It sets the
// obligation on ev, so that rules evaluated afterwards (penalties, rating)
// can read it.
//
// The Result shares slices (citations, merged requirements) with the
// stack's prepared data: treat it as read-only.
func Evaluate(st *rulesets.Stack, ev *lang.Eval, opt Options) (*Result, Trace) {
	m := memoOf(st)
	res := &Result{Obligation: rulesets.ObligationNone, Findings: []Finding{}}
	var trace Trace
	if opt.Trace {
		trace = make(Trace, 0, len(st.Coverage)+len(st.Requirements)+len(st.Findings))
	}
	topUndetermined := rulesets.ObligationNone
	// First pass: decide every rule; remember which apply (up to 64 in a
	// bit set, so that the reasons are allocated once).
	var hits uint64
	var hitList []int
	n := 0
	for i, r := range st.Coverage {
		ok, err := r.When.Bool(ev)
		if opt.Trace {
			trace = append(trace, rulesets.TraceEntry{Rule: r.Ref(), Kind: "coverage", Outcome: answer.Outcome(ok, err), Missing: answer.MissingOf(err)})
		}
		if err != nil {
			res.Undetermined = append(res.Undetermined, answer.UndeterminedOf(r.Ref(), "coverage", err))
			if r.Obligation.Rank() > topUndetermined.Rank() {
				topUndetermined = r.Obligation
			}
			continue
		}
		if !ok {
			continue
		}
		n++
		if i < 64 {
			hits |= 1 << uint(i)
		} else {
			hitList = append(hitList, i)
		}
		if r.Obligation.Rank() > res.Obligation.Rank() {
			res.Obligation = r.Obligation
		}
	}
	res.Reasons = make([]Reason, 0, n)
	add := func(i int) {
		r := st.Coverage[i]
		res.Reasons = append(res.Reasons, Reason{
			Rule: r.Ref(), Obligation: r.Obligation, Text: r.Text, Note: r.Note,
			Cite: m.coverage[i].get(ev, r.Ruleset, r.Cite),
		})
	}
	for h := hits; h != 0; h &= h - 1 {
		add(bits.TrailingZeros64(h))
	}
	for _, i := range hitList {
		add(i)
	}
	if topUndetermined.Rank() > res.Obligation.Rank() {
		res.Incomplete = "the obligation may be " + string(topUndetermined) + ": a rule that could decide it needs facts that are not given"
	}
	ev.SetObligation(string(res.Obligation))
	mg := mergeRequirements(st, ev, opt, &res.Undetermined, &trace)
	res.Requirements = mg.q
	res.Findings = findings(st, ev, res, mg, m, opt, &trace)
	return res, trace
}
