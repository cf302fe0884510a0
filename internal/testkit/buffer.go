package testkit

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// Buffer is a bytes.Buffer that goroutines may write and read at once: the
// output of a process, a pipeline or a logger under test, read while it
// runs.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// WaitLines waits up to d for b to hold at least n lines, and fails t if
// it does not.
func (b *Buffer) WaitLines(t testing.TB, n int, d time.Duration) {
	t.Helper()
	b.wait(t, d, fmt.Sprintf("%d lines", n), func(s string) bool { return strings.Count(s, "\n") >= n })
}

// WaitFor waits up to d for b to hold text, and fails t if it does not.
func (b *Buffer) WaitFor(t testing.TB, text string, d time.Duration) {
	t.Helper()
	b.wait(t, d, fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

// wait polls b until ok holds for what it holds, for up to d.
func (b *Buffer) wait(t testing.TB, d time.Duration, what string, ok func(string) bool) {
	t.Helper()
	for end := time.Now().Add(d); !ok(b.String()); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("no %s after %s:\n%s", what, d, b.String())
		}
	}
}
