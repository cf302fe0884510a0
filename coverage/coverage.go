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
	"slices"
	"unsafe"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// Result is the coverage answer.
type Result struct {
	Obligation rulesets.Obligation `json:"obligation"`
	// BindingObligation is the strongest obligation of the rules of
	// rulesets that are not drafts, when a draft (征求意见稿) raises
	// Obligation above it; ObligationBasis is then draft, otherwise
	// binding.
	BindingObligation rulesets.Obligation `json:"binding_obligation,omitempty"`
	ObligationBasis   string              `json:"obligation_basis"`
	Reasons           []Reason            `json:"reasons"`
	// Requirements are those a policy concluded on the as-of date must
	// meet; PolicyRequirements those that bind the current policy, when it
	// was concluded under other rules (a policy is judged by the rules in
	// force when it was concluded or renewed).
	Requirements       Requirements        `json:"requirements"`
	PolicyRequirements *PolicyRequirements `json:"policy_requirements,omitempty"`
	Findings           []Finding           `json:"findings"`
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

// PolicyRequirements are the requirements in force on the day the current
// policy was concluded.
type PolicyRequirements struct {
	ConcludedOn  facts.Date          `json:"concluded_on"`
	Obligation   rulesets.Obligation `json:"obligation"`
	Requirements Requirements        `json:"requirements"`
}

// Options control an evaluation.
type Options struct {
	// Trace records every rule evaluated in Trace.
	Trace bool
	// PolicyStack is the stack in force on the day the current policy was
	// concluded (policy.concluded_on, or its start) and PolicyObligation
	// the obligation on that day: the policy's terms are judged by them.
	// Nil: by the decision stack and obligation.
	PolicyStack      *rulesets.Stack
	PolicyObligation rulesets.Obligation
	// Decided, when not nil, is the Decider that decided the timeline of
	// the enterprise up to the evaluation date: where its last decision
	// holds on that date under the same stack, the rules it decided
	// are not asked again (the trace asks them all).
	Decided *Decider
	// Into, when not nil, is the Result Evaluate fills and returns
	// instead of a new one: a caller that keeps the Result in its own
	// answer allocates both at once.
	Into *Result
	// Findings, when not nil, is the memory the findings are listed in:
	// that of the list the last Evaluate given it made, which is
	// overwritten (a caller done with each Result before the next).
	Findings *[]Finding
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

// Duty is the obligation the coverage rules of a stack decide on one day.
type Duty struct {
	// Level is the strongest obligation; Binding the strongest among the
	// rules of rulesets that are not drafts (征求意见稿): a Level above
	// Binding rests on a draft only.
	Level, Binding rulesets.Obligation
	// Rules are the rules that give Level, and Notes their notes (the
	// readings they rest on).
	Rules, Notes []string
}

// Decide decides the obligation on the evaluation date of ev, as Obligation
// does, with the rules behind it and whether it rests on a draft. It is
// what the timeline asks on each day the facts or the rules change.
func Decide(st *rulesets.Stack, ev *lang.Eval) Duty {
	return decide(st, ev, nil)
}

// A Decider decides the obligation on the successive days of one
// enterprise's timeline, as Decide does, carrying over each rule's answer
// that cannot have changed since the day before: when the stack changes
// (a ruleset starts or ends) most of its coverage rules stay, and on a day
// before the horizon of the last decision (lang.Eval.Horizon) a rule that
// stays, reading names that mean the same in both stacks
// (rulesets.Stack.SameNames), gives the answer it gave.
//
// Use one Decider for one enterprise's days in increasing order, each
// decided after ev.ResetHorizon (as timeline.Build does), and Reset it
// before the next enterprise. After Decide, ev's horizon is no later than
// the horizon of any answer carried over. The zero Decider is ready.
type Decider struct {
	st          *rulesets.Stack
	at, horizon facts.Date
	// f and base are the facts and decision date of the Eval that made
	// the last decision (its values are those known on base)
	f    *facts.Facts
	base facts.Date
	// applies holds the rules of st that applied, by index (bit i: rule
	// i), and erred those whose condition gave an error; a stack with
	// more than maxCarried coverage rules carries none.
	applies, erred [maxCarried / 64]uint64
	// duties are rules and notes found before (stackMemo.dutyFor), by
	// stack and set of rules, in a slot the two choose: most days of a
	// book's enterprises are decided under a few stacks, and a slot
	// read here takes no look-up in the stack's map. Reset keeps them.
	duties [16]dutySlot
}

type dutySlot struct {
	st   *rulesets.Stack
	mask uint64
	d    Duty
}

// duty is memoOf(st).dutyFor(st, mask), from dc's slots when it can.
func (dc *Decider) duty(st *rulesets.Stack, mask uint64) Duty {
	h := uint64(uintptr(unsafe.Pointer(st))>>6) ^ mask*0x9e3779b97f4a7c15
	slot := &dc.duties[(h>>59)&uint64(len(dc.duties)-1)]
	if slot.st == st && slot.mask == mask {
		return slot.d
	}
	d := memoOf(st).dutyFor(st, mask)
	*slot = dutySlot{st: st, mask: mask, d: d}
	return d
}

// maxCarried is the number of coverage rules a stack may have for a
// Decider to carry their answers.
const maxCarried = 256

// Reset forgets the last decision.
func (dc *Decider) Reset() { dc.st, dc.f = nil, nil }

// decided returns what dc's last decision says of st's coverage rules on
// ev's day: the rules that applied and those whose condition gave an
// error. It knows them when that decision was under st, over ev's facts
// as known on ev's decision date, on a day no later than ev's, and holds
// on it (ev's day is before its horizon).
func (dc *Decider) decided(st *rulesets.Stack, ev *lang.Eval) (applies, erred *[maxCarried / 64]uint64, ok bool) {
	on := ev.AsOf()
	if dc == nil || dc.st == nil || dc.st != st || dc.f != ev.Facts() || dc.base != ev.Base() ||
		on.Before(dc.at) || (!dc.horizon.IsZero() && !on.Before(dc.horizon)) {
		return nil, nil, false
	}
	return &dc.applies, &dc.erred, true
}

// Decide is Decide, carrying over what dc may.
func (dc *Decider) Decide(st *rulesets.Stack, ev *lang.Eval) Duty {
	return decide(st, ev, dc)
}

func decide(st *rulesets.Stack, ev *lang.Eval, dc *Decider) Duty {
	level, binding := rulesets.ObligationNone, rulesets.ObligationNone
	var hit uint64
	var more []int
	var carry []int16
	var applies, erred [maxCarried / 64]uint64
	on := ev.AsOf()
	if dc != nil && dc.st != nil && dc.st != st && on.After(dc.at) && (dc.horizon.IsZero() || on.Before(dc.horizon)) && len(st.Coverage) <= maxCarried {
		carry = memoOf(st).carriedFrom(st, dc.st)
	}
	for i, r := range st.Coverage {
		var ok bool
		if carry != nil && carry[i] >= 0 {
			j := carry[i]
			ok = dc.applies[j/64]&(1<<uint(j%64)) != 0
			if dc.erred[j/64]&(1<<uint(j%64)) != 0 {
				erred[i/64] |= 1 << uint(i%64)
			}
		} else {
			yes, err := r.When.Bool(ev)
			ok = err == nil && yes
			if err != nil && i < maxCarried {
				erred[i/64] |= 1 << uint(i%64)
			}
		}
		if !ok {
			continue
		}
		if i < maxCarried {
			applies[i/64] |= 1 << uint(i%64)
		}
		if r.Obligation.Rank() > level.Rank() {
			level = r.Obligation
		}
		if r.Ruleset.Status != rulesets.StatusDraft && r.Obligation.Rank() > binding.Rank() {
			binding = r.Obligation
		}
		if i < 64 {
			hit |= 1 << uint(i)
		} else {
			more = append(more, i)
		}
	}
	if dc != nil {
		if carry != nil {
			// the answers carried over hold until the last horizon only
			ev.Limit(dc.horizon)
		}
		dc.st, dc.at, dc.horizon, dc.applies, dc.erred = st, on, ev.Horizon(), applies, erred
		dc.f, dc.base = ev.Facts(), ev.Base()
		if len(st.Coverage) > maxCarried {
			dc.st = nil
		}
	}
	if more == nil {
		// the rules and notes depend only on which rules apply: prepared
		// once per stack for each such set
		var d Duty
		if dc != nil {
			d = dc.duty(st, hit)
		} else {
			d = memoOf(st).dutyFor(st, hit)
		}
		d.Level, d.Binding = level, binding
		return d
	}
	d := Duty{Level: level, Binding: binding}
	d.Rules, d.Notes = dutyRules(st, level, hit, more)
	return d
}

// dutyRules lists the rules among those applying (hit, more) that give
// level, and their notes.
func dutyRules(st *rulesets.Stack, level rulesets.Obligation, hit uint64, more []int) (rules, notes []string) {
	add := func(i int) {
		if r := st.Coverage[i]; r.Obligation == level {
			rules = append(rules, r.Ref())
			if r.Note != "" {
				notes = append(notes, r.Note)
			}
		}
	}
	for h := hit; h != 0; h &= h - 1 {
		add(bits.TrailingZeros64(h))
	}
	for _, i := range more {
		add(i)
	}
	return clip(rules), clip(notes)
}

// Evaluate answers whether the enterprise must insure. It sets the
// obligation on ev, so that rules evaluated afterwards (penalties, rating)
// can read it.
//
// The Result shares slices (reasons, citations, merged requirements) with
// the stack's prepared data: treat it as read-only.
func Evaluate(st *rulesets.Stack, ev *lang.Eval, opt Options) (*Result, Trace) {
	m := memoOf(st)
	res := opt.Into
	if res == nil {
		res = new(Result)
	}
	*res = Result{Obligation: rulesets.ObligationNone, Findings: []Finding{}}
	var trace Trace
	if opt.Trace {
		trace = make(Trace, 0, len(st.Coverage)+len(st.Requirements)+len(st.Findings))
	}
	topUndetermined := rulesets.ObligationNone
	binding := rulesets.ObligationNone
	// First pass: decide every rule; remember which apply (up to 64 in a
	// bit set, whose reasons are listed once per stack).
	var hits uint64
	var hitList []int
	applies, erred, known := opt.Decided.decided(st, ev)
	known = known && !opt.Trace
	for i, r := range st.Coverage {
		var ok bool
		var err error
		if bit := uint64(1) << uint(i%64); known && erred[i/64]&bit == 0 {
			ok = applies[i/64]&bit != 0
		} else {
			// (an error is asked again, for what it says)
			ok, err = r.When.Bool(ev)
		}
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
		if i < 64 {
			hits |= 1 << uint(i)
		} else {
			hitList = append(hitList, i)
		}
		if r.Obligation.Rank() > res.Obligation.Rank() {
			res.Obligation = r.Obligation
		}
		if r.Ruleset.Status != rulesets.StatusDraft && r.Obligation.Rank() > binding.Rank() {
			binding = r.Obligation
		}
	}
	if hitList == nil && m.reasonsShared {
		res.Reasons = m.reasonsFor(st, ev, hits)
	} else {
		res.Reasons = m.reasonList(st, ev, hits, hitList)
	}
	if topUndetermined.Rank() > res.Obligation.Rank() {
		res.Incomplete = "the obligation may be " + string(topUndetermined) + ": a rule that could decide it needs facts that are not given"
	}
	res.ObligationBasis = "binding"
	if binding != res.Obligation {
		res.BindingObligation, res.ObligationBasis = binding, "draft"
	}
	ev.SetObligation(string(res.Obligation))
	mg := mergeRequirements(st, ev, opt, &res.Undetermined, &trace)
	res.Requirements = mg.q
	pmg := mg
	if p := ev.Facts().Policy; opt.PolicyStack != nil && p.IsInsured() && (opt.PolicyStack != st || opt.PolicyObligation != res.Obligation) {
		asOf, c := ev.AsOf(), p.Concluded()
		opt.PolicyStack.MoveTo(ev, c)
		ev.SetObligation(string(opt.PolicyObligation))
		var und []rulesets.Undetermined
		pmg = mergeRequirements(opt.PolicyStack, ev, Options{}, &und, nil)
		st.MoveTo(ev, asOf)
		ev.SetObligation(string(res.Obligation))
		if !sameRequirements(pmg.q, mg.q) {
			res.PolicyRequirements = &PolicyRequirements{ConcludedOn: c, Obligation: opt.PolicyObligation, Requirements: pmg.q}
		} else {
			pmg = mg
		}
	}
	res.Findings = findings(st, ev, res, mg, pmg, m, opt, &trace)
	return res, trace
}

// sameRequirements reports whether two merged requirements set the same
// fields to the same values.
func sameRequirements(a, b Requirements) bool {
	if len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Items {
		if a.Items[i].Field != b.Items[i].Field || !sameValue(a.Items[i].Value, b.Items[i].Value) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	}
	return a == b
}
