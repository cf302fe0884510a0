package report

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/internal/regions"
)

// regionLabel is a region's name for people, "" when the data lacks it.
func regionLabel(code string) string { return regions.Label(code) }

// regionText is "湖南省长沙市（430100）", or the code alone.
func regionText(code string) string {
	if n := regions.Label(code); n != "" {
		return n + "（" + code + "）"
	}
	if code == "" {
		return "全国"
	}
	return code
}

// yuan is an amount with thousands separators and the declared places:
// "4,746,324,342.85 元".
func yuan(d decimal.Decimal, scale int32) string {
	return groupDigits(d.StringFixed(scale)) + " 元"
}

// yuanShort is an amount for summaries: "约 47.46 亿元", "约 12.30 万元",
// or the amount itself below ten thousand.
func yuanShort(d decimal.Decimal) string {
	a := d.Abs()
	sign := ""
	if d.Sign() < 0 {
		sign = "-"
	}
	switch {
	case a.GreaterThanOrEqual(decimal.New(1, 8)):
		return "约 " + sign + a.Shift(-8).StringFixed(2) + " 亿元"
	case a.GreaterThanOrEqual(decimal.New(1, 4)):
		return "约 " + sign + a.Shift(-4).StringFixed(2) + " 万元"
	}
	return sign + groupDigits(a.StringFixed(2)) + " 元"
}

// plainDecimal is a decimal with thousands separators in its whole part.
func plainDecimal(d decimal.Decimal) string {
	s := d.String()
	if strings.Contains(s, "e") {
		return s
	}
	return groupDigits(s)
}
