package rulesets_test

import (
	"errors"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// bundledCore are the coverage documents of the README's table.
var bundledCore = []string{
	"cn/law/safety-production@2014", "cn/law/safety-production@2021",
	"cn/measures/spli@2017", "cn/measures/spli@2025",
	"cn.hunan/opinions/spli@2018", "cn.yueqing/opinions/spli@2022-draft",
}

func TestBundledLoads(t *testing.T) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatalf("%v\n%s", err, formatDiags(err))
	}
	for _, w := range reg.Warnings() {
		t.Errorf("warning: %s", w.Format())
	}
	again, _ := rulesets.LoadBundled()
	if again != reg {
		t.Error("LoadBundled does not share its registry")
	}
	want := bundledCore
	// Other bundled rulesets (rating, penalties) may be added; these six
	// must be there, in this relative order.
	got := layerKeys(reg.Rulesets())
	if d := cmp.Diff(want, subsequence(got, want)); d != "" {
		t.Errorf("bundled rulesets in layer order (-want +got):\n%s\nall: %v", d, got)
	}
	checkLayerOrder(t, reg.Rulesets())
	for _, rs := range reg.Rulesets() {
		if !strings.HasPrefix(rs.Digest, "sha256:") || len(rs.Digest) != len("sha256:")+64 {
			t.Errorf("%s: digest %q", rs.Key(), rs.Digest)
		}
	}
}

func TestBundledLint(t *testing.T) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	if ds := rulesets.Lint(reg, nil); len(ds) > 0 {
		var b strings.Builder
		_ = ds.Print(&b)
		t.Errorf("LintRegistry reports %d diagnostics:\n%s", len(ds), b.String())
	}
}

// TestBundledEffectiveDates pins the dates of the bundled documents,
// including the ends inferred from supersedes.
func TestBundledEffectiveDates(t *testing.T) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rs := range reg.Rulesets() {
		got[rs.Key()] = rs.Effective.From.String() + "–" + rs.Effective.Until.String()
	}
	want := map[string]string{
		"cn/law/safety-production@2014":       "2014-12-01–2021-08-31",
		"cn/law/safety-production@2021":       "2021-09-01–",
		"cn/measures/spli@2017":               "2018-01-01–2025-03-28",
		"cn/measures/spli@2025":               "2025-03-29–",
		"cn.hunan/opinions/spli@2018":         "2018-01-01–",
		"cn.yueqing/opinions/spli@2022-draft": "2022-01-01–",
	}
	for k := range got {
		if _, pinned := want[k]; !pinned {
			delete(got, k)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("effective dates (-want +got):\n%s", d)
	}
}

// subsequence returns the items of got that are in want, in got's order.
func subsequence(got, want []string) []string {
	in := map[string]bool{}
	for _, w := range want {
		in[w] = true
	}
	var out []string
	for _, g := range got {
		if in[g] {
			out = append(out, g)
		}
	}
	return out
}

var kindRank = map[rulesets.Kind]int{rulesets.KindLaw: 0, rulesets.KindRegulation: 1, rulesets.KindMeasures: 2, rulesets.KindPolicy: 3, rulesets.KindRating: 4, rulesets.KindFiling: 5}

// checkLayerOrder checks that layers are national first, then by the
// length of their region, and within a region by kind.
func checkLayerOrder(t *testing.T, layers []*rulesets.Ruleset) {
	t.Helper()
	for i := 1; i < len(layers); i++ {
		a, b := layers[i-1], layers[i]
		if len(a.Region) > len(b.Region) || len(a.Region) == len(b.Region) && kindRank[a.Kind] > kindRank[b.Kind] {
			t.Errorf("%s (region %q, %s) comes before %s (region %q, %s)", a.Key(), a.Region, a.Kind, b.Key(), b.Region, b.Kind)
		}
	}
}

// TestBundledStacks builds the stack of every region and date of interest
// and evaluates every rule against a small enterprise there.
func TestBundledStacks(t *testing.T) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	layers := map[string]map[string][]string{
		"43": {
			"2015-06-01": {"cn/law/safety-production@2014"},
			"2018-01-01": {"cn/law/safety-production@2014", "cn/measures/spli@2017", "cn.hunan/opinions/spli@2018"},
			"2021-09-01": {"cn/law/safety-production@2021", "cn/measures/spli@2017", "cn.hunan/opinions/spli@2018"},
			"2022-01-01": {"cn/law/safety-production@2021", "cn/measures/spli@2017", "cn.hunan/opinions/spli@2018"},
			"2025-03-29": {"cn/law/safety-production@2021", "cn/measures/spli@2025", "cn.hunan/opinions/spli@2018"},
			"2026-01-01": {"cn/law/safety-production@2021", "cn/measures/spli@2025", "cn.hunan/opinions/spli@2018"},
		},
		"330382": {
			"2015-06-01": {"cn/law/safety-production@2014"},
			"2018-01-01": {"cn/law/safety-production@2014", "cn/measures/spli@2017"},
			"2021-09-01": {"cn/law/safety-production@2021", "cn/measures/spli@2017"},
			"2022-01-01": {"cn/law/safety-production@2021", "cn/measures/spli@2017", "cn.yueqing/opinions/spli@2022-draft"},
			"2025-03-29": {"cn/law/safety-production@2021", "cn/measures/spli@2025", "cn.yueqing/opinions/spli@2022-draft"},
			"2026-01-01": {"cn/law/safety-production@2021", "cn/measures/spli@2025", "cn.yueqing/opinions/spli@2022-draft"},
		},
		"110000": {
			"2015-06-01": {"cn/law/safety-production@2014"},
			"2018-01-01": {"cn/law/safety-production@2014", "cn/measures/spli@2017"},
			"2021-09-01": {"cn/law/safety-production@2021", "cn/measures/spli@2017"},
			"2022-01-01": {"cn/law/safety-production@2021", "cn/measures/spli@2017"},
			"2025-03-29": {"cn/law/safety-production@2021", "cn/measures/spli@2025"},
			"2026-01-01": {"cn/law/safety-production@2021", "cn/measures/spli@2025"},
		},
	}
	layers["430100"] = layers["43"]
	fs := []*facts.Facts{
		mustFacts(t, "region: \"430100\"\nsectors: [other]\n"),
		mustFacts(t, completeFactsYAML),
	}
	for _, region := range []string{"43", "430100", "330382", "110000"} {
		for _, date := range []string{"2014-06-01", "2014-11-30", "2015-06-01", "2018-01-01", "2021-09-01", "2022-01-01", "2025-03-29", "2026-01-01"} {
			t.Run(region+"@"+date, func(t *testing.T) {
				d := facts.MustParseDate(date)
				st, err := reg.Stack(region, d, "")
				if d.Before(facts.MustParseDate("2014-12-01")) {
					var se *rulesets.StackError
					if !errors.As(err, &se) || st != nil {
						t.Fatalf("Stack before the 2014 law = %v, %v; want a StackError", st, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("Stack: %v\n%s", err, formatDiags(err))
				}
				want := layers[region][date]
				if d := cmp.Diff(want, subsequence(layerKeys(st.Layers), bundledCore)); d != "" {
					t.Errorf("layers (-want +got):\n%s", d)
				}
				checkLayerOrder(t, st.Layers)
				for _, l := range st.Layers {
					if !l.Effective.Contains(d) || !strings.HasPrefix(region, l.Region) {
						t.Errorf("layer %s (region %q, %v) does not apply to %s on %s", l.Key(), l.Region, l.Effective, region, d)
					}
				}
				for _, f := range fs {
					g := *f
					g.Region = region
					evalStack(t, st, &g, d)
				}
			})
		}
	}
}

// evalStack evaluates every condition of the stack for f: none may fail
// for a reason other than a missing fact.
func evalStack(t *testing.T, st *rulesets.Stack, f *facts.Facts, d facts.Date) {
	t.Helper()
	ev := lang.NewEval()
	if err := st.Bind(ev, f, d, ""); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	check := func(what string, e *lang.Expr) {
		_, err := e.Bool(ev)
		var ee *lang.EvalError
		if err != nil && (!errors.As(err, &ee) || ee.Msg != "") {
			t.Errorf("%s: %v", what, err)
		}
	}
	for _, r := range st.Coverage {
		check(r.Ref(), r.When)
	}
	for _, o := range []rulesets.Obligation{rulesets.ObligationMandatory, rulesets.ObligationNone} {
		ev.SetObligation(string(o))
		for _, r := range st.Requirements {
			check(r.Ref(), r.When)
		}
		for _, r := range st.Findings {
			check(r.Ref(), r.When)
		}
		for _, r := range st.Consequences {
			check(r.Ref(), r.When)
		}
	}
}

// TestBundledFS: the embedded files are the ones Load reads.
func TestBundledFS(t *testing.T) {
	var names []string
	err := fs.WalkDir(rulesets.Bundled(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names) // ReadFiles returns files in name order
	files, err := rulesets.ReadFiles(rulesets.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, f := range files {
		read = append(read, f.Name)
	}
	if d := cmp.Diff(names, read); d != "" {
		t.Errorf("ReadFiles(Bundled()) (-walk +read):\n%s", d)
	}
	reg, err := rulesets.Load(rulesets.Bundled(), "cn/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range reg.Rulesets() {
		if rs.Region != "" {
			t.Errorf("pattern cn/*.yaml loaded %s (region %q)", rs.Key(), rs.Region)
		}
	}
}
