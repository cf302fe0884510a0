package portfolio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/anzexian/anzexian/internal/testkit"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/portfolio"
)

// FuzzBatch streams any bytes as a portfolio, JSONL or CSV, skipping bad
// records or stopping at the first. Batch never panics, and whatever the
// input: Read = Written + Skipped + Failed; the output is Written complete
// JSON lines naming strictly increasing input lines; every record skipped
// or stopping the batch is reported once, in order, with its line; with
// skipping nothing fails, without it at most one record does and the batch
// returns its error.
func FuzzBatch(f *testing.F) {
	for _, format := range []portfolio.Format{portfolio.JSONL, portfolio.CSV} {
		good := portfolioBytes(f, 7, 3, format)
		f.Add(good, format == portfolio.CSV, true)
		f.Add(good, format == portfolio.CSV, false)
		lines := strings.SplitAfter(string(good), "\n")
		bad := lines[0] + "{\"region\": 43}\n" + strings.Join(lines[1:], "")
		if format == portfolio.CSV {
			bad = lines[0] + lines[1] + "\"unclosed,\n" + strings.Join(lines[2:], "")
		}
		f.Add([]byte(bad), format == portfolio.CSV, true)
		f.Add([]byte(bad), format == portfolio.CSV, false)
	}
	f.Add([]byte("\n\n{\"region\": \"430100\", \"sectors\": [\"other\"]}\r\n{"), false, true)
	f.Add([]byte("region,sectors,employees\n430100,other,-1\n430100,coal_mine,5\n"), true, true)
	f.Add([]byte("sectors,region\n\"other;coal_mine\",\"330382\"\n"), true, false)
	var once sync.Once
	var eng *anzexian.Engine
	f.Fuzz(func(t *testing.T, data []byte, isCSV, skip bool) {
		defer fuzzWatchdog(fuzzInputLimit)()
		once.Do(func() { eng = anzexian.NewWithRegistry(bundledForFuzz(t)) })
		if bytes.Count(data, []byte("\n")) > 200 {
			return // long portfolios add nothing but time
		}
		format := portfolio.JSONL
		if isCSV {
			format = portfolio.CSV
		}
		var out bytes.Buffer
		var rejected []int
		o := portfolio.BatchOptions{Name: "fuzz", Format: format, At: asOf2026, Workers: 2, SkipBad: skip,
			Rejected: func(line int, err error) {
				if err == nil {
					t.Errorf("line %d rejected without an error", line)
				}
				rejected = append(rejected, line)
			}}
		var s *portfolio.BatchSummary
		var err error
		testkit.CatchPanic(t, "Batch", func() { s, err = portfolio.Batch(context.Background(), eng, bytes.NewReader(data), &out, o) })
		if s == nil {
			t.Fatalf("Batch returned no summary (err %v)", err)
		}
		if s.Read != s.Written+s.Skipped+s.Failed {
			t.Fatalf("read %d ≠ written %d + skipped %d + failed %d", s.Read, s.Written, s.Skipped, s.Failed)
		}
		if skip && s.Failed != 0 && !strings.Contains(fmt.Sprint(err), "the rest of the portfolio cannot be read") {
			// only a CSV record over the limit inside a quoted cell stops a
			// batch that skips: nothing past it can be read
			t.Fatalf("skipping bad records, %d failed (err %v)", s.Failed, err)
		}
		if s.Failed > 1 {
			t.Fatalf("%d records failed; the first stops the batch", s.Failed)
		}
		if s.Failed == 1 {
			var be *portfolio.BatchError
			if !errors.As(err, &be) {
				t.Fatalf("a record failed but Batch returned %T %v", err, err)
			}
		}
		if err == nil && s.Failed+s.Skipped != len(rejected) {
			t.Fatalf("%d skipped + %d failed, but %d rejections reported", s.Skipped, s.Failed, len(rejected))
		}
		for i := 1; i < len(rejected); i++ {
			if rejected[i] <= rejected[i-1] {
				t.Fatalf("rejections out of order: %v", rejected)
			}
		}
		text := out.String()
		if text != "" && !strings.HasSuffix(text, "\n") {
			t.Fatalf("output ends with an incomplete line: %q", text[max(0, len(text)-80):])
		}
		n, last := 0, 0
		for l := range strings.Lines(text) {
			var rec struct {
				Line int `json:"line"`
			}
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("output line %d is not JSON: %v\n%s", n+1, err, l)
			}
			if rec.Line <= last {
				t.Fatalf("output line %d names input line %d after %d", n+1, rec.Line, last)
			}
			last = rec.Line
			n++
		}
		if n != s.Written {
			t.Fatalf("%d lines written, summary says %d", n, s.Written)
		}
	})
}
