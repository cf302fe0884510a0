package facts_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
)

const completeFactsJSON = `{
  "name": "长沙某危化品储存有限公司",
  "region": "430100",
  "sectors": ["hazardous_chemicals.storage", "special_equipment.elevator"],
  "status": "closed",
  "seasonal": true,
  "urban_center": true,
  "sites": [{"kind": "confined_space", "workers": 12}, {"kind": "explosive_dust", "workers": 3}],
  "park": {"name": "长沙经开区", "factory_in_factory": true},
  "employees": 120,
  "dispatched_workers": 20,
  "workers_without_injury_insurance": 5,
  "annual_revenue": 123456789012345.123456789012,
  "project": {"name": "地铁一号线", "contract_value": "350000000.00", "high_risk_works": true, "metro": true,
              "start": "2024-01-01", "end": "2026-12-31"},
  "risk_level": "high",
  "accidents": [
    {"date": "2023-05-01", "deaths": 1, "serious_injuries": 3, "direct_loss": "1500000.50", "unit_liable": true, "especially_serious": false, "reported_on": "2023-06-15"},
    {"date": "2020-02-29", "deaths": 0}
  ],
  "work_injury_rank": {"year": 2024, "rank": 3},
  "standardization_level": 2,
  "credit_grade": "a",
  "blacklisted": false,
  "hazards": {"major_unrectified": true, "refused_rectification": true, "refused_on": "2025-06-01"},
  "loss_ratio": 0.1,
  "occupational_hazards": ["high_toxicity", "high_dust"],
  "principal_income": 1e-3,
  "policy": {"insured": true, "insurer": "人保财险", "concluded_on": "2024-12-20", "start": "2025-01-01", "end": "2025-12-31",
             "insured_employees": 100, "death_limit": 300000, "disability_limit": "300000", "medical_limit": 50000.5,
             "uniform_limits": false, "occupational_disease_cover": true, "prevention_service": true,
             "premium_charged_to_employees": false, "premium": "12345.60"},
  "policy_history": [
    {"start": "2023-01-01", "end": "2023-12-31", "insurer": "平安"},
    {"start": "2024-01-01", "end": "2024-12-31", "surrendered_on": "2024-06-30"}
  ],
  "other_safety_insurance": ["employer_liability", "group_accident"],
  "claims_unpaid_to_victims": true,
  "enforcement": {"ordered_on": "2025-03-01", "deadline": "2025-04-01", "rectified_on": "2025-03-20",
                  "fined_on": "2025-03-10", "fine_amount": "20000", "reinspected_on": "2025-04-02"},
  "operating_since": "2010-05-01",
  "closed_on": "2025-12-01",
  "enforcement_records": [
    {"kind": "order", "date": "2025-03-01", "subject": "insurance", "deadline": "2025-04-01", "rectified_on": "2025-03-20"},
    {"kind": "fine", "date": "2025-03-10", "subject": "insurance", "amount": 20000, "tier": "first"},
    {"kind": "inspection", "date": "2025-04-02", "subject": "insurance", "result": "refused"},
    {"kind": "order", "date": "2025-05-01", "subject": "hazard", "deadline": "2025-05-31", "period": {"from": "2025-04-01", "to": "2025-04-30"}},
    {"kind": "deadline", "date": "2025-05-20", "subject": "hazard", "deadline": "2025-06-30"},
    {"kind": "decision", "date": "2025-07-01", "subject": "hazard", "measure": "停产停业整顿"}
  ]
}`

func wantCompleteFacts() *facts.Facts {
	d := facts.DateP
	dec := facts.Dec
	return &facts.Facts{
		Name:        "长沙某危化品储存有限公司",
		Region:      "430100",
		Sectors:     []string{"hazardous_chemicals.storage", "special_equipment.elevator"},
		Status:      "closed",
		Seasonal:    true,
		UrbanCenter: true,
		Sites:       []facts.Site{{Kind: "confined_space", Workers: 12}, {Kind: "explosive_dust", Workers: 3}},
		Park:        &facts.Park{Name: "长沙经开区", FactoryInFactory: true},
		Employees:   facts.Int(120),

		DispatchedWorkers:             20,
		WorkersWithoutInjuryInsurance: 5,
		AnnualRevenue:                 dec("123456789012345.123456789012"),
		Project: &facts.Project{Name: "地铁一号线", ContractValue: dec("350000000"), HighRiskWorks: true, Metro: true,
			Start: d("2024-01-01"), End: d("2026-12-31")},
		RiskLevel: "high",
		Accidents: []facts.Accident{
			{Date: *d("2023-05-01"), Deaths: 1, SeriousInjuries: 3, DirectLoss: *dec("1500000.5"), UnitLiable: true, ReportedOn: d("2023-06-15")},
			{Date: *d("2020-02-29")},
		},
		WorkInjuryRank:       &facts.WorkInjuryRank{Year: 2024, Rank: 3},
		StandardizationLevel: 2,
		CreditGrade:          "a",
		Hazards:              facts.Hazards{MajorUnrectified: true, RefusedRectification: true, RefusedOn: d("2025-06-01")},
		LossRatio:            dec("0.1"),
		OccupationalHazards:  []string{"high_toxicity", "high_dust"},
		PrincipalIncome:      dec("0.001"),
		Policy: &facts.Policy{Insured: facts.Bool(true), Insurer: "人保财险", ConcludedOn: d("2024-12-20"), Start: *d("2025-01-01"), End: *d("2025-12-31"),
			InsuredEmployees: facts.Int(100), DeathLimit: dec("300000"), DisabilityLimit: dec("300000"),
			MedicalLimit: dec("50000.5"), UniformLimits: facts.Bool(false), OccupationalDiseaseCover: true, PreventionService: true, Premium: dec("12345.6")},
		PolicyHistory: []facts.PolicyPeriod{
			{Start: *d("2023-01-01"), End: *d("2023-12-31"), Insurer: "平安"},
			{Start: *d("2024-01-01"), End: *d("2024-12-31"), SurrenderedOn: d("2024-06-30")},
		},
		OtherSafetyInsurance:  []string{"employer_liability", "group_accident"},
		ClaimsUnpaidToVictims: true,
		Enforcement: &facts.Enforcement{OrderedOn: d("2025-03-01"), Deadline: d("2025-04-01"), RectifiedOn: d("2025-03-20"),
			FinedOn: d("2025-03-10"), FineAmount: dec("20000"), ReinspectedOn: d("2025-04-02")},
		OperatingSince: d("2010-05-01"),
		ClosedOn:       d("2025-12-01"),
		EnforcementRecords: []facts.Record{
			{Kind: "order", Date: *d("2025-03-01"), Subject: "insurance", Deadline: d("2025-04-01"), RectifiedOn: d("2025-03-20")},
			{Kind: "fine", Date: *d("2025-03-10"), Subject: "insurance", Amount: dec("20000"), Tier: "first"},
			{Kind: "inspection", Date: *d("2025-04-02"), Subject: "insurance", Result: "refused"},
			{Kind: "order", Date: *d("2025-05-01"), Subject: "hazard", Deadline: d("2025-05-31"), Period: &facts.Period{From: *d("2025-04-01"), To: *d("2025-04-30")}},
			{Kind: "deadline", Date: *d("2025-05-20"), Subject: "hazard", Deadline: d("2025-06-30")},
			{Kind: "decision", Date: *d("2025-07-01"), Subject: "hazard", Measure: "停产停业整顿"},
		},
	}
}

func TestDecodeFactsComplete(t *testing.T) {
	fromYAML := mustFacts(t, completeFactsYAML)
	fromJSON := mustFacts(t, completeFactsJSON)
	if d := cmp.Diff(wantCompleteFacts(), fromYAML, dateCmp); d != "" {
		t.Errorf("YAML facts (-want +got):\n%s", d)
	}
	if d := cmp.Diff(fromYAML, fromJSON, dateCmp); d != "" {
		t.Errorf("YAML and JSON decode differently (-yaml +json):\n%s", d)
	}
	if err := fromYAML.Validate(); err != nil {
		t.Errorf("Validate of decoded facts: %v", err)
	}
}

// TestDecodeFactsDecimalsExact checks that numbers are read from their text:
// a path through float64 would change these digits.
func TestDecodeFactsDecimalsExact(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"tenth", "0.1", "0.1"},
		{"exponent", "1e-3", "0.001"},
		{"exponent, capital, JSON style", "2.5E+2", "250"},
		{"14 integer digits", "12345678901234.56", "12345678901234.56"},
		{"27 significant digits", "123456789012345.123456789012", "123456789012345.123456789012"},
		{"beyond float64 precision", "0.300000000001", "0.300000000001"},
		{"quoted", `"0.7"`, "0.7"},
		{"trailing zeros beyond 12 places", "0.50000000000000000", "0.5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, doc := range []string{
				fmt.Sprintf("region: \"43\"\nsectors: [other]\nloss_ratio: %s\n", c.text),
				fmt.Sprintf(`{"region": "43", "sectors": ["other"], "loss_ratio": %s}`, c.text),
			} {
				f := mustFacts(t, doc)
				if f.LossRatio == nil {
					t.Fatalf("loss_ratio not read from %s", doc)
				}
				if got := f.LossRatio.String(); got != c.want {
					t.Errorf("loss_ratio %s read as %s, want %s", c.text, got, c.want)
				}
			}
		})
	}
}

// wantDiag describes an expected diagnostic. Line and Col are 1-based; a
// zero Col is not checked. Hint is a regexp; "" means not checked.
type wantDiag struct {
	Code, Path string
	Line, Col  int
	Hint       string
}

func checkDiags(t *testing.T, ds diag.Diagnostics, want []wantDiag) {
	t.Helper()
	used := make([]bool, len(ds))
	for _, w := range want {
		found := false
		for i, d := range ds {
			if used[i] || d.Code != w.Code || d.Path != w.Path || d.Subject.Start.Line != w.Line {
				continue
			}
			if w.Col != 0 && d.Subject.Start.Column != w.Col {
				continue
			}
			if w.Hint != "" && !regexp.MustCompile(w.Hint).MatchString(d.Hint) {
				t.Errorf("%s at %s: hint %q does not match %q", w.Code, w.Path, d.Hint, w.Hint)
			}
			used[i] = true
			found = true
			break
		}
		if !found {
			t.Errorf("missing diagnostic %+v", w)
		}
	}
	for i, d := range ds {
		if !used[i] && d.Severity == diag.SeverityError {
			t.Errorf("unexpected diagnostic: %s [%s] path %q", d.Error(), d.Code, d.Path)
		}
	}
	if t.Failed() {
		var b strings.Builder
		_ = ds.Print(&b)
		t.Logf("all diagnostics:\n%s", b.String())
	}
}

func factsDiags(t *testing.T, doc string) diag.Diagnostics {
	t.Helper()
	_, err := facts.Decode("bad.yaml", []byte(doc))
	if err == nil {
		t.Fatal("DecodeFacts succeeded; want errors")
	}
	var fe *facts.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error is %T, want *FactsError: %v", err, err)
	}
	for _, d := range fe.Diagnostics {
		if d.Subject.File != "bad.yaml" {
			t.Errorf("diagnostic %s names file %q", d.Code, d.Subject.File)
		}
	}
	return fe.Diagnostics
}

// TestDecodeFactsAllErrors checks that every problem of a document is
// reported at once, each with its code, field path and line:column.
func TestDecodeFactsAllErrors(t *testing.T) {
	const doc = `region: "43010"
sectors: [hazardous_chemical.storage, other]
employees: -5
blacklistd: true
seasonal: "true"
standardization_level: 1.0
policy:
  start: 2025-01-01
  end: 2024-12-31
  death_limt: 300000
enforcement:
  ordered_on: 2025-03-01
  deadline: 2025-02-01
  fine_amount: 5000
hazards: {refused_on: 2025-01-01}
accidents:
  - {date: 2023-02-29, deaths: 1}
  - {date: 2023-01-01T10:00:00, deaths: 1.5}
  - {deaths: 2}
operating_since: 1900-01-01
dispatched_workers: "3"
urban_center: yes
risk_level: majr
sites: [{kind: confined, workers: 2}]
loss_ratio: 0.12345678901234567891
annual_revenue: -100
`
	checkDiags(t, factsDiags(t, doc), []wantDiag{
		{Code: "facts.region", Path: "region", Line: 1, Col: 9, Hint: "GB/T 2260"},
		{Code: "facts.unknown_code", Path: "sectors[0]", Line: 2, Col: 11, Hint: `did you mean "hazardous_chemicals.storage"\?`},
		{Code: "facts.range", Path: "employees", Line: 3, Col: 12},
		{Code: "facts.unknown_field", Path: "blacklistd", Line: 4, Col: 1, Hint: `did you mean "blacklisted"\?`},
		{Code: "facts.type", Path: "seasonal", Line: 5, Col: 11, Hint: "without quotes"},
		{Code: "facts.type", Path: "standardization_level", Line: 6, Col: 24, Hint: "whole number"},
		{Code: "facts.inconsistent", Path: "policy.end", Line: 9, Col: 8},
		{Code: "facts.unknown_field", Path: "policy.death_limt", Line: 10, Col: 3, Hint: `did you mean "death_limit"\?`},
		{Code: "facts.inconsistent", Path: "enforcement.deadline", Line: 13, Col: 13},
		{Code: "facts.inconsistent", Path: "enforcement.fine_amount", Line: 14, Col: 16, Hint: "fined_on"},
		{Code: "facts.inconsistent", Path: "hazards.refused_on", Line: 15, Col: 23, Hint: "refused_rectification"},
		{Code: "facts.date", Path: "accidents[0].date", Line: 17, Col: 12},
		{Code: "facts.date", Path: "accidents[1].date", Line: 18, Col: 12, Hint: "without a time of day"},
		{Code: "facts.type", Path: "accidents[1].deaths", Line: 18, Col: 41, Hint: "whole number"},
		{Code: "facts.missing", Path: "accidents[2].date", Line: 19, Col: 5},
		{Code: "facts.date_range", Path: "operating_since", Line: 20, Col: 18},
		{Code: "facts.type", Path: "dispatched_workers", Line: 21, Col: 21, Hint: "remove the quotes"},
		{Code: "facts.type", Path: "urban_center", Line: 22, Col: 15},
		{Code: "facts.unknown_code", Path: "risk_level", Line: 23, Col: 13, Hint: `did you mean "major"\?`},
		{Code: "facts.unknown_code", Path: "sites[0].kind", Line: 24, Col: 16, Hint: `did you mean "confined_space"\?`},
		{Code: "facts.decimal_range", Path: "loss_ratio", Line: 25, Col: 13},
		{Code: "facts.range", Path: "annual_revenue", Line: 26, Col: 17},
	})
}

func TestDecodeFactsSmallErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  string
		want []wantDiag
	}{
		{"missing region and sectors", "name: x\n", []wantDiag{
			{Code: "facts.missing", Path: "region", Line: 1, Col: 1, Hint: "region:"},
			{Code: "facts.missing", Path: "sectors", Line: 1, Col: 1, Hint: "sectors:"},
		}},
		{"null region and empty sectors", "region: ~\nsectors: []\n", []wantDiag{
			{Code: "facts.missing", Path: "region", Line: 1, Col: 1},
			{Code: "facts.missing", Path: "sectors", Line: 2, Col: 10},
		}},
		{"region with letters", "region: \"43ab\"\nsectors: [other]\n", []wantDiag{
			{Code: "facts.region", Path: "region", Line: 1, Col: 9},
		}},
		{"region of 5 digits, unquoted", "region: 43010\nsectors: [other]\n", []wantDiag{
			{Code: "facts.region", Path: "region", Line: 1, Col: 9},
		}},
		{"region as a boolean", "region: true\nsectors: [other]\n", []wantDiag{
			{Code: "facts.type", Path: "region", Line: 1, Col: 9},
			{Code: "facts.missing", Path: "region", Line: 0},
		}},
		{"policy without dates", "region: \"43\"\nsectors: [other]\npolicy: {insurer: x}\n", []wantDiag{
			{Code: "facts.missing", Path: "policy.start", Line: 3, Col: 9},
			{Code: "facts.missing", Path: "policy.end", Line: 3, Col: 9},
		}},
		{"earlier policy ends before it starts, surrender outside", "region: \"43\"\nsectors: [other]\npolicy_history:\n  - {start: 2024-01-01, end: 2023-12-31}\n  - {start: 2022-01-01, end: 2022-12-31, surrendered_on: 2023-01-05}\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "policy_history[0].end", Line: 4, Col: 30},
			{Code: "facts.inconsistent", Path: "policy_history[1].surrendered_on", Line: 5, Col: 58},
		}},
		{"dispatched workers exceed employees", "region: \"43\"\nsectors: [other]\nemployees: 5\ndispatched_workers: 6\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "dispatched_workers", Line: 4, Col: 21},
		}},
		{"rectified without an order", "region: \"43\"\nsectors: [other]\nenforcement: {rectified_on: 2025-01-01}\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "enforcement.rectified_on", Line: 3, Col: 29, Hint: "ordered_on"},
		}},
		{"closed_on without status closed", "region: \"43\"\nsectors: [other]\nclosed_on: 2025-03-01\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "closed_on", Line: 3, Col: 12, Hint: "status: closed"},
		}},
		{"closed before it operated", "region: \"43\"\nsectors: [other]\nstatus: closed\noperating_since: 2025-03-01\nclosed_on: 2025-03-01\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "closed_on", Line: 5, Col: 12},
		}},
		{"accident reported before it happened", "region: \"43\"\nsectors: [other]\naccidents: [{date: 2025-03-01, reported_on: 2025-02-01}]\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "accidents[0].reported_on", Line: 3, Col: 45},
		}},
		{"policy concluded after it ended", "region: \"43\"\nsectors: [other]\npolicy: {concluded_on: 2026-01-01, start: 2025-01-01, end: 2025-12-31}\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "policy.concluded_on", Line: 3, Col: 24},
		}},
		{"records: missing parts, unknown codes, fields of another kind", "region: \"43\"\nsectors: [other]\nenforcement_records:\n" +
			"  - {kind: order, date: 2025-03-01}\n" +
			"  - {kind: fined, date: 2025-03-01, subject: insurance}\n" +
			"  - {kind: fine, date: 2025-03-01, subject: insurance}\n" +
			"  - {kind: inspection, date: 2025-03-01, subject: insurance, result: refused, amount: 5}\n" +
			"  - {kind: order, date: 2025-03-01, subject: hazard, deadline: 2025-02-01}\n" +
			"  - {kind: order, date: 2025-03-01, subject: insurance, period: {from: 2025-02-01, to: 2025-04-01}}\n", []wantDiag{
			{Code: "facts.missing", Path: "enforcement_records[0].subject", Line: 4, Col: 5, Hint: "subject:"},
			{Code: "facts.unknown_code", Path: "enforcement_records[1].kind", Line: 5, Col: 12, Hint: `did you mean "fine"\?`},
			{Code: "facts.inconsistent", Path: "enforcement_records[2].amount", Line: 6, Col: 5, Hint: "amount:"},
			{Code: "facts.inconsistent", Path: "enforcement_records[3].amount", Line: 7, Col: 87},
			{Code: "facts.inconsistent", Path: "enforcement_records[4].deadline", Line: 8, Col: 64},
			{Code: "facts.inconsistent", Path: "enforcement_records[5].period", Line: 9, Col: 65},
		}},
		{"a deadline record with no order to extend", "region: \"43\"\nsectors: [other]\nenforcement_records:\n  - {kind: deadline, date: 2025-03-01, subject: insurance, deadline: 2025-04-01}\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "enforcement_records[0]", Line: 4, Col: 5, Hint: "latest earlier order"},
		}},
		{"enforcement disagrees with the records", "region: \"43\"\nsectors: [other]\nenforcement: {ordered_on: 2025-02-01}\nenforcement_records:\n  - {kind: order, date: 2025-03-01, subject: insurance}\n", []wantDiag{
			{Code: "facts.inconsistent", Path: "enforcement", Line: 3, Col: 14, Hint: "agree"},
		}},
		{"standardization level 4", "region: \"43\"\nsectors: [other]\nstandardization_level: 4\n", []wantDiag{
			{Code: "facts.range", Path: "standardization_level", Line: 3, Col: 24},
		}},
		{"a list where a mapping belongs", "region: \"43\"\nsectors: [other]\npolicy: [a]\n", []wantDiag{
			{Code: "facts.type", Path: "policy", Line: 3, Col: 9},
		}},
		{"a scalar where a list belongs", "region: \"43\"\nsectors: other\n", []wantDiag{
			{Code: "facts.type", Path: "sectors", Line: 2, Col: 10},
		}},
		{"a typo of a core field in a nested list item", "region: \"43\"\nsectors: [other]\nsites: [{kind: ship_repair, worker: 3}]\n", []wantDiag{
			{Code: "facts.unknown_field", Path: "sites[0].worker", Line: 3, Col: 29, Hint: `did you mean "workers"\?`},
		}},
		{"a key that is not a fact name", "region: \"43\"\nsectors: [other]\nAnnual Revenue: 5\n", []wantDiag{
			{Code: "facts.unknown_field", Path: "Annual Revenue", Line: 3, Col: 1},
		}},
		{"duplicate core key", "region: \"43\"\nsectors: [other]\nemployees: 5\nemployees: 6\n", []wantDiag{
			{Code: "facts.duplicate_key", Path: "employees", Line: 4, Col: 1},
		}},
		{"not a mapping", "- region: \"43\"\n", []wantDiag{
			{Code: "facts.type", Path: "", Line: 1, Col: 1},
		}},
		// yaml.v3 reports an unterminated quote where the stream ends.
		{"YAML syntax error", "region: \"43\nsectors: [other]\n", []wantDiag{
			{Code: "facts.syntax", Path: "", Line: 3, Col: 1},
		}},
		{"anchor and alias", "region: &r \"430100\"\nsectors: [other]\nname: *r\n", []wantDiag{
			{Code: "facts.alias", Path: "", Line: 1, Col: 9},
			{Code: "facts.alias", Path: "", Line: 3, Col: 7},
		}},
		{"JSON with a float for an int and a quoted bool", `{"region": "43", "sectors": ["other"], "employees": 40.0, "blacklisted": "false"}`, []wantDiag{
			{Code: "facts.type", Path: "employees", Line: 1, Col: 53},
			{Code: "facts.type", Path: "blacklisted", Line: 1, Col: 74},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds := factsDiags(t, c.doc)
			// The "region as a boolean" case reports the type error; the
			// missing-region error is not required. Drop wants with Line 0.
			var want []wantDiag
			for _, w := range c.want {
				if w.Line > 0 {
					want = append(want, w)
				}
			}
			var got diag.Diagnostics
			for _, d := range ds {
				keep := true
				for _, w := range c.want {
					if w.Line == 0 && d.Code == w.Code && d.Path == w.Path {
						keep = false
					}
				}
				if keep {
					got = append(got, d)
				}
			}
			checkDiags(t, got, want)
		})
	}
}

func TestDecodeFactsStream(t *testing.T) {
	const doc = `region: "430100"
sectors: [other]
name: first
---
region: "330382"
sectors: [fishery]
name: second
employees: 3
---
{"region": "110000", "sectors": ["power"], "name": "third"}
`
	fs, err := facts.Decode("stream.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("DecodeFacts: %v", err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Name+"@"+f.Region)
	}
	if d := cmp.Diff([]string{"first@430100", "second@330382", "third@110000"}, got); d != "" {
		t.Errorf("enterprises (-want +got):\n%s", d)
	}

	// Errors in a later document are reported at their line in the stream.
	const bad = `region: "430100"
sectors: [other]
---
region: "330382"
sectors: [fishery]
employees: many
---
region: "33"
sectors: [fisheries]
`
	checkDiags(t, factsDiags(t, bad), []wantDiag{
		{Code: "facts.type", Path: "employees", Line: 6, Col: 12},
		{Code: "facts.unknown_code", Path: "sectors[0]", Line: 9, Col: 11, Hint: `"fishery"`},
	})
}

func TestDecodeFactsLimits(t *testing.T) {
	// custom: {a: {a: … {a: 1}}} with k mappings puts the innermost
	// scalar k+1 levels below the document's mapping.
	nested := func(k int) string {
		return "region: \"43\"\nsectors: [other]\ncustom: " + strings.Repeat("{a: ", k) + "1" + strings.Repeat("}", k) + "\n"
	}
	t.Run("nested deeper than 64 levels", func(t *testing.T) {
		ds := factsDiags(t, nested(64))
		// reported where the limit is crossed, not at the document start
		if d := findDiag(ds, "facts.too_deep"); d == nil || d.Subject.Start.Line != 3 || d.Hint == "" {
			t.Errorf("no facts.too_deep diagnostic with a hint at line 3; got %v", errorCodes(ds))
		}
	})
	t.Run("deeply nested lists", func(t *testing.T) {
		doc := "region: \"43\"\nsectors: [other]\ncustom: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n"
		if findDiag(factsDiags(t, doc), "facts.too_deep") == nil {
			t.Error("no facts.too_deep diagnostic")
		}
	})
	t.Run("nested 64 levels is fine", func(t *testing.T) {
		f := mustFacts(t, nested(63))
		if f.Extra["custom"].Kind != "mapping" {
			t.Errorf("custom = %+v", f.Extra["custom"])
		}
	})
	t.Run("too large", func(t *testing.T) {
		doc := "region: \"43\"\nsectors: [other]\nname: " + strings.Repeat("x", facts.MaxSize) + "\n"
		ds := factsDiags(t, doc)
		if d := findDiag(ds, "facts.too_large"); d == nil || d.Hint == "" {
			t.Errorf("no facts.too_large diagnostic with a hint; got %v", errorCodes(ds))
		}
	})
	t.Run("empty document", func(t *testing.T) {
		for _, doc := range []string{"", "# only a comment\n", "---\n"} {
			_, err := facts.Decode("empty.yaml", []byte(doc))
			var fe *facts.Error
			if !errors.As(err, &fe) || findDiag(fe.Diagnostics, "facts.empty") == nil && findDiag(fe.Diagnostics, "facts.type") == nil {
				t.Errorf("DecodeFacts(%q) = %v, want facts.empty", doc, err)
			}
		}
	})
}

func TestDecodeFactsDefaultsAndExtra(t *testing.T) {
	f := mustFacts(t, `region: "430100"
sectors: [other]
policy: {start: 2025-01-01, end: 2025-12-31}
aggregate_limit: 2000000
insurer_tier: "gold"
regions_served: [a, b]
`)
	if f.Status != "operating" {
		t.Errorf("Status defaults to %q, want operating", f.Status)
	}
	if f.Employees != nil || f.AnnualRevenue != nil || f.Enforcement != nil {
		t.Errorf("optional values not given must stay nil: employees %v revenue %v enforcement %v", f.Employees, f.AnnualRevenue, f.Enforcement)
	}
	if !f.Policy.IsInsured() || !f.Policy.HasUniformLimits() || f.Policy.Insured != nil || f.Policy.UniformLimits != nil {
		t.Errorf("policy.insured and uniform_limits not given must stay nil, which reads as true; got %+v", f.Policy)
	}
	type ev struct {
		Text   string
		Items  []string
		IsList bool
		Kind   string
		Quoted bool
		Line   int
	}
	got := map[string]ev{}
	for k, v := range f.Extra {
		got[k] = ev{v.Text, v.Items, v.IsList, v.Kind, v.Quoted, v.At.Start.Line}
	}
	want := map[string]ev{
		"aggregate_limit": {Text: "2000000", Kind: "scalar", Line: 4},
		"insurer_tier":    {Text: "gold", Kind: "scalar", Quoted: true, Line: 5},
		"regions_served":  {Items: []string{"a", "b"}, IsList: true, Kind: "sequence", Line: 6},
	}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("extra facts (-want +got):\n%s", d)
	}
	if f.Extra["aggregate_limit"].Path != "aggregate_limit" {
		t.Errorf("extra fact path = %q", f.Extra["aggregate_limit"].Path)
	}
}

func TestFactsValidate(t *testing.T) {
	base := func() *facts.Facts {
		return &facts.Facts{Region: "430100", Sectors: []string{"other"}}
	}
	for _, c := range []struct {
		name  string
		edit  func(f *facts.Facts)
		paths []string
	}{
		{"valid", func(*facts.Facts) {}, nil},
		{"bad region", func(f *facts.Facts) { f.Region = "4301" + "x" }, []string{"region"}},
		{"empty region", func(f *facts.Facts) { f.Region = "" }, []string{"region"}},
		{"no sectors", func(f *facts.Facts) { f.Sectors = nil }, []string{"sectors"}},
		{"unknown sector", func(f *facts.Facts) { f.Sectors = []string{"other", "mining"} }, []string{"sectors[1]"}},
		{"unknown status", func(f *facts.Facts) { f.Status = "open" }, []string{"status"}},
		{"negative employees", func(f *facts.Facts) { f.Employees = facts.Int(-1) }, []string{"employees"}},
		{"standardization 4", func(f *facts.Facts) { f.StandardizationLevel = 4 }, []string{"standardization_level"}},
		{"accident without a date", func(f *facts.Facts) { f.Accidents = []facts.Accident{{Deaths: 1}} }, []string{"accidents[0].date"}},
		{"negative loss", func(f *facts.Facts) {
			f.Accidents = []facts.Accident{{Date: facts.MustParseDate("2024-01-01"), DirectLoss: *facts.Dec("-1")}}
		}, []string{"accidents[0].direct_loss"}},
		{"policy without dates", func(f *facts.Facts) { f.Policy = &facts.Policy{Insured: facts.Bool(true)} }, []string{"policy.start", "policy.end"}},
		{"the zero Policy is a policy without dates", func(f *facts.Facts) { f.Policy = &facts.Policy{} }, []string{"policy.start", "policy.end"}},
		{"uninsured policy without dates is fine", func(f *facts.Facts) { f.Policy = &facts.Policy{Insured: facts.Bool(false)} }, nil},
		{"policy ends before it starts", func(f *facts.Facts) {
			f.Policy = &facts.Policy{Start: facts.MustParseDate("2025-01-02"), End: facts.MustParseDate("2025-01-01")}
		}, []string{"policy.end"}},
		{"deadline before the order", func(f *facts.Facts) {
			f.Enforcement = &facts.Enforcement{OrderedOn: facts.DateP("2025-01-02"), Deadline: facts.DateP("2025-01-01")}
		}, []string{"enforcement.deadline"}},
		{"closed_on without status closed", func(f *facts.Facts) { f.ClosedOn = facts.DateP("2025-01-01") }, []string{"closed_on"}},
		{"closed_on with status closed", func(f *facts.Facts) { f.Status, f.ClosedOn = "closed", facts.DateP("2025-01-01") }, nil},
		{"reported before the accident", func(f *facts.Facts) {
			f.Accidents = []facts.Accident{{Date: facts.MustParseDate("2024-01-02"), ReportedOn: facts.DateP("2024-01-01")}}
		}, []string{"accidents[0].reported_on"}},
		{"concluded after the policy ended", func(f *facts.Facts) {
			f.Policy = &facts.Policy{ConcludedOn: facts.DateP("2026-01-01"), Start: facts.MustParseDate("2025-01-01"), End: facts.MustParseDate("2025-12-31")}
		}, []string{"policy.concluded_on"}},
		{"records: a fine without amount, an unknown subject, a zero date", func(f *facts.Facts) {
			f.EnforcementRecords = []facts.Record{
				{Kind: "fine", Date: facts.MustParseDate("2025-01-01"), Subject: "insurance"},
				{Kind: "order", Date: facts.MustParseDate("2025-01-01"), Subject: "insurence"},
				{Kind: "order", Subject: "insurance"},
			}
		}, []string{"enforcement_records[0].amount", "enforcement_records[1].subject", "enforcement_records[2].date"}},
		{"records: enforcement disagrees", func(f *facts.Facts) {
			f.Enforcement = &facts.Enforcement{OrderedOn: facts.DateP("2025-02-01")}
			f.EnforcementRecords = []facts.Record{{Kind: "order", Date: facts.MustParseDate("2025-03-01"), Subject: "insurance"}}
		}, []string{"enforcement"}},
		{"records: enforcement agrees", func(f *facts.Facts) {
			f.Enforcement = &facts.Enforcement{OrderedOn: facts.DateP("2025-03-01"), Deadline: facts.DateP("2025-04-15")}
			f.EnforcementRecords = []facts.Record{
				{Kind: "order", Date: facts.MustParseDate("2025-03-01"), Subject: "insurance", Deadline: facts.DateP("2025-03-31")},
				{Kind: "deadline", Date: facts.MustParseDate("2025-03-20"), Subject: "insurance", Deadline: facts.DateP("2025-04-15")},
			}
		}, nil},
		{"several problems at once", func(f *facts.Facts) {
			f.Region = "x"
			f.RiskLevel = "huge"
			f.Sites = []facts.Site{{Kind: "garage"}}
		}, []string{"region", "risk_level", "sites[0].kind"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := base()
			c.edit(f)
			err := f.Validate()
			var got []string
			if err != nil {
				var fe *facts.Error
				if !errors.As(err, &fe) {
					t.Fatalf("Validate error is %T", err)
				}
				for _, d := range fe.Diagnostics {
					got = append(got, d.Path)
				}
			}
			if d := cmp.Diff(c.paths, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
				t.Errorf("Validate paths (-want +got):\n%s", d)
			}
		})
	}
}

// TestDecodeFactsAgreesWithValidate: what DecodeFacts accepts, Validate
// accepts too (the fuzz property, with the inputs that broke it).
func TestDecodeFactsAgreesWithValidate(t *testing.T) {
	for _, c := range []struct{ name, doc, bug string }{
		{"empty quoted region", "region: \"\"\nsectors: [other]\n",
			`DecodeFacts accepts region: "" (facts_decode.go decodeFactsNode skips the GB/T 2260 check for ""), Validate rejects it`},
		{"empty sector code", "region: \"43\"\nsectors: [\"\"]\n",
			`DecodeFacts accepts sectors: [""] as no sectors (the empty item is dropped silently), Validate says sectors is required`},
		{"null sector code", "region: \"43\"\nsectors: [~]\n",
			`DecodeFacts accepts sectors: [~] as no sectors (the null item is dropped silently), Validate says sectors is required`},
		{"valid", "region: \"43\"\nsectors: [other]\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.bug != "" {
				bug(t, c.bug)
			}
			fs, err := facts.Decode("f.yaml", []byte(c.doc))
			if err != nil {
				return // rejected: consistent with Validate
			}
			for _, f := range fs {
				if err := f.Validate(); err != nil {
					t.Errorf("DecodeFacts accepted %q but Validate rejects it: %v", c.doc, err)
				}
			}
		})
	}
}

// TestFactsJSONRoundTrip: facts written with encoding/json (their JSON
// tags are the contract's names) read back the same.
func TestFactsJSONRoundTrip(t *testing.T) {
	for _, c := range []struct{ name, doc, bug string }{
		{"complete", completeFactsYAML, ""},
		{"minimal", bareFacts, ""},
		{"rich", richFacts, ""},
		{"a policy record saying there is none", bareFacts + "policy: {insured: false}\n",
			`the Policy.Start/End date tags lack omitzero: a zero Date is written as "start": "", which DecodeFacts rejects ("invalid date")`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.bug != "" {
				bug(t, c.bug)
			}
			f := mustFacts(t, c.doc)
			b, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			back, err := facts.Decode("back.json", b)
			if err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if d := cmp.Diff(f, back[0], dateCmp, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("round trip (-before +after):\n%s", d)
			}
		})
	}
}

// A deadline record extends the deadline of the latest earlier order about
// its subject (an order of the same day counts when listed before it);
// the latest such record wins; an order without one keeps its own.
func TestEffectiveDeadlines(t *testing.T) {
	d := facts.MustParseDate
	dp := facts.DateP
	recs := []facts.Record{
		{Kind: "order", Date: d("2025-01-01"), Subject: "insurance", Deadline: dp("2025-01-31")},
		{Kind: "order", Date: d("2025-01-05"), Subject: "hazard", Deadline: dp("2025-02-05")},
		{Kind: "deadline", Date: d("2025-01-20"), Subject: "insurance", Deadline: dp("2025-02-28")},
		{Kind: "fine", Date: d("2025-01-21"), Subject: "insurance", Amount: facts.Dec("1000")},
		{Kind: "deadline", Date: d("2025-01-25"), Subject: "insurance", Deadline: dp("2025-03-15")},
		{Kind: "deadline", Date: d("2025-04-01"), Subject: "hazard", Deadline: dp("2025-04-30")}, // before the next hazard order, same day
		{Kind: "order", Date: d("2025-04-01"), Subject: "hazard"},
		{Kind: "order", Date: d("2025-05-01"), Subject: "insurance", Deadline: dp("2025-05-31")},
	}
	got := facts.EffectiveDeadlines(nil, recs)
	var s []string
	for _, x := range got {
		s = append(s, x.String())
	}
	want := []string{"2025-03-15", "2025-04-30", "", "", "", "", "", "2025-05-31"}
	if len(got) == len(want) {
		for i := range want {
			if want[i] == "" && !got[i].IsZero() || want[i] != "" && got[i] != d(want[i]) {
				t.Errorf("record %d: effective deadline %s, want %q", i, got[i], want[i])
			}
		}
	} else {
		t.Fatalf("%d deadlines for %d records: %v", len(got), len(recs), s)
	}
	// the same records through Validate: the deadline record listed after
	// its same-day order extends it; listed before an order of its day with
	// no earlier order, it extends nothing
	f := &facts.Facts{Region: "43", Sectors: []string{"other"}, EnforcementRecords: recs}
	if err := f.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	f.EnforcementRecords = []facts.Record{
		{Kind: "deadline", Date: d("2025-04-01"), Subject: "hazard", Deadline: dp("2025-04-30")},
		{Kind: "order", Date: d("2025-04-01"), Subject: "hazard"},
	}
	var fe *facts.Error
	if err := f.Validate(); !errors.As(err, &fe) || len(fe.Diagnostics) != 1 || fe.Diagnostics[0].Path != "enforcement_records[0]" {
		t.Errorf("Validate = %v, want the deadline record of enforcement_records[0] without an order", err)
	}
}
