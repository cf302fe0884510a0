package facts

import (
	"fmt"
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
	for i := range recs {
		if recs[i].Kind != "deadline" {
			continue
		}
		if orderBefore(recs, i) < 0 {
			out = append(out, recordProblem{i, fmt.Sprintf("enforcement_records[%d]", i),
				fmt.Sprintf("the deadline record of %s has no earlier order about %s to extend", recs[i].Date, recs[i].Subject),
				"a deadline record extends the deadline of the latest earlier order with the same subject; add that order"})
		}
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

// orderBefore returns the index of the latest order dated on or before
// recs[i] with the same subject (the later in the list on the same day),
// or -1.
func orderBefore(recs []Record, i int) int {
	best := -1
	for j := range recs {
		if j == i || recs[j].Kind != "order" || recs[j].Subject != recs[i].Subject || recs[j].Date.After(recs[i].Date) {
			continue
		}
		if recs[j].Date == recs[i].Date && j > i {
			continue
		}
		if best < 0 || !recs[j].Date.Before(recs[best].Date) {
			best = j
		}
	}
	return best
}

// EffectiveDeadline returns the deadline of the order recs[i]: its own, or
// the one a later deadline record about the same subject set, up to the
// next order about that subject.
func EffectiveDeadline(recs []Record, i int) *Date {
	d := recs[i].Deadline
	var at Date
	for j := range recs {
		if recs[j].Kind != "deadline" || recs[j].Subject != recs[i].Subject || orderBefore(recs, j) != i {
			continue
		}
		if d == nil || at.IsZero() || !recs[j].Date.Before(at) {
			d, at = recs[j].Deadline, recs[j].Date
		}
	}
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
		e.OrderedOn, e.Deadline, e.RectifiedOn = &d, EffectiveDeadline(recs, i), recs[i].RectifiedOn
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
	idx := make([]int, len(recs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return recs[idx[a]].Date.Before(recs[idx[b]].Date) })
	return idx
}
