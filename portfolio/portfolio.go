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

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/yamlx"
	"gopkg.in/yaml.v3"
)

// A portfolio is a book of enterprises: JSONL (one facts object a line) or
// CSV (a header of fact paths, one enterprise a row). In CSV, nested facts
// are dotted columns (policy.start, project.contract_value), code lists are
// separated by ";" (sectors: "hazardous_chemicals.storage;transport.road"),
// lists of objects (accidents, sites, policy_history, enforcement_records) are JSON in the cell,
// an empty cell is a fact not given, and any other column is a fact a
// ruleset declares.

// Format of a portfolio.
type Format string

const (
	JSONL Format = "jsonl"
	CSV   Format = "csv"
)

// FormatOf guesses a portfolio's format from its name: .csv is CSV,
// anything else JSONL.
func FormatOf(name string) Format {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		return CSV
	}
	return JSONL
}

// PortfolioReader reads enterprises one at a time, with bounded memory
// whatever the portfolio's size.
type Reader struct {
	name   string
	format Format
	br     *bufio.Reader
	cr     *csv.Reader
	header []string
	line   int   // the last line read
	offset int64 // bytes consumed
	cnt    *countingReader
}

// MaxRecordSize bounds one JSONL line or CSV record.
const MaxRecordSize = facts.MaxSize

// NewPortfolioReader reads the portfolio r named name in format.
func NewReader(name string, r io.Reader, format Format) (*Reader, error) {
	p := &Reader{name: name, format: format}
	switch format {
	case CSV:
		p.cnt = &countingReader{r: r}
		p.cr = csv.NewReader(p.cnt)
		p.cr.FieldsPerRecord = -1
		h, err := p.cr.Read()
		if err != nil {
			return nil, fmt.Errorf("%s: reading the CSV header: %w", name, err)
		}
		for i, c := range h {
			h[i] = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
		}
		if err := checkHeader(h); err != nil {
			return nil, fmt.Errorf("%s:1: %w", name, err)
		}
		p.header = h
		p.line = 1
	case JSONL:
		p.br = bufio.NewReaderSize(r, 64<<10)
	default:
		return nil, fmt.Errorf("unknown portfolio format %q (jsonl or csv)", format)
	}
	return p, nil
}

// checkHeader rejects a CSV header with an empty or repeated column.
func checkHeader(h []string) error {
	seen := map[string]bool{}
	for i, c := range h {
		if c == "" {
			return fmt.Errorf("column %d of the CSV header has no name", i+1)
		}
		if seen[c] {
			return fmt.Errorf("column %q appears twice in the CSV header", c)
		}
		seen[c] = true
	}
	if !seen["region"] || !seen["sectors"] {
		return fmt.Errorf("the CSV header needs the columns region and sectors (it has %s)", strings.Join(h, ","))
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// Record is one enterprise read from a portfolio: its facts, or the error
// that stopped it from being read, and the line it starts on.
type Record struct {
	Line  int
	Facts *facts.Facts
	Err   error
}

// rawRecord is a record before decoding: a JSONL line or a CSV row, with
// the byte offset of its end (for progress).
type rawRecord struct {
	line int
	data []byte   // JSONL
	row  []string // CSV
	cols []int    // CSV: the column each cell starts at
	err  error    // a record that could not even be split
	end  int64
}

// Next returns the next record; io.EOF at the end. A record that does not
// decode is returned with its error (a *rulesets.FactsError naming the
// line and field); the reader goes on with the next one.
func (p *Reader) Next() (Record, error) {
	raw, err := p.nextRaw(nil)
	if err != nil {
		return Record{}, err
	}
	f, err := p.decode(&raw)
	return Record{Line: raw.line, Facts: f, Err: err}, nil
}

// nextRaw reads the next record without decoding it; a JSONL line is
// appended to *buf when buf is not nil (an arena shared by the records of
// a chunk).
func (p *Reader) nextRaw(arena *[]byte) (rawRecord, error) {
	var buf []byte
	if arena != nil {
		buf = *arena
		defer func() { *arena = buf }()
	}
	if p.format == CSV {
		return p.nextCSV()
	}
	for {
		line, err := p.br.ReadSlice('\n')
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				return rawRecord{}, io.EOF
			}
			if err != bufio.ErrBufferFull {
				return rawRecord{}, err
			}
		}
		p.line++
		n := int64(len(line))
		start := len(buf)
		buf = append(buf, line...)
		for err == bufio.ErrBufferFull {
			line, err = p.br.ReadSlice('\n')
			n += int64(len(line))
			if len(buf)-start <= MaxRecordSize {
				buf = append(buf, line...)
			}
		}
		p.offset += n
		if err != nil && err != io.EOF {
			return rawRecord{}, err
		}
		rec := buf[start:]
		if len(rec) > MaxRecordSize {
			return rawRecord{line: p.line, end: p.offset, err: &facts.Error{Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "facts.too_large",
				Summary: fmt.Sprintf("the record is longer than %d bytes", MaxRecordSize),
				Hint:    "an enterprise's facts are a few kilobytes; check the line holds one enterprise",
				Subject: diag.Range{File: p.name, Start: diag.Pos{Line: p.line, Column: 1}}}}}}, nil
		}
		rec = bytes.TrimSpace(rec)
		if len(rec) == 0 {
			if err == io.EOF {
				return rawRecord{}, io.EOF
			}
			continue
		}
		return rawRecord{line: p.line, data: rec, end: p.offset}, nil
	}
}

// objectColumns are the facts given as JSON in a CSV cell.
var objectColumns = map[string]bool{"accidents": true, "sites": true, "policy_history": true, "enforcement_records": true}

// listColumns are the code lists given as ";"-separated cells.
var listColumns = map[string]bool{"sectors": true, "occupational_hazards": true, "other_safety_insurance": true}

func (p *Reader) nextCSV() (rawRecord, error) {
	row, err := p.cr.Read()
	if err == io.EOF {
		return rawRecord{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.line = pe.Line
			return rawRecord{line: pe.Line, end: p.cnt.n, err: &facts.Error{Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "facts.syntax",
				Summary: "CSV syntax error: " + pe.Err.Error(),
				Hint:    "quote a cell that holds commas, quotes or line breaks, doubling the quotes inside it",
				Subject: diag.Range{File: p.name, Start: diag.Pos{Line: pe.Line, Column: pe.Column}}}}}}, nil
		}
		return rawRecord{}, err
	}
	line, _ := p.cr.FieldPos(0)
	p.line = line
	cols := make([]int, len(row))
	for i := range row {
		_, cols[i] = p.cr.FieldPos(i)
	}
	rec := rawRecord{line: line, row: row, cols: cols, end: p.cnt.n}
	if len(row) != len(p.header) {
		rec.err = &facts.Error{Diagnostics: diag.Diagnostics{{
			Severity: diag.SeverityError, Code: "facts.syntax",
			Summary: fmt.Sprintf("the row has %d cells; the header has %d columns", len(row), len(p.header)),
			Hint:    "every row has one cell per column of the header, empty when the fact is not given",
			Subject: diag.Range{File: p.name, Start: diag.Pos{Line: line, Column: 1}}}}}
	}
	return rec, nil
}

// decode turns a raw record into facts.
func (p *Reader) decode(raw *rawRecord) (*facts.Facts, error) {
	if raw.err != nil {
		return nil, raw.err
	}
	if p.format != CSV {
		return facts.DecodeLine(p.name, raw.line, raw.data)
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: raw.line, Column: 1}
	objects := map[string]*yaml.Node{}
	for i, cell := range raw.row {
		if strings.TrimSpace(cell) == "" {
			continue
		}
		col, cellCol := p.header[i], raw.cols[i]
		val, err := cellNode(col, cell, raw.line, cellCol)
		if err != nil {
			return nil, &facts.Error{Diagnostics: diag.Diagnostics{{
				Severity: diag.SeverityError, Code: "facts.syntax", Path: col,
				Summary: fmt.Sprintf("column %s: %v", col, err),
				Hint:    "lists of objects (accidents, sites, policy_history, enforcement_records) are JSON in the cell, e.g. [{\"date\": \"2024-05-01\", \"deaths\": 1}]",
				Subject: diag.Range{File: p.name, Start: diag.Pos{Line: raw.line, Column: cellCol}}}}}
		}
		// dotted columns build nested mappings
		parts := strings.Split(col, ".")
		parent := root
		for j, part := range parts[:len(parts)-1] {
			key := strings.Join(parts[:j+1], ".")
			m, ok := objects[key]
			if !ok {
				m = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: raw.line, Column: cellCol}
				objects[key] = m
				parent.Content = append(parent.Content, scalarNode(part, raw.line, cellCol), m)
			}
			parent = m
		}
		parent.Content = append(parent.Content, scalarNode(parts[len(parts)-1], raw.line, cellCol), val)
	}
	return facts.DecodeNode(p.name, nil, root)
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

// PortfolioWriter writes enterprises as JSONL or CSV.
type Writer struct {
	w      *bufio.Writer
	format Format
	cw     *csv.Writer
	header bool
}

// NewPortfolioWriter writes a portfolio to w.
func NewWriter(w io.Writer, format Format) *Writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	p := &Writer{w: bw, format: format}
	if format == CSV {
		p.cw = csv.NewWriter(bw)
	}
	return p
}

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
	if p.format != CSV {
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

// Flush writes what is buffered.
func (p *Writer) Flush() error {
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
