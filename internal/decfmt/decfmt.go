package decfmt

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Yuan formats an amount for text output: 300000 → "300000元", with at most
// the digits it has (no trailing zeros after the point).
func Yuan(d decimal.Decimal) string {
	var buf [40]byte
	return string(AppendYuan(buf[:0], d))
}

// AppendYuan appends Yuan(d) to b.
func AppendYuan(b []byte, d decimal.Decimal) []byte {
	if decimal.UseScientificNotation && d.Exponent() > 0 {
		s := d.String()
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return append(append(b, s...), "元"...)
	}
	return append(appendTrimmed(b, d), "元"...)
}

// decBounds[e+decBoundsOff] are ±(10^18−1) at exponent e: a decimal with
// exponent e between them has a coefficient that fits an int64, and
// comparing with them does not rescale.
const decBoundsOff = 32

var decBounds = func() (b [2 * decBoundsOff][2]decimal.Decimal) {
	const max = 999_999_999_999_999_999
	for i := range b {
		e := int32(i - decBoundsOff)
		b[i] = [2]decimal.Decimal{decimal.New(-max, e), decimal.New(max, e)}
	}
	return b
}()

// coefficient returns d's coefficient when it fits an int64 and the
// exponent is in the table's range.
func coefficient(d decimal.Decimal) (int64, bool) {
	i := int(d.Exponent()) + decBoundsOff
	if i < 0 || i >= len(decBounds) {
		return 0, false
	}
	if d.Cmp(decBounds[i][0]) < 0 || d.Cmp(decBounds[i][1]) > 0 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// AppendDecimal appends d.String() to dst: the same text, under decimal's
// process-wide formatting settings, without allocating when the
// coefficient has at most 18 digits and the settings are the defaults.
// Encoders of answers use it.
func AppendDecimal(dst []byte, d decimal.Decimal) []byte {
	if !decimal.TrimTrailingZeros || decimal.UseScientificNotation {
		return append(dst, d.String()...)
	}
	return appendTrimmed(dst, d)
}

// appendTrimmed appends d in plain notation without trailing zeros after
// the point (d.String() under decimal's default settings).
func appendTrimmed(dst []byte, d decimal.Decimal) []byte {
	c, ok := coefficient(d)
	if !ok {
		s := d.StringFixed(-d.Exponent()) // exact; trim below
		if d.Exponent() >= 0 {
			s = d.StringFixed(0)
		}
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return append(dst, s...)
	}
	exp := int(d.Exponent())
	if c < 0 {
		dst = append(dst, '-')
		c = -c
	}
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], uint64(c), 10)
	if exp >= 0 {
		dst = append(dst, digits...)
		if c != 0 {
			for ; exp > 0; exp-- {
				dst = append(dst, '0')
			}
		}
		return dst
	}
	// a fraction: integer part, then the fraction without trailing zeros
	frac := -exp
	var intPart, fracPart []byte
	var lead int
	if len(digits) > frac {
		intPart, fracPart = digits[:len(digits)-frac], digits[len(digits)-frac:]
	} else {
		intPart, lead, fracPart = []byte{'0'}, frac-len(digits), digits
	}
	n := len(fracPart)
	for n > 0 && fracPart[n-1] == '0' {
		n--
	}
	fracPart = fracPart[:n]
	if n == 0 {
		lead = 0
	}
	dst = append(dst, intPart...)
	if lead+n > 0 {
		dst = append(dst, '.')
		for ; lead > 0; lead-- {
			dst = append(dst, '0')
		}
		dst = append(dst, fracPart...)
	}
	return dst
}

// AppendFixed appends d.StringFixed(places) to dst, without allocating
// when no rounding is needed and the coefficient has at most 18 digits.
func AppendFixed(dst []byte, d decimal.Decimal, places int32) []byte {
	c, ok := coefficient(d)
	exp := d.Exponent()
	if !ok || exp < -places || places < 0 {
		return append(dst, d.StringFixed(places)...)
	}
	if c < 0 {
		dst = append(dst, '-')
		c = -c
	}
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], uint64(c), 10)
	// the coefficient at exponent -places: digits followed by zeros
	zeros := int(exp + places)
	if c == 0 {
		zeros = 0
	}
	total := len(digits) + zeros
	p := int(places)
	if total <= p {
		dst = append(dst, '0')
		if p > 0 {
			dst = append(dst, '.')
			for i := total; i < p; i++ {
				dst = append(dst, '0')
			}
		}
		dst = append(dst, digits...)
		for i := 0; i < zeros; i++ {
			dst = append(dst, '0')
		}
		return dst
	}
	// integer part: the first total-p characters of digits+zeros
	for i := 0; i < total; i++ {
		if i == total-p {
			dst = append(dst, '.')
		}
		if i < len(digits) {
			dst = append(dst, digits[i])
		} else {
			dst = append(dst, '0')
		}
	}
	return dst
}
