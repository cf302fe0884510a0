package portfolio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
	"github.com/anzexian/anzexian/rulesets"
)

// blacklistEdit is the bundled national rating baseline with the blacklist
// loading raised from +10% to +30%: the edit the impact issue names.
func blacklistEdit(t testing.TB) *rulesets.Registry {
	t.Helper()
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	var baseline diag.File
	for _, f := range reg.Files() {
		if strings.HasSuffix(f.Name, "cn/rating-baseline.yaml") {
			baseline = f
		}
	}
	old := `value: "0.10", reason: 被纳入联合惩戒名单`
	if !bytes.Contains(baseline.Data, []byte(old)) {
		t.Fatalf("the blacklist case of %s changed; update this test", baseline.Name)
	}
	edited := diag.File{Name: "edited/rating-baseline.yaml", Data: bytes.Replace(baseline.Data, []byte(old), []byte(`value: "0.30", reason: 被纳入联合惩戒名单`), 1)}
	after, err := reg.With(edited)
	if err != nil {
		t.Fatal(err)
	}
	return after
}

// The impact report agrees with a count made by hand: every enterprise
// assessed under both registries directly, and the numbers worked out here
// without the report's code.
func TestImpactAgreesWithHandCount(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 300
	}
	eng := newEngine(t)
	after := blacklistEdit(t)
	in := portfolioBytes(t, 21, n, portfolio.JSONL)
	rep, err := portfolio.Impact(context.Background(), eng, bytes.NewReader(in), after, portfolio.ImpactOptions{Name: "book.jsonl", At: asOf2026, Top: 5, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}

	// The hand count.
	type row struct {
		line          int
		before, after decimal.Decimal
		blacklisted   bool
	}
	var changed []row
	matrix := map[[2]rulesets.Obligation]int{}
	unchanged, priced, blacklistedPriced := 0, 0, 0
	totalBefore, totalAfter := decimal.Zero, decimal.Zero
	for i, f := range portfolio.Generate(21, n) {
		a, err := eng.Assess(f, anzexian.At(asOf2026))
		if err != nil {
			t.Fatal(err)
		}
		b, err := eng.Assess(f, anzexian.At(asOf2026), anzexian.Using(after))
		if err != nil {
			t.Fatal(err)
		}
		matrix[[2]rulesets.Obligation{a.Coverage.Obligation, b.Coverage.Obligation}]++
		if a.Premium == nil || b.Premium == nil {
			if (a.Premium == nil) != (b.Premium == nil) {
				t.Fatalf("line %d: priced under one stack only", i+1)
			}
			continue
		}
		priced++
		if f.Blacklisted {
			blacklistedPriced++
		}
		totalBefore = totalBefore.Add(a.Premium.Amount)
		totalAfter = totalAfter.Add(b.Premium.Amount)
		if a.Premium.Amount.Equal(b.Premium.Amount) {
			unchanged++
			continue
		}
		if !f.Blacklisted {
			t.Errorf("line %d: the premium of an enterprise not blacklisted changed", i+1)
		}
		if b.Premium.Amount.LessThan(a.Premium.Amount) {
			t.Errorf("line %d: a higher blacklist loading lowered the premium", i+1)
		}
		changed = append(changed, row{i + 1, a.Premium.Amount, b.Premium.Amount, f.Blacklisted})
	}
	if len(changed) == 0 || len(changed) > blacklistedPriced {
		t.Fatalf("%d premiums changed, %d blacklisted enterprises priced: the sample does not test the edit", len(changed), blacklistedPriced)
	}
	t.Logf("%d enterprises, %d priced, %d blacklisted and priced, %d changed", n, priced, blacklistedPriced, len(changed))

	if rep.Enterprises != n || rep.Skipped != 0 || rep.Errors != 0 {
		t.Errorf("report counts %d enterprises, %d skipped, %d errors; want %d, 0, 0", rep.Enterprises, rep.Skipped, rep.Errors, n)
	}
	for i, from := range rep.Obligations.Levels {
		for j, to := range rep.Obligations.Levels {
			if got, want := rep.Obligations.Counts[i][j], matrix[[2]rulesets.Obligation{from, to}]; got != want {
				t.Errorf("obligation %s → %s: report %d, hand count %d", from, to, got, want)
			}
		}
	}
	p := rep.Premium
	if p.PricedBoth != priced || p.Unchanged != unchanged || p.Increased != len(changed) || p.Decreased != 0 {
		t.Errorf("premium counts %d priced, %d unchanged, %d increased, %d decreased; hand count %d, %d, %d, 0",
			p.PricedBoth, p.Unchanged, p.Increased, p.Decreased, priced, unchanged, len(changed))
	}
	if !p.TotalBefore.Equal(totalBefore) || !p.TotalAfter.Equal(totalAfter) {
		t.Errorf("totals %s → %s; hand count %s → %s", p.TotalBefore, p.TotalAfter, totalBefore, totalAfter)
	}

	// min, median, p90 (nearest rank), max of the changes
	diffs := make([]decimal.Decimal, len(changed))
	for i, c := range changed {
		diffs[i] = c.after.Sub(c.before)
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].LessThan(diffs[j]) })
	nearest := func(pct int) decimal.Decimal {
		k := (pct*len(diffs) + 99) / 100
		return diffs[k-1]
	}
	want := []decimal.Decimal{diffs[0], nearest(50), nearest(90), diffs[len(diffs)-1]}
	got := []decimal.Decimal{p.Change.Min, p.Change.Median, p.Change.P90, p.Change.Max}
	if p.Change.Count != len(diffs) || !cmp.Equal(got, want) {
		t.Errorf("change distribution %d: %v; hand count %d: %v", p.Change.Count, got, len(diffs), want)
	}

	// every change in exactly one bar, and the bars tile the range
	sum := 0
	for i, b := range p.Histogram {
		sum += b.Count
		if i > 0 && !b.From.Equal(p.Histogram[i-1].To) {
			t.Errorf("bar %d starts at %s, the one before ends at %s", i, b.From, p.Histogram[i-1].To)
		}
		inBar := 0
		for _, d := range diffs {
			last := i == len(p.Histogram)-1
			if d.GreaterThanOrEqual(b.From) && (d.LessThan(b.To) || last && b.Rest && d.Equal(b.To)) {
				inBar++
			}
		}
		if inBar != b.Count {
			t.Errorf("bar [%s, %s) counts %d; %d changes lie in it", b.From, b.To, b.Count, inBar)
		}
	}
	if sum != len(diffs) {
		t.Errorf("the histogram counts %d changes, %d changed", sum, len(diffs))
	}

	// the largest movers, by absolute change then line, moved by the blacklist factor
	sort.SliceStable(changed, func(i, j int) bool {
		di, dj := changed[i].after.Sub(changed[i].before).Abs(), changed[j].after.Sub(changed[j].before).Abs()
		if !di.Equal(dj) {
			return di.GreaterThan(dj)
		}
		return changed[i].line < changed[j].line
	})
	if len(rep.Movers) != min(5, len(changed)) {
		t.Fatalf("%d movers, want %d", len(rep.Movers), min(5, len(changed)))
	}
	for i, m := range rep.Movers {
		c := changed[i]
		if m.Line != c.line || !m.Before.Equal(c.before) || !m.After.Equal(c.after) {
			t.Errorf("mover %d: line %d %s → %s; hand count line %d %s → %s", i, m.Line, m.Before, m.After, c.line, c.before, c.after)
		}
		if len(m.MovedBy) != 1 || m.MovedBy[0].Step != "blacklist" || !strings.HasPrefix(m.MovedBy[0].Before, "0.1 ") || !strings.HasPrefix(m.MovedBy[0].After, "0.3 ") {
			t.Errorf("mover %d moved by %+v, want the blacklist factor 0.1 → 0.3", i, m.MovedBy)
		}
	}
	if len(rep.Penalties.New)+len(rep.Penalties.Vanished)+len(rep.Penalties.Changed) != 0 {
		t.Errorf("a rating edit changed penalties: %+v", rep.Penalties)
	}
	if len(rep.Changes) != 1 || rep.Changes[0].ID != "cn/rating/baseline" || rep.Changes[0].Change != "replaced" {
		t.Errorf("changes %+v, want cn/rating/baseline replaced", rep.Changes)
	}
}

// The report is the same whatever the number of workers, and its three
// renderings hold what it says.
func TestImpactRenderings(t *testing.T) {
	eng := newEngine(t)
	after := blacklistEdit(t)
	in := portfolioBytes(t, 8, 400, portfolio.CSV)
	var reps [][]byte
	var rep *portfolio.ImpactReport
	for _, w := range []int{1, 4} {
		r, err := portfolio.Impact(context.Background(), eng, bytes.NewReader(in), after, portfolio.ImpactOptions{Name: "book.csv", At: asOf2026, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		reps = append(reps, b)
		rep = r
	}
	if !bytes.Equal(reps[0], reps[1]) {
		t.Fatal("the report depends on the number of workers")
	}
	if rep.Premium.Increased == 0 {
		t.Fatal("nothing changed in the sample")
	}
	var text, page bytes.Buffer
	if err := report.WriteImpact(&text, rep); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"replaced  cn/rating/baseline", "Largest movers:", "blacklist 0.1 (listed)→0.3 (listed)", "histogram of the changes (CNY):"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text report lacks %q:\n%s", s, text.String())
		}
	}
	if err := report.WriteImpactHTML(&page, rep); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	if strings.Contains(html, "ZgotmplZ") || strings.Contains(html, "<script") || regexp.MustCompile(`(src|href)="https?:`).MatchString(html) {
		t.Error("the HTML report is not self-contained and safe")
	}
	bars := strings.Count(html, `<rect class="bar"`)
	if want := len(rep.Premium.Histogram) + len(rep.Premium.PercentHistogram); bars != want {
		t.Errorf("the page draws %d bars, the histograms have %d", bars, want)
	}
	for _, s := range []string{`<svg class="histogram"`, "Largest movers", "示例企业", `id="obligations"`} {
		if !strings.Contains(html, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
}

// Bad records are skipped and listed; the comparison goes on.
func TestImpactSkipsBadRecords(t *testing.T) {
	eng := newEngine(t)
	data, good, bad := badBook()
	rep, err := portfolio.Impact(context.Background(), eng, strings.NewReader(data), blacklistEdit(t), portfolio.ImpactOptions{Name: "book.jsonl", At: asOf2026})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Enterprises != len(good) || rep.Skipped != len(bad) || len(rep.SkippedLines) != len(bad) || rep.SkippedLines[0].Line != bad[0] {
		t.Errorf("%d assessed, %d skipped (%v); want %d and %d", rep.Enterprises, rep.Skipped, rep.SkippedLines, len(good), len(bad))
	}
}
