package lang

import (
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/shopspring/decimal"
)

// RoundMode rounds d to scale places with the named mode: "half_up" (half
// away from zero, the default), "half_even" or "down" (fixed.Round, the
// decimal arithmetic the fixed-point path falls back to).
func RoundMode(d decimal.Decimal, scale int32, mode string) decimal.Decimal {
	return fixed.Round(d, scale, mode)
}
