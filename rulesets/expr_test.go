package rulesets_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// bareFacts gives only what is required.
const bareFacts = `region: "430100"
sectors: [other]
`

const asOf = "2026-01-01"

type exprCase struct {
	name  string
	when  string
	facts string // richFacts when empty
	want  bool
	// missing, when set, says evaluation fails for lack of these facts.
	missing []string
	lets    []let
}

func runExprCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reg := loadDoc(t, exprDoc(c.when, c.lets...))
			factsText := c.facts
			if factsText == "" {
				factsText = richFacts
			}
			got, err, _ := evalRule(t, reg, mustFacts(t, factsText), asOf, "r")
			if c.missing != nil {
				var ee *lang.EvalError
				if !errors.As(err, &ee) {
					t.Fatalf("%s = %v, %v; want an *EvalError for missing %v", c.when, got, err, c.missing)
				}
				if !errors.Is(err, lang.ErrMissing) {
					t.Errorf("errors.Is(err, ErrMissing) is false for %v", err)
				}
				if d := cmp.Diff(c.missing, ee.Missing); d != "" {
					t.Errorf("Missing (-want +got):\n%s", d)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", c.when, err)
			}
			if got != c.want {
				t.Errorf("%s = %v, want %v", c.when, got, c.want)
			}
		})
	}
}

func TestExprDecimals(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "0.1 + 0.2 == 0.3 exactly", when: "0.1 + 0.2 == 0.3", want: true},
		{name: "0.1 + 0.2 != 0.3 is false", when: "0.1 + 0.2 != 0.3", want: false},
		{name: "scale does not matter for ==", when: "1.0 == 1.00", want: true},
		{name: "scale does not matter for !=", when: "1.0 != 1.00", want: false},
		{name: "ordering", when: "0.10 < 0.2 && 0.3 > 0.29 && 0.5 <= 0.50 && 0.5 >= 0.5", want: true},
		{name: "decimal in a list", when: "0.1 in [0.1, 0.2]", want: true},
		{name: "decimal in a list, other scale", when: "0.10 in [0.1, 0.2]", want: true},
		{name: "decimal not in a list", when: "0.15 in [0.1, 0.2]", want: false},
		{name: "decimal fact in a list", when: "loss_ratio in [0.1, 0.2]", want: true},
		{name: "subtraction", when: "1 - 0.75 == 0.25", want: true},
		{name: "multiplication keeps digits", when: "1.1 * 1.1 == 1.21", want: true},
		{name: "division keeps 16 places", when: "decimal(1) / 3 * 10000000000000000 == 3333333333333333", want: true},
		{name: "division rounds the 16th place half up", when: "decimal(2) / 3 * 10000000000000000 == 6666666666666667", want: true},
		{name: "rounded division", when: "round(decimal(1) / 3, 12) == 0.333333333333", want: true},
		{name: "division by a decimal", when: "1 / 0.5 == 2", want: true},
		{name: "int times decimal fact", when: "employees * 0.5 == 20", want: true},
		{name: "decimal fact times literal", when: "annual_revenue * 0.0015 == 1500", want: true},
		{name: "int plus decimal", when: "employees + 0.5 > 40", want: true},
		{name: "decimal compared with int", when: "annual_revenue > 999999 && annual_revenue == 1000000", want: true},
		{name: "decimal() of an int fact", when: "decimal(employees) / 3 > 13.33", want: true},
		{name: "int arithmetic", when: "employees * 2 + 1 == 81 && employees - 50 == -10 && 10 % 3 == 1", want: true},
		{name: "unary minus on a literal", when: "-0.5 < 0 && -0.5 == 0 - 0.5", want: true},
		{name: "unary minus on a parenthesized literal", when: "-(0.25) == -0.25", want: true},
		{name: "double minus", when: "- -0.5 == 0.5", want: true},
		{name: "unary minus on a decimal fact", when: "-annual_revenue < 0 && -annual_revenue == -1000000", want: true},
		{name: "unary minus on an int fact", when: "-employees == -40", want: true},
		{name: "unary minus on an expression", when: "-(annual_revenue * 0.001) == -1000", want: true},
		{name: "max and min mix ints and decimals", when: "max(0.1, 1, 0.5) == 1 && min(2, 0.5) == 0.5", want: true},
		{name: "max and min of decimals", when: "max(0.1, 1.0, 0.5) == 1 && min(2.0, 0.5) == 0.5", want: true},
		{name: "max and min of ints", when: "max(1, employees, 3) == 40 && min(employees, 3) == 3", want: true},
		{name: "max of a decimal fact and a decimal", when: "max(annual_revenue, 0.5) == 1000000", want: true},
		{name: "abs", when: "abs(-0.5) == 0.5 && abs(-3) == 3", want: true},
		{name: "round half up", when: "round(2.345, 2) == 2.35", want: true},
		{name: "round half even", when: `round(2.345, 2, "half_even") == 2.34`, want: true},
		{name: "round down", when: `round(2.99, 0, "down") == 2`, want: true},
		{name: "exponent literal", when: "1e3 == 1000 && 2.5e-1 == 0.25", want: true},
		{name: "sum of decimals", when: "sum(map(accidents, {.direct_loss})) == 1500010.5", want: true},
		{name: "ternary mixes int and decimal", when: "(employees > 10 ? 1 : 0.5) == 1", want: true},
	})
}

func TestExprNil(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "employees given", when: "employees == nil", want: false},
		{name: "employees missing", when: "employees == nil", facts: bareFacts, want: true},
		{name: "employees != nil missing", when: "employees != nil", facts: bareFacts, want: false},
		{name: "policy given", when: "policy != nil", want: true},
		{name: "policy missing", when: "policy == nil", facts: bareFacts, want: true},
		{name: "death limit given", when: "policy.death_limit != nil", want: true},
		{name: "death limit not given", when: "policy.death_limit == nil", facts: bareFacts + "policy: {start: 2025-01-01, end: 2025-12-31}\n", want: true},
		{name: "death limit when there is no policy", when: "policy.death_limit == nil", facts: bareFacts, want: true},
		{name: "deadline given", when: "enforcement.deadline != nil", want: true},
		{name: "deadline when there is no enforcement", when: "enforcement.deadline == nil", facts: bareFacts, want: true},
		{name: "nil on the left", when: "nil == employees", facts: bareFacts, want: true},
		{name: "guarded read", when: "employees != nil && employees > 100", facts: bareFacts, want: false},
		{name: "risk level missing", when: "risk_level == nil", facts: bareFacts, want: true},
	})
}

func TestExprMissing(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "employees", when: "employees > 10", facts: bareFacts, missing: []string{"employees"}},
		{name: "death limit of a policy without one", when: "policy.death_limit >= 300000",
			facts: bareFacts + "policy: {start: 2025-01-01, end: 2025-12-31}\n", missing: []string{"policy.death_limit"}},
		{name: "death limit without a policy names the policy", when: "policy.death_limit >= 300000", facts: bareFacts, missing: []string{"policy"}},
		{name: "deadline without enforcement", when: "enforcement.deadline < as_of", facts: bareFacts, missing: []string{"enforcement"}},
		{name: "two missing facts", when: "employees > 10 || annual_revenue > 5", facts: bareFacts, missing: []string{"employees", "annual_revenue"}},
		{name: "risk level", when: `risk_level == "major"`, facts: bareFacts, missing: []string{"risk_level"}},
		{name: "missing in a let", when: "big", facts: bareFacts, missing: []string{"employees"}, lets: []let{{"big", "employees > 100"}}},
	})
}

func TestExprCoalesce(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "default used", when: "(employees ?? 0) > 10", facts: bareFacts, want: false},
		{name: "value used", when: "(employees ?? 0) > 10", want: true},
		{name: "decimal default", when: "(policy.death_limit ?? 0) < 400000", facts: bareFacts, want: true},
		{name: "decimal default with a decimal", when: "(annual_revenue ?? 0.5) == 0.5", facts: bareFacts, want: true},
		{name: "date default", when: `(enforcement.deadline ?? date("2000-01-01")) < as_of`, facts: bareFacts, want: true},
		{name: "code default", when: `(risk_level ?? "low") == "low"`, facts: bareFacts, want: true},
	})
}

func TestExprCodesAndFunctions(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "risk level code", when: `risk_level == "high"`, want: true},
		{name: "risk level code, reversed", when: `"major" == risk_level`, want: false},
		{name: "status default", when: `status == "operating"`, want: true},
		{name: "code in sectors", when: `"hazardous_chemicals.storage" in sectors`, want: true},
		{name: "in_sector by prefix", when: `in_sector("hazardous_chemicals")`, want: true},
		{name: "in_sector of another sector", when: `in_sector("fireworks", "coal_mine")`, want: false},
		{name: "in_sector with several codes", when: `in_sector("fireworks", "special_equipment")`, want: true},
		{name: "under", when: `any(sectors, {under(#, "special_equipment")})`, want: true},
		{name: "under, risk level", when: `risk_level != nil && under(risk_level, "high", "major")`, want: true},
		{name: "has_site", when: `has_site("confined_space")`, want: true},
		{name: "has_site of another kind", when: `has_site("ship_repair", "ship_dismantling")`, want: false},
		{name: "site_workers", when: `site_workers("confined_space", "explosive_dust") == 15`, want: true},
		{name: "date functions", when: `as_of >= date("2021-09-01") && year(as_of) == 2026 && add_days(as_of, 1) > as_of`, want: true},
		{name: "days_between", when: `days_between(date("2024-01-01"), date("2025-01-01")) == 366`, want: true},
		{name: "add_years on 29 Feb", when: `add_years(date("2024-02-29"), 1) == date("2025-02-28")`, want: true},
		{name: "string functions", when: `name contains "危化" && name startsWith "危" && region matches "^43"`, want: true},
		{name: "ternary codes", when: `(employees > 10 ? "a" : "b") == "a"`, want: true},
		{name: "len of a string counts characters", when: `len(name) == 5`, want: true},
	})
}

func TestExprPredicates(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "any over accidents", when: "any(accidents, {.deaths > 0 || .serious_injuries >= 3})", want: true},
		{name: "count by derived grade", when: `count(accidents, {.grade == "relatively_major"}) == 1`, want: true},
		{name: "grade rank", when: "any(accidents, {.grade_rank >= 2})", want: true},
		{name: "all over sectors", when: `all(sectors, {under(#, "hazardous_chemicals", "special_equipment")})`, want: true},
		{name: "none over sites", when: `none(sites, {.kind == "ship_repair"})`, want: true},
		{name: "one over sites", when: "one(sites, {.workers > 10})", want: true},
		{name: "sum over sites", when: "sum(sites, {.workers}) == 15", want: true},
		{name: "filter then len", when: "len(filter(accidents, {.deaths == 0})) == 1", want: true},
		{name: "count without a predicate", when: "count(accidents) == 2", want: true},
		{name: "map of codes", when: `"confined_space" in map(sites, {.kind})`, want: true},
		{name: "accidents_within excludes old accidents", when: "any(accidents_within(5), {.serious_injuries >= 10})", want: false},
		{name: "accidents_within keeps recent ones", when: "any(accidents_within(5), {.deaths > 0})", want: true},
		{name: "accidents_within in a let", when: "fatal5", want: true,
			lets: []let{{"fatal5", "any(accidents_within(5), {.deaths > 0 || .serious_injuries >= 3})"}}},
		{name: "accidents_within counted", when: "len(accidents_within(10)) == 2 && len(accidents_within(1)) == 0", want: true},
		{name: "index into accidents", when: "accidents[0].deaths == 1", want: true},
		{name: "nested predicates", when: `any(sites, {any(sectors, {under(#, "special_equipment")})})`, want: true},
		{name: "empty list", when: "any(accidents, {.deaths > 0})", facts: bareFacts, want: false},
		{name: "all over an empty list", when: "all(accidents, {.deaths > 0})", facts: bareFacts, want: true},
	})
}

// TestExprFutureDatesIgnored checks that dated facts after the as-of date
// do not count and are listed by Eval.Ignored.
func TestExprFutureDatesIgnored(t *testing.T) {
	factsText := bareFacts + `accidents:
  - {date: 2025-06-01, deaths: 1}
  - {date: 2026-01-02, deaths: 3}
  - {date: 2027-05-01, deaths: 30}
enforcement: {ordered_on: 2026-03-01, deadline: 2026-04-01}
`
	for _, c := range []struct {
		name    string
		when    string
		want    bool
		ignored []string
	}{
		{"accidents after as-of are not counted", "len(accidents) == 1 && !any(accidents, {.deaths >= 3})", true,
			[]string{"accidents[1].date 2026-01-02", "accidents[2].date 2027-05-01"}},
		{"nor within a window", "len(accidents_within(5)) == 1", true,
			[]string{"accidents[1].date 2026-01-02", "accidents[2].date 2027-05-01"}},
		{"an order after as-of has not happened", "enforcement.ordered_on == nil", true,
			[]string{"enforcement.ordered_on 2026-03-01"}},
		{"nothing dated is read", "employees == nil", true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg := loadDoc(t, exprDoc(c.when))
			got, err, ev := evalRule(t, reg, mustFacts(t, factsText), asOf, "r")
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("%s = %v, want %v", c.when, got, c.want)
			}
			if d := cmp.Diff(c.ignored, ev.Ignored()); d != "" {
				t.Errorf("Ignored (-want +got):\n%s", d)
			}
		})
	}
}

// TestExprLoadErrors checks expressions that must not load, with their
// code, a summary and (where one helps) a hint.
func TestExprLoadErrors(t *testing.T) {
	for _, c := range []struct {
		name, when, code, summary, hint string
		lets                            []let
	}{
		{name: "unknown name", when: "employes > 10", code: "expr.unknown_name", summary: "unknown name employes", hint: "did you mean employees"},
		{name: "unknown field", when: "policy.death_limt > 0", code: "expr.type", summary: "^policy has no field death_limt$", hint: `did you mean "death_limit"\?`},
		{name: "unknown field of an accident", when: "any(accidents, {.death > 0})", code: "expr.type", summary: "^accident has no field death$", hint: `"deaths"`},
		{name: "code typo", when: `risk_level == "majr"`, code: "expr.unknown_code", summary: `"majr" is not a risk_level code`, hint: `did you mean "major"\?`},
		{name: "code typo, reversed", when: `"majr" == risk_level`, code: "expr.unknown_code", summary: `"majr" is not a risk_level code`, hint: `"major"`},
		{name: "code typo in a list", when: `risk_level in ["major", "hihg"]`, code: "expr.unknown_code", summary: `"hihg" is not a risk_level code`, hint: `"high"`},
		{name: "sector code typo with in", when: `"hazardous_chemical" in sectors`, code: "expr.unknown_code", summary: "is not a sectors code"},
		{name: "grade code typo", when: `any(accidents, {.grade == "majr"})`, code: "expr.unknown_code", summary: "not a grade code", hint: `"major"`},
		{name: "status code typo", when: `status != "operatin"`, code: "expr.unknown_code", hint: `"operating"`},
		{name: "in_sector with an unknown code", when: `in_sector("hazardous_chemical")`, code: "expr.unknown_code", summary: "not a sector code", hint: `"hazardous_chemicals"`},
		{name: "in_sector with no code", when: "in_sector()", summary: "needs at least one code"},
		{name: "in_sector with a fact", when: "in_sector(region)", summary: "takes constant codes"},
		{name: "has_site with an unknown kind", when: `has_site("confined")`, code: "expr.unknown_code", summary: "not a site kind code", hint: `"confined_space"`},
		{name: "under with one argument", when: `under("x")`, summary: `under\(code, "prefix", …\)`},
		{name: "under with a bad prefix", when: `risk_level != nil && under(risk_level, "maj")`, code: "expr.unknown_code", summary: "not a risk_level code"},
		{name: "accidents_within 0", when: "len(accidents_within(0)) > 0", summary: `1 ≤ n ≤ 100`},
		{name: "accidents_within 101", when: "len(accidents_within(101)) > 0", summary: `1 ≤ n ≤ 100`},
		{name: "bad date constant", when: `as_of > date("2023-02-29")`, summary: "no such day"},
		{name: "date out of range", when: `as_of > date("1900-01-01")`, summary: "out of range"},
		{name: "date of a fact", when: `as_of > date(name)`, summary: "constant string"},
		{name: "round with a variable scale", when: "round(0.5, employees) > 0", summary: "constant scale"},
		{name: "round with a bad mode", when: `round(0.5, 0, "up") > 0`, summary: "mode must be"},
		{name: "int division", when: "employees / 2 > 1", code: "expr.float", summary: "dividing whole numbers", hint: `decimal\(a\) / b`},
		{name: "int literal division", when: "7 / 2 > 1", code: "expr.float"},
		{name: "power", when: "2 ** 3 > 1", code: "expr.float", summary: `\*\* is not supported`},
		{name: "caret power", when: "2 ^ 3 > 1", code: "expr.float"},
		{name: "now()", when: "now() != nil", code: "expr.unsupported", summary: `now\(\) is not available`},
		{name: "let inside an expression", when: "let x = 1; x > 0", code: "expr.unsupported", summary: "let inside an expression"},
		{name: "range", when: "1 in 1..3", code: "expr.unsupported", summary: "ranges are not supported"},
		{name: "map literal", when: `{"a": 1}.a == 1`, code: "expr.unsupported"},
		{name: "find", when: "find(accidents, {.deaths > 0}) != nil", code: "expr.unsupported", summary: `find\(\) is not supported`},
		{name: "optional chaining", when: "policy?.death_limit > 0", code: "expr.unsupported", summary: `\?\.`},
		{name: "other builtin", when: `upper(name) == "X"`, code: "expr.unsupported", summary: `upper\(\) is not available`},
		{name: "slice", when: "len(accidents[0:1]) > 0", code: "expr.unsupported"},
		{name: "indexing a list of strings", when: `sectors[0] == "other"`, summary: "indexing is supported only on lists of objects"},
		{name: "non-bool when: int", when: "employees + 1", code: "expr.result_type", summary: "must be a bool, not int", hint: "true or false"},
		{name: "non-bool when: decimal literal", when: "1.5", code: "expr.result_type", summary: "not decimal"},
		{name: "non-bool when: list", when: "sectors", code: "expr.result_type"},
		{name: "nil when", when: "nil", code: "expr.type", summary: "nil"},
		{name: "nil on an always-given fact", when: "sectors == nil", code: "expr.type", summary: "sectors is always given"},
		{name: "nil on a bool fact", when: "blacklisted != nil", code: "expr.type", summary: "blacklisted is always given"},
		{name: "nil on an always-given field", when: "hazards.major_unrectified == nil", code: "expr.type", summary: "always given"},
		{name: "?? on an always-given fact", when: "(dispatched_workers ?? 0) > 1", code: "expr.type", summary: "always given, so \\?\\? has no effect"},
		{name: "?? with a default of another type", when: `(employees ?? "x") == "x"`, code: "expr.type", summary: "same type"},
		{name: "obligation in a coverage rule", when: `obligation == "mandatory"`, code: "expr.phase", summary: "not known yet"},
		{name: "item outside a penalty", when: "item.deaths > 0", code: "expr.phase", summary: "item is only defined in penalty rules with each:"},
		{name: "rate outside a base formula", when: "rate > 0", code: "expr.phase", summary: "rate is only defined in a base formula"},
		{name: "compare a code with a number", when: "risk_level == 1", code: "expr.type"},
		{name: "too many fraction digits", when: "loss_ratio > 0.12345678901234567891", code: "expr.decimal", summary: "more than [0-9]+ decimal places"},
		{name: "literal too large", when: "annual_revenue > 1e20", code: "expr.decimal", summary: "too large|exponent"},
		{name: "syntax error", when: "employees >", code: "expr.syntax"},
		{name: "empty expression", when: " ", code: "expr.syntax", summary: "empty"},
		{name: "let holding an object", when: "p != nil", code: "expr.result_type", summary: "cannot hold an object", lets: []let{{"p", "policy"}}},
		{name: "let cycle", when: "a", code: "let.cycle", summary: "let a depends on itself: a → b → a", lets: []let{{"a", "b && true"}, {"b", "a || false"}}},
		{name: "self-referencing let", when: "true", code: "let.cycle", summary: "let a depends on itself", lets: []let{{"a", "a"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds := loadDiags(t, diag.File{Name: "test.yaml", Data: []byte(exprDoc(c.when, c.lets...))})
			var hit *diag.Diagnostic
			for _, d := range ds.Errors() {
				if (c.code == "" || d.Code == c.code) && (c.summary == "" || regexp.MustCompile(c.summary).MatchString(d.Summary)) {
					hit = d
					break
				}
			}
			if hit == nil {
				var b strings.Builder
				_ = ds.Print(&b)
				t.Fatalf("no diagnostic with code %q and summary /%s/:\n%s", c.code, c.summary, b.String())
			}
			if c.hint != "" && !regexp.MustCompile(c.hint).MatchString(hit.Hint) {
				t.Errorf("hint %q does not match /%s/", hit.Hint, c.hint)
			}
			if !hit.Subject.Start.IsValid() || hit.Subject.File != "test.yaml" {
				t.Errorf("diagnostic has no position: %+v", hit.Subject)
			}
			if strings.Contains(hit.Summary, "internal") {
				t.Errorf("internal error reached the user: %s", hit.Summary)
			}
		})
	}
}

// TestExprIntWhereDecimal: README says ints and decimals mix in arithmetic
// and comparisons, and the compiler converts ints for max, min, round and
// in (fnMinMax, fnRound, compiler.in call toDec); expr's checker must not
// reject these before the compiler sees them.
func TestExprIntWhereDecimal(t *testing.T) {
	bug(t, "funcs.go/expr.go: expr's checker rejects int arguments where the overloads take decimals (round(1, 2), employees in [40.0, 2.5]) and lists from map() (max(map(accidents, {.direct_loss}))), with misleading messages such as \"cannot use int as argument (type rulesets.Date) to call max\"")
	runExprCases(t, []exprCase{
		{name: "max over a list of decimals from map", when: "max(map(accidents, {.direct_loss})) == 1500000.5", want: true},
		{name: "min over a list of ints from map", when: "min(map(accidents, {.deaths})) == 0", want: true},
		{name: "round of an int", when: "round(1, 2) == 1", want: true},
		{name: "int in a list of decimals", when: "employees in [40.0, 2.5]", want: true},
	})
}

// TestExprCoalesceIntDefault: README's "give a default with x ?? 0" must
// work for decimal facts in arithmetic and comparisons with decimals.
func TestExprCoalesceIntDefault(t *testing.T) {
	bug(t, "expr's checker types decimal ?? int as unknown, so (annual_revenue ?? 0) * 0.5 and (annual_revenue ?? 0) > 0.5 fail to load with \"invalid operation: * (mismatched types unknown and decimal.Decimal)\"; compiler.binary's toDec for ?? is never reached")
	runExprCases(t, []exprCase{
		{name: "times a decimal", when: "(annual_revenue ?? 0) * 0.5 == 0", facts: bareFacts, want: true},
		{name: "compared with a decimal", when: "(annual_revenue ?? 0) > 0.5", want: true},
		{name: "divided by", when: "decimal(1) / (annual_revenue ?? 1) < 0.5", want: true},
	})
}

// TestExprErrorCodesOfArguments: a wrong argument of in_sector() is not an
// unknown code.
func TestExprErrorCodesOfArguments(t *testing.T) {
	for _, c := range []struct{ name, when string }{
		{"no argument", "in_sector()"},
		{"a fact instead of a constant", "in_sector(region)"},
		{"a fact instead of a constant, has_site", "has_site(name)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bug(t, "compile.go check() classifies compile errors by substring; \"needs at least one code\" / \"takes constant codes\" get code expr.unknown_code")
			ds := loadDiags(t, diag.File{Name: "test.yaml", Data: []byte(exprDoc(c.when))})
			for _, d := range ds.Errors() {
				if d.Code == "expr.unknown_code" {
					t.Errorf("%s: %q is reported as %s", c.when, d.Summary, d.Code)
				}
			}
		})
	}
}

// TestLetFailureReachesEveryReader: a let that cannot be computed makes
// every rule that reads it undetermined, not just the first (a failure is
// not memoized as a value).
func TestLetFailureReachesEveryReader(t *testing.T) {
	doc := header("cn/test/lets", "1", "policy", "", "2000-01-01") + letsYAML([]let{
		{"big", "employees > 100"},
		{"big_or_rich", "big || (annual_revenue ?? 0) > 5"},
	}) + "coverage:\n" + coverageYAML("r1", "big") + coverageYAML("r2", "!big") + coverageYAML("r3", "big_or_rich") + coverageYAML("r4", "policy == nil")
	reg := loadDoc(t, doc)
	st, err := reg.Stack("430100", facts.MustParseDate(asOf), "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	run := func(f *facts.Facts) map[string]string {
		if err := st.Bind(ev, f, facts.MustParseDate(asOf), ""); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for round := 0; round < 2; round++ { // a second round reads the memo
			for _, c := range st.Coverage {
				ok, err := c.When.Bool(ev)
				s := answer.Outcome(ok, err)
				if m := answer.MissingOf(err); m != nil {
					s += " " + strings.Join(m, ",")
				}
				if prev, seen := out[c.ID]; seen && prev != s {
					t.Errorf("rule %s: %q on the first read, %q on the second", c.ID, prev, s)
				}
				out[c.ID] = s
			}
		}
		return out
	}
	got := run(mustFacts(t, bareFacts))
	want := map[string]string{
		"r1": "undetermined employees",
		"r2": "undetermined employees",
		"r3": "undetermined employees",
		"r4": "matched",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("without employees (-want +got):\n%s", d)
	}
	// The same Eval, reset for facts that give employees: no stale failure.
	got = run(mustFacts(t, bareFacts+"employees: 150\n"))
	want = map[string]string{"r1": "matched", "r2": "not_matched", "r3": "matched", "r4": "matched"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("with employees (-want +got):\n%s", d)
	}
	// And back: a memoized success must not leak into the next enterprise.
	got = run(mustFacts(t, bareFacts+"employees: 5\n"))
	want = map[string]string{"r1": "not_matched", "r2": "matched", "r3": "not_matched", "r4": "matched"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("with few employees (-want +got):\n%s", d)
	}
}

// TestLetsAcrossLayers: a let declared by a national ruleset is visible to a
// provincial one that stacks above it.
func TestLetsAcrossLayers(t *testing.T) {
	national := header("cn/test/national", "1", "measures", "", "2000-01-01") +
		letsYAML([]let{{"hazchem", `in_sector("hazardous_chemicals")`}, {"staff", "employees ?? 0"}}) +
		"coverage:\n" + coverageYAML("nat", "hazchem")
	provincial := header("cn.hunan/test/provincial", "1", "policy", "43", "2000-01-01") +
		letsYAML([]let{{"big_hazchem", "hazchem && staff > 10"}}) +
		"coverage:\n" + coverageYAML("prov", "big_hazchem && hazchem")
	files := []diag.File{{Name: "national.yaml", Data: []byte(national)}, {Name: "hunan.yaml", Data: []byte(provincial)}}
	reg := load(t, files...)
	for _, c := range []struct {
		name, facts string
		want        map[string]bool
	}{
		{"hazchem with staff", richFacts, map[string]bool{"nat": true, "prov": true}},
		{"hazchem without employees", "region: \"430100\"\nsectors: [hazardous_chemicals.use]\n", map[string]bool{"nat": true, "prov": false}},
		{"not hazchem", bareFacts + "employees: 500\n", map[string]bool{"nat": false, "prov": false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := mustFacts(t, c.facts)
			got := map[string]bool{}
			for id := range c.want {
				ok, err, _ := evalRule(t, reg, f, asOf, id)
				if err != nil {
					t.Fatalf("%s: %v", id, err)
				}
				got[id] = ok
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	t.Run("the national stack alone", func(t *testing.T) {
		st, err := reg.Stack("330100", facts.MustParseDate(asOf), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Layers) != 1 || st.Layers[0].ID != "cn/test/national" {
			t.Errorf("layers of 330100: %v", layerKeys(st.Layers))
		}
	})
	t.Run("the provincial ruleset without the national one", func(t *testing.T) {
		ds := loadDiags(t, files[1])
		d := findDiag(ds, "expr.unknown_name")
		if d == nil || !strings.Contains(d.Summary, "hazchem") {
			t.Fatalf("want an unknown name hazchem, got %v", errorCodes(ds))
		}
	})
	t.Run("a provincial let cannot be read by the national layer", func(t *testing.T) {
		nat := header("cn/test/national", "1", "measures", "", "2000-01-01") + "coverage:\n" + coverageYAML("nat", "big_hazchem")
		ds := loadDiags(t, diag.File{Name: "national.yaml", Data: []byte(nat)}, files[1])
		if findDiag(ds, "expr.unknown_name") == nil {
			t.Errorf("want an unknown name, got %v", errorCodes(ds))
		}
	})
}

func layerKeys(rs []*rulesets.Ruleset) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Key())
	}
	return out
}

// TestExprMultibyteText: numbers and names after Chinese text are read
// from the right place (expr locations count characters, not bytes).
func TestExprMultibyteText(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "decimal after a Chinese string", when: `name != "安全生产责任保险" && annual_revenue > 0.5`, want: true},
		{name: "decimal literal exact after Chinese", when: `name == "危化品公司" && 0.1 + 0.2 == 0.3`, want: true},
	})
	ds := loadDiags(t, diag.File{Name: "test.yaml", Data: []byte(exprDoc(`name == "危化品" && employes > 1`))})
	d := findDiag(ds, "expr.unknown_name")
	if d == nil {
		t.Fatalf("no unknown name: %v", errorCodes(ds))
	}
	// The block starts on the line after "when: |-" with 6 spaces of
	// indentation: "name == "危化品" && " is 17 characters.
	if want := (diag.Pos{Line: d.Subject.Start.Line, Column: 7 + 17}); d.Subject.Start != want {
		t.Errorf("unknown name at %v, want column %d", d.Subject.Start, want.Column)
	}
}
