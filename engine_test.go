package anzexian_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

func mustFacts(t *testing.T, doc string) *facts.Facts {
	t.Helper()
	fs, err := facts.Decode("test.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return fs[0]
}

func mustFile(t *testing.T, path string) diag.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return diag.File{Name: path, Data: data}
}

var asOf2026 = facts.MustParseDate("2026-01-01")

// A filing joins the stack only for its insurer, and cannot replace a
// factor a regulator sets.
func TestFilings(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	f := mustFacts(t, `
region: "430100"
sectors: [transport.road]
employees: 60
risk_level: moderate
fleet_vehicles: 80
`)
	reg, err := eng.Registry().With(mustFile(t, "examples/rulesets/filing-example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	factor := func(a *anzexian.Assessment, id string) bool {
		for _, x := range a.Premium.Factors {
			if x.ID == id {
				return true
			}
		}
		return false
	}
	a, err := eng.Assess(f, anzexian.At(asOf2026), anzexian.Using(reg), anzexian.Insurer("示例财产保险股份有限公司"))
	if err != nil {
		t.Fatal(err)
	}
	if !factor(a, "fleet-size") {
		t.Errorf("the insurer's filing should add its fleet-size factor")
	}
	// Without the insurer the filing is not in the stack, and its declared
	// fact is unknown there.
	_, err = eng.Assess(f, anzexian.At(asOf2026), anzexian.Using(reg))
	var fe *facts.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Error(), "fleet_vehicles") {
		t.Errorf("without the insurer, fleet_vehicles should be an unknown fact; got %v", err)
	}

	bad, err := eng.Registry().With(mustFile(t, "testdata/rulesets/filing-bad-override.yaml"))
	if err != nil {
		t.Fatal(err) // the file itself is valid; only stacking it is not
	}
	f2 := mustFacts(t, `{region: "430100", sectors: [other], employees: 5, risk_level: low}`)
	_, err = eng.Assess(f2, anzexian.At(asOf2026), anzexian.Using(bad), anzexian.Insurer("越权保险股份有限公司"))
	var se *rulesets.StackError
	if !errors.As(err, &se) || se.Diagnostics[0].Code != "stack.filing_override" {
		t.Fatalf("want a stack.filing_override StackError, got %v", err)
	}
}

// A reload that fails keeps the previous registry serving.
func TestReloadKeepsServingOnFailure(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	before := eng.Registry()
	err = eng.Reload(context.Background(), diag.File{Name: "broken.yaml", Data: []byte("schema: anzexian/v1\nid: [\n")})
	var le *rulesets.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("want a LoadError, got %v", err)
	}
	if eng.Registry() != before {
		t.Fatal("a failed reload replaced the registry")
	}
	files, err := rulesets.ReadFiles(rulesets.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Reload(context.Background(), files...); err != nil {
		t.Fatal(err)
	}
	if eng.Registry() == before {
		t.Fatal("a good reload did not swap the registry")
	}
	if _, err := eng.Assess(mustFacts(t, `{region: "430100", sectors: [coal_mine], employees: 10, risk_level: low}`), anzexian.At(asOf2026)); err != nil {
		t.Fatal(err)
	}
}

// The same input gives byte-identical JSON.
func TestAssessDeterministic(t *testing.T) {
	eng, data := bundledAndExample(t, "examples/enterprises/hunan-hazchem-storage.yaml")
	var first []byte
	for i := 0; i < 20; i++ {
		fs, err := facts.Decode("x.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		a, err := eng.Assess(fs[0], anzexian.At(asOf2026), anzexian.WithTrace())
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}

// The layers an answer adds for the rulesets that govern earlier
// violations are made once per stack and set of them, and shared by the
// answers that add the same (their content is checked against the
// hand-written reference by TestReferenceAssessAgrees).
func TestGoverningLayersShared(t *testing.T) {
	eng, data := bundledAndExample(t, "examples/enterprises/hunan-hazchem-storage.yaml")
	fs, err := facts.Decode("hunan.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	at := anzexian.At(facts.MustParseDate("2026-01-01"))
	a, err := eng.Assess(fs[0], at)
	if err != nil {
		t.Fatal(err)
	}
	b, err := eng.Assess(fs[0], at)
	if err != nil {
		t.Fatal(err)
	}
	governing := 0
	for _, l := range a.Rulesets {
		if l.Role == "governs an earlier violation" {
			governing++
		}
	}
	if governing == 0 {
		t.Fatal("the example's penalties name no earlier law: choose facts whose violations began under one")
	}
	if !reflect.DeepEqual(a.Rulesets, b.Rulesets) {
		t.Fatalf("the layers differ between two answers:\n%+v\n%+v", a.Rulesets, b.Rulesets)
	}
	if &a.Rulesets[0] != &b.Rulesets[0] {
		t.Error("the second answer made its list of layers again")
	}
}

// bundledAndExample returns an engine over the bundled rulesets and the
// bytes of an example document.
func bundledAndExample(t *testing.T, path string) (*anzexian.Engine, []byte) {
	t.Helper()
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return eng, data
}
