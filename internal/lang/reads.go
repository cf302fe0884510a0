package lang

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/facts"
)

// A Read is a value an expression reads: a fact (with the member read, as
// policy.death_limit), a derived value or a declared name, and its value as
// text ("（未提供）" for an optional fact not given).
type Read struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// NotGiven is the value of a Read of an optional fact that was not given.
const NotGiven = "（未提供）"

// Reads returns what e reads, with the values ev holds: the core facts and
// derived values (down to the member read: policy.death_limit), and the
// declared names, a let's value computed by let(name) when it names one.
// It is for the trace: it reads the values again after the evaluation, on
// request, so that evaluation itself records nothing and costs nothing
// more when the trace is off. Names bound only inside a predicate (# or
// .field of an item) and the item of a penalty rule are not listed.
func (e *Expr) Reads(ev *Eval, let func(name string) *Expr) []Read {
	if e == nil || e.tree == nil || ev == nil || ev.f == nil {
		return nil
	}
	var out []Read
	seen := map[string]bool{}
	add := func(name, value string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, Read{name, value})
		}
	}
	// member paths from a root: policy.death_limit
	paths := map[string][]string{}
	ast.Find(e.tree.Node, func(x ast.Node) bool {
		m, ok := x.(*ast.MemberNode)
		if !ok {
			return false
		}
		id, ok := m.Node.(*ast.IdentifierNode)
		prop, ok2 := m.Property.(*ast.StringNode)
		if ok && ok2 && RootField(id.Value) != nil {
			paths[id.Value] = append(paths[id.Value], prop.Value)
		}
		return false
	})
	// functions that read facts themselves: in_sector reads sectors …
	roots := append([]string(nil), e.roots...)
	ast.Find(e.tree.Node, func(x ast.Node) bool {
		if c, ok := x.(*ast.CallNode); ok {
			if id, ok := c.Callee.(*ast.IdentifierNode); ok {
				for _, r := range funcReads[id.Value] {
					roots = append(roots, r)
				}
			}
		}
		return false
	})
	for _, root := range roots {
		rf := RootField(root)
		if rf.phase&PhaseItem != 0 {
			continue
		}
		if rf.present != nil && !rf.present(ev) {
			add(root, NotGiven)
			continue
		}
		v := rootValue(rf, root, ev)
		if props := paths[root]; len(props) > 0 && isStructPtr(v) {
			for _, p := range props {
				add(root+"."+p, readText(member(v, p)))
			}
			continue
		}
		add(root, readText(v))
	}
	for _, name := range e.refs {
		if let != nil {
			if le := let(name); le != nil {
				v, err := le.Value(ev)
				if err != nil {
					add(name, "（无法计算："+firstLine(err.Error())+"）")
				} else {
					add(name, readText(v))
				}
				continue
			}
		}
		if x, ok := ev.f.Extra[name]; ok && !x.IsNull {
			if x.IsList {
				add(name, strings.Join(x.Items, ","))
			} else {
				add(name, x.Text)
			}
		} else {
			add(name, "（未提供，取默认值）")
		}
	}
	return out
}

// funcReads are the facts the built-in functions read.
var funcReads = map[string][]string{
	"in_sector":        {"sectors"},
	"has_site":         {"sites"},
	"site_workers":     {"sites"},
	"accidents_within": {"accidents"},
}

// rootValue calls a root field's getter.
func rootValue(rf *rootField, path string, ev *Eval) any {
	saved := ev.err
	defer func() { ev.err = saved }()
	fn := reflect.ValueOf(rf.get(path))
	if fn.Kind() != reflect.Func {
		return nil
	}
	return fn.Call([]reflect.Value{reflect.ValueOf(ev)})[0].Interface()
}

func isStructPtr(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct
}

// member returns the field of a struct pointer whose JSON name is name.
func member(v any, name string) any {
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if tag == name {
			return rv.Field(i).Interface()
		}
	}
	return nil
}

// readText is a value as the trace shows it.
func readText(v any) string {
	switch x := v.(type) {
	case nil:
		return NotGiven
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case decimal.Decimal:
		return x.String()
	case facts.Date:
		if x.IsZero() {
			return NotGiven
		}
		return x.String()
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case *int:
		if x == nil {
			return NotGiven
		}
		return strconv.Itoa(*x)
	case *bool:
		if x == nil {
			return NotGiven
		}
		return strconv.FormatBool(*x)
	case *decimal.Decimal:
		if x == nil {
			return NotGiven
		}
		return x.String()
	case *facts.Date:
		if x == nil {
			return NotGiven
		}
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		return fmt.Sprintf("%d 项", rv.Len())
	case reflect.Pointer:
		if rv.IsNil() {
			return NotGiven
		}
		return "（已提供）"
	}
	return fmt.Sprint(v)
}
