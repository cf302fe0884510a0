package anzexian_test

import (
	"os"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// The peer workload: one insurance quote — an eight-industry base table,
// six factor groups of first-match cases, multiplied, clamped to
// [0.70, 1.50], a minimum premium of 1000, half-up to the cent — rated by
// the engine from testdata/peer/rating.yaml and by hand-written Go with
// shopspring/decimal, as an engineer without a rules engine would write
// it: constants parsed once, the factor ids returned. BenchmarkPeer keeps
// the ratio measured on every change; the same job is run against other
// engines by the project's peer harness (BENCHMARKS.md).

// peerEnterprise is one quote's input.
type peerEnterprise struct {
	name                 string
	year                 int
	sectors              []string
	employees            int
	accidents            []peerAccident // year, deaths, serious injuries
	standardization      int
	credit               string // a, b, c, d or ""
	blacklisted, refused bool
	lossRatio            decimal.Decimal
	want                 string // the premium, to the cent
}

type peerAccident struct{ year, deaths, serious int }

var peerDec = decimal.RequireFromString

// peerFixtures are worked out by hand: every industry, every factor, both
// clamps, the minimum premium, the accident window's edges, the loss
// ratio's boundaries, a premium that rounds down and an exact half cent.
var peerFixtures = []peerEnterprise{
	// 96000 × (0.90 × 0.90 × 0.95); the 2019 death is outside the window
	{"chem-120", 2026, []string{"hazardous_chemicals"}, 120, []peerAccident{{2019, 1, 0}}, 2, "a", false, false, peerDec("0.45"), "73872.00"},
	// 420000 × (1.30 × 1.10 × 1.30 × 1.20 × 1.15 → clamp 1.50)
	{"coal-350", 2026, []string{"coal_mine"}, 350, []peerAccident{{2024, 1, 0}, {2025, 0, 2}}, 0, "c", true, true, peerDec("0.85"), "630000.00"},
	// 600 × (0.6904125 → clamp 0.70) = 420 → minimum 1000
	{"other-2", 2026, []string{"other"}, 2, nil, 1, "a", false, false, peerDec("0.10"), "1000.00"},
	// 34200 × 1.0925; a loss ratio of exactly 0.70 is neither high nor low
	{"construction-57", 2026, []string{"construction"}, 57, []peerAccident{{2025, 0, 1}}, 3, "b", false, false, peerDec("0.70"), "37363.50"},
	// 45000 × 1.224; a minor accident in 2023 is no accident factor; 0.30 boundary
	{"fireworks-45", 2026, []string{"fireworks"}, 45, []peerAccident{{2023, 0, 0}}, 1, "d", false, true, peerDec("0.30"), "55080.00"},
	// 499500 × 1.3455; 2022 and 2026 accidents are outside the window
	{"transport-999", 2026, []string{"transport"}, 999, []peerAccident{{2022, 2, 0}, {2026, 0, 1}}, 0, "b", true, false, peerDec("0.71"), "672077.25"},
	// 23100 × 0.9340875 = 21577.42125, rounds down
	{"smelting-33", 2026, []string{"metal_smelting"}, 33, []peerAccident{{2024, 0, 3}}, 2, "a", false, false, peerDec("0.29"), "21577.42"},
	// 69300 × 0.935
	{"noncoal-77", 2026, []string{"non_coal_mine"}, 77, []peerAccident{{2025, 0, 0}}, 1, "c", false, false, peerDec("0.55"), "64795.50"},
	// a sector outside the rated classes rates as other: 3900 × 1.1799
	{"textiles-13", 2026, []string{"textile"}, 13, nil, 3, "d", false, false, peerDec("0.90"), "4601.61"},
	// an exact half cent: 27900 × 1.42025 = 39624.975 → 39624.98
	{"noncoal-31-halfcent", 2026, []string{"non_coal_mine"}, 31, []peerAccident{{2024, 0, 0}}, 0, "a", true, false, peerDec("0.80"), "39624.98"},
}

// peerFacts are the fixtures as facts, and their as-of dates.
func peerFacts() ([]*facts.Facts, []facts.Date) {
	fs := make([]*facts.Facts, len(peerFixtures))
	dates := make([]facts.Date, len(peerFixtures))
	for i, e := range peerFixtures {
		f := &facts.Facts{Name: e.name, Region: "110000", Sectors: e.sectors, Employees: facts.Int(e.employees),
			StandardizationLevel: e.standardization, CreditGrade: e.credit, Blacklisted: e.blacklisted,
			Hazards: facts.Hazards{RefusedRectification: e.refused}, LossRatio: &peerFixtures[i].lossRatio}
		for _, a := range e.accidents {
			f.Accidents = append(f.Accidents, facts.Accident{Date: facts.NewDate(a.year, time.July, 1), Deaths: a.deaths, SeriousInjuries: a.serious})
		}
		fs[i], dates[i] = f, facts.NewDate(e.year, time.January, 1)
	}
	return fs, dates
}

// peerEngine is the engine over the peer ruleset alone.
func peerEngine(tb testing.TB) *anzexian.Engine {
	data, err := os.ReadFile("testdata/peer/rating.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	reg, err := rulesets.LoadFiles(diag.File{Name: "testdata/peer/rating.yaml", Data: data})
	if err != nil {
		tb.Fatal(err)
	}
	return anzexian.NewWithRegistry(reg)
}

// peerRef is the hand-written reference.
type peerRef struct {
	rates                 map[string]decimal.Decimal
	other                 decimal.Decimal
	lo, hi, minimum       decimal.Decimal
	lrHigh, lrLow         decimal.Decimal
	one                   decimal.Decimal
	accident              [3]decimal.Decimal // death, serious, free
	std                   [4]decimal.Decimal // by level; [0] unused
	creditA, creditC, cD  decimal.Decimal
	blacklist, refused    decimal.Decimal
	lossHigh, lossLow     decimal.Decimal
	idAccident            [3]string
	idStd                 [4]string
	idCreditA, idC, idD   string
	idBlack, idRefused    string
	idLossHigh, idLossLow string
}

func newPeerRef() *peerRef {
	r := &peerRef{rates: map[string]decimal.Decimal{}, one: decimal.NewFromInt(1)}
	for k, v := range map[string]int64{"coal_mine": 1200, "non_coal_mine": 900, "hazardous_chemicals": 800, "fireworks": 1000,
		"metal_smelting": 700, "construction": 600, "transport": 500} {
		r.rates[k] = decimal.NewFromInt(v)
	}
	r.other = decimal.NewFromInt(300)
	r.lo, r.hi, r.minimum = peerDec("0.70"), peerDec("1.50"), peerDec("1000")
	r.lrHigh, r.lrLow = peerDec("0.70"), peerDec("0.30")
	r.accident = [3]decimal.Decimal{peerDec("1.30"), peerDec("1.15"), peerDec("0.90")}
	r.std = [4]decimal.Decimal{{}, peerDec("0.85"), peerDec("0.90"), peerDec("0.95")}
	r.creditA, r.creditC, r.cD = peerDec("0.95"), peerDec("1.10"), peerDec("1.20")
	r.blacklist, r.refused = peerDec("1.30"), peerDec("1.20")
	r.lossHigh, r.lossLow = peerDec("1.15"), peerDec("0.95")
	r.idAccident = [3]string{"accident_death", "accident_serious_injury", "accident_free_3y"}
	r.idStd = [4]string{"", "standardization_l1", "standardization_l2", "standardization_l3"}
	r.idCreditA, r.idC, r.idD = "credit_a", "credit_c", "credit_d"
	r.idBlack, r.idRefused = "blacklisted", "refused_rectification"
	r.idLossHigh, r.idLossLow = "loss_ratio_high", "loss_ratio_low"
	return r
}

// quote rates one enterprise: the premium to the cent and the ids of the
// factors that applied.
func (r *peerRef) quote(e *peerEnterprise) (string, []string) {
	ids := make([]string, 0, 6)
	f := r.one
	n, deaths, serious := 0, 0, 0
	for _, a := range e.accidents {
		if a.year >= e.year-3 && a.year < e.year {
			n, deaths, serious = n+1, deaths+a.deaths, serious+a.serious
		}
	}
	switch {
	case deaths > 0:
		f, ids = f.Mul(r.accident[0]), append(ids, r.idAccident[0])
	case serious > 0:
		f, ids = f.Mul(r.accident[1]), append(ids, r.idAccident[1])
	case n == 0:
		f, ids = f.Mul(r.accident[2]), append(ids, r.idAccident[2])
	}
	if l := e.standardization; l >= 1 && l <= 3 {
		f, ids = f.Mul(r.std[l]), append(ids, r.idStd[l])
	}
	switch e.credit {
	case "a":
		f, ids = f.Mul(r.creditA), append(ids, r.idCreditA)
	case "c":
		f, ids = f.Mul(r.creditC), append(ids, r.idC)
	case "d":
		f, ids = f.Mul(r.cD), append(ids, r.idD)
	}
	if e.blacklisted {
		f, ids = f.Mul(r.blacklist), append(ids, r.idBlack)
	}
	if e.refused {
		f, ids = f.Mul(r.refused), append(ids, r.idRefused)
	}
	switch {
	case e.lossRatio.GreaterThan(r.lrHigh):
		f, ids = f.Mul(r.lossHigh), append(ids, r.idLossHigh)
	case e.lossRatio.LessThan(r.lrLow):
		f, ids = f.Mul(r.lossLow), append(ids, r.idLossLow)
	}
	if f.LessThan(r.lo) {
		f = r.lo
	} else if f.GreaterThan(r.hi) {
		f = r.hi
	}
	rate, ok := r.rates[e.sectors[0]]
	if !ok {
		rate = r.other
	}
	p := rate.Mul(decimal.NewFromInt(int64(e.employees))).Mul(f).Round(2)
	if p.LessThan(r.minimum) {
		p = r.minimum
	}
	return p.StringFixed(2), ids
}

// The engine, Assess and Quote, and the reference agree on every fixture,
// to the cent and in the factors that applied.
func TestPeerWorkloadAgrees(t *testing.T) {
	eng, ref := peerEngine(t), newPeerRef()
	fs, dates := peerFacts()
	for i := range peerFixtures {
		e := &peerFixtures[i]
		want, wantIDs := ref.quote(e)
		if want != e.want {
			t.Fatalf("%s: the reference gives %s, worked out by hand %s", e.name, want, e.want)
		}
		q, err := eng.Quote(fs[i], anzexian.At(dates[i]))
		if err != nil || q.Premium == nil {
			t.Fatalf("%s: Quote: %v %v", e.name, err, q)
		}
		a, err := eng.Assess(fs[i], anzexian.At(dates[i]))
		if err != nil || a.Premium == nil {
			t.Fatalf("%s: Assess: %v", e.name, err)
		}
		var ids []string
		for _, f := range q.Premium.Factors {
			if f.Case != "default" {
				ids = append(ids, f.Case)
			}
		}
		if got := q.Premium.Amount.StringFixed(2); got != want || a.Premium.Amount.StringFixed(2) != want {
			t.Errorf("%s: Quote %s, Assess %s, want %s", e.name, got, a.Premium.Amount.StringFixed(2), want)
		}
		if len(ids) != len(wantIDs) {
			t.Errorf("%s: factors %v, want %v", e.name, ids, wantIDs)
			continue
		}
		for k := range ids {
			if ids[k] != wantIDs[k] {
				t.Errorf("%s: factors %v, want %v", e.name, ids, wantIDs)
				break
			}
		}
	}
}

// BenchmarkPeer rates the fixtures in turn: the hand-written reference,
// Engine.Quote (the premium with its worksheet) and Engine.Assess (the
// whole answer on a stack that has only rating rules), each afresh and in
// a Scratch (Reuse).
func BenchmarkPeer(b *testing.B) {
	fs, dates := peerFacts()
	b.Run("reference", func(b *testing.B) {
		ref := newPeerRef()
		b.ReportAllocs()
		c := startCPU()
		for i := 0; b.Loop(); i++ {
			ref.quote(&peerFixtures[i%len(peerFixtures)])
		}
		c.report(b)
	})
	eng := peerEngine(b)
	b.Run("quote", func(b *testing.B) {
		b.ReportAllocs()
		c := startCPU()
		for i := 0; b.Loop(); i++ {
			k := i % len(fs)
			if _, err := eng.Quote(fs[k], anzexian.At(dates[k])); err != nil {
				b.Fatal(err)
			}
		}
		c.report(b)
	})
	b.Run("quote-reuse", func(b *testing.B) {
		var s anzexian.Scratch
		b.ReportAllocs()
		c := startCPU()
		for i := 0; b.Loop(); i++ {
			k := i % len(fs)
			if _, err := eng.Quote(fs[k], anzexian.At(dates[k]), anzexian.Reuse(&s)); err != nil {
				b.Fatal(err)
			}
		}
		c.report(b)
	})
	b.Run("assess", func(b *testing.B) {
		b.ReportAllocs()
		c := startCPU()
		for i := 0; b.Loop(); i++ {
			k := i % len(fs)
			if _, err := eng.Assess(fs[k], anzexian.At(dates[k])); err != nil {
				b.Fatal(err)
			}
		}
		c.report(b)
	})
	// the same, each answer built where the one before was (Reuse): a
	// service that is done with each quote before it rates the next
	b.Run("assess-reuse", func(b *testing.B) {
		var s anzexian.Scratch
		b.ReportAllocs()
		c := startCPU()
		for i := 0; b.Loop(); i++ {
			k := i % len(fs)
			if _, err := eng.Assess(fs[k], anzexian.At(dates[k]), anzexian.Reuse(&s)); err != nil {
				b.Fatal(err)
			}
		}
		c.report(b)
	})
}
