package facts

import (
	"encoding/json"
	"testing"
)

// isJSONNumber agrees with encoding/json on what is a number.
func TestIsJSONNumber(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "7", "-12", "10.5", "0.001", "1e5", "1E+5", "2.5e-3", "-0.0e0",
		"", "-", "07", "+1", ".5", "1.", "1e", "1e+", "0x10", "1_000", "1.5.2", " 1", "1 ", "NaN", "Infinity", "00e00", "0_0", "١",
	} {
		var v json.Number
		want := json.Unmarshal([]byte(s), &v) == nil && string(v) == s
		if got := isJSONNumber(s); got != want {
			t.Errorf("isJSONNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzIsJSONNumber(f *testing.F) {
	for _, s := range []string{"0", "-1.5e3", "07", ".5", "1e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v json.Number
		want := json.Unmarshal([]byte(s), &v) == nil && string(v) == s
		if got := isJSONNumber(s); got != want {
			t.Errorf("isJSONNumber(%q) = %v, want %v", s, got, want)
		}
	})
}
