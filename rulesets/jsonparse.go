package rulesets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// jsonParser reads one JSON value into the yaml.Node tree yaml.v3 would
// build for it (same kinds, tags and styles), so that one reader checks
// facts whichever syntax they came in. Columns count runes, as yaml.v3's do.
type jsonParser struct {
	src   []byte
	text  string // src as a string, converted once: values are substrings of it
	off   int
	nodes []yaml.Node // allocated in blocks
	// pooled are the blocks taken from nodeBlocks, given back by release
	// (DecodeFactsLine: its facts keep no node); nil for callers that keep
	// the tree (ParseJSONNode).
	pooled []*nodeBlock
	pool   bool
	// column cache: the rune column of byte offset colOff
	colOff, col int
}

// release gives the parser's pooled blocks back, every node zeroed but for
// the capacity of its Content, which the next record's objects reuse.
func (p *jsonParser) release() {
	for _, b := range p.pooled {
		for i := range b {
			n := &b[i]
			if n.Kind == 0 {
				break // the rest of the block was not used
			}
			c := n.Content
			clear(c)
			*n = yaml.Node{Content: c[:0]}
		}
		nodeBlocks.Put(b)
	}
	p.pooled, p.nodes = nil, nil
}

type jsonError struct {
	off  int
	msg  string
	code string
}

func (p *jsonParser) column(off int) int {
	if off < p.colOff {
		p.colOff, p.col = 0, 1
	}
	if p.col == 0 {
		p.col = 1
	}
	p.col += utf8.RuneCount(p.src[p.colOff:off])
	p.colOff = off
	return p.col
}

// nodeBlock is a block of nodes the JSONL decoder reuses from record to
// record: a portfolio's records build trees of the same shape, and their
// nodes (with the Content slices of objects and lists) were most of what a
// record allocated.
type nodeBlock [128]yaml.Node

var nodeBlocks = sync.Pool{New: func() any { return new(nodeBlock) }}

func (p *jsonParser) node(kind yaml.Kind, tag string, off int) *yaml.Node {
	if len(p.nodes) == 0 {
		if p.pool {
			b := nodeBlocks.Get().(*nodeBlock)
			p.pooled = append(p.pooled, b)
			p.nodes = b[:]
		} else {
			// about one node for every 8 bytes of a typical record
			p.nodes = make([]yaml.Node, min(max(len(p.src)/8, 16), 256))
		}
	}
	n := &p.nodes[0]
	p.nodes = p.nodes[1:]
	n.Kind, n.Tag, n.Line, n.Column = kind, tag, 1, p.column(off)
	return n
}

func (p *jsonParser) document() (*yaml.Node, *jsonError) {
	p.space()
	if p.off < len(p.src) && p.src[p.off] != '{' {
		return nil, &jsonError{off: p.off, msg: "a record must be a JSON object ({...})", code: "facts.type"}
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.off < len(p.src) {
		return nil, &jsonError{off: p.off, msg: fmt.Sprintf("unexpected %s after the object", p.describe())}
	}
	return n, nil
}

func (p *jsonParser) space() {
	for p.off < len(p.src) {
		switch p.src[p.off] {
		case ' ', '\t', '\r', '\n':
			p.off++
		default:
			return
		}
	}
}

func (p *jsonParser) describe() string {
	if p.off >= len(p.src) {
		return "end of line"
	}
	r, _ := utf8.DecodeRune(p.src[p.off:])
	return strconv.QuoteRune(r)
}

func (p *jsonParser) value(depth int) (*yaml.Node, *jsonError) {
	if depth > maxDepth {
		return nil, &jsonError{off: p.off, msg: fmt.Sprintf("the record is nested more than %d levels deep", maxDepth), code: "facts.too_deep"}
	}
	p.space()
	if p.off >= len(p.src) {
		return nil, &jsonError{off: p.off, msg: "unexpected end of line: a value is missing"}
	}
	start := p.off
	switch c := p.src[p.off]; {
	case c == '{':
		n := p.node(yaml.MappingNode, "!!map", start)
		n.Style = yaml.FlowStyle
		p.off++
		p.space()
		if p.off < len(p.src) && p.src[p.off] == '}' {
			p.off++
			return n, nil
		}
		for {
			p.space()
			if p.off >= len(p.src) || p.src[p.off] != '"' {
				return nil, &jsonError{off: p.off, msg: fmt.Sprintf("expected a quoted key, found %s", p.describe())}
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.off >= len(p.src) || p.src[p.off] != ':' {
				return nil, &jsonError{off: p.off, msg: fmt.Sprintf("expected ':' after the key %q, found %s", k.Value, p.describe())}
			}
			p.off++
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, k, v)
			p.space()
			if p.off < len(p.src) && p.src[p.off] == ',' {
				p.off++
				continue
			}
			if p.off < len(p.src) && p.src[p.off] == '}' {
				p.off++
				return n, nil
			}
			return nil, &jsonError{off: p.off, msg: fmt.Sprintf("expected ',' or '}' in the object, found %s", p.describe())}
		}
	case c == '[':
		n := p.node(yaml.SequenceNode, "!!seq", start)
		n.Style = yaml.FlowStyle
		p.off++
		p.space()
		if p.off < len(p.src) && p.src[p.off] == ']' {
			p.off++
			return n, nil
		}
		for {
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, v)
			p.space()
			if p.off < len(p.src) && p.src[p.off] == ',' {
				p.off++
				continue
			}
			if p.off < len(p.src) && p.src[p.off] == ']' {
				p.off++
				return n, nil
			}
			return nil, &jsonError{off: p.off, msg: fmt.Sprintf("expected ',' or ']' in the list, found %s", p.describe())}
		}
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		for _, lit := range [...]struct{ text, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
			if bytes.HasPrefix(p.src[p.off:], []byte(lit.text)) {
				n := p.node(yaml.ScalarNode, lit.tag, start)
				n.Value = lit.text
				p.off += len(lit.text)
				return n, nil
			}
		}
		return nil, &jsonError{off: p.off, msg: fmt.Sprintf("unexpected %s: a value is a string, number, true, false, null, object or list", p.describe())}
	}
}

func (p *jsonParser) str() (*yaml.Node, *jsonError) {
	start := p.off
	p.off++ // opening quote
	escaped := false
	for p.off < len(p.src) {
		c := p.src[p.off]
		switch {
		case c == '"':
			p.off++
			raw := p.src[start:p.off]
			n := p.node(yaml.ScalarNode, "!!str", start)
			n.Style = yaml.DoubleQuotedStyle
			if !escaped {
				if !utf8.Valid(raw) {
					return nil, &jsonError{off: start, msg: "the string is not valid UTF-8"}
				}
				n.Value = p.text[start+1 : p.off-1]
				return n, nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, &jsonError{off: start, msg: "bad escape in the string: " + err.Error()}
			}
			if !utf8.ValidString(s) || bytes.Contains(raw, []byte(`\ud`)) && !validSurrogates(raw) {
				return nil, &jsonError{off: start, msg: "the string is not valid UTF-8"}
			}
			n.Value = s
			return n, nil
		case c == '\\':
			escaped = true
			p.off += 2
		case c < 0x20:
			return nil, &jsonError{off: p.off, msg: "a control character in a string must be escaped (\\n, \\t, \\u0000)"}
		default:
			p.off++
		}
	}
	return nil, &jsonError{off: start, msg: "the string is not closed with '\"'"}
}

// validSurrogates reports whether every \ud800–\udfff escape in raw is half
// of a pair; encoding/json replaces lone halves with U+FFFD, which would
// silently change the text.
func validSurrogates(raw []byte) bool {
	for i := 0; i+6 <= len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' {
			i++
			continue
		}
		v, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 16)
		if err != nil {
			return false
		}
		switch {
		case v >= 0xd800 && v < 0xdc00:
			if i+12 > len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' {
				return false
			}
			w, err := strconv.ParseUint(string(raw[i+8:i+12]), 16, 16)
			if err != nil || w < 0xdc00 || w > 0xdfff {
				return false
			}
			i += 11
		case v >= 0xdc00 && v <= 0xdfff:
			return false
		default:
			i += 5
		}
	}
	return true
}

// number reads a JSON number as its text: never through float64.
func (p *jsonParser) number() (*yaml.Node, *jsonError) {
	start := p.off
	digits := func() int {
		s := p.off
		for p.off < len(p.src) && p.src[p.off] >= '0' && p.src[p.off] <= '9' {
			p.off++
		}
		return p.off - s
	}
	if p.src[p.off] == '-' {
		p.off++
	}
	intStart := p.off
	if digits() == 0 {
		return nil, &jsonError{off: start, msg: "a number needs digits after '-'"}
	}
	if p.src[intStart] == '0' && p.off-intStart > 1 {
		return nil, &jsonError{off: start, msg: "a number cannot start with 0 (write 7, not 07; quote codes such as \"0731\")"}
	}
	tag := "!!int"
	if p.off < len(p.src) && p.src[p.off] == '.' {
		p.off++
		tag = "!!float"
		if digits() == 0 {
			return nil, &jsonError{off: start, msg: "a number needs digits after '.'"}
		}
	}
	if p.off < len(p.src) && (p.src[p.off] == 'e' || p.src[p.off] == 'E') {
		p.off++
		tag = "!!float"
		if p.off < len(p.src) && (p.src[p.off] == '+' || p.src[p.off] == '-') {
			p.off++
		}
		if digits() == 0 {
			return nil, &jsonError{off: start, msg: "a number needs digits in its exponent"}
		}
	}
	n := p.node(yaml.ScalarNode, tag, start)
	if p.text != "" {
		n.Value = p.text[start:p.off]
	} else {
		n.Value = string(p.src[start:p.off])
	}
	return n, nil
}

// ParseJSONNode parses one JSON value into the yaml.Node tree yaml.v3 would
// build for it, numbers kept as their text; for callers that assemble facts
// from parts (a CSV cell holding a list of accidents). Positions are on
// line 1.
func ParseJSONNode(data []byte) (*yaml.Node, error) {
	p := jsonParser{src: data, text: string(data)}
	n, err := p.value(0)
	if err == nil {
		p.space()
		if p.off < len(p.src) {
			err = &jsonError{off: p.off, msg: fmt.Sprintf("unexpected %s after the value", p.describe())}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("column %d: %s", p.column(err.off), err.msg)
	}
	return n, nil
}
