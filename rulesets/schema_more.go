package rulesets

import (
	"fmt"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/shopspring/decimal"
)

// Merge says how values of one requirement field from several rules and
// layers combine into the requirement of the stack.
type Merge string

const (
	MergeMax       Merge = "max"       // minimum amounts: the highest minimum binds
	MergeOr        Merge = "or"        // yes/no duties: any layer that imposes it
	MergeUnion     Merge = "union"     // lists (posts to cover, risks to cover)
	MergeStrongest Merge = "strongest" // levels: required beats encouraged
	MergeLocal     Merge = "local"     // the most local statement (the term)
)

// RequirementField is one term a compliant policy must meet.
type RequirementField struct {
	Name  string
	Type  string // decimal, bool, codes, level, code
	Merge Merge
	Label string
	Codes facts.Vocabulary // for codes, level and code fields
}

// RequirementFields is the catalogue of requirement fields a ruleset can set.
var RequirementFields = []*RequirementField{
	{Name: "death_limit_min", Type: "decimal", Merge: MergeMax, Label: "每人死亡赔偿限额不低于（元）"},
	{Name: "disability_limit_min", Type: "decimal", Merge: MergeMax, Label: "每人伤残赔偿限额不低于（元）"},
	{Name: "cover_all_employees", Type: "bool", Merge: MergeOr, Label: "覆盖全体从业人员（含劳务派遣人员）"},
	{Name: "uniform_limits", Type: "bool", Merge: MergeOr, Label: "实行同一保险金额标准，不因用工方式、工作岗位差别对待"},
	{Name: "cover_scope", Type: "codes", Merge: MergeUnion, Label: "保险责任范围", Codes: facts.Vocabulary{
		{Code: "employees", Label: "从业人员人身伤亡"},
		{Code: "third_party", Label: "第三者人身伤亡和财产损失"},
		{Code: "rescue", Label: "事故抢险救援费用"},
		{Code: "medical", Label: "医疗救护费用"},
		{Code: "appraisal", Label: "事故鉴定费用"},
		{Code: "litigation", Label: "法律诉讼费用"},
	}},
	{Name: "occupational_disease_cover", Type: "level", Merge: MergeStrongest, Label: "职业病相关保险", Codes: levelCodes},
	{Name: "whole_enterprise", Type: "bool", Merge: MergeOr, Label: "企业整体投保"},
	{Name: "posts", Type: "codes", Merge: MergeUnion, Label: "应当投保的岗位（所涉场所）", Codes: facts.SiteKinds},
	{Name: "term", Type: "code", Merge: MergeLocal, Label: "保险期限", Codes: facts.Vocabulary{
		{Code: "one_year", Label: "一年"},
		{Code: "per_project", Label: "按建设项目周期"},
		{Code: "production_cycle", Label: "按生产经营周期"},
	}},
	{Name: "group_insurance", Type: "level", Merge: MergeStrongest, Label: "园区、厂中厂整体投保", Codes: levelCodes},
	{Name: "prevention_service", Type: "bool", Merge: MergeOr, Label: "接受事故预防服务"},
	{Name: "no_late_renewal_or_surrender", Type: "bool", Merge: MergeOr, Label: "不得延迟续保、退保（依法关闭取缔、完全停止生产经营活动的除外）"},
	{Name: "premium_paid_by_enterprise", Type: "bool", Merge: MergeOr, Label: "保费由企业缴纳，不得摊派给从业人员个人"},
	{Name: "convert_other_insurance", Type: "bool", Merge: MergeOr, Label: "已投保的与安全生产相关的其他险种调整为安全生产责任保险"},
	{Name: "local_insurer", Type: "bool", Merge: MergeOr, Label: "在当地保险机构投保"},
	{Name: "disability_medical_limit_in_contract", Type: "bool", Merge: MergeOr, Label: "伤残医疗费赔偿限额在保险合同中约定"},
	{Name: "equal_cover_for_uninsured_workers", Type: "bool", Merge: MergeOr, Label: "为无法参加工伤保险的从业人员提供同等保障的高保额保险"},
}

var levelCodes = facts.Vocabulary{{Code: "required", Label: "应当"}, {Code: "encouraged", Label: "鼓励"}}

// RequirementFieldByName returns the field with that name, or nil.
func RequirementFieldByName(name string) *RequirementField {
	for _, f := range RequirementFields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func requirementFieldNames() []string {
	out := make([]string, len(RequirementFields))
	for i, f := range RequirementFields {
		out[i] = f.Name
	}
	return out
}

// Rating is the rating section of a ruleset: what it adds to or replaces in
// the rating pipeline of the stack.
type Rating struct {
	Currency string
	// Scope limits the whole layer to the enterprises it admits (a line of
	// business, such as coal mines): outside it the layer's rating takes
	// no part in the stack. Nil: every enterprise.
	Scope   *Scope
	Tables  []*Table
	Bases   []*Base
	Factors []*Factor
	// Remove names factors of lower layers that this layer removes;
	// Removals holds every removal (factors, the clamp, the minimum
	// premium) with its position, scope and citation.
	Remove   []string
	Removals []*Removal
	// Required lists the facts a quote cannot go without: when one is not
	// given, the premium is an error naming it, never a range.
	Required      []*RequiredFact
	Combine       *Combine
	Clamp         *Clamp
	Minimum       *Minimum
	Rounding      *Rounding
	PreventionCap *PreventionCap
	// Caveats are warnings attached to premiums this layer takes part in.
	Caveats []*Caveat
	At      diag.Range
}

// Provenance marks numbers that are not taken from an official text.
type Provenance struct {
	// Illustrative: no official source gives this number; it shows how a
	// scheme works and every output built on it says so.
	Illustrative bool
	// Unverified: transcribed from an unofficial copy.
	Unverified bool
}

// Table is a banded rate table looked up by one or more values.
type Table struct {
	ID    string
	Title string
	// Unit of the values: coefficient, percent (0.10 = 10%), permille (‰,
	// 1.20 = 0.0012) or amount (CNY).
	Unit string
	Dims []*Dim
	Rows []*Row
	Cite []*Cite
	Note string
	Provenance
	Ruleset *Ruleset
	At      diag.Range
}

// Dim is one lookup dimension of a table: the value it is looked up by, and
// either bands (numeric intervals) or exact keys.
type Dim struct {
	Name  string
	By    *lang.Expr
	Bands []*Band
	At    diag.Range
}

// Band is a numeric interval with its edge rule: Lo and Hi are nil for
// unbounded ends; LoIncl/HiIncl say whether the edge belongs to the band
// (含/不含).
type Band struct {
	ID     string
	Label  string
	Lo, Hi *decimal.Decimal
	LoIncl bool
	HiIncl bool
	At     diag.Range
}

// Contains reports whether v lies in b.
func (b *Band) Contains(v decimal.Decimal) bool {
	if b.Lo != nil {
		c := v.Cmp(*b.Lo)
		if c < 0 || (c == 0 && !b.LoIncl) {
			return false
		}
	}
	if b.Hi != nil {
		c := v.Cmp(*b.Hi)
		if c > 0 || (c == 0 && !b.HiIncl) {
			return false
		}
	}
	return true
}

// Interval formats b in interval notation, e.g. "(5000000, 30000000]".
func (b *Band) Interval() string {
	lo, hi := "-inf", "+inf"
	lb, hb := "(", ")"
	if b.Lo != nil {
		lo = b.Lo.String()
		if b.LoIncl {
			lb = "["
		}
	}
	if b.Hi != nil {
		hi = b.Hi.String()
		if b.HiIncl {
			hb = "]"
		}
	}
	return lb + lo + ", " + hi + hb
}

// Row is one row of a table: a key per dimension and the value.
type Row struct {
	Keys  []RowKey
	Value decimal.Decimal
	At    diag.Range
	// Index is the row's position in the table (0-based).
	Index int
}

// RowKey is a row's key for one dimension: a band, or an exact value.
type RowKey struct {
	Band *Band
	Text string // exact key as written
	Dec  decimal.Decimal
	Int  int
	Bool bool
	Kind string // band, string, int, decimal, bool
}

// Base is one way of computing the base premium.
type Base struct {
	Rule
	Text string
	// Rate is looked up in Table, or computed by RateExpr.
	Table    *Table
	RateExpr *lang.Expr
	Loadings []*Loading
	// Formula computes the base premium; the identifier rate is the
	// effective rate (the table value in its unit, with loadings applied).
	Formula *lang.Expr
	// Scope limits the base to the enterprises it admits (with the
	// layer's scope, if any); When then chooses among those.
	Scope *Scope
	Provenance
}

// Loading adjusts the base rate: rate × (1 + Add), e.g. 地铁工程上浮50%.
type Loading struct {
	Rule
	Add  decimal.Decimal
	Text string
	Provenance
}

// Factor is one floating-rate factor.
type Factor struct {
	ID     string
	Family string
	Title  string
	// Unit of the case values: coefficient (1.10) or percent (0.10 = +10%).
	Unit string
	// Pick: first (ordered cases, first match wins), highest or lowest (of
	// the matching cases: 按高靠，不累加).
	Pick    string
	Cases   []*Case
	Default *Case
	// Assume is the case (its id, or "default") a quote takes when the
	// factor cannot be decided because a fact is missing: the premium is
	// then provisional, with the exact range over the cases the factor
	// could take. Empty: no assumption, and no quote without the fact.
	Assume   string
	AssumeAt diag.Range
	// Scope limits the factor to the enterprises it admits.
	Scope *Scope
	Cite  []*Cite
	Note  string
	Provenance
	Ruleset *Ruleset
	At      diag.Range
	ref     string
}

// AssumedCase returns the case named by Assume, or nil.
func (f *Factor) AssumedCase() *Case {
	if f.Assume == "" {
		return nil
	}
	if f.Assume == "default" || (f.Default != nil && f.Default.ID == f.Assume) {
		return f.Default
	}
	for i, c := range f.Cases {
		if c.ID == f.Assume || (c.ID == "" && f.Assume == fmt.Sprintf("case-%d", i+1)) {
			return c
		}
	}
	return nil
}

// Ref returns "ruleset-id@version#factor-id".
func (f *Factor) Ref() string {
	if f.ref != "" {
		return f.ref
	}
	return f.Ruleset.Key() + "#" + f.ID
}

// Case is one case of a factor.
type Case struct {
	ID     string
	When   *lang.Expr // nil for the default
	Value  *lang.Expr // a decimal: a literal or an expression
	Reason string
	Cite   []*Cite
	Provenance
	At diag.Range
	// Ref is "ruleset@version#factor/case", set at load.
	Ref string
}

// Combine says how factors combine into the floating adjustment.
type Combine struct {
	// Mode: multiply (product of coefficients), add (1 + sum of
	// percentages) or add_within_family (additive inside a family,
	// multiplicative across families).
	Mode string
	Cite []*Cite
	Provenance
	At      diag.Range
	Ruleset *Ruleset
}

// Clamp bounds the floating adjustment, e.g. [0.70, 1.30] for ±30%.
type Clamp struct {
	Min, Max decimal.Decimal
	Cite     []*Cite
	// Scope limits the clamp to the enterprises it admits.
	Scope *Scope
	Provenance
	At      diag.Range
	Ruleset *Ruleset
}

// Minimum is the minimum premium.
type Minimum struct {
	Amount *lang.Expr
	Cite   []*Cite
	// Scope limits the minimum to the enterprises it admits.
	Scope *Scope
	Provenance
	At      diag.Range
	Ruleset *Ruleset
}

// Rounding is the declared rounding: scale (decimal places), mode and the
// steps of the pipeline it applies at.
type Rounding struct {
	Scale int32
	// Mode: half_up, half_even or down.
	Mode string
	// Steps: any of base, adjustment, premium (premium is always rounded).
	Steps []string
	Cite  []*Cite
	Provenance
	At      diag.Range
	Ruleset *Ruleset
}

// Round applies r to d.
func (r *Rounding) Round(d decimal.Decimal) decimal.Decimal {
	return lang.RoundMode(d, r.Scale, r.Mode)
}

// HasStep reports whether r applies at step.
func (r *Rounding) HasStep(step string) bool {
	for _, s := range r.Steps {
		if s == step {
			return true
		}
	}
	return false
}

// PreventionCap is the cap on the insurer's accident-prevention budget as a
// share of the premium (不高于实际收取保费的21%).
type PreventionCap struct {
	// When limits the cap to the policies it applies to (nil: all).
	When    *lang.Expr
	Share   decimal.Decimal
	Cite    []*Cite
	At      diag.Range
	Ruleset *Ruleset
}

// PenaltyRule is the legal treatment of a violation under one document.
// Rules with the same ID across the stack and across versions describe the
// same violation; which one governs is decided by dates (see package
// penalties).
type PenaltyRule struct {
	Rule
	Title string
	// Each lists the occurrences (accidents, renewal gaps, uninsured
	// periods); the identifier item is the current one. Without Each the
	// violation is a state at the as-of date.
	Each *lang.Expr
	// On is the date an occurrence happened (event violations).
	On *lang.Expr
	// Continuing marks a continuing state (each item a period): it falls
	// under each law while it lasts.
	Continuing bool
	Measures   []string
	Fine       *FineSpec
	// NoFine explains why the document provides no fine.
	NoFine string
	PerDay *PerDaySpec
	Tiers  []*Tier
	// Discretionary: the document says 可以 (may), not 应当/处.
	Discretionary bool
	// LimitationYears is the limitation period (行政处罚法 第三十六条);
	// LimitationExpr, when set, computes it from the occurrence (the
	// regime of the day the violation happened).
	LimitationYears int
	LimitationExpr  *lang.Expr
	// Subject is what the violation is about, as enforcement records
	// name it (insurance, hazard …): only a record about the same subject
	// discovers it (第三十六条) or fines it.
	Subject string
	// FinedBy is the tier of a recorded fine about the subject that
	// already punished the violation (first, overdue): a stretch such a
	// fine concerns is not offered again (一事不再罚).
	FinedBy string
	// AlternativeOf names the violation whose range this one may replace
	// at the authority's discretion (第一百一十四条第二款): one penalty with
	// two possible ranges, never two to add.
	AlternativeOf string
	// Restates names a violation of a lower layer that this rule restates:
	// its citation joins that violation instead of making a second one.
	Restates string
	// Consequences of the violation beyond fines (blacklist, inspection).
	Consequences []string
	// Since is when the violation began, when it is not the occurrence
	// date (an overdue order: the day after the deadline).
	Since *lang.Expr
	// Caveats are warnings shown when their condition holds.
	Caveats []*Caveat
	// Target is who is fined: unit (the default), principal (主要负责人)
	// or responsible_persons (直接负责的主管人员和其他直接责任人员).
	Target string
	Provenance
}

// Caveat is a conditional warning attached to a penalty.
type Caveat struct {
	When *lang.Expr
	Text string
	At   diag.Range
}

// FineSpec is a fine range {min, max}, both bounds inclusive.
type FineSpec struct {
	Min, Max *lang.Expr
	// Text states the basis in words when the bounds are computed, e.g.
	// 上一年年收入的百分之四十.
	Text string
	At   diag.Range
}

// PerDaySpec is a daily fine (按日连续处罚).
type PerDaySpec struct {
	Amount, From, Through *lang.Expr
	At                    diag.Range
}

// Tier narrows a fine range by circumstance (a discretion benchmark); it
// must lie inside the statutory range.
type Tier struct {
	ID       string
	When     *lang.Expr
	Min, Max decimal.Decimal
	Reason   string
	Provenance
	At diag.Range
}
