package facts

import (
	"github.com/anzexian/anzexian/diag"
	"github.com/shopspring/decimal"
)

// Facts describe one enterprise: the input of every assessment. The field
// names in YAML and JSON (and in rule expressions) are the contract README
// documents; fields are only ever added, never renamed.
//
// Optional values are pointers (or empty strings for codes): nil means "not
// given", which is not the same as zero. An expression that reads a value
// that was not given does not see a zero: the rule that needed it is reported
// as undetermined, naming the missing field. Values that have a natural
// default (status operating, no accidents, not blacklisted …) are plain
// values.
//
// Use [Decode] to read facts from YAML or JSON with field-path errors, or
// build them in Go and call [Facts.Validate].
type Facts struct {
	Name   string `json:"name,omitempty"`
	Region string `json:"region"`
	// Sectors are hierarchical codes ("hazardous_chemicals.storage"); a
	// parent code alone is valid. See [Sectors].
	Sectors []string `json:"sectors"`
	// Status is "operating" (the default), "suspended" or "closed".
	Status      string `json:"status,omitempty"`
	Seasonal    bool   `json:"seasonal,omitempty"`
	UrbanCenter bool   `json:"urban_center,omitempty"`
	Sites       []Site `json:"sites,omitempty"`
	Park        *Park  `json:"park,omitempty"`
	// Employees counts all workers, dispatched (劳务派遣) workers included.
	Employees                     *int             `json:"employees,omitempty"`
	DispatchedWorkers             int              `json:"dispatched_workers,omitempty"`
	WorkersWithoutInjuryInsurance int              `json:"workers_without_injury_insurance,omitempty"`
	AnnualRevenue                 *decimal.Decimal `json:"annual_revenue,omitempty"`
	Project                       *Project         `json:"project,omitempty"`
	// RiskLevel is the safety-risk grade: major, high, moderate, low.
	RiskLevel string     `json:"risk_level,omitempty"`
	Accidents []Accident `json:"accidents,omitempty"`
	// WorkInjuryRank is the rank by number of work-injury accidents in its
	// city for a year (1 = most).
	WorkInjuryRank *WorkInjuryRank `json:"work_injury_rank,omitempty"`
	// StandardizationLevel is 1, 2 or 3 (一级 best), 0 for none.
	StandardizationLevel int `json:"standardization_level,omitempty"`
	// CreditGrade is a code of the jurisdiction's safety-credit scale; the
	// rulesets in the stack list the allowed codes.
	CreditGrade string           `json:"credit_grade,omitempty"`
	Blacklisted bool             `json:"blacklisted,omitempty"`
	Hazards     Hazards          `json:"hazards,omitzero"`
	LossRatio   *decimal.Decimal `json:"loss_ratio,omitempty"`
	// OccupationalHazards: high_dust, high_toxicity, severe_occupational_disease.
	OccupationalHazards []string         `json:"occupational_hazards,omitempty"`
	PrincipalIncome     *decimal.Decimal `json:"principal_income,omitempty"`
	Policy              *Policy          `json:"policy,omitempty"`
	PolicyHistory       []PolicyPeriod   `json:"policy_history,omitempty"`
	// OtherSafetyInsurance lists other safety-related cover held instead of
	// 安责险 (Hunan: convert it).
	OtherSafetyInsurance  []string `json:"other_safety_insurance,omitempty"`
	ClaimsUnpaidToVictims bool     `json:"claims_unpaid_to_victims,omitempty"`
	// Enforcement is the latest order to insure or rectify, a fine, and
	// what followed. With EnforcementRecords it must agree with the latest
	// records about insurance; without them it stands for those records.
	Enforcement *Enforcement `json:"enforcement,omitempty"`
	// OperatingSince is when the enterprise started operating; it bounds
	// uninsured periods when no policy was ever held.
	OperatingSince *Date `json:"operating_since,omitempty"`
	// ClosedOn is the first day the enterprise no longer operated: closed by
	// law (依法关闭取缔) or completely stopped (完全停止生产经营活动). It needs
	// Status "closed". The duty to insure ends from it; violations before
	// it stand.
	ClosedOn *Date `json:"closed_on,omitempty"`
	// EnforcementRecords are the regulator's dated records (orders,
	// extended deadlines, fines, inspections, other decisions), each about a
	// subject, in any order. They are evidence (an order to insure proves
	// the enterprise operating and uninsured on its date) and discovery
	// (行政处罚法 第三十六条).
	EnforcementRecords []Record `json:"enforcement_records,omitempty"`

	// Extra holds facts declared by rulesets (an insurer's own variables),
	// keyed by name. They are validated and typed against the declarations
	// of the stack that evaluates them.
	Extra map[string]ExtraValue `json:"-"`
}

// Site is a workplace with a special hazard and the workers on its posts.
type Site struct {
	// Kind: ammonia_refrigeration, ship_repair, ship_dismantling,
	// explosive_dust, spray_painting, confined_space.
	Kind    string `json:"kind" expr:"kind"`
	Workers int    `json:"workers,omitempty" expr:"workers"`
}

// Park is an industrial park or 厂中厂 membership.
type Park struct {
	Name             string `json:"name,omitempty" expr:"name"`
	FactoryInFactory bool   `json:"factory_in_factory,omitempty" expr:"factory_in_factory"`
}

// Project is a construction project insured per project.
type Project struct {
	Name string `json:"name,omitempty"`
	// ContractValue is the 工程造价 in CNY.
	ContractValue *decimal.Decimal `json:"contract_value,omitempty"`
	HighRiskWorks bool             `json:"high_risk_works,omitempty"`
	Metro         bool             `json:"metro,omitempty"`
	Start         *Date            `json:"start,omitempty"`
	End           *Date            `json:"end,omitempty"`
}

// Accident is a production-safety accident. Its grade is derived from the
// numbers by [GradeOf] (条例 第三条), never given.
type Accident struct {
	Date            Date            `json:"date"`
	Deaths          int             `json:"deaths,omitempty"`
	SeriousInjuries int             `json:"serious_injuries,omitempty"`
	DirectLoss      decimal.Decimal `json:"direct_loss,omitzero"`
	// UnitLiable: the enterprise bears responsibility for the accident
	// (负有责任), which the unit fines of 第一百一十四条 require.
	UnitLiable bool `json:"unit_liable,omitempty"`
	// EspeciallySerious: 情节特别严重、影响特别恶劣.
	EspeciallySerious bool `json:"especially_serious,omitempty"`
	// ReportedOn is the day the authorities learned of the accident, when
	// later than Date (an accident concealed, 瞒报); nil reads as Date.
	ReportedOn *Date `json:"reported_on,omitempty"`
}

// Reported returns the day the authorities learned of the accident:
// ReportedOn, or the accident's date.
func (a *Accident) Reported() Date {
	if a.ReportedOn != nil {
		return *a.ReportedOn
	}
	return a.Date
}

// Grade returns the accident's grade under 条例 第三条.
func (a *Accident) Grade() Grade { return GradeOf(a.Deaths, a.SeriousInjuries, a.DirectLoss) }

// WorkInjuryRank is a rank in a city's work-injury statistics.
type WorkInjuryRank struct {
	Year int `json:"year"`
	Rank int `json:"rank"`
}

// Hazards is the hidden-danger (事故隐患) status.
type Hazards struct {
	MajorUnrectified     bool  `json:"major_unrectified,omitempty"`
	RefusedRectification bool  `json:"refused_rectification,omitempty"`
	RefusedOn            *Date `json:"refused_on,omitempty"`
}

// Policy is the current 安责险 policy. Limits are CNY per person.
type Policy struct {
	// Insured says whether the policy is in place. Nil, as when insured: is
	// not given, means it is: a policy given is in force over its dates.
	// insured: false records that there is none. Read it with IsInsured.
	Insured *bool  `json:"insured,omitempty"`
	Insurer string `json:"insurer,omitempty"`
	// ConcludedOn is the day the policy was concluded or renewed (投保),
	// when earlier than Start; nil reads as Start. The requirements in force
	// on that day bind the policy's terms.
	ConcludedOn *Date `json:"concluded_on,omitempty"`
	Start       Date  `json:"start,omitzero"`
	// End is the last day covered (保险期间至…24时止), inclusive.
	End              Date             `json:"end,omitzero"`
	InsuredEmployees *int             `json:"insured_employees,omitempty"`
	DeathLimit       *decimal.Decimal `json:"death_limit,omitempty"`
	DisabilityLimit  *decimal.Decimal `json:"disability_limit,omitempty"`
	MedicalLimit     *decimal.Decimal `json:"medical_limit,omitempty"`
	// UniformLimits says whether every insured person has the same limits
	// (同一保险金额标准). Nil, as when uniform_limits: is not given, means
	// they do; read it with HasUniformLimits.
	UniformLimits             *bool `json:"uniform_limits,omitempty"`
	OccupationalDiseaseCover  bool  `json:"occupational_disease_cover,omitempty"`
	PreventionService         bool  `json:"prevention_service,omitempty"`
	PremiumChargedToEmployees bool  `json:"premium_charged_to_employees,omitempty"`
	// Premium is the premium charged or quoted, when known.
	Premium *decimal.Decimal `json:"premium,omitempty"`
}

// IsInsured reports whether the policy is in place: true unless Insured is
// false. A nil policy is no policy.
func (p *Policy) IsInsured() bool { return p != nil && (p.Insured == nil || *p.Insured) }

// Concluded returns the day the policy was concluded: ConcludedOn, or
// Start.
func (p *Policy) Concluded() Date {
	if p.ConcludedOn != nil {
		return *p.ConcludedOn
	}
	return p.Start
}

// HasUniformLimits reports whether the policy covers everyone at the same
// limits: true unless UniformLimits is false.
func (p *Policy) HasUniformLimits() bool { return p.UniformLimits == nil || *p.UniformLimits }

// Bool returns a pointer to v, for the optional yes/no facts of a Policy
// built in Go.
func Bool(v bool) *bool { return &v }

// PolicyPeriod is an earlier policy.
type PolicyPeriod struct {
	Start         Date   `json:"start"`
	End           Date   `json:"end"`
	SurrenderedOn *Date  `json:"surrendered_on,omitempty"`
	Insurer       string `json:"insurer,omitempty"`
}

// Enforcement is the latest order to insure or rectify, a fine, and what
// followed.
type Enforcement struct {
	// OrderedOn is the date of the 责令改正 / 责令限期改正 decision.
	OrderedOn *Date `json:"ordered_on,omitempty"`
	// Deadline is the rectification deadline (限期), inclusive.
	Deadline    *Date            `json:"deadline,omitempty"`
	RectifiedOn *Date            `json:"rectified_on,omitempty"`
	FinedOn     *Date            `json:"fined_on,omitempty"`
	FineAmount  *decimal.Decimal `json:"fine_amount,omitempty"`
	// ReinspectedOn is a re-inspection (复查) that found the order not
	// complied with.
	ReinspectedOn *Date `json:"reinspected_on,omitempty"`
}

// Record is one dated enforcement record (执法记录) about a subject.
//
// Kind is order (责令（限期）改正、责令消除), deadline (a later extension of the
// latest earlier order's deadline, same subject), fine (罚款, with Amount),
// inspection (检查、复查, with Result) or decision (any other decision, such as
// 不予处罚 or 停产停业整顿, in Measure). Subject is what it is about:
// insurance (being uninsured or insured not as the national rules require),
// hazard (事故隐患), premium_charged (premium charged to employees),
// claims_unpaid (insurance money not passed to victims), accident, other.
// A record is evidence and discovery only of its own subject.
type Record struct {
	Kind    string `json:"kind"`
	Date    Date   `json:"date"`
	Subject string `json:"subject"`
	// Deadline is the last day of the 限期 (inclusive), on an order or a
	// deadline record.
	Deadline *Date `json:"deadline,omitempty"`
	// RectifiedOn is the first compliant day after an order, as recorded.
	RectifiedOn *Date `json:"rectified_on,omitempty"`
	// Amount is the fine imposed (原处罚数额), on fines.
	Amount *decimal.Decimal `json:"amount,omitempty"`
	// Tier is which tier of 第一百零九条 a fine about insurance imposed:
	// first (5–10万, with the order) or overdue (逾期未改正); empty: read from
	// the dates.
	Tier string `json:"tier,omitempty"`
	// Result is what an inspection found: compliant, not_compliant or
	// refused (拒不改正、拒不执行).
	Result string `json:"result,omitempty"`
	// Measure says what a decision decided.
	Measure string `json:"measure,omitempty"`
	// Period is the past state the record is about, when it is not the
	// state on its date (an order about a gap already closed).
	Period *Period `json:"period,omitempty"`
}

// ExtraValue is the value of a fact declared by a ruleset, as it was read
// from the document: its text and position, typed later against the stack.
type ExtraValue struct {
	Text   string   // scalar text; for lists, the items
	Items  []string // list items, when the value is a list
	IsList bool
	IsNull bool
	At     diag.Range
	// Source is the line of the document the value is on, for the snippet
	// of an error found when the facts meet a stack.
	Source string
	Path   string
	Kind   string // "scalar" or "sequence" or "mapping"
	// Quoted records whether the scalar is a string: quoted in YAML or
	// JSON (a quoted "true" is a string, not a bool), or plain text that
	// JSON could only write as a string (0_0, 1e, .inf), so that a value
	// reads the same from YAML and from the JSON Facts.MarshalJSON writes.
	Quoted bool
}

// Int returns a pointer to v, for building optional fields in Go.
func Int(v int) *int { return &v }

// Dec returns a pointer to the decimal s and panics if s is not a decimal;
// for building optional fields in Go and tests.
func Dec(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

// DateP returns a pointer to the date s (YYYY-MM-DD) and panics if s is not
// a date; for building optional fields in Go and tests.
func DateP(s string) *Date {
	d := MustParseDate(s)
	return &d
}

// MustDecimal parses s and panics if it is not a decimal; for constants
// and tests.
func MustDecimal(s string) decimal.Decimal { return decimal.RequireFromString(s) }
