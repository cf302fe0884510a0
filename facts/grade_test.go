package facts_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
)

// TestGradeOf checks the thresholds of 《生产安全事故报告和调查处理条例》第三条:
// 以上 includes the number, 以下 excludes it, and the gravest criterion wins.
func TestGradeOf(t *testing.T) {
	dec := decimal.RequireFromString
	for _, c := range []struct {
		name     string
		deaths   int
		injuries int
		loss     string
		want     facts.Grade
	}{
		{"nothing", 0, 0, "0", facts.GradeOrdinary},
		// deaths: 3 以上10 以下 较大, 10 以上30 以下 重大, 30 以上 特别重大
		{"2 deaths", 2, 0, "0", facts.GradeOrdinary},
		{"3 deaths (以上 inclusive)", 3, 0, "0", facts.GradeRelativelyMajor},
		{"9 deaths", 9, 0, "0", facts.GradeRelativelyMajor},
		{"10 deaths (以下 exclusive)", 10, 0, "0", facts.GradeMajor},
		{"29 deaths", 29, 0, "0", facts.GradeMajor},
		{"30 deaths", 30, 0, "0", facts.GradeEspeciallyMajor},
		{"300 deaths", 300, 0, "0", facts.GradeEspeciallyMajor},
		// serious injuries: 10 / 50 / 100
		{"9 serious injuries", 0, 9, "0", facts.GradeOrdinary},
		{"10 serious injuries", 0, 10, "0", facts.GradeRelativelyMajor},
		{"49 serious injuries", 0, 49, "0", facts.GradeRelativelyMajor},
		{"50 serious injuries", 0, 50, "0", facts.GradeMajor},
		{"99 serious injuries", 0, 99, "0", facts.GradeMajor},
		{"100 serious injuries", 0, 100, "0", facts.GradeEspeciallyMajor},
		// direct loss: 1000万 / 5000万 / 1亿 CNY
		{"loss 9999999.99", 0, 0, "9999999.99", facts.GradeOrdinary},
		{"loss 10000000", 0, 0, "10000000", facts.GradeRelativelyMajor},
		{"loss 10000000.00 (scale does not matter)", 0, 0, "10000000.00", facts.GradeRelativelyMajor},
		{"loss 49999999", 0, 0, "49999999", facts.GradeRelativelyMajor},
		{"loss 49999999.99", 0, 0, "49999999.99", facts.GradeRelativelyMajor},
		{"loss 50000000", 0, 0, "50000000", facts.GradeMajor},
		{"loss 99999999", 0, 0, "99999999", facts.GradeMajor},
		{"loss 99999999.999", 0, 0, "99999999.999", facts.GradeMajor},
		{"loss 100000000", 0, 0, "100000000", facts.GradeEspeciallyMajor},
		// mixed criteria: the highest grade reached by any of them
		{"2 deaths and 50 injuries: injuries decide", 2, 50, "0", facts.GradeMajor},
		{"3 deaths and a 1亿 loss: loss decides", 3, 0, "100000000", facts.GradeEspeciallyMajor},
		{"30 deaths and small numbers elsewhere", 30, 1, "1", facts.GradeEspeciallyMajor},
		{"9 deaths, 9 injuries, loss just below 1000万", 9, 9, "9999999.99", facts.GradeRelativelyMajor},
		{"1 death and a 5000万 loss", 1, 0, "50000000", facts.GradeMajor},
		{"10 deaths and 10 injuries", 10, 10, "0", facts.GradeMajor},
		{"2 deaths and 9 injuries", 2, 9, "9999999", facts.GradeOrdinary},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := facts.GradeOf(c.deaths, c.injuries, dec(c.loss))
			if got != c.want {
				t.Errorf("GradeOf(%d, %d, %s) = %s, want %s", c.deaths, c.injuries, c.loss, got, c.want)
			}
			a := facts.Accident{Deaths: c.deaths, SeriousInjuries: c.injuries, DirectLoss: dec(c.loss)}
			if g := a.Grade(); g != c.want {
				t.Errorf("Accident.Grade() = %s, want %s", g, c.want)
			}
		})
	}
}

func TestGradeNames(t *testing.T) {
	type names struct{ Code, Label, String string }
	got := map[facts.Grade]names{}
	for _, g := range []facts.Grade{facts.GradeOrdinary, facts.GradeRelativelyMajor, facts.GradeMajor, facts.GradeEspeciallyMajor, 0, 5} {
		got[g] = names{g.Code(), g.Label(), g.String()}
	}
	want := map[facts.Grade]names{facts.GradeOrdinary: {"ordinary", "一般事故", "ordinary"}, facts.GradeRelativelyMajor: {"relatively_major", "较大事故", "relatively_major"}, facts.GradeMajor: {"major", "重大事故", "major"}, facts.GradeEspeciallyMajor: {"especially_major", "特别重大事故", "especially_major"}, 0: {},
		5: {},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("grade names (-want +got):\n%s", d)
	}
	// The codes are those of the accidents.grade vocabulary.
	for g := facts.GradeOrdinary; g <= facts.GradeEspeciallyMajor; g++ {
		if !facts.Grades.Has(g.Code()) {
			t.Errorf("grade code %q is not in the Grades vocabulary", g.Code())
		}
	}
	if !(facts.GradeOrdinary < facts.GradeRelativelyMajor && facts.GradeRelativelyMajor < facts.GradeMajor && facts.GradeMajor < facts.GradeEspeciallyMajor) {
		t.Error("grades do not order from ordinary to especially major")
	}
}

func TestAccidentsWithin(t *testing.T) {
	d := facts.MustParseDate
	acc := func(dates ...string) []facts.Accident {
		var out []facts.Accident
		for _, s := range dates {
			out = append(out, facts.Accident{Date: d(s), Deaths: 1})
		}
		return out
	}
	dates := func(as []facts.Accident) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.Date.String())
		}
		return out
	}
	for _, c := range []struct {
		name  string
		asOf  string
		years int
		acc   []string
		want  []string
	}{
		{"exactly 5 years before as-of is out", "2026-01-01", 5, []string{"2021-01-01"}, []string{}},
		{"one day later is in", "2026-01-01", 5, []string{"2021-01-02"}, []string{"2021-01-02"}},
		{"on the as-of date is in", "2026-01-01", 5, []string{"2026-01-01"}, []string{"2026-01-01"}},
		{"after the as-of date is out", "2026-01-01", 5, []string{"2026-01-02"}, []string{}},
		{"long before is out", "2026-01-01", 5, []string{"2001-06-01"}, []string{}},
		{"order is kept, outsiders dropped", "2026-01-01", 5,
			[]string{"2025-06-01", "2020-12-31", "2023-01-01", "2026-06-01", "2021-01-02"},
			[]string{"2025-06-01", "2023-01-01", "2021-01-02"}},
		{"as-of 28 Feb: 28 Feb five years back is out", "2029-02-28", 5, []string{"2024-02-28"}, []string{}},
		{"as-of 28 Feb: 29 Feb five years back is in", "2029-02-28", 5, []string{"2024-02-29"}, []string{"2024-02-29"}},
		{"as-of 29 Feb: the window starts after 28 Feb", "2028-02-29", 5, []string{"2023-02-28", "2023-03-01"}, []string{"2023-03-01"}},
		{"as-of 29 Feb, 4 years: 29 Feb of the last leap year is out", "2028-02-29", 4, []string{"2024-02-29", "2024-03-01"}, []string{"2024-03-01"}},
		{"as-of 1 Mar after a leap day: 1 Mar is out, 2 Mar in", "2025-03-01", 1, []string{"2024-03-01", "2024-03-02"}, []string{"2024-03-02"}},
		{"one year window", "2026-01-01", 1, []string{"2025-01-01", "2025-01-02"}, []string{"2025-01-02"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := dates(lang.AccidentsWithin(acc(c.acc...), d(c.asOf), c.years))
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("AccidentsWithin(as-of %s, %d) (-want +got):\n%s", c.asOf, c.years, diff)
			}
		})
	}
}

func TestSectorMatch(t *testing.T) {
	for _, c := range []struct {
		name, code, prefix string
		want               bool
	}{
		{"equal", "hazardous_chemicals", "hazardous_chemicals", true},
		{"sub-code", "hazardous_chemicals.storage", "hazardous_chemicals", true},
		{"sub-sub-code", "hazardous_chemicals.storage.tank", "hazardous_chemicals", true},
		{"sub-code equal", "hazardous_chemicals.storage", "hazardous_chemicals.storage", true},
		{"longer word is not a sub-code", "hazardous_chemicalsX", "hazardous_chemicals", false},
		{"longer word with a dot later", "hazardous_chemicals_x.storage", "hazardous_chemicals", false},
		{"parent does not match a child prefix", "hazardous_chemicals", "hazardous_chemicals.storage", false},
		{"sibling", "hazardous_chemicals.use", "hazardous_chemicals.storage", false},
		{"shorter word", "hazardous", "hazardous_chemicals", false},
		{"unrelated", "fireworks.retail_store", "hazardous_chemicals", false},
		{"prefix of a segment", "fireworks.retail_store", "fireworks.retail", false},
		{"empty code", "", "hazardous_chemicals", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := facts.SectorMatch(c.code, c.prefix); got != c.want {
				t.Errorf("SectorMatch(%q, %q) = %v, want %v", c.code, c.prefix, got, c.want)
			}
		})
	}
}

func TestVocabularies(t *testing.T) {
	// Every sub-code of the sector vocabulary has its parent in it, so that
	// a prefix rule on the parent can be written and checked.
	for _, c := range facts.Sectors {
		for i := 0; i < len(c.Code); i++ {
			if c.Code[i] == '.' && !facts.Sectors.Has(c.Code[:i]) {
				t.Errorf("sector %q has no parent %q in the vocabulary", c.Code, c.Code[:i])
			}
		}
		if c.Label == "" {
			t.Errorf("sector %q has no label", c.Code)
		}
	}
	seen := map[string]bool{}
	for _, c := range facts.Sectors {
		if seen[c.Code] {
			t.Errorf("sector %q is listed twice", c.Code)
		}
		seen[c.Code] = true
	}
	if got := facts.RiskLevels.Label("major"); got != "重大风险" {
		t.Errorf("RiskLevels.Label(major) = %q", got)
	}
	if got := facts.RiskLevels.Label("nope"); got != "nope" {
		t.Errorf("Label of an unknown code = %q, want the code itself", got)
	}
	if d := cmp.Diff([]string{"operating", "suspended", "closed"}, facts.Statuses.Codes()); d != "" {
		t.Errorf("Statuses.Codes() (-want +got):\n%s", d)
	}
}
