package rulesets_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/rulesets"
)

// An annotation in a fixture says which diagnostic a line must produce,
// the YAML form of go/parser's /* ERROR "rx" */:
//
//	key: value # ERROR "regexp"
//	key: value # ERROR col 7 "regexp" WARNING "regexp"
//	# ERROR line -1 col 9 "regexp"
//
// "line N" moves the expected line relative to the comment's line (for
// lines inside block scalars, where a comment would be part of the text);
// "col N" also checks the 1-based column. The regexp matches the summary.
var (
	annotStart = regexp.MustCompile(`#\s*(ERROR|WARNING)\b`)
	annotOne   = regexp.MustCompile(`(ERROR|WARNING)(?:\s+line\s+([+-]?\d+))?(?:\s+col\s+(\d+))?\s+"((?:[^"\\]|\\.)*)"`)
)

type annotation struct {
	sev       diag.Severity
	line, col int
	rx        *regexp.Regexp
	at        int // the line of the comment
}

func parseAnnotations(t *testing.T, src []byte) []annotation {
	t.Helper()
	var out []annotation
	for i, line := range strings.Split(string(src), "\n") {
		loc := annotStart.FindStringIndex(line)
		if loc == nil {
			continue
		}
		rest := line[loc[0]+1:]
		ms := annotOne.FindAllStringSubmatch(rest, -1)
		if len(ms) == 0 {
			t.Fatalf("line %d: malformed annotation %q", i+1, rest)
		}
		for _, m := range ms {
			a := annotation{sev: diag.SeverityError, line: i + 1, at: i + 1}
			if m[1] == "WARNING" {
				a.sev = diag.SeverityWarning
			}
			if m[2] != "" {
				n, _ := strconv.Atoi(m[2])
				a.line += n
			}
			if m[3] != "" {
				a.col, _ = strconv.Atoi(m[3])
			}
			rx, err := regexp.Compile(strings.ReplaceAll(m[4], `\"`, `"`))
			if err != nil {
				t.Fatalf("line %d: bad regexp: %v", i+1, err)
			}
			a.rx = rx
			out = append(out, a)
		}
	}
	return out
}

func (a annotation) matches(d *diag.Diagnostic) bool {
	return d.Severity == a.sev && d.Subject.Start.Line == a.line &&
		(a.col == 0 || d.Subject.Start.Column == a.col) && a.rx.MatchString(d.Summary)
}

// TestLoadDiagnostics loads every file of testdata/load alone and checks
// its diagnostics against the annotations in it.
func TestLoadDiagnostics(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "load", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.ToSlash(path)
			annots := parseAnnotations(t, src)
			if len(annots) == 0 {
				t.Fatal("the fixture has no annotations")
			}
			var ds diag.Diagnostics
			reg, err := rulesets.LoadFiles(diag.File{Name: name, Data: src})
			var le *rulesets.LoadError
			switch {
			case errors.As(err, &le):
				ds = le.Diagnostics
			case err != nil:
				t.Fatalf("LoadFiles: %T %v", err, err)
			default:
				ds = reg.Warnings()
			}
			for _, a := range annots {
				found := false
				for _, d := range ds {
					if a.matches(d) {
						found = true
						break
					}
				}
				if !found {
					col := ""
					if a.col > 0 {
						col = ":" + strconv.Itoa(a.col)
					}
					t.Errorf("%s:%d%s: no %s matching %q (annotation on line %d)", name, a.line, col, a.sev, a.rx, a.at)
				}
			}
			for _, d := range ds {
				if d.Subject.File != name {
					t.Errorf("diagnostic %q names file %q, want %q", d.Summary, d.Subject.File, name)
				}
				if d.Code == "" || d.Summary == "" {
					t.Errorf("diagnostic without code or summary: %+v", d)
				}
				if d.Severity != diag.SeverityError {
					continue
				}
				annotated := false
				for _, a := range annots {
					if a.matches(d) {
						annotated = true
						break
					}
				}
				if !annotated {
					t.Errorf("unexpected %s", strings.TrimRight(d.Format(), "\n"))
				}
			}
			if t.Failed() {
				var b strings.Builder
				_ = ds.Print(&b)
				t.Logf("all diagnostics:\n%s", b.String())
			}
		})
	}
}

func TestAnnotationParser(t *testing.T) {
	src := "a: 1 # ERROR \"x\"\nb: 2 # ERROR col 4 \"y\\\"z\" WARNING line -1 \"w\"\n# just a comment\nc: \"#\" # a comment with # ERROR col 2 \"q\"\n"
	got := parseAnnotations(t, []byte(src))
	type ann struct {
		Sev       diag.Severity
		Line, Col int
		Rx        string
	}
	var out []ann
	for _, a := range got {
		out = append(out, ann{a.sev, a.line, a.col, a.rx.String()})
	}
	want := []ann{
		{diag.SeverityError, 1, 0, "x"},
		{diag.SeverityError, 2, 4, `y"z`},
		{diag.SeverityWarning, 1, 0, "w"},
		{diag.SeverityError, 4, 2, "q"},
	}
	if d := cmp.Diff(want, out); d != "" {
		t.Errorf("annotations (-want +got):\n%s", d)
	}
}

// TestExprPositionDetail: where a scalar cannot be mapped exactly (folded,
// escapes), the diagnostic points at the scalar and shows a caret under the
// name in its detail.
func TestExprPositionDetail(t *testing.T) {
	for _, c := range []struct {
		name, when, detail string
		col                int
	}{
		{"folded", ">-\n      employees > 1 && employes > 1", "in the expression, line 1:\n| employees > 1 && employes > 1\n|                  ^^^^^^^^", 11},
		{"escapes", `"in_sector(\"construction\") && employes > 1"`, "in the expression, line 1:\n| in_sector(\"construction\") && employes > 1\n|                              ^^^^^^^^", 11},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := header("cn/test/detail", "1", "policy", "", "2000-01-01") +
				"coverage:\n  - id: r\n    when: " + c.when + "\n    obligation: encouraged\n    text: t\n    cite: {source: s}\n"
			ds := loadDiags(t, diag.File{Name: "d.yaml", Data: []byte(doc)})
			d := findDiag(ds, "expr.unknown_name")
			if d == nil {
				t.Fatalf("no unknown name: %v", errorCodes(ds))
			}
			if d.Subject.Start.Line != 13 || d.Subject.Start.Column != c.col {
				t.Errorf("subject %v, want 13:%d (the scalar)", d.Subject.Start, c.col)
			}
			if d.Detail != c.detail {
				t.Errorf("detail:\n%s\nwant:\n%s", d.Detail, c.detail)
			}
		})
	}
}

func TestDiagnosticFormat(t *testing.T) {
	for _, c := range []struct {
		name string
		d    diag.Diagnostic
		want string
	}{
		{
			name: "snippet, caret and hint",
			d: diag.Diagnostic{Severity: diag.SeverityError, Code: "expr.unknown_name", Summary: `unknown name "employes"`,
				Hint: `did you mean "employees"?`, Source: "    when: employes > 10",
				Subject: diag.Range{File: "rulesets/x.yaml", Start: diag.Pos{Line: 12, Column: 11}, End: diag.Pos{Line: 12, Column: 19}}},
			want: `rulesets/x.yaml:12:11: error: unknown name "employes" [expr.unknown_name]
  12 |     when: employes > 10
     |           ^^^^^^^^
      = hint: did you mean "employees"?
`,
		},
		{
			name: "wide characters before the subject count as two columns",
			d: diag.Diagnostic{Severity: diag.SeverityError, Code: "expr.unknown_name", Summary: "unknown name employes",
				Source:  `    when: name == "危险化学品" && employes > 1`,
				Subject: diag.Range{File: "x.yaml", Start: diag.Pos{Line: 7, Column: 30}, End: diag.Pos{Line: 7, Column: 38}}},
			want: `x.yaml:7:30: error: unknown name employes [expr.unknown_name]
  7 |     when: name == "危险化学品" && employes > 1
    |                                   ^^^^^^^^
`,
		},
		{
			name: "a wide subject gets two carets per character",
			d: diag.Diagnostic{Severity: diag.SeverityWarning, Code: "lint.x", Summary: "title", Path: "title",
				Source:  "title: 安全生产法",
				Subject: diag.Range{File: "x.yaml", Start: diag.Pos{Line: 3, Column: 8}, End: diag.Pos{Line: 3, Column: 13}}},
			want: `x.yaml:3:8: warning: title [lint.x]
      at title
  3 | title: 安全生产法
    |        ^^^^^^^^^^
`,
		},
		{
			name: "tabs are kept so the caret lines up",
			d: diag.Diagnostic{Severity: diag.SeverityError, Code: "c", Summary: "s", Source: "\twhen: x",
				Subject: diag.Range{Start: diag.Pos{Line: 1, Column: 8}}},
			want: "1:8: error: s [c]\n  1 | \twhen: x\n    | \t      ^\n",
		},
		{
			name: "no position, no snippet",
			d:    diag.Diagnostic{Severity: diag.SeverityError, Code: "stack.empty", Summary: "no ruleset", Source: "ignored", Detail: "line one\nline two\n"},
			want: "-: error: no ruleset [stack.empty]\n      line one\n      line two\n",
		},
		{
			name: "no code",
			d:    diag.Diagnostic{Severity: diag.SeverityError, Summary: "s", Subject: diag.Range{File: "f"}},
			want: "f: error: s\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(strings.Split(c.want, "\n"), strings.Split(c.d.Format(), "\n")); d != "" {
				t.Errorf("Format (-want +got):\n%s", d)
			}
		})
	}
}

// TestDiagnosticFormatFromLoad renders a real diagnostic: the caret sits
// under the name, after Chinese text.
func TestDiagnosticFormatFromLoad(t *testing.T) {
	doc := header("cn/test/fmt", "1", "policy", "", "2000-01-01") +
		"coverage:\n  - id: r\n    when: name == \"危险化学品\" && employes > 1\n    obligation: encouraged\n    text: t\n    cite: {source: s}\n"
	ds := loadDiags(t, diag.File{Name: "fmt.yaml", Data: []byte(doc)})
	d := findDiag(ds, "expr.unknown_name")
	if d == nil {
		t.Fatalf("no unknown name: %v", errorCodes(ds))
	}
	want := `fmt.yaml:13:30: error: unknown name employes [expr.unknown_name]
  13 |     when: name == "危险化学品" && employes > 1
     |                                   ^^^^^^^^
      = hint: did you mean employees?
`
	if diff := cmp.Diff(strings.Split(want, "\n"), strings.Split(d.Format(), "\n")); diff != "" {
		t.Errorf("Format (-want +got):\n%s", diff)
	}
	var le *rulesets.LoadError
	_, err := rulesets.LoadFiles(diag.File{Name: "fmt.yaml", Data: []byte(doc)})
	if !errors.As(err, &le) {
		t.Fatal(err)
	}
	var target *diag.Diagnostic
	if !errors.As(err, &target) || target.Code != "expr.unknown_name" {
		t.Errorf("errors.As(LoadError, *Diagnostic) = %v", target)
	}
	if got := err.Error(); got != "rulesets: fmt.yaml:13:30: unknown name employes" {
		t.Errorf("Error() = %q", got)
	}
}

func TestRangeString(t *testing.T) {
	for _, c := range []struct {
		r    diag.Range
		want string
	}{
		{diag.Range{}, "-"},
		{diag.Range{File: "a.yaml"}, "a.yaml"},
		{diag.Range{Start: diag.Pos{Line: 3, Column: 4}}, "3:4"},
		{diag.Range{File: "a.yaml", Start: diag.Pos{Line: 3}}, "a.yaml:3"},
		{diag.Range{File: "a.yaml", Start: diag.Pos{Line: 3, Column: 4}}, "a.yaml:3:4"},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("%+v.String() = %q, want %q", c.r, got, c.want)
		}
	}
}

func TestDiagnostics(t *testing.T) {
	at := func(file string, line, col int) diag.Range {
		return diag.Range{File: file, Start: diag.Pos{Line: line, Column: col}}
	}
	e1 := &diag.Diagnostic{Severity: diag.SeverityError, Code: "b", Summary: "second", Subject: at("a.yaml", 2, 1)}
	e2 := &diag.Diagnostic{Severity: diag.SeverityError, Code: "a", Summary: "first", Subject: at("a.yaml", 1, 5), Path: "coverage[0].when"}
	e2dup := *e2
	w := &diag.Diagnostic{Severity: diag.SeverityWarning, Code: "lint.x", Summary: "careful", Subject: at("a.yaml", 1, 1)}
	e3 := &diag.Diagnostic{Severity: diag.SeverityError, Code: "c", Summary: "other file", Subject: at("0.yaml", 9, 9)}
	ds := diag.Diagnostics{e1, e2, w, &e2dup, e3}
	ds.Sort()
	var order []string
	for _, d := range ds {
		order = append(order, d.Summary)
	}
	if diff := cmp.Diff([]string{"other file", "careful", "first", "second"}, order); diff != "" {
		t.Errorf("Sort order, duplicates dropped (-want +got):\n%s", diff)
	}
	if !ds.HasErrors() || len(ds.Errors()) != 3 || len(ds.Warnings()) != 1 {
		t.Errorf("HasErrors/Errors/Warnings wrong: %v %d %d", ds.HasErrors(), len(ds.Errors()), len(ds.Warnings()))
	}
	if got := ds.Error(); got != "0.yaml:9:9: other file (and 2 more errors)" {
		t.Errorf("Error() = %q", got)
	}
	if got := e2.Error(); got != "a.yaml:1:5: first (at coverage[0].when)" {
		t.Errorf("Diagnostic.Error() = %q", got)
	}
	if got := w.Error(); got != "a.yaml:1:1: warning: careful" {
		t.Errorf("warning Error() = %q", got)
	}
	if err := (diag.Diagnostics{w}).Err(); err != nil {
		t.Errorf("Err() with only warnings = %v, want nil", err)
	}
	if err := (diag.Diagnostics{}).Err(); err != nil {
		t.Errorf("Err() of nothing = %v, want nil", err)
	}
	if err := ds.Err(); err == nil {
		t.Error("Err() with errors = nil")
	}
}

// TestPositionsAfterUnusualLineBreaks: yaml.v3 counts U+2028, U+0085 and a
// lone \r as line breaks; diagnostics must still name the line an editor
// shows and quote it.
func TestPositionsAfterUnusualLineBreaks(t *testing.T) {
	bug(t, "diag.go sourceLine and the reported lines disagree with yaml.v3, which also breaks lines at U+2028, U+0085 and a lone \\r: after such a character every diagnostic names the next line and has no (or the wrong) snippet")
	for _, sep := range []string{"\u2028", "\u0085", "\r"} {
		t.Run(strconv.QuoteToASCII(sep), func(t *testing.T) {
			doc := header("cn/test/ls", "1", "policy", "", "2000-01-01") + "notes: [\"安全" + sep + "生产\"]\ntitel: x\n"
			ds := loadDiags(t, diag.File{Name: "ls.yaml", Data: []byte(doc)})
			d := findDiag(ds, "ruleset.unknown_field")
			if d == nil {
				t.Fatalf("no unknown field: %v", errorCodes(ds))
			}
			if d.Subject.Start.Line != 12 || !strings.Contains(d.Source, "titel") {
				t.Errorf("unknown field reported at line %d with source %q, want line 12 quoting it", d.Subject.Start.Line, d.Source)
			}
		})
	}
}
