package portfolio

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
)

// Bounds of ImpactOptions: a report lists the largest movers for a person
// to read and draws a histogram on a page; each is allocated up front.
const (
	MaxTop  = 10000
	MaxBins = 1000
)

// ImpactOptions configure [Engine.Impact].
type ImpactOptions struct {
	// Name names the portfolio (a file name) in the report and in errors.
	Name string
	// Format is the portfolio's format; see [FormatOf].
	Format Format
	// At is the as-of date of every assessment under both stacks; the zero
	// date is today, read once.
	At      facts.Date
	Insurer string
	// Workers is the number of goroutines assessing; 0 is GOMAXPROCS.
	Workers int
	// Top is the number of largest movers listed (default 20, at most
	// MaxTop).
	Top int
	// Bins is about how many bars the histogram has (default 12, at most
	// MaxBins).
	Bins int
	// Progress, when not nil, is called in input order with the number of
	// records done and the bytes of input consumed (-1 at the end).
	Progress func(done int, consumed int64)
	// ChangedTo, when not nil, is called in input order with every
	// enterprise the edit changed (see [NewChangedWriter]); an error stops
	// the comparison.
	ChangedTo func(ChangedEnterprise) error
	// KeepChanged is how many changed enterprises the report lists (0:
	// DefaultKeepChanged; negative: none).
	KeepChanged int
}

// ImpactReport is what a rule change does across a portfolio: every
// enterprise assessed under the engine's registry (before) and under an
// edited one (after), at the same as-of date.
type ImpactReport struct {
	Portfolio string     `json:"portfolio"`
	AsOf      facts.Date `json:"as_of"`
	Insurer   string     `json:"insurer,omitempty"`
	// Changes are the rulesets that differ between the two registries.
	Changes []RulesetChange `json:"changes"`
	// Enterprises counts the records assessed under both stacks; InScope
	// those whose stack (after) holds a changed ruleset; Changed those
	// whose obligation, premium or penalties differ.
	Enterprises int `json:"enterprises"`
	InScope     int `json:"in_scope"`
	Changed     int `json:"changed"`
	// Skipped are records whose facts did not decode; Errors are records
	// that one of the stacks could not assess. Both list at most the first
	// 50, with their counts.
	Skipped      int           `json:"skipped"`
	SkippedLines []RecordError `json:"skipped_lines,omitempty"`
	Errors       int           `json:"errors"`
	ErrorLines   []RecordError `json:"error_lines,omitempty"`

	Obligations ObligationMatrix `json:"obligations"`
	Premium     PremiumImpact    `json:"premium"`
	Movers      []Mover          `json:"movers"`
	Penalties   PenaltyImpact    `json:"penalties"`

	// RuleDiffs say what the edit changed in each changed ruleset.
	RuleDiffs []RuleDiff `json:"rule_diffs"`
	// Breakdowns by province, city, sector family and obligation.
	Breakdowns []Breakdown `json:"breakdowns"`
	// ChangedList lists the enterprises that changed, in input order, up to
	// ImpactOptions.KeepChanged of them (ChangedListTruncated then says so).
	ChangedList          []ChangedEnterprise `json:"changed_list"`
	ChangedListTruncated bool                `json:"changed_list_truncated,omitempty"`
}

// RulesetChange is a ruleset added, replaced or removed by the edit.
type RulesetChange struct {
	ID     string `json:"id"`
	Change string `json:"change"` // added, replaced, removed
	// Before and After are "version (digest)", empty when absent.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// RecordError is a portfolio record that could not be assessed.
type RecordError struct {
	Line  int    `json:"line"`
	Stack string `json:"stack,omitempty"` // before, after (or empty: the facts)
	Error string `json:"error"`
}

// ObligationMatrix counts enterprises by obligation before (rows) and
// after (columns), in the order of Levels.
type ObligationMatrix struct {
	Levels  []rulesets.Obligation `json:"levels"`
	Counts  [][]int               `json:"counts"`
	Changed int                   `json:"changed"`
}

// PremiumImpact is the distribution of premium changes.
type PremiumImpact struct {
	// PricedBoth counts enterprises priced exactly under both stacks; the
	// rest of the counts split them, except BecamePriced (priced after
	// only), NoLongerPriced (before only) and the Provisional ones.
	PricedBoth     int `json:"priced_both"`
	Unchanged      int `json:"unchanged"`
	Increased      int `json:"increased"`
	Decreased      int `json:"decreased"`
	BecamePriced   int `json:"became_priced"`
	NoLongerPriced int `json:"no_longer_priced"`
	// Provisional counts the enterprises priced under both stacks of which
	// at least one premium is only provisional (a fact missing: a range).
	// They are in none of the counts, totals and distributions of exact
	// prices around them; ProvisionalBefore and ProvisionalAfter sum their
	// amounts and ranges under each stack (an exact premium counting as a
	// range of one amount), and ProvisionalChanged counts those whose
	// amount or range differs.
	Provisional        int        `json:"provisional"`
	ProvisionalChanged int        `json:"provisional_changed"`
	ProvisionalBefore  RangeTotal `json:"provisional_before"`
	ProvisionalAfter   RangeTotal `json:"provisional_after"`
	// Totals over the enterprises priced under both stacks.
	TotalBefore decimal.Decimal `json:"total_before"`
	TotalAfter  decimal.Decimal `json:"total_after"`
	// Change (CNY) and Percent describe the premiums that changed.
	Change  Distribution `json:"change"`
	Percent Distribution `json:"percent"`
	// Histogram of the changes (CNY) of the premiums that changed, and
	// PercentHistogram of the same changes in per cent of the premium
	// before.
	Histogram        []Bin `json:"histogram"`
	PercentHistogram []Bin `json:"percent_histogram"`
}

// RangeTotal sums premiums that are ranges: the provisional amounts, and
// the lower and upper bounds.
type RangeTotal struct {
	Amount decimal.Decimal `json:"amount"`
	Min    decimal.Decimal `json:"min"`
	Max    decimal.Decimal `json:"max"`
}

func (t *RangeTotal) add(p *rating.Premium) {
	t.Amount = t.Amount.Add(p.Amount)
	if r := p.Range; r != nil {
		t.Min, t.Max = t.Min.Add(r.Min), t.Max.Add(r.Max)
	} else {
		t.Min, t.Max = t.Min.Add(p.Amount), t.Max.Add(p.Amount)
	}
}

// sameRange reports whether two premiums have the same amount and range.
func sameRange(a, b *rating.Premium) bool {
	if !a.Amount.Equal(b.Amount) || (a.Range == nil) != (b.Range == nil) {
		return false
	}
	return a.Range == nil || (a.Range.Min.Equal(b.Range.Min) && a.Range.Max.Equal(b.Range.Max))
}

// Distribution summarises a set of values: count, min, median and 90th
// percentile (nearest rank), max and mean (rounded to 2 places).
type Distribution struct {
	Count  int             `json:"count"`
	Min    decimal.Decimal `json:"min"`
	Median decimal.Decimal `json:"median"`
	P90    decimal.Decimal `json:"p90"`
	Max    decimal.Decimal `json:"max"`
	Mean   decimal.Decimal `json:"mean"`
}

// Bin is one bar of a histogram: the values v with From ≤ v < To, or,
// for the last bar of a long-tailed distribution (Rest), every value from
// From up to To (the maximum) inclusive.
type Bin struct {
	From  decimal.Decimal `json:"from"`
	To    decimal.Decimal `json:"to"`
	Count int             `json:"count"`
	Rest  bool            `json:"rest,omitempty"`
}

// Mover is an enterprise whose premium changed the most.
type Mover struct {
	Line       int             `json:"line"`
	Enterprise string          `json:"enterprise,omitempty"`
	Region     string          `json:"region"`
	Sectors    []string        `json:"sectors"`
	Before     decimal.Decimal `json:"before"`
	After      decimal.Decimal `json:"after"`
	Change     decimal.Decimal `json:"change"`
	// Percent is the change in per cent of Before (absent when Before is 0).
	Percent *decimal.Decimal `json:"percent,omitempty"`
	// MovedBy names what changed in the worksheet: factors whose value
	// changed, or "base", "clamp", "minimum".
	MovedBy []Move `json:"moved_by"`
}

// Move is one step of the worksheet that changed.
type Move struct {
	Step   string `json:"step"` // a factor id, or base, clamp, minimum
	Title  string `json:"title,omitempty"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// PenaltyImpact lists the penalties that appear, vanish or change their
// fine range, by violation and target, with the number of enterprises.
type PenaltyImpact struct {
	// Before and After add up the penalties of every enterprise under each
	// stack, as penalties.Sum counts them (alternatives compared, never
	// added; draft-only and undetermined ones apart).
	Before   penalties.Totals `json:"before"`
	After    penalties.Totals `json:"after"`
	New      []PenaltyCount   `json:"new"`
	Vanished []PenaltyCount   `json:"vanished"`
	Changed  []PenaltyCount   `json:"changed"`
}

// PenaltyCount is a penalty and the enterprises it concerns.
type PenaltyCount struct {
	Violation   string `json:"violation"`
	Target      string `json:"target"`
	Title       string `json:"title"`
	Enterprises int    `json:"enterprises"`
}

// impactOne is what a worker finds for one enterprise.
type impactOne struct {
	skipped, failed *RecordError
	facts           *facts.Facts
	before, after   *anzexian.Assessment
	inScope         bool
	rawLen          int // the record's bytes, for the pipeline's bound
}

// Impact assesses every enterprise of the portfolio r under the engine's
// registry and under edited (e.g. from [rulesets.Registry.With]) at the
// same as-of date, and reports the difference. Records whose facts do not
// decode are skipped and counted. It reads the portfolio once, streaming,
// on every core; memory grows only with the number of premiums that change.
func Impact(ctx context.Context, e *anzexian.Engine, r io.Reader, edited *rulesets.Registry, o ImpactOptions) (*ImpactReport, error) {
	if o.At.IsZero() {
		o.At = facts.Today()
	}
	if o.Name == "" {
		o.Name = "portfolio"
	}
	if o.Format == "" {
		o.Format = FormatOf(o.Name)
	}
	if o.Top <= 0 {
		o.Top = 20
	}
	if o.Bins <= 0 {
		o.Bins = 12
	}
	if o.Top > MaxTop || o.Bins > MaxBins {
		return nil, fmt.Errorf("impact: at most %d movers and %d histogram bars (asked for %d and %d)", MaxTop, MaxBins, o.Top, o.Bins)
	}
	p, err := NewReader(o.Name, r, o.Format)
	if err != nil {
		return nil, err
	}
	before := e.Registry()
	rep := &ImpactReport{Portfolio: o.Name, AsOf: o.At, Insurer: o.Insurer, Changes: registryChanges(before, edited),
		RuleDiffs: ruleDiffs(before, edited), ChangedList: []ChangedEnterprise{}}
	keep := o.KeepChanged
	if keep == 0 {
		keep = DefaultKeepChanged
	}
	bd := newBreakdowns()
	changedDigest := map[string]bool{}
	for _, rs := range edited.Rulesets() {
		if before.Ruleset(rs.Key()) == nil || before.Ruleset(rs.Key()).Digest != rs.Digest {
			changedDigest[rs.Digest] = true
		}
	}
	for _, rs := range before.Rulesets() {
		if edited.Ruleset(rs.Key()) == nil || edited.Ruleset(rs.Key()).Digest != rs.Digest {
			changedDigest[rs.Digest] = true
		}
	}
	optsBefore := []anzexian.Option{anzexian.At(o.At), anzexian.Insurer(o.Insurer), anzexian.Using(before)}
	optsAfter := []anzexian.Option{anzexian.At(o.At), anzexian.Insurer(o.Insurer), anzexian.Using(edited)}

	work := func(_ int, raw *rawRecord) impactOne {
		f, err := p.decode(raw)
		if err != nil {
			return impactOne{skipped: &RecordError{Line: raw.line, Error: oneLineError(err)}}
		}
		a, err := e.Assess(f, optsBefore...)
		if err != nil {
			return impactOne{failed: &RecordError{Line: raw.line, Stack: "before", Error: oneLineError(err)}}
		}
		b, err := e.Assess(f, optsAfter...)
		if err != nil {
			return impactOne{failed: &RecordError{Line: raw.line, Stack: "after", Error: oneLineError(err)}}
		}
		one := impactOne{facts: f, before: a, after: b, rawLen: len(raw.data)}
		for _, l := range append(a.Rulesets, b.Rulesets...) {
			if changedDigest[l.Digest] {
				one.inScope = true
			}
		}
		return one
	}

	agg := newImpactAgg(o.Top)
	done := 0
	emit := func(raw *rawRecord, one impactOne) error {
		if raw.fatal {
			return raw.err // the rest of the portfolio cannot be read
		}
		done++
		switch {
		case one.skipped != nil:
			rep.Skipped++
			if len(rep.SkippedLines) < 50 {
				rep.SkippedLines = append(rep.SkippedLines, *one.skipped)
			}
		case one.failed != nil:
			rep.Errors++
			if len(rep.ErrorLines) < 50 {
				rep.ErrorLines = append(rep.ErrorLines, *one.failed)
			}
		default:
			rep.Enterprises++
			if one.inScope {
				rep.InScope++
			}
			changed := agg.add(raw.line, one.facts, one.before, one.after)
			bd.add(one.facts, one.before, one.after, changed)
			if changed {
				rep.Changed++
				if o.ChangedTo != nil || len(rep.ChangedList) < keep {
					c := changedOf(raw.line, one.facts, one.before, one.after)
					if o.ChangedTo != nil {
						if err := o.ChangedTo(c); err != nil {
							return err
						}
					}
					if len(rep.ChangedList) < keep {
						rep.ChangedList = append(rep.ChangedList, c)
					}
				}
				if len(rep.ChangedList) < rep.Changed {
					rep.ChangedListTruncated = true
				}
			}
		}
		if o.Progress != nil && done%chunkSize == 0 {
			o.Progress(done, raw.end)
		}
		return nil
	}
	// what a result holds: the facts and two assessments, some 15 KB for
	// a light record, growing with the record (a penalty an accident)
	size := func(one impactOne) int {
		if one.facts == nil {
			return 256
		}
		return 16<<10 + 32*one.rawLen
	}
	err = runOrdered(ctx, p, o.Workers, work, size, emit, nil)
	if o.Progress != nil {
		o.Progress(done, -1)
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	agg.finish(rep, o.Bins)
	rep.Breakdowns = bd.finish()
	return rep, nil
}

func oneLineError(err error) string {
	s := strings.TrimPrefix(err.Error(), "facts: ")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// registryChanges lists the rulesets that differ between two registries,
// by id.
func registryChanges(before, after *rulesets.Registry) []RulesetChange {
	type side struct{ before, after []string }
	byID := map[string]*side{}
	get := func(id string) *side {
		if byID[id] == nil {
			byID[id] = &side{}
		}
		return byID[id]
	}
	for _, rs := range before.Rulesets() {
		if o := after.Ruleset(rs.Key()); o == nil || o.Digest != rs.Digest {
			get(rs.ID).before = append(get(rs.ID).before, rs.Version+" ("+rs.Digest+")")
		}
	}
	for _, rs := range after.Rulesets() {
		if o := before.Ruleset(rs.Key()); o == nil || o.Digest != rs.Digest {
			get(rs.ID).after = append(get(rs.ID).after, rs.Version+" ("+rs.Digest+")")
		}
	}
	out := []RulesetChange{}
	for id, s := range byID {
		c := RulesetChange{ID: id, Before: strings.Join(s.before, ", "), After: strings.Join(s.after, ", ")}
		switch {
		case len(s.before) == 0:
			c.Change = "added"
		case len(s.after) == 0:
			c.Change = "removed"
		default:
			c.Change = "replaced"
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b RulesetChange) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

var obligationLevels = []rulesets.Obligation{rulesets.ObligationMandatory, rulesets.ObligationRequired, rulesets.ObligationEncouraged, rulesets.ObligationNone}

func levelIndex(o rulesets.Obligation) int {
	for i, l := range obligationLevels {
		if l == o {
			return i
		}
	}
	return len(obligationLevels) - 1
}

// impactAgg accumulates the comparison in input order.
type impactAgg struct {
	top       int
	matrix    [][]int
	obChanged int
	prem      PremiumImpact
	changes   []decimal.Decimal
	percents  []decimal.Decimal
	movers    []Mover
	penalties map[string]*[3]PenaltyCount // new, vanished, changed
	before    penalties.Totals
	after     penalties.Totals
}

func newImpactAgg(top int) *impactAgg {
	m := make([][]int, len(obligationLevels))
	for i := range m {
		m[i] = make([]int, len(obligationLevels))
	}
	return &impactAgg{top: top, matrix: m, penalties: map[string]*[3]PenaltyCount{},
		prem: PremiumImpact{TotalBefore: decimal.Zero, TotalAfter: decimal.Zero,
			ProvisionalBefore: RangeTotal{decimal.Zero, decimal.Zero, decimal.Zero},
			ProvisionalAfter:  RangeTotal{decimal.Zero, decimal.Zero, decimal.Zero}}}
}

var hundred = decimal.NewFromInt(100)

// add compares one enterprise's two assessments; it reports whether
// anything changed.
func (g *impactAgg) add(line int, f *facts.Facts, a, b *anzexian.Assessment) bool {
	changed := false
	ia, ib := levelIndex(a.Coverage.Obligation), levelIndex(b.Coverage.Obligation)
	g.matrix[ia][ib]++
	if ia != ib {
		g.obChanged++
		changed = true
	}
	switch pa, pb := a.Premium, b.Premium; {
	case pa != nil && pb != nil && (pa.Range != nil || pb.Range != nil):
		// priced provisionally: counted apart, never mixed with exact
		// prices
		g.prem.Provisional++
		g.prem.ProvisionalBefore.add(pa)
		g.prem.ProvisionalAfter.add(pb)
		if !sameRange(pa, pb) {
			g.prem.ProvisionalChanged++
			changed = true
		}
	case pa != nil && pb != nil:
		g.prem.PricedBoth++
		g.prem.TotalBefore = g.prem.TotalBefore.Add(pa.Amount)
		g.prem.TotalAfter = g.prem.TotalAfter.Add(pb.Amount)
		d := pb.Amount.Sub(pa.Amount)
		switch d.Sign() {
		case 0:
			g.prem.Unchanged++
		case 1:
			g.prem.Increased++
		default:
			g.prem.Decreased++
		}
		if d.Sign() != 0 {
			changed = true
			g.changes = append(g.changes, d)
			var pct *decimal.Decimal
			if pa.Amount.Sign() != 0 {
				v := d.Mul(hundred).DivRound(pa.Amount, 2)
				pct = &v
				g.percents = append(g.percents, v)
			}
			g.mover(line, f, a, b, d, pct)
		}
	case pa == nil && pb != nil:
		g.prem.BecamePriced++
		changed = true
	case pa != nil && pb == nil:
		g.prem.NoLongerPriced++
		changed = true
	}
	g.before.Add(penalties.Sum(a.Penalties))
	g.after.Add(penalties.Sum(b.Penalties))
	if g.comparePenalties(a, b) {
		changed = true
	}
	return changed
}

// mover keeps the enterprise if its change is among the top largest (by
// absolute amount; the earlier line first on ties).
func (g *impactAgg) mover(line int, f *facts.Facts, a, b *anzexian.Assessment, d decimal.Decimal, pct *decimal.Decimal) {
	less := func(x, y *Mover) bool { // x ranks before y
		if c := x.Change.Abs().Cmp(y.Change.Abs()); c != 0 {
			return c > 0
		}
		return x.Line < y.Line
	}
	m := Mover{Line: line, Before: a.Premium.Amount, After: b.Premium.Amount, Change: d, Percent: pct}
	if len(g.movers) == g.top && !less(&m, &g.movers[len(g.movers)-1]) {
		return
	}
	m.Enterprise, m.Region = a.Enterprise, a.Region
	m.MovedBy = worksheetMoves(a, b)
	m.Sectors = slices.Clone(f.Sectors)
	i, _ := slices.BinarySearchFunc(g.movers, &m, func(x Mover, y *Mover) int {
		if less(&x, y) {
			return -1
		}
		return 1
	})
	g.movers = slices.Insert(g.movers, i, m)
	if len(g.movers) > g.top {
		g.movers = g.movers[:g.top]
	}
}

// worksheetMoves lists the steps of the premium worksheet that differ.
func worksheetMoves(a, b *anzexian.Assessment) []Move {
	pa, pb := a.Premium, b.Premium
	var out []Move
	if !pa.Base.Amount.Equal(pb.Base.Amount) {
		out = append(out, Move{Step: "base", Title: pb.Base.Text, Before: pa.Base.Amount.String(), After: pb.Base.Amount.String()})
	}
	before := map[string]int{}
	for i := range pa.Factors {
		f := &pa.Factors[i]
		before[f.ID] = i
	}
	seen := map[string]bool{}
	for k := range pb.Factors {
		f := &pb.Factors[k]
		seen[f.ID] = true
		i, ok := before[f.ID]
		switch {
		case !ok:
			out = append(out, Move{Step: f.ID, Title: f.Title, Before: "", After: f.Value.String() + " (" + f.Case + ")"})
		case !pa.Factors[i].Value.Equal(f.Value):
			out = append(out, Move{Step: f.ID, Title: f.Title, Before: pa.Factors[i].Value.String() + " (" + pa.Factors[i].Case + ")", After: f.Value.String() + " (" + f.Case + ")"})
		}
	}
	for k := range pa.Factors {
		f := &pa.Factors[k]
		if !seen[f.ID] {
			out = append(out, Move{Step: f.ID, Title: f.Title, Before: f.Value.String() + " (" + f.Case + ")", After: ""})
		}
	}
	if (pa.Clamp != nil) != (pb.Clamp != nil) || !pa.Applied.Equal(pb.Applied) && pa.Combined.Equal(pb.Combined) {
		out = append(out, Move{Step: "clamp", Before: pa.Applied.String(), After: pb.Applied.String()})
	}
	if pa.MinimumApplied != pb.MinimumApplied {
		out = append(out, Move{Step: "minimum", Before: fmt.Sprint(pa.MinimumApplied), After: fmt.Sprint(pb.MinimumApplied)})
	}
	if out == nil {
		out = []Move{}
	}
	return out
}

type penKey struct{ violation, target string }

func penaltyMap(a *anzexian.Assessment) map[penKey]string {
	m := make(map[penKey]string, len(a.Penalties))
	for k := range a.Penalties {
		p := &a.Penalties[k]
		v := ""
		if p.Fine != nil {
			v = p.Fine.Min.String() + "–" + p.Fine.Max.String()
		}
		if p.PerDay != nil {
			v += " per day " + p.PerDay.Total.String()
		}
		switch {
		case p.AlternativeOf != "":
			v += " (alternative of " + p.AlternativeOf + ")"
		case !p.Counted():
			v += " (not counted)"
		}
		k := penKey{p.Violation, p.Target}
		if old, ok := m[k]; ok {
			v = old + "; " + v // several occurrences of one violation
		}
		m[k] = v
	}
	return m
}

func (g *impactAgg) count(k penKey, title string, which int) {
	key := k.violation + "\x00" + k.target
	c := g.penalties[key]
	if c == nil {
		c = &[3]PenaltyCount{}
		for i := range c {
			c[i] = PenaltyCount{Violation: k.violation, Target: k.target, Title: title}
		}
		g.penalties[key] = c
	}
	c[which].Enterprises++
}

func (g *impactAgg) comparePenalties(a, b *anzexian.Assessment) bool {
	if len(a.Penalties) == 0 && len(b.Penalties) == 0 {
		return false
	}
	ma, mb := penaltyMap(a), penaltyMap(b)
	titles := map[penKey]string{}
	for k := range a.Penalties {
		p := &a.Penalties[k]
		titles[penKey{p.Violation, p.Target}] = p.Title
	}
	for k := range b.Penalties {
		p := &b.Penalties[k]
		titles[penKey{p.Violation, p.Target}] = p.Title
	}
	changed := false
	for k, vb := range mb {
		va, ok := ma[k]
		switch {
		case !ok:
			g.count(k, titles[k], 0)
			changed = true
		case va != vb:
			g.count(k, titles[k], 2)
			changed = true
		}
	}
	for k := range ma {
		if _, ok := mb[k]; !ok {
			g.count(k, titles[k], 1)
			changed = true
		}
	}
	return changed
}

func (g *impactAgg) finish(rep *ImpactReport, bins int) {
	rep.Obligations = ObligationMatrix{Levels: obligationLevels, Counts: g.matrix, Changed: g.obChanged}
	rep.Premium = g.prem
	rep.Premium.Change = distribution(g.changes)
	rep.Premium.Percent = distribution(g.percents)
	rep.Premium.Histogram = histogram(g.changes, bins)
	rep.Premium.PercentHistogram = histogram(g.percents, bins)
	rep.Movers = g.movers
	if rep.Movers == nil {
		rep.Movers = []Mover{}
	}
	pi := PenaltyImpact{Before: g.before, After: g.after, New: []PenaltyCount{}, Vanished: []PenaltyCount{}, Changed: []PenaltyCount{}}
	for _, c := range g.penalties {
		for i, list := range []*[]PenaltyCount{&pi.New, &pi.Vanished, &pi.Changed} {
			if c[i].Enterprises > 0 {
				*list = append(*list, c[i])
			}
		}
	}
	for _, list := range []*[]PenaltyCount{&pi.New, &pi.Vanished, &pi.Changed} {
		slices.SortFunc(*list, func(a, b PenaltyCount) int {
			return cmp.Or(-cmp.Compare(a.Enterprises, b.Enterprises), cmp.Compare(a.Violation, b.Violation), cmp.Compare(a.Target, b.Target))
		})
	}
	rep.Penalties = pi
}

// distribution sorts xs and summarises it; percentiles by nearest rank.
func distribution(xs []decimal.Decimal) Distribution {
	if len(xs) == 0 {
		return Distribution{}
	}
	slices.SortFunc(xs, func(a, b decimal.Decimal) int { return a.Cmp(b) })
	rank := func(p int64) decimal.Decimal { // the value at rank ceil(p/100 × n)
		k := (p*int64(len(xs)) + 99) / 100
		if k < 1 {
			k = 1
		}
		return xs[k-1]
	}
	sum := decimal.Zero
	for _, x := range xs {
		sum = sum.Add(x)
	}
	return Distribution{Count: len(xs), Min: xs[0], Median: rank(50), P90: rank(90), Max: xs[len(xs)-1],
		Mean: sum.DivRound(decimal.NewFromInt(int64(len(xs))), 2)}
}

// histogram bins sorted values into bars of a round width (1, 2 or 5 times
// a power of ten) giving about the number of bins asked for. When a few
// values lie far out (the maximum more than three times as far from the
// minimum as the 95th percentile is), the bars cover the minimum to the
// 95th percentile and one last bar, Rest, holds everything above.
func histogram(sorted []decimal.Decimal, bins int) []Bin {
	if len(sorted) == 0 {
		return []Bin{}
	}
	lo, hi := sorted[0], sorted[len(sorted)-1]
	if hi.Equal(lo) {
		return []Bin{{From: lo, To: lo, Count: len(sorted)}}
	}
	top := hi
	p95 := sorted[(95*len(sorted)+99)/100-1]
	if p95.GreaterThan(lo) && hi.Sub(lo).GreaterThan(p95.Sub(lo).Mul(decimal.NewFromInt(3))) {
		top = p95
	}
	step := niceStep(top.Sub(lo).DivRound(decimal.NewFromInt(int64(bins)), 8))
	start := lo.Div(step).Floor().Mul(step)
	n := int(top.Sub(start).Div(step).Floor().IntPart()) + 1
	out := make([]Bin, n)
	for i := range out {
		out[i].From = start.Add(step.Mul(decimal.NewFromInt(int64(i))))
		out[i].To = out[i].From.Add(step)
	}
	end := out[n-1].To
	if top.LessThan(hi) && end.LessThanOrEqual(hi) {
		out = append(out, Bin{From: end, To: hi, Rest: true})
	}
	for _, x := range sorted {
		if x.GreaterThanOrEqual(end) {
			out[len(out)-1].Count++ // the Rest bar
			continue
		}
		out[x.Sub(start).Div(step).Floor().IntPart()].Count++
	}
	return out
}

// niceStep is the smallest of 1, 2, 5 × 10^k not below raw (raw > 0).
func niceStep(raw decimal.Decimal) decimal.Decimal {
	raw = raw.Abs()
	k := int32(len(raw.Coefficient().String())) + raw.Exponent() - 1 // 10^k ≤ raw < 10^(k+1)
	for _, m := range []int64{1, 2, 5, 10} {
		s := decimal.New(m, k)
		if s.Cmp(raw) >= 0 {
			return s
		}
	}
	return decimal.New(10, k)
}
