package lang

import (
	"testing"
	"time"

	"github.com/anzexian/anzexian/facts"
)

// windowEndLoop is WindowEnd by its definition: the last day e whose
// window of years reaches back to a (e − years is not before a … the day
// before it is).
func windowEndLoop(a facts.Date, years int) facts.Date {
	e := a.AddYears(years)
	for !e.IsZero() && !e.AddYears(-years).Before(a) {
		e = e.AddDays(-1)
	}
	return e
}

// WindowEnd's shortcut for days other than 29 February gives the day the
// definition gives, for every day of 1995–2035 (leap days, 1 March and
// year ends included) and windows of -3 to 100 years.
func TestWindowEndShortcut(t *testing.T) {
	start, end := facts.NewDate(1995, time.January, 1), facts.NewDate(2035, time.December, 31)
	for d := start; !d.After(end); d = d.AddDays(1) {
		for _, y := range []int{-3, 0, 1, 2, 3, 4, 5, 8, 10, 100} {
			if got, want := WindowEnd(d, y), windowEndLoop(d, y); got != want {
				t.Fatalf("WindowEnd(%s, %d) = %s, want %s", d, y, got, want)
			}
		}
	}
}
