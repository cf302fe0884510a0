package timeline

import (
	"github.com/anzexian/anzexian/internal/jsonw"
)

// MarshalJSON writes the timeline as AppendJSON does.
func (t Timeline) MarshalJSON() ([]byte, error) { return t.AppendJSON(nil), nil }

// AppendJSON appends the JSON form of t to dst, without reflection:
// dates as YYYY-MM-DD, amounts as strings with two decimal places.
func (t *Timeline) AppendJSON(dst []byte) []byte {
	w := jsonw.W{B: dst}
	w.Open()
	w.Date("from", t.From)
	w.Date("through", t.Through)
	w.Key("obligations")
	w.B = append(w.B, '[')
	for i := range t.Obligations {
		o := &t.Obligations[i]
		w.Elem(i)
		w.Open()
		w.Date("from", o.From)
		w.Date("to", o.To)
		w.Str("level", string(o.Level))
		if o.Binding != "" {
			w.Str("binding", string(o.Binding))
		}
		w.Str("basis", o.Basis)
		w.Strs("rules", o.Rules)
		if len(o.Readings) > 0 {
			w.Strs("readings", o.Readings)
		}
		if o.NoRules {
			w.Bool("no_rules", true)
		}
		w.Close()
	}
	w.B = append(w.B, ']')
	w.Key("cover")
	w.B = append(w.B, '[')
	for i := range t.Cover {
		s := &t.Cover[i]
		w.Elem(i)
		w.Open()
		w.Date("from", s.From)
		w.Date("to", s.To)
		w.Str("state", s.State)
		w.Str("level", string(s.Level))
		if len(s.Sources) > 0 {
			w.Strs("sources", s.Sources)
		}
		if s.SourcesOmitted > 0 {
			w.Int("sources_omitted", int64(s.SourcesOmitted))
		}
		if len(s.Missing) > 0 {
			w.Strs("missing", s.Missing)
		}
		if len(s.Fields) > 0 {
			w.Strs("fields", s.Fields)
		}
		w.Close()
	}
	w.B = append(w.B, ']')
	w.Key("enforcement")
	w.B = append(w.B, '[')
	for i := range t.Enforcement {
		e := &t.Enforcement[i]
		w.Elem(i)
		w.Open()
		w.Str("record", e.Record)
		w.Str("kind", e.Kind)
		w.Date("date", e.Date)
		w.Str("subject", e.Subject)
		if !e.Deadline.IsZero() {
			w.Date("deadline", e.Deadline)
		}
		if !e.Rectified.IsZero() {
			w.Date("rectified_on", e.Rectified)
		}
		if e.Amount != nil {
			w.Fixed("amount", *e.Amount, 2)
		}
		if e.Tier != "" {
			w.Str("tier", e.Tier)
		}
		if e.Result != "" {
			w.Str("result", e.Result)
		}
		if e.Measure != "" {
			w.Str("measure", e.Measure)
		}
		if p := e.Period; p != nil {
			w.Key("period")
			w.Open()
			w.Date("from", p.From)
			if !p.To.IsZero() {
				w.Date("to", p.To)
			}
			w.Close()
		}
		if o := e.Overdue; o != nil {
			w.Key("overdue")
			w.Open()
			w.Date("from", o.From)
			if !o.To.IsZero() {
				w.Date("to", o.To)
			}
			w.Int("days", int64(o.Days))
			w.Close()
		}
		if r := e.Refusal; r != nil {
			w.Key("refusal")
			w.Open()
			w.Date("on", r.On)
			w.Str("by", r.By)
			w.Date("from", r.From)
			w.Date("through", r.Through)
			w.Int("days", int64(r.Days))
			w.Close()
		}
		w.Close()
	}
	w.B = append(w.B, ']')
	w.Key("events")
	w.B = append(w.B, '[')
	for i := range t.Events {
		e := &t.Events[i]
		w.Elem(i)
		w.Open()
		w.Date("date", e.Date)
		w.Str("kind", e.Kind)
		w.Str("ref", e.Ref)
		w.Close()
	}
	w.B = append(w.B, ']')
	w.Key("omitted")
	w.Open()
	w.Int("obligations", int64(t.Omitted.Obligations))
	w.Int("cover", int64(t.Omitted.Cover))
	w.Int("enforcement", int64(t.Omitted.Enforcement))
	w.Int("events", int64(t.Omitted.Events))
	w.Close()
	if len(t.Notes) > 0 {
		w.Strs("notes", t.Notes)
	}
	w.Close()
	return w.B
}
