package rulesets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// MaxRulesetSize is the largest ruleset file the loader accepts.
const MaxRulesetSize = 4 << 20

// MaxExprsPerFile is the most expressions one ruleset file may hold. The
// largest bundled ruleset has about a hundred; each costs a compilation at
// load (a fraction of a millisecond), so the bound keeps a hostile file
// under MaxRulesetSize from taking many seconds to load.
const MaxExprsPerFile = 5000

// MaxRulesetsPerFile is the most ruleset documents one file may hold: a
// file holds a document and perhaps a few versions of it, and checks
// across the versions of one id take time quadratic in their number.
const MaxRulesetsPerFile = 64

var (
	idPattern      = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*(/[a-z0-9][a-z0-9_.-]*)+$`)
	ruleIDPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	namePattern    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	versionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

var topKeys = []string{"schema", "id", "version", "status", "kind", "title", "region", "insurer", "effective",
	"supersedes", "sources", "facts", "codes", "let", "coverage", "requirements", "findings", "rating",
	"penalties", "consequences", "references", "notes"}

// parseFile parses every ruleset document in one file.
func parseFile(name string, data []byte) ([]*Ruleset, Diagnostics) {
	if len(data) > MaxRulesetSize {
		return nil, Diagnostics{{Severity: SeverityError, Code: "ruleset.too_large", Subject: Range{File: name},
			Summary: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxRulesetSize),
			Hint:    "split it into one file per ruleset"}}
	}
	docs, diags := parseYAMLStream(name, data, "ruleset", MaxRulesetsPerFile)
	if len(docs) > MaxRulesetsPerFile {
		return nil, append(diags, &Diagnostic{Severity: SeverityError, Code: "ruleset.too_large", Subject: Range{File: name},
			Summary: fmt.Sprintf("file holds more than %d rulesets", MaxRulesetsPerFile),
			Hint:    "split it into one file per ruleset"})
	}
	budget := newErrorBudget()
	var out []*Ruleset
	for _, doc := range docs {
		r := &reader{file: name, src: data, prefix: "ruleset", budget: budget}
		text := data
		if len(docs) > 1 {
			text = docText(doc)
		}
		rs := r.ruleset(doc, text)
		diags = append(diags, r.diags...)
		if rs != nil {
			out = append(out, rs)
		}
	}
	if budget.exprs > MaxExprsPerFile {
		// reported alone: the rulesets are not compiled
		return nil, Diagnostics{{Severity: SeverityError, Code: "ruleset.too_large", Subject: Range{File: name},
			Summary: fmt.Sprintf("file holds %d expressions; the limit is %d", budget.exprs, MaxExprsPerFile),
			Hint:    "no ruleset needs that many: split the file, or move values from expressions into rating tables"}}
	}
	if budget.dropped > 0 {
		diags = append(diags, tooManyErrors(name, "ruleset", budget.dropped))
	}
	if len(docs) == 0 && len(diags) == 0 {
		diags = append(diags, &Diagnostic{Severity: SeverityError, Code: "ruleset.empty", Subject: Range{File: name},
			Summary: "file holds no ruleset", Hint: "a ruleset starts with schema: " + SchemaVersion})
	}
	return out, diags
}

// docText returns the text a document's digest is taken of. A file with one
// document is digested as it is; in a stream of several, each document is
// digested in its canonical YAML form (comments included), which does not
// depend on how the stream separates documents or breaks lines.
func docText(doc *yaml.Node) []byte {
	b, err := yaml.Marshal(doc)
	if err != nil {
		return []byte(fmt.Sprintf("%d:%d", doc.Line, doc.Column))
	}
	return b
}

func (r *reader) ruleset(n *yaml.Node, text []byte) *Ruleset {
	r.checkAliases(n, "")
	if n.Kind != yaml.MappingNode {
		r.errorf(n, "", "ruleset.type", "a ruleset is a mapping that starts with schema: "+SchemaVersion, "a ruleset must be a mapping, not %s", describe(n))
		return nil
	}
	f, _ := r.fields(n, "", "the ruleset", topKeys...)
	sum := sha256.Sum256(text)
	rs := &Ruleset{File: r.file, At: r.rangeOf(n), Digest: "sha256:" + hex.EncodeToString(sum[:]), sources: map[string]*Source{}}

	if v := f["schema"].val; v != nil {
		if s := r.str(v, "schema", "schema"); s != SchemaVersion {
			r.errorf(v, "schema", "ruleset.schema", "this version of anzexian reads schema: "+SchemaVersion, "unknown schema %q", s)
		}
	} else {
		r.errorf(n, "schema", "ruleset.missing", "add schema: "+SchemaVersion+" as the first line", "schema is required")
	}
	rs.ID = r.required(f, n, "id", "id", "add id: <region>/<kind>/<name>, e.g. id: cn.hunan/opinions/spli")
	if rs.ID != "" && !idPattern.MatchString(rs.ID) {
		r.errorf(f["id"].val, "id", "ruleset.id", "ids are lowercase segments separated by /, starting with the jurisdiction: cn/law/safety-production, cn.hunan/opinions/spli", "id %q is not a valid ruleset id", rs.ID)
	}
	rs.Version = r.required(f, n, "version", "version", `add version: "2021" (quote it)`)
	if rs.Version != "" && !versionPattern.MatchString(rs.Version) {
		r.errorf(f["version"].val, "version", "ruleset.version", "use letters, digits, dots and dashes, e.g. \"2025\" or \"2022-draft\"", "version %q is not valid", rs.Version)
	}
	if v := f["status"].val; v != nil {
		s := Status(r.str(v, "status", "status"))
		switch s {
		case StatusInForce, StatusDraft, StatusRepealed:
			rs.Status = s
		default:
			r.errorf(v, "status", "ruleset.status", "status is in_force, draft or repealed", "unknown status %q", s)
		}
	} else {
		r.errorf(n, "status", "ruleset.missing", "add status: in_force, draft or repealed", "status is required")
	}
	if v := f["kind"].val; v != nil {
		k := Kind(r.str(v, "kind", "kind"))
		if _, ok := kindRank[k]; ok {
			rs.Kind = k
		} else {
			r.errorf(v, "kind", "ruleset.kind", "kind is law, regulation, measures, policy, rating or filing", "unknown kind %q", k)
		}
	} else {
		r.errorf(n, "kind", "ruleset.missing", "add kind: law, regulation, measures, policy, rating or filing", "kind is required")
	}
	rs.Title = r.required(f, n, "title", "title", "add title: the document's full title")
	if v := f["region"].val; v != nil {
		rs.regionAt = r.rangeOf(v)
		rs.Region = r.str(v, "region", "region")
		if rs.Region != "" && !validRegion(rs.Region) {
			r.errorf(v, "region", "ruleset.region", `region is "" for national rules or a GB/T 2260 code such as "43" (quoted)`, "region %q is not a GB/T 2260 code", rs.Region)
		}
	} else {
		r.errorf(n, "region", "ruleset.missing", `add region: "" for national rules, or the GB/T 2260 code`, "region is required")
	}
	if v := f["insurer"].val; v != nil {
		rs.Insurer = r.str(v, "insurer", "insurer")
	}
	if rs.Kind == KindFiling && rs.Insurer == "" {
		r.errorf(n, "insurer", "ruleset.missing", "add insurer: the insurer's name, as --insurer gives it", "a filing must name its insurer")
	}
	if rs.Kind != KindFiling && rs.Insurer != "" {
		r.errorf(f["insurer"].val, "insurer", "ruleset.insurer", "only kind: filing rulesets belong to an insurer", "insurer is only allowed on filings")
	}
	r.effective(rs, f["effective"].val, n)
	for i, it := range r.seq(f["supersedes"].val, "supersedes", "supersedes") {
		s := r.str(it, index("supersedes", i), "a superseded ruleset")
		if s != "" && !strings.Contains(s, "@") {
			r.errorf(it, index("supersedes", i), "ruleset.supersedes", "name the version: id@version, e.g. cn/measures/spli@2017", "supersedes %q needs a version", s)
			continue
		}
		rs.Supersedes = append(rs.Supersedes, s)
		rs.supersedesAt = append(rs.supersedesAt, r.rangeOf(it))
	}
	r.sources(rs, f["sources"].val)
	r.factDecls(rs, f["facts"].val)
	r.codes(rs, f["codes"].val)
	r.lets(rs, f["let"].val)
	r.coverage(rs, f["coverage"].val)
	r.requirements(rs, f["requirements"].val)
	r.findings(rs, f["findings"].val)
	r.consequences(rs, f["consequences"].val)
	r.references(rs, f["references"].val)
	r.penalties(rs, f["penalties"].val)
	if v := f["rating"].val; v != nil {
		rs.Rating = r.rating(rs, v)
	}
	for i, it := range r.seq(f["notes"].val, "notes", "notes") {
		rs.Notes = append(rs.Notes, r.str(it, index("notes", i), "a note"))
	}
	return rs
}

func (r *reader) required(f map[string]field, parent *yaml.Node, key, path, hint string) string {
	v := f[key].val
	if isNull(v) {
		r.errorf(parent, path, "ruleset.missing", hint, "%s is required", key)
		return ""
	}
	before := len(r.diags)
	s := r.str(v, path, key)
	if strings.TrimSpace(s) == "" && len(r.diags) == before {
		r.errorf(v, path, "ruleset.missing", hint, "%s must not be empty", key)
	}
	return s
}

func (r *reader) effective(rs *Ruleset, v, parent *yaml.Node) {
	rs.effectiveAt = r.rangeOf(v)
	if isNull(v) {
		r.errorf(parent, "effective", "ruleset.missing", "add effective: {from: YYYY-MM-DD}; add assumed: true where the document gives no date", "effective is required")
		return
	}
	f, ok := r.fields(v, "effective", "effective", "from", "until", "assumed")
	if !ok {
		return
	}
	if x := f["from"].val; !isNull(x) {
		rs.Effective.From, _ = readRulesetDate(r, x, "effective.from", "effective.from")
	} else {
		r.errorf(v, "effective.from", "ruleset.missing", "add from: YYYY-MM-DD", "effective.from is required")
	}
	if x := f["until"].val; !isNull(x) {
		rs.Effective.Until, _ = readRulesetDate(r, x, "effective.until", "effective.until")
		if !rs.Effective.Until.IsZero() && !rs.Effective.From.IsZero() && rs.Effective.Until.Before(rs.Effective.From) {
			r.errorf(x, "effective.until", "ruleset.effective", "until is the last day in force and cannot precede from", "effective.until (%s) is before effective.from (%s)", rs.Effective.Until, rs.Effective.From)
		}
	}
	if x := f["assumed"].val; !isNull(x) {
		rs.Effective.Assumed, _ = r.boolean(x, "effective.assumed", "assumed")
	}
}

func (r *reader) sources(rs *Ruleset, v *yaml.Node) {
	for _, p := range r.pairs(v, "sources", "sources") {
		key := p.key.Value
		path := join("sources", key)
		if !namePattern.MatchString(key) {
			r.errorf(p.key, path, "ruleset.name", "source keys are lowercase words, digits and _, e.g. law2021", "source key %q is not valid", key)
		}
		f, ok := r.fields(p.val, path, "a source", "title", "number", "issuer", "date", "url", "draft", "unverified", "note")
		if !ok {
			continue
		}
		s := &Source{Key: key}
		s.Title = r.required(f, p.val, "title", path+".title", "add title: the document's full title")
		if x := f["number"].val; !isNull(x) {
			s.Number = r.str(x, path+".number", "number")
		}
		if x := f["issuer"].val; !isNull(x) {
			s.Issuer = r.str(x, path+".issuer", "issuer")
		}
		if x := f["date"].val; !isNull(x) {
			s.Date, _ = readRulesetDate(r, x, path+".date", "date")
		}
		if x := f["url"].val; !isNull(x) {
			s.URL = r.str(x, path+".url", "url")
		}
		if x := f["draft"].val; !isNull(x) {
			s.Draft, _ = r.boolean(x, path+".draft", "draft")
		}
		if x := f["unverified"].val; !isNull(x) {
			s.Unverified, _ = r.boolean(x, path+".unverified", "unverified")
		}
		if x := f["note"].val; !isNull(x) {
			s.Note = r.str(x, path+".note", "note")
		}
		rs.Sources = append(rs.Sources, s)
		rs.sources[key] = s
	}
}

func (r *reader) factDecls(rs *Ruleset, v *yaml.Node) {
	seen := map[string]bool{}
	for i, it := range r.seq(v, "facts", "facts") {
		path := index("facts", i)
		f, ok := r.fields(it, path, "a fact declaration", "name", "type", "codes", "unit", "default", "doc")
		if !ok {
			continue
		}
		d := &FactDecl{At: r.rangeOf(it)}
		d.Name = r.required(f, it, "name", path+".name", "add name: a lowercase_name")
		if d.Name != "" {
			switch {
			case !namePattern.MatchString(d.Name):
				r.errorf(f["name"].val, path+".name", "ruleset.name", "fact names are lowercase words joined by _", "fact name %q is not valid", d.Name)
			case rootField_(d.Name) != nil || d.Name == "item" || d.Name == "rate":
				r.errorf(f["name"].val, path+".name", "ruleset.fact_redeclared", "choose another name; core facts cannot be redeclared", "%s is a core fact", d.Name)
			case suggest(d.Name, FieldNames()) != "":
				r.errorf(f["name"].val, path+".name", "ruleset.fact_name", "choose a name that is not a near-miss of a core fact",
					"fact %s could never be given: the facts decoder would take it for a typo of %s", d.Name, suggest(d.Name, FieldNames()))
			case seen[d.Name]:
				r.errorf(f["name"].val, path+".name", "ruleset.duplicate_id", "keep one declaration", "fact %s is declared twice", d.Name)
			}
			seen[d.Name] = true
		}
		t := FactType(r.required(f, it, "type", path+".type", "add type: int, decimal, bool, date, code or list"))
		switch t {
		case FactInt, FactDecimal, FactBool, FactDate, FactCode, FactList:
			d.Type = t
		case "":
		default:
			r.errorf(f["type"].val, path+".type", "ruleset.fact_type", "type is int, decimal, bool, date, code or list", "unknown fact type %q", t)
		}
		d.Codes = r.strs(f["codes"].val, path+".codes", "codes")
		if (d.Type == FactCode || d.Type == FactList) && len(d.Codes) == 0 {
			r.errorf(it, path+".codes", "ruleset.missing", "list the allowed codes: codes: [a, b]", "a %s fact needs its allowed codes", d.Type)
		}
		if x := f["unit"].val; !isNull(x) {
			d.Unit = r.str(x, path+".unit", "unit")
		}
		if x := f["doc"].val; !isNull(x) {
			d.Doc = r.str(x, path+".doc", "doc")
		}
		if x := f["default"].val; !isNull(x) {
			s := x.Value
			ev := ExtraValue{Text: s, Kind: "scalar", At: r.rangeOf(x), Quoted: x.Tag == "!!str"}
			if x.Kind == yaml.SequenceNode {
				ev = ExtraValue{Kind: "sequence", IsList: true, Items: r.strs(x, path+".default", "default"), At: r.rangeOf(x)}
				s = strings.Join(ev.Items, "\x00")
			}
			if d.Type != "" {
				if _, err := typedExtra(d, ev); err != "" {
					r.errorf(x, path+".default", "ruleset.fact_default", "the default must be a value of the declared type ("+string(d.Type)+")", "default of %s %s", d.Name, err)
				}
			}
			d.Default = &s
		}
		rs.Facts = append(rs.Facts, d)
	}
}

func (r *reader) codes(rs *Ruleset, v *yaml.Node) {
	for _, p := range r.pairs(v, "codes", "codes") {
		name := p.key.Value
		path := join("codes", name)
		if _, core := CoreVocabulary(name); !core {
			r.errorf(p.key, path, "ruleset.codes", "codes: extends a vocabulary of the facts: credit_grade, sectors, …", "%s is not a vocabulary of the facts", name)
			continue
		}
		var voc Vocabulary
		for _, c := range r.pairs(p.val, path, "codes") {
			if !namePattern.MatchString(c.key.Value) && !strings.Contains(c.key.Value, ".") {
				r.errorf(c.key, join(path, c.key.Value), "ruleset.name", "codes are lowercase snake_case", "code %q is not valid", c.key.Value)
				continue
			}
			voc = append(voc, Code{Code: c.key.Value, Label: r.str(c.val, join(path, c.key.Value), "label")})
		}
		if rs.Codes == nil {
			rs.Codes = map[string]Vocabulary{}
		}
		rs.Codes[name] = voc
	}
}

// newExpr records an expression to type-check later (expressions are checked
// when the whole set is known, because names declared by lower layers are
// visible).
func (r *reader) newExpr(n *yaml.Node, path string, ph phase, want *typ) *Expr {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		r.errorf(n, path, "ruleset.type", "write the expression as text, quoted if it starts with a special character", "an expression must be text, not %s", describe(n))
		return nil
	}
	if r.budget != nil {
		r.budget.exprs++
	}
	return &Expr{Src: n.Value, At: r.rangeOf(n), node: n, fileSrc: r.src, phase: ph, want: want}
}

func (r *reader) lets(rs *Ruleset, v *yaml.Node) {
	for _, p := range r.pairs(v, "let", "let") {
		name := p.key.Value
		path := join("let", name)
		if !namePattern.MatchString(name) {
			r.errorf(p.key, path, "ruleset.name", "let names are lowercase words joined by _", "let name %q is not valid", name)
			continue
		}
		if rootField_(name) != nil || name == "item" || name == "rate" || functions[name] != nil {
			r.errorf(p.key, path, "ruleset.let_shadows", "choose another name", "let %s would hide a core fact or function of the same name", name)
			continue
		}
		l := &Let{Name: name, At: r.rangeOf(p.key)}
		exprNode := p.val
		if p.val.Kind == yaml.MappingNode {
			f, _ := r.fields(p.val, path, "a let", "expr", "doc")
			exprNode = f["expr"].val
			if x := f["doc"].val; !isNull(x) {
				l.Doc = r.str(x, path+".doc", "doc")
			}
			if isNull(exprNode) {
				r.errorf(p.val, path+".expr", "ruleset.missing", "add expr: <expression>", "let %s needs expr", name)
				continue
			}
		}
		l.Expr = r.newExpr(exprNode, path, phaseAny, nil)
		if l.Expr != nil {
			rs.Lets = append(rs.Lets, l)
		}
	}
}

// cites reads cite: as one citation or a list of them.
func (r *reader) cites(rs *Ruleset, v *yaml.Node, path string, ph phase) []*Cite {
	if isNull(v) {
		return nil
	}
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var out []*Cite
	for i, it := range items {
		p := path
		if v.Kind == yaml.SequenceNode {
			p = index(path, i)
		}
		f, ok := r.fields(it, p, "a citation", "source", "article", "when", "unverified")
		if !ok {
			continue
		}
		c := &Cite{At: r.rangeOf(it)}
		key := r.required(f, it, "source", p+".source", "add source: <key of sources:>")
		if key != "" {
			c.Source = rs.sources[key]
			if c.Source == nil {
				hint := "declare it under sources:"
				if s := suggest(key, slices.Sorted(maps.Keys(rs.sources))); s != "" {
					hint = fmt.Sprintf("did you mean %q?", s)
				}
				r.errorf(f["source"].val, p+".source", "cite.unknown_source", hint, "citation of unknown source %q", key)
			}
		}
		if x := f["article"].val; !isNull(x) {
			c.Article = r.str(x, p+".article", "article")
		}
		c.When = r.newExpr(f["when"].val, p+".when", ph, tBool)
		if x := f["unverified"].val; !isNull(x) {
			c.Unverified, _ = r.boolean(x, p+".unverified", "unverified")
		}
		if c.Source != nil {
			out = append(out, c)
		}
	}
	return out
}

// rule reads the fields every rule has.
func (r *reader) rule(rs *Ruleset, f map[string]field, n *yaml.Node, path string, ph phase, seen map[string]int) Rule {
	ru := Rule{At: r.rangeOf(n), Ruleset: rs}
	ru.ID = r.required(f, n, "id", path+".id", "add id: a short lowercase name for the rule")
	if ru.ID != "" {
		if !ruleIDPattern.MatchString(ru.ID) {
			r.errorf(f["id"].val, path+".id", "ruleset.rule_id", "rule ids are lowercase letters, digits, -, _ and .", "rule id %q is not valid", ru.ID)
		}
		if line, dup := seen[ru.ID]; dup {
			r.errorf(f["id"].val, path+".id", "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "rule id %q is used twice", ru.ID)
		}
		seen[ru.ID] = n.Line
	}
	ru.When = r.newExpr(f["when"].val, path+".when", ph, tBool)
	ru.Cite = r.cites(rs, f["cite"].val, path+".cite", ph)
	if x := f["note"].val; !isNull(x) {
		ru.Note = r.str(x, path+".note", "note")
	}
	return ru
}

func (r *reader) coverage(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.seq(v, "coverage", "coverage") {
		path := index("coverage", i)
		f, ok := r.fields(it, path, "a coverage rule", "id", "when", "obligation", "text", "cite", "note")
		if !ok {
			continue
		}
		c := &CoverageRule{Rule: r.rule(rs, f, it, path, phaseAny, seen)}
		if x := f["obligation"].val; !isNull(x) {
			o := Obligation(r.str(x, path+".obligation", "obligation"))
			switch o {
			case ObligationMandatory, ObligationRequired, ObligationEncouraged, ObligationNone:
				c.Obligation = o
			default:
				r.checkCode(x, path+".obligation", "obligation", string(o), Obligations)
			}
		} else {
			r.errorf(it, path+".obligation", "ruleset.missing", "add obligation: mandatory, required, encouraged or none", "a coverage rule needs its obligation")
		}
		c.Text = r.required(f, it, "text", path+".text", "add text: the rule in words, as the answer shows it")
		rs.Coverage = append(rs.Coverage, c)
	}
}

func (r *reader) requirements(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.seq(v, "requirements", "requirements") {
		path := index("requirements", i)
		f, ok := r.fields(it, path, "a requirement rule", "id", "when", "set", "text", "cite", "note")
		if !ok {
			continue
		}
		q := &RequirementRule{Rule: r.rule(rs, f, it, path, phaseObligation, seen)}
		q.Text = r.required(f, it, "text", path+".text", "add text: the requirement in words")
		set := f["set"].val
		if isNull(set) {
			r.errorf(it, path+".set", "ruleset.missing", "add set: {death_limit_min: \"300000\"} or other fields", "a requirement rule needs set:")
		}
		sf, _ := r.fields(set, path+".set", "set", requirementFieldNames()...)
		for _, name := range requirementFieldNames() {
			x, ok := sf[name]
			if !ok || isNull(x.val) {
				continue
			}
			fd := RequirementFieldByName(name)
			p := path + ".set." + name
			rv := RequirementValue{Field: fd, At: r.rangeOf(x.val)}
			switch fd.Type {
			case "decimal":
				d, ok := r.dec(x.val, p, name)
				if !ok {
					continue
				}
				if d.IsNegative() {
					r.errorf(x.val, p, "ruleset.range", "amounts are in yuan: 0 or more", "%s must not be negative", name)
					continue
				}
				rv.Dec = d
			case "bool":
				b, ok := r.boolean(x.val, p, name)
				if !ok {
					continue
				}
				if !b {
					r.errorf(x.val, p, "ruleset.range", "requirements only impose duties; leave the field out instead of setting false", "%s: false imposes nothing", name)
					continue
				}
				rv.Bool = b
			case "codes":
				for j, c := range r.strs(x.val, p, name) {
					jn := x.val.Content[j]
					if r.checkCode(jn, index(p, j), name, c, fd.Codes) {
						rv.List = append(rv.List, c)
					}
				}
			case "level", "code":
				s := r.str(x.val, p, name)
				if !r.checkCode(x.val, p, name, s, fd.Codes) {
					continue
				}
				rv.Str = s
			}
			q.Set = append(q.Set, rv)
		}
		rs.Requirements = append(rs.Requirements, q)
	}
}

func (r *reader) findings(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.seq(v, "findings", "findings") {
		path := index("findings", i)
		f, ok := r.fields(it, path, "a finding rule", "id", "when", "severity", "text", "cite", "note")
		if !ok {
			continue
		}
		fr := &FindingRule{Rule: r.rule(rs, f, it, path, phaseObligation, seen), Severity: "violation"}
		if x := f["severity"].val; !isNull(x) {
			s := r.str(x, path+".severity", "severity")
			switch s {
			case "violation", "warning", "info":
				fr.Severity = s
			default:
				r.errorf(x, path+".severity", "ruleset.severity", "severity is violation, warning or info", "unknown severity %q", s)
			}
		}
		fr.Text = r.required(f, it, "text", path+".text", "add text: what is wrong, in words")
		if fr.When == nil {
			r.errorf(it, path+".when", "ruleset.missing", "add when: the condition of the finding", "a finding needs when:")
		}
		rs.Findings = append(rs.Findings, fr)
	}
}

func (r *reader) consequences(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.seq(v, "consequences", "consequences") {
		path := index("consequences", i)
		f, ok := r.fields(it, path, "a consequence", "id", "when", "kind", "text", "cite", "note")
		if !ok {
			continue
		}
		c := &ConsequenceRule{Rule: r.rule(rs, f, it, path, phaseObligation, seen)}
		if x := f["kind"].val; !isNull(x) {
			c.Kind = r.str(x, path+".kind", "kind")
			switch c.Kind {
			case "precondition", "check", "benefit", "disclosure", "supervision":
			default:
				r.errorf(x, path+".kind", "ruleset.kind", "kind is precondition, check, benefit, disclosure or supervision", "unknown consequence kind %q", c.Kind)
			}
		}
		c.Text = r.required(f, it, "text", path+".text", "add text: the consequence in words")
		rs.Consequences = append(rs.Consequences, c)
	}
}

func (r *reader) references(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.seq(v, "references", "references") {
		path := index("references", i)
		f, ok := r.fields(it, path, "a reference", "id", "when", "title", "items", "cite", "note")
		if !ok {
			continue
		}
		ref := &Reference{Rule: r.rule(rs, f, it, path, phaseObligation, seen)}
		ref.Title = r.required(f, it, "title", path+".title", "add title")
		ref.Items = r.strs(f["items"].val, path+".items", "items")
		rs.References = append(rs.References, ref)
	}
}

func (r *reader) provenance(f map[string]field, path string) Provenance {
	var p Provenance
	if x := f["illustrative"].val; !isNull(x) {
		p.Illustrative, _ = r.boolean(x, path+".illustrative", "illustrative")
	}
	if x := f["unverified"].val; !isNull(x) {
		p.Unverified, _ = r.boolean(x, path+".unverified", "unverified")
	}
	return p
}

func (r *reader) penalties(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.seq(v, "penalties", "penalties") {
		path := index("penalties", i)
		f, ok := r.fields(it, path, "a penalty rule", "id", "title", "each", "on", "continuing", "when", "measures",
			"fine", "no_fine", "per_day", "tiers", "discretionary", "limitation_years", "restates", "consequences",
			"cite", "note", "illustrative", "unverified", "since", "caveats", "target")
		if !ok {
			continue
		}
		ph := phaseObligation | phaseItem
		p := &PenaltyRule{Rule: r.rule(rs, f, it, path, ph, seen), LimitationYears: 2}
		p.Provenance = r.provenance(f, path)
		if x := f["restates"].val; !isNull(x) {
			p.Restates = r.str(x, path+".restates", "restates")
		}
		if x := f["title"].val; !isNull(x) {
			p.Title = r.str(x, path+".title", "title")
		} else if p.Restates == "" {
			r.errorf(it, path+".title", "ruleset.missing", "add title: the violation in words", "a penalty rule needs its title")
		}
		p.Each = r.newExpr(f["each"].val, path+".each", phaseObligation, &typ{k: kList})
		p.On = r.newExpr(f["on"].val, path+".on", ph, tDate)
		if x := f["continuing"].val; !isNull(x) {
			p.Continuing, _ = r.boolean(x, path+".continuing", "continuing")
		}
		if p.Continuing && p.Each == nil {
			r.errorf(f["continuing"].val, path+".continuing", "ruleset.penalty", "a continuing violation lists its periods: each: uninsured_periods", "continuing needs each:")
		}
		if p.On != nil && p.Each == nil {
			r.errorf(f["on"].val, path+".on", "ruleset.penalty", "on: gives the date of each occurrence listed by each:", "on needs each:")
		}
		if p.Each != nil && !p.Continuing && p.On == nil {
			r.errorf(it, path+".on", "ruleset.missing", "add on: the date of each occurrence, e.g. on: item.date", "a penalty with each: needs on: (or continuing: true)")
		}
		p.Since = r.newExpr(f["since"].val, path+".since", ph, tDate)
		p.Target = "unit"
		if x := f["target"].val; !isNull(x) {
			p.Target = r.str(x, path+".target", "target")
			switch p.Target {
			case "unit", "principal", "responsible_persons":
			default:
				r.errorf(x, path+".target", "ruleset.penalty", "target is unit, principal or responsible_persons", "unknown penalty target %q", p.Target)
			}
		}
		for j, cn := range r.seq(f["caveats"].val, path+".caveats", "caveats") {
			cp := index(path+".caveats", j)
			cf, ok := r.fields(cn, cp, "a caveat", "when", "text")
			if !ok {
				continue
			}
			cv := &Caveat{At: r.rangeOf(cn), When: r.newExpr(cf["when"].val, cp+".when", ph, tBool)}
			cv.Text = r.required(cf, cn, "text", cp+".text", "add text")
			p.Caveats = append(p.Caveats, cv)
		}
		p.Measures = r.strs(f["measures"].val, path+".measures", "measures")
		p.Consequences = r.strs(f["consequences"].val, path+".consequences", "consequences")
		if x := f["fine"].val; !isNull(x) {
			ff, ok := r.fields(x, path+".fine", "fine", "min", "max", "text")
			if ok {
				p.Fine = &FineSpec{At: r.rangeOf(x),
					Min: r.newExpr(ff["min"].val, path+".fine.min", ph, tDec),
					Max: r.newExpr(ff["max"].val, path+".fine.max", ph, tDec)}
				if y := ff["text"].val; !isNull(y) {
					p.Fine.Text = r.str(y, path+".fine.text", "text")
				}
				if p.Fine.Min == nil || p.Fine.Max == nil {
					r.errorf(x, path+".fine", "ruleset.missing", "write fine: {min: \"50000\", max: \"100000\"} (both bounds inclusive)", "fine needs min and max")
					p.Fine = nil
				}
			}
		}
		if x := f["no_fine"].val; !isNull(x) {
			p.NoFine = r.str(x, path+".no_fine", "no_fine")
		}
		if x := f["per_day"].val; !isNull(x) {
			pf, ok := r.fields(x, path+".per_day", "per_day", "amount", "from", "through")
			if ok {
				p.PerDay = &PerDaySpec{At: r.rangeOf(x),
					Amount:  r.newExpr(pf["amount"].val, path+".per_day.amount", ph, tDec),
					From:    r.newExpr(pf["from"].val, path+".per_day.from", ph, tDate),
					Through: r.newExpr(pf["through"].val, path+".per_day.through", ph, tDate)}
				if p.PerDay.Amount == nil || p.PerDay.From == nil || p.PerDay.Through == nil {
					r.errorf(x, path+".per_day", "ruleset.missing", "per_day needs amount, from and through (the days counted, both inclusive)", "per_day is incomplete")
					p.PerDay = nil
				}
			}
		}
		given := !isNull(f["fine"].val) || !isNull(f["per_day"].val) // reported above when incomplete
		if p.Restates == "" && p.Fine == nil && p.NoFine == "" && p.PerDay == nil && !given {
			r.errorf(it, path+".fine", "ruleset.missing", "add fine: {min, max}, per_day:, or no_fine: \"why the document provides no fine\"", "a penalty rule needs fine, per_day or no_fine")
		}
		if p.Fine != nil && p.NoFine != "" {
			r.errorf(f["no_fine"].val, path+".no_fine", "ruleset.penalty", "keep one of fine and no_fine", "a penalty cannot have both fine and no_fine")
		}
		tseen := map[string]int{}
		for j, tn := range r.seq(f["tiers"].val, path+".tiers", "tiers") {
			tp := index(path+".tiers", j)
			tf, ok := r.fields(tn, tp, "a tier", "id", "when", "min", "max", "reason", "illustrative", "unverified")
			if !ok {
				continue
			}
			t := &Tier{At: r.rangeOf(tn), Provenance: r.provenance(tf, tp)}
			t.ID = r.required(tf, tn, "id", tp+".id", "add id")
			if line, dup := tseen[t.ID]; dup && t.ID != "" {
				r.errorf(tf["id"].val, tp+".id", "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "tier id %q is used twice", t.ID)
			}
			tseen[t.ID] = tn.Line
			t.When = r.newExpr(tf["when"].val, tp+".when", ph, tBool)
			okMin, okMax := false, false
			if x := tf["min"].val; !isNull(x) {
				t.Min, okMin = r.dec(x, tp+".min", "min")
			}
			if x := tf["max"].val; !isNull(x) {
				t.Max, okMax = r.dec(x, tp+".max", "max")
			}
			if isNull(tf["min"].val) || isNull(tf["max"].val) {
				r.errorf(tn, tp, "ruleset.missing", "a tier gives min and max as decimal literals", "tier needs min and max")
				continue
			}
			if !okMin || !okMax {
				continue // reported where the bound is
			}
			if t.Max.LessThan(t.Min) {
				r.errorf(tf["max"].val, tp+".max", "ruleset.range", "min ≤ max; both bounds are inclusive", "tier max %s is below min %s", t.Max, t.Min)
			}
			if x := tf["reason"].val; !isNull(x) {
				t.Reason = r.str(x, tp+".reason", "reason")
			}
			p.Tiers = append(p.Tiers, t)
		}
		if x := f["discretionary"].val; !isNull(x) {
			p.Discretionary, _ = r.boolean(x, path+".discretionary", "discretionary")
		}
		if x := f["limitation_years"].val; !isNull(x) {
			p.LimitationYears, _ = r.integer(x, path+".limitation_years", "limitation_years", 1, 30)
		}
		rs.Penalties = append(rs.Penalties, p)
	}
}

var ratingKeys = []string{"currency", "tables", "bases", "factors", "remove", "combine", "clamp", "minimum", "rounding", "prevention_cap", "caveats"}

func (r *reader) rating(rs *Ruleset, v *yaml.Node) *Rating {
	f, ok := r.fields(v, "rating", "rating", ratingKeys...)
	if !ok {
		return nil
	}
	rt := &Rating{At: r.rangeOf(v)}
	ph := phaseObligation
	if x := f["currency"].val; !isNull(x) {
		rt.Currency = r.str(x, "rating.currency", "currency")
		if rt.Currency != "CNY" {
			r.errorf(x, "rating.currency", "ruleset.currency", "premiums are in CNY", "unsupported currency %q", rt.Currency)
		}
	}
	tables := map[string]*Table{}
	for i, tn := range r.seq(f["tables"].val, "rating.tables", "tables") {
		t := r.table(rs, tn, index("rating.tables", i))
		if t == nil {
			continue
		}
		if _, dup := tables[t.ID]; dup {
			r.errorf(tn, index("rating.tables", i)+".id", "ruleset.duplicate_id", "give each table its own id; a more local layer replaces a table by using the same id in its own file", "table id %q is used twice", t.ID)
			continue
		}
		tables[t.ID] = t
		rt.Tables = append(rt.Tables, t)
	}
	seen := map[string]int{}
	for i, bn := range r.seq(f["bases"].val, "rating.bases", "bases") {
		path := index("rating.bases", i)
		bf, ok := r.fields(bn, path, "a base", "id", "when", "text", "table", "rate", "loadings", "formula", "cite", "note", "illustrative", "unverified")
		if !ok {
			continue
		}
		b := &Base{Rule: r.rule(rs, bf, bn, path, ph, seen), Provenance: r.provenance(bf, path)}
		b.Text = r.required(bf, bn, "text", path+".text", "add text: the formula in words, e.g. 工程造价 × 基准费率")
		if x := bf["table"].val; !isNull(x) {
			id := r.str(x, path+".table", "table")
			b.Table = tables[id]
			if b.Table == nil {
				b.Table = &Table{ID: id, At: r.rangeOf(x)} // resolved against lower layers by the stack
			}
		}
		b.RateExpr = r.newExpr(bf["rate"].val, path+".rate", ph, tDec)
		if b.Table != nil && b.RateExpr != nil {
			r.errorf(bf["rate"].val, path+".rate", "ruleset.rating", "keep one", "a base takes its rate from table: or rate:, not both")
		}
		lseen := map[string]int{}
		for j, ln := range r.seq(bf["loadings"].val, path+".loadings", "loadings") {
			lp := index(path+".loadings", j)
			lf, ok := r.fields(ln, lp, "a loading", "id", "when", "add", "text", "cite", "note", "illustrative", "unverified")
			if !ok {
				continue
			}
			l := &Loading{Rule: r.rule(rs, lf, ln, lp, ph, lseen), Provenance: r.provenance(lf, lp)}
			if x := lf["add"].val; !isNull(x) {
				l.Add, _ = r.dec(x, lp+".add", "add")
			} else {
				r.errorf(ln, lp+".add", "ruleset.missing", `add add: "0.50" for +50% on the base rate`, "a loading needs add:")
			}
			l.Text = r.required(lf, ln, "text", lp+".text", "add text")
			b.Loadings = append(b.Loadings, l)
		}
		b.Formula = r.newExpr(bf["formula"].val, path+".formula", ph|phaseRate, tDec)
		if b.Formula == nil {
			r.errorf(bn, path+".formula", "ruleset.missing", "add formula: e.g. rate * employees", "a base needs formula:")
		}
		rt.Bases = append(rt.Bases, b)
	}
	fseen := map[string]int{}
	for i, fn := range r.seq(f["factors"].val, "rating.factors", "factors") {
		if fc := r.factor(rs, fn, index("rating.factors", i), fseen); fc != nil {
			rt.Factors = append(rt.Factors, fc)
		}
	}
	rt.Remove = r.strs(f["remove"].val, "rating.remove", "remove")
	if x := f["combine"].val; !isNull(x) {
		cf, ok := r.fields(x, "rating.combine", "combine", "mode", "cite", "illustrative", "unverified")
		if ok {
			c := &Combine{At: r.rangeOf(x), Ruleset: rs, Provenance: r.provenance(cf, "rating.combine")}
			c.Mode = r.required(cf, x, "mode", "rating.combine.mode", "add mode: multiply, add or add_within_family")
			switch c.Mode {
			case "multiply", "add", "add_within_family", "":
			default:
				r.errorf(cf["mode"].val, "rating.combine.mode", "ruleset.rating", "mode is multiply, add or add_within_family", "unknown combine mode %q", c.Mode)
			}
			c.Cite = r.cites(rs, cf["cite"].val, "rating.combine.cite", ph)
			rt.Combine = c
		}
	}
	if x := f["clamp"].val; !isNull(x) {
		cf, ok := r.fields(x, "rating.clamp", "clamp", "min", "max", "cite", "illustrative", "unverified")
		if ok {
			c := &Clamp{At: r.rangeOf(x), Ruleset: rs, Provenance: r.provenance(cf, "rating.clamp")}
			okMin, okMax := false, false
			if y := cf["min"].val; !isNull(y) {
				c.Min, okMin = r.dec(y, "rating.clamp.min", "clamp min")
			}
			if y := cf["max"].val; !isNull(y) {
				c.Max, okMax = r.dec(y, "rating.clamp.max", "clamp max")
			}
			if isNull(cf["min"].val) || isNull(cf["max"].val) {
				r.errorf(x, "rating.clamp", "ruleset.missing", `write clamp: {min: "0.70", max: "1.30"} for ±30%`, "clamp needs min and max")
			} else if !okMin || !okMax {
				// reported where the bound is
			} else if c.Max.LessThan(c.Min) || c.Min.IsNegative() {
				r.errorf(x, "rating.clamp", "ruleset.range", "min ≤ max, both positive coefficients", "clamp [%s, %s] is not a valid range", c.Min, c.Max)
			} else {
				c.Cite = r.cites(rs, cf["cite"].val, "rating.clamp.cite", ph)
				rt.Clamp = c
			}
		}
	}
	if x := f["minimum"].val; !isNull(x) {
		mf, ok := r.fields(x, "rating.minimum", "minimum", "amount", "cite", "illustrative", "unverified")
		if ok {
			m := &Minimum{At: r.rangeOf(x), Ruleset: rs, Provenance: r.provenance(mf, "rating.minimum")}
			m.Amount = r.newExpr(mf["amount"].val, "rating.minimum.amount", ph, tDec)
			if m.Amount == nil {
				r.errorf(x, "rating.minimum.amount", "ruleset.missing", `add amount: "500"`, "minimum needs amount")
			} else {
				m.Cite = r.cites(rs, mf["cite"].val, "rating.minimum.cite", ph)
				rt.Minimum = m
			}
		}
	}
	if x := f["rounding"].val; !isNull(x) {
		rf, ok := r.fields(x, "rating.rounding", "rounding", "scale", "mode", "steps")
		if ok {
			ro := &Rounding{At: r.rangeOf(x), Ruleset: rs, Scale: 2, Mode: "half_up", Steps: []string{"premium"}}
			if y := rf["scale"].val; !isNull(y) {
				s, _ := r.integer(y, "rating.rounding.scale", "scale", 0, 6)
				ro.Scale = int32(s)
			}
			if y := rf["mode"].val; !isNull(y) {
				ro.Mode = r.str(y, "rating.rounding.mode", "mode")
				switch ro.Mode {
				case "half_up", "half_even", "down":
				default:
					r.errorf(y, "rating.rounding.mode", "ruleset.rating", "mode is half_up, half_even or down", "unknown rounding mode %q", ro.Mode)
				}
			}
			if y := rf["steps"].val; !isNull(y) {
				ro.Steps = nil
				for j, s := range r.strs(y, "rating.rounding.steps", "steps") {
					switch s {
					case "base", "adjustment", "premium":
						ro.Steps = append(ro.Steps, s)
					default:
						r.errorf(y.Content[j], index("rating.rounding.steps", j), "ruleset.rating", "steps are base, adjustment and premium", "unknown rounding step %q", s)
					}
				}
				if !ro.HasStep("premium") {
					ro.Steps = append(ro.Steps, "premium")
				}
			}
			rt.Rounding = ro
		}
	}
	if x := f["prevention_cap"].val; !isNull(x) {
		pf, ok := r.fields(x, "rating.prevention_cap", "prevention_cap", "when", "share", "cite")
		if ok {
			pc := &PreventionCap{At: r.rangeOf(x), Ruleset: rs, When: r.newExpr(pf["when"].val, "rating.prevention_cap.when", ph, tBool)}
			if y := pf["share"].val; !isNull(y) {
				pc.Share, _ = r.dec(y, "rating.prevention_cap.share", "share")
			} else {
				r.errorf(x, "rating.prevention_cap.share", "ruleset.missing", `add share: "0.21"`, "prevention_cap needs share")
			}
			if pc.Share.IsNegative() || pc.Share.GreaterThan(decimal.NewFromInt(1)) {
				r.errorf(pf["share"].val, "rating.prevention_cap.share", "ruleset.range", "a share lies between 0 and 1", "share %s is out of range", pc.Share)
			}
			pc.Cite = r.cites(rs, pf["cite"].val, "rating.prevention_cap.cite", ph)
			rt.PreventionCap = pc
		}
	}
	for j, cn := range r.seq(f["caveats"].val, "rating.caveats", "caveats") {
		cp := index("rating.caveats", j)
		cf, ok := r.fields(cn, cp, "a caveat", "when", "text")
		if !ok {
			continue
		}
		cv := &Caveat{At: r.rangeOf(cn), When: r.newExpr(cf["when"].val, cp+".when", ph, tBool)}
		cv.Text = r.required(cf, cn, "text", cp+".text", "add text")
		rt.Caveats = append(rt.Caveats, cv)
	}
	return rt
}

func (r *reader) factor(rs *Ruleset, fn *yaml.Node, path string, seen map[string]int) *Factor {
	ff, ok := r.fields(fn, path, "a factor", "id", "family", "title", "unit", "pick", "cases", "default", "cite", "note", "illustrative", "unverified")
	if !ok {
		return nil
	}
	fc := &Factor{At: r.rangeOf(fn), Ruleset: rs, Provenance: r.provenance(ff, path), Unit: "coefficient", Pick: "first"}
	fc.ID = r.required(ff, fn, "id", path+".id", "add id")
	if fc.ID != "" {
		if line, dup := seen[fc.ID]; dup {
			r.errorf(ff["id"].val, path+".id", "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "factor id %q is used twice", fc.ID)
		}
		seen[fc.ID] = fn.Line
	}
	fc.Title = r.required(ff, fn, "title", path+".title", "add title: the factor's name")
	fc.Family = fc.ID
	if x := ff["family"].val; !isNull(x) {
		fc.Family = r.str(x, path+".family", "family")
	}
	if x := ff["unit"].val; !isNull(x) {
		fc.Unit = r.str(x, path+".unit", "unit")
		if fc.Unit != "coefficient" && fc.Unit != "percent" {
			r.errorf(x, path+".unit", "ruleset.rating", `unit is coefficient ("1.10") or percent ("0.10" = +10%)`, "unknown factor unit %q", fc.Unit)
		}
	}
	if x := ff["pick"].val; !isNull(x) {
		fc.Pick = r.str(x, path+".pick", "pick")
		if fc.Pick != "first" && fc.Pick != "highest" && fc.Pick != "lowest" {
			r.errorf(x, path+".pick", "ruleset.rating", "pick is first (ordered cases), highest or lowest (按高靠，不累加)", "unknown pick %q", fc.Pick)
		}
	}
	fc.Cite = r.cites(rs, ff["cite"].val, path+".cite", phaseObligation)
	if x := ff["note"].val; !isNull(x) {
		fc.Note = r.str(x, path+".note", "note")
	}
	cseen := map[string]int{}
	for j, cn := range r.seq(ff["cases"].val, path+".cases", "cases") {
		if c := r.factorCase(rs, cn, index(path+".cases", j), cseen, false); c != nil {
			fc.Cases = append(fc.Cases, c)
		}
	}
	if x := ff["default"].val; !isNull(x) {
		fc.Default = r.factorCase(rs, x, path+".default", cseen, true)
	} else {
		r.errorf(fn, path+".default", "ruleset.missing", `add default: {value: "1.00", reason: "…"}; the default must be explicit`, "factor %s needs a default", fc.ID)
	}
	if len(fc.Cases) == 0 {
		r.errorf(fn, path+".cases", "ruleset.missing", "add cases: [{when: …, value: …, reason: …}]", "factor %s has no cases", fc.ID)
	}
	return fc
}

func (r *reader) factorCase(rs *Ruleset, cn *yaml.Node, path string, seen map[string]int, isDefault bool) *Case {
	keys := []string{"id", "when", "value", "reason", "cite", "illustrative", "unverified"}
	if isDefault {
		keys = []string{"id", "value", "reason", "cite", "illustrative", "unverified"}
	}
	cf, ok := r.fields(cn, path, "a factor case", keys...)
	if !ok {
		return nil
	}
	c := &Case{At: r.rangeOf(cn), Provenance: r.provenance(cf, path)}
	if x := cf["id"].val; !isNull(x) {
		c.ID = r.str(x, path+".id", "id")
	} else if isDefault {
		c.ID = "default"
	}
	if c.ID != "" {
		if line, dup := seen[c.ID]; dup {
			r.errorf(cn, path+".id", "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "case id %q is used twice", c.ID)
		}
		seen[c.ID] = cn.Line
	}
	if !isDefault {
		c.When = r.newExpr(cf["when"].val, path+".when", phaseObligation, tBool)
		if c.When == nil {
			r.errorf(cn, path+".when", "ruleset.missing", "add when: the condition; use default: for the fallback", "a case needs when:")
		}
	}
	c.Value = r.newExpr(cf["value"].val, path+".value", phaseObligation, tDec)
	if c.Value == nil {
		r.errorf(cn, path+".value", "ruleset.missing", `add value: "1.10" (or an expression)`, "a case needs value:")
	}
	c.Reason = r.required(cf, cn, "reason", path+".reason", "add reason: why this value applies, in words")
	c.Cite = r.cites(rs, cf["cite"].val, path+".cite", phaseObligation)
	return c
}

func (r *reader) table(rs *Ruleset, tn *yaml.Node, path string) *Table {
	tf, ok := r.fields(tn, path, "a table", "id", "title", "unit", "dims", "rows", "cite", "note", "illustrative", "unverified")
	if !ok {
		return nil
	}
	t := &Table{At: r.rangeOf(tn), Ruleset: rs, Provenance: r.provenance(tf, path), Unit: "coefficient"}
	t.ID = r.required(tf, tn, "id", path+".id", "add id")
	t.Title = r.required(tf, tn, "title", path+".title", "add title")
	if x := tf["unit"].val; !isNull(x) {
		t.Unit = r.str(x, path+".unit", "unit")
		switch t.Unit {
		case "coefficient", "percent", "permille", "amount":
		default:
			r.errorf(x, path+".unit", "ruleset.rating", "unit is coefficient, percent, permille or amount", "unknown table unit %q", t.Unit)
		}
	}
	t.Cite = r.cites(rs, tf["cite"].val, path+".cite", phaseObligation)
	if x := tf["note"].val; !isNull(x) {
		t.Note = r.str(x, path+".note", "note")
	}
	dimSeen := map[string]bool{}
	for i, dn := range r.seq(tf["dims"].val, path+".dims", "dims") {
		dp := index(path+".dims", i)
		df, ok := r.fields(dn, dp, "a dimension", "name", "by", "bands")
		if !ok {
			continue
		}
		d := &Dim{At: r.rangeOf(dn)}
		d.Name = r.required(df, dn, "name", dp+".name", "add name")
		if dimSeen[d.Name] {
			r.errorf(df["name"].val, dp+".name", "ruleset.duplicate_id", "give each dimension of a table its own name", "dimension %q is used twice", d.Name)
		}
		dimSeen[d.Name] = true
		d.By = r.newExpr(df["by"].val, dp+".by", phaseObligation, nil)
		if d.By == nil {
			r.errorf(dn, dp+".by", "ruleset.missing", "add by: the value the table is looked up by", "a dimension needs by:")
		}
		bseen := map[string]bool{}
		for j, bn := range r.seq(df["bands"].val, dp+".bands", "bands") {
			bp := index(dp+".bands", j)
			bf, ok := r.fields(bn, bp, "a band", "id", "range", "label")
			if !ok {
				continue
			}
			b := &Band{At: r.rangeOf(bn)}
			b.ID = r.required(bf, bn, "id", bp+".id", "add id")
			if bseen[b.ID] {
				r.errorf(bf["id"].val, bp+".id", "ruleset.duplicate_id", "give each band of a dimension its own id", "band id %q is used twice", b.ID)
			}
			bseen[b.ID] = true
			if x := bf["label"].val; !isNull(x) {
				b.Label = r.str(x, bp+".label", "label")
			}
			rg := r.required(bf, bn, "range", bp+".range", `add range: "(5000000, 30000000]" ([ ] include the edge, ( ) exclude it)`)
			if rg != "" {
				if msg := parseInterval(rg, b); msg != "" {
					r.errorf(bf["range"].val, bp+".range", "ruleset.band", `write an interval such as "[0, 5000000]", "(5000000, 30000000]" or "(80000000, +inf)"`, "band range %q %s", rg, msg)
				}
			}
			d.Bands = append(d.Bands, b)
		}
		t.Dims = append(t.Dims, d)
	}
	if len(t.Dims) == 0 {
		r.errorf(tn, path+".dims", "ruleset.missing", "add dims: [{name: …, by: …}]", "a table needs at least one dimension")
	}
	for i, rn := range r.seq(tf["rows"].val, path+".rows", "rows") {
		rp := index(path+".rows", i)
		keys := []string{"value"}
		for _, d := range t.Dims {
			keys = append(keys, d.Name)
		}
		rf, ok := r.fields(rn, rp, "a row", keys...)
		if !ok {
			continue
		}
		row := &Row{At: r.rangeOf(rn), Index: i}
		good := true
		for _, d := range t.Dims {
			x := rf[d.Name].val
			if isNull(x) {
				r.errorf(rn, rp+"."+d.Name, "ruleset.missing", "every row gives a key for every dimension", "row has no %s", d.Name)
				good = false
				continue
			}
			k := RowKey{Text: x.Value}
			if d.Bands != nil {
				for _, b := range d.Bands {
					if b.ID == x.Value {
						k.Band, k.Kind = b, "band"
					}
				}
				if k.Band == nil {
					ids := make([]string, len(d.Bands))
					for j, b := range d.Bands {
						ids[j] = b.ID
					}
					hint := "bands: " + strings.Join(ids, ", ")
					if s := suggest(x.Value, ids); s != "" {
						hint = fmt.Sprintf("did you mean %q?", s)
					}
					r.errorf(x, rp+"."+d.Name, "ruleset.band", hint, "unknown band %q of %s", x.Value, d.Name)
					good = false
				}
			} else {
				switch x.Tag {
				case "!!int":
					k.Kind = "int"
					k.Int, _ = r.integer(x, rp+"."+d.Name, d.Name, -maxInt, maxInt)
					k.Dec = decimal.NewFromInt(int64(k.Int))
				case "!!float":
					k.Kind = "decimal"
					k.Dec, _ = r.dec(x, rp+"."+d.Name, d.Name)
				case "!!bool":
					k.Kind = "bool"
					k.Bool = x.Value == "true"
				default:
					k.Kind = "string"
				}
			}
			row.Keys = append(row.Keys, k)
		}
		if vx := rf["value"].val; !isNull(vx) {
			row.Value, _ = r.dec(vx, rp+".value", "value")
		} else {
			r.errorf(rn, rp+".value", "ruleset.missing", "add value", "row has no value")
			good = false
		}
		if good {
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

// parseInterval parses interval notation into b; it returns a message when
// the text is not an interval.
func parseInterval(s string, b *Band) string {
	s = strings.TrimSpace(s)
	if len(s) < 5 {
		return "is not an interval"
	}
	open, close := s[0], s[len(s)-1]
	if (open != '[' && open != '(') || (close != ']' && close != ')') {
		return "must start with [ or ( and end with ] or )"
	}
	parts := strings.Split(s[1:len(s)-1], ",")
	if len(parts) != 2 {
		return "must have two bounds separated by a comma"
	}
	lo, hi := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	if lo != "-inf" {
		d, msg := parseDecimal(lo)
		if msg != "" {
			return "has a lower bound that " + msg
		}
		b.Lo = &d
		b.LoIncl = open == '['
	} else if open == '[' {
		return "cannot include -inf"
	}
	if hi != "+inf" && hi != "inf" {
		d, msg := parseDecimal(hi)
		if msg != "" {
			return "has an upper bound that " + msg
		}
		b.Hi = &d
		b.HiIncl = close == ']'
	} else if close == ']' {
		return "cannot include +inf"
	}
	if b.Lo != nil && b.Hi != nil {
		c := b.Lo.Cmp(*b.Hi)
		if c > 0 || (c == 0 && !(b.LoIncl && b.HiIncl)) {
			return "is empty"
		}
	}
	return ""
}

// readRulesetDate reads a date of a ruleset.
func readRulesetDate(r *reader, n *yaml.Node, path, what string) (Date, bool) {
	return readDate(r, n, path, what, ParseDate, MinDate, MaxDate)
}
