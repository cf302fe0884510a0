package rulesets

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/cowmap"
	"github.com/anzexian/anzexian/internal/lang"
)

// Registry holds a compiled set of rulesets and builds the stack that applies
// to a region, date and insurer. A Registry is immutable and safe for
// concurrent use; stacks are built on first use and cached.
type Registry struct {
	rulesets []*Ruleset // in layer order
	byKey    map[string]*Ruleset
	names    map[string]int // declared names, interned
	files    []diag.File
	replaced map[string]bool
	warnings diag.Diagnostics

	mu     sync.Mutex
	stacks map[string]*stackResult

	// index finds the stack for a region, date and insurer without
	// scanning the rulesets: see stackIndex.
	index       cowmap.Map[indexKey, *stackIndex]
	regionsOnce sync.Once
	regions     []string // the distinct regions of the rulesets, longest first
	insurers    map[string]bool
}

type stackResult struct {
	st  *Stack
	err error
	// empty: no ruleset is in force (the error names the caller's region
	// and date, so it is made per call).
	empty bool
}

// indexKey names a stack index: the longest ruleset region that contains
// the enterprise's region (every region with the same longest prefix has
// the same rulesets), and the insurer.
type indexKey struct{ prefix, insurer string }

// stackIndex is the timeline of stacks for one indexKey: the dates the
// stack changes, and the stack of each stretch between them, built on first
// use. It is what makes choosing a stack a lookup (a binary search over a
// handful of dates) instead of a scan of every ruleset and a key string.
type stackIndex struct {
	bounds []facts.Date
	slots  []atomic.Pointer[stackResult] // slots[i]: [bounds[i], bounds[i+1])
}

// maxIndexed bounds the number of stack indexes a registry keeps; the
// number of keys is bounded by the rulesets' regions and filings, so this
// only guards against misuse.
const maxIndexed = 1024

func (r *Registry) initRegions() {
	seen := map[string]bool{}
	r.insurers = map[string]bool{"": true}
	for _, rs := range r.rulesets {
		if !seen[rs.Region] {
			seen[rs.Region] = true
			r.regions = append(r.regions, rs.Region)
		}
		if rs.Kind == KindFiling {
			r.insurers[rs.Insurer] = true
		}
	}
	sort.Slice(r.regions, func(i, j int) bool { return len(r.regions[i]) > len(r.regions[j]) })
}

// Insurers returns the names of the insurers that have a rate filing in
// the registry (in any region, at any date), sorted.
func (r *Registry) Insurers() []string {
	r.regionsOnce.Do(r.initRegions)
	var out []string
	for name := range r.insurers {
		if name != "" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// HasFiling reports whether insurer has a rate filing in the registry, in
// any region and at any date; "" (no insurer) always has.
func (r *Registry) HasFiling(insurer string) bool {
	r.regionsOnce.Do(r.initRegions)
	return r.insurers[insurer]
}

// stackIndexFor returns the stack index for region and insurer, or nil for
// an insurer no filing names (those take the scan, as before).
func (r *Registry) stackIndexFor(region, insurer string) *stackIndex {
	r.regionsOnce.Do(r.initRegions)
	if !r.insurers[insurer] {
		return nil
	}
	prefix, found := "", false
	for _, p := range r.regions {
		if strings.HasPrefix(region, p) {
			prefix, found = p, true
			break
		}
	}
	if !found {
		prefix = "\x00none" // no ruleset applies at any date
	}
	k := indexKey{prefix, insurer}
	if ix, ok := r.index.Load(k); ok {
		return ix
	}
	if r.index.Len() >= maxIndexed {
		return nil
	}
	ix := &stackIndex{bounds: r.boundaries(region, insurer)}
	ix.slots = make([]atomic.Pointer[stackResult], len(ix.bounds))
	// a goroutine that made it first wins: every caller shares its slots
	return r.index.Store(k, ix, maxIndexed)
}

// indexedStack returns the stack on date from the index.
func (r *Registry) indexedStack(ix *stackIndex, region string, date facts.Date, insurer string) (*Stack, error) {
	// the last boundary on or before date
	lo, hi := 0, len(ix.bounds)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !ix.bounds[m].After(date) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	i := lo - 1
	if i < 0 {
		return nil, emptyStackError(region, date, insurer)
	}
	res := ix.slots[i].Load()
	if res == nil {
		layers := r.Layers(region, ix.bounds[i], insurer)
		if len(layers) == 0 {
			res = &stackResult{empty: true}
		} else {
			st, err := r.StackOf(layers, region, ix.bounds[i], insurer)
			res = &stackResult{st: st}
			if err != nil {
				res.err = err
			}
		}
		ix.slots[i].Store(res)
	}
	switch {
	case res.empty:
		return nil, emptyStackError(region, date, insurer)
	case res.err != nil:
		return nil, withWhere(res.err, region, date, insurer)
	}
	return res.st, nil
}

func emptyStackError(region string, date facts.Date, insurer string) error {
	return &StackError{Region: region, Date: date, Insurer: insurer, Diagnostics: diag.Diagnostics{{
		Severity: diag.SeverityError, Code: "stack.empty",
		Summary: fmt.Sprintf("no ruleset is in force for region %q on %s", region, date),
		Hint:    "check the region code and the as-of date; anzexian rulesets lists what is loaded"}}}
}

// Rulesets returns the loaded rulesets in layer order.
func (r *Registry) Rulesets() []*Ruleset { return append([]*Ruleset(nil), r.rulesets...) }

// Ruleset returns the ruleset with the key id@version, or nil.
func (r *Registry) Ruleset(key string) *Ruleset { return r.byKey[key] }

// Warnings returns the warnings found while loading (lint).
func (r *Registry) Warnings() diag.Diagnostics { return r.warnings }

// Files returns the files the registry was loaded from.
func (r *Registry) Files() []diag.File { return r.files }

// StackError reports that the rulesets in force for a region, date and
// insurer cannot be combined (a filing overriding a regulator's factor, two
// layers declaring one name with different types …), or that none apply.
type StackError struct {
	Region      string
	Date        facts.Date
	Insurer     string
	Diagnostics diag.Diagnostics
}

func (e *StackError) Error() string {
	where := fmt.Sprintf("region %q on %s", e.Region, e.Date)
	if e.Insurer != "" {
		where += " with insurer " + e.Insurer
	}
	return "stack for " + where + ": " + e.Diagnostics.Error()
}

// Layers returns the rulesets in force for region on date with the given
// insurer, in stack order: national first, most local last, the insurer's
// filing at the end.
func (r *Registry) Layers(region string, date facts.Date, insurer string) []*Ruleset {
	var out []*Ruleset
	for _, rs := range r.rulesets {
		if !strings.HasPrefix(region, rs.Region) || !rs.Effective.Contains(date) {
			continue
		}
		if rs.Kind == KindFiling && rs.Insurer != insurer {
			continue
		}
		out = append(out, rs)
	}
	return out
}

// Stack returns the compiled stack for region on date with the given
// insurer ("" for none). It fails with a *StackError when no ruleset applies
// or the layers cannot be combined.
func (r *Registry) Stack(region string, date facts.Date, insurer string) (*Stack, error) {
	if ix := r.stackIndexFor(region, insurer); ix != nil {
		return r.indexedStack(ix, region, date, insurer)
	}
	layers := r.Layers(region, date, insurer)
	return r.StackOf(layers, region, date, insurer)
}

// StackOf builds the stack of exactly the given layers (a pinned stack).
func (r *Registry) StackOf(layers []*Ruleset, region string, date facts.Date, insurer string) (*Stack, error) {
	if len(layers) == 0 {
		return nil, emptyStackError(region, date, insurer)
	}
	var key strings.Builder
	key.WriteString(insurer)
	for _, l := range layers {
		key.WriteByte('|')
		key.WriteString(l.Key())
	}
	k := key.String()
	r.mu.Lock()
	if res, ok := r.stacks[k]; ok {
		r.mu.Unlock()
		if res.err != nil {
			return nil, withWhere(res.err, region, date, insurer)
		}
		return res.st, nil
	}
	r.mu.Unlock()
	st, diags := r.buildStack(layers, insurer)
	fillSources(diags, r.files)
	res := &stackResult{st: st}
	if diags.HasErrors() {
		res.st = nil
		res.err = &StackError{Diagnostics: diags}
	}
	r.mu.Lock()
	if r.stacks == nil {
		r.stacks = map[string]*stackResult{}
	}
	if prev, ok := r.stacks[k]; ok {
		res = prev
	} else {
		r.stacks[k] = res
	}
	r.mu.Unlock()
	if res.err != nil {
		return nil, withWhere(res.err, region, date, insurer)
	}
	return res.st, nil
}

func withWhere(err error, region string, date facts.Date, insurer string) error {
	se := *err.(*StackError)
	se.Region, se.Date, se.Insurer = region, date, insurer
	return &se
}

// Boundaries returns the dates on which the stack for region and insurer
// changes (a ruleset starts, or the day after one ends), sorted. The slice
// may be shared with the registry's index: read it, do not change it
// (appending to it copies).
func (r *Registry) Boundaries(region, insurer string) []facts.Date {
	if ix := r.stackIndexFor(region, insurer); ix != nil {
		return ix.bounds[:len(ix.bounds):len(ix.bounds)]
	}
	return r.boundaries(region, insurer)
}

func (r *Registry) boundaries(region, insurer string) []facts.Date {
	set := map[facts.Date]bool{}
	for _, rs := range r.rulesets {
		if !strings.HasPrefix(region, rs.Region) || (rs.Kind == KindFiling && rs.Insurer != insurer) {
			continue
		}
		set[rs.Effective.From] = true
		if !rs.Effective.Until.IsZero() {
			set[rs.Effective.Until.AddDays(1)] = true
		}
	}
	out := make([]facts.Date, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// Stack is the compiled combination of the rulesets that apply together:
// their rules merged as the stacking semantics say (README, Stacking). A Stack is
// immutable and safe for concurrent use.
type Stack struct {
	Layers  []*Ruleset
	Insurer string
	reg     *Registry

	// Coverage, Requirements, Findings, Consequences and References hold
	// every rule of every layer, in layer order (they accumulate).
	Coverage     []*CoverageRule
	Requirements []*RequirementRule
	Findings     []*FindingRule
	Consequences []*ConsequenceRule
	References   []*Reference
	// Penalties holds one entry per violation id.
	Penalties []*Violation
	// Rating is the merged rating pipeline, or nil if no layer rates. With
	// scoped rating layers or items it is the pipeline of an enterprise no
	// scope admits; RatingScopes and RatingPrograms hold the others.
	Rating *RatingStack
	// RatingScopes are the distinct scopes of the stack's rating layers
	// and items (at most MaxRatingScopes). RatingPrograms has one pipeline
	// per combination of them: RatingPrograms[m] prices the enterprises
	// admitted by exactly the scopes whose bits are set in m
	// (RatingPrograms[0] is Rating).
	RatingScopes   []*Scope
	RatingPrograms []*RatingStack

	layerIndex map[*Ruleset]int
	vocabs     map[string]facts.Vocabulary
	// creditGrades is Vocabulary("credit_grade"), which every binding
	// checks the facts' grade against.
	creditGrades facts.Vocabulary
	memo         sync.Map
	memoFront    [8]atomic.Pointer[memoEntry]
	memoAt       [maxMemoKeys]atomic.Pointer[memoEntry]

	// declared names resolved to slots
	scope    lang.Scope
	lets     []*Let
	letKinds []lang.Kind
	facts    []*FactDecl
	factTyps []*lang.Type
}

// Memo returns the value cached on the stack under key, computing it on
// first use. Answer packages use it for what depends on the stack alone
// (notes, indexes), so that it lives exactly as long as the stack. compute
// must be pure; it may run more than once under contention.
func (st *Stack) Memo(key any, compute func() any) any {
	// the first few keys are looked up without hashing: every answer asks
	// for its memo once per evaluation
	for i := range st.memoFront {
		if e := st.memoFront[i].Load(); e != nil && e.key == key {
			return e.v
		}
	}
	if v, ok := st.memo.Load(key); ok {
		return v
	}
	v, _ := st.memo.LoadOrStore(key, compute())
	e := &memoEntry{key: key, v: v}
	for i := range st.memoFront {
		if st.memoFront[i].CompareAndSwap(nil, e) {
			break
		}
	}
	return v
}

// memoEntry is one of a stack's first memos.
type memoEntry struct{ key, v any }

// A MemoKey names a memo every stack may hold (Stack.MemoAt). An answer
// package makes its keys once, in package variables, with NewMemoKey.
type MemoKey struct{ i int32 } // the index in Stack.memoAt, plus one

// maxMemoKeys is the number of keys MemoAt finds by index; keys made
// beyond it (or the zero MemoKey) work as Memo's keys do.
const maxMemoKeys = 16

var memoKeys atomic.Int32

// NewMemoKey returns a key no other call returns.
func NewMemoKey() MemoKey { return MemoKey{memoKeys.Add(1)} }

// MemoAt is Memo for a key made by NewMemoKey, found by its index: no
// hashing and no comparing keys, for the memos every answer reads. The
// first value computed is kept.
func (st *Stack) MemoAt(k MemoKey, compute func() any) any {
	if k.i <= 0 || k.i > maxMemoKeys {
		return st.Memo(k, compute)
	}
	p := &st.memoAt[k.i-1]
	if e := p.Load(); e != nil {
		return e.v
	}
	e := &memoEntry{key: k, v: compute()}
	if p.CompareAndSwap(nil, e) {
		return e.v
	}
	return p.Load().v
}

// LayerIndex returns the position of rs in the stack (0 = national base),
// or -1.
func (st *Stack) LayerIndex(rs *Ruleset) int {
	if i, ok := st.layerIndex[rs]; ok {
		return i
	}
	return -1
}

// Vocabulary returns the codes the stack accepts for a vocabulary
// (credit_grade, sectors …): the core codes plus those its rulesets add.
func (st *Stack) Vocabulary(name string) facts.Vocabulary {
	if v, ok := st.vocabs[name]; ok {
		return v
	}
	v, _ := facts.CoreVocabulary(name)
	return v
}

// Violation is a violation as the stack treats it: its defining rule and
// the rules of other layers that restate it (their citations and measures
// join the same penalty).
type Violation struct {
	ID        string
	Rule      *PenaltyRule
	Restating []*PenaltyRule
}

// RatingStack is the rating pipeline of a stack after merging layers: for
// a stack with scoped rating layers or items, the pipeline of one rating
// program (the enterprises one combination of the scopes admits).
type RatingStack struct {
	Currency      string
	Bases         []*Base // most local layer first: the first base whose when holds is used
	Tables        map[string]*Table
	Factors       []*Factor
	Combine       *Combine
	Clamp         *Clamp
	Minimum       *Minimum
	Rounding      *Rounding
	PreventionCap *PreventionCap
	Caveats       []*Caveat
	// Required are the facts a quote under this pipeline cannot go
	// without.
	Required []*RequiredFact
	// Admitted are the scopes that admit the enterprises this pipeline
	// prices (none for the stack's general pipeline).
	Admitted []*Scope
	// Removed are the removals of lower layers' factors, clamp or minimum
	// premium that took effect in this pipeline.
	Removed []*Removal
	// Competing names pairs of scoped layers of the same rank (neither more
	// local than the other) that both apply here and set the same thing:
	// the later in stack order wins, and answers say so.
	Competing []string
}

// Table returns the table a base reads its rate from.
func (rt *RatingStack) Table(b *Base) *Table {
	if b.Table == nil {
		return nil
	}
	if b.Table.Ruleset != nil {
		return b.Table
	}
	return rt.Tables[b.Table.ID]
}

func (r *Registry) buildStack(layers []*Ruleset, insurer string) (*Stack, diag.Diagnostics) {
	var diags diag.Diagnostics
	errorf := func(at diag.Range, code, hint, format string, args ...any) {
		diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: code, Subject: at, Hint: hint, Summary: fmt.Sprintf(format, args...)})
	}
	st := &Stack{Layers: layers, Insurer: insurer, reg: r, layerIndex: map[*Ruleset]int{}, vocabs: map[string]facts.Vocabulary{}}
	n := len(r.names)
	st.scope.LetSlot = make([]int, n)
	st.scope.FactSlot = make([]int, n)
	for i := range st.scope.LetSlot {
		st.scope.LetSlot[i], st.scope.FactSlot[i] = -1, -1
	}
	letOwner := map[string]*Ruleset{}
	factOwner := map[string]*FactDecl{}
	for i, rs := range layers {
		st.layerIndex[rs] = i
		for name, v := range rs.Codes {
			base := st.vocabs[name]
			if base == nil {
				core, _ := facts.CoreVocabulary(name)
				base = append(facts.Vocabulary(nil), core...)
			}
			for _, c := range v {
				if !base.Has(c.Code) {
					base = append(base, c)
				}
			}
			st.vocabs[name] = base
		}
		for _, d := range rs.Facts {
			idx := r.names[d.Name]
			if prev, ok := factOwner[d.Name]; ok {
				if !factTyp(prev).Same(factTyp(d)) || prev.Type != d.Type {
					errorf(d.At, "stack.type_conflict", "declare it with one type", "fact %s is declared as %s by %s and as %s by %s", d.Name, prev.Type, letOrFactOwner(layers, prev), d.Type, rs.Key())
				}
				continue
			}
			if _, isLet := letOwner[d.Name]; isLet {
				errorf(d.At, "stack.let_conflict", "choose another name", "%s is a let of %s and a fact of %s", d.Name, letOwner[d.Name].Key(), rs.Key())
				continue
			}
			factOwner[d.Name] = d
			st.scope.FactSlot[idx] = len(st.facts)
			st.facts = append(st.facts, d)
			st.factTyps = append(st.factTyps, factTyp(d))
		}
		for _, l := range rs.Lets {
			if l.Expr == nil || l.Expr.Type == nil {
				continue
			}
			idx := r.names[l.Name]
			if prev, ok := letOwner[l.Name]; ok {
				errorf(l.At, "stack.let_conflict", "rename one of them", "let %s is declared by %s and by %s, which stack together", l.Name, prev.Key(), rs.Key())
				continue
			}
			if _, isFact := factOwner[l.Name]; isFact {
				errorf(l.At, "stack.let_conflict", "choose another name", "let %s has the name of a declared fact", l.Name)
				continue
			}
			letOwner[l.Name] = rs
			st.scope.LetSlot[idx] = len(st.lets)
			st.lets = append(st.lets, l)
			st.scope.Lets = append(st.scope.Lets, l.Expr)
			st.letKinds = append(st.letKinds, l.Expr.Type.Kind)
		}
	}
	// Every declared name a layer reads must come from that layer or one
	// below it, with the type it was checked against.
	for i, rs := range layers {
		if rs.env == nil {
			continue
		}
		reads := namesRead(rs) // once a layer: the names below it can be thousands
		for name, d := range rs.env.Decls {
			if d.Owner == rs {
				continue
			}
			if !reads[name] {
				continue
			}
			if owner, ok := letOwner[name]; ok {
				if st.layerIndex[owner] > i || !st.lets[st.scope.LetSlot[r.names[name]]].Expr.Type.Same(d.Type) {
					errorf(rs.At, "stack.missing_name", "", "%s uses let %s, which in this stack comes from %s above it or with another type", rs.Key(), name, owner.Key())
				}
				continue
			}
			if f, ok := factOwner[name]; ok {
				if !factTyp(f).Same(d.Type) {
					errorf(rs.At, "stack.type_conflict", "", "%s reads fact %s as %s, but this stack declares it as %s", rs.Key(), name, d.Type, factTyp(f))
				}
				continue
			}
			errorf(rs.At, "stack.missing_name", "add the ruleset that declares it to the stack", "%s uses %s, which no ruleset in this stack declares (it was declared by %s)", rs.Key(), name, d.Owner.(*Ruleset).Key())
		}
	}
	for _, rs := range layers {
		st.Coverage = append(st.Coverage, rs.Coverage...)
		st.Requirements = append(st.Requirements, rs.Requirements...)
		st.Findings = append(st.Findings, rs.Findings...)
		st.Consequences = append(st.Consequences, rs.Consequences...)
		st.References = append(st.References, rs.References...)
	}
	diags = append(diags, st.mergePenalties()...)
	diags = append(diags, st.mergeRating()...)
	st.creditGrades = st.Vocabulary("credit_grade")
	return st, diags
}

func letOrFactOwner(layers []*Ruleset, d *FactDecl) string {
	for _, l := range layers {
		for _, x := range l.Facts {
			if x == d {
				return l.Key()
			}
		}
	}
	return "?"
}

// namesRead returns the declared names the expressions of rs read.
func namesRead(rs *Ruleset) map[string]bool {
	out := map[string]bool{}
	rs.eachExpr(func(e *lang.Expr) {
		for _, x := range e.Refs() {
			out[x] = true
		}
	})
	return out
}

// eachExpr calls f for every compiled expression of rs.
func (rs *Ruleset) eachExpr(f func(*lang.Expr)) {
	visit := func(e *lang.Expr) {
		if e != nil && e.AST() != nil {
			f(e)
		}
	}
	cites := func(cs []*Cite) {
		for _, c := range cs {
			visit(c.When)
		}
	}
	rule := func(r *Rule) {
		visit(r.When)
		cites(r.Cite)
	}
	for _, l := range rs.Lets {
		visit(l.Expr)
	}
	for _, c := range rs.Coverage {
		rule(&c.Rule)
	}
	for _, q := range rs.Requirements {
		rule(&q.Rule)
	}
	for _, x := range rs.Findings {
		rule(&x.Rule)
	}
	for _, x := range rs.Consequences {
		rule(&x.Rule)
	}
	for _, x := range rs.References {
		rule(&x.Rule)
	}
	for _, p := range rs.Penalties {
		rule(&p.Rule)
		visit(p.Each)
		visit(p.On)
		visit(p.Since)
		visit(p.LimitationExpr)
		for _, cv := range p.Caveats {
			visit(cv.When)
		}
		if p.Fine != nil {
			visit(p.Fine.Min)
			visit(p.Fine.Max)
		}
		if p.PerDay != nil {
			visit(p.PerDay.Amount)
			visit(p.PerDay.From)
			visit(p.PerDay.Through)
		}
		for _, t := range p.Tiers {
			visit(t.When)
		}
	}
	if rt := rs.Rating; rt != nil {
		rt.eachScope(func(s *Scope) { visit(s.When) })
		for _, q := range rt.Required {
			visit(q.Expr)
		}
		for _, m := range rt.Removals {
			cites(m.Cite)
		}
		if rt.Rounding != nil {
			cites(rt.Rounding.Cite)
		}
		for _, t := range rt.Tables {
			for _, d := range t.Dims {
				visit(d.By)
			}
			cites(t.Cite)
		}
		for _, b := range rt.Bases {
			rule(&b.Rule)
			visit(b.RateExpr)
			visit(b.Formula)
			for _, l := range b.Loadings {
				rule(&l.Rule)
			}
		}
		for _, fc := range rt.Factors {
			cites(fc.Cite)
			for _, c := range fc.Cases {
				visit(c.When)
				visit(c.Value)
				cites(c.Cite)
			}
			if fc.Default != nil {
				visit(fc.Default.Value)
				cites(fc.Default.Cite)
			}
		}
		if rt.Minimum != nil {
			visit(rt.Minimum.Amount)
			cites(rt.Minimum.Cite)
		}
		if rt.Combine != nil {
			cites(rt.Combine.Cite)
		}
		if rt.Clamp != nil {
			cites(rt.Clamp.Cite)
		}
		if rt.PreventionCap != nil {
			visit(rt.PreventionCap.When)
			cites(rt.PreventionCap.Cite)
		}
		for _, cv := range rt.Caveats {
			visit(cv.When)
		}
	}
}

func (st *Stack) mergePenalties() diag.Diagnostics {
	var diags diag.Diagnostics
	byID := map[string]*Violation{}
	var order []string
	for _, rs := range st.Layers {
		for _, p := range rs.Penalties {
			if p.Restates != "" {
				continue
			}
			if prev, ok := byID[p.ID]; ok {
				diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "stack.penalty_conflict", Subject: p.At,
					Summary: fmt.Sprintf("violation %s is defined by %s and by %s", p.ID, prev.Rule.Ruleset.Key(), rs.Key()),
					Hint:    "a local rule that restates a national one declares restates: " + p.ID})
				continue
			}
			byID[p.ID] = &Violation{ID: p.ID, Rule: p}
			order = append(order, p.ID)
		}
	}
	for _, rs := range st.Layers {
		for _, p := range rs.Penalties {
			if p.Restates == "" {
				continue
			}
			v := byID[p.Restates]
			if v == nil {
				diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "penalty.restates", Subject: p.At,
					Summary: fmt.Sprintf("%s restates %s, which no layer of this stack defines", p.ID, p.Restates)})
				continue
			}
			if st.layerIndex[v.Rule.Ruleset] > st.layerIndex[rs] {
				diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "penalty.restates", Subject: p.At,
					Summary: fmt.Sprintf("%s restates %s, which is defined by a layer above it", p.ID, p.Restates)})
				continue
			}
			if p.Fine != nil && v.Rule.Fine != nil {
				a1, ok1 := p.Fine.Min.ConstDec()
				a2, ok2 := p.Fine.Max.ConstDec()
				b1, ok3 := v.Rule.Fine.Min.ConstDec()
				b2, ok4 := v.Rule.Fine.Max.ConstDec()
				if ok1 && ok2 && ok3 && ok4 && (!a1.Equal(b1) || !a2.Equal(b2)) {
					diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "penalty.restates", Subject: p.Fine.At,
						Summary: fmt.Sprintf("%s restates %s with the fine [%s, %s], but the restated range is [%s, %s]", p.ID, p.Restates, a1, a2, b1, b2),
						Hint:    "a restatement repeats the range; to narrow it, give tiers:"})
				}
			}
			if len(p.Tiers) > 0 && v.Rule.Fine != nil {
				lo, ok1 := v.Rule.Fine.Min.ConstDec()
				hi, ok2 := v.Rule.Fine.Max.ConstDec()
				if ok1 && ok2 {
					for _, t := range p.Tiers {
						if t.Min.LessThan(lo) || t.Max.GreaterThan(hi) {
							diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "penalty.tier_range", Subject: t.At,
								Summary: fmt.Sprintf("tier %s [%s, %s] is outside the statutory range [%s, %s] of %s", t.ID, t.Min, t.Max, lo, hi, v.ID),
								Hint:    "a discretion tier can only narrow the statutory range"})
						}
					}
				}
			}
			v.Restating = append(v.Restating, p)
		}
	}
	for _, id := range order {
		v := byID[id]
		if a := v.Rule.AlternativeOf; a != "" && byID[a] == nil {
			diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "penalty.alternative", Subject: v.Rule.At,
				Summary: fmt.Sprintf("%s is an alternative of %s, which no layer of this stack defines", id, a),
				Hint:    "alternative_of names the violation whose range this one may replace"})
		}
		st.Penalties = append(st.Penalties, v)
	}
	return diags
}

// Bind prepares ev to evaluate the stack's rules for f at asOf with the
// given insurer, and binds the facts the stack's rulesets declare. Facts
// that do not fit the stack (unknown extra facts, codes not in the stack's
// vocabularies) are reported as a *facts.Error.
func (st *Stack) Bind(ev *lang.Eval, f *facts.Facts, asOf facts.Date, insurer string) error {
	ev.Reset(&st.scope, f, asOf, insurer)
	return st.bindFacts(ev, true)
}

// MoveTo moves an evaluation bound to another stack of the same facts to
// this stack on date asOf (penalties look at the law in force when a
// violation happened).
func (st *Stack) MoveTo(ev *lang.Eval, asOf facts.Date) {
	if ev.SetAsOf(&st.scope, asOf) {
		_ = st.bindFacts(ev, false) // the facts were checked against the stack at the decision date
	}
}

// SameNames reports whether every declared name e reads means the same in
// st and o: the same let (and, through it, every name that let reads) or
// the same declared fact. Core facts, functions and constants mean the
// same in every stack, so e then gives the same value in both on the same
// facts and day. A nil e reads nothing. Stacks of two registries never
// agree.
func (st *Stack) SameNames(o *Stack, e *lang.Expr) bool {
	if e == nil || st == o {
		return true
	}
	if st.reg != o.reg || st.reg == nil {
		return false
	}
	var seenBuf [16]string
	seen := seenBuf[:0]
	var todoBuf [16]string
	todo := append(todoBuf[:0], e.Refs()...)
	for len(todo) > 0 {
		name := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if slices.Contains(seen, name) {
			continue
		}
		seen = append(seen, name)
		idx, ok := st.reg.names[name]
		if !ok || idx >= len(st.scope.LetSlot) || idx >= len(o.scope.LetSlot) {
			return false
		}
		sl, ol := st.scope.LetSlot[idx], o.scope.LetSlot[idx]
		sf, of := st.scope.FactSlot[idx], o.scope.FactSlot[idx]
		switch {
		case sl >= 0 && ol >= 0:
			l := st.lets[sl]
			if l != o.lets[ol] {
				return false
			}
			todo = append(todo, l.Expr.Refs()...)
		case sf >= 0 && of >= 0:
			if st.facts[sf] != o.facts[of] {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Binds reports whether ev is bound to st.
func (st *Stack) Binds(ev *lang.Eval) bool { return ev.Scope() == &st.scope }
