package rating_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/internal/testkit"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/rating"
)

// rater makes a national rating ruleset with one source s and the given
// rating body (indented under rating:).
func rater(id, body string) string {
	return fmt.Sprintf(`schema: anzexian/v1
id: %s
version: "1"
status: in_force
kind: rating
title: %s
region: ""
effective: {from: 2020-01-01}
sources:
  s: {title: 费率文件}
rating:
%s`, id, id, body)
}

// price prices the facts on 2026-01-01 over a stack of the documents.
func price(t *testing.T, factsYAML string, docs ...string) (*rating.Premium, error) {
	t.Helper()
	st, ev := testkit.Bind(t, factsYAML, "2026-01-01", docs...)
	p, _, err := rating.Evaluate(st, ev, rating.Options{})
	return p, err
}

const tableAndBase = `  tables:
    - id: per-person
      title: 每人年基准保费
      unit: amount
      cite: {source: s}
      dims:
        - {name: class, by: 'in_sector("hazardous_chemicals") ? "high" : "low"'}
        - name: size
          by: employees
          bands:
            - {id: small, range: "[0, 100)"}
            - {id: large, range: "[100, +inf)"}
      rows:
        - {class: high, size: small, value: "300"}
        - {class: high, size: large, value: "250"}
        - {class: low, size: small, value: "100"}
        - {class: low, size: large, value: "80"}
  bases:
    - {id: per-person, text: 每人保费 × 人数, table: per-person, formula: rate * employees, cite: {source: s},
       loadings: [{id: urban, when: urban_center, add: "0.50", text: 城区上浮50%}]}
`

// factsOf makes an enterprise's facts; its risk level is low unless extra
// says otherwise (the factor that reads it cannot be decided without it).
func factsOf(sector string, employees int, extra string) string {
	if !strings.Contains(extra, "risk_level") {
		extra += "risk_level: low\n"
	}
	return fmt.Sprintf("region: \"430100\"\nsectors: [%s]\nemployees: %d\n%s", sector, employees, extra)
}

// The base: the table row the facts fall in (by exact key and by band,
// bands closed or open at either end), times the formula, with loadings
// added to the rate.
func TestBase(t *testing.T) {
	doc := rater("t/base", tableAndBase+"  rounding: {scale: 2, mode: half_up}\n")
	for _, c := range []struct {
		name, facts string
		rate, base  string
		keys        []string
	}{
		{"high, small", factsOf("hazardous_chemicals.storage", 10, ""), "300", "3000", []string{"class=high", "size=small"}},
		{"the band's lower bound is inside", factsOf("hazardous_chemicals.storage", 100, ""), "250", "25000", []string{"class=high", "size=large"}},
		{"just below it is not", factsOf("other", 99, ""), "100", "9900", []string{"class=low", "size=small"}},
		{"a loading adds to the rate", factsOf("other", 100, "urban_center: true\n"), "120", "12000", []string{"class=low", "size=large"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := price(t, c.facts, doc)
			if err != nil {
				t.Fatal(err)
			}
			if p.Base.Rate.String() != c.rate || p.Base.Amount.String() != c.base {
				t.Errorf("rate %s base %s, want %s and %s", p.Base.Rate, p.Base.Amount, c.rate, c.base)
			}
			var keys []string
			for _, k := range p.Base.Table.Keys {
				v := k.Value
				if k.BandID != "" {
					v = k.BandID
				}
				keys = append(keys, k.Dim+"="+v)
				if k.Dim == "size" && k.BandID == "" {
					t.Errorf("a banded key without its band: %+v", k)
				}
			}
			if d := cmp.Diff(c.keys, keys); d != "" {
				t.Errorf("keys (-want +got):\n%s", d)
			}
		})
	}
}

// A missing fact the base needs makes the premium incomplete, naming it.
func TestIncomplete(t *testing.T) {
	_, err := price(t, "region: \"430100\"\nsectors: [other]\n", rater("t/inc", tableAndBase))
	var inc *rating.Incomplete
	if !errors.As(err, &inc) {
		t.Fatalf("error %v, want *rating.Incomplete", err)
	}
	if !strings.Contains(inc.Error(), "employees") {
		t.Errorf("the reason does not name employees: %s", inc.Error())
	}
}

const factors = `  factors:
    - id: risk
      title: 风险等级
      family: risk
      unit: percent
      cite: {source: s}
      cases:
        - {id: major, when: 'risk_level == "major"', value: "0.20", reason: 重大风险}
        - {id: high, when: 'risk_level in ["major", "high"]', value: "0.10", reason: 较大风险}
      default: {value: "0", reason: 一般}
    - id: worst-accident
      title: 事故
      family: accident
      unit: percent
      pick: highest
      cite: {source: s}
      cases:
        - {id: fatal, when: 'any(accidents, {.deaths > 0})', value: "0.15", reason: 死亡事故}
        - {id: any, when: 'len(accidents) > 0', value: "0.05", reason: 事故}
      default: {value: "-0.10", reason: 无事故}
    - id: best-standard
      title: 标准化
      family: management
      unit: coefficient
      pick: lowest
      cite: {source: s}
      cases:
        - {id: level1, when: 'standardization_level == 1', value: "0.85", reason: 一级}
        - {id: level12, when: 'standardization_level in [1, 2]', value: "0.95", reason: 二级及以上}
      default: {value: "1.00", reason: 无}
`

// Factors: ordered cases with the first that applies (pick: first), the
// highest or the lowest case that applies (按高靠), and the default when
// none does.
func TestFactors(t *testing.T) {
	doc := rater("t/fac", tableAndBase+factors+"  combine: {mode: add}\n")
	for _, c := range []struct {
		name, extra string
		want        map[string]string // factor → case
	}{
		{"defaults", "", map[string]string{"risk": "default", "worst-accident": "default", "best-standard": "default"}},
		{"first: major before high", "risk_level: major\n", map[string]string{"risk": "major"}},
		{"first: high", "risk_level: high\n", map[string]string{"risk": "high"}},
		{"highest of two accidents", "accidents: [{date: 2025-05-01, deaths: 0}, {date: 2025-06-01, deaths: 1}]\n", map[string]string{"worst-accident": "fatal"}},
		{"lowest coefficient of the standards that apply", "standardization_level: 1\n", map[string]string{"best-standard": "level1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := price(t, factsOf("other", 10, c.extra), doc)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, f := range p.Factors {
				if _, ok := c.want[f.ID]; ok {
					got[f.ID] = f.Case
				}
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("cases (-want +got):\n%s", d)
			}
		})
	}
}

// Combination, clamp, minimum and rounding, each checked to the cent.
func TestPipeline(t *testing.T) {
	// employees 10, low class: base 100 × 10 = 1000; factors: risk major
	// +20%, accident fatal +15%, standardization level 1 → 0.85 (−15%).
	fatal := "risk_level: major\nstandardization_level: 1\naccidents: [{date: 2025-06-01, deaths: 1}]\n"
	for _, c := range []struct {
		name, tail, extra string
		employees         int
		combined, applied string
		amount            string
		minimumApplied    bool
	}{
		{"add: 1 + 0.20 + 0.15 − 0.15", "  combine: {mode: add}\n", fatal, 10, "1.2", "1.2", "1200.00", false},
		{"multiply: 1.20 × 1.15 × 0.85", "  combine: {mode: multiply}\n", fatal, 10, "1.173", "1.173", "1173.00", false},
		{"add within family, multiply across", "  combine: {mode: add_within_family}\n", fatal, 10, "1.173", "1.173", "1173.00", false},
		{"the clamp bounds the adjustment", "  combine: {mode: add}\n  clamp: {min: \"0.90\", max: \"1.10\"}\n", fatal, 10, "1.2", "1.1", "1100.00", false},
		{"the clamp from below", "  combine: {mode: add}\n  clamp: {min: \"0.95\", max: \"1.10\"}\n", "standardization_level: 1\n", 10, "0.75", "0.95", "950.00", false},
		{"the minimum premium", "  combine: {mode: add}\n  minimum: {amount: \"1500\"}\n", fatal, 10, "1.2", "1.2", "1500.00", true},
		// 5 × 100 × (1.10 × 0.90 × 0.95) = 470.25: a half at one place
		{"half_up rounds a half up", "  combine: {mode: multiply}\n  rounding: {scale: 1, mode: half_up}\n", "risk_level: high\nstandardization_level: 2\n", 5, "0.9405", "0.9405", "470.3", false},
		{"half_even rounds a half to even", "  combine: {mode: multiply}\n  rounding: {scale: 1, mode: half_even}\n", "risk_level: high\nstandardization_level: 2\n", 5, "0.9405", "0.9405", "470.2", false},
		{"down truncates", "  combine: {mode: multiply}\n  rounding: {scale: 0, mode: down}\n", "risk_level: high\nstandardization_level: 2\n", 5, "0.9405", "0.9405", "470", false},
		{"exact at the declared scale", "  combine: {mode: multiply}\n  rounding: {scale: 2, mode: half_up}\n", "risk_level: high\nstandardization_level: 2\n", 5, "0.9405", "0.9405", "470.25", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tail := c.tail
			if !strings.Contains(tail, "rounding:") {
				tail += "  rounding: {scale: 2, mode: half_up}\n"
			}
			p, err := price(t, factsOf("other", c.employees, c.extra), rater("t/pipe", tableAndBase+factors+tail))
			if err != nil {
				t.Fatal(err)
			}
			if p.Combined.String() != c.combined || p.Applied.String() != c.applied {
				t.Errorf("combined %s applied %s, want %s and %s", p.Combined, p.Applied, c.combined, c.applied)
			}
			if got := p.Amount.StringFixed(p.Rounding.Scale); got != c.amount {
				t.Errorf("amount %s, want %s (before the minimum %s)", got, c.amount, p.BeforeMinimum)
			}
			if p.MinimumApplied != c.minimumApplied {
				t.Errorf("minimum applied %v, want %v", p.MinimumApplied, c.minimumApplied)
			}
			if p.Clamp != nil && p.Clamp.Applied != (p.Combined.Cmp(p.Applied) != 0) {
				t.Errorf("clamp.applied %v, combined %s applied %s", p.Clamp.Applied, p.Combined, p.Applied)
			}
		})
	}
}

// A number with no official source marks the premium illustrative, and
// the provenance says which.
func TestProvenance(t *testing.T) {
	doc := rater("t/prov", strings.Replace(tableAndBase, "      unit: amount\n", "      unit: amount\n      illustrative: true\n", 1)+"  combine: {mode: add}\n")
	p, err := price(t, factsOf("other", 10, ""), doc)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Illustrative || p.Unverified {
		t.Errorf("illustrative %v unverified %v, want true and false", p.Illustrative, p.Unverified)
	}
	if len(p.Provenance) == 0 || !strings.Contains(strings.Join(p.Provenance, " "), "per-person") {
		t.Errorf("provenance %v does not name the illustrative table", p.Provenance)
	}
	plain, err := price(t, factsOf("other", 10, ""), rater("t/prov", tableAndBase+"  combine: {mode: add}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if plain.Illustrative || plain.Unverified || len(plain.Provenance) != 0 {
		t.Errorf("a premium on cited numbers is marked %v %v %v", plain.Illustrative, plain.Unverified, plain.Provenance)
	}
}

// The prevention-service budget cap is a share of the premium.
func TestPreventionCap(t *testing.T) {
	p, err := price(t, factsOf("other", 10, ""), rater("t/cap", tableAndBase+"  combine: {mode: add}\n  rounding: {scale: 2, mode: half_up}\n  prevention_cap: {share: \"0.21\", cite: {source: s}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	// 100 × 10 = 1000, no factor; 21% of it
	if p.Amount.StringFixed(2) != "1000.00" || p.PreventionBudgetCap == nil || p.PreventionBudgetCap.Amount.StringFixed(2) != "210.00" {
		t.Errorf("amount %s cap %+v, want 1000.00 and 210.00", p.Amount, p.PreventionBudgetCap)
	}
}
