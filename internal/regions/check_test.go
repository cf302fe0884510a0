package regions

import "testing"

func TestKnownAndLabel(t *testing.T) {
	tests := []struct {
		code       string
		known      bool
		label      string
		prefecture string
	}{
		{"430100", true, "湖南省长沙市", "湖南省长沙市"},
		{"430111", true, "湖南省长沙市雨花区", "湖南省长沙市"},
		{"43", true, "湖南省", "湖南省"},
		{"330382", true, "浙江省温州市乐清市", "浙江省温州市"},
		{"330382001", true, "浙江省温州市乐清市", "浙江省温州市"},
		{"330382001001", true, "浙江省温州市乐清市", "浙江省温州市"},
		{"110100", true, "北京市", "北京市"}, // 市辖区: a grouping, not listed
		{"110105", true, "北京市朝阳区", "北京市"},
		{"429004", true, "湖北省仙桃市", "湖北省"},
		{"110103", true, "北京市崇文区", "北京市"}, // former
		{"439999", false, "湖南省", "湖南省"},
		{"439900", false, "湖南省", "湖南省"},
		{"990000", false, "", ""},
		{"", false, "", ""},
		{"43010", false, "", ""},
	}
	for _, tt := range tests {
		if got := Known(tt.code); got != tt.known {
			t.Errorf("Known(%q) = %v, want %v", tt.code, got, tt.known)
		}
		if got := Label(tt.code); got != tt.label {
			t.Errorf("Label(%q) = %q, want %q", tt.code, got, tt.label)
		}
		if got := PrefectureName(tt.code); got != tt.prefecture {
			t.Errorf("PrefectureName(%q) = %q, want %q", tt.code, got, tt.prefecture)
		}
	}
}
