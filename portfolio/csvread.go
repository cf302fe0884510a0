package portfolio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/anzexian/anzexian/facts"
)

// CSV is read in two steps. The reader splits the stream into records,
// holding at most MaxRecordSize bytes of one: a record ends at a line break
// outside quotes, so a quoted cell may span lines, but a quote that is
// never closed no longer pulls the rest of the file into one record (as
// encoding/csv's Reader does): the record is refused once it passes the
// limit. A worker then parses the record's cells (RFC 4180, as
// encoding/csv does without LazyQuotes), with the line and column of each.

// nextCSV reads the next CSV record (blank lines are skipped, as
// encoding/csv skips them).
func (p *Reader) nextCSV(arena *[]byte) (rawRecord, error) {
	var buf []byte
	if arena != nil {
		buf = *arena
		defer func() { *arena = buf }()
	}
	for {
		start := len(buf)
		first := p.line + 1
		st := csvFieldStart
		var n int64
		var err error
		for {
			var chunk []byte
			chunk, err = p.br.ReadSlice('\n')
			n += int64(len(chunk))
			st = csvScan(chunk, st)
			inQuote := st == csvQuoted
			buf = append(buf, chunk...)
			if len(buf)-start > MaxRecordSize {
				p.offset += n
				p.line += bytes.Count(buf[start:], []byte("\n"))
				buf = buf[:start]
				if err == bufio.ErrBufferFull {
					p.line++ // the line it stopped in
				}
				if inQuote {
					// Where the record ends is unknown (a quote not
					// closed?): nothing past it can be read.
					p.ended = true
					err := p.tooLarge(first, "CSV record", "a quoted cell is not closed, or holds a whole file: check the quotes from this line on")
					d := err.(*facts.Error).Diagnostics[0]
					d.Summary += " inside a quoted cell; the rest of the portfolio cannot be read"
					return rawRecord{line: first, end: p.offset, fatal: true, err: err}, nil
				}
				p.skipping = err == bufio.ErrBufferFull
				return rawRecord{line: first, end: p.offset, err: p.tooLarge(first, "CSV record",
					"an enterprise's facts are a few kilobytes; check the row holds one enterprise")}, nil
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
				p.line++
			}
			if err != nil || st != csvQuoted {
				break
			}
		}
		p.offset += n
		if err != nil && err != io.EOF {
			return rawRecord{}, err
		}
		rec := buf[start:]
		if r := string(rec); r == "" || r == "\n" || r == "\r\n" || (err == io.EOF && r == "\r") {
			buf = buf[:start]
			if err == io.EOF {
				return rawRecord{}, io.EOF
			}
			continue
		}
		return rawRecord{line: first, data: rec, end: p.offset}, nil
	}
}

// The states of splitting CSV into records: a quote opens a quoted cell
// only at the start of a cell, as RFC 4180 and encoding/csv have it (a
// quote inside an unquoted cell is an error of that record alone).
const (
	csvFieldStart = iota
	csvUnquoted
	csvQuoted
	csvQuoteInQuoted // a quote inside a quoted cell: its end, or the first of ""
)

// csvScan returns the state after b, a piece of a record ending at a line
// break or not, given the state before it.
func csvScan(b []byte, st int) int {
	if st == csvFieldStart || st == csvUnquoted {
		// up to the first quote only where a cell ends matters: skip
		// there (most records hold no quote, or hold it late)
		q := bytes.IndexByte(b, '"')
		pre := b
		if q >= 0 {
			pre = b[:q]
		}
		if n := len(pre); n > 0 {
			if c := pre[n-1]; c == ',' || c == '\n' {
				st = csvFieldStart
			} else {
				st = csvUnquoted
			}
		}
		if q < 0 {
			return st
		}
		b = b[q:]
	}
	return csvScanBytes(b, st)
}

// csvScanBytes is csvScan byte by byte, without the skip.
func csvScanBytes(b []byte, st int) int {
	for _, c := range b {
		switch st {
		case csvFieldStart:
			switch c {
			case '"':
				st = csvQuoted
			case ',', '\n':
			default:
				st = csvUnquoted
			}
		case csvUnquoted:
			switch c {
			case ',', '\n':
				st = csvFieldStart
			}
		case csvQuoted:
			if c == '"' {
				st = csvQuoteInQuoted
			}
		case csvQuoteInQuoted:
			switch c {
			case '"':
				st = csvQuoted
			case ',', '\n':
				st = csvFieldStart
			default:
				st = csvUnquoted // "a"b: an error the parser reports
			}
		}
	}
	return st
}

// csvProblem is a CSV record that does not parse.
type csvProblem struct {
	line, col int
	msg, hint string
}

type cellPos struct{ line, col int }

const quoteHint = "quote a cell that holds commas, quotes or line breaks, doubling the quotes inside it"

// parseCSV splits a record that starts on line into cells, with the
// position of each (1-based line, and column in bytes as encoding/csv
// counts them). A record that is not UTF-8 or holds a control character
// other than tab and line breaks is refused, as JSON and YAML refuse them.
func parseCSV(rec []byte, line int) ([]string, []cellPos, *csvProblem) {
	if p := checkText(rec, line); p != nil {
		return nil, nil, p
	}
	// Line breaks are \n; \r\n counts as one, as in encoding/csv.
	if bytes.Contains(rec, []byte("\r\n")) {
		rec = bytes.ReplaceAll(rec, []byte("\r\n"), []byte("\n"))
	}
	if bytes.HasSuffix(rec, []byte("\n")) {
		rec = rec[:len(rec)-1]
	} else {
		rec = bytes.TrimSuffix(rec, []byte("\r")) // a \r before the end of the file, as encoding/csv drops it
	}
	var cells []string
	var pos []cellPos
	lineStart := 0 // offset of the current line in rec
	i := 0
	for {
		at := cellPos{line, i - lineStart + 1}
		if i < len(rec) && rec[i] == '"' {
			var b []byte
			j := i + 1
			for {
				k := bytes.IndexByte(rec[j:], '"')
				if k < 0 {
					// the record ended inside the quotes
					for _, c := range rec[j:] {
						if c == '\n' {
							line++
						}
					}
					return nil, nil, &csvProblem{line: line, col: len(rec) - lastLineStart(rec) + 1, msg: csv.ErrQuote.Error(), hint: quoteHint}
				}
				seg := rec[j : j+k]
				for x, c := range seg {
					if c == '\n' {
						line++
						lineStart = j + x + 1
					}
				}
				b = append(b, seg...)
				j += k + 1
				switch {
				case j < len(rec) && rec[j] == '"':
					b = append(b, '"')
					j++
					continue
				case j == len(rec) || rec[j] == ',':
				default:
					return nil, nil, &csvProblem{line: line, col: j - lineStart, msg: csv.ErrQuote.Error(), hint: quoteHint}
				}
				break
			}
			cells, pos = append(cells, string(b)), append(pos, at)
			i = j
		} else {
			k := bytes.IndexByte(rec[i:], ',')
			end := len(rec)
			if k >= 0 {
				end = i + k
			}
			cell := rec[i:end]
			if q := bytes.IndexByte(cell, '"'); q >= 0 {
				return nil, nil, &csvProblem{line: line, col: i + q - lineStart + 1, msg: csv.ErrBareQuote.Error(), hint: quoteHint}
			}
			if bytes.IndexByte(cell, '\n') >= 0 {
				// cannot happen: the splitter ends records at line breaks
				// outside quotes
				return nil, nil, &csvProblem{line: line, col: at.col, msg: "a line break outside quotes", hint: quoteHint}
			}
			cells, pos = append(cells, string(cell)), append(pos, at)
			i = end
		}
		if i >= len(rec) {
			return cells, pos, nil
		}
		i++ // the comma
	}
}

func lastLineStart(b []byte) int { return bytes.LastIndexByte(b, '\n') + 1 }

// checkText refuses bytes that are not UTF-8 and control characters other
// than tab and line breaks (NUL among them), at their line and column.
func checkText(rec []byte, line int) *csvProblem {
	lineStart := 0
	for i := 0; i < len(rec); {
		c := rec[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				line++
				lineStart = i + 1
			case c < 0x20 && c != '\t' && c != '\r', c == 0x7f:
				return &csvProblem{line: line, col: i - lineStart + 1, msg: fmt.Sprintf("a control character (U+%04X) in a cell", c),
					hint: "cells hold text: remove control characters (the file may not be a CSV text file)"}
			}
			i++
			continue
		}
		r, w := utf8.DecodeRune(rec[i:])
		if r == utf8.RuneError && w == 1 {
			return &csvProblem{line: line, col: i - lineStart + 1, msg: "the row is not valid UTF-8",
				hint: "save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\"); GBK and other encodings are not read"}
		}
		i += w
	}
	return nil
}
