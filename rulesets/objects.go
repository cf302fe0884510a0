package rulesets

import (
	"reflect"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

// kind is the kind of a value in the rule language.
type kind uint8

const (
	kInvalid kind = iota
	kBool
	kInt
	kDec
	kStr
	kDate
	kList
	kObj
	kNil
)

// typ is a type of the rule language: a scalar kind, a list of a type, or an
// object type.
type typ struct {
	k    kind
	elem *typ
	obj  *objType
	// vocab names the vocabulary of a code-valued string (for checking
	// literals compared with it), e.g. "risk_level".
	vocab string
}

var (
	tBool    = &typ{k: kBool}
	tInt     = &typ{k: kInt}
	tDec     = &typ{k: kDec}
	tStr     = &typ{k: kStr}
	tDate    = &typ{k: kDate}
	tStrs    = &typ{k: kList, elem: tStr}
	tInts    = &typ{k: kList, elem: tInt}
	tDecs    = &typ{k: kList, elem: tDec}
	tNil     = &typ{k: kNil}
	tInvalid = &typ{k: kInvalid}
)

func code(vocab string) *typ  { return &typ{k: kStr, vocab: vocab} }
func codes(vocab string) *typ { return &typ{k: kList, elem: code(vocab)} }

func (t *typ) String() string {
	switch t.k {
	case kBool:
		return "bool"
	case kInt:
		return "int"
	case kDec:
		return "decimal"
	case kStr:
		if t.vocab != "" {
			return "code"
		}
		return "string"
	case kDate:
		return "date"
	case kList:
		return "list of " + t.elem.String()
	case kObj:
		return t.obj.name
	case kNil:
		return "nil"
	}
	return "invalid"
}

func (t *typ) same(u *typ) bool {
	if t == nil || u == nil {
		return t == u
	}
	if t.k != u.k {
		return false
	}
	switch t.k {
	case kList:
		return t.elem.same(u.elem)
	case kObj:
		return t.obj == u.obj
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
}

type objField struct {
	name     string
	t        *typ
	doc      string
	optional bool
	// member compiles base.field: base is a func(*Eval) *E; it returns a
	// func(*Eval) T that reads the field (reporting a missing value).
	member func(base any, path string) any
	// present compiles a presence test of base.field: func(*Eval) bool.
	present func(base any) func(*Eval) bool
}

// fld declares a field of object type E with Go type T, read by get. get
// returns false when the value was not given.
func fld[E, T any](name string, t *typ, doc string, optional bool, get func(ev *Eval, e *E) (T, bool)) *objField {
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
func optDateAsOf[E any](f func(e *E) *Date, path string) func(*Eval, *E) (Date, bool) {
	return func(ev *Eval, e *E) (Date, bool) {
		p := f(e)
		if p == nil {
			return Date{}, false
		}
		if p.After(ev.asOf) {
			ev.ignore(path, *p)
			return Date{}, false
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
	objTypes[o.goType] = o
	return o
}

func objT(o *objType) *typ  { return &typ{k: kObj, obj: o} }
func listT(o *objType) *typ { return &typ{k: kList, elem: objT(o)} }

// The object types of the facts contract.
var (
	siteObj = newObj[Site]("site",
		fld("kind", code("sites.kind"), "场所类型", false, always(func(s *Site) string { return s.Kind })),
		fld("workers", tInt, "所涉岗位人数", false, always(func(s *Site) int { return s.Workers })),
	)
	parkObj = newObj[Park]("park",
		fld("name", tStr, "园区名称", false, always(func(p *Park) string { return p.Name })),
		fld("factory_in_factory", tBool, "厂中厂", false, always(func(p *Park) bool { return p.FactoryInFactory })),
	)
	projectObj = newObj[Project]("project",
		fld("name", tStr, "项目名称", false, always(func(p *Project) string { return p.Name })),
		fld("contract_value", tDec, "工程造价（元）", true, optPtr(func(p *Project) *decimal.Decimal { return p.ContractValue })),
		fld("high_risk_works", tBool, "高风险工程", false, always(func(p *Project) bool { return p.HighRiskWorks })),
		fld("metro", tBool, "地铁工程", false, always(func(p *Project) bool { return p.Metro })),
		fld("start", tDate, "开工日期", true, optPtr(func(p *Project) *Date { return p.Start })),
		fld("end", tDate, "竣工日期", true, optPtr(func(p *Project) *Date { return p.End })),
	)
	accidentObj = newObj[Accident]("accident",
		fld("date", tDate, "事故日期", false, always(func(a *Accident) Date { return a.Date })),
		fld("deaths", tInt, "死亡人数", false, always(func(a *Accident) int { return a.Deaths })),
		fld("serious_injuries", tInt, "重伤人数（含急性工业中毒）", false, always(func(a *Accident) int { return a.SeriousInjuries })),
		fld("direct_loss", tDec, "直接经济损失（元）", false, always(func(a *Accident) decimal.Decimal { return a.DirectLoss })),
		fld("unit_liable", tBool, "生产经营单位负有责任", false, always(func(a *Accident) bool { return a.UnitLiable })),
		fld("especially_serious", tBool, "情节特别严重、影响特别恶劣", false, always(func(a *Accident) bool { return a.EspeciallySerious })),
		fld("grade", code("accidents.grade"), "事故等级（条例第三条）", false, always(func(a *Accident) string { return a.Grade().Code() })),
		fld("grade_rank", tInt, "事故等级序数：1 一般 … 4 特别重大", false, always(func(a *Accident) int { return int(a.Grade()) })),
	)
	rankObj = newObj[WorkInjuryRank]("work_injury_rank",
		fld("year", tInt, "统计年度", false, always(func(w *WorkInjuryRank) int { return w.Year })),
		fld("rank", tInt, "工伤事故起数排名（1为最多）", false, always(func(w *WorkInjuryRank) int { return w.Rank })),
	)
	hazardsObj = newObj[Hazards]("hazards",
		fld("major_unrectified", tBool, "存在未整改的重大事故隐患", false, always(func(h *Hazards) bool { return h.MajorUnrectified })),
		fld("refused_rectification", tBool, "拒不整改重大事故隐患（拒不整改的日期在评估日之后的，不计）", false, func(ev *Eval, h *Hazards) (bool, bool) {
			if h.RefusedOn != nil && h.RefusedOn.After(ev.asOf) {
				ev.ignore("hazards.refused_on", *h.RefusedOn)
				return false, true
			}
			return h.RefusedRectification, true
		}),
		fld("refused_on", tDate, "拒不整改的日期", true, optDateAsOf(func(h *Hazards) *Date { return h.RefusedOn }, "hazards.refused_on")),
	)
	policyObj = newObj[Policy]("policy",
		fld("insured", tBool, "已投保", false, always(func(p *Policy) bool { return p.Insured })),
		fld("insurer", tStr, "承保机构", false, always(func(p *Policy) string { return p.Insurer })),
		fld("start", tDate, "保险起期", false, always(func(p *Policy) Date { return p.Start })),
		fld("end", tDate, "保险止期（含）", false, always(func(p *Policy) Date { return p.End })),
		fld("insured_employees", tInt, "参保从业人员数", true, optPtr(func(p *Policy) *int { return p.InsuredEmployees })),
		fld("death_limit", tDec, "每人死亡赔偿限额（元）", true, optPtr(func(p *Policy) *decimal.Decimal { return p.DeathLimit })),
		fld("disability_limit", tDec, "每人伤残赔偿限额（元）", true, optPtr(func(p *Policy) *decimal.Decimal { return p.DisabilityLimit })),
		fld("medical_limit", tDec, "每人伤残医疗费赔偿限额（元）", true, optPtr(func(p *Policy) *decimal.Decimal { return p.MedicalLimit })),
		fld("uniform_limits", tBool, "同一保险金额标准", false, always(func(p *Policy) bool { return p.UniformLimits })),
		fld("occupational_disease_cover", tBool, "含职业病相关保险", false, always(func(p *Policy) bool { return p.OccupationalDiseaseCover })),
		fld("prevention_service", tBool, "接受事故预防服务", false, always(func(p *Policy) bool { return p.PreventionService })),
		fld("premium_charged_to_employees", tBool, "保费摊派给从业人员", false, always(func(p *Policy) bool { return p.PremiumChargedToEmployees })),
		fld("premium", tDec, "保费（元）", true, optPtr(func(p *Policy) *decimal.Decimal { return p.Premium })),
	)
	historyObj = newObj[PolicyPeriod]("policy_period",
		fld("start", tDate, "保险起期", false, always(func(p *PolicyPeriod) Date { return p.Start })),
		fld("end", tDate, "保险止期（含）", false, always(func(p *PolicyPeriod) Date { return p.End })),
		fld("surrendered_on", tDate, "退保日期", true, optDateAsOf(func(p *PolicyPeriod) *Date { return p.SurrenderedOn }, "policy_history.surrendered_on")),
		fld("insurer", tStr, "承保机构", false, always(func(p *PolicyPeriod) string { return p.Insurer })),
	)
	enforcementObj = newObj[Enforcement]("enforcement",
		fld("ordered_on", tDate, "责令改正决定日期", true, optDateAsOf(func(e *Enforcement) *Date { return e.OrderedOn }, "enforcement.ordered_on")),
		fld("deadline", tDate, "整改期限（含）", true, optPtr(func(e *Enforcement) *Date { return e.Deadline })),
		fld("rectified_on", tDate, "改正日期", true, optDateAsOf(func(e *Enforcement) *Date { return e.RectifiedOn }, "enforcement.rectified_on")),
		fld("fined_on", tDate, "罚款决定日期", true, optDateAsOf(func(e *Enforcement) *Date { return e.FinedOn }, "enforcement.fined_on")),
		fld("fine_amount", tDec, "罚款数额（元）", true, func(ev *Eval, e *Enforcement) (decimal.Decimal, bool) {
			if e.FineAmount == nil || e.FinedOn == nil || e.FinedOn.After(ev.asOf) {
				return decimal.Decimal{}, false
			}
			return *e.FineAmount, true
		}),
		fld("reinspected_on", tDate, "复查日期", true, optDateAsOf(func(e *Enforcement) *Date { return e.ReinspectedOn }, "enforcement.reinspected_on")),
	)
	periodObj = newObj[Period]("period",
		missingAs("operating_since", fld("from", tDate, "起始日；开始日期未知的（从未投保且未给出开始生产经营日期）未给出", true, func(_ *Eval, p *Period) (Date, bool) { return p.From, !p.From.IsZero() })),
		fld("to", tDate, "终止日（含）；持续中则未给出", true, func(_ *Eval, p *Period) (Date, bool) { return p.To, !p.To.IsZero() }),
		missingAs("operating_since", fld("days", tInt, "天数（持续中的计至评估日）；开始日期未知的无法计算，缺少 operating_since", true, func(ev *Eval, p *Period) (int, bool) {
			if p.From.IsZero() {
				return 0, false
			}
			return p.Days(ev.asOf), true
		})),
	)
)

// rootField is a name visible at the top level of every expression: a core
// fact, or a value the engine derives (as_of, insured …).
type rootField struct {
	name string
	t    *typ
	doc  string
	// get returns a func(*Eval) T.
	get func(path string) any
	// present returns a presence test, for optional values.
	present  func(*Eval) bool
	optional bool
	// phase restricts where the name may be used (see phase).
	phase phase
	// derived marks values computed by the engine rather than given.
	derived bool
}

// phase is where in the evaluation an expression runs; some names only exist
// in later phases (the obligation is known only after coverage rules ran).
type phase uint8

const (
	phaseAny        phase = 0
	phaseObligation phase = 1 << iota // requirements, findings, penalties, consequences, rating
	phaseItem                         // penalty rules with each:
	phaseRate                         // base formulas
)

func rf[T any](name string, t *typ, doc string, get func(ev *Eval) T) *rootField {
	return &rootField{name: name, t: t, doc: doc, get: func(string) any { return get }}
}

// rfOpt declares an optional root fact: get returns false when not given.
func rfOpt[T any](name string, t *typ, doc string, get func(ev *Eval) (T, bool)) *rootField {
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

// rootFields are the core facts and derived values, in contract order.
var rootFields = []*rootField{
	rf("name", tStr, "企业名称", func(ev *Eval) string { return ev.f.Name }),
	rf("region", tStr, "所在地区（GB/T 2260）", func(ev *Eval) string { return ev.f.Region }),
	rf("sectors", codes("sectors"), "行业领域", func(ev *Eval) []string { return ev.f.Sectors }),
	rf("status", code("status"), "经营状态", func(ev *Eval) string { return ev.f.Status }),
	rf("seasonal", tBool, "季节性生产经营", func(ev *Eval) bool { return ev.f.Seasonal }),
	rf("urban_center", tBool, "位于城市中心区域", func(ev *Eval) bool { return ev.f.UrbanCenter }),
	rf("sites", listT(siteObj), "特殊作业场所", func(ev *Eval) []Site { return ev.f.Sites }),
	rfOpt("park", objT(parkObj), "所在园区/厂中厂", func(ev *Eval) (*Park, bool) { return objPtr(ev.f.Park) }),
	rfOpt("employees", tInt, "从业人员数（含劳务派遣）", func(ev *Eval) (int, bool) { return deref(ev.f.Employees) }),
	rf("dispatched_workers", tInt, "劳务派遣人员数", func(ev *Eval) int { return ev.f.DispatchedWorkers }),
	rf("workers_without_injury_insurance", tInt, "无法参加工伤保险的从业人员数", func(ev *Eval) int { return ev.f.WorkersWithoutInjuryInsurance }),
	rfOpt("annual_revenue", tDec, "年营业收入（元）", func(ev *Eval) (decimal.Decimal, bool) { return deref(ev.f.AnnualRevenue) }),
	rfOpt("project", objT(projectObj), "建设项目", func(ev *Eval) (*Project, bool) { return objPtr(ev.f.Project) }),
	rfOpt("risk_level", code("risk_level"), "安全风险等级", func(ev *Eval) (string, bool) { return ev.f.RiskLevel, ev.f.RiskLevel != "" }),
	rf("accidents", listT(accidentObj), "生产安全事故（评估日之前）", func(ev *Eval) []Accident { return ev.accidents() }),
	rfOpt("work_injury_rank", objT(rankObj), "工伤事故起数排名", func(ev *Eval) (*WorkInjuryRank, bool) { return objPtr(ev.f.WorkInjuryRank) }),
	rf("standardization_level", tInt, "安全生产标准化等级：1 一级 … 3 三级，0 未达标", func(ev *Eval) int { return ev.f.StandardizationLevel }),
	rfOpt("credit_grade", code("credit_grade"), "安全生产诚信等级", func(ev *Eval) (string, bool) { return ev.f.CreditGrade, ev.f.CreditGrade != "" }),
	rf("blacklisted", tBool, "被纳入联合惩戒黑名单/严重失信主体名单", func(ev *Eval) bool { return ev.f.Blacklisted }),
	rf("hazards", objT(hazardsObj), "事故隐患", func(ev *Eval) *Hazards { return &ev.f.Hazards }),
	rfOpt("loss_ratio", tDec, "近年赔付率", func(ev *Eval) (decimal.Decimal, bool) { return deref(ev.f.LossRatio) }),
	rf("occupational_hazards", codes("occupational_hazards"), "职业病危害", func(ev *Eval) []string { return ev.f.OccupationalHazards }),
	rfOpt("principal_income", tDec, "主要负责人上一年年收入（元）", func(ev *Eval) (decimal.Decimal, bool) { return deref(ev.f.PrincipalIncome) }),
	rfOpt("policy", objT(policyObj), "当前安责险保单", func(ev *Eval) (*Policy, bool) { return objPtr(ev.f.Policy) }),
	rf("policy_history", listT(historyObj), "以往保单（评估日之前开始的）", func(ev *Eval) []PolicyPeriod { return ev.history() }),
	rf("other_safety_insurance", codes("other_safety_insurance"), "其他与安全生产相关的险种", func(ev *Eval) []string { return ev.f.OtherSafetyInsurance }),
	rf("claims_unpaid_to_victims", tBool, "未将赔偿保险金支付给受害人", func(ev *Eval) bool { return ev.f.ClaimsUnpaidToVictims }),
	rfOpt("enforcement", objT(enforcementObj), "最近一次责令改正、罚款及其后情况", func(ev *Eval) (*Enforcement, bool) { return objPtr(ev.f.Enforcement) }),
	rfOpt("operating_since", tDate, "开始生产经营的日期", func(ev *Eval) (Date, bool) { return deref(ev.f.OperatingSince) }),

	// Values the engine derives.
	derivedRF(rf("as_of", tDate, "评估日", func(ev *Eval) Date { return ev.asOf })),
	derivedRF(rf("insurer", tStr, "评估所用保险机构（费率备案）", func(ev *Eval) string { return ev.insurer })),
	derivedRF(rf("insured", tBool, "评估日有有效保单", func(ev *Eval) bool { return ev.timeline().insured })),
	derivedRF(rf("uninsured_periods", listT(periodObj), "生产经营期间无有效保单的时段（至评估日）", func(ev *Eval) []Period { return ev.timeline().uninsured })),
	derivedRF(rf("late_renewals", listT(periodObj), "保单到期后未及时续保的间断时段", func(ev *Eval) []Period { return ev.timeline().late })),
	phased(derivedRF(rf("obligation", code("obligation"), "投保义务（由 coverage 规则得出）", func(ev *Eval) string { return ev.obligation })), phaseObligation),
}

func derivedRF(r *rootField) *rootField { r.derived = true; return r }
func phased(r *rootField, p phase) *rootField {
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

func rootField_(name string) *rootField {
	rootOnce.Do(func() {
		rootByName = map[string]*rootField{}
		for _, r := range rootFields {
			rootByName[r.name] = r
		}
	})
	return rootByName[name]
}

// viewType returns the reflect type the expr checker sees for t.
func viewType(t *typ) reflect.Type {
	switch t.k {
	case kBool:
		return reflect.TypeOf(true)
	case kInt:
		return reflect.TypeOf(0)
	case kDec:
		return reflect.TypeOf(decimal.Decimal{})
	case kStr:
		return reflect.TypeOf("")
	case kDate:
		return reflect.TypeOf(Date{})
	case kList:
		return reflect.SliceOf(viewType(t.elem))
	case kObj:
		return t.obj.viewType()
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
func typeOfView(rt reflect.Type) *typ {
	if rt == nil {
		return tInvalid
	}
	switch rt {
	case reflect.TypeOf(true):
		return tBool
	case reflect.TypeOf(0):
		return tInt
	case reflect.TypeOf(decimal.Decimal{}):
		return tDec
	case reflect.TypeOf(""):
		return tStr
	case reflect.TypeOf(Date{}):
		return tDate
	}
	if rt.Kind() == reflect.Slice {
		e := typeOfView(rt.Elem())
		if e.k == kInvalid {
			return tInvalid
		}
		return &typ{k: kList, elem: e}
	}
	viewMu.Lock()
	o := viewToObj[rt]
	viewMu.Unlock()
	if o != nil {
		return objT(o)
	}
	return tInvalid
}
