package decfmt

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// yuanBefore is Yuan as it was written first: the reference for the
// allocation-free one.
func yuanBefore(d decimal.Decimal) string {
	s := d.String()
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + "元"
}

func TestYuanAndAppendDecimal(t *testing.T) {
	values := []string{"0", "0.00", "1", "-1", "10", "1E3", "-1E3", "0.5", "-0.05", "123.4500", "1000000.000001",
		"999999999999999999", "-999999999999999999", "9999999999999999999", "12345678901234567890.120",
		"0.0000000000000000000001", "1E-40", "1E40", "19584.00", "350000", "300000.00"}
	defer func(z, s bool) { decimal.TrimTrailingZeros, decimal.UseScientificNotation = z, s }(decimal.TrimTrailingZeros, decimal.UseScientificNotation)
	for _, settings := range [][2]bool{{true, false}, {false, false}, {true, true}, {false, true}} {
		decimal.TrimTrailingZeros, decimal.UseScientificNotation = settings[0], settings[1]
		for _, s := range values {
			d := decimal.RequireFromString(s)
			if got, want := Yuan(d), yuanBefore(d); got != want {
				t.Errorf("%v Yuan(%s) = %q, want %q", settings, s, got, want)
			}
			if got, want := string(AppendYuan([]byte("限额"), d)), "限额"+yuanBefore(d); got != want {
				t.Errorf("%v AppendYuan(限额, %s) = %q, want %q", settings, s, got, want)
			}
			if got, want := string(AppendDecimal(nil, d)), d.String(); got != want {
				t.Errorf("%v AppendDecimal(%s) = %q, want %q", settings, s, got, want)
			}
			for _, places := range []int32{0, 1, 2, 3, 6} {
				if got, want := string(AppendFixed(nil, d, places)), d.StringFixed(places); got != want {
					t.Errorf("%v AppendFixed(%s, %d) = %q, want %q", settings, s, places, got, want)
				}
			}
		}
	}
}
