package yamlx

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
type JSONParser struct {
	Src   []byte
	Text  string // src as a string, converted once: values are substrings of it
	off   int
	nodes []yaml.Node // allocated in blocks
	// pooled are the blocks taken from nodeBlocks, given back by release
	// (facts.DecodeLine: its facts keep no node); nil for callers that keep
	// the tree (ParseJSONNode).
	pooled []*nodeBlock
	Pool   bool
	// column cache: the rune column of byte offset colOff
	colOff, col int
}

// release gives the parser's pooled blocks back, every node zeroed but for
// the capacity of its Content, which the next record's objects reuse.
func (p *JSONParser) Release() {
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

type JSONError struct {
	Off  int
	Msg  string
	Code string
}

func (p *JSONParser) Column(off int) int {
	if off < p.colOff {
		p.colOff, p.col = 0, 1
	}
	if p.col == 0 {
		p.col = 1
	}
	p.col += utf8.RuneCount(p.Src[p.colOff:off])
	p.colOff = off
	return p.col
}

// nodeBlock is a block of nodes the JSONL decoder reuses from record to
// record: a portfolio's records build trees of the same shape, and their
// nodes (with the Content slices of objects and lists) were most of what a
// record allocated.
type nodeBlock [128]yaml.Node

var nodeBlocks = sync.Pool{New: func() any { return new(nodeBlock) }}

func (p *JSONParser) node(kind yaml.Kind, tag string, off int) *yaml.Node {
	if len(p.nodes) == 0 {
		if p.Pool {
			b := nodeBlocks.Get().(*nodeBlock)
			p.pooled = append(p.pooled, b)
			p.nodes = b[:]
		} else {
			// about one node for every 8 bytes of a typical record
			p.nodes = make([]yaml.Node, min(max(len(p.Src)/8, 16), 256))
		}
	}
	n := &p.nodes[0]
	p.nodes = p.nodes[1:]
	n.Kind, n.Tag, n.Line, n.Column = kind, tag, 1, p.Column(off)
	return n
}

func (p *JSONParser) Document() (*yaml.Node, *JSONError) {
	p.space()
	if p.off < len(p.Src) && p.Src[p.off] != '{' {
		return nil, &JSONError{Off: p.off, Msg: "a record must be a JSON object ({...})", Code: "facts.type"}
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.off < len(p.Src) {
		return nil, &JSONError{Off: p.off, Msg: fmt.Sprintf("unexpected %s after the object", p.describe())}
	}
	return n, nil
}

func (p *JSONParser) space() {
	for p.off < len(p.Src) {
		switch p.Src[p.off] {
		case ' ', '\t', '\r', '\n':
			p.off++
		default:
			return
		}
	}
}

func (p *JSONParser) describe() string {
	if p.off >= len(p.Src) {
		return "end of line"
	}
	r, _ := utf8.DecodeRune(p.Src[p.off:])
	return strconv.QuoteRune(r)
}

func (p *JSONParser) value(depth int) (*yaml.Node, *JSONError) {
	if depth > maxDepth {
		return nil, &JSONError{Off: p.off, Msg: fmt.Sprintf("the record is nested more than %d levels deep", maxDepth), Code: "facts.too_deep"}
	}
	p.space()
	if p.off >= len(p.Src) {
		return nil, &JSONError{Off: p.off, Msg: "unexpected end of line: a value is missing"}
	}
	start := p.off
	switch c := p.Src[p.off]; {
	case c == '{':
		n := p.node(yaml.MappingNode, "!!map", start)
		n.Style = yaml.FlowStyle
		p.off++
		p.space()
		if p.off < len(p.Src) && p.Src[p.off] == '}' {
			p.off++
			return n, nil
		}
		for {
			p.space()
			if p.off >= len(p.Src) || p.Src[p.off] != '"' {
				return nil, &JSONError{Off: p.off, Msg: fmt.Sprintf("expected a quoted key, found %s", p.describe())}
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.off >= len(p.Src) || p.Src[p.off] != ':' {
				return nil, &JSONError{Off: p.off, Msg: fmt.Sprintf("expected ':' after the key %q, found %s", k.Value, p.describe())}
			}
			p.off++
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, k, v)
			p.space()
			if p.off < len(p.Src) && p.Src[p.off] == ',' {
				p.off++
				continue
			}
			if p.off < len(p.Src) && p.Src[p.off] == '}' {
				p.off++
				return n, nil
			}
			return nil, &JSONError{Off: p.off, Msg: fmt.Sprintf("expected ',' or '}' in the object, found %s", p.describe())}
		}
	case c == '[':
		n := p.node(yaml.SequenceNode, "!!seq", start)
		n.Style = yaml.FlowStyle
		p.off++
		p.space()
		if p.off < len(p.Src) && p.Src[p.off] == ']' {
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
			if p.off < len(p.Src) && p.Src[p.off] == ',' {
				p.off++
				continue
			}
			if p.off < len(p.Src) && p.Src[p.off] == ']' {
				p.off++
				return n, nil
			}
			return nil, &JSONError{Off: p.off, Msg: fmt.Sprintf("expected ',' or ']' in the list, found %s", p.describe())}
		}
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		for _, lit := range [...]struct{ text, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
			if bytes.HasPrefix(p.Src[p.off:], []byte(lit.text)) {
				n := p.node(yaml.ScalarNode, lit.tag, start)
				n.Value = lit.text
				p.off += len(lit.text)
				return n, nil
			}
		}
		return nil, &JSONError{Off: p.off, Msg: fmt.Sprintf("unexpected %s: a value is a string, number, true, false, null, object or list", p.describe())}
	}
}

func (p *JSONParser) str() (*yaml.Node, *JSONError) {
	start := p.off
	p.off++ // opening quote
	escaped := false
	for p.off < len(p.Src) {
		c := p.Src[p.off]
		switch {
		case c == '"':
			p.off++
			raw := p.Src[start:p.off]
			n := p.node(yaml.ScalarNode, "!!str", start)
			n.Style = yaml.DoubleQuotedStyle
			if !escaped {
				if !utf8.Valid(raw) {
					return nil, &JSONError{Off: start, Msg: "the string is not valid UTF-8"}
				}
				n.Value = p.Text[start+1 : p.off-1]
				return n, nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, &JSONError{Off: start, Msg: "bad escape in the string: " + err.Error()}
			}
			if !utf8.ValidString(s) || bytes.Contains(raw, []byte(`\ud`)) && !validSurrogates(raw) {
				return nil, &JSONError{Off: start, Msg: "the string is not valid UTF-8"}
			}
			n.Value = s
			return n, nil
		case c == '\\':
			escaped = true
			p.off += 2
		case c < 0x20:
			return nil, &JSONError{Off: p.off, Msg: "a control character in a string must be escaped (\\n, \\t, \\u0000)"}
		default:
			p.off++
		}
	}
	return nil, &JSONError{Off: start, Msg: "the string is not closed with '\"'"}
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
func (p *JSONParser) number() (*yaml.Node, *JSONError) {
	start := p.off
	digits := func() int {
		s := p.off
		for p.off < len(p.Src) && p.Src[p.off] >= '0' && p.Src[p.off] <= '9' {
			p.off++
		}
		return p.off - s
	}
	if p.Src[p.off] == '-' {
		p.off++
	}
	intStart := p.off
	if digits() == 0 {
		return nil, &JSONError{Off: start, Msg: "a number needs digits after '-'"}
	}
	if p.Src[intStart] == '0' && p.off-intStart > 1 {
		return nil, &JSONError{Off: start, Msg: "a number cannot start with 0 (write 7, not 07; quote codes such as \"0731\")"}
	}
	tag := "!!int"
	if p.off < len(p.Src) && p.Src[p.off] == '.' {
		p.off++
		tag = "!!float"
		if digits() == 0 {
			return nil, &JSONError{Off: start, Msg: "a number needs digits after '.'"}
		}
	}
	if p.off < len(p.Src) && (p.Src[p.off] == 'e' || p.Src[p.off] == 'E') {
		p.off++
		tag = "!!float"
		if p.off < len(p.Src) && (p.Src[p.off] == '+' || p.Src[p.off] == '-') {
			p.off++
		}
		if digits() == 0 {
			return nil, &JSONError{Off: start, Msg: "a number needs digits in its exponent"}
		}
	}
	n := p.node(yaml.ScalarNode, tag, start)
	if p.Text != "" {
		n.Value = p.Text[start:p.off]
	} else {
		n.Value = string(p.Src[start:p.off])
	}
	return n, nil
}

// ParseJSONNode parses one JSON value into the yaml.Node tree yaml.v3 would
// build for it, numbers kept as their text; for callers that assemble facts
// from parts (a CSV cell holding a list of accidents). Positions are on
// line 1.
func ParseJSONNode(data []byte) (*yaml.Node, error) {
	p := JSONParser{Src: data, Text: string(data)}
	n, err := p.value(0)
	if err == nil {
		p.space()
		if p.off < len(p.Src) {
			err = &JSONError{Off: p.off, Msg: fmt.Sprintf("unexpected %s after the value", p.describe())}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("column %d: %s", p.Column(err.Off), err.Msg)
	}
	return n, nil
}
