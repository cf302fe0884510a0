package portfolio

import (
	"context"
	"io"
	"runtime"
	"sync"
)

// The portfolio pipeline: one goroutine splits the portfolio into chunks of
// raw records, workers decode and assess each chunk, and the caller's
// goroutine takes the chunks back in input order. At most inFlight chunks
// exist at once, so memory is bounded whatever the portfolio's size.

const chunkSize = 128

type chunk[T any] struct {
	seq     int
	raws    []rawRecord
	arena   []byte
	results []T
}

// runOrdered reads p to the end (or until ctx is done or emit fails),
// applies work to every record on workers goroutines and calls emit on the
// caller's goroutine with the results in input order. It returns the first
// read error or emit error; a cancelled ctx is not an error (the caller
// checks ctx.Err()): what was read before it is still emitted, so output
// ends on a whole record.
func runOrdered[T any](ctx context.Context, p *Reader, workers int, work func(w int, raw *rawRecord) T, emit func(raw *rawRecord, res T) error) error {
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
	stop := make(chan struct{}) // closed when emit fails: the reader stops
	var readErr error

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
			for len(c.raws) < chunkSize {
				raw, err := p.nextRaw(&c.arena)
				if err == io.EOF {
					break
				}
				if err != nil {
					readErr = err
					break
				}
				c.raws = append(c.raws, raw)
			}
			if len(c.raws) > 0 {
				todo <- c
			}
			if len(c.raws) < chunkSize || ctx.Err() != nil {
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range todo {
				c.results = c.results[:0]
				for i := range c.raws {
					c.results = append(c.results, work(w, &c.raws[i]))
				}
				done <- c
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// Emit in order; chunks that arrive early wait in pending (at most
	// inFlight of them).
	pending := map[int]*chunk[T]{}
	next := 0
	var emitErr error
	for c := range done {
		pending[c.seq] = c
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for i := range c.raws {
				if emitErr != nil {
					break
				}
				if err := emit(&c.raws[i], c.results[i]); err != nil {
					emitErr = err
					close(stop)
				}
			}
			clear(c.results) // drop references for the collector
			free <- c
		}
	}
	if emitErr != nil {
		return emitErr
	}
	return readErr
}
