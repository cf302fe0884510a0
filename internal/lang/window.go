package lang

import (
	"sort"
	"time"

	"github.com/anzexian/anzexian/facts"
)

// A window predicate is any(accidents_within(N), P) (or none) where P
// reads nothing but the accident: whether it holds on a day d depends only
// on which accidents satisfying P lie in the window of d. Rather than
// filtering the accidents on every day the timeline asks about, the
// predicate is decided once per accident and the days it holds are kept as
// a union of intervals [A, end of A's window]: asking costs a binary
// search, and the answer says when it next changes (the horizon).

// windowSpec is one compiled window predicate.
type windowSpec struct {
	years int
	pred  func(*Eval) bool
}

// windowEntry is the index of a window predicate for the facts of one
// evaluation.
type windowEntry struct {
	spec   *windowSpec
	iv     []facts.Period
	failed bool
}

// WindowEnd returns the last day d on which an accident dated a is among
// accidents_within(years) at d: the day before the same date years later,
// or 28 February for an accident on 29 February when the later year has no
// 29th (accidents_within counts an accident dated after d minus years).
func WindowEnd(a facts.Date, years int) facts.Date {
	if a.IsZero() {
		return a
	}
	if _, m, d := a.Parts(); m != time.February || d != 29 {
		// a's day exists in every year: the window ends the day before
		// its anniversary (the loop below finds the same day)
		if e := a.AddYears(years); !e.IsZero() {
			return e.AddDays(-1)
		}
	}
	e := a.AddYears(years)
	for !e.IsZero() && !e.AddYears(-years).Before(a) {
		e = e.AddDays(-1)
	}
	return e
}

// windowAny answers a window predicate on the evaluation date; ok is false
// when the index cannot be built (the predicate failed on some accident),
// and the caller evaluates it directly.
func (ev *Eval) windowAny(s *windowSpec) (holds, ok bool) {
	var e *windowEntry
	for i := range ev.windows {
		if ev.windows[i].spec == s {
			e = &ev.windows[i]
			break
		}
	}
	if e == nil {
		ev.windows = append(ev.windows, windowEntry{spec: s})
		e = &ev.windows[len(ev.windows)-1]
		ev.buildWindow(e)
	}
	if e.failed {
		return false, false
	}
	iv, d := e.iv, ev.asOf
	i := sort.Search(len(iv), func(i int) bool { return !iv[i].To.Before(d) })
	if i < len(iv) && !d.Before(iv[i].From) {
		ev.limit(iv[i].To.AddDays(1))
		return true, true
	}
	if i < len(iv) {
		ev.limit(iv[i].From)
	}
	return false, true
}

func (ev *Eval) buildWindow(e *windowEntry) {
	acc := ev.History().Accidents
	err, missing := ev.err, len(ev.missing)
	ev.err = nil
	for i := range acc {
		ev.objItems = append(ev.objItems, &acc[i])
		ok := e.spec.pred(ev)
		ev.objItems = ev.objItems[:len(ev.objItems)-1]
		if ev.err != nil {
			e.failed, e.iv = true, nil
			break
		}
		if !ok {
			continue
		}
		from, to := acc[i].Date, WindowEnd(acc[i].Date, e.spec.years)
		if n := len(e.iv); n > 0 && !from.After(e.iv[n-1].To.AddDays(1)) {
			if to.After(e.iv[n-1].To) {
				e.iv[n-1].To = to
			}
			continue
		}
		e.iv = append(e.iv, facts.Period{From: from, To: to})
	}
	ev.err, ev.missing = err, ev.missing[:missing]
}
