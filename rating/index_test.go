package rating

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/anzexian/anzexian/rulesets"
)

// A table's index finds, for every list of key texts, the row the scan of
// lookup finds for string values: the first row whose keys are those
// texts; and nothing for texts no row has. Checked on every table of the
// bundled rulesets and the peer workload's and on a table with repeated keys.
func TestTableIndexAgreesWithScan(t *testing.T) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../testdata/peer/rating.yaml")
	if err != nil {
		t.Fatal(err)
	}
	peer, err := rulesets.LoadFiles(diag.File{Name: "rating.yaml", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	var tables []*rulesets.Table
	for _, rs := range append(reg.Rulesets(), peer.Rulesets()...) {
		if rs.Rating != nil {
			tables = append(tables, rs.Rating.Tables...)
		}
	}
	dup := &rulesets.Table{ID: "dup", Dims: []*rulesets.Dim{{Name: "a"}, {Name: "b"}}, Rows: []*rulesets.Row{
		{Index: 0, Keys: []rulesets.RowKey{{Text: "x"}, {Text: "y"}}},
		{Index: 1, Keys: []rulesets.RowKey{{Text: "x"}, {Text: "y"}}},
		{Index: 2, Keys: []rulesets.RowKey{{Text: "xy"}, {Text: ""}}},
	}}
	tables = append(tables, dup)
	indexed := 0
	for _, tb := range tables {
		tm := &tableMemo{cites: answer.CiteMemo{Static: true}}
		tm.sharedRows(tb)
		if tm.index == nil {
			continue
		}
		indexed++
		key := func(texts []string) string {
			if len(texts) == 1 {
				return texts[0]
			}
			var b []byte
			for _, s := range texts {
				b = indexKey(b, s)
			}
			return string(b)
		}
		scan := func(texts []string) *rulesets.Row {
		rows:
			for _, r := range tb.Rows {
				for i, k := range r.Keys {
					if k.Text != texts[i] {
						continue rows
					}
				}
				return r
			}
			return nil
		}
		for _, r := range tb.Rows {
			var texts []string
			for _, k := range r.Keys {
				texts = append(texts, k.Text)
			}
			if got, want := tm.index[key(texts)], scan(texts); got != want {
				t.Errorf("table %s, keys %q: index gives row %v, the scan %v", tb.ID, texts, got, want)
			}
			texts[len(texts)-1] += "?"
			if got := tm.index[key(texts)]; got != nil || scan(texts) != nil {
				t.Errorf("table %s, keys %q: index gives row %v for keys no row has", tb.ID, texts, got)
			}
		}
	}
	if indexed < 2 {
		t.Fatalf("%d tables indexed: the bundled string-keyed tables and the test's should be", indexed)
	}
	tm := &tableMemo{cites: answer.CiteMemo{Static: true}}
	tm.sharedRows(dup)
	if r := tm.index[string(indexKey(indexKey(nil, "x"), "y"))]; r != dup.Rows[0] {
		t.Errorf("repeated keys: the index gives row %v, want the first", r)
	}
}

// A band's fixed-point test (bandMemo.contains) is Band.Contains: on
// random bands, open and closed, bounded or not, and values at, near and
// far from their bounds, whole and decimal.
func TestBandMemoContains(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	val := func() decimal.Decimal {
		return decimal.New(r.Int64N(2001)-1000, -int32(r.IntN(3)))
	}
	for i := range 20000 {
		b := &rulesets.Band{LoIncl: r.IntN(2) == 0, HiIncl: r.IntN(2) == 0}
		if r.IntN(5) > 0 {
			lo := val()
			b.Lo = &lo
		}
		if r.IntN(5) > 0 {
			hi := val()
			b.Hi = &hi
		}
		bm := newBandMemo(b)
		for range 8 {
			v := val()
			switch r.IntN(4) {
			case 0:
				if b.Lo != nil {
					v = *b.Lo
				}
			case 1:
				if b.Hi != nil {
					v = b.Hi.Add(decimal.New(0, -2))
				}
			}
			if got, want := bm.contains(fixed.Of(v)), b.Contains(v); got != want {
				t.Fatalf("#%d: band %s contains %s: %v, Band.Contains %v", i, b.Interval(), v, got, want)
			}
		}
		if bm.interval != b.Interval() {
			t.Fatalf("interval %q, want %q", bm.interval, b.Interval())
		}
	}
}
