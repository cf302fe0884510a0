package rulesets_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/rulesets"
)

// Fuzz targets. Each is seeded from the bundled rulesets, the fixtures in
// testdata and hand-written tricky inputs; inputs the fuzzer finds that
// break a property are kept under testdata/fuzz/<Target>/ and run as part
// of go test. Run one with
//
//	go test ./rulesets -run '^$' -fuzz '^FuzzLoadRuleset$' -fuzztime 60s

// watchdog turns an input that takes longer than limit into a crash with
// every goroutine's stack, so the fuzzer keeps it (Go's fuzzer has no
// per-input timeout). Call the returned function when the input is done.
func watchdog(limit time.Duration) func() {
	timer := time.AfterFunc(limit, func() {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		panic(fmt.Sprintf("input took longer than %s:\n%s", limit, buf[:n]))
	})
	return func() { timer.Stop() }
}

// knownPanics are panics of non-test code already reported as bugs,
// recognised by a function on the panicking goroutine's stack; inputs that
// hit them are skipped (see bug) so that the fuzzers can go on and the
// crashers kept under testdata/fuzz do not break go test.
// knownPanics would list panics already reported; every one found so far
// has been fixed, so any panic fails the test.
var knownPanics []struct{ where, desc string }

// noPanic runs f and turns a panic into a test failure with its stack, or
// into a skip when it is a known bug.
func noPanic(t *testing.T, f func()) {
	t.Helper()
	var stack string
	var val any
	func() {
		defer func() {
			if val = recover(); val != nil {
				stack = string(debug.Stack())
			}
		}()
		f()
	}()
	if val == nil {
		return
	}
	for _, k := range knownPanics {
		if strings.Contains(stack, k.where) {
			bug(t, k.desc)
		}
	}
	t.Fatalf("panic: %v\n%s", val, stack)
}

const docTextBug = "parse.go docText splits lines at \\n only, but yaml.v3 also breaks lines at a lone \\r, U+0085, U+2028 and U+2029: a multi-document file with such line breaks makes LoadFiles panic (index out of range)"

// fuzzLimit is the time one input may take.
const fuzzLimit = 10 * time.Second

// allowedCode is the allow-list of diagnostic codes loading may report:
// any other code (or an "internal" summary) is a finding.
var allowedCode = regexp.MustCompile(`^(ruleset|expr|let|cite|stack|penalty|table|lint|rating)\.[a-z_]+$`)

// checkDiagnostics checks the properties every diagnostic has.
func checkDiagnostics(t *testing.T, ds rulesets.Diagnostics, src []byte, codes *regexp.Regexp) {
	t.Helper()
	if len(ds) == 0 {
		t.Fatal("an error without diagnostics")
	}
	lines := yamlLines(src)
	for _, d := range ds {
		if d.Code == "" || d.Summary == "" {
			t.Errorf("diagnostic without code or summary: %+v", d)
		}
		if !codes.MatchString(d.Code) {
			t.Errorf("unexpected diagnostic code %q: %s", d.Code, d.Summary)
		}
		if strings.Contains(d.Summary, "internal") || strings.Contains(d.Summary, "runtime error") {
			t.Errorf("internal error reached the user: %s [%s]", d.Summary, d.Code)
		}
		if s := d.Subject.Start; s != (rulesets.Pos{}) {
			if s.Line < 1 || (lines > 0 && s.Line > lines) || s.Column < 0 {
				t.Errorf("diagnostic %q at %d:%d, outside the %d lines of the input", d.Summary, s.Line, s.Column, lines)
			}
		}
		if d.Severity != rulesets.SeverityError && d.Severity != rulesets.SeverityWarning {
			t.Errorf("diagnostic with severity %q", d.Severity)
		}
		_ = d.Format()
		_ = d.Error()
	}
	_ = ds.Error()
}

// yamlLines is the number of lines yaml.v3 may report positions on: it
// breaks lines at \n, \r\n, a lone \r, U+0085, U+2028 and U+2029, and
// may place the end of the stream one line past the last (an implicit null
// after "---" without a newline). It returns 0 (unknown) for UTF-16 input
// or when the source is not known.
func yamlLines(src []byte) int {
	if src == nil || bytes.HasPrefix(src, []byte("\xfe\xff")) || bytes.HasPrefix(src, []byte("\xff\xfe")) {
		return 0
	}
	s := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n").Replace(string(src))
	return strings.Count(s, "\n") + 2
}

func fuzzFacts(t testing.TB) []*rulesets.Facts {
	minimal := &rulesets.Facts{Region: "110000", Sectors: []string{"other"}, Status: "operating"}
	future := mustFacts(t, bareFacts+`employees: 0
annual_revenue: 0
accidents:
  - {date: 2199-12-31, deaths: 100, direct_loss: "999999999999999"}
policy: {insured: false}
policy_history: [{start: 2000-01-01, end: 2000-01-01, surrendered_on: 2000-01-01}]
enforcement: {ordered_on: 2199-01-01, fine_amount: "0", fined_on: 2199-01-02}
`)
	return []*rulesets.Facts{minimal, mustFacts(t, completeFactsYAML), mustFacts(t, richFacts), future}
}

// exercise evaluates every expression of the stack for f on d. It must not
// panic; errors are expected (missing facts, division by zero …).
func exercise(t *testing.T, st *rulesets.Stack, f *rulesets.Facts, d rulesets.Date) {
	ev := rulesets.NewEval()
	if err := st.Bind(ev, f, d, st.Insurer); err != nil {
		var fe *rulesets.FactsError
		if !errors.As(err, &fe) {
			t.Fatalf("Reset error %T: %v", err, err)
		}
	}
	eval := func(e *rulesets.Expr) {
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
		_ = rulesets.Citations(ev, rs, cs)
	}
	// Conditions are deterministic: a second evaluation (reading memoized
	// lets) gives the same outcome as the first.
	outcome := func(e *rulesets.Expr) string {
		ok, err := e.Bool(ev)
		s := rulesets.Outcome(ok, err)
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
				ev.SetRate(*rulesets.Dec("0.0012"))
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
func exerciseRegistry(t *testing.T, reg *rulesets.Registry, fs []*rulesets.Facts) {
	for _, rs := range reg.Rulesets() {
		dates := []rulesets.Date{rs.Effective.From}
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
				checkDiagnostics(t, se.Diagnostics, nil, regexp.MustCompile(`.`))
				continue
			}
			for _, f := range fs {
				exercise(t, st, f, d)
			}
		}
	}
	_ = rulesets.LintRegistry(reg, nil)
}

func addFiles(f *testing.F, fsys fs.FS, pattern string) int {
	n := 0
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ok, _ := filepath.Match(pattern, filepath.Base(p)); !ok {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err == nil {
			f.Add(data)
			n++
		}
		return nil
	})
	return n
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
	if addFiles(f, rulesets.Bundled(), "*.yaml") == 0 {
		f.Fatal("no bundled rulesets to seed from")
	}
	if addFiles(f, os.DirFS("testdata"), "*.yaml") == 0 {
		f.Fatal("no testdata to seed from")
	}
	// the bad-input catalogue: one problem a file, each a path into the
	// error handling
	if addFiles(f, os.DirFS(filepath.Join("..", "testdata", "bad", "rulesets")), "*.yaml") == 0 {
		f.Fatal("no catalogue rulesets to seed from")
	}
	for _, s := range trickyRulesets {
		f.Add([]byte(s))
	}
	var fs []*rulesets.Facts
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(fuzzLimit)()
		if fs == nil {
			fs = fuzzFacts(t)
		}
		var reg *rulesets.Registry
		var err error
		noPanic(t, func() { reg, err = rulesets.LoadFiles(rulesets.File{Name: "fuzz.yaml", Data: data}) })
		if err != nil {
			var le *rulesets.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("LoadFiles error %T: %v", err, err)
			}
			checkDiagnostics(t, le.Diagnostics, data, allowedCode)
			return
		}
		checkDiagnostics(t, append(reg.Warnings(), &rulesets.Diagnostic{Severity: rulesets.SeverityWarning, Code: "lint.sentinel", Summary: "x"}), data, allowedCode)
		noPanic(t, func() { exerciseRegistry(t, reg, fs) })
	})
}

var trickyFacts = []string{
	"",
	"---\n",
	"[]\n",
	"null\n",
	`{"region": "430100", "sectors": ["other"], "employees": 1e2}`,
	`{"region": "430100", "sectors": ["other"], "annual_revenue": 1e-3, "loss_ratio": -0.0}`,
	"region: 430100\nsectors: [other]\nemployees: 0x10\n",
	"region: \"43\"\nsectors: [other]\nemployees: 1_000\n",
	"region: \"43\"\nsectors: [other]\nemployees: 99999999999999999999\n",
	"region: \"43\"\nsectors: [other]\nannual_revenue: .inf\n",
	"region: \"43\"\nsectors: [other]\nannual_revenue: .nan\n",
	"region: \"43\"\nsectors: [other]\npolicy: {insured: false}\n",
	"region: \"43\"\nsectors: [other]\npolicy: ~\nenforcement: {}\nhazards: {}\n",
	"region: \"43\"\nsectors: [other]\naccidents: [{date: 2024-02-29}]\n",
	"region: \"43\"\nsectors: [other]\n? [complex, key]\n: value\n",
	"region: \"43\"\nsectors: [other]\ncustom: {a: [1, {b: c}]}\n",
	"region: \"43\"\nsectors: [other]\nx: !!binary aGVsbG8=\n",
	"region: \"43\"\nsectors: [other]\n<<: {employees: 5}\n",
	"a: &a [*a, *a]\n",
	"region: \"43\"\nsectors: [other]\n---\nregion: \"33\"\nsectors: [fishery]\n---\n",
	completeFactsYAML,
	completeFactsJSON,
	richFacts,
}

func FuzzDecodeFacts(f *testing.F) {
	for _, s := range trickyFacts {
		f.Add([]byte(s))
	}
	addFiles(f, os.DirFS(filepath.Join("..", "examples", "enterprises")), "*")
	factsCodes := regexp.MustCompile(`^facts\.[a-z_]+$`)
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(fuzzLimit)()
		var fs []*rulesets.Facts
		var err error
		noPanic(t, func() { fs, err = rulesets.DecodeFacts("fuzz.yaml", data) })
		if err != nil {
			var fe *rulesets.FactsError
			if !errors.As(err, &fe) {
				t.Fatalf("DecodeFacts error %T: %v", err, err)
			}
			checkDiagnostics(t, fe.Diagnostics, data, factsCodes)
			return
		}
		if len(fs) == 0 {
			t.Fatal("DecodeFacts returned no enterprise and no error")
		}
		for _, x := range fs {
			if err := x.Validate(); err != nil {
				if knownValidateBug(x, err) {
					bug(t, "DecodeFacts accepts region \"\" or a list of empty/null sector codes that Facts.Validate rejects")
				}
				t.Fatalf("DecodeFacts accepted facts that Validate rejects: %v", err)
			}
			roundTrip(t, x)
		}
	})
}

// knownValidateBug reports whether Validate fails only for the known
// decoder holes (an empty region, sectors that were all empty or null).
func knownValidateBug(f *rulesets.Facts, err error) bool {
	var fe *rulesets.FactsError
	if !errors.As(err, &fe) {
		return false
	}
	for _, d := range fe.Diagnostics {
		switch {
		case d.Path == "region" && f.Region == "":
		case d.Path == "sectors" && d.Code == "facts.missing" && len(f.Sectors) == 0:
		default:
			return false
		}
	}
	return true
}

// extraCmp compares extra facts as the stack will type them.
var extraCmp = cmp.Comparer(func(a, b rulesets.ExtraValue) bool {
	if a.Text != b.Text && !sameNumber(a, b) || a.IsList != b.IsList || a.IsNull != b.IsNull || a.Kind != b.Kind || a.Path != b.Path || !slices.Equal(a.Items, b.Items) {
		return false
	}
	_, numErr := strconv.ParseFloat(a.Text, 64) // only to classify the text
	ambiguous := numErr == nil || a.Text == "true" || a.Text == "false" || a.Text == "null"
	return !ambiguous || a.Quoted == b.Quoted
})

// sameNumber reports whether a plain number written as a and read back as
// b has one value and one scale (080 → 80, +1.50 → 1.50 are the same).
func sameNumber(a, b rulesets.ExtraValue) bool {
	if a.Quoted || b.Quoted {
		return false
	}
	x, err1 := decimal.NewFromString(a.Text)
	y, err2 := decimal.NewFromString(b.Text)
	return err1 == nil && err2 == nil && x.Equal(y) && x.Exponent() == y.Exponent()
}

// roundTrip checks that facts written as JSON read back the same.
func roundTrip(t *testing.T, f *rulesets.Facts) {
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	back, err := rulesets.DecodeFacts("roundtrip.json", b)
	if err != nil {
		if knownRoundTripBug(f) {
			bug(t, "a policy with insured: false and no dates marshals \"start\": \"\" (Date zero), which DecodeFacts rejects")
		}
		t.Fatalf("facts written as JSON do not read back: %v\n%s", err, b)
	}
	// extra facts are written too; only their positions differ, and
	// whether text that cannot be mistaken for a number or a boolean was
	// quoted
	if d := cmp.Diff(f, back[0], dateCmp, cmpopts.EquateEmpty(), extraCmp); d != "" {
		t.Fatalf("JSON round trip changed the facts (-before +after):\n%s\n%s", d, b)
	}
}

func knownRoundTripBug(f *rulesets.Facts) bool {
	return f.Policy != nil && (f.Policy.Start.IsZero() || f.Policy.End.IsZero())
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
	var fs []*rulesets.Facts
	f.Fuzz(func(t *testing.T, src string, slot uint8) {
		defer watchdog(fuzzLimit)()
		if fs == nil {
			fs = fuzzFacts(t)
		}
		doc := exprSlotDoc(src, slot%5)
		var reg *rulesets.Registry
		var err error
		noPanic(t, func() { reg, err = rulesets.LoadFiles(rulesets.File{Name: "fuzz.yaml", Data: []byte(doc)}) })
		if err != nil {
			var le *rulesets.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("LoadFiles error %T: %v", err, err)
			}
			checkDiagnostics(t, le.Diagnostics, []byte(doc), exprCodes)
			return
		}
		noPanic(t, func() { exerciseRegistry(t, reg, fs) })
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
