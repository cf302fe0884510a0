package rulesets

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Pos is a position in a source file. Line and Column are 1-based; Column
// counts characters (runes), as YAML does. The zero Pos is invalid.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Range is a span of source text. End is exclusive; a zero End means the
// range covers only Start.
type Range struct {
	File  string `json:"file,omitempty"`
	Start Pos    `json:"start"`
	End   Pos    `json:"end,omitzero"`
}

// String formats r as file:line:column, dropping the parts that are unknown
// (line:column without a file, file alone without a line), like go/token.
func (r Range) String() string {
	var b strings.Builder
	b.WriteString(r.File)
	if r.Start.IsValid() {
		if r.File != "" {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(r.Start.Line))
		if r.Start.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(r.Start.Column))
		}
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

// Severity of a diagnostic. Warnings travel with errors but do not make an
// operation fail (lint --strict turns them into failures).
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// A Diagnostic is one problem found in a ruleset or a facts document: where it
// is, what is wrong, and how to fix it. Every loader and checker in this
// package reports through Diagnostics, and reports every problem it finds,
// not just the first.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	// Code is a stable, machine-readable identifier such as
	// "expr.unknown_name"; see codes.go for the catalogue.
	Code string `json:"code"`
	// Summary is a short description of the problem.
	Summary string `json:"summary"`
	// Hint says how to fix it, when there is something useful to say.
	Hint string `json:"hint,omitempty"`
	// Subject is where the problem is.
	Subject Range `json:"subject"`
	// Path is the data path of the offending value, e.g.
	// "coverage[2].when" in a ruleset or "accidents[0].date" in facts.
	Path string `json:"path,omitempty"`
	// Source is the text of the source line at Subject.Start, used to draw
	// the snippet; Detail holds extra context such as expr's own caret
	// snippet when an expression could not be mapped exactly.
	Source string `json:"source,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Err is the underlying cause, if any (e.g. an expr *file.Error).
	Err error `json:"-"`
}

// Error formats d on one line: "file:line:col: summary".
func (d *Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Subject.String())
	b.WriteString(": ")
	if d.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Summary)
	if d.Path != "" && !strings.Contains(d.Summary, d.Path) {
		b.WriteString(" (at ")
		b.WriteString(d.Path)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (d *Diagnostic) Unwrap() error { return d.Err }

// Diagnostics is a list of problems. It implements error; use [Diagnostics.Err]
// to get a nil error when there is nothing wrong.
type Diagnostics []*Diagnostic

// HasErrors reports whether any diagnostic has error severity.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Errors returns the diagnostics with error severity.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(SeverityError) }

// Warnings returns the diagnostics with warning severity.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(SeverityWarning) }

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Err returns ds as an error if it has errors, and nil otherwise.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return ds
}

// Error describes the first error and says how many more there are.
func (ds Diagnostics) Error() string {
	errs := ds.Errors()
	if len(errs) == 0 {
		errs = ds
	}
	switch len(errs) {
	case 0:
		return "no errors"
	case 1:
		return errs[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", errs[0].Error(), len(errs)-1)
}

// Sort orders ds by file, line, column, then code and summary, and drops
// exact duplicates.
func (ds *Diagnostics) Sort() {
	s := *ds
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Subject.File != b.Subject.File {
			return a.Subject.File < b.Subject.File
		}
		if a.Subject.Start.Line != b.Subject.Start.Line {
			return a.Subject.Start.Line < b.Subject.Start.Line
		}
		if a.Subject.Start.Column != b.Subject.Start.Column {
			return a.Subject.Start.Column < b.Subject.Start.Column
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Summary < b.Summary
	})
	out := s[:0]
	for i, d := range s {
		if i > 0 {
			p := out[len(out)-1]
			if p.Subject == d.Subject && p.Code == d.Code && p.Summary == d.Summary {
				continue
			}
		}
		out = append(out, d)
	}
	*ds = out
}

// Print writes every diagnostic with its source snippet, caret and hint:
//
//	rulesets/x.yaml:12:11: error: unknown name "employes" [expr.unknown_name]
//	   12 |     when: employes > 10
//	      |           ^^^^^^^^
//	      = hint: did you mean "employees"?
func (ds Diagnostics) Print(w io.Writer) error {
	for _, d := range ds {
		if _, err := io.WriteString(w, d.Format()); err != nil {
			return err
		}
	}
	return nil
}

// Format renders d on several lines with its snippet, as [Diagnostics.Print].
func (d *Diagnostic) Format() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s", d.Subject.String(), d.Severity, d.Summary)
	if d.Code != "" {
		fmt.Fprintf(&b, " [%s]", d.Code)
	}
	b.WriteByte('\n')
	if d.Path != "" {
		fmt.Fprintf(&b, "      at %s\n", d.Path)
	}
	if d.Source != "" && d.Subject.Start.IsValid() {
		num := strconv.Itoa(d.Subject.Start.Line)
		pad := strings.Repeat(" ", len(num))
		line := strings.TrimRight(d.Source, "\r\n")
		fmt.Fprintf(&b, "  %s | %s\n", num, line)
		fmt.Fprintf(&b, "  %s | %s\n", pad, caret(line, d.Subject))
	}
	if d.Detail != "" {
		for _, l := range strings.Split(strings.TrimRight(d.Detail, "\n"), "\n") {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	if d.Hint != "" {
		fmt.Fprintf(&b, "      = hint: %s\n", d.Hint)
	}
	return b.String()
}

// caret draws "^^^" under the subject's columns, padding with the visual
// width of the characters before it so that it lines up under wide (CJK)
// characters too.
func caret(line string, r Range) string {
	start := r.Start.Column
	if start < 1 {
		start = 1
	}
	end := start + 1
	if r.End.IsValid() && r.End.Line == r.Start.Line && r.End.Column > start {
		end = r.End.Column
	}
	var b strings.Builder
	col := 1
	for _, ch := range line {
		if col >= start {
			break
		}
		if ch == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteString(strings.Repeat(" ", runeWidth(ch)))
		}
		col++
	}
	n := 0
	rest := []rune(line)
	for i := start - 1; i < end-1 && i < len(rest); i++ {
		n += runeWidth(rest[i])
	}
	if n == 0 {
		n = 1
	}
	b.WriteString(strings.Repeat("^", n))
	return b.String()
}

// runeWidth is the terminal width of r: 2 for East Asian wide and full-width
// characters, 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case r >= 0x1100 && r <= 0x115F,
		r >= 0x2E80 && r <= 0x303E,
		r >= 0x3041 && r <= 0x33FF,
		r >= 0x3400 && r <= 0x4DBF,
		r >= 0x4E00 && r <= 0x9FFF,
		r >= 0xA000 && r <= 0xA4CF,
		r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF,
		r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFF60,
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD:
		return 2
	}
	return 1
}

// lineBreak reports the length of the line break at src[i], counting
// breaks as YAML does: LF, CR LF, a lone CR, NEL (U+0085), LS (U+2028) and
// PS (U+2029); 0 if there is none.
func lineBreak(src []byte, i int) int {
	switch c := src[i]; {
	case c == '\n':
		return 1
	case c == '\r':
		if i+1 < len(src) && src[i+1] == '\n' {
			return 2
		}
		return 1
	case c == 0xC2 && i+1 < len(src) && src[i+1] == 0x85:
		return 2
	case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xA8 || src[i+2] == 0xA9):
		return 3
	}
	return 0
}

// sourceLine returns line n (1-based) of src, lines being ended by "\n" as
// editors and grep -n count them, without its line break.
func sourceLine(src []byte, n int) string {
	if n < 1 {
		return ""
	}
	line, start := 1, 0
	for i := 0; i < len(src) && line < n; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	if line != n {
		return ""
	}
	end := start
	for end < len(src) && src[end] != '\n' {
		end++
	}
	s := strings.TrimSuffix(string(src[start:end]), "\r")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// renumber rewrites the positions yaml.v3 gave the nodes of root, which
// count a lone CR, NEL, LS and PS as line breaks, into positions counted
// by "\n" alone, as diagnostics report them. Documents without such
// characters are left untouched.
func renumber(src []byte, root *yaml.Node) {
	exotic := false
	for i := 0; i < len(src); i++ {
		if k := lineBreak(src, i); k > 0 && !(k == 1 && src[i] == '\n') && !(k == 2 && src[i] == '\r') {
			exotic = true
			break
		}
	}
	if !exotic {
		return
	}
	// byte offsets where yaml's lines start
	yamlStarts := []int{0}
	for i := 0; i < len(src); {
		if k := lineBreak(src, i); k > 0 {
			i += k
			yamlStarts = append(yamlStarts, i)
			continue
		}
		i++
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Line >= 1 && n.Line <= len(yamlStarts) {
			off := yamlStarts[n.Line-1]
			for c := 1; c < n.Column && off < len(src); c++ {
				_, size := utf8.DecodeRune(src[off:])
				off += size
			}
			line, start := 1, 0
			for i := 0; i < off; i++ {
				if src[i] == '\n' {
					line++
					start = i + 1
				}
			}
			n.Line, n.Column = line, utf8.RuneCount(src[start:off])+1
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
}
