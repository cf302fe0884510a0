package rulesets

import (
	"fmt"
	"sort"
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
)

// Lint checks rulesets beyond what loading requires: every stack a
// ruleset takes part in (on every date its layers change) must build, and
// rules should cite their basis, lets and declared facts should be used,
// conditions should not repeat and factor cases should be reachable. files
// limits the report to rulesets loaded from those files; nil means all.
func Lint(reg *Registry, files []string) diag.Diagnostics {
	in := func(rs *Ruleset) bool {
		if len(files) == 0 {
			return true
		}
		for _, f := range files {
			if f == rs.File {
				return true
			}
		}
		return false
	}
	var diags diag.Diagnostics
	for _, w := range reg.Warnings() {
		if len(files) == 0 || contains(files, w.Subject.File) {
			diags = append(diags, w)
		}
	}
	// Every region a loaded ruleset names, to build the stacks in which a
	// national or provincial ruleset sits below local ones.
	regions := map[string]bool{}
	for _, rs := range reg.rulesets {
		regions[rs.Region] = true
	}
	// The stacks the rulesets take part in, built in order of region and
	// date: a stack problem is reported once, in the first stack that has
	// it (the earliest date), however many stacks share it.
	type stackKey struct {
		region  string
		date    facts.Date
		insurer string
	}
	seenStack := map[stackKey]bool{}
	var stacks []stackKey
	for _, rs := range reg.rulesets {
		if !in(rs) {
			continue
		}
		diags = append(diags, lintRuleset(reg, rs)...)
		for region := range regions {
			if !strings.HasPrefix(region, rs.Region) {
				continue
			}
			for _, d := range reg.Boundaries(region, rs.Insurer) {
				k := stackKey{region, d, rs.Insurer}
				if !rs.Effective.Contains(d) || seenStack[k] {
					continue
				}
				seenStack[k] = true
				stacks = append(stacks, k)
			}
		}
	}
	sort.Slice(stacks, func(i, j int) bool {
		a, b := stacks[i], stacks[j]
		if a.region != b.region {
			return a.region < b.region
		}
		if a.insurer != b.insurer {
			return a.insurer < b.insurer
		}
		return a.date.Before(b.date)
	})
	seenDiag := map[string]bool{}
	for _, k := range stacks {
		st, err := reg.Stack(k.region, k.date, k.insurer)
		var found diag.Diagnostics
		if se, ok := err.(*StackError); ok {
			found = se.Diagnostics
		} else if err == nil {
			found = lintStack(st)
		}
		for _, x := range found {
			key := x.Code + "\x00" + x.Subject.String() + "\x00" + x.Summary
			if seenDiag[key] {
				continue
			}
			seenDiag[key] = true
			c := *x
			c.Summary = fmt.Sprintf("in the stack for region %q on %s: %s", k.region, k.date, x.Summary)
			diags = append(diags, &c)
		}
	}
	diags.Sort()
	fillSources(diags, reg.files)
	return diags
}

func lintRuleset(reg *Registry, rs *Ruleset) diag.Diagnostics {
	var ds diag.Diagnostics
	warn := func(at diag.Range, code, hint, format string, args ...any) {
		ds = append(ds, &diag.Diagnostic{Severity: diag.SeverityWarning, Code: code, Subject: at, Hint: hint, Summary: fmt.Sprintf(format, args...)})
	}
	if len(rs.Region) == 6 && strings.HasSuffix(rs.Region, "00") {
		at := rs.regionAt
		if !at.Start.IsValid() {
			at = rs.At
		}
		warn(at, "lint.region_prefix", fmt.Sprintf("write region: %q to cover the whole city or province", strings.TrimRight(rs.Region, "0")),
			"region %q applies only to enterprises registered at exactly that code, not to its districts (%s01, %s02 …)", rs.Region, rs.Region[:4], rs.Region[:4])
	}
	noCite := func(kind, id string, cites []*Cite, at diag.Range) {
		if len(cites) == 0 {
			warn(at, "lint.no_cite", "add cite: {source: <key>, article: <article>}", "%s %s cites no source", kind, id)
		}
	}
	for _, r := range rs.Coverage {
		noCite("coverage rule", r.ID, r.Cite, r.At)
	}
	for _, r := range rs.Requirements {
		noCite("requirement", r.ID, r.Cite, r.At)
	}
	for _, r := range rs.Findings {
		noCite("finding", r.ID, r.Cite, r.At)
	}
	for _, r := range rs.Consequences {
		noCite("consequence", r.ID, r.Cite, r.At)
	}
	for _, p := range rs.Penalties {
		noCite("penalty", p.ID, p.Cite, p.At)
	}
	if rt := rs.Rating; rt != nil {
		for _, f := range rt.Factors {
			if len(f.Cite) == 0 {
				all := true
				for _, c := range f.Cases {
					if len(c.Cite) == 0 {
						all = false
					}
				}
				if !all {
					warn(f.At, "lint.no_cite", "cite the document the factor rests on", "factor %s cites no source", f.ID)
				}
			}
			lintCases(f, warn)
		}
		for _, t := range rt.Tables {
			noCite("table", t.ID, t.Cite, t.At)
		}
		lintSources(rs, warn)
	}
	// duplicate conditions among coverage rules of one ruleset
	seen := map[string]*CoverageRule{}
	for _, r := range rs.Coverage {
		if r.When == nil {
			continue
		}
		k := normalize(r.When.Src) + "|" + string(r.Obligation)
		if prev, ok := seen[k]; ok {
			warn(r.At, "lint.duplicate_condition", "merge the rules or make the conditions differ", "coverage rule %s repeats the condition and obligation of %s", r.ID, prev.ID)
		}
		seen[k] = r
	}
	// unused lets and declared facts: a name is used if this ruleset or one
	// that can stack above it reads it
	used := map[string]bool{}
	mark := func(e *lang.Expr) {
		for _, n := range e.Refs() {
			used[n] = true
		}
	}
	rs.eachExpr(mark)
	for _, up := range reg.rulesets {
		if canStackBelow(rs, up) {
			up.eachExpr(mark)
		}
	}
	for _, l := range rs.Lets {
		if !used[l.Name] {
			warn(l.At, "lint.unused_let", "remove it, or use it in a rule", "let %s is not used by this ruleset or any that stacks above it", l.Name)
		}
	}
	for _, f := range rs.Facts {
		if !used[f.Name] {
			warn(f.At, "lint.unused_fact", "remove the declaration, or use the fact in a rule", "declared fact %s is not used by this ruleset or any that stacks above it", f.Name)
		}
	}
	lintCost(rs, warn)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Subject.Start.Line < ds[j].Subject.Start.Line })
	return ds
}

func lintCases(f *Factor, warn func(diag.Range, string, string, string, ...any)) {
	conds := map[string]string{}
	for i, c := range f.Cases {
		if c.When == nil {
			continue
		}
		k := normalize(c.When.Src)
		if prev, ok := conds[k]; ok {
			warn(c.At, "lint.duplicate_condition", "merge the cases", "case %s of factor %s repeats the condition of case %s", caseName(c, i), f.ID, prev)
		}
		conds[k] = caseName(c, i)
		if f.Pick == "first" {
			if v, ok := c.When.Const(); ok && v == true && i+1 < len(f.Cases) {
				warn(f.Cases[i+1].At, "lint.unreachable", "with pick: first, cases after an always-true case never apply", "case %s of factor %s can never apply", caseName(f.Cases[i+1], i+1), f.ID)
			}
		}
	}
}

func caseName(c *Case, i int) string {
	if c.ID != "" {
		return c.ID
	}
	return fmt.Sprintf("#%d", i+1)
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// lintSources warns about numbers that no citation backs and that are not
// marked illustrative: a rate, a factor value, a loading, a clamp, a
// minimum or a cap must come from a document, or say that it does not, so
// that every output built on it can say so.
func lintSources(rs *Ruleset, warn func(diag.Range, string, string, string, ...any)) {
	const code = "lint.unsourced_number"
	const hint = "cite the document that gives the number, or mark it illustrative: true if none does"
	backed := func(cites []*Cite, p Provenance) bool { return len(cites) > 0 || p.Illustrative }
	rt := rs.Rating
	tables := map[*Table]bool{}
	for _, t := range rt.Tables {
		tables[t] = backed(t.Cite, t.Provenance)
		if !tables[t] {
			warn(t.At, code, hint, "the rates of table %s have no source and are not marked illustrative", t.ID)
		}
	}
	for _, b := range rt.Bases {
		if backed(b.Cite, b.Provenance) || b.Table != nil && (tables[b.Table] || backed(b.Table.Cite, b.Table.Provenance)) {
			continue
		}
		warn(b.At, code, hint, "base %s computes a premium from numbers with no source, not marked illustrative", b.ID)
	}
	for _, b := range rt.Bases {
		for _, l := range b.Loadings {
			if !backed(l.Cite, l.Provenance) && !backed(b.Cite, b.Provenance) {
				warn(l.At, code, hint, "loading %s (%s) has no source and is not marked illustrative", l.ID, l.Add)
			}
		}
	}
	for _, f := range rt.Factors {
		if backed(f.Cite, f.Provenance) {
			continue
		}
		cases := f.Cases
		if f.Default != nil {
			cases = append(cases[:len(cases):len(cases)], f.Default)
		}
		for i, c := range cases {
			if c.Value == nil || backed(c.Cite, c.Provenance) {
				continue
			}
			name := caseName(c, i)
			if c == f.Default {
				name = "default"
			}
			warn(c.At, code, hint, "the value of case %s of factor %s has no source and is not marked illustrative", name, f.ID)
		}
	}
	if c := rt.Clamp; c != nil && !backed(c.Cite, c.Provenance) {
		warn(c.At, code, hint, "the clamp [%s, %s] has no source and is not marked illustrative", c.Min, c.Max)
	}
	if m := rt.Minimum; m != nil && !backed(m.Cite, m.Provenance) {
		warn(m.At, code, hint, "the minimum premium has no source and is not marked illustrative")
	}
	if c := rt.PreventionCap; c != nil && len(c.Cite) == 0 {
		warn(c.At, code, "cite the document that sets the cap", "the prevention budget cap %s has no source", c.Share)
	}
}

// lintStack reports what a stack's rating programs leave open: sectors no
// program prices, and scoped layers of the same rank whose scopes admit one
// enterprise of a single sector, so that only their ids order them.
func lintStack(st *Stack) diag.Diagnostics {
	if len(st.RatingScopes) == 0 {
		return nil
	}
	var ds diag.Diagnostics
	var unpriced []string
	for _, c := range st.Vocabulary("sectors") {
		if !pricesSector(st, c.Code) {
			unpriced = append(unpriced, c.Code)
		}
	}
	if len(unpriced) > 0 {
		s := st.RatingScopes[0]
		ds = append(ds, &diag.Diagnostic{Severity: diag.SeverityWarning, Code: "lint.unpriced_sector", Subject: s.At,
			Summary: fmt.Sprintf("no rating program prices an enterprise of %s: every base that could apply to one is scoped to other enterprises", condenseSectors(unpriced, st.Vocabulary("sectors"))),
			Hint:    "give those sectors a base (an unscoped one prices everyone the scoped ones do not), or stack the scheme over a baseline that has one"})
	}
	var scoped []*Ruleset
	for _, rs := range st.Layers {
		if rs.Rating != nil && rs.Rating.Scope != nil {
			scoped = append(scoped, rs)
		}
	}
	all := func(*Scope) bool { return true }
	for i, a := range scoped {
		for _, b := range scoped[i+1:] {
			sa, sb := a.Rating.Scope, b.Rating.Scope
			if !sameRank(a, b) || sa.When != nil || sb.When != nil || !sectorsOverlap(sa.Sectors, sb.Sectors) {
				continue
			}
			both := common(provides(a.Rating, all), provides(b.Rating, all))
			if len(both) == 0 {
				continue
			}
			ds = append(ds, &diag.Diagnostic{Severity: diag.SeverityWarning, Code: "lint.scope_overlap", Subject: sb.At,
				Summary: fmt.Sprintf("the scopes of %s and %s admit the same enterprises, and both set the %s: only their ids order them (%s prevails)",
					a.Key(), b.Key(), strings.Join(both, ", "), b.Key()),
				Hint: "make the scopes disjoint (different sectors, or a condition), or merge the two schemes into one ruleset whose bases are ordered"})
		}
	}
	return ds
}

// pricesSector reports whether every rating program an enterprise of the
// sector alone can fall in has a base.
func pricesSector(st *Stack, sector string) bool {
	for m, prog := range st.RatingPrograms {
		consistent := true
		for i, s := range st.RatingScopes {
			in := m&(1<<i) != 0
			fits := len(s.Sectors) == 0 || inSectors([]string{sector}, s.Sectors)
			if (in && !fits) || (!in && fits && s.When == nil) {
				consistent = false
				break
			}
		}
		if consistent && len(prog.Bases) == 0 {
			return false
		}
	}
	return true
}

// condenseSectors lists codes, writing a parent code for all its children
// when every one of them is listed.
func condenseSectors(codes []string, vocab facts.Vocabulary) string {
	in := map[string]bool{}
	for _, c := range codes {
		in[c] = true
	}
	whole := func(parent string) bool { // the parent and all its children are listed
		if !in[parent] {
			return false
		}
		for _, v := range vocab {
			if strings.HasPrefix(v.Code, parent+".") && !in[v.Code] {
				return false
			}
		}
		return true
	}
	var out []string
	for _, c := range codes {
		if i := strings.IndexByte(c, '.'); i >= 0 && whole(c[:i]) {
			continue // the parent stands for it
		}
		out = append(out, c)
	}
	if len(out) > 12 {
		return strings.Join(out[:12], ", ") + fmt.Sprintf(" and %d more sectors", len(out)-12)
	}
	return strings.Join(out, ", ")
}
