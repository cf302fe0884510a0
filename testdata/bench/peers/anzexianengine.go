package peers

import (
	_ "embed"
	"fmt"
	"time"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
)

// The anzexian engine: the whole workload (rate table with the unknown →
// other fallback, accident window, six factors first-match, multiply,
// clamp, minimum, half-up rounding) is the ruleset rules/rating.anzexian.yaml,
// loaded alone with rulesets.LoadFiles, so its stack has no coverage,
// penalty or consequence rules. Go only maps the harness Enterprise onto
// facts.Facts (reusing one Facts per goroutine) and the answer's
// worksheet back onto a Result.

//go:embed rules/rating.anzexian.yaml
var anzexianRuleset []byte

// anzexianRegion is any valid region: the ruleset is national (region "").
const anzexianRegion = "110000"

// industrySector maps the harness industry onto the library's sector codes.
// The rate class (and the unknown → other fallback) is decided by the
// ruleset's industry let, not here; an industry that has no sector code at
// all is given the sector "other".
var industrySector = map[string][]string{
	"coal_mining":         {"coal_mine"},
	"non_coal_mining":     {"non_coal_mine"},
	"hazardous_chemicals": {"hazardous_chemicals"},
	"fireworks":           {"fireworks"},
	"metal_smelting":      {"metal_smelting"},
	"construction":        {"construction"},
	"transport":           {"transport"},
	"other":               {"other"},
	"textiles":            {"textile"},
}

// creditCode maps the harness grades onto the ruleset's credit_grade codes
// (codes are lowercase in the library).
func creditCode(g string) string {
	switch g {
	case "A":
		return "a"
	case "B":
		return "b"
	case "C":
		return "c"
	case "D":
		return "d"
	}
	return ""
}

// anzexianFacts is the per-goroutine facts buffer.
type anzexianFacts struct {
	f         facts.Facts
	employees int
	accidents []facts.Accident
	year      int
	asOf      facts.Date
}

// fill maps e onto the library's facts and returns them with the as-of
// date (rating_year-01-01; an accident of year Y is dated Y-07-01).
func (b *anzexianFacts) fill(e *Enterprise) (*facts.Facts, facts.Date) {
	if e.RatingYear != b.year {
		b.year, b.asOf = e.RatingYear, facts.NewDate(e.RatingYear, time.January, 1)
	}
	sectors, ok := industrySector[e.Industry]
	if !ok {
		sectors = industrySector["other"]
	}
	b.accidents = b.accidents[:0]
	for _, a := range e.Accidents {
		b.accidents = append(b.accidents, facts.Accident{Date: facts.NewDate(a.Year, time.July, 1),
			Deaths: a.Deaths, SeriousInjuries: a.SeriousInjuries})
	}
	b.employees = e.Employees
	b.f = facts.Facts{
		Name:                 e.Name,
		Region:               anzexianRegion,
		Sectors:              sectors,
		Employees:            &b.employees,
		AnnualRevenue:        &e.AnnualRevenue,
		Accidents:            b.accidents,
		StandardizationLevel: e.StandardizationLevel,
		CreditGrade:          creditCode(e.CreditGrade),
		Blacklisted:          e.Blacklisted,
		Hazards:              facts.Hazards{RefusedRectification: e.RefusedRectification},
		LossRatio:            &e.LossRatio3y,
	}
	if len(b.accidents) == 0 {
		b.f.Accidents = nil
	}
	return &b.f, b.asOf
}

// anzexianResult turns the worksheet into a Result: the cases that applied
// (a factor's default is "no match") in factor order, and the amount.
func anzexianResult(p *rating.Premium) Result {
	n := 0
	for i := range p.Factors {
		if p.Factors[i].Case != "default" {
			n++
		}
	}
	ids := make([]string, 0, n)
	for i := range p.Factors {
		if c := p.Factors[i].Case; c != "default" {
			ids = append(ids, c)
		}
	}
	return Result{Premium: p.Amount.StringFixed(2), Factors: ids}
}

func loadAnzexian() (*rulesets.Registry, error) {
	return rulesets.LoadFiles(diag.File{Name: "rules/rating.anzexian.yaml", Data: anzexianRuleset})
}

// NewAnzexian is the library's public entry point: Engine.Assess, the full
// answer (facts validation, stack lookup, coverage, premium worksheet,
// penalties, consequences), of which the quote reads the premium.
func NewAnzexian() (Engine, error) {
	reg, err := loadAnzexian()
	if err != nil {
		return Engine{Name: "anzexian"}, err
	}
	eng := anzexian.NewWithRegistry(reg)
	return Engine{
		Name:  "anzexian",
		Note:  "anzexian Engine.Assess on a registry holding only the peer rating ruleset (full answer; premium read from it)",
		Exact: true,
		NewQuoter: func() Quoter {
			var b anzexianFacts
			return QuoterFunc(func(e *Enterprise) (Result, error) {
				f, asOf := b.fill(e)
				a, err := eng.Assess(f, anzexian.At(asOf))
				if err != nil {
					return Result{}, err
				}
				if a.Premium == nil {
					return Result{}, fmt.Errorf("no premium: %v", a.PremiumIncomplete)
				}
				return anzexianResult(a.Premium), nil
			})
		},
	}, nil
}

// NewAnzexianRating is the rating-only call of the public API:
// Engine.Quote, the premium with its worksheet without coverage reasons,
// requirements, findings or penalties.
func NewAnzexianRating() (Engine, error) {
	reg, err := loadAnzexian()
	if err != nil {
		return Engine{Name: "anzexian_rating"}, err
	}
	eng := anzexian.NewWithRegistry(reg)
	return Engine{
		Name:  "anzexian_rating",
		Note:  "anzexian Engine.Quote (the rating-only call: facts validation, stack lookup, premium worksheet)",
		Exact: true,
		NewQuoter: func() Quoter {
			var b anzexianFacts
			return QuoterFunc(func(e *Enterprise) (Result, error) {
				f, asOf := b.fill(e)
				q, err := eng.Quote(f, anzexian.At(asOf))
				if err != nil {
					return Result{}, err
				}
				if q.Premium == nil {
					return Result{}, fmt.Errorf("no premium: %v", q.PremiumIncomplete)
				}
				return anzexianResult(q.Premium), nil
			})
		},
	}, nil
}
