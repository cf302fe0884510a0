// Package jsonw writes the JSON of answers by appending to a byte slice,
// without reflection: the same bytes encoding/json writes for them (field
// order, HTML-safe string escaping, dates as their MarshalText, decimals as
// decimal's MarshalJSON), for the AppendJSON methods of the answer types.
package jsonw

import (
	"strconv"
	"unicode/utf8"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// W writes JSON into B. It tracks whether the next key is the first of its
// object, so that callers name keys and values only.
type W struct {
	B     []byte
	first bool
}

// Open starts an object; Close ends it.
func (w *W) Open() {
	w.B = append(w.B, '{')
	w.first = true
}

func (w *W) Close() {
	w.B = append(w.B, '}')
	w.first = false
}

// Key writes a key (a constant ASCII name) and the colon.
func (w *W) Key(k string) {
	if !w.first {
		w.B = append(w.B, ',')
	}
	w.first = false
	w.B = append(w.B, '"')
	w.B = append(w.B, k...)
	w.B = append(w.B, '"', ':')
}

// RawKey writes a key that may need escaping.
func (w *W) RawKey(k string) {
	if !w.first {
		w.B = append(w.B, ',')
	}
	w.first = false
	w.B = AppendString(w.B, k)
	w.B = append(w.B, ':')
}

// Elem separates the elements of an array (i is the element's index).
func (w *W) Elem(i int) {
	if i > 0 {
		w.B = append(w.B, ',')
	}
}

// Done marks a value written directly into B as complete, so that the
// next key is preceded by a comma.
func (w *W) Done() { w.first = false }

func (w *W) Null() { w.B = append(w.B, "null"...) }

func (w *W) Str(k, v string) {
	w.Key(k)
	w.B = AppendString(w.B, v)
}

func (w *W) Bool(k string, v bool) {
	w.Key(k)
	w.B = strconv.AppendBool(w.B, v)
}

func (w *W) Int(k string, v int64) {
	w.Key(k)
	w.B = strconv.AppendInt(w.B, v, 10)
}

// Strs writes a list of strings (null when nil).
func (w *W) Strs(k string, v []string) {
	w.Key(k)
	w.StrList(v)
}

func (w *W) StrList(v []string) {
	if v == nil {
		w.Null()
		return
	}
	w.B = append(w.B, '[')
	for i, s := range v {
		w.Elem(i)
		w.B = AppendString(w.B, s)
	}
	w.B = append(w.B, ']')
}

// Date writes a date as encoding/json writes its MarshalText.
func (w *W) Date(k string, d facts.Date) {
	w.Key(k)
	w.B = AppendDate(w.B, d)
}

// Dec writes a decimal.Decimal field as decimal's MarshalJSON does.
func (w *W) Dec(k string, d decimal.Decimal) {
	w.Key(k)
	if decimal.MarshalJSONWithoutQuotes {
		w.B = decfmt.AppendDecimal(w.B, d)
		return
	}
	w.DecValue(d)
}

// DecValue writes d.String() as a JSON string.
func (w *W) DecValue(d decimal.Decimal) {
	w.B = append(w.B, '"')
	w.B = decfmt.AppendDecimal(w.B, d)
	w.B = append(w.B, '"')
}

// DecString writes d.String() as a JSON string.
func (w *W) DecString(k string, d decimal.Decimal) {
	w.Key(k)
	w.DecValue(d)
}

// Fixed writes d.StringFixed(places) as a JSON string.
func (w *W) Fixed(k string, d decimal.Decimal, places int32) {
	w.Key(k)
	w.B = append(w.B, '"')
	w.B = decfmt.AppendFixed(w.B, d, places)
	w.B = append(w.B, '"')
}

// Cites writes citations (null when nil).
func (w *W) Cites(k string, cs []rulesets.Citation) {
	w.Key(k)
	if cs == nil {
		w.Null()
		return
	}
	w.B = append(w.B, '[')
	for i := range cs {
		c := &cs[i]
		w.Elem(i)
		w.Open()
		w.Str("ruleset", c.Ruleset)
		w.Str("source", c.Source)
		w.Str("title", c.Title)
		if c.Number != "" {
			w.Str("number", c.Number)
		}
		if c.Article != "" {
			w.Str("article", c.Article)
		}
		if c.Draft {
			w.Bool("draft", true)
		}
		if c.Unverified {
			w.Bool("unverified", true)
		}
		w.Close()
	}
	w.B = append(w.B, ']')
}

// Undetermined writes undetermined rules (null when nil).
func (w *W) Undetermined(k string, us []rulesets.Undetermined) {
	w.Key(k)
	if us == nil {
		w.Null()
		return
	}
	w.B = append(w.B, '[')
	for i := range us {
		u := &us[i]
		w.Elem(i)
		w.Open()
		w.Str("rule", u.Rule)
		w.Str("kind", u.Kind)
		if len(u.Missing) > 0 {
			w.Strs("missing", u.Missing)
		}
		if u.Error != "" {
			w.Str("error", u.Error)
		}
		w.Close()
	}
	w.B = append(w.B, ']')
}

// Byte classes for AppendString.
const (
	safe   = iota // ASCII that needs no escaping
	escape        // ASCII that needs escaping: control characters, the quote, the backslash, < > &
	lead3         // the lead byte of a three-byte sequence with no special cases
	leadE2        // E2: three bytes, and U+2028/U+2029 begin with it
	other         // the rest: decoded with package utf8
)

// htmlClass classes bytes as encoding/json does by default, with < > &
// escaped; plainClass as it does with SetEscapeHTML(false).
var htmlClass, plainClass = classes(true), classes(false)

func classes(html bool) (c [256]uint8) {
	for i := range c {
		switch b := byte(i); {
		case b < 0x20 || b == '"' || b == '\\' || html && (b == '<' || b == '>' || b == '&'):
			c[i] = escape
		case b < utf8.RuneSelf:
			c[i] = safe
		case b == 0xE2:
			c[i] = leadE2
		case b >= 0xE1 && b <= 0xEF && b != 0xED:
			c[i] = lead3
		default:
			c[i] = other
		}
	}
	return c
}

// AppendString appends s as a JSON string exactly as encoding/json does
// (HTML-safe: <, > and & escaped; invalid UTF-8 replaced by U+FFFD; U+2028
// and U+2029 escaped).
func AppendString(dst []byte, s string) []byte { return appendString(dst, s, &htmlClass) }

// AppendStringNoHTML appends s as encoding/json does with HTML escaping off
// (SetEscapeHTML(false)): < > & as they are.
func AppendStringNoHTML(dst []byte, s string) []byte { return appendString(dst, s, &plainClass) }

// PlainNoHTML reports whether AppendStringNoHTML writes s as it is between
// quotes (printable ASCII without '"' or '\\'), so that a caller may write
// the parts of a joined string one by one without joining them first.
func PlainNoHTML(s string) bool {
	return safePrefix(s, false) == len(s)
}

// safePrefix returns the length of the run of bytes at the start of s
// that need no escaping (class safe: htmlClass's when html, else
// plainClass's), eight bytes at a time: identifiers, rule references and
// digests are long runs of them.
func safePrefix(s string, html bool) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	// has reports whether a byte of x is zero
	has := func(x uint64) bool { return (x-ones)&^x&highs != 0 }
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if x&highs != 0 || // not ASCII
			(x-0x20*ones)&^x&highs != 0 || // a control character
			has(x^'"'*ones) || has(x^'\\'*ones) ||
			html && (has(x^'<'*ones) || has(x^'>'*ones) || has(x^'&'*ones)) {
			break
		}
	}
	class := &plainClass
	if html {
		class = &htmlClass
	}
	for ; i < len(s) && class[s[i]] == safe; i++ {
	}
	return i
}

func appendString(dst []byte, s string, class *[256]uint8) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := safePrefix(s, class == &htmlClass); i < len(s); {
		b := s[i]
		switch class[b] {
		case safe:
			i++
			continue
		case escape:
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		case lead3, leadE2:
			// a well-formed three-byte sequence (most of Chinese text),
			// checked without decoding
			if i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
				if b == 0xE2 && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8 {
					dst = append(dst, s[start:i]...)
					dst = append(dst, '\\', 'u', '2', '0', '2', hex[s[i+2]&0x0F])
					start = i + 3
				}
				i += 3
				continue
			}
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendDate appends d as a JSON string (YYYY-MM-DD, or "" for no date),
// as Date.MarshalText gives it.
func AppendDate(dst []byte, d facts.Date) []byte {
	dst, _ = d.AppendText(append(dst, '"'))
	return append(dst, '"')
}
