package rulesets

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// reader walks yaml.Node trees strictly and collects diagnostics: unknown
// keys (with a "did you mean"), duplicate keys, wrong types, bad dates and
// decimals, each at its line:column with the data path. It never stops at
// the first problem.
type reader struct {
	file  string
	src   []byte
	diags Diagnostics
	// prefix is the code prefix of diagnostics ("ruleset" or "facts").
	prefix string
	// budget, shared by the readers of one file, bounds the errors they
	// report (nil: no bound).
	budget *errorBudget
	// lineNo and lineText remember the last line lineOf returned: the
	// extra facts of a JSON record all sit on its one line.
	lineNo   int
	lineText string
}

// lineOf returns line n of the source, for a snippet kept beside a value.
func (r *reader) lineOf(n int) string {
	if n != r.lineNo {
		r.lineNo, r.lineText = n, sourceLine(r.src, n)
	}
	return r.lineText
}

func (r *reader) rangeOf(n *yaml.Node) Range {
	if n == nil {
		return Range{File: r.file}
	}
	rg := Range{File: r.file, Start: Pos{Line: n.Line, Column: n.Column}}
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && !strings.Contains(n.Value, "\n") {
		w := len([]rune(n.Value))
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			w += 2
		}
		if w > 0 {
			rg.End = Pos{Line: n.Line, Column: n.Column + w}
		}
	}
	return rg
}

func (r *reader) add(sev Severity, n *yaml.Node, path, code, hint, format string, args ...any) *Diagnostic {
	if sev == SeverityError && !r.budget.take() {
		return &Diagnostic{Severity: sev, Code: code} // counted, not reported
	}
	d := &Diagnostic{
		Severity: sev,
		Code:     code,
		Summary:  fmt.Sprintf(format, args...),
		Hint:     hint,
		Subject:  r.rangeOf(n),
		Path:     path,
	}
	if n != nil {
		d.Source = sourceLine(r.src, n.Line)
	}
	r.diags = append(r.diags, d)
	return d
}

// full reports whether the reader has reported as many errors as its file
// may have, and counts one more: past that, errors are only counted, and
// the work of explaining them (a "did you mean") can be skipped.
func (r *reader) full() bool {
	if r.budget != nil && r.budget.left <= 0 {
		r.budget.dropped++
		return true
	}
	return false
}

func (r *reader) errorf(n *yaml.Node, path, code, hint, format string, args ...any) *Diagnostic {
	return r.add(SeverityError, n, path, code, hint, format, args...)
}

func (r *reader) warnf(n *yaml.Node, path, code, hint, format string, args ...any) *Diagnostic {
	return r.add(SeverityWarning, n, path, code, hint, format, args...)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// checkAliases reports anchors and aliases, which rulesets and facts do not
// use: they make positions ambiguous and can expand without bound.
func (r *reader) checkAliases(n *yaml.Node, path string) {
	if n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		r.errorf(n, path, r.prefix+".alias", "write the value out in full", "YAML aliases (*%s) are not supported", n.Value)
		return
	}
	if n.Anchor != "" {
		r.errorf(n, path, r.prefix+".alias", "remove the anchor and write values out in full", "YAML anchors (&%s) are not supported", n.Anchor)
	}
	for _, c := range n.Content {
		r.checkAliases(c, path)
	}
}

// field is one key of a mapping: the key node and the value node.
type field struct {
	key, val *yaml.Node
}

// fields checks that n is a mapping whose keys are all in allowed, and
// returns the values by key. Unknown and duplicate keys are reported, with a
// suggestion for a likely typo. A null node yields an empty map and ok.
func (r *reader) fields(n *yaml.Node, path string, what string, allowed ...string) (map[string]field, bool) {
	out := map[string]field{}
	if isNull(n) {
		return out, true
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(n, path, r.prefix+".type", mappingHint(allowed), "%s must be a mapping of keys to values, not %s", what, describe(n))
		return out, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.errorf(k, path, r.prefix+".type", "write the key as a plain name followed by a colon", "keys of %s must be plain names", what)
			continue
		}
		name := k.Value
		if prev, dup := out[name]; dup {
			r.errorf(k, join(path, name), r.prefix+".duplicate_key", fmt.Sprintf("the first %q is on line %d; keep one", name, prev.key.Line), "duplicate key %q", name)
			continue
		}
		known := false
		for _, a := range allowed {
			if a == name {
				known = true
				break
			}
		}
		if !known && allowed != nil {
			if r.full() {
				continue // counted; no need for a hint nobody sees
			}
			hint := "allowed keys: " + strings.Join(allowed, ", ")
			if s := suggest(name, allowed); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			r.errorf(k, join(path, name), r.prefix+".unknown_field", hint, "unknown field %q in %s", name, what)
			continue
		}
		out[name] = field{k, v}
	}
	return out, true
}

// pairs returns the key/value pairs of a mapping in order (for maps keyed by
// user names, such as sources or lets).
func (r *reader) pairs(n *yaml.Node, path, what string) []field {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(n, path, r.prefix+".type", "write one \"name: value\" a line, indented under the key", "%s must be a mapping, not %s", what, describe(n))
		return nil
	}
	var out []field
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.errorf(k, path, r.prefix+".type", "write the key as a plain name followed by a colon", "keys of %s must be plain names", what)
			continue
		}
		if line, dup := seen[k.Value]; dup {
			r.errorf(k, join(path, k.Value), r.prefix+".duplicate_key", fmt.Sprintf("the first %q is on line %d; keep one", k.Value, line), "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, field{k, v})
	}
	return out
}

// seq returns the items of a sequence. A null node is an empty sequence.
func (r *reader) seq(n *yaml.Node, path, what string) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, path, r.prefix+".type", "write it as a list: [a, b] or one \"- item\" per line", "%s must be a list, not %s", what, describe(n))
		return nil
	}
	return n.Content
}

func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!bool":
		return "the boolean " + n.Value
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!timestamp":
		return "the date " + n.Value
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return fmt.Sprintf("the string %q", n.Value)
	}
	return fmt.Sprintf("%q", n.Value)
}

func (r *reader) scalar(n *yaml.Node, path, what string) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		r.errorf(n, path, r.prefix+".type", "write a single value: a number, a date, or text (quoted if it has special characters)", "%s must be a single value, not %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

func (r *reader) str(n *yaml.Node, path, what string) string {
	if isNull(n) {
		return ""
	}
	s, ok := r.scalar(n, path, what)
	if !ok {
		return ""
	}
	if n.Tag != "!!str" && n.Tag != "" {
		// A number or a date where text is expected is almost always a
		// mistake in a code field; accept it but keep the text as written.
		if n.Tag == "!!bool" || n.Tag == "!!null" {
			r.errorf(n, path, r.prefix+".type", fmt.Sprintf("quote it if you mean the text: %s: %q", lastKey(path), n.Value), "%s must be text, not %s", what, describe(n))
			return ""
		}
	}
	return s
}

func lastKey(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && i+1 < len(path) {
		return path[i+1:]
	}
	return path
}

func (r *reader) boolean(n *yaml.Node, path, what string) (bool, bool) {
	s, ok := r.scalar(n, path, what)
	if !ok {
		return false, false
	}
	if n.Tag != "!!bool" {
		hint := "write true or false, without quotes"
		r.errorf(n, path, r.prefix+".type", hint, "%s must be true or false, not %s", what, describe(n))
		return false, false
	}
	return s == "true", true
}

// integer reads a whole number in [lo, hi].
func (r *reader) integer(n *yaml.Node, path, what string, lo, hi int) (int, bool) {
	s, ok := r.scalar(n, path, what)
	if !ok {
		return 0, false
	}
	if n.Tag != "!!int" {
		hint := ""
		if n.Tag == "!!float" {
			hint = "write a whole number without a decimal point"
		} else if n.Tag == "!!str" && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			if _, err := strconv.Atoi(s); err == nil {
				hint = "remove the quotes"
			}
		}
		r.errorf(n, path, r.prefix+".type", hint, "%s must be a whole number, not %s", what, describe(n))
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
	if err != nil || v < int64(lo) || v > int64(hi) {
		r.errorf(n, path, r.prefix+".range", fmt.Sprintf("it must lie between %d and %d", lo, hi), "%s is out of range: %s", what, s)
		return 0, false
	}
	return int(v), true
}

// Limits on decimals read from rulesets and facts: amounts below 10^15 yuan
// with at most 16 decimal places (the scale a division keeps) cover every
// rate, ratio and amount in scope, and keep hostile input ("1e999999999")
// from exhausting memory.
const (
	maxDecimalIntDigits  = 15
	maxDecimalFracDigits = 16
)

// exponentForm is a number in scientific notation; the group is the
// exponent.
var exponentForm = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)e([+-]?[0-9]+)$`)

// parseDecimal parses s exactly (never through float64) and checks the
// limits. It returns a message for the user when s is not acceptable.
func parseDecimal(s string) (decimal.Decimal, string) {
	t := strings.TrimSpace(s)
	if t == "" {
		return decimal.Decimal{}, "is empty"
	}
	lower := strings.ToLower(t)
	if strings.Contains(lower, "inf") || strings.Contains(lower, "nan") {
		return decimal.Decimal{}, "is not a finite number"
	}
	if strings.ContainsAny(t, "_,") {
		return decimal.Decimal{}, "must not contain separators such as , or _"
	}
	if m := exponentForm.FindStringSubmatch(lower); m != nil {
		exp, err := strconv.Atoi(m[1])
		if err != nil || exp > 40 || exp < -40 {
			return decimal.Decimal{}, "has an exponent out of range"
		}
	} else if strings.Contains(lower, "e") {
		return decimal.Decimal{}, "is not a decimal number"
	}
	if len(t) > 64 {
		return decimal.Decimal{}, "has too many digits"
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return decimal.Decimal{}, "is not a decimal number"
	}
	if -d.Exponent() > maxDecimalFracDigits && !d.Equal(d.Truncate(maxDecimalFracDigits)) {
		return decimal.Decimal{}, fmt.Sprintf("has more than %d decimal places", maxDecimalFracDigits)
	}
	if d.Abs().Cmp(decimal.New(1, maxDecimalIntDigits)) >= 0 {
		return decimal.Decimal{}, fmt.Sprintf("is too large (at most %d digits before the point)", maxDecimalIntDigits)
	}
	if -d.Exponent() > maxDecimalFracDigits {
		d = d.Truncate(maxDecimalFracDigits) // only trailing zeros were dropped
	}
	return d, ""
}

func (r *reader) dec(n *yaml.Node, path, what string) (decimal.Decimal, bool) {
	s, ok := r.scalar(n, path, what)
	if !ok {
		return decimal.Decimal{}, false
	}
	switch n.Tag {
	case "!!int", "!!float", "!!str":
	default:
		r.errorf(n, path, r.prefix+".type", "write a number such as 300000 or \"0.85\"", "%s must be a decimal number, not %s", what, describe(n))
		return decimal.Decimal{}, false
	}
	d, msg := parseDecimal(s)
	if msg != "" {
		code := r.prefix + ".decimal"
		if strings.Contains(msg, "too") || strings.Contains(msg, "places") || strings.Contains(msg, "exponent") {
			code = r.prefix + ".decimal_range"
		}
		r.errorf(n, path, code, "write a plain decimal such as 1250.50", "%s %s: %q", what, msg, s)
		return decimal.Decimal{}, false
	}
	if r.prefix == "facts" {
		d = trimPlaces(d)
	}
	return d, true
}

// dateLike is a date type the reader can check a range of.
type dateLike[D any] interface {
	Before(D) bool
	After(D) bool
	String() string
}

// readDate reads a date scalar with parse and checks it lies between lo and
// hi.
func readDate[D dateLike[D]](r *reader, n *yaml.Node, path, what string, parse func(string) (D, error), lo, hi D) (D, bool) {
	var zero D
	s, ok := r.scalar(n, path, what)
	if !ok {
		return zero, false
	}
	if n.Tag != "!!timestamp" && n.Tag != "!!str" {
		r.errorf(n, path, r.prefix+".date", "write the date as YYYY-MM-DD, e.g. 2021-09-01", "%s must be a date, not %s", what, describe(n))
		return zero, false
	}
	d, err := parse(s)
	if err != nil {
		hint := "write the date as YYYY-MM-DD, e.g. 2021-09-01"
		if strings.ContainsAny(s, "T ") && len(s) > 10 {
			hint = "give the date only, without a time of day"
		}
		r.errorf(n, path, r.prefix+".date", hint, "%s: %v", what, err)
		return zero, false
	}
	if d.Before(lo) || d.After(hi) {
		r.errorf(n, path, r.prefix+".date_range", fmt.Sprintf("dates must lie between %s and %s", lo, hi), "%s is out of range: %s", what, s)
		return zero, false
	}
	return d, true
}

// strs reads a list of strings (a single string is not a list).
func (r *reader) strs(n *yaml.Node, path, what string) []string {
	items := r.seq(n, path, what)
	out := make([]string, 0, len(items))
	for i, it := range items {
		if it.Kind != yaml.ScalarNode || isNull(it) {
			r.errorf(it, index(path, i), r.prefix+".type", "write each item as a code or text: [a, b]", "items of %s must be single values, not %s", what, describe(it))
			continue
		}
		out = append(out, it.Value)
	}
	return out
}

// checkCode reports a code that is not in vocab, with a suggestion.
// codeSet is a vocabulary as the reader checks codes against it.
type codeSet interface {
	Has(code string) bool
	Codes() []string
}

func (r *reader) checkCode(n *yaml.Node, path, what, code string, vocab codeSet) bool {
	if vocab.Has(code) {
		return true
	}
	if r.full() {
		return false
	}
	codes := vocab.Codes()
	hint := ""
	if s := suggest(code, codes); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	} else {
		hint = codesHint(codes)
	}
	r.errorf(n, path, r.prefix+".unknown_code", hint, "unknown %s code %q", what, code)
	return false
}

const maxInt = math.MaxInt32

// trimPlaces drops the trailing zeros after the point of a fact: 1.50 is
// 1.5 and 300000.00 is 300000, as JSON writes them, so that facts read the
// same from YAML, from JSON and from the JSON they are written to. (The
// places of an amount are the ruleset's to declare, not the facts'.)
func trimPlaces(d decimal.Decimal) decimal.Decimal {
	if d.Exponent() >= 0 {
		return d
	}
	if d.IsZero() {
		return decimal.Decimal{}
	}
	if n := d.Normalize(); n.Exponent() <= 0 {
		return n
	}
	return d.Truncate(0) // a whole number: exponent 0, not 15e2
}
