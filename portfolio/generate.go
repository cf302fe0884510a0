package portfolio

import (
	"fmt"
	"iter"
	"math/rand/v2"

	"github.com/anzexian/anzexian/facts"
	"github.com/shopspring/decimal"
)

// Generate returns n enterprises drawn deterministically from seed: a mix of
// regions (Hunan, Yueqing, elsewhere), sectors (high-risk categories,
// Hunan's special equipment, encouraged and other sectors), sizes, policies
// (current, expired, under-insured, low limits), accidents of every grade,
// risk and standardization levels, credit grades, blacklisting, hidden
// dangers and enforcement records. The same seed gives the same portfolio on
// every machine. It feeds the property tests, the benchmarks and the impact
// examples.
func Generate(seed uint64, n int) []*facts.Facts {
	out := make([]*facts.Facts, 0, n)
	for f := range GenerateSeq(seed, n) {
		out = append(out, f)
	}
	return out
}

// GenerateSeq yields the enterprises Generate returns one at a time, for
// portfolios too large to hold in memory.
func GenerateSeq(seed uint64, n int) iter.Seq[*facts.Facts] {
	return func(yield func(*facts.Facts) bool) {
		r := rand.New(rand.NewPCG(seed, 0x616e7a65786961))
		for i := 0; i < n; i++ {
			if !yield(generateOne(r, i)) {
				return
			}
		}
	}
}

type weighted[T any] struct {
	w int
	v T
}

func pickW[T any](r *rand.Rand, xs []weighted[T]) T {
	total := 0
	for _, x := range xs {
		total += x.w
	}
	k := r.IntN(total)
	for _, x := range xs {
		if k < x.w {
			return x.v
		}
		k -= x.w
	}
	return xs[len(xs)-1].v
}

var genRegions = []weighted[string]{
	{30, "430100"}, {8, "430200"}, {6, "430600"}, {4, "431000"}, // Hunan
	{15, "330382"}, // Yueqing
	{6, "330300"}, {8, "320500"}, {8, "440300"}, {6, "510100"}, {5, "110105"}, {4, "120101"},
}

var genSectors = []weighted[string]{
	{4, "coal_mine"}, {4, "non_coal_mine.open_pit"}, {2, "non_coal_mine.underground"}, {1, "non_coal_mine.tailings_pond"},
	{6, "hazardous_chemicals.production"}, {5, "hazardous_chemicals.storage"}, {3, "hazardous_chemicals.trade"}, {3, "hazardous_chemicals.use"},
	{2, "hazardous_chemicals.key_user"}, {1, "hazardous_chemicals.pipeline"},
	{2, "fireworks.production"}, {2, "fireworks.wholesale"}, {2, "fireworks.retail_store"}, {2, "fireworks.retail_counter"},
	{4, "transport.road"}, {2, "transport.water"}, {2, "transport.highway_construction"}, {2, "transport.driver_training"}, {2, "transport.vehicle_repair"},
	{8, "construction.civil"}, {4, "construction.municipal"}, {2, "construction.water_conservancy"},
	{2, "civil_explosives"}, {4, "metal_smelting"}, {2, "fishery"},
	{3, "special_equipment.elevator"}, {2, "special_equipment.boiler"}, {2, "special_equipment.lifting_machinery"},
	{5, "machinery"}, {4, "light_industry"}, {3, "chemical"}, {2, "pharmaceutical"}, {3, "textile"}, {3, "building_materials"},
	{4, "commerce.catering"}, {2, "power"}, {3, "crowded_place.mall"}, {8, "other"},
}

func generateOne(r *rand.Rand, i int) *facts.Facts {
	region := pickW(r, genRegions)
	f := &facts.Facts{
		Name:   fmt.Sprintf("示例企业%06d", i+1),
		Region: region,
		Status: "operating",
	}
	f.Sectors = []string{pickW(r, genSectors)}
	if r.IntN(10) == 0 {
		f.Sectors = append(f.Sectors, pickW(r, genSectors))
	}
	// size: mostly small, a long tail of large enterprises
	emp := 5 + int(r.ExpFloat64()*60)
	if r.IntN(20) == 0 {
		emp += r.IntN(3000)
	}
	f.Employees = &emp
	if r.IntN(4) == 0 {
		f.DispatchedWorkers = r.IntN(emp/4 + 1)
	}
	if r.IntN(25) == 0 {
		f.WorkersWithoutInjuryInsurance = r.IntN(emp/5 + 1)
	}
	rev := decimal.NewFromInt(int64(emp) * int64(150000+r.IntN(600000)))
	f.AnnualRevenue = &rev
	f.RiskLevel = pickW(r, []weighted[string]{{5, "major"}, {20, "high"}, {45, "moderate"}, {30, "low"}})
	f.StandardizationLevel = pickW(r, []weighted[int]{{40, 0}, {10, 1}, {25, 2}, {25, 3}})
	if r.IntN(3) > 0 {
		f.CreditGrade = pickW(r, []weighted[string]{{30, "a"}, {50, "b"}, {15, "c"}, {5, "d"}})
	}
	f.Blacklisted = r.IntN(50) == 0
	if r.IntN(10) < 7 {
		lr := decimal.NewFromInt(int64(r.IntN(150))).Shift(-2)
		f.LossRatio = &lr
	}
	if r.IntN(12) == 0 {
		f.OccupationalHazards = []string{pickW(r, []weighted[string]{{5, "high_dust"}, {3, "high_toxicity"}, {2, "severe_occupational_disease"}})}
	}
	f.Seasonal = r.IntN(40) == 0
	f.UrbanCenter = r.IntN(5) == 0
	// sites that make Yueqing key units
	if r.IntN(15) == 0 {
		kind := pickW(r, []weighted[string]{{2, "ammonia_refrigeration"}, {2, "ship_repair"}, {1, "ship_dismantling"}, {4, "explosive_dust"}, {4, "spray_painting"}, {4, "confined_space"}})
		f.Sites = []facts.Site{{Kind: kind, Workers: 1 + r.IntN(emp)}}
	}
	if r.IntN(20) == 0 {
		f.Park = &facts.Park{Name: "示例工业园", FactoryInFactory: r.IntN(2) == 0}
	}
	if region == "330382" && r.IntN(10) == 0 {
		f.WorkInjuryRank = &facts.WorkInjuryRank{Year: 2021, Rank: 1 + r.IntN(40)}
	}
	// accidents over the last six years
	switch k := r.IntN(100); {
	case k < 80:
	case k < 95:
		f.Accidents = append(f.Accidents, genAccident(r))
	default:
		for j := 0; j < 2+r.IntN(3); j++ {
			f.Accidents = append(f.Accidents, genAccident(r))
		}
	}
	// insurance
	asOf := facts.MustParseDate("2026-01-01")
	switch k := r.IntN(100); {
	case k < 72: // a current policy
		start := asOf.AddDays(-r.IntN(360))
		f.Policy = genPolicy(r, start, emp)
		if r.IntN(3) == 0 {
			f.PolicyHistory = []facts.PolicyPeriod{{Start: start.AddYears(-1), End: start.AddDays(-1 - r.IntN(2)*r.IntN(40))}}
		}
	case k < 82: // expired
		start := asOf.AddDays(-400 - r.IntN(300))
		f.Policy = genPolicy(r, start, emp)
	default: // never insured
		since := asOf.AddDays(-365 * (1 + r.IntN(10)))
		f.OperatingSince = &since
	}
	if r.IntN(30) == 0 {
		f.Hazards.MajorUnrectified = true
		if r.IntN(3) == 0 {
			f.Hazards.RefusedRectification = true
			d := asOf.AddDays(-r.IntN(500))
			f.Hazards.RefusedOn = &d
		}
	}
	if r.IntN(40) == 0 && (f.Policy == nil || f.Policy.End.Before(asOf)) {
		ordered := asOf.AddDays(-30 - r.IntN(200))
		deadline := ordered.AddDays(30)
		fined := ordered
		amount := decimal.NewFromInt(int64(50000 + 10000*r.IntN(6)))
		f.Enforcement = &facts.Enforcement{OrderedOn: &ordered, Deadline: &deadline, FinedOn: &fined, FineAmount: &amount}
	}
	if r.IntN(4) == 0 {
		inc := decimal.NewFromInt(int64(120000 + r.IntN(900000)))
		f.PrincipalIncome = &inc
	}
	if r.IntN(30) == 0 {
		f.OtherSafetyInsurance = []string{pickW(r, []weighted[string]{{3, "employer_liability"}, {2, "group_accident"}, {1, "public_liability"}})}
	}
	// construction projects
	if facts.SectorMatch(f.Sectors[0], "construction") && r.IntN(2) == 0 {
		cv := decimal.NewFromInt(int64(1+r.IntN(200)) * 1000000)
		f.Project = &facts.Project{Name: "示例工程", ContractValue: &cv, HighRiskWorks: r.IntN(4) == 0, Metro: r.IntN(20) == 0}
		if region[:2] == "43" {
			f.Extra = map[string]facts.ExtraValue{"aggregate_limit": {Text: fmt.Sprint(2000000 * (1 + r.IntN(3))), Kind: "scalar", Path: "aggregate_limit"}}
		}
	}
	return f
}

func genAccident(r *rand.Rand) facts.Accident {
	asOf := facts.MustParseDate("2026-01-01")
	a := facts.Accident{Date: asOf.AddDays(-r.IntN(6 * 365)), UnitLiable: r.IntN(3) > 0}
	switch k := r.IntN(100); {
	case k < 70:
		a.SeriousInjuries = r.IntN(4)
		a.Deaths = r.IntN(2)
		a.DirectLoss = decimal.NewFromInt(int64(r.IntN(3000000)))
	case k < 92:
		a.Deaths = 3 + r.IntN(7)
		a.DirectLoss = decimal.NewFromInt(int64(10000000 + r.IntN(30000000)))
	case k < 99:
		a.Deaths = 10 + r.IntN(20)
	default:
		a.Deaths = 30 + r.IntN(10)
		a.EspeciallySerious = r.IntN(2) == 0
	}
	return a
}

func genPolicy(r *rand.Rand, start facts.Date, emp int) *facts.Policy {
	limit := decimal.NewFromInt(int64(pickW(r, []weighted[int]{{25, 300000}, {45, 400000}, {20, 500000}, {10, 600000}})))
	insured := emp
	if r.IntN(8) == 0 {
		insured = emp - r.IntN(emp/3+1)
	}
	p := &facts.Policy{
		Insured: facts.Bool(true), Insurer: "示例财产保险股份有限公司", Start: start, End: start.AddYears(1).AddDays(-1),
		InsuredEmployees: &insured, DeathLimit: &limit, DisabilityLimit: &limit,
		UniformLimits: facts.Bool(r.IntN(30) > 0), PreventionService: r.IntN(5) > 0,
		OccupationalDiseaseCover: r.IntN(4) == 0, PremiumChargedToEmployees: r.IntN(80) == 0,
	}
	if r.IntN(2) == 0 {
		m := decimal.NewFromInt(50000)
		p.MedicalLimit = &m
	}
	return p
}
