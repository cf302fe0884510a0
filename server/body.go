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
// next request: the handler calls close, which keeps the body from being
// read again, and defers finish, which waits for such a Read (ending it
// if it waits too long) and reads or drops the rest of the body.
//
// It also hashes what it reads (the decision log's digest of the book),
// and keeps the first error reading gave other than the end: a client
// that went away, or a connection past its deadline.
type bookBody struct {
	r  io.Reader
	h  hash.Hash // nil: no digest
	rc *http.ResponseController
	w  http.ResponseWriter
	// http11 is whether the request is HTTP/1.1 or later (an answer
	// without a length is then chunked)
	http11 bool
	// raw is the body under its limit, which finish reads
	// (http.MaxBytesReader keeps the first read error and gives it ever
	// after)
	raw io.Reader

	mu      sync.Mutex
	idle    sync.Cond // signalled when a Read returns
	reading bool
	closed  bool
	forced  bool // close set a read deadline to end a Read
	eof     bool // a Read gave the end of the body
	err     error
}

func newBookBody(req *http.Request, h hash.Hash, w http.ResponseWriter, c *call) *bookBody {
	r := req.Body
	b := &bookBody{r: r, h: h, rc: http.NewResponseController(w), w: w, http11: req.ProtoAtLeast(1, 1), raw: r}
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
		b.err = err // not the deadline finish set to end the Read
	}
	return n, err
}

// close makes every later Read fail and returns the first error reading
// gave (see readErr). A Read under way is left to return (finish waits
// for it): the answer need not wait for the client's next bytes.
func (b *bookBody) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return b.err
}

// finish, which a handler defers before close so that it runs last, once
// the answer is written, waits for a Read under way and leaves the
// connection ready for the next request, or closes it.
//
// A book the work stopped reading before its end (a bad record stopped
// the batch) is read to its end and dropped, after the answer is flushed,
// within drainTime and maxDrain (as past a body's limit). Read to its end
// while the handler runs, the body leaves net/http nothing to read past
// after the answer: left to it, a body still arriving then makes net/http
// (Go 1.26) either fail that read on a deadline and take the rest of the
// body for the next request, or reach the body's end once the request is
// over and start a read of the connection that collides with the next
// request's ("invalid concurrent Body.Read call").
//
// A read that failed (the client went away, a time limit ran out, or
// finish ended a Read still waiting at drainTime with a deadline in the
// past) has cancelled the connection's context, as net/http does on any
// read error, and every later request on the connection would start
// cancelled: the connection is closed after the answer (taken over from
// net/http, the end of a chunked answer written). A body past its limit
// is left to the route (drainPastLimit; net/http closes the connection).
func (b *bookBody) finish() {
	deadline := time.Now().Add(drainTime)
	b.mu.Lock()
	if b.reading {
		b.rc.Flush()
		t := time.AfterFunc(time.Until(deadline), func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			if b.reading && b.rc.SetReadDeadline(time.Now()) == nil {
				b.forced = true
			}
		})
		for b.reading {
			b.idle.Wait()
		}
		t.Stop()
	}
	eof, forced, err := b.eof, b.forced, b.err
	b.mu.Unlock()
	var mbe *http.MaxBytesError
	switch {
	case forced:
	case err != nil:
		if errors.As(err, &mbe) {
			return
		}
	case eof:
		return
	default:
		b.rc.Flush()
		b.rc.SetReadDeadline(deadline)
		if n, err := io.Copy(io.Discard, io.LimitReader(b.raw, maxDrain)); err == nil && n < maxDrain {
			return // to the end of the body
		}
	}
	b.hangUp()
}

// hangUp ends the answer and closes the connection.
func (b *bookBody) hangUp() {
	chunked := b.http11 && b.w.Header().Get("Content-Length") == ""
	// what the answer holds in its buffer first (Hijack flushes only what
	// is past it)
	b.rc.Flush()
	conn, rw, err := b.rc.Hijack()
	if err != nil {
		return
	}
	if chunked {
		rw.WriteString("0\r\n\r\n")
		rw.Flush()
	}
	conn.Close()
}

// digest is the hash of what was read, under the lock a late Read takes.
func (b *bookBody) digest() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.h.Sum(nil)
}

// readErr is the first error reading gave other than the end, so far: a
// Read under way (see finish) may still give one.
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
