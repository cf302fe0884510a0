package yamlx

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

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
		{"exponent at the limit", fmt.Sprintf("1e-%d", MaxDecimalFracDigits), "0." + strings.Repeat("0", MaxDecimalFracDigits-1) + "1"},
		{"many digits kept exactly", "12345678901234.56", "12345678901234.56"},
		{"more digits than float64 holds", "123456789012345.123456789012", "123456789012345.123456789012"},
		{"15 integer digits", "999999999999999", "999999999999999"},
		{"as many fraction digits as allowed", "0." + strings.Repeat("0", MaxDecimalFracDigits-1) + "1", "0." + strings.Repeat("0", MaxDecimalFracDigits-1) + "1"},
		{"significant digits up to the limit", "0." + strings.Repeat("9", MaxDecimalFracDigits), "0." + strings.Repeat("9", MaxDecimalFracDigits)},
		{"trailing zeros beyond the limit", "0.1" + strings.Repeat("0", MaxDecimalFracDigits+4), "0.1"},
		{"trailing zeros beyond the limit, whole", "5." + strings.Repeat("0", MaxDecimalFracDigits+5), "5"},
		{"zero", "0", "0"},
	}
	for _, c := range valid {
		t.Run(c.name, func(t *testing.T) {
			d, msg := ParseDecimal(c.in)
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
		{"one fraction digit too many", "0." + strings.Repeat("0", MaxDecimalFracDigits) + "1", fmt.Sprintf("more than %d decimal places", MaxDecimalFracDigits)},
		{"one fraction digit too many through an exponent", fmt.Sprintf("1.5e-%d", MaxDecimalFracDigits), fmt.Sprintf("more than %d decimal places", MaxDecimalFracDigits)},
		{"significant digits beyond the limit", "0." + strings.Repeat("3", MaxDecimalFracDigits+1), "decimal places"},
		{"a trailing non-zero after zeros", "0.5" + strings.Repeat("0", MaxDecimalFracDigits) + "1", "decimal places"},
		{"too long", "0." + strings.Repeat("0", 70) + "1", "too many digits"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			d, msg := ParseDecimal(c.in)
			if msg == "" {
				t.Fatalf("parseDecimal(%q) = %s, want an error", c.in, d)
			}
			if !strings.Contains(msg, c.msg) {
				t.Errorf("parseDecimal(%q) says %q, want %q", c.in, msg, c.msg)
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

// TestPlainDecimalAgrees checks the fast path for plain numbers against the
// general parse on generated strings: where it takes a string it gives the
// same coefficient and exponent (a decimal's exponent shows in the trace and
// in JSON), and it leaves every other form to the general parse.
func TestPlainDecimalAgrees(t *testing.T) {
	alphabet := "0123456789.-+e "
	seed := uint64(1)
	next := func(n int) int {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return int(seed % uint64(n))
	}
	var inputs []string
	for range 200000 {
		b := make([]byte, 1+next(22))
		for i := range b {
			if next(4) == 0 {
				b[i] = alphabet[next(len(alphabet))]
			} else {
				b[i] = alphabet[next(10)]
			}
		}
		inputs = append(inputs, string(b))
	}
	inputs = append(inputs, "0", "-0", "0.00", "-0.000", "00012", "999999999999999", "1000000000000000",
		"999999999999999.999", "0.0000000000000001", "0.00000000000000001", "123456789012345678",
		"1234567890123456789", "9223372036854775807", "-9223372036854775808", "5.", ".5", "-", "-.5", "1.2.3", "")
	taken := 0
	for _, s := range inputs {
		// FactDecimalPtr is FactDecimal, in one allocation
		p, pok := FactDecimalPtr(s)
		want, wok := FactDecimal(s)
		if pok != wok || pok && (p.Coefficient().Cmp(want.Coefficient()) != 0 || p.Exponent() != want.Exponent()) {
			t.Fatalf("FactDecimalPtr(%q) = %s×10^%d, %v; FactDecimal gives %s×10^%d, %v", s, p.Coefficient(), p.Exponent(), pok, want.Coefficient(), want.Exponent(), wok)
		}
		d, ok := plainDecimal(s)
		if !ok {
			continue
		}
		taken++
		want, msg := parseDecimal(s)
		if msg != "" {
			t.Fatalf("plainDecimal(%q) = %s, but the general parse rejects it: %s", s, d, msg)
		}
		if d.Coefficient().Cmp(want.Coefficient()) != 0 || d.Exponent() != want.Exponent() {
			t.Fatalf("plainDecimal(%q) = %s×10^%d, the general parse %s×10^%d", s, d.Coefficient(), d.Exponent(), want.Coefficient(), want.Exponent())
		}
	}
	if taken < len(inputs)/10 {
		t.Fatalf("the fast path took %d of %d inputs: the test no longer exercises it", taken, len(inputs))
	}
	for _, s := range []string{"400000", "0.67", "1.50"} {
		if n := testing.AllocsPerRun(20, func() { FactDecimalPtr(s) }); n != 1 {
			t.Errorf("FactDecimalPtr(%q) allocates %.0f times, want once", s, n)
		}
	}
}

// DecimalRange's int64 path says what the decimal path says, on the
// boundaries (10^15, sixteen places, trailing zeros past them) and on
// random coefficients and exponents.
func TestDecimalRangeFast(t *testing.T) {
	check := func(d decimal.Decimal) {
		t.Helper()
		if got, want := DecimalRange(d), decimalRange(d); got != want {
			t.Fatalf("%s (%d × 10^%d): %q, the decimal path %q", d, d.Coefficient(), d.Exponent(), got, want)
		}
	}
	check(decimal.Decimal{}) // the zero value, with no coefficient
	for _, s := range []string{"0", "1", "-1", "999999999999999", "999999999999999.9999999999999999", "1000000000000000", "-1000000000000000",
		"-999999999999999.99", "0.0000000000000001", "0.00000000000000001", "0.00000000000000010", "123.4500000000000000000"} {
		d := decimal.RequireFromString(s)
		check(d)
		check(d.Neg())
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		var c int64
		switch r.IntN(4) {
		case 0:
			c = r.Int64N(2e18) - 1e18 + 1
		case 1:
			c = r.Int64N(2000) - 1000
		case 2: // a power of ten, maybe less one
			c = ten(r.IntN(18)) - int64(r.IntN(2))
		default: // trailing zeros
			c = (r.Int64N(2e6) - 1e6) * ten(r.IntN(12))
		}
		d := decimal.New(c, int32(r.IntN(61)-42))
		check(d)
		check(decimal.RequireFromString(d.String())) // the same value, its trailing zeros dropped
	}
}

// ten is 10^k.
func ten(k int) int64 {
	p := int64(1)
	for range k {
		p *= 10
	}
	return p
}
