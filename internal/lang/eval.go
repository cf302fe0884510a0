package lang

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
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
	// base is the decision date Reset was given; asOf moves away from it
	// when penalties look at the law of another day.
	base facts.Date

	obligation string
	// item is the current occurrence of a penalty rule with each:.
	item any
	rate decimal.Decimal

	// the dated facts as known on the decision date, and views of them on
	// the evaluation date
	hist     History
	histBase facts.Date
	histOK   bool
	histView []facts.PolicyPeriod
	histDone bool
	accView  []facts.Accident
	accDone  bool
	// the accidents on or before the decision date in date order, when
	// computed without the rest of the history (baseAccidents)
	baseAcc    []facts.Accident
	baseIdx    []int
	baseAccBuf []facts.Accident
	baseIdxBuf []int
	baseAccOK  bool
	// windows are the indexes of window predicates (see windowAny).
	windows []windowEntry
	// horizon is the first day after asOf on which a value read since
	// ResetHorizon may change (zero: none seen).
	horizon facts.Date

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
	// their text is made only when asked for (the trace).
	ignored []ignoredFact
	// ignoredSet indexes ignored once it is long (many future-dated facts)
	ignoredSet map[ignoredFact]struct{}
	typed      []typedFact
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
	ev.base = asOf
	ev.insurer = insurer
	ev.obligation = "none"
	ev.item = nil
	ev.rate = decimal.Decimal{}
	ev.histOK, ev.histDone, ev.accDone, ev.baseAccOK = false, false, false, false
	ev.histView, ev.accView = ev.histView[:0], ev.accView[:0]
	ev.hist.deficient = nil
	clear(ev.windows)
	ev.windows = ev.windows[:0]
	ev.horizon = facts.Date{}
	ev.objItems, ev.strItems, ev.intItems, ev.decItems = ev.objItems[:0], ev.strItems[:0], ev.intItems[:0], ev.decItems[:0]
	ev.err = nil
	ev.missing = ev.missing[:0]
	ev.ignored = ev.ignored[:0]
	clear(ev.ignoredSet)
	ev.budget = budget{}
	clear(ev.typed)
	ev.typed = ev.typed[:0]
	ev.newGeneration()
}

// typedFact is a declared fact's typed value, kept while the facts stay
// the same: moving to the stack of another date binds them again.
type typedFact struct{ key, v any }

// Typed returns the typed value stored under key since the last Reset.
func (ev *Eval) Typed(key any) (any, bool) {
	for i := range ev.typed {
		if ev.typed[i].key == key {
			return ev.typed[i].v, true
		}
	}
	return nil, false
}

// SetTyped stores a typed value under key until the next Reset.
func (ev *Eval) SetTyped(key, v any) { ev.typed = append(ev.typed, typedFact{key, v}) }

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
		ev.histDone, ev.accDone = false, false
		ev.histView, ev.accView = ev.histView[:0], ev.accView[:0]
		if asOf.After(ev.base) {
			// looking past the decision date: it becomes the date the
			// dated facts are known on
			ev.base, ev.histOK, ev.baseAccOK = asOf, false, false
			// a History taken before may hold the sorted accidents: sort
			// the next ones into memory of their own
			ev.baseAccBuf, ev.baseIdxBuf = nil, nil
			clear(ev.windows)
			ev.windows = ev.windows[:0]
		}
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
	if len(ev.ignored) == 0 {
		return nil
	}
	out := make([]string, len(ev.ignored))
	for i, x := range ev.ignored {
		out[i] = x.String()
	}
	sort.Strings(out)
	return out
}

// ignoredFact is a dated fact ignored: its path (list[index].field when
// index ≥ 0, else list) and date. The text is made only for the trace.
type ignoredFact struct {
	list, field string
	index       int
	date        facts.Date
}

func (x ignoredFact) String() string {
	if x.index < 0 {
		return x.list + " " + x.date.String()
	}
	return x.list + "[" + strconv.Itoa(x.index) + "]." + x.field + " " + x.date.String()
}

// Base returns the decision date: the as-of date given to Reset.
func (ev *Eval) Base() facts.Date { return ev.base }

// Timeline returns the insurance history: whether a policy covers the
// evaluation date, and the uninsured stretches and late renewals up to the
// decision date (see History).
func (ev *Eval) Timeline() (insured bool, uninsured, late []facts.Period) {
	h := ev.History()
	return h.Covered(ev.asOf), h.uninsured, h.late
}

// ResetHorizon forgets the horizon: the values read from now on say when
// they may change (see Horizon).
func (ev *Eval) ResetHorizon() { ev.horizon = facts.Date{} }

// Horizon returns the first day after the evaluation date on which a
// value read since ResetHorizon may change (an accident entering or
// leaving a window, a ranking taking effect, a policy starting …); the zero
// Date when none may. Evaluations of the same rules on the days before it
// give the same results: the timeline steps from horizon to horizon.
func (ev *Eval) Horizon() facts.Date { return ev.horizon }

// Limit notes that a value the caller read, or an answer it carries from
// an earlier evaluation, may change on d: Horizon is then no later than d
// (when d is after the evaluation date).
func (ev *Eval) Limit(d facts.Date) { ev.limit(d) }

// days is p.Days through the evaluation date, noting when it next
// changes: while p runs on past the evaluation date it grows by a day each
// day (from its first day, when that is still to come).
func (ev *Eval) days(p facts.Period) int {
	if p.To.IsZero() || p.To.After(ev.asOf) {
		if p.From.After(ev.asOf) {
			ev.limit(p.From)
		} else {
			ev.limit(ev.asOf.AddDays(1))
		}
	}
	return p.Days(ev.asOf)
}

// limit notes that a value read may change on d.
func (ev *Eval) limit(d facts.Date) {
	if d.After(ev.asOf) && (ev.horizon.IsZero() || d.Before(ev.horizon)) {
		ev.horizon = d
	}
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

func (ev *Eval) ignore(path string, d facts.Date) { ev.ignoreAt(path, -1, "", d) }

// ignoreAt is ignore for the field of the list's item index.
func (ev *Eval) ignoreAt(list string, index int, field string, d facts.Date) {
	if !d.After(ev.base) {
		return // after an earlier evaluation date, not after the decision date
	}
	s := ignoredFact{list, field, index, d}
	if ev.ignoredSet != nil {
		if _, ok := ev.ignoredSet[s]; ok {
			return
		}
		ev.ignoredSet[s] = struct{}{}
		ev.ignored = append(ev.ignored, s)
		return
	}
	for _, x := range ev.ignored {
		if x == s {
			return
		}
	}
	ev.ignored = append(ev.ignored, s)
	if len(ev.ignored) == 32 {
		// past a few, a set keeps recording them linear
		ev.ignoredSet = make(map[ignoredFact]struct{}, 64)
		for _, x := range ev.ignored {
			ev.ignoredSet[x] = struct{}{}
		}
	}
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
	if ev.err == errMissingSentinel {
		// facts missing, nothing else: most often the same facts as the
		// last time this expression was evaluated (a book's enterprises
		// lack the same ones), whose error is given again
		if c := e.missing.Load(); c != nil && slices.Equal(c.Missing, ev.missing) {
			return c
		}
		ee := &EvalError{Expr: e, Missing: slices.Clip(slices.Clone(ev.missing))}
		e.missing.Store(ee)
		return ee
	}
	ee := &EvalError{Expr: e, Msg: ev.err.Error()}
	if len(ev.missing) > 0 {
		ee.Missing = slices.Clip(slices.Clone(ev.missing))
	}
	return ee
}

// accidents returns the accidents on or before the evaluation date, in the
// order of the facts: a prefix of them, without copying, when they are in
// date order (the common case).
func (ev *Eval) accidents() []facts.Accident {
	h := ev.History()
	if h.AccidentIndex == nil { // the facts' accidents are in date order
		acc := h.Accidents
		n := sort.Search(len(acc), func(i int) bool { return acc[i].Date.After(ev.asOf) })
		if n < len(acc) {
			ev.limit(acc[n].Date)
		}
		return acc[:n]
	}
	if !ev.accDone {
		ev.accDone = true
		ev.spend(len(ev.f.Accidents))
		ev.accView = ev.accView[:0]
		for i := range ev.f.Accidents {
			if d := ev.f.Accidents[i].Date; !d.After(ev.asOf) {
				ev.accView = append(ev.accView, ev.f.Accidents[i])
			}
		}
	}
	if n := sort.Search(len(h.Accidents), func(i int) bool { return h.Accidents[i].Date.After(ev.asOf) }); n < len(h.Accidents) {
		ev.limit(h.Accidents[n].Date)
	}
	return ev.accView
}

// accidentsByDate returns the accidents on or before the evaluation date
// in date order, without copying.
func (ev *Eval) accidentsByDate() []facts.Accident {
	acc := ev.baseAccidents()
	n := sort.Search(len(acc), func(i int) bool { return acc[i].Date.After(ev.asOf) })
	if n < len(acc) {
		ev.limit(acc[n].Date)
	}
	return acc[:n]
}

// history returns the earlier policies that started on or before as-of.
func (ev *Eval) history() []facts.PolicyPeriod {
	if !ev.histDone {
		ev.histDone = true
		ev.spend(len(ev.f.PolicyHistory))
		ev.histView = asOfView(ev, ev.f.PolicyHistory, "policy_history", "start", func(p *facts.PolicyPeriod) facts.Date { return p.Start })
	}
	return ev.histView
}

// asOfView returns the items of all dated on or before the as-of date,
// recording the later ones as ignored. It returns all itself, without
// copying, when none is later.
func asOfView[T any](ev *Eval, all []T, list, field string, date func(*T) facts.Date) []T {
	first := -1
	for i := range all {
		if d := date(&all[i]); d.After(ev.asOf) {
			if first < 0 {
				first = i
			}
			ev.limit(d)
		}
	}
	if first < 0 {
		return all
	}
	view := make([]T, 0, len(all))
	view = append(view, all[:first]...)
	for i := first; i < len(all); i++ {
		if d := date(&all[i]); d.After(ev.asOf) {
			ev.ignoreAt(list, i, field, d)
			continue
		}
		view = append(view, all[i])
	}
	return view
}
