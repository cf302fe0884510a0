// Package casetest runs analysts' case files: the acceptance tests of the
// rules. A case file (YAML, under examples/ by convention) holds one case
// or several, each an enterprise's facts (inline or from facts_file:), an
// as-of date, optional edited rulesets (with:) and an insurer, and what the
// answer must include: the obligation, reasons, requirements, findings,
// any part of the JSON answer by path, or a golden file of the whole.
//
// [Load] reads case files and reports problems with their position in a
// [*FileError]. A [Runner] runs them on an engine ([Runner.Run],
// [Runner.RunAll]); a failed expectation is a [Failure] with a go-cmp
// diff, and with update a failed single-valued expectation or a golden
// file is rewritten in place (comments and layout kept). [Report.Coverage]
// measures which rules, factor cases, table bands, penalty tiers and
// articles the cases exercised, in the manner of OPA's test coverage.
//
// A Runner is safe for concurrent use; it caches the registries cases build
// with their with: files, per registry the engine serves. The zero Runner
// has no engine: make one with [NewRunner].
package casetest
