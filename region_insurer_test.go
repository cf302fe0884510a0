package anzexian_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// A region code is checked against the GB/T 2260 data: a province that
// does not exist is bad input (it would be assessed under national rules
// alone); a code the data lacks under a known province is answered under
// its province's and prefecture's rules, and the answer says so, naming the
// data's version.
func TestRegionCodes(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, region string
		err          string // a facts error, or
		note         bool   // a note on the answer
	}{
		{"current county", "430111", "", false},
		{"prefecture", "430100", "", false},
		{"municipality's grouping code", "110100", "", false},
		{"former code", "110103", "", false},
		{"township code", "330382001", "", false},
		{"unknown county under Hunan", "439999", "", true},
		{"unknown province", "990000", `region "990000": no province has the code "99"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"region": "` + tt.region + `", "sectors": ["other"], "employees": 10}`
			fs, err := facts.Decode("t.json", []byte(doc))
			if tt.err != "" {
				var fe *facts.Error
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "t.json:1:") {
					t.Fatalf("decode: got %v, want a *facts.Error at t.json:1 with %q", err, tt.err)
				}
				// Facts built in Go are checked the same way.
				f := &facts.Facts{Region: tt.region, Sectors: []string{"other"}}
				if _, err := eng.Assess(f, anzexian.At(asOf2026)); !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Assess: got %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a, err := eng.Assess(fs[0], anzexian.At(asOf2026))
			if err != nil {
				t.Fatal(err)
			}
			noted := false
			for _, n := range a.Notes {
				if strings.Contains(n, "地区代码 "+tt.region+" 不在") && strings.Contains(n, facts.RegionDataVersion) {
					noted = true
				}
			}
			if noted != tt.note {
				t.Errorf("note about the code: %v, want %v; notes: %q", noted, tt.note, a.Notes)
			}
		})
	}
}

// An insurer no filing names is an error (a misspelt name must not price
// silently under the regulators' rules); an insurer whose filing does not
// apply in the enterprise's region or on the date is said in the answer.
func TestInsurerWithoutFiling(t *testing.T) {
	base, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := base.With(mustFile(t, "examples/rulesets/filing-example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	eng := anzexian.NewWithRegistry(reg)
	f := mustFacts(t, `{"region": "650100", "sectors": ["transport.road"], "employees": 100, "risk_level": "moderate"}`)

	_, err = eng.Assess(f, anzexian.At(asOf2026), anzexian.Insurer("示例财产保险股份有限司"))
	var se *rulesets.StackError
	if !errors.As(err, &se) || se.Diagnostics[0].Code != "stack.unknown_insurer" || !strings.Contains(se.Diagnostics[0].Hint, `did you mean "示例财产保险股份有限公司"?`) {
		t.Fatalf("a misspelt insurer: got %v", err)
	}
	if _, err := eng.Quote(f, anzexian.At(asOf2026), anzexian.Insurer("nobody")); !errors.As(err, &se) {
		t.Fatalf("Quote with an unknown insurer: got %v", err)
	}

	before := facts.MustParseDate("2025-03-28") // the day before the filing takes effect
	a, err := eng.Assess(f, anzexian.At(before), anzexian.Insurer("示例财产保险股份有限公司"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(a.Notes, "\n"), "保险机构「示例财产保险股份有限公司」在本地区、本评估日没有费率备案") {
		t.Errorf("no note on the missing filing: %q", a.Notes)
	}
	a, err = eng.Assess(f, anzexian.At(asOf2026), anzexian.Insurer("示例财产保险股份有限公司"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(a.Notes, "\n"), "没有费率备案") {
		t.Errorf("a note on a filing that applies: %q", a.Notes)
	}
}

// The timeline lists the days a ruleset took effect for the insurer the
// answer is for: an insurer's filing that has ended is not in the stack
// of the as-of date (the same stack as without an insurer), yet its first
// day is in that insurer's timeline, and not in anyone else's.
func TestTimelineRulesetEventsByInsurer(t *testing.T) {
	src, err := os.ReadFile("examples/rulesets/filing-example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ended := strings.Replace(string(src), "effective: {from: 2025-03-29}", "effective: {from: 2019-01-01, until: 2020-12-31}", 1)
	if ended == string(src) {
		t.Fatal("the example filing's effective line moved: update the test")
	}
	f := mustFacts(t, `{"region": "650100", "sectors": ["transport.road"], "employees": 100, "risk_level": "moderate"}`)
	filingEvent := func(a *anzexian.Assessment) bool {
		for _, e := range a.Timeline.Events {
			if e.Kind == "ruleset" && strings.HasPrefix(e.Ref, "cn/filing/example-insurer@") && e.Date == facts.MustParseDate("2019-01-01") {
				return true
			}
		}
		return false
	}
	// either order, each on a registry of its own (the memos live on its
	// stacks): the first answer's must not serve the other
	for _, order := range [][]string{{"", "示例财产保险股份有限公司"}, {"示例财产保险股份有限公司", ""}} {
		base, err := rulesets.LoadBundled()
		if err != nil {
			t.Fatal(err)
		}
		reg, err := base.With(diag.File{Name: "ended-filing.yaml", Data: []byte(ended)})
		if err != nil {
			t.Fatal(err)
		}
		eng := anzexian.NewWithRegistry(reg)
		for _, insurer := range order {
			opts := []anzexian.Option{anzexian.At(asOf2026)}
			if insurer != "" {
				opts = append(opts, anzexian.Insurer(insurer))
			}
			a, err := eng.Assess(f, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := filingEvent(a); got != (insurer != "") {
				t.Errorf("insurer %q (order %q): the filing's first day in the timeline: %v", insurer, order, got)
			}
		}
	}
}
