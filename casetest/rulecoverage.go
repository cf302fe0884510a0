package casetest

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/rulesets"
)

// CoverageReport says which parts of the rulesets a set of cases exercised:
// every coverage, requirement, finding, consequence and reference rule,
// every base, loading and factor case (default included), every band of
// every banded table dimension, every penalty rule and discretion tier —
// by rule and by the article each cites.
type CoverageReport struct {
	Rulesets []RulesetCoverage `json:"rulesets"`
	Items    int               `json:"items"`
	Covered  int               `json:"covered"`
	Articles int               `json:"articles"`
	// ArticlesCovered counts the articles cited by at least one exercised
	// item.
	ArticlesCovered int `json:"articles_covered"`
}

// Percent is the share of items exercised, 0–100.
func (r *CoverageReport) Percent() float64 {
	if r.Items == 0 {
		return 100
	}
	return 100 * float64(r.Covered) / float64(r.Items)
}

// RulesetCoverage is the coverage of one ruleset.
type RulesetCoverage struct {
	Ruleset   string         `json:"ruleset"`
	Items     []CoverageItem `json:"items"`
	Covered   int            `json:"covered"`
	Articles  []ArticleCover `json:"articles"`
	Uncovered []string       `json:"uncovered,omitempty"`
}

// CoverageItem is one exercisable part of a ruleset.
type CoverageItem struct {
	// Ref names it: "id@version#rule", "…#factor/case", "…#table/dim/band",
	// "…#rule/tier:id".
	Ref  string `json:"ref"`
	Kind string `json:"kind"`
	// Cases counts the cases that exercised it.
	Cases    int      `json:"cases"`
	Articles []string `json:"articles,omitempty"`
}

// ArticleCover is an article cited by a ruleset, and whether an exercised
// item cites it.
type ArticleCover struct {
	Article string   `json:"article"`
	Covered bool     `json:"covered"`
	By      []string `json:"items,omitempty"`
}

// coverItems lists the exercisable items of a ruleset with the articles
// each cites.
func coverItems(rs *rulesets.Ruleset) []CoverageItem {
	var out []CoverageItem
	arts := func(cs []*rulesets.Cite) []string {
		var a []string
		for _, c := range cs {
			a = append(a, articleKey(c))
		}
		return a
	}
	add := func(ref, kind string, cs []*rulesets.Cite) {
		out = append(out, CoverageItem{Ref: ref, Kind: kind, Articles: arts(cs)})
	}
	for _, r := range rs.Coverage {
		add(r.Ref(), "coverage", r.Cite)
	}
	for _, r := range rs.Requirements {
		add(r.Ref(), "requirement", r.Cite)
	}
	for _, r := range rs.Findings {
		add(r.Ref(), "finding", r.Cite)
	}
	for _, r := range rs.Consequences {
		add(r.Ref(), "consequence", r.Cite)
	}
	for _, r := range rs.References {
		add(r.Ref(), "reference", r.Cite)
	}
	for _, p := range rs.Penalties {
		add(p.Ref(), "penalty", p.Cite)
		for _, t := range p.Tiers {
			add(p.Ref()+"/tier:"+t.ID, "tier", p.Cite)
		}
	}
	if rt := rs.Rating; rt != nil {
		for _, b := range rt.Bases {
			add(b.Ref(), "base", b.Cite)
			for _, l := range b.Loadings {
				add(l.Ref(), "loading", l.Cite)
			}
		}
		for _, f := range rt.Factors {
			for _, c := range f.Cases {
				add(c.Ref, "factor case", append(append([]*rulesets.Cite(nil), f.Cite...), c.Cite...))
			}
			if f.Default != nil {
				add(f.Default.Ref, "factor case", append(append([]*rulesets.Cite(nil), f.Cite...), f.Default.Cite...))
			}
		}
		for _, t := range rt.Tables {
			for _, d := range t.Dims {
				for _, b := range d.Bands {
					add(rs.Key()+"#"+t.ID+"/"+d.Name+"/"+b.ID, "band", t.Cite)
				}
			}
		}
	}
	return out
}

func articleKey(c *rulesets.Cite) string {
	a := c.Article
	if a == "" {
		a = "（全文）"
	}
	return "《" + c.Source.Title + "》" + a
}

// exercised returns the items an answer exercised.
func exercised(a *anzexian.Assessment) map[string]bool {
	got := map[string]bool{}
	if c := a.Coverage; c != nil {
		for _, r := range c.Reasons {
			got[r.Rule] = true
		}
		for _, it := range c.Requirements.Items {
			for _, b := range it.Basis {
				got[b.Rule] = true
			}
		}
		for _, f := range c.Findings {
			for _, r := range f.Rules {
				got[r] = true
			}
		}
	}
	for _, k := range a.Consequences {
		got[k.Rule] = true
	}
	for _, r := range a.References {
		got[r.Rule] = true
	}
	if p := a.Premium; p != nil {
		got[p.Base.Rule] = true
		for _, l := range p.Base.Loadings {
			got[l.Rule] = true
		}
		if t := p.Base.Table; t != nil {
			for _, k := range t.Keys {
				if k.BandID != "" {
					got[t.Ref+"/"+k.Dim+"/"+k.BandID] = true
				}
			}
		}
		for k := range p.Factors {
			f := &p.Factors[k]
			got[f.Rule+"/"+f.Case] = true
		}
	}
	for k := range a.Penalties {
		p := &a.Penalties[k]
		for _, r := range p.Rules {
			got[r] = true
		}
		if p.Tier != nil {
			got[p.Tier.Rule+"/tier:"+p.Tier.ID] = true
		}
	}
	return got
}

// MeasureCoverage measures which items of rs the answers exercised.
func MeasureCoverage(rs []*rulesets.Ruleset, answers []*anzexian.Assessment) *CoverageReport {
	counts := map[string]int{}
	for _, a := range answers {
		if a == nil {
			continue
		}
		for k := range exercised(a) {
			counts[k]++
		}
	}
	rep := &CoverageReport{}
	for _, r := range rs {
		rc := RulesetCoverage{Ruleset: r.Key()}
		arts := map[string][]string{}
		var order []string
		for _, it := range coverItems(r) {
			it.Cases = counts[it.Ref]
			if it.Cases > 0 {
				rc.Covered++
			} else {
				rc.Uncovered = append(rc.Uncovered, it.Ref)
			}
			for _, a := range it.Articles {
				if _, ok := arts[a]; !ok {
					order = append(order, a)
					arts[a] = nil
				}
				if it.Cases > 0 {
					arts[a] = append(arts[a], it.Ref)
				}
			}
			rc.Items = append(rc.Items, it)
		}
		for _, a := range order {
			rc.Articles = append(rc.Articles, ArticleCover{Article: a, Covered: len(arts[a]) > 0, By: arts[a]})
			rep.Articles++
			if len(arts[a]) > 0 {
				rep.ArticlesCovered++
			}
		}
		rep.Items += len(rc.Items)
		rep.Covered += rc.Covered
		rep.Rulesets = append(rep.Rulesets, rc)
	}
	sort.SliceStable(rep.Rulesets, func(i, j int) bool { return rep.Rulesets[i].Ruleset < rep.Rulesets[j].Ruleset })
	return rep
}

// WriteText prints the report: a line per ruleset, then what no case
// exercised, by item and by article.
func (r *CoverageReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "rule coverage: %d/%d items (%.1f%%), %d/%d articles\n", r.Covered, r.Items, r.Percent(), r.ArticlesCovered, r.Articles)
	for _, rc := range r.Rulesets {
		ac := 0
		for _, a := range rc.Articles {
			if a.Covered {
				ac++
			}
		}
		pct := 100.0
		if len(rc.Items) > 0 {
			pct = 100 * float64(rc.Covered) / float64(len(rc.Items))
		}
		fmt.Fprintf(&b, "  %-42s %4d/%-4d items %6.1f%%   %3d/%-3d articles\n", rc.Ruleset, rc.Covered, len(rc.Items), pct, ac, len(rc.Articles))
		for _, u := range rc.Uncovered {
			fmt.Fprintf(&b, "      not exercised: %s\n", u)
		}
		for _, a := range rc.Articles {
			if !a.Covered {
				fmt.Fprintf(&b, "      article not exercised: %s\n", a.Article)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Only returns the report restricted to the rulesets named by ids ("id" or
// "id@version"), its totals recomputed: the coverage of an analyst's
// rulesets under test, without the bundled rulesets their stacks also
// used. It fails when an id names none of the report's rulesets.
func (r *CoverageReport) Only(ids ...string) (*CoverageReport, error) {
	if len(ids) == 0 {
		return r, nil
	}
	out := &CoverageReport{}
	for _, id := range ids {
		found := false
		for _, rc := range r.Rulesets {
			if rc.Ruleset != id && !strings.HasPrefix(rc.Ruleset, id+"@") {
				continue
			}
			found = true
			dup := false
			for _, x := range out.Rulesets {
				dup = dup || x.Ruleset == rc.Ruleset
			}
			if dup {
				continue
			}
			out.Rulesets = append(out.Rulesets, rc)
			out.Items += len(rc.Items)
			out.Covered += rc.Covered
			for _, a := range rc.Articles {
				out.Articles++
				if a.Covered {
					out.ArticlesCovered++
				}
			}
		}
		if !found {
			var have []string
			for _, rc := range r.Rulesets {
				have = append(have, rc.Ruleset)
			}
			return nil, fmt.Errorf("ruleset %s is not among the rulesets the cases could exercise (%s)", id, strings.Join(have, ", "))
		}
	}
	sort.SliceStable(out.Rulesets, func(i, j int) bool { return out.Rulesets[i].Ruleset < out.Rulesets[j].Ruleset })
	return out, nil
}
