package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
	"github.com/shopspring/decimal"
)

var obligationLabel = map[rulesets.Obligation]string{rulesets.ObligationMandatory: "应当投保（国家规定的高危行业、领域）", rulesets.ObligationRequired: "应当投保（地方规定）", rulesets.ObligationEncouraged: "鼓励投保", rulesets.ObligationNone: "无规定"}

var statusLabel = map[rulesets.Status]string{rulesets.StatusInForce: "现行", rulesets.StatusDraft: "征求意见稿", rulesets.StatusRepealed: "已废止"}

var severityLabel = map[string]string{"violation": "违规", "draft": "草案要求", "warning": "提示", "info": "信息"}

// WriteText writes the assessment as a readable report for people: the
// rulesets it rests on, the obligation with its reasons, the requirements,
// the findings, and what the enterprise risks, each with its legal basis.
func WriteAssessment(w io.Writer, a *anzexian.Assessment) error {
	var b strings.Builder
	name := a.Enterprise
	if name == "" {
		name = "（未命名企业）"
	}
	fmt.Fprintf(&b, "企业：%s　地区：%s　评估日：%s", name, a.Region, a.AsOf)
	if a.Insurer != "" {
		fmt.Fprintf(&b, "　保险机构：%s", a.Insurer)
	}
	b.WriteString("\n\n规则集：\n")
	for _, l := range a.Rulesets {
		dates := l.Effective.From.String() + "起"
		if !l.Effective.Until.IsZero() {
			dates = l.Effective.From.String() + "至" + l.Effective.Until.String()
		}
		if l.Effective.Assumed {
			dates += "（推定）"
		}
		role := ""
		if l.Role != "" {
			role = "　（用于评估日之前的违法行为）"
		}
		fmt.Fprintf(&b, "  %s@%s　%s　%s　%s　%s%s\n", l.ID, l.Version, l.Title, statusLabel[l.Status], dates, shortDigest(l.Digest), role)
	}
	if len(a.Notes) > 0 {
		b.WriteString("\n说明：\n")
		for _, n := range a.Notes {
			fmt.Fprintf(&b, "  ※ %s\n", n)
		}
	}
	writeCoverage(&b, a.Coverage)
	writePremium(&b, a.Premium, a.PremiumIncomplete)
	writePenalties(&b, a.Penalties)
	writeTimeline(&b, a.Timeline)
	if len(a.Consequences) > 0 {
		b.WriteString("\n其他后果：\n")
		for _, c := range a.Consequences {
			fmt.Fprintf(&b, "  · %s\n      依据：%s\n", c.Text, citeText(c.Cite))
		}
	}
	for _, r := range a.References {
		fmt.Fprintf(&b, "\n参考信息：%s\n", r.Title)
		for i, it := range r.Items {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, it)
		}
		if r.Note != "" {
			fmt.Fprintf(&b, "  注：%s\n", r.Note)
		}
	}
	if a.Trace != nil {
		b.WriteString("\n规则评估记录：\n")
		for _, t := range a.Trace.Rules {
			fmt.Fprintf(&b, "  %-12s %-12s %s", t.Kind, t.Outcome, t.Rule)
			if len(t.Missing) > 0 {
				fmt.Fprintf(&b, "（缺少：%s）", strings.Join(t.Missing, "、"))
			}
			if t.Detail != "" {
				fmt.Fprintf(&b, "（%s）", t.Detail)
			}
			b.WriteByte('\n')
		}
		for _, ig := range a.Trace.Ignored {
			fmt.Fprintf(&b, "  已忽略评估日之后的事实：%s\n", ig)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCoverage(b *strings.Builder, c *coverage.Result) {
	if c == nil {
		return
	}
	fmt.Fprintf(b, "\n一、投保义务：%s [%s]\n", obligationLabel[c.Obligation], c.Obligation)
	if c.ObligationBasis == "draft" {
		fmt.Fprintf(b, "  ！这一义务只来自征求意见稿（草案要求）；生效文件的结论为：%s [%s]\n", obligationLabel[c.BindingObligation], c.BindingObligation)
	}
	if c.Incomplete != "" {
		fmt.Fprintf(b, "  ！结论不完整：%s\n", c.Incomplete)
	}
	if len(c.Reasons) > 0 {
		b.WriteString("  依据：\n")
		for _, r := range c.Reasons {
			fmt.Fprintf(b, "  · [%s] %s\n      %s\n", r.Obligation, r.Text, citeText(r.Cite))
			if r.Note != "" {
				fmt.Fprintf(b, "      读法：%s\n", r.Note)
			}
		}
	}
	if len(c.Requirements.Items) > 0 {
		b.WriteString("  保单应满足：\n")
		for _, it := range c.Requirements.Items {
			fmt.Fprintf(b, "  · %s：%s\n", it.Label, valueText(it.Field, it.Value))
			for _, bs := range it.Basis {
				mark := "      依据："
				if !bs.Binding {
					mark = "      （不约束）"
				}
				fmt.Fprintf(b, "%s%s%s\n", mark, citeText(bs.Cite), valueNote(it.Field, bs.Value, bs.Binding))
			}
		}
	}
	if pr := c.PolicyRequirements; pr != nil {
		fmt.Fprintf(b, "  当前保单于%s订立，按当时施行的规定（%s）：\n", pr.ConcludedOn, obligationLabel[pr.Obligation])
		for _, it := range pr.Requirements.Items {
			fmt.Fprintf(b, "  · %s：%s\n", it.Label, valueText(it.Field, it.Value))
		}
	}
	if len(c.Findings) > 0 {
		b.WriteString("  发现的问题：\n")
		for _, f := range c.Findings {
			to := ""
			if f.Addressee == "insurer" {
				to = "（保险机构的义务）"
			}
			fmt.Fprintf(b, "  · [%s]%s %s\n      依据：%s\n", severityLabel[f.Severity], to, f.Text, citeText(f.Cite))
		}
	} else {
		b.WriteString("  发现的问题：无\n")
	}
	if len(c.Undetermined) > 0 {
		b.WriteString("  无法判断的规则（缺少事实）：\n")
		for _, u := range c.Undetermined {
			fmt.Fprintf(b, "  · %s：缺少 %s%s\n", u.Rule, strings.Join(u.Missing, "、"), u.Error)
		}
	}
}

func valueNote(field string, v any, binding bool) string {
	if binding {
		return ""
	}
	return "（" + valueText(field, v) + "）"
}

func valueText(field string, v any) string {
	f := rulesets.RequirementFieldByName(field)
	switch x := v.(type) {
	case decimal.Decimal:
		return decfmt.Yuan(x)
	case bool:
		if x {
			return "是"
		}
		return "否"
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = f.Codes.Label(s)
		}
		return strings.Join(parts, "、")
	case string:
		if f != nil && f.Codes != nil {
			return f.Codes.Label(x)
		}
		return x
	}
	return fmt.Sprint(v)
}

func citeText(cs []rulesets.Citation) string {
	if len(cs) == 0 {
		return "（无引用）"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Text()
	}
	return strings.Join(parts, "；")
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19] + "…"
	}
	return d
}

var targetLabel = map[string]string{"unit": "生产经营单位", "principal": "主要负责人", "responsible_persons": "直接负责的主管人员和其他直接责任人员"}

func writePenalties(b *strings.Builder, ps []penalties.Penalty) {
	b.WriteString("\n三、可能面临的处罚：")
	if len(ps) == 0 {
		b.WriteString("无\n")
		return
	}
	b.WriteByte('\n')
	for _, p := range ps {
		mark := ""
		if p.Basis == penalties.BasisDraft {
			mark = "【草案要求】"
		}
		fmt.Fprintf(b, "  · %s%s（%s）\n", mark, p.Title, p.Violation)
		if p.Occurrence != "" {
			fmt.Fprintf(b, "      事实：%s\n", p.Occurrence)
		}
		if p.Days > 0 {
			fmt.Fprintf(b, "      有记录证明的天数：%d日\n", p.Days)
		}
		if p.AlternativeOf != "" {
			fmt.Fprintf(b, "      与 %s 择一：执法机关可以改用本项幅度，二者不相加\n", p.AlternativeOf)
		}
		if f := p.Fined; f != nil {
			fmt.Fprintf(b, "      已罚款：%s %s（%s），不再重复罚款\n", f.Date, decfmt.Yuan(f.Amount), f.Record)
		}
		fmt.Fprintf(b, "      适用：%s — %s\n", p.Law, p.Governing)
		fmt.Fprintf(b, "      依据：%s\n", citeText(p.Cite))
		if len(p.Measures) > 0 {
			fmt.Fprintf(b, "      措施：%s\n", strings.Join(p.Measures, "；"))
		}
		switch {
		case p.Fine != nil:
			fmt.Fprintf(b, "      罚款（%s）：%s 至 %s", targetLabel[p.Target], decfmt.Yuan(p.Fine.Min), decfmt.Yuan(p.Fine.Max))
			if p.FineBasis != "" {
				fmt.Fprintf(b, "（%s）", p.FineBasis)
			}
			if p.Discretionary {
				b.WriteString("【可以】")
			}
			b.WriteByte('\n')
			if p.Tier != nil {
				fmt.Fprintf(b, "      裁量档次：%s %s（法定幅度 %s 至 %s）\n", p.Tier.ID, p.Tier.Reason, decfmt.Yuan(p.Statutory.Min), decfmt.Yuan(p.Statutory.Max))
			}
		case p.PerDay != nil:
			fmt.Fprintf(b, "      按日连续处罚：每日%s × %d日（%s至%s）= %s", decfmt.Yuan(p.PerDay.Amount), p.PerDay.Days, p.PerDay.From, p.PerDay.Through, decfmt.Yuan(p.PerDay.Total))
			if p.Discretionary {
				b.WriteString("【可以】")
			}
			b.WriteByte('\n')
		case p.NoFine != "":
			fmt.Fprintf(b, "      不罚款：%s\n", p.NoFine)
		}
		if len(p.Undetermined) > 0 && p.NoFine == "" {
			fmt.Fprintf(b, "      罚款数额无法计算：缺少 %s（%s）\n", strings.Join(p.Undetermined, "、"), p.FineBasis)
		}
		if l := p.Limitation; l != nil && !l.DiscoveredOn.IsZero() {
			fmt.Fprintf(b, "      时效：%d年；%s已被发现（%s），不受第三十六条限制\n", l.Years, l.DiscoveredOn, l.DiscoveredBy)
		}
		for _, r := range p.Readings {
			fmt.Fprintf(b, "      读法：%s\n", r)
		}
		for _, c := range p.Caveats {
			fmt.Fprintf(b, "      注意：%s\n", c)
		}
		if p.Illustrative {
			b.WriteString("      ※ 裁量档次为示例数据，非官方基准\n")
		}
		if p.Unverified {
			b.WriteString("      ※ 所引条文未与官方文本核对\n")
		}
	}
}

var stateLabel = map[string]string{
	timeline.Insured: "已投保", timeline.Deficient: "已投保但不符合国家规定", timeline.Uninsured: "未投保",
	timeline.Undetermined: "无法确定", timeline.NotOperating: "尚未生产经营", timeline.NoDuty: "没有投保义务", timeline.Closed: "已关闭",
}

var kindLabel = map[string]string{"order": "责令改正", "deadline": "延长期限", "fine": "罚款", "inspection": "检查", "decision": "决定"}

// writeTimeline draws the timeline: one line per stretch of obligation and
// of insurance, per enforcement record with what followed, and the events.
func writeTimeline(b *strings.Builder, t *timeline.Timeline) {
	if t == nil {
		return
	}
	fmt.Fprintf(b, "\n四、时间线（%s至%s）：\n", t.From, t.Through)
	b.WriteString("  投保义务：\n")
	for _, o := range t.Obligations {
		label := obligationLabel[o.Level]
		if o.NoRules {
			label = "没有适用的规则集"
		}
		if o.Basis == "draft" {
			label += "【草案要求；生效文件：" + obligationLabel[o.Binding] + "】"
		}
		fmt.Fprintf(b, "    %s ─ %s  %s　%s\n", o.From, o.To, label, strings.Join(o.Rules, "、"))
	}
	b.WriteString("  投保状态：\n")
	for _, s := range t.Cover {
		fmt.Fprintf(b, "    %s ─ %s  %s（%d日）", s.From, s.To, stateLabel[s.State], s.Days())
		switch {
		case len(s.Missing) > 0:
			fmt.Fprintf(b, "　缺少 %s", strings.Join(s.Missing, "、"))
		case len(s.Fields) > 0:
			fmt.Fprintf(b, "　未满足 %s", strings.Join(s.Fields, "、"))
		}
		if len(s.Sources) > 0 {
			fmt.Fprintf(b, "　依据：%s", strings.Join(s.Sources, "、"))
			if s.SourcesOmitted > 0 {
				fmt.Fprintf(b, "（另有%d份保单未列出）", s.SourcesOmitted)
			}
		}
		b.WriteByte('\n')
	}
	if len(t.Enforcement) > 0 {
		b.WriteString("  执法记录：\n")
		for _, e := range t.Enforcement {
			fmt.Fprintf(b, "    %s  %s（%s）", e.Date, kindLabel[e.Kind], facts.RecordSubjects.Label(e.Subject))
			if !e.Deadline.IsZero() {
				fmt.Fprintf(b, "，限期至%s", e.Deadline)
			}
			if !e.Rectified.IsZero() {
				fmt.Fprintf(b, "，%s改正", e.Rectified)
			}
			if e.Amount != nil {
				fmt.Fprintf(b, "，%s", decfmt.Yuan(*e.Amount))
			}
			if e.Tier == "overdue" {
				b.WriteString("（逾期未改正的罚款）")
			}
			if e.Result != "" {
				fmt.Fprintf(b, "，%s", facts.InspectionResults.Label(e.Result))
			}
			if e.Measure != "" {
				fmt.Fprintf(b, "，%s", e.Measure)
			}
			fmt.Fprintf(b, "　[%s]\n", e.Record)
			if o := e.Overdue; o != nil {
				to := "评估日仍在持续"
				if !o.To.IsZero() {
					to = o.To.String()
				}
				fmt.Fprintf(b, "      %s ─ %s  逾期未改正 %d日（第一百零九条：十万元以上二十万元以下）\n", o.From, to, o.Days)
			}
			if r := e.Refusal; r != nil {
				fmt.Fprintf(b, "      %s 认定拒不改正（%s）；按日计罚 %s ─ %s，%d日\n", r.On, r.By, r.From, r.Through, r.Days)
			}
		}
	}
	if len(t.Events) > 0 {
		b.WriteString("  事件：")
		for i, e := range t.Events {
			if i > 0 {
				b.WriteString("；")
			}
			fmt.Fprintf(b, "%s %s %s", e.Date, e.Kind, e.Ref)
		}
		if t.Omitted.Events > 0 {
			fmt.Fprintf(b, "（另有%d项未列出）", t.Omitted.Events)
		}
		b.WriteByte('\n')
	}
	for _, n := range t.Notes {
		fmt.Fprintf(b, "  注：%s\n", n)
	}
}

var modeLabel = map[string]string{"multiply": "各系数相乘", "add": "各百分比相加", "add_within_family": "同类相加、各类相乘"}

func writePremium(b *strings.Builder, p *rating.Premium, inc *rating.Incomplete) {
	b.WriteString("\n二、保费：")
	if p == nil {
		if inc != nil {
			fmt.Fprintf(b, "无法计算（%s）\n", inc.Reason)
			for _, u := range inc.Undetermined {
				fmt.Fprintf(b, "  · %s：缺少 %s%s\n", u.Rule, strings.Join(u.Missing, "、"), u.Error)
			}
		} else {
			b.WriteString("没有适用的费率规则\n")
		}
		return
	}
	fmt.Fprintf(b, "%s %s\n", p.Amount.StringFixed(p.Rounding.Scale), p.Currency)
	bs := p.Base
	fmt.Fprintf(b, "  基准保费：%s = %s\n", bs.Text, bs.Amount.String())
	if t := bs.Table; t != nil {
		var keys []string
		for _, k := range t.Keys {
			s := k.Dim + "=" + k.Value
			if k.Band != "" {
				s += "（" + k.Band + " " + k.Range + "）"
			}
			keys = append(keys, s)
		}
		unit := map[string]string{"permille": "‰", "percent": "", "amount": "元", "coefficient": ""}[t.Unit]
		fmt.Fprintf(b, "    费率表：%s 第%d行（%s）→ %s%s\n      依据：%s\n", t.Title, t.Row+1, strings.Join(keys, "，"), t.Value.String(), unit, citeText(t.Cite))
	}
	for _, l := range bs.Loadings {
		fmt.Fprintf(b, "    加成：%s（+%s）依据：%s\n", l.Text, l.Add.String(), citeText(l.Cite))
	}
	fmt.Fprintf(b, "    费率：%s；公式：%s\n", bs.Rate.String(), bs.Formula)
	fmt.Fprintf(b, "  浮动因子（%s）：\n", modeLabel[p.Combine])
	for _, f := range p.Factors {
		mark := ""
		if f.Illustrative {
			mark = "【示例值】"
		}
		fmt.Fprintf(b, "  · %-14s %s = %s（%s：%s）%s\n      依据：%s\n", f.ID, f.Title, factorText(f), f.Case, f.Reason, mark, citeText(f.Cite))
	}
	fmt.Fprintf(b, "  合成浮动系数：%s\n", p.Combined.String())
	if c := p.Clamp; c != nil {
		applied := "未触及上下限"
		if c.Applied {
			applied = "已按上下限调整"
		}
		fmt.Fprintf(b, "  浮动上下限：[%s, %s]（%s）依据：%s\n", c.Min.String(), c.Max.String(), applied, citeText(c.Cite))
	}
	fmt.Fprintf(b, "  适用浮动系数：%s\n", p.Applied.String())
	fmt.Fprintf(b, "  基准保费 × 浮动系数 = %s × %s = %s\n", bs.Amount.String(), p.Applied.String(), p.BeforeMinimum.String())
	if m := p.Minimum; m != nil {
		used := "未适用"
		if p.MinimumApplied {
			used = "已适用"
		}
		fmt.Fprintf(b, "  最低保费：%s（%s）\n", m.Amount.String(), used)
	}
	fmt.Fprintf(b, "  舍入：保留%d位小数，%s\n", p.Rounding.Scale, map[string]string{"half_up": "四舍五入", "half_even": "银行家舍入", "down": "舍去"}[p.Rounding.Mode])
	fmt.Fprintf(b, "  保费：%s %s\n", p.Amount.StringFixed(p.Rounding.Scale), p.Currency)
	if c := p.PreventionBudgetCap; c != nil {
		fmt.Fprintf(b, "  事故预防服务费用上限：保费 × %s = %s（不高于）依据：%s\n", c.Share.String(), c.Amount.StringFixed(p.Rounding.Scale), citeText(c.Cite))
	}
	for _, c := range p.Caveats {
		fmt.Fprintf(b, "  注意：%s\n", c)
	}
	if p.Illustrative || p.Unverified {
		fmt.Fprintf(b, "  ※ 非官方数值：%s\n", strings.Join(p.Provenance, "；"))
	}
}

// factorText shows a percentage factor as +10% and a coefficient as written.
func factorText(f rating.Factor) string {
	if f.Unit == "percent" {
		pct := f.Value.Shift(2)
		sign := ""
		if pct.IsPositive() {
			sign = "+"
		}
		return sign + pct.String() + "%"
	}
	return f.Value.String()
}
