package facts_test

import (
	"strings"
	"testing"

	"github.com/anzexian/anzexian/facts"
)

// A document written as JSON is read as JSON: a trailing comma, which YAML
// takes in a flow mapping, is an error at its line and column; YAML flow
// mappings and valid JSON are read as before.
func TestJSONDocumentsAreStrict(t *testing.T) {
	tests := []struct {
		name, doc, err string
	}{
		{"trailing comma in the object", `{"region": "430100", "sectors": ["coal_mine"],}`, "x:1:47: JSON syntax error"},
		{"trailing comma in a list", "{\"region\": \"430100\",\n \"sectors\": [\"coal_mine\",]}", "x:2:26: JSON syntax error"},
		{"second document of a stream", "{\"region\": \"430100\", \"sectors\": [\"coal_mine\"]}\n---\n{\"region\": \"430100\", \"sectors\": [\"other\"],}\n", "x:3:"},
		{"single quotes", `{"region": '430100', "sectors": ["coal_mine"]}`, "x:1:12: JSON syntax error"},
		{"valid JSON", `{"region": "430100", "sectors": ["coal_mine"], "employees": 12}`, ""},
		{"a stream of valid JSON", "{\"region\": \"430100\", \"sectors\": [\"coal_mine\"]}\n---\n{\"region\": \"330382\", \"sectors\": [\"other\"]}\n", ""},
		{"YAML flow mapping", `{region: "430100", sectors: [coal_mine],}`, ""},
		{"YAML block", "region: \"430100\"\nsectors: [coal_mine]\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := facts.Decode("x", []byte(tt.doc))
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("got %v, want an error containing %q", err, tt.err)
			}
		})
	}
}
