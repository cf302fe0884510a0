package facts_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/portfolio"
)

// plainShaped reports whether f, written by MarshalJSON, is a record the
// plain path must take: no enforcement records, and declared facts that
// are single values or lists of them.
func plainShaped(f *facts.Facts) bool {
	for _, v := range f.Extra {
		if v.IsNull || v.Kind == "mapping" {
			return false
		}
	}
	return len(f.EnforcementRecords) == 0
}

// checkPlain decodes line by both of DecodeLine's paths: wherever the plain
// path accepts a record, the general path accepts it too and gives the
// same facts. It reports whether the plain path took it.
func checkPlain(t *testing.T, what string, line []byte) bool {
	t.Helper()
	var plain *facts.Facts
	var ok bool
	testkit.NoPanic(t, func() { plain, ok = facts.DecodePlainJSON("p.jsonl", line) })
	if !ok {
		return false
	}
	general, err := facts.DecodeLineNodes("p.jsonl", 1, line)
	if err != nil {
		t.Fatalf("%s: the plain path accepts a record the general path refuses: %v\n%s", what, err, line)
	}
	if diff := cmp.Diff(general, plain, factsOpts); diff != "" {
		t.Fatalf("%s: the paths differ (-general +plain):\n%s\n%s", what, diff, line)
	}
	// on another line of a book, declared facts' positions move with it
	general, err = facts.DecodeLineNodes("p.jsonl", 7, line)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := facts.DecodeLine("p.jsonl", 7, line); err != nil || !cmp.Equal(general, got, factsOpts) {
		t.Fatalf("%s, on line 7: DecodeLine differs from the general path (%v):\n%s", what, err, cmp.Diff(general, got, factsOpts))
	}
	return true
}

// TestPlainJSONAgrees: on generated books and every example, written as
// JSON lines (compact and indented), the plain path takes every record
// without declared facts or enforcement records, and gives the facts the
// general path gives.
func TestPlainJSONAgrees(t *testing.T) {
	lines := map[string][]byte{}
	for name, l := range jsonFactsSamples(t) {
		lines[name] = l
	}
	for i, f := range portfolio.Generate(7, 6000) {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		lines[fmt.Sprintf("generated %d", i)] = b
	}
	took, shaped := 0, 0
	for name, line := range lines {
		general, err := facts.DecodeLineNodes("p.jsonl", 1, line)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var ind bytes.Buffer
		if err := json.Indent(&ind, line, "", "\t"); err != nil {
			t.Fatal(err)
		}
		for _, l := range [][]byte{line, ind.Bytes()} {
			got := checkPlain(t, name, l)
			if want := plainShaped(general); got != want {
				t.Errorf("%s: plain path took it %v, want %v (a plain record must not cost the general path)\n%s", name, got, want, l)
			}
			if got {
				took++
			}
		}
		if plainShaped(general) {
			shaped++
		}
	}
	if took < len(lines) || took != 2*shaped {
		t.Fatalf("the plain path took %d of %d records (%d plain-shaped, twice each)", took, 2*len(lines), shaped)
	}
}

// TestPlainJSONRefuses: records that are not plain, or that the general
// path reports, are left to the general path: DecodeLine answers exactly
// as it does, facts or diagnostics.
func TestPlainJSONRefuses(t *testing.T) {
	const head = `{"region":"430100","sectors":["hazardous_chemicals.storage"]`
	tests := []struct{ name, line string }{
		{"null", head + `,"name":null}`},
		{"escape", head + `,"name":"\u957f"}`},
		{"escaped quote", head + `,"name":"a\"b"}`},
		{"escape in a key", `{"\u0072egion":"430100","sectors":["other"]}`},
		{"duplicate key", head + `,"employees":1,"employees":2}`},
		{"duplicate nested key", head + `,"policy":{"insured":false,"insured":false}}`},
		{"unknown nested key", head + `,"policy":{"insurerr":"x"}}`},
		{"declared fact, null", head + `,"aggregate_limit":null}`},
		{"declared fact, object", head + `,"aggregate_limit":{"a":1}}`},
		{"declared fact, list of lists", head + `,"fleet":[["a"]]}`},
		{"declared fact, list with a null", head + `,"fleet":["a",null]}`},
		{"declared fact, escaped", head + `,"aggregate_limit":"1\u0030"}`},
		{"declared fact, twice", head + `,"aggregate_limit":"1","aggregate_limit":"2"}`},
		{"declared fact, bad name", head + `,"Aggregate":"1"}`},
		{"typo", head + `,"employes":3}`},
		{"enforcement records", head + `,"enforcement_records":[{"kind":"inspection","date":"2025-01-01"}]}`},
		{"no region", `{"sectors":["other"]}`},
		{"no sectors", `{"region":"430100"}`},
		{"empty sectors", `{"region":"430100","sectors":[]}`},
		{"empty sector", `{"region":"430100","sectors":[""]}`},
		{"unknown sector", `{"region":"430100","sectors":["coal"]}`},
		{"bad region", `{"region":"43010","sectors":["other"]}`},
		{"unknown province", `{"region":"990100","sectors":["other"]}`},
		{"region as a number", `{"region":430100,"sectors":["other"]}`},
		{"empty status", head + `,"status":""}`},
		{"unknown status", head + `,"status":"open"}`},
		{"negative amount", head + `,"loss_ratio":"-0.1"}`},
		{"minus zero count", head + `,"employees":-0}`},
		{"count with a point", head + `,"employees":12.0}`},
		{"count with an exponent", head + `,"employees":1e2}`},
		{"quoted count", head + `,"employees":"12"}`},
		{"count out of range", head + `,"employees":2147483648}`},
		{"level out of range", head + `,"standardization_level":4}`},
		{"leading zero", head + `,"employees":07}`},
		{"quoted bool", head + `,"blacklisted":"true"}`},
		{"number as text", head + `,"credit_grade":5}`},
		{"bad decimal", head + `,"loss_ratio":"0.1.2"}`},
		{"date out of range", head + `,"operating_since":"1900-01-01"}`},
		{"bad date", head + `,"operating_since":"2024-02-30"}`},
		{"dispatched over employees", head + `,"employees":3,"dispatched_workers":4}`},
		{"uninsured over employees", head + `,"employees":3,"workers_without_injury_insurance":4}`},
		{"policy without dates", head + `,"policy":{"insured":true}}`},
		{"policy ends before it starts", head + `,"policy":{"start":"2025-01-01","end":"2024-12-31"}}`},
		{"concluded after the end", head + `,"policy":{"start":"2025-01-01","end":"2025-12-31","concluded_on":"2026-01-01"}}`},
		{"accident without a date", head + `,"accidents":[{"deaths":1}]}`},
		{"reported before the accident", head + `,"accidents":[{"date":"2025-03-01","reported_on":"2025-02-01"}]}`},
		{"earlier policy without an end", head + `,"policy_history":[{"start":"2024-01-01"}]}`},
		{"surrendered outside the policy", head + `,"policy_history":[{"start":"2024-01-01","end":"2024-12-31","surrendered_on":"2025-01-01"}]}`},
		{"refused_on without refusal", head + `,"hazards":{"refused_on":"2025-01-01"}}`},
		{"deadline without an order", head + `,"enforcement":{"deadline":"2025-01-01"}}`},
		{"deadline before the order", head + `,"enforcement":{"ordered_on":"2025-02-01","deadline":"2025-01-01"}}`},
		{"fine without its date", head + `,"enforcement":{"fine_amount":"1000"}}`},
		{"closed_on while operating", head + `,"closed_on":"2025-01-01"}`},
		{"closed before it opened", head + `,"status":"closed","operating_since":"2025-01-01","closed_on":"2024-01-01"}`},
		{"site without a kind", head + `,"sites":[{"workers":3}]}`},
		{"unknown site kind", head + `,"sites":[{"kind":"cellar"}]}`},
		{"rank without its year", head + `,"work_injury_rank":{"rank":3}}`},
		{"year out of range", head + `,"work_injury_rank":{"year":1900,"rank":3}}`},
		{"invalid UTF-8", head + ",\"name\":\"\xff\"}"},
		{"control character", head + ",\"name\":\"a\tb\"}"},
		{"trailing text", head + `} x`},
		{"not closed", head},
		{"a list", `[` + head + `}]`},
		{"truex", head + `,"blacklisted":truex}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := []byte(tt.line)
			if _, ok := facts.DecodePlainJSON("p.jsonl", line); ok {
				t.Fatalf("the plain path took %s", line)
			}
			want, werr := facts.DecodeLineNodes("p.jsonl", 4, line)
			got, gerr := facts.DecodeLine("p.jsonl", 4, line)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) {
				t.Fatalf("DecodeLine: %v\ngeneral path: %v", gerr, werr)
			}
			if diff := cmp.Diff(want, got, factsOpts); diff != "" {
				t.Fatalf("DecodeLine differs from the general path:\n%s", diff)
			}
		})
	}
	// and the same records written plainly are taken
	for _, line := range []string{
		head + `}`,
		head + `,"name":"长沙示例","employees":0,"loss_ratio":0.70,"annual_revenue":"1.50e3"}`,
		head + `,"policy":{"insured":false},"hazards":{},"park":{}}`,
		head + `,"accidents":[{"date":"2024-05-01","direct_loss":"0.00"},{"date":"2024-06-01","direct_loss":12.50}]}`,
		head + `,"employees":3,"dispatched_workers":3,"workers_without_injury_insurance":3}`,
		head + `,"aggregate_limit":"1000000","fleet_vehicles":80,"night_shift":true,"zones":["a",1,false],"hazmat_routes":[],"label":"乐清 示例"}`,
		` { "region" : "430100" , "sectors" : [ "other" ] } `,
	} {
		if !checkPlain(t, "plain", []byte(line)) {
			t.Errorf("the plain path refused %s", line)
		}
	}
}

// FuzzPlainJSON: whatever the plain path accepts, the general path accepts
// too, with the same facts.
func FuzzPlainJSON(f *testing.F) {
	for _, line := range jsonFactsSamples(&testing.T{}) {
		f.Add(line)
	}
	for _, g := range portfolio.Generate(11, 40) {
		b, err := json.Marshal(g)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"region":"430100","sectors":["other"],"employees":3,"dispatched_workers":3,"loss_ratio":"0.70"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		done := testkit.Watchdog(testkit.FuzzLimit)
		defer done()
		checkPlain(t, "fuzz", line)
	})
}
