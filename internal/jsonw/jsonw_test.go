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
		// PlainNoHTML says exactly when the text goes between the quotes unchanged
		if plain, same := PlainNoHTML(s), string(AppendStringNoHTML(nil, s)) == `"`+s+`"`; plain && !same {
			t.Errorf("PlainNoHTML(%q) but it is written %s", s, AppendStringNoHTML(nil, s))
		}
	})
}
