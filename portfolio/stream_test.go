package portfolio_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/portfolio"
)

// A batch reading a pipe that stalls writes out, while it waits, every
// record read so far: a consumer of its output sees each result without
// waiting for the input to end (or for a buffer to fill).
func TestBatchWritesWhileInputStalls(t *testing.T) {
	eng := newEngine(t)
	const line = `{"region": "430100", "sectors": ["other"], "employees": 5}` + "\n"
	const csvHead, csvLine = "name,region,sectors,employees\n", "甲,430100,other,5\n"
	for _, tc := range []struct {
		name    string
		results portfolio.Format
		header  int    // lines before the first record's
		pause   string // what the input holds past two records when it pauses
		csv     bool   // the book is CSV (csvHead, csvLine) rather than JSONL
	}{
		{"jsonl", "", 0, "", false},
		{"csv results", portfolio.CSV, 1, "", false},
		{"paused in a record", "", 0, line[:20], false},
		{"paused after a blank line", "", 0, "\n  \n", false},
		{"csv book", "", 0, "", true},
		{"csv book paused in a quoted line break", "", 0, "\"甲\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, feed := io.Pipe()
			t.Cleanup(func() { feed.Close() }) // a failed wait leaves no batch behind
			var out testkit.Buffer
			done := make(chan error, 1)
			var s *portfolio.BatchSummary
			go func() {
				var err error
				name := "pipe.jsonl"
				if tc.csv {
					name = "pipe.csv"
				}
				s, err = portfolio.Batch(context.Background(), eng, in, &out, portfolio.BatchOptions{Name: name, At: asOf2026, Results: tc.results})
				done <- err
			}()
			switch {
			case tc.csv:
				io.WriteString(feed, csvHead+csvLine+csvLine+tc.pause)
			default:
				io.WriteString(feed, line+line+tc.pause)
			}
			out.WaitLines(t, tc.header+2, 20*time.Second) // the input has not ended
			switch {
			case tc.csv && tc.pause != "":
				io.WriteString(feed, "乙\",430100,other,5\n") // the rest of the quoted cell's record
			case tc.csv:
				io.WriteString(feed, csvLine)
			case tc.pause != "" && tc.pause[0] != '\n':
				io.WriteString(feed, line[20:]) // the rest of the third record
			default:
				io.WriteString(feed, line)
			}
			out.WaitLines(t, tc.header+3, 20*time.Second)
			feed.Close()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if s.Written != 3 {
				t.Errorf("%d written, want 3", s.Written)
			}
			if got := strings.Count(out.String(), "\n"); got != tc.header+3 {
				t.Errorf("%d lines in all, want %d:\n%s", got, tc.header+3, out.String())
			}
		})
	}
}
