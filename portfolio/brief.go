package portfolio

import (
	"slices"
	"strconv"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/internal/jsonw"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rating"
)

// AppendBrief appends the assessment's brief form to b as one line of JSON
// (with no newline): the answers without their explanations, for books of
// millions of enterprises, where the full form (about 15 KB an enterprise)
// would be gigabytes. Every fact it gives is in the full form under the
// same name; the rules, articles and worksheets behind them are one
// `anzexian assess` away.
//
//	{"line": 12, "enterprise": "…", "region": "430100", "as_of": "2026-01-01",
//	 "rulesets": ["cn/law/safety-production@2021#sha256:…", …],
//	 "obligation": "mandatory", "incomplete": false,
//	 "reasons": ["cn.hunan/opinions/spli@2018#hazchem", …],
//	 "findings": ["uninsured", …],
//	 "premium": "12345.60", "premium_incomplete": "", "illustrative": true,
//	 (a premium priced provisionally, for want of a fact, adds
//	 "provisional": true, "premium_min": "…", "premium_max": "…", "missing": ["risk_level"])
//	 "factors": {"accident_history": "1.10", …},
//	 "penalties": [{"violation": "uninsured", "target": "unit", "law": "…", "min": "50000.00", "max": "100000.00"}, …]}
//
// binding_obligation appears when a draft raises the obligation above it.
// A penalty adds, when they apply, basis ("draft"), alternative_of (the
// violation whose range it may replace: never add the two), undetermined
// (the facts that would settle it), fined (the date of the recorded fine
// that already punished it) and expired (time-barred): only a penalty with
// none of these counts in a book's totals (penalties.Penalty.Counted).
//
// line is the record's line in the portfolio (0 when not from one).
func AppendBrief(b []byte, a *anzexian.Assessment, line int) []byte {
	return appendBrief(b, a, line, nil)
}

// appendBrief is AppendBrief, taking the text of the list of layers from
// lt (when not nil).
func appendBrief(b []byte, a *anzexian.Assessment, line int, lt *layerTexts) []byte {
	b = append(b, `{"line":`...)
	b = strconv.AppendInt(b, int64(line), 10)
	if a.Enterprise != "" {
		b = append(b, `,"enterprise":`...)
		b = jsonw.AppendStringNoHTML(b, a.Enterprise)
	}
	b = append(b, `,"region":`...)
	b = jsonw.AppendStringNoHTML(b, a.Region)
	b = append(b, `,"as_of":"`...)
	b, _ = a.AsOf.AppendText(b)
	b = append(b, `","rulesets":[`...)
	b = lt.append(b, a.Rulesets)
	b = append(b, `],"obligation":"`...)
	b = append(b, a.Coverage.Obligation...)
	if bo := a.Coverage.BindingObligation; bo != "" {
		b = append(b, `","binding_obligation":"`...)
		b = append(b, bo...)
	}
	b = append(b, `","incomplete":`...)
	b = strconv.AppendBool(b, a.Coverage.Incomplete != "")
	b = append(b, `,"reasons":[`...)
	for i := range a.Coverage.Reasons {
		r := &a.Coverage.Reasons[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonw.AppendStringNoHTML(b, r.Rule)
	}
	b = append(b, `],"findings":[`...)
	for i := range a.Coverage.Findings {
		f := &a.Coverage.Findings[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonw.AppendStringNoHTML(b, f.ID)
	}
	b = append(b, ']')
	if p := a.Premium; p != nil {
		b = append(b, `,"premium":"`...)
		b = decfmt.AppendFixed(b, p.Amount, p.Rounding.Scale)
		b = append(b, '"')
		if r := p.Range; r != nil {
			// priced provisionally: the amount under the assumed cases,
			// the range, and the facts it waits for
			b = append(b, `,"provisional":true,"premium_min":"`...)
			b = decfmt.AppendFixed(b, r.Min, p.Rounding.Scale)
			b = append(b, `","premium_max":"`...)
			b = decfmt.AppendFixed(b, r.Max, p.Rounding.Scale)
			b = append(b, `","missing":[`...)
			for i, u := range r.Undecided {
				for j, m := range u.Missing {
					if missingBefore(r.Undecided[:i], u.Missing[:j], m) {
						continue // each fact once
					}
					if b[len(b)-1] != '[' {
						b = append(b, ',')
					}
					b = jsonw.AppendStringNoHTML(b, m)
				}
			}
			b = append(b, ']')
		}
		b = append(b, `,"illustrative":`...)
		b = strconv.AppendBool(b, p.Illustrative)
		b = append(b, `,"factors":{`...)
		for i := range p.Factors { // by pointer: a factor is 216 bytes
			f := &p.Factors[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonw.AppendStringNoHTML(b, f.ID)
			b = append(b, ':', '"')
			b = decfmt.AppendDecimal(b, f.Value)
			b = append(b, '"')
		}
		b = append(b, '}')
	} else {
		b = append(b, `,"premium":null`...)
		if a.PremiumIncomplete != nil {
			b = append(b, `,"premium_incomplete":`...)
			b = jsonw.AppendStringNoHTML(b, a.PremiumIncomplete.Reason)
		}
	}
	b = append(b, `,"penalties":[`...)
	for i := range a.Penalties {
		p := &a.Penalties[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"violation":`...)
		b = jsonw.AppendStringNoHTML(b, p.Violation)
		b = append(b, `,"target":`...)
		b = jsonw.AppendStringNoHTML(b, p.Target)
		b = append(b, `,"law":`...)
		b = jsonw.AppendStringNoHTML(b, p.Law)
		if p.Fine != nil {
			b = append(b, `,"min":"`...)
			b = decfmt.AppendFixed(b, p.Fine.Min, 2)
			b = append(b, `","max":"`...)
			b = decfmt.AppendFixed(b, p.Fine.Max, 2)
			b = append(b, '"')
		}
		if p.PerDay != nil {
			b = append(b, `,"per_day_total":"`...)
			b = decfmt.AppendFixed(b, p.PerDay.Total, 2)
			b = append(b, '"')
		}
		if p.Basis == penalties.BasisDraft {
			b = append(b, `,"basis":"draft"`...)
		}
		if p.AlternativeOf != "" {
			b = append(b, `,"alternative_of":`...)
			b = jsonw.AppendStringNoHTML(b, p.AlternativeOf)
		}
		if len(p.Undetermined) > 0 {
			b = append(b, `,"undetermined":[`...)
			for j, u := range p.Undetermined {
				if j > 0 {
					b = append(b, ',')
				}
				b = jsonw.AppendStringNoHTML(b, u)
			}
			b = append(b, ']')
		}
		if p.Fined != nil {
			b = append(b, `,"fined":"`...)
			b, _ = p.Fined.Date.AppendText(b)
			b = append(b, '"')
		}
		if p.Limitation != nil && p.Limitation.Expired {
			b = append(b, `,"expired":true`...)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendLayers appends the layers' names, each "id@version#digest", as
// JSON strings separated by commas.
func appendLayers(b []byte, ls []anzexian.Layer) []byte {
	for i := range ls {
		l := &ls[i]
		if i > 0 {
			b = append(b, ',')
		}
		if jsonw.PlainNoHTML(l.ID) && jsonw.PlainNoHTML(l.Version) && jsonw.PlainNoHTML(l.Digest) {
			// as AppendStringNoHTML writes the joined text, without joining it
			b = append(append(append(append(append(append(append(b, '"'), l.ID...), '@'), l.Version...), '#'), l.Digest...), '"')
		} else {
			b = jsonw.AppendStringNoHTML(b, l.ID+"@"+l.Version+"#"+l.Digest)
		}
	}
	return b
}

// layerTexts keeps, for one batch worker, the text appendLayers wrote for
// the lists of layers it met: answers on a stack share their list (the
// engine prepares it once per stack), and checking a list's hundreds of
// bytes for characters to escape was 1.4 % of a batch. A list is found by
// the address of its first layer, and its text used only when it has as
// many layers with the same names as the list the text was written from.
type layerTexts struct {
	m map[*anzexian.Layer]layerText
}

type layerText struct {
	names []string // each layer's ID, Version and Digest
	text  []byte
}

// maxLayerTexts bounds the lists a worker keeps the text of: a book meets
// a few dozen (one per stack and set of rulesets added for earlier
// violations).
const maxLayerTexts = 256

// append appends the text of ls; lt may be nil.
func (lt *layerTexts) append(b []byte, ls []anzexian.Layer) []byte {
	if lt == nil || len(ls) == 0 {
		return appendLayers(b, ls)
	}
	k := &ls[0]
	if t, ok := lt.m[k]; ok && t.same(ls) {
		return append(b, t.text...)
	}
	start := len(b)
	b = appendLayers(b, ls)
	if lt.m == nil || len(lt.m) >= maxLayerTexts {
		lt.m = make(map[*anzexian.Layer]layerText)
	}
	t := layerText{names: make([]string, 0, 3*len(ls)), text: slices.Clone(b[start:])}
	for i := range ls {
		t.names = append(t.names, ls[i].ID, ls[i].Version, ls[i].Digest)
	}
	lt.m[k] = t
	return b
}

// same reports whether t was written from the names of ls. The strings
// compared are mostly the very ones t holds, which compare without
// reading their bytes.
func (t *layerText) same(ls []anzexian.Layer) bool {
	if len(t.names) != 3*len(ls) {
		return false
	}
	for i := range ls {
		if l := &ls[i]; t.names[3*i] != l.ID || t.names[3*i+1] != l.Version || t.names[3*i+2] != l.Digest {
			return false
		}
	}
	return true
}

// missingBefore reports whether fact m is among the missing facts of the
// undecided factors before, or earlier in the current one's list.
func missingBefore(before []rating.Undecided, earlier []string, m string) bool {
	for _, u := range before {
		if slices.Contains(u.Missing, m) {
			return true
		}
	}
	return slices.Contains(earlier, m)
}
