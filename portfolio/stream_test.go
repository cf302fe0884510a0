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
	for _, tc := range []struct {
		name    string
		results portfolio.Format
		header  int    // lines before the first record's
		pause   string // what the input holds past two records when it pauses
	}{
		{"jsonl", "", 0, ""},
		{"csv", portfolio.CSV, 1, ""},
		{"paused in a record", "", 0, line[:20]},
		{"paused after a blank line", "", 0, "\n  \n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, feed := io.Pipe()
			t.Cleanup(func() { feed.Close() }) // a failed wait leaves no batch behind
			var out testkit.Buffer
			done := make(chan error, 1)
			var s *portfolio.BatchSummary
			go func() {
				var err error
				s, err = portfolio.Batch(context.Background(), eng, in, &out, portfolio.BatchOptions{Name: "pipe.jsonl", At: asOf2026, Results: tc.results})
				done <- err
			}()
			io.WriteString(feed, line+line+tc.pause)
			out.WaitLines(t, tc.header+2, 20*time.Second) // the input has not ended
			if tc.pause != "" && tc.pause[0] != '\n' {
				io.WriteString(feed, line[20:]) // the rest of the third record
			} else {
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
