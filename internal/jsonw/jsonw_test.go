package jsonw

import (
	"bytes"
	"encoding/json"
	"testing"
)

// AppendString writes what encoding/json writes, and AppendStringNoHTML
// what it writes with HTML escaping off.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "cn.hunan/rating/hazchem@2024#9f86d081884c7d65", "a~b ", "\x7f", "长沙某危险化学品储存有限公司", "q\"b\\s", "\x00\x1f\t\n\r\b\f", "\u2028\u2029", "\xff\xfe bad", "<&>", "\xe2\x80", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{true, false} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(html)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			got := AppendStringNoHTML(nil, s)
			if html {
				got = AppendString(nil, s)
			}
			if !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
				t.Errorf("html %v: %q written %s, encoding/json writes %s", html, s, got, want.Bytes())
			}
		}
		if PlainNoHTML(s) != (safePrefix(s, false) == len(s)) || safePrefix(s, true) > safePrefix(s, false) {
			t.Errorf("safePrefix(%q) disagrees with PlainNoHTML", s)
		}
		// PlainNoHTML says exactly when the text goes between the quotes unchanged
		if plain, same := PlainNoHTML(s), string(AppendStringNoHTML(nil, s)) == `"`+s+`"`; plain && !same {
			t.Errorf("PlainNoHTML(%q) but it is written %s", s, AppendStringNoHTML(nil, s))
		}
	})
}

// safePrefix, eight bytes at a time, stops where the byte-by-byte class
// table does: every byte value at every position of strings long enough
// to be read in words, each way of escaping.
func TestSafePrefix(t *testing.T) {
	ref := func(s string, html bool) int {
		class := &plainClass
		if html {
			class = &htmlClass
		}
		i := 0
		for i < len(s) && class[s[i]] == safe {
			i++
		}
		return i
	}
	base := "cn.hunan/rating/hazchem@2024#sha256:9f86d081884c7d65"
	for b := range 256 {
		for pos := 0; pos < 20; pos++ {
			s := base[:pos] + string([]byte{byte(b)}) + base[pos:]
			for _, html := range []bool{false, true} {
				if got, want := safePrefix(s, html), ref(s, html); got != want {
					t.Fatalf("safePrefix(%q, html %v) = %d, want %d", s, html, got, want)
				}
			}
			if PlainNoHTML(s) != (ref(s, false) == len(s)) {
				t.Fatalf("PlainNoHTML(%q) = %v", s, PlainNoHTML(s))
			}
		}
	}
	if n := testing.AllocsPerRun(10, func() { PlainNoHTML(base) }); n != 0 {
		t.Errorf("PlainNoHTML allocates %.0f times", n)
	}
}
