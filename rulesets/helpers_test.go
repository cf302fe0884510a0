package rulesets_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// dateCmp lets cmp compare rulesets.Date (its only field is unexported).
var dateCmp = cmp.Comparer(func(a, b facts.Date) bool { return a == b })

// header returns the head of a minimal valid ruleset document.
func header(id, version, kind, region, from string) string {
	return fmt.Sprintf(`schema: anzexian/v1
id: %s
version: "%s"
status: in_force
kind: %s
title: test ruleset
region: "%s"
effective: {from: %s}
sources:
  s: {title: 测试文件}
`, id, version, kind, region, from)
}

// let is one let: entry.
type let struct{ name, expr string }

// block indents every line of s by n spaces, for a YAML "|-" block scalar.
func block(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// letsYAML renders lets as a let: section with block scalars.
func letsYAML(lets []let) string {
	if len(lets) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("let:\n")
	for _, l := range lets {
		fmt.Fprintf(&b, "  %s: |-\n%s\n", l.name, block(l.expr, 4))
	}
	return b.String()
}

// coverageYAML renders one coverage rule whose when is a block scalar.
func coverageYAML(id, when string) string {
	return fmt.Sprintf("  - id: %s\n    when: |-\n%s\n    obligation: encouraged\n    text: t\n    cite: {source: s}\n", id, block(when, 6))
}

// exprDoc is a national ruleset (in force from 2000-01-01) with the given
// lets and one coverage rule "r" whose when is the expression.
func exprDoc(when string, lets ...let) string {
	return header("cn/test/expr", "1", "policy", "", "2000-01-01") + letsYAML(lets) + "coverage:\n" + coverageYAML("r", when)
}

func load(t testing.TB, files ...diag.File) *rulesets.Registry {
	t.Helper()
	reg, err := rulesets.LoadFiles(files...)
	if err != nil {
		t.Fatalf("LoadFiles: %v\n%s", err, formatDiags(err))
	}
	return reg
}

func loadDoc(t testing.TB, doc string) *rulesets.Registry {
	t.Helper()
	return load(t, diag.File{Name: "test.yaml", Data: []byte(doc)})
}

// loadDiags loads the files and returns the diagnostics of the *LoadError;
// it fails the test if loading succeeds.
func loadDiags(t testing.TB, files ...diag.File) diag.Diagnostics {
	t.Helper()
	_, err := rulesets.LoadFiles(files...)
	if err == nil {
		t.Fatalf("LoadFiles succeeded; want an error")
	}
	var le *rulesets.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("LoadFiles error is %T, want *rulesets.LoadError: %v", err, err)
	}
	return le.Diagnostics
}

func formatDiags(err error) string {
	var le *rulesets.LoadError
	var fe *facts.Error
	var se *rulesets.StackError
	var ds diag.Diagnostics
	switch {
	case errors.As(err, &le):
		ds = le.Diagnostics
	case errors.As(err, &fe):
		ds = fe.Diagnostics
	case errors.As(err, &se):
		ds = se.Diagnostics
	default:
		return ""
	}
	var b strings.Builder
	_ = ds.Print(&b)
	return b.String()
}

// errorCodes returns the codes of the error diagnostics, in order.
func errorCodes(ds diag.Diagnostics) []string {
	var out []string
	for _, d := range ds.Errors() {
		out = append(out, d.Code)
	}
	return out
}

func mustFacts(t testing.TB, doc string) *facts.Facts {
	t.Helper()
	fs, err := facts.Decode("facts.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("DecodeFacts: %v\n%s", err, formatDiags(err))
	}
	if len(fs) != 1 {
		t.Fatalf("DecodeFacts returned %d enterprises, want 1", len(fs))
	}
	return fs[0]
}

// evalRule evaluates the when of coverage rule id in the stack of reg for
// the facts' region at asOf.
func evalRule(t testing.TB, reg *rulesets.Registry, f *facts.Facts, asOf, id string) (bool, error, *lang.Eval) {
	t.Helper()
	d := facts.MustParseDate(asOf)
	st, err := reg.Stack(f.Region, d, "")
	if err != nil {
		t.Fatalf("Stack(%q, %s): %v\n%s", f.Region, d, err, formatDiags(err))
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, f, d, ""); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	for _, c := range st.Coverage {
		if c.ID == id {
			ok, err := c.When.Bool(ev)
			return ok, err, ev
		}
	}
	t.Fatalf("no coverage rule %q in the stack", id)
	return false, nil, nil
}

// findDiag returns the first error diagnostic with the code, or nil.
func findDiag(ds diag.Diagnostics, code string) *diag.Diagnostic {
	for _, d := range ds {
		if d.Code == code {
			return d
		}
	}
	return nil
}

// bug marks a regression test of a bug the tests found and that has been
// fixed; desc says what the bug was. The test always runs.
func bug(t testing.TB, desc string) {
	t.Helper()
	_ = desc
}

// completeFactsYAML gives every core fact; richFacts most optional ones
// (the facts package's test fixtures).
var (
	completeFactsYAML = readFactsTestdata("complete.yaml")
	richFacts         = readFactsTestdata("rich.yaml")
)

func readFactsTestdata(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "facts", "testdata", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}
