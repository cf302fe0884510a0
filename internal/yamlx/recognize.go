package yamlx

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Recognize parses data as at most maxDocs documents of a kind (what: "a
// facts document", "a ruleset"), each a mapping with at least one of keys,
// and returns their roots. When data is not such a document it returns a problem
// that names no part of the content: the file may be anything a name can
// point to (facts_file: ../../etc/passwd in a case file of someone else's
// pull request), and a message that quotes a line or a value would print
// it.
func Recognize(data []byte, prefix, what string, keys []string, maxDocs int) ([]*yaml.Node, string) {
	docs, diags := ParseStream("", data, prefix, maxDocs)
	if len(diags) > 0 {
		for _, d := range diags {
			if d.Code == prefix+".syntax" {
				at := ""
				if d.Subject.Start.Line > 0 {
					at = fmt.Sprintf(" at line %d", d.Subject.Start.Line)
				}
				return nil, "is not " + what + ": it is not valid YAML" + at
			}
		}
		return nil, "is not " + what + ": " + diags[0].Summary
	}
	switch {
	case len(docs) == 0:
		return nil, "is not " + what + ": it is empty"
	case len(docs) > maxDocs:
		return nil, fmt.Sprintf("holds more than %d documents", maxDocs)
	}
	for _, n := range docs {
		if n.Kind != yaml.MappingNode {
			return nil, "is not " + what + ": its top level is " + KindOf(n) + ", not a mapping"
		}
		if !hasKey(n, keys) {
			return nil, fmt.Sprintf("is not %s: none of its keys is one of %s", what, strings.Join(firstOf(keys, 4), ", ")+" …")
		}
	}
	return docs, ""
}

func hasKey(n *yaml.Node, keys []string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		for _, k := range keys {
			if n.Content[i].Value == k {
				return true
			}
		}
	}
	return false
}

// KindOf names what a node is without quoting it.
func KindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		}
		return "text"
	}
	return "not a mapping"
}

func firstOf(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
