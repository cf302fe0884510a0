package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/timeline"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
)

// The text form of an assessment, for people: in Chinese (the default) or
// English, every code shown with its label, amounts with thousands
// separators and their unit, the trace with each rule's condition and the
// values it read. What the rulesets say (reasons, rule texts, citations)
// is their own text, in Chinese either way.

var obligationLabel = map[rulesets.Obligation][2]string{
	rulesets.ObligationMandatory:  {"应当投保（国家规定的高危行业、领域）", "must insure (a national high-risk sector)"},
	rulesets.ObligationRequired:   {"应当投保（地方规定）", "must insure (a local rule)"},
	rulesets.ObligationEncouraged: {"鼓励投保", "encouraged to insure"},
	rulesets.ObligationNone:       {"无规定", "no rule"},
}

var statusLabel = map[rulesets.Status][2]string{rulesets.StatusInForce: {"现行", "in force"}, rulesets.StatusDraft: {"征求意见稿", "draft"}, rulesets.StatusRepealed: {"已废止", "repealed"}}

var severityLabel = map[string][2]string{"violation": {"违规", "violation"}, "draft": {"草案要求", "draft requirement"}, "warning": {"提示", "warning"}, "info": {"信息", "info"}}

var targetLabel = map[string][2]string{"unit": {"生产经营单位", "the enterprise"}, "principal": {"主要负责人", "its principal"},
	"responsible_persons": {"直接负责的主管人员和其他直接责任人员", "the persons directly responsible"}}

var modeLabel = map[string][2]string{"multiply": {"各系数相乘", "coefficients multiplied"}, "add": {"各百分比相加", "percentages added"},
	"add_within_family": {"同类相加、各类相乘", "added within a family, multiplied across"}}

var roundLabel = map[string][2]string{"half_up": {"四舍五入", "half up"}, "half_even": {"银行家舍入", "half even"}, "down": {"舍去", "down"}}

var outcomeLabel = map[string][2]string{"matched": {"适用", "matched"}, "not_matched": {"不适用", "not matched"},
	"undetermined": {"无法判断", "undetermined"}, "skipped": {"跳过", "skipped"}}

var traceKindLabel = map[string][2]string{"coverage": {"投保义务", "coverage"}, "requirement": {"保单要求", "requirement"},
	"finding": {"检查", "finding"}, "consequence": {"其他后果", "consequence"}, "penalty": {"处罚", "penalty"},
	"base": {"基准保费", "base"}, "factor_case": {"浮动因子", "factor case"}, "reference": {"参考信息", "reference"}}

// pick returns the label in the language, or the code when there is none.
func (l Lang) pick(m map[string][2]string, code string) string {
	if v, ok := m[code]; ok {
		return l.t(v[0], v[1])
	}
	return code
}

func (l Lang) obligation(o rulesets.Obligation) string {
	if v, ok := obligationLabel[o]; ok {
		return l.t(v[0], v[1])
	}
	return string(o)
}

// WriteAssessment writes the assessment as a readable report in Chinese:
// the rulesets it rests on, the obligation with its reasons, the
// requirements, the findings, the premium worksheet and what the
// enterprise risks, each with its legal basis.
func WriteAssessment(w io.Writer, a *anzexian.Assessment) error {
	return WriteAssessmentLang(w, a, Chinese)
}

// WriteAssessmentLang writes the assessment as WriteAssessment does, in the
// language lang.
func WriteAssessmentLang(w io.Writer, a *anzexian.Assessment, lang Lang) error {
	tw := &textWriter{l: lang}
	tw.assessment(a)
	_, err := io.WriteString(w, printable(tw.b.String()))
	return err
}

// printable escapes what must not reach a terminal as it is (control
// characters, bidirectional controls, invalid UTF-8; see diag.Escape) in
// text that came from facts and rulesets, keeping the line breaks of the
// rendering: a name such as "\x1b[2J某公司" is printed escaped.
func printable(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = diag.Escape(l)
	}
	return strings.Join(lines, "\n")
}

type textWriter struct {
	b strings.Builder
	l Lang
}

func (w *textWriter) f(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

func (w *textWriter) s(text string) { w.b.WriteString(text) }

func (w *textWriter) assessment(a *anzexian.Assessment) {
	l := w.l
	name := a.Enterprise
	if name == "" {
		name = l.t("（未命名企业）", "(unnamed enterprise)")
	}
	w.f(l.t("企业：%s　地区：%s　评估日：%s", "Enterprise: %s  Region: %s  As of: %s"), name, regionText(a.Region), a.AsOf)
	if a.Insurer != "" {
		w.f(l.t("　保险机构：%s", "  Insurer: %s"), a.Insurer)
	}
	w.s(l.t("\n\n规则集：\n", "\n\nRulesets:\n"))
	for _, r := range a.Rulesets {
		dates := r.Effective.From.String() + l.t("起", " –")
		if !r.Effective.Until.IsZero() {
			dates = r.Effective.From.String() + l.t("至", " – ") + r.Effective.Until.String()
		}
		if r.Effective.Assumed {
			dates += l.t("（推定）", " (assumed)")
		}
		role := ""
		if r.Role != "" {
			role = l.t("　（用于评估日之前的违法行为）", "  (governs an earlier violation)")
		}
		st := string(r.Status)
		if v, ok := statusLabel[r.Status]; ok {
			st = l.t(v[0], v[1])
		}
		w.f("  %s@%s　%s　%s　%s　%s%s\n", r.ID, r.Version, r.Title, st, dates, shortDigest(r.Digest), role)
	}
	if len(a.Notes) > 0 {
		w.s(l.t("\n说明：\n", "\nNotes:\n"))
		for _, n := range a.Notes {
			w.f("  ※ %s\n", n)
		}
	}
	w.coverage(a.Coverage)
	w.premium(a.Premium, a.PremiumIncomplete)
	w.penalties(a.Penalties)
	w.timeline(a.Timeline)
	if len(a.Consequences) > 0 {
		w.s(l.t("\n其他后果：\n", "\nOther consequences:\n"))
		for _, c := range a.Consequences {
			w.f(l.t("  · %s\n      依据：%s\n", "  · %s\n      basis: %s\n"), c.Text, citeText(c.Cite))
		}
	}
	for _, r := range a.References {
		w.f(l.t("\n参考信息：%s\n", "\nFor information: %s\n"), r.Title)
		for i, it := range r.Items {
			w.f("  %d. %s\n", i+1, it)
		}
		if r.Note != "" {
			w.f(l.t("  注：%s\n", "  note: %s\n"), r.Note)
		}
	}
	if a.Trace != nil {
		w.trace(a.Trace)
	}
}

func (w *textWriter) coverage(c *coverage.Result) {
	if c == nil {
		return
	}
	l := w.l
	w.f(l.t("\n一、投保义务：%s [%s]\n", "\n1. Obligation to insure: %s [%s]\n"), l.obligation(c.Obligation), c.Obligation)
	if c.ObligationBasis == "draft" {
		w.f(l.t("  ！这一义务只来自征求意见稿（草案要求）；生效文件的结论为：%s [%s]\n", "  ! this obligation rests only on a draft for comment; the documents in force say: %s [%s]\n"),
			l.obligation(c.BindingObligation), c.BindingObligation)
	}
	if c.Incomplete != "" {
		w.f(l.t("  ！结论不完整：%s\n", "  ! incomplete: %s\n"), c.Incomplete)
	}
	if len(c.Reasons) > 0 {
		w.s(l.t("  依据：\n", "  Reasons:\n"))
		for _, r := range c.Reasons {
			w.f("  · [%s] %s\n      %s\n", l.obligation(r.Obligation), r.Text, citeText(r.Cite))
			if r.Note != "" {
				w.f(l.t("      读法：%s\n", "      reading: %s\n"), r.Note)
			}
		}
	}
	if len(c.Requirements.Items) > 0 {
		w.s(l.t("  保单应满足：\n", "  A compliant policy:\n"))
		for _, it := range c.Requirements.Items {
			w.f("  · %s：%s\n", it.Label, w.value(it.Field, it.Value))
			for _, bs := range it.Basis {
				mark := l.t("      依据：", "      basis: ")
				note := ""
				if !bs.Binding {
					mark = l.t("      （不约束）", "      (not binding) ")
					note = "（" + w.value(it.Field, bs.Value) + "）"
				}
				w.f("%s%s%s\n", mark, citeText(bs.Cite), note)
			}
		}
	}
	if pr := c.PolicyRequirements; pr != nil {
		w.f(l.t("  当前保单于%s订立，按当时施行的规定（%s）：\n", "  The current policy was concluded on %s; the rules then in force (%s) required:\n"), pr.ConcludedOn, l.obligation(pr.Obligation))
		for _, it := range pr.Requirements.Items {
			w.f("  · %s：%s\n", it.Label, w.value(it.Field, it.Value))
		}
	}
	if len(c.Findings) > 0 {
		w.s(l.t("  发现的问题：\n", "  Findings:\n"))
		for _, f := range c.Findings {
			to := ""
			if f.Addressee == "insurer" {
				to = l.t("（保险机构的义务）", " (the insurer's duty)")
			}
			w.f(l.t("  · [%s]%s %s\n      依据：%s\n", "  · [%s]%s %s\n      basis: %s\n"), l.pick(severityLabel, f.Severity), to, f.Text, citeText(f.Cite))
		}
	} else {
		w.s(l.t("  发现的问题：无\n", "  Findings: none\n"))
	}
	if len(c.Undetermined) > 0 {
		w.s(l.t("  无法判断的规则（缺少事实）：\n", "  Rules undetermined (facts missing):\n"))
		for _, u := range c.Undetermined {
			w.f(l.t("  · %s：缺少 %s%s\n", "  · %s: needs %s%s\n"), u.Rule, w.facts(u.Missing), u.Error)
		}
	}
}

// facts names fact paths for people: "安全风险等级（risk_level）".
func (w *textWriter) facts(paths []string) string {
	parts := make([]string, len(paths))
	for i, p := range paths {
		if lb := portfolio.Label(p); lb != p && w.l != English {
			parts[i] = lb + "（" + p + "）"
		} else {
			parts[i] = p
		}
	}
	return strings.Join(parts, w.l.t("、", ", "))
}

func (w *textWriter) value(field string, v any) string {
	f := rulesets.RequirementFieldByName(field)
	switch x := v.(type) {
	case decimal.Decimal:
		return amountText(x)
	case bool:
		if x {
			return w.l.t("是", "yes")
		}
		return w.l.t("否", "no")
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = s
			if f != nil && f.Codes != nil {
				parts[i] = f.Codes.Label(s)
			}
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

// amountText is an amount of money with separators and its own places:
// "400,000 元", "12,345.60 元".
func amountText(d decimal.Decimal) string {
	places := int32(0)
	if d.Exponent() < 0 {
		places = -d.Exponent()
	}
	return groupDigits(d.StringFixed(places)) + " 元"
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

func (w *textWriter) penalties(ps []penalties.Penalty) {
	l := w.l
	w.s(l.t("\n三、可能面临的处罚：", "\n3. Penalties it risks:"))
	if len(ps) == 0 {
		w.s(l.t("无\n", " none\n"))
		return
	}
	w.s("\n")
	for k := range ps {
		p := &ps[k]
		mark := ""
		if p.Basis == penalties.BasisDraft {
			mark = l.t("【草案要求】", "[draft] ")
		}
		w.f("  · %s%s（%s）\n", mark, p.Title, p.Violation)
		if p.Occurrence != "" {
			w.f(l.t("      事实：%s\n", "      what: %s\n"), p.Occurrence)
		}
		if p.Days > 0 {
			w.f(l.t("      有记录证明的天数：%d日\n", "      days the records prove: %d\n"), p.Days)
		}
		if p.AlternativeOf != "" {
			w.f(l.t("      与 %s 择一：执法机关可以改用本项幅度，二者不相加\n", "      an alternative to %s: the authority may apply this range instead; the two are never added\n"), p.AlternativeOf)
		}
		if f := p.Fined; f != nil {
			w.f(l.t("      已罚款：%s %s（%s），不再重复罚款\n", "      already fined: %s %s (%s); not fined again\n"), f.Date, yuan(f.Amount, 2), f.Record)
		}
		w.f(l.t("      适用：%s — %s\n", "      law: %s — %s\n"), p.Law, p.Governing)
		w.f(l.t("      依据：%s\n", "      basis: %s\n"), citeText(p.Cite))
		if len(p.Measures) > 0 {
			w.f(l.t("      措施：%s\n", "      measures: %s\n"), strings.Join(p.Measures, "；"))
		}
		may := l.t("【可以】", " [may]")
		switch {
		case p.Fine != nil:
			w.f(l.t("      罚款（%s）：%s 至 %s", "      fine (%s): %s to %s"), l.pick(targetLabel, p.Target), yuan(p.Fine.Min, 2), yuan(p.Fine.Max, 2))
			if p.FineBasis != "" {
				w.f("（%s）", p.FineBasis)
			}
			if p.Discretionary {
				w.f("%s", may)
			}
			w.s("\n")
			if p.Tier != nil {
				w.f(l.t("      裁量档次：%s %s（法定幅度 %s 至 %s）\n", "      discretion tier: %s %s (statutory range %s to %s)\n"),
					p.Tier.ID, p.Tier.Reason, yuan(p.Statutory.Min, 2), yuan(p.Statutory.Max, 2))
			}
		case p.PerDay != nil:
			w.f(l.t("      按日连续处罚：每日 %s × %d 日（%s至%s）= %s", "      daily fine: %s a day × %d days (%s to %s) = %s"),
				yuan(p.PerDay.Amount, 2), p.PerDay.Days, p.PerDay.From, p.PerDay.Through, yuan(p.PerDay.Total, 2))
			if p.Discretionary {
				w.f("%s", may)
			}
			w.s("\n")
		case p.NoFine != "":
			w.f(l.t("      不罚款：%s\n", "      no fine: %s\n"), p.NoFine)
		}
		if len(p.Undetermined) > 0 && p.NoFine == "" {
			w.f(l.t("      罚款数额无法计算：缺少 %s（%s）\n", "      the fine cannot be computed: needs %s (%s)\n"), w.facts(p.Undetermined), p.FineBasis)
		}
		if lim := p.Limitation; lim != nil && !lim.DiscoveredOn.IsZero() {
			w.f(l.t("      时效：%d年；%s已被发现（%s），不受第三十六条限制\n", "      limitation: %d years; discovered on %s (%s), so 第三十六条 does not bar it\n"), lim.Years, lim.DiscoveredOn, lim.DiscoveredBy)
		}
		for _, r := range p.Readings {
			w.f(l.t("      读法：%s\n", "      reading: %s\n"), r)
		}
		for _, c := range p.Caveats {
			w.f(l.t("      注意：%s\n", "      caveat: %s\n"), c)
		}
		if p.Illustrative {
			w.s(l.t("      ※ 裁量档次为示例数据，非官方基准\n", "      ※ the discretion tiers are illustrative, not an official benchmark\n"))
		}
		if p.Unverified {
			w.s(l.t("      ※ 所引条文未与官方文本核对\n", "      ※ the articles cited were not checked against an official text\n"))
		}
	}
}

var classCode = regexp.MustCompile(`^class_([1-9])$`)

// dimLabel names a rate table's dimension and key for people.
func (w *textWriter) dimKey(k rating.Key) string {
	dim := map[string][2]string{"class": {"行业类别", "class"}, "limit": {"死亡赔偿限额", "death limit"}, "cost": {"工程造价", "contract value"},
		"risk": {"风险等级", "risk"}, "death_limit": {"死亡赔偿限额", "death limit"}, "aggregate_limit": {"累计赔偿限额", "aggregate limit"},
		"sector": {"行业", "sector"}}
	name := k.Dim
	if v, ok := dim[k.Dim]; ok {
		name = w.l.t(v[0], v[1])
	}
	val := k.Value
	if m := classCode.FindStringSubmatch(val); m != nil && w.l != English {
		val = "第" + "零一二三四五六七八九"[3*int(m[1][0]-'0'):3*int(m[1][0]-'0')+3] + "类（" + val + "）"
	} else if l := facts.Sectors.Label(val); l != val {
		val = l + "（" + val + "）"
	}
	s := name + " " + val
	if k.Band != "" {
		s = name + " " + k.Band + " " + k.Range
	}
	return s
}

var identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_.]*`)

// formulaText shows a formula in words: "费率 × 从业人员数".
func (w *textWriter) formulaText(f string) string {
	if w.l == English {
		return f
	}
	words := map[string]string{"rate": "费率"}
	s := identifier.ReplaceAllStringFunc(f, func(id string) string {
		if v, ok := words[id]; ok {
			return v
		}
		if lb := portfolio.Label(id); lb != id {
			return lb
		}
		return id
	})
	return strings.NewReplacer(" * ", " × ", "*", " × ", " / ", " ÷ ").Replace(s)
}

func (w *textWriter) premium(p *rating.Premium, inc *rating.Incomplete) {
	l := w.l
	w.s(l.t("\n二、保费：", "\n2. Premium: "))
	if p == nil {
		if inc != nil {
			w.f(l.t("无法计算（%s）\n", "cannot be computed (%s)\n"), inc.Reason)
			if len(inc.Required) > 0 {
				w.f(l.t("  报价必需而未给出的事实：%s\n", "  facts a quote requires that are not given: %s\n"), w.facts(inc.Required))
			}
			for _, u := range inc.Undetermined {
				w.f(l.t("  · %s：缺少 %s%s\n", "  · %s: needs %s%s\n"), u.Rule, w.facts(u.Missing), u.Error)
			}
		} else {
			w.s(l.t("没有适用的费率规则\n", "no rating rule applies\n"))
		}
		return
	}
	scale := p.Rounding.Scale
	missingOf := func(id string) string {
		if p.Range != nil {
			for _, u := range p.Range.Undecided {
				if u.Factor == id {
					return w.facts(u.Missing)
				}
			}
		}
		return ""
	}
	if r := p.Range; r != nil {
		w.f(l.t("暂定 %s（缺少事实，可能范围 %s 至 %s）\n", "provisionally %s (a fact is missing; the range is %s to %s)\n"),
			yuan(p.Amount, scale), yuan(r.Min, scale), yuan(r.Max, scale))
	} else {
		w.f("%s\n", yuan(p.Amount, scale))
	}
	if g := p.Program; g != nil {
		w.f(l.t("  费率方案：《%s》（%s）\n", "  rating program: %s (%s)\n"), g.Title, g.Ruleset)
		for _, sc := range g.Scopes {
			w.f(l.t("    适用范围：%s\n", "    scope: %s\n"), sc)
		}
		for _, r := range g.Removed {
			w.f(l.t("    删去下层的：%s\n", "    removed from lower layers: %s\n"), r)
		}
	}
	bs := p.Base
	w.f(l.t("  基准保费：%s = %s\n", "  base premium: %s = %s\n"), bs.Text, amountText(bs.Amount))
	if t := bs.Table; t != nil {
		var keys []string
		for _, k := range t.Keys {
			keys = append(keys, w.dimKey(k))
		}
		unit := map[string]string{"permille": "‰", "percent": "", "amount": " 元", "coefficient": ""}[t.Unit]
		w.f(l.t("    费率表：%s 第%d行（%s）→ %s%s\n      依据：%s\n", "    rate table: %s row %d (%s) → %s%s\n      basis: %s\n"),
			t.Title, t.Row+1, strings.Join(keys, l.t("，", ", ")), plainDecimal(t.Value), unit, citeText(t.Cite))
	}
	for _, ld := range bs.Loadings {
		w.f(l.t("    加成：%s（+%s）依据：%s\n", "    loading: %s (+%s) basis: %s\n"), ld.Text, ld.Add.String(), citeText(ld.Cite))
	}
	w.f(l.t("    费率：%s；公式：%s\n", "    rate: %s; formula: %s\n"), plainDecimal(bs.Rate), w.formulaText(bs.Formula))
	w.f(l.t("  浮动因子（%s）：\n", "  Factors (%s):\n"), l.pick(modeLabel, p.Combine))
	for k := range p.Factors {
		f := &p.Factors[k]
		mark := ""
		if f.Illustrative {
			mark = l.t("【示例值】", " [illustrative]")
		}
		if f.Assumed {
			mark += l.t("【暂定：缺少 "+missingOf(f.ID)+"，按假定情形】", " [provisional: "+missingOf(f.ID)+" missing, the assumed case]")
		}
		why := f.Reason
		if f.Case == "default" {
			why = l.t("默认：", "default: ") + why
		}
		w.f(l.t("  · %s = %s（%s）%s\n      因子 %s，情形 %s；依据：%s\n", "  · %s = %s (%s)%s\n      factor %s, case %s; basis: %s\n"),
			f.Title, factorText(f), why, mark, f.ID, f.Case, citeText(f.Cite))
	}
	w.f(l.t("  合成浮动系数：%s\n", "  combined adjustment: %s\n"), p.Combined.String())
	if c := p.Clamp; c != nil {
		applied := l.t("未触及上下限", "within the bounds")
		if c.Applied {
			applied = l.t("已按上下限调整", "bounded")
		}
		w.f(l.t("  浮动上下限：[%s, %s]（%s）依据：%s\n", "  bounds: [%s, %s] (%s) basis: %s\n"), c.Min.String(), c.Max.String(), applied, citeText(c.Cite))
	}
	w.f(l.t("  适用浮动系数：%s\n", "  adjustment applied: %s\n"), p.Applied.String())
	w.f(l.t("  基准保费 × 浮动系数 = %s × %s = %s\n", "  base × adjustment = %s × %s = %s\n"), plainDecimal(bs.Amount), p.Applied.String(), amountText(p.BeforeMinimum))
	if m := p.Minimum; m != nil {
		used := l.t("未适用", "not applied")
		if p.MinimumApplied {
			used = l.t("已适用", "applied")
		}
		w.f(l.t("  最低保费：%s（%s）\n", "  minimum premium: %s (%s)\n"), amountText(m.Amount), used)
	}
	w.f(l.t("  舍入：保留%d位小数，%s\n", "  rounding: %d places, %s\n"), scale, l.pick(roundLabel, p.Rounding.Mode))
	if r := p.Range; r != nil {
		w.f(l.t("  暂定保费：%s（按假定情形）\n", "  provisional premium: %s (under the assumed cases)\n"), yuan(p.Amount, scale))
		w.f(l.t("  保费范围：%s 至 %s（%d种组合，经合成、上下限、最低保费和舍入逐一计算）\n",
			"  premium range: %s to %s (%d combinations, each through combination, bounds, minimum and rounding)\n"),
			yuan(r.Min, scale), yuan(r.Max, scale), r.Combinations)
		for _, u := range r.Undecided {
			w.f(l.t("    · %s 缺少 %s：可能情形 %s；假定 %s；最低时 %s，最高时 %s\n", "    · %s needs %s: possible cases %s; assumed %s; lowest with %s, highest with %s\n"),
				u.Factor, w.facts(u.Missing), strings.Join(u.Cases, l.t("、", ", ")), u.Assumed, u.MinCase, u.MaxCase)
		}
	} else {
		w.f(l.t("  保费：%s\n", "  premium: %s\n"), yuan(p.Amount, scale))
	}
	if c := p.PreventionBudgetCap; c != nil {
		w.f(l.t("  事故预防服务费用上限：保费 × %s = %s（不高于）依据：%s\n", "  prevention budget cap: premium × %s = %s (at most) basis: %s\n"),
			c.Share.String(), yuan(c.Amount, scale), citeText(c.Cite))
	}
	for _, c := range p.Caveats {
		w.f(l.t("  注意：%s\n", "  caveat: %s\n"), c)
	}
	if p.Illustrative || p.Unverified {
		w.f(l.t("  ※ 非官方数值：%s\n", "  ※ numbers without an official source: %s\n"), w.provenance(p))
	}
}

// provenance names the steps whose numbers are illustrative or
// unverified: "示例数值：基准保费（per-person）、浮动上下限、…".
func (w *textWriter) provenance(p *rating.Premium) string {
	if w.l == English {
		return strings.Join(p.Provenance, "; ")
	}
	titles := map[string]string{}
	for k := range p.Factors {
		f := &p.Factors[k]
		titles["factor "+f.ID] = "浮动因子“" + f.Title + "”"
	}
	if p.Base.Table != nil {
		titles["table "+p.Base.Table.Table] = "费率表“" + p.Base.Table.Title + "”"
	}
	steps := map[string]string{"clamp": "浮动上下限", "combine mode": "因子合成方式", "minimum premium": "最低保费", "rounding": "舍入"}
	groups := map[string][]string{}
	var order []string
	for _, s := range p.Provenance {
		kind, what, ok := strings.Cut(s, ": ")
		if !ok {
			kind, what = "", s
		}
		label := map[string]string{"illustrative": "示例数值", "unverified": "未核实数值"}[kind]
		if label == "" {
			label = kind
		}
		name := what
		switch {
		case titles[what] != "":
			name = titles[what]
		case steps[what] != "":
			name = steps[what]
		case strings.HasPrefix(what, "base ") && strings.HasSuffix(p.Base.Rule, "#"+strings.TrimPrefix(what, "base ")):
			name = "基准保费“" + p.Base.Text + "”"
		case strings.HasPrefix(what, "base "):
			name = "基准保费（" + strings.TrimPrefix(what, "base ") + "）"
		}
		if _, ok := groups[label]; !ok {
			order = append(order, label)
		}
		groups[label] = append(groups[label], name)
	}
	var parts []string
	for _, g := range order {
		parts = append(parts, g+"："+strings.Join(groups[g], "、"))
	}
	return strings.Join(parts, "；")
}

// factorText shows a percentage factor as +10% and a coefficient as written.
func factorText(f *rating.Factor) string {
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

func (w *textWriter) trace(t *anzexian.Trace) {
	l := w.l
	w.f(l.t("\n规则评估记录（%d 条）：\n", "\nRules evaluated (%d):\n"), len(t.Rules))
	for _, e := range t.Rules {
		w.f("  %s %s　%s", l.pick(traceKindLabel, e.Kind), l.pick(outcomeLabel, e.Outcome), e.Rule)
		if len(e.Missing) > 0 {
			w.f(l.t("（缺少：%s）", " (missing: %s)"), w.facts(e.Missing))
		}
		if e.Detail != "" {
			w.f("（%s）", e.Detail)
		}
		w.s("\n")
		if e.Condition != "" {
			w.f(l.t("      条件：%s\n", "      when: %s\n"), strings.Join(strings.Fields(e.Condition), " "))
		}
		if len(e.Reads) > 0 {
			parts := make([]string, len(e.Reads))
			for i, r := range e.Reads {
				v := r.Value
				if w.l != English {
					switch v {
					case "true":
						v = "是"
					case "false":
						v = "否"
					}
				}
				name := r.Name
				if lb := portfolio.Label(r.Name); lb != r.Name && w.l != English {
					name = lb + "（" + r.Name + "）"
					v = codeValues(r.Name, v)
				}
				parts[i] = name + " = " + v
			}
			w.f(l.t("      读取：%s\n", "      read: %s\n"), strings.Join(parts, l.t("；", "; ")))
		}
	}
	for _, ig := range t.Ignored {
		w.f(l.t("  已忽略评估日之后的事实：%s\n", "  ignored, after the as-of date: %s\n"), ig)
	}
}

// codeValues labels the codes of a value the trace read: "[coal_mine]" of
// sectors is "[煤矿（coal_mine）]", "high" of risk_level "较大风险（high）".
func codeValues(path, v string) string {
	col := portfolio.ColumnOf(path)
	if col == nil || len(col.Vocab) == 0 {
		return v
	}
	label := func(c string) string {
		if l := col.Vocab.Label(c); l != c {
			return l + "（" + c + "）"
		}
		return c
	}
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		items := strings.Split(strings.Trim(v, "[]"), ", ")
		for i, it := range items {
			items[i] = label(it)
		}
		return "[" + strings.Join(items, "、") + "]"
	}
	if unq := strings.Trim(v, `"`); unq != v {
		return label(unq)
	}
	return v
}

var stateLabel = map[string][2]string{
	timeline.Insured: {"已投保", "insured"}, timeline.Deficient: {"已投保但不符合国家规定", "insured, short of the national rules"},
	timeline.Uninsured: {"未投保", "uninsured"}, timeline.Undetermined: {"无法确定", "undetermined"},
	timeline.NotOperating: {"尚未生产经营", "not yet operating"}, timeline.NoDuty: {"没有投保义务", "no duty to insure"}, timeline.Closed: {"已关闭", "closed"},
}

var eventKindLabel = map[string][2]string{"ruleset": {"规则集施行", "ruleset in force"}, "accident": {"事故", "accident"},
	"operating_since": {"开始经营", "operating since"}, "closure": {"关闭", "closure"}, "rank": {"工伤事故排名生效", "ranking in effect"},
	"order": {"责令改正", "order"}, "deadline": {"延长期限", "deadline extended"}, "deadline_end": {"整改期限届满", "deadline passed"},
	"fine": {"罚款", "fine"}, "inspection": {"检查", "inspection"}, "decision": {"决定", "decision"},
	"policy_start": {"保险起期", "policy starts"}, "policy_end": {"保险止期", "policy ends"}, "surrender": {"退保", "surrender"}}

var recordKindLabel = map[string][2]string{"order": {"责令改正", "order"}, "deadline": {"延长期限", "deadline extended"}, "fine": {"罚款", "fine"},
	"inspection": {"检查", "inspection"}, "decision": {"决定", "decision"}}

// timeline draws the timeline: one line per stretch of obligation and of
// insurance, per enforcement record with what followed, and the events.
func (w *textWriter) timeline(t *timeline.Timeline) {
	if t == nil {
		return
	}
	l := w.l
	w.f(l.t("\n四、时间线（%s至%s）：\n", "\n4. Timeline (%s to %s):\n"), t.From, t.Through)
	w.s(l.t("  投保义务：\n", "  Obligation:\n"))
	for _, o := range t.Obligations {
		label := l.obligation(o.Level)
		if o.NoRules {
			label = l.t("没有适用的规则集", "no ruleset applies")
		}
		if o.Basis == "draft" {
			label += l.t("【草案要求；生效文件：", " [draft only; in force: ") + l.obligation(o.Binding) + l.t("】", "]")
		}
		w.f("    %s ─ %s  %s　%s\n", o.From, o.To, label, strings.Join(o.Rules, l.t("、", ", ")))
	}
	w.s(l.t("  投保状态：\n", "  Cover:\n"))
	for _, c := range t.Cover {
		w.f(l.t("    %s ─ %s  %s（%d日）", "    %s ─ %s  %s (%d days)"), c.From, c.To, l.pick(stateLabel, c.State), c.Days())
		switch {
		case len(c.Missing) > 0:
			w.f(l.t("　缺少 %s", "  needs %s"), w.facts(c.Missing))
		case len(c.Fields) > 0:
			w.f(l.t("　未满足 %s", "  short on %s"), w.requirementFields(c.Fields))
		}
		if len(c.Sources) > 0 {
			w.f(l.t("　依据：%s", "  from: %s"), strings.Join(c.Sources, l.t("、", ", ")))
			if c.SourcesOmitted > 0 {
				w.f(l.t("（另有%d份保单未列出）", " (%d more policies not listed)"), c.SourcesOmitted)
			}
		}
		w.s("\n")
	}
	if len(t.Enforcement) > 0 {
		w.s(l.t("  执法记录：\n", "  Enforcement:\n"))
		for _, e := range t.Enforcement {
			w.f("    %s  %s（%s）", e.Date, l.pick(recordKindLabel, e.Kind), facts.RecordSubjects.Label(e.Subject))
			if !e.Deadline.IsZero() {
				w.f(l.t("，限期至%s", ", deadline %s"), e.Deadline)
			}
			if !e.Rectified.IsZero() {
				w.f(l.t("，%s改正", ", rectified %s"), e.Rectified)
			}
			if e.Amount != nil {
				w.f(l.t("，%s", ", %s"), yuan(*e.Amount, 2))
			}
			if e.Tier == "overdue" {
				w.s(l.t("（逾期未改正的罚款）", " (fine for not rectifying in time)"))
			}
			if e.Result != "" {
				w.f(l.t("，%s", ", %s"), facts.InspectionResults.Label(e.Result))
			}
			if e.Measure != "" {
				w.f(l.t("，%s", ", %s"), e.Measure)
			}
			w.f("　[%s]\n", e.Record)
			if o := e.Overdue; o != nil {
				to := l.t("评估日仍在持续", "still on the as-of date")
				if !o.To.IsZero() {
					to = o.To.String()
				}
				w.f(l.t("      %s ─ %s  逾期未改正 %d日（第一百零九条：十万元以上二十万元以下）\n", "      %s ─ %s  not rectified after the deadline, %d days (第一百零九条: 100,000 to 200,000 元)\n"), o.From, to, o.Days)
			}
			if r := e.Refusal; r != nil {
				w.f(l.t("      %s 认定拒不改正（%s）；按日计罚 %s ─ %s，%d日\n", "      %s refusal to rectify found (%s); daily fine %s ─ %s, %d days\n"), r.On, r.By, r.From, r.Through, r.Days)
			}
		}
	}
	if len(t.Events) > 0 {
		w.s(l.t("  事件：", "  Events: "))
		for i, e := range t.Events {
			if i > 0 {
				w.s(l.t("；", "; "))
			}
			w.f("%s %s %s", e.Date, l.pick(eventKindLabel, e.Kind), e.Ref)
		}
		if t.Omitted.Events > 0 {
			w.f(l.t("（另有%d项未列出）", " (%d more not listed)"), t.Omitted.Events)
		}
		w.s("\n")
	}
	for _, n := range t.Notes {
		w.f(l.t("  注：%s\n", "  note: %s\n"), n)
	}
}

// requirementFields names requirement fields for people: "每人死亡赔偿限额不低于（元）
// （death_limit_min）" in Chinese, the code alone in English.
func (w *textWriter) requirementFields(fields []string) string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f
		if w.l == Chinese {
			if rf := rulesets.RequirementFieldByName(f); rf != nil {
				out[i] = rf.Label + "（" + f + "）"
			}
		}
	}
	return strings.Join(out, w.l.t("、", ", "))
}
