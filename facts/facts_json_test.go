package facts_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/testkit"
)

// factsOpts compares facts by value, decimals by amount and exponent (the
// exponent is part of what decoding must agree on: facts keep no trailing zeros).
var factsOpts = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) && a.Exponent() == b.Exponent() }),
	cmpopts.EquateComparable(facts.Date{}),
}

// jsonFactsSamples are facts documents: the enterprise examples and the
// test fixtures, each converted to one JSON line.
func jsonFactsSamples(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join("..", "examples", "enterprises", "*.yaml"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := facts.Decode(file, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			b, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(file)] = b
		}
	}
	for name, src := range map[string]string{"complete": completeFactsYAML, "rich": richFacts} {
		b, err := json.Marshal(mustFacts(t, src))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

// TestDecodeFactsLineAgrees: the JSONL fast path reads exactly what the
// YAML path reads, and facts written with MarshalJSON read back unchanged.
func TestDecodeFactsLineAgrees(t *testing.T) {
	for name, line := range jsonFactsSamples(t) {
		t.Run(name, func(t *testing.T) {
			want, err := facts.Decode("p.jsonl", line)
			if err != nil {
				t.Fatalf("YAML path: %v", err)
			}
			got, err := facts.DecodeLine("p.jsonl", 1, line)
			if err != nil {
				t.Fatalf("JSON path: %v", err)
			}
			if diff := cmp.Diff(want[0], got, factsOpts); diff != "" {
				t.Errorf("JSON path differs from YAML path (-yaml +json):\n%s", diff)
			}
			again, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, line) {
				t.Errorf("round trip changed the facts:\n%s\n%s", line, again)
			}
		})
	}
}

// TestDecodeFactsLineReuse: the decoder reuses its nodes from record to
// record; facts decoded earlier stay as they were while later records,
// good and bad, are decoded.
func TestDecodeFactsLineReuse(t *testing.T) {
	samples := jsonFactsSamples(t)
	var lines [][]byte
	for _, l := range samples {
		lines = append(lines, l, []byte(`{"region": "430100", "sectors": ["other"], "accidents": [{"date": "2024-01-01"}, 5]}`))
	}
	var kept []*facts.Facts
	for round := 0; round < 3; round++ {
		for i, l := range lines {
			f, err := facts.DecodeLine("p.jsonl", i+1, l)
			if err == nil {
				kept = append(kept, f)
			}
		}
	}
	k := 0
	for round := 0; round < 3; round++ {
		for _, l := range lines {
			want, err := facts.Decode("p.jsonl", l)
			if err != nil {
				continue
			}
			if diff := cmp.Diff(want[0], kept[k], factsOpts, cmpopts.IgnoreFields(facts.ExtraValue{}, "At")); diff != "" {
				t.Fatalf("facts changed after later records were decoded (-fresh +kept):\n%s", diff)
			}
			k++
		}
	}
	if k != len(kept) || k == 0 {
		t.Fatalf("compared %d of %d", k, len(kept))
	}
}

func TestDecodeFactsLineErrors(t *testing.T) {
	tests := []struct {
		name, line string
		code, path string
		col        int
	}{
		{"not an object", `["coal_mine"]`, "facts.type", "", 1},
		{"unclosed", `{"region": "430100", "sectors": ["coal_mine"]`, "facts.syntax", "", 46},
		{"trailing", `{"region": "430100", "sectors": ["coal_mine"]} x`, "facts.syntax", "", 48},
		{"leading zero", `{"region": "430100", "sectors": ["coal_mine"], "employees": 012}`, "facts.syntax", "", 61},
		{"bare word", `{"region": "430100", "sectors": [coal_mine]}`, "facts.syntax", "", 34},
		{"single quotes", `{'region': "430100"}`, "facts.syntax", "", 2},
		{"control char", "{\"region\": \"43\t0100\"}", "facts.syntax", "", 15},
		{"lone surrogate", `{"region": "430100", "name": "\ud800x", "sectors": ["coal_mine"]}`, "facts.syntax", "", 30},
		{"deep", `{"region": "430100", "sectors": ["coal_mine"], "x": ` + strings.Repeat("[", 80) + strings.Repeat("]", 80) + `}`, "facts.too_deep", "", 0},
		{"unknown code", `{"region": "430100", "sectors": ["minng"]}`, "facts.unknown_code", "sectors[0]", 34},
		{"after wide characters", `{"name": "长沙化工", "region": "430100", "sectors": ["minng"]}`, "facts.unknown_code", "sectors[0]", 50},
		{"float trap", `{"region": "430100", "sectors": ["coal_mine"], "annual_revenue": 1e400}`, "facts.decimal_range", "annual_revenue", 0},
		{"negative", `{"region": "430100", "sectors": ["coal_mine"], "employees": -3}`, "facts.range", "employees", 61},
		{"duplicate key", `{"region": "430100", "sectors": ["coal_mine"], "region": "430200"}`, "facts.duplicate_key", "", 0},
		{"policy ends before it starts", `{"region": "430100", "sectors": ["coal_mine"], "policy": {"start": "2025-01-01", "end": "2024-12-31"}}`, "facts.inconsistent", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := facts.DecodeLine("book.jsonl", 7, []byte(tt.line))
			var fe *facts.Error
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FactsError", err)
			}
			var found *diag.Diagnostic
			for _, d := range fe.Diagnostics {
				if d.Code == tt.code {
					found = d
				}
			}
			if found == nil {
				t.Fatalf("no %s in %v", tt.code, err)
			}
			if found.Subject.File != "book.jsonl" || found.Subject.Start.Line != 7 {
				t.Errorf("at %s:%d, want book.jsonl:7", found.Subject.File, found.Subject.Start.Line)
			}
			if tt.col != 0 && found.Subject.Start.Column != tt.col {
				t.Errorf("column %d, want %d: %s", found.Subject.Start.Column, tt.col, found.Format())
			}
			if tt.path != "" && found.Path != tt.path {
				t.Errorf("path %q, want %q", found.Path, tt.path)
			}
			// Where the YAML path also rejects the line, it says the same.
			if _, yerr := facts.Decode("book.jsonl", []byte(tt.line)); yerr != nil && tt.code != "facts.syntax" && tt.code != "facts.type" && tt.code != "facts.too_deep" {
				if !strings.Contains(yerr.Error(), found.Summary) {
					t.Errorf("YAML path says %v; JSON path says %s", yerr, found.Summary)
				}
			}
		})
	}
}

func TestFactsMarshalJSONExtra(t *testing.T) {
	src := `{"region": "341200", "sectors": ["coal_mine"], "safety_awards": ["provincial"], "quoted": "12", "plain": 12.50, "flag": true, "award_year": null}`
	f, err := facts.DecodeLine("x.jsonl", 1, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"region":"341200","sectors":["coal_mine"],"status":"operating","award_year":null,"flag":true,"plain":12.50,"quoted":"12","safety_awards":["provincial"]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	g, err := facts.DecodeLine("x.jsonl", 1, b)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range f.Extra {
		w := g.Extra[k]
		if v.Text != w.Text || v.Quoted != w.Quoted || v.IsList != w.IsList || v.IsNull != w.IsNull || !cmp.Equal(v.Items, w.Items) {
			t.Errorf("%s: %+v after a round trip, was %+v", k, w, v)
		}
	}
}

func FuzzDecodeFactsLine(f *testing.F) {
	for _, line := range jsonFactsSamples(&testing.T{}) {
		f.Add(line)
	}
	f.Add([]byte(`{"region": "430100", "sectors": ["coal_mine"], "name": "\u957f\ud83d\ude00"}`))
	f.Add([]byte(`{"region":"430100","sectors":["coal_mine"],"employees":1e2}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		done := testkit.Watchdog(testkit.FuzzLimit)
		defer done()
		var got *facts.Facts
		var err error
		testkit.NoPanic(t, func() { got, err = facts.DecodeLine("f.jsonl", 3, line) })
		if err != nil {
			var fe *facts.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FactsError", err)
			}
			for _, d := range fe.Diagnostics {
				if d.Subject.Start.Line != 0 && d.Subject.Start.Line != 3 {
					t.Errorf("diagnostic on line %d of a one-line record at line 3: %s", d.Subject.Start.Line, d.Format())
				}
			}
		}
		if !json.Valid(line) || bytes.ContainsAny(line, "\n\r") {
			return
		}
		got, err = facts.DecodeLine("f.jsonl", 1, line)
		// On valid JSON the fast path and the YAML path agree, except
		// where YAML is not a superset of JSON (tabs, some escapes).
		want, yerr := facts.Decode("f.jsonl", line)
		if (err == nil) != (yerr == nil) {
			if yerr != nil && strings.Contains(yerr.Error(), "YAML syntax error") {
				return
			}
			t.Fatalf("JSON path: %v\nYAML path: %v", err, yerr)
		}
		if err == nil {
			if diff := cmp.Diff(want[0], got, factsOpts); diff != "" {
				t.Errorf("paths differ (-yaml +json):\n%s", diff)
			}
			b, merr := json.Marshal(got)
			if merr != nil {
				t.Fatal(merr)
			}
			back, rerr := facts.DecodeLine("f.jsonl", 1, b)
			if rerr != nil {
				t.Fatalf("facts written by MarshalJSON do not read back: %v\n%s", rerr, b)
			}
			if diff := cmp.Diff(got, back, factsOpts, cmp.FilterPath(func(p cmp.Path) bool {
				return strings.Contains(p.GoString(), "Extra")
			}, cmp.Ignore())); diff != "" {
				t.Errorf("round trip changed the facts (-first +second):\n%s", diff)
			}
		}
	})
}

func BenchmarkDecodeFactsLine(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "enterprises", "hunan-hazchem-storage.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	fs, err := facts.Decode("x.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	line, _ := json.Marshal(fs[0])
	b.Run("json", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for range b.N {
			if _, err := facts.DecodeLine("b.jsonl", 1, line); err != nil {
				b.Fatal(err)
			}
		}
	})
	// a record with a fact a ruleset declares (an insurer's filing may
	// declare one that every record of its book carries)
	// (a copy: appending to line itself would overwrite its closing brace)
	declared := append(slices.Clip(bytes.TrimSuffix(line, []byte("}"))), `,"aggregate_limit":"5000000"}`...)
	b.Run("json-declared", func(b *testing.B) {
		b.SetBytes(int64(len(declared)))
		b.ReportAllocs()
		for range b.N {
			f, err := facts.DecodeLine("b.jsonl", 1, declared)
			if err != nil || len(f.Extra) != 1 {
				b.Fatal(err)
			}
		}
	})
	b.Run("yaml", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for range b.N {
			if _, err := facts.Decode("b.jsonl", line); err != nil {
				b.Fatal(err)
			}
		}
	})
}
