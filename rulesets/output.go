package rulesets

// Citation is a citation as answers show it: the document and the article,
// the ruleset that cites it, and whether the text is a draft or unverified.
type Citation struct {
	Ruleset    string `json:"ruleset"`
	Source     string `json:"source"`
	Title      string `json:"title"`
	Number     string `json:"number,omitempty"`
	Article    string `json:"article,omitempty"`
	Draft      bool   `json:"draft,omitempty"`
	Unverified bool   `json:"unverified,omitempty"`
}

// Text formats c for people: 《title》（number）article.
func (c Citation) Text() string {
	s := "《" + c.Title + "》"
	if c.Number != "" {
		s += "（" + c.Number + "）"
	}
	s += c.Article
	if c.Draft {
		s += "【征求意见稿】"
	}
	if c.Unverified {
		s += "【条文未核实】"
	}
	return s
}

// Citation returns c in its output form.
func (c *Cite) Citation(rs *Ruleset) Citation {
	out := Citation{Source: c.Source.Key, Title: c.Source.Title, Number: c.Source.Number, Article: c.Article,
		Draft: c.Source.Draft || (rs != nil && rs.Status == StatusDraft), Unverified: c.Unverified || c.Source.Unverified}
	if rs != nil {
		out.Ruleset = rs.Key()
	}
	return out
}

// StaticCitations returns the citations of cites in output form when none
// has a condition, so that they are the same for every enterprise and can
// be prepared once per stack; ok is false when some citation has a when:.
// The slice returned is fresh; callers that share it must not modify it.
func StaticCitations(rs *Ruleset, cites []*Cite) (out []Citation, ok bool) {
	for _, c := range cites {
		if c.When != nil {
			return nil, false
		}
	}
	out = make([]Citation, len(cites))
	for i, c := range cites {
		out[i] = c.Citation(rs)
	}
	return out, true
}

// TraceEntry records one rule evaluated: whether it matched, or what it
// needed that was not given.
type TraceEntry struct {
	Rule    string   `json:"rule"`
	Kind    string   `json:"kind"`
	Outcome string   `json:"outcome"` // matched, not_matched, undetermined, skipped
	Missing []string `json:"missing,omitempty"`
	Detail  string   `json:"detail,omitempty"`
	// Condition is the rule's when: as written (empty for a rule that
	// always applies), and Reads the values it read.
	Condition string      `json:"condition,omitempty"`
	Reads     []TraceRead `json:"reads,omitempty"`
}

// TraceRead is a value a rule's condition read: a fact (policy.death_limit),
// a derived value or a declared name, with its value as text.
type TraceRead struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Undetermined is a rule that could not be decided because the facts lack
// something it needs.
type Undetermined struct {
	Rule    string   `json:"rule"`
	Kind    string   `json:"kind"`
	Missing []string `json:"missing,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// Text formats the citation: 《title》(number) article.
func (c *Cite) Text() string {
	s := "《" + c.Source.Title + "》"
	if c.Source.Number != "" {
		s += "（" + c.Source.Number + "）"
	}
	if c.Article != "" {
		s += c.Article
	}
	return s
}
