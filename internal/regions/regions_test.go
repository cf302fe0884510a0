package regions

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
		want Region
	}{
		{"430100", true, Region{"430100", "长沙市", Prefecture, true, 1981, Year}},
		{"4301", true, Region{"430100", "长沙市", Prefecture, true, 1981, Year}},
		{"43", true, Region{"430000", "湖南省", Province, true, 1981, Year}},
		{"4300", true, Region{"430000", "湖南省", Province, true, 1981, Year}},
		{"430000", true, Region{"430000", "湖南省", Province, true, 1981, Year}},
		{"330382", true, Region{"330382", "乐清市", County, true, 1993, Year}},
		{"3303", true, Region{"330300", "温州市", Prefecture, true, 1981, Year}},
		// 乐清县 before it became the county-level city 乐清市 (330382).
		{"330323", true, Region{"330323", "乐清县", County, false, 1981, 1992}},
		// 崇文区, merged into 东城区 in 2010.
		{"110103", true, Region{"110103", "崇文区", County, false, 1981, 2009}},
		{"110101", true, Region{"110101", "东城区", County, true, 1981, Year}},
		// 长沙's 东区 and 郊区 were renamed 芙蓉区 and 雨花区 (1996 listing).
		{"430102", true, Region{"430102", "芙蓉区", County, true, 1996, Year}},
		{"430111", true, Region{"430111", "雨花区", County, true, 1996, Year}},
		// 511400 was 涪陵市 in 1995–1996, 眉山市 since 2000.
		{"511400", true, Region{"511400", "眉山市", Prefecture, true, 2000, Year}},
		{"429004", true, Region{"429004", "仙桃市", County, true, 1994, Year}},
		{"460001", true, Region{"460001", "通什市", County, false, 1988, 2000}},
		{"71", true, Region{"710000", "台湾省", Province, true, 1981, Year}},
		{"810000", true, Region{"810000", "香港特别行政区", Province, true, 1997, Year}},
		{"82", true, Region{"820000", "澳门特别行政区", Province, true, 1999, Year}},

		{"990000", false, Region{}}, // no such province
		{"99", false, Region{}},
		{"439999", false, Region{}},
		{"110100", false, Region{}}, // 市辖区 placeholders are not listed
		{"", false, Region{}},       // national: not an entry
		{"4", false, Region{}},
		{"43010", false, Region{}},
		{"4301000", false, Region{}},
		{"43a100", false, Region{}},
		{" 43", false, Region{}},
		{"４３", false, Region{}}, // full-width digits
		{"00", false, Region{}},
		{"000000", false, Region{}},
		{"001234", false, Region{}},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.code)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPath(t *testing.T) {
	tests := []struct {
		code string
		want string // "code name" pairs, separated by " / "
	}{
		{"330382", "330000 浙江省 / 330300 温州市 / 330382 乐清市"},
		{"330323", "330000 浙江省 / 330300 温州市 / 330323 乐清县"},
		{"430100", "430000 湖南省 / 430100 长沙市"},
		{"4301", "430000 湖南省 / 430100 长沙市"},
		{"43", "430000 湖南省"},
		{"430103", "430000 湖南省 / 430100 长沙市 / 430103 天心区"},
		// No 110100 (市辖区) row: the districts of a municipality hang
		// directly under it.
		{"110103", "110000 北京市 / 110103 崇文区"},
		{"500101", "500000 重庆市 / 500101 万州区"},
		// Counties directly under their province.
		{"429004", "420000 湖北省 / 429004 仙桃市"},
		{"460001", "460000 海南省 / 460001 通什市"},
		// Ancestors are named as they were when the code was last listed.
		{"420603", "420000 湖北省 / 420600 襄樊市 / 420603 樊东区"},
		{"420606", "420000 湖北省 / 420600 襄阳市 / 420606 樊城区"},
		{"511481", "510000 四川省 / 511400 涪陵市 / 511481 南川市"},
		{"511402", "510000 四川省 / 511400 眉山市 / 511402 东坡区"},
		// Unknown codes: the current ancestors only.
		{"439999", "430000 湖南省"},
		{"330399", "330000 浙江省 / 330300 温州市"},
		{"990000", ""},
		{"", ""},
		{"abc", ""},
	}
	for _, tt := range tests {
		var parts []string
		for _, r := range Path(tt.code) {
			parts = append(parts, r.Code+" "+r.Name)
		}
		if got := strings.Join(parts, " / "); got != tt.want {
			t.Errorf("Path(%q) = %q; want %q", tt.code, got, tt.want)
		}
	}
}

func TestFullName(t *testing.T) {
	tests := []struct{ code, want string }{
		{"330382", "浙江省温州市乐清市"},
		{"430100", "湖南省长沙市"},
		{"4301", "湖南省长沙市"},
		{"43", "湖南省"},
		{"110103", "北京市崇文区"},
		{"110101", "北京市东城区"},
		{"429004", "湖北省仙桃市"},
		{"420603", "湖北省襄樊市樊东区"},
		{"810000", "香港特别行政区"},
		{"990000", ""},
		{"439999", ""},
		{"110100", ""},
		{"", ""},
		{"4x", ""},
	}
	for _, tt := range tests {
		if got := FullName(tt.code); got != tt.want {
			t.Errorf("FullName(%q) = %q; want %q", tt.code, got, tt.want)
		}
	}
}

func TestKnownProvince(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"43", true},
		{"430100", true},
		{"3303", true},
		{"330382", true},
		{"11", true},
		{"65", true},
		{"71", true},
		{"81", true},
		{"82", true},
		{"46", true},
		{"50", true},
		{"43x", true}, // only the first two digits count
		{"", false},
		{"4", false},
		{"00", false},
		{"10", false},
		{"16", false},
		{"66", false},
		{"83", false},
		{"99", false},
		{"990000", false},
		{"x3", false},
		{"４３", false},
	}
	for _, tt := range tests {
		if got := KnownProvince(tt.code); got != tt.want {
			t.Errorf("KnownProvince(%q) = %v; want %v", tt.code, got, tt.want)
		}
	}

	// GB/T 2260's 34 province-level codes, all listed in the newest year.
	var provinces []string
	for c, es := range load().all() {
		if levelOf(c) == Province {
			provinces = append(provinces, c[:2])
			if int(es[len(es)-1].to) != Year {
				t.Errorf("province %s is not current", c)
			}
		}
	}
	if len(provinces) != 34 {
		t.Errorf("%d province codes, want 34: %v", len(provinces), provinces)
	}
	for i := 0; i < 100; i++ {
		p := fmt.Sprintf("%02d", i)
		want := false
		for _, q := range provinces {
			want = want || p == q
		}
		if got := KnownProvince(p); got != want {
			t.Errorf("KnownProvince(%q) = %v; want %v", p, got, want)
		}
	}
}

func TestLevelString(t *testing.T) {
	for l, want := range map[Level]string{
		National: "national", Province: "province", Prefecture: "prefecture", County: "county", 9: "Level(9)",
	} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q; want %q", l, got, want)
		}
	}
	var zero Region
	if zero.Level != National || zero.Code != "" {
		t.Errorf("zero Region = %+v", zero)
	}
}

// header returns the value of the "# key: value" line of the embedded file.
func header(t *testing.T, key string) string {
	t.Helper()
	for _, line := range strings.Split(data, "\n") {
		if v, ok := strings.CutPrefix(line, "# "+key+": "); ok {
			return v
		}
	}
	t.Fatalf("regions.tsv has no %q header line", key)
	return ""
}

// TestData checks the embedded file: it parses, its header agrees with
// Version and Year and with the rows, and codes are well formed and unique.
func TestData(t *testing.T) {
	tab, err := parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if tab.year != Year {
		t.Errorf("newest year in data = %d; Year = %d", tab.year, Year)
	}
	if v := header(t, "version"); v != Version {
		t.Errorf("data version %q; Version = %q", v, Version)
	}
	if !strings.Contains(data, "# source: https://github.com/yescallop/areacodes commit ") {
		t.Error("regions.tsv header does not name its source")
	}

	// Rows: well formed, strictly sorted by (code, first year), no line
	// repeated.
	var rows, current, former int
	prev := ""
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("row %q", line)
		}
		key := f[0] + "\t" + f[2] // years have four digits
		if key <= prev {
			t.Errorf("row %q: not after %q", line, prev)
		}
		prev = key
		if seen[line] {
			t.Errorf("row %q repeated", line)
		}
		seen[line] = true
		rows++
	}
	codeRE := regexp.MustCompile(`^[1-9][0-9]{5}$`)
	for c, es := range tab.all() {
		if !codeRE.MatchString(c) {
			t.Errorf("code %q", c)
		}
		if int(es[len(es)-1].to) == Year {
			current++
		} else {
			former++
		}
	}
	want := fmt.Sprintf("%d codes: %d current (listed at the end of %d), %d former; %d rows.",
		current+former, current, Year, former, rows)
	if !strings.Contains(data, "\n# "+want+"\n") {
		t.Errorf("header lacks the line %q", "# "+want)
	}
	// The figures of the 2024 listing, as a guard against a truncated file.
	if current != 3213 || current+former != 6450 {
		t.Errorf("%d codes, %d current; want 6450, 3213", current+former, current)
	}
	t.Logf("%d rows, %d codes: %d current, %d former", rows, current+former, current, former)
}

// directlyUnder lists the prefecture-sized code groups whose counties the
// listings give without a prefecture-level row, with why. Every other
// county must have its prefecture listed in each year it is listed.
var directlyUnder = map[string]string{
	"1101": "北京市 districts (市辖区, not listed)",
	"1102": "北京市 counties (县, not listed)",
	"1201": "天津市 districts",
	"1202": "天津市 counties",
	"3101": "上海市 districts",
	"3102": "上海市 counties",
	"5001": "重庆市 districts",
	"5002": "重庆市 counties",
	"5003": "重庆市 county-level cities (1997–)",
	// Any XX90: 省/自治区直辖县级行政区划, checked by pattern below.
	// Single cases the source's result.csv also marks 直辖:
	"3409": "340901 黄山市, 1983–1986, directly under 安徽省",
	"4229": "422921 神农架林区, directly under 湖北省",
	"6324": "632421 河南蒙古族自治县, 1981–1983, directly under 青海省",
}

// TestParents checks that every county's and prefecture's province, and
// every county's prefecture, is listed in each year the county is, or that
// the gap is one of those explained in directlyUnder.
func TestParents(t *testing.T) {
	tab := load()
	listed := func(c string, year int) bool {
		_, ok := tab.at(c, year)
		return ok
	}
	used := map[string]bool{}
	for c, es := range tab.all() {
		lvl := levelOf(c)
		for _, e := range es {
			for y := int(e.from); y <= int(e.to); y++ {
				if lvl > Province && !listed(c[:2]+"0000", y) {
					t.Errorf("%s %s (%d): province %s0000 not listed", c, tab.name(e), y, c[:2])
				}
				if lvl != County || c[2:4] == "00" || listed(c[:4]+"00", y) {
					continue
				}
				g := c[:4]
				if _, ok := directlyUnder[g]; ok || g[2:] == "90" {
					used[g] = true
					continue
				}
				t.Errorf("%s %s (%d): prefecture %s00 not listed", c, tab.name(e), y, g)
			}
		}
	}
	for g, why := range directlyUnder {
		if !used[g] {
			t.Errorf("directlyUnder[%s] (%s) is never needed", g, why)
		}
		if len(tab.rows(g+"00")) > 0 {
			t.Errorf("directlyUnder[%s]: %s00 is listed", g, g)
		}
	}
}

// TestAllCodes checks Lookup, Path and FullName on every code in the data.
func TestAllCodes(t *testing.T) {
	for c := range load().all() {
		r, ok := Lookup(c)
		if !ok || r.Code != c || r.Name == "" || r.Level != levelOf(c) || r.Until < r.Since {
			t.Errorf("Lookup(%q) = %+v, %v", c, r, ok)
			continue
		}
		if r.Current != (r.Until == Year) {
			t.Errorf("Lookup(%q) = %+v: Current and Until disagree", c, r)
		}
		p := Path(c)
		if len(p) == 0 || p[len(p)-1] != r {
			t.Errorf("Path(%q) = %+v; want it to end with %+v", c, p, r)
			continue
		}
		if p[0].Level != Province || p[0].Code != c[:2]+"0000" {
			t.Errorf("Path(%q) starts with %+v", c, p[0])
		}
		var name string
		for i, q := range p {
			if i > 0 && q.Level <= p[i-1].Level {
				t.Errorf("Path(%q) = %+v: levels not increasing", c, p)
			}
			if !strings.HasPrefix(c, strings.TrimRight(q.Code, "0")) {
				t.Errorf("Path(%q) has %s", c, q.Code)
			}
			name += q.Name
		}
		if got := FullName(c); got != name {
			t.Errorf("FullName(%q) = %q; want %q", c, got, name)
		}
		if !KnownProvince(c) {
			t.Errorf("KnownProvince(%q) = false", c)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{
		"",
		"# only a comment\n",
		"110000\t北京市\t1981\n",
		"11000\t北京市\t1981\t2024\n",
		"1100000\t北京市\t1981\t2024\n",
		"001000\t北京市\t1981\t2024\n",
		"11000a\t北京市\t1981\t2024\n",
		"110000\t\t1981\t2024\n",
		"110000\t北 京\t1981\t2024\n",
		"110000\t北京市\t2024\t1981\n",
		"110000\t北京市\tx\t2024\n",
		"110000\t北京市\t1981\t2024\n110000\t北京\t2000\t2024\n",
		"120000\t天津市\t1981\t2024\n110000\t北京市\t1981\t2024\n",
		"110000\t北京市\t1981\t2024\r\n",
	} {
		if _, err := parse(s); err == nil {
			t.Errorf("parse(%q) succeeded", s)
		}
	}
	tab, err := parse("# c\n\n110000\t北京市\t1981\t2000\n110000\t北京\t2002\t2003\n110101\t东城区\t1981\t2003\n")
	if err != nil {
		t.Fatal(err)
	}
	if tab.year != 2003 || len(tab.codes) != 2 || len(tab.rows("110000")) != 2 || tab.name(tab.rows("110000")[1]) != "北京" || tab.name(tab.rows("110101")[0]) != "东城区" {
		t.Errorf("parse: %+v", tab)
	}
}

func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if FullName("330382") != "浙江省温州市乐清市" || !KnownProvince("43") {
					t.Error("concurrent lookup failed")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkFullName(b *testing.B) {
	load()
	for b.Loop() {
		FullName("330382")
	}
}
