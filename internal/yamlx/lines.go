package yamlx

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
	"weak"

	"gopkg.in/yaml.v3"
)

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
func SourceLine(src []byte, n int) string {
	if n < 1 {
		return ""
	}
	if len(src) >= lineIndexMin {
		return bigSourceLine(src, n)
	}
	return scanLine(src, n)
}

func scanLine(src []byte, n int) string {
	start := 0
	for line := 1; line < n; line++ {
		i := bytes.IndexByte(src[start:], '\n')
		if i < 0 {
			return ""
		}
		start += i + 1
	}
	end := len(src)
	if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
		end = start + i
	}
	s := strings.TrimSuffix(string(src[start:end]), "\r")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

const lineIndexMin = 64 << 10

type lineIndex struct {
	src    weak.Pointer[byte]
	size   int
	starts []int          // byte offsets where lines start
	texts  map[int]string // line number -> text, a few at a time
}

var lineIdx struct {
	sync.Mutex
	list [lineIndexes]*lineIndex
	next int
}

func bigSourceLine(src []byte, n int) string {
	lineIdx.Lock()
	defer lineIdx.Unlock()
	var x *lineIndex
	for _, c := range lineIdx.list {
		if c != nil && c.size == len(src) && c.src.Value() == &src[0] {
			x = c
			break
		}
	}
	if x == nil {
		x = &lineIndex{src: weak.Make(&src[0]), size: len(src), starts: []int{0}, texts: map[int]string{}}
		for i, c := range src {
			if c == '\n' {
				x.starts = append(x.starts, i+1)
			}
		}
		lineIdx.list[lineIdx.next] = x
		lineIdx.next = (lineIdx.next + 1) % lineIndexes
	}
	if n > len(x.starts) {
		return ""
	}
	if s, ok := x.texts[n]; ok {
		return s
	}
	start, end := x.starts[n-1], len(src)
	if n < len(x.starts) {
		end = x.starts[n] - 1
	}
	s := strings.TrimSuffix(string(src[start:end]), "\r")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(x.texts) >= lineIndexTexts {
		clear(x.texts)
	}
	x.texts[n] = s
	return s
}

// exoticBreaks reports whether src has line breaks other than "\n" and
// "\r\n", which yaml.v3 counts as lines and diagnostics do not.
func exoticBreaks(src []byte) bool {
	for i := 0; i < len(src); i++ {
		if k := lineBreak(src, i); k > 0 && !(k == 1 && src[i] == '\n') && !(k == 2 && src[i] == '\r') {
			return true
		}
	}
	return false
}

// lineMap maps yaml.v3's line numbers, which count a lone CR, NEL, LS and
// PS as line breaks, to lines counted by "\n" alone, as diagnostics report
// them.
type lineMap struct {
	yamlStarts []int // byte offsets where yaml's lines start
	nlStarts   []int // byte offsets where "\n" lines start
}

func newLineMap(src []byte) *lineMap {
	m := &lineMap{yamlStarts: []int{0}, nlStarts: []int{0}}
	for i := 0; i < len(src); {
		if k := lineBreak(src, i); k > 0 {
			i += k
			m.yamlStarts = append(m.yamlStarts, i)
			if src[i-1] == '\n' {
				m.nlStarts = append(m.nlStarts, i)
			}
			continue
		}
		i++
	}
	return m
}

// renumber rewrites the positions of the nodes of root. Build the map only
// when exoticBreaks(src): documents without such characters need nothing.
func (m *lineMap) renumber(src []byte, root *yaml.Node) {
	yamlStarts, nlStarts := m.yamlStarts, m.nlStarts
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Line >= 1 && n.Line <= len(yamlStarts) {
			off := yamlStarts[n.Line-1]
			for c := 1; c < n.Column && off < len(src); c++ {
				_, size := utf8.DecodeRune(src[off:])
				off += size
			}
			// the last "\n" line that starts at or before off
			line := sort.SearchInts(nlStarts, off+1)
			start := nlStarts[line-1]
			n.Line, n.Column = line, utf8.RuneCount(src[start:off])+1
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
}

const lineIndexes = 4 // sources indexed at a time

// Big sources get an index of where their lines start, so that the many
// diagnostics a hostile file can produce do not each scan it from the
// start; and the diagnostics on one line share its text, which matters
// when a file is one long line. The index holds its source weakly.
const (
	lineIndexTexts = 64 // line texts kept per source
)
