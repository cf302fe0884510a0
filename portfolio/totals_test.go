package portfolio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// A book's totals follow the readings of issue 11: alternatives are
// compared, never added; draft-only duties and penalties are counted
// apart; penalties the facts cannot settle, already fined or time-barred
// add nothing.
func TestBatchTotalsFollowTheReadings(t *testing.T) {
	book := strings.Join([]string{
		// 6A: 特别重大事故、情节特别严重: 1000–2000万 (or 2000万–1亿) + the principal's 20万
		`{"name": "6A", "region": "650100", "sectors": ["hazardous_chemicals.storage"], "employees": 50, "risk_level": "moderate", "principal_income": 200000, "operating_since": "2025-01-01", "policy": {"start": "2025-01-01", "end": "2026-12-31"}, "accidents": [{"date": "2025-06-01", "deaths": 30, "unit_liable": true, "especially_serious": true}]}`,
		// 9B: the first tier fined; the overdue tier 10–20万, or the daily fine 50000 × 214 (alternatives)
		`{"name": "9B", "region": "650100", "sectors": ["hazardous_chemicals.storage"], "employees": 50, "risk_level": "moderate", "operating_since": "2025-01-01", "enforcement_records": [{"kind": "order", "date": "2025-06-01", "subject": "insurance", "deadline": "2025-06-30"}, {"kind": "fine", "date": "2025-06-01", "subject": "insurance", "amount": 50000}]}`,
		// 10C: required by the Yueqing draft only
		`{"name": "10C", "region": "330382", "sectors": ["hazardous_chemicals.key_user"], "employees": 30, "risk_level": "moderate", "operating_since": "2024-01-01"}`,
		// 1D: before the first policy nothing proves it operated
		`{"name": "1D", "region": "650100", "sectors": ["hazardous_chemicals.storage"], "employees": 50, "risk_level": "moderate", "policy": {"start": "2025-03-01", "end": "2027-02-28"}}`,
	}, "\n") + "\n"
	var out bytes.Buffer
	s, err := portfolio.Batch(context.Background(), newEngine(t), strings.NewReader(book), &out,
		portfolio.BatchOptions{Name: "book.jsonl", At: facts.MustParseDate("2026-01-01"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Penalised, PenalisedDraft, Undetermined, DraftRequired int
		Mandatory, Encouraged                                  int
		Min, Max, MaxAlt                                       string
	}
	got := summary{s.Penalised, s.PenalisedDraft, s.PenaltiesUndetermined, s.DraftRequired,
		s.Obligations[rulesets.ObligationMandatory], s.Obligations[rulesets.ObligationEncouraged],
		s.FinesMin.StringFixed(2), s.FinesMax.StringFixed(2), s.FinesMaxWithAlternatives.StringFixed(2)}
	want := summary{
		Penalised: 2, PenalisedDraft: 1, Undetermined: 2, DraftRequired: 1,
		Mandatory: 3, Encouraged: 1, // 10C counts by its binding obligation
		// 6A 1000万 + 20万, 9B 10万 … 2000万 + 20万 + 20万
		Min: "10300000.00", Max: "20400000.00",
		// 6A: 1亿 + 20万; 9B: 50000 × 214 = 10700000
		MaxAlt: "110900000.00",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}

	// the brief form says what a penalty is, so that a reader can count
	type brief struct {
		Enterprise        string `json:"enterprise"`
		BindingObligation string `json:"binding_obligation"`
		Penalties         []struct {
			Violation     string   `json:"violation"`
			Basis         string   `json:"basis"`
			AlternativeOf string   `json:"alternative_of"`
			Undetermined  []string `json:"undetermined"`
			Fined         string   `json:"fined"`
		} `json:"penalties"`
	}
	flags := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var b brief
		if err := json.Unmarshal([]byte(line), &b); err != nil {
			t.Fatal(err)
		}
		if b.BindingObligation != "" {
			flags[b.Enterprise] = append(flags[b.Enterprise], "binding_obligation="+b.BindingObligation)
		}
		for _, p := range b.Penalties {
			switch {
			case p.AlternativeOf != "":
				flags[b.Enterprise] = append(flags[b.Enterprise], p.Violation+" alternative_of="+p.AlternativeOf)
			case p.Basis != "":
				flags[b.Enterprise] = append(flags[b.Enterprise], p.Violation+" basis="+p.Basis)
			case len(p.Undetermined) > 0:
				flags[b.Enterprise] = append(flags[b.Enterprise], p.Violation+" undetermined="+strings.Join(p.Undetermined, ","))
			case p.Fined != "":
				flags[b.Enterprise] = append(flags[b.Enterprise], p.Violation+" fined="+p.Fined)
			}
		}
	}
	wantFlags := map[string][]string{
		"6A":  {"accident-unit-aggravated-especially-major alternative_of=accident-unit-especially-major"},
		"9B":  {"uninsured-mandatory fined=2025-06-01", "daily-fine alternative_of=uninsured-mandatory-overdue"},
		"10C": {"binding_obligation=encouraged", "uninsured-required basis=draft"},
		"1D":  {"uninsured-mandatory undetermined=operating_since", "uninsured-mandatory undetermined=operating_since"},
	}
	if d := cmp.Diff(wantFlags, flags); d != "" {
		t.Errorf("brief-form flags (-want +got):\n%s", d)
	}
}
