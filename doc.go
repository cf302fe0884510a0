// Package anzexian answers three questions about an enterprise under
// China's work-safety liability insurance (安全生产责任保险, 安责险), for a
// given place and date: must it insure (coverage), what will it pay
// (rating), and what does it risk (penalties).
//
// This package is the front door: an [Engine] over a registry of compiled
// rulesets, [Engine.Assess] for the whole answer (an [Assessment]) and
// [Engine.Quote] for the premium alone. The rest of the module:
//
//   - facts: the input contract ([facts.Facts]), its YAML and JSON decoders
//     and [facts.Facts.Validate];
//   - rulesets: the versioned YAML rulesets, their loader, the registry that
//     stacks them for a region, a date and an insurer, and lint;
//   - coverage, rating, penalties: the three answers an Assessment holds;
//   - timeline: the enterprise's history as the law saw it (the obligation on
//     every day, its cover, the enforcement records), which penalties judge by;
//   - diag: the diagnostics every error carries (file:line:column, snippet,
//     hint);
//   - casetest, portfolio, report: analysts' case files, books of
//     enterprises (batch, impact), and renderings for people.
//
// The rules are data: versioned, effective-dated YAML rulesets whose
// conditions and formulas are expr-language expressions, loaded, validated
// and compiled once. Money is exact: decimal.Decimal throughout, never
// float64.
//
//	eng, err := anzexian.New()
//	fs, err := facts.Decode("acme.yaml", data)
//	a, err := eng.Assess(fs[0], anzexian.At(facts.MustParseDate("2026-01-01")))
//	fmt.Println(a.Coverage.Obligation)
//
// # Concurrency
//
// An Engine is safe for concurrent use by multiple goroutines. Assess and
// Quote are pure and fast: they read no files and never the clock (an
// as-of date not given defaults to today in China Standard Time, read once
// at the call). [Engine.Reload] swaps the whole registry atomically; an
// Assess already running finishes on the registry it started with, and a
// reload that fails keeps the previous registry serving. The zero Engine
// has no rulesets and says so ([ErrNoRulesets]) until it is reloaded.
//
// An Assessment is read-only: what depends only on the stack of rulesets
// (citations, merged requirements …) is shared by every answer built on
// it.
//
// # Errors
//
// Errors are values with a kind, tested with errors.As: [*facts.Error]
// (the facts are invalid, or do not fit the rulesets that apply),
// [*rulesets.StackError] (no ruleset applies, or the layers cannot be
// combined) and [*rulesets.LoadError] (a ruleset is invalid). Each carries
// [diag.Diagnostics] with a stable code, a position or a field path, and a
// hint.
package anzexian
