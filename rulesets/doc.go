// Package rulesets loads, validates and compiles the versioned YAML
// rulesets the engine answers from, and stacks them.
//
// A ruleset is one document: a statute, national measures, a provincial or
// city policy, a regulator's rating guidance or an insurer's rate filing,
// with an id, a version, a status (in force, draft, repealed), a region, the
// dates it is in force and the sources its rules cite. Its rules —
// coverage, requirements, findings, consequences, references, rating
// (tables, bases, factors, clamp, minimum, rounding) and penalties — are
// the types of this package; their conditions and formulas are
// expr-language expressions, type-checked against the facts and compiled
// once, at load.
//
// [Load], [LoadFiles] and [LoadBundled] read rulesets strictly and report
// every problem at once in a [*LoadError] whose diagnostics name
// file:line:column, show the line and say how to fix it. The result is a
// [Registry]; [Registry.Stack] stacks the rulesets in force for a region,
// a date and an insurer (national first, most local last, the insurer's
// filing at the end) into a [Stack], which the answer packages (coverage,
// rating, penalties) evaluate. [Registry.With] adds or replaces rulesets,
// as an analyst does to try an edit. [Lint] reports what loads but is
// likely wrong.
//
// # Concurrency and zero values
//
// A Registry is immutable and safe for concurrent use by multiple
// goroutines; its stacks are built on first use and cached, and a Stack is
// immutable too. The zero Registry holds no rulesets: every stack from it
// is a *StackError saying no ruleset is in force.
//
// The bundled rulesets are embedded ([Bundled]); every ruleset has a
// content digest that every answer built on it names.
package rulesets
