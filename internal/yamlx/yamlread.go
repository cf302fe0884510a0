package yamlx

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// reader walks yaml.Node trees strictly and collects diagnostics: unknown
// keys (with a "did you mean"), duplicate keys, wrong types, bad dates and
// decimals, each at its line:column with the data path. It never stops at
// the first problem.
type Reader struct {
	File  string
	Src   []byte
	Diags diag.Diagnostics
	// prefix is the code prefix of diagnostics ("ruleset" or "facts").
	Prefix string
	// budget, shared by the readers of one file, bounds the errors they
	// report (nil: no bound).
	Budget *Budget
	// lineNo and lineText remember the last line lineOf returned: the
	// extra facts of a JSON record all sit on its one line.
	lineNo   int
	lineText string
}

// lineOf returns line n of the source, for a snippet kept beside a value.
func (r *Reader) LineOf(n int) string {
	if n != r.lineNo {
		r.lineNo, r.lineText = n, SourceLine(r.Src, n)
	}
	return r.lineText
}

func (r *Reader) RangeOf(n *yaml.Node) diag.Range {
	if n == nil {
		return diag.Range{File: r.File}
	}
	rg := diag.Range{File: r.File, Start: diag.Pos{Line: n.Line, Column: n.Column}}
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && !strings.Contains(n.Value, "\n") {
		w := len([]rune(n.Value))
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			w += 2
		}
		if w > 0 {
			rg.End = diag.Pos{Line: n.Line, Column: n.Column + w}
		}
	}
	return rg
}

func (r *Reader) Add(sev diag.Severity, n *yaml.Node, path, code, hint, format string, args ...any) *diag.Diagnostic {
	if sev == diag.SeverityError && !r.Budget.Take() {
		return &diag.Diagnostic{Severity: sev, Code: code} // counted, not reported
	}
	d := &diag.Diagnostic{
		Severity: sev,
		Code:     code,
		Summary:  fmt.Sprintf(format, args...),
		Hint:     hint,
		Subject:  r.RangeOf(n),
		Path:     path,
	}
	if n != nil {
		d.Source = SourceLine(r.Src, n.Line)
		d.CutSource()
	}
	r.Diags = append(r.Diags, d)
	return d
}

// full reports whether the reader has reported as many errors as its file
// may have, and counts one more: past that, errors are only counted, and
// the work of explaining them (a "did you mean") can be skipped.
func (r *Reader) Full() bool {
	if r.Budget != nil && r.Budget.Left <= 0 {
		r.Budget.Dropped++
		return true
	}
	return false
}

func (r *Reader) Errorf(n *yaml.Node, path, code, hint, format string, args ...any) *diag.Diagnostic {
	return r.Add(diag.SeverityError, n, path, code, hint, format, args...)
}

func (r *Reader) Warnf(n *yaml.Node, path, code, hint, format string, args ...any) *diag.Diagnostic {
	return r.Add(diag.SeverityWarning, n, path, code, hint, format, args...)
}

func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func IsNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// CheckAliases reports anchors and aliases, which rulesets and facts do not
// use: they make positions ambiguous and can expand without bound; and
// explicit tags other than !!str, which would override what a value says.
func (r *Reader) CheckAliases(n *yaml.Node, path string) {
	if n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		r.Errorf(n, path, r.Prefix+".alias", "write the value out in full", "YAML aliases (*%s) are not supported", n.Value)
		return
	}
	if n.Anchor != "" {
		r.Errorf(n, path, r.Prefix+".alias", "remove the anchor and write values out in full", "YAML anchors (&%s) are not supported", n.Anchor)
	}
	if n.Style&yaml.TaggedStyle != 0 && n.Tag != "!!str" {
		// A tag overrides what the text says (region: !!int 430100,
		// blacklisted: !!bool yes): values are read by what the field
		// is. !!str is the one tag kept: it quotes.
		r.Errorf(n, path, r.Prefix+".tag", "remove the tag; quote text that would read as a number or a boolean", "YAML tags (%s) are not supported", Cut(n.Tag, 40))
	}
	for _, c := range n.Content {
		r.CheckAliases(c, path)
	}
}

// field is one key of a mapping: the key node and the value node.
type Field struct {
	Key, Val *yaml.Node
}

// fields checks that n is a mapping whose keys are all in allowed, and
// returns the values by key. Unknown and duplicate keys are reported, with a
// suggestion for a likely typo. A null node yields an empty map and ok.
//
// The map may be given back with PutFields once nothing reads it any more:
// the facts decoder does, so that decoding a portfolio's millions of
// records reuses a few maps instead of making several for each.
func (r *Reader) Fields(n *yaml.Node, path string, what string, allowed ...string) (map[string]Field, bool) {
	out := fieldMaps.Get().(map[string]Field)
	if IsNull(n) {
		return out, true
	}
	if n.Kind != yaml.MappingNode {
		r.Errorf(n, path, r.Prefix+".type", suggest.MappingHint(allowed), "%s must be a mapping of keys to values, not %s", what, Describe(n))
		return out, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.Errorf(k, path, r.Prefix+".type", "write the key as a plain name followed by a colon", "keys of %s must be plain names", what)
			continue
		}
		name := k.Value
		if prev, dup := out[name]; dup {
			r.Errorf(k, Join(path, name), r.Prefix+".duplicate_key", fmt.Sprintf("the first %q is on line %d; keep one", name, prev.Key.Line), "duplicate key %q", name)
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
			if r.Full() {
				continue // counted; no need for a hint nobody sees
			}
			hint := "allowed keys: " + strings.Join(allowed, ", ")
			if s := suggest.Closest(name, allowed); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			r.Errorf(k, Join(path, name), r.Prefix+".unknown_field", hint, "unknown field %q in %s", name, what)
			continue
		}
		out[name] = Field{k, v}
	}
	return out, true
}

var fieldMaps = sync.Pool{New: func() any { return make(map[string]Field, 8) }}

// PutFields gives back a map Fields returned, emptied; the caller must not
// use it afterwards.
func PutFields(m map[string]Field) {
	if len(m) > 64 {
		return // an odd mapping's map is left to the collector
	}
	clear(m)
	fieldMaps.Put(m)
}

// pairs returns the key/value pairs of a mapping in order (for maps keyed by
// user names, such as sources or lets).
func (r *Reader) Pairs(n *yaml.Node, path, what string) []Field {
	if IsNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.Errorf(n, path, r.Prefix+".type", "write one \"name: value\" a line, indented under the key", "%s must be a mapping, not %s", what, Describe(n))
		return nil
	}
	var out []Field
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.Errorf(k, path, r.Prefix+".type", "write the key as a plain name followed by a colon", "keys of %s must be plain names", what)
			continue
		}
		if line, dup := seen[k.Value]; dup {
			r.Errorf(k, Join(path, k.Value), r.Prefix+".duplicate_key", fmt.Sprintf("the first %q is on line %d; keep one", k.Value, line), "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, Field{k, v})
	}
	return out
}

// seq returns the items of a sequence. A null node is an empty sequence.
func (r *Reader) Seq(n *yaml.Node, path, what string) []*yaml.Node {
	if IsNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.Errorf(n, path, r.Prefix+".type", "write it as a list: [a, b] or one \"- item\" per line", "%s must be a list, not %s", what, Describe(n))
		return nil
	}
	return n.Content
}

// Cut shortens s to at most n characters, marking the cut with "…": values
// quoted in messages may be a megabyte long.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, k := 0, 0
	for i < len(s) && k < n-1 {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		k++
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}

// Describe names what n is, for messages; text is quoted and cut.
func Describe(n *yaml.Node) string {
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
		return "the number " + Cut(n.Value, 60)
	case "!!timestamp":
		return "the date " + Cut(n.Value, 60)
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return fmt.Sprintf("the string %q", Cut(n.Value, 60))
	}
	return fmt.Sprintf("%q", Cut(n.Value, 60))
}

func (r *Reader) Scalar(n *yaml.Node, path, what string) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		r.Errorf(n, path, r.Prefix+".type", "write a single value: a number, a date, or text (quoted if it has special characters)", "%s must be a single value, not %s", what, Describe(n))
		return "", false
	}
	return n.Value, true
}

func (r *Reader) Str(n *yaml.Node, path, what string) string {
	if IsNull(n) {
		return ""
	}
	s, ok := r.Scalar(n, path, what)
	if !ok {
		return ""
	}
	if n.Tag != "!!str" && n.Tag != "" {
		// A number or a date where text is expected is almost always a
		// mistake in a code field; accept it but keep the text as written.
		if n.Tag == "!!bool" || n.Tag == "!!null" {
			r.Errorf(n, path, r.Prefix+".type", fmt.Sprintf("quote it if you mean the text: %s: %q", lastKey(path), n.Value), "%s must be text, not %s", what, Describe(n))
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

func (r *Reader) Bool(n *yaml.Node, path, what string) (bool, bool) {
	s, ok := r.Scalar(n, path, what)
	if !ok {
		return false, false
	}
	if n.Tag != "!!bool" {
		hint := "write true or false, without quotes"
		r.Errorf(n, path, r.Prefix+".type", hint, "%s must be true or false, not %s", what, Describe(n))
		return false, false
	}
	return s == "true", true
}

// integer reads a whole number in [lo, hi], written in decimal digits
// (see ParseWhole).
func (r *Reader) Int(n *yaml.Node, path, what string, lo, hi int) (int, bool) {
	s, ok := r.Scalar(n, path, what)
	if !ok {
		return 0, false
	}
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.TaggedStyle) != 0
	if n.Tag != "!!int" && (quoted || n.Tag == "!!bool" || n.Tag == "!!null" || !WholeLike(s)) {
		hint := ""
		if n.Tag == "!!float" {
			hint = "write a whole number without a decimal point"
		} else if n.Tag == "!!str" && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			if _, err := ParseWhole(s); err == nil {
				hint = "remove the quotes"
			}
		}
		r.Errorf(n, path, r.Prefix+".type", hint, "%s must be a whole number, not %s", what, Describe(n))
		return 0, false
	}
	v, err := ParseWhole(s)
	if err == ErrWholeForm {
		r.Errorf(n, path, r.Prefix+".type", WholeHint, "%s must be a whole number in decimal digits, not %s", what, s)
		return 0, false
	}
	if err != nil || v < int64(lo) || v > int64(hi) {
		r.Errorf(n, path, r.Prefix+".range", fmt.Sprintf("it must lie between %d and %d", lo, hi), "%s is out of range: %s", what, s)
		return 0, false
	}
	return int(v), true
}

// ErrWholeForm is ParseWhole's error for text that is not a whole number
// in decimal digits; WholeHint says how to write one.
var ErrWholeForm = errors.New("not a whole number in decimal digits")

const WholeHint = "write whole numbers in decimal digits, without leading zeros, a plus sign, separators such as _ or a prefix such as 0x (YAML reads 010 as 8)"

// ParseWhole reads a whole number the one way the engine takes them, in
// YAML, JSON, CSV and declared facts alike: an optional minus sign and
// decimal digits, without leading zeros. YAML would read 010 as the octal
// 8 and take 0x10, 0o17, 0b11, 1_000 and +5, which JSON refuses: an
// enterprise's headcount must not depend on the format it was written in.
// The error is ErrWholeForm, or strconv's range error past int64.
func ParseWhole(s string) (int64, error) {
	d := strings.TrimPrefix(s, "-")
	if d == "" || (d[0] == '0' && len(d) > 1) {
		return 0, ErrWholeForm
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return 0, ErrWholeForm
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// WholeLike reports whether a plain scalar is written as some whole number
// (decimal, octal, hexadecimal, binary, with _ separators or a sign), so
// that its form, not its type, is what is wrong with it.
func WholeLike(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if len(s) > 2 && s[0] == '0' && strings.ContainsRune("xXoObB", rune(s[1])) {
		return true
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '_' {
			return false
		}
	}
	return true
}

// Limits on decimals read from rulesets and facts: amounts below 10^15 yuan
// with at most 16 decimal places (the scale a division keeps) cover every
// rate, ratio and amount in scope, and keep hostile input ("1e999999999")
// from exhausting memory.
const (
	maxDecimalIntDigits  = 15
	MaxDecimalFracDigits = 16
)

// exponentForm is a number in scientific notation; the group is the
// exponent.
var exponentForm = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)e([+-]?[0-9]+)$`)

// DecimalRange says what is wrong with d if it lies outside the decimals
// the engine takes (more than MaxDecimalFracDigits significant places, or
// 10^15 and more), or "" if it is fine.
func DecimalRange(d decimal.Decimal) string {
	// in int64 when the coefficient fits: what checking the facts of every
	// quote costs most often (and, for an exponent near the int32 bounds,
	// an answer where decimalRange would work on billions of digits)
	if morePlaces, tooLarge, ok := fixed.Of(d).Exceeds(MaxDecimalFracDigits, maxDecimalIntDigits); ok {
		switch {
		case morePlaces:
			return fmt.Sprintf("has more than %d decimal places", MaxDecimalFracDigits)
		case tooLarge:
			return fmt.Sprintf("is too large (at most %d digits before the point)", maxDecimalIntDigits)
		}
		return ""
	}
	return decimalRange(d)
}

// decimalRange is DecimalRange for any decimal.
func decimalRange(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	exp := d.Exponent()
	if -exp > MaxDecimalFracDigits && !d.Equal(d.Truncate(MaxDecimalFracDigits)) {
		return fmt.Sprintf("has more than %d decimal places", MaxDecimalFracDigits)
	}
	if tooLarge(d, exp) {
		return fmt.Sprintf("is too large (at most %d digits before the point)", maxDecimalIntDigits)
	}
	return ""
}

// magnitudeBounds[i] are ±10^maxDecimalIntDigits with exponent i+minBoundExp:
// a decimal compares with the bound of its own exponent without being
// rescaled, so that checking valid facts allocates nothing.
const minBoundExp = -40

var magnitudeBounds = func() (b [maxDecimalIntDigits - minBoundExp + 1][2]decimal.Decimal) {
	for i := range b {
		exp := int32(i + minBoundExp)
		c := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(maxDecimalIntDigits-exp)), nil) // 10^(15-exp)
		b[i] = [2]decimal.Decimal{decimal.NewFromBigInt(c, exp), decimal.NewFromBigInt(new(big.Int).Neg(c), exp)}
	}
	return b
}()

// tooLarge reports whether |d| ≥ 10^maxDecimalIntDigits; d is not zero.
func tooLarge(d decimal.Decimal, exp int32) bool {
	switch {
	case exp > maxDecimalIntDigits:
		return true
	case exp < minBoundExp:
		return d.Abs().Cmp(decimal.New(1, maxDecimalIntDigits)) >= 0
	}
	b := &magnitudeBounds[exp-minBoundExp]
	return d.Cmp(b[0]) >= 0 || d.Cmp(b[1]) <= 0
}

// ParseDecimal parses s exactly (never through float64) and checks the
// limits. It returns a message for the user when s is not acceptable.
func ParseDecimal(s string) (decimal.Decimal, string) {
	if d, ok := plainDecimal(s); ok {
		return d, ""
	}
	return parseDecimal(s)
}

// plainDecimal parses the form nearly every number in facts and rulesets
// takes, an optional minus, digits and at most one point between digits,
// without the checks and the big-number parse the general path makes: with
// at most maxDecimalIntDigits digits before the point and
// MaxDecimalFracDigits after it, and eighteen digits in all, the number is
// in range and its coefficient fits an int64. It gives the decimal
// parseDecimal gives, the same coefficient and exponent; ok is false for
// any other form, which parseDecimal then reads.
func plainDecimal(s string) (d decimal.Decimal, ok bool) {
	c, e, ok := plainParts(s)
	if !ok {
		return d, false
	}
	return decimal.New(c, e), true
}

// plainParts is plainDecimal's coefficient and exponent.
func plainParts(s string) (c int64, e int32, ok bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	intDigits, fracDigits, point := 0, 0, false
	for ; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			c = c*10 + int64(ch-'0')
			if point {
				fracDigits++
			} else {
				intDigits++
			}
		case ch == '.' && !point:
			point = true
		default:
			return 0, 0, false
		}
	}
	if intDigits == 0 || (point && fracDigits == 0) || intDigits > maxDecimalIntDigits ||
		fracDigits > MaxDecimalFracDigits || intDigits+fracDigits > 18 {
		return 0, 0, false
	}
	if neg {
		c = -c
	}
	return c, int32(-fracDigits), true
}

// parseDecimal is ParseDecimal for any form.
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
	if msg := DecimalRange(d); msg != "" {
		return decimal.Decimal{}, msg
	}
	if -d.Exponent() > MaxDecimalFracDigits {
		d = d.Truncate(MaxDecimalFracDigits) // only trailing zeros were dropped
	}
	return d, ""
}

func (r *Reader) Dec(n *yaml.Node, path, what string) (decimal.Decimal, bool) {
	s, ok := r.Scalar(n, path, what)
	if !ok {
		return decimal.Decimal{}, false
	}
	switch n.Tag {
	case "!!int", "!!float", "!!str":
	default:
		r.Errorf(n, path, r.Prefix+".type", "write a number such as 300000 or \"0.85\"", "%s must be a decimal number, not %s", what, Describe(n))
		return decimal.Decimal{}, false
	}
	d, msg := ParseDecimal(s)
	if msg != "" {
		code := r.Prefix + ".decimal"
		if strings.Contains(msg, "too") || strings.Contains(msg, "places") || strings.Contains(msg, "exponent") {
			code = r.Prefix + ".decimal_range"
		}
		r.Errorf(n, path, code, "write a plain decimal such as 1250.50", "%s %s: %q", what, msg, s)
		return decimal.Decimal{}, false
	}
	if r.Prefix == "facts" {
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
func Date[D dateLike[D]](r *Reader, n *yaml.Node, path, what string, parse func(string) (D, error), lo, hi D) (D, bool) {
	var zero D
	s, ok := r.Scalar(n, path, what)
	if !ok {
		return zero, false
	}
	if n.Tag != "!!timestamp" && n.Tag != "!!str" {
		r.Errorf(n, path, r.Prefix+".date", "write the date as YYYY-MM-DD, e.g. 2021-09-01", "%s must be a date, not %s", what, Describe(n))
		return zero, false
	}
	d, err := parse(s)
	if err != nil {
		hint := "write the date as YYYY-MM-DD, e.g. 2021-09-01"
		if strings.ContainsAny(s, "T ") && len(s) > 10 {
			hint = "give the date only, without a time of day"
		}
		r.Errorf(n, path, r.Prefix+".date", hint, "%s: %v", what, err)
		return zero, false
	}
	if d.Before(lo) || d.After(hi) {
		r.Errorf(n, path, r.Prefix+".date_range", fmt.Sprintf("dates must lie between %s and %s", lo, hi), "%s is out of range: %s", what, s)
		return zero, false
	}
	return d, true
}

// strs reads a list of strings (a single string is not a list).
func (r *Reader) Strs(n *yaml.Node, path, what string) []string {
	items := r.Seq(n, path, what)
	out := make([]string, 0, len(items))
	for i, it := range items {
		if it.Kind != yaml.ScalarNode || IsNull(it) {
			r.Errorf(it, Index(path, i), r.Prefix+".type", "write each item as a code or text: [a, b]", "items of %s must be single values, not %s", what, Describe(it))
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

func (r *Reader) CheckCode(n *yaml.Node, path, what, code string, vocab codeSet) bool {
	if vocab.Has(code) {
		return true
	}
	if r.Full() {
		return false
	}
	codes := vocab.Codes()
	hint := ""
	if s := suggest.Closest(code, codes); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	} else {
		hint = suggest.CodesHint(codes)
	}
	r.Errorf(n, path, r.Prefix+".unknown_code", hint, "unknown %s code %q", what, code)
	return false
}

const MaxInt = math.MaxInt32

// FactDecimal reads s as Reader.Dec reads a decimal of the facts
// (ParseDecimal, then trimPlaces), for a decoder that reads facts without
// nodes; ok is false wherever Dec would report an error.
func FactDecimal(s string) (decimal.Decimal, bool) {
	d, msg := ParseDecimal(s)
	if msg != "" {
		return decimal.Decimal{}, false
	}
	return trimPlaces(d), true
}

// FactDecimalPtr is FactDecimal's decimal, new, in one allocation with its
// coefficient (fixed.NewDec) when s is in plainDecimal's form: a decoder
// of facts, which keeps each amount behind a pointer, makes one allocation
// of an amount instead of three.
func FactDecimalPtr(s string) (*decimal.Decimal, bool) {
	c, e, ok := plainParts(s)
	if !ok {
		d, ok := FactDecimal(s)
		return &d, ok
	}
	if e < 0 {
		// trimPlaces, on the parts
		if c == 0 {
			return new(decimal.Decimal), true
		}
		for e < 0 && c%10 == 0 {
			c, e = c/10, e+1
		}
	}
	return fixed.NewDec(c, e), true
}

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
