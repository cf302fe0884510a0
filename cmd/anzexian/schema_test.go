package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/anzexian/anzexian/rulesets"
)

// compileSchema compiles a schema as a standard validator does: the four
// schemas added under their $ids, references resolved by id, nothing
// loaded from a path or the network. name is a schema's name, or JSON text
// (the output of schema facts --region).
func compileSchema(t *testing.T, name string, text []byte) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseLoader(refuseLoader{})
	add := func(data []byte) string {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		id := doc.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
		return id
	}
	var loc string
	for _, n := range rulesets.SchemaNames {
		data, err := rulesets.Schema(n)
		if err != nil {
			t.Fatal(err)
		}
		if id := add(data); n == name {
			loc = id
		}
	}
	if text != nil {
		loc = add(text)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return sch
}

type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) { return nil, fmt.Errorf("%s: not loaded", url) }

func validateJSON(t *testing.T, sch *jsonschema.Schema, what string, data []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// Real CLI outputs validate against the schemas: assess --format json
// against the assessment schema (every example enterprise, with and
// without the trace), batch --full's assessments too, and a generated book
// line by line against the facts schema.
func TestOutputsValidate(t *testing.T) {
	asch := compileSchema(t, "assessment", nil)
	files, err := filepath.Glob("../../examples/enterprises/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no example enterprises", err)
	}
	for _, f := range files {
		rel := strings.TrimPrefix(f, "../../")
		for _, extra := range [][]string{nil, {"--trace"}} {
			code, out, errs := runCLI(t, "", append([]string{"assess", "--at", "2026-01-01", "--format", "json", rel}, extra...)...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", rel, code, errs)
			}
			for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
				validateJSON(t, asch, fmt.Sprintf("%s %v #%d", rel, extra, i+1), []byte(line))
			}
		}
	}

	fsch := compileSchema(t, "facts", nil)
	_, book, _ := runCLI(t, "", "generate", "--seed", "5", "--count", "300")
	lines := strings.Split(strings.TrimSpace(book), "\n")
	for i, l := range lines {
		validateJSON(t, fsch, fmt.Sprintf("generated line %d", i+1), []byte(l))
	}
	code, out, errs := runCLI(t, book, "batch", "--at", "2026-01-01", "--full", "-")
	if code != 0 {
		t.Fatalf("batch: exit %d: %s", code, errs)
	}
	for i, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec struct {
			Assessment json.RawMessage `json:"assessment"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		validateJSON(t, asch, fmt.Sprintf("batch --full line %d", i+1), rec.Assessment)
	}
}

// schema facts --region prints the facts schema of that stack: declared
// facts typed, the stack's codes, unknown top-level keys rejected; the
// generic schema accepts any declared fact by name.
func TestSchemaCommand(t *testing.T) {
	code, out, errs := runCLI(t, "", "schema", "facts", "--region", "650100", "--at", "2026-01-01",
		"--insurer", "示例财产保险股份有限公司", "--with", "examples/rulesets/filing-example.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	stack := compileSchema(t, "", []byte(out))
	generic := compileSchema(t, "facts", nil)
	tests := []struct {
		doc            string
		stack, generic bool
	}{
		{`{"region": "650100", "sectors": ["transport.road"], "employees": 100, "fleet_vehicles": 50}`, true, true},
		{`{"region": "650100", "sectors": ["transport.road"], "employess": 100}`, false, true},
		{`{"region": "650100", "sectors": ["transport.road"], "fleet_vehicles": "many"}`, false, true},
		{`{"region": "650100", "sectors": ["transport.road"], "credit_grade": "a"}`, true, true},
		{`{"region": "650100", "sectors": ["transport.road"], "credit_grade": "aaa"}`, false, true},
		{`{"region": 650100, "sectors": ["transport.road"]}`, true, true},
		{`{"region": "650100", "sectors": ["mining"]}`, false, false},
	}
	for _, tt := range tests {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(tt.doc))
		if got := stack.Validate(v) == nil; got != tt.stack {
			t.Errorf("stack schema: valid = %v, want %v: %s", got, tt.stack, tt.doc)
		}
		if got := generic.Validate(v) == nil; got != tt.generic {
			t.Errorf("generic schema: valid = %v, want %v: %s", got, tt.generic, tt.doc)
		}
	}
	for _, name := range rulesets.SchemaNames {
		code, out, errs := runCLI(t, "", "schema", name)
		want, _ := rulesets.Schema(name)
		if code != 0 || out != string(want) {
			t.Errorf("schema %s: exit %d, %d bytes: %s", name, code, len(out), errs)
		}
	}
	if code, _, errs := runCLI(t, "", "schema", "case", "--region", "43"); code != 2 || !strings.Contains(errs, "--region is for the facts schema") {
		t.Errorf("schema case --region: exit %d: %s", code, errs)
	}
}

// Beyond draft-07 the schemas use only the editor annotations of
// rulesets.EditorKeywords, which a strict validator is told about (Ajv
// compiles them in strict mode with keywords: EditorKeywords).
func TestSchemaKeywords(t *testing.T) {
	draft07 := strings.Fields(`$schema $id $ref $comment title description default readOnly writeOnly examples
		multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern
		additionalItems items maxItems minItems uniqueItems contains maxProperties minProperties required
		additionalProperties definitions properties patternProperties dependencies propertyNames
		const enum type format contentMediaType contentEncoding if then else allOf anyOf oneOf not`)
	// Where a keyword stands for a name (under properties, definitions …)
	// or a value (default, examples, enum, const, a snippet's body), its
	// keys are not keywords.
	nameMaps := map[string]bool{"properties": true, "definitions": true, "patternProperties": true, "dependencies": true}
	values := map[string]bool{"default": true, "examples": true, "enum": true, "const": true, "defaultSnippets": true, "enumDescriptions": true}
	used := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				used[k] = true
				switch {
				case nameMaps[k]:
					if m, ok := x.(map[string]any); ok {
						for _, s := range m {
							walk(s)
						}
					}
				case values[k]:
				default:
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, name := range rulesets.SchemaNames {
		data, _ := rulesets.Schema(name)
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		walk(doc)
	}
	for k := range used {
		if !slices.Contains(draft07, k) && !slices.Contains(rulesets.EditorKeywords, k) {
			t.Errorf("keyword %q is neither draft-07 nor in rulesets.EditorKeywords", k)
		}
	}
	// The files under rulesets/schema are the embedded ones.
	for _, name := range rulesets.SchemaNames {
		file, err := os.ReadFile(filepath.Join("..", "..", "rulesets", "schema", name+".schema.json"))
		emb, _ := rulesets.Schema(name)
		if err != nil || !bytes.Equal(file, emb) {
			t.Errorf("%s: the file and the embedded schema differ (%v)", name, err)
		}
	}
}
