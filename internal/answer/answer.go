package answer

import (
	"errors"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Citations returns the citations of cites that apply (whose when: holds).
// A citation whose condition cannot be decided is kept: it is better to show
// a basis that may apply than to hide one that does.
func Citations(ev *lang.Eval, rs *rulesets.Ruleset, cites []*rulesets.Cite) []rulesets.Citation {
	// which apply, then one list of their number (a list grown by append
	// allocated up to four times for a rule's citations)
	var applies uint64
	n := 0
	for i, c := range cites {
		if i >= 64 {
			break
		}
		ok, err := c.When.Bool(ev)
		if err != nil || ok {
			applies |= 1 << uint(i)
			n++
		}
	}
	out := make([]rulesets.Citation, 0, n+max(0, len(cites)-64))
	for i, c := range cites {
		if i < 64 {
			if applies&(1<<uint(i)) != 0 {
				out = append(out, c.Citation(rs))
			}
			continue
		}
		ok, err := c.When.Bool(ev)
		if err != nil || ok {
			out = append(out, c.Citation(rs))
		}
	}
	return out
}

// UndeterminedOf describes err as an Undetermined for rule.
func UndeterminedOf(rule, kind string, err error) rulesets.Undetermined {
	u := rulesets.Undetermined{Rule: rule, Kind: kind}
	if ee := evalErrorOf(err); ee != nil {
		u.Missing = ee.Missing
		if ee.Msg != "" {
			u.Error = ee.Msg
		}
	} else if err != nil {
		u.Error = err.Error()
	}
	return u
}

// Outcome names the result of a condition for the trace.
func Outcome(ok bool, err error) string {
	switch {
	case err != nil:
		return "undetermined"
	case ok:
		return "matched"
	}
	return "not_matched"
}

// MissingOf returns the missing facts named by err, if it is an EvalError.
func MissingOf(err error) []string {
	if ee := evalErrorOf(err); ee != nil {
		return ee.Missing
	}
	return nil
}

// evalErrorOf is errors.As for *EvalError, without its allocation in the
// common cases (no error, or an *EvalError itself).
func evalErrorOf(err error) *lang.EvalError {
	if err == nil {
		return nil
	}
	if ee, ok := err.(*lang.EvalError); ok {
		return ee
	}
	var ee *lang.EvalError
	if errors.As(err, &ee) {
		return ee
	}
	return nil
}

// Cleared returns *p set to zero, made first when there is none: the part
// of an answer a caller's room (anzexian.Scratch) holds for the next one.
func Cleared[T any](p **T) *T {
	if *p == nil {
		*p = new(T)
	} else {
		var zero T
		**p = zero
	}
	return *p
}

// CiteMemo is the citations of one rule prepared once per stack: when
// none of them carries a condition (Static), they are the same for every
// enterprise and answers share Cites (appending to it copies).
type CiteMemo struct {
	Cites  []rulesets.Citation
	Static bool
}

// NewCiteMemo prepares the citations of a rule of rs.
func NewCiteMemo(rs *rulesets.Ruleset, cites []*rulesets.Cite) CiteMemo {
	out, ok := rulesets.StaticCitations(rs, cites)
	return CiteMemo{Cites: out[:len(out):len(out)], Static: ok}
}

// Get returns the rule's citations for the evaluation: the shared ones
// when static, else those whose conditions hold on ev.
func (m *CiteMemo) Get(ev *lang.Eval, rs *rulesets.Ruleset, cites []*rulesets.Cite) []rulesets.Citation {
	if m.Static {
		return m.Cites
	}
	return Citations(ev, rs, cites)
}
