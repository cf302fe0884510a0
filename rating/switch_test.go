package rating

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// switchFactors are factors whose cases compare one value with constants
// in every way a Switch takes (ints, codes, decimals at other exponents,
// bools; ==, !=, orderings; the constant on either side; an optional fact
// that may be missing), and two that are no Switch.
const switchFactors = `
    - id: sw-int
      title: t
      unit: coefficient
      cite: {source: peer, article: x}
      cases:
        - {id: a, when: standardization_level == 3, value: "0.90", reason: r}
        - {id: b, when: 2 == standardization_level, value: "0.95", reason: r}
        - {id: c, when: standardization_level > 4, value: "0.97", reason: r}
        - {id: d, when: 1 > standardization_level, value: "1.05", reason: r}
      default: {value: "1.00", reason: r}
    - id: sw-order
      title: t
      unit: coefficient
      cite: {source: peer, article: x}
      cases:
        - {id: a, when: employees >= 500, value: "1.10", reason: r}
        - {id: b, when: employees > 100, value: "1.05", reason: r}
        - {id: c, when: 10 >= employees, value: "0.95", reason: r}
      default: {value: "1.00", reason: r}
    - id: sw-code
      title: t
      unit: coefficient
      cite: {source: peer, article: x}
      cases:
        - {id: a, when: credit_grade == "d", value: "1.20", reason: r}
        - {id: b, when: credit_grade != "a", value: "1.05", reason: r}
      default: {value: "1.00", reason: r}
    - id: sw-dec
      title: t
      unit: coefficient
      cite: {source: peer, article: x}
      cases:
        - {id: a, when: loss_ratio >= 0.7, value: "1.15", reason: r}
        - {id: b, when: loss_ratio == 0.50, value: "1.02", reason: r}
        - {id: c, when: 0.300 > loss_ratio, value: "0.95", reason: r}
        - {id: d, when: loss_ratio <= 0.4, value: "0.98", reason: r}
      default: {value: "1.00", reason: r}
    - id: sw-bool
      title: t
      unit: coefficient
      cite: {source: peer, article: x}
      cases:
        - {id: a, when: blacklisted == true, value: "1.30", reason: r}
        - {id: b, when: blacklisted != true, value: "1.20", reason: r}
      default: {value: "1.00", reason: r}
    - id: no-switch
      title: t
      unit: coefficient
      cite: {source: peer, article: x}
      cases:
        - {id: a, when: standardization_level == 3, value: "0.90", reason: r}
        - {id: b, when: employees == 10, value: "0.95", reason: r}
      default: {value: "1.00", reason: r}
`

// TestSwitchAgrees checks each Switch against its conditions evaluated one
// by one with Bool, on generated facts: the first that holds, the error,
// and the budget spent.
func TestSwitchAgrees(t *testing.T) {
	data, err := os.ReadFile("../testdata/peer/rating.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(data), "  factors:\n", "  factors:\n"+strings.TrimPrefix(switchFactors, "\n"), 1)
	reg, err := rulesets.LoadFiles(diag.File{Name: "rating.yaml", Data: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	asOf := facts.NewDate(2026, time.January, 1)
	st, err := reg.Stack("110000", asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	rt := st.Rating
	m := memoOf(st, rt)
	want := map[string]bool{"sw-int": true, "sw-order": true, "sw-code": true, "sw-dec": true, "sw-bool": true,
		"no-switch": false, "accident": false, "standardization": true, "credit": true, "loss-ratio": true, "blacklist": false}
	for i, f := range rt.Factors {
		if w, ok := want[f.ID]; ok && w != (m.factors[i].sw != nil) {
			t.Errorf("factor %s: a Switch %v, want %v", f.ID, m.factors[i].sw != nil, w)
		}
	}
	r := rand.New(rand.NewPCG(5, 8))
	outcomes := map[string]map[int]int{}
	for range 5000 {
		f := peerFacts(r, "110000")
		f.StandardizationLevel = r.IntN(7)
		if r.IntN(5) == 0 {
			f.LossRatio = nil
		}
		if r.IntN(5) == 0 {
			f.Employees = nil
		} else {
			f.Employees = facts.Int([]int{1, 10, 11, 100, 101, 499, 500, 5000}[r.IntN(8)])
		}
		lr := decimal.New(int64(r.IntN(12))*10, -3+int32(r.IntN(2))) // 0.000–0.110 or 0.00–1.10, at two exponents
		if f.LossRatio != nil {
			f.LossRatio = &lr
		}
		for i, fac := range rt.Factors {
			sw := m.factors[i].sw
			if sw == nil {
				continue
			}
			ev := lang.NewEval()
			if err := st.Bind(ev, f, asOf, ""); err != nil {
				t.Fatal(err)
			}
			wantK, wantErr := len(fac.Cases), error(nil)
			for j, c := range fac.Cases {
				hit, err := c.When.Bool(ev)
				if err != nil {
					wantK, wantErr = j, err
					break
				}
				if hit {
					wantK = j
					break
				}
			}
			wantSteps := ev.Steps()
			ev = lang.NewEval()
			if err := st.Bind(ev, f, asOf, ""); err != nil {
				t.Fatal(err)
			}
			k, err := sw.First(ev)
			if k != wantK || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("factor %s: Switch gives case %d (%v), the conditions case %d (%v)", fac.ID, k, err, wantK, wantErr)
			}
			if ev.Steps() != wantSteps {
				t.Fatalf("factor %s: Switch spent %d steps, the conditions %d", fac.ID, ev.Steps(), wantSteps)
			}
			if outcomes[fac.ID] == nil {
				outcomes[fac.ID] = map[int]int{}
			}
			if err != nil {
				k = -1
			}
			outcomes[fac.ID][k]++
		}
	}
	// every case, the default and (for optional facts) the error came up
	for i, fac := range rt.Factors {
		if m.factors[i].sw == nil {
			continue
		}
		for k := range len(fac.Cases) + 1 {
			if outcomes[fac.ID][k] == 0 && (fac.ID != "sw-bool" || k < len(fac.Cases)) { // a bool has two values
				t.Errorf("factor %s: case %d never chosen; the test does not exercise it", fac.ID, k)
			}
		}
	}
	for _, id := range []string{"sw-dec", "sw-order", "loss-ratio"} {
		if outcomes[id][-1] == 0 {
			t.Errorf("factor %s: the missing fact never came up", id)
		}
	}
}
