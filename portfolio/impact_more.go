package portfolio

import (
	"cmp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/regions"
	"github.com/anzexian/anzexian/rulesets"
)

// Breakdown counts the enterprises and their premiums by one grouping: by
// province, by city (prefecture), by sector family (the first part of a
// sector code: an enterprise in two families counts in both) or by the
// obligation after the edit.
type Breakdown struct {
	By   string         `json:"by"` // province, city, sector_family, obligation
	Rows []BreakdownRow `json:"rows"`
}

// BreakdownRow is one group of a breakdown.
type BreakdownRow struct {
	Key   string `json:"key"`   // 43, 4301, hazardous_chemicals, mandatory
	Label string `json:"label"` // 湖南省, 湖南省长沙市, 危险化学品, 应当投保（…）
	// Enterprises in the group; Changed those whose obligation, premium or
	// penalties differ; ObligationChanged, Increased and Decreased split
	// them.
	Enterprises       int `json:"enterprises"`
	Changed           int `json:"changed"`
	ObligationChanged int `json:"obligation_changed"`
	Increased         int `json:"increased"`
	Decreased         int `json:"decreased"`
	// Premium totals of the group's enterprises priced under both stacks.
	PremiumBefore decimal.Decimal `json:"premium_before"`
	PremiumAfter  decimal.Decimal `json:"premium_after"`
}

// ChangedEnterprise is one enterprise whose answer the edit changed: what it
// is, and what changed — obligation, premium (with the worksheet steps that
// moved it), penalties.
type ChangedEnterprise struct {
	Line       int                 `json:"line"`
	Enterprise string              `json:"enterprise,omitempty"`
	Region     string              `json:"region"`
	RegionName string              `json:"region_name,omitempty"`
	Sectors    []string            `json:"sectors"`
	Before     rulesets.Obligation `json:"obligation_before"`
	After      rulesets.Obligation `json:"obligation_after"`
	// PremiumBefore and PremiumAfter are nil where that stack gives no
	// premium; Change and Percent are set when both do.
	PremiumBefore *decimal.Decimal `json:"premium_before,omitempty"`
	PremiumAfter  *decimal.Decimal `json:"premium_after,omitempty"`
	Change        *decimal.Decimal `json:"change,omitempty"`
	Percent       *decimal.Decimal `json:"percent,omitempty"`
	MovedBy       []Move           `json:"moved_by,omitempty"`
	// Penalties that appear, vanish or change their fine, by title.
	PenaltiesNew      []string `json:"penalties_new,omitempty"`
	PenaltiesVanished []string `json:"penalties_vanished,omitempty"`
	PenaltiesChanged  []string `json:"penalties_changed,omitempty"`
}

// DefaultKeepChanged is how many changed enterprises an ImpactReport lists
// when ImpactOptions.KeepChanged is 0; [ImpactOptions.ChangedTo] receives
// them all.
const DefaultKeepChanged = 100_000

// changedOf describes what changed for one enterprise.
func changedOf(line int, f *facts.Facts, a, b *anzexian.Assessment) ChangedEnterprise {
	c := ChangedEnterprise{Line: line, Enterprise: a.Enterprise, Region: a.Region, RegionName: regions.Label(a.Region),
		Sectors: slices.Clone(f.Sectors), Before: a.Coverage.Obligation, After: b.Coverage.Obligation}
	if a.Premium != nil {
		v := a.Premium.Amount
		c.PremiumBefore = &v
	}
	if b.Premium != nil {
		v := b.Premium.Amount
		c.PremiumAfter = &v
	}
	if a.Premium != nil && b.Premium != nil {
		d := b.Premium.Amount.Sub(a.Premium.Amount)
		c.Change = &d
		if a.Premium.Amount.Sign() != 0 {
			p := d.Mul(hundred).DivRound(a.Premium.Amount, 2)
			c.Percent = &p
		}
		if d.Sign() != 0 {
			c.MovedBy = worksheetMoves(a, b)
		}
	}
	ma, mb := penaltyMap(a), penaltyMap(b)
	titles := map[penKey]string{}
	for k := range a.Penalties {
		p := &a.Penalties[k]
		titles[penKey{p.Violation, p.Target}] = p.Title
	}
	for k := range b.Penalties {
		p := &b.Penalties[k]
		titles[penKey{p.Violation, p.Target}] = p.Title
	}
	for k, vb := range mb {
		if va, ok := ma[k]; !ok {
			c.PenaltiesNew = append(c.PenaltiesNew, titles[k])
		} else if va != vb {
			c.PenaltiesChanged = append(c.PenaltiesChanged, titles[k])
		}
	}
	for k := range ma {
		if _, ok := mb[k]; !ok {
			c.PenaltiesVanished = append(c.PenaltiesVanished, titles[k])
		}
	}
	for _, l := range [][]string{c.PenaltiesNew, c.PenaltiesChanged, c.PenaltiesVanished} {
		slices.Sort(l)
	}
	return c
}

// breakdowns accumulates the four breakdowns.
type breakdowns struct {
	groups [4]map[string]*BreakdownRow
}

var breakdownNames = [4]string{"province", "city", "sector_family", "obligation"}

func newBreakdowns() *breakdowns {
	b := &breakdowns{}
	for i := range b.groups {
		b.groups[i] = map[string]*BreakdownRow{}
	}
	return b
}

func (b *breakdowns) add(f *facts.Facts, a, c *anzexian.Assessment, changed bool) {
	province, city := f.Region, f.Region
	if len(province) >= 2 {
		province = province[:2]
	}
	if len(city) >= 4 {
		city = city[:4]
	}
	families := map[string]bool{}
	for _, s := range f.Sectors {
		fam, _, _ := strings.Cut(s, ".")
		families[fam] = true
	}
	keys := [4][]string{{province}, {city}, slices.Sorted(mapsKeys(families)), {string(c.Coverage.Obligation)}}
	for i, ks := range keys {
		for _, k := range ks {
			r := b.groups[i][k]
			if r == nil {
				r = &BreakdownRow{Key: k, Label: breakdownLabel(i, k), PremiumBefore: decimal.Zero, PremiumAfter: decimal.Zero}
				b.groups[i][k] = r
			}
			r.Enterprises++
			if !changed {
				continue
			}
			r.Changed++
			if a.Coverage.Obligation != c.Coverage.Obligation {
				r.ObligationChanged++
			}
			if a.Premium != nil && c.Premium != nil {
				switch c.Premium.Amount.Cmp(a.Premium.Amount) {
				case 1:
					r.Increased++
				case -1:
					r.Decreased++
				}
			}
		}
		if a.Premium != nil && c.Premium != nil {
			for _, k := range ks {
				r := b.groups[i][k]
				r.PremiumBefore = r.PremiumBefore.Add(a.Premium.Amount)
				r.PremiumAfter = r.PremiumAfter.Add(c.Premium.Amount)
			}
		}
	}
}

func mapsKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func breakdownLabel(i int, k string) string {
	switch i {
	case 0:
		if n := regions.ProvinceName(k); n != "" {
			return n
		}
	case 1:
		if n := regions.PrefectureName(k); n != "" {
			return n
		}
	case 2:
		if l := facts.Sectors.Label(k); l != k {
			return l
		}
	case 3:
		return facts.Obligations.Label(k)
	}
	return k
}

// finish lists the groups: most changed first, then most enterprises.
func (b *breakdowns) finish() []Breakdown {
	out := make([]Breakdown, len(b.groups))
	for i, g := range b.groups {
		rows := make([]BreakdownRow, 0, len(g))
		for _, r := range g {
			rows = append(rows, *r)
		}
		slices.SortFunc(rows, func(x, y BreakdownRow) int {
			if i == 3 {
				return cmp.Compare(levelIndex(rulesets.Obligation(x.Key)), levelIndex(rulesets.Obligation(y.Key)))
			}
			return cmp.Or(-cmp.Compare(x.Changed, y.Changed), -cmp.Compare(x.Enterprises, y.Enterprises), cmp.Compare(x.Key, y.Key))
		})
		out[i] = Breakdown{By: breakdownNames[i], Rows: rows}
	}
	return out
}
