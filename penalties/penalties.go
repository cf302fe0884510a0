// Package penalties answers the third question about an enterprise: what
// does it risk? It derives violations from the facts and dates, finds the
// law that governs each, and returns its measures and its fine range (or
// daily fine), with the article and the law's version — plus the
// non-monetary consequences the documents attach.
//
// # Which law governs
//
// Penalty rules with the same id, across the layers of a stack and across
// versions of a document, describe the same violation. For an event (an
// accident, a late renewal) the law in force on the day it happened governs,
// unless the law in force on the decision date is lighter or no longer
// treats it as a violation (行政处罚法 第三十七条, 从旧兼从轻). A continuing
// state (being uninsured) falls under each law while it lasts: one penalty
// per stretch governed by one law. Past the limitation period (第三十六条,
// counted from the event or from the end of the state) the answer says so
// instead of giving a fine.
//
// Evaluate is pure; it reads other dates' stacks through the Input's
// functions and restores the Eval before returning.
//
// # Use and concurrency
//
// Most callers want [github.com/anzexian/anzexian.Engine.Assess]; [Evaluate] is the engine's
// step, run on an evaluation bound to the stack of the as-of date, moving
// it to the stack of each violation's date as the law of that day
// requires. It is pure and never reads the clock. A [Penalty] is a plain
// value, read-only once made.
package penalties

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/internal/jsonw"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// Penalty is one violation and what the enterprise risks for it.
type Penalty struct {
	Violation string `json:"violation"`
	Title     string `json:"title"`
	// Target is who is fined: unit, principal or responsible_persons.
	Target string `json:"target"`
	// Occurrence describes what triggered it (an accident, a stretch
	// without insurance); Since and Until bound it (Until zero: it
	// continues on the as-of date).
	Occurrence string     `json:"occurrence,omitempty"`
	Since      facts.Date `json:"since,omitzero"`
	Until      facts.Date `json:"until,omitzero"`
	// Law is the ruleset (id@version) whose rule governs; Governing says
	// why that law.
	Law       string `json:"law"`
	Governing string `json:"governing"`
	// Rules are the rules the penalty rests on: the one defining the
	// violation and those of other layers restating it.
	Rules    []string            `json:"rules"`
	Cite     []rulesets.Citation `json:"cite"`
	Measures []string            `json:"measures"`
	// Fine is the range the enterprise risks (bounds inclusive); Statutory
	// is the range of the article when a discretion tier narrowed it.
	Fine      *Range  `json:"fine,omitempty"`
	FineBasis string  `json:"fine_basis,omitempty"`
	Statutory *Range  `json:"statutory,omitempty"`
	Tier      *Tier   `json:"tier,omitempty"`
	PerDay    *PerDay `json:"per_day,omitempty"`
	// NoFine explains why no fine applies.
	NoFine        string      `json:"no_fine,omitempty"`
	Discretionary bool        `json:"discretionary"`
	Consequences  []string    `json:"consequences,omitempty"`
	Caveats       []string    `json:"caveats,omitempty"`
	Limitation    *Limitation `json:"limitation,omitempty"`
	Note          string      `json:"note,omitempty"`
	// Illustrative marks ranges not backed by a cited benchmark;
	// Unverified marks articles read from unofficial copies.
	Illustrative bool `json:"illustrative,omitempty"`
	Unverified   bool `json:"unverified,omitempty"`
	// Undetermined names facts needed to compute the fine that were not
	// given (e.g. principal_income).
	Undetermined []string `json:"undetermined,omitempty"`
}

// Range is a fine range; both bounds are inclusive.
type Range struct {
	Min decimal.Decimal `json:"min"`
	Max decimal.Decimal `json:"max"`
}

// MarshalJSON writes the bounds as strings with two decimal places.
func (r Range) MarshalJSON() ([]byte, error) {
	var w jsonw.W
	w.Open()
	w.Fixed("min", r.Min, 2)
	w.Fixed("max", r.Max, 2)
	w.Close()
	return w.B, nil
}

// Tier is the discretion tier that narrowed a range.
type Tier struct {
	ID     string `json:"id"`
	Reason string `json:"reason,omitempty"`
	Rule   string `json:"rule"`
}

// PerDay is a daily fine (按日连续处罚): the amount a day, the days counted
// (From and Through both included) and the total.
type PerDay struct {
	Amount  decimal.Decimal `json:"amount"`
	From    facts.Date      `json:"from"`
	Through facts.Date      `json:"through"`
	Days    int             `json:"days"`
	Total   decimal.Decimal `json:"total"`
}

// MarshalJSON writes amounts as strings with two decimal places.
func (p PerDay) MarshalJSON() ([]byte, error) {
	var w jsonw.W
	w.Open()
	w.Fixed("amount", p.Amount, 2)
	w.Date("from", p.From)
	w.Date("through", p.Through)
	w.Int("days", int64(p.Days))
	w.Fixed("total", p.Total, 2)
	w.Close()
	return w.B, nil
}

// Limitation is the limitation period of a violation.
type Limitation struct {
	Years int `json:"years"`
	// From is the day it runs from: the event, or the end of a continuing
	// state (zero while the state continues).
	From facts.Date `json:"from,omitzero"`
	// Expires is the last day a penalty can be imposed.
	Expires facts.Date `json:"expires,omitzero"`
	Expired bool       `json:"expired"`
}

// Input is what Evaluate needs beyond the decision stack.
type Input struct {
	// Stack and Eval are the stack in force on the decision (as-of) date
	// and an Eval bound to it with the obligation set.
	Stack *rulesets.Stack
	Eval  *lang.Eval
	Trace bool
	// StackAt returns the stack in force on another date.
	StackAt func(facts.Date) (*rulesets.Stack, error)
	// Obligation decides the obligation under a stack with ev set to its
	// date (the coverage rules).
	Obligation func(*rulesets.Stack, *lang.Eval) rulesets.Obligation
	// Boundaries are the dates the stack changes, sorted.
	Boundaries []facts.Date
}

// Result is the penalties answer.
type Result struct {
	Penalties    []Penalty               `json:"penalties"`
	Undetermined []rulesets.Undetermined `json:"undetermined,omitempty"`
	Trace        []rulesets.TraceEntry   `json:"-"`
}

type evaluator struct {
	in    Input
	ev    *lang.Eval
	asOf  facts.Date
	oblig rulesets.Obligation
	res   *Result
	memo  *stackMemo // of the decision stack
	// obligations decided under other stacks and dates, and the
	// occurrences of each each: expression (evaluated on the decision
	// date), so that violations of one kind share them
	obls  []oblEntry
	items []itemsEntry
	descs []descEntry
}

type descEntry struct {
	item any
	desc string
}

// describe describes an occurrence, once per evaluation (the trace names
// it for every rule of its kind).
func (e *evaluator) describe(item any) string {
	for _, d := range e.descs {
		if d.item == item {
			return d.desc
		}
	}
	s := describeItem(item)
	e.descs = append(e.descs, descEntry{item, s})
	return s
}

type oblEntry struct {
	st *rulesets.Stack
	d  facts.Date
	ob rulesets.Obligation
}

type itemsEntry struct {
	src   string
	items []any
	err   error
}

// Evaluate derives every violation of the decision stack and what it risks.
//
// The Result shares slices (rules, citations, measures) with the stack's
// prepared data: treat it as read-only.
func Evaluate(in Input) *Result {
	e := evaluators.Get().(*evaluator)
	*e = evaluator{in: in, ev: in.Eval, asOf: in.Eval.AsOf(), res: &Result{Penalties: []Penalty{}}, memo: memoOf(in.Stack),
		obls: e.obls[:0], items: e.items[:0], descs: e.descs[:0]}
	defer e.release()
	if in.Trace {
		e.res.Trace = make([]rulesets.TraceEntry, 0, 2*len(in.Stack.Penalties))
	}
	e.oblig = e.obligationNow()
	defer e.restore()
	for i, v := range in.Stack.Penalties {
		e.violation(v, &e.memo.vios[i])
	}
	sortBySince(e.res.Penalties)
	return e.res
}

// evaluators are reused, so that the per-evaluation caches keep their
// storage (one goroutine at a time uses one).
var evaluators = sync.Pool{New: func() any { return new(evaluator) }}

// release returns e to the pool without what it referred to.
func (e *evaluator) release() {
	clear(e.obls)
	clear(e.items)
	clear(e.descs)
	*e = evaluator{obls: e.obls[:0], items: e.items[:0], descs: e.descs[:0]}
	evaluators.Put(e)
}

// sortBySince orders penalties by the day they began, stably; a penalty
// without one keeps its place relative to the others.
func sortBySince(ps []Penalty) {
	less := func(a, b *Penalty) bool {
		return !a.Since.IsZero() && !b.Since.IsZero() && a.Since != b.Since && a.Since.Before(b.Since)
	}
	if len(ps) > 20 {
		sort.SliceStable(ps, func(i, j int) bool { return less(&ps[i], &ps[j]) })
		return
	}
	// what sort.SliceStable does for up to 20 elements: an insertion sort
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && less(&ps[j], &ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// obligationNow is the obligation coverage set on the decision stack.
func (e *evaluator) obligationNow() rulesets.Obligation {
	return rulesets.Obligation(e.ev.Obligation())
}

func (e *evaluator) restore() {
	e.in.Stack.MoveTo(e.ev, e.asOf)
	e.ev.SetObligation(string(e.oblig))
	e.ev.SetItem(nil)
}

// at moves the evaluation to st on date d with its obligation.
func (e *evaluator) at(st *rulesets.Stack, d facts.Date) {
	if st.Binds(e.ev) && d == e.ev.AsOf() {
		return
	}
	st.MoveTo(e.ev, d)
	if st == e.in.Stack && d == e.asOf {
		e.ev.SetObligation(string(e.oblig))
		return
	}
	for _, o := range e.obls {
		if o.st == st && o.d == d {
			e.ev.SetObligation(string(o.ob))
			return
		}
	}
	ob := e.in.Obligation(st, e.ev)
	e.obls = append(e.obls, oblEntry{st, d, ob})
	e.ev.SetObligation(string(ob))
}

// occurrences evaluates a violation's each: on the decision date; rules
// with the same expression share the result.
func (e *evaluator) occurrences(each *lang.Expr) ([]any, error) {
	for _, it := range e.items {
		if it.src == each.Src {
			return it.items, it.err
		}
	}
	items, err := each.Items(e.ev)
	e.items = append(e.items, itemsEntry{each.Src, items, err})
	return items, err
}

func (e *evaluator) trace(rule, outcome string, err error, detail string) {
	if e.in.Trace {
		e.res.Trace = append(e.res.Trace, rulesets.TraceEntry{Rule: rule, Kind: "penalty", Outcome: outcome, Missing: answer.MissingOf(err), Detail: detail})
	}
}

func (e *evaluator) undetermined(r *rulesets.PenaltyRule, err error) {
	e.res.Undetermined = append(e.res.Undetermined, answer.UndeterminedOf(r.Ref(), "penalty", err))
	e.trace(r.Ref(), "undetermined", err, "")
}

func (e *evaluator) violation(v *rulesets.Violation, vm *vioMemo) {
	r := v.Rule
	if r.Each == nil {
		e.state(v, vm)
		return
	}
	e.ev.SetItem(nil)
	items, err := e.occurrences(r.Each)
	if err != nil {
		e.undetermined(r, err)
		return
	}
	for _, it := range items {
		if r.Continuing {
			p, ok := it.(*facts.Period)
			if !ok {
				continue
			}
			e.continuing(v, p)
		} else {
			e.event(v, vm, it)
		}
	}
	e.ev.SetItem(nil)
}

// state handles a violation that is a state on the decision date.
func (e *evaluator) state(v *rulesets.Violation, vm *vioMemo) {
	r := v.Rule
	e.ev.SetItem(nil)
	ok, err := r.When.Bool(e.ev)
	if err != nil {
		e.undetermined(r, err)
		return
	}
	if !ok {
		e.trace(r.Ref(), "not_matched", nil, "")
		return
	}
	p, ok := e.penalty(v, vm, "作出处罚决定时（评估日）的规定")
	if !ok {
		return
	}
	if r.Since != nil {
		if d, err := r.Since.Date(e.ev); err == nil {
			p.Since = d
		}
	}
	// a state on the decision date continues: its limitation period has
	// not started to run
	e.limitation(&p, r, p.Since, true)
	e.trace(r.Ref(), "matched", nil, "")
	e.res.Penalties = append(e.res.Penalties, p)
}

// event handles one occurrence of an event violation: 从旧兼从轻.
func (e *evaluator) event(v *rulesets.Violation, vm *vioMemo, item any) {
	r := v.Rule
	e.ev.SetItem(item)
	date, err := r.On.Date(e.ev)
	if err != nil {
		e.undetermined(r, err)
		return
	}
	// the law on the day it happened
	oldSt, err := e.in.StackAt(date)
	if err != nil {
		if e.in.Trace {
			e.trace(r.Ref(), "skipped", nil, fmt.Sprintf("%s：%s无可适用的规则集", e.describe(item), date))
		}
		return
	}
	oldV, oldVM := vm.self(v, oldSt, e.in.Stack)
	var oldP Penalty
	oldOK := false
	if oldV != nil {
		e.at(oldSt, date)
		e.ev.SetItem(item)
		ok, err := oldV.Rule.When.Bool(e.ev)
		if err != nil {
			e.undetermined(oldV.Rule, err)
			e.at(e.in.Stack, e.asOf)
			return
		}
		if ok {
			oldP, oldOK = e.penalty(oldV, oldVM, "")
		}
	}
	// the law on the decision date
	e.at(e.in.Stack, e.asOf)
	e.ev.SetItem(item)
	ok, err := r.When.Bool(e.ev)
	if err != nil {
		e.undetermined(r, err)
		return
	}
	var newP Penalty
	newOK := false
	if ok {
		newP, newOK = e.penalty(v, vm, "")
	}
	var p Penalty
	switch {
	case !oldOK && !newOK:
		if e.in.Trace {
			e.trace(r.Ref(), "not_matched", nil, e.describe(item))
		}
		return
	case !oldOK:
		if e.in.Trace {
			e.trace(r.Ref(), "skipped", nil, fmt.Sprintf("%s：发生时（%s）的规定不认为是违法行为或未规定处罚，不溯及既往", e.describe(item), date))
		}
		return
	case !newOK:
		if e.in.Trace {
			e.trace(r.Ref(), "skipped", nil, fmt.Sprintf("%s：作出处罚决定时的规定已不认为是违法行为，适用新的规定（从旧兼从轻）", e.describe(item)))
		}
		return
	case lighter(newP, oldP) && oldP.Law != newP.Law:
		p = newP
		p.Governing = fmt.Sprintf("从旧兼从轻：违法行为发生时（%s）适用%s，但作出处罚决定时的规定处罚较轻，适用新的规定", date, oldP.Law)
	default:
		p = oldP
		if oldP.Law == newP.Law {
			p.Governing = "违法行为发生时的规定（至作出处罚决定时未修改）"
		} else {
			p.Governing = fmt.Sprintf("违法行为发生时（%s）的规定；作出处罚决定时的%s处罚不轻于它（从旧兼从轻）", date, newP.Law)
		}
	}
	desc := e.describe(item)
	p.Occurrence = desc
	p.Since = date
	p.Until = date
	if r.Since != nil {
		if d, err := r.Since.Date(e.ev); err == nil {
			p.Since = d
		}
	}
	e.limitation(&p, r, date, false)
	e.trace(r.Ref(), "matched", nil, desc)
	e.res.Penalties = append(e.res.Penalties, p)
}

// lighter reports whether a punishes less than b: a lower maximum, then a
// lower minimum; no fine is lighter than a fine.
func lighter(a, b Penalty) bool {
	am, bm := maxOf(a), maxOf(b)
	if am == nil || bm == nil {
		return am == nil && bm != nil
	}
	if c := am.Max.Cmp(bm.Max); c != 0 {
		return c < 0
	}
	return am.Min.LessThan(bm.Min)
}

func maxOf(p Penalty) *Range {
	if p.Statutory != nil {
		return p.Statutory
	}
	if p.Fine != nil {
		return p.Fine
	}
	if p.PerDay != nil {
		return &Range{Min: p.PerDay.Total, Max: p.PerDay.Total}
	}
	return nil
}

// continuing handles a continuing state over a period: it is split where
// the stack changes, and each stretch governed by one law gives one penalty.
func (e *evaluator) continuing(v *rulesets.Violation, per *facts.Period) {
	r := v.Rule
	from, to := per.From, per.To
	end := to
	if end.IsZero() || end.After(e.asOf) {
		end = e.asOf
	}
	unknownStart := from.IsZero()
	if unknownStart && len(e.in.Boundaries) > 0 {
		from = e.in.Boundaries[0]
	}
	if from.After(end) {
		return
	}
	// cut points inside (from, end]
	cuts := []facts.Date{from}
	for _, b := range e.in.Boundaries {
		if b.After(from) && !b.After(end) {
			cuts = append(cuts, b)
		}
	}
	type group struct {
		p        Penalty
		law      string
		from, to facts.Date
	}
	var groups []*group
	for i, start := range cuts {
		segEnd := end
		if i+1 < len(cuts) {
			segEnd = cuts[i+1].AddDays(-1)
		}
		st, err := e.in.StackAt(start)
		if err != nil {
			continue
		}
		sv, svm := memoOf(st).violation(st, v.ID)
		if sv == nil {
			continue
		}
		e.at(st, segEnd)
		e.ev.SetItem(per)
		ok, err := sv.Rule.When.Bool(e.ev)
		if err != nil {
			e.undetermined(sv.Rule, err)
			continue
		}
		if !ok {
			continue
		}
		p, ok := e.penalty(sv, svm, "")
		if !ok {
			continue
		}
		segFrom := start
		if sv.Rule.Since != nil {
			if d, err := sv.Rule.Since.Date(e.ev); err == nil && d.After(segFrom) {
				if d.After(segEnd) {
					continue
				}
				segFrom = d
			}
		}
		law := sv.Rule.Ref()
		if n := len(groups); n > 0 && groups[n-1].law == law && groups[n-1].to.AddDays(1) == segFrom {
			// One continuing violation under one law is one penalty: it
			// is judged with the treatment of its latest stretch (a local
			// discretion tier that came into force meanwhile applies), and
			// keeps every citation and measure that applied along the way.
			g := groups[n-1]
			g.to = segEnd
			g.p.Fine, g.p.Statutory, g.p.Tier, g.p.PerDay = p.Fine, p.Statutory, p.Tier, p.PerDay
			g.p.NoFine, g.p.FineBasis, g.p.Undetermined = p.NoFine, p.FineBasis, p.Undetermined
			g.p.Illustrative = g.p.Illustrative || p.Illustrative
			g.p.Rules = mergeStrings(g.p.Rules, p.Rules)
			g.p.Cite = mergeCites(g.p.Cite, p.Cite)
			g.p.Measures = mergeStrings(g.p.Measures, p.Measures)
			g.p.Caveats = mergeStrings(g.p.Caveats, p.Caveats)
			continue
		}
		groups = append(groups, &group{p: p, law: law, from: segFrom, to: segEnd})
	}
	e.at(e.in.Stack, e.asOf)
	for _, g := range groups {
		p := g.p
		p.Since = g.from
		if g.to != end || (!to.IsZero() && !to.After(e.asOf)) {
			p.Until = g.to
		}
		p.Governing = "继续状态：该时段内施行的规定"
		desc := fmt.Sprintf("%s至%s", g.from, untilText(p.Until))
		if unknownStart && g == groups[0] {
			desc = fmt.Sprintf("%s（开始生产经营的日期未知；若更晚，自开始生产经营之日）至%s", g.from, untilText(p.Until))
		}
		p.Occurrence = desc
		// the limitation period runs from the end of the whole state
		e.limitation(&p, r, to, to.IsZero() || to.After(e.asOf))
		e.trace(g.law, "matched", nil, desc)
		e.res.Penalties = append(e.res.Penalties, p)
	}
}

func untilText(d facts.Date) string {
	if d.IsZero() {
		return "评估日仍在持续"
	}
	return d.String()
}

// penalty computes the treatment of a violation under its stack's rules,
// with ev set to that stack and the occurrence; ok is false if it cannot be
// computed at all.
func (e *evaluator) penalty(v *rulesets.Violation, vm *vioMemo, governing string) (Penalty, bool) {
	r := v.Rule
	p := Penalty{
		Violation: v.ID, Title: r.Title, Target: r.Target, Law: r.Ruleset.Key(), Governing: governing, Rules: vm.rules,
		Measures: vm.measures, NoFine: r.NoFine, Discretionary: r.Discretionary, Consequences: vm.consequences, Note: vm.note,
		Illustrative: r.Illustrative, Unverified: r.Unverified || vm.unverified,
	}
	switch {
	case vm.citesStatic:
		p.Cite = vm.cites
	default:
		p.Cite = answer.Citations(e.ev, r.Ruleset, r.Cite)
		if !vm.mainStatic {
			for _, c := range p.Cite {
				if c.Unverified {
					p.Unverified = true
				}
			}
		}
		for _, rr := range v.Restating {
			p.Cite = mergeCites(p.Cite, answer.Citations(e.ev, rr.Ruleset, rr.Cite))
		}
	}
	for _, cv := range r.Caveats {
		if ok, err := cv.When.Bool(e.ev); err == nil && ok {
			p.Caveats = append(p.Caveats, cv.Text)
		}
	}
	for _, rr := range v.Restating {
		for _, cv := range rr.Caveats {
			if ok, err := cv.When.Bool(e.ev); err == nil && ok {
				p.Caveats = mergeStrings(p.Caveats, []string{cv.Text})
			}
		}
	}
	if r.Fine != nil {
		p.FineBasis = r.Fine.Text
		if vm.fine != nil {
			p.Fine = vm.fine
		} else {
			min, err1 := r.Fine.Min.Decimal(e.ev)
			var max decimal.Decimal
			var err2 error
			if r.Fine.Max.Src == r.Fine.Min.Src && onlyMissing(err1) {
				// the same expression (a share of an income): the same
				// value, or the same facts missing
				max, err2 = min, err1
			} else {
				max, err2 = r.Fine.Max.Decimal(e.ev)
			}
			if err := errors.Join(err1, err2); err != nil {
				p.Undetermined = mergeStrings(answer.MissingOf(err1), answer.MissingOf(err2))
				if len(p.Undetermined) == 0 {
					p.Undetermined = []string{err.Error()}
				}
			} else {
				p.Fine = &Range{Min: min.Round(2), Max: max.Round(2)}
			}
		}
		if p.Fine != nil {
			// the most local tier whose condition holds narrows the range
			for i := len(vm.tiers) - 1; i >= 0; i-- {
				t := vm.tiers[i]
				ok, err := t.When.Bool(e.ev)
				if err != nil || !ok {
					continue
				}
				p.Statutory = p.Fine
				p.Fine = &Range{Min: t.Min, Max: t.Max}
				p.Tier = &Tier{ID: t.ID, Reason: t.Reason, Rule: vm.tierRules[i].Ref()}
				if t.Illustrative || vm.tierRules[i].Illustrative {
					p.Illustrative = true
				}
				break
			}
		}
	}
	if r.PerDay != nil {
		amount, err1 := r.PerDay.Amount.Decimal(e.ev)
		from, err2 := r.PerDay.From.Date(e.ev)
		through, err3 := r.PerDay.Through.Date(e.ev)
		if err := errors.Join(err1, err2, err3); err != nil {
			p.Undetermined = mergeStrings(p.Undetermined, answer.MissingOf(err1))
			p.Undetermined = mergeStrings(p.Undetermined, answer.MissingOf(err2))
			p.Undetermined = mergeStrings(p.Undetermined, answer.MissingOf(err3))
		} else {
			days := from.DaysUntil(through) + 1
			if days <= 0 {
				e.trace(r.Ref(), "not_matched", nil, fmt.Sprintf("按日连续处罚的计日区间为空（%s至%s）", from, through))
				return p, false
			}
			p.PerDay = &PerDay{Amount: amount.Round(2), From: from, Through: through, Days: days,
				Total: amount.Round(2).Mul(decimal.NewFromInt(int64(days)))}
		}
	}
	return p, true
}

// onlyMissing reports whether err is nil or says only which facts are
// missing (so that it names no expression).
func onlyMissing(err error) bool {
	if err == nil {
		return true
	}
	ee, ok := err.(*lang.EvalError)
	return ok && ee.Msg == "" && len(ee.Missing) > 0
}

// self returns v (and its memo) in st: the same violation under the layers
// of another date.
func (vm *vioMemo) self(v *rulesets.Violation, st, decision *rulesets.Stack) (*rulesets.Violation, *vioMemo) {
	if st == decision {
		return v, vm
	}
	return memoOf(st).violation(st, v.ID)
}

// limitation sets the limitation period: running from the event or the end
// of the state; while a state continues it has not started.
func (e *evaluator) limitation(p *Penalty, r *rulesets.PenaltyRule, from facts.Date, continuing bool) {
	years := r.LimitationYears
	if years <= 0 {
		return
	}
	l := &Limitation{Years: years}
	if !continuing && !from.IsZero() {
		// The day it runs from is not counted; the period ends on the
		// corresponding day (民法典 第二百零一条、第二百零二条).
		l.From = from
		l.Expires = from.AddYears(years)
		l.Expired = e.asOf.After(l.Expires)
	}
	p.Limitation = l
	if l.Expired {
		// past the limitation period: say so instead of a fine
		p.NoFine = fmt.Sprintf("已超过%d年处罚时效（自%s起算，%s届满）：不再给予行政处罚（《行政处罚法》第三十六条）", years, l.From, l.Expires)
		if p.Fine != nil {
			p.Statutory = p.Fine
		}
		p.Fine, p.PerDay, p.Tier = nil, nil, nil
		p.Measures = nil
		p.Undetermined = nil
	}
}

func describeItem(item any) string {
	var buf [160]byte
	b := buf[:0]
	switch x := item.(type) {
	case *facts.Accident:
		b = appendDate(b, x.Date)
		b = append(b, ' ')
		b = append(b, x.Grade().Label()...)
		b = append(b, "（死亡"...)
		b = strconv.AppendInt(b, int64(x.Deaths), 10)
		b = append(b, "人，重伤"...)
		b = strconv.AppendInt(b, int64(x.SeriousInjuries), 10)
		b = append(b, "人，直接经济损失"...)
		b = append(b, decfmt.Yuan(x.DirectLoss)...)
		b = append(b, "）"...)
		if x.EspeciallySerious {
			b = append(b, "，情节特别严重"...)
		}
	case *facts.Period:
		b = appendDate(b, x.From)
		b = append(b, "至"...)
		if x.To.IsZero() {
			b = append(b, untilText(x.To)...)
		} else {
			b = appendDate(b, x.To)
		}
	case *facts.PolicyPeriod:
		if x.SurrenderedOn != nil {
			return fmt.Sprintf("%s退保（保险期间%s至%s）", x.SurrenderedOn, x.Start, x.End)
		}
		return fmt.Sprintf("保单%s至%s", x.Start, x.End)
	default:
		return fmt.Sprint(item)
	}
	return string(b)
}

// appendDate appends d as Date.String writes it (YYYY-MM-DD).
func appendDate(b []byte, d facts.Date) []byte {
	if d.IsZero() {
		return b
	}
	y, m, day := d.Time().Date()
	if y < 0 || y > 9999 {
		return append(b, d.String()...)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+day/10), byte('0'+day%10))
}

func mergeCites(a, b []rulesets.Citation) []rulesets.Citation {
	out := append([]rulesets.Citation{}, a...)
	for _, c := range b {
		dup := false
		for _, x := range out {
			if x == c {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

func mergeStrings(a, b []string) []string {
	out := append([]string{}, a...)
	for _, s := range b {
		dup := false
		for _, x := range out {
			if x == s {
				dup = true
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	if strings.Contains(a, b) {
		return a
	}
	return a + "；" + b
}
