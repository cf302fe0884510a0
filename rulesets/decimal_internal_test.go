package rulesets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestParseDecimal(t *testing.T) {
	valid := []struct {
		name, in, want string
	}{
		{"tenth", "0.1", "0.1"},
		{"negative", "-0.10", "-0.1"},
		{"plus sign", "+5", "5"},
		{"surrounding space", "  7 ", "7"},
		{"exponent", "1e-3", "0.001"},
		{"capital exponent", "1E5", "100000"},
		{"exponent with a sign", "2.5e+2", "250"},
		{"exponent at the limit", fmt.Sprintf("1e-%d", maxDecimalFracDigits), "0." + strings.Repeat("0", maxDecimalFracDigits-1) + "1"},
		{"many digits kept exactly", "12345678901234.56", "12345678901234.56"},
		{"more digits than float64 holds", "123456789012345.123456789012", "123456789012345.123456789012"},
		{"15 integer digits", "999999999999999", "999999999999999"},
		{"as many fraction digits as allowed", "0." + strings.Repeat("0", maxDecimalFracDigits-1) + "1", "0." + strings.Repeat("0", maxDecimalFracDigits-1) + "1"},
		{"significant digits up to the limit", "0." + strings.Repeat("9", maxDecimalFracDigits), "0." + strings.Repeat("9", maxDecimalFracDigits)},
		{"trailing zeros beyond the limit", "0.1" + strings.Repeat("0", maxDecimalFracDigits+4), "0.1"},
		{"trailing zeros beyond the limit, whole", "5." + strings.Repeat("0", maxDecimalFracDigits+5), "5"},
		{"zero", "0", "0"},
	}
	for _, c := range valid {
		t.Run(c.name, func(t *testing.T) {
			d, msg := parseDecimal(c.in)
			if msg != "" {
				t.Fatalf("parseDecimal(%q): %s", c.in, msg)
			}
			if !d.Equal(decimal.RequireFromString(c.want)) {
				t.Errorf("parseDecimal(%q) = %s, want %s", c.in, d, c.want)
			}
			if d.String() != c.want {
				t.Errorf("parseDecimal(%q).String() = %q, want %q", c.in, d.String(), c.want)
			}
		})
	}

	invalid := []struct {
		name, in, msg string
	}{
		{"empty", "", "is empty"},
		{"blank", "   ", "is empty"},
		{"inf", "inf", "not a finite number"},
		{"negative infinity", "-Infinity", "not a finite number"},
		{"NaN", "NaN", "not a finite number"},
		{"comma separator", "1,000", "separators"},
		{"underscore separator", "1_000", "separators"},
		{"exponent too large", "1e41", "exponent out of range"},
		{"exponent too small", "1e-41", "exponent out of range"},
		{"huge exponent", "1e999999999", "exponent out of range"},
		{"exponent without digits", "1e", "not a decimal number"},
		{"a word with an e", "yes", "not a decimal number"},
		{"not a number", "abc", "not a decimal number"},
		{"hex", "0x10", "not a decimal number"},
		{"two points", "1.2.3", "not a decimal number"},
		{"16 integer digits", "1000000000000000", "too large"},
		{"exponent makes it too large", "1e15", "too large"},
		{"negative and too large", "-1000000000000000", "too large"},
		{"one fraction digit too many", "0." + strings.Repeat("0", maxDecimalFracDigits) + "1", fmt.Sprintf("more than %d decimal places", maxDecimalFracDigits)},
		{"one fraction digit too many through an exponent", fmt.Sprintf("1.5e-%d", maxDecimalFracDigits), fmt.Sprintf("more than %d decimal places", maxDecimalFracDigits)},
		{"significant digits beyond the limit", "0." + strings.Repeat("3", maxDecimalFracDigits+1), "decimal places"},
		{"a trailing non-zero after zeros", "0.5" + strings.Repeat("0", maxDecimalFracDigits) + "1", "decimal places"},
		{"too long", "0." + strings.Repeat("0", 70) + "1", "too many digits"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			d, msg := parseDecimal(c.in)
			if msg == "" {
				t.Fatalf("parseDecimal(%q) = %s, want an error", c.in, d)
			}
			if !strings.Contains(msg, c.msg) {
				t.Errorf("parseDecimal(%q) says %q, want %q", c.in, msg, c.msg)
			}
		})
	}
}

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
		{"upper bound too many places", "[0, 0." + strings.Repeat("1", maxDecimalFracDigits+1) + "]", "upper bound that has more than"},
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

func TestRoundMode(t *testing.T) {
	for _, c := range []struct {
		name, in string
		scale    int32
		mode     string
		want     string
	}{
		{"half up rounds half away from zero", "2.345", 2, "half_up", "2.35"},
		{"half up, negative", "-2.345", 2, "half_up", "-2.35"},
		{"unknown mode is half up", "2.345", 2, "", "2.35"},
		{"half even rounds to even", "2.345", 2, "half_even", "2.34"},
		{"half even rounds up when odd", "2.355", 2, "half_even", "2.36"},
		{"down truncates", "2.349", 2, "down", "2.34"},
		{"down truncates negative toward zero", "-2.349", 2, "down", "-2.34"},
		{"scale 0", "12345.5", 0, "half_up", "12346"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := RoundMode(decimal.RequireFromString(c.in), c.scale, c.mode)
			if !got.Equal(decimal.RequireFromString(c.want)) {
				t.Errorf("RoundMode(%s, %d, %q) = %s, want %s", c.in, c.scale, c.mode, got, c.want)
			}
		})
	}
}

// trimPlaces gives a fact the exponent JSON gives it back with.
func TestTrimPlaces(t *testing.T) {
	for in, want := range map[string]string{
		"1.50": "1.5", "1500.00": "1500", "0.000": "0", ".00000": "0", "100": "100", "2.5": "2.5", "0.0100": "0.01", "-2.10": "-2.1",
	} {
		d := trimPlaces(decimal.RequireFromString(in))
		w := decimal.RequireFromString(want)
		if !d.Equal(w) || d.Exponent() != w.Exponent() {
			t.Errorf("trimPlaces(%s) = %s (exponent %d), want %s (exponent %d)", in, d, d.Exponent(), want, w.Exponent())
		}
	}
}
