package portfolio

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/regions"
	"github.com/anzexian/anzexian/rulesets"
)

// TemplateRows is how many rows of a template's sheet carry the drop-down
// lists and the text format.
const TemplateRows = 5000

// WriteTemplate writes an input workbook for a book of enterprises: a sheet
// 企业清单 with one column per fact — the core facts under their Chinese
// headers, then the facts the rulesets of reg declare under their names —
// every cell formatted as text (codes keep their leading zeros, amounts
// their digits), drop-down lists for codes and yes/no facts, a sheet 代码表
// with every code and its label, and a sheet 说明 explaining each column.
// What an analyst fills in is read back by [NewReader] with XLSX.
func WriteTemplate(w io.Writer, reg *rulesets.Registry) error {
	f := excelize.NewFile()
	defer f.Close()
	const data, codes, notes = "企业清单", "代码表", "说明"
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return err
	}
	for _, s := range []string{notes, codes} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	st, err := newTableStyles(f)
	if err != nil {
		return err
	}
	cols := templateColumns(reg)

	// 代码表: one column per vocabulary, "label code" items as the
	// drop-down lists show them.
	type list struct{ ref string }
	lists := map[string]list{}
	ci := 0
	for _, c := range cols {
		if len(c.Vocab) == 0 || lists[c.Path].ref != "" {
			continue
		}
		ci++
		col, _ := excelize.ColumnNumberToName(ci)
		f.SetCellValue(codes, col+"1", c.Header)
		for i, e := range c.Vocab {
			item := e.Code
			if e.Label != e.Code {
				item = e.Label + " " + e.Code
			}
			f.SetCellValue(codes, fmt.Sprintf("%s%d", col, i+2), item)
		}
		f.SetColWidth(codes, col, col, 36)
		lists[c.Path] = list{fmt.Sprintf("%s!$%s$2:$%s$%d", codes, col, col, len(c.Vocab)+1)}
	}
	f.SetCellStyle(codes, "A1", columnCell(ci, 1), st.header)

	// 企业清单
	for i, c := range cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetCellValue(data, col+"1", c.Header)
		f.SetColWidth(data, col, col, min(max(displayWidth(c.Header)+2, 10), 30))
		f.SetColStyle(data, col, st.text)
		rng := fmt.Sprintf("%s2:%s%d", col, col, TemplateRows+1)
		var dv *excelize.DataValidation
		switch {
		case lists[c.Path].ref != "":
			dv = excelize.NewDataValidation(true)
			dv.SetSqrefDropList(lists[c.Path].ref)
			if c.Kind == KindCodes {
				// several codes are typed, separated by ";": the list
				// offers one, and does not refuse the rest
				dv.SetError(excelize.DataValidationErrorStyleInformation, c.Header, "多个代码用分号（;）分隔")
			} else {
				dv.SetError(excelize.DataValidationErrorStyleStop, c.Header, "请从下拉列表中选择")
			}
		case c.Kind == KindBool:
			dv = excelize.NewDataValidation(true)
			dv.SetDropList([]string{"是", "否"})
			dv.SetError(excelize.DataValidationErrorStyleStop, c.Header, "请填写 是 或 否")
		}
		if dv != nil {
			dv.SetSqref(rng)
			if c.Note != "" {
				dv.SetInput(c.Header, truncateRunes(c.Note, 250))
			}
			if err := f.AddDataValidation(data, dv); err != nil {
				return fmt.Errorf("column %s: %w", c.Header, err)
			}
		}
	}
	f.SetCellStyle(data, "A1", columnCell(len(cols), 1), st.header)
	f.SetRowHeight(data, 1, 32)
	f.SetPanes(data, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"})

	// 说明
	rows := [][]any{
		{"企业清单模板（anzexian template）"},
		{"在“企业清单”表中每行填写一家企业；地区代码和行业必填，其余不知道的留空（留空表示未提供，不等于零）。"},
		{"所有单元格按文本填写：地区代码保留前导零，金额按元填写（可带千分位逗号），日期写 2025-01-01 或 2025/1/1，是否类填 是 / 否。"},
		{"表头可以是中文表头或英文事实路径（如 region、policy.start）；表头不认识的列是规则集声明的事实。"},
		{"填好后：anzexian batch --at 2026-01-01 --out 结果.xlsx 企业清单.xlsx"},
		{"行政区划代码数据：" + regions.Version},
		{},
		{"表头", "事实路径", "类型", "说明", "可选代码（代码表）"},
	}
	for _, c := range cols {
		var codes []string
		for _, e := range c.Vocab {
			codes = append(codes, e.Code+" "+e.Label)
		}
		rows = append(rows, []any{c.Header, c.Path, kindLabel(c), c.Note, strings.Join(codes, "；")})
	}
	for i, r := range rows {
		if err := f.SetSheetRow(notes, columnCell(1, i+1), &r); err != nil {
			return err
		}
	}
	f.SetCellStyle(notes, "A8", "E8", st.header)
	f.SetColWidth(notes, "A", "A", 28)
	f.SetColWidth(notes, "B", "B", 32)
	f.SetColWidth(notes, "C", "C", 12)
	f.SetColWidth(notes, "D", "D", 60)
	f.SetColWidth(notes, "E", "E", 80)
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func columnCell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(max(col, 1), row)
	return c
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func kindLabel(c Column) string {
	l := map[ColumnKind]string{KindText: "文本", KindCode: "代码", KindCodes: "代码（可多个）", KindInt: "整数",
		KindDecimal: "数值", KindBool: "是/否", KindDate: "日期", KindJSON: "JSON"}[c.Kind]
	if c.Money {
		l = "金额（元）"
	}
	return l
}

// templateColumns are the core columns, with the credit grades the
// rulesets declare, then every fact the rulesets declare.
func templateColumns(reg *rulesets.Registry) []Column {
	cols := slices.Clone(Columns)
	var credit facts.Vocabulary
	seenCode := map[string]bool{}
	var extra []Column
	seenFact := map[string]bool{}
	for _, rs := range reg.Rulesets() {
		for _, e := range rs.Codes["credit_grade"] {
			if !seenCode[e.Code] {
				seenCode[e.Code] = true
				credit = append(credit, e)
			}
		}
		for _, d := range rs.Facts {
			if seenFact[d.Name] {
				continue
			}
			seenFact[d.Name] = true
			c := Column{Path: d.Name, Header: d.Name, Kind: KindText, Note: d.Doc}
			switch d.Type {
			case rulesets.FactInt:
				c.Kind = KindInt
			case rulesets.FactDecimal:
				c.Kind = KindDecimal
			case rulesets.FactBool:
				c.Kind = KindBool
			case rulesets.FactDate:
				c.Kind = KindDate
			case rulesets.FactCode:
				c.Kind = KindCode
			case rulesets.FactList:
				c.Kind = KindCodes
			}
			for _, code := range d.Codes {
				c.Vocab = append(c.Vocab, facts.Code{Code: code, Label: code})
			}
			if d.Unit != "" {
				c.Note = strings.TrimSpace(c.Note + "（单位：" + d.Unit + "）")
			}
			extra = append(extra, c)
		}
	}
	for i := range cols {
		if cols[i].Path == "credit_grade" {
			cols[i].Vocab = credit
		}
	}
	return append(cols, extra...)
}
