package portfolio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
)

// A book written as XLSX reads back to the same facts, and a table past a
// sheet's rows continues on further sheets, each with the header, read
// whole.
func TestXLSXRoundTripAcrossSheets(t *testing.T) {
	defer func(n int) { portfolio.MaxSheetRows = n }(portfolio.MaxSheetRows)
	portfolio.MaxSheetRows = 7 // a header and six enterprises a sheet
	book := portfolio.Generate(11, 20)
	var b bytes.Buffer
	w := portfolio.NewWriter(&b, portfolio.XLSX)
	for _, f := range book {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); len(got) != 4 || got[0] != "企业清单" || got[1] != "企业清单（2）" {
		t.Errorf("sheets %v", got)
	}
	recs := readAll(t, "book.xlsx", b.Bytes(), portfolio.XLSX)
	if len(recs) != len(book) {
		t.Fatalf("read %d enterprises, wrote %d", len(recs), len(book))
	}
	for i, rec := range recs {
		if rec.Err != nil {
			t.Fatalf("record %d: %v", i, rec.Err)
		}
		want, _ := book[i].MarshalJSON()
		got, _ := rec.Facts.MarshalJSON()
		if !bytes.Equal(want, got) {
			t.Errorf("enterprise %d:\n got %s\nwant %s", i, got, want)
		}
	}
	if recs[6].Line != 2 {
		t.Errorf("the 7th enterprise is on row %d of its sheet, want 2", recs[6].Line)
	}
}

// Cells are read as the text Excel shows: a number cell formatted with
// separators, a region typed as a number, labels of codes, 是/否 and dates
// with slashes; an error names the sheet, row and column.
func TestXLSXCellText(t *testing.T) {
	x := excelize.NewFile()
	sh := "Sheet1"
	rows := [][]any{
		{"企业名称", "地区代码", "行业", "从业人员数", "年营业收入（元）", "安全风险等级", "列入联合惩戒名单", "开始经营日期"},
		{"甲公司", 430100, "煤矿 coal_mine；交通运输（道路运输）", 120, 12345678.9, "较大风险", "是", "2020/3/5"},
		{"乙公司", "330382", "other", "8", "1,000", "low", "否", "2021-01-01"},
		{"丙公司", "430100", "mining"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	money := "#,##0.00"
	st, _ := x.NewStyle(&excelize.Style{CustomNumFmt: &money})
	x.SetCellStyle(sh, "E2", "E2", st)
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, "book.xlsx", b.Bytes(), portfolio.XLSX)
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	a := recs[0].Facts
	if recs[0].Err != nil {
		t.Fatal(recs[0].Err)
	}
	if a.Region != "430100" || strings.Join(a.Sectors, ",") != "coal_mine,transport.road" || *a.Employees != 120 ||
		!a.AnnualRevenue.Equal(decimal.RequireFromString("12345678.9")) || a.RiskLevel != "high" || !a.Blacklisted ||
		a.OperatingSince.String() != "2020-03-05" {
		t.Errorf("row 2 read as %+v", a)
	}
	bf := recs[1].Facts
	if recs[1].Err != nil || !bf.AnnualRevenue.Equal(decimal.NewFromInt(1000)) || bf.Blacklisted || bf.RiskLevel != "low" {
		t.Errorf("row 3: %v %+v", recs[1].Err, bf)
	}
	if err := recs[2].Err; err == nil || !strings.Contains(err.Error(), "book.xlsx[Sheet1]:4:3") || !strings.Contains(err.Error(), `unknown sector code "mining"`) {
		t.Errorf("row 4: %v", err)
	}
}

// CSV books take the Chinese headers too, and the paths; a header naming
// one fact twice is an error.
func TestCSVChineseHeaders(t *testing.T) {
	csv := "\ufeff企业名称,地区代码,行业,从业人员数,保险起期,保险止期,已投保安责险\n甲,430100,危险化学品（储存）,10,2025/1/1,2025/12/31,是\n"
	recs := readAll(t, "book.csv", []byte(csv), portfolio.CSV)
	if len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("%v", recs)
	}
	f := recs[0].Facts
	if f.Sectors[0] != "hazardous_chemicals.storage" || f.Policy == nil || f.Policy.End.String() != "2025-12-31" || !f.Policy.IsInsured() {
		t.Errorf("read %+v", f)
	}
	_, err := portfolio.NewReader("book.csv", strings.NewReader("region,地区代码,sectors\n"), portfolio.CSV)
	if err == nil || !strings.Contains(err.Error(), `columns "region" and "地区代码" are the same fact (region)`) {
		t.Errorf("a fact twice: %v", err)
	}
}

// batch writes a results table: a row per enterprise, amounts as number
// cells with the scale's format where exact, codes as text.
func TestBatchResultsTable(t *testing.T) {
	var book bytes.Buffer
	w := portfolio.NewWriter(&book, portfolio.JSONL)
	for _, f := range portfolio.Generate(3, 40) {
		w.Write(f)
	}
	w.Flush()
	var out bytes.Buffer
	s, err := portfolio.Batch(context.Background(), anzexian.NewWithRegistry(bundledForFuzz(t)), &book, &out, portfolio.BatchOptions{
		Name: "b.jsonl", At: facts.MustParseDate("2026-01-01"), Results: portfolio.XLSX})
	if err != nil || s.Written != 40 {
		t.Fatalf("%v %+v", err, s)
	}
	x, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("评估结果")
	if len(rows) != 41 || rows[0][0] != "行号" || rows[0][3] != "地区名称" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	priced := 0
	for _, r := range rows[1:] {
		if len(r) > col["保费（元）"] && r[col["保费（元）"]] != "" {
			priced++
			cell, _ := excelize.CoordinatesToCellName(col["保费（元）"]+1, 2)
			if typ, _ := x.GetCellType("评估结果", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("the premium cell is of type %v", typ)
			}
		}
	}
	if priced == 0 {
		t.Error("no premium written")
	}
}

// A row over MaxRecordSize is an error of its own, with its sheet and row,
// and the rows after it are read; a book over MaxWorkbookSize is refused
// before excelize holds it.
func TestXLSXBounds(t *testing.T) {
	x := excelize.NewFile()
	sh := "Sheet1"
	big := strings.Repeat("长", 10000) // 30,000 bytes, under Excel's 32,767 characters a cell
	header := []any{"企业名称", "地区代码", "行业"}
	row := []any{"甲公司", "430100", "other"}
	for i := 0; i < 40; i++ {
		header = append(header, fmt.Sprintf("note_%d", i))
		row = append(row, big)
	}
	for i, r := range [][]any{header, row, {"乙公司", "430100", "other"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, "book.xlsx", b.Bytes(), portfolio.XLSX)
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	var fe *facts.Error
	if !errors.As(recs[0].Err, &fe) || fe.Diagnostics[0].Code != "facts.too_large" || !strings.Contains(fe.Error(), "book.xlsx[Sheet1]:2") {
		t.Errorf("row 2: %v", recs[0].Err)
	}
	if recs[1].Err != nil || recs[1].Facts.Name != "乙公司" {
		t.Errorf("row 3: %v", recs[1].Err)
	}

	_, err := portfolio.NewReader("huge.xlsx", io.LimitReader(zeros{}, portfolio.MaxWorkbookSize+10), portfolio.XLSX)
	if err == nil || !strings.Contains(err.Error(), "limit of a workbook") {
		t.Errorf("a book over the limit: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }
