package rulesets

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/anzexian/anzexian/internal/yamlx"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"gopkg.in/yaml.v3"
)

// LoadError reports problems in rulesets: every problem found, each at its
// file:line:column with a snippet and a hint. Test for it with errors.As.
type LoadError struct {
	Diagnostics diag.Diagnostics
}

func (e *LoadError) Error() string { return "rulesets: " + e.Diagnostics.Error() }

// Unwrap returns the diagnostics, so errors.As can reach a *Diagnostic.
func (e *LoadError) Unwrap() []error {
	out := make([]error, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		out[i] = d
	}
	return out
}

// Load reads the ruleset files of fsys that match the patterns (path.Match
// syntax; "**/*.yaml" matches at any depth), validates them and compiles
// every expression, and returns a Registry. All problems are reported at
// once in a *LoadError; warnings are kept in [Registry.Warnings].
func Load(fsys fs.FS, patterns ...string) (*Registry, error) {
	files, err := ReadFiles(fsys, patterns...)
	if err != nil {
		return nil, err
	}
	return LoadFiles(files...)
}

// ReadFiles reads the files of fsys that match the patterns, in name order.
func ReadFiles(fsys fs.FS, patterns ...string) ([]diag.File, error) {
	if len(patterns) == 0 {
		patterns = []string{"**/*.yaml"}
	}
	seen := map[string]bool{}
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		for _, pat := range patterns {
			if matchPattern(pat, p) && !seen[p] {
				seen[p] = true
				names = append(names, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var files []diag.File
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		files = append(files, diag.File{Name: n, Data: data})
	}
	return files, nil
}

// matchPattern matches name against pat (path.Match syntax); a leading
// "**/" matches any number of directories.
func matchPattern(pat, name string) bool {
	if rest, ok := strings.CutPrefix(pat, "**/"); ok {
		for suffix := name; ; {
			if ok, _ := path.Match(rest, suffix); ok {
				return true
			}
			i := strings.IndexByte(suffix, '/')
			if i < 0 {
				return false
			}
			suffix = suffix[i+1:]
		}
	}
	ok, _ := path.Match(pat, name)
	return ok
}

// LoadFiles is Load for files given by content.
func LoadFiles(files ...diag.File) (*Registry, error) {
	var diags diag.Diagnostics
	var all []*Ruleset
	for _, f := range files {
		rs, ds := parseFile(f.Name, f.Data)
		diags = append(diags, ds...)
		all = append(all, rs...)
	}
	reg := &Registry{files: files}
	diags = append(diags, reg.build(all)...)
	diags.Sort()
	diags = yamlx.CapErrors(diags, "ruleset")
	fillSources(diags, files)
	reg.warnings = diags.Warnings()
	if diags.HasErrors() {
		return nil, &LoadError{diags}
	}
	return reg, nil
}

// With returns a new registry holding r's rulesets plus the given files. A
// file's ruleset replaces every ruleset of r with the same id whose
// effective period overlaps its own (an edited version of a document); r is
// unchanged.
func (r *Registry) With(files ...diag.File) (*Registry, error) {
	var add []*Ruleset
	var diags diag.Diagnostics
	for _, f := range files {
		rs, ds := parseFile(f.Name, f.Data)
		diags = append(diags, ds...)
		add = append(add, rs...)
	}
	replaced := map[string]bool{}
	for _, old := range r.rulesets {
		for _, n := range add {
			if old.ID == n.ID && overlaps(old.Effective, n.Effective) {
				replaced[old.File+"\x00"+old.Key()] = true
			}
		}
	}
	// Re-parse the kept files so the new registry owns its own compiled
	// rulesets, then drop the replaced documents.
	var kept []*Ruleset
	for _, f := range r.files {
		rs, _ := parseFile(f.Name, f.Data)
		for _, x := range rs {
			if !replaced[x.File+"\x00"+x.Key()] {
				kept = append(kept, x)
			}
		}
	}
	reg := &Registry{files: append(append([]diag.File(nil), r.files...), files...), replaced: replaced}
	diags = append(diags, reg.build(append(kept, add...))...)
	diags.Sort()
	diags = yamlx.CapErrors(diags, "ruleset")
	fillSources(diags, reg.files)
	reg.warnings = diags.Warnings()
	if diags.HasErrors() {
		return nil, &LoadError{diags}
	}
	return reg, nil
}

// fillSources gives the diagnostics found after parsing (across rulesets)
// the source line they point at.
func fillSources(diags diag.Diagnostics, files []diag.File) {
	for _, d := range diags {
		if d.Source != "" || !d.Subject.Start.IsValid() {
			continue
		}
		for _, f := range files {
			if f.Name == d.Subject.File {
				d.Source = yamlx.SourceLine(f.Data, d.Subject.Start.Line)
				d.CutSource()
				break
			}
		}
	}
}

func overlaps(a, b Effective) bool {
	aEnd, bEnd := a.Until, b.Until
	if aEnd.IsZero() {
		aEnd = facts.MaxDate
	}
	if bEnd.IsZero() {
		bEnd = facts.MaxDate
	}
	return !a.From.After(bEnd) && !b.From.After(aEnd)
}

// layerLess orders rulesets as stacks hold them: regulators' layers national
// first, most local last, within a region by kind (law … rating), then
// insurers' filings (national before local), then id.
func layerLess(a, b *Ruleset) bool {
	// an insurer's filing comes after every regulator layer
	if fa, fb := a.Kind == KindFiling, b.Kind == KindFiling; fa != fb {
		return fb
	}
	if len(a.Region) != len(b.Region) {
		return len(a.Region) < len(b.Region)
	}
	if kindRank[a.Kind] != kindRank[b.Kind] {
		return kindRank[a.Kind] < kindRank[b.Kind]
	}
	// at the same level, a rating layer scoped to a line of business is
	// more specific than one for every enterprise, and comes after it
	if sa, sb := a.Rating != nil && a.Rating.Scope != nil, b.Rating != nil && b.Rating.Scope != nil; sa != sb {
		return sb
	}
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	return a.Effective.From.Before(b.Effective.From)
}

// canStackBelow reports whether lower can sit below upper in some stack.
func canStackBelow(lower, upper *Ruleset) bool {
	if lower == upper || !strings.HasPrefix(upper.Region, lower.Region) || !overlaps(lower.Effective, upper.Effective) {
		return false
	}
	if lower.Kind == KindFiling && (upper.Kind != KindFiling || upper.Insurer != lower.Insurer) {
		return false
	}
	if upper.Kind == KindFiling && lower.Kind == KindFiling && upper.Insurer != lower.Insurer {
		return false
	}
	return layerLess(lower, upper)
}

// build validates the set as a whole, type-checks and compiles every
// expression, and fills the registry.
func (reg *Registry) build(all []*Ruleset) diag.Diagnostics {
	var diags diag.Diagnostics
	sort.SliceStable(all, func(i, j int) bool { return layerLess(all[i], all[j]) })
	reg.byKey = map[string]*Ruleset{}
	for _, rs := range all {
		if rs.ID == "" || rs.Version == "" {
			continue
		}
		if prev, dup := reg.byKey[rs.Key()]; dup {
			diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "ruleset.duplicate_id", Subject: rs.At,
				Summary: fmt.Sprintf("ruleset %s is loaded twice (also at %s)", rs.Key(), prev.At), Hint: "give the new text a new version, or remove one copy"})
			continue
		}
		reg.byKey[rs.Key()] = rs
	}
	// supersedes: the superseded document must exist; its end is inferred
	// from its successor when it gives none.
	for _, rs := range all {
		for i, s := range rs.Supersedes {
			old := reg.byKey[s]
			if s == rs.Key() {
				at := rs.At
				if i < len(rs.supersedesAt) {
					at = rs.supersedesAt[i]
				}
				diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "ruleset.supersedes", Subject: at, Path: yamlx.Index("supersedes", i),
					Summary: fmt.Sprintf("%s supersedes itself", s), Hint: "name the earlier version it replaces, e.g. " + rs.ID + "@<earlier version>"})
				continue
			}
			if old == nil {
				hint := ""
				var keys []string
				for k := range reg.byKey {
					keys = append(keys, k)
				}
				if sg := suggest.Closest(s, keys); sg != "" {
					hint = fmt.Sprintf("did you mean %q?", sg)
				}
				at := rs.At
				if i < len(rs.supersedesAt) {
					at = rs.supersedesAt[i]
				}
				diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "ruleset.supersedes", Subject: at, Path: yamlx.Index("supersedes", i),
					Summary: fmt.Sprintf("%s supersedes %s, which is not loaded", rs.Key(), s), Hint: hint})
				continue
			}
			if old.Effective.Until.IsZero() && old.Effective.From.Before(rs.Effective.From) {
				old.Effective.Until = rs.Effective.From.AddDays(-1)
			}
		}
	}
	// overlapping versions of one id
	byID := map[string][]*Ruleset{}
	for _, rs := range all {
		byID[rs.ID] = append(byID[rs.ID], rs)
	}
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		vs := byID[id]
		for i := 0; i < len(vs); i++ {
			for j := i + 1; j < len(vs); j++ {
				a, b := vs[i], vs[j]
				if a.Version != b.Version && a.Region == b.Region && a.Insurer == b.Insurer && overlaps(a.Effective, b.Effective) {
					at := b.effectiveAt
					if !at.Start.IsValid() {
						at = b.At
					}
					diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "ruleset.overlap", Subject: at, Path: "effective",
						Summary: fmt.Sprintf("versions %s and %s of %s are both in force on %s", a.Version, b.Version, id, laterOf(a.Effective.From, b.Effective.From)),
						Hint:    fmt.Sprintf("end the earlier one (effective.until) or declare supersedes: [%s]", a.Key())})
				}
			}
		}
	}
	// type-check and compile, lowest layers first so that the names they
	// declare are known to the layers above
	reg.names = map[string]int{}
	for _, rs := range all {
		for _, l := range rs.Lets {
			reg.intern(l.Name)
		}
		for _, d := range rs.Facts {
			reg.intern(d.Name)
		}
	}
	for i, rs := range all {
		r := &reader{Reader: &yamlx.Reader{File: rs.File, Prefix: "ruleset"}}
		reg.compileRuleset(rs, all[:i], r)
		diags = append(diags, r.Diags...)
	}
	for _, rs := range all {
		rs.freezeRefs()
	}
	reg.rulesets = all
	return diags
}

// readsCyclic reports whether an "unknown name" summary names a let of cyc.
func readsCyclic(summary string, cyc []*Let) bool {
	for _, l := range cyc {
		if rest, ok := strings.CutPrefix(summary, "unknown name "+l.Name); ok && (rest == "" || !isNameByte(rest[0])) {
			return true
		}
	}
	return false
}

func isNameByte(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') }

// freezeRefs computes the references rules are named by once, so that
// evaluation does not build strings.
func (rs *Ruleset) freezeRefs() {
	rs.key = rs.ID + "@" + rs.Version
	set := func(r *Rule) { r.ref = rs.key + "#" + r.ID }
	for _, r := range rs.Coverage {
		set(&r.Rule)
	}
	for _, r := range rs.Requirements {
		set(&r.Rule)
	}
	for _, r := range rs.Findings {
		set(&r.Rule)
	}
	for _, r := range rs.Consequences {
		set(&r.Rule)
	}
	for _, r := range rs.References {
		set(&r.Rule)
	}
	for _, r := range rs.Penalties {
		set(&r.Rule)
	}
	if rt := rs.Rating; rt != nil {
		for _, b := range rt.Bases {
			set(&b.Rule)
			for _, l := range b.Loadings {
				set(&l.Rule)
			}
		}
		for _, f := range rt.Factors {
			f.ref = rs.key + "#" + f.ID
			for i, c := range f.Cases {
				id := c.ID
				if id == "" {
					id = fmt.Sprintf("case-%d", i+1)
				}
				c.Ref = f.ref + "/" + id
			}
			if f.Default != nil {
				f.Default.Ref = f.ref + "/default"
			}
		}
	}
}

func laterOf(a, b facts.Date) facts.Date {
	if a.After(b) {
		return a
	}
	return b
}

func (reg *Registry) intern(name string) int {
	if i, ok := reg.names[name]; ok {
		return i
	}
	i := len(reg.names)
	reg.names[name] = i
	return i
}

// compileRuleset builds the checking environment of rs from its own
// declarations and those of the rulesets that can stack below it, then
// checks and compiles all its expressions.
func (reg *Registry) compileRuleset(rs *Ruleset, lower []*Ruleset, r *reader) {
	env := &lang.Env{Owner: rs, Decls: map[string]*lang.Decl{}, Vocabs: map[string]facts.Vocabulary{}}
	rs.env = env
	ambiguous := map[string]bool{}
	addVocab := func(from *Ruleset) {
		for name, v := range from.Codes {
			base := env.Vocabs[name]
			if base == nil {
				core, _ := facts.CoreVocabulary(name)
				base = append(facts.Vocabulary(nil), core...)
			}
			for _, c := range v {
				if !base.Has(c.Code) {
					base = append(base, c)
				}
			}
			env.Vocabs[name] = base
		}
	}
	for _, l := range lower {
		if !canStackBelow(l, rs) || l.env == nil {
			continue
		}
		addVocab(l)
		for _, d := range ownDecls(l.env) {
			if prev, ok := env.Decls[d.Name]; ok && !prev.Type.Same(d.Type) {
				ambiguous[d.Name] = true
				continue
			}
			env.Decls[d.Name] = d
		}
	}
	addVocab(rs)
	res := lang.SlotResolver{Names: reg.names}
	// declared facts
	for _, d := range rs.Facts {
		if d.Name == "" || d.Type == "" {
			continue
		}
		t := factTyp(d)
		if prev, ok := env.Decls[d.Name]; ok && prev.Owner != rs && !prev.Type.Same(t) {
			x := r.Errorf(nil, "facts", "stack.type_conflict", "use the same type, or another name", "fact %s is declared as %s here and as %s by %s", d.Name, t, prev.Type, prev.Owner.(*Ruleset).Key())
			x.Subject = d.At
			continue
		}
		env.Decls[d.Name] = &lang.Decl{Name: d.Name, Type: t, Codes: d.Codes, HasDefault: d.Default != nil, Owner: rs}
	}
	for name := range ambiguous {
		delete(env.Decls, name)
	}
	// lets, in dependency order
	order, cyc := letOrder(rs.Lets)
	for _, c := range cyc {
		r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "let.cycle", Subject: c.At, Source: yamlx.SourceLine(c.Expr.FileSrc, c.At.Start.Line),
			Summary: fmt.Sprintf("let %s depends on itself: %s", c.Name, cycleText(rs.Lets, c.Name)), Hint: "break the cycle: a let may use only lets that do not use it"})
	}
	if len(cyc) > 0 {
		// A let in a cycle has no type, so every expression that reads it
		// would also get "unknown name": the cycle is the one problem.
		from := len(r.Diags)
		defer func() {
			kept := r.Diags[:from]
			for _, d := range r.Diags[from:] {
				if d.Code == "expr.unknown_name" && readsCyclic(d.Summary, cyc) {
					continue
				}
				kept = append(kept, d)
			}
			r.Diags = kept
		}()
	}
	for _, l := range order {
		if prev, ok := env.Decls[l.Name]; ok && prev.Owner != rs {
			r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "stack.let_conflict", Subject: l.At,
				Summary: fmt.Sprintf("let %s is also declared by %s, which can stack below this ruleset", l.Name, prev.Owner.(*Ruleset).Key()), Hint: "choose another name"})
			continue
		}
		if prev, ok := env.Decls[l.Name]; ok && !prev.IsLet {
			r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "stack.let_conflict", Subject: l.At,
				Summary: fmt.Sprintf("let %s has the name of a declared fact", l.Name), Hint: "choose another name"})
			continue
		}
		if l.Expr.Check(r.Reader, env, res) {
			if l.Expr.Type.Kind == lang.KObj {
				l.Expr.Diag(r.Reader, -1, -1, "expr.result_type", "a let holds a value: a bool, number, date, code or list", fmt.Sprintf("a let cannot hold an object (%s)", l.Expr.Type), nil)
				continue
			}
			env.Decls[l.Name] = &lang.Decl{Name: l.Name, Type: l.Expr.Type, IsLet: true, Owner: rs}
		}
	}
	check := func(e *lang.Expr) { e.Check(r.Reader, env, res) }
	checkCites := func(cs []*Cite) {
		for _, c := range cs {
			check(c.When)
		}
	}
	for _, c := range rs.Coverage {
		check(c.When)
		checkCites(c.Cite)
		if v, ok := c.When.Const(); ok && v == false {
			r.Warnf(c.When.Node, "", "lint.never", "remove the rule, or fix its condition", "rule %s can never apply", c.ID)
		}
	}
	for _, q := range rs.Requirements {
		check(q.When)
		checkCites(q.Cite)
	}
	for _, f := range rs.Findings {
		check(f.When)
		checkCites(f.Cite)
	}
	for _, c := range rs.Consequences {
		check(c.When)
		checkCites(c.Cite)
	}
	for _, ref := range rs.References {
		check(ref.When)
		checkCites(ref.Cite)
	}
	for _, p := range rs.Penalties {
		reg.checkPenalty(rs, p, env, res, r)
	}
	if rt := rs.Rating; rt != nil {
		reg.checkRating(rs, rt, env, res, r)
	}
}

func ownDecls(e *lang.Env) []*lang.Decl {
	var out []*lang.Decl
	for _, d := range e.Decls {
		if d.Owner == e.Owner {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func factTyp(d *FactDecl) *lang.Type {
	switch d.Type {
	case FactInt:
		return lang.TInt
	case FactDecimal:
		return lang.TDec
	case FactBool:
		return lang.TBool
	case FactDate:
		return lang.TDate
	case FactCode:
		return &lang.Type{Kind: lang.KStr, Vocab: "fact:" + d.Name}
	case FactList:
		return &lang.Type{Kind: lang.KList, Elem: &lang.Type{Kind: lang.KStr, Vocab: "fact:" + d.Name}}
	}
	return lang.TInvalid
}

func (reg *Registry) checkPenalty(rs *Ruleset, p *PenaltyRule, env *lang.Env, res lang.Resolver, r *reader) {
	if p.Each != nil {
		if p.Each.Check(r.Reader, env, res) {
			if p.Each.Type.Elem == nil || p.Each.Type.Elem.Kind != lang.KObj {
				p.Each.Diag(r.Reader, -1, -1, "expr.result_type", "each lists objects: accidents, late_renewals, uninsured_periods or a filter() of them", "each must be a list of objects, not "+p.Each.Type.String(), nil)
			} else {
				if p.Continuing && !lang.IsStretch(p.Each.Type.Elem) {
					p.Each.Diag(r.Reader, -1, -1, "expr.result_type", "a continuing violation lists stretches of days, e.g. each: uninsured_periods, overdue_periods or underinsured_periods", "continuing needs a list of periods", nil)
				}
				item := p.Each.Type.Elem
				for _, cv := range p.Caveats {
					if cv.When != nil {
						cv.When.Item = item
					}
				}
				for _, e := range []*lang.Expr{p.When, p.On, p.Since, p.LimitationExpr} {
					if e != nil {
						e.Item = item
					}
				}
				if p.Fine != nil {
					p.Fine.Min.Item, p.Fine.Max.Item = item, item
				}
				if p.PerDay != nil {
					p.PerDay.Amount.Item, p.PerDay.From.Item, p.PerDay.Through.Item = item, item, item
				}
				for _, t := range p.Tiers {
					if t.When != nil {
						t.When.Item = item
					}
				}
				for _, c := range p.Cite {
					if c.When != nil {
						c.When.Item = item
					}
				}
			}
		}
	}
	for _, e := range []*lang.Expr{p.When, p.On, p.Since, p.LimitationExpr} {
		e.Check(r.Reader, env, res)
	}
	for _, cv := range p.Caveats {
		cv.When.Check(r.Reader, env, res)
	}
	for _, c := range p.Cite {
		c.When.Check(r.Reader, env, res)
	}
	if p.Fine != nil {
		okMin, okMax := p.Fine.Min.Check(r.Reader, env, res), p.Fine.Max.Check(r.Reader, env, res)
		if okMin && okMax {
			lo, l1 := p.Fine.Min.ConstDec()
			hi, l2 := p.Fine.Max.ConstDec()
			if l1 && l2 && hi.LessThan(lo) {
				p.Fine.Max.Diag(r.Reader, -1, -1, "penalty.range", "min ≤ max; both bounds are inclusive", fmt.Sprintf("fine max %s is below min %s", hi, lo), nil)
			}
			if l1 && l2 {
				for _, t := range p.Tiers {
					if t.Min.LessThan(lo) || t.Max.GreaterThan(hi) {
						r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "penalty.tier_range", Subject: t.At,
							Summary: fmt.Sprintf("tier %s [%s, %s] is outside the statutory range [%s, %s]", t.ID, t.Min, t.Max, lo, hi),
							Hint:    "a discretion tier can only narrow the statutory range"})
					}
				}
			}
		}
	}
	if p.PerDay != nil {
		p.PerDay.Amount.Check(r.Reader, env, res)
		p.PerDay.From.Check(r.Reader, env, res)
		p.PerDay.Through.Check(r.Reader, env, res)
	}
	for _, t := range p.Tiers {
		t.When.Check(r.Reader, env, res)
	}
	if len(p.Tiers) > 0 && p.Fine == nil && p.Restates == "" {
		r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "penalty.tier_range", Subject: p.At,
			Summary: "tiers narrow a fine range, but the rule has no fine", Hint: "add fine: {min, max}, or restate the violation whose range the tiers narrow"})
	}
	if p.Restates != "" {
		found := false
		for _, l := range reg.candidatesBelow(rs) {
			for _, q := range l.Penalties {
				if q.ID == p.Restates && q.Restates == "" {
					found = true
				}
			}
		}
		if !found {
			r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "penalty.restates", Subject: p.At, Path: "restates",
				Summary: fmt.Sprintf("rule %s restates %s, but no ruleset that can stack below %s defines that violation", p.ID, p.Restates, rs.Key()),
				Hint:    "restates names the id of a penalty rule in a national or provincial ruleset"})
		}
	}
}

// candidatesBelow returns the loaded rulesets that can stack below rs.
func (reg *Registry) candidatesBelow(rs *Ruleset) []*Ruleset {
	var out []*Ruleset
	for _, l := range reg.byKey {
		if canStackBelow(l, rs) {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return layerLess(out[i], out[j]) })
	return out
}

func (reg *Registry) checkRating(rs *Ruleset, rt *Rating, env *lang.Env, res lang.Resolver, r *reader) {
	sectors := env.Vocabs["sectors"]
	if sectors == nil {
		sectors = facts.Sectors
	}
	checkScope := func(s *Scope) {
		if s == nil {
			return
		}
		s.When.Check(r.Reader, env, res)
		if s.sectorNodes != nil {
			for i, n := range s.sectorNodes.Content {
				if n.Kind == yaml.ScalarNode {
					r.CheckCode(n, yamlx.Index("scope.sectors", i), "sector", n.Value, sectors)
				}
			}
		}
	}
	checkScope(rt.Scope)
	for _, q := range rt.Required {
		if q.Expr == nil || !q.Expr.Check(r.Reader, env, res) {
			continue
		}
		if !q.Expr.MayBeMissing() {
			q.Expr.Diag(r.Reader, -1, -1, "ruleset.required", "only optional facts (risk_level, employees, policy.death_limit …) can be missing; drop it from required:",
				fmt.Sprintf("%s is always given, so requiring it does nothing", q.Name), nil)
		}
	}
	for _, m := range rt.Removals {
		checkScope(m.Scope)
		checkCitesList(m.Cite, env, res, r)
	}
	if rt.Rounding != nil {
		checkCitesList(rt.Rounding.Cite, env, res, r)
	}
	for _, t := range rt.Tables {
		for _, d := range t.Dims {
			if d.By == nil || !d.By.Check(r.Reader, env, res) {
				continue
			}
			k := d.By.Type.Kind
			if d.Bands != nil && k != lang.KDec && k != lang.KInt {
				d.By.Diag(r.Reader, -1, -1, "ruleset.band", "banded dimensions are looked up by a number", fmt.Sprintf("dimension %s has bands, so by must be a number, not %s", d.Name, d.By.Type), nil)
			}
			if d.Bands == nil && k != lang.KStr && k != lang.KInt && k != lang.KDec && k != lang.KBool {
				d.By.Diag(r.Reader, -1, -1, "expr.result_type", "", fmt.Sprintf("dimension %s must be looked up by a code, number or bool, not %s", d.Name, d.By.Type), nil)
			}
		}
		checkCitesList(t.Cite, env, res, r)
		lintTable(t, r)
	}
	for _, b := range rt.Bases {
		checkScope(b.Scope)
		b.When.Check(r.Reader, env, res)
		b.RateExpr.Check(r.Reader, env, res)
		b.Formula.Check(r.Reader, env, res)
		checkCitesList(b.Cite, env, res, r)
		for _, l := range b.Loadings {
			l.When.Check(r.Reader, env, res)
			checkCitesList(l.Cite, env, res, r)
		}
		if b.Table == nil && b.RateExpr == nil && b.Formula != nil && refersTo(b.Formula, "rate") {
			b.Formula.Diag(r.Reader, -1, -1, "ruleset.rating", "give table: or rate: to define rate", "the formula uses rate, but the base has no table: or rate:", nil)
		}
	}
	for _, f := range rt.Factors {
		checkScope(f.Scope)
		checkCitesList(f.Cite, env, res, r)
		cases := f.Cases
		if f.Default != nil {
			cases = append(append([]*Case(nil), cases...), f.Default)
		}
		for _, c := range cases {
			c.When.Check(r.Reader, env, res)
			c.Value.Check(r.Reader, env, res)
			checkCitesList(c.Cite, env, res, r)
			if v, ok := c.Value.ConstDec(); ok && f.Unit == "coefficient" && v.IsNegative() {
				c.Value.Diag(r.Reader, -1, -1, "ruleset.range", "coefficients are positive, e.g. 0.90 or 1.10; use unit: percent for adjustments such as -0.10", fmt.Sprintf("coefficient %s is negative", v), nil)
			}
		}
	}
	if rt.Minimum != nil {
		checkScope(rt.Minimum.Scope)
		rt.Minimum.Amount.Check(r.Reader, env, res)
		checkCitesList(rt.Minimum.Cite, env, res, r)
	}
	for _, c := range []*Combine{rt.Combine} {
		if c != nil {
			checkCitesList(c.Cite, env, res, r)
		}
	}
	if rt.Clamp != nil {
		checkScope(rt.Clamp.Scope)
		checkCitesList(rt.Clamp.Cite, env, res, r)
	}
	if rt.PreventionCap != nil {
		rt.PreventionCap.When.Check(r.Reader, env, res)
		checkCitesList(rt.PreventionCap.Cite, env, res, r)
	}
	for _, cv := range rt.Caveats {
		cv.When.Check(r.Reader, env, res)
	}
}

func checkCitesList(cs []*Cite, env *lang.Env, res lang.Resolver, r *reader) {
	for _, c := range cs {
		c.When.Check(r.Reader, env, res)
	}
}

func refersTo(e *lang.Expr, name string) bool {
	if e == nil || e.AST() == nil {
		return strings.Contains(e.Src, name)
	}
	found := false
	ast.Find(e.AST(), func(n ast.Node) bool {
		if id, ok := n.(*ast.IdentifierNode); ok && id.Value == name {
			found = true
		}
		return false
	})
	return found
}

// lintTable reports band gaps and overlaps, and rows that repeat a key.
func lintTable(t *Table, r *reader) {
	for _, d := range t.Dims {
		bands := append([]*Band(nil), d.Bands...)
		sort.SliceStable(bands, func(i, j int) bool { return lessLo(bands[i], bands[j]) })
		for i := 0; i+1 < len(bands); i++ {
			a, b := bands[i], bands[i+1]
			if a.Hi == nil || b.Lo == nil {
				r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "table.band_overlap", Subject: b.At,
					Summary: fmt.Sprintf("bands %s %s and %s %s of %s.%s overlap", a.ID, a.Interval(), b.ID, b.Interval(), t.ID, d.Name), Hint: "every value must fall in exactly one band"})
				continue
			}
			c := a.Hi.Cmp(*b.Lo)
			switch {
			case c > 0 || (c == 0 && a.HiIncl && b.LoIncl):
				r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "table.band_overlap", Subject: b.At,
					Summary: fmt.Sprintf("bands %s %s and %s %s of %s.%s overlap", a.ID, a.Interval(), b.ID, b.Interval(), t.ID, d.Name), Hint: "a shared edge belongs to one band: close one side with ] and open the other with ("})
			case c < 0 || (c == 0 && !a.HiIncl && !b.LoIncl):
				r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityWarning, Code: "table.band_gap", Subject: b.At,
					Summary: fmt.Sprintf("values between bands %s %s and %s %s of %s.%s fall in no band", a.ID, a.Interval(), b.ID, b.Interval(), t.ID, d.Name), Hint: "close the gap, or such values find no rate"})
			}
		}
	}
	seen := map[string]int{}
	for _, row := range t.Rows {
		var parts []string
		for _, k := range row.Keys {
			if k.Band != nil {
				parts = append(parts, k.Band.ID)
			} else {
				parts = append(parts, k.Kind+":"+canonicalKey(k))
			}
		}
		key := strings.Join(parts, "|")
		if line, dup := seen[key]; dup {
			r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "table.duplicate_row", Subject: row.At,
				Summary: fmt.Sprintf("row repeats the keys of the row on line %d in table %s", line, t.ID), Hint: "each combination of keys has one value"})
		}
		seen[key] = row.At.Start.Line
	}
}

func canonicalKey(k RowKey) string {
	switch k.Kind {
	case "int", "decimal":
		return k.Dec.String()
	case "bool":
		return strconv.FormatBool(k.Bool)
	}
	return k.Text
}

func lessLo(a, b *Band) bool {
	if a.Lo == nil {
		return b.Lo != nil
	}
	if b.Lo == nil {
		return false
	}
	c := a.Lo.Cmp(*b.Lo)
	if c != 0 {
		return c < 0
	}
	return a.LoIncl && !b.LoIncl
}

// letOrder sorts lets so each comes after the lets it uses, and returns the
// lets that are part of a cycle.
func letOrder(lets []*Let) (order, cyclic []*Let) {
	byName := map[string]*Let{}
	for _, l := range lets {
		byName[l.Name] = l
	}
	deps := map[string][]string{}
	for _, l := range lets {
		tree, err := parser.Parse(l.Expr.Src)
		if err != nil {
			continue // reported when the let is checked
		}
		ast.Find(tree.Node, func(n ast.Node) bool {
			if id, ok := n.(*ast.IdentifierNode); ok && byName[id.Value] != nil {
				deps[l.Name] = append(deps[l.Name], id.Value)
			}
			return false
		})
	}
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	inCycle := map[string]bool{}
	var visit func(n string) bool
	visit = func(n string) bool {
		switch state[n] {
		case 1:
			inCycle[n] = true
			return false
		case 2:
			return !inCycle[n]
		}
		state[n] = 1
		ok := true
		for _, d := range deps[n] {
			if !visit(d) {
				ok = false
				inCycle[n] = true
			}
		}
		state[n] = 2
		if ok {
			order = append(order, byName[n])
		}
		return ok
	}
	for _, l := range lets {
		visit(l.Name)
	}
	for _, l := range lets {
		if inCycle[l.Name] && selfReaches(deps, l.Name) {
			cyclic = append(cyclic, l)
		}
	}
	return order, cyclic
}

func selfReaches(deps map[string][]string, start string) bool {
	seen := map[string]bool{}
	var walk func(n string) bool
	walk = func(n string) bool {
		for _, d := range deps[n] {
			if d == start {
				return true
			}
			if !seen[d] {
				seen[d] = true
				if walk(d) {
					return true
				}
			}
		}
		return false
	}
	return walk(start)
}

func cycleText(lets []*Let, start string) string {
	deps := map[string][]string{}
	for _, l := range lets {
		tree, err := parser.Parse(l.Expr.Src)
		if err != nil {
			continue
		}
		ast.Find(tree.Node, func(n ast.Node) bool {
			if id, ok := n.(*ast.IdentifierNode); ok {
				deps[l.Name] = append(deps[l.Name], id.Value)
			}
			return false
		})
	}
	path := []string{start}
	seen := map[string]bool{start: true}
	cur := start
	for i := 0; i < len(lets)+1; i++ {
		next := ""
		for _, d := range deps[cur] {
			if d == start {
				return strings.Join(append(path, start), " → ")
			}
			if !seen[d] && len(deps[d]) > 0 {
				next = d
			}
		}
		if next == "" {
			break
		}
		seen[next] = true
		path = append(path, next)
		cur = next
	}
	return strings.Join(path, " → ")
}

// typedExtra converts a declared fact's value from the text it was written
// as; it returns a message when the text does not fit the type.
func typedExtra(d *FactDecl, v facts.ExtraValue) (any, string) {
	if v.IsList != (d.Type == FactList) {
		if d.Type == FactList {
			return nil, "must be a list of codes"
		}
		return nil, "must be a single value, not a list"
	}
	switch d.Type {
	case FactInt:
		n, err := yamlx.ParseWhole(v.Text)
		if err == yamlx.ErrWholeForm && !v.Quoted && yamlx.WholeLike(v.Text) {
			return nil, fmt.Sprintf("must be a whole number in decimal digits, not %s", v.Text)
		}
		if err == yamlx.ErrWholeForm || v.Quoted {
			return nil, fmt.Sprintf("must be a whole number, not %q", v.Text)
		}
		if err != nil || n < -yamlx.MaxInt || n > yamlx.MaxInt {
			return nil, fmt.Sprintf("is out of range: %s (whole numbers lie between %d and %d)", v.Text, -yamlx.MaxInt, yamlx.MaxInt)
		}
		return int(n), ""
	case FactDecimal:
		x, msg := yamlx.ParseDecimal(v.Text)
		if msg != "" {
			return nil, msg
		}
		return x, ""
	case FactBool:
		if v.Quoted || (v.Text != "true" && v.Text != "false") {
			return nil, fmt.Sprintf("must be true or false, not %q", v.Text)
		}
		return v.Text == "true", ""
	case FactDate:
		x, err := facts.ParseDate(v.Text)
		if err != nil {
			return nil, err.Error()
		}
		return x, ""
	case FactCode:
		if !contains(d.Codes, v.Text) {
			return nil, codeMsg(v.Text, d.Codes)
		}
		return v.Text, ""
	case FactList:
		for _, it := range v.Items {
			if !contains(d.Codes, it) {
				return nil, codeMsg(it, d.Codes)
			}
		}
		return v.Items, ""
	}
	return nil, "has an unknown type"
}

func codeMsg(s string, codes []string) string {
	m := fmt.Sprintf("has unknown code %q", s)
	if sg := suggest.Closest(s, codes); sg != "" {
		m += fmt.Sprintf(" (did you mean %q?)", sg)
	} else {
		m += " (codes: " + strings.Join(codes, ", ") + ")"
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
