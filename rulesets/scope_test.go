package rulesets_test

import (
	"strings"
	"testing"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// scopeNational is a national rating baseline for the provincial layers
// below to scope their changes over.
var scopeNational = rsDoc{id: "cn/rating/base", version: "1", kind: "rating", region: "", from: "2021-01-01", extra: `rating:
  bases: [{id: people, text: 人数, rate: "100", formula: rate * employees, cite: {source: s}}]
  factors:
    - {id: a, title: a, cite: {source: s}, cases: [{when: blacklisted, value: "1.10", reason: r}], default: {value: "1.00", reason: r}}
    - {id: b, title: b, cite: {source: s}, cases: [{when: blacklisted, value: "1.20", reason: r}], default: {value: "1.00", reason: r}}
  clamp: {min: "0.70", max: "1.30", cite: {source: s}}
  minimum: {amount: "300", cite: {source: s}}
`}

func scopeStack(t *testing.T, docs ...rsDoc) *rulesets.Stack {
	t.Helper()
	reg, err := rulesets.LoadFiles(files(append([]rsDoc{scopeNational}, docs...)...)...)
	if err != nil {
		t.Fatal(err)
	}
	st, err := reg.Stack("430100", facts.MustParseDate("2022-01-01"), "")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func factorIDs(rt *rulesets.RatingStack) string {
	var ids []string
	for _, f := range rt.Factors {
		ids = append(ids, f.Ruleset.ID+"#"+f.ID)
	}
	return strings.Join(ids, " ")
}

// A layer scoped to a line of business changes the pipeline of the
// enterprises it admits only; what it removes stays for everyone else.
func TestScopedLayerPrograms(t *testing.T) {
	coal := rsDoc{id: "cn.hunan/rating/coal", version: "1", kind: "rating", region: "43", from: "2021-01-01", extra: `rating:
  scope: {sectors: [coal_mine]}
  bases: [{id: capacity, text: 产能, rate: "0.1", formula: rate * employees, cite: {source: s}}]
  remove: [a, {clamp: true}, {minimum: true}]
  factors:
    - {id: c, title: c, cite: {source: s}, cases: [{when: blacklisted, value: "0.90", reason: r}], default: {value: "1.00", reason: r}}
`}
	st := scopeStack(t, coal)
	if len(st.RatingScopes) != 1 || len(st.RatingPrograms) != 2 {
		t.Fatalf("%d scopes, %d programs; want 1 and 2", len(st.RatingScopes), len(st.RatingPrograms))
	}
	general, coalProg := st.RatingPrograms[0], st.RatingPrograms[1]
	if st.Rating != general {
		t.Error("Stack.Rating is not the general program")
	}
	if got := factorIDs(general); got != "cn/rating/base#a cn/rating/base#b" {
		t.Errorf("general program's factors: %s", got)
	}
	if general.Clamp == nil || general.Minimum == nil || len(general.Bases) != 1 || len(general.Removed) != 0 {
		t.Errorf("general program lost the baseline's clamp, minimum or base: %+v", general)
	}
	if got := factorIDs(coalProg); got != "cn/rating/base#b cn.hunan/rating/coal#c" {
		t.Errorf("coal program's factors: %s", got)
	}
	if coalProg.Clamp != nil || coalProg.Minimum != nil {
		t.Error("the coal program keeps the clamp or the minimum it removes")
	}
	if len(coalProg.Bases) != 2 || coalProg.Bases[0].ID != "capacity" {
		t.Errorf("coal program's bases: the scheme's must come first, then the baseline's: %v", coalProg.Bases)
	}
	var removed []string
	for _, m := range coalProg.Removed {
		removed = append(removed, m.What())
	}
	if got := strings.Join(removed, ", "); got != "factor a, clamp, minimum premium" {
		t.Errorf("coal program removed %s", got)
	}
	if len(coalProg.Admitted) != 1 || coalProg.Admitted[0].Ref() != "cn.hunan/rating/coal@1#scope" || coalProg.Admitted[0].Text() != "行业 coal_mine" {
		t.Errorf("coal program admitted by %v", coalProg.Admitted)
	}
}

// An item's scope limits that item; scopes with the same sectors and
// condition in one ruleset are one scope.
func TestScopedItems(t *testing.T) {
	prov := rsDoc{id: "cn.hunan/rating/items", version: "1", kind: "rating", region: "43", from: "2021-01-01", extra: `rating:
  remove: [{factor: b, scope: {sectors: [hazardous_chemicals]}}]
  factors:
    - {id: c, title: c, scope: {sectors: [hazardous_chemicals]}, cite: {source: s}, cases: [{when: blacklisted, value: "1.30", reason: r}], default: {value: "1.00", reason: r}}
  minimum: {amount: "500", scope: {when: employees > 100}, cite: {source: s}}
`}
	st := scopeStack(t, prov)
	if len(st.RatingScopes) != 2 {
		t.Fatalf("%d scopes; want 2 (the two hazardous-chemicals scopes are one)", len(st.RatingScopes))
	}
	for m, rt := range st.RatingPrograms {
		chem, big := m&1 != 0, m&2 != 0
		want := "cn/rating/base#a cn/rating/base#b"
		if chem {
			want = "cn/rating/base#a cn.hunan/rating/items#c"
		}
		if got := factorIDs(rt); got != want {
			t.Errorf("program %b: factors %s, want %s", m, got, want)
		}
		if amount, _ := rt.Minimum.Amount.ConstDec(); (amount.String() == "500") != big {
			t.Errorf("program %b: minimum %s", m, amount)
		}
	}
}

// Two scoped layers of one level that both apply and set the same thing
// are recorded as competing (answers say so), and lint warns when their
// sectors overlap.
func TestCompetingScopedLayers(t *testing.T) {
	doc := func(id, sector string) rsDoc {
		return rsDoc{id: id, version: "1", kind: "rating", region: "43", from: "2021-01-01", extra: `rating:
  scope: {sectors: [` + sector + `]}
  bases: [{id: own, text: 自有, rate: "1", formula: rate * employees, cite: {source: s}}]
`}
	}
	st := scopeStack(t, doc("cn.hunan/rating/x", "coal_mine"), doc("cn.hunan/rating/y", "non_coal_mine"))
	both := st.RatingPrograms[3]
	if len(both.Competing) != 1 || !strings.Contains(both.Competing[0], "cn.hunan/rating/x@1 and cn.hunan/rating/y@1 both apply and both set the base") {
		t.Errorf("a coal and non-coal mine under both schemes: competing %q", both.Competing)
	}
	for _, m := range []int{0, 1, 2} {
		if len(st.RatingPrograms[m].Competing) != 0 {
			t.Errorf("program %b: competing %q", m, st.RatingPrograms[m].Competing)
		}
	}
}
