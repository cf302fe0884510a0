package rulesets_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/rulesets"
)

// TestLoadNeverPanics: loading reports problems, it never panics
// (DESIGN.md: "Loading never panics"). Each case is an input that once
// made it panic.
func TestLoadNeverPanics(t *testing.T) {
	for _, c := range []struct{ name, doc, bug string }{
		{"a rating table dimension without by", header("cn/test/rating", "1", "rating", "", "2020-01-01") +
			"rating:\n  tables:\n    - {id: t, title: t, dims: [{name: d}], cite: {source: s}}\n",
			"load.go checkRating dereferences a nil Dim.By: a rating table dimension without by: makes LoadFiles panic"},
		{"a null dimension (fuzz input 2b3b320220825705)", "rating:\n  tables:\n    - dims:\n      -",
			"load.go checkRating dereferences a nil Dim.By: a rating table dimension without by: makes LoadFiles panic"},
		{"two documents with CR line ends (fuzz input 6d4704c9c2a317f4)", "0\r---",
			docTextBug},
		{"two rulesets with CR line ends", strings.ReplaceAll(header("cn/test/a", "1", "law", "", "2020-01-01")+"---\n"+header("cn/test/b", "1", "law", "", "2020-01-01"), "\n", "\r"),
			docTextBug},
		{"a line separator before the next document", "0\u2028---", docTextBug},
		{"two rulesets with CRLF line ends", strings.ReplaceAll(header("cn/test/a", "1", "law", "", "2020-01-01")+"---\n"+header("cn/test/b", "1", "law", "", "2020-01-01"), "\n", "\r\n"), ""},
		{"a rating table dimension with by", header("cn/test/rating", "1", "rating", "", "2020-01-01") +
			"rating:\n  tables:\n    - {id: t, title: t, dims: [{name: d, by: employees ?? 0}], cite: {source: s}}\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.bug != "" {
				bug(t, c.bug)
			}
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("LoadFiles panicked: %v", r)
					}
				}()
				_, err = rulesets.LoadFiles(diag.File{Name: "p.yaml", Data: []byte(c.doc)})
			}()
			var le *rulesets.LoadError
			if err != nil && !errors.As(err, &le) {
				t.Errorf("error %T is not a *LoadError: %v", err, err)
			}
		})
	}
}

func TestReadFilesPatterns(t *testing.T) {
	fsys := fstest.MapFS{
		"top.yaml":           {Data: []byte("a")},
		"cn/law.yaml":        {Data: []byte("b")},
		"cn/notes.md":        {Data: []byte("c")},
		"cn.hunan/x.yaml":    {Data: []byte("d")},
		"deep/cn/inner.yaml": {Data: []byte("e")},
	}
	for _, c := range []struct {
		name     string
		patterns []string
		want     []string
		bug      string
	}{
		{"default: every yaml at any depth", nil, []string{"cn.hunan/x.yaml", "cn/law.yaml", "deep/cn/inner.yaml", "top.yaml"}, ""},
		{"one directory", []string{"cn/*.yaml"}, []string{"cn/law.yaml"}, ""},
		{"several patterns, no duplicates", []string{"cn/*.yaml", "**/*.yaml", "cn/*"}, []string{"cn.hunan/x.yaml", "cn/law.yaml", "cn/notes.md", "deep/cn/inner.yaml", "top.yaml"}, ""},
		{"top level only", []string{"*.yaml"}, []string{"top.yaml"}, ""},
		{"a directory at any depth", []string{"**/cn/*.yaml"}, []string{"cn/law.yaml", "deep/cn/inner.yaml"},
			`load.go matchPattern applies the rest of a "**/" pattern to the base name only, so "**/cn/*.yaml" matches nothing`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.bug != "" {
				bug(t, c.bug)
			}
			fs, err := rulesets.ReadFiles(fsys, c.patterns...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Name)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("ReadFiles(%q) (-want +got):\n%s", c.patterns, d)
			}
		})
	}
}
