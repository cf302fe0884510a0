package penalties

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
	"github.com/shopspring/decimal"
)

type evaluator struct {
	in    Input
	ev    *lang.Eval
	asOf  facts.Date
	oblig rulesets.Obligation
	res   *Result
	memo  *stackMemo // of the decision stack
	tl    *timeline.Timeline
	hist  *lang.History
	// the occurrences of each each: expression (evaluated on the decision
	// date), so that violations of one kind share them; descriptions of
	// occurrences; obligations under the decision stack on other days
	items []itemsEntry
	// itemBuf holds the lists of items one after another
	itemBuf []any
	descs   map[any]string
	obls    map[facts.Date]rulesets.Obligation
	// meta is parallel to res.Penalties until they are sorted.
	meta []meta
	lims []Limitation // room for the penalties' limitations
	// pens is the room the penalties are derived in: the result gets a
	// list of their number (a list grown by append, of 440-byte
	// penalties, was the largest allocation of an assessment)
	pens []Penalty
	// order is sinceOrder's room
	order []int32
	// others are the stacks of other dates this evaluation met, last
	// few first (stackMemo.other)
	others  [4]*otherStack
	nOthers int
}

// meta is what links a penalty to its alternatives: the occurrence it is
// about and the violation it may replace.
type meta struct {
	key any
	alt string
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
	res := in.Into
	if res == nil {
		res = new(Result)
	}
	*res = Result{}
	if len(in.Stack.Penalties) == 0 {
		// no penalty rule: nothing to derive, nothing to trace
		res.Penalties = []Penalty{}
		return res
	}
	e := evaluators.Get().(*evaluator)
	*e = evaluator{in: in, ev: in.Eval, asOf: in.Eval.AsOf(), res: res, memo: memoOf(in.Stack),
		items: e.items[:0], itemBuf: e.itemBuf[:0], meta: e.meta[:0], descs: e.descs, obls: e.obls, pens: e.pens, order: e.order}
	e.res.Penalties = e.pens[:0]
	if in.Room != nil {
		e.lims = in.Room.lims[:0]
	}
	defer e.release()
	if in.Trace {
		e.res.Trace = make([]rulesets.TraceEntry, 0, 2*len(in.Stack.Penalties))
	}
	e.oblig = rulesets.Obligation(e.ev.Obligation())
	if e.in.Timeline == nil {
		e.in.Timeline = timeline.Build(timeline.Input{Stack: in.Stack, Eval: in.Eval, StackAt: in.StackAt, Boundaries: in.Boundaries,
			Decide: func(st *rulesets.Stack, ev *lang.Eval) timeline.Duty {
				o := in.Obligation(st, ev)
				return timeline.Duty{Level: o, Binding: o}
			}})
	}
	e.tl = e.in.Timeline
	e.hist = e.ev.History()
	defer e.restore()
	for i, v := range in.Stack.Penalties {
		e.violation(v, &e.memo.vios[i])
	}
	e.linkAlternatives()
	e.pens = e.res.Penalties // the room, grown as it was
	// the result: the penalties in the order they began, in a list of
	// their number
	e.order = sinceOrder(e.pens, e.order)
	e.res.Penalties = in.Room.list(len(e.pens))
	for i, k := range e.order {
		e.res.Penalties[i] = e.pens[k]
	}
	in.Room.keepLimitations(e.lims)
	return e.res
}

// evaluators are reused, so that the per-evaluation caches keep their
// storage (one goroutine at a time uses one).
var evaluators = sync.Pool{New: func() any { return new(evaluator) }}

// release returns e to the pool without what it referred to.
func (e *evaluator) release() {
	clear(e.items)
	clear(e.itemBuf)
	clear(e.meta)
	clear(e.descs)
	clear(e.obls)
	clear(e.pens)
	pens := e.pens[:0]
	if cap(pens) > 1024 {
		pens = nil // a room grown very large is left to the collector
	}
	itemBuf := e.itemBuf[:0]
	if cap(itemBuf) > 1024 {
		itemBuf = nil
	}
	*e = evaluator{items: e.items[:0], itemBuf: itemBuf, meta: e.meta[:0], descs: e.descs, obls: e.obls, pens: pens, order: e.order[:0]}
	evaluators.Put(e)
}

// sinceOrder returns, in idx, the positions of ps in the order of the day
// each penalty began, stably; a penalty without one keeps its place
// relative to the others. The positions are sorted, not the penalties:
// moving their 400-odd bytes (with write barriers) at each step cost more
// than the comparisons. The comparisons and the algorithm are
// sort.SliceStable's (less is not a strict weak order: another algorithm
// could order unequal days differently).
func sinceOrder(ps []Penalty, idx []int32) []int32 {
	idx = idx[:0]
	for i := range ps {
		idx = append(idx, int32(i))
	}
	less := func(i, j int32) bool {
		a, b := &ps[i], &ps[j]
		return !a.Since.IsZero() && !b.Since.IsZero() && a.Since != b.Since && a.Since.Before(b.Since)
	}
	if len(idx) > 20 {
		sort.SliceStable(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
		return idx
	}
	// what sort.SliceStable does for up to 20 elements: an insertion sort
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && less(idx[j], idx[j-1]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}

func (e *evaluator) restore() {
	e.in.Stack.MoveTo(e.ev, e.asOf)
	e.ev.SetObligation(string(e.oblig))
	e.ev.SetItem(nil)
}

// at moves the evaluation to st on date d, with obligation ob.
func (e *evaluator) at(st *rulesets.Stack, d facts.Date, ob rulesets.Obligation) {
	if !st.Binds(e.ev) || d != e.ev.AsOf() {
		st.MoveTo(e.ev, d)
	}
	e.ev.SetObligation(string(ob))
}

// decisionObligationOn is the obligation the decision stack's coverage
// rules give on d: whether the law in force at decision still treats the
// act of d as a violation (从旧兼从轻) depends on the facts of d.
func (e *evaluator) decisionObligationOn(d facts.Date) rulesets.Obligation {
	if d == e.asOf {
		return e.oblig
	}
	if o, ok := e.obls[d]; ok {
		return o
	}
	e.in.Stack.MoveTo(e.ev, d)
	o := e.in.Obligation(e.in.Stack, e.ev)
	if e.obls == nil {
		e.obls = map[facts.Date]rulesets.Obligation{}
	}
	e.obls[d] = o
	return o
}

// occurrences evaluates a violation's each: on the decision date; rules
// with the same expression share the result.
func (e *evaluator) occurrences(each *lang.Expr) ([]any, error) {
	for _, it := range e.items {
		if it.src == each.Src {
			return it.items, it.err
		}
	}
	n := len(e.itemBuf)
	buf, err := each.AppendItems(e.itemBuf, e.ev)
	items := buf[n:len(buf):len(buf)]
	e.itemBuf = buf
	e.items = append(e.items, itemsEntry{each.Src, items, err})
	return items, err
}

// describe describes an occurrence, once per evaluation.
func (e *evaluator) describe(item any) string {
	if s, ok := e.descs[item]; ok {
		return s
	}
	s := describeItem(item)
	if e.descs == nil {
		e.descs = map[any]string{}
	}
	e.descs[item] = s
	return s
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

// add appends a penalty with what links it to its alternatives.
func (e *evaluator) add(p *Penalty, r *rulesets.PenaltyRule, item any) {
	e.res.Penalties = append(e.res.Penalties, *p)
	e.meta = append(e.meta, meta{key: occurrenceKey(item), alt: r.AlternativeOf})
}

// occurrenceKey identifies what a penalty is about, so that alternatives
// for the same occurrence find each other: an accident, or an order (its
// overdue stretch and its refusal).
func occurrenceKey(item any) any {
	switch x := item.(type) {
	case *lang.Overdue:
		return orderKey(x.Record)
	case *lang.Refusal:
		return orderKey(x.Record)
	}
	return item
}

type orderKey int

var errNoStack = errors.New("no ruleset applies")

// linkAlternatives marks each penalty whose rule is an alternative of
// another violation, when that violation has a penalty for the same
// occurrence.
func (e *evaluator) linkAlternatives() {
	ps := e.res.Penalties
	groups := 0
	for i := range ps {
		alt := e.meta[i].alt
		if alt == "" {
			continue
		}
		for j := range ps {
			if j != i && ps[j].Violation == alt && e.meta[j].key == e.meta[i].key && e.meta[j].alt == "" {
				ps[i].AlternativeOf = alt
				if ps[j].Group == 0 {
					groups++
					ps[j].Group = groups
				}
				ps[i].Group = ps[j].Group
				break
			}
		}
	}
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
			e.continuing(v, vm, it)
		} else {
			e.event(v, vm, it)
		}
	}
	e.ev.SetItem(nil)
}

// basisOf is draft when the rule rests on a draft.
func basisOf(r *rulesets.PenaltyRule) string {
	if r.Ruleset.Status == rulesets.StatusDraft {
		return BasisDraft
	}
	return BasisBinding
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
	p.Basis = basisOf(r)
	if readsObligation(r) {
		if o := e.tl.At(e.asOf); o != nil && o.Basis == BasisDraft {
			p.Basis = BasisDraft
		}
	}
	if r.Since != nil {
		if d, err := r.Since.Date(e.ev); err == nil {
			p.Since = d
		}
	}
	// a state on the decision date continues: its limitation period has
	// not started to run
	e.fined(&p, r, facts.Period{})
	e.limitation(&p, r, nil, facts.Period{}, facts.Date{}, true)
	e.trace(r.Ref(), "matched", nil, "")
	e.add(&p, r, nil)
}

// readsObligation reports whether the rule's condition reads the
// obligation (lets cannot, so the condition's own names say it).
func readsObligation(r *rulesets.PenaltyRule) bool {
	return r.When != nil && slices.Contains(r.When.Roots(), "obligation")
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
	// the law on the day it happened (none before the first ruleset: not
	// asked of the registry for every old accident)
	var oldSt *rulesets.Stack
	if o := e.tl.At(date); (o == nil && date.Before(e.tl.From)) || (o != nil && o.NoRules) {
		err = errNoStack
	} else {
		oldSt, err = e.in.StackAt(date)
	}
	if err != nil {
		if e.in.Trace {
			e.trace(r.Ref(), "skipped", nil, fmt.Sprintf("%s：%s无可适用的规则集", e.describe(item), date))
		}
		return
	}
	oldV, oldVM := e.self(v, vm, oldSt)
	if oldV != nil && oldV.Rule == r && vm.itemOnly {
		// the same rule on both days, its condition reading only the
		// occurrence: it decides the same under the law of either day,
		// so one evaluation settles the occurrence
		e.ev.SetItem(item)
		ok, err := r.When.Bool(e.ev)
		if err == nil && !ok {
			if e.in.Trace {
				e.trace(r.Ref(), "not_matched", nil, e.describe(item))
			}
			return
		}
		if err == nil && r.PerDay == nil {
			// it holds on both days, and a penalty without days
			// always follows: the penalty of the day it happened
			// governs, under a law unchanged since (as below, where
			// the decision date's penalty would decide nothing)
			e.atDay(oldSt, date)
			e.ev.SetItem(item)
			p, _ := e.penalty(oldV, oldVM, "")
			e.at(e.in.Stack, e.asOf, e.oblig)
			p.Governing = governsUnchanged
			e.matched(&p, r, r, item, date)
			return
		}
	}
	var oldP Penalty
	oldOK := false
	if oldV != nil {
		e.atDay(oldSt, date)
		e.ev.SetItem(item)
		ok, err := oldV.Rule.When.Bool(e.ev)
		if err != nil {
			e.undetermined(oldV.Rule, err)
			e.at(e.in.Stack, e.asOf, e.oblig)
			return
		}
		if ok {
			oldP, oldOK = e.penalty(oldV, oldVM, "")
		}
	}
	// the law on the decision date, over the facts of the day it happened
	ob := e.oblig
	if readsObligation(r) {
		ob = e.decisionObligationOn(date)
	}
	e.at(e.in.Stack, e.asOf, ob)
	e.ev.SetItem(item)
	ok, err := r.When.Bool(e.ev)
	if err != nil {
		e.undetermined(r, err)
		e.ev.SetObligation(string(e.oblig))
		return
	}
	var newP Penalty
	newOK := false
	if ok {
		newP, newOK = e.penalty(v, vm, "")
	}
	e.ev.SetObligation(string(e.oblig))
	var p Penalty
	governing := r
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
	case lighter(&newP, &oldP) && oldP.Law != newP.Law:
		p = newP
		var db [10]byte // one allocation: the concatenation's
		p.Governing = "从旧兼从轻：违法行为发生时（" + string(appendDate(db[:0], date)) + "）适用" + oldP.Law + "，但作出处罚决定时的规定处罚较轻，适用新的规定"
	default:
		p = oldP
		governing = oldV.Rule
		if oldP.Law == newP.Law {
			p.Governing = governsUnchanged
		} else {
			var db [10]byte
			p.Governing = "违法行为发生时（" + string(appendDate(db[:0], date)) + "）的规定；作出处罚决定时的" + newP.Law + "处罚不轻于它（从旧兼从轻）"
		}
	}
	e.matched(&p, r, governing, item, date)
}

// governsUnchanged is why the law of the day an event happened governs
// when the decision date's is the same.
const governsUnchanged = "违法行为发生时的规定（至作出处罚决定时未修改）"

// atDay moves the evaluation to st on date, with the obligation of that
// day.
func (e *evaluator) atDay(st *rulesets.Stack, date facts.Date) {
	level := e.tl.LevelAt(date)
	if e.tl.At(date) == nil {
		// a day whose stretch the timeline omitted (MaxStretches):
		// decide its obligation
		st.MoveTo(e.ev, date)
		level = e.in.Obligation(st, e.ev)
	}
	e.at(st, date, level)
}

// matched adds p, the penalty of an event of rule r on date, under the
// governing rule, with what follows from it; the evaluation is on the
// decision stack and date.
func (e *evaluator) matched(p *Penalty, r, governing *rulesets.PenaltyRule, item any, date facts.Date) {
	desc := e.describe(item)
	p.Occurrence = desc
	p.Since = date
	p.Until = date
	if r.Since != nil {
		if d, err := r.Since.Date(e.ev); err == nil {
			p.Since = d
		}
	}
	p.Basis = basisOf(governing)
	if readsObligation(governing) {
		if o := e.tl.At(date); o != nil && o.Basis == BasisDraft {
			p.Basis = BasisDraft
		}
	}
	span := facts.Period{From: p.Since, To: date}
	e.fined(p, governing, span)
	e.ev.SetItem(item)
	e.limitation(p, governing, item, span, date, false)
	e.trace(r.Ref(), "matched", nil, desc)
	e.add(p, governing, item)
}

// lighter reports whether a punishes less than b: a lower maximum, then a
// lower minimum; no fine is lighter than a fine.
func lighter(a, b *Penalty) bool {
	am, bm := maxOf(a), maxOf(b)
	if am == nil || bm == nil {
		return am == nil && bm != nil
	}
	if c := am.Max.Cmp(bm.Max); c != 0 {
		return c < 0
	}
	return am.Min.LessThan(bm.Min)
}

func maxOf(p *Penalty) *Range {
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

// stretchOf returns the stretch a continuing item spans (To zero: it
// continues), the span of it the facts prove, and the earliest possible
// start when the item knows it.
func (e *evaluator) stretchOf(item any) (span, proven facts.Period, earliest facts.Date, ok bool) {
	h := e.hist
	switch x := item.(type) {
	case *facts.Period:
		span = *x
		proven = facts.Period{From: h.Proof.From, To: h.Proof.To}
		if h.Proof.From.IsZero() {
			proven = facts.Period{}
		}
		return span, proven, facts.Date{}, true
	case *lang.Overdue:
		span = x.Span()
		return span, span, facts.Date{}, true
	case *lang.Deficiency:
		span = x.Span()
		proven = span
		if !x.Earliest.IsZero() && x.Earliest.Before(x.From) {
			span.From = x.Earliest
			earliest = x.Earliest
		}
		return span, proven, earliest, true
	}
	return facts.Period{}, facts.Period{}, facts.Date{}, false
}

// unproven are the texts of a stretch nothing proves the enterprise
// operated in, by the fact that would settle it (shared, read-only: the
// lists are full, so an append copies).
var unproven = [2]struct {
	missing            []string
	occurrence, noFine string
}{
	{[]string{"operating_since"}[:1:1], "（是否在生产经营、因而是否未投保，取决于 operating_since）",
		"事实不能证明这段时间在生产经营（缺少 operating_since）：是否构成违法行为无法确定，不计罚款。"},
	{[]string{"closed_on"}[:1:1], "（是否在生产经营、因而是否未投保，取决于 closed_on）",
		"事实不能证明这段时间在生产经营（缺少 closed_on）：是否构成违法行为无法确定，不计罚款。"},
}

type group struct {
	p        Penalty
	rule     *rulesets.PenaltyRule
	law      string
	basis    string
	from, to facts.Date
	readings []string
}

// continuing handles a continuing state over a stretch: it is split where
// the stack or the obligation changes, and each stretch governed by one law
// gives one penalty; the part of it the facts do not prove is said so.
func (e *evaluator) continuing(v *rulesets.Violation, vm *vioMemo, item any) {
	span, proven, _, ok := e.stretchOf(item)
	if !ok {
		return
	}
	h := e.hist
	from, to := span.From, span.To
	unknownStart := from.IsZero()
	if unknownStart {
		from = e.tl.From
	}
	end := to
	openEnd := end.IsZero() // continues on the decision date
	if openEnd {
		end = e.asOf
		if h.Proof.OpenEnd {
			end = h.Base.AddDays(-1) // closed on or before the decision date
		}
	}
	if end.After(e.asOf) {
		end = e.asOf
	}
	if from.After(end) {
		return
	}
	// cut points inside (from, end]: the stack, and the obligation
	var cutBuf [8]facts.Date
	cuts := append(cutBuf[:0], from)
	for _, b := range e.in.Boundaries {
		if b.After(from) && !b.After(end) {
			cuts = append(cuts, b)
		}
	}
	d := e.tl.NextChange(from)
	if os := e.tl.Obligations; e.tl.At(from) == nil && len(os) > 0 && from.Before(os[0].From) {
		// from lies in stretches the timeline omitted (MaxStretches):
		// go on from the first it kept
		d = os[0].From
	}
	for ; !d.IsZero() && !d.After(end); d = e.tl.NextChange(d) {
		cuts = append(cuts, d)
	}
	slices.SortFunc(cuts, func(a, b facts.Date) int { return a.Compare(b) })
	cuts = slices.Compact(cuts)
	var groupBuf [4]group
	groups := groupBuf[:0]
	for i, start := range cuts {
		segEnd := end
		if i+1 < len(cuts) {
			segEnd = cuts[i+1].AddDays(-1)
		}
		st, err := e.in.StackAt(start)
		if err != nil {
			continue
		}
		sv, svm := e.self(v, vm, st)
		if sv == nil {
			continue
		}
		ob := e.tl.At(start)
		level := rulesets.ObligationNone
		if ob != nil {
			level = ob.Level
		}
		e.at(st, segEnd, level)
		e.ev.SetItem(item)
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
		basis := basisOf(sv.Rule)
		var readings []string
		if readsObligation(sv.Rule) && ob != nil {
			if ob.Basis == BasisDraft {
				basis = BasisDraft
			}
			readings = ob.Readings
		}
		law := sv.Rule.Ref()
		if n := len(groups); n > 0 && groups[n-1].law == law && groups[n-1].basis == basis && groups[n-1].to.AddDays(1) == segFrom {
			// One continuing violation under one law is one penalty: it
			// is judged with the treatment of its latest stretch (a local
			// discretion tier that came into force meanwhile applies), and
			// keeps every citation and measure that applied along the way.
			g := &groups[n-1]
			g.to = segEnd
			g.p.Fine, g.p.Statutory, g.p.Tier, g.p.PerDay = p.Fine, p.Statutory, p.Tier, p.PerDay
			g.p.NoFine, g.p.FineBasis, g.p.Undetermined = p.NoFine, p.FineBasis, p.Undetermined
			g.p.Illustrative = g.p.Illustrative || p.Illustrative
			g.p.Rules = mergeStrings(g.p.Rules, p.Rules)
			g.p.Cite = mergeCites(g.p.Cite, p.Cite)
			g.p.Measures = mergeStrings(g.p.Measures, p.Measures)
			g.p.Caveats = mergeStrings(g.p.Caveats, p.Caveats)
			if len(readings) > 0 {
				g.readings = mergeStrings(g.readings, readings)
			}
			g.rule = sv.Rule
			continue
		}
		groups = append(groups, group{p: p, rule: sv.Rule, law: law, basis: basis, from: segFrom, to: segEnd, readings: readings})
	}
	e.at(e.in.Stack, e.asOf, e.oblig)
	// The violation is a continuing state over each run of contiguous
	// groups (across law versions); its limitation runs from the run's end
	// (the latest possible one when closure's date is unknown), and a run
	// reaching the decision date while the stretch continues is running.
	type run struct {
		state   facts.Period
		running bool
	}
	var runBuf [4]run
	runs := runBuf[:0]
	for range groups {
		runs = append(runs, run{})
	}
	for i := 0; i < len(groups); {
		j := i
		for j+1 < len(groups) && groups[j].to.AddDays(1) == groups[j+1].from {
			j++
		}
		r := run{state: facts.Period{From: groups[i].from, To: groups[j].to}}
		if i == 0 && unknownStart {
			r.state.From = facts.Date{}
		}
		if groups[j].to == end && openEnd && !h.Proof.OpenEnd {
			r.state.To, r.running = facts.Date{}, true
		}
		for k := i; k <= j; k++ {
			runs[k] = r
		}
		i = j + 1
	}
	for gi := range groups {
		g := &groups[gi]
		state, running := runs[gi].state, runs[gi].running
		p := g.p
		p.Governing = "继续状态：该时段内施行的规定"
		p.Basis = g.basis
		p.Readings = g.readings
		pf, pt := g.from, g.to
		if !proven.From.IsZero() && proven.From.After(pf) {
			pf = proven.From
		}
		if !proven.To.IsZero() && proven.To.Before(pt) {
			pt = proven.To
		}
		provenOK := !proven.From.IsZero() && !pf.After(pt)
		e.ev.SetItem(item)
		if !provenOK {
			// nothing proves the enterprise operated then: the violation
			// may or may not have happened
			u := &unproven[0] // operating_since
			if !h.Proof.From.IsZero() && g.from.After(h.Proof.To) {
				u = &unproven[1] // closed_on
			}
			p.Since, p.Until = g.from, g.to
			p.Undetermined = u.missing
			var buf [160]byte
			b := appendDate(buf[:0], g.from)
			b = append(b, "至"...)
			b = appendDate(b, g.to)
			p.Occurrence = string(append(b, u.occurrence...))
			if p.Fine != nil {
				p.Statutory = p.Fine
			}
			p.Fine, p.Tier, p.PerDay = nil, nil, nil
			p.NoFine = u.noFine
			e.limitation(&p, g.rule, item, state, facts.Date{}, running)
			if p.Limitation != nil && p.Limitation.Expired {
				// barred even at its latest possible end
				e.trace(g.law, "skipped", nil, p.Occurrence+"：即使存在也已超过处罚时效")
				continue
			}
			e.trace(g.law, "undetermined", nil, p.Occurrence)
			e.add(&p, g.rule, item)
			continue
		}
		p.Since = pf
		if pf.After(g.from) {
			p.SinceEarliest = g.from
		}
		if !(pt == e.asOf && running) {
			p.Until = pt
		}
		if pt.Before(g.to) {
			p.UntilLatest = g.to
		}
		p.Days = pf.DaysUntil(pt) + 1
		var buf [320]byte
		b := appendDate(buf[:0], p.Since)
		if !p.SinceEarliest.IsZero() {
			b = append(b, "（有记录证明之日；此前最早可能自"...)
			b = appendDate(b, p.SinceEarliest)
			b = append(b, "起，取决于开始生产经营的日期）"...)
		}
		b = append(b, "至"...)
		if p.Until.IsZero() {
			b = append(b, "评估日仍在持续"...)
		} else {
			b = appendDate(b, p.Until)
		}
		if !p.UntilLatest.IsZero() {
			b = append(b, "（此后是否仍在生产经营取决于关闭的日期，最迟至"...)
			b = appendDate(b, p.UntilLatest)
			b = append(b, "）"...)
		}
		if g.to.Before(end) && !running && (gi+1 == len(groups) || groups[gi+1].from != g.to.AddDays(1)) && g.to.AddDays(1) != h.ClosedOn {
			b = append(b, "（此后不再负有这一投保义务，已无可改正）"...)
		}
		desc := string(b)
		p.Occurrence = desc
		e.fined(&p, g.rule, state)
		e.ev.SetItem(item)
		e.limitation(&p, g.rule, item, state, facts.Date{}, running)
		e.trace(g.law, "matched", nil, desc)
		e.add(&p, g.rule, item)
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
		Illustrative: r.Illustrative, Unverified: r.Unverified || vm.unverified, Basis: BasisBinding,
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
			if err1 != nil || err2 != nil {
				p.Undetermined = mergeStrings(answer.MissingOf(err1), answer.MissingOf(err2))
				if len(p.Undetermined) == 0 {
					p.Undetermined = []string{errors.Join(err1, err2).Error()}
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
		if err1 != nil || err2 != nil || err3 != nil {
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

// self returns v, a violation of the decision stack, and its memo vm in
// st: the same violation under the layers of another date (nil when st
// has none of its id).
func (e *evaluator) self(v *rulesets.Violation, vm *vioMemo, st *rulesets.Stack) (*rulesets.Violation, *vioMemo) {
	if st == e.in.Stack {
		return v, vm
	}
	var o *otherStack
	for _, x := range e.others {
		if x != nil && x.st == st {
			o = x
			break
		}
	}
	if o == nil {
		o = e.memo.other(e.in.Stack, st)
		e.others[e.nOthers%len(e.others)] = o
		e.nOthers++
	}
	j := o.idx[vm.index]
	if j < 0 {
		return nil, nil
	}
	return st.Penalties[j], &o.memo.vios[j]
}

// subjectOf is what a violation is about: its rule's subject, or the
// occurrence's.
func subjectOf(r *rulesets.PenaltyRule, item any) string {
	if r.Subject != "" {
		return r.Subject
	}
	switch x := item.(type) {
	case *facts.Accident:
		return "accident"
	case *lang.Refusal:
		return x.Subject
	}
	return ""
}

// concerns reports whether the record Records[i] is about the state
// [from, to] (from zero: unknown start; to zero: continuing): its period
// overlaps it, or its date lies in it, or it came after the state ended
// while no other such state held (an order about a gap already closed).
func (e *evaluator) concerns(i int, state facts.Period) bool {
	r := &e.hist.Records[i]
	if p := r.Period; p != nil {
		return (state.To.IsZero() || !p.From.After(state.To)) && (state.From.IsZero() || !p.To.Before(state.From))
	}
	if (state.From.IsZero() || !r.Date.Before(state.From)) && (state.To.IsZero() || !r.Date.After(state.To)) {
		return true
	}
	if !state.To.IsZero() && r.Date.After(state.To) {
		if r.Subject == "insurance" {
			return e.hist.Covered(r.Date) && !e.hist.Deficient(r.Date)
		}
		return true
	}
	return false
}

// discovery returns the first record about subject that concerns the
// state (order, fine, inspection that did not find compliance, decision),
// or the accident's report.
func (e *evaluator) discovery(subject string, item any, state facts.Period) (facts.Date, string) {
	switch x := item.(type) {
	case *facts.Accident:
		by := "accidents"
		// Accidents are in date order: look among those of its day
		as := e.hist.Accidents
		for i := sort.Search(len(as), func(i int) bool { return !as[i].Date.Before(x.Date) }); i < len(as) && as[i].Date == x.Date; i++ {
			if &as[i] == x || as[i] == *x {
				return x.Reported(), e.hist.AccidentDayPath(i, x.ReportedOn != nil)
			}
		}
		return x.Reported(), by
	case *lang.Refusal:
		return x.OrderedOn, "order"
	}
	if subject == "" {
		return facts.Date{}, ""
	}
	// a record about the state is dated on or after its start (a record's
	// period ends by its date): begin there
	for i := e.firstRecordFrom(state.From); i < len(e.hist.Records); i++ {
		r := &e.hist.Records[i]
		if r.Subject != subject || r.Kind == "deadline" || (r.Kind == "inspection" && r.Result == "compliant") {
			continue
		}
		if e.concerns(i, state) {
			return r.Date, e.hist.RecordPath(i)
		}
	}
	return facts.Date{}, ""
}

// firstRecordFrom returns the index of the first record dated on or after
// d (Records are in date order); 0 for the zero Date.
func (e *evaluator) firstRecordFrom(d facts.Date) int {
	if d.IsZero() {
		return 0
	}
	rs := e.hist.Records
	return sort.Search(len(rs), func(i int) bool { return !rs[i].Date.Before(d) })
}

// fined marks a penalty that a recorded fine of its tier already punished
// (一事不再罚).
func (e *evaluator) fined(p *Penalty, r *rulesets.PenaltyRule, state facts.Period) {
	if r.FinedBy == "" || p.Fine == nil {
		return
	}
	for i := e.firstRecordFrom(state.From); i < len(e.hist.Records); i++ {
		rec := &e.hist.Records[i]
		if rec.Kind != "fine" || rec.Subject != r.Subject || rec.Amount == nil || e.ev.FineTier(i) != r.FinedBy {
			continue
		}
		if !e.concerns(i, state) {
			continue
		}
		p.Fined = &Fined{Record: e.hist.RecordPath(i), Date: rec.Date, Amount: *rec.Amount, Tier: e.ev.FineTier(i)}
		p.Statutory = p.Fine
		p.Fine, p.Tier = nil, nil
		p.NoFine = fmt.Sprintf("已于%s作出罚款%s元（%s）：同一违法行为不再给予第二次罚款（一事不再罚）。", rec.Date, rec.Amount.StringFixed(2), p.Fined.Record)
		return
	}
}

// limitation sets the limitation period: running from the event or the end
// of the state; while a state continues it has not started. A violation
// discovered by the end of the period is not barred.
func (e *evaluator) limitation(p *Penalty, r *rulesets.PenaltyRule, item any, state facts.Period, event facts.Date, continuing bool) {
	years := r.LimitationYears
	if r.LimitationExpr != nil {
		if n, err := r.LimitationExpr.Int(e.ev); err == nil && n > 0 {
			years = n
		}
	}
	if years <= 0 {
		return
	}
	// limitations are handed out of arrays (a Room's, or small ones):
	// one allocation for a few. A full array is left to the penalties
	// that point into it; the next is twice as large.
	if len(e.lims) == cap(e.lims) {
		e.lims = make([]Limitation, 0, max(4, 2*cap(e.lims)))
	}
	e.lims = append(e.lims, Limitation{Years: years})
	l := &e.lims[len(e.lims)-1]
	from := event
	if from.IsZero() {
		from = state.To
	}
	if !continuing && !from.IsZero() {
		// The day it runs from is not counted; the period ends on the
		// corresponding day (民法典 第二百零一条、第二百零二条).
		l.From = from
		l.Expires = from.AddYears(years)
	}
	if d, by := e.discovery(subjectOf(r, item), item, state); !d.IsZero() && (l.Expires.IsZero() || !d.After(l.Expires)) && !d.After(e.hist.Base) {
		l.DiscoveredOn, l.DiscoveredBy = d, by
	}
	l.Expired = !l.Expires.IsZero() && e.asOf.After(l.Expires) && l.DiscoveredOn.IsZero()
	p.Limitation = l
	if l.Expired {
		// past the limitation period: say so instead of a fine
		p.NoFine = fmt.Sprintf("已超过%d年处罚时效（自%s起算，%s届满），期间未被发现：不再给予行政处罚（《行政处罚法》第三十六条）", years, l.From, l.Expires)
		if p.Fine != nil {
			p.Statutory = p.Fine
		}
		p.Fine, p.PerDay, p.Tier = nil, nil, nil
		p.Measures = nil
		p.Undetermined = nil
	}
}
