package coverage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// Finding is a problem with the current policy or the insurance history.
type Finding struct {
	// ID is stable: uninsured, expired, not_yet_in_force,
	// headcount_under_insured, posts_under_insured, death_limit_too_low,
	// disability_limit_too_low, non_uniform_limits,
	// no_occupational_disease_cover, no_prevention_service,
	// premium_charged_to_employees, other_insurance_not_converted,
	// renewed_late, surrendered, medical_limit_not_stated, or the id of a
	// finding rule of a ruleset.
	ID string `json:"id"`
	// Severity: violation (a duty is broken), warning or info.
	Severity string `json:"severity"`
	Text     string `json:"text"`
	// Requirement names the requirement field the finding checks.
	Requirement string              `json:"requirement,omitempty"`
	Cite        []rulesets.Citation `json:"cite"`
	Rules       []string            `json:"rules,omitempty"`
}

// basis returns the citations and rules of a requirement field: of every
// rule that sets it, or only of those whose value binds.
func (x *merged) basis(field string, bindingOnly bool) ([]rulesets.Citation, []string) {
	for i := range x.q.Items {
		if x.q.Items[i].Field != field {
			continue
		}
		if bindingOnly {
			return x.bindingCites[i], x.bindingRules[i]
		}
		return x.cites[i], x.rules[i]
	}
	return nil, nil
}

// findings checks the policy and its history against the obligation and
// the merged requirements, then runs the finding rules of the rulesets.
func findings(st *rulesets.Stack, ev *lang.Eval, res *Result, mg *merged, m *stackMemo, opt Options, trace *Trace) []Finding {
	f := ev.Facts()
	q := res.Requirements
	asOf := ev.AsOf()
	out := make([]Finding, 0, 4)
	add := func(id, sev, field, text string, bindingOnly bool) {
		cites, rules := mg.basis(field, bindingOnly)
		out = append(out, Finding{ID: id, Severity: sev, Text: text, Requirement: field, Cite: cites, Rules: rules})
	}
	insured, _, late := ev.Timeline()
	operating := f.Status != "closed" // only closure excuses (依法关闭取缔、完全停止生产经营活动)
	mustInsure := res.Obligation == rulesets.ObligationMandatory || res.Obligation == rulesets.ObligationRequired
	p := f.Policy

	if mustInsure && !insured && operating {
		var cites []rulesets.Citation
		var rules []string
		for _, r := range res.Reasons {
			if r.Obligation == res.Obligation {
				cites = append(cites, r.Cite...)
				rules = append(rules, r.Rule)
			}
		}
		fd := Finding{ID: "uninsured", Severity: "violation", Cite: cites, Rules: rules}
		switch {
		case p.IsInsured() && p.Start.After(asOf):
			fd.ID = "not_yet_in_force"
			fd.Text = fmt.Sprintf("保单自%s起生效，评估日%s尚无有效保单", p.Start, asOf)
		case p.IsInsured() && p.End.Before(asOf):
			fd.ID = "expired"
			fd.Text = fmt.Sprintf("保单已于%s到期，评估日%s未续保", p.End, asOf)
		default:
			fd.Text = fmt.Sprintf("应当投保，但评估日%s没有有效的安全生产责任保险保单", asOf)
		}
		out = append(out, fd)
	}

	inForce := p.IsInsured() && !p.Start.After(asOf) && !p.End.Before(asOf)
	if inForce {
		employees := f.Employees
		if (q.Bool("cover_all_employees") || q.Bool("whole_enterprise")) && employees != nil && p.InsuredEmployees != nil && *p.InsuredEmployees < *employees {
			field := "cover_all_employees"
			if !q.Bool("cover_all_employees") {
				field = "whole_enterprise"
			}
			add("headcount_under_insured", "violation", field,
				"参保人数"+strconv.Itoa(*p.InsuredEmployees)+"少于从业人员数"+strconv.Itoa(*employees)+"（应覆盖全体从业人员，含劳务派遣人员）", false)
		} else if posts := q.List("posts"); len(posts) > 0 && !q.Bool("cover_all_employees") && !q.Bool("whole_enterprise") && p.InsuredEmployees != nil {
			need := 0
			for _, s := range f.Sites {
				for _, k := range posts {
					if s.Kind == k {
						need += s.Workers
					}
				}
			}
			if *p.InsuredEmployees < need {
				add("posts_under_insured", "violation", "posts",
					fmt.Sprintf("参保人数%d少于所涉岗位人数%d（%s）", *p.InsuredEmployees, need, labels(facts.SiteKinds, posts)), false)
			}
		}
		if min, ok := q.Decimal("death_limit_min"); ok && p.DeathLimit != nil && p.DeathLimit.LessThan(min) {
			add("death_limit_too_low", "violation", "death_limit_min",
				"每人死亡赔偿限额"+decfmt.Yuan(*p.DeathLimit)+"低于最低要求"+decfmt.Yuan(min), true)
		}
		if min, ok := q.Decimal("disability_limit_min"); ok && p.DisabilityLimit != nil && p.DisabilityLimit.LessThan(min) {
			add("disability_limit_too_low", "violation", "disability_limit_min",
				"每人伤残赔偿限额"+decfmt.Yuan(*p.DisabilityLimit)+"低于最低要求"+decfmt.Yuan(min), true)
		}
		if q.Bool("uniform_limits") && !p.HasUniformLimits() {
			add("non_uniform_limits", "violation", "uniform_limits", "保险金额未实行同一标准（因用工方式或工作岗位差别对待）", false)
		}
		switch lvl := q.String("occupational_disease_cover"); {
		case lvl == "required" && !p.OccupationalDiseaseCover:
			add("no_occupational_disease_cover", "violation", "occupational_disease_cover",
				fmt.Sprintf("存在%s，保单未增加职业病相关保险", labels(facts.OccupationalHazardCodes, f.OccupationalHazards)), true)
		case lvl == "encouraged" && !p.OccupationalDiseaseCover:
			add("no_occupational_disease_cover", "info", "occupational_disease_cover",
				fmt.Sprintf("存在%s，鼓励投保职业病相关保险", labels(facts.OccupationalHazardCodes, f.OccupationalHazards)), true)
		}
		if q.Bool("prevention_service") && !p.PreventionService {
			add("no_prevention_service", "violation", "prevention_service", "保单未接受保险机构的事故预防服务", false)
		}
		if q.Bool("premium_paid_by_enterprise") && p.PremiumChargedToEmployees {
			add("premium_charged_to_employees", "violation", "premium_paid_by_enterprise", "保费摊派给了从业人员个人", false)
		}
		if q.Bool("disability_medical_limit_in_contract") && p.MedicalLimit == nil {
			add("medical_limit_not_stated", "warning", "disability_medical_limit_in_contract", "保单未载明伤残医疗费赔偿限额，应在保险合同中约定", false)
		}
	}
	if q.Bool("convert_other_insurance") && len(f.OtherSafetyInsurance) > 0 {
		add("other_insurance_not_converted", "violation", "convert_other_insurance",
			fmt.Sprintf("仍持有%s，应调整为安全生产责任保险", labels(facts.OtherInsuranceCodes, f.OtherSafetyInsurance)), false)
	}
	if q.Bool("no_late_renewal_or_surrender") && operating {
		for _, g := range late {
			if g.To.IsZero() {
				continue // the open gap is reported as expired/uninsured
			}
			add("renewed_late", "violation", "no_late_renewal_or_surrender",
				fmt.Sprintf("保单于%s到期后至%s才续保，延迟续保%d天", g.From.AddDays(-1), g.To.AddDays(1), g.Days(asOf)), false)
		}
		for _, h := range f.PolicyHistory {
			if h.SurrenderedOn != nil && !h.SurrenderedOn.After(asOf) && h.SurrenderedOn.Before(h.End) {
				add("surrendered", "violation", "no_late_renewal_or_surrender",
					fmt.Sprintf("于%s退保（保险期间%s至%s）", h.SurrenderedOn, h.Start, h.End), false)
			}
		}
	}
	_ = insured

	// Finding rules written in rulesets; rules of one id across layers make
	// one finding with all their citations.
	var byID map[string]int
	for i, r := range st.Findings {
		ok, err := r.When.Bool(ev)
		if opt.Trace {
			*trace = append(*trace, rulesets.TraceEntry{Rule: r.Ref(), Kind: "finding", Outcome: answer.Outcome(ok, err), Missing: answer.MissingOf(err)})
		}
		if err != nil {
			res.Undetermined = append(res.Undetermined, answer.UndeterminedOf(r.Ref(), "finding", err))
			continue
		}
		if !ok {
			continue
		}
		cites := m.findings[i].get(ev, r.Ruleset, r.Cite)
		if j, seen := byID[r.ID]; seen {
			out[j].Cite = append(out[j].Cite, cites...)
			out[j].Rules = append(out[j].Rules, r.Ref())
			continue
		}
		if byID == nil {
			byID = map[string]int{}
		}
		byID[r.ID] = len(out)
		out = append(out, Finding{ID: r.ID, Severity: r.Severity, Text: r.Text, Cite: cites, Rules: []string{r.Ref()}})
	}
	return out
}

func labels(v facts.Vocabulary, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = v.Label(c)
	}
	return strings.Join(out, "、")
}
