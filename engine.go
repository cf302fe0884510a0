package anzexian

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
)

// Engine assesses enterprises against a registry of compiled rulesets. Make
// one with [New] or [NewWithRegistry]; an Engine is safe for concurrent use
// by multiple goroutines. The zero Engine has no rulesets: its Assess and
// Quote return [ErrNoRulesets] until [Engine.Reload] gives it some.
type Engine struct {
	reg  atomic.Pointer[rulesets.Registry]
	pool sync.Pool // of *call
}

// call is what one Assess or Quote works with, kept in the Engine's pool:
// the evaluation and the options (which a pointer passed to the Option
// functions would otherwise move to the heap on every call).
type call struct {
	ev *lang.Eval
	o  options
	// stackAt is the stack of the call's registry, region and insurer on
	// another date (made once per call object: a closure made per
	// assessment would be allocated each time).
	stackAt func(facts.Date) (*rulesets.Stack, error)
	// reg, region and insurer are what the stacks below were chosen for.
	// They outlive the call, in the pool: the next call for the same
	// registry, region and insurer (a book's enterprises of one place, a
	// service quoting one region) finds its stacks without a look-up. A
	// registry is immutable, so a stack found once stays its answer.
	reg     *rulesets.Registry
	region  string
	insurer string
	// bounds are the dates the stack changes (Registry.Boundaries) and
	// stacks the stacks found between them, by the index of the boundary
	// they start on: the timeline and the penalties ask for the stack of
	// many days, and each look-up in the registry hashes the region.
	bounds []facts.Date
	stacks []*rulesets.Stack
	// pen is the penalties' result of an assessment, which the answer
	// takes its parts from (in memory the call keeps, not the answer's).
	pen penalties.Result
	// dc decides the obligation on the days of an assessment's timeline,
	// carrying over the answers of rules that stay from one stack to the
	// next; decide is dc's Decide as the timeline asks it (made once per
	// call object, as stackAt is).
	dc     coverage.Decider
	decide func(*rulesets.Stack, *lang.Eval) timeline.Duty
}

// stackOn is the stack of the call's registry, region and insurer on d.
func (c *call) stackOn(d facts.Date) (*rulesets.Stack, error) {
	i := sort.Search(len(c.bounds), func(i int) bool { return c.bounds[i].After(d) }) - 1 // the last boundary on or before d
	if i >= 0 && i < len(c.stacks) && c.stacks[i] != nil {
		return c.stacks[i], nil
	}
	st, err := c.reg.Stack(c.region, d, c.insurer)
	if err == nil {
		c.remember(d, st)
	}
	return st, err
}

// remember keeps st as the stack of the stretch between boundaries that
// holds d.
func (c *call) remember(d facts.Date, st *rulesets.Stack) {
	i := sort.Search(len(c.bounds), func(i int) bool { return c.bounds[i].After(d) }) - 1
	if i < 0 {
		return
	}
	if len(c.stacks) < len(c.bounds) {
		c.stacks = append(c.stacks[:0], make([]*rulesets.Stack, len(c.bounds))...)
	}
	c.stacks[i] = st
}

// begin takes a call from the pool with the options applied.
func (e *Engine) begin(opts []Option) *call {
	c, _ := e.pool.Get().(*call)
	if c == nil {
		c = &call{ev: lang.NewEval()}
		c.stackAt = c.stackOn
		c.decide = func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty { return dutyOf(c.dc.Decide(s, ev)) }
	}
	for _, opt := range opts {
		opt(&c.o)
	}
	if c.o.asOf.IsZero() {
		c.o.asOf = facts.Today()
	}
	return c
}

// end puts c back, holding nothing of the call but the stacks it found.
func (e *Engine) end(c *call) {
	c.o = options{}
	c.pen = penalties.Result{} // the answer's penalties, not kept by the pool
	c.dc.Reset()               // nor the facts its last decision was over (a call begins with it reset)
	e.pool.Put(c)
}

// choose makes c's stacks those of reg, region and insurer, keeping those
// it holds when they are.
func (c *call) choose(reg *rulesets.Registry, region, insurer string) {
	if c.reg == reg && c.region == region && c.insurer == insurer {
		return
	}
	c.reg, c.region, c.insurer = reg, region, insurer
	c.bounds = reg.Boundaries(region, insurer)
	clear(c.stacks)
	c.stacks = c.stacks[:0]
}

// ErrNoRulesets is returned by an Engine that has no registry: a zero
// Engine not yet reloaded.
var ErrNoRulesets = errors.New("anzexian: the engine has no rulesets (make it with New or NewWithRegistry)")

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
	return e
}

// Registry returns the registry the engine currently serves.
func (e *Engine) Registry() *rulesets.Registry { return e.reg.Load() }

// Reload loads the given ruleset files and, if they all load, makes them the
// engine's registry in one atomic step. If loading fails the previous
// registry keeps serving and the error (a *rulesets.LoadError) says why; so
// it does when the files hold no ruleset at all ([ErrEmptyReload]).
func (e *Engine) Reload(ctx context.Context, files ...diag.File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	reg, err := rulesets.LoadFiles(files...)
	if err != nil {
		return err
	}
	if len(reg.Rulesets()) == 0 {
		// every Assess would fail: keep serving what was loaded before
		return ErrEmptyReload
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	e.reg.Store(reg)
	return nil
}

// ErrEmptyReload is returned by a Reload whose files hold no ruleset (none
// given, or only empty documents): the registry it would serve could assess
// nothing, so the previous one keeps serving.
var ErrEmptyReload = errors.New("anzexian: reload: the files hold no ruleset; the previous rulesets keep serving")

// Option configures one assessment.
type Option func(*options)

type options struct {
	asOf    facts.Date
	insurer string
	trace   bool
	reg     *rulesets.Registry
	pinned  []string
	scratch *Scratch
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

// Assess answers the three questions for one enterprise: must it insure,
// what will it pay, what does it risk. The facts are checked first
// ([facts.Facts.Validate]); an error is a *facts.Error (invalid facts, or
// facts that do not fit the rulesets that apply, such as an unknown
// declared fact) or a *rulesets.StackError (no ruleset applies here, or
// the layers cannot be combined).
func (e *Engine) Assess(f *facts.Facts, opts ...Option) (*Assessment, error) {
	c := e.begin(opts)
	defer e.end(c)
	reg, st, err := e.prepare(f, c)
	if err != nil {
		return nil, err
	}
	return withinBudget(assess(reg, st, c.ev, c.o, c.bounds, c.stackAt, &c.dc, c.decide, &c.pen))(c.ev)
}

// ErrBudget is wrapped by the error of an Assess or a Quote whose rules
// needed more work than one evaluation may do (their work grows faster
// than the facts, such as a predicate over the accidents inside another):
// no answer is given rather than a partial one. The error names the
// expression that found the budget spent.
var ErrBudget = lang.ErrBudget

// withinBudget returns the answer, or the budget's error when the
// evaluation went over it.
func withinBudget[T any](v T, err error) func(*lang.Eval) (T, error) {
	return func(ev *lang.Eval) (T, error) {
		if err == nil {
			if xerr := ev.Exhausted(); xerr != nil {
				var zero T
				return zero, fmt.Errorf("anzexian: %w", xerr)
			}
		}
		return v, err
	}
}

// Quote prices one enterprise: the premium with its worksheet, without the
// coverage reasons, requirements, findings and penalties that Assess adds.
// The premium is the one Assess gives for the same facts and options (the
// obligation, which rating rules may read, is decided first). Errors are
// those of Assess.
func (e *Engine) Quote(f *facts.Facts, opts ...Option) (*Quote, error) {
	c := e.begin(opts)
	defer e.end(c)
	_, st, err := e.prepare(f, c)
	if err != nil {
		return nil, err
	}
	return withinBudget(quote(st, c.ev, c.o))(c.ev)
}

// prepare checks the facts, chooses the stack and binds an evaluation to
// c's evaluation to it.
func (e *Engine) prepare(f *facts.Facts, c *call) (*rulesets.Registry, *rulesets.Stack, error) {
	o := &c.o
	reg := o.reg
	if reg == nil {
		reg = e.reg.Load()
	}
	if reg == nil {
		return nil, nil, ErrNoRulesets
	}
	if f == nil {
		return nil, nil, errors.New("anzexian: no facts given")
	}
	if err := f.Validate(); err != nil {
		return nil, nil, err
	}
	if (c.reg != reg || c.insurer != o.insurer) && !reg.HasFiling(o.insurer) {
		return nil, nil, unknownInsurer(reg, f.Region, *o)
	}
	c.choose(reg, f.Region, o.insurer)
	st, err := e.stack(c, f, o)
	if err != nil {
		return nil, nil, err
	}
	if err := st.Bind(c.ev, f, o.asOf, o.insurer); err != nil {
		return nil, nil, err
	}
	return reg, st, nil
}

func (e *Engine) stack(c *call, f *facts.Facts, o *options) (*rulesets.Stack, error) {
	reg := c.reg
	if len(o.pinned) == 0 {
		return c.stackOn(o.asOf)
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

// unknownInsurer is the error for an insurer no ruleset of the registry
// files rates for, in any region or year: a misspelt name would otherwise
// price every enterprise under the regulators' rules alone without a word.
func unknownInsurer(reg *rulesets.Registry, region string, o options) error {
	names := reg.Insurers()
	hint := "no insurer has a rate filing among the loaded rulesets; leave --insurer out, or add the filing (--with)"
	if len(names) > 0 {
		hint = "insurers with a filing: " + strings.Join(names, "、")
		if s := suggest.Closest(o.insurer, names); s != "" {
			hint = fmt.Sprintf("did you mean %q? ", s) + hint
		}
	}
	return &rulesets.StackError{Region: region, Date: o.asOf, Insurer: o.insurer, Diagnostics: diag.Diagnostics{{
		Severity: diag.SeverityError, Code: "stack.unknown_insurer",
		Summary: fmt.Sprintf("insurer %q has no rate filing in any loaded ruleset", o.insurer), Hint: hint}}}
}
