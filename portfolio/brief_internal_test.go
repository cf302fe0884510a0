package portfolio

import (
	"testing"

	"github.com/anzexian/anzexian"
)

// A worker's layerTexts gives the text appendLayers would write, for the
// list it met before, for a list at the same address whose names have
// since changed, and for a list of another length; and keeps no more than
// maxLayerTexts lists.
func TestLayerTexts(t *testing.T) {
	ls := []anzexian.Layer{
		{ID: "cn/law/safety-production", Version: "2021", Digest: "sha256:ab"},
		{ID: "cn.hunan/opinions/spli", Version: "2018", Digest: "sha256:cd"},
		{ID: "引号\"", Version: "1", Digest: "x"},
	}
	var lt layerTexts
	check := func(what string, ls []anzexian.Layer) {
		t.Helper()
		got, want := string(lt.append([]byte("["), ls)), string(appendLayers([]byte("["), ls))
		if got != want {
			t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
		}
	}
	check("first", ls)
	check("again", ls)
	if len(lt.m) != 1 {
		t.Fatalf("%d lists kept after the same list twice, want 1", len(lt.m))
	}
	for _, change := range []func(l *anzexian.Layer){
		func(l *anzexian.Layer) { l.ID += "x" },
		func(l *anzexian.Layer) { l.Version = "2022" },
		func(l *anzexian.Layer) { l.Digest = "sha256:ef" },
	} {
		for i := range ls {
			change(&ls[i]) // same address, new names
			check("changed", ls)
		}
	}
	check("shorter", ls[:2])
	check("shorter again", ls[:2])
	check("empty", nil)
	for i := range 2 * maxLayerTexts {
		l := []anzexian.Layer{{ID: "r", Version: "1", Digest: string(rune('a' + i%26))}}
		check("many", l)
		if len(lt.m) > maxLayerTexts {
			t.Fatalf("%d lists kept, bound %d", len(lt.m), maxLayerTexts)
		}
	}
	var none *layerTexts
	if got, want := string(none.append(nil, ls)), string(appendLayers(nil, ls)); got != want {
		t.Fatalf("nil layerTexts:\n got %s\nwant %s", got, want)
	}
}
