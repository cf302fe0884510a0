package diag

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
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
// is, what is wrong, and how to fix it. Every loader and checker reports
// through Diagnostics, and reports every problem it finds, not just the
// first.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	// Code is a stable, machine-readable identifier such as
	// "expr.unknown_name": the kind of input ("ruleset", "facts", "expr",
	// "stack", "lint" …), a dot, and the problem. Codes are only added,
	// never renamed.
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
	// SourceFrom is, when Source is an excerpt of a longer line (see
	// CutSource), the column of the line its first character is in; 0
	// when Source is the whole line.
	SourceFrom int    `json:"source_from,omitempty"`
	Detail     string `json:"detail,omitempty"`
	// Err is the underlying cause, if any (e.g. an expr *file.Error).
	Err error `json:"-"`
	// More is, for a "<kind>.too_many_errors" diagnostic, how many errors
	// it stands for; zero for every other diagnostic.
	More int `json:"-"`
}

// MaxErrors is the most errors reported for one file: past it, a file is
// more likely hostile or not a ruleset at all than a ruleset with many
// mistakes, and the first errors say what is wrong. The rest are counted in
// one "<kind>.too_many_errors" diagnostic.
const MaxErrors = 100

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
//
// Text from the file (the snippet, values quoted in the summary) is
// printed safely: control characters are escaped or blanked (see Escape),
// and a line longer than MaxSourceWidth is shown as an excerpt.
func (d *Diagnostic) Format() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s", Escape(d.Subject.String()), d.Severity, Escape(d.Summary))
	if d.Code != "" {
		fmt.Fprintf(&b, " [%s]", d.Code)
	}
	b.WriteByte('\n')
	if d.Path != "" {
		fmt.Fprintf(&b, "      at %s\n", Escape(d.Path))
	}
	if d.Source != "" && d.Subject.Start.IsValid() {
		c := *d
		c.CutSource()
		num := strconv.Itoa(d.Subject.Start.Line)
		pad := strings.Repeat(" ", len(num))
		line := blank(strings.TrimRight(c.Source, "\r\n"))
		subject := c.Subject
		pre, post := "", ""
		if c.SourceFrom > 0 {
			// columns of the excerpt; "…" marks what was cut
			shift := c.SourceFrom - 1
			subject.Start.Column -= shift
			if subject.End.IsValid() {
				subject.End.Column -= shift
			}
			if c.SourceFrom > 1 {
				pre = "…"
			}
			if c.SourceFrom-1+utf8.RuneCountInString(c.Source) < utf8.RuneCountInString(d.Source) {
				post = "…"
			}
		}
		fmt.Fprintf(&b, "  %s | %s%s%s\n", num, pre, line, post)
		fmt.Fprintf(&b, "  %s | %s%s\n", pad, strings.Repeat(" ", len([]rune(pre))), caret(line, subject))
	}
	if d.Detail != "" {
		for _, l := range strings.Split(strings.TrimRight(d.Detail, "\n"), "\n") {
			fmt.Fprintf(&b, "      %s\n", Escape(l))
		}
	}
	if d.Hint != "" {
		fmt.Fprintf(&b, "      = hint: %s\n", Escape(d.Hint))
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
