package lang

import (
	"slices"
	"testing"
)

// Every function is either pure or names the facts it reads (funcReads):
// a function added later must say which, so that ReadsOnlyItem cannot take
// a call that reads the facts, or the as-of date, for one that does not.
func TestFunctionsArePureOrRead(t *testing.T) {
	for name, f := range Functions {
		if _, reads := funcReads[name]; f.pure == reads {
			t.Errorf("%s: pure %v, reads facts %v: exactly one must hold", name, f.pure, reads)
		}
	}
}

// The object types whose fields are all their own values (own, ownOpt):
// reading an item reads the same on any day (a refusal's days were counted
// when the list was made, once). An order's record, an overdue stretch or
// a policy period reads the Eval's date (a date after it is left out; days
// run to it) and must not be among them.
func TestEvalFreeObjects(t *testing.T) {
	var free []string
	for _, o := range objTypes {
		if o.evalFree {
			free = append(free, o.name)
		}
	}
	slices.Sort(free)
	t.Logf("eval-free: %v", free)
	for _, name := range []string{"accident", "site", "refusal"} {
		if !slices.Contains(free, name) {
			t.Errorf("%s is not eval-free", name)
		}
	}
	for _, name := range []string{"enforcement_record", "overdue_period", "policy_period", "hazards", "enforcement", "deficiency", "period"} {
		if slices.Contains(free, name) {
			t.Errorf("%s is eval-free: some of its fields read the Eval", name)
		}
	}
}
