package rulesets_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// rsDoc is a ruleset document with optional until, insurer and extra text
// (sections such as supersedes:, facts:, coverage:).
type rsDoc struct {
	id, version, kind, region, from, until, insurer, extra string
}

func (d rsDoc) String() string {
	eff := "from: " + d.from
	if d.until != "" {
		eff += ", until: " + d.until
	}
	ins := ""
	if d.insurer != "" {
		ins = "insurer: " + d.insurer + "\n"
	}
	return fmt.Sprintf(`schema: anzexian/v1
id: %s
version: "%s"
status: in_force
kind: %s
title: %s
region: "%s"
%seffective: {%s}
sources:
  s: {title: 测试}
%s`, d.id, d.version, d.kind, d.id, d.region, ins, eff, d.extra)
}

func (d rsDoc) file() diag.File {
	return diag.File{Name: strings.ReplaceAll(d.id, "/", "_") + "@" + d.version + ".yaml", Data: []byte(d.String())}
}

func files(docs ...rsDoc) []diag.File {
	var out []diag.File
	for _, d := range docs {
		out = append(out, d.file())
	}
	return out
}

// stackDocs is a small world: national laws (one superseding the other,
// its end inferred), a regulation and measures; a province with a policy,
// rating guidance valid for a while and an insurer's filing; a city in it;
// and another province.
var stackDocs = []rsDoc{
	{id: "cn/test/law", version: "2014", kind: "law", from: "2014-12-01"},
	{id: "cn/test/law", version: "2021", kind: "law", from: "2021-09-01", extra: "supersedes: [cn/test/law@2014]\n"},
	{id: "cn/test/measures", version: "1", kind: "measures", from: "2018-01-01"},
	{id: "cn/test/regulation", version: "1", kind: "regulation", from: "2018-01-01"},
	{id: "cn.hunan/test/policy", version: "1", kind: "policy", region: "43", from: "2018-01-01"},
	{id: "cn.hunan/test/rating", version: "1", kind: "rating", region: "43", from: "2019-01-01", until: "2024-12-31"},
	{id: "cn.hunan/test/filing", version: "1", kind: "filing", region: "43", from: "2019-01-01", insurer: "人保"},
	{id: "cn.changsha/test/policy", version: "1", kind: "policy", region: "4301", from: "2020-06-01"},
	{id: "cn.zhejiang/test/policy", version: "1", kind: "policy", region: "33", from: "2018-01-01"},
}

func TestLayers(t *testing.T) {
	reg := load(t, files(stackDocs...)...)
	for _, c := range []struct {
		name, region, date, insurer string
		want                        []string
	}{
		{"city with an insurer: national, province (law<…<rating), city, then the insurer's filing", "430100", "2021-09-01", "人保", []string{
			"cn/test/law@2021", "cn/test/regulation@1", "cn/test/measures@1",
			"cn.hunan/test/policy@1", "cn.hunan/test/rating@1",
			"cn.changsha/test/policy@1", "cn.hunan/test/filing@1"}},
		{"without an insurer there is no filing", "430100", "2021-09-01", "", []string{
			"cn/test/law@2021", "cn/test/regulation@1", "cn/test/measures@1",
			"cn.hunan/test/policy@1", "cn.hunan/test/rating@1", "cn.changsha/test/policy@1"}},
		{"another insurer's filing does not apply", "430100", "2021-09-01", "平安", []string{
			"cn/test/law@2021", "cn/test/regulation@1", "cn/test/measures@1",
			"cn.hunan/test/policy@1", "cn.hunan/test/rating@1", "cn.changsha/test/policy@1"}},
		{"another city of the province", "430200", "2021-09-01", "", []string{
			"cn/test/law@2021", "cn/test/regulation@1", "cn/test/measures@1",
			"cn.hunan/test/policy@1", "cn.hunan/test/rating@1"}},
		{"the province itself", "43", "2021-09-01", "", []string{
			"cn/test/law@2021", "cn/test/regulation@1", "cn/test/measures@1",
			"cn.hunan/test/policy@1", "cn.hunan/test/rating@1"}},
		{"another province", "330382", "2021-09-01", "人保", []string{
			"cn/test/law@2021", "cn/test/regulation@1", "cn/test/measures@1", "cn.zhejiang/test/policy@1"}},
		{"the last day of the superseded law (inferred end)", "110000", "2021-08-31", "", []string{
			"cn/test/law@2014", "cn/test/regulation@1", "cn/test/measures@1"}},
		{"the first day of a ruleset (from inclusive)", "430100", "2019-01-01", "", []string{
			"cn/test/law@2014", "cn/test/regulation@1", "cn/test/measures@1", "cn.hunan/test/policy@1", "cn.hunan/test/rating@1"}},
		{"the day before a ruleset starts", "430100", "2018-12-31", "", []string{
			"cn/test/law@2014", "cn/test/regulation@1", "cn/test/measures@1", "cn.hunan/test/policy@1"}},
		{"the last day of a ruleset (until inclusive)", "430100", "2024-12-31", "", []string{
			"cn/test/law@2021", "cn/test/regulation@1", "cn/test/measures@1",
			"cn.hunan/test/policy@1", "cn.hunan/test/rating@1", "cn.changsha/test/policy@1"}},
		{"the day after a ruleset ends", "430100", "2025-01-01", "", []string{
			"cn/test/law@2021", "cn/test/regulation@1", "cn/test/measures@1",
			"cn.hunan/test/policy@1", "cn.changsha/test/policy@1"}},
		{"the day before the city's policy", "430100", "2020-05-31", "", []string{
			"cn/test/law@2014", "cn/test/regulation@1", "cn/test/measures@1", "cn.hunan/test/policy@1", "cn.hunan/test/rating@1"}},
		{"before everything", "430100", "2014-11-30", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := layerKeys(reg.Layers(c.region, facts.MustParseDate(c.date), c.insurer))
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("Layers(%q, %s, %q) (-want +got):\n%s", c.region, c.date, c.insurer, d)
			}
			if c.want == nil {
				return
			}
			st, err := reg.Stack(c.region, facts.MustParseDate(c.date), c.insurer)
			if err != nil {
				t.Fatalf("Stack: %v", err)
			}
			if d := cmp.Diff(c.want, layerKeys(st.Layers)); d != "" {
				t.Errorf("Stack layers (-want +got):\n%s", d)
			}
			for i, l := range st.Layers {
				if st.LayerIndex(l) != i {
					t.Errorf("LayerIndex(%s) = %d, want %d", l.Key(), st.LayerIndex(l), i)
				}
			}
		})
	}
	if got := reg.Ruleset("cn/test/law@2014").Effective.Until; got != facts.MustParseDate("2021-08-31") {
		t.Errorf("the superseded law ends on %s, want 2021-08-31 (the day before its successor)", got)
	}
	if got := reg.Ruleset("cn/test/law@2021").Effective.Until; !got.IsZero() {
		t.Errorf("the current law ends on %s, want open-ended", got)
	}
	if reg.Ruleset("cn/test/law@1999") != nil {
		t.Error("Ruleset of an unknown key is not nil")
	}
	if got := layerKeys(reg.Rulesets()); len(got) != len(stackDocs) {
		t.Errorf("Rulesets() has %d rulesets, want %d", len(got), len(stackDocs))
	}
	st, _ := reg.Stack("430100", facts.MustParseDate("2021-09-01"), "")
	if st.LayerIndex(reg.Ruleset("cn.zhejiang/test/policy@1")) != -1 {
		t.Error("LayerIndex of a ruleset not in the stack is not -1")
	}
}

func TestSupersedesKeepsAGivenEnd(t *testing.T) {
	reg := load(t, files(
		rsDoc{id: "cn/test/law", version: "1", kind: "law", from: "2010-01-01", until: "2015-06-30"},
		rsDoc{id: "cn/test/law", version: "2", kind: "law", from: "2016-01-01", extra: "supersedes: [cn/test/law@1]\n"},
	)...)
	if got := reg.Ruleset("cn/test/law@1").Effective.Until; got != facts.MustParseDate("2015-06-30") {
		t.Errorf("a superseded ruleset that gives its end ends on %s, want 2015-06-30", got)
	}
	if got := reg.Layers("11", facts.MustParseDate("2015-10-01"), ""); len(got) != 0 {
		t.Errorf("nothing is in force between the two: %v", layerKeys(got))
	}
}

func TestBoundaries(t *testing.T) {
	reg := load(t, files(stackDocs...)...)
	dates := func(ds []facts.Date) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.String())
		}
		return out
	}
	for _, c := range []struct {
		name, region, insurer string
		want                  []string
	}{
		{"Changsha", "430100", "", []string{"2014-12-01", "2018-01-01", "2019-01-01", "2020-06-01", "2021-09-01", "2025-01-01"}},
		{"Changsha with the insurer", "430100", "人保", []string{"2014-12-01", "2018-01-01", "2019-01-01", "2020-06-01", "2021-09-01", "2025-01-01"}},
		{"another city of Hunan", "430200", "", []string{"2014-12-01", "2018-01-01", "2019-01-01", "2021-09-01", "2025-01-01"}},
		{"Zhejiang", "330382", "", []string{"2014-12-01", "2018-01-01", "2021-09-01"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(c.want, dates(reg.Boundaries(c.region, c.insurer))); d != "" {
				t.Errorf("Boundaries(%q, %q) (-want +got):\n%s", c.region, c.insurer, d)
			}
		})
	}
}

func TestStackErrors(t *testing.T) {
	reg := load(t, files(stackDocs...)...)
	for _, c := range []struct{ name, region, date string }{
		{"before any ruleset", "430100", "2014-11-30"},
		{"the national stack before any ruleset", "", "2000-01-01"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, err := reg.Stack(c.region, facts.MustParseDate(c.date), "")
			if st != nil || err == nil {
				t.Fatalf("Stack = %v, %v; want a StackError", st, err)
			}
			var se *rulesets.StackError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *StackError", err)
			}
			if se.Region != c.region || se.Date != facts.MustParseDate(c.date) {
				t.Errorf("StackError names %q on %s, want %q on %s", se.Region, se.Date, c.region, c.date)
			}
			if len(se.Diagnostics) != 1 || se.Diagnostics[0].Code != "stack.empty" || se.Diagnostics[0].Hint == "" {
				t.Errorf("diagnostics: %v", se.Diagnostics)
			}
			if !strings.Contains(err.Error(), c.date) {
				t.Errorf("Error() = %q does not name the date", err)
			}
		})
	}
}

func TestStackCaching(t *testing.T) {
	reg := load(t, files(stackDocs...)...)
	d := facts.MustParseDate("2022-01-01")
	a, err := reg.Stack("430100", d, "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := reg.Stack("430100", d, "")
	if a != b {
		t.Error("the same region, date and insurer built two stacks")
	}
	c, _ := reg.Stack("430102", facts.MustParseDate("2023-05-01"), "")
	if a != c {
		t.Error("the same layers (another district of the city, another date) built another stack")
	}
	e, _ := reg.Stack("430100", d, "人保")
	if e == a {
		t.Error("a stack with the insurer's filing is the stack without it")
	}
	// Concurrent first use yields one stack.
	reg = load(t, files(stackDocs...)...)
	var wg sync.WaitGroup
	got := make([]*rulesets.Stack, 16)
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i], _ = reg.Stack("430100", d, "")
		}(i)
	}
	wg.Wait()
	for i := range got {
		if got[i] == nil || got[i] != got[0] {
			t.Fatalf("concurrent Stack calls returned different stacks")
		}
	}
}

// TestDeclaredFacts: facts a ruleset declares are typed, defaulted, checked
// against their codes, and reported when given without a declaration.
func TestDeclaredFacts(t *testing.T) {
	doc := rsDoc{id: "cn/test/filing-vars", version: "1", kind: "measures", from: "2020-01-01", extra: `facts:
  - {name: aggregate_limit, type: decimal, unit: CNY, default: "2000000", doc: 累计赔偿限额}
  - {name: tier, type: code, codes: [gold, silver]}
  - {name: audited_on, type: date}
  - {name: product_lines, type: list, codes: [a, b]}
  - {name: claims, type: int, default: 0}
  - {name: certified, type: bool}
codes:
  credit_grade: {a: A级, b: B级}
coverage:
  - id: r
    when: aggregate_limit > 1000000 && tier == "gold" && claims == 0
    obligation: encouraged
    text: t
    cite: {source: s}
  - id: dates
    when: audited_on >= date("2024-01-01") && "a" in product_lines && certified
    obligation: encouraged
    text: t
    cite: {source: s}
  - id: credit
    when: credit_grade == "a"
    obligation: encouraged
    text: t
    cite: {source: s}
`}
	reg := load(t, doc.file())
	st, err := reg.Stack("430100", facts.MustParseDate(asOf), "")
	if err != nil {
		t.Fatal(err)
	}
	if v := st.Vocabulary("credit_grade"); !v.Has("a") || !v.Has("b") || v.Label("a") != "A级" {
		t.Errorf("credit_grade vocabulary = %v", v)
	}
	if v := st.Vocabulary("sectors"); !v.Has("hazardous_chemicals") {
		t.Error("the sectors vocabulary lost its core codes")
	}
	for _, c := range []struct {
		name, facts string
		want        map[string]string
		resetErr    string
	}{
		{"given", bareFacts + "tier: gold\naudited_on: 2024-05-01\nproduct_lines: [a]\ncertified: true\ncredit_grade: a\n",
			map[string]string{"r": "matched", "dates": "matched", "credit": "matched"}, ""},
		{"defaults used, the rest missing", bareFacts,
			map[string]string{"r": "undetermined tier", "dates": "undetermined audited_on", "credit": "undetermined credit_grade"}, ""},
		{"default overridden", bareFacts + "tier: gold\naggregate_limit: 500000\n",
			map[string]string{"r": "not_matched", "dates": "undetermined audited_on", "credit": "undetermined credit_grade"}, ""},
		{"a code not declared", bareFacts + "tier: bronze\n", nil, "facts.type"},
		{"a quoted bool", bareFacts + "certified: \"true\"\n", nil, "facts.type"},
		{"a decimal that is not one", bareFacts + "aggregate_limit: lots\n", nil, "facts.type"},
		{"a list for a code", bareFacts + "tier: [gold]\n", nil, "facts.type"},
		{"an undeclared extra fact", bareFacts + "insurer_score: 5\n", nil, "facts.unknown_field"},
		{"a credit grade the stack does not know", bareFacts + "credit_grade: c\n", nil, "facts.unknown_code"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := mustFacts(t, c.facts)
			ev := lang.NewEval()
			err := st.Bind(ev, f, facts.MustParseDate(asOf), "")
			if c.resetErr != "" {
				var fe *facts.Error
				if !errors.As(err, &fe) || findDiag(fe.Diagnostics, c.resetErr) == nil {
					t.Fatalf("Reset = %v, want a FactsError with %s", err, c.resetErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Reset: %v", err)
			}
			got := map[string]string{}
			for _, r := range st.Coverage {
				ok, err := r.When.Bool(ev)
				s := answer.Outcome(ok, err)
				if m := answer.MissingOf(err); len(m) > 0 {
					s += " " + strings.Join(m, ",")
				}
				got[r.ID] = s
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	t.Run("a code literal is checked against the declared codes", func(t *testing.T) {
		bad := doc
		bad.extra = strings.Replace(doc.extra, `tier == "gold"`, `tier == "golden"`, 1)
		ds := loadDiags(t, bad.file())
		if d := findDiag(ds, "expr.unknown_code"); d == nil || !strings.Contains(d.Hint, "gold") {
			t.Errorf("want an unknown code with a hint, got %v", errorCodes(ds))
		}
	})
	t.Run("a default that does not fit the type", func(t *testing.T) {
		bad := doc
		bad.extra = strings.Replace(doc.extra, `default: "2000000"`, `default: "two million"`, 1)
		if findDiag(loadDiags(t, bad.file()), "ruleset.fact_default") == nil {
			t.Error("no ruleset.fact_default")
		}
	})
	t.Run("a core fact cannot be redeclared", func(t *testing.T) {
		bad := doc
		bad.extra = "facts:\n  - {name: employees, type: int}\n"
		if findDiag(loadDiags(t, bad.file()), "ruleset.fact_redeclared") == nil {
			t.Error("no ruleset.fact_redeclared")
		}
	})
}

// TestStackTypeConflict: two layers that stack together must not declare
// one name with different types.
func TestStackTypeConflict(t *testing.T) {
	national := rsDoc{id: "cn/test/national", version: "1", kind: "measures", from: "2020-01-01",
		extra: "facts:\n  - {name: aggregate_limit, type: decimal}\n"}
	provincial := rsDoc{id: "cn.hunan/test/policy", version: "1", kind: "policy", region: "43", from: "2020-01-01",
		extra: "facts:\n  - {name: aggregate_limit, type: int}\ncoverage:\n" + coverageYAML("r", "aggregate_limit > 5")}
	t.Run("different types", func(t *testing.T) {
		ds := loadDiags(t, national.file(), provincial.file())
		d := findDiag(ds, "stack.type_conflict")
		if d == nil {
			t.Fatalf("no stack.type_conflict: %v", errorCodes(ds))
		}
		if d.Subject.File != provincial.file().Name || d.Subject.Start.Line != 12 {
			t.Errorf("conflict reported at %s, want the provincial declaration (line 12)", d.Subject)
		}
		if !strings.Contains(d.Summary, "aggregate_limit") || !strings.Contains(d.Summary, "cn/test/national@1") {
			t.Errorf("summary %q does not name the fact and the other layer", d.Summary)
		}
	})
	t.Run("the same type", func(t *testing.T) {
		p := provincial
		p.extra = strings.Replace(p.extra, "type: int", "type: decimal", 1)
		reg := load(t, national.file(), p.file())
		if _, err := reg.Stack("430100", facts.MustParseDate("2021-01-01"), ""); err != nil {
			t.Errorf("Stack: %v", err)
		}
	})
	t.Run("layers that never stack together may differ", func(t *testing.T) {
		p := provincial
		p.from, p.until = "2010-01-01", "2015-12-31"
		n := national
		reg := load(t, n.file(), p.file())
		for _, d := range []string{"2012-01-01", "2021-01-01"} {
			if _, err := reg.Stack("430100", facts.MustParseDate(d), ""); err != nil {
				t.Errorf("Stack on %s: %v", d, err)
			}
		}
	})
	t.Run("a let named like a lower layer's fact", func(t *testing.T) {
		p := provincial
		p.extra = letsYAML([]let{{"aggregate_limit", "1.5"}}) + "coverage:\n" + coverageYAML("r", "aggregate_limit > 1")
		ds := loadDiags(t, national.file(), p.file())
		if findDiag(ds, "stack.let_conflict") == nil {
			t.Errorf("no stack.let_conflict: %v", errorCodes(ds))
		}
	})
}

// TestWith: an analyst's edited ruleset replaces the loaded ruleset of the
// same id whose dates overlap; the original registry is unchanged.
func TestWith(t *testing.T) {
	base := []rsDoc{
		{id: "cn/test/measures", version: "1", kind: "measures", from: "2018-01-01"},
		{id: "cn.hunan/test/policy", version: "2018", kind: "policy", region: "43", from: "2018-01-01", until: "2025-12-31",
			extra: "coverage:\n" + coverageYAML("old", "true")},
	}
	reg := load(t, files(base...)...)
	d := facts.MustParseDate("2022-01-01")
	coverageIDs := func(r *rulesets.Registry, date facts.Date) []string {
		st, err := r.Stack("430100", date, "")
		if err != nil {
			t.Fatalf("Stack: %v", err)
		}
		var out []string
		for _, c := range st.Coverage {
			out = append(out, c.Ruleset.Key()+"#"+c.ID)
		}
		return out
	}
	t.Run("same id, overlapping dates: replaced", func(t *testing.T) {
		edited := rsDoc{id: "cn.hunan/test/policy", version: "2018-edit", kind: "policy", region: "43", from: "2018-01-01",
			extra: "coverage:\n" + coverageYAML("new", "employees == nil")}
		r2, err := reg.With(edited.file())
		if err != nil {
			t.Fatalf("With: %v\n%s", err, formatDiags(err))
		}
		if diff := cmp.Diff([]string{"cn.hunan/test/policy@2018-edit#new"}, coverageIDs(r2, d)); diff != "" {
			t.Errorf("edited registry (-want +got):\n%s", diff)
		}
		if r2.Ruleset("cn.hunan/test/policy@2018") != nil {
			t.Error("the replaced ruleset is still loaded")
		}
		if diff := cmp.Diff([]string{"cn.hunan/test/policy@2018#old"}, coverageIDs(reg, d)); diff != "" {
			t.Errorf("the original registry changed (-want +got):\n%s", diff)
		}
	})
	t.Run("same id and version: replaced", func(t *testing.T) {
		edited := base[1]
		edited.extra = "coverage:\n" + coverageYAML("same-version", "true")
		r2, err := reg.With(edited.file())
		if err != nil {
			t.Fatalf("With: %v\n%s", err, formatDiags(err))
		}
		if diff := cmp.Diff([]string{"cn.hunan/test/policy@2018#same-version"}, coverageIDs(r2, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("same id, later dates: both kept", func(t *testing.T) {
		next := rsDoc{id: "cn.hunan/test/policy", version: "2026", kind: "policy", region: "43", from: "2026-01-01",
			extra: "coverage:\n" + coverageYAML("next", "true")}
		r2, err := reg.With(next.file())
		if err != nil {
			t.Fatalf("With: %v\n%s", err, formatDiags(err))
		}
		if diff := cmp.Diff([]string{"cn.hunan/test/policy@2018#old"}, coverageIDs(r2, d)); diff != "" {
			t.Errorf("2022 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"cn.hunan/test/policy@2026#next"}, coverageIDs(r2, facts.MustParseDate("2026-01-01"))); diff != "" {
			t.Errorf("2026 (-want +got):\n%s", diff)
		}
	})
	t.Run("a new id is added", func(t *testing.T) {
		city := rsDoc{id: "cn.changsha/test/policy", version: "1", kind: "policy", region: "4301", from: "2020-01-01",
			extra: "coverage:\n" + coverageYAML("city", "true")}
		r2, err := reg.With(city.file())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"cn.hunan/test/policy@2018#old", "cn.changsha/test/policy@1#city"}, coverageIDs(r2, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("a broken edit fails and leaves the registry serving", func(t *testing.T) {
		broken := base[1]
		broken.extra = "coverage:\n" + coverageYAML("bad", "employes > 1")
		r2, err := reg.With(broken.file())
		var le *rulesets.LoadError
		if r2 != nil || !errors.As(err, &le) || findDiag(le.Diagnostics, "expr.unknown_name") == nil {
			t.Fatalf("With = %v, %v; want a LoadError with expr.unknown_name", r2, err)
		}
		if diff := cmp.Diff([]string{"cn.hunan/test/policy@2018#old"}, coverageIDs(reg, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

// TestWithReplacesSupersedingRuleset: replacing a ruleset that supersedes
// another keeps the superseded one's inferred end, so the two do not
// overlap.
func TestWithReplacesSupersedingRuleset(t *testing.T) {
	reg := load(t, files(
		rsDoc{id: "cn/test/measures", version: "2017", kind: "measures", from: "2018-01-01"},
		rsDoc{id: "cn/test/measures", version: "2025", kind: "measures", from: "2025-03-29", extra: "supersedes: [cn/test/measures@2017]\n"},
	)...)
	edited := rsDoc{id: "cn/test/measures", version: "2025", kind: "measures", from: "2025-03-29",
		extra: "supersedes: [cn/test/measures@2017]\ncoverage:\n" + coverageYAML("edited", "true")}
	r2, err := reg.With(edited.file())
	if err != nil {
		t.Fatalf("With: %v\n%s", err, formatDiags(err))
	}
	if got := layerKeys(r2.Layers("11", facts.MustParseDate("2025-03-28"), "")); !cmp.Equal(got, []string{"cn/test/measures@2017"}) {
		t.Errorf("2025-03-28: %v", got)
	}
	if got := layerKeys(r2.Layers("11", facts.MustParseDate("2025-03-29"), "")); !cmp.Equal(got, []string{"cn/test/measures@2025"}) {
		t.Errorf("2025-03-29: %v", got)
	}
}

// TestDeclaredFactNamedLikeACoreField: a ruleset may declare a fact whose
// name is a near-miss of a core field (lines ~ sites); then no facts
// document can give it, because DecodeFacts rejects the key as a typo. One
// of the two must give way: the loader should flag the declaration, or the
// decoder should accept the key.
func TestDeclaredFactNamedLikeACoreField(t *testing.T) {
	bug(t, "parse.go factDecls accepts a declared fact named like a core field (lines, site, employee …) but facts_decode.go decodeFactsNode rejects that key as a typo (\"did you mean sites\"), so the fact can never be given")
	doc := rsDoc{id: "cn/test/lines", version: "1", kind: "measures", from: "2020-01-01",
		extra: "facts:\n  - {name: lines, type: list, codes: [a, b]}\ncoverage:\n" + coverageYAML("r", `"a" in lines`)}
	_, loadErr := rulesets.LoadFiles(doc.file())
	_, decodeErr := facts.Decode("f.yaml", []byte(bareFacts+"lines: [a]\n"))
	if loadErr == nil && decodeErr != nil {
		t.Errorf("the ruleset loads, but a facts document cannot give its fact: %v", decodeErr)
	}
}

// TestFilingCannotOverrideRegulator: an insurer's filing may add its own
// factors but not replace what a regulator's layer sets; trying is a stack
// error (DESIGN.md, 各承保公司应当严格执行规定的费率浮动标准).
func TestFilingCannotOverrideRegulator(t *testing.T) {
	rating := rsDoc{id: "cn.hunan/test/rating", version: "1", kind: "rating", region: "43", from: "2020-01-01", extra: `rating:
  factors:
    - id: blacklist
      title: 黑名单
      cases: [{when: blacklisted, value: "1.10", reason: 黑名单}]
      default: {value: "1.00", reason: 其他}
      cite: {source: s}
  clamp: {min: "0.70", max: "1.30", cite: {source: s}}
`}
	filing := func(extra string) rsDoc {
		return rsDoc{id: "cn.hunan/test/filing", version: "1", kind: "filing", region: "43", from: "2020-01-01", insurer: "人保", extra: extra}
	}
	for _, c := range []struct {
		name, extra, code string
	}{
		{"its own factor is fine", `rating:
  factors:
    - {id: own, title: 自有因子, cases: [{when: "(employees ?? 0) > 100", value: "0.95", reason: 规模}], default: {value: "1", reason: 其他}, cite: {source: s}}
`, ""},
		{"replacing the regulator's factor", `rating:
  factors:
    - {id: blacklist, title: 黑名单, cases: [{when: blacklisted, value: "1.50", reason: 黑名单}], default: {value: "1", reason: 其他}, cite: {source: s}}
`, "stack.filing_override"},
		{"replacing the regulator's clamp", "rating:\n  clamp: {min: \"0.5\", max: \"1.5\"}\n", "stack.filing_override"},
		{"removing the regulator's factor", "rating:\n  remove: [blacklist]\n", "stack.filing_override"},
		{"removing a factor nobody defines", "rating:\n  remove: [nothing]\n", "stack.unknown_factor"},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg := load(t, rating.file(), filing(c.extra).file())
			d := facts.MustParseDate("2021-01-01")
			if _, err := reg.Stack("430100", d, ""); err != nil {
				t.Fatalf("the stack without the filing: %v", err)
			}
			st, err := reg.Stack("430100", d, "人保")
			if c.code == "" {
				if err != nil {
					t.Fatalf("Stack: %v", err)
				}
				if st.Rating == nil || len(st.Rating.Factors) != 2 || st.Rating.Clamp == nil {
					t.Errorf("merged rating: %+v", st.Rating)
				}
				return
			}
			var se *rulesets.StackError
			if !errors.As(err, &se) {
				t.Fatalf("Stack = %v; want a StackError with %s", err, c.code)
			}
			if se.Insurer != "人保" || findDiag(se.Diagnostics, c.code) == nil {
				t.Errorf("StackError %v, want insurer 人保 and code %s", se, c.code)
			}
			// LintRegistry finds it before an assessment does.
			if findDiag(rulesets.Lint(reg, nil), c.code) == nil {
				t.Errorf("LintRegistry does not report %s", c.code)
			}
		})
	}
}

func TestLintRegistry(t *testing.T) {
	doc := rsDoc{id: "cn/test/lint", version: "1", kind: "measures", from: "2020-01-01", extra: letsYAML([]let{{"unused", "employees ?? 0"}, {"used", "blacklisted"}}) + `facts:
  - {name: never_read, type: bool}
coverage:
  - {id: a, when: used, obligation: encouraged, text: t}
  - {id: b, when: used, obligation: encouraged, text: t, cite: {source: s}}
  - {id: c, when: "false", obligation: encouraged, text: t, cite: {source: s}}
`}
	other := rsDoc{id: "cn/test/other", version: "1", kind: "law", from: "2020-01-01", extra: "coverage:\n  - {id: x, obligation: encouraged, text: t}\n"}
	reg := load(t, doc.file(), other.file())
	type item struct{ File, Code, Summary string }
	var got []item
	for _, d := range rulesets.Lint(reg, []string{doc.file().Name}) {
		got = append(got, item{d.Subject.File, d.Code, d.Summary})
	}
	f := doc.file().Name
	want := []item{
		{f, "lint.unused_let", "let unused is not used by this ruleset or any that stacks above it"},
		{f, "lint.unused_fact", "declared fact never_read is not used by this ruleset or any that stacks above it"},
		{f, "lint.no_cite", "coverage rule a cites no source"},
		{f, "lint.duplicate_condition", "coverage rule b repeats the condition and obligation of a"},
		{f, "lint.never", "rule c can never apply"},
	}
	sortItems := cmpopts.SortSlices(func(a, b item) bool { return a.Code+a.Summary < b.Code+b.Summary })
	if d := cmp.Diff(want, got, sortItems); d != "" {
		t.Errorf("LintRegistry limited to %s (-want +got):\n%s", f, d)
	}
	all := rulesets.Lint(reg, nil)
	if len(all) != len(want)+1 {
		t.Errorf("LintRegistry(nil) reports %d diagnostics, want %d (the other file's uncited rule too)", len(all), len(want)+1)
	}
}

func TestStackOfPinnedLayers(t *testing.T) {
	reg := load(t, files(stackDocs...)...)
	law := reg.Ruleset("cn/test/law@2014")
	hunan := reg.Ruleset("cn.hunan/test/policy@1")
	st, err := reg.StackOf([]*rulesets.Ruleset{law, hunan}, "430100", facts.MustParseDate("2026-01-01"), "")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"cn/test/law@2014", "cn.hunan/test/policy@1"}, layerKeys(st.Layers)); d != "" {
		t.Errorf("pinned layers (-want +got):\n%s", d)
	}
	if _, err := reg.StackOf(nil, "430100", facts.MustParseDate("2026-01-01"), ""); err == nil {
		t.Error("StackOf(nil) succeeded")
	}
}

// TestStackMissingName: a ruleset reading a let of a lower layer cannot be
// stacked on a date when that layer is not in force.
func TestStackMissingName(t *testing.T) {
	national := rsDoc{id: "cn/test/measures", version: "2017", kind: "measures", from: "2018-01-01", until: "2025-03-28",
		extra: letsYAML([]let{{"hazchem", `in_sector("hazardous_chemicals")`}}) + "coverage:\n" + coverageYAML("nat", "hazchem")}
	provincial := rsDoc{id: "cn.hunan/test/policy", version: "1", kind: "policy", region: "43", from: "2018-01-01",
		extra: "coverage:\n" + coverageYAML("prov", "hazchem")}
	reg := load(t, national.file(), provincial.file())
	if _, err := reg.Stack("430100", facts.MustParseDate("2025-03-28"), ""); err != nil {
		t.Fatalf("while the national layer is in force: %v", err)
	}
	_, err := reg.Stack("430100", facts.MustParseDate("2025-03-29"), "")
	var se *rulesets.StackError
	if !errors.As(err, &se) || findDiag(se.Diagnostics, "stack.missing_name") == nil {
		t.Fatalf("after it ends: %v; want a StackError with stack.missing_name", err)
	}
	if d := findDiag(se.Diagnostics, "stack.missing_name"); !strings.Contains(d.Summary, "hazchem") || !strings.Contains(d.Summary, "cn/test/measures@2017") {
		t.Errorf("summary %q does not name the let and its owner", d.Summary)
	}
	// A successor that declares the same let with the same type fills in.
	successor := rsDoc{id: "cn/test/measures", version: "2025", kind: "measures", from: "2025-03-29",
		extra: "supersedes: [cn/test/measures@2017]\n" + letsYAML([]let{{"hazchem", `in_sector("hazardous_chemicals.production")`}})}
	reg = load(t, national.file(), successor.file(), provincial.file())
	st, err := reg.Stack("430100", facts.MustParseDate("2025-03-29"), "")
	if err != nil {
		t.Fatalf("with the successor: %v", err)
	}
	ev := lang.NewEval()
	f := mustFacts(t, "region: \"430100\"\nsectors: [hazardous_chemicals.storage]\n")
	if err := st.Bind(ev, f, facts.MustParseDate("2025-03-29"), ""); err != nil {
		t.Fatal(err)
	}
	ok, err := st.Coverage[0].When.Bool(ev)
	if err != nil || ok {
		t.Errorf("the provincial rule reads the successor's let: got %v, %v; want false (storage is not production)", ok, err)
	}
	// LintRegistry reports the stack that cannot be built.
	reg = load(t, national.file(), provincial.file())
	if findDiag(rulesets.Lint(reg, nil), "stack.missing_name") == nil {
		t.Error("LintRegistry does not report stack.missing_name")
	}
}
