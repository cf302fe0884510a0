package rulesets_test

import (
	"sync"
	"testing"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// TestMemoAt: each key made by NewMemoKey has its own memo on each stack,
// the first value computed is kept (also when goroutines race to compute
// it), and keys beyond those found by index (and the zero key) still work,
// as Memo's keys.
func TestMemoAt(t *testing.T) {
	reg, err := rulesets.Load(rulesets.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	stA, err := reg.Stack("430100", facts.MustParseDate("2026-01-01"), "")
	if err != nil {
		t.Fatal(err)
	}
	stB, err := reg.Stack("330382", facts.MustParseDate("2026-01-01"), "")
	if err != nil {
		t.Fatal(err)
	}
	keys := []rulesets.MemoKey{{}} // the zero key, then more than MemoAt finds by index
	for range 40 {
		keys = append(keys, rulesets.NewMemoKey())
	}
	for _, st := range []*rulesets.Stack{stA, stB} {
		var wg sync.WaitGroup
		got := make([][]any, 8)
		for g := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, k := range keys {
					got[g] = append(got[g], st.MemoAt(k, func() any { return &[2]int{i, g} }))
				}
			}()
		}
		wg.Wait()
		for i, k := range keys {
			first := got[0][i]
			if v := first.(*[2]int); v[0] != i {
				t.Fatalf("key %d holds the value of key %d", i, v[0])
			}
			for g := range got {
				if got[g][i] != first {
					t.Fatalf("key %d: goroutine %d got another value than goroutine 0: the first value computed must be kept", i, g)
				}
			}
			if again := st.MemoAt(k, func() any { return "recomputed" }); again != first {
				t.Fatalf("key %d: computed again after it was kept", i)
			}
		}
	}
	if stA.MemoAt(keys[5], nil) == stB.MemoAt(keys[5], nil) {
		t.Fatal("two stacks share a memo")
	}
}
