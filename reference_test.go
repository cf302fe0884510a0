package anzexian_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// This file is the hand-written reference the benchmarks compare the engine
// with: the whole answer for one representative stack — a Hunan
// hazardous-chemicals enterprise (storage, production, trade, use, a key
// user or a pipeline operator) assessed on or after 2025-03-29, when the
// 2021 law, the 2025 national measures, the national rating baseline and
// Hunan's opinions and construction rate table are in force — written
// directly in Go with shopspring/decimal, as an engineer would without a
// rules engine. It produces the same Assessment value the engine does:
// coverage with its reasons, merged requirements and findings; the premium
// with its worksheet; penalties (including those of earlier law for earlier
// occurrences: the 2014 law, the 2017 measures) and consequences. Every
// text and citation is a constant; only the layers' content digests are
// read from the loaded rulesets, once (they change whenever a file's bytes
// do). TestReferenceAssessAgrees checks it against the engine on the
// example cases and on generated enterprises of that stack.

// Ruleset keys.
const (
	kLaw14 = "cn/law/safety-production@2014"
	kLaw21 = "cn/law/safety-production@2021"
	kM17   = "cn/measures/spli@2017"
	kM25   = "cn/measures/spli@2025"
	kBase  = "cn/rating/baseline@2018"
	kHN    = "cn.hunan/opinions/spli@2018"
	kHNC   = "cn.hunan/rating/construction@2018"
)

// Titles of the sources cited.
const (
	tLaw21    = "中华人民共和国安全生产法（2021年修正）"
	tLaw14    = "中华人民共和国安全生产法（2014年修正）"
	tMeasures = "安全生产责任保险实施办法"
	tHN       = "湖南省关于规范和加强安全生产责任保险工作的实施意见"
	nM25      = "应急〔2025〕27号"
	nM17      = "安监总办〔2017〕140号"
)

func cLaw21(rs, art string) rulesets.Citation {
	return rulesets.Citation{Ruleset: rs, Source: "law2021", Title: tLaw21, Article: art}
}
func cM25(art string) rulesets.Citation {
	return rulesets.Citation{Ruleset: kM25, Source: "m2025", Title: tMeasures, Number: nM25, Article: art}
}
func cHN(art string) rulesets.Citation {
	return rulesets.Citation{Ruleset: kHN, Source: "hn", Title: tHN, Article: art}
}
func cLaw14(art string) rulesets.Citation {
	return rulesets.Citation{Ruleset: kLaw14, Source: "law2014", Title: tLaw14, Article: art, Unverified: true}
}
func cBaseM17(art string) rulesets.Citation {
	return rulesets.Citation{Ruleset: kBase, Source: "m2017", Title: tMeasures, Number: nM17, Article: art, Unverified: true}
}
func cites(cs ...rulesets.Citation) []rulesets.Citation { return cs }

// Citations, as constants.
var (
	citeLaw21Art51   = cites(cLaw21(kLaw21, "第五十一条第二款"))
	citeM25Hazchem   = cites(cM25("第二条"), cLaw21(kM25, "第五十一条第二款"))
	citeHN21         = cites(cHN("二(一)"))
	citeM25Art3      = cites(cM25("第三条"))
	citeM25Art6      = cites(cM25("第六条"))
	citeM25Art15     = cites(cM25("第十五条"))
	citeM25Art16     = cites(cM25("第十六条"))
	citeHN31         = cites(cHN("三(一)"))
	citeHN32         = cites(cHN("三(二)"))
	citeHN33         = cites(cHN("三(三)"))
	citeHN35         = cites(cHN("三(五)"))
	citeHN4          = cites(cHN("四"))
	citeHN52         = cites(cHN("五(二)"))
	citeHN62         = cites(cHN("六(二)"))
	citeHN52and35    = cites(cHN("五(二)"), cHN("三(五)"))
	citeHN52and33    = cites(cHN("五(二)"), cHN("三(三)"))
	citeHN33and52    = cites(cHN("三(三)"), cHN("五(二)"))
	citeTable        = cites(cBaseM17("基准指导费率条款（条序未核实）"))
	citeAdjust       = cBaseM17("费率调整条款（条序未核实）")
	citeFuyang       = rulesets.Citation{Ruleset: kBase, Source: "fuyang", Title: "阜阳市安全生产责任保险工作实施方案", Article: "浮动费率"}
	citeAccRecord    = cites(citeAdjust, citeFuyang)
	citeAdjustOnly   = cites(citeAdjust)
	citeRisk         = cites(cBaseM17("差别费率条款（条序未核实）"))
	citeStd          = cites(rulesets.Citation{Ruleset: kBase, Source: "notice2024", Title: "关于充分发挥安全生产责任保险功能作用助力安全生产治本攻坚三年行动的通知", Article: "费率浮动机制", Unverified: true})
	citeBlacklist    = cites(cLaw21(kBase, "第七十八条"))
	citeClamp        = cites(rulesets.Citation{Ruleset: kBase, Source: "tianjin2011", Title: "天津市安全生产责任保险实施办法", Article: "浮动费率"})
	citeCap          = cites(rulesets.Citation{Ruleset: kM25, Source: "m2025", Title: tMeasures, Number: nM25, Article: "事故预防服务费用条款（条序未核实）", Unverified: true}, rulesets.Citation{Ruleset: kM25, Source: "zmd", Title: "驻马店日报2025年4月30日关于应急〔2025〕27号的报道", Article: "报道"})
	citeNone         = []rulesets.Citation{}
	citeLaw21Art109  = cites(cLaw21(kLaw21, "第一百零九条"))
	citeLaw21Art112  = cites(cLaw21(kLaw21, "第一百一十二条"))
	citeLaw21Art102  = cites(cLaw21(kLaw21, "第一百零二条"))
	citeLaw14Art48   = cLaw14("第四十八条")
	citeM17Art26     = rulesets.Citation{Ruleset: kM17, Source: "m2017", Title: tMeasures, Number: nM17, Article: "第二十六条", Unverified: true}
	citeHN52Only     = cHN("五(二)")
	citeLaw21Art109C = cLaw21(kLaw21, "第一百零九条")
)

var (
	date2014 = facts.MustParseDate("2014-12-01")
	date2018 = facts.MustParseDate("2018-01-01")
	date2021 = facts.MustParseDate("2021-09-01")
	date2025 = facts.MustParseDate("2025-03-29")
	// refBoundaries are the dates the Hunan stack changes.
	refBoundaries = []facts.Date{date2014, date2018, date2021, date2025}
)

var (
	dec0      = decimal.Zero
	dec1      = decimal.NewFromInt(1)
	dec300k   = decimal.NewFromInt(300000)
	dec400k   = decimal.NewFromInt(400000)
	dec500k   = decimal.NewFromInt(500000)
	decMinPrm = decimal.NewFromInt(300)
	decClampL = decimal.RequireFromString("0.70")
	decClampH = decimal.RequireFromString("1.30")
	decShare  = decimal.RequireFromString("0.21")
	decP30    = decimal.RequireFromString("0.30")
	decP20    = decimal.RequireFromString("0.20")
	decP15    = decimal.RequireFromString("0.15")
	decP10    = decimal.RequireFromString("0.10")
	decP05    = decimal.RequireFromString("0.05")
	decM05    = decimal.RequireFromString("-0.05")
	decM10    = decimal.RequireFromString("-0.10")
	decM15    = decimal.RequireFromString("-0.15")
	decLR70   = decimal.RequireFromString("0.70")
	decLR100  = decimal.RequireFromString("1.00")
	// per-person base premium of class_1 by death-limit band
	refClass1 = [4]decimal.Decimal{decimal.NewFromInt(192), decimal.NewFromInt(240), decimal.NewFromInt(288), decimal.NewFromInt(336)}
)

// refStack is the reference for the Hunan stack: the layers' descriptions,
// read once.
type refStack struct {
	layers []anzexian.Layer          // the stack on the as-of date
	old    map[string]anzexian.Layer // rulesets that govern earlier violations
}

func newRefStack(reg *rulesets.Registry) *refStack {
	layer := func(key, role string) anzexian.Layer {
		rs := reg.Ruleset(key)
		return anzexian.Layer{ID: rs.ID, Version: rs.Version, Status: rs.Status, Kind: rs.Kind, Title: rs.Title,
			Region: rs.Region, Insurer: rs.Insurer, Effective: rs.Effective, Digest: rs.Digest, Role: role}
	}
	r := &refStack{old: map[string]anzexian.Layer{}}
	for _, k := range []string{kLaw21, kM25, kBase, kHN, kHNC} {
		r.layers = append(r.layers, layer(k, ""))
	}
	for _, k := range []string{kLaw14, kM17} {
		r.old[k] = layer(k, "governs an earlier violation")
	}
	return r
}

var refNotes = []string{
	"《湖南省关于规范和加强安全生产责任保险工作的实施意见》（cn.hunan/opinions/spli@2018）的施行日期2018-01-01为推定：文件本身未载明日期。",
	"《湖南省建筑施工行业安全生产责任保险基准费率表》（cn.hunan/rating/construction@2018）的施行日期2018-01-01为推定：文件本身未载明日期。",
}

// The notes of the baseline's premium: exactly the illustrative numbers,
// and (for a mandatory enterprise) the prevention cap, which rests on an
// article of the 2025 measures not checked against the official text.
const (
	refIllustrativeNote = "保费所用的以下数值没有官方来源，是示例（illustrative），不能作为实际报价：基准保费 per-person、浮动上下限、合成方式、" +
		"浮动因子 accident-count、浮动因子 accident-record、浮动因子 blacklist、浮动因子 credit-grade、浮动因子 hazard-rectification、" +
		"浮动因子 loss-ratio、浮动因子 risk-level、浮动因子 standardization、最低保费、费率表 per-person。"
	refUnverifiedCapNote = "保费所用的以下数值转录自非官方文本或所据条文未经核实（unverified），使用前应与官方文件核对：事故预防服务费用上限。"
)

// refCovers reports whether the reference covers f at asOf: a Hunan
// enterprise whose sectors are all hazardous chemicals, with a headcount,
// no ruleset-declared facts, on or after 2025-03-29; not closed, with no
// dated enforcement records (enforcement only), no policy concluded before
// it starts or in force since before 2018, and no accident reported late.
func refCovers(f *facts.Facts, asOf facts.Date) bool {
	if !strings.HasPrefix(f.Region, "43") || len(f.Sectors) == 0 || f.Employees == nil || len(f.Extra) > 0 || asOf.Before(date2025) {
		return false
	}
	if f.Status == "closed" || f.ClosedOn != nil || len(f.EnforcementRecords) > 0 {
		return false
	}
	if p := f.Policy; p != nil && (p.ConcludedOn != nil || (p.IsInsured() && p.Start.Before(date2018) && !p.End.Before(asOf))) {
		return false
	}
	for _, a := range f.Accidents {
		if a.ReportedOn != nil {
			return false
		}
	}
	for _, s := range f.Sectors {
		if !facts.SectorMatch(s, "hazardous_chemicals") {
			return false
		}
	}
	switch f.CreditGrade {
	case "", "a", "b", "c", "d":
		return true
	}
	return false
}

// refAccidents are the accidents on or before asOf.
func refAccidents(f *facts.Facts, asOf facts.Date) []facts.Accident {
	for _, a := range f.Accidents {
		if a.Date.After(asOf) {
			var out []facts.Accident
			for _, b := range f.Accidents {
				if !b.Date.After(asOf) {
					out = append(out, b)
				}
			}
			return out
		}
	}
	return f.Accidents
}

func refNational(f *facts.Facts) (national, keyUser, pipeline bool) {
	for _, s := range f.Sectors {
		switch {
		case facts.SectorMatch(s, "hazardous_chemicals.key_user"):
			keyUser = true
		case facts.SectorMatch(s, "hazardous_chemicals.pipeline"):
			pipeline = true
		default:
			national = true
		}
	}
	return
}

// refRefused is hazards.refused_rectification on asOf (a refusal dated
// after asOf has not happened yet).
func refRefused(f *facts.Facts, asOf facts.Date) bool {
	h := f.Hazards
	if h.RefusedOn != nil && h.RefusedOn.After(asOf) {
		return false
	}
	return h.RefusedRectification
}

// refAssess is the hand-written answer for f at asOf; ok is false when the
// reference does not cover f (see refCovers).
func (r *refStack) assess(f *facts.Facts, asOf facts.Date) (*anzexian.Assessment, bool) {
	if !refCovers(f, asOf) {
		return nil, false
	}
	a := &anzexian.Assessment{Enterprise: f.Name, Region: f.Region, AsOf: asOf,
		Rulesets: r.layers, Notes: refNotes}
	national, keyUser, pipeline := refNational(f)
	oblig := rulesets.ObligationRequired
	if national {
		oblig = rulesets.ObligationMandatory
	}
	h := newRefHist(f, asOf)
	a.Coverage = refCoverage(f, asOf, h, oblig, national, keyUser, pipeline)
	h.deficiency(f, asOf, a.Coverage.Findings)

	prem, inc := refPremiumWorksheet(f, asOf, oblig)
	if prem != nil {
		a.Premium = prem
		a.Notes = append(a.Notes[:len(a.Notes):len(a.Notes)], prem.Notes...)
		if r := prem.Range; r != nil {
			a.Notes = append(a.Notes, fmt.Sprintf("保费为暂定（provisional）：浮动因子 risk-level 缺少 risk_level，按假定情形 default 计算；按这些因子可能的各情形（%d种组合）计算，保费在 %s 至 %s CNY之间。",
				r.Combinations, r.Min.StringFixed(2), r.Max.StringFixed(2)))
		}
	} else {
		a.PremiumIncomplete = inc
	}

	ps, und := refPenalties(f, asOf, h, oblig)
	a.Penalties = ps
	a.Coverage.Undetermined = append(a.Coverage.Undetermined, und...)
	for _, p := range ps {
		r.addLayer(a, p.Law)
		for _, c := range p.Cite {
			r.addLayer(a, c.Ruleset)
		}
	}
	a.Timeline = refTimelineOf(f, asOf, h, oblig, keyUser, pipeline)

	a.Consequences = []penalties.Consequence{}
	if !h.covered(asOf) {
		a.Consequences = append(a.Consequences, penalties.Consequence{ID: "grading-precondition", Rule: kHN + "#grading-precondition", Kind: "precondition",
			Text: "未投保：安全生产责任保险投保情况是安全生产标准化、安全生产诚信等级等评定的必要条件。", Cite: citeHN52})
	}
	a.Consequences = append(a.Consequences,
		penalties.Consequence{ID: "risk-supervision", Rule: kHN + "#risk-supervision", Kind: "supervision", Text: "投保情况作为安全生产风险分类监管的重要参考。", Cite: citeHN52},
		penalties.Consequence{ID: "licence-check", Rule: kHN + "#licence-check", Kind: "check", Text: "安全生产许可证办理等环节把是否按规定参保安全生产责任保险作为一项重点检查内容，严格把关。", Cite: citeHN62})
	if h.covered(asOf) {
		a.Consequences = append(a.Consequences, penalties.Consequence{ID: "priority", Rule: kHN + "#priority", Kind: "benefit",
			Text: "在财政投入、企业信贷融资、项目立项、进入工业园区以及相关产业扶持政策等方面，同等条件下优先考虑投保安全生产责任保险的企业。", Cite: citeHN52})
	}
	a.Consequences = append(a.Consequences, penalties.Consequence{ID: "disclosure", Rule: kHN + "#disclosure", Kind: "disclosure",
		Text: "各地应当及时公布企业投保安全生产责任保险情况，供金融机构、行业协会和社会公众查询。", Cite: citeHN52})
	return a, true
}

func refCites(cs []rulesets.Citation, key string) bool {
	for _, c := range cs {
		if c.Ruleset == key {
			return true
		}
	}
	return false
}

func (r *refStack) addLayer(a *anzexian.Assessment, key string) {
	for _, l := range a.Rulesets {
		if l.ID+"@"+l.Version == key {
			return
		}
	}
	if l, ok := r.old[key]; ok {
		a.Rulesets = append(a.Rulesets[:len(a.Rulesets):len(a.Rulesets)], l)
	}
}

// ---- coverage ----

func refCoverage(f *facts.Facts, asOf facts.Date, h *refHist, oblig rulesets.Obligation, national, keyUser, pipeline bool) *coverage.Result {
	res := &coverage.Result{Obligation: oblig, ObligationBasis: "binding", Findings: []coverage.Finding{}}
	res.Reasons = []coverage.Reason{{Rule: kLaw21 + "#encouraged", Obligation: rulesets.ObligationEncouraged,
		Text: "国家鼓励生产经营单位投保安全生产责任保险。", Cite: citeLaw21Art51}}
	if national {
		res.Reasons = append(res.Reasons,
			coverage.Reason{Rule: kM25 + "#hazardous-chemicals", Obligation: rulesets.ObligationMandatory, Text: "危险化学品生产经营单位应当投保安全生产责任保险。", Cite: citeM25Hazchem},
			coverage.Reason{Rule: kHN + "#hazardous-chemicals", Obligation: rulesets.ObligationMandatory, Text: "湖南省对危险化学品（包含生产、经营、使用危化品的化工企业）强制实施安全生产责任保险。", Cite: citeHN21})
	}
	if keyUser {
		res.Reasons = append(res.Reasons, coverage.Reason{Rule: kHN + "#hazardous-chemicals-key-user", Obligation: rulesets.ObligationRequired,
			Text: "湖南省对使用危化品的重点使用单位强制实施安全生产责任保险。", Cite: citeHN21,
			Note: "非化工企业的危化品重点使用单位是否属于国家规定的高危行业、领域，国家文本未明确；按湖南省的规定定为 required。"})
	}
	if pipeline {
		res.Reasons = append(res.Reasons, coverage.Reason{Rule: kHN + "#hazardous-chemicals-pipeline", Obligation: rulesets.ObligationRequired,
			Text: "湖南省对成品油与天然气长输管线管理和经营企业强制实施安全生产责任保险。", Cite: citeHN21,
			Note: "长输管线归石油天然气管道保护的规定调整，是否属于国家规定的\"危险化学品\"高危领域，国家文本未明确；按湖南省的规定定为 required。"})
	}
	res.Requirements = refRequirements(f, oblig)
	pq := res.Requirements
	if p := f.Policy; p.IsInsured() && !p.Start.After(asOf) && !p.End.Before(asOf) && p.Start.Before(date2025) {
		// concluded under the 2017 measures: judged by them
		q17 := refRequirements17(f, oblig)
		if !refSameRequirements(q17, res.Requirements) {
			pq = q17
			res.PolicyRequirements = &coverage.PolicyRequirements{ConcludedOn: p.Start, Obligation: oblig, Requirements: q17}
		}
	}
	res.Findings = refFindings(f, asOf, h, res, pq)
	return res
}

// Requirement rules of the stack, as constants.
const (
	txM25Scope     = "安责险的赔偿范围包括从业人员人身伤亡赔偿，第三者人身伤亡和财产损失赔偿，及相关事故抢险救援、医疗救护、事故鉴定、法律诉讼等费用。"
	txM25Premium   = "生产经营单位应当及时足额缴纳安责险保费，不得以任何方式摊派给从业人员个人。"
	txM25Limits    = "每人死亡伤残责任限额不得低于40万元。"
	txM25AllEmp    = "安责险的保障范围应当覆盖全体从业人员，保险金额实行同一标准，不得因用工方式、工作岗位等差别对待。"
	txM25NoLate    = "除被依法关闭取缔、完全停止生产经营活动外，应当投保安责险的生产经营单位不得退保、延迟续保。"
	txHNScope      = "保险责任应包括从业人员（含劳务派遣人员）人身伤亡赔偿，第三者人身伤亡和财产损失赔偿，事故抢险救援、医疗救护、事故鉴定、法律诉讼等费用。"
	txHNOccup      = "对存在高危粉尘作业、高毒作业或其他严重职业病危害的单位，应当增加投保职业病相关保险。"
	txHNUniform    = "投保时实行同一保险金额标准，不得因用工方式、工作岗位等差别对待。"
	txHNDeath      = "安全生产责任保险死亡赔偿限额不低于30万元/人，鼓励按需投保更高保额。"
	txHNMedical    = "从业人员的伤残医疗费不属于工伤保险基金支付范围的赔偿限额在安全生产责任保险合同中约定。"
	txHNEqual      = "保险机构应支持为无法购买工伤保险的从业人员依名单按需投保高保额保险产品，保障额度和范围与享受工伤保险待遇的从业人员一致。"
	txHNTermYear   = "保险期限原则上为一年。"
	txHNTermSeason = "季节性生产经营单位可根据生产经营周期确定保险期限。"
	txHNNoLate     = "除被依法关闭取缔、完全停止生产经营活动外，投保企业不得延迟续保、退保。"
	txHNPremium    = "保费由企业缴纳，不得以任何方式摊派给从业人员个人。"
	txHNLocal      = "各生产经营单位应在当地保险机构投保。"
	txHNConvert    = "对企业已投保的与安全生产相关的其他险种，应当将其调整为安全生产责任保险。"
	txHNPrevention = "保险机构开展安全风险评估、事故隐患排查等服务时，投保企业应积极配合，并对评估发现的事故隐患进行整改。"
)

var refScope = []string{"employees", "third_party", "rescue", "medical", "appraisal", "litigation"}

func refLabel(field string) string { return rulesets.RequirementFieldByName(field).Label }

func refBasis(rule, text string, v any, binding bool, c []rulesets.Citation) coverage.Basis {
	return coverage.Basis{Rule: rule, Text: text, Value: v, Binding: binding, Cite: c}
}

func refRequirements(f *facts.Facts, oblig rulesets.Obligation) coverage.Requirements {
	m := oblig == rulesets.ObligationMandatory
	var q coverage.Requirements
	add := func(field string, v any, basis ...coverage.Basis) {
		q.Items = append(q.Items, coverage.Requirement{Field: field, Label: refLabel(field), Value: v, Basis: basis})
	}
	hnDeath := refBasis(kHN+"#death-limit", txHNDeath, dec300k, !m, citeHN32)
	if m {
		add("death_limit_min", dec400k, refBasis(kM25+"#limits", txM25Limits, dec400k, true, citeM25Art15), hnDeath)
		add("disability_limit_min", dec400k, refBasis(kM25+"#limits", txM25Limits, dec400k, true, citeM25Art15))
		add("cover_all_employees", true, refBasis(kM25+"#all-employees", txM25AllEmp, true, true, citeM25Art16), refBasis(kHN+"#cover-scope", txHNScope, true, true, citeHN31))
		add("uniform_limits", true, refBasis(kM25+"#all-employees", txM25AllEmp, true, true, citeM25Art16), refBasis(kHN+"#uniform-amount", txHNUniform, true, true, citeHN32))
	} else {
		add("death_limit_min", dec300k, hnDeath)
		add("cover_all_employees", true, refBasis(kHN+"#cover-scope", txHNScope, true, true, citeHN31))
		add("uniform_limits", true, refBasis(kHN+"#uniform-amount", txHNUniform, true, true, citeHN32))
	}
	add("cover_scope", append([]string(nil), refScope...), refBasis(kM25+"#cover-scope", txM25Scope, refScope, true, citeM25Art3), refBasis(kHN+"#cover-scope", txHNScope, refScope, true, citeHN31))
	if len(f.OccupationalHazards) > 0 {
		add("occupational_disease_cover", "required", refBasis(kHN+"#occupational-disease", txHNOccup, "required", true, citeHN31))
	}
	if f.Seasonal {
		add("term", "production_cycle", refBasis(kHN+"#term-one-year", txHNTermYear, "one_year", false, citeHN33), refBasis(kHN+"#term-seasonal", txHNTermSeason, "production_cycle", true, citeHN33))
	} else {
		add("term", "one_year", refBasis(kHN+"#term-one-year", txHNTermYear, "one_year", true, citeHN33))
	}
	if f.Policy != nil {
		add("prevention_service", true, refBasis(kHN+"#prevention", txHNPrevention, true, true, citeHN4))
	}
	if m {
		add("no_late_renewal_or_surrender", true, refBasis(kM25+"#no-late-renewal", txM25NoLate, true, true, citeM25Art16), refBasis(kHN+"#no-late-renewal", txHNNoLate, true, true, citeHN33))
	} else {
		add("no_late_renewal_or_surrender", true, refBasis(kHN+"#no-late-renewal", txHNNoLate, true, true, citeHN33))
	}
	add("premium_paid_by_enterprise", true, refBasis(kM25+"#premium-by-enterprise", txM25Premium, true, true, citeM25Art6), refBasis(kHN+"#premium-by-enterprise", txHNPremium, true, true, citeHN35))
	if len(f.OtherSafetyInsurance) > 0 {
		add("convert_other_insurance", true, refBasis(kHN+"#convert-other-insurance", txHNConvert, true, true, citeHN35))
	}
	add("local_insurer", true, refBasis(kHN+"#local-insurer", txHNLocal, true, true, citeHN35))
	add("disability_medical_limit_in_contract", true, refBasis(kHN+"#medical-limit-in-contract", txHNMedical, true, true, citeHN32))
	if f.WorkersWithoutInjuryInsurance > 0 {
		add("equal_cover_for_uninsured_workers", true, refBasis(kHN+"#equal-cover", txHNEqual, true, true, citeHN32))
	}
	return q
}

func refLabels(v facts.Vocabulary, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = v.Label(c)
	}
	return strings.Join(out, "、")
}

// ---- premium ----

type refFactorCase struct {
	id, reason string
	value      decimal.Decimal
	cite       []rulesets.Citation
}

func refFactor(id, family, title, pick string, cite []rulesets.Citation, c refFactorCase, matched []string) rating.Factor {
	fc := rating.Factor{ID: id, Family: family, Title: title, Unit: "percent", Value: c.value, Delta: c.value, Case: c.id,
		Reason: c.reason, Pick: pick, Cite: cite, Rule: kBase + "#" + id, Matched: matched, Illustrative: true}
	if len(c.cite) > 0 {
		fc.Cite = append(append([]rulesets.Citation(nil), cite...), c.cite...)
	}
	return fc
}

var refProvenance = []string{
	"illustrative: base per-person", "illustrative: clamp", "illustrative: combine mode",
	"illustrative: factor accident-count", "illustrative: factor accident-record", "illustrative: factor blacklist",
	"illustrative: factor credit-grade", "illustrative: factor hazard-rectification", "illustrative: factor loss-ratio",
	"illustrative: factor risk-level", "illustrative: factor standardization", "illustrative: minimum premium",
	"illustrative: table per-person",
}

var refProvenanceCap = append(refProvenance[:len(refProvenance):len(refProvenance)], "unverified: prevention cap")

var refProgram = &rating.Program{Ruleset: kBase, Title: "安全生产责任保险基准费率与浮动费率（示例基线）"}

var refLimitBands = [4]struct{ id, label, rng string }{
	{"upto-30", "30万元及以下", "[0, 300000]"},
	{"upto-40", "30万元以上至40万元", "(300000, 400000]"},
	{"upto-50", "40万元以上至50万元", "(400000, 500000]"},
	{"over-50", "50万元以上", "(500000, +inf)"},
}

// refPremiumWorksheet is the premium of the national baseline with its
// worksheet, for a hazardous-chemicals enterprise (rate class 1).
func refPremiumWorksheet(f *facts.Facts, asOf facts.Date, oblig rulesets.Obligation) (*rating.Premium, *rating.Incomplete) {
	if f.RiskLevel != "" {
		return refPremiumAt(f, asOf, oblig, f.RiskLevel)
	}
	// Without a risk level the premium is provisional: under the case the
	// baseline assumes (default: 一般风险), with the range over the cases
	// risk-level could take, in their order (the first to reach a bound
	// names it).
	p, inc := refPremiumAt(f, asOf, oblig, "moderate")
	if inc != nil {
		return nil, inc
	}
	rf := &p.Factors[2]
	rf.Assumed = true
	r := &rating.Range{Combinations: 4}
	u := rating.Undecided{Factor: "risk-level", Rule: kBase + "#risk-level", Missing: []string{"risk_level"},
		Cases: []string{"major", "high", "low", "default"}, Assumed: "default"}
	for i, lvl := range []string{"major", "high", "low", "moderate"} {
		q, _ := refPremiumAt(f, asOf, oblig, lvl)
		if i == 0 || q.Amount.LessThan(r.Min) {
			r.Min, u.MinCase = q.Amount, u.Cases[i]
		}
		if i == 0 || q.Amount.GreaterThan(r.Max) {
			r.Max, u.MaxCase = q.Amount, u.Cases[i]
		}
	}
	r.Undecided = []rating.Undecided{u}
	p.Range = r
	return p, nil
}

// refPremiumAt is the premium of the national baseline at a risk level.
func refPremiumAt(f *facts.Facts, asOf facts.Date, oblig rulesets.Obligation, riskLevel string) (*rating.Premium, *rating.Incomplete) {
	limit := dec300k
	if c := asOf; !c.Before(date2025) {
		// the minimum of the day the policy was concluded (or will be)
		if p := f.Policy; p != nil && p.IsInsured() && !p.End.Before(asOf) {
			c = p.Start
		}
		if !c.Before(date2025) {
			limit = dec400k
		}
	}
	if f.Policy != nil && f.Policy.DeathLimit != nil {
		limit = *f.Policy.DeathLimit
	}
	band := 3
	switch {
	case limit.Sign() < 0:
		return nil, &rating.Incomplete{Reason: "out of the reference's scope"}
	case limit.Cmp(dec300k) <= 0:
		band = 0
	case limit.Cmp(dec400k) <= 0:
		band = 1
	case limit.Cmp(dec500k) <= 0:
		band = 2
	}
	rate := refClass1[band]
	amount := rate.Mul(decimal.NewFromInt(int64(*f.Employees)))
	p := &rating.Premium{
		Program: refProgram,
		Base: rating.Base{Rule: kBase + "#per-person", Text: "每人年基准保费 × 从业人员数",
			Table: &rating.TableRow{Table: "per-person", Ref: kBase + "#per-person", Title: "每人年基准保费（元/人·年，示例）", Unit: "amount", Row: band,
				Keys: []rating.Key{{Dim: "class", Value: "class_1"},
					{Dim: "limit", Value: limit.String(), Band: refLimitBands[band].label, BandID: refLimitBands[band].id, Range: refLimitBands[band].rng}},
				Value: rate, Cite: citeTable},
			RawRate: rate, Rate: rate, Formula: "rate * employees", Amount: amount, Cite: citeTable},
		Combine: "add", Currency: "CNY", Rounding: rating.Rounding{Scale: 2, Mode: "half_up", Steps: []string{"premium"}},
		Illustrative: true, Provenance: refProvenance, Notes: []string{refIllustrativeNote},
	}

	// accident record and count, over the last year
	from := asOf.AddYears(-1)
	var major, relMajor, ordinary bool
	n := 0
	for _, a := range refAccidents(f, asOf) {
		if !a.Date.After(from) {
			continue
		}
		n++
		switch g := a.Grade(); {
		case g >= facts.GradeMajor:
			major = true
		case g == facts.GradeRelativelyMajor:
			relMajor = true
		default:
			ordinary = true
		}
	}
	fuyang := cites(citeFuyang)
	var matched []string
	if major {
		matched = append(matched, "major-or-worse")
	}
	if relMajor {
		matched = append(matched, "relatively-major")
	}
	if ordinary {
		matched = append(matched, "ordinary")
	}
	rec := refFactorCase{"default", "上一年度未发生生产安全事故", decM10, fuyang}
	switch {
	case major:
		rec = refFactorCase{"major-or-worse", "上一年度发生重大及以上生产安全事故", decP30, fuyang}
	case relMajor:
		rec = refFactorCase{"relatively-major", "上一年度发生较大事故", decP20, fuyang}
	case ordinary:
		rec = refFactorCase{"ordinary", "上一年度发生一般事故", decP10, fuyang}
	}
	count := refFactorCase{"default", "上一年度事故不超过一起", dec0, nil}
	if n >= 2 {
		v := decP05.Mul(decimal.NewFromInt(int64(n - 1)))
		if v.Cmp(decP15) > 0 {
			v = decP15
		}
		count = refFactorCase{"repeated", "上一年度发生两起以上事故：第二起起每起+5%，最多+15%", v, nil}
	}
	risk := refFactorCase{"default", "一般风险", dec0, nil}
	switch riskLevel {
	case "major":
		risk = refFactorCase{"major", "重大风险", decP15, nil}
	case "high":
		risk = refFactorCase{"high", "较大风险", decP05, nil}
	case "low":
		risk = refFactorCase{"low", "低风险", decM05, nil}
	}
	std := refFactorCase{"default", "未达到安全生产标准化等级", dec0, nil}
	switch f.StandardizationLevel {
	case 1:
		std = refFactorCase{"level-1", "安全生产标准化一级", decM15, nil}
	case 2:
		std = refFactorCase{"level-2", "安全生产标准化二级", decM10, nil}
	case 3:
		std = refFactorCase{"level-3", "安全生产标准化三级", decM05, nil}
	}
	h := f.Hazards
	refused := refRefused(f, asOf) && (h.RefusedOn == nil || h.RefusedOn.After(asOf.AddYears(-1)))
	var hzMatched []string
	hz := refFactorCase{"default", "无未整改的重大事故隐患", dec0, nil}
	if h.MajorUnrectified {
		hz = refFactorCase{"unrectified", "存在未整改的重大事故隐患", decP10, nil}
	}
	if refused {
		hz = refFactorCase{"refused", "上一承保年度内拒不整改重大事故隐患，下一承保年度上浮费率", decP20, nil}
		hzMatched = append(hzMatched, "refused")
	}
	if h.MajorUnrectified {
		hzMatched = append(hzMatched, "unrectified")
	}
	credit := refFactorCase{"default", "B级（基本诚信）", dec0, nil}
	switch f.CreditGrade {
	case "":
		credit = refFactorCase{"none", "未评定诚信等级", dec0, nil}
	case "a":
		credit = refFactorCase{"a", "A级（诚信）", decM05, nil}
	case "c":
		credit = refFactorCase{"c", "C级（失信）", decP10, nil}
	case "d":
		credit = refFactorCase{"d", "D级（严重失信）", decP20, nil}
	}
	black := refFactorCase{"default", "未被纳入联合惩戒名单", dec0, nil}
	if f.Blacklisted {
		black = refFactorCase{"listed", "被纳入联合惩戒名单，上调保险费率", decP10, nil}
	}
	loss := refFactorCase{"default", "赔付率100%及以上", decP20, nil}
	switch lr := f.LossRatio; {
	case lr == nil:
		loss = refFactorCase{"no-history", "无赔付记录（新投保）", dec0, nil}
	case lr.LessThan(decP30):
		loss = refFactorCase{"low", "赔付率低于30%", decM05, nil}
	case lr.LessThan(decLR70):
		loss = refFactorCase{"normal", "赔付率30%至70%（不含）", dec0, nil}
	case lr.LessThan(decLR100):
		loss = refFactorCase{"high", "赔付率70%至100%（不含）", decP10, nil}
	}
	p.Factors = []rating.Factor{
		refFactor("accident-record", "accident", "事故记录和等级（上一年度）", "highest", citeAdjustOnly, rec, matched),
		refFactor("accident-count", "accident", "事故次数（上一年度）", "first", citeAdjustOnly, count, nil),
		refFactor("risk-level", "risk", "安全风险程度", "first", citeRisk, risk, nil),
		refFactor("standardization", "management", "安全生产标准化等级", "first", citeStd, std, nil),
		refFactor("hazard-rectification", "management", "隐患排查治理及整改情况", "highest", citeAdjustOnly, hz, hzMatched),
		refFactor("credit-grade", "credit", "安全生产诚信等级", "first", citeAdjustOnly, credit, nil),
		refFactor("blacklist", "credit", "纳入联合惩戒\"黑名单\"（严重失信主体名单）", "first", citeBlacklist, black, nil),
		refFactor("loss-ratio", "loss", "近年赔付率", "first", citeAdjustOnly, loss, nil),
	}
	sum := dec0
	for _, fc := range p.Factors {
		sum = sum.Add(fc.Delta)
	}
	p.Combined = dec1.Add(sum)
	p.Applied = p.Combined
	p.Clamp = &rating.Clamp{Min: decClampL, Max: decClampH, Cite: citeClamp}
	if p.Combined.LessThan(decClampL) {
		p.Applied, p.Clamp.Applied = decClampL, true
	} else if p.Combined.GreaterThan(decClampH) {
		p.Applied, p.Clamp.Applied = decClampH, true
	}
	p.BeforeMinimum = amount.Mul(p.Applied)
	p.Minimum = &rating.Minimum{Amount: decMinPrm, Cite: citeNone}
	prem := p.BeforeMinimum
	if prem.LessThan(decMinPrm) {
		prem, p.MinimumApplied = decMinPrm, true
	}
	p.Amount = prem.Round(2)
	if oblig == rulesets.ObligationMandatory {
		p.PreventionBudgetCap = &rating.Cap{Share: decShare, Amount: p.Amount.Mul(decShare).Round(2), Cite: citeCap}
		p.Unverified, p.Provenance, p.Notes = true, refProvenanceCap, []string{refIllustrativeNote, refUnverifiedCapNote}
	}
	return p, nil
}

// ---- penalties ----

// refPenaltyRule is a penalty rule of one of the laws, as constants.
type refPenaltyRule struct {
	id, title, target, law, note, fineBasis, noFine string
	measures                                        []string
	cite                                            []rulesets.Citation
	min, max                                        decimal.Decimal
	hasFine, discretionary, unverified              bool
	years                                           int
}

func (r *refPenaltyRule) penalty(governing string) penalties.Penalty {
	p := penalties.Penalty{Violation: r.id, Title: r.title, Target: r.target, Law: r.law, Governing: governing,
		Rules: []string{r.law + "#" + r.id}, Cite: r.cite, Measures: append([]string{}, r.measures...), NoFine: r.noFine,
		Discretionary: r.discretionary, Note: r.note, Unverified: r.unverified, FineBasis: r.fineBasis, Consequences: []string{}}
	if r.hasFine {
		p.Fine = &penalties.Range{Min: r.min.Round(2), Max: r.max.Round(2)}
	}
	return p
}

var (
	measuresRectifyHN = []string{"提出整改要求", "拒不整改的，依照相关法律法规规定追究其法律责任"}
	noFineHN          = "湖南省的实施意见只规定整改要求和依法追究责任，没有设定罚款数额。"
)

var accidentGradeIDs = [5]string{"", "ordinary", "relatively-major", "major", "especially-major"}

// refUnitFine is the fine range on a unit liable for an accident of grade g
// under the 2021 law (第一百一十四条) and the 2014 law (第一百零九条).
var refUnitFine21 = [5][2]int64{{}, {300000, 1000000}, {1000000, 2000000}, {2000000, 10000000}, {10000000, 20000000}}
var refUnitFine14 = [5][2]int64{{}, {200000, 500000}, {500000, 1000000}, {1000000, 5000000}, {5000000, 10000000}}
var refAggravated21 = [5][2]int64{{}, {600000, 5000000}, {2000000, 10000000}, {4000000, 50000000}, {20000000, 100000000}}
var refPrincipalShare21 = [5]string{"", "0.40", "0.60", "0.80", "1.00"}
var refPrincipalShare14 = [5]string{"", "0.30", "0.40", "0.60", "0.80"}
var refPrincipalText21 = [5]string{"", "上一年年收入的百分之四十", "上一年年收入的百分之六十", "上一年年收入的百分之八十", "上一年年收入的百分之一百"}
var refPrincipalText14 = [5]string{"", "上一年年收入的百分之三十", "上一年年收入的百分之四十", "上一年年收入的百分之六十", "上一年年收入的百分之八十"}
var refGradeTitle = [5]string{"", "一般事故", "较大事故", "重大事故", "特别重大事故"}
var refItem14 = [5]string{"", "（一）", "（二）", "（三）", "（四）"}

// refAccidentRule is the rule of kind ("unit", "aggravated", "principal")
// for grade g under the law in force on date d, or nil.
func refAccidentRule(kind string, g int, d facts.Date, a *facts.Accident, income *decimal.Decimal) (*refPenaltyRule, []string) {
	if d.Before(date2014) {
		return nil, nil
	}
	law14 := d.Before(date2021)
	r := &refPenaltyRule{target: "unit", measures: []string{"罚款"}, hasFine: true, years: 5}
	switch kind {
	case "unit":
		r.id = "accident-unit-" + accidentGradeIDs[g]
		r.title = "生产经营单位对" + refGradeTitle[g] + "负有责任"
		if law14 {
			r.law, r.cite, r.unverified = kLaw14, cites(cLaw14("第一百零九条第"+refItem14[g]+"项")), true
			lo, hi := refUnitFine14[g][0], refUnitFine14[g][1]
			if g == 4 && a.EspeciallySerious {
				lo, hi = 10000000, 20000000
			}
			r.min, r.max = decimal.NewFromInt(lo), decimal.NewFromInt(hi)
			if g == 1 {
				r.note = "生产安全事故涉及公民生命健康安全且有危害后果：2021-07-15（《行政处罚法》2021年修订施行）以后发生的，处罚时效为五年（第三十六条）；此前发生的，适用当时的二年时效（第三十七条：适用违法行为发生时的规定）。"
			}
			if g == 4 {
				r.fineBasis = "特别重大事故处五百万元以上一千万元以下；情节特别严重的，处一千万元以上二千万元以下"
			}
		} else {
			r.law, r.cite = kLaw21, cites(cLaw21(kLaw21, "第一百一十四条第一款第"+refItem14[g]+"项"))
			r.min, r.max = decimal.NewFromInt(refUnitFine21[g][0]), decimal.NewFromInt(refUnitFine21[g][1])
		}
	case "aggravated":
		if law14 {
			return nil, nil
		}
		r.id = "accident-unit-aggravated-" + accidentGradeIDs[g]
		r.title = "生产经营单位对" + refGradeTitle[g] + "负有责任，情节特别严重、影响特别恶劣"
		r.law, r.cite = kLaw21, cites(cLaw21(kLaw21, "第一百一十四条第二款"))
		r.measures = []string{"按照前款罚款数额的二倍以上五倍以下处以罚款"}
		r.min, r.max = decimal.NewFromInt(refAggravated21[g][0]), decimal.NewFromInt(refAggravated21[g][1])
		r.fineBasis, r.discretionary = "第一款罚款数额的二倍以上五倍以下", true
	case "principal":
		r.id = "accident-principal-" + accidentGradeIDs[g]
		r.title = "主要负责人未履行安全生产管理职责，导致发生" + refGradeTitle[g]
		r.target = "principal"
		share := refPrincipalShare21[g]
		if law14 {
			r.law, r.cite, r.unverified = kLaw14, cites(cLaw14("第九十二条第"+refItem14[g]+"项")), true
			share, r.fineBasis = refPrincipalShare14[g], refPrincipalText14[g]
			if g == 1 {
				r.note = "是否由主要负责人未履行职责导致，事实中不单列；以单位负有责任代之。"
			}
		} else {
			r.law, r.cite, r.fineBasis = kLaw21, cites(cLaw21(kLaw21, "第九十五条第"+refItem14[g]+"项")), refPrincipalText21[g]
		}
		if income == nil {
			r.hasFine = false
			return r, []string{"principal_income"}
		}
		v := income.Mul(decimal.RequireFromString(share))
		r.min, r.max = v, v
	}
	return r, nil
}

// refPremiumAmount is the premium amount alone under the national baseline
// for any Hunan enterprise without a construction project (a wider check of
// the rating pipeline than the full reference's stack).
func refPremiumAmount(f *facts.Facts, asOf facts.Date) (decimal.Decimal, bool) {
	if f.Employees == nil || f.RiskLevel == "" {
		return decimal.Decimal{}, false
	}
	class := 3
	in := func(prefixes ...string) bool {
		for _, s := range f.Sectors {
			for _, p := range prefixes {
				if facts.SectorMatch(s, p) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case in("coal_mine", "non_coal_mine", "hazardous_chemicals", "fireworks", "civil_explosives", "metal_smelting"):
		class = 0
	case in("construction", "transport", "fishery"):
		class = 1
	case in("special_equipment", "metallurgy", "nonferrous", "chemical", "building_materials", "power", "crowded_place"):
		class = 2
	}
	table := [4][4]int64{{192, 240, 288, 336}, {120, 150, 180, 210}, {72, 90, 108, 126}, {40, 50, 60, 70}}
	limit := dec300k
	if c := asOf; !c.Before(date2025) {
		// the minimum of the day the policy was concluded (or will be)
		if p := f.Policy; p != nil && p.IsInsured() && !p.End.Before(asOf) {
			c = p.Start
		}
		if !c.Before(date2025) {
			limit = dec400k
		}
	}
	if f.Policy != nil && f.Policy.DeathLimit != nil {
		limit = *f.Policy.DeathLimit
	}
	band := 3
	for i, l := range []decimal.Decimal{dec300k, dec400k, dec500k} {
		if limit.Cmp(l) <= 0 {
			band = i
			break
		}
	}
	base := decimal.NewFromInt(table[class][band] * int64(*f.Employees))
	from := asOf.AddYears(-1)
	worst, n := 0, 0
	for _, a := range refAccidents(f, asOf) {
		if a.Date.After(from) {
			n++
			worst = max(worst, int(a.Grade()))
		}
	}
	sum := decM10
	switch {
	case worst >= 3:
		sum = decP30
	case worst == 2:
		sum = decP20
	case worst == 1:
		sum = decP10
	}
	if n >= 2 {
		sum = sum.Add(decimal.Min(decP05.Mul(decimal.NewFromInt(int64(n-1))), decP15))
	}
	sum = sum.Add(map[string]decimal.Decimal{"major": decP15, "high": decP05, "moderate": dec0, "low": decM05}[f.RiskLevel])
	sum = sum.Add([4]decimal.Decimal{dec0, decM15, decM10, decM05}[f.StandardizationLevel])
	h := f.Hazards
	if refRefused(f, asOf) && (h.RefusedOn == nil || h.RefusedOn.After(asOf.AddYears(-1))) {
		sum = sum.Add(decP20)
	} else if h.MajorUnrectified {
		sum = sum.Add(decP10)
	}
	sum = sum.Add(map[string]decimal.Decimal{"a": decM05, "c": decP10, "d": decP20}[f.CreditGrade])
	if f.Blacklisted {
		sum = sum.Add(decP10)
	}
	if lr := f.LossRatio; lr != nil {
		switch {
		case lr.LessThan(decP30):
			sum = sum.Add(decM05)
		case lr.LessThan(decLR70):
		case lr.LessThan(decLR100):
			sum = sum.Add(decP10)
		default:
			sum = sum.Add(decP20)
		}
	}
	adj := decimal.Min(decimal.Max(dec1.Add(sum), decClampL), decClampH)
	return decimal.Max(base.Mul(adj), decMinPrm).Round(2), true
}

// The engine and the premium-only reference agree on every generated Hunan
// enterprise without a construction project.
func TestReferenceAgrees(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range portfolio.Generate(3, 4000) {
		if f.Region[:2] != "43" || f.Project != nil {
			continue
		}
		a, err := eng.Assess(f, anzexian.At(asOf2026))
		if err != nil {
			t.Fatal(err)
		}
		want, ok := refPremiumAmount(f, asOf2026)
		if !ok || a.Premium == nil {
			if ok != (a.Premium != nil) {
				t.Errorf("%s: reference computed=%v, engine computed=%v", f.Name, ok, a.Premium != nil)
			}
			continue
		}
		n++
		if !want.Equal(a.Premium.Amount) {
			t.Errorf("%s %v: reference %s, engine %s", f.Name, f.Sectors, want, a.Premium.Amount)
		}
	}
	if n < 500 {
		t.Errorf("only %d enterprises compared", n)
	}
}

var refCmp = cmp.Options{cmp.Comparer(func(a, b facts.Date) bool { return a == b })}

// refCases are the cases the full reference covers: the example cases of
// Hunan hazardous-chemicals enterprises on or after 2025-03-29 (with no
// edited rulesets or insurer), the README's enterprise, and generated
// enterprises of that stack.
func refCases(t testing.TB) (names []string, fs []*facts.Facts, dates []facts.Date) {
	cs, err := casetest.Load("examples")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.FactsErr != nil || len(c.With) > 0 || c.Insurer != "" || c.Facts == nil || !refCovers(c.Facts, c.AsOf) {
			continue
		}
		names, fs, dates = append(names, c.ID()), append(fs, c.Facts), append(dates, c.AsOf)
	}
	names, fs, dates = append(names, "hunan-hazchem-storage.yaml"), append(fs, readEnterprise(t, "examples/enterprises/hunan-hazchem-storage.yaml")), append(dates, asOf2026)
	for _, f := range portfolio.Generate(11, 20000) {
		if refCovers(f, asOf2026) {
			names, fs, dates = append(names, f.Name), append(fs, f), append(dates, asOf2026)
		}
	}
	return names, fs, dates
}

// The full reference and the engine give the same Assessment.
func TestReferenceAssessAgrees(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	ref := newRefStack(eng.Registry())
	names, fs, dates := refCases(t)
	examples, failed := 0, 0
	for i, f := range fs {
		if !strings.HasPrefix(names[i], "示例企业") {
			examples++
		}
		want, err := eng.Assess(f, anzexian.At(dates[i]))
		if err != nil {
			t.Fatalf("%s: %v", names[i], err)
		}
		got, ok := ref.assess(f, dates[i])
		if !ok {
			t.Fatalf("%s: the reference does not cover it", names[i])
		}
		if d := cmp.Diff(want, got, refCmp); d != "" {
			failed++
			if failed <= 5 {
				t.Errorf("%s: reference differs from the engine (-engine +reference):\n%s", names[i], d)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d differ", failed, len(fs))
	}
	if examples < 20 || len(fs)-examples < 500 {
		t.Errorf("only %d example cases and %d generated enterprises compared", examples, len(fs)-examples)
	}
	t.Logf("%d example cases and %d generated enterprises agree", examples, len(fs)-examples)
}

func readEnterprise(t testing.TB, path string) *facts.Facts {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := facts.Decode(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return fs[0]
}
