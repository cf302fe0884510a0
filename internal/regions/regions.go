// Package regions knows China's administrative-division codes of county
// level and above (GB/T 2260, 中华人民共和国行政区划代码): the six-digit codes of
// provinces (XX0000), prefectures (XXXX00) and counties (XXXXXX), with their
// names, including the codes of former years.
//
// # Data
//
// The table is embedded (regions.tsv) and comes from the Ministry of Civil
// Affairs' (民政部) year-end listings 中华人民共和国县级以上行政区划代码 for
// 1981 to 2024, as compiled and corrected by the CC0-licensed repository
// https://github.com/yescallop/areacodes (commit eed219a, 2025-11-04); see
// [Version] and the header of regions.tsv. A code is Current when the 2024
// listing ([Year]) has it; a former code keeps the last name it was listed
// under. The listings have no 市辖区/县 placeholder rows (110100, 500200, …)
// and no rows for the 省直辖县级行政区划 groups (429000, 469000, …), so
// counties directly under a province or a municipality have no prefecture
// in their [Path]. 台湾省 (71), 香港 (81) and 澳门 (82) are listed at
// province level only.
//
// # Codes
//
// Functions take a code of 2, 4 or 6 ASCII digits: "43" and "4300" mean
// "430000" (a province), "4301" means "430100" (a prefecture). A six-digit
// code ending in "0000" is a province, one ending in "00" a prefecture, any
// other a county; the empty code (the whole country) and anything else are
// not in the table.
//
// # Zero values and concurrency
//
// The zero [Region] has the empty code and the zero [Level], [National]; no
// function returns it with ok = true. The table is read-only after it is
// parsed, once, on first use, so every function is safe for concurrent use.
// The parse of the embedded file is checked by the package's tests; should it
// ever fail, calls panic rather than answer from a partial table.
package regions

import (
	_ "embed"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Version names the data: its publisher, the years it covers and the
// revision of the compilation it was taken from.
const Version = "民政部县级以上行政区划代码 1981–2024 (GB/T 2260), yescallop/areacodes@eed219a"

// Year is the year of the newest listing in the data (its state on 31
// December). A region is Current if that listing has its code.
const Year = 2024

//go:embed regions.tsv
var data string

// Level is the level of an administrative division.
type Level uint8

const (
	// National is the zero Level, that of the empty code (the whole
	// country). The country is not an entry of the table.
	National Level = iota
	// Province is a province-level division (省, 自治区, 直辖市, 特别行政区): XX0000.
	Province
	// Prefecture is a prefecture-level division (地级市, 地区, 自治州, 盟): XXXX00.
	Prefecture
	// County is a county-level division (县, 县级市, 市辖区, 旗, …): any other code.
	County
)

// String returns "national", "province", "prefecture" or "county".
func (l Level) String() string {
	switch l {
	case National:
		return "national"
	case Province:
		return "province"
	case Prefecture:
		return "prefecture"
	case County:
		return "county"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// Region is one administrative division as the table knows it.
type Region struct {
	Code    string // six digits, e.g. "330382"
	Name    string // its own name, e.g. "乐清市"; for a former code, the last name listed
	Level   Level  // Province, Prefecture or County, from the shape of Code
	Current bool   // listed in the newest listing (Year); false for a code of former years
	// Since and Until are the first and last years (inclusive) whose
	// year-end listings have Code under Name; Until is Year for a
	// current region.
	Since, Until int
}

// Lookup returns the region of a 2-, 4- or 6-digit code, as it was last
// listed. ok is false for a malformed code and for one the data never had.
func Lookup(code string) (r Region, ok bool) {
	c, ok := normalize(code)
	if !ok {
		return Region{}, false
	}
	t := load()
	es := t.rows(c)
	if len(es) == 0 {
		return Region{}, false
	}
	return t.region(c, es[len(es)-1]), true
}

// Path returns the chain province, prefecture, county down to code, e.g.
// 浙江省, 温州市, 乐清市 for "330382", as far as the table knows it. Each
// ancestor is named as it was in the last year code was listed, and is left
// out if it was not listed then (a county directly under its province has
// no prefecture; so have the districts of 北京市). For a code the table does
// not have, Path returns its ancestors that are current (possibly none); for
// a malformed code, nil.
func Path(code string) []Region {
	c, ok := normalize(code)
	if !ok {
		return nil
	}
	t := load()
	var self *entry
	year := t.year
	if es := t.rows(c); len(es) > 0 {
		self = &es[len(es)-1]
		year = int(self.to)
	}
	var path []Region
	lvl := levelOf(c)
	if lvl > Province {
		if r, ok := t.at(c[:2]+"0000", year); ok {
			path = append(path, r)
		}
	}
	if lvl > Prefecture && c[2:4] != "00" {
		if r, ok := t.at(c[:4]+"00", year); ok {
			path = append(path, r)
		}
	}
	if self != nil {
		path = append(path, t.region(c, *self))
	}
	return path
}

// FullName returns the names along [Path] run together, e.g. "浙江省温州市乐清市"
// for "330382" and "北京市崇文区" for the former "110103", or "" if the table
// does not have code (callers then show the code itself).
func FullName(code string) string {
	if _, ok := Lookup(code); !ok {
		return ""
	}
	var b strings.Builder
	for _, r := range Path(code) {
		b.WriteString(r.Name)
	}
	return b.String()
}

// KnownProvince reports whether code starts with two ASCII digits that are
// the code of a province-level division in the data (11 北京市 … 65 新疆,
// 71 台湾省, 81 香港, 82 澳门). The rest of code is not examined.
func KnownProvince(code string) bool {
	if len(code) < 2 {
		return false
	}
	a, b := code[0], code[1]
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return false
	}
	return load().provinces[(a-'0')*10+b-'0']
}

// normalize turns a 2-, 4- or 6-digit code into six digits. The first two
// digits must not be "00".
func normalize(code string) (string, bool) {
	switch len(code) {
	case 2, 4, 6:
	default:
		return "", false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return "", false
		}
	}
	if code[:2] == "00" {
		return "", false
	}
	return code + "000000"[len(code):], true
}

// levelOf returns the level of a normalized code.
func levelOf(c string) Level {
	switch {
	case c[2:] == "0000":
		return Province
	case c[4:] == "00":
		return Prefecture
	}
	return County
}

// entry is one row of the data: a name a code carried from one year to
// another (inclusive). The name is the text src[off:off+n] of the table.
type entry struct {
	off      uint32
	n        uint16
	from, to int16
}

// table is the data, laid out without pointers but for its source text:
// the collector, which marks every live object on each cycle, sees four
// objects rather than a map of 6,450 codes, each with its own list of
// rows, in every program that imports the engine.
type table struct {
	src string // the data parsed; names are slices of it
	// codes are the codes listed, as numbers, ascending; the rows of
	// codes[i] are rows[first[i]:first[i+1]], in year order.
	codes   []int32
	first   []int32
	entries []entry
	year    int // the newest year of the data
	// prefixes[k] says whether a county code starting with the four
	// digits k is listed, so that a grouping prefecture code the listings
	// leave out (110100) is still known.
	prefixes [10000]bool
	// provinces[k] says whether the two-digit code k is a province's.
	provinces [100]bool
}

// number reads the digits of a normalized code.
func number(c string) int32 {
	var n int32
	for i := 0; i < len(c); i++ {
		n = n*10 + int32(c[i]-'0')
	}
	return n
}

// rows returns the rows of the normalized code c, in year order.
func (t *table) rows(c string) []entry {
	i, found := slices.BinarySearch(t.codes, number(c))
	if !found {
		return nil
	}
	return t.entries[t.first[i]:t.first[i+1]]
}

// all yields every code listed, with its rows, in code order.
func (t *table) all() iter.Seq2[string, []entry] {
	return func(yield func(string, []entry) bool) {
		for i, n := range t.codes {
			if !yield(fmt.Sprintf("%06d", n), t.entries[t.first[i]:t.first[i+1]]) {
				return
			}
		}
	}
}

// name returns the name of row e.
func (t *table) name(e entry) string { return t.src[e.off : e.off+uint32(e.n)] }

func (t *table) region(c string, e entry) Region {
	return Region{
		Code:    c,
		Name:    t.name(e),
		Level:   levelOf(c),
		Current: int(e.to) == t.year,
		Since:   int(e.from),
		Until:   int(e.to),
	}
}

// at returns the region of code c as it was listed in year.
func (t *table) at(c string, year int) (Region, bool) {
	for _, e := range t.rows(c) {
		if int(e.from) <= year && year <= int(e.to) {
			return t.region(c, e), true
		}
	}
	return Region{}, false
}

var load = sync.OnceValue(func() *table {
	t, err := parse(data)
	if err != nil {
		panic("regions: embedded data: " + err.Error())
	}
	return t
})

// parse reads the tab-separated rows of the embedded file: code, name, first
// year, last year. Lines that are empty or start with '#' are skipped. Rows
// must be sorted by code, then year, and a code's rows must not overlap.
func parse(s string) (*table, error) {
	t := &table{src: s, codes: make([]int32, 0, 6500), first: make([]int32, 0, 6501), entries: make([]entry, 0, 7000)}
	prev := ""
	for n, off := 0, 0; off < len(s); n++ {
		line := s[off:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		lineOff := off
		off += len(line) + 1
		if line == "" || line[0] == '#' {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("line %d: %s", n+1, fmt.Sprintf(format, args...))
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, bad("want 4 tab-separated fields, got %d", len(f))
		}
		c, ok := normalize(f[0])
		if !ok || c != f[0] {
			return nil, bad("bad code %q", f[0])
		}
		if f[1] == "" || strings.ContainsAny(f[1], " \t\r") || len(f[1]) > math.MaxUint16 {
			return nil, bad("bad name %q", f[1])
		}
		from, err1 := strconv.Atoi(f[2])
		to, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil || from < 1900 || from > to || to > 9999 {
			return nil, bad("bad years %q, %q", f[2], f[3])
		}
		switch {
		case c < prev:
			return nil, bad("code %s out of order", c)
		case c == prev && int(t.entries[len(t.entries)-1].to) >= from:
			return nil, bad("code %s: years %d–%d overlap or precede its previous row", c, from, to)
		case c != prev:
			t.codes = append(t.codes, number(c))
			t.first = append(t.first, int32(len(t.entries)))
		}
		prev = c
		nameOff := lineOff + len(f[0]) + 1
		t.entries = append(t.entries, entry{off: uint32(nameOff), n: uint16(len(f[1])), from: int16(from), to: int16(to)})
		switch levelOf(c) {
		case County:
			t.prefixes[number(c[:4])] = true
		case Province:
			t.provinces[(c[0]-'0')*10+c[1]-'0'] = true
		}
		t.year = max(t.year, to)
	}
	if len(t.codes) == 0 {
		return nil, fmt.Errorf("no rows")
	}
	t.first = append(t.first, int32(len(t.entries)))
	return t, nil
}
