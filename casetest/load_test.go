package casetest_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/anzexian/anzexian/casetest"
)

// A case file that is not YAML is an error at the line and the column where
// it stops being YAML, with the line shown.
func TestLoadSyntaxErrorPosition(t *testing.T) {
	tests := []struct {
		name, doc string
		line, col int
		reason    string
	}{
		{"unclosed flow mapping", "cases:\n  - name: x\n    facts: {region: \"430100\", employees: 3\n    expect: {obligation: none}\n",
			3, 12, "the { that is never closed"},
		{"tab indentation", "cases:\n  - name: x\n\tfacts: {}\n", 3, 1, "the tab"},
		{"a key after a value", "cases:\n  - name: x\n    facts: {}\n    expect: {obligation: none} bad: 1\n", 4, 32, "the text after the flow mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "bad.yaml")
			if err := os.WriteFile(file, []byte(tt.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := casetest.Load(file)
			var fe *casetest.FileError
			if !errors.As(err, &fe) || len(fe.Diagnostics) != 1 {
				t.Fatalf("got %v; want one diagnostic", err)
			}
			d := fe.Diagnostics[0]
			if d.Subject.Start.Line != tt.line || d.Subject.Start.Column != tt.col {
				t.Errorf("at %d:%d, want %d:%d (%s): %s", d.Subject.Start.Line, d.Subject.Start.Column, tt.line, tt.col, tt.reason, d.Summary)
			}
			if d.Code != "case.syntax" || d.Source == "" || d.Subject.File != file {
				t.Errorf("diagnostic %+v: want code case.syntax, the file and the line's text", d)
			}
		})
	}
}
