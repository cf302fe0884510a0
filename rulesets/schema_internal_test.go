package rulesets

import (
	"encoding/json"
	"fmt"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/yamlx"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests hold the JSON Schemas in schema/ to the loader's own lists and
// patterns, so that neither can change without the other: the keys every
// mapping accepts (read from the r.fields calls of the loader's source), the
// names a let or a declared fact may not take, the vocabularies a ruleset may
// extend, and the date, decimal, region and name patterns. schema_test.go
// validates the shipped files and compares the loader's verdicts.

// schemaDoc reads one schema file as plain JSON.
func schemaDoc(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("schema", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// schemaAt follows a JSON pointer (without escapes) into doc, and a $ref or
// a single allOf branch holding one, so that it lands on the object that
// lists the properties.
func schemaAt(t *testing.T, doc map[string]any, ptr string) map[string]any {
	t.Helper()
	var cur any = doc
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if seg == "" {
			continue
		}
		switch c := cur.(type) {
		case map[string]any:
			cur = c[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i >= len(c) {
				t.Fatalf("schema pointer %s: bad index %s", ptr, seg)
			}
			cur = c[i]
		}
		if cur == nil {
			t.Fatalf("schema pointer %s: no %s", ptr, seg)
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		t.Fatalf("schema pointer %s is not an object", ptr)
	}
	for {
		if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#/") {
			m = schemaAt(t, doc, ref[1:])
			continue
		}
		if all, ok := m["allOf"].([]any); ok && m["properties"] == nil {
			if first, ok := all[0].(map[string]any); ok && first["$ref"] != nil {
				m = first
				continue
			}
		}
		return m
	}
}

func schemaPropertyNames(t *testing.T, doc map[string]any, ptr string) []string {
	t.Helper()
	props, ok := schemaAt(t, doc, ptr)["properties"].(map[string]any)
	if !ok {
		t.Fatalf("schema pointer %s has no properties", ptr)
	}
	out := make([]string, 0, len(props))
	for k := range props {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return slices.Compact(out)
}

// fieldsCall is one r.fields(node, path, what, keys...) call of the loader.
type fieldsCall struct {
	what string
	keys []string
	at   string
}

// loaderFieldsCalls reads the loader's source and returns every call of
// reader.fields with the keys it allows. Keys passed as a slice are resolved
// from the package variables and functions that hold them.
func loaderFieldsCalls(t *testing.T) []fieldsCall {
	t.Helper()
	spread := map[string][]string{
		"topKeys":    topKeys,
		"ratingKeys": ratingKeys,
		"factsKeys":  facts.FieldNames(),
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	factsFiles, err := filepath.Glob("../facts/*.go")
	files = append(files, factsFiles...)
	if err != nil {
		t.Fatal(err)
	}
	var out []fieldsCall
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Fields" || len(call.Args) < 3 {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "r" {
				return true
			}
			at := fset.Position(call.Pos()).String()
			what, ok := call.Args[2].(*ast.BasicLit)
			if !ok || what.Kind != token.STRING {
				t.Errorf("%s: r.fields with a description that is not a literal", at)
				return true
			}
			c := fieldsCall{at: at}
			c.what, _ = strconv.Unquote(what.Value)
			for _, a := range call.Args[3:] {
				switch a := a.(type) {
				case *ast.BasicLit:
					k, _ := strconv.Unquote(a.Value)
					c.keys = append(c.keys, k)
				case *ast.Ident:
					if keys, ok := spread[a.Name]; ok {
						c.keys = append(c.keys, keys...)
					} else {
						c.keys = nil // a local slice (factor cases, table rows): see below
					}
				case *ast.CallExpr:
					if id, ok := a.Fun.(*ast.Ident); ok && id.Name == "requirementFieldNames" {
						c.keys = append(c.keys, requirementFieldNames()...)
					} else {
						t.Errorf("%s: r.fields with keys from %T", at, a)
					}
				default:
					t.Errorf("%s: r.fields with keys from %T", at, a)
				}
			}
			out = append(out, c)
			return true
		})
	}
	if len(out) < 20 {
		t.Fatalf("found only %d r.fields calls in the loader's source", len(out))
	}
	return out
}

// Every mapping the loader reads strictly is an object of the schema with
// the same keys, so that an editor flags exactly the keys the loader would.
func TestSchemaKeysMatchLoader(t *testing.T) {
	docs := map[string]map[string]any{
		"ruleset": schemaDoc(t, "ruleset.schema.json"),
		"facts":   schemaDoc(t, "facts.schema.json"),
	}
	type place struct{ doc, ptr string }
	factsText := "/definitions/facts/properties/"
	places := map[string]place{
		"the enterprise":        {"facts", "/definitions/facts"},
		"a site":                {"facts", factsText + "sites/items"},
		"park":                  {"facts", factsText + "park"},
		"project":               {"facts", factsText + "project"},
		"an accident":           {"facts", factsText + "accidents/items"},
		"work_injury_rank":      {"facts", factsText + "work_injury_rank"},
		"hazards":               {"facts", factsText + "hazards"},
		"an earlier policy":     {"facts", factsText + "policy_history/items"},
		"policy":                {"facts", factsText + "policy"},
		"enforcement":           {"facts", factsText + "enforcement"},
		"an enforcement record": {"facts", factsText + "enforcement_records/items"},
		"a period":              {"facts", factsText + "enforcement_records/items/properties/period"},
		"the ruleset":           {"ruleset", ""},
		"effective":             {"ruleset", "/properties/effective"},
		"a source":              {"ruleset", "/definitions/source"},
		"a fact declaration":    {"ruleset", "/definitions/factDecl"},
		"a let":                 {"ruleset", "/definitions/let/oneOf/1"},
		"a citation":            {"ruleset", "/definitions/citation"},
		"a coverage rule":       {"ruleset", "/definitions/coverageRule"},
		"a requirement rule":    {"ruleset", "/definitions/requirementRule"},
		"set":                   {"ruleset", "/definitions/requirementSet"},
		"a finding rule":        {"ruleset", "/definitions/findingRule"},
		"a consequence":         {"ruleset", "/definitions/consequenceRule"},
		"a reference":           {"ruleset", "/definitions/reference"},
		"a penalty rule":        {"ruleset", "/definitions/penaltyRule"},
		"a caveat":              {"ruleset", "/definitions/caveat"},
		"fine":                  {"ruleset", "/definitions/fine"},
		"per_day":               {"ruleset", "/definitions/perDay"},
		"a tier":                {"ruleset", "/definitions/tier"},
		"rating":                {"ruleset", "/definitions/rating"},
		"a base":                {"ruleset", "/definitions/base"},
		"a loading":             {"ruleset", "/definitions/loading"},
		"combine":               {"ruleset", "/definitions/rating/properties/combine"},
		"clamp":                 {"ruleset", "/definitions/rating/properties/clamp"},
		"minimum":               {"ruleset", "/definitions/rating/properties/minimum"},
		"rounding":              {"ruleset", "/definitions/rating/properties/rounding"},
		"prevention_cap":        {"ruleset", "/definitions/rating/properties/prevention_cap"},
		"a factor":              {"ruleset", "/definitions/factor"},
		"a table":               {"ruleset", "/definitions/table"},
		"a dimension":           {"ruleset", "/definitions/dim"},
		"a band":                {"ruleset", "/definitions/band"},
		"a factor case":         {"ruleset", "/definitions/factorCase"},
		"a scope":               {"ruleset", "/definitions/scope"},
		"a removal":             {"ruleset", "/definitions/removal/oneOf/1"},
		"a row":                 {"ruleset", "/definitions/row"},
	}
	// The facts schema also lists the facts the bundled rulesets declare,
	// for completion; the decoder takes those as extra facts.
	reg, err := LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, rs := range reg.Rulesets() {
		for _, d := range rs.Facts {
			declared[d.Name] = true
		}
	}
	checked := map[string]bool{}
	for _, c := range loaderFieldsCalls(t) {
		p, ok := places[c.what]
		if !ok {
			t.Errorf("%s: the loader reads %q, which no schema object stands for: add it to the schema and to this table", c.at, c.what)
			continue
		}
		checked[c.what] = true
		got := schemaPropertyNames(t, docs[p.doc], p.ptr)
		switch c.what {
		case "the enterprise":
			got = slices.DeleteFunc(got, func(k string) bool { return declared[k] })
		case "a factor case":
			// keys are chosen in the function: a case, or the default
			// without when:
			if want := []string{"cite", "id", "illustrative", "reason", "unverified", "value", "when"}; !slices.Equal(got, want) {
				t.Errorf("%s: factor case keys %v, want %v", c.at, got, want)
			}
			def := schemaPropertyNames(t, docs["ruleset"], "/definitions/factorDefault")
			if want := []string{"cite", "id", "illustrative", "reason", "unverified", "value"}; !slices.Equal(def, want) {
				t.Errorf("%s: factor default keys %v, want %v", c.at, def, want)
			}
			continue
		case "a row":
			// value and one key per dimension, named by the table
			if want := []string{"value"}; !slices.Equal(got, want) {
				t.Errorf("%s: row keys %v, want %v", c.at, got, want)
			}
			continue
		}
		if c.keys == nil {
			t.Errorf("%s: r.fields for %q takes its keys from a local slice; teach this test where they come from", c.at, c.what)
			continue
		}
		if want := sortedCopy(c.keys); !slices.Equal(got, want) {
			t.Errorf("%s: %s#%s allows %v; the loader (%s) allows %v", c.what, p.doc, p.ptr, got, c.at, want)
		}
		if ap, ok := schemaAt(t, docs[p.doc], p.ptr)["additionalProperties"]; ok && ap != false && c.what != "the enterprise" {
			t.Errorf("%s: %s#%s allows other keys; the loader rejects them", c.what, p.doc, p.ptr)
		}
	}
	for what := range places {
		if !checked[what] {
			t.Errorf("no r.fields call reads %q any more: remove it from this table", what)
		}
	}
}

// The names a let may not take are the core facts, the derived values and
// the functions; a declared fact may not be a core fact or a derived value.
// Rulesets extend exactly the vocabularies the loader knows.
func TestSchemaReservedNamesMatchLoader(t *testing.T) {
	rs := schemaDoc(t, "ruleset.schema.json")
	enumStrings := func(ptr string) []string {
		t.Helper()
		var out []string
		for _, v := range schemaAt(t, rs, ptr)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return sortedCopy(out)
	}
	roots := append(lang.RootNames(), "item", "rate")
	lets := slices.Clone(roots)
	for name := range lang.Functions {
		lets = append(lets, name)
	}
	if got, want := enumStrings("/properties/let/propertyNames/not"), sortedCopy(lets); !slices.Equal(got, want) {
		t.Errorf("let names the schema reserves:\n got %v\nwant %v", got, want)
	}
	if got, want := enumStrings("/definitions/factDecl/properties/name/not"), sortedCopy(roots); !slices.Equal(got, want) {
		t.Errorf("fact names the schema reserves:\n got %v\nwant %v", got, want)
	}
	vocabs := facts.CoreVocabularyPaths()
	if got, want := enumStrings("/properties/codes/propertyNames"), sortedCopy(vocabs); !slices.Equal(got, want) {
		t.Errorf("vocabularies: the schema has %v, the loader %v", got, want)
	}
}

// schemaPatterns collects every "pattern" of the three schemas with the
// JSON pointer it is at.
func schemaPatterns(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range []string{"ruleset.schema.json", "case.schema.json", "facts.schema.json"} {
		var walk func(ptr string, v any)
		walk = func(ptr string, v any) {
			switch v := v.(type) {
			case map[string]any:
				if p, ok := v["pattern"].(string); ok {
					out[name+"#"+ptr] = p
				}
				for k, e := range v {
					walk(ptr+"/"+k, e)
				}
			case []any:
				for i, e := range v {
					walk(ptr+"/"+strconv.Itoa(i), e)
				}
			}
		}
		walk("", schemaDoc(t, name))
	}
	return out
}

// patternsLike returns the distinct patterns that contain marker, compiled
// as Go regexps (the validator's engine; ECMA-262 agrees on these).
func patternsLike(t *testing.T, marker string) map[string]*regexp.Regexp {
	t.Helper()
	out := map[string]*regexp.Regexp{}
	for at, p := range schemaPatterns(t) {
		if strings.Contains(p, marker) {
			re, err := regexp.Compile(p)
			if err != nil {
				t.Fatalf("%s: %v", at, err)
			}
			out[at] = re
		}
	}
	if len(out) == 0 {
		t.Fatalf("no pattern contains %q", marker)
	}
	return out
}

// The date pattern accepts exactly the days the loader accepts: real
// calendar days between MinDate and MaxDate, written YYYY-MM-DD.
func TestSchemaDatePatternMatchesLoader(t *testing.T) {
	dates := patternsLike(t, "02-29")
	loader := func(s string) bool {
		d, err := facts.ParseDate(s)
		return err == nil && !d.Before(facts.MinDate) && !d.After(facts.MaxDate)
	}
	check := func(s string) {
		want := loader(s)
		for at, re := range dates {
			if got := re.MatchString(s); got != want {
				t.Errorf("%s: %q matches = %v, the loader accepts = %v", at, s, got, want)
			}
		}
	}
	// every day from a year before MinDate to a year after MaxDate, and the
	// 29th to 31st of every month of those years
	for d := time.Date(facts.MinDate.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() <= facts.MaxDate.Year()+1; d = d.AddDate(0, 0, 1) {
		check(d.Format("2006-01-02"))
		if d.Day() == 1 {
			for day := 29; day <= 32; day++ {
				check(fmt.Sprintf("%04d-%02d-%02d", d.Year(), d.Month(), day))
			}
			check(fmt.Sprintf("%04d-%02d-00", d.Year(), d.Month()))
		}
	}
	for _, s := range []string{"", "2021-9-1", "2021-09-1", "20210901", "2021/09/01", "2021-13-01", "2021-00-10",
		" 2021-09-01", "2021-09-01 ", "2021-09-01T00:00:00Z", "+2021-09-01", "２０２１-09-01", "1900-02-29", "2100-02-29", "2000-02-29"} {
		check(s)
	}
}

// The decimal patterns accept the text the loader reads as a decimal (and,
// for amounts that must not be negative, a decimal that is not negative);
// exponent notation is accepted more loosely than the loader's limits.
func TestSchemaDecimalPatternMatchesLoader(t *testing.T) {
	all := patternsLike(t, "{1,15}")
	var samples []string
	for _, intDigits := range []int{0, 1, 2, 14, 15, 16, 17} {
		for _, frac := range []string{"", ".", ".5", ".50", ".1234567890123456", ".12345678901234560000", ".12345678901234567", ".00000000000000001", ".0000000000000000"} {
			if intDigits == 0 && (frac == "" || frac == ".") {
				continue
			}
			i := strings.Repeat("9", intDigits)
			for _, sign := range []string{"", "+", "-"} {
				samples = append(samples, sign+i+frac, sign+"000"+i+frac)
			}
		}
	}
	samples = append(samples, "", ".", "+", "-", "1,000", "1_000", "1 000", "inf", "+inf", "NaN", "0x10", "1e", "e1",
		"1.5.5", "１２", "--1", "1-", "0.1e", "12a")
	// Stricter than the loader on purpose: it trims spaces around a quoted
	// decimal, which the schema flags as the typo it almost always is.
	stricter := []string{" 1", "1 ", "\t0.5"}
	exponents := []string{"1e3", "1E+3", "-2.5e-3", "1.e3", ".5e2", "1e40", "1e-16", "1e05"}
	for at, re := range all {
		nonNeg := strings.HasPrefix(re.String(), `^\+?`)
		for _, s := range samples {
			d, msg := yamlx.ParseDecimal(s)
			want := msg == "" && len(s) <= 64 && !(nonNeg && d.IsNegative()) && !(nonNeg && strings.HasPrefix(s, "-"))
			if got := re.MatchString(s); got != want {
				t.Errorf("%s: %q matches = %v, the loader accepts = %v (%s)", at, s, got, want, msg)
			}
		}
		for _, s := range stricter {
			if _, msg := yamlx.ParseDecimal(s); msg != "" || re.MatchString(s) {
				t.Errorf("%s: %q: the schema was meant to be stricter than the loader here", at, s)
			}
		}
		for _, s := range exponents {
			if _, msg := yamlx.ParseDecimal(s); msg == "" && !(nonNeg && strings.HasPrefix(s, "-")) && !re.MatchString(s) {
				t.Errorf("%s: %q does not match, and the loader accepts it", at, s)
			}
		}
	}
}

// The region patterns accept the GB/T 2260 codes the loader accepts ("" for
// national rulesets only).
func TestSchemaRegionPatternMatchesLoader(t *testing.T) {
	rs := schemaDoc(t, "ruleset.schema.json")
	fs := schemaDoc(t, "facts.schema.json")
	rulesetRe := regexp.MustCompile(schemaAt(t, rs, "/properties/region")["pattern"].(string))
	factsRe := regexp.MustCompile(schemaAt(t, fs, "/definitions/facts/properties/region")["pattern"].(string))
	for n := 0; n <= 13; n++ {
		for _, s := range []string{strings.Repeat("4", n), strings.Repeat("4", max(n-1, 0)) + "a"} {
			if got, want := factsRe.MatchString(s), facts.ValidRegion(s); got != want {
				t.Errorf("facts region %q: matches = %v, the decoder accepts = %v", s, got, want)
			}
			if got, want := rulesetRe.MatchString(s), s == "" || facts.ValidRegion(s); got != want {
				t.Errorf("ruleset region %q: matches = %v, the loader accepts = %v", s, got, want)
			}
		}
	}
}

// The names and ids of the ruleset schema are the loader's patterns.
func TestSchemaNamePatternsMatchLoader(t *testing.T) {
	rs := schemaDoc(t, "ruleset.schema.json")
	for ptr, re := range map[string]string{
		"/properties/id":                          idPattern.String(),
		"/properties/version":                     versionPattern.String(),
		"/definitions/ruleId":                     ruleIDPattern.String(),
		"/properties/sources/propertyNames":       namePattern.String(),
		"/properties/let/propertyNames":           namePattern.String(),
		"/definitions/factDecl/properties/name":   namePattern.String(),
		"/definitions/citation/properties/source": namePattern.String(),
		"/properties/supersedes/items":            strings.TrimSuffix(idPattern.String(), "$") + "@" + strings.TrimPrefix(versionPattern.String(), "^"),
	} {
		if got := schemaAt(t, rs, ptr)["pattern"]; got != re {
			t.Errorf("%s: pattern %v, the loader's %s", ptr, got, re)
		}
	}
	// Declared facts in a facts document: the decoder's identifiers.
	fs := schemaDoc(t, "facts.schema.json")
	extra := regexp.MustCompile(schemaAt(t, fs, "/definitions/facts/propertyNames")["pattern"].(string))
	for _, s := range []string{"a", "_a", "a1", "fleet_vehicles", "A", "1a", "a-b", "a.b", "", strings.Repeat("a", 64), strings.Repeat("a", 65), "车辆"} {
		if got, want := extra.MatchString(s), facts.ValidFactName(s); got != want {
			t.Errorf("extra fact name %q: matches = %v, the decoder accepts = %v", s, got, want)
		}
	}
}

// The built-in findings the case schema offers for completion are the ones
// package coverage reports.
func TestSchemaBuiltinFindings(t *testing.T) {
	src, err := os.ReadFile("../coverage/findings.go")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range regexp.MustCompile(`(?:ID\s*[:=]\s*|add\(|term\()"([a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		want = append(want, m[1])
	}
	cs := schemaDoc(t, "case.schema.json")
	var got []string
	for _, v := range schemaAt(t, cs, "/definitions/findingId/anyOf/0")["enum"].([]any) {
		got = append(got, v.(string))
	}
	if g, w := sortedCopy(got), sortedCopy(want); !slices.Equal(g, w) {
		t.Errorf("built-in findings: the case schema has %v, package coverage reports %v", g, w)
	}
}

// The schemas are written for draft-07, which editors implement: a $ref
// stands alone (draft-07 ignores its siblings, so a constraint beside it
// would be checked by some editors and not by others), and every
// enumDescriptions pairs with its enum.
func TestSchemaDraft07Hygiene(t *testing.T) {
	annotations := map[string]bool{"$ref": true, "description": true, "markdownDescription": true, "title": true,
		"default": true, "examples": true, "defaultSnippets": true, "deprecated": true}
	for _, name := range []string{"ruleset.schema.json", "case.schema.json", "facts.schema.json", "assessment.schema.json"} {
		doc := schemaDoc(t, name)
		if doc["$schema"] != "http://json-schema.org/draft-07/schema#" {
			t.Errorf("%s: $schema is %v, want draft-07", name, doc["$schema"])
		}
		// An $id, so that standard validators resolve case.schema.json's
		// relative $ref to facts.schema.json by id; editors resolve it
		// against the file they loaded, which is the same document.
		if doc["$id"] != SchemaBaseURL+name {
			t.Errorf("%s: $id is %v, want %s", name, doc["$id"], SchemaBaseURL+name)
		}
		var walk func(ptr string, v any)
		walk = func(ptr string, v any) {
			switch v := v.(type) {
			case map[string]any:
				if _, ok := v["$ref"]; ok {
					for k := range v {
						if !annotations[k] {
							t.Errorf("%s#%s: %q beside $ref is ignored by draft-07; use allOf", name, ptr, k)
						}
					}
				}
				for _, k := range []string{"$defs", "dependentRequired", "dependentSchemas", "prefixItems", "unevaluatedProperties", "$anchor"} {
					if _, ok := v[k]; ok && !strings.Contains(ptr, "/properties/") {
						t.Errorf("%s#%s: %s is not draft-07", name, ptr, k)
					}
				}
				if d, ok := v["enumDescriptions"].([]any); ok {
					if e, _ := v["enum"].([]any); len(e) != len(d) {
						t.Errorf("%s#%s: %d enumDescriptions for %d enum values", name, ptr, len(d), len(e))
					}
				}
				for k, e := range v {
					walk(ptr+"/"+k, e)
				}
			case []any:
				for i, e := range v {
					walk(ptr+"/"+strconv.Itoa(i), e)
				}
			}
		}
		walk("", doc)
	}
}
