package suggest

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxSuggestLen bounds the names suggest compares: no name or code is
// longer, and comparing is quadratic in the length.
const maxSuggestLen = 64

// suggest returns the candidate closest to s, if it is close enough to be a
// plausible typo, for "did you mean" hints.
func Closest(s string, candidates []string) string {
	n := utf8.RuneCountInString(s)
	if n > maxSuggestLen {
		return ""
	}
	limit := min(n/3+1, 4)
	best, bestD := "", -1
	for _, c := range candidates {
		// the distance is at least the difference in length: a candidate
		// too far off could only be suggested as containing s
		if diff := utf8.RuneCountInString(c) - n; (diff > limit || -diff > limit) && !(len(s) >= 3 && strings.Contains(c, s)) {
			continue
		}
		d := editDistance(s, c)
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	if bestD <= limit || (strings.Contains(best, s) && len(s) >= 3) {
		return best
	}
	return ""
}

// editDistance is the optimal string alignment distance of a and b:
// insertions, deletions, substitutions and adjacent transpositions each
// cost one. It keeps three rows of the table.
func editDistance(a, b string) int {
	// small strings (all the suggestions are for) stay on the stack
	var ra0, rb0 [72]rune
	var buf0 [3 * 73]int
	ra, rb := appendRunes(ra0[:0], a), appendRunes(rb0[:0], b)
	buf := buf0[:]
	if n := 3 * (len(rb) + 1); n > len(buf) {
		buf = make([]int, n)
	}
	prev2, prev, cur := buf[:len(rb)+1], buf[len(rb)+1:2*(len(rb)+1)], buf[2*(len(rb)+1):]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

// mappingHint says how to write a mapping whose keys are allowed.
func MappingHint(allowed []string) string {
	if len(allowed) == 0 {
		return "write one \"key: value\" a line, indented under the key"
	}
	return "write one \"key: value\" a line, indented under the key; the keys are " + strings.Join(allowed, ", ")
}

// codesHint lists the codes of a vocabulary for a hint: all of them when
// there are few, else the top-level ones and how sub-codes are written.
func CodesHint(codes []string) string {
	var top []string
	sub := ""
	for _, c := range codes {
		if i := strings.IndexByte(c, '.'); i < 0 {
			top = append(top, c)
		} else if sub == "" {
			sub = c
		}
	}
	if len(codes) <= 12 || sub == "" {
		return "known codes: " + strings.Join(codes, ", ")
	}
	return fmt.Sprintf("top-level codes: %s; a sub-code is written parent.child, e.g. %s", strings.Join(top, ", "), sub)
}
