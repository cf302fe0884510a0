package rulesets

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/anzexian/anzexian/internal/yamlx"
)

// bindFacts types the facts declared by the stack's rulesets from the values
// given, applies defaults, and, when check is set, checks facts against the
// stack's vocabularies. Moving to the stack of another date does not check:
// the facts were checked against the stack of the decision date, and a fact
// a later ruleset declares is no error on a day before it.
func (st *Stack) bindFacts(ev *lang.Eval, check bool) error {
	f := ev.Facts()
	ev.ClearFacts(len(st.facts))
	var diags diag.Diagnostics
	for i, d := range st.facts {
		if x, ok := ev.Typed(d); ok {
			ev.SetFact(i, x) // bound under another stack of these facts
			continue
		}
		v, given := f.Extra[d.Name]
		if !given || v.IsNull {
			if d.Default == nil {
				continue
			}
			v = facts.ExtraValue{Text: *d.Default, Kind: "scalar"}
			if d.Type == FactList {
				v = facts.ExtraValue{IsList: true, Items: splitDefault(*d.Default)}
			}
		}
		x, msg := typedExtra(d, v)
		if msg != "" {
			if !check {
				continue
			}
			diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.type", Subject: v.At, Source: v.Source, Path: d.Name,
				Summary: fmt.Sprintf("%s %s", d.Name, msg), Hint: declHint(d)})
			continue
		}
		ev.SetFact(i, x)
		ev.SetTyped(d, x)
	}
	if !check {
		return nil
	}
	if len(f.Extra) > 0 {
		for _, name := range slices.Sorted(maps.Keys(f.Extra)) {
			if idx, ok := st.reg.names[name]; ok && st.scope.FactSlot[idx] >= 0 {
				continue
			}
			var declared []string
			for _, d := range st.facts {
				declared = append(declared, d.Name)
			}
			hint := "no ruleset in force here declares it"
			if len(declared) > 0 {
				hint = "facts declared by rulesets here: " + strings.Join(declared, ", ")
			}
			if s := suggest.Closest(name, append(declared, facts.FieldNames()...)); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			v := f.Extra[name]
			diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.unknown_field", Subject: v.At, Source: v.Source, Path: name,
				Summary: fmt.Sprintf("unknown field %q", name), Hint: hint})
		}
	}
	if g := f.CreditGrade; g != "" {
		if v := st.creditGrades; len(v) > 0 && !v.Has(g) {
			hint := "credit grades here: " + strings.Join(v.Codes(), ", ")
			if s := suggest.Closest(g, v.Codes()); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.unknown_code", Path: "credit_grade",
				Summary: fmt.Sprintf("unknown credit_grade code %q", g), Hint: hint})
		}
	}
	if len(diags) > diag.MaxErrors {
		// as the decoder does: the first errors say what is wrong
		file := diags[0].Subject.File
		more := len(diags) - diag.MaxErrors
		diags = append(diags[:diag.MaxErrors:diag.MaxErrors], yamlx.TooManyErrors(file, "facts", more))
	}
	if len(diags) > 0 {
		for _, d := range diags {
			d.CutSource() // a JSONL record's line may be a megabyte
		}
		return &facts.Error{Diagnostics: diags}
	}
	return nil
}

func splitDefault(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

func declHint(d *FactDecl) string {
	h := "declared as " + string(d.Type)
	if len(d.Codes) > 0 {
		h += " with codes " + strings.Join(d.Codes, ", ")
	}
	if d.Unit != "" {
		h += " (" + d.Unit + ")"
	}
	return h
}
