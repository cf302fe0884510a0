package casetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/boundedfile"
	"github.com/anzexian/anzexian/internal/yamlx"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// A Case is an analyst's example: an enterprise's facts, an as-of date, and
// what the answer must say about it. Case files live under examples/ and are
// run by go test and by anzexian test.
//
// A case file holds one case (facts: and expect: at the top) or several
// (cases:, with optional defaults: merged under each case's facts):
//
//	defaults:
//	  as_of: 2026-01-01
//	  facts: {region: "430100", employees: 50}
//	cases:
//	  - name: storage is mandatory
//	    facts: {sectors: [hazardous_chemicals.storage]}
//	    expect:
//	      obligation: mandatory
//	      reasons: [cn.hunan/opinions/spli#hazardous-chemicals]
type Case struct {
	File    string
	Line    int
	Name    string
	AsOf    facts.Date
	Insurer string
	Facts   *facts.Facts
	Expect  *Expectation
	// With lists ruleset files (relative to the case file) added to the
	// bundled ones for this case, replacing those of the same id.
	With []string
	// Golden, when set, compares the whole answer with a golden file.
	Golden bool
	// FactsErr is set when the facts are invalid; a case may expect it.
	FactsErr error
}

// ID returns "file:line name", which names the case in reports.
func (c *Case) ID() string { return fmt.Sprintf("%s:%d %s", c.File, c.Line, c.Name) }

// GoldenPath is where the case's golden answer is kept: next to the case
// file, in <file>.golden/<case>.json.
func (c *Case) GoldenPath() string {
	dir := strings.TrimSuffix(c.File, filepath.Ext(c.File)) + ".golden"
	return filepath.Join(dir, slug(c.Name)+".json")
}

var slugRe = regexp.MustCompile(`[^\p{L}\p{N}]+`)

func slug(s string) string {
	s = strings.Trim(slugRe.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		s = "case"
	}
	return s
}

// Expectation is what a case requires of the answer. Every field is
// optional; lists are "must include" (not_* lists "must not include").
// Rule references may leave out the version (cn.hunan/opinions/spli#rule).
type Expectation struct {
	Obligation      string         `yaml:"obligation"`
	Reasons         []string       `yaml:"reasons"`
	NotReasons      []string       `yaml:"not_reasons"`
	Requirements    map[string]any `yaml:"requirements"`
	NotRequirements []string       `yaml:"not_requirements"`
	Findings        []string       `yaml:"findings"`
	NotFindings     []string       `yaml:"not_findings"`
	Consequences    []string       `yaml:"consequences"`
	NotConsequences []string       `yaml:"not_consequences"`
	Undetermined    []string       `yaml:"undetermined"`
	Rulesets        []string       `yaml:"rulesets"`
	Notes           []string       `yaml:"notes"`
	// Paths match any part of the JSON answer: "coverage.obligation",
	// "premium.factors[id=blacklist].value", "penalties[0].fine.min",
	// "penalties[violation=uninsured-mandatory&law=cn/law/safety-production@2021].since". The
	// value "absent" requires the path not to exist.
	Paths map[string]any `yaml:"paths"`
	// Error, when set, expects the assessment to fail with an error whose
	// text contains it.
	Error string `yaml:"error"`

	// nodes are where the single-valued expectations are written in the
	// case file ("obligation", "requirements/<field>", "paths/<path>"), so
	// that --update can rewrite them in place.
	nodes map[string]*yaml.Node
}

var caseKeys = []string{"name", "as_of", "insurer", "with", "facts", "facts_file", "expect", "golden"}

// LoadCases reads case files (or every .yaml file under directories).
func Load(paths ...string) ([]*Case, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			// .golden directories hold golden answers, enterprises/ plain facts
			// documents (for assess and facts_file:) and rulesets/ example
			// rulesets (for --with and with:); none of them are cases.
			if d.IsDir() && (strings.HasSuffix(path, ".golden") || d.Name() == "enterprises" || d.Name() == "rulesets") {
				return filepath.SkipDir
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	var out []*Case
	var diags diag.Diagnostics
	for _, f := range files {
		data, err := boundedfile.Read(f, rulesets.MaxRulesetSize, "a case file")
		if err != nil {
			return nil, err
		}
		cs, ds := parseCaseFile(filepath.ToSlash(f), data)
		out = append(out, cs...)
		diags = append(diags, ds...)
	}
	if diags.HasErrors() {
		return out, &FileError{diags}
	}
	return out, nil
}

// CaseFileError reports malformed case files.
type FileError struct{ Diagnostics diag.Diagnostics }

func (e *FileError) Error() string { return "case files: " + e.Diagnostics.Error() }

func caseDiag(file string, n *yaml.Node, format string, args ...any) *diag.Diagnostic {
	d := &diag.Diagnostic{Severity: diag.SeverityError, Code: "case.invalid", Summary: fmt.Sprintf(format, args...),
		Subject: diag.Range{File: file}}
	if n != nil {
		d.Subject.Start = diag.Pos{Line: n.Line, Column: n.Column}
	}
	return d
}

func parseCaseFile(file string, data []byte) ([]*Case, diag.Diagnostics) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// at the line and column where the text stops being YAML
		return nil, diag.Diagnostics{yamlx.SyntaxDiagnostic(file, data, "case", err)}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, diag.Diagnostics{caseDiag(file, root, "a case file is a mapping")}
	}
	top := mapOf(root)
	var diags diag.Diagnostics
	var defaults *yaml.Node
	if d, ok := top["defaults"]; ok {
		defaults = d
	}
	var items []*yaml.Node
	if cs, ok := top["cases"]; ok {
		if cs.Kind != yaml.SequenceNode {
			return nil, diag.Diagnostics{caseDiag(file, cs, "cases must be a list")}
		}
		items = cs.Content
		// in document order (not the map's), so that the report is stable
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i].Value; k != "cases" && k != "defaults" && k != "about" {
				diags = append(diags, caseDiag(file, root.Content[i+1], "unknown key %q in a case file (keys: about, defaults, cases)", yamlx.Cut(k, 60)))
			}
		}
	} else {
		items = []*yaml.Node{root}
		delete(top, "about")
	}
	var out []*Case
	for i, it := range items {
		c, ds := parseCase(file, data, it, defaults, i, len(items) == 1 && top["cases"] == nil)
		diags = append(diags, ds...)
		if c != nil {
			out = append(out, c)
		}
	}
	return out, diags
}

func mapOf(n *yaml.Node) map[string]*yaml.Node {
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = n.Content[i+1]
	}
	return m
}

func parseCase(file string, data []byte, n, defaults *yaml.Node, idx int, single bool) (*Case, diag.Diagnostics) {
	var diags diag.Diagnostics
	if n.Kind != yaml.MappingNode {
		return nil, diag.Diagnostics{caseDiag(file, n, "a case is a mapping")}
	}
	m := mapOf(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; !contains(caseKeys, k) && !(single && k == "about") {
			diags = append(diags, caseDiag(file, n.Content[i+1], "unknown key %q in a case (keys: %s)", yamlx.Cut(k, 60), strings.Join(caseKeys, ", ")))
		}
	}
	c := &Case{File: file, Line: n.Line}
	if v, ok := m["name"]; ok {
		c.Name = v.Value
	} else if single {
		c.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	} else {
		c.Name = fmt.Sprintf("case %d", idx+1)
	}
	var dm map[string]*yaml.Node
	if defaults != nil {
		dm = mapOf(defaults)
	}
	pick := func(key string) *yaml.Node {
		if v, ok := m[key]; ok {
			return v
		}
		if dm != nil {
			return dm[key]
		}
		return nil
	}
	if v := pick("as_of"); v != nil {
		d, err := facts.ParseDate(v.Value)
		if err != nil {
			diags = append(diags, caseDiag(file, v, "as_of: %v", err))
		}
		c.AsOf = d
	} else {
		diags = append(diags, caseDiag(file, n, "case %q needs as_of: (cases never read the clock)", c.Name))
	}
	if v := pick("insurer"); v != nil {
		c.Insurer = v.Value
	}
	if v := pick("golden"); v != nil {
		c.Golden = v.Value == "true"
	}
	if v := pick("with"); v != nil {
		items := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			items = v.Content
		}
		for _, it := range items {
			c.With = append(c.With, filepath.ToSlash(besideFile(file, it.Value)))
		}
	}
	factsNode := m["facts"]
	factsName, factsData := file, data
	if ff := pick("facts_file"); ff != nil {
		p := besideFile(file, ff.Value)
		b, err := boundedfile.Read(p, facts.MaxSize, "a facts document")
		if err != nil {
			diags = append(diags, caseDiag(file, ff, "facts_file: %v", err))
			return nil, diags
		}
		// The file may be anything the name points to: when it is no
		// facts document, say so without quoting a line of it.
		docs, problem := yamlx.Recognize(b, "facts", "a facts document", facts.FieldNames(), 1)
		if problem != "" {
			diags = append(diags, caseDiag(file, ff, "facts_file: %s %s", filepath.ToSlash(p), problem))
			return nil, diags
		}
		// the case's own facts: refine the file's
		factsNode = mergeNodes(docs[0], factsNode)
		if m["facts"] == nil {
			factsName, factsData = filepath.ToSlash(p), b
		}
	}
	if dm != nil && dm["facts"] != nil {
		factsNode = mergeNodes(dm["facts"], factsNode)
	}
	if factsNode == nil {
		diags = append(diags, caseDiag(file, n, "case %q needs facts: or facts_file:", c.Name))
		return nil, diags
	}
	f, err := facts.DecodeNode(factsName, factsData, factsNode)
	if err != nil {
		c.FactsErr = err
	}
	c.Facts = f
	c.Expect = &Expectation{}
	if v, ok := m["expect"]; ok {
		if err := decodeStrict(v, c.Expect); err != nil {
			diags = append(diags, caseDiag(file, v, "expect: %v", err))
		}
		c.Expect.nodes = expectationNodes(v)
	}
	if c.FactsErr != nil && c.Expect.Error == "" {
		var fe *facts.Error
		if errors.As(c.FactsErr, &fe) {
			diags = append(diags, fe.Diagnostics...)
		} else {
			diags = append(diags, caseDiag(file, factsNode, "facts: %v", c.FactsErr))
		}
	}
	return c, diags
}

// expectationNodes finds the value nodes of the single-valued expectations.
func expectationNodes(expect *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if expect.Kind != yaml.MappingNode {
		return out
	}
	for k, v := range mapOf(expect) {
		switch k {
		case "obligation":
			if v.Kind == yaml.ScalarNode {
				out["obligation"] = v
			}
		case "requirements", "paths":
			if v.Kind != yaml.MappingNode {
				continue
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				if val := v.Content[i+1]; val.Kind == yaml.ScalarNode {
					out[k+"/"+v.Content[i].Value] = val
				}
			}
		}
	}
	return out
}

// decodeStrict decodes n into v, rejecting unknown keys.
func decodeStrict(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// mergeNodes merges the mapping over onto base: keys of over win, nested
// mappings merge, lists and values are replaced.
func mergeNodes(base, over *yaml.Node) *yaml.Node {
	if over == nil {
		return base
	}
	if base == nil || base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: base.Tag, Line: over.Line, Column: over.Column}
	om := mapOf(over)
	for i := 0; i+1 < len(base.Content); i += 2 {
		k, v := base.Content[i], base.Content[i+1]
		if ov, ok := om[k.Value]; ok {
			out.Content = append(out.Content, k, mergeNodes(v, ov))
			continue
		}
		out.Content = append(out.Content, k, v)
	}
	bm := mapOf(base)
	for i := 0; i+1 < len(over.Content); i += 2 {
		if _, ok := bm[over.Content[i].Value]; !ok {
			out.Content = append(out.Content, over.Content[i], over.Content[i+1])
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Result is the outcome of running a case.
type Result struct {
	Case       *Case
	Assessment *anzexian.Assessment
	Failures   []Failure
	// Updated is set when the golden file was (re)written.
	Updated bool
}

// Pass reports whether the case passed.
func (r *Result) Pass() bool { return len(r.Failures) == 0 }

// Failure is one expectation the answer did not meet, with a diff
// (-want +got).
type Failure struct {
	What string
	Diff string
	// fixes rewrite single-valued expectations to what the answer says.
	fixes []fix
}

// fix replaces the scalar at node with the text of got.
type fix struct {
	node *yaml.Node
	got  string
}

// A Runner runs cases on an engine. It caches the registries that cases
// build with with: files, per registry the engine serves (after a reload the
// files are added to the new registry). A Runner is safe for concurrent use.
type Runner struct {
	eng *anzexian.Engine

	mu    sync.Mutex
	base  *rulesets.Registry
	cache map[string]*rulesets.Registry
}

// NewRunner returns a Runner of cases on eng.
func NewRunner(eng *anzexian.Engine) *Runner { return &Runner{eng: eng} }

// Run assesses the case's enterprise and checks every expectation. With
// update, a golden case rewrites its golden file instead of comparing.
func (e *Runner) Run(c *Case, update bool) *Result {
	res := &Result{Case: c}
	fail := func(what, diff string) { res.Failures = append(res.Failures, Failure{What: what, Diff: diff}) }
	if c.FactsErr != nil {
		if c.Expect.Error != "" && strings.Contains(c.FactsErr.Error(), c.Expect.Error) {
			return res
		}
		fail("facts", c.FactsErr.Error())
		return res
	}
	opts := []anzexian.Option{anzexian.At(c.AsOf), anzexian.Insurer(c.Insurer)}
	if len(c.With) > 0 {
		reg, err := e.registryWith(c.With)
		if err != nil {
			fail("with", err.Error())
			return res
		}
		opts = append(opts, anzexian.Using(reg))
	}
	a, err := e.eng.Assess(c.Facts, opts...)
	if err != nil {
		if c.Expect.Error != "" && strings.Contains(err.Error(), c.Expect.Error) {
			return res
		}
		fail("assess", err.Error())
		return res
	}
	if c.Expect.Error != "" {
		fail("error", fmt.Sprintf("want an error containing %q, got an answer", c.Expect.Error))
	}
	res.Assessment = a
	failures := checkExpectation(c.Expect, a)
	if update {
		var fixes []fix
		for _, f := range failures {
			fixes = append(fixes, f.fixes...)
		}
		if ok, err := applyFixes(c.File, fixes); err != nil {
			fail("update", err.Error())
		} else if ok {
			res.Updated = true
			// the rewritten expectations now hold; keep only what could
			// not be rewritten
			kept := failures[:0]
			for _, f := range failures {
				if len(f.fixes) == 0 {
					kept = append(kept, f)
				}
			}
			failures = kept
		}
	}
	res.Failures = append(res.Failures, failures...)
	if c.Golden {
		got, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			fail("golden", err.Error())
			return res
		}
		got = append(got, '\n')
		path := c.GoldenPath()
		if update {
			old, _ := boundedfile.Read(path, MaxGoldenSize, "a golden file") // none yet: nil
			if !bytes.Equal(old, got) {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					fail("golden", err.Error())
					return res
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					fail("golden", err.Error())
					return res
				}
				res.Updated = true
			}
			return res
		}
		want, err := boundedfile.Read(path, MaxGoldenSize, "a golden file")
		if err != nil {
			fail("golden", fmt.Sprintf("%v (run with --update to create it)", err))
			return res
		}
		if d := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")); d != "" {
			fail("golden "+path, d)
		}
	}
	return res
}

func (x *Expectation) fixFor(key, got string) []fix {
	if n := x.nodes[key]; n != nil {
		return []fix{{node: n, got: got}}
	}
	return nil
}

// applyFixes rewrites, in the case file, the expectations that failed to
// what the answer says, keeping the rest of the file (comments, layout) as
// it is. Lists of rules and findings are not rewritten: a rule that stops
// firing is for a person to judge.
func applyFixes(file string, fixes []fix) (bool, error) {
	if len(fixes) == 0 {
		return false, nil
	}
	data, err := boundedfile.Read(file, rulesets.MaxRulesetSize, "a case file")
	if err != nil {
		return false, err
	}
	lines := strings.SplitAfter(string(data), "\n")
	// from the bottom up, so that earlier positions stay valid
	sort.Slice(fixes, func(i, j int) bool {
		a, b := fixes[i].node, fixes[j].node
		if a.Line != b.Line {
			return a.Line > b.Line
		}
		return a.Column > b.Column
	})
	changed := false
	for _, f := range fixes {
		n := f.node
		if n.Line < 1 || n.Line > len(lines) || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			continue
		}
		line := []rune(lines[n.Line-1])
		start := n.Column - 1
		width := len([]rune(n.Value))
		switch {
		case n.Style&yaml.DoubleQuotedStyle != 0:
			width = len([]rune(strconv.Quote(n.Value)))
		case n.Style&yaml.SingleQuotedStyle != 0:
			width = len([]rune(n.Value)) + 2 + strings.Count(n.Value, "'")
		}
		if start < 0 || start+width > len(line) {
			continue
		}
		text := yamlScalar(f.got)
		if keepsPlain(n, f.got) {
			text = f.got // minimum_applied: true stays a plain bool
		}
		lines[n.Line-1] = string(line[:start]) + text + string(line[start+width:])
		changed = true
	}
	if !changed {
		return false, nil
	}
	return true, os.WriteFile(file, []byte(strings.Join(lines, "")), 0o644)
}

// keepsPlain reports whether got can replace the plain scalar n unquoted
// and read back as the same kind of value (a bool for a bool, a whole
// number for a whole number).
func keepsPlain(n *yaml.Node, got string) bool {
	if n.Style != 0 {
		return false
	}
	switch n.Tag {
	case "!!bool":
		return got == "true" || got == "false"
	case "!!int":
		_, err := strconv.Atoi(got)
		return err == nil && got == strings.TrimLeft(got, "+") && (got == "0" || !strings.HasPrefix(strings.TrimPrefix(got, "-"), "0"))
	}
	return false
}

// yamlScalar writes s as a YAML scalar that reads back as the same string.
func yamlScalar(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return string(b) // a JSON string is a valid double-quoted YAML scalar
}

// ruleMatch reports whether a rule reference matches a pattern that may
// leave out the version.
func ruleMatch(pattern, ref string) bool {
	if pattern == ref {
		return true
	}
	pid, prule, ok1 := strings.Cut(pattern, "#")
	rid, rrule, ok2 := strings.Cut(ref, "#")
	if !ok1 || !ok2 || prule != rrule {
		return false
	}
	if strings.Contains(pid, "@") {
		return false
	}
	id, _, _ := strings.Cut(rid, "@")
	return id == pid
}

func includes(what string, want, got []string, match func(p, g string) bool) []Failure {
	if len(want) == 0 {
		return nil
	}
	var present []string
	for _, w := range want {
		for _, g := range got {
			if match(w, g) {
				present = append(present, w)
				break
			}
		}
	}
	if len(present) == len(want) {
		return nil
	}
	return []Failure{{What: what + " (must include)", Diff: cmp.Diff(want, present) + "got: " + strings.Join(got, ", ") + "\n"}}
}

func excludes(what string, forbid, got []string, match func(p, g string) bool) []Failure {
	var hit []string
	for _, w := range forbid {
		for _, g := range got {
			if match(w, g) {
				hit = append(hit, g)
			}
		}
	}
	if len(hit) == 0 {
		return nil
	}
	return []Failure{{What: what + " (must not include)", Diff: cmp.Diff([]string(nil), hit)}}
}

func eq(a, b string) bool { return a == b }

func checkExpectation(x *Expectation, a *anzexian.Assessment) []Failure {
	var fs []Failure
	c := a.Coverage
	if x.Obligation != "" && x.Obligation != string(c.Obligation) {
		fs = append(fs, Failure{What: "obligation", Diff: cmp.Diff(x.Obligation, string(c.Obligation)),
			fixes: x.fixFor("obligation", string(c.Obligation))})
	}
	var reasons []string
	for _, r := range c.Reasons {
		reasons = append(reasons, r.Rule)
	}
	fs = append(fs, includes("reasons", x.Reasons, reasons, ruleMatch)...)
	fs = append(fs, excludes("reasons", x.NotReasons, reasons, ruleMatch)...)
	var findings []string
	for _, f := range c.Findings {
		findings = append(findings, f.ID)
	}
	fs = append(fs, includes("findings", x.Findings, findings, eq)...)
	fs = append(fs, excludes("findings", x.NotFindings, findings, eq)...)
	var cons []string
	for _, k := range a.Consequences {
		cons = append(cons, k.Rule)
	}
	fs = append(fs, includes("consequences", x.Consequences, cons, ruleMatch)...)
	fs = append(fs, excludes("consequences", x.NotConsequences, cons, ruleMatch)...)
	var und []string
	for _, u := range c.Undetermined {
		und = append(und, u.Rule)
	}
	fs = append(fs, includes("undetermined", x.Undetermined, und, ruleMatch)...)
	var layers []string
	for _, l := range a.Rulesets {
		layers = append(layers, l.ID+"@"+l.Version)
	}
	fs = append(fs, includes("rulesets", x.Rulesets, layers, func(p, g string) bool {
		return p == g || (!strings.Contains(p, "@") && strings.HasPrefix(g, p+"@"))
	})...)
	fs = append(fs, includes("notes", x.Notes, a.Notes, func(p, g string) bool { return strings.Contains(g, p) })...)
	if len(x.Requirements) > 0 {
		want, got := map[string]string{}, map[string]string{}
		for k, v := range x.Requirements {
			want[k] = canon(v)
			if it, ok := c.Requirements.Get(k); ok {
				got[k] = canon(jsonValue(it.Value))
			} else {
				got[k] = "absent"
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			var fixes []fix
			for k := range want {
				if want[k] != got[k] && got[k] != "absent" {
					fixes = append(fixes, x.fixFor("requirements/"+k, got[k])...)
				}
			}
			fs = append(fs, Failure{What: "requirements", Diff: d, fixes: fixes})
		}
	}
	for _, k := range x.NotRequirements {
		if _, ok := c.Requirements.Get(k); ok {
			fs = append(fs, Failure{What: "requirements (must not be set)", Diff: "+" + k + "\n"})
		}
	}
	if len(x.Paths) > 0 {
		b, err := json.Marshal(a)
		if err != nil {
			return append(fs, Failure{What: "paths", Diff: err.Error()})
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return append(fs, Failure{What: "paths", Diff: err.Error()})
		}
		want, got := map[string]string{}, map[string]string{}
		for p, v := range x.Paths {
			want[p] = canon(v)
			val, err := lookupPath(doc, p)
			switch {
			case errors.Is(err, errAbsent):
				got[p] = "absent"
			case err != nil:
				got[p] = "error: " + err.Error()
			default:
				got[p] = canon(val)
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			var fixes []fix
			for k := range want {
				if want[k] != got[k] && !strings.HasPrefix(got[k], "error: ") {
					fixes = append(fixes, x.fixFor("paths/"+k, got[k])...)
				}
			}
			fs = append(fs, Failure{What: "paths", Diff: d, fixes: fixes})
		}
	}
	return fs
}

// canon renders a value for comparison: numbers and decimals by their
// text, lists and maps as JSON.
func canon(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, err := json.Marshal(normalizeYAML(v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalizeYAML(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonAny(e)
		}
		return out
	}
	return v
}

func canonAny(v any) any {
	switch v.(type) {
	case map[string]any, []any:
		return normalizeYAML(v)
	}
	return canon(v)
}

var errAbsent = errors.New("absent")

var segRe = regexp.MustCompile(`^([^\[\]]*)((?:\[[^\]]*\])*)$`)

// lookupPath walks a decoded JSON document along a path of keys, [n]
// indices and [key=value] selectors ([k=v&k2=v2]: the first item matching
// every condition).
func lookupPath(doc any, path string) (any, error) {
	cur := doc
	for _, seg := range splitPath(path) {
		m := segRe.FindStringSubmatch(seg)
		if m == nil {
			return nil, fmt.Errorf("bad path segment %q", seg)
		}
		if m[1] != "" {
			obj, ok := cur.(map[string]any)
			if !ok {
				return nil, errAbsent
			}
			v, ok := obj[m[1]]
			if !ok {
				return nil, errAbsent
			}
			cur = v
		}
		for _, sel := range regexp.MustCompile(`\[([^\]]*)\]`).FindAllStringSubmatch(m[2], -1) {
			arr, ok := cur.([]any)
			if !ok {
				return nil, errAbsent
			}
			s := sel[1]
			if _, _, isSel := strings.Cut(s, "="); isSel {
				// [k=v] or [k=v&k2=v2]: the first item matching them all
				found := false
				for _, it := range arr {
					obj, ok := it.(map[string]any)
					if !ok {
						continue
					}
					all := true
					for _, cond := range strings.Split(s, "&") {
						k, v, _ := strings.Cut(cond, "=")
						if canon(obj[k]) != v {
							all = false
							break
						}
					}
					if all {
						cur, found = it, true
						break
					}
				}
				if !found {
					return nil, errAbsent
				}
				continue
			}
			i, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("bad index %q", s)
			}
			if i < 0 || i >= len(arr) {
				return nil, errAbsent
			}
			cur = arr[i]
		}
	}
	return cur, nil
}

// splitPath splits on dots that are not inside [ ].
func splitPath(p string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range p {
		switch r {
		case '[':
			depth++
		case ']':
			depth--
		case '.':
			if depth == 0 {
				out = append(out, p[start:i])
				start = i + 1
			}
		}
	}
	return append(out, p[start:])
}

func jsonValue(v any) any {
	if d, ok := v.(interface{ String() string }); ok {
		if _, isStrs := v.([]string); !isStrs {
			return d.String()
		}
	}
	return v
}

// Registry returns the registry case c runs against: the engine's, with the
// case's with: rulesets added.
func (e *Runner) Registry(c *Case) (*rulesets.Registry, error) {
	if len(c.With) == 0 {
		return e.eng.Registry(), nil
	}
	return e.registryWith(c.With)
}

// registryWith returns the engine's registry with the ruleset files added,
// cached per set of files for the registry the engine serves: after a
// reload the files are added to the new registry.
func (e *Runner) registryWith(paths []string) (*rulesets.Registry, error) {
	key := strings.Join(paths, "\x00")
	base := e.eng.Registry()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cache == nil || e.base != base {
		e.base, e.cache = base, map[string]*rulesets.Registry{}
	}
	if reg, ok := e.cache[key]; ok {
		return reg, nil
	}
	var files []diag.File
	for _, p := range paths {
		data, err := boundedfile.Read(p, rulesets.MaxRulesetSize, "a ruleset file")
		if err != nil {
			return nil, err
		}
		// named by a case file: when it is no ruleset, say so without
		// quoting a line of it
		if _, problem := yamlx.Recognize(data, "ruleset", "a ruleset", []string{"schema", "id"}, rulesets.MaxRulesetsPerFile); problem != "" {
			return nil, fmt.Errorf("with: %s %s", p, problem)
		}
		files = append(files, diag.File{Name: p, Data: data})
	}
	reg, err := base.With(files...)
	if err != nil {
		return nil, err
	}
	e.cache[key] = reg
	return reg, nil
}

// CaseRun is the outcome of running a set of cases.
type Report struct {
	Results []*Result
	// Rulesets are the rulesets the cases could exercise: the engine's, and
	// those the cases loaded with with:.
	Rulesets []*rulesets.Ruleset
}

// Failed counts the cases that failed.
func (r *Report) Failed() int {
	n := 0
	for _, x := range r.Results {
		if !x.Pass() {
			n++
		}
	}
	return n
}

// Coverage measures which rules the cases exercised.
func (r *Report) Coverage() *CoverageReport {
	answers := make([]*anzexian.Assessment, len(r.Results))
	for i, x := range r.Results {
		answers[i] = x.Assessment
	}
	return MeasureCoverage(r.Rulesets, answers)
}

// RunCases runs every case; with update, golden cases rewrite their golden
// files.
func (e *Runner) RunAll(cases []*Case, update bool) *Report {
	run := &Report{}
	seen := map[string]bool{}
	addRulesets := func(reg *rulesets.Registry) {
		for _, rs := range reg.Rulesets() {
			if !seen[rs.Key()] {
				seen[rs.Key()] = true
				run.Rulesets = append(run.Rulesets, rs)
			}
		}
	}
	addRulesets(e.eng.Registry())
	for _, c := range cases {
		if len(c.With) > 0 {
			if reg, err := e.registryWith(c.With); err == nil {
				addRulesets(reg)
			}
		}
		run.Results = append(run.Results, e.Run(c, update))
	}
	return run
}

// MaxGoldenSize bounds a golden file (an assessment in full JSON, some
// 20 KB; one with a penalty for each of thousands of accidents, megabytes).
const MaxGoldenSize = 64 << 20

// besideFile resolves a path named in a case file: relative to the case
// file's folder, unless it is absolute.
func besideFile(file, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(filepath.Dir(file), name)
}
