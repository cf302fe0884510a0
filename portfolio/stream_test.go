package portfolio_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anzexian/anzexian/portfolio"
)

// lineWatch is an output that tells, as bytes arrive, how many lines have
// been written.
type lineWatch struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan int
}

func (w *lineWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	select {
	case w.lines <- bytes.Count(w.buf.Bytes(), []byte("\n")):
	default: // nobody waiting: the next write tells again
	}
	return len(p), nil
}

// waitLines waits until w holds at least n lines.
func (w *lineWatch) waitLines(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		w.mu.Lock()
		got := bytes.Count(w.buf.Bytes(), []byte("\n"))
		w.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-w.lines:
		case <-time.After(50 * time.Millisecond): // a write told nobody
		case <-deadline:
			t.Fatalf("%d lines written while the input waits, want %d", got, n)
		}
	}
}

// A batch reading a pipe that stalls writes out, while it waits, every
// record read so far: a consumer of its output sees each result without
// waiting for the input to end (or for a buffer to fill).
func TestBatchWritesWhileInputStalls(t *testing.T) {
	eng := newEngine(t)
	const line = `{"region": "430100", "sectors": ["other"], "employees": 5}` + "\n"
	for _, tc := range []struct {
		name    string
		results portfolio.Format
		header  int // lines before the first record's
	}{
		{"jsonl", "", 0},
		{"csv", portfolio.CSV, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, feed := io.Pipe()
			out := &lineWatch{lines: make(chan int, 1)}
			done := make(chan error, 1)
			var s *portfolio.BatchSummary
			go func() {
				var err error
				s, err = portfolio.Batch(context.Background(), eng, in, out, portfolio.BatchOptions{Name: "pipe.jsonl", At: asOf2026, Results: tc.results})
				done <- err
			}()
			io.WriteString(feed, line+line)
			out.waitLines(t, tc.header+2) // the input has not ended
			io.WriteString(feed, line)
			out.waitLines(t, tc.header+3)
			feed.Close()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if s.Written != 3 {
				t.Errorf("%d written, want 3", s.Written)
			}
			if got := strings.Count(out.buf.String(), "\n"); got != tc.header+3 {
				t.Errorf("%d lines in all, want %d:\n%s", got, tc.header+3, out.buf.String())
			}
		})
	}
}
