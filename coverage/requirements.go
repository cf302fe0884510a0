package coverage

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/jsonw"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// Requirements are the terms a compliant policy must meet, merged across the
// stack, in the order of [rulesets.RequirementFields]. Only fields that some
// rule sets appear.
type Requirements struct {
	Items []Requirement
}

// Requirement is one merged term.
type Requirement struct {
	Field string `json:"field"`
	Label string `json:"label"`
	// Value is a decimal.Decimal (minimum amounts), bool (duties),
	// []string (lists) or string (levels and the term).
	Value any     `json:"value"`
	Basis []Basis `json:"basis"`
}

// Basis is a rule that sets a requirement field. Binding marks the rules
// whose value is the merged value (a lower minimum of another layer, or a
// term stated by a less local layer, is shown but does not bind).
type Basis struct {
	Rule    string              `json:"rule"`
	Text    string              `json:"text"`
	Value   any                 `json:"value"`
	Binding bool                `json:"binding"`
	Cite    []rulesets.Citation `json:"cite"`
}

// Get returns the requirement for field, if any rule set it.
func (q Requirements) Get(field string) (Requirement, bool) {
	for _, it := range q.Items {
		if it.Field == field {
			return it, true
		}
	}
	return Requirement{}, false
}

// Decimal returns a minimum amount requirement.
func (q Requirements) Decimal(field string) (decimal.Decimal, bool) {
	it, ok := q.Get(field)
	if !ok {
		return decimal.Decimal{}, false
	}
	d, ok := it.Value.(decimal.Decimal)
	return d, ok
}

// Bool reports whether a duty is imposed.
func (q Requirements) Bool(field string) bool {
	it, ok := q.Get(field)
	if !ok {
		return false
	}
	b, _ := it.Value.(bool)
	return b
}

// String returns a level or the term.
func (q Requirements) String(field string) string {
	it, ok := q.Get(field)
	if !ok {
		return ""
	}
	s, _ := it.Value.(string)
	return s
}

// List returns a list requirement.
func (q Requirements) List(field string) []string {
	it, ok := q.Get(field)
	if !ok {
		return nil
	}
	l, _ := it.Value.([]string)
	return l
}

// MarshalJSON writes the requirements as an object keyed by field, in
// catalogue order, with amounts as decimal strings.
func (q Requirements) MarshalJSON() ([]byte, error) { return q.AppendJSON(nil), nil }

// AppendJSON appends the JSON form of q (the bytes MarshalJSON writes) to
// dst, without reflection.
func (q Requirements) AppendJSON(dst []byte) []byte {
	w := jsonw.W{B: append(dst, '{')}
	for i := range q.Items {
		it := &q.Items[i]
		w.Elem(i)
		w.B = jsonw.AppendString(w.B, it.Field)
		w.B = append(w.B, ':')
		w.Open()
		w.Str("label", it.Label)
		w.Key("value")
		appendValue(&w, it.Value)
		w.Key("basis")
		if it.Basis == nil {
			w.Null()
		} else {
			w.B = append(w.B, '[')
			for j := range it.Basis {
				w.Elem(j)
				it.Basis[j].appendJSON(&w)
			}
			w.B = append(w.B, ']')
		}
		w.Close()
	}
	return append(w.B, '}')
}

// appendValue writes a requirement's value: an amount as a decimal
// string, anything else as encoding/json writes it.
func appendValue(w *jsonw.W, v any) {
	switch x := v.(type) {
	case decimal.Decimal:
		w.DecValue(x)
	case bool:
		w.B = strconv.AppendBool(w.B, x)
	case string:
		w.B = jsonw.AppendString(w.B, x)
	case []string:
		w.StrList(x)
	case nil:
		w.Null()
	default:
		b, err := json.Marshal(x)
		if err != nil {
			b = []byte("null")
		}
		w.B = append(w.B, b...)
	}
}

// MarshalJSON writes a basis with its value in JSON form.
func (b Basis) MarshalJSON() ([]byte, error) {
	var w jsonw.W
	b.appendJSON(&w)
	return w.B, nil
}

func (b *Basis) appendJSON(w *jsonw.W) {
	w.Open()
	w.Str("rule", b.Rule)
	w.Str("text", b.Text)
	w.Key("value")
	appendValue(w, b.Value)
	w.Bool("binding", b.Binding)
	w.Cites("cite", b.Cite)
	w.Close()
}

var levelRank = map[string]int{"": 0, "encouraged": 1, "required": 2}

// mergeRequirements evaluates the requirement rules of the stack and merges
// the values they set. The merge depends only on which rules apply, so it
// is prepared once per stack for each such set (see stackMemo).
func mergeRequirements(st *rulesets.Stack, ev *lang.Eval, opt Options, und *[]rulesets.Undetermined, trace *Trace) *merged {
	m := memoOf(st)
	var mask uint64
	var matched []int
	for i, r := range st.Requirements {
		ok, err := r.When.Bool(ev)
		if opt.Trace {
			*trace = append(*trace, rulesets.TraceEntry{Rule: r.Ref(), Kind: "requirement", Outcome: answer.Outcome(ok, err), Missing: answer.MissingOf(err)})
		}
		if err != nil {
			*und = append(*und, answer.UndeterminedOf(r.Ref(), "requirement", err))
			continue
		}
		if !ok {
			continue
		}
		if m.mergeable {
			mask |= 1 << uint(i)
		} else {
			matched = append(matched, i)
		}
	}
	if m.mergeable {
		return m.mergedFor(st, mask)
	}
	return newMerged(mergeRules(st, ev, m, matched))
}

// mergeSets merges the requirement rules in mask (bit i: rule i), whose
// citations are static.
func mergeSets(st *rulesets.Stack, ev *lang.Eval, m *stackMemo, mask uint64) Requirements {
	var idx []int
	for i := range st.Requirements {
		if mask&(1<<uint(i)) != 0 {
			idx = append(idx, i)
		}
	}
	return mergeRules(st, ev, m, idx)
}

// mergeRules merges the values set by the requirement rules idx (indexes
// of Stack.Requirements, in order).
func mergeRules(st *rulesets.Stack, ev *lang.Eval, m *stackMemo, idx []int) Requirements {
	type set struct {
		rule  *rulesets.RequirementRule
		value rulesets.RequirementValue
		layer int
		order int
	}
	byField := map[string][]set{}
	for _, i := range idx {
		r := st.Requirements[i]
		for _, v := range r.Set {
			byField[v.Field.Name] = append(byField[v.Field.Name], set{rule: r, value: v, layer: m.layer[i], order: i})
		}
	}
	var out Requirements
	for _, f := range rulesets.RequirementFields {
		sets := byField[f.Name]
		if len(sets) == 0 {
			continue
		}
		it := Requirement{Field: f.Name, Label: f.Label}
		binding := make([]bool, len(sets))
		switch f.Merge {
		case rulesets.MergeMax:
			best := sets[0].value.Dec
			for _, s := range sets[1:] {
				if s.value.Dec.GreaterThan(best) {
					best = s.value.Dec
				}
			}
			it.Value = best
			for i, s := range sets {
				binding[i] = s.value.Dec.Equal(best)
			}
		case rulesets.MergeOr:
			it.Value = true
			for i := range sets {
				binding[i] = true
			}
		case rulesets.MergeUnion:
			seen := map[string]bool{}
			var list []string
			for i, s := range sets {
				binding[i] = true
				for _, x := range s.value.List {
					if !seen[x] {
						seen[x] = true
						list = append(list, x)
					}
				}
			}
			order := map[string]int{}
			for i, c := range f.Codes {
				order[c.Code] = i
			}
			sort.SliceStable(list, func(i, j int) bool { return order[list[i]] < order[list[j]] })
			it.Value = clip(list)
		case rulesets.MergeStrongest:
			best := ""
			for _, s := range sets {
				if levelRank[s.value.Str] > levelRank[best] {
					best = s.value.Str
				}
			}
			it.Value = best
			for i, s := range sets {
				binding[i] = s.value.Str == best
			}
		case rulesets.MergeLocal:
			// the most local layer's statement; within a layer the last
			// rule that applies (rules go from general to specific)
			win := 0
			for i, s := range sets {
				if s.layer > sets[win].layer || (s.layer == sets[win].layer && s.order > sets[win].order) {
					win = i
				}
			}
			it.Value = sets[win].value.Str
			binding[win] = true
		}
		it.Basis = make([]Basis, 0, len(sets))
		for i, s := range sets {
			var v any
			switch f.Type {
			case "decimal":
				v = s.value.Dec
			case "bool":
				v = s.value.Bool
			case "codes":
				v = s.value.List
			default:
				v = s.value.Str
			}
			it.Basis = append(it.Basis, Basis{Rule: s.rule.Ref(), Text: s.rule.Text, Value: v, Binding: binding[i],
				Cite: m.reqs[s.order].Get(ev, s.rule.Ruleset, s.rule.Cite)})
		}
		out.Items = append(out.Items, it)
	}
	out.Items = clip(out.Items)
	return out
}
