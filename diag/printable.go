package diag

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text read from a file may hold anything: control characters that move a
// terminal's cursor or change its colours, bidirectional controls that
// show text in another order than it is stored, bytes that are not UTF-8.
// Whatever the product prints of such text, in diagnostics and in the text
// form of an answer, goes through Escape or through the snippet's cut.

// unsafeRune reports whether r must not reach a terminal as it is: C0
// controls other than tab, DEL, C1 controls, and the bidirectional
// controls.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20 && r != '\t', r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Escape returns s ready to print on a terminal: control characters
// (tab aside), bidirectional controls and invalid UTF-8 are written as Go
// escapes (\x1b, \u202e, \xff); everything else, Chinese included, is left
// as it is.
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

// blank replaces what Escape would escape with one replacement character
// each, keeping the columns of a snippet under which a caret is drawn.
func blank(s string) string {
	return strings.Map(func(r rune) rune {
		if unsafeRune(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
}

// MaxSourceWidth bounds the snippet of a diagnostic, in characters: a
// longer line (a JSONL record of a megabyte) is kept and shown as an
// excerpt around the subject, so that an error about one value does not
// print, or hold, the whole line.
const MaxSourceWidth = 160

// CutSource shortens a Source longer than MaxSourceWidth characters to an
// excerpt around the subject's column, setting SourceFrom. Producers of
// diagnostics call it on lines that may be long; Format cuts what it shows
// in any case.
func (d *Diagnostic) CutSource() {
	if d.SourceFrom > 0 || len(d.Source) <= MaxSourceWidth {
		return
	}
	n := utf8.RuneCountInString(d.Source)
	if n <= MaxSourceWidth {
		return
	}
	from := 1
	if c := d.Subject.Start.Column; c > MaxSourceWidth/3 {
		from = c - MaxSourceWidth/3
	}
	if from > n-MaxSourceWidth+1 {
		from = n - MaxSourceWidth + 1
	}
	// byte offsets of characters from-1 and from-1+MaxSourceWidth
	start, end, k := len(d.Source), len(d.Source), 0
	for i := range d.Source {
		if k == from-1 {
			start = i
		}
		if k == from-1+MaxSourceWidth {
			end = i
			break
		}
		k++
	}
	d.Source = strings.Clone(d.Source[start:end])
	d.SourceFrom = from
}
