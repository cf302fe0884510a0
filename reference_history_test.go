package anzexian_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// The reference's reading of the enterprise's dates (the law is a
// timeline): the days a policy covered, the days the facts prove it
// operated, the records enforcement stands for, and what follows from an
// order. Written for the reference's stack, as an engineer would.

type refCover struct {
	from, to facts.Date
	sources  []string
}

type refRecord struct {
	kind        string
	date        facts.Date
	deadline    *facts.Date
	rectifiedOn *facts.Date
	amount      *decimal.Decimal
	result      string
}

type refHist struct {
	asOf      facts.Date
	accidents []facts.Accident // on or before asOf, in date order
	accIndex  []int
	cover     []refCover
	records   []refRecord // enforcement's, about insurance, in date order
	// proven operating from proofFrom to asOf (zero: nothing proves it)
	proofFrom, proofTo       facts.Date
	proofFromSrc, proofToSrc string
	uninsured, late          []facts.Period
	def                      *refDeficiency
}

type refDeficiency struct {
	from, earliest, concluded facts.Date
	fields, findings          []string
}

func newRefHist(f *facts.Facts, asOf facts.Date) *refHist {
	h := &refHist{asOf: asOf}
	for i := range f.Accidents {
		if !f.Accidents[i].Date.After(asOf) {
			h.accIndex = append(h.accIndex, i)
		}
	}
	sort.SliceStable(h.accIndex, func(a, b int) bool { return f.Accidents[h.accIndex[a]].Date.Before(f.Accidents[h.accIndex[b]].Date) })
	for _, i := range h.accIndex {
		h.accidents = append(h.accidents, f.Accidents[i])
	}
	if e := f.Enforcement; e != nil {
		var rs []refRecord
		if e.OrderedOn != nil {
			rs = append(rs, refRecord{kind: "order", date: *e.OrderedOn, deadline: e.Deadline, rectifiedOn: e.RectifiedOn})
		}
		if e.FinedOn != nil && e.FineAmount != nil {
			rs = append(rs, refRecord{kind: "fine", date: *e.FinedOn, amount: e.FineAmount})
		}
		if e.ReinspectedOn != nil {
			rs = append(rs, refRecord{kind: "inspection", date: *e.ReinspectedOn, result: "refused"})
		}
		for _, r := range rs {
			if !r.date.After(asOf) {
				h.records = append(h.records, r)
			}
		}
		sort.SliceStable(h.records, func(a, b int) bool { return h.records[a].date.Before(h.records[b].date) })
	}
	var cov []refCover
	for i, p := range f.PolicyHistory {
		if p.Start.After(asOf) {
			continue
		}
		end := p.End
		if p.SurrenderedOn != nil && !p.SurrenderedOn.After(asOf) && p.SurrenderedOn.Before(end) {
			end = *p.SurrenderedOn
		}
		cov = append(cov, refCover{p.Start, end, []string{"policy_history[" + strconv.Itoa(i) + "]"}})
	}
	if p := f.Policy; p.IsInsured() && !p.Start.After(asOf) {
		cov = append(cov, refCover{p.Start, p.End, []string{"policy"}})
	}
	sort.SliceStable(cov, func(i, j int) bool { return cov[i].from.Before(cov[j].from) })
	for _, c := range cov {
		if n := len(h.cover); n > 0 && !c.from.After(h.cover[n-1].to.AddDays(1)) {
			if c.to.After(h.cover[n-1].to) {
				h.cover[n-1].to = c.to
			}
			h.cover[n-1].sources = append(append([]string(nil), h.cover[n-1].sources...), c.sources...)
			continue
		}
		h.cover = append(h.cover, c)
	}
	// proofs of operation: the first and last are named
	point := func(d facts.Date, src string) {
		if d.IsZero() || d.After(asOf) {
			return
		}
		if h.proofFrom.IsZero() || d.Before(h.proofFrom) {
			h.proofFrom, h.proofFromSrc = d, src
		}
		if h.proofTo.IsZero() || d.After(h.proofTo) {
			h.proofTo, h.proofToSrc = d, src
		}
	}
	if f.OperatingSince != nil {
		point(*f.OperatingSince, "operating_since")
	}
	for _, c := range h.cover {
		point(c.from, c.sources[0])
		end := c.to
		if end.After(asOf) {
			end = asOf
		}
		point(end, c.sources[len(c.sources)-1])
	}
	for k := range h.accidents {
		point(h.accidents[k].Date, "accidents["+strconv.Itoa(h.accIndex[k])+"].date")
	}
	for _, r := range h.records {
		point(r.date, "enforcement.date")
	}
	point(asOf, "as_of")
	if f.OperatingSince != nil && f.OperatingSince.After(h.proofFrom) {
		h.proofFrom, h.proofFromSrc = *f.OperatingSince, "operating_since"
	}
	// the stretches without cover it may have operated in, and the gaps
	var start facts.Date
	if f.OperatingSince != nil {
		start = *f.OperatingSince
	}
	if len(h.cover) == 0 {
		if start.IsZero() || !start.After(asOf) {
			h.uninsured = append(h.uninsured, facts.Period{From: start})
		}
		return h
	}
	if first := h.cover[0].from; start.IsZero() || start.Before(first) {
		h.uninsured = append(h.uninsured, facts.Period{From: start, To: first.AddDays(-1)})
	}
	for i, c := range h.cover {
		if !c.to.Before(asOf) {
			continue
		}
		gap := facts.Period{From: c.to.AddDays(1)}
		if i+1 < len(h.cover) {
			gap.To = h.cover[i+1].from.AddDays(-1)
		}
		h.late = append(h.late, gap)
		h.uninsured = append(h.uninsured, gap)
	}
	return h
}

func (h *refHist) covered(d facts.Date) bool {
	for _, c := range h.cover {
		if !d.Before(c.from) && !d.After(c.to) {
			return true
		}
	}
	return false
}

func (h *refHist) deficient(d facts.Date) bool {
	return h.def != nil && !d.Before(h.def.from)
}

func (h *refHist) proven(d facts.Date) bool {
	return !h.proofFrom.IsZero() && !d.Before(h.proofFrom) && !d.After(h.proofTo)
}

// compliantFrom is the first day from d on that a policy covers and meets
// the national rules, or the zero Date.
func (h *refHist) compliantFrom(d facts.Date) facts.Date {
	for x := d; !x.After(h.asOf); x = x.AddDays(1) {
		if h.covered(x) && !h.deficient(x) {
			return x
		}
	}
	return facts.Date{}
}

// deficiency is the stretch the current policy does not meet a national
// requirement binding on its start (from the findings).
func (h *refHist) deficiency(f *facts.Facts, asOf facts.Date, fs []coverage.Finding) {
	var d refDeficiency
	for _, x := range fs {
		switch x.ID {
		case "death_limit_too_low", "disability_limit_too_low", "headcount_under_insured", "non_uniform_limits":
		default:
			continue
		}
		national := false
		for _, r := range x.Rules {
			national = national || strings.HasPrefix(r, kM25+"#") || strings.HasPrefix(r, kM17+"#")
		}
		if x.Severity != "violation" || !national {
			continue
		}
		d.fields = append(d.fields, x.Requirement)
		d.findings = append(d.findings, x.ID)
		from := f.Policy.Start
		if x.ID == "headcount_under_insured" {
			from = asOf
		}
		if d.from.IsZero() || from.Before(d.from) {
			d.from = from
		}
	}
	if d.fields == nil {
		return
	}
	if d.from.After(f.Policy.Start) {
		d.earliest = f.Policy.Start
	}
	d.concluded = f.Policy.Start
	h.def = &d
}

// ---- requirements of the 2017 measures ----

const (
	txM17Scope   = "保险责任包括从业人员人身伤亡赔偿，第三者人身伤亡和财产损失赔偿，事故抢险救援、医疗救护、事故鉴定、法律诉讼等费用。"
	txM17Death   = "每死亡一人按不低于30万元赔偿，并按本地区城镇居民上一年度人均可支配收入的变化进行调整。"
	txM17Premium = "安全生产责任保险的保费由生产经营单位缴纳，不得以任何方式摊派给从业人员个人。"
	txM17NoLate  = "除被依法关闭取缔、完全停止生产经营活动外，应当投保安全生产责任保险的生产经营单位不得延迟续保、退保。"
	txM17Occup   = "鼓励存在高危粉尘作业、高毒作业或其他严重职业病危害的生产经营单位投保职业病相关保险。"
	txM17Convert = "已投保的与安全生产相关的其他险种，应当增加或将其调整为安全生产责任保险。"
)

func cM17(art string) []rulesets.Citation {
	return cites(rulesets.Citation{Ruleset: kM17, Source: "m2017", Title: tMeasures, Number: nM17, Article: art, Unverified: true})
}

// refRequirements17 are the requirements of the Hunan stack under the 2017
// measures (2018-01-01 to 2025-03-28).
func refRequirements17(f *facts.Facts, oblig rulesets.Obligation) coverage.Requirements {
	var q coverage.Requirements
	add := func(field string, v any, basis ...coverage.Basis) {
		q.Items = append(q.Items, coverage.Requirement{Field: field, Label: refLabel(field), Value: v, Basis: basis})
	}
	add("death_limit_min", dec300k, refBasis(kM17+"#death-limit", txM17Death, dec300k, true, cM17("死亡赔偿限额条款（常被引为第十一条，未核实）")),
		refBasis(kHN+"#death-limit", txHNDeath, dec300k, true, citeHN32))
	add("cover_all_employees", true, refBasis(kHN+"#cover-scope", txHNScope, true, true, citeHN31))
	add("uniform_limits", true, refBasis(kHN+"#uniform-amount", txHNUniform, true, true, citeHN32))
	add("cover_scope", append([]string(nil), refScope...), refBasis(kM17+"#cover-scope", txM17Scope, refScope, true, cM17("保险责任条款（条序未核实）")),
		refBasis(kHN+"#cover-scope", txHNScope, refScope, true, citeHN31))
	if len(f.OccupationalHazards) > 0 {
		add("occupational_disease_cover", "required", refBasis(kM17+"#occupational-disease", txM17Occup, "encouraged", false, cM17("第六条")),
			refBasis(kHN+"#occupational-disease", txHNOccup, "required", true, citeHN31))
	}
	if f.Seasonal {
		add("term", "production_cycle", refBasis(kHN+"#term-one-year", txHNTermYear, "one_year", false, citeHN33), refBasis(kHN+"#term-seasonal", txHNTermSeason, "production_cycle", true, citeHN33))
	} else {
		add("term", "one_year", refBasis(kHN+"#term-one-year", txHNTermYear, "one_year", true, citeHN33))
	}
	if f.Policy != nil {
		add("prevention_service", true, refBasis(kHN+"#prevention", txHNPrevention, true, true, citeHN4))
	}
	add("no_late_renewal_or_surrender", true, refBasis(kM17+"#no-late-renewal", txM17NoLate, true, true, cM17("续保退保条款（条序未核实）")),
		refBasis(kHN+"#no-late-renewal", txHNNoLate, true, true, citeHN33))
	add("premium_paid_by_enterprise", true, refBasis(kM17+"#premium-by-enterprise", txM17Premium, true, true, cites(rulesets.Citation{Ruleset: kM17, Source: "m2017", Title: tMeasures, Number: nM17, Article: "第五条"})),
		refBasis(kHN+"#premium-by-enterprise", txHNPremium, true, true, citeHN35))
	if len(f.OtherSafetyInsurance) > 0 {
		add("convert_other_insurance", true, refBasis(kM17+"#convert-other-insurance", txM17Convert, true, true, cM17("第六条")),
			refBasis(kHN+"#convert-other-insurance", txHNConvert, true, true, citeHN35))
	}
	add("local_insurer", true, refBasis(kHN+"#local-insurer", txHNLocal, true, true, citeHN35))
	add("disability_medical_limit_in_contract", true, refBasis(kHN+"#medical-limit-in-contract", txHNMedical, true, true, citeHN32))
	if f.WorkersWithoutInjuryInsurance > 0 {
		add("equal_cover_for_uninsured_workers", true, refBasis(kHN+"#equal-cover", txHNEqual, true, true, citeHN32))
	}
	return q
}

func refSameRequirements(a, b coverage.Requirements) bool {
	if len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Items {
		x, y := a.Items[i], b.Items[i]
		if x.Field != y.Field {
			return false
		}
		switch v := x.Value.(type) {
		case decimal.Decimal:
			if w, ok := y.Value.(decimal.Decimal); !ok || !v.Equal(w) {
				return false
			}
		case []string:
			w, ok := y.Value.([]string)
			if !ok || strings.Join(v, ",") != strings.Join(w, ",") {
				return false
			}
		default:
			if x.Value != y.Value {
				return false
			}
		}
	}
	return true
}

// ---- findings ----

// refBasisOf is the citations and rules of a requirement field: of every
// rule that sets it, or only of the binding ones.
func refBasisOf(q coverage.Requirements, field string, bindingOnly bool) ([]rulesets.Citation, []string) {
	var cs []rulesets.Citation
	var rules []string
	if it, ok := q.Get(field); ok {
		for _, b := range it.Basis {
			if bindingOnly && !b.Binding {
				continue
			}
			cs = append(cs, b.Cite...)
			rules = append(rules, b.Rule)
		}
	}
	return cs, rules
}

func refFindings(f *facts.Facts, asOf facts.Date, h *refHist, res *coverage.Result, pq coverage.Requirements) []coverage.Finding {
	q := res.Requirements
	atConclusion := res.PolicyRequirements != nil
	out := []coverage.Finding{}
	add := func(id, sev, field, text string, bindingOnly bool) {
		cs, rules := refBasisOf(q, field, bindingOnly)
		out = append(out, coverage.Finding{ID: id, Severity: sev, Text: text, Requirement: field, Cite: cs, Rules: rules})
	}
	p := f.Policy
	// term judges a term of the policy by the rules of its conclusion, and
	// warns of stricter ones in force now
	term := func(id, field string, bindingOnly bool, fails func(q coverage.Requirements) (bool, string)) {
		atC, text := fails(pq)
		now, nowText := fails(q)
		switch {
		case atC && !atConclusion:
			add(id, "violation", field, text, bindingOnly)
		case atC:
			cs, rules := refBasisOf(pq, field, bindingOnly)
			out = append(out, coverage.Finding{ID: id, Severity: "violation", Requirement: field, Cite: cs, Rules: rules,
				Text: text + fmt.Sprintf("（保单于%s订立，按当时施行的规定判断）", p.Start)})
		case now:
			cs, rules := refBasisOf(q, field, bindingOnly)
			out = append(out, coverage.Finding{ID: "renewal_warning", Severity: "warning", Requirement: field, Cite: cs, Rules: rules,
				Text: fmt.Sprintf("续保提示：保单于%s订立时符合当时施行的规定；评估日施行的规定要求更高（%s），自下次续保（新订立保单）起适用，本保单到期前不构成违规", p.Start, nowText)})
		}
	}
	if !h.covered(asOf) {
		var cs []rulesets.Citation
		var rules []string
		for _, r := range res.Reasons {
			if r.Obligation == res.Obligation {
				cs = append(cs, r.Cite...)
				rules = append(rules, r.Rule)
			}
		}
		fd := coverage.Finding{ID: "uninsured", Severity: "violation", Cite: cs, Rules: rules}
		switch {
		case p.IsInsured() && p.Start.After(asOf):
			fd.ID, fd.Text = "not_yet_in_force", fmt.Sprintf("保单自%s起生效，评估日%s尚无有效保单", p.Start, asOf)
		case p.IsInsured() && p.End.Before(asOf):
			fd.ID, fd.Text = "expired", fmt.Sprintf("保单已于%s到期，评估日%s未续保", p.End, asOf)
		default:
			fd.Text = fmt.Sprintf("应当投保，但评估日%s没有有效的安全生产责任保险保单", asOf)
		}
		out = append(out, fd)
	}
	if p.IsInsured() && !p.Start.After(asOf) && !p.End.Before(asOf) {
		term("headcount_under_insured", "cover_all_employees", false, func(q coverage.Requirements) (bool, string) {
			if f.Employees != nil && p.InsuredEmployees != nil && *p.InsuredEmployees < *f.Employees {
				return true, fmt.Sprintf("参保人数%d少于从业人员数%d（应覆盖全体从业人员，含劳务派遣人员）", *p.InsuredEmployees, *f.Employees)
			}
			return false, ""
		})
		term("death_limit_too_low", "death_limit_min", true, func(q coverage.Requirements) (bool, string) {
			if min, _ := q.Decimal("death_limit_min"); p.DeathLimit != nil && p.DeathLimit.LessThan(min) {
				return true, fmt.Sprintf("每人死亡赔偿限额%s低于最低要求%s", decfmt.Yuan(*p.DeathLimit), decfmt.Yuan(min))
			}
			return false, ""
		})
		term("disability_limit_too_low", "disability_limit_min", true, func(q coverage.Requirements) (bool, string) {
			if min, ok := q.Decimal("disability_limit_min"); ok && p.DisabilityLimit != nil && p.DisabilityLimit.LessThan(min) {
				return true, fmt.Sprintf("每人伤残赔偿限额%s低于最低要求%s", decfmt.Yuan(*p.DisabilityLimit), decfmt.Yuan(min))
			}
			return false, ""
		})
		term("non_uniform_limits", "uniform_limits", false, func(q coverage.Requirements) (bool, string) {
			return !p.HasUniformLimits(), "保险金额未实行同一标准（因用工方式或工作岗位差别对待）"
		})
		term("no_occupational_disease_cover", "occupational_disease_cover", true, func(q coverage.Requirements) (bool, string) {
			if len(f.OccupationalHazards) > 0 && !p.OccupationalDiseaseCover {
				return true, fmt.Sprintf("存在%s，保单未增加职业病相关保险", refLabels(facts.OccupationalHazardCodes, f.OccupationalHazards))
			}
			return false, ""
		})
		if !p.PreventionService {
			cs, rules := refBasisOf(q, "prevention_service", false)
			out = append(out, coverage.Finding{ID: "no_prevention_service", Severity: "info", Addressee: "insurer", Requirement: "prevention_service", Cite: cs, Rules: rules,
				Text: "保单未载明保险机构提供事故预防服务：提供事故预防服务是保险机构的义务，不是投保企业的违法行为；企业应积极配合"})
		}
		if p.PremiumChargedToEmployees {
			add("premium_charged_to_employees", "violation", "premium_paid_by_enterprise", "保费摊派给了从业人员个人", false)
		}
		term("medical_limit_not_stated", "disability_medical_limit_in_contract", false, func(q coverage.Requirements) (bool, string) {
			return p.MedicalLimit == nil, "保单未载明伤残医疗费赔偿限额，应在保险合同中约定"
		})
		for i := range out {
			if out[i].ID == "medical_limit_not_stated" {
				out[i].Severity = "warning"
			}
		}
	}
	if len(f.OtherSafetyInsurance) > 0 {
		add("other_insurance_not_converted", "violation", "convert_other_insurance",
			fmt.Sprintf("仍持有%s，应调整为安全生产责任保险", refLabels(facts.OtherInsuranceCodes, f.OtherSafetyInsurance)), false)
	}
	for _, g := range h.late {
		if g.To.IsZero() {
			continue
		}
		add("renewed_late", "violation", "no_late_renewal_or_surrender",
			fmt.Sprintf("保单于%s到期后至%s才续保，延迟续保%d天", g.From.AddDays(-1), g.To.AddDays(1), g.Days(asOf)), false)
	}
	for _, hp := range f.PolicyHistory {
		if hp.SurrenderedOn != nil && !hp.SurrenderedOn.After(asOf) && hp.SurrenderedOn.Before(hp.End) {
			add("surrendered", "violation", "no_late_renewal_or_surrender",
				fmt.Sprintf("于%s退保（保险期间%s至%s）", hp.SurrenderedOn, hp.Start, hp.End), false)
		}
	}
	return out
}
