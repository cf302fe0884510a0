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
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/anzexian/anzexian/internal/jsonw"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
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
	// SinceEarliest is the earliest day the violation may have begun when
	// Since (the first day the facts prove) is later; UntilLatest the
	// latest day it may have lasted to when Until is earlier (closed on a
	// day not given). Days counts the proven days of a continuing state.
	SinceEarliest facts.Date `json:"since_earliest,omitzero"`
	UntilLatest   facts.Date `json:"until_latest,omitzero"`
	Days          int        `json:"days,omitempty"`
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
	// given (e.g. principal_income), or to prove the violation happened at
	// all (operating_since: nothing proves the enterprise operated then).
	Undetermined []string `json:"undetermined,omitempty"`
	// Basis is draft when the violation rests only on a draft (征求意见稿):
	// its rule, or the duty it breaks; binding otherwise.
	Basis string `json:"basis"`
	// Fined names the recorded fine that already punished this stretch
	// (一事不再罚): no fine is offered again.
	Fined *Fined `json:"fined,omitempty"`
	// AlternativeOf names the violation whose range this one may replace at
	// the authority's discretion for the same occurrence: the two are
	// compared, never added.
	AlternativeOf string `json:"alternative_of,omitempty"`
	// Group numbers the penalties that are alternatives for one
	// occurrence (the base and those that may replace it): at most one of a
	// group is imposed. Zero: none.
	Group int `json:"alternatives_group,omitempty"`
	// Readings are the readings of the rules behind the duty it breaks.
	Readings []string `json:"readings,omitempty"`
}

// Fined is a recorded fine.
type Fined struct {
	Record string          `json:"record"`
	Date   facts.Date      `json:"date"`
	Amount decimal.Decimal `json:"amount"`
	Tier   string          `json:"tier,omitempty"`
}

// MarshalJSON writes the amount with two decimal places.
func (f Fined) MarshalJSON() ([]byte, error) {
	var w jsonw.W
	w.Open()
	w.Str("record", f.Record)
	w.Date("date", f.Date)
	w.Fixed("amount", f.Amount, 2)
	if f.Tier != "" {
		w.Str("tier", f.Tier)
	}
	w.Close()
	return w.B, nil
}

// Counted reports whether p counts as a penalty the enterprise risks in a
// book's totals: proven, not time-barred, not already fined, not an
// alternative of another, and not resting on a draft only.
func (p *Penalty) Counted() bool {
	return len(p.Undetermined) == 0 && (p.Limitation == nil || !p.Limitation.Expired) && p.Fined == nil &&
		p.AlternativeOf == "" && p.Basis != BasisDraft
}

// Totals is what a set of penalties adds up to, counting as Counted says:
// the fines of the counted penalties, and separately the largest a group of
// alternatives could reach (alternatives are compared, never added).
type Totals struct {
	// Counted penalties; Draft those resting only on a draft;
	// Undetermined those whose existence or fine the facts cannot settle;
	// Fined already fined; Expired time-barred; Alternatives the
	// alternatives of a counted penalty.
	Counted      int `json:"counted"`
	Draft        int `json:"draft"`
	Undetermined int `json:"undetermined"`
	Fined        int `json:"fined"`
	Expired      int `json:"expired"`
	Alternatives int `json:"alternatives"`
	// Min and Max sum the fine ranges (a daily fine's total as both) of
	// the counted penalties; MaxWithAlternatives takes, for each group of
	// alternatives, the largest maximum of the group instead of the base's.
	Min                 decimal.Decimal `json:"min"`
	Max                 decimal.Decimal `json:"max"`
	MaxWithAlternatives decimal.Decimal `json:"max_with_alternatives"`
}

// Add adds u to t.
func (t *Totals) Add(u Totals) {
	t.Counted += u.Counted
	t.Draft += u.Draft
	t.Undetermined += u.Undetermined
	t.Fined += u.Fined
	t.Expired += u.Expired
	t.Alternatives += u.Alternatives
	t.Min, t.Max, t.MaxWithAlternatives = t.Min.Add(u.Min), t.Max.Add(u.Max), t.MaxWithAlternatives.Add(u.MaxWithAlternatives)
}

// amounts returns the range a penalty's fine spans (a daily fine's total as
// both bounds), and whether it has one.
func amounts(p *Penalty) (min, max decimal.Decimal, ok bool) {
	switch {
	case p.Fine != nil:
		return p.Fine.Min, p.Fine.Max, true
	case p.PerDay != nil:
		return p.PerDay.Total, p.PerDay.Total, true
	}
	return decimal.Zero, decimal.Zero, false
}

// Sum adds up ps. The sums are made in exact fixed point
// (internal/fixed), decimal arithmetic's numbers, without a decimal
// allocated for each step.
func Sum(ps []Penalty) Totals {
	t := Totals{Min: decimal.Zero, Max: decimal.Zero, MaxWithAlternatives: decimal.Zero}
	zero := fixed.Of(decimal.Zero)
	min, max, maxAlt := zero, zero, zero
	var bestAlt map[int]decimal.Decimal // group -> largest maximum of its alternatives
	var base map[int]bool               // groups whose base is counted
	for i := range ps {
		p := &ps[i]
		switch {
		case p.AlternativeOf != "":
			if _, hi, ok := amounts(p); ok && p.Group != 0 {
				if b, seen := bestAlt[p.Group]; !seen || hi.GreaterThan(b) {
					if bestAlt == nil {
						bestAlt = map[int]decimal.Decimal{}
					}
					bestAlt[p.Group] = hi
				}
			}
			continue
		case len(p.Undetermined) > 0:
			t.Undetermined++
			continue
		case p.Limitation != nil && p.Limitation.Expired:
			t.Expired++
			continue
		case p.Fined != nil:
			t.Fined++
			continue
		case p.Basis == BasisDraft:
			t.Draft++
			continue
		}
		t.Counted++
		lo, hi, _ := amounts(p)
		h := fixed.Of(hi)
		min, max, maxAlt = min.Add(fixed.Of(lo)), max.Add(h), maxAlt.Add(h)
		if p.Group != 0 {
			if base == nil {
				base = map[int]bool{}
			}
			base[p.Group] = true
		}
	}
	for i := range ps {
		p := &ps[i]
		if p.AlternativeOf == "" || !base[p.Group] {
			continue
		}
		t.Alternatives++
	}
	for i := range ps {
		p := &ps[i]
		if p.AlternativeOf != "" || p.Group == 0 || !base[p.Group] {
			continue
		}
		_, hi, _ := amounts(p)
		if b, ok := bestAlt[p.Group]; ok && b.GreaterThan(hi) {
			maxAlt = maxAlt.Add(fixed.Of(b).Sub(fixed.Of(hi)))
		}
		delete(bestAlt, p.Group) // once per group
	}
	if t.Counted > 0 {
		// the three decimals' coefficients in one allocation
		r := new(fixed.Block).Room()
		t.Min, t.Max, t.MaxWithAlternatives = min.In(&r), max.In(&r), maxAlt.In(&r)
	}
	return t
}

// Bases of a penalty.
const (
	BasisBinding = "binding"
	BasisDraft   = "draft"
)

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
	// Expires is the last day a penalty can be imposed unless the
	// violation was discovered by then.
	Expires facts.Date `json:"expires,omitzero"`
	// DiscoveredOn is the first day a record about the violation's subject
	// shows the authorities knew of it, DiscoveredBy that record: a
	// violation discovered in time is not barred (第三十六条 bars only what
	// was not discovered).
	DiscoveredOn facts.Date `json:"discovered_on,omitzero"`
	DiscoveredBy string     `json:"discovered_by,omitempty"`
	Expired      bool       `json:"expired"`
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
	// Timeline is the obligation on every day (timeline.Build); nil: it
	// is built here from Obligation.
	Timeline *timeline.Timeline
	// Into, when not nil, is the Result Evaluate fills and returns
	// instead of a new one (see coverage.Options.Into).
	Into *Result
	// Room, when not nil, is the memory the Result's list of penalties
	// and their limitations are made in: that of the last Evaluate given
	// it, which is overwritten.
	Room *Room
}

// A Room is memory that successive Evaluates reuse for their lists of
// penalties and the penalties' limitations, each overwriting the one
// before: for a caller that is done with each answer before it asks for
// the next. The zero Room is ready to use; one Evaluate at a time may use
// a Room.
type Room struct {
	pens []Penalty
	used int // the penalties of the last list
	// lims is the room of the last answer's limitations (the last of
	// them, when they outgrew one): the next answer's are made in it
	lims []Limitation
}

// maxRoomPenalties is the longest list a Room keeps (as the evaluator's
// pool keeps its room).
const maxRoomPenalties = 1024

// list returns a list of n penalties: r's, cleared, when it has the room,
// else a new one that r keeps. The list has no capacity beyond n, so that
// appending to it copies.
func (r *Room) list(n int) []Penalty {
	if r == nil {
		return make([]Penalty, n)
	}
	switch {
	case n > maxRoomPenalties:
		// a list this long (a crowded record) is not kept: the room
		// would hold its memory for every answer after
		r.pens, r.used = nil, 0
		return make([]Penalty, n)
	case r.pens == nil || cap(r.pens) < n:
		r.pens = make([]Penalty, n)
	default:
		clear(r.pens[:r.used])
	}
	r.used = n
	return r.pens[:n:n]
}

// keepLimitations keeps the array of the answer's last limitations for
// the next answer, unless it is very large.
func (r *Room) keepLimitations(lims []Limitation) {
	if r == nil {
		return
	}
	if cap(lims) > maxRoomPenalties {
		lims = nil
	}
	r.lims = lims[:0]
}

// Result is the penalties answer.
type Result struct {
	Penalties    []Penalty               `json:"penalties"`
	Undetermined []rulesets.Undetermined `json:"undetermined,omitempty"`
	Trace        []rulesets.TraceEntry   `json:"-"`
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
		b = decfmt.AppendYuan(b, x.DirectLoss)
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
	case *lang.Refusal:
		by := map[string]string{"inspection": "复查发现拒不改正", "hazards.refused_on": "拒不整改（hazards.refused_on）", "as_of": "评估日仍未改正"}[x.By]
		return fmt.Sprintf("%s责令改正（%s），%s%s；按日计罚%s至%s", x.OrderedOn, facts.RecordSubjects.Label(x.Subject), x.RefusedOn, by, x.From, x.Through)
	case *lang.Overdue:
		return fmt.Sprintf("%s责令限期改正，限期至%s，逾期未改正", x.OrderedOn, x.Deadline)
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

func mergeCites(a, b []rulesets.Citation) []rulesets.Citation { return merge(a, b) }

func mergeStrings(a, b []string) []string { return merge(a, b) }

// merge returns a with the elements of b it lacks appended, in a new array;
// a itself when it has them all (no allocation: the lists are shared,
// read-only, and full, so a later append copies).
func merge[T comparable](a, b []T) []T {
	var out []T
	for _, x := range b {
		if slices.Contains(a, x) || slices.Contains(out[min(len(out), len(a)):], x) {
			continue
		}
		if out == nil {
			out = make([]T, len(a), len(a)+len(b))
			copy(out, a)
		}
		out = append(out, x)
	}
	switch {
	case out != nil:
		return out
	case a == nil:
		return []T{} // never nil, as the lists were (an empty list takes no allocation)
	}
	return a[:len(a):len(a)]
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
