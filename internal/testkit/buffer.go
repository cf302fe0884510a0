package testkit

import (
	"bytes"
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
	for end := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		got := strings.Count(b.String(), "\n")
		if got >= n {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%d lines written after %s, want %d:\n%s", got, d, n, b.String())
		}
	}
}

// WaitFor waits up to d for b to hold text, and fails t if it does not.
func (b *Buffer) WaitFor(t testing.TB, text string, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); !strings.Contains(b.String(), text); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("no %q after %s:\n%s", text, d, b.String())
		}
	}
}
