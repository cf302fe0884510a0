package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
)

// WriteImpactXLSX writes the impact report as a workbook for people, in
// Chinese: 概要 (the counts and totals), 规则变化 (the rule diff), 按省份,
// 按城市, 按行业, 按投保义务 (the breakdowns), 最大变化 (the largest movers)
// and 变化企业 (every changed enterprise the report lists). Amounts are
// number cells where Excel holds them exactly (see [portfolio.AmountCell]).
func WriteImpactXLSX(w io.Writer, r *portfolio.ImpactReport) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxSheets{f: f}
	x.summary(r)
	x.ruleDiff(r)
	titles := map[string]string{"province": "按省份", "city": "按城市", "sector_family": "按行业", "obligation": "按投保义务"}
	for _, b := range r.Breakdowns {
		x.breakdown(titles[b.By], b)
	}
	x.movers(r)
	if x.err != nil {
		return x.err
	}
	cw := portfolio.NewChangedSheet(f, "变化企业")
	for _, c := range r.ChangedList {
		if err := cw.Write(c); err != nil {
			return err
		}
	}
	if err := cw.Close(); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err := f.WriteTo(w)
	return err
}

type xlsxSheets struct {
	f      *excelize.File
	sheets int
	err    error
	header int
}

// table writes a sheet: a header row, then rows of cells.
func (x *xlsxSheets) table(name string, header []string, rows [][]portfolio.Cell, widths ...float64) {
	if x.err != nil {
		return
	}
	t, err := portfolio.NewTableSheet(x.f, name, header)
	if err != nil {
		x.err = err
		return
	}
	if x.sheets == 0 {
		x.f.DeleteSheet("Sheet1")
	}
	x.sheets++
	for _, row := range rows {
		if err := t.Write(row); err != nil {
			x.err = err
			return
		}
	}
	x.err = t.Close()
}

func text(s string) portfolio.Cell { return portfolio.TextCell(s) }

func (x *xlsxSheets) summary(r *portfolio.ImpactReport) {
	p := r.Premium
	rows := [][]portfolio.Cell{
		{text("企业清单"), text(r.Portfolio)},
		{text("评估日（修改前后相同）"), text(r.AsOf.String())},
		{text("保险机构"), text(orDash(r.Insurer))},
		{text("两套规则下都评估了的企业"), portfolio.IntCell(r.Enterprises)},
		{text("所在规则栈含被修改的规则集"), portfolio.IntCell(r.InScope)},
		{text("答案有变化的企业"), portfolio.IntCell(r.Changed)},
		{text("投保义务变化"), portfolio.IntCell(r.Obligations.Changed)},
		{text("保费上升"), portfolio.IntCell(p.Increased)},
		{text("保费下降"), portfolio.IntCell(p.Decreased)},
		{text("保费不变"), portfolio.IntCell(p.Unchanged)},
		{text("仅修改后可计算保费"), portfolio.IntCell(p.BecamePriced)},
		{text("仅修改前可计算保费"), portfolio.IntCell(p.NoLongerPriced)},
		{text("保费合计（修改前，元）"), portfolio.AmountCell(p.TotalBefore, 2)},
		{text("保费合计（修改后，元）"), portfolio.AmountCell(p.TotalAfter, 2)},
		{text("保费合计变化（元）"), portfolio.AmountCell(p.TotalAfter.Sub(p.TotalBefore), 2)},
		{text("跳过的记录（事实有误）"), portfolio.IntCell(r.Skipped)},
		{text("无法评估的记录"), portfolio.IntCell(r.Errors)},
	}
	if d := p.Change; d.Count > 0 {
		rows = append(rows,
			[]portfolio.Cell{text("变化的保费：最小变化（元）"), portfolio.AmountCell(d.Min, 2)},
			[]portfolio.Cell{text("变化的保费：中位数（元）"), portfolio.AmountCell(d.Median, 2)},
			[]portfolio.Cell{text("变化的保费：90%分位（元）"), portfolio.AmountCell(d.P90, 2)},
			[]portfolio.Cell{text("变化的保费：最大变化（元）"), portfolio.AmountCell(d.Max, 2)},
			[]portfolio.Cell{text("变化的保费：平均（元）"), portfolio.AmountCell(d.Mean, 2)})
	}
	for _, c := range r.Changes {
		rows = append(rows, []portfolio.Cell{text("规则集" + changeLabel[c.Change]), text(c.ID + "：" + orDash(c.Before) + " → " + orDash(c.After))})
	}
	if r.ChangedListTruncated {
		rows = append(rows, []portfolio.Cell{text("注意"), text(fmt.Sprintf("“变化企业”表只列出前 %d 家；全部清单用 --changed 导出", len(r.ChangedList)))})
	}
	x.table("概要", []string{"项目", "数值"}, rows)
}

var changeLabel = map[string]string{"added": "新增", "removed": "删除", "replaced": "替换", "changed": "修改"}

var kindLabel = map[string]string{"coverage": "投保义务规则", "requirement": "保单要求", "finding": "检查规则", "consequence": "其他后果",
	"penalty": "处罚规则", "factor": "浮动因子", "table": "费率表", "base": "基准保费", "combine": "合成方式", "clamp": "浮动上下限",
	"minimum": "最低保费", "rounding": "舍入", "let": "派生值", "fact": "声明的事实"}

func (x *xlsxSheets) ruleDiff(r *portfolio.ImpactReport) {
	var rows [][]portfolio.Cell
	for _, d := range r.RuleDiffs {
		for _, it := range d.Items {
			rows = append(rows, []portfolio.Cell{text(d.Ruleset), text(changeLabel[it.Change]), text(kindLabel[it.Kind]), text(it.ID), text(it.Title),
				text(it.Before), text(it.After)})
		}
	}
	x.table("规则变化", []string{"规则集", "变化", "种类", "编号", "名称", "修改前", "修改后"}, rows)
}

func (x *xlsxSheets) breakdown(name string, b portfolio.Breakdown) {
	var rows [][]portfolio.Cell
	for _, r := range b.Rows {
		rows = append(rows, []portfolio.Cell{text(r.Key), text(r.Label), portfolio.IntCell(r.Enterprises), portfolio.IntCell(r.Changed),
			portfolio.IntCell(r.ObligationChanged), portfolio.IntCell(r.Increased), portfolio.IntCell(r.Decreased),
			portfolio.AmountCell(r.PremiumBefore, 2), portfolio.AmountCell(r.PremiumAfter, 2), portfolio.AmountCell(r.PremiumAfter.Sub(r.PremiumBefore), 2)})
	}
	x.table(name, []string{"代码", "名称", "企业数", "有变化", "投保义务变化", "保费上升", "保费下降",
		"保费合计（修改前，元）", "保费合计（修改后，元）", "保费合计变化（元）"}, rows)
}

func (x *xlsxSheets) movers(r *portfolio.ImpactReport) {
	var rows [][]portfolio.Cell
	for _, m := range r.Movers {
		var sectors, moves []string
		for _, s := range m.Sectors {
			sectors = append(sectors, facts.Sectors.Label(s))
		}
		for _, mv := range m.MovedBy {
			moves = append(moves, portfolio.MoveText(mv))
		}
		pct := portfolio.Cell{}
		if m.Percent != nil {
			pct = portfolio.DecimalCell(*m.Percent)
		}
		rows = append(rows, []portfolio.Cell{portfolio.IntCell(m.Line), text(m.Enterprise), text(m.Region), text(regionLabel(m.Region)),
			text(strings.Join(sectors, "；")), portfolio.AmountCell(m.Before, 2), portfolio.AmountCell(m.After, 2), portfolio.AmountCell(m.Change, 2),
			pct, text(strings.Join(moves, "；"))})
	}
	x.table("最大变化", []string{"行号", "企业名称", "地区代码", "地区名称", "行业", "保费（修改前，元）", "保费（修改后，元）",
		"变化（元）", "变化（%）", "保费变化的原因"}, rows)
}
