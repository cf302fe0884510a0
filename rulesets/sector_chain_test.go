package rulesets_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
)

// A conditional over in_sector tests with constant results is decided in
// one loop (a sector chain); the same conditional written so that it is not
// (each test compared with true) gives the same value and spends the same
// budget, for enterprises of one to three sectors.
func TestSectorChainAgrees(t *testing.T) {
	chains := []struct{ chained, nested string }{
		{`in_sector("coal_mine") ? "coal" : in_sector("hazardous_chemicals", "fireworks") ? "hazchem" : in_sector("construction") ? "building" : "other"`,
			`in_sector("coal_mine") == true ? "coal" : in_sector("hazardous_chemicals", "fireworks") == true ? "hazchem" : in_sector("construction") == true ? "building" : "other"`},
		{`in_sector("metal_smelting") ? 1.20 : in_sector("hazardous_chemicals.storage") ? 1.10 : 1.00`,
			`in_sector("metal_smelting") == true ? 1.20 : in_sector("hazardous_chemicals.storage") == true ? 1.10 : 1.00`},
		{`in_sector("other") ? 3 : 7`, `in_sector("other") == true ? 3 : 7`},
	}
	var lets []let
	for i, c := range chains {
		lets = append(lets, let{name: "chained" + string(rune('a'+i)), expr: c.chained}, let{name: "nested" + string(rune('a'+i)), expr: c.nested})
	}
	reg := loadDoc(t, exprDoc("true", lets...))
	exprs := map[string]*lang.Expr{}
	for _, rs := range reg.Rulesets() {
		for _, l := range rs.Lets {
			exprs[l.Name] = l.Expr
		}
	}
	d := facts.MustParseDate("2026-01-01")
	st, err := reg.Stack("430100", d, "")
	if err != nil {
		t.Fatal(err)
	}
	pool := []string{"coal_mine", "hazardous_chemicals", "hazardous_chemicals.storage", "fireworks.retail_store",
		"construction", "metal_smelting", "other", "transport"}
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for range 3000 {
		f := mustFacts(t, "region: \"430100\"\nsectors: [other]\n")
		f.Sectors = nil
		for range 1 + r.IntN(3) {
			f.Sectors = append(f.Sectors, pool[r.IntN(len(pool))])
		}
		for i := range chains {
			value := func(name string) (any, int64) {
				ev := lang.NewEval()
				if err := st.Bind(ev, f, d, ""); err != nil {
					t.Fatal(err)
				}
				v, err := exprs[name].Value(ev)
				if err != nil {
					t.Fatal(err)
				}
				return v, ev.Steps()
			}
			got, gotSteps := value("chained" + string(rune('a'+i)))
			want, wantSteps := value("nested" + string(rune('a'+i)))
			if fmt.Sprint(got) != fmt.Sprint(want) || gotSteps != wantSteps {
				t.Fatalf("sectors %v, chain %d: %v in %d steps, want %v in %d steps", f.Sectors, i, got, gotSteps, want, wantSteps)
			}
			seen[fmt.Sprint(i, got)] = true
		}
	}
	if len(seen) < 9 {
		t.Fatalf("only %d distinct values came up: the test does not exercise every branch", len(seen))
	}
}
