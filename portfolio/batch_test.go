package portfolio_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

func portfolioBytes(t testing.TB, seed uint64, n int, format portfolio.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := portfolio.NewWriter(&buf, format)
	for f := range portfolio.GenerateSeq(seed, n) {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newEngine(t testing.TB) *anzexian.Engine {
	t.Helper()
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// Batch writes, in input order and whatever the number of workers, exactly
// the brief form of what Assess answers for each enterprise, and its
// summary counts them.
func TestBatchMatchesAssess(t *testing.T) {
	eng := newEngine(t)
	n := 600
	if testing.Short() {
		n = 150
	}
	want := portfolio.Generate(11, n)
	for _, format := range []portfolio.Format{portfolio.JSONL, portfolio.CSV} {
		in := portfolioBytes(t, 11, n, format)
		var outs [][]byte
		for _, workers := range []int{1, 3} {
			var out bytes.Buffer
			s, err := portfolio.Batch(context.Background(), eng, bytes.NewReader(in), &out, portfolio.BatchOptions{Name: "book", Format: format, At: asOf2026, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if s.Read != n || s.Written != n || s.Skipped != 0 || s.Failed != 0 || s.Interrupted {
				t.Fatalf("%s, %d workers: summary %+v", format, workers, s)
			}
			outs = append(outs, out.Bytes())
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Fatalf("%s: output differs between 1 and 3 workers", format)
		}
		lines := strings.Split(strings.TrimSuffix(string(outs[0]), "\n"), "\n")
		if len(lines) != n {
			t.Fatalf("%s: %d lines for %d enterprises", format, len(lines), n)
		}
		obligations := map[rulesets.Obligation]int{}
		for i, f := range want {
			a, err := eng.Assess(f, anzexian.At(asOf2026))
			if err != nil {
				t.Fatal(err)
			}
			line := i + 1
			if format == portfolio.CSV {
				line = i + 2
			}
			if got, w := lines[i], string(portfolio.AppendBrief(nil, a, line)); got != w {
				t.Fatalf("%s: enterprise %d:\n got %s\nwant %s", format, i, got, w)
			}
			obligations[a.Coverage.Obligation]++
			if !json.Valid([]byte(lines[i])) {
				t.Fatalf("line %d is not JSON: %s", i+1, lines[i])
			}
		}
	}
}

// The full form is the assessment's JSON with the line number.
func TestBatchFull(t *testing.T) {
	eng := newEngine(t)
	in := portfolioBytes(t, 3, 20, portfolio.JSONL)
	var out bytes.Buffer
	if _, err := portfolio.Batch(context.Background(), eng, bytes.NewReader(in), &out, portfolio.BatchOptions{Name: "book.jsonl", At: asOf2026, Full: true}); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for i, f := range portfolio.Generate(3, 20) {
		if !sc.Scan() {
			t.Fatalf("only %d lines", i)
		}
		var got struct {
			Line       int             `json:"line"`
			Assessment json.RawMessage `json:"assessment"`
		}
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		a, err := eng.Assess(f, anzexian.At(asOf2026))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(a)
		if got.Line != i+1 || !bytes.Equal(got.Assessment, want) {
			t.Fatalf("line %d: got line %d and\n%s\nwant\n%s", i+1, got.Line, got.Assessment, want)
		}
	}
}

// badBook is a portfolio with bad records among good ones.
func badBook() (data string, good, bad []int) {
	var b strings.Builder
	line := 0
	for i := range 300 {
		line++
		switch {
		case i%97 == 13:
			fmt.Fprintf(&b, `{"region": "430100", "sectors": ["coal_mine"], "employees": "many"}`+"\n")
			bad = append(bad, line)
		case i%89 == 40:
			fmt.Fprintf(&b, `{"region": "430100", "sectors": ["coal_mine"]`+"\n") // cut short
			bad = append(bad, line)
		case i == 150:
			b.WriteString("\n") // a blank line is no record
			continue
		default:
			fmt.Fprintf(&b, `{"name": "e%d", "region": "430100", "sectors": ["coal_mine"], "employees": %d}`+"\n", i, i+1)
			good = append(good, line)
		}
	}
	return b.String(), good, bad
}

func TestBatchBadRecords(t *testing.T) {
	eng := newEngine(t)
	data, good, bad := badBook()
	t.Run("skip", func(t *testing.T) {
		var out bytes.Buffer
		var rejected []int
		s, err := portfolio.Batch(context.Background(), eng, strings.NewReader(data), &out, portfolio.BatchOptions{
			Name: "book.jsonl", At: asOf2026, SkipBad: true, Workers: 2,
			Rejected: func(line int, err error) {
				var fe *facts.Error
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), fmt.Sprintf("book.jsonl:%d:", line)) {
					t.Errorf("line %d: %v does not name its line", line, err)
				}
				rejected = append(rejected, line)
			}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(bad, rejected); diff != "" {
			t.Errorf("rejected lines (-want +got):\n%s", diff)
		}
		if s.Read != len(good)+len(bad) || s.Written != len(good) || s.Skipped != len(bad) || s.Read != s.Written+s.Skipped+s.Failed {
			t.Errorf("counts do not reconcile: %+v (good %d, bad %d)", s, len(good), len(bad))
		}
		var lines []int
		for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var v struct{ Line int }
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, v.Line)
		}
		if diff := cmp.Diff(good, lines); diff != "" {
			t.Errorf("written lines (-want +got):\n%s", diff)
		}
	})
	t.Run("stop", func(t *testing.T) {
		var out bytes.Buffer
		s, err := portfolio.Batch(context.Background(), eng, strings.NewReader(data), &out, portfolio.BatchOptions{
			Name: "book.jsonl", At: asOf2026, Workers: 2})
		var be *portfolio.BatchError
		if !errors.As(err, &be) || be.Line != bad[0] {
			t.Fatalf("got %v, want a *BatchError at line %d", err, bad[0])
		}
		var fe *facts.Error
		if !errors.As(err, &fe) {
			t.Errorf("%v does not unwrap to the facts error", err)
		}
		before := 0
		for _, g := range good {
			if g < bad[0] {
				before++
			}
		}
		if s.Written != before || s.Failed != 1 || s.Read != s.Written+s.Skipped+s.Failed {
			t.Errorf("summary %+v; want %d written before the bad record", s, before)
		}
		if got := strings.Count(out.String(), "\n"); got != before || (before > 0 && !strings.HasSuffix(out.String(), "\n")) {
			t.Errorf("%d complete lines written, want %d", got, before)
		}
	})
}

// An interrupted batch writes complete lines only, in order, and its counts
// reconcile.
func TestBatchInterrupt(t *testing.T) {
	eng := newEngine(t)
	in := portfolioBytes(t, 5, 3000, portfolio.JSONL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	s, err := portfolio.Batch(ctx, eng, bytes.NewReader(in), &out, portfolio.BatchOptions{
		Name: "book.jsonl", At: asOf2026, Workers: 2,
		Progress: func(s *portfolio.BatchSummary, _ int64) {
			if s.Read >= 256 {
				cancel()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Interrupted || s.Read >= 3000 || s.Read < 256 {
		t.Fatalf("summary %+v: want an interrupted batch", s)
	}
	if s.Read != s.Written+s.Skipped+s.Failed {
		t.Errorf("counts do not reconcile: %+v", s)
	}
	text := out.String()
	if !strings.HasSuffix(text, "\n") {
		t.Fatalf("output does not end on a complete line")
	}
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var v struct{ Line int }
		if err := json.Unmarshal([]byte(l), &v); err != nil || v.Line != i+1 {
			t.Fatalf("line %d: %v (line field %d)", i+1, err, v.Line)
		}
		if i+1 == s.Written && i+1 != strings.Count(text, "\n") {
			t.Fatal("more lines than the summary says")
		}
	}
}

func BenchmarkBatch(b *testing.B) {
	eng := newEngine(b)
	const n = 2000
	in := portfolioBytes(b, 1, n, portfolio.JSONL)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s, err := portfolio.Batch(context.Background(), eng, bytes.NewReader(in), discard{}, portfolio.BatchOptions{Name: "b.jsonl", At: asOf2026})
		if err != nil || s.Written != n {
			b.Fatal(err, s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/enterprise")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
