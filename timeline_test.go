package anzexian_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
)

// manyAccidents is a Yueqing machinery plant with n accidents, one a day
// from 1971-01-01: every 97th with a death (a key unit for five years,
// 乐清 二(二)1), the others with 0–3 serious injuries (3 in one accident
// also makes a key unit). With 20,000 the document is about 850 KB, under
// the 1 MiB facts limit.
func manyAccidents(n int) string {
	var b strings.Builder
	b.WriteString("name: many\nregion: \"330382\"\nsectors: [machinery]\nemployees: 20\noperating_since: 1970-01-01\naccidents:\n")
	d := facts.MustParseDate("1971-01-01")
	for i := 0; i < n; i++ {
		if i%97 == 0 {
			fmt.Fprintf(&b, "- {date: %s, deaths: 1}\n", d)
		} else {
			fmt.Fprintf(&b, "- {date: %s, serious_injuries: %d}\n", d, (i*7)%4)
		}
		d = d.AddDays(1)
	}
	return b.String()
}

// The timeline of 20,000 accidents: the answer, and the days the
// obligation is decided on. Those are the days something can change (the
// stack, or the union of the accidents' windows), not one or two per
// accident: building the timeline is O(n log n) in the accidents.
func TestTimelineManyAccidents(t *testing.T) {
	doc := manyAccidents(20000)
	if len(doc) > facts.MaxSize {
		t.Fatalf("the document is %d bytes, over the facts limit", len(doc))
	}
	fs, err := facts.Decode("many.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	asOf := facts.MustParseDate("2026-01-01")
	a, err := eng.Assess(f, anzexian.At(asOf))
	if err != nil {
		t.Fatal(err)
	}
	if a.Coverage.Obligation != rulesets.ObligationRequired || a.Coverage.ObligationBasis != "draft" {
		t.Errorf("obligation %s (%s), want required (draft)", a.Coverage.Obligation, a.Coverage.ObligationBasis)
	}
	var uninsured []string
	for _, p := range a.Penalties {
		if p.Violation == "uninsured-required" {
			uninsured = append(uninsured, fmt.Sprintf("%s–%s", p.Since, p.Until))
		}
	}
	if want := []string{"2022-01-01–"}; !equalStrings(uninsured, want) {
		t.Errorf("uninsured-required %v, want %v", uninsured, want)
	}
	tl := a.Timeline
	last := tl.Obligations[len(tl.Obligations)-1]
	if last.From != facts.MustParseDate("2022-01-01") || last.Level != rulesets.ObligationRequired || last.Basis != "draft" {
		t.Errorf("last obligation stretch %+v, want required (draft) from 2022-01-01", last)
	}
	if len(tl.Events) != timeline.MaxEvents || tl.Omitted.Events == 0 {
		t.Errorf("%d events, %d omitted: want the events capped at %d", len(tl.Events), tl.Omitted.Events, timeline.MaxEvents)
	}
	if len(tl.Obligations) > 10 || len(tl.Cover) > 10 {
		t.Errorf("%d obligation and %d cover stretches: the windows should merge", len(tl.Obligations), len(tl.Cover))
	}

	// The days the obligation is decided on.
	reg := eng.Registry()
	st, err := reg.Stack(f.Region, asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, f, asOf, ""); err != nil {
		t.Fatal(err)
	}
	calls := 0
	timeline.Build(timeline.Input{Stack: st, Eval: ev, Boundaries: reg.Boundaries(f.Region, ""),
		StackAt: func(d facts.Date) (*rulesets.Stack, error) { return reg.Stack(f.Region, d, "") },
		Decide: func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty {
			calls++
			d := coverage.Decide(s, ev)
			return timeline.Duty{Level: d.Level, Binding: d.Binding, Rules: d.Rules}
		}})
	if bounds := len(reg.Boundaries(f.Region, "")); calls > 2*bounds+4 {
		t.Errorf("the obligation was decided on %d days for %d ruleset boundaries: it should step only where something changes", calls, bounds)
	}
}

// With few accidents in windows that do not overlap, every window's start
// and end is a day the obligation changes.
func TestTimelineSeparateWindows(t *testing.T) {
	fs, err := facts.Decode("f.yaml", []byte(`region: "330382"
sectors: [machinery]
employees: 20
operating_since: 2010-01-01
accidents:
  - {date: 2016-05-01, deaths: 1}
  - {date: 2023-05-01, serious_injuries: 3}
  - {date: 2024-01-01, serious_injuries: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Assess(fs[0], anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range a.Timeline.Obligations {
		if o.Level == rulesets.ObligationRequired {
			got = append(got, fmt.Sprintf("%s–%s", o.From, o.To))
		}
	}
	// 2016-05-01's window ends 2021-04-30, before the draft (2022-01-01):
	// no duty from it; 2023-05-01's runs to 2028-04-30 (through the as-of
	// date); the 2024 accident qualifies for nothing.
	if want := []string{"2023-05-01–2026-01-01"}; !equalStrings(got, want) {
		t.Errorf("required stretches %v, want %v", got, want)
	}
}

// crowded is the most dated facts a document under the facts limit holds
// in a timeline: 4,000 one-day policies from 2015, back to back in runs of
// four with a day's gap between runs (those after the as-of date are
// ignored); 3,000 accidents, reported; 1,000 orders with
// deadlines, fines and deadline records about insurance and hazards.
func crowded() string {
	var b strings.Builder
	b.WriteString("name: crowded\nregion: \"430100\"\nsectors: [hazardous_chemicals.storage]\nemployees: 50\noperating_since: 1990-01-01\npolicy_history:\n")
	d := facts.MustParseDate("2015-01-01")
	for i := 0; i < 4000; i++ {
		fmt.Fprintf(&b, "- {start: %s, end: %s}\n", d, d)
		d = d.AddDays(1)
		if i%4 == 3 {
			d = d.AddDays(1)
		}
	}
	b.WriteString("accidents:\n")
	d = facts.MustParseDate("2000-01-01")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "- {date: %s, serious_injuries: 1, unit_liable: true, reported_on: %s}\n", d, d.AddDays(10))
		d = d.AddDays(3)
	}
	b.WriteString("enforcement_records:\n")
	d = facts.MustParseDate("2019-01-01")
	for i := 0; i < 1000; i++ {
		subject := [2]string{"insurance", "hazard"}[i%2]
		fmt.Fprintf(&b, "- {kind: order, date: %s, subject: %s, deadline: %s}\n", d, subject, d.AddDays(5))
		fmt.Fprintf(&b, "- {kind: deadline, date: %s, subject: %s, deadline: %s}\n", d.AddDays(1), subject, d.AddDays(9))
		if subject == "insurance" {
			fmt.Fprintf(&b, "- {kind: fine, date: %s, subject: insurance, amount: 50000}\n", d.AddDays(1))
		}
		d = d.AddDays(2)
	}
	return b.String()
}

// The timeline of the most crowded document is bounded: at most
// MaxStretches obligation and cover stretches, each naming at most
// lang.MaxCoverSources policies, MaxRecords records and MaxEvents events,
// the rest counted; its JSON stays well under 1 MiB.
func TestTimelineBounded(t *testing.T) {
	doc := crowded()
	if len(doc) > facts.MaxSize {
		t.Fatalf("the document is %d bytes, over the facts limit", len(doc))
	}
	fs, err := facts.Decode("crowded.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Assess(fs[0], anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		t.Fatal(err)
	}
	tl := a.Timeline
	if len(tl.Obligations) > timeline.MaxStretches || len(tl.Cover) != timeline.MaxStretches || tl.Omitted.Cover == 0 {
		t.Errorf("%d obligation and %d cover stretches (%d omitted): want the cover capped at %d", len(tl.Obligations), len(tl.Cover), tl.Omitted.Cover, timeline.MaxStretches)
	}
	if len(tl.Enforcement) != timeline.MaxRecords || tl.Omitted.Enforcement != 2500-timeline.MaxRecords {
		t.Errorf("%d records, %d omitted: want %d and %d", len(tl.Enforcement), tl.Omitted.Enforcement, timeline.MaxRecords, 2500-timeline.MaxRecords)
	}
	if len(tl.Events) != timeline.MaxEvents || tl.Omitted.Events == 0 {
		t.Errorf("%d events, %d omitted: want %d", len(tl.Events), tl.Omitted.Events, timeline.MaxEvents)
	}
	insured := 0
	for _, s := range tl.Cover {
		if len(s.Sources) > lang.MaxCoverSources {
			t.Errorf("stretch %s–%s names %d policies", s.From, s.To, len(s.Sources))
		}
		if s.State == timeline.Insured {
			insured++
			if len(s.Sources) != 4 || s.SourcesOmitted != 0 {
				t.Errorf("stretch %s–%s: sources %v (%d omitted), want the 4 policies of its run", s.From, s.To, s.Sources, s.SourcesOmitted)
				break
			}
		}
	}
	if insured == 0 {
		t.Error("no insured stretch")
	}
	js, err := tl.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if len(js) > 1<<20 {
		t.Errorf("the timeline's JSON is %d bytes", len(js))
	}
	t.Logf("the timeline's JSON: %d bytes", len(js))
}

// Back-to-back policies make one stretch of cover, which names the first
// and the latest of them and counts the rest.
func TestTimelineLongRunOfPolicies(t *testing.T) {
	var b strings.Builder
	b.WriteString("region: \"430100\"\nsectors: [hazardous_chemicals.storage]\nemployees: 50\npolicy_history:\n")
	d := facts.MustParseDate("2001-01-01")
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "- {start: %s, end: %s}\n", d, d.AddYears(1).AddDays(-1))
		d = d.AddYears(1)
	}
	fs, err := facts.Decode("run.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Assess(fs[0], anzexian.At(facts.MustParseDate("2025-06-01")))
	if err != nil {
		t.Fatal(err)
	}
	var last timeline.Stretch
	for _, s := range a.Timeline.Cover {
		if s.State == timeline.Insured {
			last = s
		}
	}
	n := lang.MaxCoverSources
	if len(last.Sources) != n || last.Sources[0] != "policy_history[0]" || last.Sources[n-2] != fmt.Sprintf("policy_history[%d]", n-2) ||
		last.Sources[n-1] != "policy_history[24]" || last.SourcesOmitted != 25-n {
		t.Errorf("the insured stretch names %v, %d omitted: want the first %d, the latest (policy_history[24]) and %d omitted", last.Sources, last.SourcesOmitted, n-1, 25-n)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkAssessManyAccidents is one assessment of a plant with 20,000
// accidents (the facts decoded once).
func BenchmarkAssessManyAccidents(b *testing.B) {
	fs, err := facts.Decode("many.yaml", []byte(manyAccidents(20000)))
	if err != nil {
		b.Fatal(err)
	}
	eng, err := anzexian.New()
	if err != nil {
		b.Fatal(err)
	}
	asOf := facts.MustParseDate("2026-01-01")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eng.Assess(fs[0], anzexian.At(asOf)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessCrowded is one assessment of the most crowded document
// (see crowded).
func BenchmarkAssessCrowded(b *testing.B) {
	fs, err := facts.Decode("crowded.yaml", []byte(crowded()))
	if err != nil {
		b.Fatal(err)
	}
	eng, err := anzexian.New()
	if err != nil {
		b.Fatal(err)
	}
	asOf := facts.MustParseDate("2026-01-01")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eng.Assess(fs[0], anzexian.At(asOf)); err != nil {
			b.Fatal(err)
		}
	}
}

// A timeline of an enterprise with few dates takes two allocations: the
// timeline with room for its lists, and the list naming the facts that
// prove its uninsured stretch (the coverage decisions are memoized per
// stack): the common path stays cheap.
func TestTimelineFewDatesAllocs(t *testing.T) {
	fs, err := facts.Decode("f.yaml", []byte(`region: "440300"
sectors: [construction.civil]
employees: 300
operating_since: 2019-01-01
policy: {start: 2025-09-01, end: 2026-08-31, insured_employees: 300, death_limit: 500000}
`))
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	asOf := facts.MustParseDate("2026-01-01")
	st, err := reg.Stack(f.Region, asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, f, asOf, ""); err != nil {
		t.Fatal(err)
	}
	bounds := reg.Boundaries(f.Region, "")
	stackAt := func(d facts.Date) (*rulesets.Stack, error) { return reg.Stack(f.Region, d, "") }
	decide := func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty {
		d := coverage.Decide(s, ev)
		return timeline.Duty{Level: d.Level, Binding: d.Binding, Rules: d.Rules, Notes: d.Notes}
	}
	build := func() *timeline.Timeline {
		tl := timeline.Build(timeline.Input{Stack: st, Eval: ev, StackAt: stackAt, Boundaries: bounds, Decide: decide})
		tl.Finish(ev, st, reg, f.Region, "", bounds)
		return tl
	}
	tl := build() // the memos of the stacks
	if n := len(tl.Cover); n != 4 {
		t.Errorf("%d cover stretches, want 4 (no duty, not operating, uninsured, insured): %+v", n, tl.Cover)
	}
	if a := testing.AllocsPerRun(100, func() { build() }); a > 2 {
		t.Errorf("building the timeline takes %.0f allocations, want at most 2", a)
	}
}
