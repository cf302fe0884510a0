package anzexian_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/anzexian/anzexian"

	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/decfmt"
	"github.com/anzexian/anzexian/internal/jsonw"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rating"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/shopspring/decimal"
)

// The specification of the JSON answer is what encoding/json writes for an
// Assessment: by reflection, except for the types with a MarshalJSON of
// their own. Those (the premium, the requirements and their basis, fine
// ranges, daily fines) now write theirs with AppendJSON; their original
// implementations, reflection- and fmt-based, are kept below as the
// specification they must match. So: each part matches its original
// encoder, and AppendJSON of the whole matches encoding/json of the whole.

func reflectJSON(t testing.TB, a *anzexian.Assessment) []byte {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// specPremiumJSON is rating.Premium's MarshalJSON as first written.
func specPremiumJSON(p rating.Premium) ([]byte, error) {
	type plain rating.Premium
	scale := p.Rounding.Scale
	type money struct {
		Amount string              `json:"amount"`
		Cite   []rulesets.Citation `json:"cite"`
	}
	type capMoney struct {
		Share  string              `json:"share"`
		Amount string              `json:"amount"`
		Cite   []rulesets.Citation `json:"cite"`
	}
	var min *money
	if p.Minimum != nil {
		min = &money{p.Minimum.Amount.StringFixed(scale), p.Minimum.Cite}
	}
	var cp *capMoney
	if c := p.PreventionBudgetCap; c != nil {
		cp = &capMoney{c.Share.String(), c.Amount.StringFixed(scale), c.Cite}
	}
	// a provisional premium (added with ranges): its range's bounds are
	// money, with the declared scale, after the amount
	type rangeMoney struct {
		Min          string             `json:"min"`
		Max          string             `json:"max"`
		Combinations int                `json:"combinations"`
		Undecided    []rating.Undecided `json:"undecided"`
	}
	var rg *rangeMoney
	if r := p.Range; r != nil {
		rg = &rangeMoney{r.Min.StringFixed(scale), r.Max.StringFixed(scale), r.Combinations, r.Undecided}
	}
	return json.Marshal(struct {
		plain
		Combined            string      `json:"combined"`
		Applied             string      `json:"applied"`
		BeforeMinimum       string      `json:"before_minimum"`
		Minimum             *money      `json:"minimum,omitempty"`
		Amount              string      `json:"amount"`
		Provisional         bool        `json:"provisional,omitempty"`
		Range               *rangeMoney `json:"range,omitempty"`
		PreventionBudgetCap *capMoney   `json:"prevention_budget_cap,omitempty"`
	}{plain(p), p.Combined.String(), p.Applied.String(), p.BeforeMinimum.String(), min, p.Amount.StringFixed(scale), p.Range != nil, rg, cp})
}

func specJSONValue(v any) any {
	if d, ok := v.(decimal.Decimal); ok {
		return d.String()
	}
	return v
}

// specBasis is coverage.Basis as its MarshalJSON first wrote it.
type specBasis struct {
	Rule    string              `json:"rule"`
	Text    string              `json:"text"`
	Value   any                 `json:"value"`
	Binding bool                `json:"binding"`
	Cite    []rulesets.Citation `json:"cite"`
}

// specRequirementsJSON is coverage.Requirements' MarshalJSON as first
// written.
func specRequirementsJSON(q coverage.Requirements) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, it := range q.Items {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(it.Field)
		b.Write(k)
		b.WriteByte(':')
		var basis []specBasis
		if it.Basis != nil {
			basis = []specBasis{}
		}
		for _, x := range it.Basis {
			basis = append(basis, specBasis{x.Rule, x.Text, specJSONValue(x.Value), x.Binding, x.Cite})
		}
		v, err := json.Marshal(struct {
			Label string      `json:"label"`
			Value any         `json:"value"`
			Basis []specBasis `json:"basis"`
		}{it.Label, specJSONValue(it.Value), basis})
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// The parts with a MarshalJSON of their own write what they first wrote.
func TestPartsJSONMatchTheirSpecification(t *testing.T) {
	names, as := jsonAssessments(t)
	n := 0
	for i, a := range as {
		if p := a.Premium; p != nil {
			want, err := specPremiumJSON(*p)
			got := p.AppendJSON(nil)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s: premium differs %s", names[i], firstDiff(want, got))
			}
			n++
		}
		want, err := specRequirementsJSON(a.Coverage.Requirements)
		got := a.Coverage.Requirements.AppendJSON(nil)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: requirements differ %s", names[i], firstDiff(want, got))
		}
		for _, p := range a.Penalties {
			for _, r := range []*penalties.Range{p.Fine, p.Statutory} {
				if r == nil {
					continue
				}
				got, _ := r.MarshalJSON()
				want := fmt.Sprintf(`{"min":%q,"max":%q}`, r.Min.StringFixed(2), r.Max.StringFixed(2))
				if string(got) != want {
					t.Fatalf("%s: range %s, want %s", names[i], got, want)
				}
			}
			if d := p.PerDay; d != nil {
				got, _ := d.MarshalJSON()
				want := fmt.Sprintf(`{"amount":%q,"from":%q,"through":%q,"days":%d,"total":%q}`,
					d.Amount.StringFixed(2), d.From, d.Through, d.Days, d.Total.StringFixed(2))
				if string(got) != want {
					t.Fatalf("%s: per day %s, want %s", names[i], got, want)
				}
			}
		}
	}
	if n < 500 {
		t.Errorf("only %d premiums compared", n)
	}
}

// jsonAssessments are the answers of every example case (trace off and
// on) and of a generated portfolio of every region.
func jsonAssessments(t *testing.T) (names []string, as []*anzexian.Assessment) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := casetest.Load("examples")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.FactsErr != nil || c.Facts == nil {
			continue
		}
		opts := []anzexian.Option{anzexian.At(c.AsOf), anzexian.Insurer(c.Insurer)}
		if len(c.With) > 0 {
			reg, err := casetest.NewRunner(eng).Registry(c)
			if err != nil {
				continue
			}
			opts = append(opts, anzexian.Using(reg))
		}
		for _, trace := range []bool{false, true} {
			o := opts
			if trace {
				o = append(o[:len(o):len(o)], anzexian.WithTrace())
			}
			a, err := eng.Assess(c.Facts, o...)
			if err != nil {
				continue
			}
			names, as = append(names, c.ID()), append(as, a)
		}
	}
	if len(as) < 500 {
		t.Fatalf("only %d example answers", len(as))
	}
	for i, f := range portfolio.Generate(5, 1500) {
		opts := []anzexian.Option{anzexian.At(facts.MustParseDate("2026-01-01"))}
		if i%3 == 0 {
			opts = append(opts, anzexian.WithTrace())
		}
		a, err := eng.Assess(f, opts...)
		if err != nil {
			t.Fatal(err)
		}
		names, as = append(names, f.Name), append(as, a)
	}
	return names, as
}

// AppendJSON writes exactly what encoding/json writes for an anzexian.Assessment,
// compact and indented, on every example case and a generated portfolio.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	names, as := jsonAssessments(t)
	failed := 0
	for i, a := range as {
		want := reflectJSON(t, a)
		got := a.AppendJSON(nil)
		if !bytes.Equal(got, want) {
			failed++
			if failed <= 3 {
				t.Errorf("%s: AppendJSON differs from encoding/json %s", names[i], firstDiff(want, got))
			}
			continue
		}
		if i%10 == 0 {
			var ind bytes.Buffer
			wantInd, _ := json.MarshalIndent(a, "", "  ")
			if err := json.Indent(&ind, got, "", "  "); err != nil || !bytes.Equal(ind.Bytes(), wantInd) {
				t.Errorf("%s: indented form differs", names[i])
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d answers differ", failed, len(as))
	}
	t.Logf("%d answers encoded identically", len(as))
}

// Decimal's process-wide formatting settings (which an embedding
// application may set) are honoured as decimal's MarshalJSON honours them.
func TestAppendJSONDecimalSettings(t *testing.T) {
	names, as := jsonAssessments(t)
	defer func(q, z, s bool) {
		decimal.MarshalJSONWithoutQuotes, decimal.TrimTrailingZeros, decimal.UseScientificNotation = q, z, s
	}(decimal.MarshalJSONWithoutQuotes, decimal.TrimTrailingZeros, decimal.UseScientificNotation)
	for _, set := range [][3]bool{{true, true, false}, {false, false, false}, {false, true, true}} {
		decimal.MarshalJSONWithoutQuotes, decimal.TrimTrailingZeros, decimal.UseScientificNotation = set[0], set[1], set[2]
		for i := 0; i < len(as); i += 7 {
			want, got := reflectJSON(t, as[i]), as[i].AppendJSON(nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("%v %s: AppendJSON differs from encoding/json %s", set, names[i], firstDiff(want, got))
			}
		}
	}
}

// The decimal and string writers agree with decimal's and encoding/json's
// on awkward values.
func TestAppendDecimalAndString(t *testing.T) {
	for _, s := range []string{"0", "-0", "0.00", "1", "-1", "10", "1E3", "-1E3", "0.5", "-0.05", "123.4500", "1000000.000001",
		"999999999999999999", "-999999999999999999", "9999999999999999999", "0.0000000000000000000001", "1E-40", "1E40",
		"19584.00", "4112.64", "0.1", "300", "-0.10"} {
		d := decimal.RequireFromString(s)
		if got, want := string(decfmt.AppendDecimal(nil, d)), d.String(); got != want {
			t.Errorf("appendDecimal(%s) = %q, want %q", s, got, want)
		}
		for _, places := range []int32{0, 1, 2, 3, 6} {
			if got, want := string(decfmt.AppendFixed(nil, d, places)), d.StringFixed(places); got != want {
				t.Errorf("appendFixed(%s, %d) = %q, want %q", s, places, got, want)
			}
		}
	}
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "<tag> & amp", "tab\tnew\nline\r\x00\x1f\x7f",
		"中文，全角（）", "\u2028\u2029", "a\u2028b\u2029c\u2027", "bad \xff utf8 \xe4\xb8", "\u2028 and \xff", "emoji 😀", "\xe2\x80"} {
		want, _ := json.Marshal(s)
		if got := jsonw.AppendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
	for _, s := range []string{"2026-01-01", "0001-01-01", "1949-10-01", "9999-12-31"} {
		d := facts.MustParseDate(s)
		want, _ := json.Marshal(d)
		if got := jsonw.AppendDate(nil, d); !bytes.Equal(got, want) {
			t.Errorf("appendDate(%s) = %s, want %s", s, got, want)
		}
	}
	if got := jsonw.AppendDate(nil, facts.Date{}); string(got) != `""` {
		t.Errorf("appendDate(zero) = %s", got)
	}
	var nilA *anzexian.Assessment
	if got := nilA.AppendJSON(nil); string(got) != "null" {
		t.Errorf("nil Assessment: %s", got)
	}
}
