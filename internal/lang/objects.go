package lang

import (
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/anzexian/anzexian/facts"
	"github.com/shopspring/decimal"
)

// kind is the kind of a value in the rule language.
type Kind uint8

const (
	KInvalid Kind = iota
	KBool
	KInt
	KDec
	KStr
	KDate
	KList
	KObj
	KNil
)

// typ is a type of the rule language: a scalar kind, a list of a type, or an
// object type.
type Type struct {
	Kind Kind
	Elem *Type
	Obj  *objType
	// vocab names the vocabulary of a code-valued string (for checking
	// literals compared with it), e.g. "risk_level".
	Vocab string
}

var (
	TBool    = &Type{Kind: KBool}
	TInt     = &Type{Kind: KInt}
	TDec     = &Type{Kind: KDec}
	TStr     = &Type{Kind: KStr}
	TDate    = &Type{Kind: KDate}
	tStrs    = &Type{Kind: KList, Elem: TStr}
	tInts    = &Type{Kind: KList, Elem: TInt}
	tDecs    = &Type{Kind: KList, Elem: TDec}
	tNil     = &Type{Kind: KNil}
	TInvalid = &Type{Kind: KInvalid}
)

func code(vocab string) *Type  { return &Type{Kind: KStr, Vocab: vocab} }
func codes(vocab string) *Type { return &Type{Kind: KList, Elem: code(vocab)} }

func (t *Type) String() string {
	switch t.Kind {
	case KBool:
		return "bool"
	case KInt:
		return "int"
	case KDec:
		return "decimal"
	case KStr:
		if t.Vocab != "" {
			return "code"
		}
		return "string"
	case KDate:
		return "date"
	case KList:
		return "list of " + t.Elem.String()
	case KObj:
		return t.Obj.name
	case KNil:
		return "nil"
	}
	return "invalid"
}

func (t *Type) Same(u *Type) bool {
	if t == nil || u == nil {
		return t == u
	}
	if t.Kind != u.Kind {
		return false
	}
	switch t.Kind {
	case KList:
		return t.Elem.Same(u.Elem)
	case KObj:
		return t.Obj == u.Obj
	}
	return true
}

// objType describes an object of the rule language (policy, an accident …):
// its fields, how each is read from the Go value without reflection, and the
// view type the expr checker types expressions against.
type objType struct {
	name   string
	goType reflect.Type // the Go struct type E (values are *E at run time)
	fields []*objField
	byName map[string]*objField
	view   reflect.Type // struct with one value-typed field per rule field
	// list compiles list operations over []E (any, all, filter …).
	list listOps
	// evalFree: every field reads only the object (see own), down to the
	// objects it holds
	evalFree bool
}

type objField struct {
	name     string
	t        *Type
	doc      string
	optional bool
	// member compiles base.field: base is a func(*Eval) *E; it returns a
	// func(*Eval) T that reads the field (reporting a missing value).
	member func(base any, path string) any
	// present compiles a presence test of base.field: func(*Eval) bool.
	present func(base any) func(*Eval) bool
	// evalFree: reading the field reads only the object (own, ownOpt)
	evalFree bool
}

// fld declares a field of object type E with Go type T, read by get. get
// returns false when the value was not given.
func fld[E, T any](name string, t *Type, doc string, optional bool, get func(ev *Eval, e *E) (T, bool)) *objField {
	return &objField{
		name: name, t: t, doc: doc, optional: optional,
		member: func(base any, path string) any {
			b := base.(func(*Eval) *E)
			return func(ev *Eval) T {
				var zero T
				e := b(ev)
				if e == nil {
					ev.missingValue(parentPath(path))
					return zero
				}
				v, ok := get(ev, e)
				if !ok {
					ev.missingValue(path)
				}
				return v
			}
		},
		present: func(base any) func(*Eval) bool {
			b := base.(func(*Eval) *E)
			return func(ev *Eval) bool {
				e := b(ev)
				if e == nil {
					return false
				}
				_, ok := get(ev, e)
				return ok
			}
		},
	}
}

// missingAs makes reading f, when it is not given, report the fact named
// path as missing: the length of an uninsured period of unknown start
// needs operating_since, not "days".
func missingAs(path string, f *objField) *objField {
	inner := f.member
	f.member = func(base any, _ string) any { return inner(base, path) }
	return f
}

func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '.'); i > 0 {
		return p[:i]
	}
	return p
}

// own declares a field that is the object's own value: reading it reads
// nothing of the Eval (not its date nor the facts' history), so it is the
// same on whatever day and stack it is read.
func own[E, T any](name string, t *Type, doc string, optional bool, f func(e *E) T) *objField {
	o := fld(name, t, doc, optional, always(f))
	o.evalFree = true
	return o
}

// ownOpt is own for an optional value, given as a pointer (nil: not given).
func ownOpt[E, T any](name string, t *Type, doc string, optional bool, f func(e *E) *T) *objField {
	o := fld(name, t, doc, optional, optPtr(f))
	o.evalFree = true
	return o
}

func always[E, T any](f func(e *E) T) func(*Eval, *E) (T, bool) {
	return func(_ *Eval, e *E) (T, bool) { return f(e), true }
}

func optPtr[E, T any](f func(e *E) *T) func(*Eval, *E) (T, bool) {
	return func(_ *Eval, e *E) (T, bool) {
		p := f(e)
		if p == nil {
			var zero T
			return zero, false
		}
		return *p, true
	}
}

// optDateAsOf reads an optional date that records an event: one after the
// as-of date has not happened yet and reads as not given.
func optDateAsOf[E any](f func(e *E) *facts.Date, path string) func(*Eval, *E) (facts.Date, bool) {
	return func(ev *Eval, e *E) (facts.Date, bool) {
		p := f(e)
		if p == nil {
			return facts.Date{}, false
		}
		if p.After(ev.asOf) {
			ev.limit(*p)
			ev.ignore(path, *p)
			return facts.Date{}, false
		}
		return *p, true
	}
}

var objTypes = map[reflect.Type]*objType{}

func newObj[E any](name string, fields ...*objField) *objType {
	o := &objType{name: name, goType: reflect.TypeOf((*E)(nil)).Elem(), fields: fields, byName: map[string]*objField{}}
	for _, f := range fields {
		o.byName[f.name] = f
	}
	o.list = listOpsFor[E](o)
	o.evalFree = true
	for _, f := range fields {
		t := f.t
		if t.Kind == KList {
			t = t.Elem
		}
		if !f.evalFree || (t.Kind == KObj && !t.Obj.evalFree) {
			o.evalFree = false
		}
	}
	objTypes[o.goType] = o
	return o
}

func objT(o *objType) *Type  { return &Type{Kind: KObj, Obj: o} }
func listT(o *objType) *Type { return &Type{Kind: KList, Elem: objT(o)} }

// The object types of the facts contract.
var (
	siteObj = newObj[facts.Site]("site",
		own("kind", code("sites.kind"), "场所类型", false, func(s *facts.Site) string { return s.Kind }),
		own("workers", TInt, "所涉岗位人数", false, func(s *facts.Site) int { return s.Workers }),
	)
	parkObj = newObj[facts.Park]("park",
		own("name", TStr, "园区名称", false, func(p *facts.Park) string { return p.Name }),
		own("factory_in_factory", TBool, "厂中厂", false, func(p *facts.Park) bool { return p.FactoryInFactory }),
	)
	projectObj = newObj[facts.Project]("project",
		own("name", TStr, "项目名称", false, func(p *facts.Project) string { return p.Name }),
		ownOpt("contract_value", TDec, "工程造价（元）", true, func(p *facts.Project) *decimal.Decimal { return p.ContractValue }),
		own("high_risk_works", TBool, "高风险工程", false, func(p *facts.Project) bool { return p.HighRiskWorks }),
		own("metro", TBool, "地铁工程", false, func(p *facts.Project) bool { return p.Metro }),
		ownOpt("start", TDate, "开工日期", true, func(p *facts.Project) *facts.Date { return p.Start }),
		ownOpt("end", TDate, "竣工日期", true, func(p *facts.Project) *facts.Date { return p.End }),
	)
	accidentObj = newObj[facts.Accident]("accident",
		own("date", TDate, "事故日期", false, func(a *facts.Accident) facts.Date { return a.Date }),
		own("deaths", TInt, "死亡人数", false, func(a *facts.Accident) int { return a.Deaths }),
		own("serious_injuries", TInt, "重伤人数（含急性工业中毒）", false, func(a *facts.Accident) int { return a.SeriousInjuries }),
		own("direct_loss", TDec, "直接经济损失（元）", false, func(a *facts.Accident) decimal.Decimal { return a.DirectLoss }),
		own("unit_liable", TBool, "生产经营单位负有责任", false, func(a *facts.Accident) bool { return a.UnitLiable }),
		own("especially_serious", TBool, "情节特别严重、影响特别恶劣", false, func(a *facts.Accident) bool { return a.EspeciallySerious }),
		own("grade", code("accidents.grade"), "事故等级（条例第三条）", false, func(a *facts.Accident) string { return a.Grade().Code() }),
		own("grade_rank", TInt, "事故等级序数：1 一般 … 4 特别重大", false, func(a *facts.Accident) int { return int(a.Grade()) }),
		own("reported_on", TDate, "有关部门知悉事故的日期（未给出的，为事故日期）", false, func(a *facts.Accident) facts.Date { return a.Reported() }),
	)
	rankObj = newObj[facts.WorkInjuryRank]("work_injury_rank",
		own("year", TInt, "统计年度", false, func(w *facts.WorkInjuryRank) int { return w.Year }),
		own("rank", TInt, "工伤事故起数排名（1为最多）", false, func(w *facts.WorkInjuryRank) int { return w.Rank }),
	)
	hazardsObj = newObj[facts.Hazards]("hazards",
		own("major_unrectified", TBool, "存在未整改的重大事故隐患", false, func(h *facts.Hazards) bool { return h.MajorUnrectified }),
		fld("refused_rectification", TBool, "拒不整改重大事故隐患（拒不整改的日期在评估日之后的，不计）", false, func(ev *Eval, h *facts.Hazards) (bool, bool) {
			if h.RefusedOn != nil && h.RefusedOn.After(ev.asOf) {
				ev.limit(*h.RefusedOn)
				ev.ignore("hazards.refused_on", *h.RefusedOn)
				return false, true
			}
			return h.RefusedRectification, true
		}),
		fld("refused_on", TDate, "拒不整改的日期", true, optDateAsOf(func(h *facts.Hazards) *facts.Date { return h.RefusedOn }, "hazards.refused_on")),
	)
	policyObj = newObj[facts.Policy]("policy",
		own("insured", TBool, "已投保", false, func(p *facts.Policy) bool { return p.IsInsured() }),
		own("insurer", TStr, "承保机构", false, func(p *facts.Policy) string { return p.Insurer }),
		own("concluded_on", TDate, "投保（订立或续保）日期（未给出的，为保险起期）", false, func(p *facts.Policy) facts.Date { return p.Concluded() }),
		own("start", TDate, "保险起期", false, func(p *facts.Policy) facts.Date { return p.Start }),
		own("end", TDate, "保险止期（含）", false, func(p *facts.Policy) facts.Date { return p.End }),
		ownOpt("insured_employees", TInt, "参保从业人员数", true, func(p *facts.Policy) *int { return p.InsuredEmployees }),
		ownOpt("death_limit", TDec, "每人死亡赔偿限额（元）", true, func(p *facts.Policy) *decimal.Decimal { return p.DeathLimit }),
		ownOpt("disability_limit", TDec, "每人伤残赔偿限额（元）", true, func(p *facts.Policy) *decimal.Decimal { return p.DisabilityLimit }),
		ownOpt("medical_limit", TDec, "每人伤残医疗费赔偿限额（元）", true, func(p *facts.Policy) *decimal.Decimal { return p.MedicalLimit }),
		own("uniform_limits", TBool, "同一保险金额标准", false, func(p *facts.Policy) bool { return p.HasUniformLimits() }),
		own("occupational_disease_cover", TBool, "含职业病相关保险", false, func(p *facts.Policy) bool { return p.OccupationalDiseaseCover }),
		own("prevention_service", TBool, "接受事故预防服务", false, func(p *facts.Policy) bool { return p.PreventionService }),
		own("premium_charged_to_employees", TBool, "保费摊派给从业人员", false, func(p *facts.Policy) bool { return p.PremiumChargedToEmployees }),
		ownOpt("premium", TDec, "保费（元）", true, func(p *facts.Policy) *decimal.Decimal { return p.Premium }),
	)
	historyObj = newObj[facts.PolicyPeriod]("policy_period",
		own("start", TDate, "保险起期", false, func(p *facts.PolicyPeriod) facts.Date { return p.Start }),
		own("end", TDate, "保险止期（含）", false, func(p *facts.PolicyPeriod) facts.Date { return p.End }),
		fld("surrendered_on", TDate, "退保日期", true, optDateAsOf(func(p *facts.PolicyPeriod) *facts.Date { return p.SurrenderedOn }, "policy_history.surrendered_on")),
		own("insurer", TStr, "承保机构", false, func(p *facts.PolicyPeriod) string { return p.Insurer }),
	)
	enforcementObj = newObj[facts.Enforcement]("enforcement",
		fld("ordered_on", TDate, "责令改正决定日期", true, optDateAsOf(func(e *facts.Enforcement) *facts.Date { return e.OrderedOn }, "enforcement.ordered_on")),
		ownOpt("deadline", TDate, "整改期限（含）", true, func(e *facts.Enforcement) *facts.Date { return e.Deadline }),
		fld("rectified_on", TDate, "改正日期", true, optDateAsOf(func(e *facts.Enforcement) *facts.Date { return e.RectifiedOn }, "enforcement.rectified_on")),
		fld("fined_on", TDate, "罚款决定日期", true, optDateAsOf(func(e *facts.Enforcement) *facts.Date { return e.FinedOn }, "enforcement.fined_on")),
		fld("fine_amount", TDec, "罚款数额（元）", true, func(ev *Eval, e *facts.Enforcement) (decimal.Decimal, bool) {
			if e.FineAmount == nil || e.FinedOn == nil {
				return decimal.Decimal{}, false
			}
			if e.FinedOn.After(ev.asOf) {
				ev.limit(*e.FinedOn)
				return decimal.Decimal{}, false
			}
			return *e.FineAmount, true
		}),
		fld("reinspected_on", TDate, "复查日期", true, optDateAsOf(func(e *facts.Enforcement) *facts.Date { return e.ReinspectedOn }, "enforcement.reinspected_on")),
	)
	recordObj = newObj[facts.Record]("enforcement_record",
		own("kind", code("enforcement_records.kind"), "记录类型：order 责令改正、deadline 延期、fine 罚款、inspection 检查、decision 其他决定", false, func(r *facts.Record) string { return r.Kind }),
		own("date", TDate, "作出之日", false, func(r *facts.Record) facts.Date { return r.Date }),
		own("subject", code("enforcement_records.subject"), "所涉事项", false, func(r *facts.Record) string { return r.Subject }),
		ownOpt("deadline", TDate, "整改期限（含）", true, func(r *facts.Record) *facts.Date { return r.Deadline }),
		fld("rectified_on", TDate, "改正日期", true, optDateAsOf(func(r *facts.Record) *facts.Date { return r.RectifiedOn }, "enforcement_records.rectified_on")),
		ownOpt("amount", TDec, "罚款数额（元）", true, func(r *facts.Record) *decimal.Decimal { return r.Amount }),
		fld("tier", code("enforcement_records.tier"), "第一百零九条的哪一段罚款", true, func(_ *Eval, r *facts.Record) (string, bool) { return r.Tier, r.Tier != "" }),
		fld("result", code("enforcement_records.result"), "检查结果", true, func(_ *Eval, r *facts.Record) (string, bool) { return r.Result, r.Result != "" }),
		own("measure", TStr, "决定的内容", false, func(r *facts.Record) string { return r.Measure }),
		fld("period_from", TDate, "所涉期间的起始日", true, func(_ *Eval, r *facts.Record) (facts.Date, bool) {
			if r.Period == nil {
				return facts.Date{}, false
			}
			return r.Period.From, true
		}),
		fld("period_to", TDate, "所涉期间的终止日", true, func(_ *Eval, r *facts.Record) (facts.Date, bool) {
			if r.Period == nil {
				return facts.Date{}, false
			}
			return r.Period.To, true
		}),
	)
	overdueObj = newObj[Overdue]("overdue_period",
		own("from", TDate, "限期届满次日", false, func(o *Overdue) facts.Date { return o.From }),
		fld("to", TDate, "逾期未改正的最后一日；持续中则未给出", true, func(_ *Eval, o *Overdue) (facts.Date, bool) { return o.To, !o.To.IsZero() }),
		fld("days", TInt, "逾期天数（持续中的计至评估日）", false, func(ev *Eval, o *Overdue) (int, bool) { return ev.days(o.Span()), true }),
		own("ordered_on", TDate, "责令限期改正的日期", false, func(o *Overdue) facts.Date { return o.OrderedOn }),
		own("deadline", TDate, "限期（含，延期后的）", false, func(o *Overdue) facts.Date { return o.Deadline }),
	)
	refusalObj = newObj[Refusal]("refusal",
		own("subject", code("enforcement_records.subject"), "所涉事项", false, func(r *Refusal) string { return r.Subject }),
		own("ordered_on", TDate, "责令改正的日期", false, func(r *Refusal) facts.Date { return r.OrderedOn }),
		ownOpt("deadline", TDate, "整改期限（含）", true, func(r *Refusal) *facts.Date { return r.Deadline }),
		ownOpt("fined_on", TDate, "责令改正后第一次罚款的日期", true, func(r *Refusal) *facts.Date { return r.FinedOn }),
		ownOpt("amount", TDec, "原处罚数额（元）", true, func(r *Refusal) *decimal.Decimal { return r.Amount }),
		own("overdue_fined", TBool, "已对逾期未改正作出罚款", false, func(r *Refusal) bool { return r.OverdueFined }),
		own("refused_on", TDate, "认定拒不改正之日", false, func(r *Refusal) facts.Date { return r.RefusedOn }),
		own("by", TStr, "认定拒不改正的依据：inspection（复查）、hazards.refused_on、as_of（评估日仍未改正）", false, func(r *Refusal) string { return r.By }),
		own("from", TDate, "按日连续处罚的起始日（责令改正之日的次日）", false, func(r *Refusal) facts.Date { return r.From }),
		own("through", TDate, "按日连续处罚的终止日（含）", false, func(r *Refusal) facts.Date { return r.Through }),
		own("days", TInt, "按日连续处罚的天数", false, func(r *Refusal) int { return r.Days }),
	)
	deficiencyObj = newObj[Deficiency]("deficiency",
		own("from", TDate, "证明的起始日", false, func(d *Deficiency) facts.Date { return d.From }),
		fld("to", TDate, "终止日（含）；持续中则未给出", true, func(_ *Eval, d *Deficiency) (facts.Date, bool) { return d.To, !d.To.IsZero() }),
		fld("days", TInt, "天数（持续中的计至评估日）", false, func(ev *Eval, d *Deficiency) (int, bool) { return ev.days(d.Span()), true }),
		own("earliest", TDate, "可能的最早起始日", false, func(d *Deficiency) facts.Date {
			if d.Earliest.IsZero() {
				return d.From
			}
			return d.Earliest
		}),
		own("fields", tStrs, "未满足的保单要求（requirement 字段）", false, func(d *Deficiency) []string { return d.Fields }),
		own("concluded_on", TDate, "保单订立（续保）之日", false, func(d *Deficiency) facts.Date { return d.ConcludedOn }),
	)
	PeriodObj = newObj[facts.Period]("period",
		missingAs("operating_since", fld("from", TDate, "起始日；开始日期未知的（从未投保且未给出开始生产经营日期）未给出", true, func(_ *Eval, p *facts.Period) (facts.Date, bool) { return p.From, !p.From.IsZero() })),
		fld("to", TDate, "终止日（含）；持续中则未给出", true, func(_ *Eval, p *facts.Period) (facts.Date, bool) { return p.To, !p.To.IsZero() }),
		missingAs("operating_since", fld("days", TInt, "天数（持续中的计至评估日）；开始日期未知的无法计算，缺少 operating_since", true, func(ev *Eval, p *facts.Period) (int, bool) {
			if p.From.IsZero() {
				return 0, false
			}
			return ev.days(*p), true
		})),
	)
)

// rootField is a name visible at the top level of every expression: a core
// fact, or a value the engine derives (as_of, insured …).
type rootField struct {
	name string
	t    *Type
	doc  string
	// get returns a func(*Eval) T.
	get func(path string) any
	// present returns a presence test, for optional values.
	present  func(*Eval) bool
	optional bool
	// phase restricts where the name may be used (see phase).
	phase Phase
	// derived marks values computed by the engine rather than given.
	derived bool
}

// phase is where in the evaluation an expression runs; some names only exist
// in later phases (the obligation is known only after coverage rules ran).
type Phase uint8

const (
	PhaseAny        Phase = 0
	PhaseObligation Phase = 1 << iota // requirements, findings, penalties, consequences, rating
	PhaseItem                         // penalty rules with each:
	PhaseRate                         // base formulas
)

func rf[T any](name string, t *Type, doc string, get func(ev *Eval) T) *rootField {
	return &rootField{name: name, t: t, doc: doc, get: func(string) any { return get }}
}

// rfOpt declares an optional root fact: get returns false when not given.
func rfOpt[T any](name string, t *Type, doc string, get func(ev *Eval) (T, bool)) *rootField {
	return &rootField{name: name, t: t, doc: doc, optional: true,
		get: func(path string) any {
			return func(ev *Eval) T {
				v, ok := get(ev)
				if !ok {
					ev.missingValue(path)
				}
				return v
			}
		},
		present: func(ev *Eval) bool { _, ok := get(ev); return ok },
	}
}

func objPtr[T any](p *T) (*T, bool) { return p, p != nil }

// RootNames returns the names expressions read at their root: the core
// facts and the values the engine derives, in contract order.
func RootNames() []string {
	out := make([]string, len(rootFields))
	for i, r := range rootFields {
		out[i] = r.name
	}
	return out
}

// rootFields are the core facts and derived values, in contract order.
var rootFields = []*rootField{
	rf("name", TStr, "企业名称", func(ev *Eval) string { return ev.f.Name }),
	rf("region", TStr, "所在地区（GB/T 2260）", func(ev *Eval) string { return ev.f.Region }),
	rf("sectors", codes("sectors"), "行业领域", func(ev *Eval) []string { return ev.f.Sectors }),
	rf("status", code("status"), "经营状态（closed_on 在评估日之后的，评估日仍在生产经营）", func(ev *Eval) string {
		if c := ev.f.ClosedOn; c != nil && c.After(ev.asOf) {
			ev.limit(*c)
			ev.ignore("closed_on", *c)
			return "operating"
		}
		return ev.f.Status
	}),
	rf("seasonal", TBool, "季节性生产经营", func(ev *Eval) bool { return ev.f.Seasonal }),
	rf("urban_center", TBool, "位于城市中心区域", func(ev *Eval) bool { return ev.f.UrbanCenter }),
	rf("sites", listT(siteObj), "特殊作业场所", func(ev *Eval) []facts.Site { return ev.f.Sites }),
	rfOpt("park", objT(parkObj), "所在园区/厂中厂", func(ev *Eval) (*facts.Park, bool) { return objPtr(ev.f.Park) }),
	rfOpt("employees", TInt, "从业人员数（含劳务派遣）", func(ev *Eval) (int, bool) { return deref(ev.f.Employees) }),
	rf("dispatched_workers", TInt, "劳务派遣人员数", func(ev *Eval) int { return ev.f.DispatchedWorkers }),
	rf("workers_without_injury_insurance", TInt, "无法参加工伤保险的从业人员数", func(ev *Eval) int { return ev.f.WorkersWithoutInjuryInsurance }),
	rfOpt("annual_revenue", TDec, "年营业收入（元）", func(ev *Eval) (decimal.Decimal, bool) { return deref(ev.f.AnnualRevenue) }),
	rfOpt("project", objT(projectObj), "建设项目", func(ev *Eval) (*facts.Project, bool) { return objPtr(ev.f.Project) }),
	rfOpt("risk_level", code("risk_level"), "安全风险等级", func(ev *Eval) (string, bool) { return ev.f.RiskLevel, ev.f.RiskLevel != "" }),
	rf("accidents", listT(accidentObj), "生产安全事故（评估日之前）", func(ev *Eval) []facts.Accident { return ev.accidents() }),
	rfOpt("work_injury_rank", objT(rankObj), "工伤事故起数排名（某年度的排名自次年1月1日起生效）", func(ev *Eval) (*facts.WorkInjuryRank, bool) {
		w := ev.f.WorkInjuryRank
		if w == nil {
			return nil, false
		}
		if from := RankEffective(w.Year); from.After(ev.asOf) {
			ev.limit(from)
			ev.ignore("work_injury_rank", from)
			return nil, false
		}
		return w, true
	}),
	rf("standardization_level", TInt, "安全生产标准化等级：1 一级 … 3 三级，0 未达标", func(ev *Eval) int { return ev.f.StandardizationLevel }),
	rfOpt("credit_grade", code("credit_grade"), "安全生产诚信等级", func(ev *Eval) (string, bool) { return ev.f.CreditGrade, ev.f.CreditGrade != "" }),
	rf("blacklisted", TBool, "被纳入联合惩戒黑名单/严重失信主体名单", func(ev *Eval) bool { return ev.f.Blacklisted }),
	rf("hazards", objT(hazardsObj), "事故隐患", func(ev *Eval) *facts.Hazards { return &ev.f.Hazards }),
	rfOpt("loss_ratio", TDec, "近年赔付率", func(ev *Eval) (decimal.Decimal, bool) { return deref(ev.f.LossRatio) }),
	rf("occupational_hazards", codes("occupational_hazards"), "职业病危害", func(ev *Eval) []string { return ev.f.OccupationalHazards }),
	rfOpt("principal_income", TDec, "主要负责人上一年年收入（元）", func(ev *Eval) (decimal.Decimal, bool) { return deref(ev.f.PrincipalIncome) }),
	rfOpt("policy", objT(policyObj), "当前安责险保单", func(ev *Eval) (*facts.Policy, bool) { return objPtr(ev.f.Policy) }),
	rf("policy_history", listT(historyObj), "以往保单（评估日之前开始的）", func(ev *Eval) []facts.PolicyPeriod { return ev.history() }),
	rf("other_safety_insurance", codes("other_safety_insurance"), "其他与安全生产相关的险种", func(ev *Eval) []string { return ev.f.OtherSafetyInsurance }),
	rf("claims_unpaid_to_victims", TBool, "未将赔偿保险金支付给受害人", func(ev *Eval) bool { return ev.f.ClaimsUnpaidToVictims }),
	rfOpt("enforcement", objT(enforcementObj), "最近一次关于投保的责令改正、罚款及其后情况（未给出的，由 enforcement_records 得出）", func(ev *Eval) (*facts.Enforcement, bool) { return ev.enforcementView() }),
	rfOpt("operating_since", TDate, "开始生产经营的日期", func(ev *Eval) (facts.Date, bool) { return deref(ev.f.OperatingSince) }),
	rfOpt("closed_on", TDate, "依法关闭取缔或完全停止生产经营活动之日", func(ev *Eval) (facts.Date, bool) {
		c := ev.f.ClosedOn
		if c == nil {
			return facts.Date{}, false
		}
		if c.After(ev.asOf) {
			ev.limit(*c)
			ev.ignore("closed_on", *c)
			return facts.Date{}, false
		}
		return *c, true
	}),
	rf("enforcement_records", listT(recordObj), "执法记录（评估日之前的，按日期排序）", func(ev *Eval) []facts.Record {
		recs := ev.History().Records
		n := sort.Search(len(recs), func(i int) bool { return recs[i].Date.After(ev.asOf) })
		if n < len(recs) {
			ev.limit(recs[n].Date)
		}
		return recs[:n]
	}),

	// Values the engine derives.
	derivedRF(rf("as_of", TDate, "评估日", func(ev *Eval) facts.Date { ev.limit(ev.asOf.AddDays(1)); return ev.asOf })),
	derivedRF(rf("insurer", TStr, "评估所用保险机构（费率备案）", func(ev *Eval) string { return ev.insurer })),
	derivedRF(rf("insured", TBool, "评估日有有效保单", func(ev *Eval) bool {
		h := ev.History()
		if next := h.nextCoverChange(ev.asOf); !next.IsZero() {
			ev.limit(next)
		}
		return h.Covered(ev.asOf)
	})),
	derivedRF(rf("uninsured_periods", listT(PeriodObj), "可能生产经营而无有效保单的时段（至评估日；开始日期未知的，from 未给出）", func(ev *Eval) []facts.Period { return ev.History().uninsured })),
	derivedRF(rf("late_renewals", listT(PeriodObj), "保单到期后未及时续保的间断时段", func(ev *Eval) []facts.Period { return ev.History().late })),
	derivedRF(rf("overdue_periods", listT(overdueObj), "责令限期改正，限期届满次日仍未按照国家规定投保的时段（逾期未改正）", func(ev *Eval) []Overdue { return ev.overdueStretches() })),
	derivedRF(rf("refusals", listT(refusalObj), "被责令改正而拒不改正的情形（复查发现，或评估日仍未改正）", func(ev *Eval) []Refusal { return ev.refusalList() })),
	phased(derivedRF(rf("underinsured_periods", listT(deficiencyObj), "当前保单不符合投保时施行的国家规定（限额、全员、同一标准）的时段", func(ev *Eval) []Deficiency { return ev.History().deficient })), PhaseObligation),
	phased(derivedRF(rf("obligation", code("obligation"), "投保义务（由 coverage 规则得出）", func(ev *Eval) string { return ev.obligation })), PhaseObligation),
}

// IsStretch reports whether t is an object type that is a stretch of days
// (a period, an overdue stretch, a deficiency): what a continuing
// violation lists.
func IsStretch(t *Type) bool {
	return t != nil && t.Kind == KObj && (t.Obj == PeriodObj || t.Obj == overdueObj || t.Obj == deficiencyObj)
}

// RankEffective returns the day a work-injury ranking of year takes
// effect: the first day of the next year (a year's ranking cannot exist
// before the year has ended).
func RankEffective(year int) facts.Date { return facts.NewDate(year+1, 1, 1) }

func derivedRF(r *rootField) *rootField { r.derived = true; return r }
func phased(r *rootField, p Phase) *rootField {
	r.phase = p
	return r
}

func deref[T any](p *T) (T, bool) {
	if p == nil {
		var zero T
		return zero, false
	}
	return *p, true
}

var (
	rootOnce   sync.Once
	rootByName map[string]*rootField
)

func RootField(name string) *rootField {
	rootOnce.Do(func() {
		rootByName = map[string]*rootField{}
		for _, r := range rootFields {
			rootByName[r.name] = r
		}
	})
	return rootByName[name]
}

// viewType returns the reflect type the expr checker sees for t.
func viewType(t *Type) reflect.Type {
	switch t.Kind {
	case KBool:
		return reflect.TypeOf(true)
	case KInt:
		return reflect.TypeOf(0)
	case KDec:
		return reflect.TypeOf(decimal.Decimal{})
	case KStr:
		return reflect.TypeOf("")
	case KDate:
		return reflect.TypeOf(facts.Date{})
	case KList:
		return reflect.SliceOf(viewType(t.Elem))
	case KObj:
		return t.Obj.viewType()
	}
	return reflect.TypeOf((*any)(nil)).Elem()
}

var viewMu sync.Mutex
var viewToObj = map[reflect.Type]*objType{}

func (o *objType) viewType() reflect.Type {
	viewMu.Lock()
	if o.view != nil {
		viewMu.Unlock()
		return o.view
	}
	viewMu.Unlock()
	fields := make([]reflect.StructField, len(o.fields))
	for i, f := range o.fields {
		fields[i] = reflect.StructField{
			Name: "F" + camel(f.name),
			Type: viewType(f.t),
			Tag:  reflect.StructTag(`expr:"` + f.name + `"`),
		}
	}
	vt := reflect.StructOf(fields)
	viewMu.Lock()
	defer viewMu.Unlock()
	if o.view == nil {
		o.view = vt
		viewToObj[vt] = o
	}
	return o.view
}

func camel(s string) string {
	var b strings.Builder
	up := true
	for _, c := range s {
		if c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteRune(c)
	}
	return b.String()
}

// typeOfView maps a reflect type from the checker back to a rule type.
func typeOfView(rt reflect.Type) *Type {
	if rt == nil {
		return TInvalid
	}
	switch rt {
	case reflect.TypeOf(true):
		return TBool
	case reflect.TypeOf(0):
		return TInt
	case reflect.TypeOf(decimal.Decimal{}):
		return TDec
	case reflect.TypeOf(""):
		return TStr
	case reflect.TypeOf(facts.Date{}):
		return TDate
	}
	if rt.Kind() == reflect.Slice {
		e := typeOfView(rt.Elem())
		if e.Kind == KInvalid {
			return TInvalid
		}
		return &Type{Kind: KList, Elem: e}
	}
	viewMu.Lock()
	o := viewToObj[rt]
	viewMu.Unlock()
	if o != nil {
		return objT(o)
	}
	return TInvalid
}
