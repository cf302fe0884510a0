package facts

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// recordIssue is a problem with one record's own fields.
type recordIssue struct{ key, msg, hint string }

// check reports the fields of rec that do not fit its kind or its dates.
func (rec *Record) check() []recordIssue {
	var out []recordIssue
	add := func(key, hint, format string, args ...any) {
		out = append(out, recordIssue{key, fmt.Sprintf(format, args...), hint})
	}
	only := func(key string, set bool, kinds ...string) {
		if !set {
			return
		}
		for _, k := range kinds {
			if rec.Kind == k {
				return
			}
		}
		add(key, fmt.Sprintf("%s belongs on a record of kind %s", key, strings.Join(kinds, " or ")), "a record of kind %s has no %s", rec.Kind, key)
	}
	only("deadline", rec.Deadline != nil, "order", "deadline")
	only("rectified_on", rec.RectifiedOn != nil, "order")
	only("amount", rec.Amount != nil, "fine")
	only("tier", rec.Tier != "", "fine")
	only("result", rec.Result != "", "inspection")
	only("measure", rec.Measure != "", "decision")
	if rec.Kind == "fine" && rec.Amount == nil {
		add("amount", "add amount: the fine imposed in CNY (原处罚数额)", "a fine record needs its amount")
	}
	if rec.Kind == "deadline" && rec.Deadline == nil {
		add("deadline", "add deadline: YYYY-MM-DD, the new last day of the 限期", "a deadline record needs the new deadline")
	}
	if rec.Tier == "overdue" && rec.Subject != "insurance" {
		add("tier", "tiers are those of 第一百零九条, about insurance", "tier overdue is for fines about insurance")
	}
	if d := rec.Deadline; d != nil && !rec.Date.IsZero() && d.Before(rec.Date) {
		add("deadline", "a deadline (限期) ends on or after the day it is set", "deadline (%s) is before the record (%s)", d, rec.Date)
	}
	if d := rec.RectifiedOn; d != nil && !rec.Date.IsZero() && d.Before(rec.Date) {
		add("rectified_on", "the first compliant day after an order is on or after the order", "rectified_on (%s) is before the order (%s)", d, rec.Date)
	}
	if p := rec.Period; p != nil {
		if p.To.Before(p.From) {
			add("period", "period: {from, to}, both days included", "the period ends (%s) before it starts (%s)", p.To, p.From)
		} else if !rec.Date.IsZero() && p.To.After(rec.Date) {
			add("period", "a record can only be about days up to its own date", "the period ends (%s) after the record's date (%s)", p.To, rec.Date)
		}
	}
	return out
}

// recordProblem is a problem across records, or between the records and
// enforcement.
type recordProblem struct {
	index     int // record index, -1 for none
	path      string
	msg, hint string
}

// checkRecords checks what involves more than one record: a deadline
// record needs an earlier order about the same subject, and enforcement,
// when given with the records, must be the latest of them about
// insurance.
func checkRecords(f *Facts) []recordProblem {
	var out []recordProblem
	recs := f.EnforcementRecords
	hasDeadline := false
	for i := range recs {
		hasDeadline = hasDeadline || recs[i].Kind == "deadline"
	}
	if hasDeadline {
		var room [16]int
		lastOrders(recs, sortedRecordIndexes(room[:0], recs), func(i, o int) {
			if recs[i].Kind == "deadline" && o < 0 {
				out = append(out, recordProblem{i, fmt.Sprintf("enforcement_records[%d]", i),
					fmt.Sprintf("the deadline record of %s has no earlier order about %s to extend", recs[i].Date, recs[i].Subject),
					"a deadline record extends the deadline of the latest earlier order with the same subject; add that order"})
			}
		})
		sort.SliceStable(out, func(a, b int) bool { return out[a].index < out[b].index })
	}
	if f.Enforcement != nil && len(recs) > 0 {
		want := LatestEnforcement(recs)
		if !sameEnforcement(f.Enforcement, want) {
			out = append(out, recordProblem{-1, "enforcement",
				fmt.Sprintf("enforcement (%s) differs from the latest enforcement_records about insurance (%s)", enforcementText(f.Enforcement), enforcementText(want)),
				"enforcement is the latest order, fine and refusing inspection about insurance: make it agree with enforcement_records, or give only the records"})
		}
	}
	return out
}

// lastOrders calls visit(i, o) for every record recs[i], in the order idx
// gives (date order: SortedRecordIndexes), with o the index of the latest
// order about the same subject before it in that order (dated earlier, or
// the same day and earlier in the list), or -1. One pass after the sort.
func lastOrders(recs []Record, idx []int, visit func(i, o int)) {
	type last struct {
		subject string
		order   int
	}
	var buf [8]last
	seen := buf[:0] // subjects are a small vocabulary
	for _, i := range idx {
		r := &recs[i]
		k := -1
		for j := range seen {
			if seen[j].subject == r.Subject {
				k = j
				break
			}
		}
		if k < 0 {
			seen = append(seen, last{r.Subject, -1})
			k = len(seen) - 1
		}
		visit(i, seen[k].order)
		if r.Kind == "order" {
			seen[k].order = i
		}
	}
}

// EffectiveDeadlines appends to dst, for each record of recs, the
// deadline in effect for it if it is an order: its own, or the one the
// latest deadline record about the same subject set before the next order
// about that subject; the zero Date for other records and orders without
// a deadline. recs must be in date order (records of one day in their
// list order), as SortedRecordIndexes gives it. One pass.
func EffectiveDeadlines(dst []Date, recs []Record) []Date {
	base := len(dst)
	for i := range recs {
		var d Date
		if recs[i].Kind == "order" && recs[i].Deadline != nil {
			d = *recs[i].Deadline
		}
		dst = append(dst, d)
	}
	type last struct {
		subject string
		order   int
	}
	var buf [8]last
	seen := buf[:0] // subjects are a small vocabulary
	for i := range recs {
		r := &recs[i]
		if r.Kind != "order" && r.Kind != "deadline" {
			continue
		}
		k := -1
		for j := range seen {
			if seen[j].subject == r.Subject {
				k = j
				break
			}
		}
		switch {
		case r.Kind == "order" && k < 0:
			seen = append(seen, last{r.Subject, i})
		case r.Kind == "order":
			seen[k].order = i
		case k >= 0 && r.Deadline != nil:
			dst[base+seen[k].order] = *r.Deadline
		}
	}
	return dst
}

// effectiveDeadline returns the deadline in effect for the order recs[i]
// (see EffectiveDeadlines); recs in any order.
func effectiveDeadline(recs []Record, i int) *Date {
	d := recs[i].Deadline
	var room [16]int
	lastOrders(recs, sortedRecordIndexes(room[:0], recs), func(j, o int) {
		if o == i && recs[j].Kind == "deadline" && recs[j].Deadline != nil {
			d = recs[j].Deadline
		}
	})
	return d
}

// ExpandEnforcement returns the records that an enforcement of the facts
// contract stands for, all about insurance: the order (with its deadline
// and rectification), the fine, and the re-inspection that found the order
// refused.
func ExpandEnforcement(e *Enforcement) []Record {
	if e == nil {
		return nil
	}
	var out []Record
	if e.OrderedOn != nil {
		out = append(out, Record{Kind: "order", Date: *e.OrderedOn, Subject: "insurance", Deadline: e.Deadline, RectifiedOn: e.RectifiedOn})
	}
	if e.FinedOn != nil && e.FineAmount != nil {
		out = append(out, Record{Kind: "fine", Date: *e.FinedOn, Subject: "insurance", Amount: e.FineAmount})
	}
	if e.ReinspectedOn != nil {
		out = append(out, Record{Kind: "inspection", Date: *e.ReinspectedOn, Subject: "insurance", Result: "refused"})
	}
	return out
}

// LatestEnforcement returns the enforcement the records stand for: the
// latest order about insurance (with its effective deadline and its
// rectification), the latest fine about insurance, and the latest
// inspection about insurance that found refusal. Nil if there is none.
func LatestEnforcement(recs []Record) *Enforcement {
	var e Enforcement
	latest := func(kind string, ok func(*Record) bool) int {
		best := -1
		for i := range recs {
			r := &recs[i]
			if r.Kind != kind || r.Subject != "insurance" || (ok != nil && !ok(r)) {
				continue
			}
			if best < 0 || !r.Date.Before(recs[best].Date) {
				best = i
			}
		}
		return best
	}
	found := false
	if i := latest("order", nil); i >= 0 {
		found = true
		d := recs[i].Date
		e.OrderedOn, e.Deadline, e.RectifiedOn = &d, effectiveDeadline(recs, i), recs[i].RectifiedOn
	}
	if i := latest("fine", nil); i >= 0 {
		found = true
		d := recs[i].Date
		e.FinedOn, e.FineAmount = &d, recs[i].Amount
	}
	if i := latest("inspection", func(r *Record) bool { return r.Result == "refused" }); i >= 0 {
		found = true
		d := recs[i].Date
		e.ReinspectedOn = &d
	}
	if !found {
		return nil
	}
	return &e
}

func sameEnforcement(a, b *Enforcement) bool {
	var zero Enforcement
	if a == nil {
		a = &zero
	}
	if b == nil {
		b = &zero
	}
	dateEq := func(x, y *Date) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	amountEq := (a.FineAmount == nil && b.FineAmount == nil) || (a.FineAmount != nil && b.FineAmount != nil && a.FineAmount.Equal(*b.FineAmount))
	return dateEq(a.OrderedOn, b.OrderedOn) && dateEq(a.Deadline, b.Deadline) && dateEq(a.RectifiedOn, b.RectifiedOn) &&
		dateEq(a.FinedOn, b.FinedOn) && amountEq && dateEq(a.ReinspectedOn, b.ReinspectedOn)
}

func enforcementText(e *Enforcement) string {
	if e == nil {
		return "none"
	}
	s := ""
	add := func(k string, d *Date) {
		if d != nil {
			if s != "" {
				s += ", "
			}
			s += k + " " + d.String()
		}
	}
	add("ordered_on", e.OrderedOn)
	add("deadline", e.Deadline)
	add("rectified_on", e.RectifiedOn)
	add("fined_on", e.FinedOn)
	if e.FineAmount != nil {
		s += ", fine_amount " + e.FineAmount.String()
	}
	add("reinspected_on", e.ReinspectedOn)
	if s == "" {
		return "empty"
	}
	return s
}

// Records returns the enforcement records the facts give: EnforcementRecords,
// or, when there are none, the records Enforcement stands for.
func (f *Facts) Records() []Record {
	if len(f.EnforcementRecords) > 0 {
		return f.EnforcementRecords
	}
	return ExpandEnforcement(f.Enforcement)
}

// SortedRecordIndexes returns the indexes of recs in date order (stable:
// records of one day keep their order).
func SortedRecordIndexes(recs []Record) []int {
	return sortedRecordIndexes(make([]int, 0, len(recs)), recs)
}

// sortedRecordIndexes is SortedRecordIndexes appending to idx (a caller's
// room); records already in date order are not sorted.
func sortedRecordIndexes(idx []int, recs []Record) []int {
	sorted := true
	for i := range recs {
		idx = append(idx, i)
		if i > 0 && recs[i].Date.Before(recs[i-1].Date) {
			sorted = false
		}
	}
	if !sorted {
		slices.SortStableFunc(idx, func(a, b int) int { return recs[a].Date.Compare(recs[b].Date) })
	}
	return idx
}
