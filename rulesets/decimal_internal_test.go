package rulesets

import (
	"strings"
	"testing"

	"github.com/anzexian/anzexian/internal/yamlx"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestParseInterval(t *testing.T) {
	type band struct {
		Lo, Hi         string // "" for unbounded
		LoIncl, HiIncl bool
	}
	show := func(b *Band) band {
		var out band
		if b.Lo != nil {
			out.Lo = b.Lo.String()
			out.LoIncl = b.LoIncl
		}
		if b.Hi != nil {
			out.Hi = b.Hi.String()
			out.HiIncl = b.HiIncl
		}
		return out
	}
	valid := []struct {
		name, in string
		want     band
		interval string
	}{
		{"closed", "[0, 5000000]", band{"0", "5000000", true, true}, "[0, 5000000]"},
		{"half open", "(5000000, 30000000]", band{"5000000", "30000000", false, true}, "(5000000, 30000000]"},
		{"other half open", "[1, 2)", band{"1", "2", true, false}, "[1, 2)"},
		{"open above", "(80000000, +inf)", band{"80000000", "", false, false}, "(80000000, +inf)"},
		{"inf without sign", "[0, inf)", band{"0", "", true, false}, "[0, +inf)"},
		{"open below", "(-inf, 0)", band{"", "0", false, false}, "(-inf, 0)"},
		{"everything", "(-inf, +inf)", band{}, "(-inf, +inf)"},
		{"a point", "[5, 5]", band{"5", "5", true, true}, "[5, 5]"},
		{"a point written two ways", "[1.0, 1.00]", band{"1", "1", true, true}, "[1, 1]"},
		{"decimals", "(0.5, 1.25]", band{"0.5", "1.25", false, true}, "(0.5, 1.25]"},
		{"negative bounds", "[-0.3, -0.1)", band{"-0.3", "-0.1", true, false}, "[-0.3, -0.1)"},
		{"no spaces", "[0,1]", band{"0", "1", true, true}, "[0, 1]"},
		{"surrounding spaces", "  [0, 1]  ", band{"0", "1", true, true}, "[0, 1]"},
	}
	for _, c := range valid {
		t.Run(c.name, func(t *testing.T) {
			var b Band
			if msg := parseInterval(c.in, &b); msg != "" {
				t.Fatalf("parseInterval(%q): %s", c.in, msg)
			}
			if d := cmp.Diff(c.want, show(&b)); d != "" {
				t.Errorf("parseInterval(%q) (-want +got):\n%s", c.in, d)
			}
			if got := b.Interval(); got != c.interval {
				t.Errorf("Interval() = %q, want %q", got, c.interval)
			}
		})
	}
	invalid := []struct{ name, in, msg string }{
		{"too short", "[]", "not an interval"},
		{"no brackets", "0, 500", "must start with [ or ( and end with ] or )"},
		{"wrong closing bracket", "[0, 5}", "must start with [ or ( and end with ] or )"},
		{"one bound", "[0 5]", "two bounds"},
		{"three bounds", "[0, 1, 2]", "two bounds"},
		{"thousands separator", "[1,000, 2]", "two bounds"},
		{"lower bound not a number", "[a, 5]", "lower bound that is not a decimal number"},
		{"upper bound exponent", "[0, 1e99]", "upper bound that has an exponent out of range"},
		{"upper bound too many places", "[0, 0." + strings.Repeat("1", yamlx.MaxDecimalFracDigits+1) + "]", "upper bound that has more than"},
		{"includes -inf", "[-inf, 0)", "cannot include -inf"},
		{"includes +inf", "(0, +inf]", "cannot include +inf"},
		{"+inf as lower bound", "(+inf, 5)", "lower bound that is not a finite number"},
		{"reversed", "(6, 5)", "is empty"},
		{"reversed closed", "[6, 5]", "is empty"},
		{"point open on the left", "(5, 5]", "is empty"},
		{"point open on the right", "[5, 5)", "is empty"},
		{"point open on both sides", "(5, 5)", "is empty"},
		{"equal values written differently", "(1.0, 1]", "is empty"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			var b Band
			msg := parseInterval(c.in, &b)
			if msg == "" {
				t.Fatalf("parseInterval(%q) accepted %s", c.in, b.Interval())
			}
			if !strings.Contains(msg, c.msg) {
				t.Errorf("parseInterval(%q) says %q, want %q", c.in, msg, c.msg)
			}
		})
	}
}

func TestBandContains(t *testing.T) {
	parse := func(s string) *Band {
		var b Band
		if msg := parseInterval(s, &b); msg != "" {
			t.Fatalf("parseInterval(%q): %s", s, msg)
		}
		return &b
	}
	for _, c := range []struct {
		name, band string
		in, out    []string
	}{
		{"closed", "[1, 2]", []string{"1", "1.00", "1.5", "2", "2.000"}, []string{"0.999999999999", "2.000000000001", "-1"}},
		{"open", "(1, 2)", []string{"1.000000000001", "1.5", "1.999999999999"}, []string{"1", "2", "1.0", "2.0"}},
		{"open, tiny differences", "(0.1, 0.2)", []string{"0.1000000000000001"}, []string{"0.1", "0.2000000000000000"}},
		{"left closed", "[1, 2)", []string{"1", "1.9"}, []string{"2", "0.9"}},
		{"right closed", "(1, 2]", []string{"2", "1.1"}, []string{"1", "2.1"}},
		{"open above", "(80000000, +inf)", []string{"80000000.01", "999999999999999"}, []string{"80000000", "0"}},
		{"open below", "(-inf, 0)", []string{"-999999999999999", "-0.000000000001"}, []string{"0", "0.1"}},
		{"everything", "(-inf, +inf)", []string{"-999999999999999", "0", "999999999999999"}, nil},
		{"point", "[5, 5]", []string{"5", "5.0"}, []string{"4.999", "5.001"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := parse(c.band)
			for _, v := range c.in {
				if !b.Contains(decimal.RequireFromString(v)) {
					t.Errorf("%s does not contain %s", c.band, v)
				}
			}
			for _, v := range c.out {
				if b.Contains(decimal.RequireFromString(v)) {
					t.Errorf("%s contains %s", c.band, v)
				}
			}
		})
	}
}
