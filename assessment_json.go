package anzexian

import (
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/internal/jsonw"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rating"
)

// AppendJSON appends the JSON form of a (the output contract README
// documents) to dst and returns the extended buffer. The bytes are exactly
// those json.Marshal writes for the Assessment — field order, omitted
// fields, HTML-safe string escaping, decimals as decimal's MarshalJSON
// writes them, money with its declared scale — but written directly,
// without reflection, into the caller's buffer, so that encoding an answer
// costs less than computing it: prefer it to json.Marshal when writing many
// answers. A nil Assessment is null.
//
// (Assessment has no MarshalJSON of its own: encoding/json validates and
// compacts whatever a MarshalJSON returns, which for a whole answer costs
// more than its reflection does. Its parts with a MarshalJSON — the premium,
// the requirements — write theirs with AppendJSON.)
func (a *Assessment) AppendJSON(dst []byte) []byte {
	if a == nil {
		return append(dst, "null"...)
	}
	w := jw{W: jsonw.W{B: dst}}
	w.Open()
	if a.Enterprise != "" {
		w.Str("enterprise", a.Enterprise)
	}
	w.Str("region", a.Region)
	w.Date("as_of", a.AsOf)
	if a.Insurer != "" {
		w.Str("insurer", a.Insurer)
	}
	w.Key("rulesets")
	if a.Rulesets == nil {
		w.Null()
	} else {
		w.B = append(w.B, '[')
		for i := range a.Rulesets {
			w.Elem(i)
			w.layer(&a.Rulesets[i])
		}
		w.B = append(w.B, ']')
	}
	w.Strs("notes", a.Notes)
	w.Key("coverage")
	w.coverage(a.Coverage)
	w.Key("premium")
	w.premium(a.Premium)
	if inc := a.PremiumIncomplete; inc != nil {
		w.Key("premium_incomplete")
		w.Open()
		w.Str("reason", inc.Reason)
		if len(inc.Undetermined) > 0 {
			w.Undetermined("undetermined", inc.Undetermined)
		}
		if len(inc.Required) > 0 {
			w.Strs("required", inc.Required)
		}
		w.Close()
	}
	w.Key("penalties")
	if a.Penalties == nil {
		w.Null()
	} else {
		w.B = append(w.B, '[')
		for i := range a.Penalties {
			w.Elem(i)
			w.penalty(&a.Penalties[i])
		}
		w.B = append(w.B, ']')
	}
	w.Key("consequences")
	if a.Consequences == nil {
		w.Null()
	} else {
		w.B = append(w.B, '[')
		for i := range a.Consequences {
			c := &a.Consequences[i]
			w.Elem(i)
			w.Open()
			w.Str("id", c.ID)
			w.Str("rule", c.Rule)
			if c.Kind != "" {
				w.Str("kind", c.Kind)
			}
			w.Str("text", c.Text)
			w.Cites("cite", c.Cite)
			w.Close()
		}
		w.B = append(w.B, ']')
	}
	if len(a.References) > 0 {
		w.Key("references")
		w.B = append(w.B, '[')
		for i := range a.References {
			r := &a.References[i]
			w.Elem(i)
			w.Open()
			w.Str("id", r.ID)
			w.Str("rule", r.Rule)
			w.Str("title", r.Title)
			w.Strs("items", r.Items)
			if r.Note != "" {
				w.Str("note", r.Note)
			}
			w.Cites("cite", r.Cite)
			w.Close()
		}
		w.B = append(w.B, ']')
	}
	w.Key("timeline")
	if a.Timeline == nil {
		w.Null()
	} else {
		w.B = a.Timeline.AppendJSON(w.B)
		w.Done()
	}
	if t := a.Trace; t != nil {
		w.Key("trace")
		w.Open()
		w.Key("rules")
		if t.Rules == nil {
			w.Null()
		} else {
			w.B = append(w.B, '[')
			for i := range t.Rules {
				e := &t.Rules[i]
				w.Elem(i)
				w.Open()
				w.Str("rule", e.Rule)
				w.Str("kind", e.Kind)
				w.Str("outcome", e.Outcome)
				if len(e.Missing) > 0 {
					w.Strs("missing", e.Missing)
				}
				if e.Detail != "" {
					w.Str("detail", e.Detail)
				}
				if e.Condition != "" {
					w.Str("condition", e.Condition)
				}
				if len(e.Reads) > 0 {
					w.Key("reads")
					w.B = append(w.B, '[')
					for j, r := range e.Reads {
						w.Elem(j)
						w.Open()
						w.Str("name", r.Name)
						w.Str("value", r.Value)
						w.Close()
					}
					w.B = append(w.B, ']')
				}
				w.Close()
			}
			w.B = append(w.B, ']')
		}
		if len(t.Ignored) > 0 {
			w.Strs("ignored", t.Ignored)
		}
		w.Close()
	}
	w.Close()
	return w.B
}

func (w *jw) layer(l *Layer) {
	w.Open()
	w.Str("id", l.ID)
	w.Str("version", l.Version)
	w.Str("status", string(l.Status))
	w.Str("kind", string(l.Kind))
	w.Str("title", l.Title)
	w.Str("region", l.Region)
	if l.Insurer != "" {
		w.Str("insurer", l.Insurer)
	}
	w.Key("effective")
	w.Open()
	w.Date("from", l.Effective.From)
	if !l.Effective.Until.IsZero() {
		w.Date("until", l.Effective.Until)
	}
	if l.Effective.Assumed {
		w.Bool("assumed", true)
	}
	w.Close()
	w.Str("digest", l.Digest)
	if l.Role != "" {
		w.Str("role", l.Role)
	}
	w.Close()
}

func (w *jw) coverage(r *coverage.Result) {
	if r == nil {
		w.Null()
		return
	}
	w.Open()
	w.Str("obligation", string(r.Obligation))
	if r.BindingObligation != "" {
		w.Str("binding_obligation", string(r.BindingObligation))
	}
	w.Str("obligation_basis", r.ObligationBasis)
	w.Key("reasons")
	if r.Reasons == nil {
		w.Null()
	} else {
		w.B = append(w.B, '[')
		for i := range r.Reasons {
			x := &r.Reasons[i]
			w.Elem(i)
			w.Open()
			w.Str("rule", x.Rule)
			w.Str("obligation", string(x.Obligation))
			w.Str("text", x.Text)
			w.Cites("cite", x.Cite)
			if x.Note != "" {
				w.Str("note", x.Note)
			}
			w.Close()
		}
		w.B = append(w.B, ']')
	}
	w.Key("requirements")
	w.B = r.Requirements.AppendJSON(w.B)
	w.Done()
	if pr := r.PolicyRequirements; pr != nil {
		w.Key("policy_requirements")
		w.Open()
		w.Date("concluded_on", pr.ConcludedOn)
		w.Str("obligation", string(pr.Obligation))
		w.Key("requirements")
		w.B = pr.Requirements.AppendJSON(w.B)
		w.Done()
		w.Close()
	}
	w.Key("findings")
	if r.Findings == nil {
		w.Null()
	} else {
		w.B = append(w.B, '[')
		for i := range r.Findings {
			f := &r.Findings[i]
			w.Elem(i)
			w.Open()
			w.Str("id", f.ID)
			w.Str("severity", f.Severity)
			w.Str("text", f.Text)
			if f.Requirement != "" {
				w.Str("requirement", f.Requirement)
			}
			w.Cites("cite", f.Cite)
			if len(f.Rules) > 0 {
				w.Strs("rules", f.Rules)
			}
			if f.Addressee != "" {
				w.Str("addressee", f.Addressee)
			}
			w.Close()
		}
		w.B = append(w.B, ']')
	}
	if len(r.Undetermined) > 0 {
		w.Undetermined("undetermined", r.Undetermined)
	}
	if r.Incomplete != "" {
		w.Str("incomplete", r.Incomplete)
	}
	w.Close()
}

func (w *jw) premium(p *rating.Premium) {
	if p == nil {
		w.Null()
		return
	}
	w.B = p.AppendJSON(w.B)
	w.Done()
}

func (w *jw) fineRange(k string, r *penalties.Range) {
	w.Key(k)
	w.Open()
	w.Fixed("min", r.Min, 2)
	w.Fixed("max", r.Max, 2)
	w.Close()
}

func (w *jw) penalty(p *penalties.Penalty) {
	w.Open()
	w.Str("violation", p.Violation)
	w.Str("title", p.Title)
	w.Str("target", p.Target)
	if p.Occurrence != "" {
		w.Str("occurrence", p.Occurrence)
	}
	if !p.Since.IsZero() {
		w.Date("since", p.Since)
	}
	if !p.Until.IsZero() {
		w.Date("until", p.Until)
	}
	if !p.SinceEarliest.IsZero() {
		w.Date("since_earliest", p.SinceEarliest)
	}
	if !p.UntilLatest.IsZero() {
		w.Date("until_latest", p.UntilLatest)
	}
	if p.Days != 0 {
		w.Int("days", int64(p.Days))
	}
	w.Str("law", p.Law)
	w.Str("governing", p.Governing)
	w.Strs("rules", p.Rules)
	w.Cites("cite", p.Cite)
	w.Strs("measures", p.Measures)
	if p.Fine != nil {
		w.fineRange("fine", p.Fine)
	}
	if p.FineBasis != "" {
		w.Str("fine_basis", p.FineBasis)
	}
	if p.Statutory != nil {
		w.fineRange("statutory", p.Statutory)
	}
	if t := p.Tier; t != nil {
		w.Key("tier")
		w.Open()
		w.Str("id", t.ID)
		if t.Reason != "" {
			w.Str("reason", t.Reason)
		}
		w.Str("rule", t.Rule)
		w.Close()
	}
	if d := p.PerDay; d != nil {
		w.Key("per_day")
		w.Open()
		w.Fixed("amount", d.Amount, 2)
		w.Date("from", d.From)
		w.Date("through", d.Through)
		w.Int("days", int64(d.Days))
		w.Fixed("total", d.Total, 2)
		w.Close()
	}
	if p.NoFine != "" {
		w.Str("no_fine", p.NoFine)
	}
	w.Bool("discretionary", p.Discretionary)
	if len(p.Consequences) > 0 {
		w.Strs("consequences", p.Consequences)
	}
	if len(p.Caveats) > 0 {
		w.Strs("caveats", p.Caveats)
	}
	if l := p.Limitation; l != nil {
		w.Key("limitation")
		w.Open()
		w.Int("years", int64(l.Years))
		if !l.From.IsZero() {
			w.Date("from", l.From)
		}
		if !l.Expires.IsZero() {
			w.Date("expires", l.Expires)
		}
		if !l.DiscoveredOn.IsZero() {
			w.Date("discovered_on", l.DiscoveredOn)
		}
		if l.DiscoveredBy != "" {
			w.Str("discovered_by", l.DiscoveredBy)
		}
		w.Bool("expired", l.Expired)
		w.Close()
	}
	if p.Note != "" {
		w.Str("note", p.Note)
	}
	if p.Illustrative {
		w.Bool("illustrative", true)
	}
	if p.Unverified {
		w.Bool("unverified", true)
	}
	if len(p.Undetermined) > 0 {
		w.Strs("undetermined", p.Undetermined)
	}
	w.Str("basis", p.Basis)
	if fd := p.Fined; fd != nil {
		w.Key("fined")
		w.Open()
		w.Str("record", fd.Record)
		w.Date("date", fd.Date)
		w.Fixed("amount", fd.Amount, 2)
		if fd.Tier != "" {
			w.Str("tier", fd.Tier)
		}
		w.Close()
	}
	if p.AlternativeOf != "" {
		w.Str("alternative_of", p.AlternativeOf)
	}
	if p.Group != 0 {
		w.Int("alternatives_group", int64(p.Group))
	}
	if len(p.Readings) > 0 {
		w.Strs("readings", p.Readings)
	}
	w.Close()
}

// jw writes the parts of an Assessment that only it has.
type jw struct{ jsonw.W }
