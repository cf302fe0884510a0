package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// WriteImpact writes the report for a terminal, in English.
func WriteImpact(w io.Writer, r *portfolio.ImpactReport) error { return WriteImpactLang(w, r, English) }

// WriteImpactLang writes the report for a terminal in lang: the rulesets
// changed and what changed in them, the enterprises reached and changed,
// the obligation matrix, the premium changes and their distribution, the
// breakdowns by province, city, sector family and obligation, the largest
// movers and the penalties that appear, vanish or change.
func WriteImpactLang(w io.Writer, r *portfolio.ImpactReport, l Lang) error {
	ew := &errWriter{w: w}
	ew.printf(l.t("对 %s 的影响，评估日 %s", "Impact on %s, as of %s"), r.Portfolio, r.AsOf)
	if r.Insurer != "" {
		ew.printf(l.t("，保险机构 %s", ", insurer %s"), r.Insurer)
	}
	ew.print(l.t("\n\n修改的规则集：\n", "\n\nChanged rulesets:\n"))
	if len(r.Changes) == 0 {
		ew.print(l.t("  无：两套规则相同\n", "  none: the two registries hold the same rulesets\n"))
	}
	for _, c := range r.Changes {
		change := c.Change
		if l != English {
			change = changeLabel[c.Change]
		}
		ew.printf("  %-9s %s: %s → %s\n", change, c.ID, orDash(c.Before), orDash(c.After))
	}
	writeRuleDiffText(ew, r, l)
	ew.printf(l.t("\n企业：%s 家在两套规则下都评估了，%s 家所在规则栈含被修改的规则集，%s 家答案有变化",
		"\nEnterprises: %s assessed under both stacks, %s in scope of a changed ruleset, %s changed"),
		groupInt(r.Enterprises), groupInt(r.InScope), groupInt(r.Changed))
	ew.printf(l.t("；跳过 %s 条（事实有误），%s 条无法评估\n", "; %s skipped (facts), %s errors (a stack could not assess)\n"), groupInt(r.Skipped), groupInt(r.Errors))
	for _, e := range r.SkippedLines {
		ew.printf(l.t("  跳过第 %d 行：%s\n", "  skipped line %d: %s\n"), e.Line, e.Error)
	}
	for _, e := range r.ErrorLines {
		ew.printf(l.t("  第 %d 行出错（%s）：%s\n", "  error on line %d (%s): %s\n"), e.Line, e.Stack, e.Error)
	}

	ew.printf(l.t("\n投保义务（行：修改前；列：修改后），%s 家变化：\n", "\nObligation (rows: before; columns: after), %s changed:\n"), groupInt(r.Obligations.Changed))
	level := func(o rulesets.Obligation) string {
		if l == English {
			return string(o)
		}
		return shortObligation[o]
	}
	mt := &textTable{right: []bool{true, true, true, true, true}}
	head := []string{""}
	for _, o := range r.Obligations.Levels {
		head = append(head, level(o))
	}
	mt.add(head...)
	for i, o := range r.Obligations.Levels {
		row := []string{level(o)}
		for _, n := range r.Obligations.Counts[i] {
			row = append(row, groupInt(n))
		}
		mt.add(row...)
	}
	mt.write(ew, "  ")

	p := r.Premium
	ew.printf(l.t("\n保费：%s 家在两套规则下都可计算：%s 家不变，%s 家上升，%s 家下降；%s 家仅修改后可计算，%s 家仅修改前可计算\n",
		"\nPremium: %s priced under both stacks: %s unchanged, %s increased, %s decreased; %s priced only after, %s only before\n"),
		groupInt(p.PricedBoth), groupInt(p.Unchanged), groupInt(p.Increased), groupInt(p.Decreased), groupInt(p.BecamePriced), groupInt(p.NoLongerPriced))
	if l == English {
		ew.printf("  total %s → %s CNY (%s%s)\n", money(p.TotalBefore), money(p.TotalAfter), signed(p.TotalAfter.Sub(p.TotalBefore)), pctOf(p.TotalBefore, p.TotalAfter))
	} else {
		ew.printf("  合计 %s → %s（%s%s；%s → %s）\n", yuan(p.TotalBefore, 2), yuan(p.TotalAfter, 2), signed(p.TotalAfter.Sub(p.TotalBefore)), pctOf(p.TotalBefore, p.TotalAfter),
			yuanShort(p.TotalBefore), yuanShort(p.TotalAfter))
	}
	if p.Provisional > 0 {
		b, a := p.ProvisionalBefore, p.ProvisionalAfter
		ew.printf(l.t("  仅暂定计价（缺少事实，不计入上述家数和合计）：%s 家，%s 家变化；暂定合计 %s → %s 元，范围 %s–%s → %s–%s 元\n",
			"  priced only provisionally (a fact missing; not in the counts and totals above): %s, %s changed; provisional total %s → %s CNY, range %s–%s → %s–%s CNY\n"),
			groupInt(p.Provisional), groupInt(p.ProvisionalChanged), money(b.Amount), money(a.Amount), money(b.Min), money(b.Max), money(a.Min), money(a.Max))
	}
	if p.Change.Count > 0 {
		d := p.Change
		ew.printf(l.t("  %s 家变化的保费（元）：最小 %s，中位数 %s，90%%分位 %s，最大 %s，平均 %s\n",
			"  change of the %s premiums that changed (CNY): min %s, median %s, p90 %s, max %s, mean %s\n"),
			groupInt(d.Count), signed(d.Min), signed(d.Median), signed(d.P90), signed(d.Max), signed(d.Mean))
		if q := p.Percent; q.Count > 0 {
			ew.printf(l.t("  占修改前保费的百分比：最小 %s%%，中位数 %s%%，90%%分位 %s%%，最大 %s%%，平均 %s%%\n",
				"  in per cent of the premium before: min %s%%, median %s%%, p90 %s%%, max %s%%, mean %s%%\n"),
				q.Min.StringFixed(2), q.Median.StringFixed(2), q.P90.StringFixed(2), q.Max.StringFixed(2), q.Mean.StringFixed(2))
		}
		ew.print(l.t("  保费变化分布（元）：\n", "  histogram of the changes (CNY):\n"))
		textHistogram(ew, p.Histogram, signed)
		if len(p.PercentHistogram) > 0 {
			ew.print(l.t("  保费变化分布（占修改前保费的百分比）：\n", "  histogram of the changes (% of the premium before):\n"))
			textHistogram(ew, p.PercentHistogram, signedPct)
		}
	}
	writeBreakdownsText(ew, r, l)

	if len(r.Movers) > 0 {
		ew.print(l.t("\n变化最大的企业：\n", "\nLargest movers:\n"))
		tw := &textTable{right: []bool{true, false, false, false, true, true, true, true}}
		if l == English {
			tw.add("line", "enterprise", "region", "sectors", "before", "after", "change", "%", "moved by")
		} else {
			tw.add("行号", "企业", "地区", "行业", "修改前", "修改后", "变化", "%", "原因")
		}
		for _, m := range r.Movers {
			pct := "—"
			if m.Percent != nil {
				pct = signedPct(*m.Percent)
			}
			region, sectors, moves := m.Region, strings.Join(m.Sectors, ","), movesText(m.MovedBy)
			if l != English {
				region = regionText(m.Region)
				sectors = sectorLabels(m.Sectors)
				moves = movesTextZh(m.MovedBy)
			}
			tw.add(fmt.Sprint(m.Line), m.Enterprise, region, sectors, money(m.Before), money(m.After), signed(m.Change), pct, moves)
		}
		tw.write(ew, "  ")
	}

	ew.print(l.t("\n处罚：\n", "\nPenalties:\n"))
	for _, sec := range []struct {
		name string
		list []portfolio.PenaltyCount
	}{{l.t("新增", "new"), r.Penalties.New}, {l.t("不再有", "vanished"), r.Penalties.Vanished}, {l.t("罚款幅度变化", "fine range changed"), r.Penalties.Changed}} {
		if len(sec.list) == 0 {
			ew.printf(l.t("  %s：无\n", "  %s: none\n"), sec.name)
			continue
		}
		ew.printf(l.t("  %s：\n", "  %s:\n"), sec.name)
		for _, c := range sec.list {
			target := c.Target
			if l != English {
				target = l.pick(targetLabel, c.Target)
			}
			ew.printf(l.t("    %s（%s，%s）：%s 家\n", "    %s (%s, %s): %s enterprises\n"), c.Title, c.Violation, target, groupInt(c.Enterprises))
		}
	}
	if r.Changed > 0 {
		ew.printf(l.t("\n全部 %s 家变化企业：用 --changed 变化企业.xlsx（或 .csv）导出，或 --format xlsx / html。\n",
			"\nAll %s changed enterprises: --changed FILE.xlsx (or .csv) exports them, as do --format xlsx and html.\n"), groupInt(r.Changed))
	}
	return ew.err
}

var shortObligation = map[rulesets.Obligation]string{rulesets.ObligationMandatory: "应当（国家）", rulesets.ObligationRequired: "应当（地方）",
	rulesets.ObligationEncouraged: "鼓励", rulesets.ObligationNone: "无规定"}

func sectorLabels(codes []string) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = facts.Sectors.Label(c)
	}
	return strings.Join(parts, "、")
}

func movesTextZh(ms []portfolio.Move) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = portfolio.MoveText(m)
	}
	return strings.Join(parts, "；")
}

// writeRuleDiffText lists what the edit changed in each ruleset.
func writeRuleDiffText(ew *errWriter, r *portfolio.ImpactReport, l Lang) {
	for _, d := range r.RuleDiffs {
		ew.printf(l.t("\n%s 的变化（%s → %s）：\n", "\nWhat changed in %s (%s → %s):\n"), d.Ruleset, orDash(d.Before), orDash(d.After))
		if len(d.Items) == 0 {
			ew.print(l.t("  规则内容相同（只有注释、说明或格式不同）\n", "  the same rules (comments, notes or layout differ)\n"))
		}
		for _, it := range d.Items {
			change, kind := it.Change, it.Kind
			if l != English {
				change, kind = changeLabel[it.Change], kindLabel[it.Kind]
			}
			title := ""
			if it.Title != "" {
				title = " " + it.Title
			}
			ew.printf("  %s %s %s%s\n", change, kind, it.ID, title)
			if it.Before != "" {
				ew.printf(l.t("      修改前：%s\n", "      before: %s\n"), it.Before)
			}
			if it.After != "" {
				ew.printf(l.t("      修改后：%s\n", "      after:  %s\n"), it.After)
			}
		}
	}
}

// writeBreakdownsText lists the groups that changed in each breakdown.
func writeBreakdownsText(ew *errWriter, r *portfolio.ImpactReport, l Lang) {
	titles := map[string][2]string{"province": {"按省份", "By province"}, "city": {"按城市", "By city"},
		"sector_family": {"按行业", "By sector family"}, "obligation": {"按投保义务（修改后）", "By obligation (after)"}}
	for _, b := range r.Breakdowns {
		t := titles[b.By]
		ew.printf("\n%s:\n", l.t(t[0], t[1]))
		tw := &textTable{right: []bool{false, false, true, true, true, true, true, true}}
		if l == English {
			tw.add("code", "name", "enterprises", "changed", "obligation changed", "increased", "decreased", "change of the total (CNY)")
		} else {
			tw.add("代码", "名称", "企业", "有变化", "义务变化", "上升", "下降", "保费合计变化（元）")
		}
		for _, row := range b.Rows {
			tw.add(row.Key, row.Label, groupInt(row.Enterprises), groupInt(row.Changed),
				groupInt(row.ObligationChanged), groupInt(row.Increased), groupInt(row.Decreased), signed(row.PremiumAfter.Sub(row.PremiumBefore)))
		}
		tw.write(ew, "  ")
	}
}

func textHistogram(ew *errWriter, bins []portfolio.Bin, label func(decimal.Decimal) string) {
	most := 0
	for _, b := range bins {
		most = max(most, b.Count)
	}
	for _, b := range bins {
		bar := 0
		if most > 0 {
			bar = (b.Count*40 + most - 1) / most
		}
		ew.printf("    %-30s %-40s %s\n", binLabel(b, label), strings.Repeat("█", bar), groupInt(b.Count))
	}
}

// binLabel is "[from, to)", or "[from, max]" for the last bar of a long
// tail.
func binLabel(b portfolio.Bin, label func(decimal.Decimal) string) string {
	if b.Rest || b.From.Equal(b.To) {
		return "[" + label(b.From) + ", " + label(b.To) + "]"
	}
	return "[" + label(b.From) + ", " + label(b.To) + ")"
}

func movesText(ms []portfolio.Move) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %s→%s", m.Step, orDash(m.Before), orDash(m.After)))
	}
	return strings.Join(parts, "; ")
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

// printf writes a line of the report, with the text that came from the
// portfolio and the rulesets made printable (see printable).
func (e *errWriter) printf(format string, args ...any) {
	io.WriteString(e, printable(fmt.Sprintf(format, args...)))
}

func (e *errWriter) print(s string) { io.WriteString(e, s) }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// groupInt writes n with thousands separators.
func groupInt(n int) string { return groupDigits(fmt.Sprint(n)) }

func groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		sign, s = s[:1], s[1:]
	}
	frac := ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + frac
}

// money is an amount in CNY with two places and separators.
func money(d decimal.Decimal) string { return groupDigits(d.StringFixed(2)) }

// signed is money with its sign.
func signed(d decimal.Decimal) string {
	if d.Sign() > 0 {
		return "+" + money(d)
	}
	return money(d)
}

func signedPct(d decimal.Decimal) string {
	s := d.StringFixed(2) + "%"
	if d.Sign() > 0 {
		return "+" + s
	}
	return s
}

// pctOf is the change from a to b in per cent, ", +x.xx%"; empty when a is 0.
func pctOf(a, b decimal.Decimal) string {
	if a.Sign() == 0 {
		return ""
	}
	return ", " + signedPct(b.Sub(a).Mul(decimal.NewFromInt(100)).DivRound(a, 2))
}
