package anzexian_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// Assess an enterprise against the bundled rulesets: must it insure, on
// what basis, and what must its policy cover?
func ExampleEngine_Assess() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	fs, err := facts.Decode("elevator.json", []byte(`{
		"name": "湘江电梯维保有限公司",
		"region": "430100",
		"sectors": ["special_equipment.elevator"],
		"employees": 40,
		"risk_level": "moderate"
	}`))
	if err != nil {
		panic(err)
	}
	a, err := eng.Assess(fs[0], anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Coverage.Obligation)
	for _, r := range a.Coverage.Reasons {
		fmt.Printf("%s: %s\n", r.Obligation, r.Cite[0].Text())
	}
	min, _ := a.Coverage.Requirements.Decimal("death_limit_min")
	fmt.Println("death limit at least", min)
	// Output:
	// required
	// encouraged: 《中华人民共和国安全生产法（2021年修正）》第五十一条第二款
	// required: 《湖南省关于规范和加强安全生产责任保险工作的实施意见》二(一)
	// death limit at least 300000
}

// The premium and its worksheet: base, factors, clamp, minimum, rounding.
func ExampleEngine_Assess_premium() {
	eng, _ := anzexian.New()
	fs, _ := facts.Decode("mine.yaml", []byte(`
region: "430100"
sectors: [non_coal_mine.open_pit]
employees: 200
risk_level: major
standardization_level: 1
blacklisted: true
policy: {start: 2026-01-01, end: 2026-12-31, death_limit: 500000}
`))
	a, _ := eng.Assess(fs[0], anzexian.At(facts.MustParseDate("2026-01-01")))
	p := a.Premium
	fmt.Printf("base %s = %s\n", p.Base.Text, p.Base.Amount)
	for _, f := range p.Factors {
		if !f.Delta.IsZero() {
			fmt.Printf("%s %s (%s)\n", f.ID, f.Value, f.Reason)
		}
	}
	fmt.Printf("combined %s, applied %s, amount %s %s\n", p.Combined, p.Applied, p.Amount.StringFixed(2), p.Currency)
	fmt.Println("illustrative:", p.Illustrative)
	// Output:
	// base 每人年基准保费 × 从业人员数 = 57600
	// accident-record -0.1 (上一年度未发生生产安全事故)
	// risk-level 0.15 (重大风险)
	// standardization -0.15 (安全生产标准化一级)
	// blacklist 0.1 (被纳入联合惩戒名单，上调保险费率)
	// combined 1, applied 1, amount 57600.00 CNY
	// illustrative: true
}

// Facts built in Go mean what the same facts read from YAML mean: a field
// left at its zero value is a key left out. Pointers mark the optional
// values (facts.Int, facts.Dec, facts.Bool make them).
func ExampleEngine_Assess_factsInGo() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	f := &facts.Facts{
		Name:      "长沙某危化品仓储公司",
		Region:    "430100",
		Sectors:   []string{"hazardous_chemicals.storage"},
		Employees: facts.Int(80),
		Policy: &facts.Policy{ // insured, with uniform limits: as when the keys are left out
			Start:      facts.MustParseDate("2025-06-01"),
			End:        facts.MustParseDate("2026-05-31"),
			DeathLimit: facts.Dec("400000"),
		},
	}
	a, err := eng.Assess(f, anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Coverage.Obligation)
	for _, fd := range a.Coverage.Findings {
		fmt.Println(fd.ID)
	}
	// Output:
	// mandatory
	// no_prevention_service
	// medical_limit_not_stated
}

// Invalid facts are a *facts.Error: every problem at once, each with its
// field path (and, for a document, its line and column).
func ExampleEngine_Assess_factsError() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	f := &facts.Facts{Region: "430100", Sectors: []string{"hazardous_chemical"}, Employees: facts.Int(-5)}
	_, err = eng.Assess(f, anzexian.At(facts.MustParseDate("2026-01-01")))
	var fe *facts.Error
	if errors.As(err, &fe) {
		for _, d := range fe.Diagnostics {
			fmt.Printf("%s: %s [%s]\n", d.Path, d.Summary, d.Code)
		}
	}
	// Output:
	// sectors[0]: unknown sector code "hazardous_chemical" [facts.unknown_code]
	// employees: employees is out of range: -5 (it must lie between 0 and 2147483647) [facts.range]
}

// Reload swaps the rulesets atomically; if the new ones do not load, the
// previous ones keep serving and the error says why.
func ExampleEngine_Reload() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	broken := diag.File{Name: "edited.yaml", Data: []byte("schema: anzexian/v1\nid: cn/x\n")}
	err = eng.Reload(context.Background(), broken)
	var le *rulesets.LoadError
	fmt.Println("reload failed:", errors.As(err, &le))
	fmt.Println("still serving", len(eng.Registry().Rulesets()), "rulesets")

	files, err := rulesets.ReadFiles(rulesets.Bundled(), "**/*.yaml")
	if err != nil {
		panic(err)
	}
	fmt.Println("reload:", eng.Reload(context.Background(), files...))
	// Output:
	// reload failed: true
	// still serving 8 rulesets
	// reload: <nil>
}

// Quote prices an enterprise without the rest of the assessment.
func ExampleEngine_Quote() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	fs, err := facts.Decode("mine.yaml", []byte(`
region: "430100"
sectors: [non_coal_mine.open_pit]
employees: 200
risk_level: major
`))
	if err != nil {
		panic(err)
	}
	q, err := eng.Quote(fs[0], anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %s × %s = %s %s (illustrative: %v)\n", q.Obligation, q.Premium.Base.Amount, q.Premium.Applied,
		q.Premium.Amount.StringFixed(2), q.Premium.Currency, q.Premium.Illustrative)
	// Output:
	// mandatory: 48000 × 1.05 = 50400.00 CNY (illustrative: true)
}

// Many enterprises, one after another, each answer used before the next is
// asked for: with Reuse, every answer is built in the memory of the one
// before. Copy out what is kept (strings and decimals may be kept as they
// are).
func ExampleReuse() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	fs, err := facts.Decode("book.yaml", []byte(`
region: "430100"
sectors: [hazardous_chemicals.storage]
employees: 30
---
region: "430100"
sectors: [special_equipment.elevator]
employees: 40
`))
	if err != nil {
		panic(err)
	}
	var scratch anzexian.Scratch
	var obligations []string
	for _, f := range fs {
		a, err := eng.Assess(f, anzexian.At(facts.MustParseDate("2026-01-01")), anzexian.Reuse(&scratch))
		if err != nil {
			panic(err)
		}
		obligations = append(obligations, string(a.Coverage.Obligation)) // a string: kept as it is
	}
	fmt.Println(obligations)
	// Output:
	// [mandatory required]
}
