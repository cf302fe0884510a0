package diag_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/diag"
)

func TestRangeString(t *testing.T) {
	for _, c := range []struct {
		r    diag.Range
		want string
	}{
		{diag.Range{}, "-"},
		{diag.Range{File: "a.yaml"}, "a.yaml"},
		{diag.Range{File: "a.yaml", Start: diag.Pos{Line: 3}}, "a.yaml:3"},
		{diag.Range{File: "a.yaml", Start: diag.Pos{Line: 3, Column: 7}}, "a.yaml:3:7"},
		{diag.Range{Start: diag.Pos{Line: 3, Column: 7}}, "3:7"},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.r, got, c.want)
		}
	}
	if (diag.Pos{}).IsValid() || !(diag.Pos{Line: 1}).IsValid() {
		t.Error("IsValid")
	}
}

func TestDiagnosticsError(t *testing.T) {
	e1 := &diag.Diagnostic{Severity: diag.SeverityError, Code: "x.a", Summary: "first", Subject: diag.Range{File: "f", Start: diag.Pos{Line: 2, Column: 1}}}
	e2 := &diag.Diagnostic{Severity: diag.SeverityError, Code: "x.b", Summary: "second", Path: "p.q"}
	w := &diag.Diagnostic{Severity: diag.SeverityWarning, Code: "lint.w", Summary: "careful"}
	for _, c := range []struct {
		name string
		ds   diag.Diagnostics
		want string
		err  bool
	}{
		{"none", nil, "no errors", false},
		{"a warning only", diag.Diagnostics{w}, "-: warning: careful", false},
		{"one error", diag.Diagnostics{w, e1}, "f:2:1: first", true},
		{"the path when the summary lacks it", diag.Diagnostics{e2}, "-: second (at p.q)", true},
		{"several", diag.Diagnostics{e1, w, e2}, "f:2:1: first (and 1 more errors)", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.ds.Error(); got != c.want {
				t.Errorf("Error() = %q, want %q", got, c.want)
			}
			if got := c.ds.Err() != nil; got != c.err {
				t.Errorf("Err() != nil is %v, want %v", got, c.err)
			}
			if c.err {
				var ds diag.Diagnostics
				if !errors.As(c.ds.Err(), &ds) {
					t.Error("Err() is not a Diagnostics")
				}
			}
		})
	}
}

func TestDiagnosticsSort(t *testing.T) {
	at := func(file string, line, col int, code string) *diag.Diagnostic {
		return &diag.Diagnostic{Severity: diag.SeverityError, Code: code, Summary: code,
			Subject: diag.Range{File: file, Start: diag.Pos{Line: line, Column: col}}}
	}
	ds := diag.Diagnostics{at("b", 1, 1, "x"), at("a", 9, 1, "x"), at("a", 2, 5, "y"), at("a", 2, 5, "x"), at("a", 2, 5, "x"), at("a", 2, 1, "z")}
	ds.Sort()
	var got []string
	for _, d := range ds {
		got = append(got, d.Subject.String()+" "+d.Code)
	}
	want := []string{"a:2:1 z", "a:2:5 x", "a:2:5 y", "a:9:1 x", "b:1:1 x"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v (exact duplicates dropped)", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"长沙某机械有限公司", "长沙某机械有限公司"},
		{"a\tb", "a\tb"},
		{"\x1b[31m红\x1b[0m", `\x1b[31m红\x1b[0m`},
		{"line\nbreak\r", `line\x0abreak\x0d`},
		{"\u202eevil\u202c", `\u202eevil\u202c`},
		{"nul\x00", `nul\x00`},
		{"gbk \xbc\xd7", `gbk \xbc\xd7`},
		{"c1 \u009b", `c1 \u009b`},
	} {
		if got := diag.Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A snippet of a long line (a JSONL record of a megabyte) is an excerpt
// around the subject, held and printed; control characters in it never
// reach the terminal.
func TestLongAndHostileSnippets(t *testing.T) {
	line := strings.Repeat("a", 500000) + `"employees": "many"` + strings.Repeat("b", 500000)
	d := &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.type", Summary: "employees must be a whole number",
		Subject: diag.Range{File: "book.jsonl", Start: diag.Pos{Line: 7, Column: 500014}, End: diag.Pos{Line: 7, Column: 500020}},
		Source:  line}
	out := d.Format()
	if len(out) > 2*diag.MaxSourceWidth+400 {
		t.Fatalf("%d bytes printed", len(out))
	}
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[1], `…`) || !strings.Contains(lines[1], `"many"`) {
		t.Errorf("snippet %q", lines[1])
	}
	// the caret is under "many"
	at := strings.Index(lines[1], `"many"`)
	caret := strings.Index(lines[2], "^")
	if w := len([]rune(lines[1][:at])); caret < 0 || len([]rune(lines[2][:caret])) != w {
		t.Errorf("caret at %d, value at %d:\n%s\n%s", caret, w, lines[1], lines[2])
	}
	d.CutSource()
	if len(d.Source) > 4*diag.MaxSourceWidth || d.SourceFrom == 0 {
		t.Errorf("CutSource kept %d bytes from %d", len(d.Source), d.SourceFrom)
	}
	h := &diag.Diagnostic{Severity: diag.SeverityError, Summary: "unknown field \"\x1b[2J\"", Hint: "x\u202e",
		Subject: diag.Range{File: "x.yaml", Start: diag.Pos{Line: 1, Column: 1}}, Source: "\x1b]0;pwned\x07key: 1"}
	if f := h.Format(); strings.ContainsAny(f, "\x1b\x07\u202e") {
		t.Errorf("control characters printed: %q", f)
	}
}
