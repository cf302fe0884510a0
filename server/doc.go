// Package server is anzexian's HTTP service, what `anzexian serve` runs: a
// JSON API under /v1/ for insurers' systems (assess, quote, batch, rulesets,
// vocabulary) and analysts (lint, test and impact with edited rulesets), the
// operations a company runs it with (/healthz, /readyz, Prometheus /metrics,
// reload on change and on demand, an append-only decision log, graceful
// shutdown), and the analysts' workbench, a page set embedded in the binary,
// at /. The API is described by an OpenAPI 3.1 document (OpenAPI, served at
// /openapi.json).
//
// Make a Server with New from a Config (the zero Config serves the bundled
// rulesets, without keys, on whatever listener it is given: see
// CheckExposure for what `anzexian serve` refuses), then Serve it on a
// listener, or mount Handler in a server of your own. Answers are the CLI's
// bytes: the server calls what the CLI calls.
//
// # Concurrency
//
// A Server is safe for concurrent use. What it serves — rulesets, cases,
// keys — is one immutable state, swapped whole by Reload; a request takes the
// state when it starts and answers from it to the end, so no answer mixes two
// versions of the rulesets. An analyst's edited ruleset lives in a copy of
// the served registry for one request.
//
// # Keys and roles
//
// See GenerateKey for the keys file. Roles nest: RoleQuote, RoleAnalyst,
// RoleAdmin. Without a keys file every request may do everything.
package server
