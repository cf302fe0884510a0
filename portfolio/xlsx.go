package portfolio

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
)

// Reading XLSX books. excelize (github.com/xuri/excelize/v2) reads the
// workbook: the de-facto Go library for Office Open XML spreadsheets, with a
// streaming row iterator, so that what this file adds is only the mapping
// from sheets and cells to records.
//
// Cells are read as the text Excel shows, never as the double a number
// cell stores: an amount typed 12345.60 in a text cell stays "12345.60", and
// a number cell is read as displayed by its format (thousands separators
// are dropped). A book's enterprises are on every sheet whose first row is
// a header with 地区代码 (region) and 行业 (sectors); other sheets (说明, 代码表)
// are skipped, so a template's notes do not get in the way, and a book
// continued on further sheets past Excel's 1,048,576 rows is read whole.

// xlsxReader reads the rows of an XLSX book's data sheets in order.
type xlsxReader struct {
	name   string
	file   *excelize.File
	sheets []string // the data sheets
	cur    int      // index in sheets of rows
	rows   *excelize.Rows
	header []string
	src    string
	row    int // the row of rows last read (1-based)
}

// MaxWorkbookSize bounds an XLSX book read as a portfolio. excelize holds
// the compressed book in memory (a zip must be read from its end), so the
// bound is on what is read: a million generated enterprises compress to
// some 115 MB (50,000 of them: 5.8 MB). What the book unzips to is bounded too
// (MaxWorkbookUnzipped; sheets beyond excelize's in-memory limit are
// spooled to temporary files), so a zip bomb is refused, not inflated.
const (
	MaxWorkbookSize     = 256 << 20
	MaxWorkbookUnzipped = 4 << 30
)

func newXLSXReader(name string, r io.Reader) (*xlsxReader, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxWorkbookSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxWorkbookSize {
		return nil, fmt.Errorf("%s: over the %d-byte limit of a workbook; split the book, or write it as CSV or JSONL, which are streamed", name, MaxWorkbookSize)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxWorkbookUnzipped})
	if err != nil {
		return nil, fmt.Errorf("%s: not an XLSX workbook: %w", name, err)
	}
	x := &xlsxReader{name: name, file: f, cur: -1}
	var skipped []string
	for _, sh := range f.GetSheetList() {
		rows, err := f.Rows(sh)
		if err != nil {
			return nil, fmt.Errorf("%s[%s]: %w", name, sh, err)
		}
		ok := false
		if rows.Next() {
			cells, err := rows.Columns()
			if err == nil {
				_, herr := headerPaths(trimRight(cells))
				ok = herr == nil
			}
		}
		rows.Close()
		if ok {
			x.sheets = append(x.sheets, sh)
		} else {
			skipped = append(skipped, sh)
		}
	}
	if len(x.sheets) == 0 {
		return nil, fmt.Errorf("%s: no sheet has a header row with the columns 地区代码 (region) and 行业 (sectors) (sheets: %s)", name, strings.Join(skipped, ", "))
	}
	return x, nil
}

// trimRight drops the empty cells at the end of a row.
func trimRight(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

// next returns the next non-empty row of a data sheet; io.EOF after the
// last sheet.
func (x *xlsxReader) next() (rawRecord, error) {
	for {
		if x.rows == nil {
			x.cur++
			if x.cur >= len(x.sheets) {
				x.file.Close()
				return rawRecord{}, io.EOF
			}
			sh := x.sheets[x.cur]
			rows, err := x.file.Rows(sh)
			if err != nil {
				return rawRecord{}, err
			}
			x.rows, x.row, x.src = rows, 0, x.name+"["+sh+"]"
			if !rows.Next() {
				rows.Close()
				x.rows = nil
				continue
			}
			cells, err := rows.Columns()
			if err != nil {
				return rawRecord{}, err
			}
			for i, c := range cells {
				cells[i] = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
			}
			x.header, err = headerPaths(trimRight(cells))
			if err != nil {
				return rawRecord{}, fmt.Errorf("%s:1: %w", x.src, err)
			}
			x.row = 1
		}
		if !x.rows.Next() {
			err := x.rows.Error()
			x.rows.Close()
			x.rows = nil
			if err != nil {
				return rawRecord{}, err
			}
			continue
		}
		x.row++
		cells, err := x.rows.Columns()
		if err != nil {
			return rawRecord{}, fmt.Errorf("%s:%d: %w", x.src, x.row, err)
		}
		cells = trimRight(cells)
		if len(cells) == 0 {
			continue // an empty row
		}
		if n := cellBytes(cells); n > MaxRecordSize {
			return rawRecord{line: x.row, src: x.src, err: &facts.Error{Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "facts.too_large",
				Summary: fmt.Sprintf("the row is longer than %d bytes", MaxRecordSize),
				Hint:    "an enterprise's facts are a few kilobytes; check the row holds one enterprise",
				Subject: diag.Range{File: x.src, Start: diag.Pos{Line: x.row, Column: 1}}}}}}, nil
		}
		rec := rawRecord{line: x.row, row: cells, header: x.header, src: x.src}
		rec.cols = make([]int, len(cells))
		for i := range cells {
			rec.cols[i] = i + 1
		}
		if len(cells) > len(x.header) {
			rec.err = &facts.Error{Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "facts.syntax",
				Summary: fmt.Sprintf("the row has a value in column %s, which has no header", columnName(len(cells))),
				Hint:    "every value goes under a header of the first row; add the header, or clear the cell",
				Subject: diag.Range{File: x.src, Start: diag.Pos{Line: x.row, Column: len(cells)}}}}}
		}
		return rec, nil
	}
}

func cellBytes(cells []string) int {
	n := 0
	for _, c := range cells {
		n += len(c)
	}
	return n
}

// columnName is the spreadsheet name of the 1-based column n: A, …, Z, AA …
func columnName(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
}
