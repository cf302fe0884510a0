package penalties

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/anzexian/anzexian/facts"
)

// TestSinceOrder checks sinceOrder, which sorts positions, against sorting
// the penalties themselves with sort.SliceStable and the same comparison:
// penalties without a day keep their place relative to the others, so the
// order depends on the algorithm, and must not change.
func TestSinceOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for round := range 500 {
		n := rng.IntN(80)
		ps := make([]Penalty, n)
		for i := range ps {
			ps[i].Violation = strconv.Itoa(i)
			if rng.IntN(4) > 0 { // a quarter without a day
				ps[i].Since = facts.NewDate(2020, time.January, 1+rng.IntN(40))
			}
		}
		want := append([]Penalty(nil), ps...)
		less := func(a, b *Penalty) bool {
			return !a.Since.IsZero() && !b.Since.IsZero() && a.Since != b.Since && a.Since.Before(b.Since)
		}
		sort.SliceStable(want, func(i, j int) bool { return less(&want[i], &want[j]) })
		order := sinceOrder(ps, nil)
		if len(order) != n {
			t.Fatalf("round %d: %d positions for %d penalties", round, len(order), n)
		}
		for i, k := range order {
			if ps[k].Violation != want[i].Violation {
				t.Fatalf("round %d, %d penalties: position %d holds %s, want %s", round, n, i, ps[k].Violation, want[i].Violation)
			}
		}
	}
}
