package regions

import "strings"

// Known reports whether the data has code, read as GB/T 2260 reads it: a
// 9- or 12-digit code (township, village) by its first six digits; a
// prefecture-level code the listings leave out because it only groups
// counties (110100 北京市市辖区, 429000 省直辖县级行政区划) when a county under
// it is listed. A code of a former year is known.
func Known(code string) bool {
	c, ok := county(code)
	if !ok {
		return false
	}
	t := load()
	if len(t.rows(c)) > 0 {
		return true
	}
	if levelOf(c) != Prefecture {
		return false
	}
	return t.prefixes[number(c[:4])]
}

// Label is how a region is shown to people: the names along [Path] run
// together ("湖南省长沙市" for 430100, "浙江省温州市乐清市" for 330382); for a 9- or
// 12-digit code, its county's; for a code the data does not have, the
// names of its known ancestors ("湖南省" for 439999), or "" when none is
// known. Callers show the code beside it.
func Label(code string) string {
	c, ok := county(code)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, r := range Path(c) {
		b.WriteString(r.Name)
	}
	return b.String()
}

// ProvinceName returns the name of the province code falls in ("湖南省" for
// 430100), or "".
func ProvinceName(code string) string {
	if len(code) < 2 {
		return ""
	}
	if r, ok := Lookup(code[:2]); ok {
		return r.Name
	}
	return ""
}

// PrefectureName returns the province and prefecture of code run together
// ("湖南省长沙市" for 430111); for a county directly under its province or a
// municipality's district, the province's name ("北京市" for 110105).
func PrefectureName(code string) string {
	if len(code) < 4 {
		return ProvinceName(code)
	}
	c, ok := county(code)
	if !ok {
		return ""
	}
	return Label(c[:4])
}

// county returns the six-digit code that code is or starts with.
func county(code string) (string, bool) {
	switch len(code) {
	case 9, 12:
		code = code[:6]
	}
	return normalize(code)
}
