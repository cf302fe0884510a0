package anzexian_test

import (
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// The hand-written reference: the premium of the national baseline (and no
// local rating layer), computed directly in Go for the stack of a Hunan
// enterprise without a construction project on the as-of date. It is what
// an engineer would write without a rules engine, and the benchmarks
// compare the engine with it. A test checks the two agree.

var (
	d1        = decimal.NewFromInt(1)
	refMin    = decimal.NewFromInt(300)
	refClampL = decimal.RequireFromString("0.70")
	refClampH = decimal.RequireFromString("1.30")
	refCap5   = decimal.RequireFromString("0.05")
	refCap15  = decimal.RequireFromString("0.15")
	refLimits = []decimal.Decimal{decimal.NewFromInt(300000), decimal.NewFromInt(400000), decimal.NewFromInt(500000)}
	// per-person base premium by class (1–4) and death-limit band
	refTable = [4][4]decimal.Decimal{
		{decimal.NewFromInt(192), decimal.NewFromInt(240), decimal.NewFromInt(288), decimal.NewFromInt(336)},
		{decimal.NewFromInt(120), decimal.NewFromInt(150), decimal.NewFromInt(180), decimal.NewFromInt(210)},
		{decimal.NewFromInt(72), decimal.NewFromInt(90), decimal.NewFromInt(108), decimal.NewFromInt(126)},
		{decimal.NewFromInt(40), decimal.NewFromInt(50), decimal.NewFromInt(60), decimal.NewFromInt(70)},
	}
	refPct = func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	p30    = refPct("0.30")
	p20    = refPct("0.20")
	p15    = refPct("0.15")
	p10    = refPct("0.10")
	p05    = refPct("0.05")
	m05    = refPct("-0.05")
	m10    = refPct("-0.10")
	m15    = refPct("-0.15")
	lr30   = refPct("0.30")
	lr70   = refPct("0.70")
	date25 = rulesets.MustParseDate("2025-03-29")
)

func refAny(f *rulesets.Facts, prefixes ...string) bool {
	for _, s := range f.Sectors {
		for _, p := range prefixes {
			if rulesets.SectorMatch(s, p) {
				return true
			}
		}
	}
	return false
}

// refPremium returns the premium, or false if the facts do not allow it.
func refPremium(f *rulesets.Facts, asOf rulesets.Date) (decimal.Decimal, bool) {
	if f.Employees == nil || f.RiskLevel == "" {
		return decimal.Decimal{}, false
	}
	class := 3
	switch {
	case refAny(f, "coal_mine", "non_coal_mine", "hazardous_chemicals", "fireworks", "civil_explosives", "metal_smelting"):
		class = 0
	case refAny(f, "construction", "transport", "fishery"):
		class = 1
	case refAny(f, "special_equipment", "metallurgy", "nonferrous", "chemical", "building_materials", "power", "crowded_place"):
		class = 2
	}
	limit := refLimits[0]
	if !asOf.Before(date25) {
		limit = refLimits[1]
	}
	if f.Policy != nil && f.Policy.DeathLimit != nil {
		limit = *f.Policy.DeathLimit
	}
	band := 3
	for i, l := range refLimits {
		if limit.Cmp(l) <= 0 {
			band = i
			break
		}
	}
	base := refTable[class][band].Mul(decimal.NewFromInt(int64(*f.Employees)))

	// accidents of the last year (after as-of minus one year, up to as-of)
	from := asOf.AddYears(-1)
	worst, n := 0, 0
	for i := range f.Accidents {
		a := &f.Accidents[i]
		if a.Date.After(from) && !a.Date.After(asOf) {
			n++
			if g := int(a.Grade()); g > worst {
				worst = g
			}
		}
	}
	sum := m10
	switch {
	case worst >= 3:
		sum = p30
	case worst == 2:
		sum = p20
	case worst == 1:
		sum = p10
	}
	if n >= 2 {
		c := refCap5.Mul(decimal.NewFromInt(int64(n - 1)))
		if c.GreaterThan(refCap15) {
			c = refCap15
		}
		sum = sum.Add(c)
	}
	switch f.RiskLevel {
	case "major":
		sum = sum.Add(p15)
	case "high":
		sum = sum.Add(p05)
	case "low":
		sum = sum.Add(m05)
	}
	switch f.StandardizationLevel {
	case 1:
		sum = sum.Add(m15)
	case 2:
		sum = sum.Add(m10)
	case 3:
		sum = sum.Add(m05)
	}
	h := f.Hazards
	if h.RefusedRectification && (h.RefusedOn == nil || h.RefusedOn.After(asOf.AddYears(-1))) {
		sum = sum.Add(p20)
	} else if h.MajorUnrectified {
		sum = sum.Add(p10)
	}
	switch f.CreditGrade {
	case "a":
		sum = sum.Add(m05)
	case "c":
		sum = sum.Add(p10)
	case "d":
		sum = sum.Add(p20)
	}
	if f.Blacklisted {
		sum = sum.Add(p10)
	}
	if lr := f.LossRatio; lr != nil {
		switch {
		case lr.LessThan(lr30):
			sum = sum.Add(m05)
		case lr.LessThan(lr70):
		case lr.LessThan(d1):
			sum = sum.Add(p10)
		default:
			sum = sum.Add(p20)
		}
	}
	adj := d1.Add(sum)
	if adj.LessThan(refClampL) {
		adj = refClampL
	} else if adj.GreaterThan(refClampH) {
		adj = refClampH
	}
	p := base.Mul(adj)
	if p.LessThan(refMin) {
		p = refMin
	}
	return p.Round(2), true
}

// The engine and the hand-written reference agree on every generated Hunan
// enterprise without a construction project.
func TestReferenceAgrees(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range anzexian.Generate(3, 4000) {
		if f.Region[:2] != "43" || f.Project != nil {
			continue
		}
		a, err := eng.Assess(f, anzexian.At(asOf2026))
		if err != nil {
			t.Fatal(err)
		}
		want, ok := refPremium(f, asOf2026)
		if !ok || a.Premium == nil {
			if ok != (a.Premium != nil) {
				t.Errorf("%s: reference computed=%v, engine computed=%v", f.Name, ok, a.Premium != nil)
			}
			continue
		}
		n++
		if !want.Equal(a.Premium.Amount) {
			t.Errorf("%s %v: reference %s, engine %s", f.Name, f.Sectors, want, a.Premium.Amount)
		}
	}
	if n < 500 {
		t.Errorf("only %d enterprises compared", n)
	}
}
