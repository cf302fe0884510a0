package lang

import (
	"testing"

	"github.com/shopspring/decimal"
)

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
