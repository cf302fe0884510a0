package anzexian_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
)

// Representative enterprises of each bundled jurisdiction.
var benchEnterprises = []struct{ name, doc string }{
	{"hunan-hazchem", ""}, // examples/enterprises/hunan-hazchem-storage.yaml
	{"yueqing-key-unit", `
region: "330382"
sectors: [machinery]
employees: 85
risk_level: high
standardization_level: 3
credit_grade: b
sites: [{kind: confined_space, workers: 12}]
accidents: [{date: 2023-03-01, deaths: 1, unit_liable: true}]
policy: {start: 2025-06-01, end: 2026-05-31, insured_employees: 12, death_limit: 400000}
`},
	{"national-construction", `
region: "440300"
sectors: [construction.civil]
employees: 300
risk_level: high
standardization_level: 2
loss_ratio: 0.45
policy: {start: 2025-09-01, end: 2026-08-31, insured_employees: 300, death_limit: 500000}
`},
	{"hunan-construction-project", `
region: "430100"
sectors: [construction.municipal]
employees: 150
risk_level: moderate
project: {contract_value: 42000000, high_risk_works: true, metro: true}
aggregate_limit: 4000000
policy: {start: 2025-09-01, end: 2026-08-31, death_limit: 500000}
`},
	{"never-insured-with-accidents", `
region: "430100"
sectors: [hazardous_chemicals.production]
employees: 80
risk_level: major
operating_since: 2016-03-01
principal_income: 400000
accidents:
  - {date: 2019-06-01, deaths: 1, unit_liable: true}
  - {date: 2025-06-01, deaths: 3, unit_liable: true}
enforcement: {ordered_on: 2025-11-01, deadline: 2025-11-30, fined_on: 2025-11-01, fine_amount: 60000}
`},
}

func benchFacts(b *testing.B, doc string) *facts.Facts {
	b.Helper()
	data := []byte(doc)
	if doc == "" {
		var err error
		data, err = os.ReadFile("examples/enterprises/hunan-hazchem-storage.yaml")
		if err != nil {
			b.Fatal(err)
		}
	}
	fs, err := facts.Decode("bench.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	return fs[0]
}

// BenchmarkAssess is the full answer (coverage, premium, penalties,
// consequences) for one enterprise, trace off and on.
func BenchmarkAssess(b *testing.B) {
	eng, err := anzexian.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range benchEnterprises {
		f := benchFacts(b, e.doc)
		// trace off and on, and off in a Scratch as batch assesses: each
		// answer in the memory of the last
		for _, v := range []struct {
			name string
			opts []anzexian.Option
		}{
			{"trace=off", nil},
			{"trace=on", []anzexian.Option{anzexian.WithTrace()}},
			{"reuse", []anzexian.Option{anzexian.Reuse(new(anzexian.Scratch))}},
		} {
			opts := append([]anzexian.Option{anzexian.At(asOf2026)}, v.opts...)
			b.Run(e.name+"/"+v.name, func(b *testing.B) {
				b.ReportAllocs()
				c := startCPU()
				for b.Loop() {
					if _, err := eng.Assess(f, opts...); err != nil {
						b.Fatal(err)
					}
				}
				c.report(b)
			})
		}
		if e.name == "hunan-hazchem" {
			// The hand-written reference gives the same Assessment
			// (TestReferenceAssessAgrees).
			ref := newRefStack(eng.Registry())
			b.Run(e.name+"/reference", func(b *testing.B) {
				b.ReportAllocs()
				c := startCPU()
				for b.Loop() {
					if _, ok := ref.assess(f, asOf2026); !ok {
						b.Fatal("the reference does not cover it")
					}
				}
				c.report(b)
			})
		}
	}
}

// BenchmarkAssessMix assesses, in turn, every generated Hunan
// hazardous-chemicals enterprise the reference covers (about 1,500 of 20,000
// drawn: all kinds of policies, accident records, enforcement), with the
// engine and with the hand-written reference.
func BenchmarkAssessMix(b *testing.B) {
	eng, err := anzexian.New()
	if err != nil {
		b.Fatal(err)
	}
	var fs []*facts.Facts
	for _, f := range portfolio.Generate(11, 20000) {
		if refCovers(f, asOf2026) {
			fs = append(fs, f)
		}
	}
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		c := startCPU()
		for b.Loop() {
			if _, err := eng.Assess(fs[i%len(fs)], anzexian.At(asOf2026)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		c.report(b)
	})
	ref := newRefStack(eng.Registry())
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		c := startCPU()
		for b.Loop() {
			if _, ok := ref.assess(fs[i%len(fs)], asOf2026); !ok {
				b.Fatal("the reference does not cover it")
			}
			i++
		}
		c.report(b)
	})
}

// BenchmarkAssessParallel shares one Engine across goroutines.
func BenchmarkAssessParallel(b *testing.B) {
	eng, err := anzexian.New()
	if err != nil {
		b.Fatal(err)
	}
	f := benchFacts(b, "")
	b.ReportAllocs()
	c := startCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := eng.Assess(f, anzexian.At(asOf2026)); err != nil {
				b.Fatal(err)
			}
		}
	})
	c.report(b)
}

// BenchmarkAssessParallelReference is the hand-written reference on every
// core, for comparison with BenchmarkAssessParallel.
func BenchmarkAssessParallelReference(b *testing.B) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		b.Fatal(err)
	}
	ref := newRefStack(reg)
	f := benchFacts(b, "")
	b.ReportAllocs()
	c := startCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := ref.assess(f, asOf2026); !ok {
				b.Fatal("the reference does not cover it")
			}
		}
	})
	c.report(b)
}

// BenchmarkPremium compares the engine's rating pipeline alone (binding the
// facts, then the premium with its worksheet) with the hand-written
// references, on the Hunan hazardous-chemicals enterprise: the amount
// alone, and the same worksheet.
func BenchmarkPremium(b *testing.B) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		b.Fatal(err)
	}
	f := benchFacts(b, "")
	st, err := reg.Stack(f.Region, asOf2026, "")
	if err != nil {
		b.Fatal(err)
	}
	want, _ := refPremiumAmount(f, asOf2026)
	b.Run("engine", func(b *testing.B) {
		ev := lang.NewEval()
		b.ReportAllocs()
		c := startCPU()
		for b.Loop() {
			if err := st.Bind(ev, f, asOf2026, ""); err != nil {
				b.Fatal(err)
			}
			p, _, err := rating.Evaluate(st, ev, rating.Options{})
			if err != nil || !p.Amount.Equal(want) {
				b.Fatalf("premium %v, %v; want %s", p, err, want)
			}
		}
		c.report(b)
	})
	b.Run("engine-room", func(b *testing.B) {
		// the same, each premium made where the one before was
		ev := lang.NewEval()
		var room rating.Room
		b.ReportAllocs()
		c := startCPU()
		for b.Loop() {
			if err := st.Bind(ev, f, asOf2026, ""); err != nil {
				b.Fatal(err)
			}
			p, _, err := rating.Evaluate(st, ev, rating.Options{Room: &room})
			if err != nil || !p.Amount.Equal(want) {
				b.Fatalf("premium %v, %v; want %s", p, err, want)
			}
		}
		c.report(b)
	})
	b.Run("reference", func(b *testing.B) {
		// the amount alone, as an engineer would compute it
		b.ReportAllocs()
		c := startCPU()
		for b.Loop() {
			if p, ok := refPremiumAmount(f, asOf2026); !ok || !p.Equal(want) {
				b.Fatal("reference disagrees")
			}
		}
		c.report(b)
	})
	b.Run("reference-worksheet", func(b *testing.B) {
		// the same worksheet the engine returns, written by hand
		b.ReportAllocs()
		c := startCPU()
		for b.Loop() {
			if p, inc := refPremiumWorksheet(f, asOf2026, rulesets.ObligationMandatory); inc != nil || !p.Amount.Equal(want) {
				b.Fatal("reference disagrees")
			}
		}
		c.report(b)
	})
}

// BenchmarkCoverage is the coverage answer alone.
func BenchmarkCoverage(b *testing.B) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		b.Fatal(err)
	}
	f := benchFacts(b, "")
	st, err := reg.Stack(f.Region, asOf2026, "")
	if err != nil {
		b.Fatal(err)
	}
	ev := lang.NewEval()
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		if err := st.Bind(ev, f, asOf2026, ""); err != nil {
			b.Fatal(err)
		}
		coverage.Evaluate(st, ev, coverage.Options{})
	}
	c.report(b)
}

// BenchmarkLoadBundled loads, validates and compiles every bundled ruleset.
func BenchmarkLoadBundled(b *testing.B) {
	files, err := rulesets.ReadFiles(rulesets.Bundled())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		if _, err := rulesets.LoadFiles(files...); err != nil {
			b.Fatal(err)
		}
	}
	c.report(b)
}

// BenchmarkAssessmentJSON encodes the Hunan hazardous-chemicals answer as
// one compact JSON object: through encoding/json (json.Marshal, which calls
// Assessment.MarshalJSON and then checks and compacts its output), and with
// AppendJSON into a reused buffer, as a batch writer would.
func BenchmarkAssessmentJSON(b *testing.B) {
	eng, err := anzexian.New()
	if err != nil {
		b.Fatal(err)
	}
	a, err := eng.Assess(benchFacts(b, ""), anzexian.At(asOf2026))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		c := startCPU()
		for b.Loop() {
			if _, err := json.Marshal(a); err != nil {
				b.Fatal(err)
			}
		}
		c.report(b)
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		c := startCPU()
		for b.Loop() {
			buf = a.AppendJSON(buf[:0])
		}
		c.report(b)
	})
}
