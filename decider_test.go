package anzexian_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/timeline"
)

// timelines builds an enterprise's obligation stretches twice: deciding
// every day afresh (coverage.Decide), and with dc carrying answers over
// from one day to the next (coverage.Decider). It reports the difference,
// "" when there is none.
func timelines(t *testing.T, reg *rulesets.Registry, dc *coverage.Decider, f *facts.Facts, asOf facts.Date, insurer string) string {
	t.Helper()
	st, err := reg.Stack(f.Region, asOf, insurer)
	if err != nil {
		return "" // no rules for the place: nothing to decide
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, f, asOf, insurer); err != nil {
		return "" // facts the stack refuses
	}
	bounds := reg.Boundaries(f.Region, insurer)
	stackAt := func(d facts.Date) (*rulesets.Stack, error) { return reg.Stack(f.Region, d, insurer) }
	duty := func(d coverage.Duty) timeline.Duty {
		return timeline.Duty{Level: d.Level, Binding: d.Binding, Rules: d.Rules, Notes: d.Notes}
	}
	fresh := timeline.Build(timeline.Input{Stack: st, Eval: ev, StackAt: stackAt, Boundaries: bounds,
		Decide: func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty { return duty(coverage.Decide(s, ev)) }})
	dc.Reset()
	carried := timeline.Build(timeline.Input{Stack: st, Eval: ev, StackAt: stackAt, Boundaries: bounds,
		Decide: func(s *rulesets.Stack, ev *lang.Eval) timeline.Duty { return duty(dc.Decide(s, ev)) }})
	return cmp.Diff(fresh.Obligations, carried.Obligations, refCmp)
}

// deciderHead is the head of a test ruleset of kind policy.
func deciderHead(id, version, region, effective string) string {
	return fmt.Sprintf("schema: anzexian/v1\nid: %s\nversion: %q\nstatus: in_force\nkind: policy\ntitle: t\nregion: %q\neffective: %s\nsources:\n  s: {title: 测试文件}\n", id, version, region, effective)
}

// deciderRule is one coverage rule.
func deciderRule(id, when, obligation string) string {
	return fmt.Sprintf("  - id: %s\n    when: '%s'\n    obligation: %s\n    text: t\n    cite: {source: s}\n", id, when, obligation)
}

// A Decider's timeline is the timeline of deciding every day afresh. The
// rulesets here are made to trip it: a let redefined by the next version of
// the ruleset below a rule that stays (the rule's answer must not carry
// over), a rule that changes with the date inside one stack, one that
// reads the accidents' windows, one that changes on the day a stack
// starts, and a ruleset that starts later and adds a stack the others
// carry into.
func TestDeciderCarriesRight(t *testing.T) {
	head, rule := deciderHead, deciderRule
	files := []diag.File{
		{Name: "base1.yaml", Data: []byte(head("cn/test/base", "1", "", "{from: 2015-01-01, until: 2020-12-31}") + "let:\n  big: employees > 100\n")},
		{Name: "base2.yaml", Data: []byte(head("cn/test/base", "2", "", "{from: 2021-01-01}") + "let:\n  big: employees > 50\n")},
		{Name: "rules.yaml", Data: []byte(head("cn.hunan/test/rules", "1", "43", "{from: 2015-01-01}") + "coverage:\n" +
			rule("big", "big", "mandatory") +
			rule("dated", `as_of >= date("2019-06-01") && employees > 20`, "required") +
			rule("accident", "len(accidents_within(1)) > 0", "encouraged") +
			rule("on-the-boundary", `as_of >= date("2023-01-01") && employees > 20`, "encouraged"))},
		{Name: "late.yaml", Data: []byte(head("cn.hunan/test/late", "1", "43", "{from: 2023-01-01}") + "coverage:\n" +
			rule("late", "employees > 10 && !big", "required"))},
	}
	reg, err := rulesets.LoadFiles(files...)
	if err != nil {
		t.Fatalf("LoadFiles: %v", err)
	}
	var dc coverage.Decider
	n := 0
	for _, employees := range []int{5, 30, 80, 150} {
		for _, accidents := range []string{"", "accidents: [{date: 2019-03-01, serious_injuries: 1}, {date: 2022-07-01, deaths: 1}]\n"} {
			doc := fmt.Sprintf("region: \"430100\"\nsectors: [construction]\nemployees: %d\n%s", employees, accidents)
			fs, err := facts.Decode("f.yaml", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			for _, asOf := range []string{"2016-05-01", "2019-06-01", "2020-12-31", "2021-01-01", "2022-12-31", "2024-03-01"} {
				if d := timelines(t, reg, &dc, fs[0], facts.MustParseDate(asOf), ""); d != "" {
					t.Errorf("%d employees, %q, as of %s: carried answers differ (-fresh +carried):\n%s", employees, accidents, asOf, d)
				}
				n++
			}
		}
	}
	if n != 48 {
		t.Fatalf("%d cases, want 48", n)
	}
}

// The coverage answer reads the Decider's last decision only where it
// holds: under the same stack, on a day no earlier than the decision's and
// before its horizon; a rule whose condition gave an error is asked again
// for what the error says. Every answer given the Decider is the answer
// made without it, the decision made on days before, on and after the
// evaluation date, and under another registry's stack on that date.
func TestEvaluateReadsTheLastDecision(t *testing.T) {
	head, rule := deciderHead, deciderRule
	rules := "coverage:\n" +
		rule("big", "employees > 50", "mandatory") +
		rule("dated", `as_of >= date("2019-06-01") && employees > 20`, "required") +
		rule("accident", "len(accidents_within(1)) > 0", "encouraged") +
		rule("income", "principal_income > 100000", "required")
	load := func(rules string) *rulesets.Registry {
		reg, err := rulesets.LoadFiles(diag.File{Name: "rules.yaml", Data: []byte(head("cn.hunan/test/rules", "1", "43", "{from: 2015-01-01}") + rules)})
		if err != nil {
			t.Fatalf("LoadFiles: %v", err)
		}
		return reg
	}
	reg := load(rules)
	// the same rules in another order: another stack
	other := load("coverage:\n" + rule("income", "principal_income > 100000", "required") + rule("big", "employees > 50", "mandatory") +
		rule("accident", "len(accidents_within(1)) > 0", "encouraged") + rule("dated", `as_of >= date("2019-06-01") && employees > 20`, "required"))
	var dc coverage.Decider
	var prev *facts.Facts // the enterprise before (the first's is itself)
	n, read := 0, 0
	for _, doc := range []string{
		"employees: 30\naccidents: [{date: 2019-03-01, deaths: 1}]\n",
		"employees: 80\nprincipal_income: 200000\n",
		"employees: 10\naccidents: [{date: 2018-12-20, serious_injuries: 1}]\n",
	} {
		fs, err := facts.Decode("f.yaml", []byte("region: \"430100\"\nsectors: [construction]\n"+doc))
		if err != nil {
			t.Fatal(err)
		}
		f := fs[0]
		if prev == nil {
			prev = fs[0]
		}
		for _, asOf := range []string{"2019-01-01", "2019-06-01", "2019-12-31"} {
			at := facts.MustParseDate(asOf)
			for _, decided := range []string{"2018-06-01", "2019-01-01", "2019-05-31", "2019-06-01", "2019-12-31", "2020-06-01", "other", "bound", "facts"} {
				decReg, day, decF := reg, at, f
				switch decided {
				case "other": // another registry's stack
					decReg = other
				case "bound": // an Eval bound on 2018-06-01: the accidents as known then
					day = facts.MustParseDate("2018-06-01")
				case "facts": // another enterprise's facts
					decF = prev
				default:
					day = facts.MustParseDate(decided)
				}
				st, err := reg.Stack(f.Region, at, "")
				if err != nil {
					t.Fatal(err)
				}
				dst, err := decReg.Stack(f.Region, day, "")
				if err != nil {
					t.Fatal(err)
				}
				// decided as the timeline decides: the facts as known on
				// the evaluation date, on another day
				ev, dev := lang.NewEval(), lang.NewEval()
				if err := st.Bind(ev, f, at, ""); err != nil {
					t.Fatal(err)
				}
				if decided == "bound" {
					if err := dst.Bind(dev, f, day, ""); err != nil {
						t.Fatal(err)
					}
				} else {
					if err := st.Bind(dev, decF, at, ""); err != nil {
						t.Fatal(err)
					}
					dst.MoveTo(dev, day)
				}
				if decF == f && decided != "bound" {
					dev = ev // the same Eval, as the timeline's
					dst.MoveTo(ev, day)
				}
				dev.ResetHorizon()
				dc.Reset()
				dc.Decide(dst, dev)
				st.MoveTo(ev, at)
				s0 := ev.Steps()
				want, _ := coverage.Evaluate(st, ev, coverage.Options{})
				s1 := ev.Steps()
				got, _ := coverage.Evaluate(st, ev, coverage.Options{Decided: &dc})
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%q as of %s, decided on %s: (-without +with the decision):\n%s", doc, asOf, decided, d)
				}
				// decided on the day under the same stack, the decision is
				// read: fewer conditions asked
				if without, with := s1-s0, ev.Steps()-s1; decided == asOf {
					if with >= without {
						t.Errorf("%q as of %s, decided on the day: %d steps with the decision, %d without", doc, asOf, with, without)
					}
					read++
				}
				n++
			}
		}
		prev = f
	}
	if n != 81 || read != 9 {
		t.Fatalf("%d cases (%d decided on the day), want 81 (9)", n, read)
	}
}

// The same on the bundled rulesets: every example enterprise and 3,000
// generated ones, on days around the bundled rulesets' boundaries.
func TestDeciderCarriesRightBundled(t *testing.T) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	fs := exampleEnterprises(t)
	if len(fs) < 5 {
		t.Fatalf("%d example enterprises, want at least 5", len(fs))
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	fs = append(fs, portfolio.Generate(29, n)...)
	dates := []string{"2016-01-01", "2018-01-01", "2021-09-01", "2025-03-29", "2026-01-01"}
	var dc coverage.Decider
	for i, f := range fs {
		asOf := facts.MustParseDate(dates[i%len(dates)])
		if d := timelines(t, reg, &dc, f, asOf, ""); d != "" {
			t.Fatalf("enterprise %d (%s), as of %s: carried answers differ (-fresh +carried):\n%s", i, f.Name, asOf, d)
		}
	}
}

// Facts that take effect on a day of their own say so (the Eval's
// horizon): a refusal to rectify, a fine, and the days of a stretch still
// running. The obligation a rule over them gives changes on that day, not
// on the next day the rulesets change, and a Decider does not carry the
// rule's old answer past it. (Found in review: before, these reads gave no
// horizon, and the timeline waited for the next ruleset to start.)
func TestDatedFactsGiveHorizons(t *testing.T) {
	for _, c := range []struct {
		name, when, facts, from string
	}{
		{"refused_rectification", "hazards.refused_rectification",
			"hazards: {refused_rectification: true, refused_on: 2022-06-01}\n", "2022-06-01"},
		{"fine_amount", "enforcement.fine_amount != nil",
			"enforcement: {ordered_on: 2022-03-01, fined_on: 2022-06-01, fine_amount: 50000}\n", "2022-06-01"},
		{"uninsured days", "any(uninsured_periods, .days > 1000)",
			"operating_since: 2019-01-01\n", "2021-09-27"}, // the 1,001st day from 2019-01-01
	} {
		t.Run(c.name, func(t *testing.T) {
			reg, err := rulesets.LoadFiles(
				diag.File{Name: "rules.yaml", Data: []byte(deciderHead("cn.hunan/test/rules", "1", "43", "{from: 2015-01-01}") + "coverage:\n" + deciderRule("r", c.when, "mandatory"))},
				diag.File{Name: "late.yaml", Data: []byte(deciderHead("cn.hunan/test/late", "1", "43", "{from: 2023-01-01}") + "coverage:\n" + deciderRule("late", "employees > 1000", "encouraged"))},
			)
			if err != nil {
				t.Fatalf("LoadFiles: %v", err)
			}
			fs, err := facts.Decode("f.yaml", []byte("region: \"430100\"\nsectors: [construction]\nemployees: 30\n"+c.facts))
			if err != nil {
				t.Fatal(err)
			}
			var dc coverage.Decider
			asOf := facts.MustParseDate("2024-03-01")
			if d := timelines(t, reg, &dc, fs[0], asOf, ""); d != "" {
				t.Errorf("carried answers differ (-fresh +carried):\n%s", d)
			}
			a, err := anzexian.NewWithRegistry(reg).Assess(fs[0], anzexian.At(asOf))
			if err != nil {
				t.Fatal(err)
			}
			from := facts.MustParseDate(c.from)
			for _, o := range a.Timeline.Obligations {
				if o.Level == rulesets.ObligationMandatory {
					if o.From != from {
						t.Errorf("mandatory from %s, want %s: %+v", o.From, from, a.Timeline.Obligations)
					}
					return
				}
			}
			t.Errorf("never mandatory: %+v", a.Timeline.Obligations)
		})
	}
}
