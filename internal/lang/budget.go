package lang

import (
	"errors"
	"fmt"
	"math"

	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/shopspring/decimal"
)

// The bounds of one evaluation. A ruleset is data that an analyst, an
// insurer or an edited file (--with) supplies, and the facts are data too:
// neither may make an evaluation run for minutes, grow without bound or
// wrap around.
const (
	// MaxSteps bounds the work of one evaluation: everything the rules of
	// a stack do for one enterprise (an Eval from Reset to the next Reset).
	// A step is one expression evaluated or one item of a list visited
	// (by any, all, none, one, filter, count, map, sum, in, max, min, a
	// function over the facts' lists, or the view of the accidents on a
	// date). The bundled rulesets take 120 steps an enterprise on average
	// (at most 662 on a generated book of 2000), and about 40 an accident:
	// 1.6 million for 40 000 accidents, the most a facts document of 1 MiB
	// holds. The bound leaves them a factor of twelve and stops a rule
	// whose work grows with the square of a list (any(accidents,
	// {any(accidents, …)})) within a second.
	MaxSteps = 20_000_000
	// MaxScale bounds the decimal places of a value inside an expression
	// (trailing zeros aside). Inputs have at most 16 and a division keeps
	// 16, so products of a few of them fit; a value squared again and
	// again does not.
	MaxScale = 64
	// MaxIntDigits bounds the digits before the point of a value inside an
	// expression: inputs stay below 10^15, and the product of two of them
	// below 10^30.
	MaxIntDigits = 40
)

// ErrBudget is the problem of an evaluation that went over [MaxSteps]: the
// rules' work grows faster than the facts (a predicate over a list inside
// a predicate over a list), and no answer is given rather than a partial
// one.
var ErrBudget = errors.New("the rules need more work for this enterprise than one evaluation may do")

// budget counts the work of one evaluation.
type budget struct {
	steps int64
	over  bool
	// at is the first expression that found the budget spent.
	at *Expr
}

// spend counts n steps; past MaxSteps it records ErrBudget as the
// evaluation's problem and reports false: the caller stops and returns a
// zero value.
func (ev *Eval) spend(n int) bool {
	ev.budget.steps += int64(n)
	if ev.budget.steps <= MaxSteps {
		return true
	}
	ev.budget.over = true
	ev.err = errBudgetMsg // overrides any other problem: nothing after it counts
	return false
}

var errBudgetMsg = fmt.Errorf("%w (more than %d steps)", ErrBudget, MaxSteps)

// Exhausted returns an error wrapping [ErrBudget] when the evaluation went
// over its budget since the last Reset, else nil. Answers computed by such
// an evaluation are incomplete: callers return the error instead.
func (ev *Eval) Exhausted() error {
	if !ev.budget.over {
		return nil
	}
	if at := ev.budget.at; at != nil && at.At.Start.IsValid() {
		return fmt.Errorf("%s: %w", at.At, errBudgetMsg)
	}
	return errBudgetMsg
}

// Steps returns the steps spent since the last Reset (for tests and
// benchmarks).
func (ev *Eval) Steps() int64 { return ev.budget.steps }

// numDec is n as a checked decimal (dec), or zero when the expression has
// already failed: its value is then never read, and making a decimal of
// the zero a missing fact leaves would allocate.
func (ev *Eval) numDec(n fixed.Num) decimal.Decimal {
	if ev.err != nil {
		return decimal.Decimal{}
	}
	return ev.dec(n.Dec())
}

// dec checks a decimal computed inside an expression against MaxScale and
// MaxIntDigits: trailing zeros past the scale are dropped, anything else
// past a bound is an error of the expression (the rule is undetermined)
// and the result is zero.
func (ev *Eval) dec(d decimal.Decimal) decimal.Decimal {
	if e := d.Exponent(); e < -MaxScale {
		t := d.Truncate(MaxScale)
		if !t.Equal(d) {
			ev.fail("a value has more than %d decimal places; round it (round(x, scale)) before multiplying further", MaxScale)
			return decimal.Decimal{}
		}
		d = t
	}
	if n := d.NumDigits() + int(d.Exponent()); n > MaxIntDigits {
		ev.fail("a value has more than %d digits before the point", MaxIntDigits)
		return decimal.Decimal{}
	}
	return d
}

// num is dec for a number in fixed point: one whose coefficient is an
// int64 (at most 18 digits) at an exponent within the bounds is within
// them without a look at its digits; any other goes through dec.
func (ev *Eval) num(n fixed.Num) fixed.Num {
	if e := n.Exponent(); n.Fast() && e >= -MaxScale && int(e) <= MaxIntDigits-18 {
		return n
	}
	return fixed.Of(ev.dec(n.Dec()))
}

// Whole-number arithmetic that reports an overflow instead of wrapping
// around.

func (ev *Eval) addInt(a, b int) int {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		ev.fail("whole-number overflow: %d + %d", a, b)
		return 0
	}
	return s
}

func (ev *Eval) subInt(a, b int) int {
	s := a - b
	if (b > 0 && s > a) || (b < 0 && s < a) {
		ev.fail("whole-number overflow: %d - %d", a, b)
		return 0
	}
	return s
}

func (ev *Eval) mulInt(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt) || (b == -1 && a == math.MinInt) {
		ev.fail("whole-number overflow: %d * %d", a, b)
		return 0
	}
	return p
}

func (ev *Eval) negInt(a int) int {
	if a == math.MinInt {
		ev.fail("whole-number overflow: -(%d)", a)
		return 0
	}
	return -a
}
