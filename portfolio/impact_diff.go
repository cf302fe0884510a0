package portfolio

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// RuleDiff is what an edit changed in one ruleset id: its rules, factors
// (case by case), table rows, bases and pipeline steps added, removed or
// changed, each shown as it reads before and after.
type RuleDiff struct {
	Ruleset string `json:"ruleset"`
	Before  string `json:"before,omitempty"` // id@version, empty when added
	After   string `json:"after,omitempty"`  // id@version, empty when removed
	// Items are the differences, in document order (kind, then id).
	Items []RuleDiffItem `json:"items"`
}

// RuleDiffItem is one rule, factor case, table row or step that differs.
type RuleDiffItem struct {
	Change string `json:"change"` // added, removed, changed
	// Kind: coverage, requirement, finding, consequence, penalty, factor,
	// table, base, clamp, minimum, rounding, combine, let, fact.
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Title  string `json:"title,omitempty"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// ruleDiffs compares the rulesets that differ between two registries.
func ruleDiffs(before, after *rulesets.Registry) []RuleDiff {
	byID := func(reg *rulesets.Registry) map[string][]*rulesets.Ruleset {
		m := map[string][]*rulesets.Ruleset{}
		for _, rs := range reg.Rulesets() {
			m[rs.ID] = append(m[rs.ID], rs)
		}
		return m
	}
	b, a := byID(before), byID(after)
	var out []RuleDiff
	for _, c := range registryChanges(before, after) {
		var old, cur *rulesets.Ruleset
		for _, rs := range b[c.ID] {
			if o := after.Ruleset(rs.Key()); o == nil || o.Digest != rs.Digest {
				old = rs
			}
		}
		for _, rs := range a[c.ID] {
			if o := before.Ruleset(rs.Key()); o == nil || o.Digest != rs.Digest {
				cur = rs
			}
		}
		d := RuleDiff{Ruleset: c.ID}
		if old != nil {
			d.Before = old.Key()
		}
		if cur != nil {
			d.After = cur.Key()
		}
		d.Items = diffItems(describe(old), describe(cur))
		out = append(out, d)
	}
	return out
}

// described is a ruleset's items, keyed kind + id, with their text.
type described struct {
	keys  []string
	items map[string]RuleDiffItem
}

func (d *described) add(kind, id, title, text string) {
	k := kind + "\x00" + id
	if _, dup := d.items[k]; !dup {
		d.keys = append(d.keys, k)
	}
	d.items[k] = RuleDiffItem{Kind: kind, ID: id, Title: title, After: text}
}

func diffItems(old, cur *described) []RuleDiffItem {
	out := []RuleDiffItem{}
	for _, k := range cur.keys {
		it := cur.items[k]
		prev, ok := old.items[k]
		switch {
		case !ok:
			it.Change = "added"
			out = append(out, it)
		case prev.After != it.After:
			it.Change, it.Before = "changed", prev.After
			out = append(out, it)
		}
	}
	for _, k := range old.keys {
		if _, ok := cur.items[k]; !ok {
			it := old.items[k]
			it.Change, it.Before, it.After = "removed", it.After, ""
			out = append(out, it)
		}
	}
	order := map[string]int{}
	for i, k := range []string{"fact", "let", "coverage", "requirement", "finding", "consequence", "penalty", "table", "base", "factor", "combine", "clamp", "minimum", "rounding"} {
		order[k] = i
	}
	slices.SortStableFunc(out, func(a, b RuleDiffItem) int { return cmp.Compare(order[a.Kind], order[b.Kind]) })
	return out
}

func src(e *lang.Expr) string {
	if e == nil {
		return "（总是）"
	}
	return strings.Join(strings.Fields(e.Src), " ")
}

// describe lists what a ruleset says, item by item, in words a reviewer
// reads: each rule's condition and outcome, each factor case's condition
// and value, each table row's keys and value.
func describe(rs *rulesets.Ruleset) *described {
	d := &described{items: map[string]RuleDiffItem{}}
	if rs == nil {
		return d
	}
	for _, f := range rs.Facts {
		d.add("fact", f.Name, f.Doc, fmt.Sprintf("%s %s", f.Type, strings.Join(f.Codes, "|")))
	}
	for _, l := range rs.Lets {
		d.add("let", l.Name, l.Doc, src(l.Expr))
	}
	for _, r := range rs.Coverage {
		d.add("coverage", r.ID, r.Text, fmt.Sprintf("当 %s → %s", src(r.When), r.Obligation))
	}
	for _, r := range rs.Requirements {
		var sets []string
		for _, v := range r.Set {
			sets = append(sets, v.Field.Name+"="+requirementValue(v))
		}
		d.add("requirement", r.ID, r.Text, fmt.Sprintf("当 %s → %s", src(r.When), strings.Join(sets, "，")))
	}
	for _, r := range rs.Findings {
		d.add("finding", r.ID, r.Text, fmt.Sprintf("当 %s → %s", src(r.When), r.Severity))
	}
	for _, r := range rs.Consequences {
		d.add("consequence", r.ID, r.Text, fmt.Sprintf("当 %s", src(r.When)))
	}
	for _, p := range rs.Penalties {
		text := fmt.Sprintf("当 %s", src(p.When))
		if p.Fine != nil {
			text += fmt.Sprintf("；罚款 %s 至 %s", src(p.Fine.Min), src(p.Fine.Max))
		}
		if p.PerDay != nil {
			text += "；按日 " + src(p.PerDay.Amount)
		}
		for _, t := range p.Tiers {
			text += fmt.Sprintf("；档次 %s（当 %s）%s 至 %s", t.ID, src(t.When), t.Min, t.Max)
		}
		d.add("penalty", p.ID, p.Title, text)
	}
	if r := rs.Rating; r != nil {
		for _, t := range r.Tables {
			for _, row := range t.Rows {
				var keys []string
				for i, k := range row.Keys {
					name := ""
					if i < len(t.Dims) {
						name = t.Dims[i].Name + "="
					}
					keys = append(keys, name+k.Text)
				}
				d.add("table", t.ID+"["+strings.Join(keys, ",")+"]", t.Title, row.Value.String())
			}
		}
		for _, b := range r.Bases {
			text := "公式 " + src(b.Formula)
			if b.Table != nil {
				text += "，费率表 " + b.Table.ID
			}
			if b.RateExpr != nil {
				text += "，费率 " + src(b.RateExpr)
			}
			for _, l := range b.Loadings {
				text += fmt.Sprintf("，加成 %s +%s（当 %s）", l.ID, l.Add, src(l.When))
			}
			d.add("base", b.ID, b.Text, fmt.Sprintf("当 %s：%s", src(b.When), text))
		}
		for _, f := range r.Factors {
			for _, c := range f.Cases {
				d.add("factor", f.ID+"/"+c.ID, f.Title+"："+c.Reason, fmt.Sprintf("当 %s → %s", src(c.When), src(c.Value)))
			}
			if c := f.Default; c != nil {
				d.add("factor", f.ID+"/default", f.Title+"：默认", src(c.Value))
			}
		}
		for _, name := range r.Remove {
			d.add("factor", name, "", "移除")
		}
		if c := r.Combine; c != nil {
			d.add("combine", "combine", "浮动系数合成方式", c.Mode)
		}
		if c := r.Clamp; c != nil {
			d.add("clamp", "clamp", "浮动上下限", fmt.Sprintf("[%s, %s]", c.Min, c.Max))
		}
		if m := r.Minimum; m != nil {
			d.add("minimum", "minimum", "最低保费", src(m.Amount))
		}
		if ro := r.Rounding; ro != nil {
			d.add("rounding", "rounding", "舍入", fmt.Sprintf("%d 位，%s", ro.Scale, ro.Mode))
		}
	}
	return d
}

func requirementValue(v rulesets.RequirementValue) string {
	switch v.Field.Type {
	case "decimal":
		return v.Dec.String()
	case "bool":
		return fmt.Sprint(v.Bool)
	case "codes":
		return strings.Join(v.List, "|")
	}
	if v.Str != "" {
		return v.Str
	}
	return strings.Join(v.List, "|")
}
