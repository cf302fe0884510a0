package portfolio

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The output a batch holds waiting to be written in order is bounded in
// bytes: workers that run ahead of a slow writer wait once maxPendingBytes
// are held, the chunk written next always proceeds (no deadlock), and
// every record is emitted once, in order.
func TestPipelineBoundsPendingBytes(t *testing.T) {
	const (
		records = 120
		result  = 8 << 20 // each record's output: 8 MiB
		workers = 4
	)
	// records of 40 KiB: two to a chunk
	line := `{"region": "430100", "sectors": ["other"], "name": "` + strings.Repeat("x", 40<<10) + `"}` + "\n"
	p, err := NewReader("book.jsonl", strings.NewReader(strings.Repeat(line, records)), JSONL)
	if err != nil {
		t.Fatal(err)
	}
	var held, most atomic.Int64
	work := func(_ int, raw *rawRecord) int {
		n := held.Add(result)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		return raw.line
	}
	next := 1
	emit := func(raw *rawRecord, line int) error {
		if line != next {
			t.Fatalf("record of line %d emitted when %d was due", line, next)
		}
		next++
		time.Sleep(2 * time.Millisecond) // a slow writer
		held.Add(-result)
		return nil
	}
	done := make(chan error)
	go func() {
		done <- runOrdered(context.Background(), p, workers, work, func(int) int { return result }, emit, nil)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the pipeline did not finish (deadlock?)")
	}
	if next != records+1 {
		t.Fatalf("%d records emitted", next-1)
	}
	// the bound, the chunk written next (two records) and one result a
	// worker holds while it waits
	bound := int64(maxPendingBytes + 2*result + workers*result)
	if most.Load() > bound {
		t.Errorf("held %d MiB of output at most; the bound is %d MiB", most.Load()>>20, bound>>20)
	}
	t.Logf("held at most %d MiB (without the bound: up to %d MiB)", most.Load()>>20, (2*workers+2)*2*result>>20)
}
