package facts

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/anzexian/anzexian/internal/yamlx"
)

// Validate checks facts against the contract, as [Decode] checks a
// document: required fields, known codes, ranges (whole numbers from 0 to
// 2147483647, amounts 0 or more, decimals and dates within the engine's
// bounds) and consistency (a policy ends after it starts, dispatched
// workers are counted among the employees …). Every problem is reported,
// each with the code and the field path the decoder gives for it, in a
// *Error; the diagnostics have no position, as Go values have none.
//
// Facts built in Go mean what the same facts read from a document mean:
// the zero value of every field is what leaving the key out means.
// The engine validates the facts it is given before it assesses them.
func (f *Facts) Validate() error {
	v := validator{}
	v.facts(f)
	if len(v.ds) == 0 {
		return nil
	}
	if len(v.ds) > diag.MaxErrors {
		v.ds = append(v.ds[:diag.MaxErrors:diag.MaxErrors], yamlx.TooManyErrors("", "facts", len(v.ds)-diag.MaxErrors))
	}
	return &Error{Diagnostics: v.ds}
}

type validator struct{ ds diag.Diagnostics }

// fpath is a field path, built only when a problem is reported: valid
// facts are checked without allocating. It reads list[i].field, or field
// alone when list is "".
type fpath struct {
	list  string
	i     int
	field string
}

func at(field string) fpath { return fpath{field: field} }

func item(list string, i int, field string) fpath { return fpath{list: list, i: i, field: field} }

func (p fpath) String() string {
	if p.list == "" {
		return p.field
	}
	s := yamlx.Index(p.list, p.i)
	if p.field != "" {
		s += "." + p.field
	}
	return s
}

// parent is the path of the object holding the field.
func (p fpath) parent() string {
	if p.list != "" {
		return yamlx.Index(p.list, p.i)
	}
	for i := len(p.field) - 1; i >= 0; i-- {
		if p.field[i] == '.' {
			return p.field[:i]
		}
	}
	return p.field
}

func (v *validator) add(path fpath, code, format string, args ...any) {
	v.ds = append(v.ds, &diag.Diagnostic{Severity: diag.SeverityError, Code: code, Path: path.String(), Summary: fmt.Sprintf(format, args...)})
}

// count checks a whole number (a headcount, deaths …).
func (v *validator) count(path fpath, n int) {
	if n < 0 || n > math.MaxInt32 {
		v.add(path, "facts.range", "%s is out of range: %d (it must lie between 0 and %d)", path, n, math.MaxInt32)
	}
}

// amount checks an optional amount or ratio: 0 or more, within the
// decimals the engine takes.
func (v *validator) amount(path fpath, d *decimal.Decimal) {
	if d == nil {
		return
	}
	v.amountOf(path, *d)
}

func (v *validator) amountOf(path fpath, d decimal.Decimal) {
	if msg := yamlx.DecimalRange(d); msg != "" {
		v.add(path, "facts.decimal_range", "%s %s: %s", path, msg, d)
		return
	}
	if d.IsNegative() {
		v.add(path, "facts.range", "%s must not be negative: %s", path, d)
	}
}

// date checks a date that is given (not zero) lies in the engine's range.
func (v *validator) date(path fpath, d Date) {
	if !d.IsZero() && (d.Before(MinDate) || d.After(MaxDate)) {
		v.add(path, "facts.date_range", "%s is out of range: %s (dates must lie between %s and %s)", path, d, MinDate, MaxDate)
	}
}

func (v *validator) optDate(path fpath, d *Date) {
	if d != nil {
		if d.IsZero() {
			v.add(path, "facts.missing", "%s is given but empty", path)
			return
		}
		v.date(path, *d)
	}
}

// required checks a date the contract requires.
func (v *validator) required(path fpath, d Date, what string) bool {
	if d.IsZero() {
		v.add(path, "facts.missing", "%s needs its %s", path.parent(), what)
		return false
	}
	v.date(path, d)
	return true
}

func (v *validator) code(path fpath, what, code string, vocab Vocabulary) {
	if !vocab.Has(code) {
		v.add(path, "facts.unknown_code", "unknown %s code %q", what, code)
	}
}

func (v *validator) facts(f *Facts) {
	switch {
	case f.Region == "":
		v.add(at("region"), "facts.missing", "region is required: it chooses the rulesets that apply")
	case !ValidRegion(f.Region):
		v.add(at("region"), "facts.region", "region %q is not a GB/T 2260 code", f.Region)
	default:
		if summary, _ := checkRegion(f.Region); summary != "" {
			v.add(at("region"), "facts.region", "%s", summary)
		}
	}
	if len(f.Sectors) == 0 {
		v.add(at("sectors"), "facts.missing", "sectors is required")
	}
	for i, s := range f.Sectors {
		if s == "" {
			v.add(item("sectors", i, ""), "facts.missing", "a sector code must not be empty")
			continue
		}
		if _, ok := sectorSet()[s]; !ok {
			v.code(item("sectors", i, ""), "sector", s, Sectors)
		}
	}
	if f.Status != "" {
		v.code(at("status"), "status", f.Status, Statuses)
	}
	for i, s := range f.Sites {
		if s.Kind == "" {
			v.add(item("sites", i, "kind"), "facts.missing", "a site needs a kind")
		} else {
			v.code(item("sites", i, "kind"), "site kind", s.Kind, SiteKinds)
		}
		v.count(item("sites", i, "workers"), s.Workers)
	}
	if f.Employees != nil {
		v.count(at("employees"), *f.Employees)
	}
	v.count(at("dispatched_workers"), f.DispatchedWorkers)
	if f.Employees != nil && *f.Employees >= 0 && f.DispatchedWorkers > *f.Employees {
		v.add(at("dispatched_workers"), "facts.inconsistent", "dispatched_workers (%d) exceeds employees (%d)", f.DispatchedWorkers, *f.Employees)
	}
	v.count(at("workers_without_injury_insurance"), f.WorkersWithoutInjuryInsurance)
	if f.Employees != nil && *f.Employees >= 0 && f.WorkersWithoutInjuryInsurance > *f.Employees {
		v.add(at("workers_without_injury_insurance"), "facts.inconsistent", "workers_without_injury_insurance (%d) exceeds employees (%d)", f.WorkersWithoutInjuryInsurance, *f.Employees)
	}
	v.amount(at("annual_revenue"), f.AnnualRevenue)
	if p := f.Project; p != nil {
		v.amount(at("project.contract_value"), p.ContractValue)
		v.optDate(at("project.start"), p.Start)
		v.optDate(at("project.end"), p.End)
		if p.Start != nil && p.End != nil && p.End.Before(*p.Start) {
			v.add(at("project.end"), "facts.inconsistent", "project ends (%s) before it starts (%s)", p.End, p.Start)
		}
	}
	if f.RiskLevel != "" {
		v.code(at("risk_level"), "risk_level", f.RiskLevel, RiskLevels)
	}
	for i, a := range f.Accidents {
		v.required(item("accidents", i, "date"), a.Date, "date")
		v.count(item("accidents", i, "deaths"), a.Deaths)
		v.count(item("accidents", i, "serious_injuries"), a.SeriousInjuries)
		v.amountOf(item("accidents", i, "direct_loss"), a.DirectLoss)
		v.optDate(item("accidents", i, "reported_on"), a.ReportedOn)
		if a.ReportedOn != nil && !a.Date.IsZero() && a.ReportedOn.Before(a.Date) {
			v.add(item("accidents", i, "reported_on"), "facts.inconsistent", "reported_on (%s) is before the accident (%s)", a.ReportedOn, a.Date)
		}
	}
	if w := f.WorkInjuryRank; w != nil {
		if w.Year == 0 {
			v.add(at("work_injury_rank.year"), "facts.missing", "work_injury_rank needs the year of the statistics")
		} else if w.Year < MinDate.Year() || w.Year > MaxDate.Year() {
			v.add(at("work_injury_rank.year"), "facts.range", "work_injury_rank.year is out of range: %d (it must lie between %d and %d)", w.Year, MinDate.Year(), MaxDate.Year())
		}
		if w.Rank == 0 {
			v.add(at("work_injury_rank.rank"), "facts.missing", "work_injury_rank needs the rank")
		} else if w.Rank < 1 || w.Rank > math.MaxInt32 {
			v.add(at("work_injury_rank.rank"), "facts.range", "work_injury_rank.rank is out of range: %d (it must lie between 1 and %d)", w.Rank, math.MaxInt32)
		}
	}
	if f.StandardizationLevel < 0 || f.StandardizationLevel > 3 {
		v.add(at("standardization_level"), "facts.range", "standardization_level is out of range: %d (it must lie between 0 and 3)", f.StandardizationLevel)
	}
	v.optDate(at("hazards.refused_on"), f.Hazards.RefusedOn)
	if f.Hazards.RefusedOn != nil && !f.Hazards.RefusedRectification {
		v.add(at("hazards.refused_on"), "facts.inconsistent", "refused_on is given but refused_rectification is not true")
	}
	v.amount(at("loss_ratio"), f.LossRatio)
	for i, s := range f.OccupationalHazards {
		v.code(item("occupational_hazards", i, ""), "occupational hazard", s, OccupationalHazardCodes)
	}
	v.amount(at("principal_income"), f.PrincipalIncome)
	if p := f.Policy; p != nil {
		okS, okE := true, true
		if p.IsInsured() {
			okS = v.required(at("policy.start"), p.Start, "start date")
			okE = v.required(at("policy.end"), p.End, "end date")
		} else {
			v.date(at("policy.start"), p.Start)
			v.date(at("policy.end"), p.End)
		}
		if okS && okE && !p.Start.IsZero() && !p.End.IsZero() && p.End.Before(p.Start) {
			v.add(at("policy.end"), "facts.inconsistent", "policy ends (%s) before it starts (%s)", p.End, p.Start)
		}
		v.optDate(at("policy.concluded_on"), p.ConcludedOn)
		if c := p.ConcludedOn; c != nil && okE && !p.End.IsZero() && c.After(p.End) {
			v.add(at("policy.concluded_on"), "facts.inconsistent", "concluded_on (%s) is after the policy ends (%s)", c, p.End)
		}
		if p.InsuredEmployees != nil {
			v.count(at("policy.insured_employees"), *p.InsuredEmployees)
		}
		v.amount(at("policy.death_limit"), p.DeathLimit)
		v.amount(at("policy.disability_limit"), p.DisabilityLimit)
		v.amount(at("policy.medical_limit"), p.MedicalLimit)
		v.amount(at("policy.premium"), p.Premium)
	}
	for i, h := range f.PolicyHistory {
		okS := v.required(item("policy_history", i, "start"), h.Start, "start date")
		okE := v.required(item("policy_history", i, "end"), h.End, "end date")
		if okS && okE && h.End.Before(h.Start) {
			v.add(item("policy_history", i, "end"), "facts.inconsistent", "policy ends (%s) before it starts (%s)", h.End, h.Start)
		}
		v.optDate(item("policy_history", i, "surrendered_on"), h.SurrenderedOn)
		if s := h.SurrenderedOn; s != nil && okS && okE && (s.Before(h.Start) || s.After(h.End)) {
			v.add(item("policy_history", i, "surrendered_on"), "facts.inconsistent", "surrendered_on (%s) lies outside the policy period %s–%s", s, h.Start, h.End)
		}
	}
	for i, s := range f.OtherSafetyInsurance {
		v.code(item("other_safety_insurance", i, ""), "other_safety_insurance", s, OtherInsuranceCodes)
	}
	if e := f.Enforcement; e != nil {
		v.enforcement(e)
	}
	v.optDate(at("operating_since"), f.OperatingSince)
	if c := f.ClosedOn; c != nil {
		v.optDate(at("closed_on"), c)
		if f.Status != "closed" {
			v.add(at("closed_on"), "facts.inconsistent", "closed_on is given but status is %q, not closed", f.Status)
		}
		if f.OperatingSince != nil && !c.After(*f.OperatingSince) {
			v.add(at("closed_on"), "facts.inconsistent", "closed_on (%s) is not after operating_since (%s)", c, f.OperatingSince)
		}
	}
	if len(f.EnforcementRecords) > 0 {
		v.records(f)
	}
	for name := range f.Extra {
		if !extraNameOK(name) {
			v.add(at(name), "facts.unknown_field", "unknown field %q", name)
		}
	}
}

// extraNames remembers the answer of extraNameOK for the names it has
// seen: the facts of a book carry the same few declared names on every
// record, and the did-you-mean check behind the answer (an edit distance to
// every core field) cost more than the rest of Validate together. At most
// maxExtraNames names are remembered, so hostile names cannot grow it.
var (
	extraNames     sync.Map // string → bool
	extraNameCount atomic.Int32
)

const maxExtraNames = 4096

// extraNameOK reports whether name may be an extra (declared) fact: a
// valid fact name that is no near miss of a core field.
func extraNameOK(name string) bool {
	if ok, seen := extraNames.Load(name); seen {
		return ok.(bool)
	}
	ok := ValidFactName(name) && suggest.Closest(name, factsKeys) == ""
	if extraNameCount.Load() < maxExtraNames {
		if _, loaded := extraNames.LoadOrStore(name, ok); !loaded {
			extraNameCount.Add(1)
		}
	}
	return ok
}

func (v *validator) enforcement(e *Enforcement) {
	dates := [...]struct {
		key, path string
		d         *Date
	}{{"ordered_on", "enforcement.ordered_on", e.OrderedOn}, {"deadline", "enforcement.deadline", e.Deadline},
		{"rectified_on", "enforcement.rectified_on", e.RectifiedOn}, {"fined_on", "enforcement.fined_on", e.FinedOn},
		{"reinspected_on", "enforcement.reinspected_on", e.ReinspectedOn}}
	for _, c := range dates {
		v.optDate(at(c.path), c.d)
	}
	v.amount(at("enforcement.fine_amount"), e.FineAmount)
	if e.OrderedOn != nil {
		for _, c := range dates[1:] {
			if c.d != nil && c.d.Before(*e.OrderedOn) {
				v.add(at(c.path), "facts.inconsistent", "%s (%s) is before the order (ordered_on %s)", c.key, c.d, e.OrderedOn)
			}
		}
	} else {
		for _, c := range dates[1:] {
			if c.d != nil && c.key != "fined_on" {
				v.add(at(c.path), "facts.inconsistent", "%s needs the order it follows (ordered_on)", c.key)
			}
		}
	}
	if e.FineAmount != nil && e.FinedOn == nil {
		v.add(at("enforcement.fine_amount"), "facts.inconsistent", "fine_amount needs fined_on")
	}
}

// records checks enforcement_records as the decoder does: each record's
// kind, subject, date and codes, the fields its kind allows, and then,
// when every record is sound, what involves several (a deadline record's
// order, enforcement agreeing with the latest records).
func (v *validator) records(f *Facts) {
	allOK := true
	for i := range f.EnforcementRecords {
		rec := &f.EnforcementRecords[i]
		n := len(v.ds)
		for _, c := range [...]struct {
			key, what, code string
			vocab           Vocabulary
			required        bool
		}{{"kind", "record kind", rec.Kind, RecordKinds, true}, {"subject", "record subject", rec.Subject, RecordSubjects, true},
			{"tier", "fine tier", rec.Tier, FineTiers, false}, {"result", "inspection result", rec.Result, InspectionResults, false}} {
			switch {
			case c.code == "" && c.required:
				v.add(item("enforcement_records", i, c.key), "facts.missing", "an enforcement record needs its %s", c.key)
			case c.code != "" && !c.vocab.Has(c.code):
				v.add(item("enforcement_records", i, c.key), "facts.unknown_code", "unknown %s code %q", c.what, c.code)
			}
		}
		v.required(item("enforcement_records", i, "date"), rec.Date, "date")
		v.optDate(item("enforcement_records", i, "deadline"), rec.Deadline)
		v.optDate(item("enforcement_records", i, "rectified_on"), rec.RectifiedOn)
		v.amount(item("enforcement_records", i, "amount"), rec.Amount)
		if p := rec.Period; p != nil {
			if p.From.IsZero() || p.To.IsZero() {
				v.add(item("enforcement_records", i, "period"), "facts.missing", "a record's period needs from and to")
			} else {
				v.date(item("enforcement_records", i, "period.from"), p.From)
				v.date(item("enforcement_records", i, "period.to"), p.To)
			}
		}
		if len(v.ds) > n { // the record's own fields are wrong: its kind's checks would only repeat it
			allOK = false
			continue
		}
		for _, e := range rec.check() {
			v.add(item("enforcement_records", i, e.key), "facts.inconsistent", "%s", e.msg)
		}
	}
	if allOK {
		for _, pr := range checkRecords(f) {
			v.ds = append(v.ds, &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.inconsistent", Path: pr.path, Summary: pr.msg})
		}
	}
}
