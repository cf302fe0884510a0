package timeline_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
	"github.com/google/go-cmp/cmp"
)

// doc makes a small national document test/law at version, in force from
// from (until until, when given), with one source s and the given body.
func doc(version, from, until, body string) string {
	eff := "{from: " + from + "}"
	if until != "" {
		eff = "{from: " + from + ", until: " + until + "}"
	}
	return fmt.Sprintf(`schema: anzexian/v1
id: test/law
version: %q
status: in_force
kind: law
title: 测试法 %s
region: ""
effective: %s
sources:
  s: {title: 测试法}
%s`, version, version, eff, body)
}

// duty is a coverage rule giving level when the condition holds.
func duty(id, when, level string) string {
	return fmt.Sprintf("  - {id: %s, when: '%s', obligation: %s, text: %s, cite: {source: s, article: 第一条}}\n", id, when, level, id)
}

// build builds and finishes the timeline of the facts on asOf as the
// engine does, the obligation decided by the coverage rules; deficient, if
// given, is what the coverage answer tells the evaluation about the
// current policy.
func build(t *testing.T, factsYAML, asOf string, deficient []lang.Deficiency, docs ...string) *timeline.Timeline {
	t.Helper()
	reg := testkit.Load(t, docs...)
	f, st, ev := testkit.BindTo(t, reg, "region: \"650100\"\nsectors: [machinery]\nemployees: 50\n"+factsYAML, asOf)
	d := ev.AsOf()
	ev.SetObligation("marker")
	bounds := reg.Boundaries(f.Region, "")
	tl := timeline.Build(timeline.Input{Stack: st, Eval: ev, Boundaries: bounds,
		StackAt: func(d facts.Date) (*rulesets.Stack, error) { return reg.Stack(f.Region, d, "") },
		Decide: func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty {
			d := coverage.Decide(s, ev)
			return timeline.Duty{Level: d.Level, Binding: d.Binding, Rules: d.Rules, Notes: d.Notes}
		}})
	if ev.AsOf() != d || ev.Obligation() != "marker" {
		t.Errorf("Build left the evaluation on %s with obligation %q", ev.AsOf(), ev.Obligation())
	}
	if deficient != nil {
		ev.SetDeficiencies(deficient)
	}
	tl.Finish(ev, st, reg, f.Region, "", bounds)
	return tl
}

func obligations(tl *timeline.Timeline) []string {
	var out []string
	for _, o := range tl.Obligations {
		s := fmt.Sprintf("%s–%s %s %s %v", o.From, o.To, o.Level, o.Basis, o.Rules)
		if o.Binding != "" {
			s += " binding=" + string(o.Binding)
		}
		if o.NoRules {
			s += " no_rules"
		}
		out = append(out, s)
	}
	return out
}

func cover(tl *timeline.Timeline) []string {
	var out []string
	for _, c := range tl.Cover {
		s := fmt.Sprintf("%s–%s %s %s", c.From, c.To, c.State, c.Level)
		if len(c.Sources) > 0 {
			s += " sources=" + strings.Join(c.Sources, ",")
		}
		if c.SourcesOmitted > 0 {
			s += fmt.Sprintf("+%d", c.SourcesOmitted)
		}
		if len(c.Missing) > 0 {
			s += " missing=" + strings.Join(c.Missing, ",")
		}
		if len(c.Fields) > 0 {
			s += " fields=" + strings.Join(c.Fields, ",")
		}
		out = append(out, s)
	}
	return out
}

func events(tl *timeline.Timeline) []string {
	var out []string
	for _, e := range tl.Events {
		out = append(out, fmt.Sprintf("%s %s %s", e.Date, e.Kind, e.Ref))
	}
	return out
}

// The obligation is decided on every day: stretches change where a
// ruleset starts or ends and where a dated fact the coverage rules read
// enters or leaves a window; a day without rules is marked.
func TestBuildObligations(t *testing.T) {
	encouraged := "coverage:\n" + duty("enc", "true", "encouraged")
	mandatory := "supersedes: [test/law@2020]\ncoverage:\n" + duty("must", "true", "mandatory")
	draft := strings.NewReplacer("id: test/law", "id: test.xj/draft", "status: in_force", "status: draft", `region: ""`, `region: "65"`).
		Replace(doc("1", "2021-07-01", "", "coverage:\n"+duty("xj", "true", "required")))
	tests := []struct {
		name, facts, asOf string
		docs              []string
		from              string
		want              []string
	}{
		{name: "a new version", asOf: "2023-01-01", from: "2020-01-01",
			docs: []string{doc("2020", "2020-01-01", "", encouraged), doc("2022", "2022-01-01", "", mandatory)},
			want: []string{
				"2020-01-01–2021-12-31 encouraged binding [test/law@2020#enc]",
				"2022-01-01–2023-01-01 mandatory binding [test/law@2022#must]",
			}},
		{name: "a year without rules", asOf: "2023-01-01", from: "2020-01-01",
			docs: []string{doc("2020", "2020-01-01", "2020-12-31", encouraged), doc("2022", "2022-01-01", "", mandatory)},
			want: []string{
				"2020-01-01–2020-12-31 encouraged binding [test/law@2020#enc]",
				"2021-01-01–2021-12-31 none  [] no_rules",
				"2022-01-01–2023-01-01 mandatory binding [test/law@2022#must]",
			}},
		{name: "an accident's one-year window", asOf: "2023-01-01", from: "2020-01-01",
			facts: "accidents: [{date: 2021-03-01, deaths: 1}, {date: 2021-06-01, serious_injuries: 1}]\n",
			docs:  []string{doc("2020", "2020-01-01", "", encouraged+duty("fatal", "any(accidents_within(1), {.deaths > 0})", "mandatory"))},
			want: []string{
				"2020-01-01–2021-02-28 encouraged binding [test/law@2020#enc]",
				"2021-03-01–2022-02-28 mandatory binding [test/law@2020#fatal]",
				"2022-03-01–2023-01-01 encouraged binding [test/law@2020#enc]",
			}},
		{name: "a draft raises the level", asOf: "2022-01-01", from: "2020-01-01",
			docs: []string{doc("2020", "2020-01-01", "", encouraged), draft},
			want: []string{
				"2020-01-01–2021-06-30 encouraged binding [test/law@2020#enc]",
				"2021-07-01–2022-01-01 required draft [test.xj/draft@1#xj] binding=encouraged",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := build(t, tt.facts, tt.asOf, nil, tt.docs...)
			if diff := cmp.Diff(tt.want, obligations(tl)); diff != "" {
				t.Errorf("obligations (-want +got):\n%s", diff)
			}
			if tl.From.String() != tt.from || tl.Through.String() != tt.asOf {
				t.Errorf("timeline %s–%s, want %s–%s", tl.From, tl.Through, tt.from, tt.asOf)
			}
		})
	}
}

// Cover: the state of insurance on every day, with the facts that prove
// it; back-to-back policies make one stretch naming both.
func TestFinishCover(t *testing.T) {
	must := doc("2020", "2020-01-01", "", "coverage:\n"+duty("must", "true", "mandatory"))
	phased := []string{doc("2020", "2020-01-01", "", "coverage:\n"+duty("enc", "true", "encouraged")),
		doc("2022", "2022-01-01", "", "supersedes: [test/law@2020]\ncoverage:\n"+duty("must", "true", "mandatory"))}
	tests := []struct {
		name, facts string
		deficient   []lang.Deficiency
		docs        []string
		want        []string
	}{
		{name: "before operating, no duty, back-to-back policies", docs: phased,
			facts: "operating_since: 2020-06-01\npolicy_history: [{start: 2022-01-01, end: 2022-06-30}]\npolicy: {start: 2022-07-01, end: 2023-06-30}\n",
			want: []string{
				"2020-01-01–2020-05-31 not_operating encouraged sources=operating_since",
				"2020-06-01–2021-12-31 no_duty encouraged",
				"2022-01-01–2023-01-01 insured mandatory sources=policy_history[0],policy",
			}},
		{name: "uninsured, proven from operating_since", docs: []string{must},
			facts: "operating_since: 2021-01-01\npolicy: {start: 2022-01-01, end: 2023-06-30}\n",
			want: []string{
				"2020-01-01–2020-12-31 not_operating mandatory sources=operating_since",
				"2021-01-01–2021-12-31 uninsured mandatory sources=operating_since,policy",
				"2022-01-01–2023-01-01 insured mandatory sources=policy",
			}},
		{name: "a gap between policies; before the first, undetermined", docs: []string{must},
			facts: "policy_history: [{start: 2021-01-01, end: 2021-06-29}]\npolicy: {start: 2022-01-01, end: 2023-06-30}\n",
			want: []string{
				"2020-01-01–2020-12-31 undetermined mandatory missing=operating_since",
				"2021-01-01–2021-06-29 insured mandatory sources=policy_history[0]",
				"2021-06-30–2021-12-31 uninsured mandatory sources=policy_history[0],policy",
				"2022-01-01–2023-01-01 insured mandatory sources=policy",
			}},
		{name: "closed on a day given", docs: []string{must},
			facts: "status: closed\nclosed_on: 2022-06-01\noperating_since: 2021-01-01\n",
			want: []string{
				"2020-01-01–2020-12-31 not_operating mandatory sources=operating_since",
				"2021-01-01–2022-05-31 uninsured mandatory sources=operating_since,closed_on",
				"2022-06-01–2023-01-01 closed mandatory sources=closed_on",
			}},
		{name: "closed on a day not given", docs: []string{must},
			facts: "status: closed\noperating_since: 2021-01-01\npolicy_history: [{start: 2021-01-01, end: 2021-06-30}]\n",
			want: []string{
				"2020-01-01–2020-12-31 not_operating mandatory sources=operating_since",
				"2021-01-01–2021-06-30 insured mandatory sources=policy_history[0]",
				"2021-07-01–2023-01-01 undetermined mandatory missing=closed_on",
			}},
		{name: "a policy short of the national rules", docs: []string{must},
			facts:     "operating_since: 2022-07-01\npolicy: {start: 2022-07-01, end: 2023-06-30}\n",
			deficient: []lang.Deficiency{{From: facts.MustParseDate("2022-10-01"), Fields: []string{"death_limit_min", "cover_all_employees"}}},
			want: []string{
				"2020-01-01–2022-06-30 not_operating mandatory sources=operating_since",
				"2022-07-01–2022-09-30 insured mandatory sources=policy",
				"2022-10-01–2023-01-01 deficient mandatory sources=policy fields=death_limit_min,cover_all_employees",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := build(t, tt.facts, "2023-01-01", tt.deficient, tt.docs...)
			got := cover(tl)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cover (-want +got):\n%s", diff)
			}
			// the stretches tile the timeline
			days := 0
			for _, c := range tl.Cover {
				days += c.Days()
			}
			if want := tl.From.DaysUntil(tl.Through) + 1; days != want {
				t.Errorf("the cover stretches span %d days, the timeline %d", days, want)
			}
			if len(tl.Notes) != 1 || tl.Notes[0] != timeline.NoteConstant {
				t.Errorf("notes %q, want the constant facts' note", tl.Notes)
			}
		})
	}
}

// Enforcement: each record with its effective deadline, the days overdue
// and a refusal with the days a daily fine would count; events in date
// order.
func TestFinishEnforcement(t *testing.T) {
	must := doc("2020", "2020-01-01", "", "coverage:\n"+duty("must", "true", "mandatory"))
	tl := build(t, `operating_since: 2022-01-01
enforcement_records:
  - {kind: order, date: 2022-06-01, subject: insurance, deadline: 2022-06-30}
  - {kind: fine, date: 2022-06-01, subject: insurance, amount: 1234.56}
  - {kind: inspection, date: 2022-08-01, subject: insurance, result: refused}
  - {kind: order, date: 2022-09-01, subject: hazard, rectified_on: 2022-09-15}
`, "2023-01-01", nil, must)
	var got []string
	for _, e := range tl.Enforcement {
		s := fmt.Sprintf("%s %s %s %s", e.Record, e.Kind, e.Date, e.Subject)
		if !e.Deadline.IsZero() {
			s += " deadline=" + e.Deadline.String()
		}
		if !e.Rectified.IsZero() {
			s += " rectified=" + e.Rectified.String()
		}
		if e.Amount != nil {
			s += " amount=" + e.Amount.StringFixed(2) + " tier=" + e.Tier
		}
		if e.Result != "" {
			s += " result=" + e.Result
		}
		if o := e.Overdue; o != nil {
			s += fmt.Sprintf(" overdue=%s–%s/%d", o.From, o.To, o.Days)
		}
		if r := e.Refusal; r != nil {
			s += fmt.Sprintf(" refusal=%s by %s %s–%s/%d", r.On, r.By, r.From, r.Through, r.Days)
		}
		got = append(got, s)
	}
	want := []string{
		// overdue from the day after the deadline, continuing: 185 days to
		// 2023-01-01; refused on inspection: 2022-06-02 to 2022-08-01
		"enforcement_records[0] order 2022-06-01 insurance deadline=2022-06-30 overdue=2022-07-01–/185 refusal=2022-08-01 by inspection 2022-06-02–2022-08-01/61",
		"enforcement_records[1] fine 2022-06-01 insurance amount=1234.56 tier=first",
		"enforcement_records[2] inspection 2022-08-01 insurance result=refused",
		"enforcement_records[3] order 2022-09-01 hazard rectified=2022-09-15",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("enforcement (-want +got):\n%s", diff)
	}
	wantEvents := []string{
		"2020-01-01 ruleset test/law@2020",
		"2022-01-01 operating_since operating_since",
		"2022-06-01 order enforcement_records[0]",
		"2022-06-01 fine enforcement_records[1]",
		"2022-06-30 deadline_end enforcement_records[0]",
		"2022-08-01 inspection enforcement_records[2]",
		"2022-09-01 order enforcement_records[3]",
	}
	if diff := cmp.Diff(wantEvents, events(tl)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if tl.Omitted != (timeline.Omitted{}) {
		t.Errorf("omitted %+v, want nothing", tl.Omitted)
	}
}

// The events: rulesets, operating_since, closure, ranks, policies (with a
// surrender) and accidents, in date order, those after the as-of date left
// out.
func TestFinishEvents(t *testing.T) {
	docs := []string{doc("2020", "2020-01-01", "", "coverage:\n"+duty("enc", "true", "encouraged")),
		doc("2022", "2022-01-01", "", "supersedes: [test/law@2020]\ncoverage:\n"+duty("must", "true", "mandatory"))}
	tl := build(t, `operating_since: 2020-03-01
status: closed
closed_on: 2022-10-01
work_injury_rank: {year: 2020, rank: 3}
policy_history: [{start: 2021-01-01, end: 2021-12-31, surrendered_on: 2021-05-01}]
policy: {start: 2022-01-01, end: 2023-12-31}
accidents: [{date: 2021-02-01, serious_injuries: 1}, {date: 2023-02-01, serious_injuries: 1}]
`, "2023-01-01", nil, docs...)
	want := []string{
		"2020-01-01 ruleset test/law@2020",
		"2020-03-01 operating_since operating_since",
		"2021-01-01 rank work_injury_rank",
		"2021-01-01 policy_start policy_history[0]",
		"2021-02-01 accident accidents[0]",
		"2021-05-01 surrender policy_history[0]",
		"2021-12-31 policy_end policy_history[0]",
		"2022-01-01 ruleset test/law@2022",
		"2022-01-01 policy_start policy",
		"2022-10-01 closure closed_on",
	}
	if diff := cmp.Diff(want, events(tl)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// At, LevelAt and NextChange read the obligation stretches; a day outside
// them has none.
func TestAt(t *testing.T) {
	d := facts.MustParseDate
	tl := &timeline.Timeline{From: d("2020-01-01"), Through: d("2022-12-31"), Obligations: []timeline.Obligation{
		{From: d("2020-01-01"), To: d("2020-12-31"), Level: rulesets.ObligationEncouraged},
		{From: d("2021-01-01"), To: d("2022-12-31"), Level: rulesets.ObligationMandatory},
	}}
	tests := []struct {
		day   string
		level rulesets.Obligation
		next  string
	}{
		{"2019-12-31", rulesets.ObligationNone, ""},
		{"2020-01-01", rulesets.ObligationEncouraged, "2021-01-01"},
		{"2020-12-31", rulesets.ObligationEncouraged, "2021-01-01"},
		{"2021-01-01", rulesets.ObligationMandatory, ""},
		{"2022-12-31", rulesets.ObligationMandatory, ""},
		{"2023-01-01", rulesets.ObligationNone, ""},
	}
	for _, tt := range tests {
		if got := tl.LevelAt(d(tt.day)); got != tt.level {
			t.Errorf("LevelAt(%s) = %q, want %q", tt.day, got, tt.level)
		}
		next := tl.NextChange(d(tt.day))
		if got := map[bool]string{true: "", false: next.String()}[next.IsZero()]; got != tt.next {
			t.Errorf("NextChange(%s) = %q, want %q", tt.day, got, tt.next)
		}
	}
	var none *timeline.Timeline
	if none.At(d("2020-01-01")) != nil {
		t.Error("a nil timeline has a stretch")
	}
	if got := (timeline.Stretch{From: d("2020-02-28"), To: d("2020-03-01")}).Days(); got != 3 {
		t.Errorf("Days() = %d, want 3 (a leap day between)", got)
	}
}

// The lists are bounded: the latest kept, Omitted counting the rest.
func TestCaps(t *testing.T) {
	t.Run("stretches", func(t *testing.T) {
		// a rule reading the as-of date other than by comparing it with a
		// date: the obligation changes every day, 1097 days to 2023-01-01
		alternating := doc("2020", "2020-01-01", "", "coverage:\n"+duty("enc", "true", "encouraged")+
			duty("odd", `days_between(date("2019-01-01"), as_of) % 2 == 1`, "mandatory"))
		tl := build(t, "", "2023-01-01", nil, alternating)
		first := facts.MustParseDate("2020-01-01").AddDays(97)
		if len(tl.Obligations) != timeline.MaxStretches || tl.Omitted.Obligations != 97 || tl.Obligations[0].From != first {
			t.Errorf("%d obligation stretches from %s, %d omitted; want %d from %s, 97 omitted",
				len(tl.Obligations), tl.Obligations[0].From, tl.Omitted.Obligations, timeline.MaxStretches, first)
		}
		// (Omitted.Cover counts 1, not 97: the cover is laid over the
		// obligation stretches kept, so the omitted ones make one cover
		// stretch, itself omitted; see the report of issue 10)
		if len(tl.Cover) != timeline.MaxStretches || tl.Omitted.Cover == 0 || tl.Cover[0].From != first {
			t.Errorf("%d cover stretches from %s, %d omitted; want %d from %s, some omitted",
				len(tl.Cover), tl.Cover[0].From, tl.Omitted.Cover, timeline.MaxStretches, first)
		}
		if last := tl.Obligations[len(tl.Obligations)-1]; last.To != tl.Through {
			t.Errorf("the last stretch ends %s, want the as-of date", last.To)
		}
	})
	t.Run("records and events", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("operating_since: 2020-01-01\npolicy: {start: 2020-01-01, end: 2025-12-31}\nenforcement_records:\n")
		d := facts.MustParseDate("2020-02-01")
		for i := 0; i < timeline.MaxRecords+5; i++ {
			fmt.Fprintf(&b, "  - {kind: inspection, date: %s, subject: insurance, result: compliant}\n", d.AddDays(i))
		}
		b.WriteString("accidents:\n")
		for i := 0; i < 10; i++ {
			fmt.Fprintf(&b, "  - {date: %s, serious_injuries: 1}\n", d.AddDays(1000+i))
		}
		tl := build(t, b.String(), "2024-01-01", nil, doc("2020", "2020-01-01", "", "coverage:\n"+duty("must", "true", "mandatory")))
		if len(tl.Enforcement) != timeline.MaxRecords || tl.Omitted.Enforcement != 5 || tl.Enforcement[0].Record != "enforcement_records[5]" {
			t.Errorf("%d records from %s, %d omitted; want %d from enforcement_records[5], 5 omitted",
				len(tl.Enforcement), tl.Enforcement[0].Record, tl.Omitted.Enforcement, timeline.MaxRecords)
		}
		// structural: 1 ruleset, 1 operating_since and 205 records, the
		// latest 200 kept; others: 1 policy start and 10 accidents, no
		// room left for them
		if len(tl.Events) != timeline.MaxEvents || tl.Omitted.Events != 18 {
			t.Errorf("%d events, %d omitted; want %d, 18 omitted", len(tl.Events), tl.Omitted.Events, timeline.MaxEvents)
		}
		for _, e := range tl.Events {
			if e.Kind != "inspection" {
				t.Errorf("event %+v kept over the latest records", e)
			}
		}
	})
}

// The JSON form: dates as YYYY-MM-DD, amounts with two decimal places,
// optional members left out.
func TestAppendJSON(t *testing.T) {
	tl := build(t, `operating_since: 2022-01-01
enforcement_records:
  - {kind: order, date: 2022-06-01, subject: insurance, deadline: 2022-06-30, period: {from: 2022-01-01, to: 2022-05-31}}
  - {kind: fine, date: 2022-06-01, subject: insurance, amount: 1234.5}
`, "2022-07-02", nil, doc("2020", "2020-01-01", "", "coverage:\n"+duty("must", "true", "mandatory")))
	want := `{"from":"2020-01-01","through":"2022-07-02",` +
		`"obligations":[{"from":"2020-01-01","to":"2022-07-02","level":"mandatory","basis":"binding","rules":["test/law@2020#must"]}],` +
		`"cover":[{"from":"2020-01-01","to":"2021-12-31","state":"not_operating","level":"mandatory","sources":["operating_since"]},` +
		`{"from":"2022-01-01","to":"2022-07-02","state":"uninsured","level":"mandatory","sources":["operating_since","as_of"]}],` +
		`"enforcement":[{"record":"enforcement_records[0]","kind":"order","date":"2022-06-01","subject":"insurance","deadline":"2022-06-30","period":{"from":"2022-01-01","to":"2022-05-31"},"overdue":{"from":"2022-07-01","days":2},"refusal":{"on":"2022-07-02","by":"as_of","from":"2022-06-02","through":"2022-07-02","days":31}},` +
		`{"record":"enforcement_records[1]","kind":"fine","date":"2022-06-01","subject":"insurance","amount":"1234.50","tier":"first"}],` +
		`"events":[{"date":"2020-01-01","kind":"ruleset","ref":"test/law@2020"},{"date":"2022-01-01","kind":"operating_since","ref":"operating_since"},` +
		`{"date":"2022-06-01","kind":"order","ref":"enforcement_records[0]"},{"date":"2022-06-01","kind":"fine","ref":"enforcement_records[1]"},` +
		`{"date":"2022-06-30","kind":"deadline_end","ref":"enforcement_records[0]"}],` +
		`"omitted":{"obligations":0,"cover":0,"enforcement":0,"events":0},"notes":["` + timeline.NoteConstant + `"]}`
	got, err := tl.MarshalJSON()
	if err != nil || string(got) != want {
		t.Errorf("MarshalJSON:\n got %s, %v\nwant %s", got, err, want)
	}
	if !json.Valid(got) {
		t.Error("not valid JSON")
	}
	if p := tl.AppendJSON([]byte("x")); string(p) != "x"+want {
		t.Errorf("AppendJSON does not append: %.40s…", p)
	}
}

// A timeline's lists are its own: a timeline built while another is
// unfinished on the same Eval, or the next one built after Finish, never
// changes a timeline already given out, and Finish leaves its lists full.
func TestRoomIsNotShared(t *testing.T) {
	must := doc("2020", "2020-01-01", "", "coverage:\n"+duty("must", "true", "mandatory"))
	reg, err := rulesets.LoadFiles(diag.File{Name: "r.yaml", Data: []byte(must)})
	if err != nil {
		t.Fatal(err)
	}
	bounds := reg.Boundaries("650100", "")
	in := func(ev *lang.Eval) timeline.Input {
		st, _ := reg.Stack("650100", ev.AsOf(), "")
		return timeline.Input{Stack: st, Eval: ev, Boundaries: bounds,
			StackAt: func(d facts.Date) (*rulesets.Stack, error) { return reg.Stack("650100", d, "") },
			Decide: func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty {
				d := coverage.Decide(s, ev)
				return timeline.Duty{Level: d.Level, Binding: d.Binding, Rules: d.Rules, Notes: d.Notes}
			}}
	}
	base := "region: \"650100\"\nsectors: [machinery]\nemployees: 50\n"
	fa := testkit.MustFacts(t, base+"operating_since: 2021-01-01\npolicy: {start: 2022-01-01, end: 2023-06-30}\naccidents: [{date: 2021-03-01, deaths: 1}]\n")
	fb := testkit.MustFacts(t, base+"status: closed\nclosed_on: 2022-06-01\noperating_since: 2020-03-01\n")
	asOf := facts.MustParseDate("2023-01-01")
	st, _ := reg.Stack("650100", asOf, "")
	render := func(tl *timeline.Timeline) []string {
		return append(append(obligations(tl), cover(tl)...), events(tl)...)
	}
	alone := func(f *facts.Facts) []string {
		ev := lang.NewEval()
		if err := st.Bind(ev, f, asOf, ""); err != nil {
			t.Fatal(err)
		}
		tl := timeline.Build(in(ev))
		tl.Finish(ev, st, reg, "650100", "", bounds)
		return render(tl)
	}
	wantA, wantB := alone(fa), alone(fb)

	ev := lang.NewEval()
	if err := st.Bind(ev, fa, asOf, ""); err != nil {
		t.Fatal(err)
	}
	a := timeline.Build(in(ev))
	b := timeline.Build(in(ev)) // a is unfinished
	b.Finish(ev, st, reg, "650100", "", bounds)
	a.Finish(ev, st, reg, "650100", "", bounds)
	if d := cmp.Diff(wantA, render(a)); d != "" {
		t.Errorf("interleaved (-alone +interleaved):\n%s", d)
	}
	gotA := render(a)
	// the next assessment on the same Eval reuses the room
	if err := st.Bind(ev, fb, asOf, ""); err != nil {
		t.Fatal(err)
	}
	c := timeline.Build(in(ev))
	c.Finish(ev, st, reg, "650100", "", bounds)
	if d := cmp.Diff(wantB, render(c)); d != "" {
		t.Errorf("next (-alone +reused):\n%s", d)
	}
	if d := cmp.Diff(gotA, render(a)); d != "" {
		t.Errorf("the next timeline changed the one given out before (-before +after):\n%s", d)
	}
	if len(a.Cover) == 0 || cap(a.Cover) != len(a.Cover) || cap(a.Events) != len(a.Events) {
		t.Errorf("sealed lists are not full: cover %d/%d, events %d/%d", len(a.Cover), cap(a.Cover), len(a.Events), cap(a.Events))
	}
}
