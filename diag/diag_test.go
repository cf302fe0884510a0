package diag_test

import (
	"errors"
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
