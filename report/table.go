package report

import (
	"strings"

	"golang.org/x/text/width"
)

// textTable lays out rows in columns for a terminal, padding by display
// width: a Chinese character takes two columns (East Asian Wide and
// Fullwidth, per golang.org/x/text/width), which text/tabwriter, counting
// runes, does not know.
type textTable struct {
	rows  [][]string
	right []bool // columns aligned right (numbers)
}

func (t *textTable) add(cells ...string) { t.rows = append(t.rows, cells) }

// displayWidth is the number of terminal columns s takes.
func termWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// write writes the table, each line starting with indent.
func (t *textTable) write(ew *errWriter, indent string) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], termWidth(c))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-termWidth(c))
			if i < len(t.right) && t.right[i] {
				b.WriteString(pad + c)
			} else if i < len(r)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
			if i < len(r)-1 {
				b.WriteString("  ")
			}
		}
		ew.print(strings.TrimRight(b.String(), " ") + "\n")
	}
}
