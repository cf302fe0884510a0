package rulesets_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/rulesets"
)

// Fuzz targets. Each is seeded from the bundled rulesets, the fixtures in
// testdata and hand-written tricky inputs; inputs the fuzzer finds that
// break a property are kept under testdata/fuzz/<Target>/ and run as part
// of go test. Run one with
//
//	go test ./rulesets -run '^$' -fuzz '^FuzzLoadRuleset$' -fuzztime 60s

const docTextBug = "parse.go docText splits lines at \\n only, but yaml.v3 also breaks lines at a lone \\r, U+0085, U+2028 and U+2029: a multi-document file with such line breaks makes LoadFiles panic (index out of range)"

// allowedCode is the allow-list of diagnostic codes loading may report:
// any other code (or an "internal" summary) is a finding.
var allowedCode = regexp.MustCompile(`^(ruleset|expr|let|cite|stack|penalty|table|lint|rating)\.[a-z_]+$`)

func fuzzFacts(t testing.TB) []*facts.Facts {
	minimal := &facts.Facts{Region: "110000", Sectors: []string{"other"}, Status: "operating"}
	future := mustFacts(t, bareFacts+`employees: 0
annual_revenue: 0
accidents:
  - {date: 2199-12-31, deaths: 100, direct_loss: "999999999999999"}
policy: {insured: false}
policy_history: [{start: 2000-01-01, end: 2000-01-01, surrendered_on: 2000-01-01}]
enforcement: {ordered_on: 2199-01-01, fine_amount: "0", fined_on: 2199-01-02}
`)
	return []*facts.Facts{minimal, mustFacts(t, completeFactsYAML), mustFacts(t, richFacts), future}
}

// exercise evaluates every expression of the stack for f on d. It must not
// panic; errors are expected (missing facts, division by zero …).
func exercise(t *testing.T, st *rulesets.Stack, f *facts.Facts, d facts.Date) {
	ev := lang.NewEval()
	if err := st.Bind(ev, f, d, st.Insurer); err != nil {
		var fe *facts.Error
		if !errors.As(err, &fe) {
			t.Fatalf("Reset error %T: %v", err, err)
		}
	}
	eval := func(e *lang.Expr) {
		if e == nil {
			return
		}
		_, _ = e.Bool(ev)
		_, _ = e.Decimal(ev)
		_, _ = e.Date(ev)
		_, _ = e.Value(ev)
		_, _ = e.Items(ev)
	}
	cites := func(cs []*rulesets.Cite, rs *rulesets.Ruleset) {
		for _, c := range cs {
			eval(c.When)
		}
		_ = answer.Citations(ev, rs, cs)
	}
	// Conditions are deterministic: a second evaluation (reading memoized
	// lets) gives the same outcome as the first.
	outcome := func(e *lang.Expr) string {
		ok, err := e.Bool(ev)
		s := answer.Outcome(ok, err)
		if err != nil {
			s += ": " + err.Error()
		}
		return s
	}
	for _, r := range st.Coverage {
		first := outcome(r.When)
		eval(r.When)
		cites(r.Cite, r.Ruleset)
		if again := outcome(r.When); again != first {
			t.Errorf("rule %s: %q, then %q", r.ID, first, again)
		}
	}
	for _, o := range []rulesets.Obligation{rulesets.ObligationNone, rulesets.ObligationMandatory} {
		ev.SetObligation(string(o))
		for _, r := range st.Requirements {
			eval(r.When)
			cites(r.Cite, r.Ruleset)
		}
		for _, r := range st.Findings {
			eval(r.When)
		}
		for _, r := range st.Consequences {
			eval(r.When)
		}
		for _, r := range st.References {
			eval(r.When)
		}
		for _, v := range st.Penalties {
			for _, p := range append([]*rulesets.PenaltyRule{v.Rule}, v.Restating...) {
				var items []any
				if p.Each != nil {
					items, _ = p.Each.Items(ev)
				}
				for _, it := range append(items, nil) {
					ev.SetItem(it)
					eval(p.When)
					eval(p.On)
					if p.Fine != nil {
						eval(p.Fine.Min)
						eval(p.Fine.Max)
					}
					if p.PerDay != nil {
						eval(p.PerDay.Amount)
						eval(p.PerDay.From)
						eval(p.PerDay.Through)
					}
					for _, tier := range p.Tiers {
						eval(tier.When)
					}
					cites(p.Cite, p.Ruleset)
				}
				ev.SetItem(nil)
			}
		}
		if rt := st.Rating; rt != nil {
			for _, tb := range rt.Tables {
				for _, dim := range tb.Dims {
					eval(dim.By)
				}
			}
			for _, b := range rt.Bases {
				eval(b.When)
				eval(b.RateExpr)
				for _, l := range b.Loadings {
					eval(l.When)
				}
				ev.SetRate(*facts.Dec("0.0012"))
				eval(b.Formula)
				_ = rt.Table(b)
			}
			for _, fc := range rt.Factors {
				for _, c := range fc.Cases {
					eval(c.When)
					eval(c.Value)
				}
				if fc.Default != nil {
					eval(fc.Default.Value)
				}
			}
			if rt.Minimum != nil {
				eval(rt.Minimum.Amount)
			}
		}
	}
	_, _, _ = ev.Timeline()
	_ = ev.Ignored()
}

// exerciseRegistry builds, for every ruleset, the stack of its own region
// at its first day (and at its last, if it ends) and evaluates it.
func exerciseRegistry(t *testing.T, reg *rulesets.Registry, fs []*facts.Facts) {
	for _, rs := range reg.Rulesets() {
		dates := []facts.Date{rs.Effective.From}
		if !rs.Effective.Until.IsZero() {
			dates = append(dates, rs.Effective.Until)
		}
		for _, d := range dates {
			st, err := reg.Stack(rs.Region, d, rs.Insurer)
			if err != nil {
				var se *rulesets.StackError
				if !errors.As(err, &se) {
					t.Fatalf("Stack error %T: %v", err, err)
				}
				testkit.CheckDiagnostics(t, se.Diagnostics, nil, regexp.MustCompile(`.`))
				continue
			}
			for _, f := range fs {
				exercise(t, st, f, d)
			}
		}
	}
	_ = rulesets.Lint(reg, nil)
}

var trickyRulesets = []string{
	"",
	"---\n",
	"schema: anzexian/v1\n",
	"[1, 2]\n",
	"a: &x [*x]\n",
	"schema: anzexian/v1\nid: *missing\n",
	"schema: !!binary aGVsbG8=\n",
	"{schema: anzexian/v1, id: cn/x/y, version: '1', status: in_force, kind: law, title: t, region: '', effective: {from: 2021-09-01}}\n",
	header("cn/test/tricky", "1", "policy", "", "2000-01-01") + "coverage:\n  - id: r\n    when: \"\\u0000\"\n    obligation: none\n    text: t\n",
	header("cn/test/tricky", "1", "policy", "", "2000-01-01") + "coverage:\n  - id: r\n    when: >\n      employees\n      > 1\n    obligation: none\n    text: t\n",
	header("cn/test/tricky", "1", "policy", "", "2000-01-01") + "let:\n  a: b\n  b: c\n  c: a\ncoverage:\n  - {id: r, when: a, obligation: none, text: t}\n",
	header("cn/test/tricky", "1", "policy", "", "2000-01-01") + "coverage:\n  - {id: r, when: \"1e999999999 > 0\", obligation: none, text: t}\n",
	header("cn/test/tricky", "1", "policy", "", "2000-01-01") + "coverage:\n  - {id: r, when: \"add_days(as_of, 2147483647) > as_of\", obligation: none, text: t}\n",
	header("cn/test/tricky", "1", "policy", "", "2000-01-01") + "coverage:\n  - {id: r, when: \"add_years(as_of, employees ?? 0) > as_of && accidents[-1].deaths > 0\", obligation: none, text: t}\n",
	header("cn/test/tricky", "1", "policy", "", "2000-01-01") + "coverage:\n  - {id: r, when: \"decimal(1) / (annual_revenue ?? 0) > 1 && 5 % (employees ?? 0) == 0\", obligation: none, text: t}\n",
	header("cn/test/tricky", "1", "policy", "", "2000-01-01") + "coverage:\n  - {id: r, when: \"max(map(filter(accidents, {.deaths > 0}), {.deaths})) > 0\", obligation: none, text: t}\n",
	header("cn/test/tricky", "1", "filing", "43", "2000-01-01") + "insurer: x\nrating:\n  tables: [{id: t, title: t, dims: [{name: d, by: employees ?? 0, bands: [{id: a, range: \"(-inf, +inf)\"}]}], rows: [{d: a, value: \"1\"}]}]\n  bases: [{id: b, text: t, table: t, formula: rate * (employees ?? 0)}]\n",
	header("cn/test/tricky", "1", "law", "", "2000-01-01") + "penalties:\n  - {id: p, title: t, each: accidents, on: item.date, fine: {min: item.direct_loss, max: item.direct_loss * 2}, per_day: {amount: \"100\", from: item.date, through: as_of}}\n",
	header("cn/test/tricky", "1", "law", "", "2000-01-01") + "penalties:\n  - {id: p, title: t, each: uninsured_periods, continuing: true, when: item.days > 0 && item.to == nil, fine: {min: \"1\", max: \"2\"}, tiers: [{id: t, min: \"1\", max: \"2\", when: item.days > 30}]}\n",
}

func FuzzLoadRuleset(f *testing.F) {
	if testkit.AddFiles(f, rulesets.Bundled(), "*.yaml") == 0 {
		f.Fatal("no bundled rulesets to seed from")
	}
	if testkit.AddFiles(f, os.DirFS("testdata"), "*.yaml") == 0 {
		f.Fatal("no testdata to seed from")
	}
	// the bad-input catalogue: one problem a file, each a path into the
	// error handling
	if testkit.AddFiles(f, os.DirFS(filepath.Join("..", "testdata", "bad", "rulesets")), "*.yaml") == 0 {
		f.Fatal("no catalogue rulesets to seed from")
	}
	for _, s := range trickyRulesets {
		f.Add([]byte(s))
	}
	var fs []*facts.Facts
	f.Fuzz(func(t *testing.T, data []byte) {
		defer testkit.Watchdog(testkit.FuzzLimit)()
		if fs == nil {
			fs = fuzzFacts(t)
		}
		var reg *rulesets.Registry
		var err error
		testkit.NoPanic(t, func() { reg, err = rulesets.LoadFiles(diag.File{Name: "fuzz.yaml", Data: data}) })
		if err != nil {
			var le *rulesets.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("LoadFiles error %T: %v", err, err)
			}
			testkit.CheckDiagnostics(t, le.Diagnostics, data, allowedCode)
			return
		}
		testkit.CheckDiagnostics(t, append(reg.Warnings(), &diag.Diagnostic{Severity: diag.SeverityWarning, Code: "lint.sentinel", Summary: "x"}), data, allowedCode)
		testkit.NoPanic(t, func() { exerciseRegistry(t, reg, fs) })
	})
}

// FuzzExpr puts an expression into one of several places of a ruleset and
// checks that loading and evaluating never panic.
func FuzzExpr(f *testing.F) {
	for _, s := range []string{
		"true", "employees > 10", "0.1 + 0.2 == 0.3", "-annual_revenue < 0", "policy.death_limit != nil",
		`risk_level == "majr"`, "employees / 2 > 1", "2 ** 3", "now()", "let x = 1; x", "big && rev > 0.5",
		"any(accidents_within(5), {.deaths > 0 || .serious_injuries >= 3})", `in_sector("hazardous_chemicals")`,
		`count(accidents, {.grade == "major"}) >= 1`, "sum(sites, {.workers}) > 0", "(employees ?? 0) > 0",
		`obligation == "mandatory"`, "item.deaths > 0", "rate * 1000", "decimal(1) / 0 > 0", "5 % 0 == 0",
		"accidents[7].deaths > 0", "add_days(as_of, -2147483648) < as_of", `date("2024-02-29") < as_of`,
		"round(1.005, 2, \"half_even\") == 1", "max(0.1, 1) > min(2, 0.5)", "len(filter(sites, {.workers > 0})) > 0",
		"0.1 in [0.1, 0.2]", `name matches "^(a+)+$"`, "1.", ".5", "1e", "0x1p-2 > 0", "1_000.5 > 0",
		`name == "危险" && employes > 1`, "employees > 1 ?? 2", "nil", "[1, 2.5]", "{}", "#", "$env",
		"uninsured_periods[0].to == nil", "late_renewals[0].days > 0", "policy_history[0].surrendered_on > as_of",
		"enforcement.fine_amount > 0", "hazards.refused_on < as_of", "one(sectors, {# startsWith \"h\"})",
	} {
		for slot := uint8(0); slot < 5; slot++ {
			f.Add(s, slot)
		}
	}
	var fs []*facts.Facts
	f.Fuzz(func(t *testing.T, src string, slot uint8) {
		defer testkit.Watchdog(testkit.FuzzLimit)()
		if fs == nil {
			fs = fuzzFacts(t)
		}
		doc := exprSlotDoc(src, slot%5)
		var reg *rulesets.Registry
		var err error
		testkit.NoPanic(t, func() { reg, err = rulesets.LoadFiles(diag.File{Name: "fuzz.yaml", Data: []byte(doc)}) })
		if err != nil {
			var le *rulesets.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("LoadFiles error %T: %v", err, err)
			}
			testkit.CheckDiagnostics(t, le.Diagnostics, []byte(doc), exprCodes)
			return
		}
		testkit.NoPanic(t, func() { exerciseRegistry(t, reg, fs) })
	})
}

// exprCodes is the allow-list of codes a bad expression may produce.
var exprCodes = regexp.MustCompile(`^(expr\.[a-z_]+|let\.cycle|ruleset\.(syntax|type|range|missing)|stack\.let_conflict|lint\.never|penalty\.range|ruleset\.rating)$`)

// exprSlotDoc places src (quoted, so any text is one YAML scalar) into a
// ruleset: 0 a coverage when, 1 a requirement when (obligation is
// known), 2 a penalty when with each: accidents (item is known), 3 a let
// read by a coverage rule, 4 a factor case value and a base formula.
func exprSlotDoc(src string, slot uint8) string {
	q := strconv.Quote(src)
	h := header("cn/test/fuzz", "1", "rating", "", "2000-01-01") + letsYAML([]let{{"big", "employees ?? 0 > 100"}, {"rev", "annual_revenue ?? 0"}})
	switch slot {
	case 1:
		return h + "requirements:\n  - {id: r, when: " + q + ", text: t, set: {cover_all_employees: true}, cite: {source: s}}\n"
	case 2:
		return h + "penalties:\n  - {id: p, title: t, each: accidents, on: item.date, when: " + q + ", fine: {min: \"1\", max: \"2\"}, cite: {source: s}}\n"
	case 3:
		return strings.Replace(h, "let:\n", "let:\n  fuzzed: "+q+"\n", 1) + "coverage:\n  - {id: r, when: fuzzed == fuzzed, obligation: none, text: t, cite: {source: s}}\n"
	case 4:
		return h + "rating:\n  bases: [{id: b, text: t, rate: \"0.001\", formula: " + q + "}]\n" +
			"  factors: [{id: f, title: t, cases: [{when: big, value: " + q + ", reason: r}], default: {value: \"1\", reason: r}, cite: {source: s}}]\n"
	}
	return h + "coverage:\n  - {id: r, when: " + q + ", obligation: none, text: t, cite: {source: s}}\n"
}
