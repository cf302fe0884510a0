package lang

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/anzexian/anzexian/internal/yamlx"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/parser/lexer"
	"github.com/expr-lang/expr/types"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// Expr is an expression of the rule language: expr-lang syntax, typed against
// the facts, compiled once to a closure. Numeric literals are exact decimals
// and arithmetic on decimals never goes through float64.
type Expr struct {
	// Src is the expression text and At where it is in its file.
	Src string
	At  diag.Range

	Node    *yaml.Node
	FileSrc []byte
	tree    *parser.Tree
	Type    *Type
	Phase   Phase
	Item    *Type
	Want    *Type
	// lit is set when the expression is a plain decimal literal ("1.10").
	lit *decimal.Decimal
	// refs are the declared names (lets and extra facts) it reads.
	refs []string
	// roots are the core facts it reads.
	roots []string
	// compiled is the load-time compilation (provisional name resolution);
	// stacks recompile with their slots.
	compiled cval
	// boolFn is compiled.fn when the expression is a condition (Bool
	// calls it without asserting its type).
	boolFn func(*Eval) bool
	// cmp is the comparison the condition is, when it compares a value
	// with a constant (NewSwitch).
	cmp *constCmp
	// degree is what Degree returns.
	degree int
	// missing is the last error the expression gave for missing facts
	// alone (Eval.result): shared by the answers it makes undetermined
	// while the same facts are missing, as errors and their lists are
	// read-only.
	missing atomic.Pointer[EvalError]
}

// Degree is the power of the size of the facts' lists that the work of
// evaluating e grows with: 0 for an expression that visits no list, 1 for
// one that visits lists (any(accidents, …)), 2 for a predicate over a list
// inside a predicate over a list, and so on. Lets are evaluated once an
// enterprise, so a let read inside a predicate adds nothing.
func (e *Expr) Degree() int {
	if e == nil {
		return 0
	}
	return e.degree
}

func (e *Expr) String() string { return e.Src }

// Literal returns the value of an expression that is a plain decimal literal.
func (e *Expr) Literal() (decimal.Decimal, bool) {
	if e == nil || e.lit == nil {
		return decimal.Decimal{}, false
	}
	return *e.lit, true
}

// Refs returns the declared names (lets and ruleset facts) e reads, and Roots
// the core facts.
func (e *Expr) Refs() []string  { return e.refs }
func (e *Expr) Roots() []string { return e.roots }

// ReadsOnlyItem reports whether e reads nothing but the item it is
// evaluated for (a penalty rule's occurrence): no fact, derived value,
// declared name, the as-of date or the obligation, and calls only pure
// functions (date(), arithmetic, comparisons …). With items whose fields
// are their own values (ItemsReadAlike), such an expression has the same
// value for an item whatever the Eval's stack and date: the penalties
// compare the law of two days without moving between them for it.
func (e *Expr) ReadsOnlyItem() bool {
	if e == nil || e.tree == nil {
		return false
	}
	callees := map[*ast.IdentifierNode]bool{}
	ast.Find(e.tree.Node, func(x ast.Node) bool {
		if c, ok := x.(*ast.CallNode); ok {
			if id, ok := c.Callee.(*ast.IdentifierNode); ok {
				if f := Functions[id.Value]; f != nil && f.pure {
					callees[id] = true
				}
			}
		}
		return false
	})
	pure := true
	ast.Find(e.tree.Node, func(x ast.Node) bool {
		if id, ok := x.(*ast.IdentifierNode); ok && id.Value != "item" && !callees[id] {
			pure = false
		}
		return false
	})
	return pure
}

// ItemsReadAlike reports whether e is a list of objects (a penalty rule's
// each:) whose every field is the object's own value (an accident's date,
// deaths, grade …), read the same whatever the Eval's stack and date.
func (e *Expr) ItemsReadAlike() bool {
	return e != nil && e.Type != nil && e.Type.Kind == KList && e.Type.Elem != nil && e.Type.Elem.Kind == KObj && e.Type.Elem.Obj.evalFree
}

// MayBeMissing reports whether e reads an optional value that may not be
// given (a missing fact is undetermined, never zero): what x != nil can
// test.
func (e *Expr) MayBeMissing() bool { return e != nil && e.compiled.present != nil }

// AST returns the checked expression tree, or nil when e did not compile.
func (e *Expr) AST() ast.Node {
	if e == nil || e.tree == nil {
		return nil
	}
	return e.tree.Node
}

// Const returns the value of an expression that compiled to a constant.
func (e *Expr) Const() (any, bool) {
	if e == nil || !e.compiled.isConst {
		return nil, false
	}
	return e.compiled.cv, true
}

// ConstDec returns the value of an expression that compiled to a constant
// number.
func (e *Expr) ConstDec() (decimal.Decimal, bool) {
	v, ok := e.Const()
	if !ok {
		return decimal.Decimal{}, false
	}
	switch x := v.(type) {
	case decimal.Decimal:
		return x, true
	case int:
		return decimal.NewFromInt(int64(x)), true
	}
	return decimal.Decimal{}, false
}

// MaxExprNodes bounds the size of one expression.
const MaxExprNodes = 2000

// MaxExprLen bounds the length of one expression's text.
const MaxExprLen = 8000

// declInfo is a name declared by a ruleset: a let or an extra fact.
type Decl struct {
	Name string
	Type *Type
	// isLet: a let; otherwise a declared fact, with its codes and whether
	// it has a default (then it is never missing).
	IsLet      bool
	Codes      []string
	HasDefault bool
	// owner is who declared it (a *rulesets.Ruleset); the checker only
	// compares it.
	Owner any
}

// checkEnv is the environment a ruleset's expressions are typed in: the core
// facts, the engine's values, and the names declared by the ruleset and by
// the rulesets that can stack below it.
type Env struct {
	Owner  any // the ruleset whose expressions are checked
	Decls  map[string]*Decl
	Vocabs map[string]facts.Vocabulary
}

func (e *Env) decl(name string) *Decl {
	if e == nil {
		return nil
	}
	return e.Decls[name]
}

func (e *Env) vocab(name string) facts.Vocabulary {
	if strings.HasPrefix(name, "fact:") {
		if d := e.Decls[name[5:]]; d != nil && !d.IsLet {
			var v facts.Vocabulary
			for _, c := range d.Codes {
				v = append(v, facts.Code{Code: c, Label: c})
			}
			return v
		}
		return nil
	}
	if v, ok := e.Vocabs[name]; ok {
		return v
	}
	v, _ := facts.CoreVocabulary(name)
	return v
}

func (e *Env) suggestName(name string) string {
	var names []string
	for _, r := range rootFields {
		names = append(names, r.name)
	}
	for n := range e.Decls {
		names = append(names, n)
	}
	for _, f := range Functions {
		names = append(names, f.name)
	}
	if s := suggest.Closest(name, names); s != "" {
		return fmt.Sprintf("did you mean %s?", s)
	}
	return "names are core facts (employees, sectors, policy …), the ruleset's let: and facts:, and as_of, insured"
}

// typesMap is the environment the expr checker sees for an expression
// whose identifiers are names: the core facts and, of the declared names,
// only those it mentions. A ruleset's lets and facts are declared once
// (thousands of lets are allowed), so handing the checker all of them for
// every expression would make loading grow with their square.
func (e *Env) typesMap(item *Type, ph Phase, names map[string]bool) types.Map {
	m := types.Map{}
	for _, r := range rootFields {
		m[r.name] = types.TypeOf(reflect.Zero(viewType(r.t)).Interface())
	}
	for n := range names {
		if d := e.decl(n); d != nil {
			m[n] = types.TypeOf(reflect.Zero(viewType(d.Type)).Interface())
		}
	}
	// item and rate are always declared so that, used out of place, the
	// compiler can say where they are defined instead of "unknown name".
	if item != nil {
		m["item"] = types.TypeOf(reflect.Zero(viewType(item)).Interface())
	} else {
		m["item"] = types.Any
	}
	m["rate"] = types.TypeOf(decimal.Decimal{})
	return m
}

// exprOptions are the options every rule expression is checked with.
func exprOptions(src []rune, lits *[]*compileError) []expr.Option {
	opts := []expr.Option{
		expr.MaxNodes(MaxExprNodes),
		expr.Patch(&literalPatch{src: src, errs: lits}),
		expr.Patch(&promotePatch{}),
		expr.Patch(&memberPatch{errs: lits}),
		expr.Patch(&negPatch{}),
	}
	for _, f := range Functions {
		opts = append(opts, expr.Function(f.name, vmOnly(f.name), f.checkTypes()...))
	}
	for op, fns := range map[string][]string{
		"+": {"dec_add"}, "-": {"dec_sub"}, "*": {"dec_mul"}, "/": {"dec_div"},
		"<": {"dec_lt", "date_lt"}, "<=": {"dec_le", "date_le"}, ">": {"dec_gt", "date_gt"}, ">=": {"dec_ge", "date_ge"},
		"==": {"dec_eq", "date_eq"}, "!=": {"dec_ne", "date_ne"},
	} {
		opts = append(opts, expr.Operator(op, fns...))
	}
	return opts
}

// vmOnly is the implementation expr's own VM would call. Rules never run on
// expr's VM (they compile to closures), so reaching it is a bug.
func vmOnly(name string) func(...any) (any, error) {
	return func(...any) (any, error) {
		return nil, fmt.Errorf("rulesets: %s is compiled to a closure and cannot run on expr's VM", name)
	}
}

// literalPatch turns numeric literals with a fraction into exact decimal
// constants, read from their source text (expr parses them as float64), and
// folds a minus sign into the literal.
type literalPatch struct {
	src  []rune
	errs *[]*compileError
}

func (p *literalPatch) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.FloatNode:
		loc := x.Location()
		if loc.From < 0 || loc.To > len(p.src) || loc.From >= loc.To {
			*p.errs = append(*p.errs, &compileError{node: x, msg: "cannot read this number exactly"})
			return
		}
		text := string(p.src[loc.From:loc.To])
		d, msg := yamlx.ParseDecimal(text)
		if msg != "" {
			*p.errs = append(*p.errs, &compileError{node: x, msg: fmt.Sprintf("number %s %s", text, msg)})
			return
		}
		c := &ast.ConstantNode{Value: d}
		ast.Patch(n, c)
		c.SetType(reflect.TypeOf(d))
	case *ast.UnaryNode:
		if x.Operator != "-" {
			return
		}
		if c, ok := x.Node.(*ast.ConstantNode); ok {
			if d, ok := c.Value.(decimal.Decimal); ok {
				nc := &ast.ConstantNode{Value: d.Neg()}
				ast.Patch(n, nc)
				nc.SetType(reflect.TypeOf(d))
			}
		}
	}
}

// promotePatch turns whole-number literals into decimals where they sit
// next to decimals: in a list literal ([1, 2.5]), on the left of in over
// such a list, and among the arguments of max and min. expr would
// otherwise reject the mix.
type promotePatch struct{}

var decType = reflect.TypeOf(decimal.Decimal{})

func isDecConst(n ast.Node) bool {
	c, ok := n.(*ast.ConstantNode)
	if !ok {
		return false
	}
	_, ok = c.Value.(decimal.Decimal)
	return ok
}

var intType = reflect.TypeOf(0)

// promote turns an int-valued node into a decimal one: a literal becomes a
// decimal constant, any other int expression is wrapped in decimal().
func promote(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.IntegerNode:
		c := &ast.ConstantNode{Value: decimal.NewFromInt(int64(x.Value))}
		ast.Patch(n, c)
		c.SetType(decType)
	default:
		if (*n).Type() == intType {
			inner := *n
			call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: "decimal"}, Arguments: []ast.Node{inner}}
			ast.Patch(n, call)
			call.SetType(decType)
		}
	}
}

func promoteList(nodes []ast.Node) bool {
	anyDec := false
	for _, x := range nodes {
		if isDecConst(x) || x.Type() == decType {
			anyDec = true
		}
	}
	if anyDec {
		for i := range nodes {
			promote(&nodes[i])
		}
	}
	return anyDec
}

func (promotePatch) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.ArrayNode:
		promoteList(x.Nodes)
	case *ast.BinaryNode:
		switch x.Operator {
		case "in":
			if arr, ok := x.Right.(*ast.ArrayNode); ok && promoteList(arr.Nodes) {
				promote(&x.Left)
			}
		case "??":
			// a decimal fact with a whole-number default: (annual_revenue ?? 0)
			if x.Left.Type() == decType {
				promote(&x.Right)
			} else if x.Right.Type() == decType || isDecConst(x.Right) {
				promote(&x.Left)
			}
		}
	case *ast.CallNode:
		if id, ok := x.Callee.(*ast.IdentifierNode); ok {
			switch id.Value {
			case "max", "min":
				promoteList(x.Arguments)
			case "round", "abs":
				if len(x.Arguments) > 0 && id.Value == "round" {
					promote(&x.Arguments[0])
				}
			}
		}
	}
}

// memberPatch reports access to a field an object does not have, naming
// the object and suggesting the field meant (expr's own message would
// print the checker's view type).
type memberPatch struct{ errs *[]*compileError }

func (p *memberPatch) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	prop, ok := m.Property.(*ast.StringNode)
	if !ok {
		return
	}
	bt := m.Node.Type()
	if bt == nil {
		return
	}
	if bt.Kind() == reflect.Slice {
		return
	}
	o := typeOfView(bt)
	if o.Kind != KObj || o.Obj.byName[prop.Value] != nil {
		return
	}
	names := make([]string, len(o.Obj.fields))
	for i, f := range o.Obj.fields {
		names[i] = f.name
	}
	hint := "fields: " + strings.Join(names, ", ")
	if s := suggest.Closest(prop.Value, names); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	for _, e := range *p.errs {
		if e.node == m {
			return
		}
	}
	*p.errs = append(*p.errs, &compileError{node: m, msg: fmt.Sprintf("%s has no field %s", o.Obj.name, prop.Value), hint: hint})
}

// negPatch rewrites unary minus on a decimal into dec_neg (expr cannot
// overload unary operators). It repeats until the tree stops changing, like
// expr's operator overloading.
type negPatch struct{ applied bool }

func (p *negPatch) Visit(n *ast.Node) {
	u, ok := (*n).(*ast.UnaryNode)
	if !ok || u.Operator != "-" {
		return
	}
	if u.Node.Type() == reflect.TypeOf(decimal.Decimal{}) {
		call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: "dec_neg"}, Arguments: []ast.Node{u.Node}}
		ast.Patch(n, call)
		call.SetType(reflect.TypeOf(decimal.Decimal{}))
		p.applied = true
	}
}

func (p *negPatch) Reset()             { p.applied = false }
func (p *negPatch) ShouldRepeat() bool { return p.applied }

// check parses and type-checks e in env and compiles it with res. It
// reports every problem as a diagnostic of r.
func (e *Expr) Check(r *yamlx.Reader, env *Env, res Resolver) bool {
	if e == nil {
		return true
	}
	if len(e.Src) > MaxExprLen {
		e.Diag(r, -1, -1, "expr.too_large", "", fmt.Sprintf("expression is %d characters long; the limit is %d", len(e.Src), MaxExprLen), nil)
		return false
	}
	if strings.TrimSpace(e.Src) == "" {
		e.Diag(r, -1, -1, "expr.syntax", "write an expression, e.g. true", "expression is empty", nil)
		return false
	}
	if d, msg := yamlx.ParseDecimal(e.Src); msg == "" {
		e.lit = &d
	}
	src := []rune(e.Src)
	var litErrs []*compileError
	cfg := conf.CreateNew()
	for _, o := range exprOptions(src, &litErrs) {
		o(cfg)
	}
	expr.Env(env.typesMap(e.Item, e.Phase, identifiers(e.Src)))(cfg)
	cfg.Check()
	tree, err := parser.ParseWithConfig(e.Src, cfg)
	if err != nil {
		if !e.nodeLimit(r, err) {
			e.exprErr(r, err, "expr.syntax", "")
		}
		return false
	}
	if e.clockCalls(r, tree.Node) {
		return false
	}
	_, err = new(checker.Checker).PatchAndCheck(tree, cfg)
	if e.nodeLimit(r, err) {
		return false
	}
	for _, le := range litErrs {
		loc := le.node.Location()
		code := "expr.decimal"
		if strings.Contains(le.msg, "has no field") {
			code = "expr.type"
		}
		e.Diag(r, loc.From, loc.To, code, le.hint, le.msg, nil)
	}
	if len(litErrs) > 0 {
		return false
	}
	if err != nil {
		code, hint := "expr.type", ""
		msg := err.Error()
		switch {
		case strings.Contains(msg, "unknown name"):
			code = "expr.unknown_name"
			name := strings.TrimSpace(strings.SplitN(strings.TrimPrefix(firstLine(msg), "unknown name "), " ", 2)[0])
			hint = env.suggestName(name)
		case strings.Contains(msg, "float"):
			code = "expr.float"
		}
		e.exprErr(r, err, code, hint)
		return false
	}
	e.tree = tree
	e.roots, e.refs = collectNames(tree.Node, env)
	c := &compiler{env: env, res: res, phase: e.Phase, itemType: e.Item, vocab: env.vocab}
	v := c.compile(tree.Node)
	for _, ce := range c.errs {
		loc := ce.node.Location()
		code := "expr.type"
		switch {
		case ce.code != "":
			code = ce.code
		case strings.Contains(ce.msg, "float"):
			code = "expr.float"
		case strings.Contains(ce.msg, "not supported") || strings.Contains(ce.msg, "not available"):
			code = "expr.unsupported"
		case strings.Contains(ce.msg, "unknown name"):
			code = "expr.unknown_name"
		case strings.Contains(ce.msg, " code"):
			code = "expr.unknown_code"
		case strings.Contains(ce.msg, "not known yet"), strings.Contains(ce.msg, "only defined"):
			code = "expr.phase"
		}
		e.Diag(r, loc.From, loc.To, code, ce.hint, ce.msg, nil)
	}
	if len(c.errs) > 0 {
		return false
	}
	if v.t.Kind == KNil {
		e.Diag(r, -1, -1, "expr.type", "", "expression is nil", nil)
		return false
	}
	if e.Want != nil {
		ok := v.t.Same(e.Want) || (e.Want.Kind == KStr && v.t.Kind == KStr)
		if e.Want.Kind == KDec && v.t.Kind == KInt {
			v, ok = toDec(v), true
		}
		if e.Want.Kind == KList && v.t.Kind == KList && (e.Want.Elem == nil || e.Want.Elem.Kind == KInvalid) {
			ok = true
		}
		if !ok {
			hint := ""
			if e.Want.Kind == KBool {
				hint = "a condition must be true or false, e.g. employees > 10"
			}
			e.Diag(r, -1, -1, "expr.result_type", hint, fmt.Sprintf("expression must be %s, not %s", describeType(e.Want), v.t), nil)
			return false
		}
	}
	e.Type = v.t
	e.compiled = v
	e.boolFn, _ = v.fn.(func(*Eval) bool)
	e.cmp = v.cmp
	e.degree = c.degree
	return true
}

func describeType(t *Type) string {
	switch t.Kind {
	case KBool:
		return "a bool"
	case KDec:
		return "a decimal"
	case KInt:
		return "an int"
	case KDate:
		return "a date"
	case KList:
		return "a list"
	}
	return t.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// collectNames returns the core facts and the declared names n reads.
// identifiers returns the names an expression's text mentions (a superset
// of the names it reads: field names after a dot are included). Text that
// does not lex has none; the parser then reports it.
func identifiers(src string) map[string]bool {
	toks, err := lexer.Lex(file.NewSource(src))
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, t := range toks {
		if t.Kind == lexer.Identifier {
			out[t.Value] = true
		}
	}
	return out
}

func collectNames(n ast.Node, env *Env) (roots, refs []string) {
	seenR, seenD := map[string]bool{}, map[string]bool{}
	ast.Find(n, func(x ast.Node) bool {
		id, ok := x.(*ast.IdentifierNode)
		if !ok {
			return false
		}
		if RootField(id.Value) != nil && !seenR[id.Value] {
			seenR[id.Value] = true
			roots = append(roots, id.Value)
		} else if env.decl(id.Value) != nil && !seenD[id.Value] {
			seenD[id.Value] = true
			refs = append(refs, id.Value)
		}
		return false
	})
	return roots, refs
}

// exprErr reports an error from expr at its position in the file.
func (e *Expr) exprErr(r *yamlx.Reader, err error, code, hint string) {
	var fe *file.Error
	from, to := -1, -1
	msg := err.Error()
	if errors.As(err, &fe) {
		from, to = fe.From, fe.To
		msg = fe.Message
	}
	e.Diag(r, from, to, code, hint, authorTypes(msg), err)
}

// nodeLimit reports expr's limit on the size of an expression, if err is
// that, as the limit it is: the whole expression is too large.
func (e *Expr) nodeLimit(r *yamlx.Reader, err error) bool {
	if err == nil || !strings.Contains(err.Error(), "exceeds maximum allowed nodes") {
		return false
	}
	e.Diag(r, -1, -1, "expr.too_large", "split it: name its parts in let: and combine the names",
		fmt.Sprintf("expression has more than %d nodes; the limit is %d", MaxExprNodes, MaxExprNodes), nil)
	return true
}

// clockCalls reports calls of now(): evaluation never reads the clock, and
// the checker would otherwise report now() > as_of as a mismatch of types.
func (e *Expr) clockCalls(r *yamlx.Reader, root ast.Node) bool {
	found := false
	ast.Find(root, func(x ast.Node) bool {
		name := ""
		switch n := x.(type) {
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok {
				name = id.Value
			}
		case *ast.BuiltinNode:
			name = n.Name
		}
		if name == "now" {
			loc := x.Location()
			e.Diag(r, loc.From, loc.To, "expr.unsupported", builtinHint(name), "now() is not available in rulesets", nil)
			found = true
		}
		return false
	})
	return found
}

// builtinHint says what to use instead of one of expr's builtins that rules
// may not call.
func builtinHint(name string) string {
	switch name {
	case "now":
		return "rules never read the clock: as_of is the date the answer is for"
	case "duration", "timezone":
		return "dates are days: compare dates, or use add_days, add_years and years_between"
	}
	return "rules call the functions listed in README (in_sector, grade, within_years …) and expr's list builtins (all, any, count, filter, map, sum …)"
}

// goType is a Go type name in one of expr's messages.
var goType = regexp.MustCompile(`\*?\b(rulesets|facts|lang|time|decimal|reflect)\.([A-Za-z_]\w*)`)

// authorTypes rewrites the Go type names of expr's messages as the types
// a ruleset's author writes (a date, a decimal).
func authorTypes(msg string) string {
	if !strings.Contains(msg, ".") {
		return msg
	}
	return goType.ReplaceAllStringFunc(msg, func(m string) string {
		sub := goType.FindStringSubmatch(m)
		switch sub[1] + "." + sub[2] {
		case "rulesets.Date":
			return "date"
		case "decimal.Decimal":
			return "decimal"
		case "time.Time":
			return "time"
		case "time.Duration":
			return "duration"
		case "reflect.Value":
			return "value"
		}
		return strings.ToLower(strings.TrimSuffix(sub[2], "View"))
	})
}

// exprDiag reports a problem at rune offsets [from, to) of e.Src, mapped to
// the file. When the mapping is not exact (folded scalars, escapes), the
// subject is the scalar and the detail shows the expression with a caret.
func (e *Expr) Diag(r *yamlx.Reader, from, to int, code, hint, msg string, cause error) {
	d := &diag.Diagnostic{Severity: diag.SeverityError, Code: code, Summary: msg, Hint: hint, Subject: e.At, Err: cause}
	if e.Node != nil {
		d.Source = yamlx.SourceLine(e.FileSrc, e.Node.Line)
	}
	if from >= 0 {
		if rg, ok := e.rangeAt(from, to); ok {
			d.Subject = rg
			d.Source = yamlx.SourceLine(e.FileSrc, rg.Start.Line)
		} else {
			d.Detail = exprCaret(e.Src, from, to)
		}
	}
	d.CutSource()
	r.Diags = append(r.Diags, d)
}

// exprCaret draws the expression with a caret under [from, to).
func exprCaret(src string, from, to int) string {
	runes := []rune(src)
	if from > len(runes) {
		from = len(runes)
	}
	line, col := 0, 0
	start := 0
	for i := 0; i < from; i++ {
		if runes[i] == '\n' {
			line++
			col = 0
			start = i + 1
		} else {
			col++
		}
	}
	end := start
	for end < len(runes) && runes[end] != '\n' {
		end++
	}
	text := string(runes[start:end])
	n := 1
	if to > from && to <= end {
		n = to - from
	}
	return fmt.Sprintf("in the expression, line %d:\n| %s\n| %s%s", line+1, text, strings.Repeat(" ", col), strings.Repeat("^", n))
}

// rangeAt maps rune offsets of e.Src to a range in the file. It reports
// false when the scalar's text in the file differs from e.Src (escapes,
// folding), so positions could not be trusted.
func (e *Expr) rangeAt(from, to int) (diag.Range, bool) {
	n := e.Node
	if n == nil || n.Kind != yaml.ScalarNode {
		return diag.Range{}, false
	}
	runes := []rune(e.Src)
	if from > len(runes) {
		from = len(runes)
	}
	if to < from || to > len(runes) {
		to = from + 1
		if to > len(runes) {
			to = len(runes)
		}
	}
	eline, ecol := 0, 0
	for i := 0; i < from; i++ {
		if runes[i] == '\n' {
			eline++
			ecol = 0
		} else {
			ecol++
		}
	}
	width := to - from
	if width < 1 {
		width = 1
	}
	lines := strings.Split(e.Src, "\n")
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		// Block scalar: content starts on the line after the indicator and
		// every line carries the block's indentation, taken from its first
		// non-blank line.
		indent := -1
		for k := 0; k < len(lines) && indent < 0; k++ {
			if strings.TrimSpace(lines[k]) == "" {
				continue
			}
			text := []rune(yamlx.SourceLine(e.FileSrc, n.Line+1+k))
			want := []rune(lines[k])
			if len(text) < len(want) || string(text[len(text)-len(want):]) != lines[k] {
				return diag.Range{}, false
			}
			indent = len(text) - len(want)
		}
		if indent < 0 || eline >= len(lines) {
			return diag.Range{}, false
		}
		fileLine := n.Line + 1 + eline
		text := []rune(yamlx.SourceLine(e.FileSrc, fileLine))
		want := []rune(lines[eline])
		if indent+len(want) != len(text) || string(text[indent:]) != lines[eline] {
			return diag.Range{}, false
		}
		start := diag.Pos{Line: fileLine, Column: indent + ecol + 1}
		return diag.Range{File: e.At.File, Start: start, End: diag.Pos{Line: fileLine, Column: start.Column + width}}, true
	case n.Style&yaml.FoldedStyle != 0:
		return diag.Range{}, false
	case len(lines) == 1:
		shift := 0
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			shift = 1
		}
		text := []rune(yamlx.SourceLine(e.FileSrc, n.Line))
		s := n.Column - 1 + shift
		if s < 0 || s+len(runes) > len(text) || string(text[s:s+len(runes)]) != e.Src {
			return diag.Range{}, false
		}
		start := diag.Pos{Line: n.Line, Column: s + ecol + 1}
		return diag.Range{File: e.At.File, Start: start, End: diag.Pos{Line: n.Line, Column: start.Column + width}}, true
	}
	return diag.Range{}, false
}
