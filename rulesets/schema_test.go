package rulesets_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// The JSON Schemas in rulesets/schema/ give editors (the YAML extension of
// VS Code and others, through the modeline on the first line of every file)
// validation, completion and hover documentation for rulesets, case files and
// facts documents. They are written in draft-07, the draft yaml-language-server
// and JetBrains IDEs implement. These tests prove that every file the project
// ships validates, that the schemas reject what the loader rejects, and that
// their enums are the Go code's; schema_internal_test.go checks them against
// the loader's own key lists and patterns.

const (
	rulesetSchemaFile = "schema/ruleset.schema.json"
	caseSchemaFile    = "schema/case.schema.json"
	factsSchemaFile   = "schema/facts.schema.json"
	modelinePrefix    = "# yaml-language-server: $schema="
)

// schemaCompile compiles one schema file and the files its $refs name
// (case.schema.json refers to facts.schema.json by a relative path, as an
// editor resolves it); the compiler checks each against the meta-schema of
// the draft its $schema names.
func schemaCompile(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	return schemaCompileAt(t, file, "")
}

// schemaCompileAt compiles the schema of file at the JSON pointer ptr, as a
// standard validator does: every schema is given to the compiler under its
// $id, and references resolve by id, never by a file path or the network.
func schemaCompileAt(t *testing.T, file, ptr string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	ids := map[string]string{}
	for _, name := range rulesets.SchemaNames {
		data, err := rulesets.Schema(name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		id := doc.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ids[name+".schema.json"] = id
	}
	id, ok := ids[filepath.Base(file)]
	if !ok {
		t.Fatalf("%s is not one of the schemas", file)
	}
	loc := id
	if ptr != "" {
		loc += "#" + ptr
	}
	sch, err := c.Compile(loc)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return sch
}

// noLoader refuses to load anything: every schema is already added.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s: not loaded (references must resolve among the schemas by $id)", url)
}

// schemaJSON reads a schema as plain JSON, to inspect its enums.
func schemaJSON(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m
}

// yamlDocs decodes every document of a YAML stream into JSON values.
func schemaYAMLDocs(data []byte) ([]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []any
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		v, err := schemaYAMLValue(&n)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

var schemaJSONNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// yamlValue converts a YAML node to the value a JSON decoder would give:
// mappings to map[string]any, sequences to []any, scalars by their resolved
// tag. Dates (!!timestamp) keep their text, as YAML 1.2 editors read them;
// numbers keep their exact text as json.Number, never float64.
func schemaYAMLValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return schemaYAMLValue(n.Content[0])
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a key must be a scalar", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			val, err := schemaYAMLValue(v)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := schemaYAMLValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, val)
		}
		return out, nil
	case yaml.AliasNode:
		return nil, fmt.Errorf("line %d: aliases are not supported", n.Line)
	}
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, fmt.Errorf("line %d: %v", n.Line, err)
		}
		return b, nil
	case "!!int":
		text := strings.ReplaceAll(n.Value, "_", "")
		i, err := strconv.ParseInt(text, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: integer %q: %v", n.Line, n.Value, err)
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case "!!float":
		if schemaJSONNumber.MatchString(n.Value) {
			return json.Number(n.Value), nil
		}
		d, err := decimal.NewFromString(strings.ReplaceAll(n.Value, "_", ""))
		if err != nil {
			return nil, fmt.Errorf("line %d: number %q has no JSON form", n.Line, n.Value)
		}
		return json.Number(d.String()), nil
	}
	return nil, fmt.Errorf("line %d: unsupported tag %s", n.Line, n.Tag)
}

// validateYAML validates every document of data; it returns one error per
// invalid document.
func schemaValidateYAML(sch *jsonschema.Schema, data []byte) error {
	docs, err := schemaYAMLDocs(data)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return errors.New("no YAML document")
	}
	var errs []error
	for i, d := range docs {
		if err := sch.Validate(d); err != nil {
			errs = append(errs, fmt.Errorf("document %d: %v", i+1, err))
		}
	}
	return errors.Join(errs...)
}

// schemaCaseFiles lists the case files under examples/, as LoadCases finds
// them (not .golden directories, enterprises/ or rulesets/).
func schemaCaseFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../examples", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasSuffix(p, ".golden") || d.Name() == "enterprises" || d.Name() == "rulesets") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no case files under ../examples")
	}
	return files
}

func schemaExampleRulesets(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../examples/rulesets/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example rulesets")
	}
	return files
}

// schemaEnterpriseFiles lists the facts documents under examples/enterprises/:
// what anzexian assess reads, and what case files name in facts_file:.
func schemaEnterpriseFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../examples/enterprises/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no enterprise files")
	}
	return files
}

func TestSchemaBundledRulesetsValidate(t *testing.T) {
	sch := schemaCompile(t, rulesetSchemaFile)
	files, err := rulesets.ReadFiles(rulesets.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no bundled rulesets")
	}
	for _, f := range files {
		if err := schemaValidateYAML(sch, f.Data); err != nil {
			t.Errorf("bundled/%s: %v", f.Name, err)
		}
	}
}

func TestSchemaExampleRulesetsValidate(t *testing.T) {
	sch := schemaCompile(t, rulesetSchemaFile)
	for _, f := range schemaExampleRulesets(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := schemaValidateYAML(sch, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestSchemaCaseFilesValidate(t *testing.T) {
	sch := schemaCompile(t, caseSchemaFile)
	for _, f := range schemaCaseFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := schemaValidateYAML(sch, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestSchemaEnterpriseFilesValidate(t *testing.T) {
	sch := schemaCompile(t, factsSchemaFile)
	for _, f := range schemaEnterpriseFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := schemaValidateYAML(sch, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		// The decoder reads the same bytes, modeline and all.
		if _, err := facts.Decode(f, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// Every shipped file names its schema on its first line, by a path relative
// to the file, so that editors find it without configuration.
func TestSchemaModelines(t *testing.T) {
	check := func(file, schema string) {
		t.Helper()
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(data), "\n")
		rel, ok := strings.CutPrefix(strings.TrimRight(first, "\r"), modelinePrefix)
		if !ok {
			t.Errorf("%s: the first line is %q, want %s<relative path to %s>", file, first, modelinePrefix, schema)
			return
		}
		target, err := filepath.Abs(filepath.Join(filepath.Dir(file), filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		want, err := filepath.Abs(schema)
		if err != nil {
			t.Fatal(err)
		}
		if target != want {
			t.Errorf("%s: the modeline points at %s, want %s", file, target, want)
		}
	}
	bundled, err := rulesets.ReadFiles(rulesets.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range bundled {
		check(filepath.Join("bundled", filepath.FromSlash(f.Name)), rulesetSchemaFile)
	}
	for _, f := range schemaExampleRulesets(t) {
		check(f, rulesetSchemaFile)
	}
	for _, f := range schemaCaseFiles(t) {
		check(f, caseSchemaFile)
	}
	for _, f := range schemaEnterpriseFiles(t) {
		check(f, factsSchemaFile)
	}
}

// schemaBaseRuleset is a small ruleset that uses every section; the loader
// accepts it on its own. The agreement tests below mutate it.
const schemaBaseRuleset = `schema: anzexian/v1
id: cn/policy/schema-test
version: "1"
status: in_force
kind: policy
title: 模式测试
region: ""
effective: {from: 2020-01-01, until: 2030-12-31, assumed: true}
sources:
  doc: {title: 测试文件, number: 测〔2020〕1号, issuer: 测试机关, date: 2019-12-01, url: https://example.com/doc, draft: false, unverified: true, note: n}
facts:
  - {name: fleet_size, type: int, default: 0, unit: 辆, doc: 营运车辆数}
  - {name: award, type: code, codes: [gold, silver]}
codes:
  credit_grade: {a: A级, b: B级}
let:
  big: employees != nil && employees >= 100
  bigger: {expr: "employees != nil && employees >= 200", doc: 大企业}
coverage:
  - id: all
    when: big
    obligation: encouraged
    text: 鼓励投保
    cite: {source: doc, article: 第一条}
    note: n
requirements:
  - id: terms
    text: 保单条件
    set: {death_limit_min: "300000", cover_all_employees: true, cover_scope: [employees], occupational_disease_cover: encouraged, term: one_year}
    cite: [{source: doc, article: 第二条, when: big}]
findings:
  - {id: f1, when: "!insured", severity: warning, text: 未投保}
consequences:
  - {id: c1, kind: benefit, text: 优先支持}
references:
  - {id: r1, title: 名单, items: [甲, 乙]}
penalties:
  - id: p1
    title: 未投保
    when: obligation == "encouraged"
    measures: [责令改正]
    fine: {min: "0", max: "100", text: 一百元以下}
    tiers: [{id: t1, min: "0", max: "50", reason: 情节轻微}]
    discretionary: true
    limitation_years: 2
    target: unit
    caveats: [{text: 示例}]
    cite: {source: doc, article: 第三条}
rating:
  currency: CNY
  tables:
    - id: t1
      title: 费率表
      unit: amount
      dims: [{name: size, by: fleet_size, bands: [{id: small, range: "[0, 10]"}, {id: large, range: "(10, +inf)"}]}]
      rows: [{size: small, value: "10"}, {size: large, value: 20}]
  bases:
    - {id: b1, text: 基准, table: t1, formula: rate, loadings: [{id: l1, when: big, add: "0.5", text: 上浮50%}]}
  factors:
    - id: f1
      title: 因子
      unit: percent
      pick: highest
      cases: [{id: large, when: big, value: "0.1", reason: 大企业}]
      default: {value: "0", reason: 其他}
  combine: {mode: add}
  clamp: {min: "0.7", max: "1.3"}
  minimum: {amount: "100"}
  rounding: {scale: 2, mode: half_up, steps: [premium]}
  prevention_cap: {share: "0.21"}
  caveats: [{text: 示例}]
notes: [说明]
`

// schemaMutation changes the base ruleset; valid says whether the result is
// a valid ruleset (for the schema and the loader alike).
type schemaMutation struct {
	name   string
	valid  bool
	change func(m map[string]any)
}

func mutAt(m map[string]any, keys ...any) map[string]any {
	var cur any = m
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur.(map[string]any)
}

func mutSet(value any, keys ...any) func(map[string]any) {
	return func(m map[string]any) {
		mutAt(m, keys[:len(keys)-1]...)[keys[len(keys)-1].(string)] = value
	}
}

func mutDel(keys ...any) func(map[string]any) {
	return func(m map[string]any) {
		delete(mutAt(m, keys[:len(keys)-1]...), keys[len(keys)-1].(string))
	}
}

func mutAll(fs ...func(map[string]any)) func(map[string]any) {
	return func(m map[string]any) {
		for _, f := range fs {
			f(m)
		}
	}
}

// enumOf returns the enum of the schema at the JSON pointer-like path.
func schemaEnum(t *testing.T, schema map[string]any, keys ...string) []string {
	t.Helper()
	var cur any = schema
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("schema path %v: %s is not an object", keys, k)
		}
		cur = m[k]
	}
	m, ok := cur.(map[string]any)
	if !ok {
		t.Fatalf("schema path %v not found", keys)
	}
	raw, ok := m["enum"].([]any)
	if !ok {
		t.Fatalf("schema path %v has no enum", keys)
	}
	var out []string
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func schemaMutations(t *testing.T) []schemaMutation {
	sj := schemaJSON(t, rulesetSchemaFile)
	defs := []string{"definitions"}
	ms := []schemaMutation{{name: "base", valid: true, change: func(map[string]any) {}}}
	add := func(valid bool, name string, f func(map[string]any)) {
		ms = append(ms, schemaMutation{name, valid, f})
	}
	// Every enum value of the schema is accepted by the loader.
	for _, v := range schemaEnum(t, sj, "properties", "status") {
		add(true, "status "+v, mutSet(v, "status"))
	}
	for _, v := range schemaEnum(t, sj, "properties", "kind") {
		if v == "filing" {
			// A filing belongs to an insurer and cannot set a regulator's
			// combination, clamp or rounding.
			add(true, "kind filing", mutAll(mutSet(v, "kind"), mutSet("某保险公司", "insurer"),
				mutDel("rating", "combine"), mutDel("rating", "clamp"), mutDel("rating", "rounding")))
			continue
		}
		add(true, "kind "+v, mutSet(v, "kind"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "coverageRule", "properties", "obligation")...) {
		add(true, "obligation "+v, mutSet(v, "coverage", 0, "obligation"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "findingRule", "properties", "severity")...) {
		add(true, "severity "+v, mutSet(v, "findings", 0, "severity"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "consequenceRule", "properties", "kind")...) {
		add(true, "consequence kind "+v, mutSet(v, "consequences", 0, "kind"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "penaltyRule", "properties", "target")...) {
		add(true, "penalty target "+v, mutSet(v, "penalties", 0, "target"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "factor", "properties", "unit")...) {
		add(true, "factor unit "+v, mutSet(v, "rating", "factors", 0, "unit"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "factor", "properties", "pick")...) {
		add(true, "factor pick "+v, mutSet(v, "rating", "factors", 0, "pick"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "table", "properties", "unit")...) {
		add(true, "table unit "+v, mutSet(v, "rating", "tables", 0, "unit"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "rating", "properties", "combine", "properties", "mode")...) {
		add(true, "combine "+v, mutSet(v, "rating", "combine", "mode"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "rating", "properties", "rounding", "properties", "mode")...) {
		add(true, "rounding "+v, mutSet(v, "rating", "rounding", "mode"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "rating", "properties", "rounding", "properties", "steps", "items")...) {
		add(true, "rounding step "+v, mutSet([]any{v}, "rating", "rounding", "steps"))
	}
	for _, v := range schemaEnum(t, sj, append(defs, "factDecl", "properties", "type")...) {
		decl := map[string]any{"name": "extra_fact", "type": v}
		if v == "code" || v == "list" {
			decl["codes"] = []any{"x", "y"}
		}
		add(true, "fact type "+v, func(m map[string]any) { m["facts"] = append(m["facts"].([]any), decl) })
	}
	for _, v := range schemaEnum(t, sj, "properties", "codes", "propertyNames") {
		add(true, "codes of "+v, mutSet(map[string]any{"extra_code": "额外"}, "codes", v))
	}
	// Every requirement field, with a value of its type.
	for _, f := range rulesets.RequirementFields {
		var v any
		switch f.Type {
		case "decimal":
			v = "1000"
		case "bool":
			v = true
		case "codes":
			v = []any{f.Codes[0].Code}
		default:
			v = f.Codes[len(f.Codes)-1].Code
		}
		add(true, "requirement "+f.Name, mutSet(map[string]any{f.Name: v}, "requirements", 0, "set"))
	}
	add(true, "region 12 digits", mutSet("430100000000", "region"))
	add(true, "cite as a list", mutSet([]any{map[string]any{"source": "doc"}}, "coverage", 0, "cite"))
	add(true, "penalty per_day", mutAll(mutDel("penalties", 0, "fine"), mutDel("penalties", 0, "tiers"),
		mutSet(map[string]any{"amount": "10", "from": "as_of", "through": "as_of"}, "penalties", 0, "per_day")))
	add(true, "penalty no_fine", mutAll(mutDel("penalties", 0, "fine"), mutDel("penalties", 0, "tiers"), mutSet("文件未规定罚款", "penalties", 0, "no_fine")))
	add(true, "base rate", mutAll(mutDel("rating", "bases", 0, "table"), mutSet("0.5", "rating", "bases", 0, "rate")))

	// What the loader rejects, the schema rejects too.
	add(false, "unknown top-level key", mutSet("red", "colour"))
	add(false, "missing title", mutDel("title"))
	add(false, "missing effective", mutDel("effective"))
	add(false, "wrong schema", mutSet("anzexian/v2", "schema"))
	add(false, "bad status", mutSet("active", "status"))
	add(false, "bad kind", mutSet("decree", "kind"))
	add(false, "bad id", mutSet("CN/Policy", "id"))
	add(false, "bad version", mutSet("v 1", "version"))
	add(false, "bad region", mutSet("431", "region"))
	add(false, "unquoted-style region text", mutSet("hunan", "region"))
	add(false, "bad date", mutSet("2020-13-01", "effective", "from"))
	add(false, "date with slashes", mutSet("2020/01/01", "effective", "from"))
	add(false, "date with a time", mutSet("2020-01-01T00:00:00Z", "effective", "from"))
	add(false, "unknown effective key", mutSet(true, "effective", "approx"))
	add(false, "supersedes without version", mutSet([]any{"cn/policy/old"}, "supersedes"))
	add(false, "bad source key", mutSet(map[string]any{"title": "t"}, "sources", "Law-2021"))
	add(false, "source without title", mutDel("sources", "doc", "title"))
	add(false, "unknown source key", mutSet("x", "sources", "doc", "page"))
	add(false, "source draft as text", mutSet("yes", "sources", "doc", "draft"))
	add(false, "bad fact type", mutSet("string", "facts", 0, "type"))
	add(false, "code fact without codes", mutDel("facts", 1, "codes"))
	add(false, "fact redeclares a core fact", mutSet("employees", "facts", 0, "name"))
	add(false, "unknown vocabulary", mutSet(map[string]any{"x": "y"}, "codes", "colours"))
	add(false, "bad let name", mutSet("employees > 1", "let", "Big"))
	add(false, "let shadows a core fact", mutSet("1", "let", "employees"))
	add(false, "unknown let key", mutSet("x", "let", "bigger", "note"))
	add(false, "let without expr", mutDel("let", "bigger", "expr"))
	add(false, "bad rule id", mutSet("All Rules", "coverage", 0, "id"))
	add(false, "rule without id", mutDel("coverage", 0, "id"))
	add(false, "bad obligation", mutSet("must", "coverage", 0, "obligation"))
	add(false, "coverage without text", mutDel("coverage", 0, "text"))
	add(false, "unknown coverage key", mutSet("x", "coverage", 0, "reason"))
	add(false, "unknown citation key", mutSet(1, "coverage", 0, "cite", "page"))
	add(false, "citation without source", mutDel("coverage", 0, "cite", "source"))
	add(false, "requirement false", mutSet(false, "requirements", 0, "set", "cover_all_employees"))
	add(false, "unknown requirement field", mutSet("1", "requirements", 0, "set", "death_limit"))
	add(false, "negative requirement amount", mutSet("-1", "requirements", 0, "set", "death_limit_min"))
	add(false, "requirement amount not a number", mutSet("三十万", "requirements", 0, "set", "death_limit_min"))
	add(false, "bad term", mutSet("two_years", "requirements", 0, "set", "term"))
	add(false, "bad level", mutSet("mandatory", "requirements", 0, "set", "occupational_disease_cover"))
	add(false, "bad cover scope", mutSet([]any{"property"}, "requirements", 0, "set", "cover_scope"))
	add(false, "requirement without set", mutDel("requirements", 0, "set"))
	add(false, "bad severity", mutSet("fatal", "findings", 0, "severity"))
	add(false, "finding without when", mutDel("findings", 0, "when"))
	add(false, "bad consequence kind", mutSet("fine", "consequences", 0, "kind"))
	add(false, "reference without title", mutDel("references", 0, "title"))
	add(false, "bad penalty target", mutSet("company", "penalties", 0, "target"))
	add(false, "fine and no_fine", mutSet("none", "penalties", 0, "no_fine"))
	add(false, "no fine at all", mutAll(mutDel("penalties", 0, "fine"), mutDel("penalties", 0, "tiers")))
	add(false, "penalty without title", mutDel("penalties", 0, "title"))
	add(false, "limitation years 0", mutSet(0, "penalties", 0, "limitation_years"))
	add(false, "fine without max", mutDel("penalties", 0, "fine", "max"))
	add(false, "on without each", mutSet("as_of", "penalties", 0, "on"))
	add(false, "continuing without each", mutSet(true, "penalties", 0, "continuing"))
	add(false, "each without on", mutSet("uninsured_periods", "penalties", 0, "each"))
	add(false, "tier without max", mutDel("penalties", 0, "tiers", 0, "max"))
	add(false, "unknown penalty key", mutSet("x", "penalties", 0, "severity"))
	add(false, "bad currency", mutSet("USD", "rating", "currency"))
	add(false, "unknown rating key", mutSet("x", "rating", "discounts"))
	add(false, "bad table unit", mutSet("yuan", "rating", "tables", 0, "unit"))
	add(false, "table without dims", mutDel("rating", "tables", 0, "dims"))
	add(false, "bad band range", mutSet("0-10", "rating", "tables", 0, "dims", 0, "bands", 0, "range"))
	add(false, "band including +inf", mutSet("(10, +inf]", "rating", "tables", 0, "dims", 0, "bands", 1, "range"))
	add(false, "row without value", mutDel("rating", "tables", 0, "rows", 0, "value"))
	add(false, "base with table and rate", mutSet("0.5", "rating", "bases", 0, "rate"))
	add(false, "base without formula", mutDel("rating", "bases", 0, "formula"))
	add(false, "loading without add", mutDel("rating", "bases", 0, "loadings", 0, "add"))
	add(false, "bad factor unit", mutSet("ratio", "rating", "factors", 0, "unit"))
	add(false, "bad factor pick", mutSet("max", "rating", "factors", 0, "pick"))
	add(false, "factor without default", mutDel("rating", "factors", 0, "default"))
	add(false, "factor without cases", mutSet([]any{}, "rating", "factors", 0, "cases"))
	add(false, "default with when", mutSet("big", "rating", "factors", 0, "default", "when"))
	add(false, "case without reason", mutDel("rating", "factors", 0, "cases", 0, "reason"))
	add(false, "bad combine mode", mutSet("sum", "rating", "combine", "mode"))
	add(false, "clamp without max", mutDel("rating", "clamp", "max"))
	add(false, "negative clamp", mutSet("-0.1", "rating", "clamp", "min"))
	add(false, "bad rounding mode", mutSet("ceiling", "rating", "rounding", "mode"))
	add(false, "bad rounding step", mutSet([]any{"total"}, "rating", "rounding", "steps"))
	add(false, "rounding scale 7", mutSet(7, "rating", "rounding", "scale"))
	add(false, "prevention share above 1", mutSet("1.5", "rating", "prevention_cap", "share"))
	add(false, "filing without insurer", mutAll(mutSet("filing", "kind"),
		mutDel("rating", "combine"), mutDel("rating", "clamp"), mutDel("rating", "rounding")))
	add(false, "insurer on a policy", mutSet("某保险公司", "insurer"))
	add(false, "notes not a list", mutSet("说明", "notes"))
	return ms
}

// toYAML renders a JSON value as YAML the loader reads as the schema does:
// json.Number as plain numbers, strings quoted.
func schemaToYAML(t *testing.T, v any) []byte {
	t.Helper()
	var node func(v any) *yaml.Node
	node = func(v any) *yaml.Node {
		switch v := v.(type) {
		case map[string]any:
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, node(v[k]))
			}
			return n
		case []any:
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			for _, e := range v {
				n.Content = append(n.Content, node(e))
			}
			return n
		case json.Number:
			tag := "!!int"
			if strings.ContainsAny(string(v), ".eE") {
				tag = "!!float"
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(v)}
		case int:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
		case bool:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
		case nil:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		case string:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.DoubleQuotedStyle}
		}
		t.Fatalf("toYAML: unexpected %T", v)
		return nil
	}
	out, err := yaml.Marshal(node(v))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// toJSONValue turns ints written by mutations into json.Number, as the
// validator sees decoded documents.
func schemaJSONValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = schemaJSONValue(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = schemaJSONValue(e)
		}
		return out
	case int:
		return json.Number(strconv.Itoa(v))
	}
	return v
}

// The schema and the loader agree: every enum value of the schema loads,
// and every mutation the loader rejects the schema rejects too, so the
// schema tests cannot pass vacuously.
func TestSchemaAgreesWithLoader(t *testing.T) {
	sch := schemaCompile(t, rulesetSchemaFile)
	for _, mu := range schemaMutations(t) {
		t.Run(mu.name, func(t *testing.T) {
			docs, err := schemaYAMLDocs([]byte(schemaBaseRuleset))
			if err != nil {
				t.Fatal(err)
			}
			doc := docs[0].(map[string]any)
			mu.change(doc)
			data := schemaToYAML(t, doc)
			schemaErr := sch.Validate(schemaJSONValue(doc))
			_, loadErr := rulesets.LoadFiles(diag.File{Name: "schema-test.yaml", Data: data})
			if (schemaErr == nil) != mu.valid {
				t.Errorf("schema: valid = %v, want %v: %v\n%s", schemaErr == nil, mu.valid, schemaErr, data)
			}
			if (loadErr == nil) != mu.valid {
				t.Errorf("loader: valid = %v, want %v: %v\n%s", loadErr == nil, mu.valid, loadErr, data)
			}
		})
	}
}

// Negative documents written as YAML text: the schemas must reject them.
func TestSchemaRejectsInvalidDocuments(t *testing.T) {
	rs := schemaCompile(t, rulesetSchemaFile)
	cs := schemaCompile(t, caseSchemaFile)
	const caseHead = "defaults:\n  as_of: 2026-01-01\n  facts: {region: \"430100\", sectors: [other]}\ncases:\n"
	tests := []struct {
		name string
		sch  *jsonschema.Schema
		doc  string
	}{
		{"ruleset: unknown key", rs, strings.Replace(schemaBaseRuleset, "title: 模式测试", "title: 模式测试\ntitel: typo", 1)},
		{"ruleset: bad status", rs, strings.Replace(schemaBaseRuleset, "status: in_force", "status: in-force", 1)},
		{"ruleset: bad date", rs, strings.Replace(schemaBaseRuleset, "from: 2020-01-01", "from: 2020-1-1", 1)},
		{"ruleset: region as a number", rs, strings.Replace(schemaBaseRuleset, `region: ""`, "region: 43", 1)},
		{"ruleset: version as a number", rs, strings.Replace(schemaBaseRuleset, `version: "1"`, "version: 1.0", 1)},
		{"ruleset: empty", rs, "{}"},
		{"ruleset: a list", rs, "- schema: anzexian/v1"},
		{"case: unknown top-level key", cs, caseHead + "  - {name: x, facts: {}}\nextra: 1\n"},
		{"case: unknown case key", cs, caseHead + "  - {name: x, facts: {}, expected: {}}\n"},
		{"case: bad as_of", cs, caseHead + "  - {name: x, as_of: 2026-02-30x, facts: {}}\n"},
		{"case: as_of nowhere", cs, "cases:\n  - {name: x, facts: {region: \"43\", sectors: [other]}}\n"},
		{"case: no facts", cs, "defaults: {as_of: 2026-01-01}\ncases:\n  - {name: x}\n"},
		{"case: unknown expectation", cs, caseHead + "  - {name: x, facts: {}, expect: {obligations: mandatory}}\n"},
		{"case: bad obligation", cs, caseHead + "  - {name: x, facts: {}, expect: {obligation: must}}\n"},
		{"case: bad rule reference", cs, caseHead + "  - {name: x, facts: {}, expect: {reasons: [hazardous-chemicals]}}\n"},
		{"case: unknown requirement", cs, caseHead + "  - {name: x, facts: {}, expect: {requirements: {death_limit: \"1\"}}}\n"},
		{"case: unknown sector", cs, caseHead + "  - {name: x, facts: {sectors: [mining]}}\n"},
		{"case: bad region", cs, caseHead + "  - {name: x, facts: {region: \"4301000\"}}\n"},
		{"case: bad status", cs, caseHead + "  - {name: x, facts: {status: open}}\n"},
		{"case: negative employees", cs, caseHead + "  - {name: x, facts: {employees: -1}}\n"},
		{"case: decimal as text", cs, caseHead + "  - {name: x, facts: {loss_ratio: forty}}\n"},
		{"case: unknown policy key", cs, caseHead + "  - {name: x, facts: {policy: {deathlimit: 1}}}\n"},
		{"case: accident without date", cs, caseHead + "  - {name: x, facts: {accidents: [{deaths: 1}]}}\n"},
		{"case: bad accident date", cs, caseHead + "  - {name: x, facts: {accidents: [{date: 2025-06-31}]}}\n"},
		{"case: extra fact as a mapping", cs, caseHead + "  - {name: x, facts: {fleet: {size: 1}}}\n"},
		{"case: extra fact not an identifier", cs, caseHead + "  - {name: x, facts: {Fleet-Size: 1}}\n"},
		{"single case: cases keys mixed", cs, "as_of: 2026-01-01\nfacts: {}\ndefaults: {}\n"},
		{"single case: no as_of", cs, "facts: {region: \"43\", sectors: [other]}\n"},
		{"case: with as a mapping", cs, caseHead + "  - {name: x, facts: {}, with: {a: b}}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := schemaValidateYAML(tt.sch, []byte(tt.doc)); err == nil {
				t.Errorf("the schema accepts:\n%s", tt.doc)
			}
		})
	}
}

// Case documents the case runner rejects are rejected by the schema too,
// and the valid variants pass both.
func TestCaseSchemaAgreesWithCaseRunner(t *testing.T) {
	cs := schemaCompile(t, caseSchemaFile)
	dir := t.TempDir()
	tests := []struct {
		name  string
		valid bool
		doc   string
	}{
		{"single case", true, "about: a\nas_of: 2026-01-01\nfacts: {region: \"430100\", sectors: [other]}\nexpect: {obligation: encouraged}\n"},
		{"cases with defaults", true, "defaults: {as_of: 2026-01-01, facts: {region: \"430100\"}}\ncases:\n  - {name: x, facts: {sectors: [coal_mine]}, golden: false, with: []}\n"},
		{"unknown top-level key", false, "cases: [{as_of: 2026-01-01, facts: {region: \"43\", sectors: [other]}}]\nextra: 1\n"},
		{"unknown case key", false, "cases: [{as_of: 2026-01-01, facts: {region: \"43\", sectors: [other]}, expected: {}}]\n"},
		{"unknown expectation", false, "cases: [{as_of: 2026-01-01, facts: {region: \"43\", sectors: [other]}, expect: {obligations: x}}]\n"},
		{"no as_of", false, "cases: [{facts: {region: \"43\", sectors: [other]}}]\n"},
		{"bad as_of", false, "cases: [{as_of: 2026-13-01, facts: {region: \"43\", sectors: [other]}}]\n"},
		{"no facts", false, "cases: [{as_of: 2026-01-01}]\n"},
		{"unknown sector", false, "cases: [{as_of: 2026-01-01, facts: {region: \"43\", sectors: [mining]}}]\n"},
		{"unknown site kind", false, "cases: [{as_of: 2026-01-01, facts: {region: \"43\", sectors: [other], sites: [{kind: mine}]}}]\n"},
		{"unknown facts key near a core one", false, "cases: [{as_of: 2026-01-01, facts: {region: \"43\", sectors: [other], employes: 3}}]\n"},
	}
	// A typo of a core fact is caught by the decoder's "did you mean"; the
	// schema cannot tell it from a fact a ruleset declares.
	runnerOnly := map[string]bool{"unknown facts key near a core one": true}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, fmt.Sprintf("case%d.yaml", i))
			if err := os.WriteFile(file, []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, runErr := casetest.Load(file)
			schemaErr := schemaValidateYAML(cs, []byte(tt.doc))
			if (schemaErr == nil) != tt.valid && !runnerOnly[tt.name] {
				t.Errorf("schema: valid = %v, want %v: %v\n%s", schemaErr == nil, tt.valid, schemaErr, tt.doc)
			}
			if (runErr == nil) != tt.valid {
				t.Errorf("case runner: valid = %v, want %v: %v\n%s", runErr == nil, tt.valid, runErr, tt.doc)
			}
		})
	}
}

func vocabCodes(v facts.Vocabulary) []string { return v.Codes() }

func schemaSameSet(t *testing.T, what string, schema, code []string) {
	t.Helper()
	var onlySchema, onlyCode []string
	for _, s := range schema {
		if !slices.Contains(code, s) {
			onlySchema = append(onlySchema, s)
		}
	}
	for _, c := range code {
		if !slices.Contains(schema, c) {
			onlyCode = append(onlyCode, c)
		}
	}
	if len(onlySchema)+len(onlyCode) > 0 {
		sort.Strings(onlySchema)
		sort.Strings(onlyCode)
		t.Errorf("%s: only in the schema %v, only in the Go code %v", what, onlySchema, onlyCode)
	}
}

// The schemas' vocabularies are the Go code's.
func TestSchemaEnumsMatchGo(t *testing.T) {
	rj := schemaJSON(t, rulesetSchemaFile)
	cj := schemaJSON(t, caseSchemaFile)

	setProps := rj["definitions"].(map[string]any)["requirementSet"].(map[string]any)["properties"].(map[string]any)
	var names []string
	for _, f := range rulesets.RequirementFields {
		names = append(names, f.Name)
		p, ok := setProps[f.Name].(map[string]any)
		if !ok {
			continue
		}
		switch f.Type {
		case "codes":
			schemaSameSet(t, "requirement "+f.Name, schemaEnum(t, p, "items"), vocabCodes(f.Codes))
		case "level", "code":
			schemaSameSet(t, "requirement "+f.Name, schemaEnum(t, p), vocabCodes(f.Codes))
		}
	}
	schemaSameSet(t, "requirement fields (ruleset schema)", slices.Collect(schemaKeys(setProps)), names)
	expect := cj["definitions"].(map[string]any)["expect"].(map[string]any)
	reqProps := expect["properties"].(map[string]any)["requirements"].(map[string]any)["properties"].(map[string]any)
	schemaSameSet(t, "requirement fields (case schema)", slices.Collect(schemaKeys(reqProps)), names)
	schemaSameSet(t, "not_requirements", schemaEnum(t, expect, "properties", "not_requirements", "items"), names)

	schemaSameSet(t, "obligations (ruleset schema)", schemaEnum(t, rj, "definitions", "coverageRule", "properties", "obligation"), vocabCodes(facts.Obligations))
	schemaSameSet(t, "obligations (case schema)", schemaEnum(t, expect, "properties", "obligation"), vocabCodes(facts.Obligations))
	schemaSameSet(t, "statuses", []string{string(rulesets.StatusInForce), string(rulesets.StatusDraft), string(rulesets.StatusRepealed)},
		schemaEnum(t, rj, "properties", "status"))
	schemaSameSet(t, "kinds", []string{string(rulesets.KindLaw), string(rulesets.KindRegulation), string(rulesets.KindMeasures),
		string(rulesets.KindPolicy), string(rulesets.KindRating), string(rulesets.KindFiling)}, schemaEnum(t, rj, "properties", "kind"))
	schemaSameSet(t, "fact types", []string{string(rulesets.FactInt), string(rulesets.FactDecimal), string(rulesets.FactBool),
		string(rulesets.FactDate), string(rulesets.FactCode), string(rulesets.FactList)}, schemaEnum(t, rj, "definitions", "factDecl", "properties", "type"))

	fj := schemaJSON(t, factsSchemaFile)
	factProps := fj["definitions"].(map[string]any)["facts"].(map[string]any)["properties"].(map[string]any)
	schemaSameSet(t, "sectors", schemaEnum(t, factProps, "sectors", "items"), vocabCodes(facts.Sectors))
	schemaSameSet(t, "statuses", schemaEnum(t, factProps, "status"), vocabCodes(facts.Statuses))
	schemaSameSet(t, "risk levels", schemaEnum(t, factProps, "risk_level"), vocabCodes(facts.RiskLevels))
	schemaSameSet(t, "occupational hazards", schemaEnum(t, factProps, "occupational_hazards", "items"), vocabCodes(facts.OccupationalHazardCodes))
	schemaSameSet(t, "other insurance", schemaEnum(t, factProps, "other_safety_insurance", "items"), vocabCodes(facts.OtherInsuranceCodes))
	sites := factProps["sites"].(map[string]any)["items"].(map[string]any)
	schemaSameSet(t, "site kinds", schemaEnum(t, sites, "properties", "kind"), vocabCodes(facts.SiteKinds))

	// The facts of the facts schema are the fields of rulesets.Facts (by
	// their JSON names, which are the names the decoder reads) ...
	propsOf := func(m map[string]any, keys ...string) []string {
		for _, k := range keys {
			m = m[k].(map[string]any)
		}
		return slices.Collect(schemaKeys(m["properties"].(map[string]any)))
	}
	// ... and the facts the bundled rulesets declare, typed as declared.
	declared := schemaBundledFacts(t)
	var declaredNames []string
	for _, d := range declared {
		declaredNames = append(declaredNames, d.Name)
	}
	schemaSameSet(t, "facts", slices.Collect(schemaKeys(factProps)),
		append(schemaJSONNames(reflect.TypeOf(facts.Facts{})), declaredNames...))
	for _, c := range []struct {
		path []string
		typ  any
	}{
		{[]string{"sites", "items"}, facts.Site{}},
		{[]string{"park"}, facts.Park{}},
		{[]string{"project"}, facts.Project{}},
		{[]string{"accidents", "items"}, facts.Accident{}},
		{[]string{"work_injury_rank"}, facts.WorkInjuryRank{}},
		{[]string{"hazards"}, facts.Hazards{}},
		{[]string{"policy"}, facts.Policy{}},
		{[]string{"policy_history", "items"}, facts.PolicyPeriod{}},
		{[]string{"enforcement"}, facts.Enforcement{}},
	} {
		schemaSameSet(t, "facts "+strings.Join(c.path, "."), propsOf(factProps, c.path...), schemaJSONNames(reflect.TypeOf(c.typ)))
	}

	// The expectation keys are those the case runner decodes.
	schemaSameSet(t, "expect keys", slices.Collect(schemaKeys(expect["properties"].(map[string]any))),
		schemaTagNames(reflect.TypeOf(casetest.Expectation{}), "yaml"))
}

// tagNames lists the names a struct type's fields have under a tag.
func schemaTagNames(rt reflect.Type, key string) []string {
	var out []string
	for i := 0; i < rt.NumField(); i++ {
		if name, _, _ := strings.Cut(rt.Field(i).Tag.Get(key), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func schemaJSONNames(rt reflect.Type) []string { return schemaTagNames(rt, "json") }

func schemaKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Every property of the schemas is documented for hover.
func TestSchemaDescriptions(t *testing.T) {
	for _, file := range []string{rulesetSchemaFile, caseSchemaFile, factsSchemaFile} {
		var walk func(p string, v any)
		walk = func(p string, v any) {
			m, ok := v.(map[string]any)
			if !ok {
				return
			}
			if props, ok := m["properties"].(map[string]any); ok {
				for k, s := range props {
					sm, _ := s.(map[string]any)
					if _, ok := sm["description"].(string); !ok && sm["$ref"] == nil {
						t.Errorf("%s: %s/properties/%s has no description", file, p, k)
					}
				}
			}
			for _, k := range slices.Sorted(schemaKeys(m)) {
				if k == "if" || k == "not" || k == "allOf" {
					continue // constraints between properties, not documentation
				}
				switch c := m[k].(type) {
				case map[string]any:
					walk(path.Join(p, k), c)
				case []any:
					for i, e := range c {
						walk(path.Join(p, k, strconv.Itoa(i)), e)
					}
				}
			}
		}
		walk("#", schemaJSON(t, file))
	}
}

// A modeline is a comment: a file that starts with one still loads, and so
// does every document of a stream that follows it.
func TestSchemaModelineMultiDocument(t *testing.T) {
	sch := schemaCompile(t, rulesetSchemaFile)
	const second = `schema: anzexian/v1
id: cn.hunan/policy/schema-test
version: "1"
status: draft
kind: policy
title: 第二个文件
region: "43"
effective: {from: 2021-01-01}
sources:
  hn: {title: 湖南测试文件}
coverage:
  - {id: all, obligation: required, text: 应当投保, cite: {source: hn, article: 一}}
`
	data := []byte(modelinePrefix + "../rulesets/schema/ruleset.schema.json\n" + schemaBaseRuleset + "---\n" + second)
	if err := schemaValidateYAML(sch, data); err != nil {
		t.Fatal(err)
	}
	reg, err := rulesets.LoadFiles(diag.File{Name: "stream.yaml", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(reg.Rulesets()); n != 2 {
		t.Fatalf("loaded %d rulesets from a stream of 2", n)
	}
}

// schemaBundledFacts lists the facts the bundled rulesets declare.
func schemaBundledFacts(t *testing.T) []*rulesets.FactDecl {
	t.Helper()
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	var out []*rulesets.FactDecl
	seen := map[string]bool{}
	for _, rs := range reg.Rulesets() {
		for _, d := range rs.Facts {
			if !seen[d.Name] {
				seen[d.Name] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// A fact a bundled ruleset declares is completed and typed as declared: a
// value of its type validates, a value of another type does not.
func TestFactsSchemaDeclaredFacts(t *testing.T) {
	sch := schemaCompile(t, factsSchemaFile)
	declared := schemaBundledFacts(t)
	if len(declared) == 0 {
		t.Skip("no bundled ruleset declares a fact")
	}
	for _, d := range declared {
		var good, bad string
		switch d.Type {
		case rulesets.FactInt:
			good, bad = "3", `"3"`
		case rulesets.FactDecimal:
			good, bad = `"2000000.50"`, "两百万"
		case rulesets.FactBool:
			good, bad = "true", `"yes"`
		case rulesets.FactDate:
			good, bad = "2024-02-29", "2023-02-29"
		case rulesets.FactCode:
			good, bad = d.Codes[0], "not_a_code_at_all"
		case rulesets.FactList:
			good, bad = "["+d.Codes[0]+"]", "[not_a_code_at_all]"
		}
		for _, c := range []struct {
			value string
			valid bool
		}{{good, true}, {bad, false}, {"null", true}} {
			doc := fmt.Sprintf("region: \"430100\"\nsectors: [construction]\n%s: %s\n", d.Name, c.value)
			if err := schemaValidateYAML(sch, []byte(doc)); (err == nil) != c.valid {
				t.Errorf("%s (%s) = %s: valid = %v, want %v: %v", d.Name, d.Type, c.value, err == nil, c.valid, err)
			}
		}
	}
}

// Facts documents the decoder rejects are rejected by the facts schema too,
// and the valid ones pass both.
func TestFactsSchemaAgreesWithDecoder(t *testing.T) {
	sch := schemaCompile(t, factsSchemaFile)
	const head = "region: \"430100\"\nsectors: [hazardous_chemicals.storage]\n"
	tests := []struct {
		name  string
		valid bool
		doc   string
	}{
		{"minimal", true, head},
		{"every core field", true, head + `name: 某公司
status: suspended
seasonal: true
urban_center: false
sites: [{kind: confined_space, workers: 5}, {kind: ship_repair}]
park: {name: 某园区, factory_in_factory: true}
employees: 40
dispatched_workers: 5
workers_without_injury_insurance: 2
annual_revenue: "12000000.50"
project: {name: 某项目, contract_value: 10000000, high_risk_works: true, metro: false, start: 2025-01-01, end: 2026-12-31}
risk_level: moderate
accidents: [{date: 2024-02-29, deaths: 1, serious_injuries: 2, direct_loss: 1500000, unit_liable: true, especially_serious: false}]
work_injury_rank: {year: 2024, rank: 3}
standardization_level: 2
credit_grade: b
blacklisted: false
hazards: {major_unrectified: true, refused_rectification: true, refused_on: 2025-05-01}
loss_ratio: 0.45
occupational_hazards: [high_dust, high_toxicity]
principal_income: 300000
policy: {insured: true, insurer: 某保险公司, start: 2025-07-01, end: 2026-06-30, insured_employees: 40, death_limit: 400000, disability_limit: 400000, medical_limit: 50000, uniform_limits: true, occupational_disease_cover: false, prevention_service: true, premium_charged_to_employees: false, premium: "12000.00"}
policy_history: [{start: 2023-07-01, end: 2024-06-30, surrendered_on: 2024-01-15, insurer: 某保险公司}]
other_safety_insurance: [employer_liability]
claims_unpaid_to_victims: false
enforcement: {ordered_on: 2025-01-10, deadline: 2025-02-10, rectified_on: 2025-03-01, fined_on: 2025-02-20, fine_amount: 50000, reinspected_on: 2025-02-11}
operating_since: 2010-05-01
`},
		{"a declared fact of some ruleset", true, head + "fleet_vehicles: 12\n"},
		{"nulls are values left out", true, head + "employees: null\npolicy: null\nrisk_level: null\n"},
		{"no policy", true, head + "policy: {insured: false}\n"},
		{"a stream of two", true, head + "---\n" + head},
		{"JSON", true, `{"region": "330382", "sectors": ["other"], "employees": 3, "loss_ratio": "0.5"}`},

		{"no region", false, "sectors: [other]\n"},
		{"no sectors", false, "region: \"43\"\n"},
		{"empty sectors", false, "region: \"43\"\nsectors: []\n"},
		{"null region", false, "region: null\nsectors: [other]\n"},
		{"region of 7 digits", false, "region: \"4301001\"\nsectors: [other]\n"},
		{"unknown sector", false, "region: \"43\"\nsectors: [mining]\n"},
		{"unknown status", false, head + "status: open\n"},
		{"unknown risk level", false, head + "risk_level: extreme\n"},
		{"unknown occupational hazard", false, head + "occupational_hazards: [noise]\n"},
		{"unknown other insurance", false, head + "other_safety_insurance: [car]\n"},
		{"unknown site kind", false, head + "sites: [{kind: mine}]\n"},
		{"site without kind", false, head + "sites: [{workers: 3}]\n"},
		{"employees as text", false, head + "employees: \"40\"\n"},
		{"negative employees", false, head + "employees: -1\n"},
		{"employees with a fraction", false, head + "employees: 4.5\n"},
		{"standardization level 4", false, head + "standardization_level: 4\n"},
		{"boolean as text", false, head + "blacklisted: \"true\"\n"},
		{"decimal with a separator", false, head + "annual_revenue: \"1,000,000\"\n"},
		{"negative decimal", false, head + "loss_ratio: \"-0.1\"\n"},
		{"too many decimal places", false, head + "loss_ratio: \"0.12345678901234567\"\n"},
		{"too large", false, head + "annual_revenue: \"1000000000000000\"\n"},
		{"bad date", false, head + "operating_since: 2023-02-29\n"},
		{"date before 1949-10-01", false, head + "operating_since: 1949-09-30\n"},
		{"date with a time", false, head + "operating_since: 2020-01-01T08:00:00\n"},
		{"unknown policy key", false, head + "policy: {start: 2025-01-01, end: 2025-12-31, deathlimit: 1}\n"},
		{"policy without dates", false, head + "policy: {death_limit: 400000}\n"},
		{"accident without date", false, head + "accidents: [{deaths: 1}]\n"},
		{"earlier policy without end", false, head + "policy_history: [{start: 2020-01-01}]\n"},
		{"work injury rank without rank", false, head + "work_injury_rank: {year: 2024}\n"},
		{"work injury rank 0", false, head + "work_injury_rank: {year: 2024, rank: 0}\n"},
		{"refused_on without refusal", false, head + "hazards: {refused_on: 2025-01-01}\n"},
		{"deadline without order", false, head + "enforcement: {deadline: 2025-01-01}\n"},
		{"fine without its date", false, head + "enforcement: {fine_amount: 1000}\n"},
		{"unknown enforcement key", false, head + "enforcement: {ordered: 2025-01-01}\n"},
		{"extra fact not an identifier", false, head + "Fleet-Size: 3\n"},
		{"extra fact as a mapping", false, head + "fleet: {size: 3}\n"},
		{"a list, not a mapping", false, "- region: \"43\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schemaErr := schemaValidateYAML(sch, []byte(tt.doc))
			if (schemaErr == nil) != tt.valid {
				t.Errorf("schema: valid = %v, want %v: %v\n%s", schemaErr == nil, tt.valid, schemaErr, tt.doc)
			}
			if tt.name == "extra fact as a mapping" {
				return // the decoder takes any name for a declared fact; the stack rejects it later
			}
			_, decErr := facts.Decode("facts.yaml", []byte(tt.doc))
			if (decErr == nil) != tt.valid {
				t.Errorf("decoder: valid = %v, want %v: %v\n%s", decErr == nil, tt.valid, decErr, tt.doc)
			}
		})
	}
	// A region written as a number loads (the decoder keeps its text), and
	// the schema accepts it too: books typed in Excel and CSV have it so.
	if err := schemaValidateYAML(sch, []byte("region: 430100\nsectors: [other]\n")); err != nil {
		t.Errorf("the schema rejects a region written as a number: %v", err)
	}
	// What the decoder catches and a schema cannot: a near-miss of a core
	// field is taken for an extra fact by the schema (rulesets may declare
	// facts of any name), and relations between values.
	for _, doc := range []string{
		head + "employes: 3\n",
		head + "employees: 3\ndispatched_workers: 5\n",
		head + "policy: {start: 2025-07-01, end: 2025-06-30}\n",
	} {
		if err := schemaValidateYAML(sch, []byte(doc)); err != nil {
			t.Errorf("the schema was expected to let this through (the decoder's job): %v\n%s", err, doc)
		}
		if _, err := facts.Decode("facts.yaml", []byte(doc)); err == nil {
			t.Errorf("the decoder accepts:\n%s", doc)
		}
	}
}

// The snippets the schemas offer for completion, with their placeholders
// filled in with their defaults, are valid where they are offered.
func TestSchemaSnippetsValidate(t *testing.T) {
	placeholder := regexp.MustCompile(`\$\{[0-9]+(?::([^}]*)|\|([^,|]*)[^}]*\|)\}`)
	var fill func(v any) any
	fill = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range v {
				out[fill(k).(string)] = fill(e)
			}
			return out
		case []any:
			out := make([]any, len(v))
			for i, e := range v {
				out[i] = fill(e)
			}
			return out
		case string:
			s := placeholder.ReplaceAllString(v, "$1$2")
			// yaml-language-server inserts snippet strings as they are:
			// "\"2025\"" becomes the quoted YAML string "2025".
			if len(s) >= 2 && strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`) {
				return s[1 : len(s)-1]
			}
			return s
		case float64:
			return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
		}
		return v
	}
	n := 0
	for _, file := range []string{rulesetSchemaFile, caseSchemaFile, factsSchemaFile} {
		doc := schemaJSON(t, file)
		var walk func(ptr string, v any)
		walk = func(ptr string, v any) {
			m, ok := v.(map[string]any)
			if !ok {
				if l, ok := v.([]any); ok {
					for i, e := range l {
						walk(ptr+"/"+strconv.Itoa(i), e)
					}
				}
				return
			}
			if snippets, ok := m["defaultSnippets"].([]any); ok {
				sch := schemaCompileAt(t, file, ptr)
				for _, s := range snippets {
					s := s.(map[string]any)
					body := fill(s["body"])
					if err := sch.Validate(body); err != nil {
						t.Errorf("%s#%s: snippet %q: %v", file, ptr, s["label"], err)
					}
					n++
				}
			}
			for _, k := range slices.Sorted(schemaKeys(m)) {
				if k != "defaultSnippets" && k != "enum" && k != "const" {
					walk(ptr+"/"+k, m[k])
				}
			}
		}
		walk("", doc)
	}
	if n == 0 {
		t.Fatal("no snippets found")
	}
}
