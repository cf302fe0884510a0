package portfolio

import (
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// The portfolio pipeline: one goroutine splits the portfolio into chunks of
// raw records, workers decode and assess each chunk, and the caller's
// goroutine takes the chunks back in input order. Memory is bounded by
// bytes, whatever the portfolio's size and the weight of its records:
//
//   - input: at most inFlight chunks exist, and a chunk is closed once it
//     holds chunkBytes of records (or chunkSize records), so at most
//     inFlight × (chunkBytes + MaxRecordSize) bytes of input are held;
//   - output: the results waiting to be written in order hold at most
//     maxPendingBytes (see pending), beyond those of the chunk written
//     next, which always proceeds.
//
// A chunk is also sent as soon as the input holds no whole record to read
// at once (a stalled pipe, maybe in the middle of a record: the records
// read so far are assessed and written while the reader waits) and after a
// record that is too long, so that it is reported before anything else is
// read. Once every chunk sent has been emitted, caughtUp is called: the
// output is level with the input's whole records read so far, which is
// when a caller flushes what it wrote, so that a stalled pipe's records
// reach the reader of the output while the input waits.

const (
	chunkSize  = 128
	chunkBytes = 64 << 10
	// maxPendingBytes bounds the output held for writing in order.
	maxPendingBytes = 16 << 20
)

type chunk[T any] struct {
	seq     int
	raws    []rawRecord
	arena   []byte
	results []T
}

// pending counts the bytes of results computed but not yet written, and
// holds back a worker whose result would take them past maxPendingBytes
// until its chunk is the next to be written (which is never held back, so
// the pipeline cannot deadlock) or the results before it are written.
type pending struct {
	mu      sync.Mutex
	cond    sync.Cond
	bytes   int64
	next    int // the sequence number of the chunk written next
	stopped bool
}

func newPending() *pending {
	p := &pending{}
	p.cond.L = &p.mu
	return p
}

// take accounts n bytes of a result of chunk seq, waiting while they do not
// fit; it reports false when the pipeline stopped.
func (p *pending) take(seq int, n int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for !p.stopped && seq != p.next && p.bytes > 0 && p.bytes+n > maxPendingBytes {
		p.cond.Wait()
	}
	p.bytes += n
	return !p.stopped
}

// written releases n bytes of chunk seq and makes the chunk after it the
// next to be written.
func (p *pending) written(seq int, n int64) {
	p.mu.Lock()
	p.bytes -= n
	p.next = seq + 1
	p.mu.Unlock()
	p.cond.Broadcast()
}

func (p *pending) stop() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.cond.Broadcast()
}

// runOrdered reads p to the end (or until ctx is done or emit fails),
// applies work to every record on workers goroutines and calls emit on the
// caller's goroutine with the results in input order; size tells the bytes
// a result holds. caughtUp, when not nil, is called on the caller's
// goroutine whenever every chunk sent to the workers has been emitted. It
// returns the first read, emit or caughtUp error; a
// cancelled ctx is not an error (the caller checks ctx.Err()).
//
// When ctx is done it returns at once, having emitted whole records only:
// it does not wait for a reader blocked on input that does not come (a
// stalled pipe) or a worker still assessing; they end in the background
// (the reader when its Read returns).
func runOrdered[T any](ctx context.Context, p *Reader, workers int, work func(w int, raw *rawRecord) T, size func(T) int, emit func(raw *rawRecord, res T) error, caughtUp func() error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	inFlight := 2*workers + 2
	free := make(chan *chunk[T], inFlight)
	for range inFlight {
		free <- &chunk[T]{}
	}
	todo := make(chan *chunk[T], inFlight)
	done := make(chan *chunk[T], inFlight)
	stop := make(chan struct{}) // closed when the caller returns: everyone stops
	pend := newPending()
	p.cancel = stop
	var readErr error
	var sent atomic.Int64 // chunks handed to the workers

	go func() { // reader
		defer close(todo)
		for seq := 0; ; seq++ {
			var c *chunk[T]
			select {
			case c = <-free:
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
			c.seq, c.raws, c.arena = seq, c.raws[:0], c.arena[:0]
			end := false
			for len(c.raws) < chunkSize && len(c.arena) < chunkBytes {
				if len(c.raws) > 0 && !p.buffered() {
					break // send what there is before waiting for input
				}
				raw, err := p.nextRaw(&c.arena)
				if err == io.EOF {
					end = true
					break
				}
				if err != nil {
					if err != errCancelled {
						readErr = err
					}
					end = true
					break
				}
				c.raws = append(c.raws, raw)
				if raw.err != nil {
					break // report it before reading on
				}
			}
			if len(c.raws) > 0 {
				sent.Add(1) // before: the chunk may be emitted before the send returns
				select {
				case todo <- c:
				case <-stop:
					return
				}
			}
			if end || ctx.Err() != nil {
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var c *chunk[T]
				var ok bool
				select {
				case c, ok = <-todo:
					if !ok {
						return
					}
				case <-stop:
					return
				}
				c.results = c.results[:0]
				for i := range c.raws {
					r := work(w, &c.raws[i])
					c.results = append(c.results, r)
					if !pend.take(c.seq, int64(size(r))) {
						return
					}
				}
				done <- c // never blocks: at most inFlight chunks exist
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	defer func() {
		close(stop)
		pend.stop()
	}()
	// Emit in order; chunks that arrive early wait in early (at most
	// inFlight of them).
	early := map[int]*chunk[T]{}
	next := 0
	for {
		var c *chunk[T]
		select {
		case x, ok := <-done:
			if !ok {
				return readErr // every chunk sent has been emitted
			}
			c = x
		case <-ctx.Done():
			return nil
		}
		early[c.seq] = c
		for {
			c, ok := early[next]
			if !ok {
				break
			}
			delete(early, next)
			var n int64
			for i := range c.raws {
				if ctx.Err() != nil {
					return nil
				}
				if err := emit(&c.raws[i], c.results[i]); err != nil {
					return err
				}
				n += int64(size(c.results[i]))
			}
			pend.written(c.seq, n)
			next++
			clear(c.results) // drop references for the collector
			free <- c
		}
		if caughtUp != nil && int64(next) == sent.Load() {
			if err := caughtUp(); err != nil {
				return err
			}
		}
	}
}
