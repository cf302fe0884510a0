package rating_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
)

// rangeRuleset is a small rating layer over one base of 1000 whose factors
// the tests below declare.
const rangeRuleset = `schema: anzexian/v1
id: cn/test/range
version: "1"
status: in_force
kind: rating
title: 测试
region: ""
effective: {from: 2021-01-01}
sources:
  s: {title: 测试文件}
facts:
  - {name: years, type: int}
rating:
  bases:
    - {id: flat, text: 固定, rate: "1000", formula: rate, cite: {source: s}}
%s
`

// quote prices facts (YAML) under rangeRuleset with the given rating
// entries (indented under rating:).
func quote(t *testing.T, ratingYAML, factsYAML string) (*rating.Premium, error) {
	t.Helper()
	reg, err := rulesets.LoadFiles(diag.File{Name: "range.yaml", Data: []byte(fmt.Sprintf(rangeRuleset, ratingYAML))})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := facts.Decode("facts.yaml", []byte(factsYAML))
	if err != nil {
		t.Fatal(err)
	}
	asOf := facts.MustParseDate("2026-01-01")
	st, err := reg.Stack(fs[0].Region, asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, fs[0], asOf, ""); err != nil {
		t.Fatal(err)
	}
	p, _, err := rating.Evaluate(st, ev, rating.Options{Trace: true})
	return p, err
}

func TestProvisionalRange(t *testing.T) {
	tests := []struct {
		name, reason string
		rating       string
		facts        string
		// want: amount min max cases (of the first undecided factor),
		// or the error's text
		amount, min, max, cases string
		err                     string
	}{
		{
			name:   "first pick stops at a case that holds",
			reason: "with pick first, a case whose condition holds ends the outcomes: later cases and the default cannot apply",
			rating: `  factors:
    - id: f
      title: f
      cite: {source: s}
      assume: black
      cases:
        - {id: major, when: risk_level == "major", value: "1.50", reason: r}
        - {id: black, when: blacklisted, value: "1.10", reason: r}
        - {id: low, when: risk_level == "low", value: "0.50", reason: r}
      default: {value: "1.00", reason: r}`,
			facts:  `{region: "110000", sectors: [other], blacklisted: true}`,
			amount: "1100.00", min: "1100.00", max: "1500.00", cases: "major black",
		},
		{
			name:   "the assumed case cannot apply to these facts",
			reason: "the provisional amount must be one of the outcomes; a default after a case that holds is not",
			rating: `  factors:
    - id: f
      title: f
      cite: {source: s}
      assume: default
      cases:
        - {id: major, when: risk_level == "major", value: "1.50", reason: r}
        - {id: black, when: blacklisted, value: "1.10", reason: r}
      default: {value: "1.00", reason: r}`,
			facts: `{region: "110000", sectors: [other], blacklisted: true}`,
			err:   "the case it assumes (default) cannot apply to these facts: it could be major, black",
		},
		{
			name:   "highest pick drops what a holding case beats",
			reason: "按高靠: an undecided case lower than one that holds can never be the outcome",
			rating: `  factors:
    - id: f
      title: f
      pick: highest
      cite: {source: s}
      assume: black
      cases:
        - {id: major, when: risk_level == "major", value: "1.50", reason: r}
        - {id: black, when: blacklisted, value: "1.10", reason: r}
        - {id: low, when: risk_level == "low", value: "0.90", reason: r}
      default: {value: "1.00", reason: r}`,
			facts:  `{region: "110000", sectors: [other], blacklisted: true}`,
			amount: "1100.00", min: "1100.00", max: "1500.00", cases: "major black",
		},
		{
			name:   "a single outcome decides the factor",
			reason: "when the facts given leave one outcome, the premium is exact although a fact is missing",
			rating: `  factors:
    - id: f
      title: f
      pick: lowest
      cite: {source: s}
      assume: default
      cases:
        - {id: level-1, when: standardization_level == 1, value: "0.80", reason: r}
        - {id: low, when: risk_level == "low", value: "0.90", reason: r}
      default: {value: "1.00", reason: r}`,
			facts:  `{region: "110000", sectors: [other], standardization_level: 1}`,
			amount: "800.00",
		},
		{
			name:   "the range goes through the clamp and the minimum",
			reason: "bounds are priced, not extrapolated: 0.5 is clamped to 0.8, and 800 is lifted to the minimum 850",
			rating: `  factors:
    - id: f
      title: f
      cite: {source: s}
      assume: default
      cases:
        - {id: high, when: risk_level == "high", value: "1.50", reason: r}
        - {id: low, when: risk_level == "low", value: "0.50", reason: r}
      default: {value: "1.00", reason: r}
  clamp: {min: "0.80", max: "1.20", cite: {source: s}}
  minimum: {amount: "850", cite: {source: s}}`,
			facts:  `{region: "110000", sectors: [other]}`,
			amount: "1000.00", min: "850.00", max: "1200.00", cases: "high low default",
		},
		{
			name:   "a value that needs the missing fact cannot be ranged",
			reason: "a factor has finitely many cases, but a value computed from the missing fact is not one number",
			rating: `  factors:
    - id: f
      title: f
      cite: {source: s}
      assume: default
      cases:
        - {id: y, when: "true", value: "decimal(years) * 0.10", reason: r}
      default: {value: "1.00", reason: r}`,
			facts: `{region: "110000", sectors: [other]}`,
			err:   "missing years",
		},
		{
			name:   "without assume: no quote, and a hint",
			reason: "nothing is assumed that the ruleset does not declare",
			rating: `  factors:
    - id: f
      title: f
      cite: {source: s}
      cases:
        - {id: y, when: years >= 3, value: "0.80", reason: r}
      default: {value: "1.00", reason: r}`,
			facts: `{region: "110000", sectors: [other]}`,
			err:   "a factor that declares assume: is quoted provisionally",
		},
		{
			name:   "a required fact",
			reason: "rating.required turns a missing fact into an error naming it",
			rating: `  required: [years]
  factors:
    - id: f
      title: f
      cite: {source: s}
      assume: default
      cases:
        - {id: y, when: years >= 3, value: "0.80", reason: r}
      default: {value: "1.00", reason: r}`,
			facts: `{region: "110000", sectors: [other]}`,
			err:   "a quote requires years, which is not given (rating.required of cn/test/range@1)",
		},
		{
			name:   "a scope that needs a missing fact",
			reason: "the program cannot be chosen, so nothing is priced",
			rating: `  factors:
    - id: f
      title: f
      cite: {source: s}
      scope: {when: years > 1}
      cases:
        - {id: y, when: "true", value: "0.80", reason: r}
      default: {value: "1.00", reason: r}`,
			facts: `{region: "110000", sectors: [other]}`,
			err:   "the scope of a rating program needs facts that are not given",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := quote(t, tt.rating, tt.facts)
			if tt.err != "" {
				var inc *rating.Incomplete
				if !errors.As(err, &inc) {
					t.Fatalf("got %v, %v; want an *Incomplete (%s)", p, err, tt.reason)
				}
				text := inc.Reason
				for _, u := range inc.Undetermined {
					text += " | " + u.Error + " missing " + strings.Join(u.Missing, ",")
				}
				if !strings.Contains(text, tt.err) {
					t.Errorf("error %q does not say %q (%s)", text, tt.err, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v (%s)", err, tt.reason)
			}
			if got := p.Amount.StringFixed(2); got != tt.amount {
				t.Errorf("amount %s, want %s (%s)", got, tt.amount, tt.reason)
			}
			if tt.min == "" {
				if p.Range != nil {
					t.Errorf("a range %+v; want an exact premium (%s)", p.Range, tt.reason)
				}
				return
			}
			if p.Range == nil {
				t.Fatalf("no range; want [%s, %s] (%s)", tt.min, tt.max, tt.reason)
			}
			r := p.Range
			if r.Min.StringFixed(2) != tt.min || r.Max.StringFixed(2) != tt.max {
				t.Errorf("range [%s, %s], want [%s, %s] (%s)", r.Min, r.Max, tt.min, tt.max, tt.reason)
			}
			if got := strings.Join(r.Undecided[0].Cases, " "); got != tt.cases {
				t.Errorf("cases %q, want %q (%s)", got, tt.cases, tt.reason)
			}
		})
	}
}

// More undecided factors than MaxCombinations allows: no premium, and the
// error says why.
func TestProvisionalRangeBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("  factors:\n")
	n := 0
	for c := 1; c <= rating.MaxCombinations; c *= 2 { // 2^n > MaxCombinations
		fmt.Fprintf(&b, `    - {id: f%d, title: f, cite: {source: s}, assume: default, cases: [{id: a, when: years > %d, value: "1.%02d", reason: r}], default: {value: "1.00", reason: r}}`+"\n", n, n, n+1)
		n++
	}
	_, err := quote(t, b.String(), `{region: "110000", sectors: [other]}`)
	var inc *rating.Incomplete
	if !errors.As(err, &inc) || !strings.Contains(inc.Reason, fmt.Sprintf("exceed the %d", rating.MaxCombinations)) {
		t.Fatalf("%d undecided factors of 2 outcomes: got %v; want an error naming the bound %d", n, err, rating.MaxCombinations)
	}
	if len(inc.Undetermined) != n {
		t.Errorf("%d undetermined factors listed, want %d", len(inc.Undetermined), n)
	}
}
