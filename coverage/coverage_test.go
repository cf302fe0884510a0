package coverage_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/internal/testkit"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/rulesets"
)

// ruleset makes a small ruleset document for region (a GB/T 2260 prefix,
// "" national) in force from 2020, with one source s, and the given body.
func ruleset(id, region, body string) string {
	return fmt.Sprintf(`schema: anzexian/v1
id: %s
version: "1"
status: in_force
kind: policy
title: %s
region: %q
effective: {from: 2020-01-01}
sources:
  s: {title: 测试文件}
%s`, id, id, region, body)
}

// evaluate evaluates coverage for the facts on asOf over a stack of the
// documents, and checks that the obligation is the one set on the
// evaluation and the one Obligation decides.
func evaluate(t *testing.T, factsYAML, asOf string, docs ...string) *coverage.Result {
	t.Helper()
	st, ev := testkit.Bind(t, factsYAML, asOf, docs...)
	res, _ := coverage.Evaluate(st, ev, coverage.Options{})
	if got := ev.Obligation(); got != string(res.Obligation) {
		t.Errorf("the obligation set on the evaluation is %q, the answer's %q", got, res.Obligation)
	}
	ob, _ := coverage.Obligation(st, ev)
	if ob != res.Obligation {
		t.Errorf("Obligation() = %q, Evaluate's %q", ob, res.Obligation)
	}
	return res
}

func rule(id, when, obligation string) string {
	return fmt.Sprintf("  - {id: %s, when: '%s', obligation: %s, text: %s, cite: {source: s, article: 第一条}}\n", id, when, obligation, id)
}

func reasons(res *coverage.Result) []string {
	var out []string
	for _, r := range res.Reasons {
		out = append(out, r.Rule)
	}
	return out
}

func TestObligation(t *testing.T) {
	const hc = "region: \"430100\"\nsectors: [hazardous_chemicals.storage]\n"
	for _, c := range []struct {
		name, facts, rules string
		want               rulesets.Obligation
		reasons            []string
		incomplete         bool
		undetermined       []string
	}{
		{name: "no rule applies", facts: hc, rules: rule("mine", `in_sector("coal_mine")`, "mandatory"),
			want: "none"},
		{name: "encouraged", facts: hc, rules: rule("all", "true", "encouraged"),
			want: "encouraged", reasons: []string{"t/cov@1#all"}},
		{name: "required", facts: hc, rules: rule("local", `in_sector("hazardous_chemicals")`, "required"),
			want: "required", reasons: []string{"t/cov@1#local"}},
		{name: "mandatory", facts: hc, rules: rule("hc", `in_sector("hazardous_chemicals.storage")`, "mandatory"),
			want: "mandatory", reasons: []string{"t/cov@1#hc"}},
		{name: "the strongest wins and every rule that applies is a reason",
			facts: hc, rules: rule("all", "true", "encouraged") + rule("hc", `in_sector("hazardous_chemicals")`, "mandatory") + rule("local", "true", "required"),
			want: "mandatory", reasons: []string{"t/cov@1#all", "t/cov@1#hc", "t/cov@1#local"}},
		{name: "an undetermined rule that could raise it makes the answer a lower bound",
			facts: hc, rules: rule("all", "true", "encouraged") + rule("big", "employees > 100", "mandatory"),
			want: "encouraged", reasons: []string{"t/cov@1#all"}, incomplete: true, undetermined: []string{"t/cov@1#big"}},
		{name: "an undetermined rule that could not raise it does not",
			facts: hc, rules: rule("hc", "true", "mandatory") + rule("big", "employees > 100", "required"),
			want: "mandatory", reasons: []string{"t/cov@1#hc"}, undetermined: []string{"t/cov@1#big"}},
		{name: "a fact given decides it", facts: hc + "employees: 120\n", rules: rule("big", "employees > 100", "mandatory"),
			want: "mandatory", reasons: []string{"t/cov@1#big"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := evaluate(t, c.facts, "2026-01-01", ruleset("t/cov", "", "coverage:\n"+c.rules))
			if res.Obligation != c.want {
				t.Errorf("obligation %q, want %q", res.Obligation, c.want)
			}
			if d := cmp.Diff(c.reasons, reasons(res)); d != "" {
				t.Errorf("reasons (-want +got):\n%s", d)
			}
			if (res.Incomplete != "") != c.incomplete {
				t.Errorf("incomplete = %q, want set: %v", res.Incomplete, c.incomplete)
			}
			var und []string
			for _, u := range res.Undetermined {
				und = append(und, u.Rule)
				if len(u.Missing) == 0 || u.Missing[0] != "employees" {
					t.Errorf("undetermined %s names %v, want employees", u.Rule, u.Missing)
				}
			}
			if d := cmp.Diff(c.undetermined, und); d != "" {
				t.Errorf("undetermined (-want +got):\n%s", d)
			}
		})
	}
}

// Rules accumulate across the layers whose region contains the
// enterprise's, national first; a layer for another region takes no part.
func TestObligationAcrossLayers(t *testing.T) {
	national := ruleset("t/national", "", "coverage:\n"+rule("all", "true", "encouraged")+rule("hc", `in_sector("hazardous_chemicals")`, "mandatory"))
	hunan := ruleset("t/hunan", "43", "coverage:\n"+rule("elevator", `in_sector("special_equipment")`, "required"))
	zhejiang := ruleset("t/zhejiang", "33", "coverage:\n"+rule("everyone", "true", "required"))
	for _, c := range []struct {
		name, facts string
		want        rulesets.Obligation
		reasons     []string
	}{
		{"a Hunan elevator company", "region: \"430100\"\nsectors: [special_equipment.elevator]\n", "required",
			[]string{"t/national@1#all", "t/hunan@1#elevator"}},
		{"a Hunan chemicals store", "region: \"430100\"\nsectors: [hazardous_chemicals.storage]\n", "mandatory",
			[]string{"t/national@1#all", "t/national@1#hc"}},
		{"an elevator company elsewhere", "region: \"440300\"\nsectors: [special_equipment.elevator]\n", "encouraged",
			[]string{"t/national@1#all"}},
		{"Zhejiang's rule reaches Zhejiang only", "region: \"330382\"\nsectors: [machinery]\n", "required",
			[]string{"t/national@1#all", "t/zhejiang@1#everyone"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := evaluate(t, c.facts, "2026-01-01", national, hunan, zhejiang)
			if res.Obligation != c.want {
				t.Errorf("obligation %q, want %q", res.Obligation, c.want)
			}
			if d := cmp.Diff(c.reasons, reasons(res)); d != "" {
				t.Errorf("reasons (-want +got):\n%s", d)
			}
		})
	}
}

// Requirements merge per field as the field declares: the highest minimum
// amount binds (the lower is shown, not binding), a duty is imposed if any
// layer imposes it, lists are united, a level takes the strongest, the term
// the most local statement. A requirement may depend on the obligation.
func TestRequirementsMerge(t *testing.T) {
	national := ruleset("t/national", "", `coverage:
`+rule("hc", "true", "mandatory")+`requirements:
  - {id: limit, text: 不低于30万, set: {death_limit_min: "300000", posts: [confined_space], occupational_disease_cover: encouraged, term: one_year}, cite: {source: s}}
  - {id: mandatory-only, when: 'obligation == "mandatory"', text: 强制投保的要求, set: {prevention_service: true}, cite: {source: s}}
  - {id: never, when: 'obligation == "none"', text: 不适用, set: {uniform_limits: true}, cite: {source: s}}
`)
	local := ruleset("t/local", "43", `requirements:
  - {id: limit, text: 不低于40万, set: {death_limit_min: "400000", cover_all_employees: true, posts: [spray_painting, confined_space], occupational_disease_cover: required, term: production_cycle}, cite: {source: s}}
  - {id: lower, text: 不低于20万, set: {death_limit_min: "200000"}, cite: {source: s}}
`)
	res := evaluate(t, "region: \"430100\"\nsectors: [other]\n", "2026-01-01", national, local)
	q := res.Requirements
	if d, _ := q.Decimal("death_limit_min"); d.String() != "400000" {
		t.Errorf("death_limit_min %s, want the highest, 400000", d)
	}
	r, _ := q.Get("death_limit_min")
	var binding []string
	for _, b := range r.Basis {
		if b.Binding {
			binding = append(binding, b.Rule)
		}
	}
	if d := cmp.Diff([]string{"t/local@1#limit"}, binding); d != "" || len(r.Basis) != 3 {
		t.Errorf("death_limit_min: %d bases, binding (-want +got):\n%s", len(r.Basis), d)
	}
	if !q.Bool("cover_all_employees") {
		t.Error("cover_all_employees: a duty any layer imposes is imposed")
	}
	if d := cmp.Diff([]string{"spray_painting", "confined_space"}, q.List("posts")); d != "" {
		t.Errorf("posts are united, in the vocabulary's order (-want +got):\n%s", d)
	}
	if got := q.String("occupational_disease_cover"); got != "required" {
		t.Errorf("occupational_disease_cover %q, want the strongest, required", got)
	}
	if got := q.String("term"); got != "production_cycle" {
		t.Errorf("term %q, want the most local statement, production_cycle", got)
	}
	if !q.Bool("prevention_service") {
		t.Error("a requirement conditioned on the obligation applies once it is mandatory")
	}
	if _, ok := q.Get("uniform_limits"); ok {
		t.Error("a requirement whose condition is false sets nothing")
	}
}

// A citation with a condition is given only when the condition holds, also
// for answers on one stack (whose reasons, when every citation is static,
// are shared by the answers with the same rules applying).
func TestConditionalCitation(t *testing.T) {
	doc := ruleset("t/cite", "", `coverage:
  - id: hc
    when: in_sector("hazardous_chemicals")
    obligation: mandatory
    text: 危化品
    cite:
      - {source: s, article: 第一条}
      - {source: s, article: 第二条, when: in_sector("hazardous_chemicals.storage")}
`)
	bind := testkit.Binder(t, doc)
	for _, c := range []struct {
		sector string
		want   []string
	}{
		{"hazardous_chemicals.storage", []string{"第一条", "第二条"}},
		{"hazardous_chemicals.trade", []string{"第一条"}},
		{"hazardous_chemicals.storage", []string{"第一条", "第二条"}},
	} {
		st, ev := bind("region: \"430100\"\nsectors: ["+c.sector+"]\n", "2026-01-01")
		res, _ := coverage.Evaluate(st, ev, coverage.Options{})
		var got []string
		for _, ct := range res.Reasons[0].Cite {
			got = append(got, ct.Article)
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s: articles (-want +got):\n%s", c.sector, d)
		}
	}
}

// Findings check the policy against the merged requirements.
func TestFindings(t *testing.T) {
	doc := ruleset("t/find", "", `coverage:
`+rule("hc", "true", "mandatory")+`requirements:
  - {id: limit, text: 不低于40万, set: {death_limit_min: "400000", cover_all_employees: true}, cite: {source: s}}
`)
	base := "region: \"430100\"\nsectors: [other]\nemployees: 50\n"
	for _, c := range []struct {
		name, policy string
		want         []string
	}{
		{"no policy", "", []string{"uninsured"}},
		{"a compliant policy", "policy: {start: 2025-07-01, end: 2026-06-30, insured_employees: 50, death_limit: 400000, medical_limit: 1}\n", nil},
		{"too low a limit", "policy: {start: 2025-07-01, end: 2026-06-30, insured_employees: 50, death_limit: 300000, medical_limit: 1}\n", []string{"death_limit_too_low"}},
		{"not everyone insured", "policy: {start: 2025-07-01, end: 2026-06-30, insured_employees: 30, death_limit: 400000, medical_limit: 1}\n", []string{"headcount_under_insured"}},
		{"expired", "policy: {start: 2024-07-01, end: 2025-06-30, insured_employees: 50, death_limit: 400000, medical_limit: 1}\n", []string{"expired"}},
		{"not yet in force", "policy: {start: 2026-02-01, end: 2027-01-31, insured_employees: 50, death_limit: 400000, medical_limit: 1}\n", []string{"not_yet_in_force"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := evaluate(t, base+c.policy, "2026-01-01", doc)
			var got []string
			for _, f := range res.Findings {
				if strings.HasPrefix(f.ID, "medical_limit") {
					continue
				}
				got = append(got, f.ID)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

// The reasons of a stack are listed once for each set of rules that apply
// and shared by the answers with that set (its citations are static):
// over every set of six rules, asked in an order that meets each set after
// sets that differ from it by one rule, each answer lists exactly its own.
func TestSharedReasons(t *testing.T) {
	var body strings.Builder
	body.WriteString("coverage:\n")
	for i := range 6 {
		fmt.Fprintf(&body, "%s", rule(fmt.Sprintf("b%d", i), fmt.Sprintf("employees %% %d >= %d", 2<<i, 1<<i), "mandatory"))
	}
	bind := testkit.Binder(t, ruleset("test/bits", "", body.String()))
	var first *coverage.Reason
	for round := range 3 {
		for k := range 64 {
			if round == 1 {
				k ^= k >> 1 // Gray code: each set one rule from the last
			}
			st, ev := bind(fmt.Sprintf("region: \"430100\"\nsectors: [hazardous_chemicals.storage]\nemployees: %d\n", k), "2024-01-01")
			res, _ := coverage.Evaluate(st, ev, coverage.Options{})
			var want []string
			for i := range 6 {
				if k>>i&1 == 1 {
					want = append(want, fmt.Sprintf("test/bits@1#b%d", i))
				}
			}
			if diff := cmp.Diff(want, reasons(res)); diff != "" {
				t.Fatalf("round %d, employees %d: reasons (-want +got):\n%s", round, k, diff)
			}
			for _, r := range res.Reasons {
				if r.Text == "" || len(r.Cite) != 1 || r.Cite[0].Article != "第一条" {
					t.Fatalf("employees %d: reason %+v", k, r)
				}
			}
			if k == 63 {
				if round > 0 && &res.Reasons[0] != first {
					t.Errorf("round %d: the reasons of all six rules were listed again, not shared", round)
				}
				first = &res.Reasons[0]
			}
		}
	}
}
