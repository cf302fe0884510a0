package anzexian_test

import (
	"fmt"
	"sort"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
	"github.com/shopspring/decimal"
)

// ---- penalties of the reference ----

var date20210715 = facts.MustParseDate("2021-07-15")

func refUntil(d facts.Date) string {
	if d.IsZero() {
		return "评估日仍在持续"
	}
	return d.String()
}

func refMerge(a, b []string) []string {
	out := append([]string{}, a...)
	for _, s := range b {
		dup := false
		for _, x := range out {
			dup = dup || x == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

func refMergeCites(a, b []rulesets.Citation) []rulesets.Citation {
	out := append([]rulesets.Citation{}, a...)
	for _, c := range b {
		dup := false
		for _, x := range out {
			dup = dup || x == c
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

func refLighter(a, b penalties.Penalty) bool {
	am, bm := a.Fine, b.Fine
	if am == nil || bm == nil {
		return am == nil && bm != nil
	}
	if c := am.Max.Cmp(bm.Max); c != 0 {
		return c < 0
	}
	return am.Min.LessThan(bm.Min)
}

func refDescribeAccident(a *facts.Accident) string {
	s := fmt.Sprintf("%s %s（死亡%d人，重伤%d人，直接经济损失%s）", a.Date, a.Grade().Label(), a.Deaths, a.SeriousInjuries, decfmt.Yuan(a.DirectLoss))
	if a.EspeciallySerious {
		s += "，情节特别严重"
	}
	return s
}

// refLimitation sets the limitation period of p: from the end of the
// state or the event (none while it continues), not barred once
// discovered by its end.
func refLimitation(p *penalties.Penalty, years int, from facts.Date, running bool, asOf, discovered facts.Date, by string) {
	l := &penalties.Limitation{Years: years}
	if !running && !from.IsZero() {
		l.From, l.Expires = from, from.AddYears(years)
	}
	if !discovered.IsZero() && (l.Expires.IsZero() || !discovered.After(l.Expires)) && !discovered.After(asOf) {
		l.DiscoveredOn, l.DiscoveredBy = discovered, by
	}
	l.Expired = !l.Expires.IsZero() && asOf.After(l.Expires) && l.DiscoveredOn.IsZero()
	p.Limitation = l
	if l.Expired {
		p.NoFine = fmt.Sprintf("已超过%d年处罚时效（自%s起算，%s届满），期间未被发现：不再给予行政处罚（《行政处罚法》第三十六条）", years, l.From, l.Expires)
		if p.Fine != nil {
			p.Statutory = p.Fine
		}
		p.Fine, p.PerDay, p.Tier = nil, nil, nil
		p.Measures = nil
		p.Undetermined = nil
	}
}

// refDiscovery is the first record about insurance that concerns the state
// [from, to] (to zero: continuing), or the zero Date.
func (h *refHist) discovery(state facts.Period) facts.Date {
	for _, r := range h.records {
		if r.kind == "inspection" && r.result == "compliant" {
			continue
		}
		if (state.From.IsZero() || !r.date.Before(state.From)) && (state.To.IsZero() || !r.date.After(state.To)) {
			return r.date
		}
		if !state.To.IsZero() && r.date.After(state.To) && h.covered(r.date) && !h.deficient(r.date) {
			return r.date
		}
	}
	return facts.Date{}
}

// refFined is the first recorded fine about insurance of tier that
// concerns the state.
func (h *refHist) fined(tier string, state facts.Period) *penalties.Fined {
	for j, r := range h.records {
		if r.kind != "fine" || h.fineTier(j) != tier {
			continue
		}
		in := (state.From.IsZero() || !r.date.Before(state.From)) && (state.To.IsZero() || !r.date.After(state.To))
		after := !state.To.IsZero() && r.date.After(state.To) && h.covered(r.date) && !h.deficient(r.date)
		if in || after {
			return &penalties.Fined{Record: "enforcement", Date: r.date, Amount: *r.amount, Tier: tier}
		}
	}
	return nil
}

// fineTier reads a fine's tier from the dates: overdue when the latest
// earlier order's deadline passed before it and the enterprise was out of
// compliance the day after.
func (h *refHist) fineTier(j int) string {
	for i := j; i >= 0; i-- {
		o := h.records[i]
		if o.kind != "order" || o.date.After(h.records[j].date) {
			continue
		}
		if o.deadline != nil && o.deadline.Before(h.records[j].date) && h.nonCompliant(o.deadline.AddDays(1)) {
			return "overdue"
		}
		break
	}
	return "first"
}

func (h *refHist) nonCompliant(d facts.Date) bool { return !h.covered(d) || h.deficient(d) }

func (h *refHist) order() *refRecord {
	for i := range h.records {
		if h.records[i].kind == "order" {
			return &h.records[i]
		}
	}
	return nil
}

type refOverdue struct {
	from, to facts.Date
	deadline facts.Date
}

// overdue is the stretch after the order's deadline still out of
// compliance.
func (h *refHist) overdue() *refOverdue {
	o := h.order()
	if o == nil || o.deadline == nil || !o.deadline.Before(h.asOf) {
		return nil
	}
	day := o.deadline.AddDays(1)
	var stop facts.Date
	if o.rectifiedOn != nil {
		stop = *o.rectifiedOn
	}
	if (!stop.IsZero() && !day.Before(stop)) || !h.proven(day) || !h.nonCompliant(day) {
		return nil
	}
	end := h.compliantFrom(day)
	if !stop.IsZero() && (end.IsZero() || stop.Before(end)) {
		end = stop
	}
	od := &refOverdue{from: day, deadline: *o.deadline}
	if !end.IsZero() {
		od.to = end.AddDays(-1)
	}
	return od
}

type refRefusal struct {
	on            facts.Date
	by            string
	from, through facts.Date
	days          int
	amount        *decimal.Decimal
	overdueFined  bool
}

// refusal is the order not complied with, and the days a daily fine counts.
func (h *refHist) refusal() *refRefusal {
	o := h.order()
	if o == nil {
		return nil
	}
	rf := &refRefusal{}
	for j, r := range h.records {
		if r.date.Before(o.date) {
			continue
		}
		switch {
		case r.kind == "fine" && rf.amount == nil:
			rf.amount = r.amount
			rf.overdueFined = h.fineTier(j) == "overdue"
		case r.kind == "fine" && h.fineTier(j) == "overdue":
			rf.overdueFined = true
		case r.kind == "inspection" && r.result == "refused" && rf.on.IsZero():
			rf.on, rf.by = r.date, "inspection"
		}
	}
	var stop facts.Date
	if o.rectifiedOn != nil {
		stop = *o.rectifiedOn
	}
	if rf.on.IsZero() && (o.deadline == nil || o.deadline.Before(h.asOf)) && h.asOf.After(o.date) && stop.IsZero() && h.nonCompliant(h.asOf) {
		rf.on, rf.by = h.asOf, "as_of"
	}
	if rf.on.IsZero() {
		return nil
	}
	through := h.asOf
	if rf.by == "inspection" {
		through = rf.on
	}
	if !stop.IsZero() && !stop.After(through) {
		through = stop.AddDays(-1)
	}
	if c := h.compliantFrom(o.date.AddDays(1)); !c.IsZero() && !c.After(through) {
		through = c.AddDays(-1)
	}
	rf.from, rf.through = o.date.AddDays(1), through
	rf.days = rf.from.DaysUntil(through) + 1
	if rf.days < 0 {
		rf.days = 0
	}
	return rf
}

// refSegments are the days the treatment of a continuing state can change:
// the stack's boundaries (the obligation of the reference's stack changes
// only there).
func refSegments(from, end facts.Date) [][2]facts.Date {
	cuts := []facts.Date{from}
	for _, b := range refBoundaries {
		if b.After(from) && !b.After(end) {
			cuts = append(cuts, b)
		}
	}
	var out [][2]facts.Date
	for i, c := range cuts {
		e := end
		if i+1 < len(cuts) {
			e = cuts[i+1].AddDays(-1)
		}
		out = append(out, [2]facts.Date{c, e})
	}
	return out
}

// refUninsuredRule is the treatment of being uninsured (mandatory) under
// the stack in force on day d.
func refUninsuredRule(d facts.Date) (penalties.Penalty, string, bool) {
	if d.Before(date2018) {
		return penalties.Penalty{}, "", false // encouraged only
	}
	var p penalties.Penalty
	if d.Before(date2021) {
		p = penalties.Penalty{Violation: "uninsured-mandatory", Title: "应当投保安全生产责任保险的生产经营单位未投保", Target: "unit", Law: kLaw14,
			Rules: []string{kLaw14 + "#uninsured-mandatory"}, Cite: cites(citeLaw14Art48), Measures: []string{}, Unverified: true, Consequences: []string{},
			NoFine: "2014年修正的《安全生产法》没有规定未投保安全生产责任保险的罚则（第四十八条仅为鼓励性规定）；当时的处理见施行中的实施办法。"}
	} else {
		p = penalties.Penalty{Violation: "uninsured-mandatory", Title: "高危行业、领域的生产经营单位未按照国家规定投保安全生产责任保险", Target: "unit", Law: kLaw21,
			Rules: []string{kLaw21 + "#uninsured-mandatory"}, Cite: citeLaw21Art109, Measures: []string{"责令限期改正"}, Consequences: []string{},
			Fine: &penalties.Range{Min: decimal.NewFromInt(50000).Round(2), Max: decimal.NewFromInt(100000).Round(2)}}
	}
	if d.Before(date2025) { // the 2017 measures restate it
		p.Rules = append(p.Rules, kM17+"#uninsured-rectify")
		p.Cite = refMergeCites(p.Cite, cites(citeM17Art26))
		p.Measures = refMerge(p.Measures, []string{"责令整改"})
		p.Note = "2017年实施办法的监督管理条款原文未能核实；\"依据《安全生产责任保险实施办法》第二十六条规定责令整改\"是乐清征求意见稿三(四)的引用。"
	}
	p.Rules = append(p.Rules, kHN+"#uninsured-hunan")
	p.Cite = refMergeCites(p.Cite, cites(citeHN52Only))
	p.Measures = refMerge(p.Measures, measuresRectifyHN)
	p.Consequences = refMerge(p.Consequences, nil)
	p.Basis = penalties.BasisBinding
	return p, p.Law + "#uninsured-mandatory", true
}

const (
	noteKeyUser      = "非化工企业的危化品重点使用单位是否属于国家规定的高危行业、领域，国家文本未明确；按湖南省的规定定为 required。"
	notePipeline     = "长输管线归石油天然气管道保护的规定调整，是否属于国家规定的\"危险化学品\"高危领域，国家文本未明确；按湖南省的规定定为 required。"
	caveatFineNotLaw = "记录中关于投保的罚款不是依《安全生产法》第一百零九条作出的（本单位不属于国家规定的高危行业、领域），第一百一十二条按日连续处罚不适用。"
)

// refRequiredRule is uninsured-required (Hunan's own duty) on day d.
func refRequiredRule(d, segEnd facts.Date, h *refHist, readings []string) (penalties.Penalty, string, bool) {
	if d.Before(date2018) {
		return penalties.Penalty{}, "", false
	}
	p := penalties.Penalty{Violation: "uninsured-required", Title: "湖南省规定应当投保的生产经营单位未按规定投保或续保", Target: "unit", Law: kHN,
		Rules: []string{kHN + "#uninsured-required"}, Cite: citeHN52, Measures: measuresRectifyHN, Basis: penalties.BasisBinding, Readings: readings, Consequences: []string{},
		NoFine: "《安全生产法》第一百零九条的罚款只适用于国家规定的高危行业、领域；湖南省的实施意见本身不设定罚款。"}
	for _, r := range h.records {
		if r.kind == "fine" && !r.date.After(segEnd) {
			p.Caveats = []string{caveatFineNotLaw}
			break
		}
	}
	return p, kHN + "#uninsured-required", true
}

type refGroup struct {
	p        penalties.Penalty
	law      string
	from, to facts.Date
}

// refContinuing gives the penalties of one continuing state over [span]
// whose proven part is proven (zero From: nothing proves it), by rule.
func refContinuing(h *refHist, asOf facts.Date, span, proven facts.Period, rule func(start, segEnd facts.Date) (penalties.Penalty, string, bool), finedBy string) []penalties.Penalty {
	from, to := span.From, span.To
	unknownStart := from.IsZero()
	if unknownStart {
		from = date2014
	}
	end := to
	running := end.IsZero()
	if running || end.After(asOf) {
		end = asOf
	}
	if from.After(end) {
		return nil
	}
	var groups []*refGroup
	for _, seg := range refSegments(from, end) {
		p, law, ok := rule(seg[0], seg[1])
		if !ok {
			continue
		}
		if n := len(groups); n > 0 && groups[n-1].law == law && groups[n-1].to.AddDays(1) == seg[0] {
			g := groups[n-1]
			g.to = seg[1]
			g.p.Fine, g.p.Statutory, g.p.Tier, g.p.PerDay = p.Fine, p.Statutory, p.Tier, p.PerDay
			g.p.NoFine, g.p.FineBasis, g.p.Undetermined = p.NoFine, p.FineBasis, p.Undetermined
			g.p.Rules = refMerge(g.p.Rules, p.Rules)
			g.p.Cite = refMergeCites(g.p.Cite, p.Cite)
			g.p.Measures = refMerge(g.p.Measures, p.Measures)
			g.p.Caveats = refMerge(g.p.Caveats, p.Caveats)
			g.p.Readings = refMerge(g.p.Readings, p.Readings)
			continue
		}
		groups = append(groups, &refGroup{p: p, law: law, from: seg[0], to: seg[1]})
	}
	// the state runs from the first group to the last (the groups of one
	// stretch are contiguous here)
	var out []penalties.Penalty
	if len(groups) == 0 {
		return nil
	}
	state := facts.Period{From: groups[0].from, To: groups[len(groups)-1].to}
	if unknownStart {
		state.From = facts.Date{}
	}
	stateRunning := groups[len(groups)-1].to == end && running
	if stateRunning {
		state.To = facts.Date{}
	}
	disc := h.discovery(state)
	for _, g := range groups {
		p := g.p
		p.Governing = "继续状态：该时段内施行的规定"
		if len(p.Readings) == 0 {
			p.Readings = nil
		}
		pf, pt := g.from, g.to
		if !proven.From.IsZero() && proven.From.After(pf) {
			pf = proven.From
		}
		if !proven.To.IsZero() && proven.To.Before(pt) {
			pt = proven.To
		}
		if proven.From.IsZero() || pf.After(pt) {
			p.Since, p.Until = g.from, g.to
			p.Undetermined = []string{"operating_since"}
			p.Occurrence = fmt.Sprintf("%s至%s（是否在生产经营、因而是否未投保，取决于 %s）", g.from, g.to, "operating_since")
			if p.Fine != nil {
				p.Statutory = p.Fine
			}
			p.Fine, p.Tier, p.PerDay = nil, nil, nil
			p.NoFine = "事实不能证明这段时间在生产经营（缺少 operating_since）：是否构成违法行为无法确定，不计罚款。"
			refLimitation(&p, 2, state.To, stateRunning, asOf, disc, "enforcement")
			if p.Limitation.Expired {
				continue
			}
			out = append(out, p)
			continue
		}
		p.Since = pf
		if pf.After(g.from) {
			p.SinceEarliest = g.from
		}
		if !(pt == asOf && stateRunning) {
			p.Until = pt
		}
		if pt.Before(g.to) {
			p.UntilLatest = g.to
		}
		p.Days = pf.DaysUntil(pt) + 1
		p.Occurrence = fmt.Sprintf("%s至%s", p.Since, refUntil(p.Until))
		if !p.SinceEarliest.IsZero() {
			p.Occurrence = fmt.Sprintf("%s（有记录证明之日；此前最早可能自%s起，取决于开始生产经营的日期）至%s", p.Since, p.SinceEarliest, refUntil(p.Until))
		}
		if finedBy != "" && p.Fine != nil {
			if fd := h.fined(finedBy, state); fd != nil {
				p.Fined = fd
				p.Statutory = p.Fine
				p.Fine, p.Tier = nil, nil
				p.NoFine = fmt.Sprintf("已于%s作出罚款%s元（%s）：同一违法行为不再给予第二次罚款（一事不再罚）。", fd.Date, fd.Amount.StringFixed(2), fd.Record)
			}
		}
		refLimitation(&p, 2, state.To, stateRunning, asOf, disc, "enforcement")
		out = append(out, p)
	}
	return out
}

// refEvent is one occurrence of an event violation judged under the law
// of its date and the law of asOf (从旧兼从轻).
func refEvent(oldR, newR *penalties.Penalty, date facts.Date, desc string) (penalties.Penalty, bool) {
	if oldR == nil || newR == nil {
		return penalties.Penalty{}, false
	}
	var p penalties.Penalty
	switch {
	case refLighter(*newR, *oldR) && oldR.Law != newR.Law:
		p = *newR
		p.Governing = fmt.Sprintf("从旧兼从轻：违法行为发生时（%s）适用%s，但作出处罚决定时的规定处罚较轻，适用新的规定", date, oldR.Law)
	default:
		p = *oldR
		if oldR.Law == newR.Law {
			p.Governing = "违法行为发生时的规定（至作出处罚决定时未修改）"
		} else {
			p.Governing = fmt.Sprintf("违法行为发生时（%s）的规定；作出处罚决定时的%s处罚不轻于它（从旧兼从轻）", date, newR.Law)
		}
	}
	p.Occurrence = desc
	p.Since, p.Until = date, date
	p.Basis = penalties.BasisBinding
	return p, true
}

func refPenalties(f *facts.Facts, asOf facts.Date, h *refHist, oblig rulesets.Obligation) ([]penalties.Penalty, []rulesets.Undetermined) {
	out := []penalties.Penalty{}
	var und []rulesets.Undetermined
	mandatory := oblig == rulesets.ObligationMandatory
	proof := facts.Period{From: h.proofFrom, To: h.proofTo}
	group := 0
	overdueAt := -1 // index of the overdue penalty, for its alternative
	if mandatory {
		for _, per := range h.uninsured {
			out = append(out, refContinuing(h, asOf, per, proof, func(d, _ facts.Date) (penalties.Penalty, string, bool) { return refUninsuredRule(d) }, "first")...)
		}
		if d := h.def; d != nil {
			span := facts.Period{From: d.from}
			if !d.earliest.IsZero() {
				span.From = d.earliest
			}
			cite := citeLaw21Art109
			limits, staff := false, false
			for _, x := range d.fields {
				limits = limits || x == "death_limit_min" || x == "disability_limit_min"
				staff = staff || x == "cover_all_employees" || x == "whole_enterprise" || x == "uniform_limits"
			}
			m25 := func(art string) rulesets.Citation {
				return rulesets.Citation{Ruleset: kLaw21, Source: "m2025", Title: tMeasures, Number: nM25, Article: art}
			}
			if !d.concluded.Before(date2025) && limits {
				cite = append(cite[:len(cite):len(cite)], m25("第十五条"))
			}
			if !d.concluded.Before(date2025) && staff {
				cite = append(cite[:len(cite):len(cite)], m25("第十六条"))
			}
			rule := func(s, _ facts.Date) (penalties.Penalty, string, bool) {
				if s.Before(date2021) {
					return penalties.Penalty{}, "", false
				}
				return penalties.Penalty{Violation: "underinsured-mandatory", Title: "高危行业、领域的生产经营单位投保不符合国家规定（限额不足、未覆盖全体从业人员或未实行同一标准）",
					Target: "unit", Law: kLaw21, Rules: []string{kLaw21 + "#underinsured-mandatory"}, Cite: cite, Measures: []string{"责令限期改正"}, Consequences: []string{},
					Fine:  &penalties.Range{Min: decimal.NewFromInt(50000).Round(2), Max: decimal.NewFromInt(100000).Round(2)},
					Note:  "读法见本规则集的说明：\"未按照国家规定投保\"包括投保时施行的国家实施办法要求未满足的保单。",
					Basis: penalties.BasisBinding}, kLaw21 + "#underinsured-mandatory", true
			}
			out = append(out, refContinuing(h, asOf, span, facts.Period{From: d.from}, rule, "first")...)
		}
		if od := h.overdue(); od != nil {
			rule := func(s, _ facts.Date) (penalties.Penalty, string, bool) {
				if s.Before(date2021) {
					return penalties.Penalty{}, "", false
				}
				return penalties.Penalty{Violation: "uninsured-mandatory-overdue", Title: "高危行业、领域的生产经营单位未按照国家规定投保安全生产责任保险，逾期未改正",
					Target: "unit", Law: kLaw21, Rules: []string{kLaw21 + "#uninsured-mandatory-overdue"}, Cite: citeLaw21Art109,
					Measures: []string{"逾期未改正，处十万元以上二十万元以下的罚款"}, Basis: penalties.BasisBinding, Consequences: []string{},
					Fine: &penalties.Range{Min: decimal.NewFromInt(100000).Round(2), Max: decimal.NewFromInt(200000).Round(2)}}, kLaw21 + "#uninsured-mandatory-overdue", true
			}
			span := facts.Period{From: od.from, To: od.to}
			ps := refContinuing(h, asOf, span, span, rule, "overdue")
			if len(ps) > 0 {
				overdueAt = len(out)
			}
			out = append(out, ps...)
		}
	}
	// the daily fine (第一百一十二条), an alternative of the overdue tier
	if o := h.order(); o != nil && mandatory && !o.date.Before(date2021) {
		if rf := h.refusal(); rf != nil && rf.amount != nil && !rf.overdueFined && rf.days > 0 {
			by := map[string]string{"inspection": "复查发现拒不改正", "as_of": "评估日仍未改正"}[rf.by]
			p := penalties.Penalty{Violation: "daily-fine", Title: "被责令改正且受到罚款处罚，拒不改正（按日连续处罚）", Target: "unit", Law: kLaw21,
				Governing: "违法行为发生时的规定（至作出处罚决定时未修改）", Rules: []string{kLaw21 + "#daily-fine"}, Cite: citeLaw21Art112,
				Measures: []string{"自作出责令改正之日的次日起，按照原处罚数额按日连续处罚"}, Discretionary: true, Basis: penalties.BasisBinding, Consequences: []string{},
				Note:       "第一百一十二条为\"可以\"按日连续处罚；计日的起止、适用的罚款、与逾期罚款的关系见本规则集的读法说明。",
				Occurrence: fmt.Sprintf("%s责令改正（%s），%s%s；按日计罚%s至%s", o.date, facts.RecordSubjects.Label("insurance"), rf.on, by, rf.from, rf.through),
				Since:      o.date, Until: o.date}
			amount := rf.amount.Round(2)
			p.PerDay = &penalties.PerDay{Amount: amount, From: rf.from, Through: rf.through, Days: rf.days, Total: amount.Mul(decimal.NewFromInt(int64(rf.days)))}
			refLimitation(&p, 2, o.date, false, asOf, o.date, "order")
			if overdueAt >= 0 {
				p.AlternativeOf = "uninsured-mandatory-overdue"
				group++
				out[overdueAt].Group, p.Group = group, group
			}
			out = append(out, p)
		}
	}
	state := func(id, title, target string, c []rulesets.Citation, measures []string) penalties.Penalty {
		return penalties.Penalty{Violation: id, Title: title, Target: target, Law: kLaw21, Governing: "作出处罚决定时（评估日）的规定",
			Rules: []string{kLaw21 + "#" + id}, Cite: c, Measures: measures, Consequences: []string{}, Limitation: &penalties.Limitation{Years: 2}, Basis: penalties.BasisBinding}
	}
	refused := refRefused(f, asOf)
	refusedOn := asOf
	if hz := f.Hazards; hz.RefusedOn != nil && !hz.RefusedOn.After(asOf) {
		refusedOn = *hz.RefusedOn
	}
	if f.Hazards.MajorUnrectified || refused {
		p := state("hazard-unrectified", "未采取措施消除事故隐患", "unit", citeLaw21Art102, []string{"责令立即消除或者限期消除"})
		p.Fine = &penalties.Range{Min: dec0.Round(2), Max: decimal.NewFromInt(50000).Round(2)}
		p.Note = "本条为\"处五万元以下的罚款\"，下限按零计。"
		out = append(out, p)
	}
	accidents := refAccidents(f, asOf)
	base := map[*facts.Accident]int{} // the unit penalty of each accident, for its alternative
	for _, kind := range []string{"unit", "aggravated", "principal"} {
		for g := 1; g <= 4; g++ {
			for i := range accidents {
				a := &accidents[i]
				if !a.UnitLiable || int(a.Grade()) != g || (kind == "aggravated" && !a.EspeciallySerious) {
					continue
				}
				mk := func(d facts.Date) *penalties.Penalty {
					r, missing := refAccidentRule(kind, g, d, a, f.PrincipalIncome)
					if r == nil {
						return nil
					}
					p := r.penalty("")
					p.Undetermined = missing
					return &p
				}
				p, ok := refEvent(mk(a.Date), mk(asOf), a.Date, refDescribeAccident(a))
				if !ok {
					continue
				}
				years := 2
				if !a.Date.Before(date20210715) {
					years = 5
				}
				k := 0
				for j := range f.Accidents {
					if f.Accidents[j] == *a {
						k = j
						break
					}
				}
				refLimitation(&p, years, a.Date, false, asOf, a.Date, fmt.Sprintf("accidents[%d].date", k))
				switch kind {
				case "unit":
					base[a] = len(out)
				case "aggravated":
					if j, ok := base[a]; ok {
						p.AlternativeOf = out[j].Violation
						if out[j].Group == 0 {
							group++
							out[j].Group = group
						}
						p.Group = out[j].Group
					}
				}
				out = append(out, p)
			}
		}
	}
	if !mandatory {
		var readings []string
		national, keyUser, pipeline := refNational(f)
		_ = national
		if keyUser {
			readings = append(readings, noteKeyUser)
		}
		if pipeline {
			readings = append(readings, notePipeline)
		}
		for _, per := range h.uninsured {
			rule := func(s, e facts.Date) (penalties.Penalty, string, bool) { return refRequiredRule(s, e, h, readings) }
			out = append(out, refContinuing(h, asOf, per, proof, rule, "")...)
		}
	}
	hn := func(id, title string, c []rulesets.Citation, measures []string, noFine string) penalties.Penalty {
		return penalties.Penalty{Violation: id, Title: title, Target: "unit", Law: kHN, Governing: "作出处罚决定时（评估日）的规定",
			Rules: []string{kHN + "#" + id}, Cite: c, Measures: append([]string{}, measures...), NoFine: noFine, Consequences: []string{}, Limitation: &penalties.Limitation{Years: 2}, Basis: penalties.BasisBinding}
	}
	if h.covered(asOf) {
		if f.Policy == nil {
			und = append(und, rulesets.Undetermined{Rule: kHN + "#premium-charged-to-employees", Kind: "penalty", Missing: []string{"policy"}})
		} else if f.Policy.PremiumChargedToEmployees {
			out = append(out, hn("premium-charged-to-employees", "将保费以各种形式摊派给从业人员个人", citeHN52and35, measuresRectifyHN, noFineHN))
		}
	}
	if f.ClaimsUnpaidToVictims {
		out = append(out, hn("claims-unpaid-to-victims", "未及时将赔偿保险金支付给受害人", citeHN52, measuresRectifyHN, noFineHN))
	}
	event := func(id, title string, c []rulesets.Citation, noFine, note string, date, since facts.Date, desc string) {
		if date.Before(date2018) {
			return // Hunan's opinions were not in force
		}
		p := hn(id, title, c, measuresRectifyHN, noFine)
		p.Note = note
		p.Governing = "违法行为发生时的规定（至作出处罚决定时未修改）"
		p.Occurrence, p.Since, p.Until = desc, since, date
		refLimitation(&p, 2, date, false, asOf, h.discovery(facts.Period{From: since, To: date}), "enforcement")
		out = append(out, p)
	}
	for _, g := range h.late {
		if g.To.IsZero() {
			continue
		}
		event("late-renewal", "未按规定续保（保单到期后延迟续保）", citeHN52and33,
			"湖南省的实施意见只规定整改要求和依法追究责任，没有设定罚款数额；属于强制范围的，未投保期间另按未投保处理。", "",
			g.To, g.From, fmt.Sprintf("%s至%s", g.From, refUntil(g.To)))
	}
	for _, hp := range f.PolicyHistory {
		if hp.Start.After(asOf) || hp.SurrenderedOn == nil || hp.SurrenderedOn.After(asOf) {
			continue
		}
		event("surrender", "生产经营期间退保", citeHN33and52, noFineHN,
			"依法关闭取缔、完全停止生产经营活动的除外：在 closed_on 之前退保的仍是违规；status 为 closed 而没有 closed_on 的，无法确定（缺少 closed_on）。",
			*hp.SurrenderedOn, *hp.SurrenderedOn, fmt.Sprintf("%s退保（保险期间%s至%s）", hp.SurrenderedOn, hp.Start, hp.End))
	}
	if len(f.OtherSafetyInsurance) > 0 {
		out = append(out, hn("other-insurance-not-converted", "已投保的与安全生产相关的其他险种未调整为安全生产责任保险", citeHN35,
			[]string{"将其调整为安全生产责任保险"}, "该意见只规定了调整义务，没有规定处理措施或罚款。"))
	}
	if refused {
		// no order about a hazard exists here: the refusal is of the
		// insurer's findings (湖南 四)
		p := hn("hazard-refused-insurer", "拒不整改保险机构评估发现的重大事故隐患", citeHN4,
			[]string{"保险机构应及时报告行业主管部门和相关部门", "保险机构在下一承保年度上浮保险费率"},
			"该意见规定的是报告和费率措施，没有设定罚款；对未消除事故隐患的罚款见《安全生产法》第一百零二条。")
		p.Since = refusedOn
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Since.IsZero() && !b.Since.IsZero() && a.Since != b.Since {
			return a.Since.Before(b.Since)
		}
		return false
	})
	return out, und
}

// ---- the timeline of the reference ----

func refTimelineOf(f *facts.Facts, asOf facts.Date, h *refHist, oblig rulesets.Obligation, keyUser, pipeline bool) *timeline.Timeline {
	t := &timeline.Timeline{From: date2014, Through: asOf, Enforcement: []timeline.Entry{}, Notes: []string{timeline.NoteConstant}}
	t.Obligations = []timeline.Obligation{{From: date2014, To: date2018.AddDays(-1), Level: rulesets.ObligationEncouraged, Basis: "binding",
		Rules: []string{kLaw14 + "#encouraged"}}}
	if oblig == rulesets.ObligationMandatory {
		t.Obligations = append(t.Obligations,
			timeline.Obligation{From: date2018, To: date2025.AddDays(-1), Level: oblig, Basis: "binding", Rules: []string{kM17 + "#hazardous-chemicals", kHN + "#hazardous-chemicals"}},
			timeline.Obligation{From: date2025, To: asOf, Level: oblig, Basis: "binding", Rules: []string{kM25 + "#hazardous-chemicals", kHN + "#hazardous-chemicals"}})
	} else {
		o := timeline.Obligation{From: date2018, To: asOf, Level: oblig, Basis: "binding"}
		if keyUser {
			o.Rules, o.Readings = append(o.Rules, kHN+"#hazardous-chemicals-key-user"), append(o.Readings, noteKeyUser)
		}
		if pipeline {
			o.Rules, o.Readings = append(o.Rules, kHN+"#hazardous-chemicals-pipeline"), append(o.Readings, notePipeline)
		}
		t.Obligations = append(t.Obligations, o)
	}
	// cover: cut wherever the state may change
	cuts := []facts.Date{date2014, date2018, date2025}
	add := func(d facts.Date) {
		if !d.IsZero() && d.After(date2014) && !d.After(asOf) {
			cuts = append(cuts, d)
		}
	}
	for _, c := range h.cover {
		add(c.from)
		add(c.to.AddDays(1))
	}
	if h.def != nil {
		add(h.def.from)
	}
	add(h.proofFrom)
	add(h.proofTo.AddDays(1))
	if f.OperatingSince != nil {
		add(*f.OperatingSince)
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].Before(cuts[j]) })
	level := func(d facts.Date) rulesets.Obligation {
		if d.Before(date2018) {
			return rulesets.ObligationEncouraged
		}
		return oblig
	}
	for i, d := range cuts {
		if i > 0 && d == cuts[i-1] {
			continue
		}
		to := asOf
		for _, c := range cuts[i+1:] {
			if c != d {
				to = c.AddDays(-1)
				break
			}
		}
		s := timeline.Stretch{From: d, To: to, Level: level(d)}
		switch {
		case h.covered(d):
			s.State = timeline.Insured
			for _, c := range h.cover {
				if !d.Before(c.from) && !d.After(c.to) {
					s.Sources = c.sources
				}
			}
			if h.deficient(d) {
				s.State, s.Fields = timeline.Deficient, h.def.fields
			}
		case f.OperatingSince != nil && d.Before(*f.OperatingSince):
			s.State, s.Sources = timeline.NotOperating, []string{"operating_since"}
		case s.Level == rulesets.ObligationEncouraged:
			s.State = timeline.NoDuty
		case h.proven(d):
			s.State = timeline.Uninsured
			s.Sources = []string{h.proofFromSrc}
			if h.proofToSrc != h.proofFromSrc {
				s.Sources = append(s.Sources, h.proofToSrc)
			}
		default:
			s.State, s.Missing = timeline.Undetermined, []string{"operating_since"}
		}
		if n := len(t.Cover); n > 0 {
			p := &t.Cover[n-1]
			if p.State == s.State && p.Level == s.Level && fmt.Sprint(p.Sources) == fmt.Sprint(s.Sources) && fmt.Sprint(p.Missing) == fmt.Sprint(s.Missing) && fmt.Sprint(p.Fields) == fmt.Sprint(s.Fields) {
				p.To = s.To
				continue
			}
		}
		t.Cover = append(t.Cover, s)
	}
	// enforcement
	od, rf := h.overdue(), h.refusal()
	for i, r := range h.records {
		e := timeline.Entry{Record: "enforcement", Kind: r.kind, Date: r.date, Subject: "insurance", Amount: r.amount, Result: r.result}
		switch r.kind {
		case "order":
			if r.deadline != nil {
				e.Deadline = *r.deadline
			}
			if r.rectifiedOn != nil {
				e.Rectified = *r.rectifiedOn
			}
			if od != nil {
				e.Overdue = &timeline.Span{From: od.from, To: od.to, Days: facts.Period{From: od.from, To: od.to}.Days(asOf)}
			}
			if rf != nil {
				e.Refusal = &timeline.Refusal{On: rf.on, By: rf.by, From: rf.from, Through: rf.through, Days: rf.days}
			}
		case "fine":
			e.Tier = h.fineTier(i)
		}
		t.Enforcement = append(t.Enforcement, e)
	}
	// events: the rulesets, the records, then the policies and accidents
	in := func(d facts.Date) bool { return !d.Before(date2014) && !d.After(asOf) }
	ev := []timeline.Event{
		{Date: date2014, Kind: "ruleset", Ref: kLaw14},
		{Date: date2018, Kind: "ruleset", Ref: kM17}, {Date: date2018, Kind: "ruleset", Ref: kBase},
		{Date: date2018, Kind: "ruleset", Ref: kHN}, {Date: date2018, Kind: "ruleset", Ref: kHNC},
		{Date: date2021, Kind: "ruleset", Ref: kLaw21}, {Date: date2025, Kind: "ruleset", Ref: kM25},
	}
	if f.OperatingSince != nil && in(*f.OperatingSince) {
		ev = append(ev, timeline.Event{Date: *f.OperatingSince, Kind: "operating_since", Ref: "operating_since"})
	}
	for _, r := range h.records {
		ev = append(ev, timeline.Event{Date: r.date, Kind: r.kind, Ref: "enforcement"})
		if r.kind == "order" && r.deadline != nil && in(*r.deadline) {
			ev = append(ev, timeline.Event{Date: *r.deadline, Kind: "deadline_end", Ref: "enforcement"})
		}
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].Date.Before(ev[j].Date) })
	var more []timeline.Event
	for i, p := range f.PolicyHistory {
		ref := fmt.Sprintf("policy_history[%d]", i)
		more = append(more, timeline.Event{Date: p.Start, Kind: "policy_start", Ref: ref}, timeline.Event{Date: p.End, Kind: "policy_end", Ref: ref})
		if p.SurrenderedOn != nil {
			more = append(more, timeline.Event{Date: *p.SurrenderedOn, Kind: "surrender", Ref: ref})
		}
	}
	if p := f.Policy; p.IsInsured() {
		more = append(more, timeline.Event{Date: p.Start, Kind: "policy_start", Ref: "policy"}, timeline.Event{Date: p.End, Kind: "policy_end", Ref: "policy"})
	}
	for k := range h.accidents {
		more = append(more, timeline.Event{Date: h.accidents[k].Date, Kind: "accident", Ref: fmt.Sprintf("accidents[%d]", h.accIndex[k])})
	}
	kept := more[:0]
	for _, e := range more {
		if in(e.Date) {
			kept = append(kept, e)
		}
	}
	t.Events = append(ev, kept...)
	sort.SliceStable(t.Events, func(i, j int) bool { return t.Events[i].Date.Before(t.Events[j].Date) })
	return t
}
