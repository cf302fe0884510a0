package anzexian

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// AppendJSON appends the JSON form of a (the output contract of
// DESIGN.md) to dst and returns the extended buffer. The bytes are exactly
// those encoding/json writes for the Assessment — field order, omitted
// fields, HTML-safe string escaping, money with its declared scale — but
// written directly, without reflection, so that encoding an answer costs
// less than computing it. A nil Assessment is null.
func (a *Assessment) AppendJSON(dst []byte) []byte {
	if a == nil {
		return append(dst, "null"...)
	}
	w := jw{b: dst}
	w.open()
	if a.Enterprise != "" {
		w.str("enterprise", a.Enterprise)
	}
	w.str("region", a.Region)
	w.date("as_of", a.AsOf)
	if a.Insurer != "" {
		w.str("insurer", a.Insurer)
	}
	w.key("rulesets")
	if a.Rulesets == nil {
		w.null()
	} else {
		w.b = append(w.b, '[')
		for i := range a.Rulesets {
			w.elem(i)
			w.layer(&a.Rulesets[i])
		}
		w.b = append(w.b, ']')
	}
	w.strs("notes", a.Notes)
	w.key("coverage")
	w.coverage(a.Coverage)
	w.key("premium")
	w.premium(a.Premium)
	if inc := a.PremiumIncomplete; inc != nil {
		w.key("premium_incomplete")
		w.open()
		w.str("reason", inc.Reason)
		if len(inc.Undetermined) > 0 {
			w.undetermined("undetermined", inc.Undetermined)
		}
		w.close()
	}
	w.key("penalties")
	if a.Penalties == nil {
		w.null()
	} else {
		w.b = append(w.b, '[')
		for i := range a.Penalties {
			w.elem(i)
			w.penalty(&a.Penalties[i])
		}
		w.b = append(w.b, ']')
	}
	w.key("consequences")
	if a.Consequences == nil {
		w.null()
	} else {
		w.b = append(w.b, '[')
		for i := range a.Consequences {
			c := &a.Consequences[i]
			w.elem(i)
			w.open()
			w.str("id", c.ID)
			w.str("rule", c.Rule)
			if c.Kind != "" {
				w.str("kind", c.Kind)
			}
			w.str("text", c.Text)
			w.cites("cite", c.Cite)
			w.close()
		}
		w.b = append(w.b, ']')
	}
	if len(a.References) > 0 {
		w.key("references")
		w.b = append(w.b, '[')
		for i := range a.References {
			r := &a.References[i]
			w.elem(i)
			w.open()
			w.str("id", r.ID)
			w.str("rule", r.Rule)
			w.str("title", r.Title)
			w.strs("items", r.Items)
			if r.Note != "" {
				w.str("note", r.Note)
			}
			w.cites("cite", r.Cite)
			w.close()
		}
		w.b = append(w.b, ']')
	}
	if t := a.Trace; t != nil {
		w.key("trace")
		w.open()
		w.key("rules")
		if t.Rules == nil {
			w.null()
		} else {
			w.b = append(w.b, '[')
			for i := range t.Rules {
				e := &t.Rules[i]
				w.elem(i)
				w.open()
				w.str("rule", e.Rule)
				w.str("kind", e.Kind)
				w.str("outcome", e.Outcome)
				if len(e.Missing) > 0 {
					w.strs("missing", e.Missing)
				}
				if e.Detail != "" {
					w.str("detail", e.Detail)
				}
				w.close()
			}
			w.b = append(w.b, ']')
		}
		if len(t.Ignored) > 0 {
			w.strs("ignored", t.Ignored)
		}
		w.close()
	}
	w.close()
	return w.b
}

// MarshalJSON implements json.Marshaler with [Assessment.AppendJSON].
func (a *Assessment) MarshalJSON() ([]byte, error) {
	return a.AppendJSON(make([]byte, 0, 4096)), nil
}

// jw writes JSON objects: it tracks whether a field is the first of its
// object, so that callers only name keys and values.
type jw struct {
	b     []byte
	first bool
}

func (w *jw) open() {
	w.b = append(w.b, '{')
	w.first = true
}

func (w *jw) close() {
	w.b = append(w.b, '}')
	w.first = false
}

func (w *jw) key(k string) {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

func (w *jw) elem(i int) {
	if i > 0 {
		w.b = append(w.b, ',')
	}
}

func (w *jw) null() { w.b = append(w.b, "null"...) }

func (w *jw) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

func (w *jw) boolean(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *jw) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

// strs writes a list of strings (null when nil).
func (w *jw) strs(k string, v []string) {
	w.key(k)
	w.strList(v)
}

func (w *jw) strList(v []string) {
	if v == nil {
		w.null()
		return
	}
	w.b = append(w.b, '[')
	for i, s := range v {
		w.elem(i)
		w.b = appendString(w.b, s)
	}
	w.b = append(w.b, ']')
}

// date writes a date as encoding/json writes a TextMarshaler.
func (w *jw) date(k string, d rulesets.Date) {
	w.key(k)
	w.b = appendDate(w.b, d)
}

// dec writes a decimal.Decimal field as its MarshalJSON does.
func (w *jw) dec(k string, d decimal.Decimal) {
	w.key(k)
	if decimal.MarshalJSONWithoutQuotes {
		w.b = rulesets.AppendDecimal(w.b, d)
		return
	}
	w.b = append(w.b, '"')
	w.b = rulesets.AppendDecimal(w.b, d)
	w.b = append(w.b, '"')
}

// decString writes a decimal as a JSON string of d.String().
func (w *jw) decString(k string, d decimal.Decimal) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = rulesets.AppendDecimal(w.b, d)
	w.b = append(w.b, '"')
}

// fixed writes d.StringFixed(places) as a JSON string.
func (w *jw) fixed(k string, d decimal.Decimal, places int32) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = rulesets.AppendFixed(w.b, d, places)
	w.b = append(w.b, '"')
}

func (w *jw) layer(l *Layer) {
	w.open()
	w.str("id", l.ID)
	w.str("version", l.Version)
	w.str("status", string(l.Status))
	w.str("kind", string(l.Kind))
	w.str("title", l.Title)
	w.str("region", l.Region)
	if l.Insurer != "" {
		w.str("insurer", l.Insurer)
	}
	w.key("effective")
	w.open()
	w.date("from", l.Effective.From)
	if !l.Effective.Until.IsZero() {
		w.date("until", l.Effective.Until)
	}
	if l.Effective.Assumed {
		w.boolean("assumed", true)
	}
	w.close()
	w.str("digest", l.Digest)
	if l.Role != "" {
		w.str("role", l.Role)
	}
	w.close()
}

func (w *jw) cites(k string, cs []rulesets.Citation) {
	w.key(k)
	if cs == nil {
		w.null()
		return
	}
	w.b = append(w.b, '[')
	for i := range cs {
		c := &cs[i]
		w.elem(i)
		w.open()
		w.str("ruleset", c.Ruleset)
		w.str("source", c.Source)
		w.str("title", c.Title)
		if c.Number != "" {
			w.str("number", c.Number)
		}
		if c.Article != "" {
			w.str("article", c.Article)
		}
		if c.Draft {
			w.boolean("draft", true)
		}
		if c.Unverified {
			w.boolean("unverified", true)
		}
		w.close()
	}
	w.b = append(w.b, ']')
}

func (w *jw) undetermined(k string, us []rulesets.Undetermined) {
	w.key(k)
	if us == nil {
		w.null()
		return
	}
	w.b = append(w.b, '[')
	for i := range us {
		u := &us[i]
		w.elem(i)
		w.open()
		w.str("rule", u.Rule)
		w.str("kind", u.Kind)
		if len(u.Missing) > 0 {
			w.strs("missing", u.Missing)
		}
		if u.Error != "" {
			w.str("error", u.Error)
		}
		w.close()
	}
	w.b = append(w.b, ']')
}

func (w *jw) coverage(r *coverage.Result) {
	if r == nil {
		w.null()
		return
	}
	w.open()
	w.str("obligation", string(r.Obligation))
	w.key("reasons")
	if r.Reasons == nil {
		w.null()
	} else {
		w.b = append(w.b, '[')
		for i := range r.Reasons {
			x := &r.Reasons[i]
			w.elem(i)
			w.open()
			w.str("rule", x.Rule)
			w.str("obligation", string(x.Obligation))
			w.str("text", x.Text)
			w.cites("cite", x.Cite)
			if x.Note != "" {
				w.str("note", x.Note)
			}
			w.close()
		}
		w.b = append(w.b, ']')
	}
	w.key("requirements")
	w.b = append(w.b, '{')
	for i := range r.Requirements.Items {
		it := &r.Requirements.Items[i]
		w.elem(i)
		w.b = appendString(w.b, it.Field)
		w.b = append(w.b, ':')
		w.open()
		w.str("label", it.Label)
		w.key("value")
		w.requirementValue(it.Value)
		w.key("basis")
		if it.Basis == nil {
			w.null()
		} else {
			w.b = append(w.b, '[')
			for j := range it.Basis {
				b := &it.Basis[j]
				w.elem(j)
				w.open()
				w.str("rule", b.Rule)
				w.str("text", b.Text)
				w.key("value")
				w.requirementValue(b.Value)
				w.boolean("binding", b.Binding)
				w.cites("cite", b.Cite)
				w.close()
			}
			w.b = append(w.b, ']')
		}
		w.close()
	}
	w.b = append(w.b, '}')
	w.first = false
	w.key("findings")
	if r.Findings == nil {
		w.null()
	} else {
		w.b = append(w.b, '[')
		for i := range r.Findings {
			f := &r.Findings[i]
			w.elem(i)
			w.open()
			w.str("id", f.ID)
			w.str("severity", f.Severity)
			w.str("text", f.Text)
			if f.Requirement != "" {
				w.str("requirement", f.Requirement)
			}
			w.cites("cite", f.Cite)
			if len(f.Rules) > 0 {
				w.strs("rules", f.Rules)
			}
			w.close()
		}
		w.b = append(w.b, ']')
	}
	if len(r.Undetermined) > 0 {
		w.undetermined("undetermined", r.Undetermined)
	}
	if r.Incomplete != "" {
		w.str("incomplete", r.Incomplete)
	}
	w.close()
}

// requirementValue writes a requirement's value as coverage writes it: a
// decimal as a string, anything else as encoding/json would.
func (w *jw) requirementValue(v any) {
	switch x := v.(type) {
	case decimal.Decimal:
		w.b = append(w.b, '"')
		w.b = rulesets.AppendDecimal(w.b, x)
		w.b = append(w.b, '"')
	case bool:
		w.b = strconv.AppendBool(w.b, x)
	case string:
		w.b = appendString(w.b, x)
	case []string:
		w.strList(x)
	case nil:
		w.null()
	default:
		w.b = appendAny(w.b, v)
	}
}

func (w *jw) premium(p *rating.Premium) {
	if p == nil {
		w.null()
		return
	}
	scale := p.Rounding.Scale
	w.open()
	w.key("base")
	w.open()
	b := &p.Base
	w.str("rule", b.Rule)
	w.str("text", b.Text)
	if t := b.Table; t != nil {
		w.key("table")
		w.open()
		w.str("table", t.Table)
		w.str("ref", t.Ref)
		w.str("title", t.Title)
		w.str("unit", t.Unit)
		w.int("row", int64(t.Row))
		w.key("keys")
		if t.Keys == nil {
			w.null()
		} else {
			w.b = append(w.b, '[')
			for i := range t.Keys {
				k := &t.Keys[i]
				w.elem(i)
				w.open()
				w.str("dim", k.Dim)
				w.str("value", k.Value)
				if k.Band != "" {
					w.str("band", k.Band)
				}
				if k.BandID != "" {
					w.str("band_id", k.BandID)
				}
				if k.Range != "" {
					w.str("range", k.Range)
				}
				w.close()
			}
			w.b = append(w.b, ']')
		}
		w.dec("value", t.Value)
		w.cites("cite", t.Cite)
		w.close()
	}
	w.dec("raw_rate", b.RawRate)
	if len(b.Loadings) > 0 {
		w.key("loadings")
		w.b = append(w.b, '[')
		for i := range b.Loadings {
			l := &b.Loadings[i]
			w.elem(i)
			w.open()
			w.str("id", l.ID)
			w.str("rule", l.Rule)
			w.dec("add", l.Add)
			w.str("text", l.Text)
			w.cites("cite", l.Cite)
			w.close()
		}
		w.b = append(w.b, ']')
	}
	w.dec("rate", b.Rate)
	w.str("formula", b.Formula)
	w.dec("amount", b.Amount)
	if b.Rounded {
		w.boolean("rounded", true)
	}
	w.cites("cite", b.Cite)
	w.close()

	w.key("factors")
	if p.Factors == nil {
		w.null()
	} else {
		w.b = append(w.b, '[')
		for i := range p.Factors {
			f := &p.Factors[i]
			w.elem(i)
			w.open()
			w.str("id", f.ID)
			w.str("family", f.Family)
			w.str("title", f.Title)
			w.str("unit", f.Unit)
			w.dec("value", f.Value)
			w.dec("delta", f.Delta)
			w.str("case", f.Case)
			w.str("reason", f.Reason)
			w.str("pick", f.Pick)
			w.cites("cite", f.Cite)
			w.str("rule", f.Rule)
			if len(f.Matched) > 0 {
				w.strs("matched", f.Matched)
			}
			if f.Illustrative {
				w.boolean("illustrative", true)
			}
			if f.Unverified {
				w.boolean("unverified", true)
			}
			w.close()
		}
		w.b = append(w.b, ']')
	}
	w.str("combine", p.Combine)
	if c := p.Clamp; c != nil {
		w.key("clamp")
		w.open()
		w.dec("min", c.Min)
		w.dec("max", c.Max)
		w.boolean("applied", c.Applied)
		w.cites("cite", c.Cite)
		w.close()
	}
	w.boolean("minimum_applied", p.MinimumApplied)
	w.str("currency", p.Currency)
	w.key("rounding")
	w.open()
	w.int("scale", int64(p.Rounding.Scale))
	w.str("mode", p.Rounding.Mode)
	w.strs("steps", p.Rounding.Steps)
	w.close()
	w.boolean("illustrative", p.Illustrative)
	w.boolean("unverified", p.Unverified)
	if len(p.Provenance) > 0 {
		w.strs("provenance", p.Provenance)
	}
	if len(p.Caveats) > 0 {
		w.strs("caveats", p.Caveats)
	}
	// rating.Premium's MarshalJSON writes these as strings after the rest
	w.decString("combined", p.Combined)
	w.decString("applied", p.Applied)
	w.decString("before_minimum", p.BeforeMinimum)
	if m := p.Minimum; m != nil {
		w.key("minimum")
		w.open()
		w.fixed("amount", m.Amount, scale)
		w.cites("cite", m.Cite)
		w.close()
	}
	w.fixed("amount", p.Amount, scale)
	if c := p.PreventionBudgetCap; c != nil {
		w.key("prevention_budget_cap")
		w.open()
		w.decString("share", c.Share)
		w.fixed("amount", c.Amount, scale)
		w.cites("cite", c.Cite)
		w.close()
	}
	w.close()
}

func (w *jw) fineRange(k string, r *penalties.Range) {
	w.key(k)
	w.open()
	w.fixed("min", r.Min, 2)
	w.fixed("max", r.Max, 2)
	w.close()
}

func (w *jw) penalty(p *penalties.Penalty) {
	w.open()
	w.str("violation", p.Violation)
	w.str("title", p.Title)
	w.str("target", p.Target)
	if p.Occurrence != "" {
		w.str("occurrence", p.Occurrence)
	}
	if !p.Since.IsZero() {
		w.date("since", p.Since)
	}
	if !p.Until.IsZero() {
		w.date("until", p.Until)
	}
	w.str("law", p.Law)
	w.str("governing", p.Governing)
	w.strs("rules", p.Rules)
	w.cites("cite", p.Cite)
	w.strs("measures", p.Measures)
	if p.Fine != nil {
		w.fineRange("fine", p.Fine)
	}
	if p.FineBasis != "" {
		w.str("fine_basis", p.FineBasis)
	}
	if p.Statutory != nil {
		w.fineRange("statutory", p.Statutory)
	}
	if t := p.Tier; t != nil {
		w.key("tier")
		w.open()
		w.str("id", t.ID)
		if t.Reason != "" {
			w.str("reason", t.Reason)
		}
		w.str("rule", t.Rule)
		w.close()
	}
	if d := p.PerDay; d != nil {
		w.key("per_day")
		w.open()
		w.fixed("amount", d.Amount, 2)
		w.date("from", d.From)
		w.date("through", d.Through)
		w.int("days", int64(d.Days))
		w.fixed("total", d.Total, 2)
		w.close()
	}
	if p.NoFine != "" {
		w.str("no_fine", p.NoFine)
	}
	w.boolean("discretionary", p.Discretionary)
	if len(p.Consequences) > 0 {
		w.strs("consequences", p.Consequences)
	}
	if len(p.Caveats) > 0 {
		w.strs("caveats", p.Caveats)
	}
	if l := p.Limitation; l != nil {
		w.key("limitation")
		w.open()
		w.int("years", int64(l.Years))
		if !l.From.IsZero() {
			w.date("from", l.From)
		}
		if !l.Expires.IsZero() {
			w.date("expires", l.Expires)
		}
		w.boolean("expired", l.Expired)
		w.close()
	}
	if p.Note != "" {
		w.str("note", p.Note)
	}
	if p.Illustrative {
		w.boolean("illustrative", true)
	}
	if p.Unverified {
		w.boolean("unverified", true)
	}
	if len(p.Undetermined) > 0 {
		w.strs("undetermined", p.Undetermined)
	}
	w.close()
}

// appendAny appends v as encoding/json writes it (values of types the
// contract does not use).
func appendAny(dst []byte, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

// appendString appends s as a JSON string exactly as encoding/json does
// (HTML-safe: <, > and & escaped; invalid UTF-8 replaced; U+2028 and
// U+2029 escaped).
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
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

// appendDate appends d as a JSON string (YYYY-MM-DD, or "" for no date),
// as Date.MarshalText gives it.
func appendDate(dst []byte, d rulesets.Date) []byte {
	dst = append(dst, '"')
	if !d.IsZero() {
		y, m, day := d.Time().Date()
		if y < 0 || y > 9999 {
			dst = append(dst, d.String()...)
		} else {
			dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
				byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+day/10), byte('0'+day%10))
		}
	}
	return append(dst, '"')
}
