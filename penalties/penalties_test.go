package penalties_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// law makes a small national document: id at version, in force from from
// (and, for a later version, superseding the one before), with one source
// s and the given body.
func law(version, from, supersedes, body string) string {
	sup := ""
	if supersedes != "" {
		sup = "supersedes: [test/law@" + supersedes + "]\n"
	}
	return fmt.Sprintf(`schema: anzexian/v1
id: test/law
version: %q
status: in_force
kind: law
title: 测试法 %s
region: ""
effective: {from: %s}
%ssources:
  s: {title: 测试法}
%s`, version, version, from, sup, body)
}

// evaluate runs the penalties answer as the engine does: the decision
// stack of asOf bound to the facts, the coverage answer setting the
// obligation, the timeline built over the registry's boundaries.
func evaluate(t *testing.T, factsYAML, asOf string, docs ...string) *penalties.Result {
	t.Helper()
	return evaluateWith(t, false, nil, nil, factsYAML, asOf, docs...)
}

// evaluateTrace is evaluate, with the trace when asked.
func evaluateTrace(t *testing.T, trace bool, factsYAML, asOf string, docs ...string) *penalties.Result {
	t.Helper()
	return evaluateWith(t, trace, nil, nil, factsYAML, asOf, docs...)
}

// evaluateWith is evaluate with the trace when asked, in room (when not
// nil) and, when deficient is given, the deficiencies of the current
// policy told to the evaluation as the engine tells them after the
// coverage answer.
func evaluateWith(t *testing.T, trace bool, room *penalties.Room, deficient []lang.Deficiency, factsYAML, asOf string, docs ...string) *penalties.Result {
	t.Helper()
	reg := testkit.Load(t, docs...)
	f, st, ev := testkit.BindTo(t, reg, factsYAML, asOf)
	d := ev.AsOf()
	stackAt := func(d facts.Date) (*rulesets.Stack, error) { return reg.Stack(f.Region, d, "") }
	bounds := reg.Boundaries(f.Region, "")
	tl := timeline.Build(timeline.Input{Stack: st, Eval: ev, StackAt: stackAt, Boundaries: bounds,
		Decide: func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty {
			d := coverage.Decide(s, ev)
			return timeline.Duty{Level: d.Level, Binding: d.Binding, Rules: d.Rules, Notes: d.Notes}
		}})
	coverage.Evaluate(st, ev, coverage.Options{})
	if deficient != nil {
		ev.SetDeficiencies(deficient)
	}
	res := penalties.Evaluate(penalties.Input{
		Stack: st, Eval: ev, StackAt: stackAt, Boundaries: bounds, Timeline: tl, Trace: trace, Room: room,
		Obligation: func(s *rulesets.Stack, ev *lang.Eval) rulesets.Obligation {
			o, _ := coverage.Obligation(s, ev)
			return o
		},
	})
	if ev.AsOf() != d {
		t.Errorf("Evaluate left the evaluation on %s, want %s", ev.AsOf(), d)
	}
	return res
}

// row is what a test checks of a penalty, money to the cent.
type row struct {
	Violation, Target, Law string
	Since, Until           string
	SinceEarliest          string
	UntilLatest            string
	Days                   int
	Fine, Statutory        string // "min–max"
	Tier                   string
	PerDay                 string // "amount×days=total from–through"
	NoFine                 bool
	Undetermined           string
	Fined                  string // date amount tier
	Limitation             string // "years from–expires discovered_on by expired"
	Alt                    string
	Group                  int
	Basis                  string
}

func rng(r *penalties.Range) string {
	if r == nil {
		return ""
	}
	return r.Min.StringFixed(2) + "–" + r.Max.StringFixed(2)
}

func date(d facts.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func rowOf(p *penalties.Penalty) row {
	r := row{Violation: p.Violation, Target: p.Target, Law: p.Law, Since: date(p.Since), Until: date(p.Until), Days: p.Days,
		SinceEarliest: date(p.SinceEarliest), UntilLatest: date(p.UntilLatest), Fine: rng(p.Fine), Statutory: rng(p.Statutory), NoFine: p.NoFine != "", Undetermined: strings.Join(p.Undetermined, ","),
		Alt: p.AlternativeOf, Group: p.Group, Basis: p.Basis}
	if p.Tier != nil {
		r.Tier = p.Tier.ID + "@" + p.Tier.Rule
	}
	if d := p.PerDay; d != nil {
		r.PerDay = fmt.Sprintf("%s×%d=%s %s–%s", d.Amount.StringFixed(2), d.Days, d.Total.StringFixed(2), d.From, d.Through)
	}
	if f := p.Fined; f != nil {
		r.Fined = fmt.Sprintf("%s %s %s %s", f.Record, f.Date, f.Amount.StringFixed(2), f.Tier)
	}
	if l := p.Limitation; l != nil {
		r.Limitation = fmt.Sprintf("%d %s–%s %s %s %v", l.Years, date(l.From), date(l.Expires), date(l.DiscoveredOn), l.DiscoveredBy, l.Expired)
	}
	return r
}

// Rule bodies shared by the tables.
const (
	duty = `coverage:
  - {id: duty, obligation: mandatory, text: 应当投保, cite: {source: s, article: 第二条}}
`
	penaltiesKey = "penalties:\n"
)

// accident is an event rule about the enterprise's accidents.
func accident(id, when, min, max, extra string) string {
	return fmt.Sprintf("  - {id: %s, title: 事故, each: accidents, on: item.date, when: '%s', fine: {min: %q, max: %q}%s, cite: {source: s, article: 第九条}}\n",
		id, when, min, max, extra)
}

// uninsured is the continuing rule about the stretches without insurance.
func uninsured(min, max string) string {
	return fmt.Sprintf("  - {id: uninsured, title: 未投保, each: uninsured_periods, continuing: true, when: 'obligation == \"mandatory\"', subject: insurance, fined_by: first, fine: {min: %q, max: %q}, cite: {source: s, article: 第五条}}\n", min, max)
}

const (
	overdue = "  - {id: overdue, title: 逾期未改正, each: overdue_periods, continuing: true, when: 'obligation == \"mandatory\"', subject: insurance, fined_by: overdue, fine: {min: \"100\", max: \"200\"}, cite: {source: s, article: 第五条}}\n"
	daily   = "  - {id: daily, title: 按日连续处罚, each: refusals, on: item.ordered_on, when: 'item.amount != nil && !item.overdue_fined', per_day: {amount: item.amount, from: item.from, through: item.through}, discretionary: true, alternative_of: overdue, cite: {source: s, article: 第六条}}\n"
)

type penaltyCase struct {
	name      string
	facts     string
	asOf      string
	docs      []string
	want      []row
	governing []string // a part of each penalty's Governing, in order (when given)
	totals    *penalties.Totals
}

// plant is the enterprise of the tables: 50 employees unless the case's
// facts say otherwise.
const plant = "region: \"650100\"\nsectors: [hazardous_chemicals.storage]\n"

func runPenaltyCases(t *testing.T, cases []penaltyCase) {
	t.Helper()
	// every case is also evaluated in one Room, shared by the table: each
	// answer in it must be the one made afresh
	var room penalties.Room
	var lastFirst uintptr // the lowest address of the last answer's limitations
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := plant + tc.facts
			if !strings.Contains(fs, "employees:") {
				fs += "employees: 50\n"
			}
			res := evaluate(t, fs, tc.asOf, tc.docs...)
			var got []row
			for i := range res.Penalties {
				got = append(got, rowOf(&res.Penalties[i]))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("penalties (-want +got):\n%s", diff)
			}
			inRoom := evaluateWith(t, false, &room, nil, fs, tc.asOf, tc.docs...)
			got = got[:0]
			var first uintptr
			lims := 0
			for i := range inRoom.Penalties {
				p := &inRoom.Penalties[i]
				got = append(got, rowOf(p))
				if p.Limitation != nil {
					lims++
					if a := uintptr(unsafe.Pointer(p.Limitation)); first == 0 || a < first {
						first = a
					}
				}
			}
			// the limitations are made in the room: an answer's first is
			// where the last answer's first was, while neither outgrew
			// the room's array (four at least)
			if lims > 4 {
				first = 0
			}
			if first != 0 && lastFirst != 0 && first != lastFirst {
				t.Errorf("the limitations are not in the room")
			}
			if lims > 0 {
				lastFirst = first
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("penalties in a room (-want +got):\n%s", diff)
			}
			if len(res.Undetermined) > 0 {
				t.Errorf("undetermined rules: %+v", res.Undetermined)
			}
			for i, g := range tc.governing {
				if i < len(res.Penalties) && !strings.Contains(res.Penalties[i].Governing, g) {
					t.Errorf("penalty %d governs by %q, want it to say %q", i, res.Penalties[i].Governing, g)
				}
			}
			if tc.totals != nil {
				if diff := cmp.Diff(*tc.totals, penalties.Sum(res.Penalties), decimalEqual); diff != "" {
					t.Errorf("Sum (-want +got):\n%s", diff)
				}
			}
		})
	}
}

var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// The law of the day the violation happened governs an event, unless the
// law in force on the decision date is lighter or no longer punishes it
// (从旧兼从轻); nothing is punished retroactively.
func TestEventGoverningLaw(t *testing.T) {
	acc := func(min, max string) string { return penaltiesKey + accident("acc", "item.unit_liable", min, max, "") }
	old := law("2020", "2020-01-01", "", acc("100", "200"))
	const march2021 = "accidents: [{date: 2021-03-01, deaths: 1, unit_liable: true}]\n"
	lim := "2 2021-03-01–2023-03-01 2021-03-01 accidents[0].date false"
	runPenaltyCases(t, []penaltyCase{
		{name: "heavier new law: the old one governs", facts: march2021, asOf: "2023-01-01",
			docs: []string{old, law("2022", "2022-01-01", "2020", acc("300", "400"))},
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
				Fine: "100.00–200.00", Limitation: lim, Basis: "binding"}},
			governing: []string{"违法行为发生时（2021-03-01）的规定；作出处罚决定时的test/law@2022处罚不轻于它"}},
		{name: "as heavy: the old one governs", facts: march2021, asOf: "2023-01-01",
			docs: []string{old, law("2022", "2022-01-01", "2020", acc("100", "200"))},
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
				Fine: "100.00–200.00", Limitation: lim, Basis: "binding"}}},
		{name: "same maximum, lower minimum: the new one is lighter", facts: march2021, asOf: "2023-01-01",
			docs: []string{old, law("2022", "2022-01-01", "2020", acc("99.99", "200"))},
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2022", Since: "2021-03-01", Until: "2021-03-01",
				Fine: "99.99–200.00", Limitation: lim, Basis: "binding"}},
			governing: []string{"从旧兼从轻：违法行为发生时（2021-03-01）适用test/law@2020，但作出处罚决定时的规定处罚较轻"}},
		{name: "lighter new law governs", facts: march2021, asOf: "2023-01-01",
			docs: []string{old, law("2022", "2022-01-01", "2020", acc("50", "80"))},
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2022", Since: "2021-03-01", Until: "2021-03-01",
				Fine: "50.00–80.00", Limitation: lim, Basis: "binding"}}},
		{name: "after the switch: the law of its day, unchanged", asOf: "2023-01-01",
			facts: "accidents: [{date: 2022-06-01, deaths: 1, unit_liable: true}]\n",
			docs:  []string{old, law("2022", "2022-01-01", "2020", acc("300", "400"))},
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2022", Since: "2022-06-01", Until: "2022-06-01",
				Fine: "300.00–400.00", Limitation: "2 2022-06-01–2024-06-01 2022-06-01 accidents[0].date false", Basis: "binding"}},
			governing: []string{"违法行为发生时的规定（至作出处罚决定时未修改）"}},
		{name: "the new law no longer punishes it: no penalty", facts: march2021, asOf: "2023-01-01",
			docs: []string{old, law("2022", "2022-01-01", "2020", penaltiesKey+accident("acc", "item.deaths > 1", "300", "400", ""))}},
		{name: "the old law did not punish it: not retroactive", facts: march2021, asOf: "2023-01-01",
			docs: []string{law("2020", "2020-01-01", "", penaltiesKey+accident("acc", "item.deaths > 1", "1", "2", "")),
				law("2022", "2022-01-01", "2020", acc("50", "80"))}},
		{name: "before the first ruleset: no law to judge it by", asOf: "2023-01-01",
			facts: "accidents: [{date: 2019-06-01, deaths: 1, unit_liable: true}]\n",
			docs:  []string{old}},
	})
}

// A continuing state falls under each law while it lasts: one penalty a
// stretch governed by one law, with its proven days; its limitation runs
// from its end, not while it continues.
func TestContinuingAcrossLaws(t *testing.T) {
	docs := []string{
		law("2020", "2020-01-01", "", duty+penaltiesKey+uninsured("10", "20")),
		law("2022", "2022-01-01", "2020", duty+penaltiesKey+uninsured("30", "40")),
	}
	runPenaltyCases(t, []penaltyCase{
		{name: "continuing on the as-of date", facts: "operating_since: 2021-07-01\n", asOf: "2022-03-31", docs: docs,
			want: []row{
				{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2021-07-01", Until: "2021-12-31", Days: 184,
					Fine: "10.00–20.00", Limitation: "2 –   false", Basis: "binding"},
				{Violation: "uninsured", Target: "unit", Law: "test/law@2022", Since: "2022-01-01", Days: 90,
					Fine: "30.00–40.00", Limitation: "2 –   false", Basis: "binding"},
			},
			governing: []string{"继续状态", "继续状态"},
			totals:    &penalties.Totals{Counted: 2, Min: dec("40"), Max: dec("60"), MaxWithAlternatives: dec("60")}},
		{name: "ended by a policy: the period runs from its last day",
			facts: "operating_since: 2021-07-01\npolicy: {start: 2022-02-01, end: 2023-01-31}\n", asOf: "2022-06-01", docs: docs,
			want: []row{
				{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2021-07-01", Until: "2021-12-31", Days: 184,
					Fine: "10.00–20.00", Limitation: "2 2022-01-31–2024-01-31   false", Basis: "binding"},
				{Violation: "uninsured", Target: "unit", Law: "test/law@2022", Since: "2022-01-01", Until: "2022-01-31", Days: 31,
					Fine: "30.00–40.00", Limitation: "2 2022-01-31–2024-01-31   false", Basis: "binding"},
			}},
		{name: "only the as-of date proves it operating: proven from then, possibly earlier",
			facts: "", asOf: "2020-03-31", docs: docs[:1],
			want: []row{
				{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2020-03-31", SinceEarliest: "2020-01-01", Days: 1,
					Fine: "10.00–20.00", Limitation: "2 –   false", Basis: "binding"},
			}},
		// closed on or before the as-of date: the day before it is the
		// latest the stretch may have lasted, and its period runs from it
		{name: "closed on a day not given: the days after the last proof are undetermined",
			facts: "status: closed\noperating_since: 2021-01-01\npolicy_history: [{start: 2021-01-01, end: 2021-06-30}]\n",
			asOf:  "2021-12-31", docs: docs[:1],
			want: []row{
				{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2021-07-01", Until: "2021-12-30",
					Statutory: "10.00–20.00", NoFine: true, Undetermined: "closed_on", Limitation: "2 2021-12-30–2023-12-30   false", Basis: "binding"},
			}},
	})
}

// 第一百零九条's two tiers and the daily fine: a recorded first fine
// punished the stretch before (一事不再罚); the overdue fine and the daily
// fine punish one refusal and are alternatives, compared in the totals.
func TestEnforcementFines(t *testing.T) {
	docs := []string{law("2020", "2020-01-01", "", duty+penaltiesKey+uninsured("50", "100")+overdue+daily)}
	const order = "operating_since: 2025-01-01\nenforcement_records:\n  - {kind: order, date: 2025-06-01, subject: insurance, deadline: 2025-06-30}\n"
	const fine = "  - {kind: fine, date: 2025-06-01, subject: insurance, amount: 1234.56}\n"
	runPenaltyCases(t, []penaltyCase{
		{name: "an order without a fine: both tiers, no daily fine", facts: order, asOf: "2025-09-01", docs: docs,
			want: []row{
				{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2025-01-01", Days: 244, Fine: "50.00–100.00",
					Limitation: "2 – 2025-06-01 enforcement_records[0] false", Basis: "binding"},
				{Violation: "overdue", Target: "unit", Law: "test/law@2020", Since: "2025-07-01", Days: 63, Fine: "100.00–200.00",
					Limitation: "2 –   false", Basis: "binding"},
			},
			totals: &penalties.Totals{Counted: 2, Min: dec("150"), Max: dec("300"), MaxWithAlternatives: dec("300")}},
		{name: "fined, refusing: the first tier fined, the daily fine an alternative of the overdue one",
			facts: order + fine, asOf: "2025-09-01", docs: docs,
			want: []row{
				{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2025-01-01", Days: 244, Statutory: "50.00–100.00",
					NoFine: true, Fined: "enforcement_records[1] 2025-06-01 1234.56 first",
					Limitation: "2 – 2025-06-01 enforcement_records[0] false", Basis: "binding"},
				{Violation: "daily", Target: "unit", Law: "test/law@2020", Since: "2025-06-01", Until: "2025-06-01",
					PerDay: "1234.56×92=113579.52 2025-06-02–2025-09-01", Limitation: "2 2025-06-01–2027-06-01 2025-06-01 order false",
					Alt: "overdue", Group: 1, Basis: "binding"},
				{Violation: "overdue", Target: "unit", Law: "test/law@2020", Since: "2025-07-01", Days: 63, Fine: "100.00–200.00",
					Limitation: "2 –   false", Group: 1, Basis: "binding"},
			},
			totals: &penalties.Totals{Counted: 1, Fined: 1, Alternatives: 1, Min: dec("100"), Max: dec("200"), MaxWithAlternatives: dec("113579.52")}},
		{name: "refusal found by inspection inside the deadline: the daily fine counts to it",
			facts: order + fine + "  - {kind: inspection, date: 2025-06-10, subject: insurance, result: refused}\n", asOf: "2025-06-20", docs: docs,
			want: []row{
				{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2025-01-01", Days: 171, Statutory: "50.00–100.00",
					NoFine: true, Fined: "enforcement_records[1] 2025-06-01 1234.56 first",
					Limitation: "2 – 2025-06-01 enforcement_records[0] false", Basis: "binding"},
				{Violation: "daily", Target: "unit", Law: "test/law@2020", Since: "2025-06-01", Until: "2025-06-01",
					PerDay: "1234.56×9=11111.04 2025-06-02–2025-06-10", Limitation: "2 2025-06-01–2027-06-01 2025-06-01 order false",
					Basis: "binding"},
			},
			totals: &penalties.Totals{Counted: 1, Fined: 1, Min: dec("11111.04"), Max: dec("11111.04"), MaxWithAlternatives: dec("11111.04")}},
	})
}

// local restates a rule of the national law for region 65 with more tiers.
func local(body string) string {
	return `schema: anzexian/v1
id: test.xj/policy
version: "1"
status: in_force
kind: policy
title: 地方裁量基准
region: "65"
effective: {from: 2020-01-01}
sources:
  s: {title: 裁量基准}
` + body
}

// A fine is a range or an amount computed from the facts, aimed at the
// unit, its principal or the persons responsible; a discretion tier whose
// condition holds narrows it (the most local one), keeping the statutory
// range; a fact missing leaves it undetermined.
func TestFineRanges(t *testing.T) {
	const acc = "accidents: [{date: 2021-03-01, deaths: 1, unit_liable: true}]\n"
	lim := "2 2021-03-01–2023-03-01 2021-03-01 accidents[0].date false"
	tiers := `, tiers: [{id: small, when: 'employees < 10', min: "1000", max: "2000", reason: 小微}, {id: large, when: 'employees >= 100', min: "4000", max: "5000"}]`
	tiered := law("2020", "2020-01-01", "", penaltiesKey+accident("acc", "item.unit_liable", "1000", "5000", tiers))
	persons := law("2020", "2020-01-01", "", penaltiesKey+
		"  - {id: principal, title: 负责人, target: principal, each: accidents, on: item.date, when: item.unit_liable, fine: {min: principal_income * 0.3, max: principal_income * 0.3, text: 年收入百分之三十}, cite: {source: s, article: 第十条}}\n"+
		"  - {id: persons, title: 责任人员, target: responsible_persons, each: accidents, on: item.date, when: item.unit_liable, fine: {min: \"20000\", max: principal_income, text: 二万元以上、至年收入}, cite: {source: s, article: 第十一条}}\n")
	cases := []penaltyCase{
		{name: "no tier holds: the statutory range", facts: acc, asOf: "2022-01-01", docs: []string{tiered},
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
				Fine: "1000.00–5000.00", Limitation: lim, Basis: "binding"}}},
		{name: "a tier narrows it", facts: acc + "employees: 120\n", asOf: "2022-01-01", docs: []string{tiered},
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
				Fine: "4000.00–5000.00", Statutory: "1000.00–5000.00", Tier: "large@test/law@2020#acc", Limitation: lim, Basis: "binding"}}},
		{name: "the most local tier wins", facts: acc + "employees: 5\n", asOf: "2022-01-01",
			docs: []string{tiered, local(`penalties:
  - {id: xj-acc, restates: acc, tiers: [{id: xj-small, when: 'employees < 10', min: "1500", max: "1800"}], cite: {source: s, article: 三}}
`)},
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
				Fine: "1500.00–1800.00", Statutory: "1000.00–5000.00", Tier: "xj-small@test.xj/policy@1#xj-acc", Limitation: lim, Basis: "binding"}}},
		{name: "a share of an income, to the cent", facts: acc + "principal_income: 123456.78\n", asOf: "2022-01-01", docs: []string{persons},
			want: []row{
				{Violation: "principal", Target: "principal", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
					Fine: "37037.03–37037.03", Limitation: lim, Basis: "binding"},
				{Violation: "persons", Target: "responsible_persons", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
					Fine: "20000.00–123456.78", Limitation: lim, Basis: "binding"},
			},
			totals: &penalties.Totals{Counted: 2, Min: dec("57037.03"), Max: dec("160493.81"), MaxWithAlternatives: dec("160493.81")}},
		{name: "the income not given: undetermined, naming it", facts: acc, asOf: "2022-01-01", docs: []string{persons},
			want: []row{
				{Violation: "principal", Target: "principal", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
					Undetermined: "principal_income", Limitation: lim, Basis: "binding"},
				{Violation: "persons", Target: "responsible_persons", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01",
					Undetermined: "principal_income", Limitation: lim, Basis: "binding"},
			},
			totals: &penalties.Totals{Undetermined: 2, Min: dec("0"), Max: dec("0"), MaxWithAlternatives: dec("0")}},
	}
	runPenaltyCases(t, cases)
}

// The limitation period (第三十六条) bars only what was not discovered in
// time: an accident by its report, a stretch by a record about it; a
// continuing state's period runs from its end.
func TestLimitation(t *testing.T) {
	accDoc := law("2020", "2020-01-01", "", penaltiesKey+accident("acc", "item.unit_liable", "100", "200", ""))
	gapDoc := law("2020", "2020-01-01", "", duty+penaltiesKey+uninsured("10", "20"))
	const gap = "operating_since: 2020-01-01\npolicy: {start: 2020-04-01, end: 2030-12-31}\n"
	runPenaltyCases(t, []penaltyCase{
		{name: "an accident reported in time", asOf: "2022-08-01", docs: []string{accDoc},
			facts: "accidents: [{date: 2020-06-01, deaths: 1, unit_liable: true, reported_on: 2022-05-01}]\n",
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2020", Since: "2020-06-01", Until: "2020-06-01",
				Fine: "100.00–200.00", Limitation: "2 2020-06-01–2022-06-01 2022-05-01 accidents[0].reported_on false", Basis: "binding"}}},
		{name: "an accident reported too late: barred", asOf: "2022-08-01", docs: []string{accDoc},
			facts: "accidents: [{date: 2020-06-01, deaths: 1, unit_liable: true, reported_on: 2022-07-01}]\n",
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2020", Since: "2020-06-01", Until: "2020-06-01",
				Statutory: "100.00–200.00", NoFine: true, Limitation: "2 2020-06-01–2022-06-01   true", Basis: "binding"}},
			totals: &penalties.Totals{Expired: 1, Min: dec("0"), Max: dec("0"), MaxWithAlternatives: dec("0")}},
		{name: "the last day of the period: not yet barred", asOf: "2022-06-01", docs: []string{accDoc},
			facts: "accidents: [{date: 2020-06-01, deaths: 1, unit_liable: true, reported_on: 2022-07-01}]\n",
			want: []row{{Violation: "acc", Target: "unit", Law: "test/law@2020", Since: "2020-06-01", Until: "2020-06-01",
				Fine: "100.00–200.00", Limitation: "2 2020-06-01–2022-06-01   false", Basis: "binding"}}},
		{name: "a gap ended over two years ago, never discovered: barred", facts: gap, asOf: "2022-04-01", docs: []string{gapDoc},
			want: []row{{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2020-01-01", Until: "2020-03-31", Days: 91,
				Statutory: "10.00–20.00", NoFine: true, Limitation: "2 2020-03-31–2022-03-31   true", Basis: "binding"}}},
		{name: "the same gap, ordered about in time: discovered",
			facts: gap + "enforcement_records:\n  - {kind: order, date: 2021-05-01, subject: insurance, period: {from: 2020-01-01, to: 2020-03-31}}\n",
			asOf:  "2022-04-01", docs: []string{gapDoc},
			want: []row{{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2020-01-01", Until: "2020-03-31", Days: 91,
				Fine: "10.00–20.00", Limitation: "2 2020-03-31–2022-03-31 2021-05-01 enforcement_records[0] false", Basis: "binding"}}},
		{name: "a record about another subject discovers nothing",
			facts: gap + "enforcement_records:\n  - {kind: order, date: 2021-05-01, subject: hazard}\n",
			asOf:  "2022-04-01", docs: []string{gapDoc},
			want: []row{{Violation: "uninsured", Target: "unit", Law: "test/law@2020", Since: "2020-01-01", Until: "2020-03-31", Days: 91,
				Statutory: "10.00–20.00", NoFine: true, Limitation: "2 2020-03-31–2022-03-31   true", Basis: "binding"}}},
	})
}

// An aggravated range is an alternative of the base range for the same
// accident: one group each accident, compared and never added. Penalties
// come in the order of the day they began, stably.
func TestAlternatives(t *testing.T) {
	doc := law("2020", "2020-01-01", "", penaltiesKey+
		accident("base", "item.unit_liable", "300", "1000", "")+
		accident("aggravated", "item.unit_liable && item.especially_serious", "600", "5000", ", alternative_of: base"))
	const lim1, lim2 = "2 2021-03-01–2023-03-01 2021-03-01 accidents[0].date false", "2 2021-04-01–2023-04-01 2021-04-01 accidents[1].date false"
	runPenaltyCases(t, []penaltyCase{
		{name: "two accidents, one aggravated", asOf: "2022-01-01", docs: []string{doc},
			facts: "accidents:\n  - {date: 2021-03-01, deaths: 1, unit_liable: true, especially_serious: true}\n  - {date: 2021-04-01, deaths: 1, unit_liable: true}\n",
			want: []row{
				{Violation: "base", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01", Fine: "300.00–1000.00", Limitation: lim1, Group: 1, Basis: "binding"},
				{Violation: "aggravated", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01", Fine: "600.00–5000.00", Limitation: lim1, Alt: "base", Group: 1, Basis: "binding"},
				{Violation: "base", Target: "unit", Law: "test/law@2020", Since: "2021-04-01", Until: "2021-04-01", Fine: "300.00–1000.00", Limitation: lim2, Basis: "binding"},
			},
			totals: &penalties.Totals{Counted: 2, Alternatives: 1, Min: dec("600"), Max: dec("2000"), MaxWithAlternatives: dec("6000")}},
		{name: "two aggravated accidents: two groups", asOf: "2022-01-01", docs: []string{doc},
			facts: "accidents:\n  - {date: 2021-03-01, deaths: 1, unit_liable: true, especially_serious: true}\n  - {date: 2021-04-01, deaths: 1, unit_liable: true, especially_serious: true}\n",
			want: []row{
				{Violation: "base", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01", Fine: "300.00–1000.00", Limitation: lim1, Group: 1, Basis: "binding"},
				{Violation: "aggravated", Target: "unit", Law: "test/law@2020", Since: "2021-03-01", Until: "2021-03-01", Fine: "600.00–5000.00", Limitation: lim1, Alt: "base", Group: 1, Basis: "binding"},
				{Violation: "base", Target: "unit", Law: "test/law@2020", Since: "2021-04-01", Until: "2021-04-01", Fine: "300.00–1000.00", Limitation: lim2, Group: 2, Basis: "binding"},
				{Violation: "aggravated", Target: "unit", Law: "test/law@2020", Since: "2021-04-01", Until: "2021-04-01", Fine: "600.00–5000.00", Limitation: lim2, Alt: "base", Group: 2, Basis: "binding"},
			},
			totals: &penalties.Totals{Counted: 2, Alternatives: 2, Min: dec("600"), Max: dec("2000"), MaxWithAlternatives: dec("10000")}},
	})
}

// A penalty resting only on a draft — its own rule, or the duty it
// breaks — is marked draft and counted apart.
func TestDraftBasis(t *testing.T) {
	draft := func(body string) string {
		return strings.Replace(strings.Replace(local(body), "status: in_force", "status: draft", 1), "id: test.xj/policy", "id: test.xj/draft", 1)
	}
	required := law("2020", "2020-01-01", "", penaltiesKey+
		"  - {id: uninsured-required, title: 未投保, each: uninsured_periods, continuing: true, when: 'obligation == \"required\"', subject: insurance, fine: {min: \"10\", max: \"20\"}, cite: {source: s, article: 第五条}}\n")
	runPenaltyCases(t, []penaltyCase{
		{name: "the rule is a draft's", asOf: "2022-01-01", docs: []string{law("2020", "2020-01-01", "", ""), draft(penaltiesKey + accident("acc", "item.unit_liable", "100", "200", ""))},
			facts: "accidents: [{date: 2021-03-01, deaths: 1, unit_liable: true}]\n",
			want: []row{{Violation: "acc", Target: "unit", Law: "test.xj/draft@1", Since: "2021-03-01", Until: "2021-03-01",
				Fine: "100.00–200.00", Limitation: "2 2021-03-01–2023-03-01 2021-03-01 accidents[0].date false", Basis: "draft"}},
			totals: &penalties.Totals{Draft: 1, Min: dec("0"), Max: dec("0"), MaxWithAlternatives: dec("0")}},
		{name: "the duty is a draft's", asOf: "2021-12-31", facts: "operating_since: 2021-07-01\n",
			docs: []string{required, draft("coverage:\n  - {id: xj-duty, obligation: required, text: 应当投保, cite: {source: s, article: 二}}\n")},
			want: []row{{Violation: "uninsured-required", Target: "unit", Law: "test/law@2020", Since: "2021-07-01", Days: 184,
				Fine: "10.00–20.00", Limitation: "2 –   false", Basis: "draft"}},
			totals: &penalties.Totals{Draft: 1, Min: dec("0"), Max: dec("0"), MaxWithAlternatives: dec("0")}},
	})
}

// Sum adds the counted penalties' fines (a daily fine's total as both
// bounds), counts the others apart, and compares alternatives: a group
// reaches the largest maximum of its members, once.
func TestSum(t *testing.T) {
	fine := func(min, max string) *penalties.Range { return &penalties.Range{Min: dec(min), Max: dec(max)} }
	expired := &penalties.Limitation{Years: 2, Expired: true}
	running := &penalties.Limitation{Years: 2}
	tests := []struct {
		name string
		ps   []penalties.Penalty
		want penalties.Totals
	}{
		{name: "none", want: penalties.Totals{}},
		{name: "ranges and a daily fine add",
			ps: []penalties.Penalty{
				{Violation: "a", Fine: fine("50000", "100000.01"), Limitation: running, Basis: penalties.BasisBinding},
				{Violation: "b", PerDay: &penalties.PerDay{Amount: dec("1234.56"), Days: 92, Total: dec("113579.52")}, Basis: penalties.BasisBinding},
				{Violation: "c", NoFine: "罚则未规定罚款", Basis: penalties.BasisBinding},
			},
			want: penalties.Totals{Counted: 3, Min: dec("163579.52"), Max: dec("213579.53"), MaxWithAlternatives: dec("213579.53")}},
		{name: "each kind counted apart, the first reason winning",
			ps: []penalties.Penalty{
				{Violation: "u", Fine: fine("1", "2"), Undetermined: []string{"principal_income"}, Limitation: expired},
				{Violation: "e", Statutory: fine("1", "2"), Limitation: expired, Fined: &penalties.Fined{Amount: dec("1")}},
				{Violation: "f", Statutory: fine("1", "2"), Fined: &penalties.Fined{Amount: dec("1")}, Basis: penalties.BasisDraft},
				{Violation: "d", Fine: fine("1", "2"), Basis: penalties.BasisDraft},
				{Violation: "k", Fine: fine("10", "20"), Basis: penalties.BasisBinding},
			},
			want: penalties.Totals{Counted: 1, Undetermined: 1, Expired: 1, Fined: 1, Draft: 1, Min: dec("10"), Max: dec("20"), MaxWithAlternatives: dec("20")}},
		{name: "the largest alternative of a group, once",
			ps: []penalties.Penalty{
				{Violation: "base", Fine: fine("100", "200"), Group: 1},
				{Violation: "alt1", Fine: fine("150", "300"), AlternativeOf: "base", Group: 1},
				{Violation: "alt2", PerDay: &penalties.PerDay{Total: dec("1000")}, AlternativeOf: "base", Group: 1},
				{Violation: "alt3", Undetermined: []string{"x"}, AlternativeOf: "base", Group: 1},
				{Violation: "base", Fine: fine("100", "200"), Group: 2},
				{Violation: "alt1", Fine: fine("50", "150"), AlternativeOf: "base", Group: 2},
			},
			want: penalties.Totals{Counted: 2, Alternatives: 4, Min: dec("200"), Max: dec("400"), MaxWithAlternatives: dec("1200")}},
		{name: "an alternative of a base not counted counts nowhere",
			ps: []penalties.Penalty{
				{Violation: "base", Fine: fine("100", "200"), Group: 1, Limitation: expired},
				{Violation: "alt", Fine: fine("150", "300"), AlternativeOf: "base", Group: 1},
			},
			want: penalties.Totals{Expired: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := penalties.Sum(tt.ps)
			if diff := cmp.Diff(tt.want, got, decimalEqual); diff != "" {
				t.Errorf("Sum (-want +got):\n%s", diff)
			}
			counted := 0
			for i := range tt.ps {
				if tt.ps[i].Counted() {
					counted++
				}
			}
			if counted != got.Counted {
				t.Errorf("%d penalties say Counted, Sum counted %d", counted, got.Counted)
			}
			// totals of parts add up to the total of the whole
			var parts penalties.Totals
			parts.Add(penalties.Sum(tt.ps[:len(tt.ps)/2]))
			parts.Add(penalties.Sum(tt.ps[len(tt.ps)/2:]))
			if len(tt.ps) < 2 || tt.ps[len(tt.ps)/2].Group == 0 {
				if diff := cmp.Diff(got, parts, decimalEqual); diff != "" {
					t.Errorf("Sum of halves added (-whole +parts):\n%s", diff)
				}
			}
		})
	}
}

// Amounts are written with two decimal places.
func TestMarshalAmounts(t *testing.T) {
	tests := []struct {
		v    interface{ MarshalJSON() ([]byte, error) }
		want string
	}{
		{penalties.Range{Min: dec("1.5"), Max: dec("200000")}, `{"min":"1.50","max":"200000.00"}`},
		{penalties.PerDay{Amount: dec("1234.56"), From: facts.MustParseDate("2025-06-02"), Through: facts.MustParseDate("2025-09-01"), Days: 92, Total: dec("113579.52")},
			`{"amount":"1234.56","from":"2025-06-02","through":"2025-09-01","days":92,"total":"113579.52"}`},
		{penalties.Fined{Record: "enforcement_records[1]", Date: facts.MustParseDate("2025-06-01"), Amount: dec("50000"), Tier: "first"},
			`{"record":"enforcement_records[1]","date":"2025-06-01","amount":"50000.00","tier":"first"}`},
		{penalties.Fined{Record: "r", Date: facts.MustParseDate("2025-06-01"), Amount: dec("0.005")},
			`{"record":"r","date":"2025-06-01","amount":"0.01"}`},
	}
	for _, tt := range tests {
		b, err := tt.v.MarshalJSON()
		if err != nil || string(b) != tt.want {
			t.Errorf("%T: got %s, %v; want %s", tt.v, b, err, tt.want)
		}
	}
}

// A state on the decision date is judged by the law of that date; an event
// whose rule reads the obligation is judged, under the decision law, by the
// obligation of its own day.
func TestStatesAndObligationEvents(t *testing.T) {
	state := penaltiesKey + "  - {id: big, title: 规模, when: 'employees >= 100', since: operating_since, subject: hazard, fine: {min: \"10\", max: \"20\"}, cite: {source: s, article: 第七条}}\n"
	surrender := "  - {id: surrender, title: 退保, each: 'filter(policy_history, .surrendered_on != nil)', on: item.surrendered_on, when: 'obligation == \"mandatory\"', subject: insurance, no_fine: 只责令改正, cite: {source: s, article: 第八条}}\n"
	docs := []string{law("2020", "2020-01-01", "", ""), law("2022", "2022-01-01", "2020", duty+penaltiesKey+surrender)}
	runPenaltyCases(t, []penaltyCase{
		{name: "a state, since when a fact says", facts: "employees: 120\noperating_since: 2021-05-01\n", asOf: "2022-01-01",
			docs: []string{law("2020", "2020-01-01", "", state)},
			want: []row{{Violation: "big", Target: "unit", Law: "test/law@2020", Since: "2021-05-01", Fine: "10.00–20.00",
				Limitation: "2 –   false", Basis: "binding"}},
			governing: []string{"作出处罚决定时（评估日）的规定"}},
		{name: "a state that does not hold", facts: "employees: 99\n", asOf: "2022-01-01", docs: []string{law("2020", "2020-01-01", "", state)}},
		{name: "a surrender under the duty", asOf: "2023-01-01", docs: docs,
			facts: "operating_since: 2020-01-01\npolicy_history: [{start: 2022-01-01, end: 2022-12-31, surrendered_on: 2022-06-01}]\n",
			want: []row{
				{Violation: "surrender", Target: "unit", Law: "test/law@2022", Since: "2022-06-01", Until: "2022-06-01", NoFine: true,
					Limitation: "2 2022-06-01–2024-06-01   false", Basis: "binding"},
			}},
		{name: "a surrender before the duty: not retroactive", asOf: "2023-01-01", docs: docs,
			facts: "operating_since: 2020-01-01\npolicy_history: [{start: 2021-01-01, end: 2021-12-31, surrendered_on: 2021-06-01}]\n"},
	})
}

// A condition that needs a fact not given leaves the rule undetermined,
// naming the fact; the trace says what each rule did.
func TestUndeterminedRuleAndTrace(t *testing.T) {
	doc := law("2020", "2020-01-01", "", penaltiesKey+
		accident("rich", "principal_income > 100000", "1", "2", "")+
		accident("acc", "item.unit_liable", "100", "200", "")+
		accident("never", "item.deaths > 5", "1", "2", ""))
	res := evaluateTrace(t, true, plant+"employees: 50\naccidents: [{date: 2021-03-01, deaths: 1, unit_liable: true}, {date: 2019-03-01, deaths: 1, unit_liable: true}]\n", "2022-01-01", doc)
	if len(res.Undetermined) != 1 || res.Undetermined[0].Rule != "test/law@2020#rich" || strings.Join(res.Undetermined[0].Missing, ",") != "principal_income" {
		t.Errorf("undetermined = %+v, want test/law@2020#rich missing principal_income", res.Undetermined)
	}
	var got []string
	for _, e := range res.Trace {
		got = append(got, e.Rule+" "+e.Outcome)
	}
	want := []string{
		"test/law@2020#rich undetermined", "test/law@2020#rich skipped", // 2019: no law then
		"test/law@2020#acc matched", "test/law@2020#acc skipped",
		"test/law@2020#never not_matched", "test/law@2020#never skipped",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
	if len(res.Penalties) != 1 || res.Penalties[0].Violation != "acc" {
		t.Errorf("penalties = %+v, want the 2021 accident's only", res.Penalties)
	}
}

// A rule whose condition reads only its occurrence (an accident's own
// fields) is decided once when the same rule is in force on both days;
// when the rules of the two days differ, both are still asked, so that the
// trace says why nothing follows and an old rule's missing fact is still
// reported.
func TestEventConditionOnBothDays(t *testing.T) {
	acc := func(when string) string { return penaltiesKey + accident("acc", when, "1", "2", "") }
	for _, c := range []struct {
		name, facts  string
		docs         []string
		trace        []string
		undetermined string
		penalties    int
	}{
		{name: "the same rule, not holding: not matched", facts: "accidents: [{date: 2022-06-01, deaths: 1, unit_liable: false}]\n",
			docs:  []string{law("2020", "2020-01-01", "", acc("item.unit_liable")), law("2022", "2022-01-01", "2020", acc("item.unit_liable"))},
			trace: []string{"test/law@2022#acc not_matched"}},
		{name: "the old rule holds, the new one does not: skipped, as the new law says", facts: "accidents: [{date: 2021-03-01, deaths: 1, unit_liable: true}]\n",
			docs:  []string{law("2020", "2020-01-01", "", acc("item.unit_liable")), law("2022", "2022-01-01", "2020", acc("item.deaths > 1"))},
			trace: []string{"test/law@2022#acc skipped 作出处罚决定时的规定已不认为是违法行为"}},
		{name: "the old rule needs a fact not given: undetermined", facts: "accidents: [{date: 2021-03-01, deaths: 1, unit_liable: true}]\n",
			docs:         []string{law("2020", "2020-01-01", "", acc("principal_income > 100000 && item.unit_liable")), law("2022", "2022-01-01", "2020", acc("item.deaths > 1"))},
			trace:        []string{"test/law@2020#acc undetermined"},
			undetermined: "test/law@2020#acc"},
		{name: "the same rule reading the obligation: asked on the day, mandatory then (not on the decision date)", facts: "accidents: [{date: 2021-06-01, deaths: 1, unit_liable: true}]\n",
			docs: []string{law("2020", "2020-01-01", "", "coverage:\n  - {id: recent, obligation: mandatory, when: 'len(accidents_within(1)) > 0', text: 近一年有事故的应当投保, cite: {source: s, article: 第二条}}\n"+
				acc(`obligation == "mandatory" && item.unit_liable`))},
			trace: []string{"test/law@2020#acc matched"}, penalties: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := evaluateTrace(t, true, plant+"employees: 50\n"+c.facts, "2023-01-01", c.docs...)
			var got []string
			for _, e := range res.Trace {
				if strings.HasSuffix(e.Rule, "#acc") {
					s := e.Rule + " " + e.Outcome
					if e.Outcome == "skipped" {
						s += " " + strings.TrimSuffix(strings.SplitN(e.Detail, "：", 2)[1], "，适用新的规定（从旧兼从轻）")
					}
					got = append(got, s)
				}
			}
			if diff := cmp.Diff(c.trace, got); diff != "" {
				t.Errorf("trace (-want +got):\n%s", diff)
			}
			var und []string
			for _, u := range res.Undetermined {
				und = append(und, u.Rule)
			}
			if strings.Join(und, ",") != c.undetermined {
				t.Errorf("undetermined %v, want %q", und, c.undetermined)
			}
			if len(res.Penalties) != c.penalties {
				t.Errorf("penalties %+v, want %d", res.Penalties, c.penalties)
			}
		})
	}
}

// An event whose rule is the same on the day it happened and on the
// decision date, its condition reading only the event, is judged once:
// the penalty of the day it happened, under a law unchanged since, even
// where a local discretion tier came into force in between (it narrows
// the fines of events after it); a rule whose daily fine counts no days
// gives none on either day.
func TestEventHoldingOnBothDays(t *testing.T) {
	const acc = "accidents: [{date: 2021-03-01, deaths: 1, unit_liable: true}]\n"
	tiered := law("2020", "2020-01-01", "", penaltiesKey+accident("acc", "item.unit_liable", "1000", "5000", ""))
	later := strings.Replace(local(`penalties:
  - {id: xj-acc, restates: acc, tiers: [{id: xj-small, when: 'employees < 10', min: "1500", max: "1800"}], cite: {source: s, article: 三}}
`), "effective: {from: 2020-01-01}", "effective: {from: 2022-01-01}", 1)
	for _, c := range []struct {
		name, asOf string
		docs       []string
		fine       string
	}{
		{"one stack on both days", "2021-06-01", []string{tiered}, "1000.00–5000.00"},
		{"a tier in force after the event", "2023-01-01", []string{tiered, later}, "1000.00–5000.00"},
		{"the tier in force on the day", "2023-01-01", []string{tiered, strings.Replace(later, "2022-01-01", "2021-01-01", 1)}, "1500.00–1800.00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := evaluateTrace(t, true, plant+"employees: 5\n"+acc, c.asOf, c.docs...)
			if len(res.Penalties) != 1 {
				t.Fatalf("penalties %+v, want 1", res.Penalties)
			}
			p := res.Penalties[0]
			if got := p.Fine.Min.StringFixed(2) + "–" + p.Fine.Max.StringFixed(2); got != c.fine || p.Governing != "违法行为发生时的规定（至作出处罚决定时未修改）" || p.Law != "test/law@2020" {
				t.Errorf("fine %s under %s (%s), want %s under test/law@2020, the law unchanged", got, p.Law, p.Governing, c.fine)
			}
		})
	}
	noDays := law("2020", "2020-01-01", "", penaltiesKey+
		"  - {id: daily, title: 按日, each: accidents, on: item.date, when: item.unit_liable, per_day: {amount: \"100\", from: item.date, through: date(\"2020-06-01\")}, cite: {source: s, article: 第六条}}\n")
	res := evaluateTrace(t, true, plant+"employees: 5\n"+acc, "2023-01-01", noDays)
	if len(res.Penalties) != 0 {
		t.Errorf("a daily fine of no days: penalties %+v, want none", res.Penalties)
	}
}

// Consequences apply as their conditions say, on the obligation coverage
// set.
func TestConsequences(t *testing.T) {
	doc := law("2020", "2020-01-01", "", duty+`consequences:
  - {id: no-grading, when: '!insured && obligation == "mandatory"', kind: precondition, text: 不得评为标准化企业, cite: {source: s, article: 第十二条}}
  - {id: credit, when: 'insured', text: 信贷优先, cite: {source: s, article: 第十三条}}
  - {id: income, when: 'principal_income > 0', text: 需要收入, cite: {source: s, article: 第十四条}}
`)
	for _, tc := range []struct {
		facts string
		want  []string
		und   int
	}{
		{"operating_since: 2021-01-01\n", []string{"no-grading@test/law@2020#no-grading precondition 第十二条"}, 1},
		{"policy: {start: 2021-01-01, end: 2022-12-31}\nprincipal_income: 1\n", []string{"credit@test/law@2020#credit  第十三条", "income@test/law@2020#income  第十四条"}, 0},
	} {
		st, ev := testkit.Bind(t, plant+"employees: 50\n"+tc.facts, "2022-01-01", doc)
		coverage.Evaluate(st, ev, coverage.Options{})
		cs, und, tr := penalties.Consequences(st, ev, true)
		var got []string
		for _, c := range cs {
			got = append(got, fmt.Sprintf("%s@%s %s %s", c.ID, c.Rule, c.Kind, c.Cite[0].Article))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: consequences (-want +got):\n%s", tc.facts, diff)
		}
		if len(und) != tc.und || len(tr) != 3 {
			t.Errorf("%s: %d undetermined, %d trace entries; want %d and 3", tc.facts, len(und), len(tr), tc.und)
		}
	}
}

// A timeline with more obligation stretches than timeline.MaxStretches
// keeps the latest: a continuing state that began in the omitted stretches
// is still judged on the kept ones (it was dropped whole, the stretch of
// its first day not found).
func TestContinuingPastOmittedStretches(t *testing.T) {
	// the obligation changes every day: mandatory on the days an odd number
	// of days after 2019-01-01; 1097 days to 2023-01-01, the first 97
	// omitted, so the kept ones run from 2020-04-07 (462 days after:
	// encouraged) and 500 of them are mandatory. The days before, from
	// operating_since, are omitted: the answer reads the timeline it
	// shows and judges none of them.
	doc := law("2020", "2020-01-01", "", "coverage:\n"+
		"  - {id: enc, obligation: encouraged, text: e, cite: {source: s, article: 第一条}}\n"+
		"  - {id: odd, when: 'days_between(date(\"2019-01-01\"), as_of) % 2 == 1', obligation: mandatory, text: o, cite: {source: s, article: 第一条}}\n"+
		penaltiesKey+uninsured("1", "2"))
	res := evaluate(t, plant+"employees: 50\noperating_since: 2020-04-01\n", "2023-01-01", doc)
	ps := res.Penalties
	if len(ps) != 500 {
		t.Fatalf("%d penalties, want one for each of the 500 mandatory days kept", len(ps))
	}
	if first, last := ps[0], ps[len(ps)-1]; first.Since.String() != "2020-04-08" || first.Until.String() != "2020-04-08" || first.Days != 1 ||
		last.Since.String() != "2023-01-01" || !last.Until.IsZero() {
		t.Errorf("first %s–%s (%d days), last %s–%s; want 2020-04-08 for one day, and 2023-01-01 continuing",
			first.Since, first.Until, first.Days, last.Since, last.Until)
	}
	// each day is a violation of its own: the 134 mandatory days of 2020
	// ended over two years before the as-of date
	tot := penalties.Sum(ps)
	if tot.Counted != 366 || tot.Expired != 134 || !tot.Max.Equal(dec("732")) {
		t.Errorf("Sum: %d counted, %d expired, max %s; want 366, 134 and 732", tot.Counted, tot.Expired, tot.Max)
	}
}

// A policy short of the national rules is a continuing violation over the
// days the facts prove it (a headcount is a fact of the as-of date only),
// with the earliest day it may have begun.
func TestUnderinsured(t *testing.T) {
	doc := law("2020", "2020-01-01", "", duty+penaltiesKey+
		"  - {id: underinsured, title: 投保不符合规定, each: underinsured_periods, continuing: true, when: 'obligation == \"mandatory\"', subject: insurance, fined_by: first, fine: {min: \"50\", max: \"100\"}, cite: {source: s, article: 第五条}}\n")
	d := facts.MustParseDate
	tests := []struct {
		name, facts, asOf string
		deficient         []lang.Deficiency
		want              []row
	}{
		{name: "the headcount: proven on the as-of date, possibly from the policy's start",
			facts: "operating_since: 2025-07-01\npolicy: {start: 2025-07-01, end: 2026-06-30}\n", asOf: "2026-01-01",
			deficient: []lang.Deficiency{{From: d("2026-01-01"), Earliest: d("2025-07-01"), ConcludedOn: d("2025-07-01"), Fields: []string{"cover_all_employees"}}},
			want: []row{{Violation: "underinsured", Target: "unit", Law: "test/law@2020", Since: "2026-01-01", SinceEarliest: "2025-07-01", Days: 1,
				Fine: "50.00–100.00", Limitation: "2 –   false", Basis: "binding"}}},
		{name: "a limit too low over the whole policy, ended",
			facts: "operating_since: 2024-07-01\npolicy: {start: 2024-07-01, end: 2025-06-30}\n", asOf: "2025-09-01",
			deficient: []lang.Deficiency{{From: d("2024-07-01"), To: d("2025-06-30"), ConcludedOn: d("2024-07-01"), Fields: []string{"death_limit_min"}}},
			want: []row{{Violation: "underinsured", Target: "unit", Law: "test/law@2020", Since: "2024-07-01", Until: "2025-06-30", Days: 365,
				Fine: "50.00–100.00", Limitation: "2 2025-06-30–2027-06-30   false", Basis: "binding"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := evaluateWith(t, false, nil, tt.deficient, plant+"employees: 50\n"+tt.facts, tt.asOf, doc)
			var got []row
			for i := range res.Penalties {
				if res.Penalties[i].Violation == "underinsured" {
					got = append(got, rowOf(&res.Penalties[i]))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("penalties (-want +got):\n%s", diff)
			}
		})
	}
}

// An event on a day whose obligation stretch the timeline omitted (more
// than timeline.MaxStretches) is judged under the obligation of its day,
// decided for it, not under none.
func TestEventInOmittedStretches(t *testing.T) {
	// mandatory on the days an odd number of days after 2019-01-01: the
	// stretches before 2020-04-07 are omitted on 2023-01-01
	doc := law("2020", "2020-01-01", "", "coverage:\n"+
		"  - {id: enc, obligation: encouraged, text: e, cite: {source: s, article: 第一条}}\n"+
		"  - {id: odd, when: 'days_between(date(\"2019-01-01\"), as_of) % 2 == 1', obligation: mandatory, text: o, cite: {source: s, article: 第一条}}\n"+
		penaltiesKey+
		"  - {id: surrender, title: 退保, each: 'filter(policy_history, .surrendered_on != nil)', on: item.surrendered_on, when: 'obligation == \"mandatory\"', no_fine: 只责令改正, cite: {source: s, article: 第八条}}\n")
	runPenaltyCases(t, []penaltyCase{
		{name: "a mandatory day (425 days after)", asOf: "2023-01-01", docs: []string{doc},
			facts: "operating_since: 2020-01-01\npolicy_history: [{start: 2020-01-01, end: 2020-12-31, surrendered_on: 2020-03-01}]\n",
			want: []row{{Violation: "surrender", Target: "unit", Law: "test/law@2020", Since: "2020-03-01", Until: "2020-03-01", NoFine: true,
				Limitation: "2 2020-03-01–2022-03-01   true", Basis: "binding"}}},
		{name: "an encouraged day", asOf: "2023-01-01", docs: []string{doc},
			facts: "operating_since: 2020-01-01\npolicy_history: [{start: 2020-01-01, end: 2020-12-31, surrendered_on: 2020-03-02}]\n"},
	})
}

// Sum's fixed-point sums are decimal arithmetic's, number and exponent, on
// generated books: amounts with two places, none, or many, huge ones past
// an int64, alternatives in groups.
func TestSumIsDecimalArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	amount := func() decimal.Decimal {
		switch r.IntN(6) {
		case 0:
			return decimal.New(r.Int64N(1e9), -2)
		case 1:
			return decimal.New(r.Int64N(1e6), 0)
		case 2:
			return decimal.New(r.Int64N(1e15), -int32(r.IntN(8)))
		case 3: // past an int64
			return decimal.RequireFromString("98765432109876543210987." + strconv.Itoa(r.IntN(100)))
		case 4:
			return decimal.New(r.Int64N(1e17), int32(r.IntN(3)))
		}
		return decimal.Zero
	}
	// the decimal arithmetic Sum stands for
	plain := func(ps []penalties.Penalty) (min, max, maxAlt decimal.Decimal) {
		min, max, maxAlt = decimal.Zero, decimal.Zero, decimal.Zero
		best, base := map[int]decimal.Decimal{}, map[int]bool{}
		for _, p := range ps {
			if p.AlternativeOf != "" {
				if b, seen := best[p.Group]; p.Group != 0 && (!seen || p.Fine.Max.GreaterThan(b)) {
					best[p.Group] = p.Fine.Max
				}
				continue
			}
			if !p.Counted() {
				continue
			}
			min, max, maxAlt = min.Add(p.Fine.Min), max.Add(p.Fine.Max), maxAlt.Add(p.Fine.Max)
			if p.Group != 0 {
				base[p.Group] = true
			}
		}
		for _, p := range ps {
			if p.AlternativeOf != "" || p.Group == 0 || !base[p.Group] {
				continue
			}
			if b, ok := best[p.Group]; ok && b.GreaterThan(p.Fine.Max) {
				maxAlt = maxAlt.Add(b.Sub(p.Fine.Max))
			}
			delete(best, p.Group)
		}
		return min, max, maxAlt
	}
	same := func(a, b decimal.Decimal) bool { return a.Equal(b) && a.Exponent() == b.Exponent() }
	for i := range 3000 {
		ps := make([]penalties.Penalty, r.IntN(8))
		for k := range ps {
			lo, hi := amount(), amount()
			if lo.GreaterThan(hi) {
				lo, hi = hi, lo
			}
			ps[k] = penalties.Penalty{Violation: "v", Fine: &penalties.Range{Min: lo, Max: hi}, Basis: penalties.BasisBinding, Group: r.IntN(3)}
			if ps[k].Group != 0 && r.IntN(2) == 0 {
				ps[k].AlternativeOf = "v"
			}
			if r.IntN(6) == 0 {
				ps[k].Basis = penalties.BasisDraft
			}
		}
		got := penalties.Sum(ps)
		min, max, maxAlt := plain(ps)
		if got.Counted == 0 {
			continue // nothing added: the zero decimals
		}
		if !same(got.Min, min) || !same(got.Max, max) || !same(got.MaxWithAlternatives, maxAlt) {
			t.Fatalf("book %d: Sum gives %s, %s, %s; decimal arithmetic %s, %s, %s (exponents %d %d %d / %d %d %d)", i,
				got.Min, got.Max, got.MaxWithAlternatives, min, max, maxAlt,
				got.Min.Exponent(), got.Max.Exponent(), got.MaxWithAlternatives.Exponent(), min.Exponent(), max.Exponent(), maxAlt.Exponent())
		}
	}
}

// A consequence's citation with a condition is given only when it holds,
// also for answers on one stack (whose lists, when every citation is
// static, are shared by the answers with the same consequences applying).
func TestConsequenceConditionalCitation(t *testing.T) {
	bind := testkit.Binder(t, law("2020", "2020-01-01", "", duty+`consequences:
  - {id: credit, when: 'true', text: 信贷优先, cite: [{source: s, article: 第十三条}, {source: s, article: 第十四条, when: 'employees > 100'}]}
`))
	for _, c := range []struct {
		employees int
		want      []string
	}{{50, []string{"第十三条"}}, {200, []string{"第十三条", "第十四条"}}, {50, []string{"第十三条"}}} {
		st, ev := bind(plant+fmt.Sprintf("employees: %d\n", c.employees), "2022-01-01")
		coverage.Evaluate(st, ev, coverage.Options{})
		cs, _, _ := penalties.Consequences(st, ev, false)
		var got []string
		for _, ct := range cs[0].Cite {
			got = append(got, ct.Article)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%d employees: articles (-want +got):\n%s", c.employees, diff)
		}
	}
}

// The consequences of a stack are listed once for each set that applies
// and shared by the answers with that set (their citations are static):
// over every set of six, asked in an order that meets each set after sets
// that differ from it by one, each answer lists exactly its own.
func TestSharedConsequences(t *testing.T) {
	var body strings.Builder
	body.WriteString("consequences:\n")
	for i := range 6 {
		fmt.Fprintf(&body, "  - {id: c%d, when: 'employees %% %d >= %d', text: 后果%d, cite: {source: s, article: 第%d条}}\n", i, 2<<i, 1<<i, i, i+1)
	}
	bind := testkit.Binder(t, law("2020", "2020-01-01", "", duty+body.String()))
	var first *penalties.Consequence
	for round := range 3 {
		for k := range 64 {
			if round == 1 {
				k ^= k >> 1 // Gray code: each set one from the last
			}
			st, ev := bind(plant+fmt.Sprintf("employees: %d\n", k), "2022-01-01")
			coverage.Evaluate(st, ev, coverage.Options{})
			cs, _, _ := penalties.Consequences(st, ev, round == 2)
			var want, got []string
			for i := range 6 {
				if k>>i&1 == 1 {
					want = append(want, fmt.Sprintf("c%d 后果%d 第%d条", i, i, i+1))
				}
			}
			for _, c := range cs {
				got = append(got, fmt.Sprintf("%s %s %s", c.ID, c.Text, c.Cite[0].Article))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("round %d, employees %d: consequences (-want +got):\n%s", round, k, diff)
			}
			if k == 63 {
				if round > 0 && &cs[0] != first {
					t.Errorf("round %d: the six consequences were listed again, not shared", round)
				}
				first = &cs[0]
			}
		}
	}
}
