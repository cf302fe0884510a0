// Package diag defines the one diagnostic type every part of anzexian
// reports problems with: a [Diagnostic] has a severity, a stable code
// ("ruleset.unknown_field", "facts.range", "expr.unknown_name" …), a
// summary, a hint saying how to fix it, the data path of the offending
// value and, for a document, the [Range] it covers with the text of its
// line, so that it can be printed as
//
//	rules.yaml:13:37: error: unknown name employes [expr.unknown_name]
//	  13 |     when: in_sector("coal_mine") && employes > 100
//	     |                                     ^^^^^^^^
//	      = hint: did you mean employees?
//
// [Diagnostics] is a list that is itself an error; [Diagnostics.Err]
// returns nil when the list holds no error (warnings travel with errors but
// do not fail an operation). [File] is a named source text, the input of
// the ruleset loader.
//
// The zero [Pos] is invalid (no position: facts built in Go have none); the
// zero [Range] prints as "-"; a nil Diagnostics holds no problem. Values of
// this package are plain data, safe to share once built.
package diag
