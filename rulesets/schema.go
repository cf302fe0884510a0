package rulesets

import (
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/shopspring/decimal"
)

// SchemaVersion is the schema every ruleset file declares (schema: anzexian/v1).
const SchemaVersion = "anzexian/v1"

// Status of a ruleset document.
type Status string

const (
	StatusInForce  Status = "in_force"
	StatusDraft    Status = "draft"    // e.g. a 征求意见稿
	StatusRepealed Status = "repealed" // no longer in force (its dates still apply to the past)
)

// Kind orders the rulesets of one region in a stack: laws first, then
// regulations, departmental measures, policy documents, regulators' rating
// guidance, and insurers' filings last.
type Kind string

const (
	KindLaw        Kind = "law"
	KindRegulation Kind = "regulation"
	KindMeasures   Kind = "measures"
	KindPolicy     Kind = "policy"
	KindRating     Kind = "rating"
	KindFiling     Kind = "filing"
)

var kindRank = map[Kind]int{KindLaw: 0, KindRegulation: 1, KindMeasures: 2, KindPolicy: 3, KindRating: 4, KindFiling: 5}

// Ruleset is one loaded, validated and type-checked ruleset document. It is
// immutable once loaded and safe for concurrent use.
type Ruleset struct {
	ID        string
	Version   string
	Status    Status
	Kind      Kind
	Title     string
	Region    string
	Insurer   string // filings only
	Effective Effective
	// Supersedes names earlier documents (id@version) this one replaces.
	Supersedes   []string
	Sources      []*Source
	Facts        []*FactDecl
	Codes        map[string]facts.Vocabulary
	Lets         []*Let
	Coverage     []*CoverageRule
	Requirements []*RequirementRule
	Findings     []*FindingRule
	Rating       *Rating
	Penalties    []*PenaltyRule
	Consequences []*ConsequenceRule
	References   []*Reference
	Notes        []string

	// File is the name the ruleset was loaded from and At its position.
	File string
	At   diag.Range
	// Digest is the SHA-256 of the document's text, "sha256:<hex>".
	Digest string

	sources map[string]*Source
	// positions of supersedes items and of effective, for diagnostics
	supersedesAt []diag.Range
	effectiveAt  diag.Range
	regionAt     diag.Range
	// env is the type-checking environment of this ruleset's expressions.
	env *lang.Env
	key string
}

// Key returns "id@version".
func (rs *Ruleset) Key() string {
	if rs.key != "" {
		return rs.key
	}
	return rs.ID + "@" + rs.Version
}

// Source returns the source with the given key, or nil.
func (rs *Ruleset) Source(key string) *Source { return rs.sources[key] }

// Effective is the period a ruleset applies to, both ends inclusive.
type Effective struct {
	From  facts.Date `json:"from"`
	Until facts.Date `json:"until,omitzero"` // zero: open-ended
	// Assumed is true where the document gives no date and the ruleset
	// assumes one; every answer built on it says so.
	Assumed bool `json:"assumed,omitempty"`
}

// Contains reports whether d is within e.
func (e Effective) Contains(d facts.Date) bool {
	return !d.Before(e.From) && (e.Until.IsZero() || !d.After(e.Until))
}

// Source is a document that rules cite.
type Source struct {
	Key    string     `json:"key"`
	Title  string     `json:"title"`
	Number string     `json:"number,omitempty"` // 文号
	Issuer string     `json:"issuer,omitempty"`
	Date   facts.Date `json:"date,omitzero"`
	URL    string     `json:"url,omitempty"`
	// Draft marks a document that is not final (征求意见稿).
	Draft bool `json:"draft,omitempty"`
	// Unverified marks a text read from an unofficial copy or a paraphrase.
	Unverified bool   `json:"unverified,omitempty"`
	Note       string `json:"note,omitempty"`
}

// Cite is a citation of a source's article. When is an optional condition:
// the citation applies only when it holds (e.g. a law that backs a measure
// only from the day it took effect).
type Cite struct {
	Source  *Source
	Article string
	When    *lang.Expr
	// Unverified marks an article number or wording that was not checked
	// against an official text.
	Unverified bool
	At         diag.Range
}

// FactDecl declares a fact beyond the core facts: an insurer's or a
// jurisdiction's own variable.
type FactDecl struct {
	Name    string
	Type    FactType
	Codes   []string
	Unit    string
	Doc     string
	Default *string // the default's text, typed at bind time
	At      diag.Range
}

// FactType is the type of a declared fact.
type FactType string

const (
	FactInt     FactType = "int"
	FactDecimal FactType = "decimal"
	FactBool    FactType = "bool"
	FactDate    FactType = "date"
	FactCode    FactType = "code"
	FactList    FactType = "list" // a list of codes
)

// Let is a named value derived from facts and earlier lets.
type Let struct {
	Name string
	Expr *lang.Expr
	Doc  string
	At   diag.Range
}

// Rule is what every kind of rule has in common.
type Rule struct {
	ID   string
	When *lang.Expr // nil: always
	Cite []*Cite
	Note string
	At   diag.Range
	// Ruleset is the document the rule belongs to.
	Ruleset *Ruleset
	ref     string
}

// Ref returns "ruleset-id@version#rule-id".
func (r *Rule) Ref() string {
	if r.ref != "" {
		return r.ref
	}
	return r.Ruleset.Key() + "#" + r.ID
}

// Obligation is how strongly the rules require an enterprise to insure.
type Obligation string

const (
	ObligationNone       Obligation = "none"
	ObligationEncouraged Obligation = "encouraged"
	ObligationRequired   Obligation = "required"
	ObligationMandatory  Obligation = "mandatory"
)

// Rank orders obligations: mandatory > required > encouraged > none.
func (o Obligation) Rank() int {
	switch o {
	case ObligationMandatory:
		return 3
	case ObligationRequired:
		return 2
	case ObligationEncouraged:
		return 1
	}
	return 0
}

// CoverageRule decides an obligation.
type CoverageRule struct {
	Rule
	Obligation Obligation
	Text       string
}

// RequirementRule sets terms a compliant policy must meet.
type RequirementRule struct {
	Rule
	Text string
	Set  []RequirementValue
}

// RequirementValue is one field set by a requirement rule.
type RequirementValue struct {
	Field *RequirementField
	Dec   decimal.Decimal
	Bool  bool
	Str   string
	List  []string
	At    diag.Range
}

// FindingRule is a check of the current policy or history written in a
// ruleset (the checks of a policy against the merged requirements are
// built in; see package coverage).
type FindingRule struct {
	Rule
	Severity string // violation, warning, info
	Text     string
}

// ConsequenceRule is a non-monetary consequence the documents attach.
type ConsequenceRule struct {
	Rule
	Kind string // precondition, check, benefit, disclosure …
	Text string
}

// Reference is data shown for information, never used to decide (e.g. the
// insurers of a service centre; never a whitelist).
type Reference struct {
	Rule
	Title string
	Items []string
}
