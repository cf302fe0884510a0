package rulesets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/anzexian/anzexian/internal/yamlx"
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

// MaxIDLen bounds ids, versions, names, keys and codes: they are written in
// every answer and every trace, and none needs more (the longest bundled id
// is 34 characters).
const MaxIDLen = 128

// validID reports whether s matches re and is at most MaxIDLen long.
func validID(re *regexp.Regexp, s string) bool { return len(s) <= MaxIDLen && re.MatchString(s) }

// idLen reports an id over MaxIDLen (ids without a pattern of their own:
// factors, cases, tables, bands, tiers).
func (r *reader) idLen(n *yaml.Node, path, what, id string) {
	if len(id) > MaxIDLen {
		r.Errorf(n, path, "ruleset.rule_id", "ids are short names such as risk-level", "%s id %q is not valid%s", what, yamlx.Cut(id, 80), tooLong(id))
	}
}

// tooLong says, for a message, that s is over MaxIDLen ("" if not).
func tooLong(s string) string {
	if len(s) <= MaxIDLen {
		return ""
	}
	return fmt.Sprintf(": %d characters long, the limit is %d", len(s), MaxIDLen)
}

var topKeys = []string{"schema", "id", "version", "status", "kind", "title", "region", "insurer", "effective",
	"supersedes", "sources", "facts", "codes", "let", "coverage", "requirements", "findings", "rating",
	"penalties", "consequences", "references", "notes"}

// parseFile parses every ruleset document in one file.
func parseFile(name string, data []byte) ([]*Ruleset, diag.Diagnostics) {
	if len(data) > MaxRulesetSize {
		return nil, diag.Diagnostics{{Severity: diag.SeverityError, Code: "ruleset.too_large", Subject: diag.Range{File: name},
			Summary: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxRulesetSize),
			Hint:    "split it into one file per ruleset"}}
	}
	docs, diags := yamlx.ParseStream(name, data, "ruleset", MaxRulesetsPerFile)
	if len(docs) > MaxRulesetsPerFile {
		return nil, append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "ruleset.too_large", Subject: diag.Range{File: name},
			Summary: fmt.Sprintf("file holds more than %d rulesets", MaxRulesetsPerFile),
			Hint:    "split it into one file per ruleset"})
	}
	budget := yamlx.NewBudget()
	var out []*Ruleset
	for _, doc := range docs {
		r := &reader{Reader: &yamlx.Reader{File: name, Src: data, Prefix: "ruleset", Budget: budget}}
		text := data
		if len(docs) > 1 {
			text = docText(doc)
		}
		rs := r.ruleset(doc, text)
		diags = append(diags, r.Diags...)
		if rs != nil {
			out = append(out, rs)
		}
	}
	if budget.Exprs > MaxExprsPerFile {
		// reported alone: the rulesets are not compiled
		return nil, diag.Diagnostics{{Severity: diag.SeverityError, Code: "ruleset.too_large", Subject: diag.Range{File: name},
			Summary: fmt.Sprintf("file holds %d expressions; the limit is %d", budget.Exprs, MaxExprsPerFile),
			Hint:    "no ruleset needs that many: split the file, or move values from expressions into rating tables"}}
	}
	if budget.Dropped > 0 {
		diags = append(diags, yamlx.TooManyErrors(name, "ruleset", budget.Dropped))
	}
	if len(docs) == 0 && len(diags) == 0 {
		diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "ruleset.empty", Subject: diag.Range{File: name},
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
	r.CheckAliases(n, "")
	if n.Kind != yaml.MappingNode {
		r.Errorf(n, "", "ruleset.type", "a ruleset is a mapping that starts with schema: "+SchemaVersion, "a ruleset must be a mapping, not %s", yamlx.Describe(n))
		return nil
	}
	f, _ := r.Fields(n, "", "the ruleset", topKeys...)
	sum := sha256.Sum256(text)
	rs := &Ruleset{File: r.File, At: r.RangeOf(n), Digest: "sha256:" + hex.EncodeToString(sum[:]), sources: map[string]*Source{}}

	if v := f["schema"].Val; v != nil {
		if s := r.Str(v, "schema", "schema"); s != SchemaVersion {
			r.Errorf(v, "schema", "ruleset.schema", "this version of anzexian reads schema: "+SchemaVersion, "unknown schema %q", s)
		}
	} else {
		r.Errorf(n, "schema", "ruleset.missing", "add schema: "+SchemaVersion+" as the first line", "schema is required")
	}
	rs.ID = r.required(f, n, "id", "id", "add id: <region>/<kind>/<name>, e.g. id: cn.hunan/opinions/spli")
	if rs.ID != "" && !validID(idPattern, rs.ID) {
		r.Errorf(f["id"].Val, "id", "ruleset.id", "ids are lowercase segments separated by /, starting with the jurisdiction: cn/law/safety-production, cn.hunan/opinions/spli", "id %q is not a valid ruleset id%s", yamlx.Cut(rs.ID, 80), tooLong(rs.ID))
	}
	rs.Version = r.required(f, n, "version", "version", `add version: "2021" (quote it)`)
	if rs.Version != "" && !validID(versionPattern, rs.Version) {
		r.Errorf(f["version"].Val, "version", "ruleset.version", "use letters, digits, dots and dashes, e.g. \"2025\" or \"2022-draft\"", "version %q is not valid%s", yamlx.Cut(rs.Version, 80), tooLong(rs.Version))
	}
	if v := f["status"].Val; v != nil {
		s := Status(r.Str(v, "status", "status"))
		switch s {
		case StatusInForce, StatusDraft, StatusRepealed:
			rs.Status = s
		default:
			r.Errorf(v, "status", "ruleset.status", "status is in_force, draft or repealed", "unknown status %q", s)
		}
	} else {
		r.Errorf(n, "status", "ruleset.missing", "add status: in_force, draft or repealed", "status is required")
	}
	if v := f["kind"].Val; v != nil {
		k := Kind(r.Str(v, "kind", "kind"))
		if _, ok := kindRank[k]; ok {
			rs.Kind = k
		} else {
			r.Errorf(v, "kind", "ruleset.kind", "kind is law, regulation, measures, policy, rating or filing", "unknown kind %q", k)
		}
	} else {
		r.Errorf(n, "kind", "ruleset.missing", "add kind: law, regulation, measures, policy, rating or filing", "kind is required")
	}
	rs.Title = r.required(f, n, "title", "title", "add title: the document's full title")
	if v := f["region"].Val; v != nil {
		rs.regionAt = r.RangeOf(v)
		rs.Region = r.Str(v, "region", "region")
		if rs.Region != "" && !facts.ValidRegion(rs.Region) {
			r.Errorf(v, "region", "ruleset.region", `region is "" for national rules or a GB/T 2260 code such as "43" (quoted)`, "region %q is not a GB/T 2260 code", rs.Region)
		}
	} else {
		r.Errorf(n, "region", "ruleset.missing", `add region: "" for national rules, or the GB/T 2260 code`, "region is required")
	}
	if v := f["insurer"].Val; v != nil {
		rs.Insurer = r.Str(v, "insurer", "insurer")
	}
	if rs.Kind == KindFiling && rs.Insurer == "" {
		r.Errorf(n, "insurer", "ruleset.missing", "add insurer: the insurer's name, as --insurer gives it", "a filing must name its insurer")
	}
	if rs.Kind != KindFiling && rs.Insurer != "" {
		r.Errorf(f["insurer"].Val, "insurer", "ruleset.insurer", "only kind: filing rulesets belong to an insurer", "insurer is only allowed on filings")
	}
	r.effective(rs, f["effective"].Val, n)
	for i, it := range r.Seq(f["supersedes"].Val, "supersedes", "supersedes") {
		s := r.Str(it, yamlx.Index("supersedes", i), "a superseded ruleset")
		if s != "" && !strings.Contains(s, "@") {
			r.Errorf(it, yamlx.Index("supersedes", i), "ruleset.supersedes", "name the version: id@version, e.g. cn/measures/spli@2017", "supersedes %q needs a version", s)
			continue
		}
		rs.Supersedes = append(rs.Supersedes, s)
		rs.supersedesAt = append(rs.supersedesAt, r.RangeOf(it))
	}
	r.sources(rs, f["sources"].Val)
	r.factDecls(rs, f["facts"].Val)
	r.codes(rs, f["codes"].Val)
	r.lets(rs, f["let"].Val)
	r.coverage(rs, f["coverage"].Val)
	r.requirements(rs, f["requirements"].Val)
	r.findings(rs, f["findings"].Val)
	r.consequences(rs, f["consequences"].Val)
	r.references(rs, f["references"].Val)
	r.penalties(rs, f["penalties"].Val)
	if v := f["rating"].Val; v != nil {
		rs.Rating = r.rating(rs, v)
	}
	for i, it := range r.Seq(f["notes"].Val, "notes", "notes") {
		rs.Notes = append(rs.Notes, r.Str(it, yamlx.Index("notes", i), "a note"))
	}
	return rs
}

func (r *reader) required(f map[string]yamlx.Field, parent *yaml.Node, key, path, hint string) string {
	v := f[key].Val
	if yamlx.IsNull(v) {
		r.Errorf(parent, path, "ruleset.missing", hint, "%s is required", key)
		return ""
	}
	before := len(r.Diags)
	s := r.Str(v, path, key)
	if strings.TrimSpace(s) == "" && len(r.Diags) == before {
		r.Errorf(v, path, "ruleset.missing", hint, "%s must not be empty", key)
	}
	return s
}

func (r *reader) effective(rs *Ruleset, v, parent *yaml.Node) {
	rs.effectiveAt = r.RangeOf(v)
	if yamlx.IsNull(v) {
		r.Errorf(parent, "effective", "ruleset.missing", "add effective: {from: YYYY-MM-DD}; add assumed: true where the document gives no date", "effective is required")
		return
	}
	f, ok := r.Fields(v, "effective", "effective", "from", "until", "assumed")
	if !ok {
		return
	}
	if x := f["from"].Val; !yamlx.IsNull(x) {
		rs.Effective.From, _ = readRulesetDate(r, x, "effective.from", "effective.from")
	} else {
		r.Errorf(v, "effective.from", "ruleset.missing", "add from: YYYY-MM-DD", "effective.from is required")
	}
	if x := f["until"].Val; !yamlx.IsNull(x) {
		rs.Effective.Until, _ = readRulesetDate(r, x, "effective.until", "effective.until")
		if !rs.Effective.Until.IsZero() && !rs.Effective.From.IsZero() && rs.Effective.Until.Before(rs.Effective.From) {
			r.Errorf(x, "effective.until", "ruleset.effective", "until is the last day in force and cannot precede from", "effective.until (%s) is before effective.from (%s)", rs.Effective.Until, rs.Effective.From)
		}
	}
	if x := f["assumed"].Val; !yamlx.IsNull(x) {
		rs.Effective.Assumed, _ = r.Bool(x, "effective.assumed", "assumed")
	}
}

func (r *reader) sources(rs *Ruleset, v *yaml.Node) {
	for _, p := range r.Pairs(v, "sources", "sources") {
		key := p.Key.Value
		path := yamlx.Join("sources", key)
		if !validID(namePattern, key) {
			r.Errorf(p.Key, path, "ruleset.name", "source keys are lowercase words, digits and _, e.g. law2021", "source key %q is not valid%s", yamlx.Cut(key, 80), tooLong(key))
		}
		f, ok := r.Fields(p.Val, path, "a source", "title", "number", "issuer", "date", "url", "draft", "unverified", "note")
		if !ok {
			continue
		}
		s := &Source{Key: key}
		s.Title = r.required(f, p.Val, "title", path+".title", "add title: the document's full title")
		if x := f["number"].Val; !yamlx.IsNull(x) {
			s.Number = r.Str(x, path+".number", "number")
		}
		if x := f["issuer"].Val; !yamlx.IsNull(x) {
			s.Issuer = r.Str(x, path+".issuer", "issuer")
		}
		if x := f["date"].Val; !yamlx.IsNull(x) {
			s.Date, _ = readRulesetDate(r, x, path+".date", "date")
		}
		if x := f["url"].Val; !yamlx.IsNull(x) {
			s.URL = r.Str(x, path+".url", "url")
		}
		if x := f["draft"].Val; !yamlx.IsNull(x) {
			s.Draft, _ = r.Bool(x, path+".draft", "draft")
		}
		if x := f["unverified"].Val; !yamlx.IsNull(x) {
			s.Unverified, _ = r.Bool(x, path+".unverified", "unverified")
		}
		if x := f["note"].Val; !yamlx.IsNull(x) {
			s.Note = r.Str(x, path+".note", "note")
		}
		rs.Sources = append(rs.Sources, s)
		rs.sources[key] = s
	}
}

func (r *reader) factDecls(rs *Ruleset, v *yaml.Node) {
	seen := map[string]bool{}
	for i, it := range r.Seq(v, "facts", "facts") {
		path := yamlx.Index("facts", i)
		f, ok := r.Fields(it, path, "a fact declaration", "name", "type", "codes", "unit", "default", "doc")
		if !ok {
			continue
		}
		d := &FactDecl{At: r.RangeOf(it)}
		d.Name = r.required(f, it, "name", path+".name", "add name: a lowercase_name")
		if d.Name != "" {
			switch {
			case !validID(namePattern, d.Name):
				r.Errorf(f["name"].Val, path+".name", "ruleset.name", "fact names are lowercase words joined by _", "fact name %q is not valid%s", yamlx.Cut(d.Name, 80), tooLong(d.Name))
			case lang.RootField(d.Name) != nil || d.Name == "item" || d.Name == "rate":
				r.Errorf(f["name"].Val, path+".name", "ruleset.fact_redeclared", "choose another name; core facts cannot be redeclared", "%s is a core fact", d.Name)
			case suggest.Closest(d.Name, facts.FieldNames()) != "":
				r.Errorf(f["name"].Val, path+".name", "ruleset.fact_name", "choose a name that is not a near-miss of a core fact",
					"fact %s could never be given: the facts decoder would take it for a typo of %s", d.Name, suggest.Closest(d.Name, facts.FieldNames()))
			case seen[d.Name]:
				r.Errorf(f["name"].Val, path+".name", "ruleset.duplicate_id", "keep one declaration", "fact %s is declared twice", d.Name)
			}
			seen[d.Name] = true
		}
		t := FactType(r.required(f, it, "type", path+".type", "add type: int, decimal, bool, date, code or list"))
		switch t {
		case FactInt, FactDecimal, FactBool, FactDate, FactCode, FactList:
			d.Type = t
		case "":
		default:
			r.Errorf(f["type"].Val, path+".type", "ruleset.fact_type", "type is int, decimal, bool, date, code or list", "unknown fact type %q", t)
		}
		d.Codes = r.Strs(f["codes"].Val, path+".codes", "codes")
		if (d.Type == FactCode || d.Type == FactList) && len(d.Codes) == 0 {
			r.Errorf(it, path+".codes", "ruleset.missing", "list the allowed codes: codes: [a, b]", "a %s fact needs its allowed codes", d.Type)
		}
		if x := f["unit"].Val; !yamlx.IsNull(x) {
			d.Unit = r.Str(x, path+".unit", "unit")
		}
		if x := f["doc"].Val; !yamlx.IsNull(x) {
			d.Doc = r.Str(x, path+".doc", "doc")
		}
		if x := f["default"].Val; !yamlx.IsNull(x) {
			s := x.Value
			ev := facts.ExtraValue{Text: s, Kind: "scalar", At: r.RangeOf(x), Quoted: x.Tag == "!!str"}
			if x.Kind == yaml.SequenceNode {
				ev = facts.ExtraValue{Kind: "sequence", IsList: true, Items: r.Strs(x, path+".default", "default"), At: r.RangeOf(x)}
				s = strings.Join(ev.Items, "\x00")
			}
			if d.Type != "" {
				if _, err := typedExtra(d, ev); err != "" {
					r.Errorf(x, path+".default", "ruleset.fact_default", "the default must be a value of the declared type ("+string(d.Type)+")", "default of %s %s", d.Name, err)
				}
			}
			d.Default = &s
		}
		rs.Facts = append(rs.Facts, d)
	}
}

func (r *reader) codes(rs *Ruleset, v *yaml.Node) {
	for _, p := range r.Pairs(v, "codes", "codes") {
		name := p.Key.Value
		path := yamlx.Join("codes", name)
		if _, core := facts.CoreVocabulary(name); !core {
			r.Errorf(p.Key, path, "ruleset.codes", "codes: extends a vocabulary of the facts: credit_grade, sectors, …", "%s is not a vocabulary of the facts", name)
			continue
		}
		var voc facts.Vocabulary
		for _, c := range r.Pairs(p.Val, path, "codes") {
			if (!namePattern.MatchString(c.Key.Value) && !strings.Contains(c.Key.Value, ".")) || len(c.Key.Value) > MaxIDLen {
				r.Errorf(c.Key, yamlx.Join(path, c.Key.Value), "ruleset.name", "codes are lowercase snake_case", "code %q is not valid%s", yamlx.Cut(c.Key.Value, 80), tooLong(c.Key.Value))
				continue
			}
			voc = append(voc, facts.Code{Code: c.Key.Value, Label: r.Str(c.Val, yamlx.Join(path, c.Key.Value), "label")})
		}
		if rs.Codes == nil {
			rs.Codes = map[string]facts.Vocabulary{}
		}
		rs.Codes[name] = voc
	}
}

// newExpr records an expression to type-check later (expressions are checked
// when the whole set is known, because names declared by lower layers are
// visible).
func (r *reader) newExpr(n *yaml.Node, path string, ph lang.Phase, want *lang.Type) *lang.Expr {
	if yamlx.IsNull(n) {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		r.Errorf(n, path, "ruleset.type", "write the expression as text, quoted if it starts with a special character", "an expression must be text, not %s", yamlx.Describe(n))
		return nil
	}
	if r.Budget != nil {
		r.Budget.Exprs++
	}
	return &lang.Expr{Src: n.Value, At: r.RangeOf(n), Node: n, FileSrc: r.Src, Phase: ph, Want: want}
}

func (r *reader) lets(rs *Ruleset, v *yaml.Node) {
	for _, p := range r.Pairs(v, "let", "let") {
		name := p.Key.Value
		path := yamlx.Join("let", name)
		if !validID(namePattern, name) {
			r.Errorf(p.Key, path, "ruleset.name", "let names are lowercase words joined by _", "let name %q is not valid%s", yamlx.Cut(name, 80), tooLong(name))
			continue
		}
		if lang.RootField(name) != nil || name == "item" || name == "rate" || lang.Functions[name] != nil {
			r.Errorf(p.Key, path, "ruleset.let_shadows", "choose another name", "let %s would hide a core fact or function of the same name", name)
			continue
		}
		l := &Let{Name: name, At: r.RangeOf(p.Key)}
		exprNode := p.Val
		if p.Val.Kind == yaml.MappingNode {
			f, _ := r.Fields(p.Val, path, "a let", "expr", "doc")
			exprNode = f["expr"].Val
			if x := f["doc"].Val; !yamlx.IsNull(x) {
				l.Doc = r.Str(x, path+".doc", "doc")
			}
			if yamlx.IsNull(exprNode) {
				r.Errorf(p.Val, path+".expr", "ruleset.missing", "add expr: <expression>", "let %s needs expr", name)
				continue
			}
		}
		if yamlx.IsNull(exprNode) {
			r.Errorf(p.Key, path, "ruleset.null", "give the let its expression, or delete it", "let %s is null: the loader does not act on it", name)
			continue
		}
		l.Expr = r.newExpr(exprNode, path, lang.PhaseAny, nil)
		if l.Expr != nil {
			rs.Lets = append(rs.Lets, l)
		}
	}
}

// cites reads cite: as one citation or a list of them.
func (r *reader) cites(rs *Ruleset, v *yaml.Node, path string, ph lang.Phase) []*Cite {
	if yamlx.IsNull(v) {
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
			p = yamlx.Index(path, i)
		}
		f, ok := r.Fields(it, p, "a citation", "source", "article", "when", "unverified")
		if !ok {
			continue
		}
		c := &Cite{At: r.RangeOf(it)}
		key := r.required(f, it, "source", p+".source", "add source: <key of sources:>")
		if key != "" {
			c.Source = rs.sources[key]
			if c.Source == nil {
				hint := "declare it under sources:"
				if s := suggest.Closest(key, slices.Sorted(maps.Keys(rs.sources))); s != "" {
					hint = fmt.Sprintf("did you mean %q?", s)
				}
				r.Errorf(f["source"].Val, p+".source", "cite.unknown_source", hint, "citation of unknown source %q", key)
			}
		}
		if x := f["article"].Val; !yamlx.IsNull(x) {
			c.Article = r.Str(x, p+".article", "article")
		}
		c.When = r.newExpr(f["when"].Val, p+".when", ph, lang.TBool)
		if x := f["unverified"].Val; !yamlx.IsNull(x) {
			c.Unverified, _ = r.Bool(x, p+".unverified", "unverified")
		}
		if c.Source != nil {
			out = append(out, c)
		}
	}
	return out
}

// rule reads the fields every rule has.
func (r *reader) rule(rs *Ruleset, f map[string]yamlx.Field, n *yaml.Node, path string, ph lang.Phase, seen map[string]int) Rule {
	ru := Rule{At: r.RangeOf(n), Ruleset: rs}
	ru.ID = r.required(f, n, "id", path+".id", "add id: a short lowercase name for the rule")
	if ru.ID != "" {
		if !validID(ruleIDPattern, ru.ID) {
			r.Errorf(f["id"].Val, path+".id", "ruleset.rule_id", "rule ids are lowercase letters, digits, -, _ and .", "rule id %q is not valid%s", yamlx.Cut(ru.ID, 80), tooLong(ru.ID))
		}
		if line, dup := seen[ru.ID]; dup {
			r.Errorf(f["id"].Val, path+".id", "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "rule id %q is used twice", ru.ID)
		}
		seen[ru.ID] = n.Line
	}
	ru.When = r.newExpr(f["when"].Val, path+".when", ph, lang.TBool)
	ru.Cite = r.cites(rs, f["cite"].Val, path+".cite", ph)
	if x := f["note"].Val; !yamlx.IsNull(x) {
		ru.Note = r.Str(x, path+".note", "note")
	}
	return ru
}

func (r *reader) coverage(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.Seq(v, "coverage", "coverage") {
		path := yamlx.Index("coverage", i)
		f, ok := r.Fields(it, path, "a coverage rule", "id", "when", "obligation", "text", "cite", "note")
		if !ok {
			continue
		}
		c := &CoverageRule{Rule: r.rule(rs, f, it, path, lang.PhaseAny, seen)}
		if x := f["obligation"].Val; !yamlx.IsNull(x) {
			o := Obligation(r.Str(x, path+".obligation", "obligation"))
			switch o {
			case ObligationMandatory, ObligationRequired, ObligationEncouraged, ObligationNone:
				c.Obligation = o
			default:
				r.CheckCode(x, path+".obligation", "obligation", string(o), facts.Obligations)
			}
		} else {
			r.Errorf(it, path+".obligation", "ruleset.missing", "add obligation: mandatory, required, encouraged or none", "a coverage rule needs its obligation")
		}
		c.Text = r.required(f, it, "text", path+".text", "add text: the rule in words, as the answer shows it")
		rs.Coverage = append(rs.Coverage, c)
	}
}

func (r *reader) requirements(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.Seq(v, "requirements", "requirements") {
		path := yamlx.Index("requirements", i)
		f, ok := r.Fields(it, path, "a requirement rule", "id", "when", "set", "text", "cite", "note")
		if !ok {
			continue
		}
		q := &RequirementRule{Rule: r.rule(rs, f, it, path, lang.PhaseObligation, seen)}
		q.Text = r.required(f, it, "text", path+".text", "add text: the requirement in words")
		set := f["set"].Val
		if yamlx.IsNull(set) {
			r.Errorf(it, path+".set", "ruleset.missing", "add set: {death_limit_min: \"300000\"} or other fields", "a requirement rule needs set:")
		}
		sf, _ := r.Fields(set, path+".set", "set", requirementFieldNames()...)
		for _, name := range requirementFieldNames() {
			x, ok := sf[name]
			if !ok || yamlx.IsNull(x.Val) {
				continue
			}
			fd := RequirementFieldByName(name)
			p := path + ".set." + name
			rv := RequirementValue{Field: fd, At: r.RangeOf(x.Val)}
			switch fd.Type {
			case "decimal":
				d, ok := r.Dec(x.Val, p, name)
				if !ok {
					continue
				}
				if d.IsNegative() {
					r.Errorf(x.Val, p, "ruleset.range", "amounts are in yuan: 0 or more", "%s must not be negative", name)
					continue
				}
				rv.Dec = d
			case "bool":
				b, ok := r.Bool(x.Val, p, name)
				if !ok {
					continue
				}
				if !b {
					r.Errorf(x.Val, p, "ruleset.range", "requirements only impose duties; leave the field out instead of setting false", "%s: false imposes nothing", name)
					continue
				}
				rv.Bool = b
			case "codes":
				for j, c := range r.Strs(x.Val, p, name) {
					jn := x.Val.Content[j]
					if r.CheckCode(jn, yamlx.Index(p, j), name, c, fd.Codes) {
						rv.List = append(rv.List, c)
					}
				}
				// full: answers share it (a requirement's basis), and
				// an append must copy it
				rv.List = slices.Clip(rv.List)
			case "level", "code":
				s := r.Str(x.Val, p, name)
				if !r.CheckCode(x.Val, p, name, s, fd.Codes) {
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
	for i, it := range r.Seq(v, "findings", "findings") {
		path := yamlx.Index("findings", i)
		f, ok := r.Fields(it, path, "a finding rule", "id", "when", "severity", "text", "cite", "note")
		if !ok {
			continue
		}
		fr := &FindingRule{Rule: r.rule(rs, f, it, path, lang.PhaseObligation, seen), Severity: "violation"}
		if x := f["severity"].Val; !yamlx.IsNull(x) {
			s := r.Str(x, path+".severity", "severity")
			switch s {
			case "violation", "warning", "info":
				fr.Severity = s
			default:
				r.Errorf(x, path+".severity", "ruleset.severity", "severity is violation, warning or info", "unknown severity %q", s)
			}
		}
		fr.Text = r.required(f, it, "text", path+".text", "add text: what is wrong, in words")
		if fr.When == nil {
			r.Errorf(it, path+".when", "ruleset.missing", "add when: the condition of the finding", "a finding needs when:")
		}
		rs.Findings = append(rs.Findings, fr)
	}
}

func (r *reader) consequences(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.Seq(v, "consequences", "consequences") {
		path := yamlx.Index("consequences", i)
		f, ok := r.Fields(it, path, "a consequence", "id", "when", "kind", "text", "cite", "note")
		if !ok {
			continue
		}
		c := &ConsequenceRule{Rule: r.rule(rs, f, it, path, lang.PhaseObligation, seen)}
		if x := f["kind"].Val; !yamlx.IsNull(x) {
			c.Kind = r.Str(x, path+".kind", "kind")
			switch c.Kind {
			case "precondition", "check", "benefit", "disclosure", "supervision":
			default:
				r.Errorf(x, path+".kind", "ruleset.kind", "kind is precondition, check, benefit, disclosure or supervision", "unknown consequence kind %q", c.Kind)
			}
		}
		c.Text = r.required(f, it, "text", path+".text", "add text: the consequence in words")
		rs.Consequences = append(rs.Consequences, c)
	}
}

func (r *reader) references(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.Seq(v, "references", "references") {
		path := yamlx.Index("references", i)
		f, ok := r.Fields(it, path, "a reference", "id", "when", "title", "items", "cite", "note")
		if !ok {
			continue
		}
		ref := &Reference{Rule: r.rule(rs, f, it, path, lang.PhaseObligation, seen)}
		ref.Title = r.required(f, it, "title", path+".title", "add title")
		ref.Items = r.Strs(f["items"].Val, path+".items", "items")
		rs.References = append(rs.References, ref)
	}
}

func (r *reader) provenance(f map[string]yamlx.Field, path string) Provenance {
	var p Provenance
	if x := f["illustrative"].Val; !yamlx.IsNull(x) {
		p.Illustrative, _ = r.Bool(x, path+".illustrative", "illustrative")
	}
	if x := f["unverified"].Val; !yamlx.IsNull(x) {
		p.Unverified, _ = r.Bool(x, path+".unverified", "unverified")
	}
	return p
}

func (r *reader) penalties(rs *Ruleset, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.Seq(v, "penalties", "penalties") {
		path := yamlx.Index("penalties", i)
		f, ok := r.Fields(it, path, "a penalty rule", "id", "title", "each", "on", "continuing", "when", "measures",
			"fine", "no_fine", "per_day", "tiers", "discretionary", "limitation_years", "restates", "consequences",
			"cite", "note", "illustrative", "unverified", "since", "caveats", "target", "subject", "fined_by", "alternative_of")
		if !ok {
			continue
		}
		ph := lang.PhaseObligation | lang.PhaseItem
		p := &PenaltyRule{Rule: r.rule(rs, f, it, path, ph, seen), LimitationYears: 2}
		p.Provenance = r.provenance(f, path)
		if x := f["restates"].Val; !yamlx.IsNull(x) {
			p.Restates = r.Str(x, path+".restates", "restates")
		}
		if x := f["title"].Val; !yamlx.IsNull(x) {
			p.Title = r.Str(x, path+".title", "title")
		} else if p.Restates == "" {
			r.Errorf(it, path+".title", "ruleset.missing", "add title: the violation in words", "a penalty rule needs its title")
		}
		p.Each = r.newExpr(f["each"].Val, path+".each", lang.PhaseObligation, &lang.Type{Kind: lang.KList})
		p.On = r.newExpr(f["on"].Val, path+".on", ph, lang.TDate)
		if x := f["continuing"].Val; !yamlx.IsNull(x) {
			p.Continuing, _ = r.Bool(x, path+".continuing", "continuing")
		}
		if p.Continuing && p.Each == nil {
			r.Errorf(f["continuing"].Val, path+".continuing", "ruleset.penalty", "a continuing violation lists its periods: each: uninsured_periods", "continuing needs each:")
		}
		if p.On != nil && p.Each == nil {
			r.Errorf(f["on"].Val, path+".on", "ruleset.penalty", "on: gives the date of each occurrence listed by each:", "on needs each:")
		}
		if p.Each != nil && !p.Continuing && p.On == nil {
			r.Errorf(it, path+".on", "ruleset.missing", "add on: the date of each occurrence, e.g. on: item.date", "a penalty with each: needs on: (or continuing: true)")
		}
		p.Since = r.newExpr(f["since"].Val, path+".since", ph, lang.TDate)
		p.Target = "unit"
		if x := f["target"].Val; !yamlx.IsNull(x) {
			p.Target = r.Str(x, path+".target", "target")
			switch p.Target {
			case "unit", "principal", "responsible_persons":
			default:
				r.Errorf(x, path+".target", "ruleset.penalty", "target is unit, principal or responsible_persons", "unknown penalty target %q", p.Target)
			}
		}
		for j, cn := range r.Seq(f["caveats"].Val, path+".caveats", "caveats") {
			cp := yamlx.Index(path+".caveats", j)
			cf, ok := r.Fields(cn, cp, "a caveat", "when", "text")
			if !ok {
				continue
			}
			cv := &Caveat{At: r.RangeOf(cn), When: r.newExpr(cf["when"].Val, cp+".when", ph, lang.TBool)}
			cv.Text = r.required(cf, cn, "text", cp+".text", "add text")
			p.Caveats = append(p.Caveats, cv)
		}
		p.Measures = r.Strs(f["measures"].Val, path+".measures", "measures")
		p.Consequences = r.Strs(f["consequences"].Val, path+".consequences", "consequences")
		if x := f["fine"].Val; !yamlx.IsNull(x) {
			ff, ok := r.Fields(x, path+".fine", "fine", "min", "max", "text")
			if ok {
				p.Fine = &FineSpec{At: r.RangeOf(x),
					Min: r.newExpr(ff["min"].Val, path+".fine.min", ph, lang.TDec),
					Max: r.newExpr(ff["max"].Val, path+".fine.max", ph, lang.TDec)}
				if y := ff["text"].Val; !yamlx.IsNull(y) {
					p.Fine.Text = r.Str(y, path+".fine.text", "text")
				}
				if p.Fine.Min == nil || p.Fine.Max == nil {
					r.Errorf(x, path+".fine", "ruleset.missing", "write fine: {min: \"50000\", max: \"100000\"} (both bounds inclusive)", "fine needs min and max")
					p.Fine = nil
				}
			}
		}
		if x := f["no_fine"].Val; !yamlx.IsNull(x) {
			p.NoFine = r.Str(x, path+".no_fine", "no_fine")
		}
		if x := f["per_day"].Val; !yamlx.IsNull(x) {
			pf, ok := r.Fields(x, path+".per_day", "per_day", "amount", "from", "through")
			if ok {
				p.PerDay = &PerDaySpec{At: r.RangeOf(x),
					Amount:  r.newExpr(pf["amount"].Val, path+".per_day.amount", ph, lang.TDec),
					From:    r.newExpr(pf["from"].Val, path+".per_day.from", ph, lang.TDate),
					Through: r.newExpr(pf["through"].Val, path+".per_day.through", ph, lang.TDate)}
				if p.PerDay.Amount == nil || p.PerDay.From == nil || p.PerDay.Through == nil {
					r.Errorf(x, path+".per_day", "ruleset.missing", "per_day needs amount, from and through (the days counted, both inclusive)", "per_day is incomplete")
					p.PerDay = nil
				}
			}
		}
		given := !yamlx.IsNull(f["fine"].Val) || !yamlx.IsNull(f["per_day"].Val) // reported above when incomplete
		if p.Restates == "" && p.Fine == nil && p.NoFine == "" && p.PerDay == nil && !given {
			r.Errorf(it, path+".fine", "ruleset.missing", "add fine: {min, max}, per_day:, or no_fine: \"why the document provides no fine\"", "a penalty rule needs fine, per_day or no_fine")
		}
		if p.Fine != nil && p.NoFine != "" {
			r.Errorf(f["no_fine"].Val, path+".no_fine", "ruleset.penalty", "keep one of fine and no_fine", "a penalty cannot have both fine and no_fine")
		}
		tseen := map[string]int{}
		for j, tn := range r.Seq(f["tiers"].Val, path+".tiers", "tiers") {
			tp := yamlx.Index(path+".tiers", j)
			tf, ok := r.Fields(tn, tp, "a tier", "id", "when", "min", "max", "reason", "illustrative", "unverified")
			if !ok {
				continue
			}
			t := &Tier{At: r.RangeOf(tn), Provenance: r.provenance(tf, tp)}
			t.ID = r.required(tf, tn, "id", tp+".id", "add id")
			r.idLen(tf["id"].Val, tp+".id", "tier", t.ID)
			if line, dup := tseen[t.ID]; dup && t.ID != "" {
				r.Errorf(tf["id"].Val, tp+".id", "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "tier id %q is used twice", t.ID)
			}
			tseen[t.ID] = tn.Line
			t.When = r.newExpr(tf["when"].Val, tp+".when", ph, lang.TBool)
			okMin, okMax := false, false
			if x := tf["min"].Val; !yamlx.IsNull(x) {
				t.Min, okMin = r.Dec(x, tp+".min", "min")
			}
			if x := tf["max"].Val; !yamlx.IsNull(x) {
				t.Max, okMax = r.Dec(x, tp+".max", "max")
			}
			if yamlx.IsNull(tf["min"].Val) || yamlx.IsNull(tf["max"].Val) {
				r.Errorf(tn, tp, "ruleset.missing", "a tier gives min and max as decimal literals", "tier needs min and max")
				continue
			}
			if !okMin || !okMax {
				continue // reported where the bound is
			}
			if t.Max.LessThan(t.Min) {
				r.Errorf(tf["max"].Val, tp+".max", "ruleset.range", "min ≤ max; both bounds are inclusive", "tier max %s is below min %s", t.Max, t.Min)
			}
			if x := tf["reason"].Val; !yamlx.IsNull(x) {
				t.Reason = r.Str(x, tp+".reason", "reason")
			}
			p.Tiers = append(p.Tiers, t)
		}
		if x := f["discretionary"].Val; !yamlx.IsNull(x) {
			p.Discretionary, _ = r.Bool(x, path+".discretionary", "discretionary")
		}
		if x := f["limitation_years"].Val; !yamlx.IsNull(x) {
			if x.Kind == yaml.ScalarNode && x.Tag == "!!str" {
				// an expression: the period of the regime of the day the
				// violation happened
				p.LimitationExpr = r.newExpr(x, path+".limitation_years", ph, lang.TInt)
			} else {
				p.LimitationYears, _ = r.Int(x, path+".limitation_years", "limitation_years", 1, 30)
			}
		}
		if x := f["subject"].Val; !yamlx.IsNull(x) {
			if s := r.Str(x, path+".subject", "subject"); s != "" && r.CheckCode(x, path+".subject", "subject", s, facts.RecordSubjects) {
				p.Subject = s
			}
		}
		if x := f["fined_by"].Val; !yamlx.IsNull(x) {
			if s := r.Str(x, path+".fined_by", "fined_by"); s != "" && r.CheckCode(x, path+".fined_by", "fine tier", s, facts.FineTiers) {
				p.FinedBy = s
			}
			if p.Subject == "" {
				r.Errorf(x, path+".fined_by", "ruleset.penalty", "add subject: the subject of the fine records that consume it, e.g. subject: insurance", "fined_by needs subject")
			}
		}
		if x := f["alternative_of"].Val; !yamlx.IsNull(x) {
			p.AlternativeOf = r.Str(x, path+".alternative_of", "alternative_of")
		}
		rs.Penalties = append(rs.Penalties, p)
	}
}

var ratingKeys = []string{"currency", "scope", "required", "tables", "bases", "factors", "remove", "combine", "clamp", "minimum", "rounding", "prevention_cap", "caveats"}

func (r *reader) rating(rs *Ruleset, v *yaml.Node) *Rating {
	f, ok := r.Fields(v, "rating", "rating", ratingKeys...)
	if !ok {
		return nil
	}
	rt := &Rating{At: r.RangeOf(v)}
	ph := lang.PhaseObligation
	rt.Scope = r.scope(rs, f["scope"].Val, "rating.scope", "")
	r.requiredFacts(rs, rt, f["required"].Val)
	if x := f["currency"].Val; !yamlx.IsNull(x) {
		rt.Currency = r.Str(x, "rating.currency", "currency")
		if rt.Currency != "CNY" {
			r.Errorf(x, "rating.currency", "ruleset.currency", "premiums are in CNY", "unsupported currency %q", rt.Currency)
		}
	}
	tables := map[string]*Table{}
	for i, tn := range r.Seq(f["tables"].Val, "rating.tables", "tables") {
		t := r.table(rs, tn, yamlx.Index("rating.tables", i))
		if t == nil {
			continue
		}
		if _, dup := tables[t.ID]; dup {
			r.Errorf(tn, yamlx.Index("rating.tables", i)+".id", "ruleset.duplicate_id", "give each table its own id; a more local layer replaces a table by using the same id in its own file", "table id %q is used twice", t.ID)
			continue
		}
		tables[t.ID] = t
		rt.Tables = append(rt.Tables, t)
	}
	seen := map[string]int{}
	for i, bn := range r.Seq(f["bases"].Val, "rating.bases", "bases") {
		path := yamlx.Index("rating.bases", i)
		bf, ok := r.Fields(bn, path, "a base", "id", "when", "scope", "text", "table", "rate", "loadings", "formula", "cite", "note", "illustrative", "unverified")
		if !ok {
			continue
		}
		b := &Base{Rule: r.rule(rs, bf, bn, path, ph, seen), Provenance: r.provenance(bf, path)}
		b.Scope = r.scope(rs, bf["scope"].Val, path+".scope", "base "+b.ID)
		b.Text = r.required(bf, bn, "text", path+".text", "add text: the formula in words, e.g. 工程造价 × 基准费率")
		if x := bf["table"].Val; !yamlx.IsNull(x) {
			id := r.Str(x, path+".table", "table")
			b.Table = tables[id]
			if b.Table == nil {
				b.Table = &Table{ID: id, At: r.RangeOf(x)} // resolved against lower layers by the stack
			}
		}
		b.RateExpr = r.newExpr(bf["rate"].Val, path+".rate", ph, lang.TDec)
		if b.Table != nil && b.RateExpr != nil {
			r.Errorf(bf["rate"].Val, path+".rate", "ruleset.rating", "keep one", "a base takes its rate from table: or rate:, not both")
		}
		lseen := map[string]int{}
		for j, ln := range r.Seq(bf["loadings"].Val, path+".loadings", "loadings") {
			lp := yamlx.Index(path+".loadings", j)
			lf, ok := r.Fields(ln, lp, "a loading", "id", "when", "add", "text", "cite", "note", "illustrative", "unverified")
			if !ok {
				continue
			}
			l := &Loading{Rule: r.rule(rs, lf, ln, lp, ph, lseen), Provenance: r.provenance(lf, lp)}
			if x := lf["add"].Val; !yamlx.IsNull(x) {
				l.Add, _ = r.Dec(x, lp+".add", "add")
			} else {
				r.Errorf(ln, lp+".add", "ruleset.missing", `add add: "0.50" for +50% on the base rate`, "a loading needs add:")
			}
			l.Text = r.required(lf, ln, "text", lp+".text", "add text")
			b.Loadings = append(b.Loadings, l)
		}
		b.Formula = r.newExpr(bf["formula"].Val, path+".formula", ph|lang.PhaseRate, lang.TDec)
		if b.Formula == nil {
			r.Errorf(bn, path+".formula", "ruleset.missing", "add formula: e.g. rate * employees", "a base needs formula:")
		}
		rt.Bases = append(rt.Bases, b)
	}
	fseen := map[string]int{}
	for i, fn := range r.Seq(f["factors"].Val, "rating.factors", "factors") {
		if fc := r.factor(rs, fn, yamlx.Index("rating.factors", i), fseen); fc != nil {
			rt.Factors = append(rt.Factors, fc)
		}
	}
	r.removals(rs, rt, f["remove"].Val)
	if x := f["combine"].Val; !yamlx.IsNull(x) {
		cf, ok := r.Fields(x, "rating.combine", "combine", "mode", "cite", "illustrative", "unverified")
		if ok {
			c := &Combine{At: r.RangeOf(x), Ruleset: rs, Provenance: r.provenance(cf, "rating.combine")}
			c.Mode = r.required(cf, x, "mode", "rating.combine.mode", "add mode: multiply, add or add_within_family")
			switch c.Mode {
			case "multiply", "add", "add_within_family":
			case "": // reported as missing
			default:
				r.Errorf(cf["mode"].Val, "rating.combine.mode", "ruleset.rating", "mode is multiply, add or add_within_family", "unknown combine mode %q", c.Mode)
			}
			c.Cite = r.cites(rs, cf["cite"].Val, "rating.combine.cite", ph)
			rt.Combine = c
		}
	}
	if x := f["clamp"].Val; !yamlx.IsNull(x) {
		cf, ok := r.Fields(x, "rating.clamp", "clamp", "min", "max", "scope", "cite", "illustrative", "unverified")
		if ok {
			c := &Clamp{At: r.RangeOf(x), Ruleset: rs, Provenance: r.provenance(cf, "rating.clamp")}
			c.Scope = r.scope(rs, cf["scope"].Val, "rating.clamp.scope", "clamp")
			okMin, okMax := false, false
			if y := cf["min"].Val; !yamlx.IsNull(y) {
				c.Min, okMin = r.Dec(y, "rating.clamp.min", "clamp min")
			}
			if y := cf["max"].Val; !yamlx.IsNull(y) {
				c.Max, okMax = r.Dec(y, "rating.clamp.max", "clamp max")
			}
			if yamlx.IsNull(cf["min"].Val) || yamlx.IsNull(cf["max"].Val) {
				r.Errorf(x, "rating.clamp", "ruleset.missing", `write clamp: {min: "0.70", max: "1.30"} for ±30%`, "clamp needs min and max")
			} else if !okMin || !okMax {
				// reported where the bound is
			} else if c.Max.LessThan(c.Min) || c.Min.IsNegative() {
				r.Errorf(x, "rating.clamp", "ruleset.range", "min ≤ max, both positive coefficients", "clamp [%s, %s] is not a valid range", c.Min, c.Max)
			} else {
				c.Cite = r.cites(rs, cf["cite"].Val, "rating.clamp.cite", ph)
				rt.Clamp = c
			}
		}
	}
	if x := f["minimum"].Val; !yamlx.IsNull(x) {
		mf, ok := r.Fields(x, "rating.minimum", "minimum", "amount", "scope", "cite", "illustrative", "unverified")
		if ok {
			m := &Minimum{At: r.RangeOf(x), Ruleset: rs, Provenance: r.provenance(mf, "rating.minimum")}
			m.Scope = r.scope(rs, mf["scope"].Val, "rating.minimum.scope", "minimum")
			m.Amount = r.newExpr(mf["amount"].Val, "rating.minimum.amount", ph, lang.TDec)
			if m.Amount == nil {
				r.Errorf(x, "rating.minimum.amount", "ruleset.missing", `add amount: "500"`, "minimum needs amount")
			} else {
				m.Cite = r.cites(rs, mf["cite"].Val, "rating.minimum.cite", ph)
				rt.Minimum = m
			}
		}
	}
	if x := f["rounding"].Val; !yamlx.IsNull(x) {
		rf, ok := r.Fields(x, "rating.rounding", "rounding", "scale", "mode", "steps", "cite", "illustrative", "unverified")
		if ok {
			ro := &Rounding{At: r.RangeOf(x), Ruleset: rs, Scale: 2, Mode: "half_up", Steps: []string{"premium"},
				Provenance: r.provenance(rf, "rating.rounding"), Cite: r.cites(rs, rf["cite"].Val, "rating.rounding.cite", ph)}
			if y := rf["scale"].Val; !yamlx.IsNull(y) {
				s, _ := r.Int(y, "rating.rounding.scale", "scale", 0, 6)
				ro.Scale = int32(s)
			}
			if y := rf["mode"].Val; !yamlx.IsNull(y) {
				ro.Mode = r.Str(y, "rating.rounding.mode", "mode")
				switch ro.Mode {
				case "half_up", "half_even", "down":
				default:
					r.Errorf(y, "rating.rounding.mode", "ruleset.rating", "mode is half_up, half_even or down", "unknown rounding mode %q", ro.Mode)
				}
			}
			if y := rf["steps"].Val; !yamlx.IsNull(y) {
				ro.Steps = nil
				for j, s := range r.Strs(y, "rating.rounding.steps", "steps") {
					switch s {
					case "base", "adjustment", "premium":
						ro.Steps = append(ro.Steps, s)
					default:
						r.Errorf(y.Content[j], yamlx.Index("rating.rounding.steps", j), "ruleset.rating", "steps are base, adjustment and premium", "unknown rounding step %q", s)
					}
				}
				if !ro.HasStep("premium") {
					ro.Steps = append(ro.Steps, "premium")
				}
			}
			rt.Rounding = ro
		}
	}
	if x := f["prevention_cap"].Val; !yamlx.IsNull(x) {
		pf, ok := r.Fields(x, "rating.prevention_cap", "prevention_cap", "when", "share", "cite")
		if ok {
			pc := &PreventionCap{At: r.RangeOf(x), Ruleset: rs, When: r.newExpr(pf["when"].Val, "rating.prevention_cap.when", ph, lang.TBool)}
			if y := pf["share"].Val; !yamlx.IsNull(y) {
				pc.Share, _ = r.Dec(y, "rating.prevention_cap.share", "share")
			} else {
				r.Errorf(x, "rating.prevention_cap.share", "ruleset.missing", `add share: "0.21"`, "prevention_cap needs share")
			}
			if pc.Share.IsNegative() || pc.Share.GreaterThan(decimal.NewFromInt(1)) {
				r.Errorf(pf["share"].Val, "rating.prevention_cap.share", "ruleset.range", "a share lies between 0 and 1", "share %s is out of range", pc.Share)
			}
			pc.Cite = r.cites(rs, pf["cite"].Val, "rating.prevention_cap.cite", ph)
			rt.PreventionCap = pc
		}
	}
	for j, cn := range r.Seq(f["caveats"].Val, "rating.caveats", "caveats") {
		cp := yamlx.Index("rating.caveats", j)
		cf, ok := r.Fields(cn, cp, "a caveat", "when", "text")
		if !ok {
			continue
		}
		cv := &Caveat{At: r.RangeOf(cn), When: r.newExpr(cf["when"].Val, cp+".when", ph, lang.TBool)}
		cv.Text = r.required(cf, cn, "text", cp+".text", "add text")
		rt.Caveats = append(rt.Caveats, cv)
	}
	return rt
}

func (r *reader) factor(rs *Ruleset, fn *yaml.Node, path string, seen map[string]int) *Factor {
	ff, ok := r.Fields(fn, path, "a factor", "id", "family", "title", "unit", "pick", "cases", "default", "assume", "scope", "cite", "note", "illustrative", "unverified")
	if !ok {
		return nil
	}
	fc := &Factor{At: r.RangeOf(fn), Ruleset: rs, Provenance: r.provenance(ff, path), Unit: "coefficient", Pick: "first"}
	fc.ID = r.required(ff, fn, "id", path+".id", "add id")
	fc.Scope = r.scope(rs, ff["scope"].Val, path+".scope", "factor "+fc.ID)
	r.idLen(ff["id"].Val, path+".id", "factor", fc.ID)
	if fc.ID != "" {
		if line, dup := seen[fc.ID]; dup {
			r.Errorf(ff["id"].Val, path+".id", "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "factor id %q is used twice", fc.ID)
		}
		seen[fc.ID] = fn.Line
	}
	fc.Title = r.required(ff, fn, "title", path+".title", "add title: the factor's name")
	fc.Family = fc.ID
	if x := ff["family"].Val; !yamlx.IsNull(x) {
		fc.Family = r.Str(x, path+".family", "family")
	}
	if x := ff["unit"].Val; !yamlx.IsNull(x) {
		fc.Unit = r.Str(x, path+".unit", "unit")
		if fc.Unit != "coefficient" && fc.Unit != "percent" {
			r.Errorf(x, path+".unit", "ruleset.rating", `unit is coefficient ("1.10") or percent ("0.10" = +10%)`, "unknown factor unit %q", fc.Unit)
		}
	}
	if x := ff["pick"].Val; !yamlx.IsNull(x) {
		fc.Pick = r.Str(x, path+".pick", "pick")
		if fc.Pick != "first" && fc.Pick != "highest" && fc.Pick != "lowest" {
			r.Errorf(x, path+".pick", "ruleset.rating", "pick is first (ordered cases), highest or lowest (按高靠，不累加)", "unknown pick %q", fc.Pick)
		}
	}
	fc.Cite = r.cites(rs, ff["cite"].Val, path+".cite", lang.PhaseObligation)
	if x := ff["note"].Val; !yamlx.IsNull(x) {
		fc.Note = r.Str(x, path+".note", "note")
	}
	cseen := map[string]int{}
	for j, cn := range r.Seq(ff["cases"].Val, path+".cases", "cases") {
		if c := r.factorCase(rs, cn, yamlx.Index(path+".cases", j), cseen, false); c != nil {
			fc.Cases = append(fc.Cases, c)
		}
	}
	if x := ff["default"].Val; !yamlx.IsNull(x) {
		fc.Default = r.factorCase(rs, x, path+".default", cseen, true)
	} else {
		r.Errorf(fn, path+".default", "ruleset.missing", `add default: {value: "1.00", reason: "…"}; the default must be explicit`, "factor %s needs a default", fc.ID)
	}
	if len(fc.Cases) == 0 {
		r.Errorf(fn, path+".cases", "ruleset.missing", "add cases: [{when: …, value: …, reason: …}]", "factor %s has no cases", fc.ID)
	}
	if x := ff["assume"].Val; !yamlx.IsNull(x) {
		fc.Assume = r.Str(x, path+".assume", "assume")
		fc.AssumeAt = r.RangeOf(x)
		if fc.Assume != "" && fc.AssumedCase() == nil {
			ids := []string{"default"}
			for i, c := range fc.Cases {
				ids = append(ids, caseID(c, i))
			}
			hint := "cases: " + strings.Join(ids, ", ")
			if sg := suggest.Closest(fc.Assume, ids); sg != "" {
				hint = fmt.Sprintf("did you mean %q?", sg)
			}
			r.Errorf(x, path+".assume", "ruleset.assume", hint, "factor %s assumes case %q, which it does not have", fc.ID, fc.Assume)
		}
	}
	return fc
}

// caseID is a case's id as answers name it: its own, or case-N.
func caseID(c *Case, i int) string {
	if c.ID != "" {
		return c.ID
	}
	return fmt.Sprintf("case-%d", i+1)
}

// scope reads a scope: {sectors: [...], when: ...}; what names the item it
// limits ("" for the layer).
func (r *reader) scope(rs *Ruleset, v *yaml.Node, path, what string) *Scope {
	if yamlx.IsNull(v) {
		return nil
	}
	f, ok := r.Fields(v, path, "a scope", "sectors", "when")
	if !ok {
		return nil
	}
	s := &Scope{At: r.RangeOf(v), What: what, Ruleset: rs}
	if x := f["sectors"].Val; x != nil {
		s.Sectors = r.Strs(x, path+".sectors", "sectors")
		if len(s.Sectors) == 0 && x.Kind == yaml.SequenceNode {
			r.Errorf(x, path+".sectors", "ruleset.scope", "list the sector codes the scope admits, e.g. [coal_mine]", "sectors: [] admits no enterprise")
			return nil
		}
		s.sectorNodes = x
	}
	s.When = r.newExpr(f["when"].Val, path+".when", lang.PhaseObligation, lang.TBool)
	if len(s.Sectors) == 0 && s.When == nil {
		if len(f) == 0 {
			r.Errorf(v, path, "ruleset.scope", "write scope: {sectors: [coal_mine]} or scope: {when: <condition>}", "a scope needs sectors: or when:")
		}
		return nil
	}
	return s
}

// removals reads remove: a list of factor ids, or of mappings that remove a
// factor, the clamp or the minimum premium, each with an optional scope and
// citation.
func (r *reader) removals(rs *Ruleset, rt *Rating, v *yaml.Node) {
	seen := map[string]int{}
	for i, it := range r.Seq(v, "rating.remove", "remove") {
		path := yamlx.Index("rating.remove", i)
		m := &Removal{At: r.RangeOf(it), Ruleset: rs, path: path}
		if it.Kind == yaml.ScalarNode && !yamlx.IsNull(it) {
			m.Factor = r.Str(it, path, "a factor id")
		} else {
			f, ok := r.Fields(it, path, "a removal", "factor", "clamp", "minimum", "scope", "cite", "note")
			if !ok {
				continue
			}
			n := 0
			if x := f["factor"].Val; x != nil {
				m.Factor = r.Str(x, path+".factor", "factor")
				n++
			}
			for _, k := range []string{"clamp", "minimum"} {
				x := f[k].Val
				if x == nil {
					continue
				}
				n++
				if b, ok := r.Bool(x, path+"."+k, k); ok && !b {
					r.Errorf(x, path+"."+k, "ruleset.remove", "write "+k+": true to remove it, or delete the entry", "%s: false removes nothing", k)
				} else if ok {
					m.Clamp, m.Minimum = m.Clamp || k == "clamp", m.Minimum || k == "minimum"
				}
			}
			if n != 1 {
				r.Errorf(it, path, "ruleset.remove", "each entry removes one thing: {factor: <id>}, {clamp: true} or {minimum: true}", "a removal names exactly one of factor, clamp and minimum")
				continue
			}
			if x := f["note"].Val; x != nil {
				m.Note = r.Str(x, path+".note", "note")
			}
			m.Cite = r.cites(rs, f["cite"].Val, path+".cite", lang.PhaseObligation)
			m.Scope = r.scope(rs, f["scope"].Val, path+".scope", "remove "+strings.TrimPrefix(m.What(), "factor "))
		}
		if !m.Clamp && !m.Minimum && m.Factor == "" {
			continue // reported by Str
		}
		key := m.What()
		if line, dup := seen[key]; dup && m.Scope == nil {
			r.Errorf(it, path, "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "%s is removed twice", key)
			continue
		}
		seen[key] = it.Line
		if m.Factor != "" {
			rt.Remove = append(rt.Remove, m.Factor)
		}
		rt.Removals = append(rt.Removals, m)
	}
}

// requiredFacts reads required: the facts a quote cannot go without.
func (r *reader) requiredFacts(rs *Ruleset, rt *Rating, v *yaml.Node) {
	seen := map[string]bool{}
	for i, it := range r.Seq(v, "rating.required", "required") {
		path := yamlx.Index("rating.required", i)
		name := r.Str(it, path, "a fact")
		if name == "" {
			continue
		}
		if !factPathPattern.MatchString(name) {
			r.Errorf(it, path, "ruleset.required", "name a fact, e.g. risk_level or policy.death_limit", "%q is not the name of a fact", name)
			continue
		}
		if seen[name] {
			r.Errorf(it, path, "ruleset.duplicate_id", "keep one", "%s is required twice", name)
			continue
		}
		seen[name] = true
		rt.Required = append(rt.Required, &RequiredFact{Name: name, At: r.RangeOf(it), Ruleset: rs,
			Expr: r.newExpr(it, path, lang.PhaseObligation, nil)})
	}
}

var factPathPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

func (r *reader) factorCase(rs *Ruleset, cn *yaml.Node, path string, seen map[string]int, isDefault bool) *Case {
	keys := []string{"id", "when", "value", "reason", "cite", "illustrative", "unverified"}
	if isDefault {
		keys = []string{"id", "value", "reason", "cite", "illustrative", "unverified"}
	}
	cf, ok := r.Fields(cn, path, "a factor case", keys...)
	if !ok {
		return nil
	}
	c := &Case{At: r.RangeOf(cn), Provenance: r.provenance(cf, path)}
	if x := cf["id"].Val; !yamlx.IsNull(x) {
		c.ID = r.Str(x, path+".id", "id")
		r.idLen(x, path+".id", "case", c.ID)
	} else if isDefault {
		c.ID = "default"
	}
	if c.ID != "" {
		if line, dup := seen[c.ID]; dup {
			r.Errorf(cn, path+".id", "ruleset.duplicate_id", fmt.Sprintf("the first is on line %d", line), "case id %q is used twice", c.ID)
		}
		seen[c.ID] = cn.Line
	}
	if !isDefault {
		c.When = r.newExpr(cf["when"].Val, path+".when", lang.PhaseObligation, lang.TBool)
		if c.When == nil {
			r.Errorf(cn, path+".when", "ruleset.missing", "add when: the condition; use default: for the fallback", "a case needs when:")
		}
	}
	c.Value = r.newExpr(cf["value"].Val, path+".value", lang.PhaseObligation, lang.TDec)
	if c.Value == nil {
		r.Errorf(cn, path+".value", "ruleset.missing", `add value: "1.10" (or an expression)`, "a case needs value:")
	}
	c.Reason = r.required(cf, cn, "reason", path+".reason", "add reason: why this value applies, in words")
	c.Cite = r.cites(rs, cf["cite"].Val, path+".cite", lang.PhaseObligation)
	return c
}

func (r *reader) table(rs *Ruleset, tn *yaml.Node, path string) *Table {
	tf, ok := r.Fields(tn, path, "a table", "id", "title", "unit", "dims", "rows", "cite", "note", "illustrative", "unverified")
	if !ok {
		return nil
	}
	t := &Table{At: r.RangeOf(tn), Ruleset: rs, Provenance: r.provenance(tf, path), Unit: "coefficient"}
	t.ID = r.required(tf, tn, "id", path+".id", "add id")
	r.idLen(tf["id"].Val, path+".id", "table", t.ID)
	t.Title = r.required(tf, tn, "title", path+".title", "add title")
	if x := tf["unit"].Val; !yamlx.IsNull(x) {
		t.Unit = r.Str(x, path+".unit", "unit")
		switch t.Unit {
		case "coefficient", "percent", "permille", "amount":
		default:
			r.Errorf(x, path+".unit", "ruleset.rating", "unit is coefficient, percent, permille or amount", "unknown table unit %q", t.Unit)
		}
	}
	t.Cite = r.cites(rs, tf["cite"].Val, path+".cite", lang.PhaseObligation)
	if x := tf["note"].Val; !yamlx.IsNull(x) {
		t.Note = r.Str(x, path+".note", "note")
	}
	dimSeen := map[string]bool{}
	for i, dn := range r.Seq(tf["dims"].Val, path+".dims", "dims") {
		dp := yamlx.Index(path+".dims", i)
		df, ok := r.Fields(dn, dp, "a dimension", "name", "by", "bands")
		if !ok {
			continue
		}
		d := &Dim{At: r.RangeOf(dn)}
		d.Name = r.required(df, dn, "name", dp+".name", "add name")
		if dimSeen[d.Name] {
			r.Errorf(df["name"].Val, dp+".name", "ruleset.duplicate_id", "give each dimension of a table its own name", "dimension %q is used twice", d.Name)
		}
		dimSeen[d.Name] = true
		d.By = r.newExpr(df["by"].Val, dp+".by", lang.PhaseObligation, nil)
		if d.By == nil {
			r.Errorf(dn, dp+".by", "ruleset.missing", "add by: the value the table is looked up by", "a dimension needs by:")
		}
		bseen := map[string]bool{}
		for j, bn := range r.Seq(df["bands"].Val, dp+".bands", "bands") {
			bp := yamlx.Index(dp+".bands", j)
			bf, ok := r.Fields(bn, bp, "a band", "id", "range", "label")
			if !ok {
				continue
			}
			b := &Band{At: r.RangeOf(bn)}
			b.ID = r.required(bf, bn, "id", bp+".id", "add id")
			r.idLen(bf["id"].Val, bp+".id", "band", b.ID)
			if bseen[b.ID] {
				r.Errorf(bf["id"].Val, bp+".id", "ruleset.duplicate_id", "give each band of a dimension its own id", "band id %q is used twice", b.ID)
			}
			bseen[b.ID] = true
			if x := bf["label"].Val; !yamlx.IsNull(x) {
				b.Label = r.Str(x, bp+".label", "label")
			}
			rg := r.required(bf, bn, "range", bp+".range", `add range: "(5000000, 30000000]" ([ ] include the edge, ( ) exclude it)`)
			if rg != "" {
				if msg := parseInterval(rg, b); msg != "" {
					r.Errorf(bf["range"].Val, bp+".range", "ruleset.band", `write an interval such as "[0, 5000000]", "(5000000, 30000000]" or "(80000000, +inf)"`, "band range %q %s", rg, msg)
				}
			}
			d.Bands = append(d.Bands, b)
		}
		t.Dims = append(t.Dims, d)
	}
	if len(t.Dims) == 0 {
		r.Errorf(tn, path+".dims", "ruleset.missing", "add dims: [{name: …, by: …}]", "a table needs at least one dimension")
	}
	for i, rn := range r.Seq(tf["rows"].Val, path+".rows", "rows") {
		rp := yamlx.Index(path+".rows", i)
		keys := []string{"value"}
		for _, d := range t.Dims {
			keys = append(keys, d.Name)
		}
		rf, ok := r.Fields(rn, rp, "a row", keys...)
		if !ok {
			continue
		}
		row := &Row{At: r.RangeOf(rn), Index: i}
		good := true
		for _, d := range t.Dims {
			x := rf[d.Name].Val
			if yamlx.IsNull(x) {
				r.Errorf(rn, rp+"."+d.Name, "ruleset.missing", "every row gives a key for every dimension", "row has no %s", d.Name)
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
					if s := suggest.Closest(x.Value, ids); s != "" {
						hint = fmt.Sprintf("did you mean %q?", s)
					}
					r.Errorf(x, rp+"."+d.Name, "ruleset.band", hint, "unknown band %q of %s", x.Value, d.Name)
					good = false
				}
			} else {
				switch x.Tag {
				case "!!int":
					k.Kind = "int"
					k.Int, _ = r.Int(x, rp+"."+d.Name, d.Name, -yamlx.MaxInt, yamlx.MaxInt)
					k.Dec = decimal.NewFromInt(int64(k.Int))
				case "!!float":
					k.Kind = "decimal"
					k.Dec, _ = r.Dec(x, rp+"."+d.Name, d.Name)
				case "!!bool":
					k.Kind = "bool"
					k.Bool = x.Value == "true"
				default:
					k.Kind = "string"
				}
			}
			row.Keys = append(row.Keys, k)
		}
		if vx := rf["value"].Val; !yamlx.IsNull(vx) {
			row.Value, _ = r.Dec(vx, rp+".value", "value")
		} else {
			r.Errorf(rn, rp+".value", "ruleset.missing", "add value", "row has no value")
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
		d, msg := yamlx.ParseDecimal(lo)
		if msg != "" {
			return "has a lower bound that " + msg
		}
		b.Lo = &d
		b.LoIncl = open == '['
	} else if open == '[' {
		return "cannot include -inf"
	}
	if hi != "+inf" && hi != "inf" {
		d, msg := yamlx.ParseDecimal(hi)
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
func readRulesetDate(r *reader, n *yaml.Node, path, what string) (facts.Date, bool) {
	return yamlx.Date(r.Reader, n, path, what, facts.ParseDate, facts.MinDate, facts.MaxDate)
}

// reader reads ruleset documents: the shared YAML reader with the
// rulesets' own readers.
type reader struct {
	*yamlx.Reader
	// nulls records the keys reported as null, by their mapping, so that
	// the key is not also reported as missing.
	nulls map[*yaml.Node][]string
}

// Fields is the shared reader's Fields, and more: nothing in a ruleset is
// silently ignored, so a key whose value is null (key: null, key: ~, or a
// key with nothing after it) is an error at the key — the loader would not
// act on it, and a reader of the file would think it did (clamp: null does
// not remove an inherited clamp). Such keys are left out of the map.
func (r *reader) Fields(n *yaml.Node, path string, what string, allowed ...string) (map[string]yamlx.Field, bool) {
	out, ok := r.Reader.Fields(n, path, what, allowed...)
	if !ok || n == nil {
		return out, ok
	}
	for i := 0; i+1 < len(n.Content); i += 2 { // in document order
		name := n.Content[i].Value
		f, kept := out[name]
		if !kept || f.Key != n.Content[i] || !yamlx.IsNull(f.Val) {
			continue
		}
		delete(out, name)
		if r.nulls == nil {
			r.nulls = map[*yaml.Node][]string{}
		}
		r.nulls[n] = append(r.nulls[n], name)
		r.Reader.Errorf(f.Key, yamlx.Join(path, name), "ruleset.null", nullHint(path, name), "%s is null: the loader does not act on it", name)
	}
	return out, ok
}

// nullHint says what to write instead of a null key.
func nullHint(path, name string) string {
	if path == "rating" && (name == "clamp" || name == "minimum") {
		return "to remove a lower layer's " + name + " write remove: [{" + name + ": true}]; otherwise give a value or delete the key"
	}
	return "give it a value, or delete the key"
}

// Errorf reports an error, except that a key already reported as null is
// not reported again as missing.
func (r *reader) Errorf(n *yaml.Node, path, code, hint, format string, args ...any) *diag.Diagnostic {
	if code == "ruleset.missing" && n != nil && r.nulls != nil {
		key := path
		if i := strings.LastIndexByte(path, '.'); i >= 0 {
			key = path[i+1:]
		}
		if slices.Contains(r.nulls[n], key) {
			return &diag.Diagnostic{Severity: diag.SeverityError, Code: code}
		}
	}
	return r.Reader.Errorf(n, path, code, hint, format, args...)
}

// Bounds on one expression, checked when it is compiled.
const (
	// MaxExprLen bounds the length of one expression's text.
	MaxExprLen = lang.MaxExprLen
	// MaxExprNodes bounds the size of one expression's tree.
	MaxExprNodes = lang.MaxExprNodes
)
