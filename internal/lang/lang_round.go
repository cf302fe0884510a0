package lang

import "github.com/shopspring/decimal"

// RoundMode rounds d to scale places with the named mode.
func RoundMode(d decimal.Decimal, scale int32, mode string) decimal.Decimal {
	switch mode {
	case "half_even":
		return d.RoundBank(scale)
	case "down":
		return d.RoundDown(scale)
	default:
		return d.Round(scale) // half_up: half away from zero
	}
}
