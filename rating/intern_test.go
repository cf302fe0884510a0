package rating

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Interned factors (one worksheet slice per combination of cases, shared)
// are the factors evaluated one by one: on the peer workload's pipeline,
// for generated enterprises, with and without the trace, the premium and
// the trace are the same either way, and the interned slices stay
// unchanged by later premiums.
func TestInternedFactorsAgree(t *testing.T) {
	data, err := os.ReadFile("../testdata/peer/rating.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("peer", func(t *testing.T) { internedAgree(t, data) })
	// the same pipeline with illustrative and unverified numbers: the
	// provenance marks of the interned factors are the evaluated ones'
	marked := strings.Replace(string(data), "    - id: accident\n", "    - id: accident\n      illustrative: true\n", 1)
	marked = strings.Replace(marked, `{id: credit_c, when: credit_grade == "c", value: "1.10", reason: grade C}`,
		`{id: credit_c, when: credit_grade == "c", value: "1.10", reason: grade C, illustrative: true}`, 1)
	marked = strings.Replace(marked, "{id: loss_ratio_low, when: loss_ratio < 0.30, value: \"0.95\", reason: below 0.30}",
		"{id: loss_ratio_low, when: loss_ratio < 0.30, value: \"0.95\", reason: below 0.30, cite: {source: peer, article: x, unverified: true}}", 1)
	if marked == string(data) || strings.Count(marked, "illustrative: true") != 2 || !strings.Contains(marked, "unverified: true") {
		t.Fatal("the peer ruleset changed: mark its numbers anew")
	}
	t.Run("marked", func(t *testing.T) { internedAgree(t, []byte(marked)) })
	// the bundled stacks: highest picks (the cases that matched are part
	// of the worksheet) and a case whose value is an expression
	t.Run("bundled", func(t *testing.T) {
		reg, err := rulesets.LoadBundled()
		if err != nil {
			t.Fatal(err)
		}
		for _, region := range []string{"430100", "330382", "110000"} {
			if _, _, matched := internedAgreeOn(t, reg, region, bundledFacts); matched == 0 {
				t.Errorf("%s: no premium had a factor with several cases matched", region)
			}
		}
	})
}

// bundledFacts generates an enterprise that the bundled rating rules price
// in many ways: accidents of every grade last year, risk levels, hazards.
func bundledFacts(r *rand.Rand, region string) *facts.Facts {
	sectors := []string{"hazardous_chemicals.storage", "construction", "coal_mine", "metal_smelting", "other", "fireworks.retail_store"}
	risks := []string{"", "major", "high", "moderate", "low"}
	credits := []string{"", "a", "b", "c", "d"}
	lr := decimal.New(r.Int64N(150), -2)
	f := &facts.Facts{Name: "gen", Region: region, Sectors: []string{sectors[r.IntN(len(sectors))]},
		Employees: facts.Int(1 + r.IntN(3000)), AnnualRevenue: decPtr(decimal.New(r.Int64N(1e9), 0)),
		StandardizationLevel: r.IntN(4), CreditGrade: credits[r.IntN(len(credits))], RiskLevel: risks[r.IntN(len(risks))],
		Blacklisted: r.IntN(5) == 0, Hazards: facts.Hazards{RefusedRectification: r.IntN(5) == 0, MajorUnrectified: r.IntN(5) == 0}}
	if r.IntN(6) > 0 {
		f.LossRatio = &lr
	}
	for range r.IntN(5) {
		f.Accidents = append(f.Accidents, facts.Accident{Date: facts.NewDate(2024+r.IntN(2), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
			Deaths: []int{0, 0, 0, 1, 3, 12}[r.IntN(6)], SeriousInjuries: r.IntN(12), DirectLoss: decimal.New(r.Int64N(5e7), 0)})
	}
	return f
}

func decPtr(d decimal.Decimal) *decimal.Decimal { return &d }

func internedAgree(t *testing.T, data []byte) {
	reg, err := rulesets.LoadFiles(diag.File{Name: "rating.yaml", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	incomplete, marked, _ := internedAgreeOn(t, reg, "110000", peerFacts)
	if incomplete == 0 || incomplete > 1000 {
		t.Fatalf("%d of 2000 premiums incomplete: both paths should be exercised", incomplete)
	}
	if strings.Contains(string(data), "illustrative: true") && marked == 0 {
		t.Fatal("no premium carries a provenance mark")
	}
}

// peerFacts generates an enterprise of the peer workload.
func peerFacts(r *rand.Rand, region string) *facts.Facts {
	sectors := []string{"coal_mine", "non_coal_mine", "hazardous_chemicals", "fireworks", "metal_smelting", "construction", "transport", "textile"}
	credits := []string{"", "a", "b", "c", "d"}
	lr := decimal.New(r.Int64N(120), -2)
	f := &facts.Facts{Name: "gen", Region: region, Sectors: []string{sectors[r.IntN(len(sectors))]},
		Employees: facts.Int(1 + r.IntN(2000)), StandardizationLevel: r.IntN(4), CreditGrade: credits[r.IntN(len(credits))],
		Blacklisted: r.IntN(4) == 0, Hazards: facts.Hazards{RefusedRectification: r.IntN(4) == 0}, LossRatio: &lr}
	for range r.IntN(3) {
		f.Accidents = append(f.Accidents, facts.Accident{Date: facts.NewDate(2020+r.IntN(7), time.July, 1), Deaths: r.IntN(2), SeriousInjuries: r.IntN(3)})
	}
	return f
}

// internedAgreeOn checks interning on the stack of region, for enterprises
// gen makes.
// It returns how many premiums were incomplete, carried provenance marks
// and had a factor with more than one case matched.
func internedAgreeOn(t *testing.T, reg *rulesets.Registry, region string, gen func(*rand.Rand, string) *facts.Facts) (incomplete, marked, matched int) {
	asOf := facts.NewDate(2026, time.January, 1)
	st, err := reg.Stack(region, asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	m := memoOf(st, st.Rating)
	if !m.internable {
		t.Fatal("the peer pipeline's factors are static: they should be interned")
	}
	r := rand.New(rand.NewPCG(13, 1))
	eval := func(f *facts.Facts, intern, trace bool) (*Premium, []rulesets.TraceEntry, error) {
		m.internable = intern
		defer func() { m.internable = true }()
		ev := lang.NewEval()
		if err := st.Bind(ev, f, asOf, ""); err != nil {
			t.Fatal(err)
		}
		return Evaluate(st, ev, Options{Trace: trace})
	}
	// the same, interned, in a Room: once the memo is full, the
	// combinations it does not keep are made in the room
	var room Room
	inRoom := 0 // premiums whose combination was made in the room
	evalRoom := func(f *facts.Facts, trace bool) (*Premium, []rulesets.TraceEntry, error) {
		ev := lang.NewEval()
		if err := st.Bind(ev, f, asOf, ""); err != nil {
			t.Fatal(err)
		}
		p, tr, err := Evaluate(st, ev, Options{Trace: trace, Room: &room})
		if p != nil && len(p.Factors) > 0 && cap(room.factors) > 0 && &p.Factors[0] == &room.factors[:1][0] {
			inRoom++
		}
		return p, tr, err
	}
	var kept []*Premium
	var want []*Premium
	for i := range 2000 {
		f := gen(r, region)
		trace := i%2 == 0
		got, gotTrace, gotErr := eval(f, true, trace)
		plain, plainTrace, plainErr := eval(f, false, trace)
		if d := cmp.Diff(plainErr, gotErr); d != "" {
			t.Fatalf("#%d: the error differs (-evaluated +interned):\n%s", i, d)
		}
		if gotErr != nil {
			incomplete++
		}
		if d := cmp.Diff(plain, got); d != "" {
			t.Fatalf("#%d: interned factors differ from evaluated ones (-evaluated +interned):\n%s", i, d)
		}
		if d := cmp.Diff(plainTrace, gotTrace); d != "" {
			t.Fatalf("#%d: the trace differs (-evaluated +interned):\n%s", i, d)
		}
		inRoom, roomTrace, roomErr := evalRoom(f, trace)
		if d := cmp.Diff(plainErr, roomErr); d != "" {
			t.Fatalf("#%d: the error differs (-evaluated +in a room):\n%s", i, d)
		}
		if d := cmp.Diff(plain, inRoom); d != "" {
			t.Fatalf("#%d: the premium made in a room differs (-evaluated +in a room):\n%s", i, d)
		}
		if d := cmp.Diff(plainTrace, roomTrace); d != "" {
			t.Fatalf("#%d: the trace differs (-evaluated +in a room):\n%s", i, d)
		}
		if i < 50 {
			kept, want = append(kept, got), append(want, plain)
		}
		if got != nil && len(got.Provenance) > 1 {
			marked++
		}
		if got != nil {
			for _, fv := range got.Factors {
				if len(fv.Matched) > 1 {
					matched++
					break
				}
			}
		}
	}
	for i := range kept {
		if d := cmp.Diff(want[i], kept[i]); d != "" {
			t.Fatalf("premium #%d changed after later premiums shared its factors:\n%s", i, d)
		}
	}
	if n := m.interned.Len(); n == 0 || n > maxInterned {
		t.Fatalf("%d combinations interned", n)
	}
	if m.interned.Len() == maxInterned && inRoom == 0 {
		t.Fatal("the memo filled, and no combination was made in the room after")
	}
	t.Logf("%d combinations interned; %d made in the room after the memo filled", m.interned.Len(), inRoom)
	return incomplete, marked, matched
}

// A Room gives each premium slots for its decimals that no premium had,
// within a slab and across slabs: every decimal made in it stays the
// number it was made as, however many premiums follow.
func TestDecRoomsAreNew(t *testing.T) {
	var r Room
	var made []decimal.Decimal
	for i := range 3 * fixed.SlabSize {
		d := r.decRoom()
		if d.Len() < fixed.RoomSize {
			t.Fatalf("premium %d: room for %d decimals, want at least %d", i, d.Len(), fixed.RoomSize)
		}
		// a premium takes from one to RoomSize
		for k := range 1 + i%fixed.RoomSize {
			// (a product, as a premium's amounts are: a Num held as the
			// decimal it came from is given back as it is)
			made = append(made, fixed.Of(decimal.New(int64(1000*i+k), -2)).Mul(fixed.Of(decimal.NewFromInt(1))).In(d))
		}
	}
	if r.dec.Len() == fixed.SlabSize {
		t.Fatal("no decimal was made in a slot")
	}
	n := 0
	for i := range 3 * fixed.SlabSize {
		for k := range 1 + i%fixed.RoomSize {
			if want := decimal.New(int64(1000*i+k), -2); !made[n].Equal(want) || made[n].String() != want.String() {
				t.Fatalf("premium %d's decimal %d is %s, want %s: its slot was given out again", i, k, made[n], want)
			}
			n++
		}
	}
}
