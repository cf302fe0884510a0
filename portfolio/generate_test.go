package portfolio_test

import (
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/portfolio"
)

// Every generated enterprise is valid and can be assessed; the generator is
// deterministic.
func TestGenerate(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	a := portfolio.Generate(42, 2000)
	b := portfolio.Generate(42, 2000)
	counts := map[string]int{}
	for i, f := range a {
		if f.Name != b[i].Name || f.Region != b[i].Region || f.Sectors[0] != b[i].Sectors[0] {
			t.Fatalf("enterprise %d differs between two runs with one seed", i)
		}
		if err := f.Validate(); err != nil {
			t.Fatalf("enterprise %d is invalid: %v", i, err)
		}
		res, err := eng.Assess(f, anzexian.At(asOf2026))
		if err != nil {
			t.Fatalf("enterprise %d (%s %v): %v", i, f.Region, f.Sectors, err)
		}
		counts[string(res.Coverage.Obligation)]++
		if res.Premium != nil {
			counts["priced"]++
		}
		if len(res.Penalties) > 0 {
			counts["penalised"]++
		}
	}
	t.Logf("obligations and answers over 2000 enterprises: %v", counts)
	for _, k := range []string{"mandatory", "required", "encouraged", "priced", "penalised"} {
		if counts[k] == 0 {
			t.Errorf("the generated mix has no %s enterprise", k)
		}
	}
}
