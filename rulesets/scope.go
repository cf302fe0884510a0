package rulesets

import (
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"gopkg.in/yaml.v3"
)

// Scope admits the enterprises a rating item applies to: those with a
// sector equal to or under one of Sectors (when any are given) for which
// When holds (when given). It is the one scoping mechanism of rating: a
// whole layer (a line of business's rate book) or one base, factor,
// removal, clamp or minimum premium declares it the same way, so that a
// province's coal-mine scheme replaces the national baseline for coal
// mines only and every other enterprise keeps the baseline.
type Scope struct {
	Sectors []string
	When    *lang.Expr
	// What names what the scope limits: "" for a whole rating layer,
	// otherwise the item ("base per-person", "factor risk-level",
	// "remove accident-count", "clamp", "minimum").
	What    string
	At      diag.Range
	Ruleset *Ruleset
	// sectorNodes is the sectors: list, for checking its codes at load.
	sectorNodes *yaml.Node
}

// Ref names the scope: "id@version#scope" for a layer's, "id@version#scope:
// factor x" for an item's.
func (s *Scope) Ref() string {
	if s.What == "" {
		return s.Ruleset.Key() + "#scope"
	}
	return s.Ruleset.Key() + "#scope: " + s.What
}

// Text says in words whom the scope admits.
func (s *Scope) Text() string {
	var parts []string
	if len(s.Sectors) > 0 {
		parts = append(parts, "行业 "+strings.Join(s.Sectors, "、"))
	}
	if s.When != nil {
		parts = append(parts, "条件 "+s.When.Src)
	}
	return strings.Join(parts, "；")
}

// Admits reports whether the enterprise ev evaluates is in the scope. It
// fails when the condition needs a fact that is not given.
func (s *Scope) Admits(ev *lang.Eval) (bool, error) {
	if len(s.Sectors) > 0 && !inSectors(ev.Facts().Sectors, s.Sectors) {
		return false, nil
	}
	if s.When == nil {
		return true, nil
	}
	return s.When.Bool(ev)
}

func inSectors(have, prefixes []string) bool {
	for _, h := range have {
		for _, p := range prefixes {
			if facts.SectorMatch(h, p) {
				return true
			}
		}
	}
	return false
}

// sectorsOverlap reports whether one sector code can lie in both lists
// (one is equal to or under the other); an empty list admits every sector.
func sectorsOverlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if facts.SectorMatch(x, y) || facts.SectorMatch(y, x) {
				return true
			}
		}
	}
	return false
}

// Removal is one entry of a rating layer's remove: list: a lower layer's
// factor, its clamp or its minimum premium, removed for the enterprises the
// removal's scope (and the layer's) admits.
type Removal struct {
	// Factor is the id of the factor removed; empty when the removal is of
	// the clamp or the minimum premium.
	Factor  string
	Clamp   bool
	Minimum bool
	Scope   *Scope
	Cite    []*Cite
	Note    string
	At      diag.Range
	Ruleset *Ruleset
	path    string
}

// What names what is removed: "factor x", "clamp" or "minimum premium".
func (m *Removal) What() string {
	switch {
	case m.Clamp:
		return "clamp"
	case m.Minimum:
		return "minimum premium"
	}
	return "factor " + m.Factor
}

// RequiredFact is a fact a rating layer declares required for a quote.
type RequiredFact struct {
	// Name is the fact's path as written (risk_level, policy.death_limit).
	Name    string
	Expr    *lang.Expr
	At      diag.Range
	Ruleset *Ruleset
}
