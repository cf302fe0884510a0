// Package anzexian answers three questions about an enterprise under
// China's work-safety liability insurance (安全生产责任保险, 安责险) for a
// given place and date: must it insure (coverage), what will it pay
// (rating), and what does it risk (penalties).
//
// The rules are data: versioned, effective-dated YAML rulesets whose
// conditions and formulas are expr-language expressions, loaded, validated
// and compiled once. An [Engine] holds a compiled registry of rulesets (the
// bundled ones by default) and assesses enterprises against the stack of
// rulesets in force for their region, the as-of date and the insurer:
//
//	eng, err := anzexian.New()
//	facts, err := rulesets.DecodeFacts("acme.yaml", data)
//	a, err := eng.Assess(facts[0], anzexian.At(rulesets.MustParseDate("2026-01-01")))
//	fmt.Println(a.Coverage.Obligation)
//
// # Concurrency
//
// An Engine is safe for concurrent use by multiple goroutines. Assess is
// pure and fast: it reads no files and never the clock (an as-of date not
// given defaults to today in China Standard Time, read once at the call).
// [Engine.Reload] swaps the whole registry atomically; an Assess already
// running finishes on the registry it started with.
//
// # Errors
//
// Errors are values with a kind: [*rulesets.FactsError] (the facts are
// invalid or do not fit the rulesets that apply), [*rulesets.StackError] (no
// ruleset applies, or the layers cannot be combined) and
// [*rulesets.LoadError] (a ruleset is invalid). Test for them with
// errors.As.
package anzexian

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Engine assesses enterprises against a registry of compiled rulesets.
type Engine struct {
	reg  atomic.Pointer[rulesets.Registry]
	pool sync.Pool
}

// New returns an Engine over the bundled rulesets.
func New() (*Engine, error) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		return nil, err
	}
	return NewWithRegistry(reg), nil
}

// NewWithRegistry returns an Engine over reg.
func NewWithRegistry(reg *rulesets.Registry) *Engine {
	e := &Engine{}
	e.reg.Store(reg)
	e.pool.New = func() any { return lang.NewEval() }
	return e
}

// Registry returns the registry the engine currently serves.
func (e *Engine) Registry() *rulesets.Registry { return e.reg.Load() }

// Reload loads the given ruleset files and, if they all load, makes them the
// engine's registry in one atomic step. If loading fails the previous
// registry keeps serving and the error (a *rulesets.LoadError) says why.
func (e *Engine) Reload(ctx context.Context, files ...diag.File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	reg, err := rulesets.LoadFiles(files...)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	e.reg.Store(reg)
	return nil
}

// Option configures one assessment.
type Option func(*options)

type options struct {
	asOf    facts.Date
	insurer string
	trace   bool
	reg     *rulesets.Registry
	pinned  []string
}

// At sets the as-of date: the law in force and the facts as they stood on
// that day. Without it the as-of date is today.
func At(d facts.Date) Option { return func(o *options) { o.asOf = d } }

// Insurer names the insurer whose rate filing joins the stack.
func Insurer(name string) Option { return func(o *options) { o.insurer = name } }

// WithTrace records every rule evaluated, matched or not, and the dated
// facts after the as-of date that were ignored.
func WithTrace() Option { return func(o *options) { o.trace = true } }

// Using evaluates against reg instead of the engine's registry, e.g. a
// registry with an edited ruleset from [rulesets.Registry.With].
func Using(reg *rulesets.Registry) Option { return func(o *options) { o.reg = reg } }

// Pinned evaluates exactly the given rulesets (keys id@version), in stack
// order, instead of those the region and date select.
func Pinned(keys ...string) Option { return func(o *options) { o.pinned = keys } }

// Assess answers the three questions for one enterprise.
func (e *Engine) Assess(f *facts.Facts, opts ...Option) (*Assessment, error) {
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	if o.asOf.IsZero() {
		o.asOf = facts.Today()
	}
	reg := o.reg
	if reg == nil {
		reg = e.reg.Load()
	}
	if f == nil {
		return nil, fmt.Errorf("anzexian: Assess needs facts")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	st, err := e.stack(reg, f, o)
	if err != nil {
		return nil, err
	}
	ev := e.pool.Get().(*lang.Eval)
	defer e.pool.Put(ev)
	if err := st.Bind(ev, f, o.asOf, o.insurer); err != nil {
		return nil, err
	}
	return assess(reg, st, ev, o)
}

func (e *Engine) stack(reg *rulesets.Registry, f *facts.Facts, o options) (*rulesets.Stack, error) {
	if len(o.pinned) == 0 {
		return reg.Stack(f.Region, o.asOf, o.insurer)
	}
	var layers []*rulesets.Ruleset
	for _, k := range o.pinned {
		rs := reg.Ruleset(k)
		if rs == nil {
			return nil, &rulesets.StackError{Region: f.Region, Date: o.asOf, Insurer: o.insurer, Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "stack.unknown_ruleset", Summary: fmt.Sprintf("pinned ruleset %s is not loaded", k)}}}
		}
		layers = append(layers, rs)
	}
	return reg.StackOf(layers, f.Region, o.asOf, o.insurer)
}
