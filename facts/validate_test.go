package facts_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
)

// Validate checks what the decoders check: each problem the decoder
// reports in a document, made in Go on facts decoded from the same
// document without it, gives Validate the same codes at the same paths.
func TestValidateAgreesWithDecode(t *testing.T) {
	const base = `region: "430100"
sectors: [hazardous_chemicals.storage]
employees: 50
`
	d := facts.MustParseDate
	dp := facts.DateP
	for _, c := range []struct {
		name string
		yaml string               // appended to base
		edit func(f *facts.Facts) // applied to base decoded
	}{
		{"unknown sector", "sectors: [mining]\n", func(f *facts.Facts) { f.Sectors = []string{"mining"} }},
		{"empty sector", "sectors: [\"\"]\n", func(f *facts.Facts) { f.Sectors = []string{""} }},
		{"no sectors", "sectors: []\n", func(f *facts.Facts) { f.Sectors = nil }},
		{"bad region", "region: \"43x\"\n", func(f *facts.Facts) { f.Region = "43x" }},
		{"unknown status", "status: open\n", func(f *facts.Facts) { f.Status = "open" }},
		{"site without a kind", "sites: [{workers: 3}]\n", func(f *facts.Facts) { f.Sites = []facts.Site{{Workers: 3}} }},
		{"unknown site kind", "sites: [{kind: garage}]\n", func(f *facts.Facts) { f.Sites = []facts.Site{{Kind: "garage"}} }},
		{"negative site workers", "sites: [{kind: confined_space, workers: -1}]\n", func(f *facts.Facts) { f.Sites = []facts.Site{{Kind: "confined_space", Workers: -1}} }},
		{"negative employees", "employees: -3\n", func(f *facts.Facts) { f.Employees = facts.Int(-3) }},
		{"huge employees", "employees: 2147483648\n", func(f *facts.Facts) { f.Employees = facts.Int(2147483648) }},
		{"dispatched beyond employees", "dispatched_workers: 51\n", func(f *facts.Facts) { f.DispatchedWorkers = 51 }},
		{"uninsured beyond employees", "workers_without_injury_insurance: 60\n", func(f *facts.Facts) { f.WorkersWithoutInjuryInsurance = 60 }},
		{"negative revenue", "annual_revenue: -1\n", func(f *facts.Facts) { f.AnnualRevenue = facts.Dec("-1") }},
		{"revenue too large", "annual_revenue: 1000000000000000\n", func(f *facts.Facts) { f.AnnualRevenue = facts.Dec("1000000000000000") }},
		{"revenue too precise", "annual_revenue: 1.00000000000000001\n", func(f *facts.Facts) { f.AnnualRevenue = facts.Dec("1.00000000000000001") }},
		{"project ends before it starts", "project: {start: 2025-02-01, end: 2025-01-01}\n", func(f *facts.Facts) {
			f.Project = &facts.Project{Start: dp("2025-02-01"), End: dp("2025-01-01")}
		}},
		{"negative contract value", "project: {contract_value: -5}\n", func(f *facts.Facts) { f.Project = &facts.Project{ContractValue: facts.Dec("-5")} }},
		{"unknown risk level", "risk_level: huge\n", func(f *facts.Facts) { f.RiskLevel = "huge" }},
		{"accident without a date", "accidents: [{deaths: 1}]\n", func(f *facts.Facts) { f.Accidents = []facts.Accident{{Deaths: 1}} }},
		{"accident before 1949", "accidents: [{date: 1900-01-01}]\n", func(f *facts.Facts) { f.Accidents = []facts.Accident{{Date: facts.NewDate(1900, 1, 1)}} }},
		{"negative deaths", "accidents: [{date: 2024-01-01, deaths: -1}]\n", func(f *facts.Facts) { f.Accidents = []facts.Accident{{Date: d("2024-01-01"), Deaths: -1}} }},
		{"negative injuries", "accidents: [{date: 2024-01-01, serious_injuries: -1}]\n", func(f *facts.Facts) {
			f.Accidents = []facts.Accident{{Date: d("2024-01-01"), SeriousInjuries: -1}}
		}},
		{"negative loss", "accidents: [{date: 2024-01-01, direct_loss: -1}]\n", func(f *facts.Facts) {
			f.Accidents = []facts.Accident{{Date: d("2024-01-01"), DirectLoss: *facts.Dec("-1")}}
		}},
		{"rank without a year", "work_injury_rank: {rank: 1}\n", func(f *facts.Facts) { f.WorkInjuryRank = &facts.WorkInjuryRank{Rank: 1} }},
		{"rank 0", "work_injury_rank: {year: 2024, rank: 0}\n", func(f *facts.Facts) { f.WorkInjuryRank = &facts.WorkInjuryRank{Year: 2024, Rank: -1} }},
		{"rank year out of range", "work_injury_rank: {year: 1900, rank: 1}\n", func(f *facts.Facts) { f.WorkInjuryRank = &facts.WorkInjuryRank{Year: 1900, Rank: 1} }},
		{"standardization 4", "standardization_level: 4\n", func(f *facts.Facts) { f.StandardizationLevel = 4 }},
		{"refused_on without refusal", "hazards: {refused_on: 2025-01-01}\n", func(f *facts.Facts) { f.Hazards.RefusedOn = dp("2025-01-01") }},
		{"negative loss ratio", "loss_ratio: -0.1\n", func(f *facts.Facts) { f.LossRatio = facts.Dec("-0.1") }},
		{"unknown occupational hazard", "occupational_hazards: [noise]\n", func(f *facts.Facts) { f.OccupationalHazards = []string{"noise"} }},
		{"negative principal income", "principal_income: -1\n", func(f *facts.Facts) { f.PrincipalIncome = facts.Dec("-1") }},
		{"policy without dates", "policy: {insurer: x}\n", func(f *facts.Facts) { f.Policy = &facts.Policy{Insurer: "x"} }},
		{"policy without an end", "policy: {start: 2025-01-01}\n", func(f *facts.Facts) { f.Policy = &facts.Policy{Start: d("2025-01-01")} }},
		{"policy ends before it starts", "policy: {start: 2025-02-01, end: 2025-01-01}\n", func(f *facts.Facts) {
			f.Policy = &facts.Policy{Start: d("2025-02-01"), End: d("2025-01-01")}
		}},
		{"policy in 2200", "policy: {start: 2025-01-01, end: 2200-01-01}\n", func(f *facts.Facts) {
			f.Policy = &facts.Policy{Start: d("2025-01-01"), End: facts.NewDate(2200, 1, 1)}
		}},
		{"negative limits", "policy: {start: 2025-01-01, end: 2025-12-31, death_limit: -1, insured_employees: -2, premium: -3}\n", func(f *facts.Facts) {
			f.Policy = &facts.Policy{Start: d("2025-01-01"), End: d("2025-12-31"), DeathLimit: facts.Dec("-1"), InsuredEmployees: facts.Int(-2), Premium: facts.Dec("-3")}
		}},
		{"earlier policy without dates", "policy_history: [{insurer: x}]\n", func(f *facts.Facts) { f.PolicyHistory = []facts.PolicyPeriod{{Insurer: "x"}} }},
		{"earlier policy ends before it starts", "policy_history: [{start: 2024-02-01, end: 2024-01-01}]\n", func(f *facts.Facts) {
			f.PolicyHistory = []facts.PolicyPeriod{{Start: d("2024-02-01"), End: d("2024-01-01")}}
		}},
		{"surrendered outside the period", "policy_history: [{start: 2024-01-01, end: 2024-12-31, surrendered_on: 2025-01-05}]\n", func(f *facts.Facts) {
			f.PolicyHistory = []facts.PolicyPeriod{{Start: d("2024-01-01"), End: d("2024-12-31"), SurrenderedOn: dp("2025-01-05")}}
		}},
		{"unknown other insurance", "other_safety_insurance: [life]\n", func(f *facts.Facts) { f.OtherSafetyInsurance = []string{"life"} }},
		{"deadline before the order", "enforcement: {ordered_on: 2025-01-02, deadline: 2025-01-01}\n", func(f *facts.Facts) {
			f.Enforcement = &facts.Enforcement{OrderedOn: dp("2025-01-02"), Deadline: dp("2025-01-01")}
		}},
		{"deadline without an order", "enforcement: {deadline: 2025-01-01, rectified_on: 2025-01-02}\n", func(f *facts.Facts) {
			f.Enforcement = &facts.Enforcement{Deadline: dp("2025-01-01"), RectifiedOn: dp("2025-01-02")}
		}},
		{"fine amount without a date", "enforcement: {ordered_on: 2025-01-02, fine_amount: 50000}\n", func(f *facts.Facts) {
			f.Enforcement = &facts.Enforcement{OrderedOn: dp("2025-01-02"), FineAmount: facts.Dec("50000")}
		}},
		{"reported before the accident", "accidents: [{date: 2024-05-01, reported_on: 2024-04-01}]\n", func(f *facts.Facts) {
			f.Accidents = []facts.Accident{{Date: d("2024-05-01"), ReportedOn: dp("2024-04-01")}}
		}},
		{"concluded after the policy ends", "policy: {start: 2025-01-01, end: 2025-12-31, concluded_on: 2026-01-05}\n", func(f *facts.Facts) {
			f.Policy = &facts.Policy{Start: d("2025-01-01"), End: d("2025-12-31"), ConcludedOn: dp("2026-01-05")}
		}},
		{"closed but operating", "closed_on: 2025-01-01\n", func(f *facts.Facts) { f.ClosedOn = dp("2025-01-01") }},
		{"closed before it opened", "status: closed\noperating_since: 2025-01-01\nclosed_on: 2024-01-01\n", func(f *facts.Facts) {
			f.Status, f.OperatingSince, f.ClosedOn = "closed", dp("2025-01-01"), dp("2024-01-01")
		}},
		{"record without kind and subject", "enforcement_records: [{date: 2025-01-01}]\n", func(f *facts.Facts) {
			f.EnforcementRecords = []facts.Record{{Date: d("2025-01-01")}}
		}},
		{"record without a date", "enforcement_records: [{kind: order, subject: insurance}]\n", func(f *facts.Facts) {
			f.EnforcementRecords = []facts.Record{{Kind: "order", Subject: "insurance"}}
		}},
		{"unknown record kind", "enforcement_records: [{kind: warning, date: 2025-01-01, subject: insurance}]\n", func(f *facts.Facts) {
			f.EnforcementRecords = []facts.Record{{Kind: "warning", Date: d("2025-01-01"), Subject: "insurance"}}
		}},
		{"fine record without an amount", "enforcement_records: [{kind: fine, date: 2025-01-01, subject: insurance}]\n", func(f *facts.Facts) {
			f.EnforcementRecords = []facts.Record{{Kind: "fine", Date: d("2025-01-01"), Subject: "insurance"}}
		}},
		{"amount on an order", "enforcement_records: [{kind: order, date: 2025-01-01, subject: insurance, amount: 5}]\n", func(f *facts.Facts) {
			f.EnforcementRecords = []facts.Record{{Kind: "order", Date: d("2025-01-01"), Subject: "insurance", Amount: facts.Dec("5")}}
		}},
		{"deadline record without an order", "enforcement_records: [{kind: deadline, date: 2025-01-01, subject: insurance, deadline: 2025-02-01}]\n", func(f *facts.Facts) {
			f.EnforcementRecords = []facts.Record{{Kind: "deadline", Date: d("2025-01-01"), Subject: "insurance", Deadline: dp("2025-02-01")}}
		}},
		{"negative record amount", "enforcement_records: [{kind: fine, date: 2025-01-01, subject: insurance, amount: -5}]\n", func(f *facts.Facts) {
			f.EnforcementRecords = []facts.Record{{Kind: "fine", Date: d("2025-01-01"), Subject: "insurance", Amount: facts.Dec("-5")}}
		}},
		{"negative fine", "enforcement: {fined_on: 2025-01-02, fine_amount: -1}\n", func(f *facts.Facts) {
			f.Enforcement = &facts.Enforcement{FinedOn: dp("2025-01-02"), FineAmount: facts.Dec("-1")}
		}},
		{"operating since 1900", "operating_since: 1900-01-01\n", func(f *facts.Facts) { x := facts.NewDate(1900, 1, 1); f.OperatingSince = &x }},
		{"a typo of a core field", "employes: 3\n", func(f *facts.Facts) { f.Extra = map[string]facts.ExtraValue{"employes": {Text: "3"}} }},
		{"an extra fact that cannot be a name", "Fleet: 3\n", func(f *facts.Facts) { f.Extra = map[string]facts.ExtraValue{"Fleet": {Text: "3"}} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := facts.Decode("t.yaml", []byte(without(base, c.yaml)+c.yaml))
			want := codesAt(t, err)
			if len(want) == 0 {
				t.Fatalf("the decoder accepts %q", c.yaml)
			}
			fs, err := facts.Decode("t.yaml", []byte(base))
			if err != nil {
				t.Fatal(err)
			}
			c.edit(fs[0])
			got := codesAt(t, fs[0].Validate())
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("Validate reports other problems than the decoder (-decode +validate):\n%s", d)
			}
		})
	}
}

// without drops from base the top-level keys doc sets.
func without(base, doc string) string {
	var keep []string
	for _, line := range strings.SplitAfter(base, "\n") {
		key, _, _ := strings.Cut(line, ":")
		if line != "" && !strings.HasPrefix(doc, key+":") && !strings.Contains(doc, "\n"+key+":") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}

// codesAt lists the errors of a *facts.Error as "code at path", sorted.
func codesAt(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var fe *facts.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %T: %v", err, err)
	}
	var out []string
	for _, d := range fe.Diagnostics {
		if d.Severity == diag.SeverityError {
			out = append(out, fmt.Sprintf("%s at %s", d.Code, d.Path))
		}
	}
	sort.Strings(out)
	return out
}

// Validate reports every problem, each a diagnostic with a code and path,
// and never a position (facts built in Go have none).
func TestValidateReportsAll(t *testing.T) {
	f := &facts.Facts{Region: "x", Sectors: []string{"mining", ""}, Employees: facts.Int(-1),
		Policy: &facts.Policy{}, Accidents: []facts.Accident{{Deaths: -1}}}
	got := codesAt(t, f.Validate())
	want := []string{"facts.missing at accidents[0].date", "facts.missing at policy.end", "facts.missing at policy.start",
		"facts.missing at sectors[1]", "facts.range at accidents[0].deaths", "facts.range at employees",
		"facts.region at region", "facts.unknown_code at sectors[0]"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if err := f.Validate(); !strings.Contains(err.Error(), "and 7 more errors") {
		t.Errorf("error text: %v", err)
	}
}

// The answer for an extra fact's name is remembered: asked again, a near
// miss of a core field is still refused and a declared name still taken.
func TestValidateExtraNamesRemembered(t *testing.T) {
	for i := 0; i < 3; i++ {
		f := &facts.Facts{Region: "430100", Sectors: []string{"other"},
			Extra: map[string]facts.ExtraValue{"employes": {Text: "3"}, "aggregate_limit": {Text: "5"}}}
		var fe *facts.Error
		if err := f.Validate(); !errors.As(err, &fe) || len(fe.Diagnostics) != 1 || fe.Diagnostics[0].Path != "employes" {
			t.Fatalf("round %d: %v", i, err)
		}
	}
}
