// Package rating answers the second question about an enterprise: what will
// it pay? It runs the rating pipeline of a compiled stack in exact decimals
// and returns the premium with its worksheet: the base (the table row or the
// formula used), every factor with its value, case, reason and citation, the
// combined and the applied (clamped) adjustment, the minimum premium, the
// rounding and the amount.
//
// # The pipeline
//
//	base      = formula(rate)                the first base whose when holds, most local first;
//	                                         rate from a banded table (in its unit) or an expression,
//	                                         times (1 + the sum of the loadings that apply)
//	combined  = Π(1+δ) | 1+Σδ | Π_family(1+Σδ)   as the stack's combine mode says; δ = value−1
//	                                         for coefficients, the value for percentages
//	applied   = clamp(combined)
//	premium   = round(max(base × applied, minimum))
//
// Rounding (scale and mode) is declared by the stack and applies at the
// steps it names (base, adjustment; the premium always). Every number is
// exact, never binary floating point: a decimal.Decimal from the ruleset's
// text or the facts, settled internally in exact int64 fixed point
// (internal/fixed) that falls back to decimal.Decimal on overflow.
//
// # Programs
//
// A stack whose rating layers or items are scoped (to a line of business)
// has one pipeline per combination of its scopes; the enterprise's sectors
// and the scopes' conditions choose it, and [Premium.Program] names it.
//
// # Provisional premiums
//
// A factor that cannot be decided because a fact is missing, and whose
// ruleset declares the case it assumes, does not void the quote: the
// premium is computed under that case and [Premium.Range] gives the exact
// range over every combination of the outcomes the undecided factors could
// have (at most [MaxCombinations]). A fact a ruleset declares required is
// an [Incomplete] naming it instead. Nothing of this runs when every fact
// is given.
//
// # Use and concurrency
//
// Most callers want [github.com/anzexian/anzexian.Engine.Quote] or [github.com/anzexian/anzexian.Engine.Assess];
// [Evaluate] is the engine's step, run on an evaluation bound to a stack
// (the obligation decided first, as rating rules may read it). It is pure
// and never reads the clock. A [Premium] is a plain value, read-only once
// made: its citations and table rows, and for pipelines whose factors
// are static its factors and adjustment, are shared with the stack.
package rating

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/cowmap"
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/anzexian/anzexian/internal/jsonw"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Premium is the premium with its worksheet.
type Premium struct {
	// Program names the rating program that priced the enterprise.
	Program *Program `json:"program"`
	Base    Base     `json:"base"`
	Factors []Factor `json:"factors"`
	// Combine is the combination mode; Combined the adjustment before the
	// clamp and Applied after it.
	Combine  string          `json:"combine"`
	Combined decimal.Decimal `json:"combined"`
	Clamp    *Clamp          `json:"clamp,omitempty"`
	Applied  decimal.Decimal `json:"applied"`
	// BeforeMinimum is base × applied before the minimum premium.
	BeforeMinimum  decimal.Decimal `json:"before_minimum"`
	Minimum        *Minimum        `json:"minimum,omitempty"`
	MinimumApplied bool            `json:"minimum_applied"`
	// Amount is the premium, rounded as declared.
	Amount   decimal.Decimal `json:"amount"`
	Currency string          `json:"currency"`
	Rounding Rounding        `json:"rounding"`
	// Illustrative is set when any number used has no official source;
	// Unverified when any was transcribed from an unofficial copy. Basis
	// lists which.
	Illustrative bool     `json:"illustrative"`
	Unverified   bool     `json:"unverified"`
	Provenance   []string `json:"provenance,omitempty"`
	// Notes say in words which numbers are illustrative and which
	// unverified (those Provenance lists, no more): the notes of an
	// answer built on the premium. They are not part of the JSON form.
	Notes []string `json:"-"`
	// PreventionBudgetCap is the most the insurer may spend on accident
	// prevention for this policy, where a cap applies.
	PreventionBudgetCap *Cap     `json:"prevention_budget_cap,omitempty"`
	Caveats             []string `json:"caveats,omitempty"`
	// Range is set when the premium is provisional: a factor could not be
	// decided because a fact is missing. Amount (and the worksheet) is then
	// the premium under the case each such factor's ruleset declares as its
	// assumption, and Range the exact bounds over every case those factors
	// could take. Nil when every factor was decided: Amount is the premium.
	Range *Range `json:"range,omitempty"`
}

// Provisional reports whether the premium rests on assumed cases (see
// Range).
func (p *Premium) Provisional() bool { return p.Range != nil }

// Program is the rating program that priced an enterprise: the ruleset
// whose base was used, the scopes that admitted the enterprise (a line of
// business's rate book), and what those programs removed from the layers
// below.
type Program struct {
	Ruleset string `json:"ruleset"`
	Title   string `json:"title"`
	// Scopes are the scopes that admit the enterprise, each "ref（whom it
	// admits）"; none for an enterprise priced by the stack's general
	// pipeline.
	Scopes []string `json:"scopes,omitempty"`
	// Removed lists what the program's layers removed from lower layers:
	// "factor x", "clamp", "minimum premium", each with the ruleset.
	Removed []string `json:"removed,omitempty"`
}

// MaxCombinations bounds the combinations of undecided factors' cases a
// provisional premium is priced over: with more, the premium is not
// given (the facts must be given instead). Each combination costs one
// pass of combining, clamping and rounding.
const MaxCombinations = 4096

// Range is the exact range of a provisional premium: the lowest and the
// highest amount over every combination of the cases the undecided factors
// could take, each priced through the whole pipeline (combination, clamp,
// minimum premium, rounding), so nothing is assumed about monotony.
type Range struct {
	Min decimal.Decimal `json:"min"`
	Max decimal.Decimal `json:"max"`
	// Combinations counts the combinations priced.
	Combinations int         `json:"combinations"`
	Undecided    []Undecided `json:"undecided"`
}

// Undecided is a factor that could not be decided for want of a fact.
type Undecided struct {
	Factor string `json:"factor"`
	// Rule is "ruleset@version#factor".
	Rule    string   `json:"rule"`
	Missing []string `json:"missing"`
	// Cases are the cases it could take, given the facts that are known.
	Cases []string `json:"cases"`
	// Assumed is the case the provisional amount takes.
	Assumed string `json:"assumed"`
	// MinCase and MaxCase are its cases in the combinations that give
	// the range's bounds.
	MinCase string `json:"min_case"`
	MaxCase string `json:"max_case"`
}

// Base is the base premium step.
type Base struct {
	Rule string `json:"rule"`
	Text string `json:"text"`
	// Table is the table row looked up, when the rate comes from a table.
	Table *TableRow `json:"table,omitempty"`
	// RawRate is the rate before loadings (in value terms: a permille
	// table's 1.20 is 0.00120); Rate is the rate after loadings.
	RawRate  decimal.Decimal     `json:"raw_rate"`
	Loadings []Loading           `json:"loadings,omitempty"`
	Rate     decimal.Decimal     `json:"rate"`
	Formula  string              `json:"formula"`
	Amount   decimal.Decimal     `json:"amount"`
	Rounded  bool                `json:"rounded,omitempty"`
	Cite     []rulesets.Citation `json:"cite"`
}

// TableRow is the row of a rate table a base used.
type TableRow struct {
	Table string `json:"table"`
	// Ref is "ruleset@version#table-id".
	Ref   string              `json:"ref"`
	Title string              `json:"title"`
	Unit  string              `json:"unit"`
	Row   int                 `json:"row"`
	Keys  []Key               `json:"keys"`
	Value decimal.Decimal     `json:"value"`
	Cite  []rulesets.Citation `json:"cite"`
}

// Key is a table row's key for one dimension: the value looked up and the
// band it fell in.
type Key struct {
	Dim   string `json:"dim"`
	Value string `json:"value"`
	// Band is the band's label (or id) and BandID its id, for banded
	// dimensions; Range the band in interval notation.
	Band   string `json:"band,omitempty"`
	BandID string `json:"band_id,omitempty"`
	Range  string `json:"range,omitempty"`
}

// Loading is a loading applied to the base rate.
type Loading struct {
	ID   string              `json:"id"`
	Rule string              `json:"rule"`
	Add  decimal.Decimal     `json:"add"`
	Text string              `json:"text"`
	Cite []rulesets.Citation `json:"cite"`
}

// Factor is one floating factor as applied.
type Factor struct {
	ID     string `json:"id"`
	Family string `json:"family"`
	Title  string `json:"title"`
	Unit   string `json:"unit"`
	// Value is the factor's value in its unit (a coefficient such as 1.10
	// or a percentage such as 0.10), Delta its adjustment (value−1 for a
	// coefficient).
	Value decimal.Decimal `json:"value"`
	Delta decimal.Decimal `json:"delta"`
	// Case is the case that gave the value ("default" when none applied).
	Case   string              `json:"case"`
	Reason string              `json:"reason"`
	Pick   string              `json:"pick"`
	Cite   []rulesets.Citation `json:"cite"`
	Rule   string              `json:"rule"`
	// Matched lists the cases that applied, for highest/lowest picks.
	Matched      []string `json:"matched,omitempty"`
	Illustrative bool     `json:"illustrative,omitempty"`
	Unverified   bool     `json:"unverified,omitempty"`
	// Assumed marks a factor that could not be decided because a fact it
	// reads is not given: Case is the case its ruleset assumes, and the
	// premium is provisional (Premium.Range names the missing facts).
	Assumed bool `json:"assumed,omitempty"`
}

// Clamp is the bound on the floating adjustment.
type Clamp struct {
	Min     decimal.Decimal     `json:"min"`
	Max     decimal.Decimal     `json:"max"`
	Applied bool                `json:"applied"`
	Cite    []rulesets.Citation `json:"cite"`
}

// Minimum is the minimum premium.
type Minimum struct {
	Amount decimal.Decimal     `json:"amount"`
	Cite   []rulesets.Citation `json:"cite"`
}

// Rounding is the declared rounding.
type Rounding struct {
	Scale int32    `json:"scale"`
	Mode  string   `json:"mode"`
	Steps []string `json:"steps"`
}

// Cap is the prevention-service budget cap.
type Cap struct {
	Share  decimal.Decimal     `json:"share"`
	Amount decimal.Decimal     `json:"amount"`
	Cite   []rulesets.Citation `json:"cite"`
}

// Incomplete reports a premium that could not be computed: the facts lack
// something the rating needs, or no base applies.
type Incomplete struct {
	Reason       string                  `json:"reason"`
	Undetermined []rulesets.Undetermined `json:"undetermined,omitempty"`
	// Required lists the facts a ruleset declares required for a quote
	// (rating.required) that were not given.
	Required []string `json:"required,omitempty"`
}

func (e *Incomplete) Error() string { return "premium not computed: " + e.Reason }

// escape returns a copy of e on the heap: Evaluate keeps its Incomplete on
// the stack until it is returned.
func (e Incomplete) escape() *Incomplete { return &e }

// Options control an evaluation.
type Options struct {
	Trace bool
	// Room, when not nil, is the memory the Premium is made in: that of
	// the Premium the last Evaluate given it returned, which is
	// overwritten.
	Room *Room
}

// A Room is memory that successive Evaluates reuse for their Premiums,
// each overwriting the one before: for a caller that is done with each
// Premium before it asks for the next. The decimals of a Premium are made
// in memory no Premium has used before (see decRoom): a decimal copied out
// of a Premium stays as it is. The zero Room is ready to use; one Evaluate
// at a time may use a Room.
type Room struct {
	p       *Premium
	row     *rowRoom
	factors []Factor      // the list of the last premium that had a list of its own
	ic      internedCases // a combination of cases the memo does not keep
	dec     fixed.Room    // slots for decimals, none given out before
}

// decRoom returns room for a premium's decimals (at most fixed.RoomSize)
// that no premium has used: the slots left of a slab, or a new slab's, so
// that a premium made in r takes the slots of the decimals it makes (a
// slab holds about 50 premiums' three or four). A decimal copied out of a
// premium keeps its slab alive (6 KB).
func (r *Room) decRoom() *fixed.Room {
	if r.dec.Len() < fixed.RoomSize {
		r.dec = fixed.NewSlab()
	}
	return &r.dec
}

// factorList returns an empty list with room for n factors: r's, cleared,
// when it has the room, else a new one that r keeps.
func (r *Room) factorList(n int) []Factor {
	if r == nil {
		return make([]Factor, 0, n)
	}
	if r.factors == nil || cap(r.factors) < n {
		r.factors = make([]Factor, 0, n)
	} else {
		clear(r.factors[:cap(r.factors)])
	}
	return r.factors[:0]
}

// Evaluate computes the premium under st's rating pipeline. It returns
// (nil, nil, nil) when no layer of the stack rates, and an *Incomplete
// error when the premium cannot be computed from the facts given.
//
// The Premium shares slices (citations, provenance) with the stack's
// prepared data, and so may its factors, clamp, minimum premium and table
// row (with other premiums of the stack that have the same cases): treat
// it as read-only.
func Evaluate(st *rulesets.Stack, ev *lang.Eval, opt Options) (*Premium, []rulesets.TraceEntry, error) {
	rt := st.Rating
	if rt == nil {
		return nil, nil, nil
	}
	tr := tracer{on: opt.Trace}
	var inc Incomplete // returned (as a pointer) only when the premium cannot be computed
	if len(st.RatingScopes) > 0 {
		prog, err := program(st, ev, &tr)
		if err != nil {
			inc.Undetermined = append(inc.Undetermined, *err)
			inc.Reason = "the scope of a rating program needs facts that are not given"
			return nil, tr.entries, inc.escape()
		}
		rt = prog
	}
	m := memoOf(st, rt)
	if len(rt.Bases) == 0 {
		if !m.stackBases {
			return nil, nil, nil
		}
		inc.Reason = "no rating program of the stack prices this enterprise: every base is scoped to other enterprises"
		return nil, tr.entries, inc.escape()
	}
	if opt.Trace {
		tr.entries = append(make([]rulesets.TraceEntry, 0, m.traceCap+len(tr.entries)), tr.entries...)
	}
	for _, q := range rt.Required {
		if _, err := q.Expr.Value(ev); err != nil && errors.Is(err, lang.ErrMissing) {
			inc.Required = append(inc.Required, q.Name)
			inc.Undetermined = append(inc.Undetermined, answer.UndeterminedOf(q.Ruleset.Key()+"#required:"+q.Name, "required", err))
		}
	}
	if len(inc.Required) > 0 {
		inc.Reason = fmt.Sprintf("a quote requires %s, which %s not given (rating.required of %s)", strings.Join(inc.Required, ", "),
			plural(len(inc.Required), "is", "are"), requiredBy(rt, inc.Required))
		return nil, tr.entries, inc.escape()
	}
	// Base: the first base that applies, most local first.
	bi := -1
	for i, b := range rt.Bases {
		ok, err := b.When.Bool(ev)
		tr.add(b.Ref(), "base", ok, err, "")
		if err != nil {
			inc.Undetermined = append(inc.Undetermined, answer.UndeterminedOf(b.Ref(), "base", err))
			inc.Reason = "a base premium rule needs facts that are not given"
			return nil, tr.entries, inc.escape()
		}
		if ok {
			bi = i
			break
		}
	}
	if bi < 0 {
		inc.Reason = "no base premium rule applies to this enterprise"
		return nil, tr.entries, inc.escape()
	}
	base := rt.Bases[bi]
	// the premium and the room for the decimals it makes, and for the
	// table row it shows when that row is its own: one allocation, or,
	// with a Room, the Room's premium and row and a new decimal room
	var p *Premium
	var rr *rowRoom
	var dec *fixed.Room
	var blockRoom fixed.Room // dec, a view of the premium's own block
	ownRow := false
	if t := rt.Table(base); t != nil && m.tables[t] != nil && m.tables[t].ownRows && len(t.Dims) <= len(rr.keys) {
		ownRow = true
	}
	switch {
	case opt.Room != nil:
		// the decimals are made anew: one copied out of the last
		// premium stays as it was
		p, dec = answer.Cleared(&opt.Room.p), opt.Room.decRoom()
		if ownRow {
			rr = answer.Cleared(&opt.Room.row)
		}
	case ownRow:
		prr := new(premiumRowRoom)
		blockRoom = prr.block.Room()
		p, dec, rr = &prr.p, &blockRoom, &prr.row
	default:
		pr := new(premiumRoom)
		blockRoom = pr.block.Room()
		p, dec = &pr.p, &blockRoom
	}
	// field by field: the room is zero, and a whole Premium stored into
	// it would pass every pointer slot through a write barrier
	p.Currency, p.Combine = rt.Currency, rt.Combine.Mode
	p.Rounding.Scale, p.Rounding.Mode, p.Rounding.Steps = rt.Rounding.Scale, rt.Rounding.Mode, rt.Rounding.Steps
	mk := marks{m: m}
	p.Program = m.bases[bi].program
	baseAmount, err := p.base(rt, base, &m.bases[bi], m, ev, &mk, dec, rr)
	if err != nil {
		var ee *lang.EvalError
		if errors.As(err, &ee) {
			inc.Undetermined = append(inc.Undetermined, answer.UndeterminedOf(base.Ref(), "base", err))
		}
		inc.Reason = fmt.Sprintf("base %s: %v", base.ID, err)
		return nil, tr.entries, inc.escape()
	}

	// Factors: shared by the premiums with the same cases when the
	// pipeline's factors are static, else made one by one.
	var und []undecided // factors decided only by assumption
	var interned *internedCases
	if m.internable {
		if interned = m.internedFactors(rt, ev, &tr, opt.Room); interned != nil {
			p.Factors = interned.fs
			if len(m.marks) <= 64 {
				mk.mask |= interned.mask
				p.Illustrative, p.Unverified = p.Illustrative || interned.ill, p.Unverified || interned.unv
			} else {
				for i := range p.Factors {
					fv := &p.Factors[i]
					mk.add(p, provOf(fv.Illustrative, fv.Unverified, fv.Cite), m.factors[i].mark)
				}
			}
		}
	}
	factors := rt.Factors
	if interned != nil {
		factors = nil
	} else {
		p.Factors = opt.Room.factorList(len(rt.Factors))
	}
	for i, f := range factors {
		fm := &m.factors[i]
		p.Factors = append(p.Factors, Factor{})
		fv := &p.Factors[len(p.Factors)-1]
		err := evalFactor(f, fm, fv, ev, &tr)
		if err != nil && f.Assume != "" && errors.Is(err, lang.ErrMissing) {
			var u *undecided
			if u, err = undecide(f, fm, fv, ev, err); err == nil {
				if u != nil {
					u.pos = len(p.Factors) - 1
					und = append(und, *u)
				}
			}
		}
		if err != nil {
			p.Factors = p.Factors[:len(p.Factors)-1]
			inc.Undetermined = append(inc.Undetermined, answer.UndeterminedOf(f.Ref(), "factor", err))
			continue
		}
		pv := provOf(fv.Illustrative, fv.Unverified, fv.Cite)
		fv.Unverified = pv.Unverified
		mk.add(p, pv, fm.mark)
	}
	if len(inc.Undetermined) > 0 {
		inc.Reason = "factors need facts that are not given"
		if noAssumption(rt.Factors, inc.Undetermined) {
			inc.Reason += " (a factor that declares assume: is quoted provisionally, with the range of its cases)"
		}
		return nil, tr.entries, inc.escape()
	}

	// Combine, clamp, apply: in exact fixed point (internal/fixed), the
	// worksheet's numbers made once each.
	var min decimal.Decimal
	if m.minimumShared != nil {
		min = m.minimumShared.Amount
	} else if mn := rt.Minimum; mn != nil {
		var err error
		if min, err = mn.Amount.Decimal(ev); err != nil {
			inc.Undetermined = append(inc.Undetermined, answer.UndeterminedOf(mn.Ruleset.Key()+"#minimum", "minimum", err))
			inc.Reason = "the minimum premium needs facts that are not given"
			return nil, tr.entries, inc.escape()
		}
	}
	var s settled
	if interned != nil {
		// the adjustment depends on the combination of cases alone
		s.combined, s.applied, s.clamped = interned.combined, interned.applied, interned.clamped
		s.beforeMin, s.amount, s.minApplied = apply(rt, baseAmount, s.applied, min)
	} else {
		s = settle(rt, baseAmount, p.Factors, min)
	}
	p.Combined = s.combined.Dec()
	mk.add(p, provOf(rt.Combine.Illustrative, rt.Combine.Unverified, m.combineCites), m.combineMark)
	p.Applied = p.Combined
	if s.applied != s.combined {
		p.Applied = s.applied.Dec()
	}
	if c := rt.Clamp; c != nil {
		if m.clamps[0] != nil {
			p.Clamp = m.clamps[0]
			if s.clamped {
				p.Clamp = m.clamps[1]
			}
		} else {
			p.Clamp = &Clamp{Min: c.Min, Max: c.Max, Cite: m.clamp.Get(ev, c.Ruleset, c.Cite), Applied: s.clamped}
		}
		mk.add(p, provOf(c.Illustrative, c.Unverified, p.Clamp.Cite), m.clampMark)
	}
	p.BeforeMinimum = s.beforeMin.In(dec)
	if mn := rt.Minimum; mn != nil {
		p.Minimum = m.minimumShared
		if p.Minimum == nil {
			p.Minimum = &Minimum{Amount: min, Cite: m.minimum.Get(ev, mn.Ruleset, mn.Cite)}
		}
		mk.add(p, provOf(mn.Illustrative, mn.Unverified, p.Minimum.Cite), m.minMark)
		p.MinimumApplied = s.minApplied
	}
	p.Amount = s.amount.In(dec)
	if ro := rt.Rounding; ro.Illustrative || ro.Unverified || m.roundingUnverified {
		mk.add(p, provOf(ro.Illustrative, ro.Unverified || m.roundingUnverified, nil), m.roundMark)
	}
	if len(und) > 0 {
		r, err := priceRange(rt, p, und)
		if err != nil {
			return nil, tr.entries, err
		}
		p.Range = r
	}
	if pc := rt.PreventionCap; pc != nil && capApplies(pc, ev) {
		// rounded (amount × share), in fixed point as the premium is
		amount := s.amount.Mul(fixed.Of(pc.Share)).Round(rt.Rounding.Scale, rt.Rounding.Mode).In(dec)
		p.PreventionBudgetCap = &Cap{Share: pc.Share, Amount: amount, Cite: m.prevCap.Get(ev, pc.Ruleset, pc.Cite)}
		mk.add(p, provOf(false, false, p.PreventionBudgetCap.Cite), m.capMark)
	}
	for _, cv := range rt.Caveats {
		ok, err := cv.When.Bool(ev)
		if err == nil && ok {
			p.Caveats = append(p.Caveats, cv.Text)
		}
	}
	if len(rt.Competing) > 0 {
		p.Caveats = append(p.Caveats, m.competing...)
	}
	p.Provenance, p.Notes = mk.list()
	return p, tr.entries, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// requiredBy names the rulesets that require the facts.
func requiredBy(rt *rulesets.RatingStack, names []string) string {
	var out []string
	for _, q := range rt.Required {
		for _, n := range names {
			if q.Name == n && !slices.Contains(out, q.Ruleset.Key()) {
				out = append(out, q.Ruleset.Key())
			}
		}
	}
	return strings.Join(out, ", ")
}

// noAssumption reports whether an undetermined factor declares no
// assumption (so saying how to quote it provisionally helps).
func noAssumption(fs []*rulesets.Factor, und []rulesets.Undetermined) bool {
	for _, u := range und {
		for _, f := range fs {
			if f.Ref() == u.Rule && f.Assume == "" && len(u.Missing) > 0 {
				return true
			}
		}
	}
	return false
}

// provOf is the provenance of a number: as marked, and unverified too when
// a number that is not illustrative rests on a citation of an unverified
// source or article.
func provOf(illustrative, unverified bool, cites []rulesets.Citation) rulesets.Provenance {
	if !illustrative && !unverified {
		for i := range cites {
			if cites[i].Unverified {
				unverified = true
				break
			}
		}
	}
	return rulesets.Provenance{Illustrative: illustrative, Unverified: unverified}
}

// program chooses the rating program of the enterprise: the pipeline of
// the scopes that admit it.
func program(st *rulesets.Stack, ev *lang.Eval, tr *tracer) (*rulesets.RatingStack, *rulesets.Undetermined) {
	mask := 0
	for i, s := range st.RatingScopes {
		ok, err := s.Admits(ev)
		if tr.on {
			tr.add(s.Ref(), "scope", ok, err, s.Text())
		}
		if err != nil {
			u := answer.UndeterminedOf(s.Ref(), "scope", err)
			return nil, &u
		}
		if ok {
			mask |= 1 << i
		}
	}
	return st.RatingPrograms[mask], nil
}

// tracer records the rules evaluated, when asked.
type tracer struct {
	on      bool
	entries []rulesets.TraceEntry
}

func (t *tracer) add(rule, kind string, ok bool, err error, detail string) {
	if t.on {
		t.entries = append(t.entries, rulesets.TraceEntry{Rule: rule, Kind: kind, Outcome: answer.Outcome(ok, err), Missing: answer.MissingOf(err), Detail: detail})
	}
}

// premiumRoom is a premium with room for the decimals it makes.
type premiumRoom struct {
	p     Premium
	block fixed.Block
}

// premiumRowRoom is a premium with room for the table row it shows too,
// for a table whose rows are not shared (banded keys show the value
// looked up).
type premiumRowRoom struct {
	premiumRoom
	row rowRoom
}

// rowRoom is room for a table row of up to two dimensions.
type rowRoom struct {
	row  TableRow
	keys [2]Key
}

// tableRow returns a TableRow whose Keys are a copy of keys: in rr when
// it has room, else in an allocation of its own.
func (rr *rowRoom) tableRow(keys []Key) *TableRow {
	if rr == nil || len(keys) > len(rr.keys) {
		return newTableRow(keys)
	}
	n := copy(rr.keys[:], keys)
	rr.row.Keys = rr.keys[:n:n]
	return &rr.row
}

// base prices the base step into p.Base, its amount made in room; it
// returns the amount as a fixed-point number too.
func (p *Premium) base(rt *rulesets.RatingStack, b *rulesets.Base, bm *baseMemo, m *stackMemo, ev *lang.Eval, mk *marks, room *fixed.Room, rr *rowRoom) (fixed.Num, error) {
	// p is a new premium: its Base is zero (see Evaluate)
	p.Base.Rule, p.Base.Text, p.Base.Formula, p.Base.Cite = b.Ref(), b.Text, b.Formula.Src, bm.cites.Get(ev, b.Ruleset, b.Cite)
	mk.add(p, provOf(b.Illustrative, b.Unverified, p.Base.Cite), bm.mark)
	var rate decimal.Decimal
	switch {
	case b.Table != nil:
		t := rt.Table(b)
		if t == nil {
			return fixed.Num{}, fmt.Errorf("table %s is not in the stack", b.Table.ID)
		}
		tm := m.tables[t]
		var row *rulesets.Row
		if tm.index != nil {
			if r, ok := tm.indexed(t, ev); ok {
				row, p.Base.Table = r, tm.rows[r]
			}
		}
		if row == nil {
			var kbuf [maxDims]Key
			r, keys, err := lookup(t, tm, ev, kbuf[:0])
			if err != nil {
				return fixed.Num{}, err
			}
			row = r
			if p.Base.Table = tm.rows[row]; p.Base.Table == nil {
				p.Base.Table = rr.tableRow(keys)
				*p.Base.Table = TableRow{Table: t.ID, Ref: tm.ref, Title: t.Title, Unit: t.Unit, Row: row.Index, Keys: p.Base.Table.Keys, Value: row.Value,
					Cite: tm.cites.Get(ev, t.Ruleset, t.Cite)}
			}
		}
		mk.add(p, provOf(t.Illustrative, t.Unverified, p.Base.Table.Cite), tm.mark)
		rate = unitValue(t.Unit, row.Value)
	case b.RateExpr != nil:
		r, err := b.RateExpr.Decimal(ev)
		if err != nil {
			return fixed.Num{}, err
		}
		rate = r
	}
	p.Base.RawRate = rate
	sum := decimal.Zero
	for i, l := range b.Loadings {
		ok, err := l.When.Bool(ev)
		if err != nil {
			return fixed.Num{}, err
		}
		if ok {
			lm := &bm.loadings[i]
			p.Base.Loadings = append(p.Base.Loadings, Loading{ID: l.ID, Rule: l.Ref(), Add: l.Add, Text: l.Text, Cite: lm.cites.Get(ev, l.Ruleset, l.Cite)})
			mk.add(p, provOf(l.Illustrative, l.Unverified, p.Base.Loadings[len(p.Base.Loadings)-1].Cite), lm.mark)
			sum = sum.Add(l.Add)
		}
	}
	if len(p.Base.Loadings) > 0 {
		rate = rate.Mul(one.Add(sum))
	}
	p.Base.Rate = rate
	ev.SetRate(rate)
	amount, err := b.Formula.Num(ev)
	if err != nil {
		return fixed.Num{}, err
	}
	if rt.Rounding.HasStep("base") {
		amount = amount.Round(rt.Rounding.Scale, rt.Rounding.Mode)
		p.Base.Rounded = true
	}
	p.Base.Amount = amount.In(room)
	return amount, nil
}

// unitValue converts a table value to a plain number: ‰ values are divided
// by a thousand; coefficients, fractions and amounts stay as they are.
func unitValue(unit string, v decimal.Decimal) decimal.Decimal {
	if unit == "permille" {
		return v.Shift(-3)
	}
	return v
}

// newTableRow returns a TableRow whose Keys are a copy of keys, in one
// allocation for the tables of one or two dimensions.
func newTableRow(keys []Key) *TableRow {
	switch len(keys) {
	case 1:
		r := new(struct {
			row  TableRow
			keys [1]Key
		})
		r.keys[0] = keys[0]
		r.row.Keys = r.keys[:]
		return &r.row
	case 2:
		r := new(struct {
			row  TableRow
			keys [2]Key
		})
		copy(r.keys[:], keys)
		r.row.Keys = r.keys[:]
		return &r.row
	}
	return &TableRow{Keys: slices.Clone(keys)}
}

// maxDims is the number of table dimensions looked up without allocating.
const maxDims = 8

// lookup finds the row of t for the values its dimensions read from ev,
// and the keys looked up (appended to keys, which the caller copies to
// keep).
func lookup(t *rulesets.Table, tm *tableMemo, ev *lang.Eval, keys []Key) (*rulesets.Row, []Key, error) {
	type dimVal struct {
		num  fixed.Num
		text string
		band *rulesets.Band
		kind string
	}
	var buf [maxDims]dimVal
	vals := buf[:0]
	if len(t.Dims) > maxDims {
		vals = make([]dimVal, 0, len(t.Dims))
	}
	keys = slices.Grow(keys[:0], len(t.Dims))[:len(t.Dims)]
	for i, d := range t.Dims {
		dv := dimVal{}
		v, err := d.By.Scalar(ev)
		if err != nil {
			var ee *lang.EvalError
			if errors.As(err, &ee) {
				return nil, nil, err
			}
			// not a scalar: say what it is
			x, err := d.By.Value(ev)
			if err != nil {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("dimension %s: cannot look up a %T", d.Name, x)
		}
		switch v.Kind {
		case lang.ScalarDecimal:
			dv.num, dv.kind = fixed.Of(v.Dec), "number"
			dv.text = dv.num.String()
		case lang.ScalarInt:
			dv.num, dv.kind, dv.text = fixed.Int(int64(v.Int)), "number", strconv.Itoa(v.Int)
		case lang.ScalarString:
			dv.text, dv.kind = v.Str, "string"
		case lang.ScalarBool:
			dv.text, dv.kind = strconv.FormatBool(v.Bool), "bool"
		default:
			return nil, nil, fmt.Errorf("dimension %s: cannot look up a %T", d.Name, v.Date)
		}
		keys[i] = Key{Dim: d.Name, Value: dv.text}
		if d.Bands != nil {
			for _, b := range d.Bands {
				bm := tm.bands[b]
				if bm == nil {
					bm = newBandMemo(b)
				}
				if bm.contains(dv.num) {
					dv.band = b
					keys[i].Band, keys[i].BandID = b.ID, b.ID
					if b.Label != "" {
						keys[i].Band = b.Label
					}
					keys[i].Range = bm.interval
					break
				}
			}
			if dv.band == nil {
				return nil, nil, fmt.Errorf("table %s: %s = %s falls in no band", t.ID, d.Name, dv.text)
			}
		}
		vals = append(vals, dv)
	}
	for _, row := range t.Rows {
		match := true
		for i, k := range row.Keys {
			v := vals[i]
			switch {
			case k.Band != nil:
				match = k.Band == v.band
			case k.Kind == "int" || k.Kind == "decimal":
				match = v.kind == "number" && fixed.Of(k.Dec).Cmp(v.num) == 0
			case k.Kind == "bool":
				match = v.kind == "bool" && strconv.FormatBool(k.Bool) == v.text
			default:
				match = v.text == k.Text
			}
			if !match {
				break
			}
		}
		if match {
			return row, keys, nil
		}
	}
	var parts []string
	for _, k := range keys {
		s := k.Dim + "=" + k.Value
		if k.Band != "" {
			s += "（" + k.Band + "）"
		}
		parts = append(parts, s)
	}
	return nil, nil, fmt.Errorf("table %s has no row for %s", t.ID, strings.Join(parts, ", "))
}

// evalFactor evaluates a factor's cases into out.
func evalFactor(f *rulesets.Factor, fm *factorMemo, out *Factor, ev *lang.Eval, tr *tracer) error {
	*out = Factor{ID: f.ID, Family: f.Family, Title: f.Title, Unit: f.Unit, Pick: f.Pick, Rule: f.Ref(),
		Illustrative: f.Illustrative, Unverified: f.Unverified}
	var chosen *rulesets.Case
	var cm *caseMemo
	var value, d decimal.Decimal
	for i, c := range f.Cases {
		ok, err := c.When.Bool(ev)
		if tr.on {
			tr.add(c.Ref, "factor_case", ok, err, "")
		}
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		x := &fm.cases[i]
		v, vd := x.value, x.delta
		if !x.literal {
			if v, err = c.Value.Decimal(ev); err != nil {
				return err
			}
			vd = delta(f.Unit, v)
		}
		if f.Pick != "first" {
			out.Matched = append(out.Matched, x.id)
		}
		if chosen == nil || (f.Pick == "highest" && vd.GreaterThan(d)) || (f.Pick == "lowest" && vd.LessThan(d)) {
			chosen, cm, value, d = c, x, v, vd
		}
		if f.Pick == "first" {
			break
		}
	}
	if chosen == nil {
		chosen, cm = f.Default, &fm.def
		value, d = cm.value, cm.delta
		if !cm.literal {
			v, err := chosen.Value.Decimal(ev)
			if err != nil {
				return err
			}
			value, d = v, delta(f.Unit, v)
		}
	}
	setCase(f, fm, out, chosen, cm, value, d, ev)
	return nil
}

// setCase completes out, a factor whose case is chosen (with the memo cm)
// at value, delta d.
func setCase(f *rulesets.Factor, fm *factorMemo, out *Factor, chosen *rulesets.Case, cm *caseMemo, value, d decimal.Decimal, ev *lang.Eval) {
	out.Case = cm.id
	out.Value = value
	out.Delta = d
	out.Reason = chosen.Reason
	if cm.allStatic {
		out.Cite = cm.all
	} else {
		out.Cite = append(fm.cites.Get(ev, f.Ruleset, f.Cite), cm.cites.Get(ev, f.Ruleset, chosen.Cite)...)
	}
	if chosen.Illustrative {
		out.Illustrative = true
	}
	if chosen.Unverified {
		out.Unverified = true
	}
}

// staticFactor is the factor f of a static pipeline (see
// stackMemo.internable) with its case k (len(f.Cases): the default) at
// value v and delta d (the case's own when it is literal), and, for a
// highest or lowest pick, the cases that matched (bits of matched), as
// evalFactor and Evaluate make it.
func staticFactor(f *rulesets.Factor, fm *factorMemo, k int, matched uint64, v, d decimal.Decimal) Factor {
	out := Factor{ID: f.ID, Family: f.Family, Title: f.Title, Unit: f.Unit, Pick: f.Pick, Rule: f.Ref(),
		Illustrative: f.Illustrative, Unverified: f.Unverified}
	chosen, cm := f.Default, &fm.def
	if k < len(f.Cases) {
		chosen, cm = f.Cases[k], &fm.cases[k]
	}
	if cm.literal {
		v, d = cm.value, cm.delta
	}
	if f.Pick != "first" && matched != 0 {
		out.Matched = make([]string, 0, bits.OnesCount64(matched))
		for j := range f.Cases {
			if matched&(1<<uint(j)) != 0 {
				out.Matched = append(out.Matched, fm.cases[j].id)
			}
		}
	}
	setCase(f, fm, &out, chosen, cm, v, d, nil)
	out.Unverified = provOf(out.Illustrative, out.Unverified, out.Cite).Unverified
	return out
}

// internedFactors decides the factors of a static pipeline (every case
// and default with static citations) and returns their worksheet entries:
// one slice per combination of what they depend on (each factor's case,
// the cases that matched for a highest or lowest pick, and the value of a
// case whose value is an expression), made once and shared by every
// premium that has it (at most maxInterned per pipeline; beyond that each
// premium has its own). It returns nil when a case or a value could not be
// decided: the caller evaluates the factors one by one, and the trace
// keeps no entry of this attempt.
func (m *stackMemo) internedFactors(rt *rulesets.RatingStack, ev *lang.Eval, tr *tracer, room *Room) *internedCases {
	n := len(tr.entries)
	fail := func() *internedCases {
		tr.entries = tr.entries[:n]
		return nil
	}
	type choice struct {
		k       int
		matched uint64
		v, d    decimal.Decimal // the value of a case that is an expression
	}
	var at [maxInternFactors]choice
	var kbuf [8 * maxInternFactors]byte
	key := kbuf[:0]
	for i, f := range rt.Factors {
		fm := &m.factors[i]
		ch := choice{k: len(f.Cases)}
		first := f.Pick == "first"
		var best decimal.Decimal // the delta of the case chosen so far
		from, decided := 0, fm.sw != nil && !tr.on
		if decided {
			// the cases compare one value with constants: decided
			// together, the loop below starts at the one that holds
			var err error
			if from, err = fm.sw.First(ev); err != nil {
				return fail()
			}
		}
		for j := from; j < len(f.Cases); j++ {
			c := f.Cases[j]
			hit := decided
			if !decided {
				var err error
				hit, err = c.When.Bool(ev)
				if tr.on {
					tr.add(c.Ref, "factor_case", hit, err, "")
				}
				if err != nil {
					return fail()
				}
			}
			if !hit {
				continue
			}
			x := &fm.cases[j]
			v, d := x.value, x.delta
			if !x.literal {
				var err error
				if v, err = c.Value.Decimal(ev); err != nil {
					return fail()
				}
				d = delta(f.Unit, v)
			}
			ch.matched |= 1 << uint(j)
			if ch.k == len(f.Cases) || (f.Pick == "highest" && d.GreaterThan(best)) || (f.Pick == "lowest" && d.LessThan(best)) {
				ch.k, best = j, d
				if !x.literal {
					ch.v, ch.d = v, d
				}
			}
			if first {
				break
			}
		}
		if ch.k == len(f.Cases) && !fm.def.literal {
			v, err := f.Default.Value.Decimal(ev)
			if err != nil {
				return fail()
			}
			ch.v, ch.d = v, delta(f.Unit, v)
		}
		key = append(key, byte(ch.k))
		if !first {
			key = binary.LittleEndian.AppendUint64(key, ch.matched)
		}
		cm := &fm.def
		if ch.k < len(f.Cases) {
			cm = &fm.cases[ch.k]
		}
		if !cm.literal {
			c, e, ok := fixed.Of(ch.v).Parts()
			if !ok {
				return fail() // a value too long for the key: evaluated one by one
			}
			key = binary.LittleEndian.AppendUint64(key, uint64(c))
			key = binary.LittleEndian.AppendUint32(key, uint32(e))
		}
		at[i] = ch
	}
	if ic, ok := cowmap.LoadBytes(&m.interned, key); ok {
		return ic
	}
	var fs []Factor
	var ic *internedCases
	if room != nil && m.interned.Len() >= maxInterned {
		// not to be kept (the memo is full, and only grows): made in
		// the room, as the premium's own list would be
		fs, ic = room.factorList(len(rt.Factors))[:len(rt.Factors)], &room.ic
		*ic = internedCases{}
	} else {
		fs, ic = make([]Factor, len(rt.Factors)), new(internedCases)
	}
	for i, f := range rt.Factors {
		fs[i] = staticFactor(f, &m.factors[i], at[i].k, at[i].matched, at[i].v, at[i].d)
	}
	ic.fs = fs[:len(fs):len(fs)]
	if len(m.marks) <= 64 {
		// the factors' provenance marks, as Evaluate would add them
		var p Premium
		mk := marks{m: m}
		for i := range fs {
			mk.add(&p, provOf(fs[i].Illustrative, fs[i].Unverified, fs[i].Cite), m.factors[i].mark)
		}
		ic.mask, ic.ill, ic.unv = mk.mask, p.Illustrative, p.Unverified
	}
	ic.combined, ic.applied, ic.clamped = adjust(rt, fs)
	if room != nil && ic == &room.ic {
		return ic
	}
	// made once: the premiums that share them share the decimals too
	same := ic.applied == ic.combined
	ic.combined = fixed.Of(ic.combined.Dec())
	if ic.applied = fixed.Of(ic.applied.Dec()); same {
		ic.applied = ic.combined
	}
	return m.interned.Store(string(key), ic, maxInterned) // past maxInterned, not kept
}

// internedCases is what a combination of cases decides: the factors'
// worksheet entries and the adjustment.
type internedCases struct {
	fs                []Factor
	combined, applied fixed.Num
	clamped           bool
	// the factors' provenance marks (a stack with at most 64) and flags
	mask     uint64
	ill, unv bool
}

// maxInterned bounds the factor combinations a pipeline keeps.
const maxInterned = 256

// maxInternFactors is the most factors a pipeline whose factors are
// interned may have (and maxInternCases the most cases of each).
const (
	maxInternFactors = 32
	maxInternCases   = 63
)

func caseID(c *rulesets.Case, i int) string {
	if c.ID != "" {
		return c.ID
	}
	return fmt.Sprintf("case-%d", i+1)
}

var one = decimal.NewFromInt(1)

func delta(unit string, v decimal.Decimal) decimal.Decimal {
	if unit == "percent" {
		return v
	}
	return v.Sub(one)
}

// settled is the pipeline after the factors.
type settled struct {
	combined, applied, beforeMin, amount fixed.Num
	clamped, minApplied                  bool
}

// settle combines the factors' deltas, rounds the adjustment where the
// stack says so, clamps it, applies it to the base amount, raises the
// product to the minimum premium (when rt has one, min) and rounds the
// premium: the plain decimal arithmetic of settleDecimal, in exact fixed
// point where the numbers fit (internal/fixed), so that a premium makes
// only the decimals its worksheet shows.
func settle(rt *rulesets.RatingStack, base fixed.Num, fs []Factor, min decimal.Decimal) settled {
	var s settled
	s.combined, s.applied, s.clamped = adjust(rt, fs)
	s.beforeMin, s.amount, s.minApplied = apply(rt, base, s.applied, min)
	return s
}

// adjust is the first half of settle: the combined adjustment, and the
// adjustment applied (rounded and clamped).
func adjust(rt *rulesets.RatingStack, fs []Factor) (combined, applied fixed.Num, clamped bool) {
	combined = combine(rt.Combine.Mode, fs)
	adj := combined
	if rt.Rounding.HasStep("adjustment") {
		adj = adj.Round(rt.Rounding.Scale, rt.Rounding.Mode)
	}
	if c := rt.Clamp; c != nil {
		if lo := fixed.Of(c.Min); adj.Cmp(lo) < 0 {
			adj, clamped = lo, true
		} else if hi := fixed.Of(c.Max); adj.Cmp(hi) > 0 {
			adj, clamped = hi, true
		}
	}
	return combined, adj, clamped
}

// apply is the second half of settle: base × applied, raised to the
// minimum premium, rounded.
func apply(rt *rulesets.RatingStack, base fixed.Num, applied fixed.Num, min decimal.Decimal) (beforeMin, amount fixed.Num, minApplied bool) {
	beforeMin = base.Mul(applied)
	amount = beforeMin
	if rt.Minimum != nil {
		if m := fixed.Of(min); amount.Cmp(m) < 0 {
			amount, minApplied = m, true
		}
	}
	return beforeMin, amount.Round(rt.Rounding.Scale, rt.Rounding.Mode), minApplied
}

// combine folds the factors' deltas into the adjustment, as
// combineDecimal does.
func combine(mode string, fs []Factor) fixed.Num {
	one := fixed.Int(1)
	switch mode {
	case "add":
		sum := fixed.Int(0)
		for i := range fs {
			sum = sum.Add(fixed.Of(fs[i].Delta))
		}
		return one.Add(sum)
	case "add_within_family":
		prod := one
		for i := range fs {
			if i > 0 && slices.ContainsFunc(fs[:i], func(g Factor) bool { return g.Family == fs[i].Family }) {
				continue // summed with its family's first
			}
			sum := fixed.Int(0)
			for j := i; j < len(fs); j++ {
				if fs[j].Family == fs[i].Family {
					sum = sum.Add(fixed.Of(fs[j].Delta))
				}
			}
			prod = prod.Mul(one.Add(sum))
		}
		return prod
	}
	prod := one
	for i := range fs {
		prod = prod.Mul(one.Add(fixed.Of(fs[i].Delta)))
	}
	return prod
}

// settleDecimal is settle in plain decimal arithmetic: the definition the
// fast path is tested against.
func settleDecimal(rt *rulesets.RatingStack, base decimal.Decimal, fs []Factor, min decimal.Decimal) (combined, applied, beforeMin, amount decimal.Decimal, clamped, minApplied bool) {
	combined = combineDecimal(rt.Combine.Mode, fs)
	adj := combined
	if rt.Rounding.HasStep("adjustment") {
		adj = rt.Rounding.Round(adj)
	}
	if c := rt.Clamp; c != nil {
		if adj.LessThan(c.Min) {
			adj, clamped = c.Min, true
		} else if adj.GreaterThan(c.Max) {
			adj, clamped = c.Max, true
		}
	}
	beforeMin = base.Mul(adj)
	amount = beforeMin
	if rt.Minimum != nil && amount.LessThan(min) {
		amount, minApplied = min, true
	}
	return combined, adj, beforeMin, rt.Rounding.Round(amount), clamped, minApplied
}

// combineDecimal folds the factors' deltas into the adjustment in decimal
// arithmetic: Π(1+δ), 1+Σδ, or Π over families of (1+Σδ).
func combineDecimal(mode string, fs []Factor) decimal.Decimal {
	switch mode {
	case "add":
		sum := decimal.Zero
		for k := range fs {
			f := &fs[k]
			sum = sum.Add(f.Delta)
		}
		return unit.Add(sum)
	case "add_within_family":
		var order []string
		sums := map[string]decimal.Decimal{}
		for k := range fs {
			f := &fs[k]
			if _, ok := sums[f.Family]; !ok {
				order = append(order, f.Family)
				sums[f.Family] = decimal.Zero
			}
			sums[f.Family] = sums[f.Family].Add(f.Delta)
		}
		prod := unit
		for _, fam := range order {
			prod = prod.Mul(unit.Add(sums[fam]))
		}
		return prod
	}
	prod := unit
	for k := range fs {
		f := &fs[k]
		prod = prod.Mul(unit.Add(f.Delta))
	}
	return prod
}

// unit is 1 at exponent 0.
var unit = decimal.NewFromInt(1)

// MarshalJSON writes the rounded money (the amount, the minimum premium
// and the prevention cap) with the declared scale, and rates, factors and
// intermediate products as exact decimal strings.
func (p Premium) MarshalJSON() ([]byte, error) { return p.AppendJSON(nil), nil }

// AppendJSON appends the JSON form of p (the bytes MarshalJSON writes) to
// dst, without reflection.
func (p *Premium) AppendJSON(dst []byte) []byte {
	w := jsonw.W{B: dst}
	scale := p.Rounding.Scale
	w.Open()
	if g := p.Program; g != nil {
		w.Key("program")
		w.Open()
		w.Str("ruleset", g.Ruleset)
		w.Str("title", g.Title)
		if len(g.Scopes) > 0 {
			w.Strs("scopes", g.Scopes)
		}
		if len(g.Removed) > 0 {
			w.Strs("removed", g.Removed)
		}
		w.Close()
	}
	w.Key("base")
	w.Open()
	b := &p.Base
	w.Str("rule", b.Rule)
	w.Str("text", b.Text)
	if t := b.Table; t != nil {
		w.Key("table")
		w.Open()
		w.Str("table", t.Table)
		w.Str("ref", t.Ref)
		w.Str("title", t.Title)
		w.Str("unit", t.Unit)
		w.Int("row", int64(t.Row))
		w.Key("keys")
		if t.Keys == nil {
			w.Null()
		} else {
			w.B = append(w.B, '[')
			for i := range t.Keys {
				k := &t.Keys[i]
				w.Elem(i)
				w.Open()
				w.Str("dim", k.Dim)
				w.Str("value", k.Value)
				if k.Band != "" {
					w.Str("band", k.Band)
				}
				if k.BandID != "" {
					w.Str("band_id", k.BandID)
				}
				if k.Range != "" {
					w.Str("range", k.Range)
				}
				w.Close()
			}
			w.B = append(w.B, ']')
		}
		w.Dec("value", t.Value)
		w.Cites("cite", t.Cite)
		w.Close()
	}
	w.Dec("raw_rate", b.RawRate)
	if len(b.Loadings) > 0 {
		w.Key("loadings")
		w.B = append(w.B, '[')
		for i := range b.Loadings {
			l := &b.Loadings[i]
			w.Elem(i)
			w.Open()
			w.Str("id", l.ID)
			w.Str("rule", l.Rule)
			w.Dec("add", l.Add)
			w.Str("text", l.Text)
			w.Cites("cite", l.Cite)
			w.Close()
		}
		w.B = append(w.B, ']')
	}
	w.Dec("rate", b.Rate)
	w.Str("formula", b.Formula)
	w.Dec("amount", b.Amount)
	if b.Rounded {
		w.Bool("rounded", true)
	}
	w.Cites("cite", b.Cite)
	w.Close()

	w.Key("factors")
	if p.Factors == nil {
		w.Null()
	} else {
		w.B = append(w.B, '[')
		for i := range p.Factors {
			f := &p.Factors[i]
			w.Elem(i)
			w.Open()
			w.Str("id", f.ID)
			w.Str("family", f.Family)
			w.Str("title", f.Title)
			w.Str("unit", f.Unit)
			w.Dec("value", f.Value)
			w.Dec("delta", f.Delta)
			w.Str("case", f.Case)
			w.Str("reason", f.Reason)
			w.Str("pick", f.Pick)
			w.Cites("cite", f.Cite)
			w.Str("rule", f.Rule)
			if len(f.Matched) > 0 {
				w.Strs("matched", f.Matched)
			}
			if f.Illustrative {
				w.Bool("illustrative", true)
			}
			if f.Unverified {
				w.Bool("unverified", true)
			}
			if f.Assumed {
				w.Bool("assumed", true)
			}
			w.Close()
		}
		w.B = append(w.B, ']')
	}
	w.Str("combine", p.Combine)
	if c := p.Clamp; c != nil {
		w.Key("clamp")
		w.Open()
		w.Dec("min", c.Min)
		w.Dec("max", c.Max)
		w.Bool("applied", c.Applied)
		w.Cites("cite", c.Cite)
		w.Close()
	}
	w.Bool("minimum_applied", p.MinimumApplied)
	w.Str("currency", p.Currency)
	w.Key("rounding")
	w.Open()
	w.Int("scale", int64(p.Rounding.Scale))
	w.Str("mode", p.Rounding.Mode)
	w.Strs("steps", p.Rounding.Steps)
	w.Close()
	w.Bool("illustrative", p.Illustrative)
	w.Bool("unverified", p.Unverified)
	if len(p.Provenance) > 0 {
		w.Strs("provenance", p.Provenance)
	}
	if len(p.Caveats) > 0 {
		w.Strs("caveats", p.Caveats)
	}
	// the money and the products, as strings, after the rest
	w.DecString("combined", p.Combined)
	w.DecString("applied", p.Applied)
	w.DecString("before_minimum", p.BeforeMinimum)
	if m := p.Minimum; m != nil {
		w.Key("minimum")
		w.Open()
		w.Fixed("amount", m.Amount, scale)
		w.Cites("cite", m.Cite)
		w.Close()
	}
	w.Fixed("amount", p.Amount, scale)
	if r := p.Range; r != nil {
		w.Bool("provisional", true)
		w.Key("range")
		w.Open()
		w.Fixed("min", r.Min, scale)
		w.Fixed("max", r.Max, scale)
		w.Int("combinations", int64(r.Combinations))
		w.Key("undecided")
		w.B = append(w.B, '[')
		for i := range r.Undecided {
			u := &r.Undecided[i]
			w.Elem(i)
			w.Open()
			w.Str("factor", u.Factor)
			w.Str("rule", u.Rule)
			w.Strs("missing", u.Missing)
			w.Strs("cases", u.Cases)
			w.Str("assumed", u.Assumed)
			w.Str("min_case", u.MinCase)
			w.Str("max_case", u.MaxCase)
			w.Close()
		}
		w.B = append(w.B, ']')
		w.Close()
	}
	if c := p.PreventionBudgetCap; c != nil {
		w.Key("prevention_budget_cap")
		w.Open()
		w.DecString("share", c.Share)
		w.Fixed("amount", c.Amount, scale)
		w.Cites("cite", c.Cite)
		w.Close()
	}
	w.Close()
	return w.B
}

func capApplies(pc *rulesets.PreventionCap, ev *lang.Eval) bool {
	ok, err := pc.When.Bool(ev)
	return err == nil && ok
}
