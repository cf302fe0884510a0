package lang

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/anzexian/anzexian/facts"
	"github.com/shopspring/decimal"
)

// Eval is the state of evaluating a stack's rules for one enterprise at one
// as-of date: the facts as seen on that date, memoized lets, and the first
// problem met. It is not safe for concurrent use; use one per goroutine (the
// answer packages and the engine get them from a pool) and Reset it between
// enterprises.
type Eval struct {
	f       *facts.Facts
	scope   *Scope
	asOf    facts.Date
	insurer string

	obligation string
	// item is the current occurrence of a penalty rule with each:.
	item any
	rate decimal.Decimal

	// views of the facts on the as-of date
	accView  []facts.Accident
	accDone  bool
	histView []facts.PolicyPeriod
	histDone bool
	tl       timeline
	tlDone   bool

	// predicate item stacks
	objItems []any
	strItems []string
	intItems []int
	decItems []decimal.Decimal

	// let memos, by stack slot; gen marks which values are current.
	gen     uint32
	letGen  []uint32
	letBool []bool
	letInt  []int
	letDec  []decimal.Decimal
	letStr  []string
	letDate []facts.Date
	letAny  []any
	letFail []*letFailure // by slot: the let failed (scope.go)

	// declared facts bound for the stack
	factSet  []bool
	factBool []bool
	factInt  []int
	factDec  []decimal.Decimal
	factStr  []string
	factDate []facts.Date
	factList [][]string

	err     error
	missing []string
	// ignored records dated facts after the as-of date that were ignored;
	// ignoredSet holds the same, to keep them unique in linear time.
	ignored    []string
	ignoredSet map[string]struct{}
	// budget counts the work done since Reset (budget.go).
	budget budget
}

// EvalError is a problem met while evaluating an expression: a value the
// rules need was not given (Missing), or an arithmetic problem. The rule
// that needed it is undetermined; nothing is guessed.
type EvalError struct {
	// Missing lists the fact paths that were needed but not given.
	Missing []string
	Msg     string
	Expr    *Expr
}

func (e *EvalError) Error() string {
	var b strings.Builder
	if e.Expr != nil {
		b.WriteString(e.Expr.At.String())
		b.WriteString(": ")
	}
	if len(e.Missing) > 0 {
		fmt.Fprintf(&b, "needs %s, which %s not given", strings.Join(e.Missing, ", "), plural(len(e.Missing), "is", "are"))
		if e.Msg != "" {
			b.WriteString("; ")
		}
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrMissing is matched by errors.Is for an EvalError caused by missing facts.
var ErrMissing = errors.New("a fact the rules need was not given")

func (e *EvalError) Is(target error) bool { return target == ErrMissing && len(e.Missing) > 0 }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// NewEval returns an empty Eval. Reset binds it to a stack and facts.
func NewEval() *Eval { return &Eval{} }

// Reset prepares ev to evaluate the rules of a stack's scope for f at asOf
// with the given insurer; the stack then binds its declared facts
// (ClearFacts, SetFact).
func (ev *Eval) Reset(scope *Scope, f *facts.Facts, asOf facts.Date, insurer string) {
	ev.f = f
	ev.scope = scope
	ev.asOf = asOf
	ev.insurer = insurer
	ev.obligation = "none"
	ev.item = nil
	ev.rate = decimal.Decimal{}
	ev.accDone, ev.histDone, ev.tlDone = false, false, false
	ev.accView, ev.histView = ev.accView[:0], ev.histView[:0]
	ev.objItems, ev.strItems, ev.intItems, ev.decItems = ev.objItems[:0], ev.strItems[:0], ev.intItems[:0], ev.decItems[:0]
	ev.err = nil
	ev.missing = ev.missing[:0]
	ev.ignored = ev.ignored[:0]
	clear(ev.ignoredSet)
	ev.budget = budget{}
	ev.newGeneration()
}

// ClearFacts makes room for n declared facts, none of them set.
func (ev *Eval) ClearFacts(n int) {
	if cap(ev.factSet) < n {
		ev.factSet = make([]bool, n)
		ev.factBool = make([]bool, n)
		ev.factInt = make([]int, n)
		ev.factDec = make([]decimal.Decimal, n)
		ev.factStr = make([]string, n)
		ev.factDate = make([]facts.Date, n)
		ev.factList = make([][]string, n)
	}
	ev.factSet = ev.factSet[:n]
	clear(ev.factSet)
}

// SetFact sets declared fact i to v: a bool, int, decimal.Decimal, string,
// Date or []string, as the fact's type says.
func (ev *Eval) SetFact(i int, v any) {
	ev.factSet[i] = true
	switch y := v.(type) {
	case bool:
		ev.factBool[i] = y
	case int:
		ev.factInt[i] = y
	case decimal.Decimal:
		ev.factDec[i] = y
	case string:
		ev.factStr[i] = y
	case facts.Date:
		ev.factDate[i] = y
	case []string:
		ev.factList[i] = y
	}
}

// SetAsOf moves the evaluation to another scope and date (penalties look
// at the law in force when a violation happened); memoized values are
// dropped. It reports whether the scope changed: the facts declared there
// must then be bound again.
func (ev *Eval) SetAsOf(scope *Scope, asOf facts.Date) (rebind bool) {
	rebind = scope != ev.scope
	ev.scope = scope
	if asOf != ev.asOf {
		ev.asOf = asOf
		ev.accDone, ev.histDone, ev.tlDone = false, false, false
		ev.accView, ev.histView = ev.accView[:0], ev.histView[:0]
	}
	ev.newGeneration()
	return rebind
}

// SetObligation makes the obligation visible to rules that run after the
// coverage rules.
func (ev *Eval) SetObligation(o string) {
	if ev.obligation != o {
		ev.obligation = o
		ev.newGeneration()
	}
}

// Obligation returns the obligation set by the coverage rules.
func (ev *Eval) Obligation() string { return ev.obligation }

// SetItem sets the current occurrence for a penalty rule with each:.
func (ev *Eval) SetItem(item any) { ev.item = item }

// SetRate sets the effective base rate seen by a base formula.
func (ev *Eval) SetRate(r decimal.Decimal) { ev.rate = r }

// AsOf returns the as-of date. Facts returns the facts being evaluated.
func (ev *Eval) AsOf() facts.Date    { return ev.asOf }
func (ev *Eval) Facts() *facts.Facts { return ev.f }
func (ev *Eval) Scope() *Scope       { return ev.scope }
func (ev *Eval) Insurer() string     { return ev.insurer }

// Ignored returns the dated facts after the as-of date that evaluation
// ignored, for the trace.
func (ev *Eval) Ignored() []string {
	out := append([]string(nil), ev.ignored...)
	sort.Strings(out)
	return out
}

// Timeline returns the insurance history as of the as-of date.
func (ev *Eval) Timeline() (insured bool, uninsured, late []facts.Period) {
	t := ev.timeline()
	return t.insured, t.uninsured, t.late
}

func (ev *Eval) newGeneration() {
	ev.gen++
	if ev.gen == 0 { // wrapped: clear stamps so no stale value looks current
		for i := range ev.letGen {
			ev.letGen[i] = 0
		}
		ev.gen = 1
	}
}

func (ev *Eval) missingValue(path string) {
	for _, m := range ev.missing {
		if m == path {
			return
		}
	}
	ev.missing = append(ev.missing, path)
	if ev.err == nil {
		ev.err = errMissingSentinel
	}
}

var errMissingSentinel = errors.New("missing")

func (ev *Eval) fail(format string, args ...any) {
	if ev.err == nil || ev.err == errMissingSentinel {
		ev.err = fmt.Errorf(format, args...)
	}
}

func (ev *Eval) ignore(path string, d facts.Date) {
	s := path + " " + d.String()
	if _, dup := ev.ignoredSet[s]; dup {
		return
	}
	if ev.ignoredSet == nil {
		ev.ignoredSet = map[string]struct{}{}
	}
	ev.ignoredSet[s] = struct{}{}
	ev.ignored = append(ev.ignored, s)
}

// begin clears the error state before an expression is evaluated.
func (ev *Eval) begin() {
	ev.err = nil
	ev.missing = ev.missing[:0]
	ev.spend(1)
}

// result turns the error state into an *EvalError (or nil).
func (ev *Eval) result(e *Expr) error {
	if ev.err == nil {
		return nil
	}
	if ev.budget.over && ev.budget.at == nil {
		ev.budget.at = e
	}
	ee := &EvalError{Expr: e}
	if len(ev.missing) > 0 {
		ee.Missing = append([]string(nil), ev.missing...)
	}
	if ev.err != errMissingSentinel {
		ee.Msg = ev.err.Error()
	}
	return ee
}

// accidents returns the accidents on or before the as-of date; later ones
// are ignored and recorded for the trace.
func (ev *Eval) accidents() []facts.Accident {
	if !ev.accDone {
		ev.accDone = true
		ev.spend(len(ev.f.Accidents))
		ev.accView = asOfView(ev, ev.f.Accidents, "accidents[%d].date", func(a *facts.Accident) facts.Date { return a.Date })
	}
	return ev.accView
}

// history returns the earlier policies that started on or before as-of.
func (ev *Eval) history() []facts.PolicyPeriod {
	if !ev.histDone {
		ev.histDone = true
		ev.spend(len(ev.f.PolicyHistory))
		ev.histView = asOfView(ev, ev.f.PolicyHistory, "policy_history[%d].start", func(p *facts.PolicyPeriod) facts.Date { return p.Start })
	}
	return ev.histView
}

// asOfView returns the items of all dated on or before the as-of date,
// recording the later ones as ignored. It returns all itself, without
// copying, when none is later.
func asOfView[T any](ev *Eval, all []T, path string, date func(*T) facts.Date) []T {
	first := -1
	for i := range all {
		if date(&all[i]).After(ev.asOf) {
			first = i
			break
		}
	}
	if first < 0 {
		return all
	}
	view := make([]T, 0, len(all))
	view = append(view, all[:first]...)
	for i := first; i < len(all); i++ {
		if d := date(&all[i]); d.After(ev.asOf) {
			ev.ignore(fmt.Sprintf(path, i), d)
			continue
		}
		view = append(view, all[i])
	}
	return view
}

// timeline is the insurance history on the as-of date.
type timeline struct {
	insured   bool
	uninsured []facts.Period // stretches without cover while operating, up to as-of
	late      []facts.Period // gaps after a policy ended before the next one (延迟续保)
}

func (ev *Eval) timeline() *timeline {
	if ev.tlDone {
		return &ev.tl
	}
	ev.tlDone = true
	ev.tl = computeTimeline(ev.f, ev.history(), ev.asOf)
	return &ev.tl
}

// computeTimeline merges the current policy and the history into covered
// periods (a surrender ends cover on the surrender date) and derives the
// uninsured stretches up to asOf and the late renewals between policies.
func computeTimeline(f *facts.Facts, hist []facts.PolicyPeriod, asOf facts.Date) timeline {
	var cov []facts.Period
	for _, h := range hist {
		end := h.End
		if h.SurrenderedOn != nil && !h.SurrenderedOn.After(asOf) && h.SurrenderedOn.Before(end) {
			end = *h.SurrenderedOn
		}
		cov = append(cov, facts.Period{From: h.Start, To: end})
	}
	if p := f.Policy; p.IsInsured() && !p.Start.After(asOf) {
		cov = append(cov, facts.Period{From: p.Start, To: p.End})
	}
	sort.Slice(cov, func(i, j int) bool { return cov[i].From.Before(cov[j].From) })
	// merge overlapping or adjacent periods
	var merged []facts.Period
	for _, c := range cov {
		if n := len(merged); n > 0 && !c.From.After(merged[n-1].To.AddDays(1)) {
			if c.To.After(merged[n-1].To) {
				merged[n-1].To = c.To
			}
			continue
		}
		merged = append(merged, c)
	}
	var t timeline
	for _, m := range merged {
		if m.Contains(asOf) {
			t.insured = true
		}
	}
	// Only an enterprise closed by law or that has stopped operating entirely
	// (依法关闭取缔、完全停止生产经营活动) is excused from keeping insurance;
	// a suspension (停产停业) is not.
	operating := f.Status != "closed"
	// Gaps between policies (and after the last one) are late renewals; an
	// enterprise that closed or stopped is not required to renew.
	for i, m := range merged {
		if !m.To.Before(asOf) {
			continue
		}
		gap := facts.Period{From: m.To.AddDays(1)}
		if i+1 < len(merged) {
			gap.To = merged[i+1].From.AddDays(-1)
		}
		if operating {
			t.late = append(t.late, gap)
		}
	}
	if !operating {
		return t
	}
	// Uninsured stretches: before the first policy (from operating_since,
	// when known), and every gap, up to as-of.
	start := facts.Date{}
	if f.OperatingSince != nil {
		start = *f.OperatingSince
	}
	if len(merged) == 0 {
		t.uninsured = append(t.uninsured, facts.Period{From: start})
		return t
	}
	if f.OperatingSince != nil && start.Before(merged[0].From) {
		t.uninsured = append(t.uninsured, facts.Period{From: start, To: merged[0].From.AddDays(-1)})
	}
	t.uninsured = append(t.uninsured, t.late...)
	return t
}
