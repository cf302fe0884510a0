// Package testkit holds what the packages' tests and fuzz targets share:
// a per-input watchdog, panic capture, the properties every diagnostic
// must have, and small stacks built from ruleset text. Only tests import
// it.
package testkit

import (
	"bytes"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// FuzzLimit is the time one fuzz input may take.
const FuzzLimit = 10 * time.Second

// Watchdog turns an input that takes longer than limit into a crash with
// every goroutine's stack, so the fuzzer keeps it (Go's fuzzer has no
// per-input timeout). Call the returned function when the input is done.
func Watchdog(limit time.Duration) func() {
	timer := time.AfterFunc(limit, func() {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		panic(fmt.Sprintf("input took longer than %s:\n%s", limit, buf[:n]))
	})
	return func() { timer.Stop() }
}

// NoPanic runs f and turns a panic into a test failure with its stack.
func NoPanic(t testing.TB, f func()) { CatchPanic(t, "", f) }

// CatchPanic runs f and turns a panic into a test failure naming what
// panicked, with its stack.
func CatchPanic(t testing.TB, what string, f func()) {
	t.Helper()
	var stack string
	var val any
	func() {
		defer func() {
			if val = recover(); val != nil {
				stack = string(debug.Stack())
			}
		}()
		f()
	}()
	if val != nil {
		if what == "" {
			what = "the code under test"
		}
		t.Fatalf("%s panicked: %v\n%s", what, val, stack)
	}
}

// CheckDiagnostics checks the properties every diagnostic has: a code the
// codes pattern allows, a summary, no internal error text, a position
// inside src (when src is given) and a known severity.
func CheckDiagnostics(t testing.TB, ds diag.Diagnostics, src []byte, codes *regexp.Regexp) {
	t.Helper()
	if len(ds) == 0 {
		t.Fatal("an error without diagnostics")
	}
	lines := YAMLLines(src)
	for _, d := range ds {
		if d.Code == "" || d.Summary == "" {
			t.Errorf("diagnostic without code or summary: %+v", d)
		}
		if !codes.MatchString(d.Code) {
			t.Errorf("unexpected diagnostic code %q: %s", d.Code, d.Summary)
		}
		if strings.Contains(d.Summary, "internal") || strings.Contains(d.Summary, "runtime error") {
			t.Errorf("internal error reached the user: %s [%s]", d.Summary, d.Code)
		}
		if s := d.Subject.Start; s != (diag.Pos{}) {
			if s.Line < 1 || (lines > 0 && s.Line > lines) || s.Column < 0 {
				t.Errorf("diagnostic %q at %d:%d, outside the %d lines of the input", d.Summary, s.Line, s.Column, lines)
			}
		}
		if d.Severity != diag.SeverityError && d.Severity != diag.SeverityWarning {
			t.Errorf("diagnostic with severity %q", d.Severity)
		}
		_ = d.Format()
		_ = d.Error()
	}
	_ = ds.Error()
}

// YAMLLines is the number of lines yaml.v3 may report positions on: it
// breaks lines at \n, \r\n, a lone \r, U+0085, U+2028 and U+2029, and
// may place the end of the stream one line past the last (an implicit null
// after "---" without a newline). It returns 0 (unknown) for UTF-16 input
// or when the source is not known.
func YAMLLines(src []byte) int {
	if src == nil || bytes.HasPrefix(src, []byte("\xfe\xff")) || bytes.HasPrefix(src, []byte("\xff\xfe")) {
		return 0
	}
	s := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n").Replace(string(src))
	return strings.Count(s, "\n") + 2
}

// AddFiles adds every file of fsys whose base name matches pattern to the
// fuzz corpus, and returns how many it added.
func AddFiles(f *testing.F, fsys fs.FS, pattern string) int {
	n := 0
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ok, _ := filepath.Match(pattern, filepath.Base(p)); !ok {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err == nil {
			f.Add(data)
			n++
		}
		return nil
	})
	return n
}

// MustFacts decodes one enterprise's facts or fails the test with the
// diagnostics.
func MustFacts(t testing.TB, doc string) *facts.Facts {
	t.Helper()
	fs, err := facts.Decode("facts.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("facts: %v", err)
	}
	if len(fs) != 1 {
		t.Fatalf("facts: %d enterprises, want 1", len(fs))
	}
	return fs[0]
}

// FindDiag returns the first diagnostic with the code, or nil.
func FindDiag(ds diag.Diagnostics, code string) *diag.Diagnostic {
	for _, d := range ds {
		if d.Code == code {
			return d
		}
	}
	return nil
}

// ErrorCodes returns the codes of the error diagnostics, in order.
func ErrorCodes(ds diag.Diagnostics) []string {
	var out []string
	for _, d := range ds.Errors() {
		out = append(out, d.Code)
	}
	return out
}

// Bind loads the ruleset documents as one registry and binds an
// evaluation of the facts on asOf to the stack of their region, as the
// engine does before it evaluates the answers.
func Bind(t testing.TB, factsYAML, asOf string, docs ...string) (*rulesets.Stack, *lang.Eval) {
	t.Helper()
	return Binder(t, docs...)(factsYAML, asOf)
}

// Binder loads the ruleset documents as one registry and returns a
// function that binds, as Bind does, an evaluation of facts on asOf to the
// stack of their region: the stack is the registry's, the same for every
// call with the same region and date, so that what it keeps between
// answers is kept between the calls.
func Binder(t testing.TB, docs ...string) func(factsYAML, asOf string) (*rulesets.Stack, *lang.Eval) {
	t.Helper()
	reg := Load(t, docs...)
	return func(factsYAML, asOf string) (*rulesets.Stack, *lang.Eval) {
		t.Helper()
		_, st, ev := BindTo(t, reg, factsYAML, asOf)
		return st, ev
	}
}

// Load loads the ruleset documents (named r0.yaml, r1.yaml …) as one
// registry.
func Load(t testing.TB, docs ...string) *rulesets.Registry {
	t.Helper()
	var files []diag.File
	for i, d := range docs {
		files = append(files, diag.File{Name: fmt.Sprintf("r%d.yaml", i), Data: []byte(d)})
	}
	reg, err := rulesets.LoadFiles(files...)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return reg
}

// BindTo decodes the facts and binds an evaluation of them on asOf to
// their region's stack of reg.
func BindTo(t testing.TB, reg *rulesets.Registry, factsYAML, asOf string) (*facts.Facts, *rulesets.Stack, *lang.Eval) {
	t.Helper()
	f := MustFacts(t, factsYAML)
	d := facts.MustParseDate(asOf)
	st, err := reg.Stack(f.Region, d, "")
	if err != nil {
		t.Fatalf("stack: %v", err)
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, f, d, ""); err != nil {
		t.Fatalf("bind: %v", err)
	}
	return f, st, ev
}
