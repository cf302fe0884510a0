package penalties

import (
	"github.com/anzexian/anzexian/internal/cowmap"
	"github.com/anzexian/anzexian/rulesets"
)

// What depends only on the stack is prepared once per stack (Stack.Memo)
// and shared by every answer built on it: for each violation, the rules it
// rests on, its citations, measures, consequences and note merged across
// the restating rules, its discretion tiers, and a constant fine range
// rounded once. Penalties share these slices; they are never modified.

var memoKey = rulesets.NewMemoKey()

type stackMemo struct {
	byID map[string]int // violation id -> index in Stack.Penalties
	vios []vioMemo      // parallel to Stack.Penalties
	// others holds, by a stack of another date, where each of this
	// stack's violations is in it (otherStack)
	others cowmap.Map[*rulesets.Stack, *otherStack]
}

// otherStack is another stack, its memo, and the index in it of each
// violation of the stack whose memo holds it (-1: it has none of that
// id).
type otherStack struct {
	st   *rulesets.Stack
	memo *stackMemo
	idx  []int32
}

// maxOtherStacks bounds the stacks of other dates a stack's memo keeps:
// a region has a few law versions.
const maxOtherStacks = 64

// other returns st as seen from the stack self (whose memo m is).
func (m *stackMemo) other(self, st *rulesets.Stack) *otherStack {
	if o, ok := m.others.Load(st); ok {
		return o
	}
	o := &otherStack{st: st, memo: memoOf(st), idx: make([]int32, len(self.Penalties))}
	for i, v := range self.Penalties {
		o.idx[i] = -1
		if j, ok := o.memo.byID[v.ID]; ok {
			o.idx[i] = int32(j)
		}
	}
	return m.others.Store(st, o, maxOtherStacks)
}

type vioMemo struct {
	index int // of the violation in its stack
	rules []string
	// cites are the merged citations when every rule's are static;
	// unverified: some citation of the defining rule is unverified.
	cites        []rulesets.Citation
	citesStatic  bool
	unverified   bool
	mainStatic   bool // the defining rule's citations are static
	measures     []string
	consequences []string
	note         string
	tiers        []*rulesets.Tier
	tierRules    []*rulesets.PenaltyRule
	// fine is the rounded range when both bounds are constants.
	fine *Range
	// itemOnly: the rule's condition reads only its occurrence, whose
	// fields read the same whatever the Eval's stack and date
	itemOnly bool
}

func memoOf(st *rulesets.Stack) *stackMemo {
	return st.MemoAt(memoKey, func() any { return newStackMemo(st) }).(*stackMemo)
}

func newStackMemo(st *rulesets.Stack) *stackMemo {
	m := &stackMemo{byID: make(map[string]int, len(st.Penalties)), vios: make([]vioMemo, len(st.Penalties))}
	for i, v := range st.Penalties {
		m.byID[v.ID] = i
		r := v.Rule
		vm := &m.vios[i]
		vm.index = i
		vm.rules = []string{r.Ref()}
		main, ok := rulesets.StaticCitations(r.Ruleset, r.Cite)
		vm.mainStatic, vm.citesStatic = ok, ok
		for _, c := range main {
			if c.Unverified {
				vm.unverified = true
			}
		}
		cites := main
		vm.measures = append([]string{}, r.Measures...)
		vm.consequences = r.Consequences
		vm.note = r.Note
		vm.tiers = append(vm.tiers, r.Tiers...)
		for range r.Tiers {
			vm.tierRules = append(vm.tierRules, r)
		}
		for _, rr := range v.Restating {
			vm.rules = append(vm.rules, rr.Ref())
			rc, ok := rulesets.StaticCitations(rr.Ruleset, rr.Cite)
			vm.citesStatic = vm.citesStatic && ok
			cites = mergeCites(cites, rc)
			vm.measures = mergeStrings(vm.measures, rr.Measures)
			vm.consequences = mergeStrings(vm.consequences, rr.Consequences)
			if rr.Note != "" {
				vm.note = joinNote(vm.note, rr.Note)
			}
			vm.tiers = append(vm.tiers, rr.Tiers...)
			for range rr.Tiers {
				vm.tierRules = append(vm.tierRules, rr)
			}
		}
		if vm.citesStatic {
			vm.cites = clip(cites)
		}
		vm.rules, vm.measures, vm.consequences = clip(vm.rules), clip(vm.measures), clip(vm.consequences)
		vm.itemOnly = !r.Continuing && r.Each.ItemsReadAlike() && r.When.ReadsOnlyItem()
		if f := r.Fine; f != nil {
			lo, ok1 := f.Min.Literal()
			hi, ok2 := f.Max.Literal()
			if ok1 && ok2 {
				vm.fine = &Range{Min: lo.Round(2), Max: hi.Round(2)}
			}
		}
	}
	return m
}

// clip makes appending to a shared slice copy it.
func clip[T any](s []T) []T { return s[:len(s):len(s)] }
