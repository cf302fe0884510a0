package rulesets_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// evalFor returns an Eval reset for facts on asOf over a one-rule stack.
func evalFor(t *testing.T, factsText, at string) (*lang.Eval, *rulesets.Stack) {
	t.Helper()
	reg := loadDoc(t, exprDoc("true"))
	d := facts.MustParseDate(at)
	st, err := reg.Stack("430100", d, "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, mustFacts(t, factsText), d, ""); err != nil {
		t.Fatal(err)
	}
	return ev, st
}

func TestTimeline(t *testing.T) {
	type period struct{ From, To string }
	periods := func(ps []facts.Period) []period {
		out := []period{}
		for _, p := range ps {
			out = append(out, period{p.From.String(), p.To.String()})
		}
		return out
	}
	for _, c := range []struct {
		name       string
		facts      string
		at         string
		insured    bool
		uninsured  []period
		late       []period
		wantIgnore []string
	}{
		{
			name:      "never insured, operating since a known date",
			facts:     bareFacts + "operating_since: 2020-01-01\n",
			uninsured: []period{{"2020-01-01", ""}},
			late:      []period{},
		},
		{
			name:    "insured today, an earlier surrender leaves a gap",
			facts:   bareFacts + completeHistory + "operating_since: 2010-05-01\n",
			insured: true,
			uninsured: []period{
				{"2010-05-01", "2022-12-31"},
				{"2024-07-01", "2025-05-31"},
			},
			late: []period{{"2024-07-01", "2025-05-31"}},
		},
		{
			name:      "without operating_since the time before the first policy is a stretch of unknown start",
			facts:     bareFacts + completeHistory,
			insured:   true,
			uninsured: []period{{"", "2022-12-31"}, {"2024-07-01", "2025-05-31"}},
			late:      []period{{"2024-07-01", "2025-05-31"}},
		},
		{
			name:      "adjacent policies leave no gap; the lapse after the last runs on",
			facts:     bareFacts + "policy_history:\n  - {start: 2023-01-01, end: 2023-12-31}\n  - {start: 2024-01-01, end: 2024-12-31}\n",
			uninsured: []period{{"", "2022-12-31"}, {"2025-01-01", ""}},
			late:      []period{{"2025-01-01", ""}},
		},
		{
			name:    "policy end is inclusive",
			facts:   bareFacts + "policy: {start: 2025-01-01, end: 2025-12-31}\n",
			at:      "2025-12-31",
			insured: true, uninsured: []period{{"", "2024-12-31"}}, late: []period{},
		},
		{
			name:      "the day after the end",
			facts:     bareFacts + "policy: {start: 2025-01-01, end: 2025-12-31}\n",
			at:        "2026-01-01",
			uninsured: []period{{"", "2024-12-31"}, {"2026-01-01", ""}},
			late:      []period{{"2026-01-01", ""}},
		},
		{
			name:      "a policy that starts after as-of does not cover",
			facts:     bareFacts + "policy: {start: 2026-06-01, end: 2027-05-31}\noperating_since: 2025-01-01\n",
			uninsured: []period{{"2025-01-01", ""}},
			late:      []period{},
		},
		{
			name:      "insured: false records that there is none",
			facts:     bareFacts + "policy: {insured: false}\noperating_since: 2025-01-01\n",
			uninsured: []period{{"2025-01-01", ""}},
			late:      []period{},
		},
		{
			// closed on a day not given: the gap after the policy may
			// have been operated (the penalties call it undetermined)
			name:      "a closed enterprise without closed_on",
			facts:     bareFacts + "status: closed\npolicy_history: [{start: 2023-01-01, end: 2023-12-31}]\noperating_since: 2020-01-01\n",
			uninsured: []period{{"2020-01-01", "2022-12-31"}, {"2024-01-01", ""}}, late: []period{{"2024-01-01", ""}},
		},
		{
			name:      "a closed enterprise need not renew after closed_on",
			facts:     bareFacts + "status: closed\nclosed_on: 2024-03-01\npolicy_history: [{start: 2023-01-01, end: 2023-12-31}]\noperating_since: 2020-01-01\n",
			uninsured: []period{{"2020-01-01", "2022-12-31"}, {"2024-01-01", "2024-02-29"}}, late: []period{{"2024-01-01", "2024-02-29"}},
		},
		{
			name:      "closed before the policy ended: no gap",
			facts:     bareFacts + "status: closed\nclosed_on: 2023-06-01\npolicy_history: [{start: 2023-01-01, end: 2023-12-31}]\noperating_since: 2023-01-01\n",
			uninsured: []period{}, late: []period{},
		},
		{
			name:       "an earlier policy starting after as-of is ignored",
			facts:      bareFacts + "policy_history: [{start: 2027-01-01, end: 2027-12-31}]\noperating_since: 2025-01-01\n",
			uninsured:  []period{{"2025-01-01", ""}},
			late:       []period{},
			wantIgnore: []string{"policy_history[0].start 2027-01-01"},
		},
		{
			name:      "a surrender after as-of has not happened yet",
			facts:     bareFacts + "policy_history: [{start: 2025-06-01, end: 2026-05-31, surrendered_on: 2026-03-01}]\n",
			insured:   true,
			uninsured: []period{{"", "2025-05-31"}}, late: []period{},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := c.at
			if at == "" {
				at = asOf
			}
			ev, _ := evalFor(t, c.facts, at)
			insured, uninsured, late := ev.Timeline()
			if insured != c.insured {
				t.Errorf("insured = %v, want %v", insured, c.insured)
			}
			if d := cmp.Diff(c.uninsured, periods(uninsured)); d != "" {
				t.Errorf("uninsured periods (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.late, periods(late)); d != "" {
				t.Errorf("late renewals (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.wantIgnore, ev.Ignored()); d != "" {
				t.Errorf("Ignored (-want +got):\n%s", d)
			}
		})
	}
}

const completeHistory = `policy: {start: 2025-06-01, end: 2026-05-31}
policy_history:
  - {start: 2023-01-01, end: 2023-12-31, insurer: 平安}
  - {start: 2024-01-01, end: 2024-12-31, surrendered_on: 2024-06-30}
`

// TestTimelineInExpressions reads the derived values from rules.
func TestTimelineInExpressions(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "insured", when: "insured", facts: bareFacts + completeHistory, want: true},
		{name: "not insured", when: "!insured", facts: bareFacts, want: true},
		{name: "one late renewal", when: "len(late_renewals) == 1 && late_renewals[0].days == 335", facts: bareFacts + completeHistory, want: true},
		{name: "a closed gap has an end", when: "late_renewals[0].to == date(\"2025-05-31\")", facts: bareFacts + completeHistory, want: true},
		{name: "a running gap has no end", when: "uninsured_periods[0].to == nil && uninsured_periods[0].days == 732",
			facts: bareFacts + "operating_since: 2024-01-01\n", want: true},
		{name: "reading the end of a running gap is missing", when: "uninsured_periods[0].to > as_of",
			facts: bareFacts + "operating_since: 2024-01-01\n", missing: []string{"uninsured_periods[i].to"}},
		{name: "surrendered", when: "any(policy_history, {.surrendered_on != nil})", facts: bareFacts + completeHistory, want: true},
	})
}

// TestUninsuredSinceUnknownStart: an enterprise that never held a policy
// and does not say since when it operates has an uninsured period whose
// start is unknown; its length must not be taken from the zero date.
func TestUninsuredSinceUnknownStart(t *testing.T) {
	bug(t, "eval.go computeTimeline: with no policy and no operating_since the uninsured period starts at the zero Date, so .from reads as 0001-01-01 and .days as ~739000 (objects.go periodObj) instead of being undetermined")
	runExprCases(t, []exprCase{
		{name: "the length of an uninsured period of unknown start", when: "uninsured_periods[0].days > 36500", facts: bareFacts,
			missing: []string{"operating_since"}},
	})
}

func TestObligationPhase(t *testing.T) {
	doc := header("cn/test/phase", "1", "policy", "", "2000-01-01") + `coverage:
  - {id: c, when: "true", obligation: encouraged, text: t, cite: {source: s}}
requirements:
  - id: r
    when: obligation == "mandatory" || obligation == "required"
    text: t
    set: {cover_all_employees: true}
    cite: {source: s}
`
	reg := loadDoc(t, doc)
	st, err := reg.Stack("43", facts.MustParseDate(asOf), "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, mustFacts(t, bareFacts), facts.MustParseDate(asOf), ""); err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, o := range []rulesets.Obligation{rulesets.ObligationNone, rulesets.ObligationMandatory, rulesets.ObligationEncouraged, rulesets.ObligationRequired} {
		ev.SetObligation(string(o))
		ok, err := st.Requirements[0].When.Bool(ev)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ok)
	}
	if d := cmp.Diff([]bool{false, true, false, true}, got); d != "" {
		t.Errorf("requirement under none, mandatory, encouraged, required (-want +got):\n%s", d)
	}
	if got := []int{rulesets.ObligationMandatory.Rank(), rulesets.ObligationRequired.Rank(), rulesets.ObligationEncouraged.Rank(), rulesets.ObligationNone.Rank()}; !cmp.Equal(got, []int{3, 2, 1, 0}) {
		t.Errorf("obligation ranks = %v", got)
	}
}

func TestSetAsOf(t *testing.T) {
	reg := loadDoc(t, exprDoc("len(accidents) == 1", let{"recent", "len(accidents_within(1))"}))
	f := mustFacts(t, bareFacts+"accidents: [{date: 2024-06-01, deaths: 1}, {date: 2025-06-01}]\n")
	st, _ := reg.Stack("430100", facts.MustParseDate("2024-12-31"), "")
	ev := lang.NewEval()
	if err := st.Bind(ev, f, facts.MustParseDate("2024-12-31"), ""); err != nil {
		t.Fatal(err)
	}
	ok, err := st.Coverage[0].When.Bool(ev)
	if err != nil || !ok {
		t.Fatalf("on 2024-12-31: %v %v", ok, err)
	}
	st.MoveTo(ev, facts.MustParseDate("2025-12-31"))
	if ok, _ := st.Coverage[0].When.Bool(ev); ok {
		t.Error("after SetAsOf(2025-12-31) the second accident still does not count")
	}
	if ev.AsOf() != facts.MustParseDate("2025-12-31") || !st.Binds(ev) || ev.Facts() != f {
		t.Error("accessors do not reflect SetAsOf")
	}
}

func TestEvalErrorText(t *testing.T) {
	reg := loadDoc(t, exprDoc("employees > 1 || annual_revenue > 1"))
	_, err, _ := evalRule(t, reg, mustFacts(t, bareFacts), asOf, "r")
	if err == nil {
		t.Fatal("no error")
	}
	want := "test.yaml:13:11: needs employees, annual_revenue, which are not given"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	u := answer.UndeterminedOf("x#r", "coverage", err)
	if d := cmp.Diff(rulesets.Undetermined{Rule: "x#r", Kind: "coverage", Missing: []string{"employees", "annual_revenue"}}, u); d != "" {
		t.Errorf("UndeterminedOf (-want +got):\n%s", d)
	}
	reg = loadDoc(t, exprDoc("decimal(1) / (annual_revenue ?? 0.0) > 1"))
	_, err, _ = evalRule(t, reg, mustFacts(t, bareFacts), asOf, "r")
	var ee *lang.EvalError
	if !errors.As(err, &ee) || ee.Msg != "division by zero" || errors.Is(err, lang.ErrMissing) {
		t.Errorf("division by zero: %v", err)
	}
	reg = loadDoc(t, exprDoc("5 % (employees ?? 0) == 0"))
	_, err, _ = evalRule(t, reg, mustFacts(t, bareFacts), asOf, "r")
	if err == nil || !strings.Contains(err.Error(), "remainder by zero") {
		t.Errorf("remainder by zero: %v", err)
	}
	reg = loadDoc(t, exprDoc("accidents[3].deaths > 0"))
	_, err, _ = evalRule(t, reg, mustFacts(t, bareFacts), asOf, "r")
	if err == nil || !strings.Contains(err.Error(), "index 3 out of range") {
		t.Errorf("index out of range: %v", err)
	}
	if got := answer.Outcome(true, nil) + "," + answer.Outcome(false, nil) + "," + answer.Outcome(true, err); got != "matched,not_matched,undetermined" {
		t.Errorf("Outcome = %s", got)
	}
}

// An expression that needs the same missing facts again gives the error it
// gave before (an answer's undetermined lists share it), and another error
// when other facts are missing: never the list of the last time.
func TestMissingErrorShared(t *testing.T) {
	reg := loadDoc(t, exprDoc("employees > 1 || annual_revenue > 1"))
	bare, some := mustFacts(t, bareFacts), mustFacts(t, bareFacts+"employees: 0\n")
	missing := func(f *facts.Facts) *lang.EvalError {
		t.Helper()
		_, err, _ := evalRule(t, reg, f, asOf, "r")
		var ee *lang.EvalError
		if !errors.As(err, &ee) {
			t.Fatalf("%v is not an *EvalError", err)
		}
		return ee
	}
	first := missing(bare)
	if again := missing(bare); again != first {
		t.Errorf("the same facts missing: a new error %p, want the first %p", again, first)
	}
	other := missing(some)
	if !slices.Equal(other.Missing, []string{"annual_revenue"}) {
		t.Errorf("employees given: Missing = %v, want [annual_revenue]", other.Missing)
	}
	third := missing(bare)
	if !slices.Equal(third.Missing, []string{"employees", "annual_revenue"}) {
		t.Errorf("both missing again: Missing = %v", third.Missing)
	}
	// shared and read-only: an append copies
	for _, ee := range []*lang.EvalError{first, other, third} {
		if cap(ee.Missing) != len(ee.Missing) {
			t.Errorf("Missing %v has room to append into (cap %d)", ee.Missing, cap(ee.Missing))
		}
	}
	if !slices.Equal(first.Missing, []string{"employees", "annual_revenue"}) {
		t.Errorf("the first error changed: Missing = %v", first.Missing)
	}
}

func TestCitationText(t *testing.T) {
	reg := loadDoc(t, header("cn.yueqing/test/draft", "1", "policy", "330382", "2022-01-01")+`  d: {title: 乐清市实施意见（征求意见稿）, number: 乐政办〔2022〕1号, draft: true, unverified: true}
coverage:
  - id: r
    obligation: required
    text: t
    cite:
      - {source: d, article: 二(二)1}
      - {source: s, article: 第三条, when: "(employees ?? 0) > 10"}
      - {source: s, unverified: true}
`)
	st, err := reg.Stack("330382", facts.MustParseDate(asOf), "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, mustFacts(t, "region: \"330382\"\nsectors: [other]\n"), facts.MustParseDate(asOf), ""); err != nil {
		t.Fatal(err)
	}
	r := st.Coverage[0]
	var got []string
	for _, c := range answer.Citations(ev, r.Ruleset, r.Cite) {
		got = append(got, c.Text())
	}
	want := []string{"《乐清市实施意见（征求意见稿）》（乐政办〔2022〕1号）二(二)1【征求意见稿】【条文未核实】", "《测试文件》【条文未核实】"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("citations (-want +got):\n%s", d)
	}
	if got := r.Cite[0].Text(); got != "《乐清市实施意见（征求意见稿）》（乐政办〔2022〕1号）二(二)1" {
		t.Errorf("Cite.Text() = %q", got)
	}
	if got := r.Ref(); got != "cn.yueqing/test/draft@1#r" {
		t.Errorf("Ref() = %q", got)
	}
}

func TestYuan(t *testing.T) {
	for in, want := range map[string]string{"300000": "300000元", "12345.60": "12345.6元", "0.50": "0.5元", "100.00": "100元", "-5": "-5元"} {
		if got := decfmt.Yuan(*facts.Dec(in)); got != want {
			t.Errorf("Yuan(%s) = %q, want %q", in, got, want)
		}
	}
}
