package facts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/yamlx"
	"github.com/shopspring/decimal"
)

// DecodeLine decodes one enterprise from one line of a JSONL portfolio
// named name: a JSON object on the line numbered line. Positions in its
// errors name that line, so a bad record in a portfolio of millions is
// found at once.
//
// It reads JSON with a parser of its own, several times faster than the YAML
// parser Decode uses for any document, then applies exactly the same
// checks: the facts are the same, and so are the diagnostics. A record
// written the plain way (see decodePlainJSON) is read straight into the
// facts, without a node tree, twice as fast again.
func DecodeLine(name string, line int, data []byte) (*Facts, error) {
	if len(data) > MaxSize {
		return nil, &Error{diag.Diagnostics{{Severity: diag.SeverityError, Code: "facts.too_large",
			Summary: fmt.Sprintf("the record is %d bytes; the limit is %d", len(data), MaxSize),
			Hint:    "an enterprise's facts are a few kilobytes; check the record is one enterprise",
			Subject: diag.Range{File: name, Start: diag.Pos{Line: line, Column: 1}}}}}
	}
	if f, ok := decodePlainJSON(name, data); ok {
		if line != 1 {
			shiftExtra(f, line-1)
		}
		return f, nil
	}
	return decodeLineNodes(name, line, data)
}

// decodeLineNodes is DecodeLine's general path: the record parsed into the
// node tree yaml.v3 would build, then read as Decode reads any document.
func decodeLineNodes(name string, line int, data []byte) (*Facts, error) {
	p := yamlx.JSONParser{Src: data, Text: string(data), Pool: true}
	defer p.Release()
	root, err := p.Document()
	var ds diag.Diagnostics
	var f *Facts
	if err != nil {
		d := &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.syntax", Summary: "JSON syntax error: " + err.Msg,
			Hint:    "each line of a JSONL portfolio is one JSON object, e.g. {\"region\": \"430100\", \"sectors\": [\"mining\"]}",
			Subject: diag.Range{File: name, Start: diag.Pos{Line: 1, Column: p.Column(err.Off)}}, Source: yamlx.SourceLine(data, 1)}
		d.CutSource()
		if err.Code != "" {
			d.Code = err.Code
		}
		ds = diag.Diagnostics{d}
	} else {
		f, ds = decodeFactsNode(name, data, root)
	}
	if line != 1 {
		for _, d := range ds {
			shiftRange(&d.Subject, line-1)
		}
		if f != nil {
			shiftExtra(f, line-1)
		}
	}
	if ds.HasErrors() {
		ds.Sort()
		return nil, &Error{ds}
	}
	return f, nil
}

// shiftExtra moves the positions of f's declared facts down by lines.
func shiftExtra(f *Facts, by int) {
	for k, v := range f.Extra {
		shiftRange(&v.At, by)
		f.Extra[k] = v
	}
}

func shiftRange(r *diag.Range, by int) {
	if r.Start.Line > 0 {
		r.Start.Line += by
	}
	if r.End.Line > 0 {
		r.End.Line += by
	}
}

// MarshalJSON writes the facts as Decode reads them, the facts declared
// by rulesets (Extra) included, in order of name.
func (f Facts) MarshalJSON() ([]byte, error) {
	type plain Facts
	b, err := json.Marshal(plain(f))
	if err != nil || len(f.Extra) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(f.Extra))
	for k := range f.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := bytes.NewBuffer(make([]byte, 0, len(b)+32*len(keys)))
	out.Write(b[:len(b)-1])
	for i, k := range keys {
		if i > 0 || len(b) > 2 {
			out.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		v := f.Extra[k]
		switch {
		case v.IsNull:
			out.WriteString("null")
		case v.Kind == "mapping":
			out.WriteString("{}") // not a fact any ruleset can declare; kept so the stack reports it
		case v.IsList:
			items := v.Items
			if items == nil {
				items = []string{}
			}
			ib, _ := json.Marshal(items)
			out.Write(ib)
		case !v.Quoted && plainJSONScalar(v.Text):
			out.WriteString(v.Text)
		case !v.Quoted && canonicalNumber(v.Text) != "":
			// a number YAML reads but JSON does not write so (080, +80, .5)
			out.WriteString(canonicalNumber(v.Text))
		default:
			sb, _ := json.Marshal(v.Text)
			out.Write(sb)
		}
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// jsonBare reports whether JSON can write the plain scalar s without
// quotes, as itself or as the same number (080 → 80).
func jsonBare(s string) bool {
	return plainJSONScalar(s) || canonicalNumber(s) != ""
}

// plainJSONScalar reports whether s is a JSON number, true or false.
func plainJSONScalar(s string) bool {
	return s == "true" || s == "false" || isJSONNumber(s)
}

// isJSONNumber reports whether s is a number as JSON writes it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	if n := digits(); n == 0 || (n > 1 && s[start] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// canonicalNumber writes a number as JSON does, keeping its value and, for
// decimals, its places (080 → 80, +1.50 → 1.50, .5 → 0.5); "" when s is no
// number.
func canonicalNumber(s string) string {
	if n, err := strconv.Atoi(s); err == nil {
		return strconv.Itoa(n)
	}
	if strings.ContainsAny(s, "eE_") {
		return ""
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return ""
	}
	if d.Exponent() < 0 {
		return d.StringFixed(-d.Exponent())
	}
	return d.String()
}
