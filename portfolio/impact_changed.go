package portfolio

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/anzexian/anzexian/facts"
)

// ChangedWriter writes the enterprises an edit changed as a table for
// people, CSV or XLSX: one row each, with Chinese headers.
type ChangedWriter struct {
	t   *TableWriter
	err error
}

// ChangedHeader is the header of a changed-enterprises table.
var ChangedHeader = []string{"行号", "企业名称", "地区代码", "地区名称", "行业",
	"投保义务（修改前）", "投保义务（修改后）", "保费（修改前，元）", "保费（修改后，元）", "保费变化（元）", "变化（%）",
	"保费变化的原因", "新增的处罚", "不再有的处罚", "罚款幅度变化的处罚"}

// NewChangedWriter writes a changed-enterprises table to w in format (XLSX,
// else CSV). Close ends it (an XLSX workbook is written whole then).
func NewChangedWriter(w io.Writer, format Format) *ChangedWriter {
	t, err := NewTableWriter(w, format, "变化企业", ChangedHeader)
	return &ChangedWriter{t: t, err: err}
}

// NewChangedSheet writes a changed-enterprises table on a new sheet of the
// workbook f; Close ends the table, the caller writes the workbook.
func NewChangedSheet(f *excelize.File, sheet string) *ChangedWriter {
	t, err := NewTableSheet(f, sheet, ChangedHeader)
	return &ChangedWriter{t: t, err: err}
}

// Write writes one enterprise.
func (c *ChangedWriter) Write(e ChangedEnterprise) error {
	if c.err != nil {
		return c.err
	}
	var sectors []string
	for _, s := range e.Sectors {
		sectors = append(sectors, facts.Sectors.Label(s))
	}
	row := []Cell{IntCell(e.Line), TextCell(e.Enterprise), TextCell(e.Region), TextCell(e.RegionName), TextCell(strings.Join(sectors, "；")),
		TextCell(facts.Obligations.Label(string(e.Before))), TextCell(facts.Obligations.Label(string(e.After)))}
	for _, d := range []*decimal.Decimal{e.PremiumBefore, e.PremiumAfter, e.Change} {
		if d == nil {
			row = append(row, Cell{})
		} else {
			row = append(row, AmountCell(*d, 2))
		}
	}
	if e.Percent != nil {
		row = append(row, DecimalCell(*e.Percent))
	} else {
		row = append(row, Cell{})
	}
	var moves []string
	for _, m := range e.MovedBy {
		moves = append(moves, MoveText(m))
	}
	row = append(row, TextCell(strings.Join(moves, "；")), TextCell(strings.Join(e.PenaltiesNew, "；")),
		TextCell(strings.Join(e.PenaltiesVanished, "；")), TextCell(strings.Join(e.PenaltiesChanged, "；")))
	c.err = c.t.Write(row)
	return c.err
}

// Close finishes the table.
func (c *ChangedWriter) Close() error {
	if c.t == nil {
		return c.err
	}
	if err := c.t.Close(); c.err == nil {
		c.err = err
	}
	return c.err
}

// MoveText is a worksheet step that changed, for people:
// "浮动因子 列入联合惩戒名单（blacklist）：0.1（listed）→ 0.3（listed）".
func MoveText(m Move) string {
	name := m.Step
	switch m.Step {
	case "base":
		name = "基准保费"
	case "clamp":
		name = "浮动上下限"
	case "minimum":
		name = "最低保费"
	default:
		if m.Title != "" {
			name = fmt.Sprintf("%s（%s）", m.Title, m.Step)
		}
	}
	return fmt.Sprintf("%s：%s → %s", name, dash(m.Before), dash(m.After))
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
