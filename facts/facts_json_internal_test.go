package facts

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
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

// coreBit gives each core key its own bit, and no bit to anything else.
func TestCoreBit(t *testing.T) {
	for i, k := range factsKeys {
		if bit, ok := coreBit(k); !ok || bit != 1<<i {
			t.Errorf("coreBit(%q) = %b, %v; want bit %d", k, bit, ok, i)
		}
		for _, other := range []string{k[:len(k)-1], k + "s", strings.ToUpper(k), " " + k[1:]} {
			if _, ok := coreBit(other); ok && !slices.Contains(factsKeys, other) {
				t.Errorf("coreBit(%q) found a bit", other)
			}
		}
	}
	if _, ok := coreBit(""); ok {
		t.Error("coreBit(\"\") found a bit")
	}
	if _, ok := coreBit(strings.Repeat("x", 200)); ok {
		t.Error("a key longer than any found a bit")
	}
}

// plainText answers as a byte-by-byte scan does, for every byte value at
// every position of strings up to three words long, among bytes that
// would each change one answer (a high bit, a control character, a
// backslash) or neither.
func TestPlainText(t *testing.T) {
	naive := func(s string) (ascii, clean bool) {
		ascii = true
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' || s[i] < 0x20 {
				return false, false
			}
			if s[i] >= 0x80 {
				ascii = false
			}
		}
		return ascii, true
	}
	fills := []byte{'a', 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xe4}
	for n := 0; n <= 24; n++ {
		for _, fill := range fills {
			b := bytes.Repeat([]byte{fill}, n)
			for i := 0; i < n; i++ {
				for c := 0; c < 256; c++ {
					b[i] = byte(c)
					a1, c1 := plainText(string(b))
					a2, c2 := naive(string(b))
					if a1 != a2 || c1 != c2 {
						t.Fatalf("plainText(%q) = %v, %v; want %v, %v", b, a1, c1, a2, c2)
					}
				}
				b[i] = fill
			}
		}
	}
}
