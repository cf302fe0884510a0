package timeline

import (
	"slices"
	"strconv"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/cowmap"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// NoteConstant says what the timeline takes as given on every day.
const NoteConstant = "行业、场所、园区等没有日期的事实，视为在整个时间线上不变；有日期的事实（事故、排名、保单、执法记录、关闭）按其日期计。"

// Finish adds to t the cover stretches, the enforcement records and the
// events, from the history of ev (which the coverage answer has told the
// deficiencies of the current policy). st is the decision stack, bounds
// the dates the stack of region changes (Registry.Boundaries).
func (t *Timeline) Finish(ev *lang.Eval, st *rulesets.Stack, reg *rulesets.Registry, region, insurer string, bounds []facts.Date) {
	h := ev.History()
	f := ev.Facts()
	t.cover(h, f)
	t.enforcement(ev, h)
	t.events(h, f, rulesetEvents(st, reg, region, insurer, bounds))
	t.Notes = notes
	t.clip()
}

var notes = []string{NoteConstant}[:1:1]

// eventsMemo holds a stack's ruleset events by region. A stack belongs to
// one insurer (the registry keeps stacks by insurer and layers), so the
// region is the whole key: a string, several times cheaper to look up than
// a pair of them (TestTimelineRulesetEventsByInsurer holds it to that).
type eventsMemo struct {
	byRegion cowmap.Map[string, []Event]
}

var eventsMemoKey = rulesets.NewMemoKey()

// rulesetEvents are the days a ruleset starts for region and insurer,
// prepared once per stack and region (read-only).
func rulesetEvents(st *rulesets.Stack, reg *rulesets.Registry, region, insurer string, bounds []facts.Date) []Event {
	if reg == nil || st == nil {
		return nil
	}
	em := st.MemoAt(eventsMemoKey, func() any { return new(eventsMemo) }).(*eventsMemo)
	if es, ok := em.byRegion.Load(region); ok {
		return es
	}
	var out []Event
	for _, b := range bounds {
		for _, rs := range reg.Layers(region, b, insurer) {
			if rs.Effective.From == b {
				out = append(out, Event{Date: b, Kind: "ruleset", Ref: rs.Key()})
			}
		}
	}
	return em.byRegion.Store(region, out[:len(out):len(out)], 4096)
}

// cover lays the state of insurance on every day of the timeline.
func (t *Timeline) cover(h *lang.History, f *facts.Facts) {
	// the days anything the state depends on changes
	var buf [24]facts.Date // most timelines have few days of change
	cuts := append(buf[:0], t.From)
	add := func(d facts.Date) {
		if !d.IsZero() && d.After(t.From) && !d.After(t.Through) {
			cuts = append(cuts, d)
		}
	}
	for _, o := range t.Obligations {
		add(o.From)
	}
	for _, c := range h.Cover {
		add(c.From)
		add(c.To.AddDays(1))
	}
	for _, d := range h.Deficiencies() {
		add(d.From)
		if !d.To.IsZero() {
			add(d.To.AddDays(1))
		}
	}
	add(h.Proof.From)
	if !h.Proof.To.IsZero() {
		add(h.Proof.To.AddDays(1))
	}
	if f.OperatingSince != nil {
		add(*f.OperatingSince)
	}
	add(h.ClosedOn)
	slices.SortFunc(cuts, func(a, b facts.Date) int { return a.Compare(b) })
	cuts = slices.Compact(cuts)
	t.Cover = t.Cover[:0] // the room Build gave; stretches merge: usually fewer than cuts
	var proof []string    // the sources of the proven stretch, named once
	for i, d := range cuts {
		to := t.Through
		if i+1 < len(cuts) {
			to = cuts[i+1].AddDays(-1)
		}
		s := Stretch{From: d, To: to, Level: t.LevelAt(d)}
		switch {
		case !h.ClosedOn.IsZero() && !d.Before(h.ClosedOn):
			s.State = Closed
			s.Sources = srcClosedOn
		case h.Covered(d):
			s.State = Insured
			s.Sources, s.SourcesOmitted = coverSources(h, d)
			for _, df := range h.Deficiencies() {
				if df.Span().Contains(d) {
					s.State, s.Fields = Deficient, df.Fields
				}
			}
		case f.OperatingSince != nil && d.Before(*f.OperatingSince):
			s.State = NotOperating
			s.Sources = srcOperatingSince
		case !hasDuty(s.Level):
			s.State = NoDuty
		case h.Proof.Proven(d):
			s.State = Uninsured
			if proof == nil {
				proof = proofSources(h)
			}
			s.Sources = proof
		default:
			s.State = Undetermined
			if h.Proof.From.IsZero() || d.Before(h.Proof.From) {
				s.Missing = srcOperatingSince
			} else {
				s.Missing = srcClosedOn
			}
		}
		if n := len(t.Cover); n > 0 {
			p := &t.Cover[n-1]
			if p.State == s.State && p.Level == s.Level && slices.Equal(p.Sources, s.Sources) && p.SourcesOmitted == s.SourcesOmitted && slices.Equal(p.Missing, s.Missing) && slices.Equal(p.Fields, s.Fields) {
				p.To = s.To
				continue
			}
		}
		t.Cover = append(t.Cover, s)
	}
	if n := len(t.Cover); n > MaxStretches {
		t.Omitted.Cover = n - MaxStretches
		t.Cover = t.Cover[n-MaxStretches:]
	}
}

// Shared, read-only lists of one fact path.
var (
	srcOperatingSince = []string{"operating_since"}[:1:1]
	srcClosedOn       = []string{"closed_on"}[:1:1]
)

func coverSources(h *lang.History, d facts.Date) ([]string, int) {
	if c := h.CoverAt(d); c != nil {
		return c.Sources, c.SourcesOmitted
	}
	return nil, 0
}

// proofSources names the facts that prove the enterprise operated on the
// first and last days of the proven span, in a list of the timeline's own
// (the history belongs to the Eval, which serves the next assessment).
func proofSources(h *lang.History) []string {
	from, to := h.ProofSources()
	if from == to {
		return []string{from}
	}
	return []string{from, to}
}

func byDate(es []Event) {
	slices.SortStableFunc(es, func(a, b Event) int { return a.Date.Compare(b.Date) })
}

// enforcement lists the records, latest kept when there are too many.
func (t *Timeline) enforcement(ev *lang.Eval, h *lang.History) {
	if len(h.Records) == 0 {
		return // nor anything that followed one
	}
	overdue, refusals := ev.Overdue(), ev.Refusals()
	from := 0
	if n := len(h.Records); n > MaxRecords {
		from = n - MaxRecords
		t.Omitted.Enforcement = from
	}
	for i := from; i < len(h.Records); i++ {
		r := &h.Records[i]
		e := Entry{Record: h.RecordPath(i), Kind: r.Kind, Date: r.Date, Subject: r.Subject, Amount: r.Amount, Result: r.Result, Measure: r.Measure, Period: r.Period}
		if h.FromEnforcement {
			e.Record = "enforcement"
		}
		switch r.Kind {
		case "order":
			e.Deadline = h.Deadline(i)
			if r.RectifiedOn != nil {
				e.Rectified = *r.RectifiedOn
			}
			for _, o := range overdue {
				if o.Record == h.RecordIndex[i] {
					sp := o.Span()
					e.Overdue = &Span{From: o.From, To: o.To, Days: sp.Days(t.Through)}
				}
			}
			for _, rf := range refusals {
				if rf.Record == h.RecordIndex[i] {
					e.Refusal = &Refusal{On: rf.RefusedOn, By: rf.By, From: rf.From, Through: rf.Through, Days: rf.Days}
				}
			}
		case "deadline":
			if r.Deadline != nil {
				e.Deadline = *r.Deadline
			}
		case "fine":
			e.Tier = ev.FineTier(i)
		}
		t.Enforcement = append(t.Enforcement, e)
	}
}

// events lists the dated facts and rule changes, the structural ones
// (rulesets, operating_since, closure, rank, records) first when there are
// too many.
func (t *Timeline) events(h *lang.History, f *facts.Facts, rs []Event) {
	all := t.Events[:0] // the room Build gave; append moves it when it is too small
	add := func(d facts.Date, kind, ref string) {
		if !d.Before(t.From) && !d.After(t.Through) {
			all = append(all, Event{Date: d, Kind: kind, Ref: ref})
		}
	}
	for _, e := range rs {
		add(e.Date, e.Kind, e.Ref)
	}
	if f.OperatingSince != nil {
		add(*f.OperatingSince, "operating_since", "operating_since")
	}
	if !h.ClosedOn.IsZero() {
		add(h.ClosedOn, "closure", "closed_on")
	}
	if w := f.WorkInjuryRank; w != nil {
		add(lang.RankEffective(w.Year), "rank", "work_injury_rank")
	}
	for i := range h.Records {
		r := &h.Records[i]
		add(r.Date, r.Kind, h.RecordPath(i))
		if d := h.Deadline(i); r.Kind == "order" && !d.IsZero() {
			add(d, "deadline_end", h.RecordPath(i))
		}
	}
	nMain := len(all)
	for i, p := range f.PolicyHistory {
		ref := "policy_history[" + strconv.Itoa(i) + "]"
		add(p.Start, "policy_start", ref)
		add(p.End, "policy_end", ref)
		if p.SurrenderedOn != nil {
			add(*p.SurrenderedOn, "surrender", ref)
		}
	}
	if p := f.Policy; p.IsInsured() {
		add(p.Start, "policy_start", "policy")
		add(p.End, "policy_end", "policy")
	}
	for i := range h.Accidents {
		add(h.Accidents[i].Date, "accident", h.AccidentPath(i))
	}
	t.Omitted.Events = 0
	if len(all) <= MaxEvents {
		byDate(all)
		t.Events = all
		return
	}
	// too many: the latest structural ones, then the latest others in the
	// room left
	main, more := all[:nMain], all[nMain:]
	byDate(main)
	byDate(more)
	if len(main) > MaxEvents {
		main = main[len(main)-MaxEvents:]
	}
	if room := MaxEvents - len(main); len(more) > room {
		more = more[len(more)-room:]
	}
	t.Events = make([]Event, 0, len(main)+len(more))
	t.Events = append(append(t.Events, main...), more...)
	byDate(t.Events)
	t.Omitted.Events = len(all) - len(t.Events)
}
