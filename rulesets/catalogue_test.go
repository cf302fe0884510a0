package rulesets_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// The bad-input catalogue (../testdata/bad) holds invalid rulesets and
// facts documents, each with one primary problem and the diagnostics it
// must produce, annotated in the file with the convention of
// testdata/load (see diag_test.go):
//
//	key: value # ERROR "regexp"
//	key: value # ERROR col 7 "regexp" hint "regexp" code expr.type
//	# ERROR line -1 col 9 "regexp"
//	# ERROR nopos "regexp"
//
// "line ±N" moves the expected line relative to the comment's line; "col N"
// also checks the 1-based column; "nopos" expects a diagnostic with no
// position (a file too large, a file with nothing in it, a stack that is
// empty); "hint" also matches the diagnostic's hint and "code" its code. The regexp matches the
// summary. Every diagnostic of error severity must be annotated; warnings
// need an annotation only when they are the point of the file.
//
// JSON facts cannot hold comments: x.json has a sidecar x.json.want with
// one expected diagnostic a line, "line:col code regexp" (col 0: any
// column; 0:0: no position), and "#" comment lines that may hold the
// markers below.
//
// Markers, on comment lines of their own:
//
//	# STACK [region=R date=D [insurer=I]]
//	    rulesets: the file loads; its problem is one of the stack and is
//	    found by LintRegistry (and, given a region and date, by
//	    Registry.Stack for them).
//	# LINT
//	    rulesets: the file loads; its problem is a lint warning.
//	# ASSESS date=D
//	    facts: the document decodes; its problem is found when its facts
//	    meet the stack of the bundled rulesets for its region on D
//	    (Eval.Reset, as Engine.Assess does).
//	# BUG: text
//	    the file shows a bug of non-test code: the test runs the checks and
//	    skips with the text and the failures while they fail, and fails
//	    once they pass, so that the marker is removed.
//
// Every file that loads is linted too (LintRegistry), and every facts
// document that decodes is bound to the bundled stack of its region, so no
// error can go unnoticed.
//
// Beyond the annotations, every diagnostic must be one a user can act on:
// a code of its kind of input, a position inside the file with the snippet
// of that line (or no position at all), a hint for every error unless its
// code is in summaryIsEnough, and no Go type names.
var catalogueDir = filepath.Join("..", "testdata", "bad")

type catWant struct {
	sev       diag.Severity
	line, col int
	nopos     bool
	code      string // sidecars only
	rx, hint  *regexp.Regexp
	at        string // where the annotation is, for messages
}

func (w catWant) String() string {
	pos := "no position"
	if !w.nopos {
		pos = "line " + strconv.Itoa(w.line)
		if w.col > 0 {
			pos += " col " + strconv.Itoa(w.col)
		}
	}
	s := fmt.Sprintf("%s at %s matching %q", w.sev, pos, w.rx)
	if w.code != "" {
		s += " with code " + w.code
	}
	if w.hint != nil {
		s += fmt.Sprintf(" and a hint matching %q", w.hint)
	}
	return s + " (" + w.at + ")"
}

func (w catWant) matches(d *diag.Diagnostic) bool {
	if d.Severity != w.sev || !w.rx.MatchString(d.Summary) {
		return false
	}
	if w.code != "" && d.Code != w.code {
		return false
	}
	if w.hint != nil && !w.hint.MatchString(d.Hint) {
		return false
	}
	if w.nopos {
		return !d.Subject.Start.IsValid()
	}
	return d.Subject.Start.Line == w.line && (w.col == 0 || d.Subject.Start.Column == w.col)
}

// catEntry is one catalogue file (or a generated input, for those too big
// to commit).
type catEntry struct {
	name    string // as diagnostics name it: testdata/bad/rulesets/x.yaml
	data    []byte
	facts   bool
	want    []catWant
	stack   bool // # STACK or # LINT
	stackAt *stackSpec
	assess  facts.Date
	bug     string
}

type stackSpec struct {
	region  string
	date    facts.Date
	insurer string
}

var (
	catAnnotStart = regexp.MustCompile(`#\s*(ERROR|WARNING)\b`)
	catAnnotOne   = regexp.MustCompile(`(ERROR|WARNING)(?:\s+(nopos))?(?:\s+line\s+([+-]?\d+))?(?:\s+col\s+(\d+))?\s+"((?:[^"\\]|\\.)*)"(?:\s+hint\s+"((?:[^"\\]|\\.)*)")?(?:\s+code\s+([a-z_]+\.[a-z_]+))?`)
	catMarker     = regexp.MustCompile(`^\s*#\s*(STACK|LINT|ASSESS|BUG:)(.*)$`)
	catWantLine   = regexp.MustCompile(`^(\d+):(\d+)\s+([a-z_]+\.[a-z_]+)\s+(.+)$`)
)

func unquoteRx(t testing.TB, s, at string) *regexp.Regexp {
	t.Helper()
	rx, err := regexp.Compile(strings.ReplaceAll(s, `\"`, `"`))
	if err != nil {
		t.Fatalf("%s: bad regexp: %v", at, err)
	}
	return rx
}

// parseMarker applies a marker line to e.
func (e *catEntry) parseMarker(t testing.TB, kind, rest, at string) {
	t.Helper()
	rest = strings.TrimSpace(rest)
	switch kind {
	case "BUG:":
		e.bug = rest
	case "LINT":
		e.stack = true
	case "STACK":
		e.stack = true
		if rest == "" {
			return
		}
		spec := &stackSpec{}
		for _, kv := range strings.Fields(rest) {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "region":
				spec.region = strings.Trim(v, `"`)
			case "date":
				spec.date = facts.MustParseDate(v)
			case "insurer":
				spec.insurer = v
			default:
				t.Fatalf("%s: unknown STACK parameter %q", at, k)
			}
		}
		e.stackAt = spec
	case "ASSESS":
		k, v, _ := strings.Cut(rest, "=")
		if k != "date" {
			t.Fatalf("%s: ASSESS needs date=YYYY-MM-DD", at)
		}
		e.assess = facts.MustParseDate(v)
	}
}

// parseYAMLAnnotations reads the annotations and markers of a YAML file.
func (e *catEntry) parseYAMLAnnotations(t testing.TB) {
	t.Helper()
	for i, line := range strings.Split(string(e.data), "\n") {
		at := fmt.Sprintf("%s:%d", e.name, i+1)
		if m := catMarker.FindStringSubmatch(line); m != nil {
			e.parseMarker(t, m[1], m[2], at)
			continue
		}
		loc := catAnnotStart.FindStringIndex(line)
		if loc == nil {
			continue
		}
		ms := catAnnotOne.FindAllStringSubmatch(line[loc[0]+1:], -1)
		if len(ms) == 0 {
			t.Fatalf("%s: malformed annotation %q", at, line[loc[0]:])
		}
		for _, m := range ms {
			w := catWant{sev: diag.SeverityError, line: i + 1, at: "annotation on " + at}
			if m[1] == "WARNING" {
				w.sev = diag.SeverityWarning
			}
			w.nopos = m[2] != ""
			if m[3] != "" {
				n, _ := strconv.Atoi(m[3])
				w.line += n
			}
			if m[4] != "" {
				w.col, _ = strconv.Atoi(m[4])
			}
			w.rx = unquoteRx(t, m[5], at)
			if m[6] != "" {
				w.hint = unquoteRx(t, m[6], at)
			}
			w.code = m[7]
			e.want = append(e.want, w)
		}
	}
}

// parseSidecar reads x.json.want.
func (e *catEntry) parseSidecar(t testing.TB, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%s needs a sidecar %s.want: %v", e.name, filepath.Base(e.name), err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		at := fmt.Sprintf("%s.want:%d", e.name, n)
		if m := catMarker.FindStringSubmatch(line); m != nil {
			e.parseMarker(t, m[1], m[2], at)
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := catWantLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s: want \"line:col code regexp\", not %q", at, line)
		}
		w := catWant{sev: diag.SeverityError, code: m[3], at: at}
		w.line, _ = strconv.Atoi(m[1])
		w.col, _ = strconv.Atoi(m[2])
		w.nopos = w.line == 0
		w.rx = unquoteRx(t, m[4], at)
		e.want = append(e.want, w)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// readCatalogue reads every file of one part of the catalogue.
func readCatalogue(t testing.TB, part string) []*catEntry {
	t.Helper()
	dir := filepath.Join(catalogueDir, part)
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("the catalogue: %v", err)
	}
	var out []*catEntry
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || strings.HasSuffix(name, ".want") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		e := &catEntry{name: "testdata/bad/" + part + "/" + name, data: data, facts: part == "facts"}
		switch filepath.Ext(name) {
		case ".yaml":
			if !startsWithComment(data) {
				t.Errorf("%s: start the file with a comment that says what is wrong in it", e.name)
			}
			e.parseYAMLAnnotations(t)
		case ".json":
			if !e.facts {
				t.Errorf("%s: only facts documents are written as JSON", e.name)
			}
			e.parseSidecar(t, filepath.Join(dir, name+".want"))
		default:
			t.Errorf("%s: catalogue files are .yaml or .json (with a .want sidecar)", e.name)
			continue
		}
		out = append(out, e)
	}
	// every sidecar belongs to a JSON file
	for _, de := range des {
		if n := de.Name(); strings.HasSuffix(n, ".want") {
			if _, err := os.Stat(filepath.Join(dir, strings.TrimSuffix(n, ".want"))); err != nil {
				t.Errorf("sidecar %s has no JSON file", n)
			}
		}
	}
	return out
}

// startsWithComment reports whether one of the first lines of a file is a
// comment (the first line itself may be the one with the problem, when
// the problem is where the file starts).
func startsWithComment(data []byte) bool {
	lines := strings.SplitN(string(data), "\n", 4)
	for i, l := range lines {
		if i < 3 && strings.HasPrefix(strings.TrimPrefix(l, "\ufeff"), "#") {
			return true
		}
	}
	return false
}

// generatedCatalogue holds the inputs too big to commit: they run through
// the same checks as the files.
func generatedCatalogue() []*catEntry {
	rx := regexp.MustCompile
	big := func(limit int, doc string) []byte {
		pad := "# " + strings.Repeat("x", 76) + "\n"
		var b strings.Builder
		b.WriteString(doc)
		for b.Len() <= limit {
			b.WriteString(pad)
		}
		return []byte(b.String())
	}
	// more errors than MaxErrors: the first MaxErrors, by line, and one
	// diagnostic that counts the rest
	tooMany := func(name string, hasFacts bool, head, line string, col int, summary string) *catEntry {
		e := &catEntry{name: name, facts: hasFacts}
		var b strings.Builder
		b.WriteString(head)
		first := strings.Count(head, "\n") + 1
		n := diag.MaxErrors + 50
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, line, i)
		}
		e.data = []byte(b.String())
		for i := 0; i < diag.MaxErrors; i++ {
			e.want = append(e.want, catWant{sev: diag.SeverityError, line: first + i, col: col, rx: rx(summary), at: "generated"})
		}
		e.want = append(e.want, catWant{sev: diag.SeverityError, nopos: true, rx: rx(`^50 more errors are not shown$`), hint: rx(`fix the first`), at: "generated"})
		return e
	}
	return []*catEntry{
		tooMany("generated/ruleset-too-many-errors.yaml", false, header("cn/test/many", "1", "policy", "", "2000-01-01"),
			"  s%d: {title: t, date: 2021-02-30}\n", 0, `^date: .*2021-02-30`),
		tooMany("generated/facts-too-many-errors.yaml", true, "region: \"43\"\nsectors: [other]\naccidents:\n",
			"- {date: 2021-02-30, deaths: %d}\n", 10, `^accident date: .*2021-02-30`),
		{name: "generated/ruleset-too-large.yaml", data: big(rulesets.MaxRulesetSize, header("cn/test/big", "1", "policy", "", "2000-01-01")),
			want: []catWant{{sev: diag.SeverityError, nopos: true, rx: rx(`^file is \d+ bytes; the limit is 4194304$`), hint: rx(`split`), at: "generated"}}},
		{name: "generated/facts-too-large.yaml", facts: true, data: big(facts.MaxSize, "region: \"43\"\nsectors: [other]\n"),
			want: []catWant{{sev: diag.SeverityError, nopos: true, rx: rx(`^document is \d+ bytes; the limit is 1048576$`), hint: rx(`split`), at: "generated"}}},
	}
}

// catResult is what checking one entry found.
type catResult struct {
	diags    diag.Diagnostics
	failures []string
	codes    map[string]bool // codes of the diagnostics the annotations expect
}

// summaryIsEnough lists the codes whose errors may come without a hint,
// because the summary itself says what to change; every other error must
// have a hint that says how to fix it.
var summaryIsEnough = map[string]string{
	"expr.args":            "names the function and the arguments it takes",
	"expr.decimal":         "names the literal and the limit it breaks",
	"expr.result_type":     "says which type the expression must have",
	"expr.syntax":          "expr's parser names the token, and the caret shows it",
	"expr.too_large":       "gives the length and the limit",
	"expr.type":            "names the operation and the types it was given",
	"expr.unknown_code":    "names the code and its vocabulary",
	"expr.unsupported":     "names the construct that is not supported",
	"penalty.restates":     "names the violation restated and what is missing",
	"stack.unknown_factor": "names the factor removed and that no lower layer has it",
	"stack.unknown_table":  "names the table the base reads and that no layer has it",
}

// goTypeName is a Go type in a message, which tells a ruleset's author
// nothing (rulesets.Date, time.Time, decimal.Decimal).
var goTypeName = regexp.MustCompile(`\b(rulesets|time|decimal|reflect)\.[A-Z]\w*`)

var (
	rulesetCodes = regexp.MustCompile(`^(ruleset|expr|let|cite|stack|penalty|table|lint)\.[a-z_]+$`)
	factsCodes   = regexp.MustCompile(`^(facts|stack)\.[a-z_]+$`)
)

var bundledOnce struct {
	once sync.Once
	reg  *rulesets.Registry
	err  error
}

// bundledRegistry is the registry of the bundled rulesets, loaded once (a
// Registry is immutable).
func bundledRegistry(t testing.TB) *rulesets.Registry {
	t.Helper()
	bundledOnce.once.Do(func() { bundledOnce.reg, bundledOnce.err = rulesets.LoadBundled() })
	if bundledOnce.err != nil {
		t.Fatalf("LoadBundled: %v", bundledOnce.err)
	}
	return bundledOnce.reg
}

// diagnose runs an entry through the public API and returns every
// diagnostic, and problems with the way it was run.
func (e *catEntry) diagnose(t testing.TB) (diag.Diagnostics, []string) {
	var ds diag.Diagnostics
	var fails []string
	if e.facts {
		fs, err := facts.Decode(e.name, e.data)
		var fe *facts.Error
		switch {
		case errors.As(err, &fe):
			ds = fe.Diagnostics
		case err != nil:
			fails = append(fails, fmt.Sprintf("DecodeFacts: %T %v", err, err))
		}
		if err != nil {
			if !e.assess.IsZero() {
				fails = append(fails, "an # ASSESS document must decode; its problem is found against the stack")
			}
			return ds, fails
		}
		date := e.assess
		if date.IsZero() {
			date = facts.MustParseDate("2026-01-01")
		}
		reg := bundledRegistry(t)
		for _, f := range fs {
			st, err := reg.Stack(f.Region, date, "")
			var se *rulesets.StackError
			switch {
			case errors.As(err, &se):
				ds = append(ds, se.Diagnostics...)
				continue
			case err != nil:
				fails = append(fails, fmt.Sprintf("Stack: %T %v", err, err))
				continue
			}
			if err := st.Bind(lang.NewEval(), f, date, ""); err != nil {
				if errors.As(err, &fe) {
					ds = append(ds, fe.Diagnostics...)
				} else {
					fails = append(fails, fmt.Sprintf("Eval.Reset: %T %v", err, err))
				}
			}
		}
		return ds, fails
	}
	reg, err := rulesets.LoadFiles(diag.File{Name: e.name, Data: e.data})
	var le *rulesets.LoadError
	switch {
	case errors.As(err, &le):
		ds = le.Diagnostics
	case err != nil:
		fails = append(fails, fmt.Sprintf("LoadFiles: %T %v", err, err))
	default:
		ds = reg.Warnings()
	}
	if reg == nil {
		if e.stack {
			fails = append(fails, "a # STACK or # LINT file must load: its problem is found by LintRegistry")
		}
		return ds, fails
	}
	ds = append(ds, rulesets.Lint(reg, nil)...)
	if s := e.stackAt; s != nil {
		_, err := reg.Stack(s.region, s.date, s.insurer)
		var se *rulesets.StackError
		switch {
		case errors.As(err, &se):
			ds = append(ds, se.Diagnostics...)
		case err != nil:
			fails = append(fails, fmt.Sprintf("Stack: %T %v", err, err))
		}
	}
	return ds, fails
}

// check runs an entry and compares its diagnostics with what it expects.
func (e *catEntry) check(t testing.TB) catResult {
	res := catResult{codes: map[string]bool{}}
	fail := func(format string, args ...any) { res.failures = append(res.failures, fmt.Sprintf(format, args...)) }
	if len(e.want) == 0 {
		fail("the file expects no diagnostic; annotate what it must produce")
	}
	ds, fails := e.diagnose(t)
	res.diags = ds
	res.failures = append(res.failures, fails...)
	for _, w := range e.want {
		found := false
		for _, d := range ds {
			if w.matches(d) {
				found = true
				res.codes[d.Code] = true
			}
		}
		if !found {
			fail("%s: no %s", e.name, w)
		}
	}
	codes := rulesetCodes
	if e.facts {
		codes = factsCodes
	}
	lines := strings.Split(string(e.data), "\n")
	for _, d := range ds {
		where := fmt.Sprintf("%s [%s] %q", d.Subject, d.Code, d.Summary)
		if d.Code == "" || d.Summary == "" {
			fail("diagnostic without a code or a summary: %+v", d)
		}
		if !codes.MatchString(d.Code) {
			fail("%s: unexpected code for this kind of input", where)
		}
		if d.Severity != diag.SeverityError && d.Severity != diag.SeverityWarning {
			fail("%s: severity %q", where, d.Severity)
		}
		if strings.Contains(d.Summary, "internal") || strings.Contains(d.Summary, "runtime error") {
			fail("%s: an internal error reached the user", where)
		}
		if _, ok := summaryIsEnough[d.Code]; !ok && d.Severity == diag.SeverityError && strings.TrimSpace(d.Hint) == "" {
			fail("%s: no hint says how to fix it", where)
		}
		if goTypeName.MatchString(d.Summary + " " + d.Hint) {
			fail("%s: names a Go type, which means nothing to the author of a ruleset", where)
		}
		if d.Subject.Start.IsValid() {
			if d.Subject.File != e.name {
				fail("%s: names file %q, want %q", where, d.Subject.File, e.name)
			}
			if s := d.Subject.Start; s.Line > len(lines) {
				fail("%s: line %d is past the end of the file (%d lines)", where, s.Line, len(lines))
			} else {
				text := strings.TrimSuffix(lines[s.Line-1], "\r")
				if s.Column < 1 || s.Column > utf8.RuneCountInString(text)+1 {
					fail("%s: column %d is outside line %d (%q)", where, s.Column, s.Line, text)
				}
				switch {
				case d.Source == "" && strings.HasPrefix(d.Summary, "not a facts document"):
					// a file that is no document of its kind is never quoted
				case d.Source == "":
					fail("%s: a position but no snippet to show it", where)
				case d.SourceFrom > 0:
					r := []rune(text)
					if k := d.SourceFrom - 1 + utf8.RuneCountInString(d.Source); k > len(r) || string(r[d.SourceFrom-1:k]) != d.Source {
						fail("%s: snippet %q is not an excerpt of line %d at column %d", where, d.Source, s.Line, d.SourceFrom)
					}
				case d.Source != text:
					fail("%s: snippet %q is not line %d (%q)", where, d.Source, s.Line, text)
				}
			}
		} else if d.Subject.File != "" && d.Subject.File != e.name {
			fail("%s: names file %q, want %q", where, d.Subject.File, e.name)
		}
		if d.Severity != diag.SeverityError {
			continue
		}
		annotated := false
		for _, w := range e.want {
			if w.matches(d) {
				annotated = true
				break
			}
		}
		if !annotated {
			fail("unexpected %s", strings.TrimRight(d.Format(), "\n"))
		}
	}
	return res
}

// runCatalogue checks every entry as a subtest and returns the codes the
// annotations expect, by code, with the files that produce them.
func runCatalogue(t *testing.T, entries []*catEntry) map[string][]string {
	produced := map[string][]string{}
	for _, e := range entries {
		t.Run(filepath.Base(e.name), func(t *testing.T) {
			res := e.check(t)
			for c := range res.codes {
				produced[c] = append(produced[c], e.name)
			}
			var report strings.Builder
			if len(res.failures) > 0 {
				_ = res.diags.Print(&report)
			}
			if e.bug != "" {
				if len(res.failures) == 0 {
					t.Errorf("%s is marked \"# BUG: %s\" but passes: the bug is fixed, remove the marker", e.name, e.bug)
					return
				}
				t.Skipf("BUG: %s\n%s\nall diagnostics:\n%s", e.bug, strings.Join(res.failures, "\n"), report.String())
			}
			for _, f := range res.failures {
				t.Error(f)
			}
			if t.Failed() {
				t.Logf("all diagnostics:\n%s", report.String())
			}
		})
	}
	return produced
}

const (
	minCatalogueRulesets = 60
	minCatalogueFacts    = 40
)

// TestCatalogue runs the bad-input catalogue: every file's diagnostics are
// those annotated, each with a code, a summary, a position in the file with
// its snippet, and a hint (or a summary that says what to change); and
// every diagnostic code of the package is produced by some file.
func TestCatalogue(t *testing.T) {
	rs := readCatalogue(t, "rulesets")
	fs := readCatalogue(t, "facts")
	if len(rs) < minCatalogueRulesets {
		t.Errorf("the catalogue has %d ruleset files; want at least %d", len(rs), minCatalogueRulesets)
	}
	if len(fs) < minCatalogueFacts {
		t.Errorf("the catalogue has %d facts documents; want at least %d", len(fs), minCatalogueFacts)
	}
	jsonFacts := 0
	for _, e := range fs {
		if strings.HasSuffix(e.name, ".json") {
			jsonFacts++
		}
	}
	if jsonFacts == 0 {
		t.Error("the catalogue has no JSON facts documents")
	}
	produced := map[string][]string{}
	merge := func(m map[string][]string) {
		for c, files := range m {
			produced[c] = append(produced[c], files...)
		}
	}
	t.Run("rulesets", func(t *testing.T) { merge(runCatalogue(t, rs)) })
	t.Run("facts", func(t *testing.T) { merge(runCatalogue(t, fs)) })
	t.Run("generated", func(t *testing.T) { merge(runCatalogue(t, generatedCatalogue())) })

	t.Run("every code", func(t *testing.T) {
		codes := sourceCodes(t)
		if len(codes) < 50 {
			t.Fatalf("found only %d codes in the source; the scanner is broken", len(codes))
		}
		var missing []string
		for _, c := range codes {
			if _, ok := catalogueExceptions[c]; ok {
				if len(produced[c]) > 0 {
					t.Errorf("code %s is in catalogueExceptions but %s produces it: remove the exception", c, produced[c][0])
				}
				continue
			}
			if len(produced[c]) == 0 {
				missing = append(missing, c)
			}
		}
		for c := range catalogueExceptions {
			if !contains(codes, c) {
				t.Errorf("catalogueExceptions lists %s, which the source no longer has", c)
			}
		}
		if len(missing) > 0 {
			t.Errorf("no catalogue file produces (as an annotated diagnostic) the codes %s", strings.Join(missing, ", "))
		}
		for c := range produced {
			if !contains(codes, c) {
				t.Errorf("the catalogue expects code %s, which the source scan did not find", c)
			}
		}
		t.Logf("%d codes in the source, %d produced by the catalogue, %d exceptions", len(codes), len(produced), len(catalogueExceptions))
	})
}

// catalogueExceptions are codes of package rulesets that no input can
// produce through the public API, each with the reason.
var catalogueExceptions = map[string]string{}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	// a code literal: "ruleset.missing", "expr.unknown_name" …
	codeLiteral = regexp.MustCompile(`"((?:ruleset|facts|expr|stack|penalty|table|let|cite|lint)\.[a-z_]+)"`)
	// a code built from the reader's prefix: r.prefix+".alias", prefix + ".syntax"
	prefixCode = regexp.MustCompile(`[Pp]refix\s*\+\s*"\.([a-z_]+)"`)
)

// sourceCodes scans the non-test Go files of the packages that load
// rulesets and facts for the diagnostic codes they can report.
func sourceCodes(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{".", "../facts", "../diag", "../internal/yamlx", "../internal/lang"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	set := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, m := range codeLiteral.FindAllStringSubmatch(line, -1) {
				set[m[1]] = true
			}
			for _, m := range prefixCode.FindAllStringSubmatch(line, -1) {
				set["ruleset."+m[1]] = true
				set["facts."+m[1]] = true
			}
		}
	}
	var out []string
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
