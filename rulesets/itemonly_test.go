package rulesets_test

import (
	"fmt"
	"testing"
)

// The penalties compare the law of the day a violation happened with the
// law of the decision without moving between the two days for a rule
// whose condition reads only its occurrence, and only when the
// occurrence's fields are its own values (an accident's), not values the
// Eval's date decides (an order's overdue days, a date after the as-of
// date left out). ReadsOnlyItem and ItemsReadAlike say so.
func TestReadsOnlyItem(t *testing.T) {
	for _, c := range []struct {
		each, when  string
		only, alike bool
	}{
		{"accidents", `item.unit_liable && item.grade == "ordinary"`, true, true},
		{"accidents", `item.date >= date("2021-07-15") && item.deaths > 0`, true, true},
		{"accidents", `item.direct_loss >= 1000000 || item.especially_serious`, true, true},
		{"accidents", `item.deaths > 0 && employees > 10`, false, true},             // a fact
		{"accidents", `item.unit_liable && obligation == "mandatory"`, false, true}, // the obligation
		{"accidents", `item.date > as_of`, false, true},                             // the as-of date
		{"accidents", `item.deaths > 0 && len(accidents_within(3)) > 1`, false, true},
		{"accidents", `item.unit_liable && big`, false, true}, // a declared name
		{"enforcement_records", `item.kind == "order"`, true, false},
		{"overdue_periods", `item.days > 30`, true, false},
		{"uninsured_periods", `item.days > 0`, true, false},
	} {
		doc := header("cn/test/item", "1", "law", "", "2000-01-01") + "let:\n  big: employees > 100\npenalties:\n" +
			fmt.Sprintf("  - {id: p, title: t, each: %s, on: item.date, when: '%s', fine: {min: \"1\", max: \"2\"}, cite: {source: s}}\n", c.each, c.when)
		if c.each == "overdue_periods" || c.each == "uninsured_periods" {
			doc = header("cn/test/item", "1", "law", "", "2000-01-01") + "let:\n  big: employees > 100\npenalties:\n" +
				fmt.Sprintf("  - {id: p, title: t, each: %s, continuing: true, when: '%s', fine: {min: \"1\", max: \"2\"}, cite: {source: s}}\n", c.each, c.when)
		}
		rs := loadDoc(t, doc).Ruleset("cn/test/item@1")
		r := rs.Penalties[0]
		if got := r.When.ReadsOnlyItem(); got != c.only {
			t.Errorf("%s: ReadsOnlyItem = %v, want %v", c.when, got, c.only)
		}
		if got := r.Each.ItemsReadAlike(); got != c.alike {
			t.Errorf("each: %s: ItemsReadAlike = %v, want %v", c.each, got, c.alike)
		}
	}
}
