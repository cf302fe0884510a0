package lang

import (
	"slices"
	"sort"
	"strconv"

	"github.com/anzexian/anzexian/facts"
	"github.com/shopspring/decimal"
)

// History is what the enterprise's dated facts say, as known on the
// decision date (the as-of date the Eval was Reset to): accidents in date
// order, the days a policy covered, the days the enterprise is proven to
// have operated, the enforcement records, and what follows from them
// (overdue stretches after a deadline, refusals after an order). It is
// computed once per Reset and read at any evaluation date up to the
// decision date: later facts are not in it (the trace names them).
//
// A History belongs to its Eval and is reused by the next Reset: copy what
// must outlive the evaluation.
type History struct {
	// Base is the decision date.
	Base facts.Date
	// Accidents are those dated on or before Base, in date order (stable);
	// AccidentIndex[i] is the index of Accidents[i] in Facts.Accidents.
	Accidents     []facts.Accident
	AccidentIndex []int
	// Cover is the days a policy covered (merged, in date order), up to the
	// policies started by Base; a surrender ends cover on its date.
	Cover []Cover
	// Records are the enforcement records dated on or before Base, in date
	// order; RecordIndex[i] is the index of Records[i] in Facts.Records().
	// FromEnforcement says the records stand for Facts.Enforcement.
	Records         []facts.Record
	RecordIndex     []int
	FromEnforcement bool
	// Proof is the span of days the facts prove the enterprise operated.
	Proof Proof
	// Closed says status is closed; ClosedOn is its date, when given and
	// not after Base.
	Closed   bool
	ClosedOn facts.Date

	deadlines []facts.Date // effective deadline of each record (orders), zero if none
	tiers     []string     // tier of each record (fines), set with derived
	uninsured []facts.Period
	late      []facts.Period
	overdue   []Overdue
	refusals  []Refusal
	derived   bool // overdue and refusals computed
	enf       *facts.Enforcement
	enfDone   bool
	deficient []Deficiency
	// buffers owned by the history (Accidents may alias the facts instead)
	accBuf []facts.Accident
	idxBuf []int
}

// Cover is a stretch of days covered by a policy; Sources name the
// policies ("policy", "policy_history[0]").
type Cover struct {
	facts.Period
	Sources []string
	// SourcesOmitted counts the policies merged into the stretch beyond
	// MaxCoverSources (Sources keeps the first ones and the latest).
	SourcesOmitted int
}

// MaxCoverSources bounds the policies a stretch of cover names.
const MaxCoverSources = 16

// Proof is the span of days the facts prove the enterprise operated:
// every day from From to To (both included; To zero: none). A held
// policy, an accident, an enforcement record, operating_since, and the
// decision date itself for an enterprise not closed are proofs; days
// between two proofs are proven too (continuity). OpenStart says days
// before From may have been operated (no operating_since); OpenEnd says
// days after To may have been (closed, without closed_on).
type Proof struct {
	From, To           facts.Date
	OpenStart, OpenEnd bool
	// the facts that prove From and To (see History.ProofSources)
	fromSrc, toSrc proofSrc
	named          bool
	names          [2]string
}

// proofSrc is a fact path, or "accident" / "record" / "period" with an
// index, named only when asked.
type proofSrc struct {
	kind string
	i    int
}

// ProofSources names the facts that prove the first and the last proven
// days ("operating_since", "policy", "accidents[2].date" …); empty when
// nothing is proven.
func (h *History) ProofSources() (from, to string) {
	if h.Proof.From.IsZero() {
		return "", ""
	}
	if !h.Proof.named {
		h.Proof.named = true
		h.Proof.names = [2]string{h.proofName(h.Proof.fromSrc), h.proofName(h.Proof.toSrc)}
	}
	return h.Proof.names[0], h.Proof.names[1]
}

func (h *History) proofName(s proofSrc) string {
	switch s.kind {
	case "accident":
		return h.AccidentPath(s.i) + ".date"
	case "record":
		return h.recordPath(s.i) + ".date"
	case "period":
		return h.recordPath(s.i) + ".period"
	}
	return s.kind
}

// Proven reports whether d is a proven day of operation.
func (p *Proof) Proven(d facts.Date) bool {
	return !p.From.IsZero() && !d.Before(p.From) && !d.After(p.To)
}

// Overdue is a stretch after an order's deadline (限期) during which the
// enterprise stayed uninsured or insured not as required (逾期未改正):
// from the day after the deadline until the day before it complied, a new
// order came, or it closed. To zero: it continues on the decision date.
type Overdue struct {
	From, To  facts.Date
	OrderedOn facts.Date
	Deadline  facts.Date
	// Record is the order's index in Facts.Records().
	Record int
}

// Span returns the stretch as a period.
func (o *Overdue) Span() facts.Period { return facts.Period{From: o.From, To: o.To} }

// Refusal is an order that was not complied with (拒不改正): established by
// an inspection that found refusal, by a refusal the hazard facts record,
// or by non-compliance on the decision date after the deadline. From and
// Through are the days a daily fine (第一百一十二条) would count: from the
// day after the order to the refusing inspection, the day before
// compliance, closure or the decision date.
type Refusal struct {
	Subject   string
	OrderedOn facts.Date
	Deadline  *facts.Date
	// FinedOn and Amount are the first fine about the subject on or after
	// the order (原处罚数额); OverdueFined says a fine of the overdue tier
	// was recorded for this order.
	FinedOn      *facts.Date
	Amount       *decimal.Decimal
	OverdueFined bool
	RefusedOn    facts.Date
	// By says what established the refusal: an inspection, the hazard
	// facts (refused_on), or non-compliance on the decision date.
	By            string
	From, Through facts.Date
	Days          int
	Record        int
}

// Deficiency is a stretch during which the current policy does not meet a
// national requirement binding on its conclusion date (未按照国家规定投保):
// Fields are the requirement fields; From is the first proven day and
// Earliest the earliest possible one when From is not proven.
type Deficiency struct {
	From, To facts.Date
	Earliest facts.Date
	// ConcludedOn is the day the policy was concluded: the rules of that
	// day bind it.
	ConcludedOn facts.Date
	Fields      []string
	Findings    []string
}

// Span returns the stretch as a period.
func (d *Deficiency) Span() facts.Period { return facts.Period{From: d.From, To: d.To} }

// History returns the history of the facts as known on the decision date.
func (ev *Eval) History() *History {
	h := &ev.hist
	if h.Base == ev.base && h.Base == ev.histBase && ev.histOK {
		return h
	}
	ev.computeHistory()
	return h
}

// SetDeficiencies records the stretches during which the current policy
// does not meet a national requirement (coverage decides them; penalties
// read them as underinsured_periods).
func (ev *Eval) SetDeficiencies(d []Deficiency) {
	h := ev.History()
	h.deficient = d
	h.derived = false // overdue and refusals read non-compliance
	ev.newGeneration()
}

// sortAccidents returns the accidents dated on or before the decision date
// in date order and their indexes in the facts (nil, and sorted true, when
// that is the facts' own list), recording the later ones as ignored;
// accBuf and idxBuf are the room for a sorted copy.
func (ev *Eval) sortAccidents(accBuf []facts.Accident, idxBuf []int) (acc []facts.Accident, idx []int, sorted bool) {
	f, base := ev.f, ev.base
	sorted = true
	for i := range f.Accidents {
		if d := f.Accidents[i].Date; d.After(base) {
			ev.ignoreAt("accidents", i, "date", d)
			sorted = false
		} else if i > 0 && d.Before(f.Accidents[i-1].Date) {
			sorted = false
		}
	}
	if sorted {
		return f.Accidents, nil, true
	}
	idx = idxBuf[:0]
	for i := range f.Accidents {
		if !f.Accidents[i].Date.After(base) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return f.Accidents[a].Date.Compare(f.Accidents[b].Date) })
	acc = accBuf[:0]
	for _, i := range idx {
		acc = append(acc, f.Accidents[i])
	}
	return acc, idx, false
}

// baseAccidents is History().Accidents, computing only them when the
// history is not at hand: a quote that reads the accident windows needs
// nothing else of the history.
func (ev *Eval) baseAccidents() []facts.Accident {
	if ev.histOK && ev.hist.Base == ev.base && ev.histBase == ev.base {
		return ev.hist.Accidents
	}
	if !ev.baseAccOK {
		acc, idx, sorted := ev.sortAccidents(ev.baseAccBuf, ev.baseIdxBuf)
		ev.baseAcc, ev.baseIdx, ev.baseAccOK = acc, idx, true
		if !sorted {
			ev.baseAccBuf, ev.baseIdxBuf = acc, idx
		}
	}
	return ev.baseAcc
}

// reset empties h for the decision date base, keeping its buffers. It sets
// field by field: assigning a whole History moved every pointer through a
// write barrier, where a slice cut to its own start is written without one.
// TestHistoryReset checks that it leaves no field behind.
func (h *History) reset(base facts.Date) {
	h.Base = base
	h.Accidents, h.AccidentIndex = nil, nil
	h.Cover = h.Cover[:0]
	h.Records, h.RecordIndex = h.Records[:0], h.RecordIndex[:0]
	h.FromEnforcement = false
	h.Proof = Proof{}
	h.Closed, h.ClosedOn = false, facts.Date{}
	h.deadlines, h.tiers = h.deadlines[:0], h.tiers[:0]
	h.uninsured, h.late = h.uninsured[:0], h.late[:0]
	h.overdue, h.refusals = h.overdue[:0], h.refusals[:0]
	h.derived = false
	h.enf, h.enfDone = nil, false
	h.deficient = nil
	h.accBuf, h.idxBuf = h.accBuf[:0], h.idxBuf[:0]
}

func (ev *Eval) computeHistory() {
	f, base := ev.f, ev.base
	h := &ev.hist
	h.reset(base)
	ev.histBase, ev.histOK = base, true

	// Accidents: in date order, those after the decision date left out.
	if ev.baseAccOK {
		h.Accidents, h.AccidentIndex = ev.baseAcc, ev.baseIdx
	} else {
		acc, idx, sorted := ev.sortAccidents(h.accBuf, h.idxBuf)
		h.Accidents, h.AccidentIndex = acc, idx
		if !sorted {
			h.accBuf, h.idxBuf = acc, idx
		}
	}

	// Records: the facts' own, or those enforcement stands for.
	all := f.EnforcementRecords
	if len(all) == 0 && f.Enforcement != nil {
		all = facts.ExpandEnforcement(f.Enforcement)
		h.FromEnforcement = true
	}
	if len(all) > 0 {
		idx := h.RecordIndex
		for i := range all {
			if d := all[i].Date; d.After(base) {
				if !h.FromEnforcement {
					ev.ignoreAt("enforcement_records", i, "date", d)
				}
				continue
			}
			idx = append(idx, i)
		}
		slices.SortStableFunc(idx, func(a, b int) int { return all[a].Date.Compare(all[b].Date) })
		for _, i := range idx {
			h.Records = append(h.Records, all[i])
		}
		h.RecordIndex = idx
		h.deadlines = facts.EffectiveDeadlines(h.deadlines, h.Records)
	}

	// Closure.
	h.Closed = f.Status == "closed"
	if f.ClosedOn != nil && !f.ClosedOn.After(base) {
		h.ClosedOn = *f.ClosedOn
	}
	closedLater := f.ClosedOn != nil && f.ClosedOn.After(base) // closed after the decision date: operating on it
	if closedLater {
		h.Closed = false
	}

	// Cover.
	cov := h.Cover
	for i, p := range f.PolicyHistory {
		if p.Start.After(base) {
			ev.ignoreAt("policy_history", i, "start", p.Start)
			continue
		}
		end := p.End
		if p.SurrenderedOn != nil && !p.SurrenderedOn.After(base) && p.SurrenderedOn.Before(end) {
			end = *p.SurrenderedOn
		}
		cov = append(cov, Cover{Period: facts.Period{From: p.Start, To: end}, Sources: []string{"policy_history[" + strconv.Itoa(i) + "]"}})
	}
	if p := f.Policy; p.IsInsured() && !p.Start.After(base) {
		cov = append(cov, Cover{Period: facts.Period{From: p.Start, To: p.End}, Sources: policySource})
	}
	slices.SortStableFunc(cov, func(a, b Cover) int { return a.From.Compare(b.From) })
	merged := cov[:0]
	owned := false // the last merged stretch's Sources is its own slice
	for _, c := range cov {
		if n := len(merged); n > 0 && !c.From.After(merged[n-1].To.AddDays(1)) {
			m := &merged[n-1]
			if c.To.After(m.To) {
				m.To = c.To
			}
			switch {
			case len(m.Sources) >= MaxCoverSources:
				// keep the first and the latest; count the rest
				m.Sources[len(m.Sources)-1] = c.Sources[0]
				m.SourcesOmitted++
			case !owned:
				m.Sources = append(make([]string, 0, 4), m.Sources...)
				owned = true
				fallthrough
			default:
				m.Sources = append(m.Sources, c.Sources[0])
			}
			continue
		}
		merged = append(merged, c)
		owned = false
	}
	h.Cover = merged

	// Proof of operation.
	pr := &h.Proof
	lastDay := base // the last day it may have operated
	if !h.ClosedOn.IsZero() {
		lastDay = h.ClosedOn.AddDays(-1)
	} else if h.Closed {
		lastDay = base.AddDays(-1)
	}
	// the proofs: the source of the first and the last is kept, and named
	// when asked (not for every accident on the way)
	type src = proofSrc
	var fromSrc, toSrc src
	point := func(d facts.Date, s src) {
		if d.IsZero() || d.After(lastDay) {
			return
		}
		if pr.From.IsZero() || d.Before(pr.From) {
			pr.From, fromSrc = d, s
		}
		if pr.To.IsZero() || d.After(pr.To) {
			pr.To, toSrc = d, s
		}
	}
	if f.OperatingSince != nil {
		point(*f.OperatingSince, src{kind: "operating_since"})
	} else {
		pr.OpenStart = true
	}
	for _, c := range h.Cover {
		point(c.From, src{kind: c.Sources[0]})
		point(minDate(c.To, lastDay), src{kind: c.Sources[len(c.Sources)-1]})
	}
	for i := range h.Accidents {
		point(h.Accidents[i].Date, src{kind: "accident", i: i})
	}
	for i := range h.Records {
		r := &h.Records[i]
		point(r.Date, src{kind: "record", i: i})
		if r.Period != nil {
			point(r.Period.From, src{kind: "period", i: i})
			point(r.Period.To, src{kind: "period", i: i})
		}
	}
	switch {
	case !h.ClosedOn.IsZero():
		point(h.ClosedOn.AddDays(-1), src{kind: "closed_on"})
		pr.OpenEnd = false
	case h.Closed:
		pr.OpenEnd = true
	default:
		point(base, src{kind: "as_of"})
	}
	if !pr.From.IsZero() {
		pr.fromSrc, pr.toSrc = fromSrc, toSrc
	}
	if f.OperatingSince != nil && !pr.From.IsZero() && f.OperatingSince.After(pr.From) {
		// a proof before operating_since (a policy held before it started):
		// operating_since still bounds the stretches
		pr.From, pr.fromSrc = *f.OperatingSince, src{kind: "operating_since"}
	}

	// Uninsured stretches and late renewals, over the days it may have
	// operated.
	start := facts.Date{}
	if f.OperatingSince != nil {
		start = *f.OperatingSince
	}
	endOf := func(to facts.Date) facts.Date {
		if !h.ClosedOn.IsZero() && (to.IsZero() || !to.Before(h.ClosedOn)) {
			return h.ClosedOn.AddDays(-1)
		}
		return to
	}
	if len(h.Cover) == 0 {
		if start.IsZero() || !start.After(lastDay) {
			h.uninsured = append(h.uninsured, facts.Period{From: start, To: endOf(facts.Date{})})
		}
	} else {
		if first := h.Cover[0].From; start.IsZero() || start.Before(first) {
			if start.IsZero() || !start.After(lastDay) {
				to := first.AddDays(-1)
				if !h.ClosedOn.IsZero() && !to.Before(h.ClosedOn) {
					to = h.ClosedOn.AddDays(-1)
				}
				h.uninsured = append(h.uninsured, facts.Period{From: start, To: to})
			}
		}
		for i, m := range h.Cover {
			if !m.To.Before(base) {
				continue
			}
			gap := facts.Period{From: m.To.AddDays(1)}
			if gap.From.After(lastDay) {
				continue
			}
			if i+1 < len(h.Cover) {
				gap.To = h.Cover[i+1].From.AddDays(-1)
			}
			gap.To = endOf(gap.To)
			h.late = append(h.late, gap)
			h.uninsured = append(h.uninsured, gap)
		}
	}
}

var policySource = []string{"policy"}

// accidentIndex returns the index in Facts.Accidents of Accidents[i].
func (h *History) accidentIndex(i int) int {
	if h.AccidentIndex == nil {
		return i
	}
	return h.AccidentIndex[i]
}

// AccidentPath names Accidents[i] as a fact path ("accidents[3]").
func (h *History) AccidentPath(i int) string {
	return indexPath(&accidentPaths, "accidents", h.accidentIndex(i))
}

// recordPath names Records[i] as a fact path.
func (h *History) recordPath(i int) string {
	if h.FromEnforcement {
		return "enforcement"
	}
	return indexPath(&recordPaths, "enforcement_records", h.RecordIndex[i])
}

// AccidentDayPath names the day an accident was learned of: the fact path
// of Accidents[i].reported_on when reported is set, of its date otherwise.
func (h *History) AccidentDayPath(i int, reported bool) string {
	if reported {
		return indexPath(&accidentReported, "accidents", h.accidentIndex(i), ".reported_on")
	}
	return indexPath(&accidentDates, "accidents", h.accidentIndex(i), ".date")
}

// The paths of the first items of a list, written once: most enterprises
// have few accidents and records.
var (
	accidentPaths    = listPaths("accidents", "")
	accidentDates    = listPaths("accidents", ".date")
	accidentReported = listPaths("accidents", ".reported_on")
	recordPaths      = listPaths("enforcement_records", "")
)

func listPaths(list, field string) (ps [16]string) {
	for i := range ps {
		ps[i] = list + "[" + strconv.Itoa(i) + "]" + field
	}
	return ps
}

func indexPath(ps *[16]string, list string, i int, field ...string) string {
	if i >= 0 && i < len(ps) {
		return ps[i]
	}
	p := list + "[" + strconv.Itoa(i) + "]"
	if len(field) > 0 {
		p += field[0]
	}
	return p
}

// RecordPath names Records[i] as a fact path ("enforcement_records[2]",
// or "enforcement" for the records enforcement stands for).
func (h *History) RecordPath(i int) string { return h.recordPath(i) }

// Deadline returns the effective deadline of the order Records[i]
// (extended by later deadline records), or the zero Date.
func (h *History) Deadline(i int) facts.Date {
	if i < 0 || i >= len(h.deadlines) {
		return facts.Date{}
	}
	return h.deadlines[i]
}

// Covered reports whether a policy covered d.
func (h *History) Covered(d facts.Date) bool {
	i := sort.Search(len(h.Cover), func(i int) bool { return h.Cover[i].To.IsZero() || !h.Cover[i].To.Before(d) })
	return i < len(h.Cover) && !d.Before(h.Cover[i].From)
}

// nextCoverChange returns the first day after d on which Covered changes,
// or the zero Date.
func (h *History) nextCoverChange(d facts.Date) facts.Date {
	// the first stretch not ended before d (Cover is sorted and disjoint)
	i := sort.Search(len(h.Cover), func(i int) bool { return !h.Cover[i].To.Before(d) })
	switch {
	case i == len(h.Cover):
		return facts.Date{}
	case h.Cover[i].From.After(d):
		return h.Cover[i].From
	}
	return h.Cover[i].To.AddDays(1)
}

// CoverAt returns the stretch of cover holding d, or nil.
func (h *History) CoverAt(d facts.Date) *Cover {
	i := sort.Search(len(h.Cover), func(i int) bool { return !h.Cover[i].To.Before(d) })
	if i < len(h.Cover) && !d.Before(h.Cover[i].From) {
		return &h.Cover[i]
	}
	return nil
}

// Uninsured returns the stretches without cover during which the
// enterprise may have operated, up to the decision date: From zero when
// its start is unknown (before the first policy, with no operating_since),
// To zero when it continues.
func (h *History) Uninsured() []facts.Period { return h.uninsured }

// Late returns the gaps after a policy ended before the next one (延迟续保).
func (h *History) Late() []facts.Period { return h.late }

// Deficiencies returns the stretches set by SetDeficiencies.
func (h *History) Deficiencies() []Deficiency { return h.deficient }

// Deficient reports whether d lies in a deficiency stretch.
func (h *History) Deficient(d facts.Date) bool {
	for i := range h.deficient {
		if h.deficient[i].Span().Contains(d) {
			return true
		}
	}
	return false
}

// compliantFrom returns the first day on or after d on which the
// enterprise is no longer out of compliance about insurance (covered and
// not deficient), or the zero Date if it stays so through the decision
// date.
func (h *History) compliantFrom(d facts.Date) facts.Date {
	for x := d; !x.After(h.Base); {
		if h.Covered(x) && !h.Deficient(x) {
			return x
		}
		// jump to the next day anything changes
		next := h.nextCoverChange(x)
		for i := range h.deficient {
			df := &h.deficient[i]
			if !df.To.IsZero() && !df.To.Before(x) && (next.IsZero() || df.To.AddDays(1).Before(next)) {
				next = df.To.AddDays(1)
			}
			if df.From.After(x) && (next.IsZero() || df.From.Before(next)) {
				next = df.From
			}
		}
		if next.IsZero() || !next.After(x) {
			return facts.Date{}
		}
		x = next
	}
	return facts.Date{}
}

// nonCompliantOn reports whether the enterprise was, on d, out of
// compliance with an order about subject.
func (h *History) nonCompliantOn(f *facts.Facts, subject string, d facts.Date) bool {
	switch subject {
	case "insurance":
		return !h.Covered(d) || h.Deficient(d)
	case "hazard":
		return f.Hazards.MajorUnrectified || f.Hazards.RefusedRectification
	case "premium_charged":
		return f.Policy != nil && f.Policy.PremiumChargedToEmployees
	case "claims_unpaid":
		return f.ClaimsUnpaidToVictims
	}
	return false
}

// Overdue returns the overdue stretches (see Overdue).
func (ev *Eval) overdueStretches() []Overdue {
	h := ev.History()
	ev.deriveEnforcement()
	return h.overdue
}

// Refusals returns the refusals (see Refusal).
func (ev *Eval) refusalList() []Refusal {
	h := ev.History()
	ev.deriveEnforcement()
	return h.refusals
}

// Overdue and Refusals return what follows from the orders: overdue
// stretches and refusals.
func (ev *Eval) Overdue() []Overdue  { return ev.overdueStretches() }
func (ev *Eval) Refusals() []Refusal { return ev.refusalList() }

// nextOrder returns the date of the first order about subject after
// Records[i], or the zero Date.
func (h *History) nextOrder(i int) facts.Date {
	for j := i + 1; j < len(h.Records); j++ {
		if r := &h.Records[j]; r.Kind == "order" && r.Subject == h.Records[i].Subject && r.Date.After(h.Records[i].Date) {
			return r.Date
		}
	}
	return facts.Date{}
}

func minDate(a, b facts.Date) facts.Date {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	case b.Before(a):
		return b
	}
	return a
}

func (ev *Eval) deriveEnforcement() {
	h := &ev.hist
	if h.derived {
		return
	}
	h.derived = true
	h.overdue, h.refusals = h.overdue[:0], h.refusals[:0]
	ev.fineTiers()
	f := ev.f
	for i := range h.Records {
		o := &h.Records[i]
		if o.Kind != "order" {
			continue
		}
		next := h.nextOrder(i)
		var stop facts.Date // first day no longer counted for this order
		if o.RectifiedOn != nil {
			stop = *o.RectifiedOn
		}
		stop = minDate(stop, next)
		if !h.ClosedOn.IsZero() {
			stop = minDate(stop, h.ClosedOn)
		}
		// Overdue: the day after the deadline, still out of compliance.
		if t := h.deadlines[i]; !t.IsZero() && o.Subject == "insurance" && t.Before(h.Base) {
			day := t.AddDays(1)
			if (stop.IsZero() || day.Before(stop)) && h.Proof.Proven(day) && h.nonCompliantOn(f, "insurance", day) {
				end := h.compliantFrom(day)
				end = minDate(end, stop)
				od := Overdue{From: day, OrderedOn: o.Date, Deadline: t, Record: h.RecordIndex[i]}
				if !end.IsZero() {
					od.To = end.AddDays(-1)
				} else if h.Proof.OpenEnd {
					od.To = h.Proof.To
				}
				h.overdue = append(h.overdue, od)
			}
		}
		// Refusal.
		rf := Refusal{Subject: o.Subject, OrderedOn: o.Date, Record: h.RecordIndex[i]}
		if t := h.deadlines[i]; !t.IsZero() {
			td := t
			rf.Deadline = &td
		}
		for j := i; j < len(h.Records); j++ {
			r := &h.Records[j]
			if !next.IsZero() && !r.Date.Before(next) {
				break // Records are in date order
			}
			if r.Subject != o.Subject || r.Date.Before(o.Date) {
				continue
			}
			switch {
			case r.Kind == "fine" && rf.Amount == nil:
				d := r.Date
				rf.FinedOn, rf.Amount = &d, r.Amount
				if ev.fineTier(j) == "overdue" {
					rf.OverdueFined = true
				}
			case r.Kind == "fine" && ev.fineTier(j) == "overdue":
				rf.OverdueFined = true
			case r.Kind == "inspection" && r.Result == "refused" && rf.RefusedOn.IsZero():
				rf.RefusedOn, rf.By = r.Date, "inspection"
			}
		}
		if rf.RefusedOn.IsZero() && o.Subject == "hazard" && f.Hazards.RefusedRectification && f.Hazards.RefusedOn != nil &&
			!f.Hazards.RefusedOn.Before(o.Date) && !f.Hazards.RefusedOn.After(h.Base) && (next.IsZero() || f.Hazards.RefusedOn.Before(next)) {
			rf.RefusedOn, rf.By = *f.Hazards.RefusedOn, "hazards.refused_on"
		}
		if rf.RefusedOn.IsZero() && (rf.Deadline == nil || rf.Deadline.Before(h.Base)) && h.Base.After(o.Date) &&
			stop.IsZero() && !h.Closed && h.nonCompliantOn(f, o.Subject, h.Base) {
			rf.RefusedOn, rf.By = h.Base, "as_of"
		}
		if rf.RefusedOn.IsZero() {
			continue
		}
		through := h.Base
		if rf.By == "inspection" || rf.By == "hazards.refused_on" {
			through = rf.RefusedOn
		}
		if !stop.IsZero() && !stop.After(through) {
			through = stop.AddDays(-1)
		}
		if o.Subject == "insurance" {
			if c := h.compliantFrom(o.Date.AddDays(1)); !c.IsZero() && !c.After(through) {
				through = c.AddDays(-1)
			}
		}
		rf.From, rf.Through = o.Date.AddDays(1), through
		rf.Days = rf.From.DaysUntil(rf.Through) + 1
		if rf.Days < 0 {
			rf.Days = 0
		}
		h.refusals = append(h.refusals, rf)
	}
}

// fineTiers sets the tier of every fine: as recorded, or overdue when the
// latest earlier order about insurance had a deadline before the fine and
// the enterprise was out of compliance on the day after it (one pass;
// Records are in date order).
func (ev *Eval) fineTiers() {
	h := &ev.hist
	h.tiers = h.tiers[:0]
	last := -1 // the latest order about insurance so far
	for j := range h.Records {
		r := &h.Records[j]
		tier := ""
		switch {
		case r.Kind == "order" && r.Subject == "insurance":
			last = j
		case r.Kind != "fine":
		case r.Tier != "":
			tier = r.Tier
		case r.Subject != "insurance":
			tier = "first" // only 第一百零九条 has a second tier
		default:
			tier = "first"
			if last >= 0 {
				if t := h.deadlines[last]; !t.IsZero() && t.Before(r.Date) && h.nonCompliantOn(ev.f, "insurance", t.AddDays(1)) {
					tier = "overdue"
				}
			}
		}
		h.tiers = append(h.tiers, tier)
	}
}

// fineTier returns the tier of the fine Records[j] (see fineTiers).
func (ev *Eval) fineTier(j int) string {
	ev.deriveEnforcement()
	return ev.hist.tiers[j]
}

// FineTier returns the tier of the fine Records[j] (see Record.Tier).
func (ev *Eval) FineTier(j int) string { return ev.fineTier(j) }

// enforcementView returns enforcement as given, or as the records stand
// for it.
func (ev *Eval) enforcementView() (*facts.Enforcement, bool) {
	if ev.f.Enforcement != nil {
		return ev.f.Enforcement, true
	}
	h := ev.History()
	if !h.enfDone {
		h.enfDone = true
		h.enf = facts.LatestEnforcement(h.Records)
	}
	return h.enf, h.enf != nil
}
