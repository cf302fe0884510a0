package rulesets

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The JSON Schemas of the files and answers the engine reads and writes
// (rulesets/schema/): ruleset.schema.json, case.schema.json,
// facts.schema.json and assessment.schema.json, in JSON Schema draft-07.
// Each has an $id under SchemaBaseURL, so that a validator given them all
// resolves their references to each other by id. Besides draft-07 they use
// only the annotations of EditorKeywords, which editors read and validators
// ignore (a strict validator is told their names, as for any extension:
// Ajv's keywords option).
//
//go:embed schema/*.schema.json
var schemaFiles embed.FS

// SchemaBaseURL is the base of the schemas' $ids.
const SchemaBaseURL = "https://raw.githubusercontent.com/anzexian/anzexian/main/rulesets/schema/"

// SchemaNames are the schemas Schema knows, without ".schema.json".
var SchemaNames = []string{"assessment", "case", "facts", "ruleset"}

// EditorKeywords are the keywords the schemas use beyond draft-07: the
// annotations of the YAML and JSON language servers (snippets, hover text in
// Markdown, messages for a failed pattern, a description per enum value).
var EditorKeywords = []string{"defaultSnippets", "enumDescriptions", "markdownDescription", "patternErrorMessage"}

// Schema returns the schema named name (facts, case, ruleset, assessment).
func Schema(name string) ([]byte, error) {
	data, err := schemaFiles.ReadFile("schema/" + name + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("no schema %q (schemas: %s)", name, strings.Join(SchemaNames, ", "))
	}
	return data, nil
}

// FactsSchema returns the facts schema of one stack: the core facts, the
// codes the stack allows (its credit grades and every code its rulesets
// add to a vocabulary), and the facts its rulesets declare, typed; any other
// top-level key is rejected, so that a misspelt fact (employess) fails.
// The generic facts.schema.json accepts any declared fact by name instead.
func FactsSchema(st *Stack) ([]byte, error) {
	data, err := Schema("facts")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var keys []string
	for _, rs := range st.Layers {
		keys = append(keys, rs.Key())
	}
	doc["$id"] = SchemaBaseURL + "facts.schema.json?stack=" + strings.Join(keys, ",")
	doc["title"] = "anzexian facts for the stack " + strings.Join(keys, " + ")
	def := doc["definitions"].(map[string]any)["facts"].(map[string]any)
	props := def["properties"].(map[string]any)
	// Codes the stack knows.
	for path, prop := range props {
		p, ok := prop.(map[string]any)
		if !ok {
			continue
		}
		v := st.Vocabulary(path)
		if len(v) == 0 {
			continue
		}
		target := p
		if items, ok := p["items"].(map[string]any); ok && p["type"] == "array" {
			target = items
		}
		if _, hasEnum := target["enum"]; hasEnum || path == "credit_grade" {
			codes := v.Codes()
			enum := make([]any, 0, len(codes)+1)
			labels := make([]any, 0, len(codes)+1)
			for _, c := range v {
				enum = append(enum, c.Code)
				labels = append(labels, c.Label)
			}
			if t, ok := target["type"].([]any); ok && slices.Contains(t, any("null")) {
				enum = append(enum, nil)
				labels = append(labels, "未提供")
			}
			target["enum"] = enum
			target["enumDescriptions"] = labels
		}
	}
	// Declared facts, typed.
	seen := map[string]bool{}
	for _, rs := range st.Layers {
		for _, d := range rs.Facts {
			if seen[d.Name] {
				continue
			}
			seen[d.Name] = true
			props[d.Name] = declaredFactSchema(st, rs, d)
		}
	}
	def["additionalProperties"] = false
	delete(def, "propertyNames")
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func declaredFactSchema(st *Stack, rs *Ruleset, d *FactDecl) map[string]any {
	desc := d.Doc
	if d.Unit != "" {
		desc += "（单位：" + d.Unit + "）"
	}
	desc = strings.TrimSpace(desc + " Declared by " + rs.Key() + ".")
	s := map[string]any{"description": desc}
	codes := func() []any {
		var out []any
		for _, c := range d.Codes {
			out = append(out, c)
		}
		if len(out) == 0 {
			for _, c := range st.Vocabulary(d.Name) {
				out = append(out, c.Code)
			}
		}
		return out
	}
	switch d.Type {
	case FactInt:
		s["type"] = []any{"integer", "null"}
	case FactDecimal:
		s["type"] = []any{"string", "number", "null"}
		s["pattern"] = "^-?[0-9]+(\\.[0-9]+)?$"
	case FactBool:
		s["type"] = []any{"boolean", "null"}
	case FactDate:
		s["allOf"] = []any{map[string]any{"$ref": "#/definitions/date"}}
	case FactCode:
		s["type"] = []any{"string", "null"}
		if c := codes(); len(c) > 0 {
			s["enum"] = append(c, nil)
		}
	case FactList:
		s["type"] = []any{"array", "null"}
		item := map[string]any{"type": "string"}
		if c := codes(); len(c) > 0 {
			item["enum"] = c
		}
		s["items"] = item
	}
	return s
}
