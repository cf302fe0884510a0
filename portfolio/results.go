package portfolio

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/internal/regions"
	"github.com/anzexian/anzexian/rulesets"
)

// A results table is what batch writes for people (CSV or XLSX): one row
// per enterprise with the answers, in Chinese, and the codes beside their
// labels. Its columns are fixed before the first row, so that a book of a
// million rows streams: every factor any loaded ruleset declares has a
// column, empty where the enterprise's stack has no such factor.

// resultTable lays out the rows of a results table.
type resultTable struct {
	factors []factorColumn
	index   map[string]int
}

type factorColumn struct{ id, title string }

// ResultHeader returns the header of a results table over reg.
func ResultHeader(reg *rulesets.Registry) []string { return newResultTable(reg).header() }

func newResultTable(reg *rulesets.Registry) *resultTable {
	t := &resultTable{index: map[string]int{}}
	for _, rs := range reg.Rulesets() {
		if rs.Rating == nil {
			continue
		}
		for _, f := range rs.Rating.Factors {
			if _, ok := t.index[f.ID]; !ok {
				t.index[f.ID] = len(t.factors)
				t.factors = append(t.factors, factorColumn{f.ID, f.Title})
			}
		}
	}
	return t
}

// The fixed columns of a results table, before the factors and after.
var (
	resultLead = []string{"行号", "企业名称", "地区代码", "地区名称", "投保义务", "投保义务代码", "结论待补充事实",
		"保费（元）", "保费说明", "保费含示例数值"}
	resultTail = []string{"发现的问题", "单位罚款下限合计（元）", "单位罚款上限合计（元）", "按日连续罚款合计（元）",
		"可能面临的处罚", "说明"}
)

func (t *resultTable) header() []string {
	h := append([]string(nil), resultLead...)
	for _, f := range t.factors {
		h = append(h, "浮动因子："+f.title+"（"+f.id+"）")
	}
	return append(h, resultTail...)
}

// row lays out one enterprise's answer.
func (t *resultTable) row(line int, a *anzexian.Assessment) []Cell {
	row := make([]Cell, 0, len(resultLead)+len(t.factors)+len(resultTail))
	region := regions.Label(a.Region)
	if region == "" {
		region = "（代码不在行政区划数据中）"
	}
	row = append(row, IntCell(line), TextCell(a.Enterprise), TextCell(a.Region), TextCell(region),
		TextCell(facts.Obligations.Label(string(a.Coverage.Obligation))), TextCell(string(a.Coverage.Obligation)),
		TextCell(yesNo(a.Coverage.Incomplete != "")))
	row = append(row, premiumCells(a)...)
	factors := make([]Cell, len(t.factors))
	if a.Premium != nil {
		for k := range a.Premium.Factors {
			f := &a.Premium.Factors[k]
			if i, ok := t.index[f.ID]; ok {
				factors[i] = DecimalCell(f.Value)
			}
		}
	}
	row = append(row, factors...)

	var findings []string
	for _, f := range a.Coverage.Findings {
		findings = append(findings, f.Text)
	}
	minSum, maxSum, perDay := decimal.Zero, decimal.Zero, decimal.Zero
	fined, daily := false, false
	var pens []string
	for k := range a.Penalties {
		p := &a.Penalties[k]
		s := p.Title
		switch {
		case p.Fine != nil:
			s += "：" + decfmt.Yuan(p.Fine.Min) + "至" + decfmt.Yuan(p.Fine.Max)
			if p.Target == "unit" {
				minSum, maxSum, fined = minSum.Add(p.Fine.Min), maxSum.Add(p.Fine.Max), true
			}
		case p.PerDay != nil:
			s += "：按日连续处罚 " + decfmt.Yuan(p.PerDay.Total)
			perDay, daily = perDay.Add(p.PerDay.Total), true
		}
		if t := targetLabel[p.Target]; t != "" && p.Target != "unit" {
			s += "（" + t + "）"
		}
		pens = append(pens, s)
	}
	row = append(row, TextCell(strings.Join(findings, "；")), optAmount(minSum, fined), optAmount(maxSum, fined), optAmount(perDay, daily),
		TextCell(strings.Join(pens, "；")), TextCell(strings.Join(a.Notes, " ")))
	return row
}

var targetLabel = map[string]string{"unit": "生产经营单位", "principal": "主要负责人", "responsible_persons": "直接责任人员"}

// premiumCells are the premium, what to know about it, and whether it rests
// on illustrative numbers.
func premiumCells(a *anzexian.Assessment) []Cell {
	p := a.Premium
	if p == nil {
		note := "没有适用的费率规则"
		if inc := a.PremiumIncomplete; inc != nil {
			note = "无法计算：" + inc.Reason
			var missing []string
			seen := map[string]bool{}
			for _, u := range inc.Undetermined {
				for _, m := range u.Missing {
					if !seen[m] {
						seen[m] = true
						missing = append(missing, Label(m)+"（"+m+"）")
					}
				}
			}
			if len(missing) > 0 {
				note = "无法计算：缺少 " + strings.Join(missing, "、")
			}
		}
		return []Cell{{}, TextCell(note), {}}
	}
	note := ""
	if p.MinimumApplied {
		note = "按最低保费"
	}
	return []Cell{AmountCell(p.Amount, p.Rounding.Scale), TextCell(note), TextCell(yesNo(p.Illustrative || p.Unverified))}
}

func optAmount(d decimal.Decimal, ok bool) Cell {
	if !ok {
		return Cell{}
	}
	return AmountCell(d, 2)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
