package server

import (
	"errors"
	"hash"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// bookBody is a request body that a batch or an impact reads: their
// pipeline reads it in a goroutine of its own, which may still be blocked
// in Read when the work returns early (a bad record, a client that stopped
// taking the answer, the time limit). A handler must not return while its
// body is being read, since the server then reads the connection for the
// next request, so the handler calls close, which ends such a Read and
// keeps the body from being read again.
//
// It also hashes what it reads (the decision log's digest of the book),
// and keeps the first error reading gave other than the end: a client
// that went away, or a connection past its deadline.
type bookBody struct {
	r  io.Reader
	h  hash.Hash // nil: no digest
	rc *http.ResponseController
	// deadline is the request's read deadline (zero: none), restored
	// once close has ended a Read with one in the past
	deadline time.Time
	// raw is the body under its limit (http.MaxBytesReader keeps a read
	// error, the one close forces, and gives it ever after), which
	// finish reads
	raw io.Reader

	mu      sync.Mutex
	idle    sync.Cond // signalled when a Read returns
	reading bool
	closed  bool
	forced  bool // close set a read deadline to end a Read
	eof     bool // a Read gave the end of the body
	err     error
}

func newBookBody(r io.Reader, h hash.Hash, w http.ResponseWriter, c *call) *bookBody {
	b := &bookBody{r: r, h: h, rc: http.NewResponseController(w), deadline: c.readDeadline, raw: r}
	if c.body != nil {
		b.raw = c.body.raw
	}
	b.idle.L = &b.mu
	return b
}

// errBookClosed is what a Read after close returns.
var errBookClosed = errors.New("the request is over: its body is no longer read")

func (b *bookBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return 0, errBookClosed
	}
	b.reading = true
	b.mu.Unlock()
	n, err := b.r.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reading = false
	b.idle.Broadcast()
	if b.h != nil {
		b.h.Write(p[:n])
	}
	if err == io.EOF {
		b.eof = true
	}
	if err != nil && err != io.EOF && b.err == nil && !(b.forced && errors.Is(err, os.ErrDeadlineExceeded)) {
		b.err = err // not the deadline close set to end the Read
	}
	return n, err
}

// close ends a Read under way (a read deadline in the past), waits for
// it, and makes every later Read fail. It returns the first error reading
// gave (see readErr).
//
// The request's own read deadline is then restored: after the answer,
// net/http reads what is left of the body (up to 256 KiB; more, and it
// closes the connection) to find the next request on the connection. A
// deadline left in the past fails that read, and net/http (Go 1.26) then
// takes the rest of the body for the next request.
func (b *bookBody) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.reading {
		b.forced = true
		if err := b.rc.SetReadDeadline(time.Now()); err != nil {
			// no connection to end the Read with (a ResponseWriter
			// without deadlines): it ends when its reader does
			return b.err
		}
		for b.reading {
			b.idle.Wait()
		}
		b.rc.SetReadDeadline(b.deadline)
	}
	return b.err
}

// finish reads and drops what the client still sends of a body the work
// stopped reading before its end (a bad record stopped the batch), after
// flushing the answer, within drainTime and maxDrain: a handler defers it
// before close, so that it runs last. Read to its end while the handler
// runs, the body leaves net/http nothing to read past after the answer.
// Left to it, a body still arriving after the answer makes net/http (Go
// 1.26) either fail that read on the deadline close set and take the
// rest of the body for the next request (a 400, a desynchronised
// connection), or reach the body's end once the request is over and
// start a read of the connection that collides with the next request's
// ("invalid concurrent Body.Read call"). A client that went away, or a
// body that ended, is left alone; past maxDrain (or the body's limit),
// the connection closes after the answer.
func (b *bookBody) finish() {
	b.mu.Lock()
	rest := b.closed && !b.eof && b.err == nil
	b.mu.Unlock()
	if !rest {
		return
	}
	b.rc.Flush()
	b.rc.SetReadDeadline(time.Now().Add(drainTime))
	io.Copy(io.Discard, io.LimitReader(b.raw, maxDrain))
}

// digest is the hash of what was read, under the lock a late Read takes.
func (b *bookBody) digest() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.h.Sum(nil)
}

// readErr is the first error reading gave other than the end; call it
// after close (before, the pipeline may still be reading).
func (b *bookBody) readErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// connectionProblem is the problem of work whose connection failed, which
// is not the book's fault (and not a 422): the time limit ran out while
// reading or writing (request.timeout), the book stopped arriving before
// its end (readErr, from the request body: request.incomplete), or the
// answer could not be sent (writeErr: request.cancelled). It is nil when
// neither happened, and for a body over the endpoint's limit (problemOf's
// request.too_large).
func connectionProblem(what string, limit time.Duration, readErr, writeErr error) *Problem {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(readErr, os.ErrDeadlineExceeded) || errors.Is(writeErr, os.ErrDeadlineExceeded):
		return newProblem(http.StatusServiceUnavailable, "request.timeout", "The "+what+" took too long",
			"the time limit of "+limit.String()+" ran out")
	case writeErr != nil:
		return newProblem(http.StatusServiceUnavailable, "request.cancelled", "The "+what+" was stopped",
			"the client stopped taking the answer: "+writeErr.Error())
	case readErr != nil && !errors.As(readErr, &mbe):
		return newProblem(http.StatusBadRequest, "request.incomplete", "The request body did not arrive in full",
			"the book stopped arriving before its end (the client went away, or its connection broke): "+readErr.Error())
	}
	return nil
}
