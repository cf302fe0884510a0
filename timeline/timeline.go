// Package timeline lays an enterprise's duty to insure, its cover and the
// regulator's records along its own dates: the law is a timeline. The
// as-of date is where the reader stands; every legal answer depends on
// what held on the days before it.
//
// Build decides the obligation on every day from the first day a ruleset
// applies to the as-of date, stepping only to the days something the
// coverage rules read can change (a ruleset starting or ending, an accident
// entering or leaving a window, a ranking taking effect, closure …): a
// coverage rule reports, through its Eval, the next such day (its
// horizon). Window predicates (any(accidents_within(N), …)) are answered
// from intervals built once, so building the timeline costs O(n log n) in
// the dated facts. Finish adds the cover (insured, uninsured, undetermined
// …), the enforcement records with what followed them, and the dated
// events, bounded in size.
//
// A Timeline is a plain value, safe to share once built (unless it was
// built in a Room, which the next Build given that Room overwrites); Build
// and Finish use the Eval they are given and leave it on the decision
// stack and date.
package timeline

import (
	"slices"
	"sort"
	"unsafe"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// Limits of a timeline's size. Obligation and cover stretches number at
// most one more than the days on which something changes (ruleset
// boundaries and the dated facts, merged when nothing changes); each list
// is cut at these bounds, keeping the latest, and Omitted counts the rest.
const (
	MaxStretches = 1000
	MaxRecords   = 200
	MaxEvents    = 200
)

// Timeline is what the answer reasoned over, from the first day a ruleset
// applies to the as-of date (Through).
type Timeline struct {
	From    facts.Date `json:"from"`
	Through facts.Date `json:"through"`
	// Obligations are the stretches of one obligation, with the rules
	// behind it.
	Obligations []Obligation `json:"obligations"`
	// Cover are the stretches of one state of insurance.
	Cover []Stretch `json:"cover"`
	// Enforcement are the regulator's records with what followed them.
	Enforcement []Entry `json:"enforcement"`
	// Events are the dated facts and rule changes the stretches turn on.
	Events  []Event  `json:"events"`
	Omitted Omitted  `json:"omitted"`
	Notes   []string `json:"notes,omitempty"`
}

// Rooms: a Timeline with room for its lists, in one allocation. Build
// takes the smallest whose room the facts and the ruleset boundaries
// suggest (estimate); a list that outgrows its room is moved by append, as
// any slice. Finish clips the lists (appending to them copies).
type (
	roomXS struct {
		t Timeline
		o [1]Obligation
		c [1]Stretch
		e [3]Event
	}
	roomS struct {
		t Timeline
		o [2]Obligation
		c [3]Stretch
		e [6]Event
	}
	roomSM struct {
		t Timeline
		o [3]Obligation
		c [4]Stretch
		e [10]Event
	}
	roomM struct {
		t Timeline
		o [4]Obligation
		c [6]Stretch
		e [12]Event
	}
	roomL struct {
		t Timeline
		o [8]Obligation
		c [12]Stretch
		e [32]Event
	}
)

// newTimeline returns a Timeline whose lists have room for about no
// obligation stretches, nc cover stretches and ne events.
func newTimeline(no, nc, ne int) *Timeline {
	switch {
	case no <= 1 && nc <= 1 && ne <= 3:
		r := new(roomXS)
		return r.t.in(r.o[:], r.c[:], r.e[:])
	case no <= 2 && nc <= 3 && ne <= 6:
		r := new(roomS)
		return r.t.in(r.o[:], r.c[:], r.e[:])
	case no <= 3 && nc <= 4 && ne <= 10:
		r := new(roomSM)
		return r.t.in(r.o[:], r.c[:], r.e[:])
	case no <= 4 && nc <= 6 && ne <= 12:
		r := new(roomM)
		return r.t.in(r.o[:], r.c[:], r.e[:])
	default:
		r := new(roomL)
		return r.t.in(r.o[:], r.c[:], r.e[:])
	}
}

// in gives t's lists the room o, c and e, and returns t.
func (t *Timeline) in(o []Obligation, c []Stretch, e []Event) *Timeline {
	t.Obligations, t.Cover, t.Events = o[:0], c[:0], e[:0]
	return t
}

// estimate is the room the cover and the events of a timeline of f from
// start through asOf are likely to need, with no obligation stretches and
// nr rulesets taking effect in it: the cover stretches change with the
// policies and the obligation; the events are those Finish lists, each
// counted when its date falls in the timeline.
func estimate(f *facts.Facts, start, asOf facts.Date, no, nr int) (nc, ne int) {
	nc = 1 + 2*len(f.PolicyHistory)
	if f.Policy.IsInsured() {
		nc++
	}
	if f.OperatingSince != nil {
		nc++
	}
	if no > 1 {
		// the obligation's changes split the policies' stretches: a
		// stretch more, since a list that outgrows its room is copied
		nc = max(nc, no) + 1
	}
	in := func(d facts.Date) int {
		if d.Before(start) || d.After(asOf) {
			return 0
		}
		return 1
	}
	ne = nr + 2*len(f.EnforcementRecords)
	if e := f.Enforcement; e != nil && len(f.EnforcementRecords) == 0 {
		// the records it stands for (facts.ExpandEnforcement) and an
		// order's deadline
		for _, p := range []bool{e.OrderedOn != nil, e.OrderedOn != nil, e.FinedOn != nil && e.FineAmount != nil, e.ReinspectedOn != nil} {
			if p {
				ne++
			}
		}
	}
	for i := range f.Accidents {
		ne += in(f.Accidents[i].Date)
	}
	for _, h := range f.PolicyHistory {
		ne += in(h.Start) + in(h.End)
		if h.SurrenderedOn != nil {
			ne += in(*h.SurrenderedOn)
		}
	}
	if p := f.Policy; p.IsInsured() {
		ne += in(p.Start) + in(p.End)
	}
	for _, p := range []bool{f.OperatingSince != nil, f.ClosedOn != nil, f.WorkInjuryRank != nil} {
		if p {
			ne++
		}
	}
	return nc, ne
}

// clip makes the lists full: appending to them copies.
func (t *Timeline) clip() {
	t.Obligations, t.Cover, t.Events = slices.Clip(t.Obligations), slices.Clip(t.Cover), slices.Clip(t.Events)
}

// Omitted counts what the bounds left out.
type Omitted struct {
	Obligations int `json:"obligations"`
	Cover       int `json:"cover"`
	Enforcement int `json:"enforcement"`
	Events      int `json:"events"`
}

// Obligation is a stretch of days with one obligation. To is the last
// day (the as-of date for the last stretch).
type Obligation struct {
	From  facts.Date          `json:"from"`
	To    facts.Date          `json:"to"`
	Level rulesets.Obligation `json:"level"`
	// Binding is the level the rules of rulesets in force give, when a
	// draft raises Level above it; Basis is draft then, binding otherwise.
	Binding rulesets.Obligation `json:"binding,omitempty"`
	Basis   string              `json:"basis"`
	Rules   []string            `json:"rules"`
	// Readings are the notes of those rules.
	Readings []string `json:"readings,omitempty"`
	// NoRules marks days on which no ruleset applies.
	NoRules bool `json:"no_rules,omitempty"`
}

// States of a cover stretch.
const (
	Insured      = "insured"
	Deficient    = "deficient" // insured, not as the national rules require
	Uninsured    = "uninsured"
	Undetermined = "undetermined"
	NotOperating = "not_operating"
	NoDuty       = "no_duty"
	Closed       = "closed"
)

// Stretch is a stretch of days in one state of insurance.
type Stretch struct {
	From  facts.Date `json:"from"`
	To    facts.Date `json:"to"`
	State string     `json:"state"`
	// Level is the obligation over the stretch.
	Level rulesets.Obligation `json:"level"`
	// Sources are the policies (insured, deficient) or the facts that prove
	// the enterprise operated (uninsured).
	Sources []string `json:"sources,omitempty"`
	// SourcesOmitted counts the policies of a stretch of back-to-back
	// cover beyond lang.MaxCoverSources (Sources keeps the first and the
	// latest).
	SourcesOmitted int `json:"sources_omitted,omitempty"`
	// Missing names the facts that would settle an undetermined stretch.
	Missing []string `json:"missing,omitempty"`
	// Fields are the requirements a deficient policy does not meet.
	Fields []string `json:"fields,omitempty"`
}

// Days returns the number of days in s.
func (s Stretch) Days() int { return s.From.DaysUntil(s.To) + 1 }

// Entry is one enforcement record and what followed it.
type Entry struct {
	Record   string     `json:"record"`
	Kind     string     `json:"kind"`
	Date     facts.Date `json:"date"`
	Subject  string     `json:"subject"`
	Deadline facts.Date `json:"deadline,omitzero"`
	// Rectified is the first compliant day recorded for an order.
	Rectified facts.Date       `json:"rectified_on,omitzero"`
	Amount    *decimal.Decimal `json:"amount,omitempty"`
	Tier      string           `json:"tier,omitempty"`
	Result    string           `json:"result,omitempty"`
	Measure   string           `json:"measure,omitempty"`
	Period    *facts.Period    `json:"period,omitempty"`
	// Overdue is the stretch after the deadline not complied with
	// (逾期未改正).
	Overdue *Span `json:"overdue,omitempty"`
	// Refusal is the refusal of an order (拒不改正) and the days a daily fine
	// would count.
	Refusal *Refusal `json:"refusal,omitempty"`
}

// Span is a stretch of days; To zero: it continues on the as-of date.
type Span struct {
	From facts.Date `json:"from"`
	To   facts.Date `json:"to,omitzero"`
	Days int        `json:"days"`
}

// Refusal says when and how a refusal was established and the days a
// daily fine would count.
type Refusal struct {
	On      facts.Date `json:"on"`
	By      string     `json:"by"`
	From    facts.Date `json:"from"`
	Through facts.Date `json:"through"`
	Days    int        `json:"days"`
}

// Event is a dated fact or rule change.
type Event struct {
	Date facts.Date `json:"date"`
	// Kind: ruleset, operating_since, closure, accident, rank,
	// policy_start, policy_end, surrender, order, deadline, fine,
	// inspection, decision, deadline_end.
	Kind string `json:"kind"`
	Ref  string `json:"ref"`
}

// Duty is the obligation on one day, as the coverage rules decide it.
type Duty struct {
	Level, Binding rulesets.Obligation
	Rules, Notes   []string
}

// Input is what Build needs.
type Input struct {
	// Stack and Eval are the decision stack and an Eval bound to it on the
	// decision (as-of) date.
	Stack *rulesets.Stack
	Eval  *lang.Eval
	// StackAt returns the stack in force on another date; Boundaries are
	// the dates the stack changes, sorted.
	StackAt    func(facts.Date) (*rulesets.Stack, error)
	Boundaries []facts.Date
	// Decide decides the obligation under a stack with the Eval on its
	// date.
	Decide func(*rulesets.Stack, *lang.Eval) Duty
	// Room, when not nil, is the memory the Timeline is built in: that of
	// the Timeline the last Build given it returned, which is
	// overwritten.
	Room *Room
}

// A Room is memory that successive Builds reuse for their Timelines, each
// overwriting the one before: for a caller that is done with each
// Timeline before it asks for the next. The zero Room is ready to use;
// one Build at a time may use a Room.
type Room struct {
	t *Timeline
	o []Obligation // the room's lists, to their capacity
	c []Stretch
	e []Event
}

// timeline returns a Timeline with room for no obligation stretches, nc
// cover stretches and ne events (see newTimeline): r's, cleared, when it
// has the room, else a new one that r keeps.
func (r *Room) timeline(no, nc, ne int) *Timeline {
	if r == nil {
		return newTimeline(no, nc, ne)
	}
	if r.t == nil || cap(r.o) < no || cap(r.c) < nc || cap(r.e) < ne {
		t := newTimeline(max(no, cap(r.o)), max(nc, cap(r.c)), max(ne, cap(r.e)))
		r.t, r.o, r.c, r.e = t, t.Obligations[:cap(t.Obligations)], t.Cover[:cap(t.Cover)], t.Events[:cap(t.Events)]
		return t
	}
	clear(r.o[:written(r.o, r.t.Obligations)])
	clear(r.c[:written(r.c, r.t.Cover)])
	clear(r.e[:written(r.e, r.t.Events)])
	*r.t = Timeline{}
	return r.t.in(r.o, r.c, r.e)
}

// written is how much of room the list l, made in it, may have written:
// its length while it starts where room does, all of room once the list
// moved (append past room's end) or was cut from the front.
func written[T any](room, l []T) int {
	if unsafe.SliceData(l) == unsafe.SliceData(room) && len(l) <= len(room) {
		return len(l)
	}
	return len(room)
}

// maxSteps bounds the days Build decides the obligation on: a coverage
// rule that reads the as-of date other than by comparing it with a date
// makes every day a possible change.
const maxSteps = 200000

// Build decides the obligation on every day up to the as-of date.
func Build(in Input) *Timeline {
	ev := in.Eval
	asOf := ev.AsOf()
	start := asOf
	if len(in.Boundaries) > 0 && in.Boundaries[0].Before(asOf) {
		start = in.Boundaries[0]
	}
	// the obligation stretches are decided first, in room on the stack,
	// so that the timeline's own room is sized by their number rather
	// than by the boundaries (most of which change no obligation)
	var buf [4]Obligation
	os, nr := buf[:0], 0
	ob := ev.Obligation()
	defer func() {
		in.Stack.MoveTo(ev, asOf)
		ev.SetObligation(ob)
	}()
	end := asOf.AddDays(1)
	for d, steps := start, 0; d.Before(end) && steps < maxSteps; steps++ {
		nextB := facts.Date{}
		if i := sort.Search(len(in.Boundaries), func(i int) bool { return in.Boundaries[i].After(d) }); i < len(in.Boundaries) {
			nextB = in.Boundaries[i]
		}
		next := end
		if !nextB.IsZero() && nextB.Before(next) {
			next = nextB
		}
		st, err := in.StackAt(d)
		if err != nil {
			os = addObligation(os, Obligation{From: d, To: next.AddDays(-1), Level: rulesets.ObligationNone, NoRules: true})
			d = next
			continue
		}
		for _, rs := range st.Layers {
			if rs.Effective.From == d {
				nr++ // an event of the timeline (Finish)
			}
		}
		st.MoveTo(ev, d)
		ev.ResetHorizon()
		duty := in.Decide(st, ev)
		if h := ev.Horizon(); !h.IsZero() && h.Before(next) {
			next = h
		}
		o := Obligation{From: d, To: next.AddDays(-1), Level: duty.Level, Basis: "binding", Rules: duty.Rules, Readings: duty.Notes}
		if duty.Binding != duty.Level {
			o.Binding, o.Basis = duty.Binding, "draft"
		}
		os = addObligation(os, o)
		d = next
	}
	omitted := 0
	if n := len(os); n > MaxStretches {
		omitted, os = n-MaxStretches, os[n-MaxStretches:]
	}
	nc, ne := estimate(ev.Facts(), start, asOf, len(os), nr)
	t := in.Room.timeline(len(os), nc, ne)
	t.Through, t.Enforcement, t.From = asOf, []Entry{}, start
	t.Obligations = append(t.Obligations, os...)
	t.Omitted.Obligations = omitted
	return t
}

// addObligation appends o to os, or extends the last stretch when o
// continues it with the same obligation.
func addObligation(os []Obligation, o Obligation) []Obligation {
	if n := len(os); n > 0 {
		p := &os[n-1]
		if p.Level == o.Level && p.Binding == o.Binding && p.NoRules == o.NoRules && slices.Equal(p.Rules, o.Rules) && p.To.AddDays(1) == o.From {
			p.To = o.To
			return os
		}
	}
	if o.Rules == nil {
		o.Rules = []string{}
	}
	return append(os, o)
}

// At returns the obligation stretch holding d, or nil.
func (t *Timeline) At(d facts.Date) *Obligation {
	if t == nil {
		return nil
	}
	os := t.Obligations
	i := sort.Search(len(os), func(i int) bool { return !os[i].To.Before(d) })
	if i < len(os) && !d.Before(os[i].From) {
		return &os[i]
	}
	return nil
}

// LevelAt returns the obligation on d (none when no stretch holds it).
func (t *Timeline) LevelAt(d facts.Date) rulesets.Obligation {
	if o := t.At(d); o != nil {
		return o.Level
	}
	return rulesets.ObligationNone
}

// NextChange returns the first day after d on which the obligation
// stretch changes, or the zero Date.
func (t *Timeline) NextChange(d facts.Date) facts.Date {
	if o := t.At(d); o != nil && o.To.Before(t.Through) {
		return o.To.AddDays(1)
	}
	return facts.Date{}
}

func hasDuty(l rulesets.Obligation) bool {
	return l == rulesets.ObligationMandatory || l == rulesets.ObligationRequired
}
