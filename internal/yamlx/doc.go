// Package yamlx is the strict reader both the facts and the ruleset
// decoders are built on: a [Reader] walks yaml.v3 nodes and turns every
// problem (an unknown key, a wrong type, a decimal out of range, a bad
// date, an alias) into a diagnostic at the node's line and column, within
// an error budget per file. It also parses a YAML stream with bounded depth
// and no alias expansion ([ParseStream]), parses JSON into the same nodes
// without float64 ([JSONParser]), and maps lines for snippets.
//
// A Reader is used by one goroutine.
package yamlx
