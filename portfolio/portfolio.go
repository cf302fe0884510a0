package portfolio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/yamlx"
	"gopkg.in/yaml.v3"
)

// A portfolio is a book of enterprises: JSONL (one facts object a line), or
// a table, CSV or XLSX, with a header row naming the facts and one
// enterprise a row. A header is a fact path or its Chinese header (see
// [Columns]: 企业名称 or name, 地区代码 or region, 行业 or sectors …). Nested
// facts are dotted columns (policy.start, project.contract_value), code
// lists are separated by ";" (sectors: "hazardous_chemicals.storage;transport.road"),
// lists of objects (accidents, sites, policy_history, enforcement_records) are JSON in the cell,
// an empty cell is a fact not given, and any other column is a fact a
// ruleset declares. Cells are read as text: 是/否 are booleans, 2025/1/1 a
// date, a code's Chinese label its code.

// Format of a portfolio.
type Format string

const (
	JSONL Format = "jsonl"
	CSV   Format = "csv"
	XLSX  Format = "xlsx"
)

// FormatOf guesses a portfolio's format from its name: .csv is CSV, .xlsx
// XLSX, anything else JSONL.
func FormatOf(name string) Format {
	switch ext := filepath.Ext(name); {
	case strings.EqualFold(ext, ".csv"):
		return CSV
	case strings.EqualFold(ext, ".xlsx"):
		return XLSX
	}
	return JSONL
}

// Reader reads enterprises one at a time, with bounded memory
// whatever the portfolio's size: no record is held beyond MaxRecordSize
// bytes, and a record over it is reported with its line as soon as the
// limit is passed, without reading to its end.
type Reader struct {
	name   string
	format Format
	br     *bufio.Reader
	header []string
	line   int   // the last line read
	offset int64 // bytes consumed
	xl     *xlsxReader
	// skipping: the rest of an over-long line is still to be read past;
	// ended: a record the portfolio cannot be read past was returned.
	skipping, ended bool
	// cancel, when not nil, stops reading past an over-long line (which
	// may have no end: a device through standard input).
	cancel <-chan struct{}
}

// MaxRecordSize bounds one JSONL line or CSV record.
const MaxRecordSize = facts.MaxSize

// errCancelled is nextRaw's error when cancel was closed.
var errCancelled = errors.New("portfolio: reading cancelled")

// NewReader reads the portfolio r named name in format.
func NewReader(name string, r io.Reader, format Format) (*Reader, error) {
	p := &Reader{name: name, format: format, br: bufio.NewReaderSize(r, 64<<10)}
	switch format {
	case CSV:
		// a byte order mark, as spreadsheets write it
		if b, err := p.br.Peek(3); err == nil && string(b) == "\ufeff" {
			p.br.Discard(3)
			p.offset = 3
		}
		raw, err := p.nextCSV(nil)
		if err != nil { // io.EOF: an empty file
			return nil, fmt.Errorf("%s: reading the CSV header: %w", name, err)
		}
		if raw.err != nil {
			return nil, fmt.Errorf("%s: the CSV header: %w", name, raw.err)
		}
		h, _, perr := parseCSV(raw.data, raw.line)
		if perr != nil {
			return nil, fmt.Errorf("%s:%d: the CSV header: %s", name, perr.line, perr.msg)
		}
		for i, c := range h {
			h[i] = strings.TrimSpace(c)
		}
		if h, err = headerPaths(h); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, raw.line, err)
		}
		p.header = h
	case XLSX:
		xl, err := newXLSXReader(name, p.br)
		if err != nil {
			return nil, err
		}
		p.xl = xl
	case JSONL:
	default:
		return nil, fmt.Errorf("unknown portfolio format %q (jsonl, csv or xlsx)", format)
	}
	return p, nil
}

// headerPaths maps a header row's cells to fact paths (a Chinese header to
// its path; any other name is a declared fact), and rejects a header with
// an empty or repeated column or without region and sectors.
func headerPaths(h []string) ([]string, error) {
	out := make([]string, len(h))
	seen := map[string]string{}
	for i, c := range h {
		if c == "" {
			return nil, fmt.Errorf("column %d of the header has no name", i+1)
		}
		if len(c) > 128 || !utf8.ValidString(c) {
			return nil, fmt.Errorf("column %d of the header is not a fact path (at most 128 characters)", i+1)
		}
		path := c
		if col := ColumnOf(c); col != nil {
			path = col.Path
		}
		if prev, ok := seen[path]; ok {
			if prev == c {
				return nil, fmt.Errorf("column %q appears twice in the header", c)
			}
			return nil, fmt.Errorf("columns %q and %q are the same fact (%s)", prev, c, path)
		}
		seen[path] = c
		out[i] = path
	}
	if seen["region"] == "" || seen["sectors"] == "" {
		return nil, fmt.Errorf("the header needs the columns 地区代码 (region) and 行业 (sectors) (it has %s)", yamlx.Cut(strings.Join(h, ","), 200))
	}
	return out, nil
}

// Record is one enterprise read from a portfolio: its facts, or the error
// that stopped it from being read, and the line it starts on.
type Record struct {
	Line  int
	Facts *facts.Facts
	Err   error
}

// rawRecord is a record before decoding: a JSONL line or the bytes of a CSV
// record, with the byte offset of its end (for progress).
type rawRecord struct {
	line int
	data []byte   // JSONL, CSV
	row  []string // XLSX
	cols []int    // XLSX: the column each cell starts at
	err  error    // a record that could not even be split
	// fatal: the portfolio cannot be read past this record (a CSV
	// record over the limit inside a quoted cell: where the next one
	// starts is unknown).
	fatal bool
	end   int64
	// header names the facts of row's cells (XLSX); src names the
	// record's file in errors when it is not the portfolio's name (an
	// XLSX sheet: book.xlsx[企业]).
	header []string
	src    string
}

// Next returns the next record; io.EOF at the end. A record that does not
// decode is returned with its error (a *facts.Error naming the
// line and field); the reader goes on with the next one, unless the
// portfolio cannot be read past it (a CSV record over MaxRecordSize inside
// a quoted cell): then the next call returns io.EOF.
func (p *Reader) Next() (Record, error) {
	raw, err := p.nextRaw(nil)
	if err != nil {
		return Record{}, err
	}
	f, err := p.decode(&raw)
	return Record{Line: raw.line, Facts: f, Err: err}, nil
}

// buffered reports whether the next record can be read without waiting
// for input (a stalled pipe makes the pipeline send what it has).
func (p *Reader) buffered() bool {
	if p.xl != nil {
		return true
	}
	// a whole record waits in the buffer: lines that are not blank,
	// ended by a newline outside a CSV record's quoted cell (a line
	// break inside one is the cell's, and the record goes on)
	b, _ := p.br.Peek(p.br.Buffered())
	st, from := csvFieldStart, 0
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return false
		}
		end := off + i + 1
		if p.format == CSV {
			if st = csvScan(b[off:end], st); st == csvQuoted {
				off = end
				continue
			}
		}
		if !blankLine(b[from:end], p.format) {
			return true
		}
		off, from, st = end, end, csvFieldStart
	}
}

// blankLine reports whether a line (with its line break) holds no record:
// in CSV only an empty line does (one of spaces is a record of one cell),
// in JSONL one of white space.
func blankLine(l []byte, f Format) bool {
	if f == CSV {
		return len(l) == 1 || (len(l) == 2 && l[0] == '\r')
	}
	return len(bytes.TrimSpace(l)) == 0
}

// tooLarge is the error of a record over MaxRecordSize.
func (p *Reader) tooLarge(line int, what, hint string) error {
	return &facts.Error{Diagnostics: diag.Diagnostics{{
		Severity: diag.SeverityError, Code: "facts.too_large",
		Summary: fmt.Sprintf("the %s is longer than %d bytes", what, MaxRecordSize),
		Hint:    hint,
		Subject: diag.Range{File: p.name, Start: diag.Pos{Line: line, Column: 1}}}}}
}

// nextRaw reads the next record without decoding it; its bytes are
// appended to *arena when arena is not nil (an arena shared by the records
// of a chunk).
func (p *Reader) nextRaw(arena *[]byte) (rawRecord, error) {
	if p.ended {
		return rawRecord{}, io.EOF
	}
	if p.skipping {
		if err := p.skipLine(); err != nil {
			return rawRecord{}, err
		}
	}
	switch p.format {
	case CSV:
		return p.nextCSV(arena)
	case XLSX:
		return p.xl.next()
	}
	var buf []byte
	if arena != nil {
		buf = *arena
		defer func() { *arena = buf }()
	}
	for {
		start := len(buf)
		first := p.line == 0
		var err error
		var n int64
		for {
			var chunk []byte
			chunk, err = p.br.ReadSlice('\n')
			n += int64(len(chunk))
			buf = append(buf, chunk...)
			if err != bufio.ErrBufferFull {
				break
			}
			if len(buf)-start > MaxRecordSize {
				// Report it now; the rest of the line is read past
				// later, if the reading goes on at all.
				p.line++
				p.offset += n
				buf = buf[:start]
				p.skipping = true
				return rawRecord{line: p.line, end: p.offset, err: p.tooLarge(p.line, "record",
					"an enterprise's facts are a few kilobytes; check the line holds one enterprise")}, nil
			}
		}
		if n == 0 && err != nil {
			if err == io.EOF {
				return rawRecord{}, io.EOF
			}
			return rawRecord{}, err
		}
		p.line++
		p.offset += n
		if err != nil && err != io.EOF {
			return rawRecord{}, err
		}
		rec := buf[start:]
		if len(bytes.TrimRight(rec, "\r\n")) > MaxRecordSize {
			buf = buf[:start]
			return rawRecord{line: p.line, end: p.offset, err: p.tooLarge(p.line, "record",
				"an enterprise's facts are a few kilobytes; check the line holds one enterprise")}, nil
		}
		if first {
			rec = bytes.TrimPrefix(rec, []byte("\ufeff")) // a byte order mark
		}
		rec = bytes.TrimSpace(rec)
		if len(rec) == 0 {
			buf = buf[:start]
			if err == io.EOF {
				return rawRecord{}, io.EOF
			}
			continue
		}
		return rawRecord{line: p.line, data: rec, end: p.offset}, nil
	}
}

// skipLine reads past the rest of an over-long line, holding none of it.
func (p *Reader) skipLine() error {
	for {
		if p.cancel != nil {
			select {
			case <-p.cancel:
				return errCancelled
			default:
			}
		}
		chunk, err := p.br.ReadSlice('\n')
		p.offset += int64(len(chunk))
		if err == bufio.ErrBufferFull {
			continue
		}
		p.skipping = false
		if err == io.EOF {
			return nil
		}
		return err
	}
}

// objectColumns are the facts given as JSON in a CSV cell.
var objectColumns = map[string]bool{"accidents": true, "sites": true, "policy_history": true, "enforcement_records": true}

// listColumns are the code lists given as ";"-separated cells.
var listColumns = map[string]bool{"sectors": true, "occupational_hazards": true, "other_safety_insurance": true}

// decode turns a raw record into facts.
func (p *Reader) decode(raw *rawRecord) (*facts.Facts, error) {
	if raw.err != nil {
		return nil, raw.err
	}
	if p.format == JSONL {
		return facts.DecodeLine(p.name, raw.line, raw.data)
	}
	name, header := p.name, p.header
	var row []string
	var pos []cellPos
	if p.format == XLSX {
		name, header, row = raw.src, raw.header, raw.row
		pos = make([]cellPos, len(row))
		for i := range row {
			pos[i] = cellPos{line: raw.line, col: raw.cols[i]}
		}
	} else {
		var perr *csvProblem
		row, pos, perr = parseCSV(raw.data, raw.line)
		if perr != nil {
			return nil, &facts.Error{Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "facts.syntax",
				Summary: "CSV syntax error: " + perr.msg,
				Hint:    perr.hint,
				Subject: diag.Range{File: p.name, Start: diag.Pos{Line: perr.line, Column: perr.col}}}}}
		}
		if len(row) != len(header) {
			return nil, &facts.Error{Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "facts.syntax",
				Summary: fmt.Sprintf("the row has %d cells; the header has %d columns", len(row), len(header)),
				Hint:    "every row has one cell per column of the header, empty when the fact is not given",
				Subject: diag.Range{File: p.name, Start: diag.Pos{Line: raw.line, Column: 1}}}}}
		}
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: raw.line, Column: 1}
	objects := map[string]*yaml.Node{}
	for i, cell := range row {
		if strings.TrimSpace(cell) == "" || i >= len(header) {
			continue
		}
		col, cellLine, cellCol := header[i], pos[i].line, pos[i].col
		var val *yaml.Node
		var err error
		c := columnByKey[col]
		switch {
		case c != nil:
			cell = c.normalizeCell(cell)
		case strings.TrimSpace(cell) == "是":
			cell = "true" // a declared yes/no fact, as a template's list offers it
		case strings.TrimSpace(cell) == "否":
			cell = "false"
		}
		if c != nil && (c.Kind == KindText || c.Kind == KindCode) {
			// text whatever it looks like: a name "2024", a region 430100
			val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.TrimSpace(cell), Line: cellLine, Column: cellCol}
		} else {
			val, err = cellNode(col, cell, cellLine, cellCol)
		}
		if err != nil {
			return nil, &facts.Error{Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "facts.syntax", Path: col,
				Summary: fmt.Sprintf("column %s: %v", col, err),
				Hint:    "lists of objects (accidents, sites, policy_history, enforcement_records) are JSON in the cell, e.g. [{\"date\": \"2024-05-01\", \"deaths\": 1}]",
				Subject: diag.Range{File: name, Start: diag.Pos{Line: cellLine, Column: cellCol}}}}}
		}
		// dotted columns build nested mappings
		parts := strings.Split(col, ".")
		parent := root
		for j, part := range parts[:len(parts)-1] {
			key := strings.Join(parts[:j+1], ".")
			m, ok := objects[key]
			if !ok {
				m = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: cellLine, Column: cellCol}
				objects[key] = m
				parent.Content = append(parent.Content, scalarNode(part, cellLine, cellCol), m)
			}
			parent = m
		}
		parent.Content = append(parent.Content, scalarNode(parts[len(parts)-1], cellLine, cellCol), val)
	}
	return facts.DecodeNode(name, nil, root)
}

func scalarNode(s string, line, col int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Line: line, Column: col}
}

// cellNode reads a CSV cell as YAML would read the value written plainly,
// positioned at the cell.
func cellNode(col, cell string, line, column int) (*yaml.Node, error) {
	if listColumns[col] {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line, Column: column}
		for _, item := range strings.Split(cell, ";") {
			if item = strings.TrimSpace(item); item != "" {
				seq.Content = append(seq.Content, scalarNode(item, line, column))
			}
		}
		return seq, nil
	}
	trimmed := strings.TrimSpace(cell)
	if !objectColumns[col] && !strings.HasPrefix(trimmed, "[") && !strings.HasPrefix(trimmed, "{") {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: plainTag(trimmed), Value: trimmed, Line: line, Column: column}, nil
	}
	n, err := yamlx.ParseJSONNode([]byte(trimmed))
	if err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	setPos(n, line, column)
	return n, nil
}

// plainTag resolves a plain scalar as YAML 1.2's core schema does (yaml.v3
// is the reference): booleans, null, integers and decimals; anything else
// is text.
func plainTag(s string) string {
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool"
	case "null", "Null", "NULL", "~":
		return "!!null"
	}
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits, dot, exp := 0, false, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && !exp:
			dot = true
		case (c == 'e' || c == 'E') && !exp && digits > 0:
			exp = true
			if i+1 < len(s) && (s[i+1] == '-' || s[i+1] == '+') {
				i++
			}
		default:
			return "!!str"
		}
	}
	switch {
	case digits == 0:
		return "!!str"
	case dot || exp:
		return "!!float"
	}
	return "!!int"
}

// Writer writes enterprises as JSONL, CSV (a header of fact paths) or XLSX
// (a sheet with the Chinese headers of [Columns], every cell text, so that
// codes keep their leading zeros and amounts their digits).
type Writer struct {
	w      *bufio.Writer
	format Format
	cw     *csv.Writer
	header bool
	table  *TableWriter
	err    error
}

// NewWriter writes a portfolio to w.
func NewWriter(w io.Writer, format Format) *Writer {
	if format == XLSX {
		p := &Writer{format: format}
		headers := make([]string, len(xlsxColumns))
		for i, path := range xlsxColumns {
			headers[i] = path
			if c := columnByKey[path]; c != nil {
				headers[i] = c.Header
			}
		}
		p.table, p.err = NewTableWriter(w, XLSX, "企业清单", headers)
		return p
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	p := &Writer{w: bw, format: format}
	if format == CSV {
		p.cw = csv.NewWriter(bw)
	}
	return p
}

// xlsxColumns are the columns of a written XLSX book: every core fact, and
// the facts the bundled rulesets declare that the generator gives.
var xlsxColumns = func() []string {
	var out []string
	for _, c := range Columns {
		out = append(out, c.Path)
	}
	return append(out, "aggregate_limit")
}()

// csvColumns are the columns a written CSV portfolio has, in order.
var csvColumns = []string{
	"name", "region", "sectors", "status", "seasonal", "urban_center", "employees", "dispatched_workers",
	"workers_without_injury_insurance", "annual_revenue", "risk_level", "standardization_level", "credit_grade",
	"blacklisted", "loss_ratio", "occupational_hazards", "principal_income", "claims_unpaid_to_victims",
	"other_safety_insurance", "operating_since", "closed_on", "sites", "accidents", "policy_history", "enforcement_records",
	"park.name", "park.factory_in_factory",
	"project.name", "project.contract_value", "project.high_risk_works", "project.metro",
	"work_injury_rank.year", "work_injury_rank.rank",
	"hazards.major_unrectified", "hazards.refused_rectification", "hazards.refused_on",
	"policy.insured", "policy.insurer", "policy.concluded_on", "policy.start", "policy.end", "policy.insured_employees", "policy.death_limit",
	"policy.disability_limit", "policy.medical_limit", "policy.uniform_limits", "policy.occupational_disease_cover",
	"policy.prevention_service", "policy.premium_charged_to_employees", "policy.premium",
	"enforcement.ordered_on", "enforcement.deadline", "enforcement.rectified_on", "enforcement.fined_on",
	"enforcement.fine_amount", "enforcement.reinspected_on",
	"aggregate_limit",
}

// Write writes one enterprise.
func (p *Writer) Write(f *facts.Facts) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	switch p.format {
	case CSV:
	case XLSX:
		if p.err != nil {
			return p.err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		row := make([]Cell, len(xlsxColumns))
		for i, col := range xlsxColumns {
			row[i] = TextCell(csvCell(m, col))
		}
		return p.table.Write(row)
	default:
		p.w.Write(b)
		return p.w.WriteByte('\n')
	}
	if !p.header {
		p.header = true
		if err := p.cw.Write(csvColumns); err != nil {
			return err
		}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	row := make([]string, len(csvColumns))
	for i, col := range csvColumns {
		row[i] = csvCell(m, col)
	}
	return p.cw.Write(row)
}

func csvCell(m map[string]json.RawMessage, col string) string {
	path := strings.Split(col, ".")
	raw, ok := m[path[0]]
	if !ok {
		return ""
	}
	if len(path) == 2 {
		var sub map[string]json.RawMessage
		if json.Unmarshal(raw, &sub) != nil {
			return ""
		}
		if raw, ok = sub[path[1]]; !ok {
			return ""
		}
	}
	if listColumns[col] {
		var items []string
		json.Unmarshal(raw, &items)
		return strings.Join(items, ";")
	}
	if objectColumns[col] {
		return string(raw)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// Flush writes what is buffered; an XLSX book is written whole by Flush,
// which ends it.
func (p *Writer) Flush() error {
	if p.format == XLSX {
		if p.err != nil {
			return p.err
		}
		return p.table.Close()
	}
	if p.cw != nil {
		p.cw.Flush()
		if err := p.cw.Error(); err != nil {
			return err
		}
	}
	return p.w.Flush()
}

func setPos(n *yaml.Node, line, col int) {
	n.Line, n.Column = line, col
	for _, c := range n.Content {
		setPos(c, line, col)
	}
}
