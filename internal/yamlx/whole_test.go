package yamlx

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// Whole numbers are decimal digits, one way in every format.
func TestParseWhole(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		form bool // ErrWholeForm
	}{
		{"0", 0, false}, {"10", 10, false}, {"-3", -3, false}, {"-0", 0, false},
		{"2147483647", 2147483647, false},
		{"010", 0, true}, {"09", 0, true}, {"00", 0, true}, {"-01", 0, true},
		{"0x10", 0, true}, {"0o17", 0, true}, {"0b11", 0, true}, {"1_000", 0, true},
		{"+5", 0, true}, {"", 0, true}, {"-", 0, true}, {"1.0", 0, true}, {"1e3", 0, true},
		{" 1", 0, true}, {"١٢", 0, true},
	} {
		got, err := ParseWhole(c.in)
		if (err == ErrWholeForm) != c.form || (!c.form && (err != nil || got != c.want)) {
			t.Errorf("ParseWhole(%q) = %d, %v", c.in, got, err)
		}
	}
	if _, err := ParseWhole("99999999999999999999"); err == nil || err == ErrWholeForm {
		t.Errorf("past int64: %v, want a range error", err)
	}
}

// YAML's other integer forms get the one message, whatever tag yaml.v3
// gives them (09 is a float to it, 1_000 in a CSV cell is text).
func TestIntForms(t *testing.T) {
	for _, c := range []struct {
		node *yaml.Node
		code string
	}{
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "010"}, "facts.type"},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: "09"}, "facts.type"},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "1_000"}, "facts.type"},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0x10"}, "facts.type"},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "99999999999"}, "facts.range"},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "12"}, ""},
	} {
		r := &Reader{File: "x.yaml", Prefix: "facts"}
		v, ok := r.Int(c.node, "employees", "employees", 0, MaxInt)
		switch {
		case c.code == "" && (!ok || v != 12):
			t.Errorf("%s: %d, %v", c.node.Value, v, r.Diags)
		case c.code != "" && (ok || len(r.Diags) != 1 || r.Diags[0].Code != c.code):
			t.Errorf("%s: %v, want one %s", c.node.Value, r.Diags, c.code)
		case c.code == "facts.type" && r.Diags[0].Hint != WholeHint:
			t.Errorf("%s: hint %q", c.node.Value, r.Diags[0].Hint)
		}
	}
}
