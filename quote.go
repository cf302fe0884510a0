package anzexian

import (
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
)

// A Quote is the answer to "what will it pay?" alone: the premium with its
// worksheet, or why there is none, with the rulesets it rests on and the
// notes a reader must see (a draft, an assumed date, illustrative or
// unverified numbers). Its JSON form is the premium part of an
// Assessment's.
type Quote struct {
	Enterprise string     `json:"enterprise,omitempty"`
	Region     string     `json:"region"`
	AsOf       facts.Date `json:"as_of"`
	Insurer    string     `json:"insurer,omitempty"`
	Rulesets   []Layer    `json:"rulesets"`
	Notes      []string   `json:"notes"`
	// Obligation is the obligation the rating rules saw (they may price
	// by it).
	Obligation        rulesets.Obligation `json:"obligation"`
	Premium           *rating.Premium     `json:"premium"`
	PremiumIncomplete *rating.Incomplete  `json:"premium_incomplete,omitempty"`
	// Trace lists the rating rules evaluated, with WithTrace.
	Trace []rulesets.TraceEntry `json:"trace,omitempty"`
}

func quote(st *rulesets.Stack, ev *lang.Eval, o options) (*Quote, error) {
	f := ev.Facts()
	sc := o.scratch
	q := sc.quoteRoom()
	q.Enterprise, q.Region, q.AsOf, q.Insurer = f.Name, f.Region, o.asOf, o.insurer
	q.Rulesets, q.Notes = layersOf(st), answerNotes(st, f.Region)
	// an undetermined rule cannot raise the obligation: what is decided
	// stands, as Assess decides it
	q.Obligation, _ = coverage.Obligation(st, ev)
	ev.SetObligation(string(q.Obligation))
	var err error
	q.Premium, q.PremiumIncomplete, q.Trace, err = price(st, ev, o.trace, sc.premium())
	if err != nil {
		return nil, err
	}
	q.Notes = premiumNotes(st, q.Notes, q.Premium)
	return q, nil
}
