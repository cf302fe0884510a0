package anzexian_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
)

// An assessment (or a quote) built in a Scratch is the one built afresh,
// whatever the answers built in it before: every example enterprise, the most crowded
// documents and 2,000 generated ones, in one Scratch, one after another
// (so that small answers follow large ones and the other way round), on
// several dates, with the trace and with an insurer's filing. The values
// and the JSON are the same, and every decimal and string copied out of
// the answer before stays as it was.
func TestScratchGivesTheSameAnswers(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	fs := exampleEnterprises(t)
	n := 2000
	if testing.Short() {
		n = 200
	}
	// the most crowded documents (lists cut at their bounds), each
	// followed by a small one, on every date
	var big []*facts.Facts
	for _, doc := range []string{crowded(), manyAccidents(3000)} {
		b, err := facts.Decode("big.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		big = append(big, b[0], fs[0])
	}
	bigFrom := len(fs)
	for range 3 {
		fs = append(fs, big...)
	}
	bigTo := len(fs) // each assessed (a quote builds no timeline)
	fs = append(fs, portfolio.Generate(31, n)...)
	dates := []string{"2016-03-01", "2020-06-30", "2026-01-01"}
	var s anzexian.Scratch
	var kept []keptValue  // copied out of the answer before
	var older []keptValue // decimals copied out of every answer before that
	for i, f := range fs {
		if i%10 == 0 {
			checkKept(t, i, older)
		}
		if i%50 == 0 {
			s = anzexian.Scratch{} // a new scratch's first answer too
		}
		opts := []anzexian.Option{anzexian.At(facts.MustParseDate(dates[i%len(dates)]))}
		if i%7 == 0 {
			opts = append(opts, anzexian.WithTrace())
		}
		if i%5 == 0 {
			opts = append(opts, anzexian.Insurer("示例财产保险股份有限公司"))
		}
		var got any
		ok := false
		if i%3 == 1 && (i < bigFrom || i >= bigTo) {
			// a quote, in the same scratch
			want, werr := eng.Quote(f, opts...)
			q, gerr := eng.Quote(f, append(opts, anzexian.Reuse(&s))...)
			checkKept(t, i, kept)
			got, ok = q, sameBuilt(t, fmt.Sprintf("enterprise %d (%s): the quote", i, f.Name), want, q, werr, gerr,
				func(q *anzexian.Quote) []byte { return mustJSON(t, q) })
		} else {
			want, werr := eng.Assess(f, opts...)
			a, gerr := eng.Assess(f, append(opts, anzexian.Reuse(&s))...)
			checkKept(t, i, kept)
			got, ok = a, sameBuilt(t, fmt.Sprintf("enterprise %d (%s): the answer", i, f.Name), want, a, werr, gerr,
				func(a *anzexian.Assessment) []byte { return a.AppendJSON(nil) })
		}
		for _, k := range kept {
			if k.isDec && len(older) < 20000 {
				older = append(older, k)
			}
		}
		kept = kept[:0]
		if ok {
			kept = keep(reflect.ValueOf(got), "answer", kept, map[uintptr]bool{})
		}
	}
	checkKept(t, len(fs), older)
}

// The same past the factor memo's bound: enough enterprises of one region
// that their combinations of factor cases fill it, after which those it
// does not keep are made in the scratch.
func TestScratchFullMemo(t *testing.T) {
	if testing.Short() {
		t.Skip("6,000 assessments, twice")
	}
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	at := anzexian.At(facts.MustParseDate("2026-01-01"))
	var s anzexian.Scratch
	var kept []keptValue
	for i, f := range portfolio.Generate(77, 6000) {
		f.Region = "430100"
		want, werr := eng.Assess(f, at)
		got, gerr := eng.Assess(f, at, anzexian.Reuse(&s))
		checkKept(t, i, kept)
		kept = kept[:0]
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("enterprise %d: error %v afresh, %v in the scratch", i, werr, gerr)
		}
		if werr != nil {
			continue
		}
		if w, g := want.AppendJSON(nil), got.AppendJSON(nil); !bytes.Equal(w, g) {
			t.Fatalf("enterprise %d: the JSON of the answer built in the scratch differs:\n%s\n%s", i, w, g)
		}
		kept = keep(reflect.ValueOf(got), "answer", kept, map[uintptr]bool{})
	}
}

// sameBuilt fails when what was built in the scratch (got, gerr) is not
// what was built afresh (want, werr), in Go values or in JSON; it reports
// whether there is an answer to look at.
func sameBuilt[T any](t *testing.T, what string, want, got T, werr, gerr error, json func(T) []byte) bool {
	t.Helper()
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: error %v afresh, %v in the scratch", what, werr, gerr)
	}
	if werr != nil {
		return false
	}
	if d := cmp.Diff(want, got, refCmp); d != "" {
		t.Fatalf("%s built in the scratch differs (-afresh +scratch):\n%s", what, d)
	}
	if w, g := json(want), json(got); !bytes.Equal(w, g) {
		t.Fatalf("%s built in the scratch differs in JSON:\n%s\n%s", what, w, g)
	}
	return true
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keptValue is a decimal or a string copied out of an answer, with its
// text when it was copied.
type keptValue struct {
	path  string
	isDec bool
	d     decimal.Decimal
	s     string
	text  string
}

// keep copies out every decimal and string reachable from v.
func keep(v reflect.Value, path string, out []keptValue, seen map[uintptr]bool) []keptValue {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return out
		}
		seen[v.Pointer()] = true
		return keep(v.Elem(), path, out, seen)
	case reflect.Interface:
		if !v.IsNil() {
			return keep(v.Elem(), path, out, seen)
		}
	case reflect.Struct:
		if d, ok := v.Interface().(decimal.Decimal); ok {
			return append(out, keptValue{path: path, isDec: true, d: d, text: d.String()})
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				out = keep(v.Field(i), path+"."+f.Name, out, seen)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			out = keep(v.Index(i), path+"[]", out, seen)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			out = keep(it.Value(), path+"{}", out, seen)
		}
	case reflect.String:
		return append(out, keptValue{path: path, s: v.String(), text: string([]byte(v.String()))})
	}
	return out
}

// checkKept fails when a value copied out of the answer before the i-th
// changed.
func checkKept(t *testing.T, i int, kept []keptValue) {
	t.Helper()
	for _, k := range kept {
		what, got := "string", k.s
		if k.isDec {
			what, got = "decimal", k.d.String()
		}
		if got != k.text {
			t.Fatalf("enterprise %d: the %s %s copied out of the answer before changed from %q to %q", i, what, k.path, k.text, got)
		}
	}
}

// The answer is built where the one before was, with fewer allocations.
func TestScratchReusesMemory(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	fs := exampleEnterprises(t)
	var s anzexian.Scratch
	at := anzexian.At(facts.MustParseDate("2026-01-01"))
	var first *anzexian.Assessment
	for _, f := range fs {
		if first, err = eng.Assess(f, at, anzexian.Reuse(&s)); err == nil && first.Premium != nil {
			break
		}
	}
	if first == nil || first.Premium == nil {
		t.Fatal("no example enterprise has a premium")
	}
	tl, prem := first.Timeline, first.Premium
	reusedTL, reusedPrem := false, false
	for _, f := range fs {
		a, err := eng.Assess(f, at, anzexian.Reuse(&s))
		if err != nil {
			continue
		}
		if a != first {
			t.Fatal("the Assessment is not the one built in the scratch before")
		}
		reusedTL = reusedTL || a.Timeline == tl
		reusedPrem = reusedPrem || (a.Premium != nil && a.Premium == prem)
	}
	if !reusedTL || !reusedPrem {
		t.Errorf("timeline reused: %v, premium reused: %v; want both", reusedTL, reusedPrem)
	}
	if raceEnabled {
		return // the race detector's pools drop what they are given
	}
	// fewer allocations: the answer, its timeline, premium and lists
	f := fs[0]
	fresh := testing.AllocsPerRun(50, func() { eng.Assess(f, at) })
	reused := testing.AllocsPerRun(50, func() { eng.Assess(f, at, anzexian.Reuse(&s)) })
	if reused > fresh-3 {
		t.Errorf("an assessment allocates %.0f times afresh and %.0f times in a scratch; want at least 3 fewer", fresh, reused)
	}
}

// Answers share read-only lists with each other (notes, reasons,
// citations, missing facts, factor lists): each shared list is full, so
// that a caller appending to one of its answer's lists gets a list of its
// own, never one that another answer's caller appends into. Every list of
// strings of each answer is appended to with a marker of that answer,
// every other list with a zero element; afterwards each list appended to
// still ends in its own marker, and the same enterprise assessed again
// gives the answer it gave before.
func TestAppendingToAnAnswerChangesNoOther(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	fs := append(exampleEnterprises(t), portfolio.Generate(7, 300)...)
	for _, at := range []string{"2020-06-30", "2026-01-01"} {
		opts := []anzexian.Option{anzexian.At(facts.MustParseDate(at))}
		want := make([][]byte, len(fs))
		var appended []appendedList
		for i, f := range fs {
			a, err := eng.Assess(f, opts...)
			if err != nil {
				t.Fatal(err)
			}
			want[i] = a.AppendJSON(nil)
			appended = appendToEveryList(reflect.ValueOf(a), fmt.Sprintf("assessment %d", i), "", appended, map[uintptr]bool{})
			q, err := eng.Quote(f, opts...)
			if err != nil {
				t.Fatal(err)
			}
			appended = appendToEveryList(reflect.ValueOf(q), fmt.Sprintf("quote %d", i), "", appended, map[uintptr]bool{})
		}
		for _, l := range appended {
			if got := l.list.Index(l.list.Len() - 1).String(); got != l.marker {
				t.Fatalf("at %s: the list %s of the %s, appended to, ends in %q: another answer appended into it", at, l.path, l.marker, got)
			}
		}
		for i, f := range fs {
			a, err := eng.Assess(f, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.AppendJSON(nil); !bytes.Equal(got, want[i]) {
				t.Fatalf("%s at %s: appending to the answers before changed this one:\n%s", f.Name, at, cmp.Diff(string(want[i]), string(got)))
			}
		}
	}
}

// appendedList is a list of strings appended to, and what was appended.
type appendedList struct {
	list         reflect.Value
	marker, path string
}

// appendToEveryList appends to every slice reachable from v: marker to a
// list of strings (kept in out), a zero element to any other.
func appendToEveryList(v reflect.Value, marker, path string, out []appendedList, seen map[uintptr]bool) []appendedList {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return out
		}
		seen[v.Pointer()] = true
		return appendToEveryList(v.Elem(), marker, path, out, seen)
	case reflect.Interface:
		if !v.IsNil() {
			return appendToEveryList(v.Elem(), marker, path, out, seen)
		}
	case reflect.Struct:
		if _, ok := v.Interface().(decimal.Decimal); ok {
			return out
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out = appendToEveryList(v.Field(i), marker, path+"."+v.Type().Field(i).Name, out, seen)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			out = appendToEveryList(v.Index(i), marker, path+"[]", out, seen)
		}
		if v.Type().Elem().Kind() == reflect.String {
			l := reflect.Append(v, reflect.ValueOf(marker).Convert(v.Type().Elem()))
			if v.Cap() > v.Len() {
				// the appended list shares v's array: read it back later
				out = append(out, appendedList{list: l, marker: marker, path: path})
			}
			return out
		}
		_ = reflect.Append(v, reflect.Zero(v.Type().Elem()))
	case reflect.Array:
		for i := range v.Len() {
			out = appendToEveryList(v.Index(i), marker, path+"[]", out, seen)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			out = appendToEveryList(it.Value(), marker, path+"{}", out, seen)
		}
	}
	return out
}
