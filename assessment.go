package anzexian

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/cowmap"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/regions"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
)

// Assessment is the answer for one enterprise: which rulesets it was built
// on, whether the enterprise must insure, and what it risks. Its JSON form is
// the output contract (README, "Assessment"); [Assessment.AppendJSON] writes it
// without reflection.
//
// An Assessment is read-only: what depends only on the stack of rulesets
// (citations, merged requirements, the rules a penalty rests on …) is
// prepared once per stack and shared by every answer built on it. Appending
// to its slices is safe (they are full, so append copies); to change an
// element, copy the slice first.
type Assessment struct {
	Enterprise string     `json:"enterprise,omitempty"`
	Region     string     `json:"region"`
	AsOf       facts.Date `json:"as_of"`
	Insurer    string     `json:"insurer,omitempty"`
	// Rulesets names every layer of the stack with its version, status,
	// dates and content digest.
	Rulesets []Layer `json:"rulesets"`
	// Notes say what the answer rests on that a reader must know: a draft,
	// an assumed date, unverified or illustrative numbers.
	Notes    []string         `json:"notes"`
	Coverage *coverage.Result `json:"coverage"`
	// Premium is the premium with its worksheet; nil when no rating rules
	// apply or the facts do not allow computing it (PremiumIncomplete says
	// why).
	Premium           *rating.Premium         `json:"premium"`
	PremiumIncomplete *rating.Incomplete      `json:"premium_incomplete,omitempty"`
	Penalties         []penalties.Penalty     `json:"penalties"`
	Consequences      []penalties.Consequence `json:"consequences"`
	References        []Reference             `json:"references,omitempty"`
	// Timeline is what the answer reasoned over: the obligation and the
	// state of insurance on every day up to the as-of date, the
	// enforcement records and the dated events (see package timeline).
	Timeline *timeline.Timeline `json:"timeline"`
	Trace    *Trace             `json:"trace,omitempty"`
}

// Layer identifies one ruleset of the stack.
type Layer struct {
	ID        string             `json:"id"`
	Version   string             `json:"version"`
	Status    rulesets.Status    `json:"status"`
	Kind      rulesets.Kind      `json:"kind"`
	Title     string             `json:"title"`
	Region    string             `json:"region"`
	Insurer   string             `json:"insurer,omitempty"`
	Effective rulesets.Effective `json:"effective"`
	Digest    string             `json:"digest"`
	// Role is empty for the layers of the stack in force on the as-of
	// date, and "governs an earlier violation" for a ruleset no longer in
	// force that a penalty applies (the law of the day it happened).
	Role string `json:"role,omitempty"`
}

// Reference is information a ruleset shows for display only.
type Reference struct {
	ID    string              `json:"id"`
	Rule  string              `json:"rule"`
	Title string              `json:"title"`
	Items []string            `json:"items"`
	Note  string              `json:"note,omitempty"`
	Cite  []rulesets.Citation `json:"cite"`
}

// Trace records how the answer was reached.
type Trace struct {
	Rules []rulesets.TraceEntry `json:"rules"`
	// Ignored lists dated facts after the as-of date that were ignored.
	Ignored []string `json:"ignored,omitempty"`
}

var layersKey = rulesets.NewMemoKey()

// layersOf describes the stack's layers; the slice is prepared once per
// stack and shared (appending to it copies).
func layersOf(st *rulesets.Stack) []Layer {
	return st.MemoAt(layersKey, func() any {
		out := make([]Layer, len(st.Layers))
		for i, rs := range st.Layers {
			out[i] = layerOf(rs, "")
		}
		return out
	}).([]Layer)
}

func layerOf(rs *rulesets.Ruleset, role string) Layer {
	return Layer{ID: rs.ID, Version: rs.Version, Status: rs.Status, Kind: rs.Kind, Title: rs.Title,
		Region: rs.Region, Insurer: rs.Insurer, Effective: rs.Effective, Digest: rs.Digest, Role: role}
}

// addGoverning lists the rulesets that penalties applied but that are not
// in the stack of the as-of date, so the answer names every document it
// used.
func addGoverning(a *Assessment, st *rulesets.Stack, reg *rulesets.Registry, ps []penalties.Penalty) {
	// the rulesets to add, found first; the list with them is made once
	// per stack and set of them (governingMemo)
	var buf [8]*rulesets.Ruleset
	more := buf[:0]
	add := func(key string) {
		for i := range a.Rulesets {
			if l := &a.Rulesets[i]; len(key) == len(l.ID)+1+len(l.Version) && key[len(l.ID)] == '@' &&
				key[:len(l.ID)] == l.ID && key[len(l.ID)+1:] == l.Version {
				return
			}
		}
		for _, rs := range more {
			if rs.Key() == key {
				return
			}
		}
		if rs := reg.Ruleset(key); rs != nil {
			more = append(more, rs)
		}
	}
	for i := range ps {
		add(ps[i].Law)
		for _, c := range ps[i].Cite {
			add(c.Ruleset)
		}
	}
	if len(more) == 0 {
		return
	}
	a.Rulesets = governingMemoOf(st).layers(a.Rulesets, more)
}

var governingKey = rulesets.NewMemoKey()

// governingMemo keeps, per stack, the list of layers with the rulesets
// that govern earlier violations added, for each set of them: most
// answers on a stack add the same (the law in force when their violations
// began), and the list is about a kilobyte. Answers share it, as they
// share layersOf's.
type governingMemo struct {
	m cowmap.Map[string, []Layer]
}

func governingMemoOf(st *rulesets.Stack) *governingMemo {
	return st.MemoAt(governingKey, func() any { return new(governingMemo) }).(*governingMemo)
}

// layers returns base (the stack's layers) followed by more.
func (g *governingMemo) layers(base []Layer, more []*rulesets.Ruleset) []Layer {
	var kb [256]byte
	key := kb[:0]
	for _, rs := range more {
		key = append(append(append(append(key, rs.ID...), '@'), rs.Version...), 0)
	}
	if out, ok := cowmap.LoadBytes(&g.m, key); ok {
		return out
	}
	out := make([]Layer, len(base), len(base)+len(more))
	copy(out, base)
	for _, rs := range more {
		out = append(out, layerOf(rs, "governs an earlier violation"))
	}
	return g.m.Store(string(key), out, 64) // past 64 sets (an unusual stack), not kept
}

// obligationOf decides the obligation under another date's stack, for
// penalties.
func obligationOf(s *rulesets.Stack, ev *lang.Eval) rulesets.Obligation {
	ob, _ := coverage.Obligation(s, ev)
	return ob
}

// dutyOf is the obligation coverage decided on one day of the timeline, as
// the timeline keeps it.
func dutyOf(d coverage.Duty) timeline.Duty {
	return timeline.Duty{Level: d.Level, Binding: d.Binding, Rules: d.Rules, Notes: d.Notes}
}

// deficiencyFindings are the findings on a policy's terms that, when a
// national rule binding on the policy's conclusion date stands behind
// them, make it "未按照国家规定投保" (the reading of 第一百零九条 in the
// bundled 2021 law).
var deficiencyFindings = map[string]bool{
	"death_limit_too_low": true, "disability_limit_too_low": true, "headcount_under_insured": true, "non_uniform_limits": true,
}

// deficiencies returns the stretch during which the current policy does
// not meet a national requirement: from its start for the terms fixed when
// it was concluded (limits, one standard); for the headcount, proven only
// on the as-of date (the number of employees is given for that day). It is
// made in room when there is one (an assessment in a Scratch).
func deficiencies(reg *rulesets.Registry, f *facts.Facts, asOf facts.Date, fs []coverage.Finding, room *deficiencyRoom) []lang.Deficiency {
	var d lang.Deficiency
	var names []string // Fields, then Findings, in one array
	for i := range fs {
		x := &fs[i]
		if x.Severity != "violation" || !deficiencyFindings[x.ID] || !national(reg, x.Rules) {
			continue
		}
		if names == nil {
			if n := 2 * (len(fs) - i); room != nil && n <= len(room.names) {
				names = room.names[:0:n]
			} else {
				names = make([]string, 0, n)
			}
			d.Fields, d.Findings = names[:0:len(fs)-i], names[len(fs)-i:len(fs)-i]
		}
		d.Fields = append(d.Fields, x.Requirement)
		d.Findings = append(d.Findings, x.ID)
		from := f.Policy.Start
		if x.ID == "headcount_under_insured" {
			from = asOf
		}
		if d.From.IsZero() || from.Before(d.From) {
			d.From = from
		}
	}
	if d.Fields == nil {
		return nil
	}
	if d.From.After(f.Policy.Start) {
		d.Earliest = f.Policy.Start
	}
	d.ConcludedOn = f.Policy.Concluded()
	if f.Policy.End.Before(asOf) {
		d.To = f.Policy.End
	}
	if room == nil {
		return []lang.Deficiency{d}
	}
	room.d[0] = d
	return room.d[:]
}

// deficiencyRoom is the memory of an assessment's deficiency stretch in a
// Scratch (the timeline's cover stretches keep its fields, so it lives as
// long as the answer), with room for the names of a few findings.
type deficiencyRoom struct {
	d     [1]lang.Deficiency
	names [8]string
}

// national reports whether one of the rules (refs id@version#rule) is of a
// national ruleset.
func national(reg *rulesets.Registry, rules []string) bool {
	for _, ref := range rules {
		key := ref
		if i := strings.IndexByte(ref, '#'); i >= 0 {
			key = ref[:i]
		}
		if rs := reg.Ruleset(key); rs != nil && rs.Region == "" {
			return true
		}
	}
	return false
}

var notesKey = rulesets.NewMemoKey()

// notesMemo holds a stack's notes, and those of each region answered on
// it (the stack's and the region's): read without a lock, replaced whole
// when a region is added, at most maxRegionNotes regions.
type notesMemo struct {
	stack    []string
	byRegion cowmap.Map[string, []string]
	// withPremium are an answer's notes followed by a premium's, by the
	// two lists (each shared: a region's answers share theirs, premiums
	// of one provenance theirs)
	withPremium cowmap.Map[premiumNotesKey, []string]
}

// premiumNotesKey names two read-only lists of notes by their arrays.
type premiumNotesKey struct {
	answer, premium   *string
	nAnswer, nPremium int
}

func notesOf(st *rulesets.Stack) *notesMemo {
	return st.MemoAt(notesKey, func() any { return &notesMemo{stack: writeStackNotes(st)} }).(*notesMemo)
}

const maxRegionNotes = 4096

// answerNotes are the notes every answer on the stack for region must
// carry (stackNotes, then regionNotes), made once per stack and region;
// the slice is full, so appending to it copies.
func answerNotes(st *rulesets.Stack, region string) []string {
	m := notesOf(st)
	if notes, ok := m.byRegion.Load(region); ok {
		return notes
	}
	notes := regionNotes(slices.Clip(m.stack), region)
	return m.byRegion.Store(region, notes[:len(notes):len(notes)], maxRegionNotes)
}

func writeStackNotes(st *rulesets.Stack) []string {
	notes := []string{}
	if st.Insurer != "" && !hasFiling(st) {
		notes = append(notes, fmt.Sprintf("保险机构「%s」在本地区、本评估日没有费率备案：保费只按监管部门的规则计算，未含该机构的基准费率和自有浮动因子。", st.Insurer))
	}
	for _, rs := range st.Layers {
		if rs.Status == rulesets.StatusDraft {
			notes = append(notes, fmt.Sprintf("本答案部分基于征求意见稿《%s》（%s），该文件尚未生效。", rs.Title, rs.Key()))
		}
		if rs.Effective.Assumed {
			notes = append(notes, fmt.Sprintf("《%s》（%s）的施行日期%s为推定：文件本身未载明日期。", rs.Title, rs.Key(), rs.Effective.From))
		}
	}
	return notes
}

// hasFiling reports whether the stack holds the filing of its insurer.
func hasFiling(st *rulesets.Stack) bool {
	for _, rs := range st.Layers {
		if rs.Kind == rulesets.KindFiling && rs.Insurer == st.Insurer {
			return true
		}
	}
	return false
}

// regionNotes adds the note an answer for a region code the GB/T 2260 data
// does not list must carry: the code is not an error (codes change every
// year, and the data ends with its newest listing), but the stack was
// chosen by its prefix alone.
func regionNotes(notes []string, region string) []string {
	if region == "" || regions.Known(region) {
		return notes
	}
	where := regions.Label(region)
	if where == "" {
		where = "上级地区"
	}
	return append(notes, fmt.Sprintf("地区代码 %s 不在所用的行政区划代码数据中（%s）：可能是新设、已撤销或写错的代码；本答案按其上级地区（%s）适用的规则作出。", region, regions.Version, where))
}

// price runs the rating pipeline: a premium, or why there is none.
func price(st *rulesets.Stack, ev *lang.Eval, trace bool, room *rating.Room) (*rating.Premium, *rating.Incomplete, []rulesets.TraceEntry, error) {
	prem, rtrace, err := rating.Evaluate(st, ev, rating.Options{Trace: trace, Room: room})
	if err == nil {
		return prem, nil, rtrace, nil
	}
	if inc := incompleteOf(err); inc != nil {
		return nil, inc, rtrace, nil
	}
	return nil, nil, nil, err
}

// incompleteOf returns the *rating.Incomplete err is or wraps, or nil.
func incompleteOf(err error) *rating.Incomplete {
	var inc *rating.Incomplete
	if errors.As(err, &inc) {
		return inc
	}
	return nil
}

// premiumNotes adds the notes a premium built on illustrative or unverified
// numbers must carry to notes, the answer's on st (answerNotes: shared and
// read-only, as the premium's are).
func premiumNotes(st *rulesets.Stack, notes []string, prem *rating.Premium) []string {
	if prem == nil || len(prem.Notes) == 0 && prem.Range == nil {
		return notes
	}
	if prem.Range == nil {
		// both lists are shared: joined once per stack and pair
		m := notesOf(st)
		k := premiumNotesKey{unsafe.SliceData(notes), unsafe.SliceData(prem.Notes), len(notes), len(prem.Notes)}
		if joined, ok := m.withPremium.Load(k); ok {
			return joined
		}
		joined := slices.Clip(append(slices.Clip(notes), prem.Notes...))
		return m.withPremium.Store(k, joined, maxRegionNotes)
	}
	notes = append(notes, prem.Notes...)
	if r := prem.Range; r != nil {
		var what []string
		for _, u := range r.Undecided {
			what = append(what, fmt.Sprintf("浮动因子 %s 缺少 %s，按假定情形 %s 计算", u.Factor, strings.Join(u.Missing, "、"), u.Assumed))
		}
		scale := prem.Rounding.Scale
		notes = append(notes, fmt.Sprintf("保费为暂定（provisional）：%s；按这些因子可能的各情形（%d种组合）计算，保费在 %s 至 %s %s之间。",
			strings.Join(what, "；"), r.Combinations, r.Min.StringFixed(scale), r.Max.StringFixed(scale), prem.Currency))
	}
	return notes
}

// assessmentRoom is an Assessment with its coverage answer, allocated at
// once.
type assessmentRoom struct {
	a   Assessment
	cov coverage.Result
}

// A Scratch is memory that successive assessments and quotes reuse
// ([Reuse]), each building its answer where the one before was built: the
// Assessment (or the Quote), its coverage answer, timeline and premium,
// and the lists of its obligation stretches, cover stretches, events,
// penalties (with their limitations) and premium factors. It is for a
// caller that is done with each answer before it asks for the next, such
// as a batch that writes each answer out: a million answers then take the
// memory of a few.
//
// Once the next assessment with the same Scratch begins, nothing reached
// through a pointer or a slice of the answer before may be used: copy out
// what is kept. Strings and decimals are never in memory an answer used
// before: a string or a decimal.Decimal copied out of an answer stays as
// it was. (A premium's decimals are made in memory allocated for about 50
// premiums at a time, 6 KB, which a decimal copied out keeps alive.) The zero
// Scratch is ready to use; one assessment at a time may use a Scratch, and
// a Scratch must not be copied after first use (a copy would share its
// memory; go vet reports copies).
type Scratch struct {
	_         noCopy
	room      *assessmentRoom
	quote     *Quote
	tl        timeline.Room
	prem      rating.Room
	penalties penalties.Room
	findings  []coverage.Finding
	def       deficiencyRoom
}

// noCopy makes go vet's copylocks check report a copied Scratch.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// Reuse builds the answer of Assess or Quote in s's memory, overwriting
// the answer the last call with s gave (see [Scratch]).
func Reuse(s *Scratch) Option { return func(o *options) { o.scratch = s } }

// assessment returns s's room, cleared, or a new room when s is nil.
func (s *Scratch) assessment() *assessmentRoom {
	if s == nil {
		return new(assessmentRoom)
	}
	return answer.Cleared(&s.room)
}

// quoteRoom returns s's Quote, cleared, or a new Quote when s is nil.
func (s *Scratch) quoteRoom() *Quote {
	if s == nil {
		return new(Quote)
	}
	return answer.Cleared(&s.quote)
}

func (s *Scratch) timeline() *timeline.Room {
	if s == nil {
		return nil
	}
	return &s.tl
}

func (s *Scratch) premium() *rating.Room {
	if s == nil {
		return nil
	}
	return &s.prem
}

func (s *Scratch) deficiencyRoom() *deficiencyRoom {
	if s == nil {
		return nil
	}
	return &s.def
}

func (s *Scratch) findingList() *[]coverage.Finding {
	if s == nil {
		return nil
	}
	return &s.findings
}

func (s *Scratch) penaltyList() *penalties.Room {
	if s == nil {
		return nil
	}
	return &s.penalties
}

// assess answers on st; bounds are the dates the stack of reg, the region
// and the insurer changes, and stackAt gives it on another date. decide
// is dc's Decide as the timeline asks it (dc, reset, decides the
// enterprise's timeline; the coverage answer reads its last decision).
// The penalties' result is made in pen, which the answer does not keep
// (it takes the penalties and copies the rest).
func assess(reg *rulesets.Registry, st *rulesets.Stack, ev *lang.Eval, o options, bounds []facts.Date, stackAt func(facts.Date) (*rulesets.Stack, error), dc *coverage.Decider, decide func(*rulesets.Stack, *lang.Eval) timeline.Duty, pen *penalties.Result) (*Assessment, error) {
	f := ev.Facts()
	sc := o.scratch
	room := sc.assessment()
	a := &room.a
	// field by field: the room is zero, and a whole Assessment stored
	// into it would pass every pointer slot through a write barrier
	a.Enterprise, a.Region, a.AsOf, a.Insurer = f.Name, f.Region, o.asOf, o.insurer
	a.Rulesets, a.Notes = layersOf(st), answerNotes(st, f.Region)
	tl := timeline.Build(timeline.Input{Stack: st, Eval: ev, StackAt: stackAt, Boundaries: bounds, Decide: decide, Room: sc.timeline()})
	copt := coverage.Options{Trace: o.trace, Decided: dc, Into: &room.cov, Findings: sc.findingList()}
	if p := f.Policy; p.IsInsured() && !p.Start.After(o.asOf) && !p.End.Before(o.asOf) {
		// the policy's terms are judged by the rules of the day it was
		// concluded
		if c := p.Concluded(); !c.After(o.asOf) {
			if pst, err := stackAt(c); err == nil {
				copt.PolicyStack, copt.PolicyObligation = pst, tl.LevelAt(c)
			}
		}
	}
	cov, ctrace := coverage.Evaluate(st, ev, copt)
	a.Coverage = cov
	if d := deficiencies(reg, f, o.asOf, cov.Findings, sc.deficiencyRoom()); d != nil {
		ev.SetDeficiencies(d)
	}
	var rtrace []rulesets.TraceEntry
	var err error
	a.Premium, a.PremiumIncomplete, rtrace, err = price(st, ev, o.trace, sc.premium())
	if err != nil {
		return nil, err
	}
	a.Notes = premiumNotes(st, a.Notes, a.Premium)
	pres := penalties.Evaluate(penalties.Input{
		Stack: st, Eval: ev, Trace: o.trace, Into: pen,
		StackAt:    stackAt,
		Obligation: obligationOf,
		Boundaries: bounds,
		Timeline:   tl,
		Room:       sc.penaltyList(),
	})
	a.Penalties = pres.Penalties
	tl.Finish(ev, st, reg, f.Region, o.insurer, bounds)
	a.Timeline = tl
	addGoverning(a, st, reg, pres.Penalties)
	a.Coverage.Undetermined = append(a.Coverage.Undetermined, pres.Undetermined...)
	cons, und, ptrace := penalties.Consequences(st, ev, o.trace)
	a.Consequences = cons
	a.Coverage.Undetermined = append(a.Coverage.Undetermined, und...)
	var xtrace []rulesets.TraceEntry
	for _, r := range st.References {
		ok, err := r.When.Bool(ev)
		if o.trace {
			xtrace = append(xtrace, rulesets.TraceEntry{Rule: r.Ref(), Kind: "reference", Outcome: answer.Outcome(ok, err)})
		}
		if err == nil && ok {
			a.References = append(a.References, Reference{ID: r.ID, Rule: r.Ref(), Title: r.Title, Items: r.Items, Note: r.Note,
				Cite: answer.Citations(ev, r.Ruleset, r.Cite)})
		}
	}
	if o.trace {
		var trace []rulesets.TraceEntry
		if n := len(ctrace) + len(rtrace) + len(pres.Trace) + len(ptrace) + len(xtrace); n > 0 {
			trace = make([]rulesets.TraceEntry, 0, n)
			for _, t := range [][]rulesets.TraceEntry{ctrace, rtrace, pres.Trace, ptrace, xtrace} {
				trace = append(trace, t...)
			}
		}
		a.Trace = &Trace{Rules: trace, Ignored: ev.Ignored()}
		explainTrace(st, ev, a, o)
	}
	if a.Notes == nil {
		a.Notes = []string{}
	}
	return a, nil
}
