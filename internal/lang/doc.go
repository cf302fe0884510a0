// Package lang is the rule language: expr-language expressions
// type-checked against the facts and compiled, once, into typed Go
// closures, and the state of evaluating them for one enterprise.
//
// An [Expr] is compiled by [Expr.Check] in an [Env] (the core facts, the
// values the engine derives, and the names rulesets declare: lets and
// extra facts, resolved through per-stack slots by a [Resolver]). Numeric
// literals become exact decimals, decimal and date operators are routed to
// typed functions, and forms that would produce a float64 are load errors:
// evaluation never parses, never boxes a value, never touches float64.
//
// An [Eval] is the state of one evaluation: the facts as seen on an as-of
// date (later dated facts ignored and recorded for the trace), memoized
// lets, the obligation once decided, and the first problem met. A missing
// optional fact makes the expression's result an [*EvalError] naming it,
// never a zero. A compiled Expr is immutable and safe for concurrent use;
// an Eval is not: use one per goroutine (the engine pools them) and bind
// it to a stack for each enterprise.
package lang
