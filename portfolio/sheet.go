package portfolio

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// MaxSheetRows is the number of rows of one Excel worksheet (Excel's own
// limit, 1,048,576). A table written past it continues on a further sheet
// with the same header row. It is a variable so that tests can lower it.
var MaxSheetRows = excelize.TotalRows

// TableWriter writes one table, header row first, to an XLSX workbook
// (streaming, with bounded memory whatever the number of rows) or as CSV.
// XLSX cells are text unless a column says otherwise; an amount is a number
// cell only where Excel's double holds it exactly (see [AmountCell]).
type TableWriter struct {
	format  Format
	w       io.Writer
	csv     *csvTable
	file    *excelize.File
	sheet   string
	sheets  int
	sw      *excelize.StreamWriter
	row     int
	header  []string
	widths  []float64
	styles  tableStyles
	closed  bool
	sheetOf string
}

type tableStyles struct {
	header, text, money, money0, int int
}

// NewTableWriter writes a table to w as XLSX (format XLSX; sheet names its
// first sheet) or CSV (any other format; UTF-8 with a byte-order mark, so
// that Excel reads the Chinese right).
func NewTableWriter(w io.Writer, format Format, sheet string, header []string) (*TableWriter, error) {
	t := &TableWriter{format: format, w: w, header: header, sheetOf: sheet}
	if format != XLSX {
		t.csv = newCSVTable(w)
		return t, t.csv.write(header)
	}
	t.file = excelize.NewFile()
	var err error
	if t.styles, err = newTableStyles(t.file); err != nil {
		return nil, err
	}
	t.widths = make([]float64, len(header))
	for i, h := range header {
		t.widths[i] = min(max(displayWidth(h)+2, 8), 40)
	}
	return t, t.newSheet()
}

// NewTableSheet writes a table on new sheets of the workbook f, streaming;
// Close ends the table but leaves writing the workbook to the caller, who
// may add sheets of its own before (not after) the table's.
func NewTableSheet(f *excelize.File, sheet string, header []string) (*TableWriter, error) {
	t := &TableWriter{format: XLSX, header: header, sheetOf: sheet, file: f, sheets: 1}
	var err error
	if t.styles, err = newTableStyles(f); err != nil {
		return nil, err
	}
	t.widths = make([]float64, len(header))
	for i, h := range header {
		t.widths[i] = min(max(displayWidth(h)+2, 8), 40)
	}
	if _, err := f.NewSheet(sheet); err != nil {
		return nil, err
	}
	t.sheets = 0
	return t, t.newSheetNamed()
}

// File returns the workbook an XLSX table is written to (nil for CSV).
func (t *TableWriter) File() *excelize.File { return t.file }

func newTableStyles(f *excelize.File) (tableStyles, error) {
	var s tableStyles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F2"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	s.text = mk(&excelize.Style{NumFmt: 49}) // @: text, leading zeros kept
	money := "#,##0.00"
	s.money = mk(&excelize.Style{CustomNumFmt: &money})
	money0 := "#,##0"
	s.money0 = mk(&excelize.Style{CustomNumFmt: &money0})
	s.int = mk(&excelize.Style{NumFmt: 3}) // #,##0
	return s, err
}

func (t *TableWriter) newSheet() error {
	t.sheets++
	name := t.sheetOf
	if t.sheets > 1 {
		name = fmt.Sprintf("%s（%d）", t.sheetOf, t.sheets)
	}
	if t.sheets == 1 {
		if err := t.file.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := t.file.NewSheet(name); err != nil {
		return err
	}
	return t.startSheet(name)
}

// newSheetNamed starts the first sheet of a table on a sheet the caller
// made.
func (t *TableWriter) newSheetNamed() error {
	t.sheets = 1
	return t.startSheet(t.sheetOf)
}

func (t *TableWriter) startSheet(name string) error {
	sw, err := t.file.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, w := range t.widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	t.sw, t.sheet, t.row = sw, name, 1
	cells := make([]any, len(t.header))
	for i, h := range t.header {
		cells[i] = excelize.Cell{StyleID: t.styles.header, Value: h}
	}
	return sw.SetRow("A1", cells, excelize.RowOpts{Height: 30})
}

// A Cell is one cell of a row: text, or an exact number with its format.
type Cell struct {
	Text string
	// Number, when set, is written as a number cell (XLSX); Text is what
	// CSV writes.
	Number any
	Style  int
}

// TextCell is a text cell.
func TextCell(s string) Cell { return Cell{Text: s} }

// IntCell is a whole number.
func IntCell(n int) Cell { return Cell{Text: fmt.Sprint(n), Number: n, Style: styleInt} }

// AmountCell is an amount of money rounded to scale places: a number cell
// formatted #,##0.00 (or #,##0 for scale 0) when Excel's double holds it
// exactly — at most 15 significant digits, which a double carries and gives
// back as the same decimal text — else a text cell with the exact amount.
// CSV writes the exact text either way.
func AmountCell(d decimal.Decimal, scale int32) Cell {
	text := d.StringFixed(scale)
	c := Cell{Text: text}
	if f, ok := exactFloat(d); ok {
		c.Number, c.Style = f, styleMoney
		if scale == 0 {
			c.Style = styleMoney0
		}
	}
	return c
}

// DecimalCell is a decimal (a factor, a ratio) as a number cell when exact,
// else text.
func DecimalCell(d decimal.Decimal) Cell {
	c := Cell{Text: d.String()}
	if f, ok := exactFloat(d); ok {
		c.Number = f
	}
	return c
}

// exactFloat returns d as the double Excel stores, when that double gives d
// back exactly (at most 15 significant digits, as Excel shows numbers).
func exactFloat(d decimal.Decimal) (float64, bool) {
	digits := strings.TrimLeft(d.Coefficient().String(), "-")
	if len(strings.TrimRight(digits, "0")) > 15 {
		return 0, false
	}
	f := d.InexactFloat64() // the output boundary: Excel's numbers are doubles
	return f, decimal.NewFromFloat(f).Equal(d)
}

const (
	styleText = iota
	styleMoney
	styleMoney0
	styleInt
)

// Write writes one row.
func (t *TableWriter) Write(row []Cell) error {
	if t.format != XLSX {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = c.Text
		}
		return t.csv.write(rec)
	}
	if t.row >= MaxSheetRows {
		if err := t.sw.Flush(); err != nil {
			return err
		}
		if err := t.newSheet(); err != nil {
			return err
		}
	}
	t.row++
	cells := make([]any, len(row))
	for i, c := range row {
		switch {
		case c.Number != nil:
			style := t.styles.text
			switch c.Style {
			case styleMoney:
				style = t.styles.money
			case styleMoney0:
				style = t.styles.money0
			case styleInt:
				style = t.styles.int
			default:
				style = 0
			}
			cells[i] = excelize.Cell{StyleID: style, Value: c.Number}
		case c.Text == "":
			cells[i] = nil
		default:
			cells[i] = excelize.Cell{StyleID: t.styles.text, Value: c.Text}
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, t.row)
	return t.sw.SetRow(cell, cells)
}

// Close finishes the table: for XLSX it writes the workbook to w.
func (t *TableWriter) Close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	if t.format != XLSX {
		return t.csv.flush()
	}
	if err := t.sw.Flush(); err != nil {
		return err
	}
	if t.w == nil {
		return nil // a table on the caller's workbook
	}
	t.file.SetActiveSheet(0)
	_, err := t.file.WriteTo(t.w)
	if cerr := t.file.Close(); err == nil {
		err = cerr
	}
	return err
}

// displayWidth is about the width of s in Excel's character units: a
// Chinese character counts two.
func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r > 0x2e80 {
			w += 2
		} else {
			w++
		}
	}
	return w
}
