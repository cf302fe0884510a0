package coverage

import (
	"fmt"
	"slices"
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
	// Severity: violation (a duty is broken), draft (a duty only a draft
	// states is broken), warning (renewal_warning: a stricter rule applies
	// from the next renewal) or info.
	Severity string `json:"severity"`
	Text     string `json:"text"`
	// Requirement names the requirement field the finding checks.
	Requirement string              `json:"requirement,omitempty"`
	Cite        []rulesets.Citation `json:"cite"`
	Rules       []string            `json:"rules,omitempty"`
	// Addressee is who the duty behind the finding binds, when it is not
	// the enterprise (insurer: 保险机构).
	Addressee string `json:"addressee,omitempty"`
}

// draftOnly reports whether every rule (refs id@version#rule) is of a
// draft ruleset of st.
func draftOnly(st *rulesets.Stack, rules []string) bool {
	if len(rules) == 0 {
		return false
	}
	for _, ref := range rules {
		key := ref
		if i := strings.IndexByte(ref, '#'); i >= 0 {
			key = ref[:i]
		}
		draft := false
		for _, rs := range st.Layers {
			if rs.Key() == key {
				draft = rs.Status == rulesets.StatusDraft
				break
			}
		}
		if !draft {
			return false
		}
	}
	return true
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
// the merged requirements, then runs the finding rules of the rulesets. The
// policy's terms are judged by pmg, the requirements in force when it was
// concluded; those in force now (mg) only warn of the next renewal.
func findings(st *rulesets.Stack, ev *lang.Eval, res *Result, mg, pmg *merged, m *stackMemo, opt Options, trace *Trace) []Finding {
	f := ev.Facts()
	q, pq := res.Requirements, pmg.q
	asOf := ev.AsOf()
	h := ev.History()
	var room [4]Finding // most answers have fewer: one allocation, of the size needed, or none
	out := room[:0]
	add := func(id, sev, field, text string, bindingOnly bool) {
		cites, rules := mg.basis(field, bindingOnly)
		if sev == "violation" && draftOnly(st, rules) {
			sev = "draft"
		}
		out = append(out, Finding{ID: id, Severity: sev, Text: text, Requirement: field, Cite: cites, Rules: rules})
	}
	// term checks a term of the policy: against the requirements of its
	// conclusion (a violation), and against today's (a renewal warning, or,
	// when today's rules are lighter, information only).
	term := func(id, field string, bindingOnly bool, fails func(q Requirements) (bool, string)) {
		atC, text := fails(pq)
		now, nowText := atC, text
		if pmg != mg {
			now, nowText = fails(q)
		}
		fieldOf := func(q Requirements) string {
			if field == "" { // the headcount: whichever duty the layers impose
				if q.Bool("cover_all_employees") {
					return "cover_all_employees"
				}
				return "whole_enterprise"
			}
			return field
		}
		switch {
		case atC && pmg == mg:
			add(id, "violation", fieldOf(q), text, bindingOnly)
		case atC:
			field := fieldOf(pq)
			cites, rules := pmg.basis(field, bindingOnly)
			sev := "violation"
			if draftOnly(st, rules) {
				sev = "draft"
			}
			text += "（保单于" + f.Policy.Concluded().String() + "订立，按当时施行的规定判断）"
			if !now {
				sev = "info"
				text += "；按评估日施行的规定已不构成违规：新的规定较轻或者不认为是违法的，适用新的规定（《行政处罚法》第三十七条）"
			}
			out = append(out, Finding{ID: id, Severity: sev, Text: text, Requirement: field, Cite: cites, Rules: rules})
		case now:
			field := fieldOf(q)
			cites, rules := mg.basis(field, bindingOnly)
			out = append(out, Finding{ID: "renewal_warning", Severity: "warning", Requirement: field, Cite: cites, Rules: rules,
				Text: fmt.Sprintf("续保提示：保单于%s订立时符合当时施行的规定；评估日施行的规定要求更高（%s），自下次续保（新订立保单）起适用，本保单到期前不构成违规", f.Policy.Concluded(), nowText)})
		}
	}
	insured, _, late := ev.Timeline()
	// only closure excuses (依法关闭取缔、完全停止生产经营活动), from its date
	operating := f.Status != "closed" || (f.ClosedOn != nil && f.ClosedOn.After(asOf))
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
		if res.ObligationBasis == "draft" {
			fd.Severity = "draft"
		}
		var d1, d2 [10]byte // the dates' text: one allocation, the concatenation's
		switch {
		case p.IsInsured() && p.Start.After(asOf):
			fd.ID = "not_yet_in_force"
			fd.Text = "保单自" + string(dateText(&d1, p.Start)) + "起生效，评估日" + string(dateText(&d2, asOf)) + "尚无有效保单"
		case p.IsInsured() && p.End.Before(asOf):
			fd.ID = "expired"
			fd.Text = "保单已于" + string(dateText(&d1, p.End)) + "到期，评估日" + string(dateText(&d2, asOf)) + "未续保"
		default:
			fd.Text = "应当投保，但评估日" + string(dateText(&d1, asOf)) + "没有有效的安全生产责任保险保单"
		}
		out = append(out, fd)
	}

	inForce := p.IsInsured() && !p.Start.After(asOf) && !p.End.Before(asOf)
	if inForce {
		employees := f.Employees
		term("headcount_under_insured", "", false, func(q Requirements) (bool, string) {
			if (q.Bool("cover_all_employees") || q.Bool("whole_enterprise")) && employees != nil && p.InsuredEmployees != nil && *p.InsuredEmployees < *employees {
				return true, "参保人数" + strconv.Itoa(*p.InsuredEmployees) + "少于从业人员数" + strconv.Itoa(*employees) + "（应覆盖全体从业人员，含劳务派遣人员）"
			}
			return false, ""
		})
		if !(q.Bool("cover_all_employees") || q.Bool("whole_enterprise") || pq.Bool("cover_all_employees") || pq.Bool("whole_enterprise")) {
			if posts := q.List("posts"); len(posts) > 0 && p.InsuredEmployees != nil {
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
		}
		term("death_limit_too_low", "death_limit_min", true, func(q Requirements) (bool, string) {
			if min, ok := q.Decimal("death_limit_min"); ok && p.DeathLimit != nil && p.DeathLimit.LessThan(min) {
				var b1, b2 [40]byte // one allocation: the concatenation's
				return true, "每人死亡赔偿限额" + string(decfmt.AppendYuan(b1[:0], *p.DeathLimit)) + "低于最低要求" + string(decfmt.AppendYuan(b2[:0], min))
			}
			return false, ""
		})
		term("disability_limit_too_low", "disability_limit_min", true, func(q Requirements) (bool, string) {
			if min, ok := q.Decimal("disability_limit_min"); ok && p.DisabilityLimit != nil && p.DisabilityLimit.LessThan(min) {
				var b1, b2 [40]byte
				return true, "每人伤残赔偿限额" + string(decfmt.AppendYuan(b1[:0], *p.DisabilityLimit)) + "低于最低要求" + string(decfmt.AppendYuan(b2[:0], min))
			}
			return false, ""
		})
		term("non_uniform_limits", "uniform_limits", false, func(q Requirements) (bool, string) {
			if q.Bool("uniform_limits") && !p.HasUniformLimits() {
				return true, "保险金额未实行同一标准（因用工方式或工作岗位差别对待）"
			}
			return false, ""
		})
		term("no_occupational_disease_cover", "occupational_disease_cover", true, func(q Requirements) (bool, string) {
			if q.String("occupational_disease_cover") == "required" && !p.OccupationalDiseaseCover {
				return true, fmt.Sprintf("存在%s，保单未增加职业病相关保险", labels(facts.OccupationalHazardCodes, f.OccupationalHazards))
			}
			return false, ""
		})
		if lvl := pq.String("occupational_disease_cover"); lvl == "encouraged" && !p.OccupationalDiseaseCover && q.String("occupational_disease_cover") != "required" {
			// encouraged by the rules of the policy's conclusion: cite those
			cites, rules := pmg.basis("occupational_disease_cover", true)
			out = append(out, Finding{ID: "no_occupational_disease_cover", Severity: "info", Requirement: "occupational_disease_cover", Cite: cites, Rules: rules,
				Text: fmt.Sprintf("存在%s，鼓励投保职业病相关保险", labels(facts.OccupationalHazardCodes, f.OccupationalHazards))})
		}
		if q.Bool("prevention_service") && !p.PreventionService {
			// the insurer's duty (保险机构应当…提供事故预防服务), not the
			// enterprise's violation
			cites, rules := mg.basis("prevention_service", false)
			out = append(out, Finding{ID: "no_prevention_service", Severity: "info", Addressee: "insurer", Requirement: "prevention_service", Cite: cites, Rules: rules,
				Text: "保单未载明保险机构提供事故预防服务：提供事故预防服务是保险机构的义务，不是投保企业的违法行为；企业应积极配合"})
		}
		if q.Bool("premium_paid_by_enterprise") && p.PremiumChargedToEmployees {
			add("premium_charged_to_employees", "violation", "premium_paid_by_enterprise", "保费摊派给了从业人员个人", false)
		}
		term("medical_limit_not_stated", "disability_medical_limit_in_contract", false, func(q Requirements) (bool, string) {
			if q.Bool("disability_medical_limit_in_contract") && p.MedicalLimit == nil {
				return true, "保单未载明伤残医疗费赔偿限额，应在保险合同中约定"
			}
			return false, ""
		})
		for i := range out {
			if out[i].ID == "medical_limit_not_stated" && out[i].Severity == "violation" {
				out[i].Severity = "warning"
			}
		}
	}
	if q.Bool("convert_other_insurance") && len(f.OtherSafetyInsurance) > 0 {
		add("other_insurance_not_converted", "violation", "convert_other_insurance",
			fmt.Sprintf("仍持有%s，应调整为安全生产责任保险", labels(facts.OtherInsuranceCodes, f.OtherSafetyInsurance)), false)
	}
	closedKnown := !h.ClosedOn.IsZero()
	if q.Bool("no_late_renewal_or_surrender") && (operating || closedKnown) {
		for _, g := range late {
			if g.To.IsZero() {
				continue // the open gap is reported as expired/uninsured
			}
			var text string
			if closedKnown && g.To.AddDays(1) == h.ClosedOn {
				text = fmt.Sprintf("保单于%s到期后未续保，至%s关闭前%d天未投保", g.From.AddDays(-1), h.ClosedOn, g.Days(asOf))
			} else {
				var d1, d2 [10]byte
				var n [20]byte
				text = "保单于" + string(dateText(&d1, g.From.AddDays(-1))) + "到期后至" + string(dateText(&d2, g.To.AddDays(1))) + "才续保，延迟续保" + string(strconv.AppendInt(n[:0], int64(g.Days(asOf)), 10)) + "天"
			}
			add("renewed_late", "violation", "no_late_renewal_or_surrender", text, false)
		}
		for _, hp := range f.PolicyHistory {
			if hp.SurrenderedOn != nil && !hp.SurrenderedOn.After(asOf) && hp.SurrenderedOn.Before(hp.End) &&
				(!closedKnown || hp.SurrenderedOn.Before(h.ClosedOn)) {
				add("surrendered", "violation", "no_late_renewal_or_surrender",
					fmt.Sprintf("于%s退保（保险期间%s至%s）", hp.SurrenderedOn, hp.Start, hp.End), false)
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
		cites := m.findings[i].Get(ev, r.Ruleset, r.Cite)
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
	if len(out) == 0 {
		return []Finding{}
	}
	if opt.Findings == nil {
		return slices.Clone(out)
	}
	list := append((*opt.Findings)[:0], out...)
	*opt.Findings = list
	return list[:len(list):len(list)]
}

// dateText writes d as YYYY-MM-DD in buf, for a concatenation to copy.
func dateText(buf *[10]byte, d facts.Date) []byte {
	b, _ := d.AppendText(buf[:0])
	return b
}

func labels(v facts.Vocabulary, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = v.Label(c)
	}
	return strings.Join(out, "、")
}
