package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/jsonw"
	"github.com/anzexian/anzexian/portfolio"
)

// /v1/batch: a book streamed in, its answers streamed out.
//
// The body is a book as `anzexian batch` reads it: JSONL
// (application/x-ndjson or application/jsonl), CSV (text/csv) or XLSX
// (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,
// spooled to a temporary file first: a workbook is read from its end). The
// answer is JSONL (application/x-ndjson), one line per enterprise in input
// order, byte for byte the lines of `anzexian batch` (the brief form, or
// with full=true {"line": N, "assessment": {…}}), streamed as they are
// computed, with the CLI's guarantees: only complete lines, input order,
// and counts that reconcile (read = written + skipped + failed).
//
// Since the status is sent with the first line, the last line of the
// answer is always a summary, {"summary": {…}, "rejected": […], "error":
// …}: the counts, the records skipped (with skip_bad=true) or the one that
// stopped the batch, and the problem that ended it early (a bad record, the
// body's size or time limit, a shutdown), or null. A client knows the
// stream is whole when it has read that line with "error": null. A book
// that cannot be read at all (not CSV, no header) is a problem response
// instead, as is a bad query.

// bookFormat is a book's format from the request's Content-Type, or the
// query's format.
func bookFormat(r *http.Request) (portfolio.Format, *Problem) {
	if f := r.URL.Query().Get("format"); f != "" {
		switch f {
		case "jsonl", "csv", "xlsx":
			return portfolio.Format(f), nil
		}
		return "", badRequest("format must be jsonl, csv or xlsx, not %q", f)
	}
	return formatOfMediaType(r.Header.Get("Content-Type"))
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func formatOfMediaType(ct string) (portfolio.Format, *Problem) {
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "application/x-ndjson", "application/jsonl", "application/json-lines", "application/jsonlines":
		return portfolio.JSONL, nil
	case "text/csv":
		return portfolio.CSV, nil
	case xlsxType:
		return portfolio.XLSX, nil
	}
	return "", newProblem(http.StatusUnsupportedMediaType, "request.media_type", "Unsupported media type",
		"a book is application/x-ndjson (JSONL), text/csv or "+xlsxType+", not "+quoteOr(ct, "none"))
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return `"` + s + `"`
}

// spoolBook spools an XLSX book read through body (spool) within the
// endpoint's limits, and says why it could not: the connection's problem
// when reading failed, else the error's.
func (s *Server) spoolBook(book io.Reader, body *bookBody, what string) (*os.File, *Problem) {
	f, err := spool(book, min(s.cfg.Limits.XLSX, s.cfg.Limits.Book))
	if err == nil {
		return f, nil
	}
	if p := connectionProblem(what, s.cfg.Limits.BookTimeout, body.readErr(), nil); p != nil {
		return nil, p
	}
	return nil, problemOf(err)
}

// spool copies an XLSX body to a temporary file, at most limit bytes, and
// returns it opened at its start; the caller closes and removes it.
func spool(body io.Reader, limit int64) (*os.File, error) {
	f, err := os.CreateTemp("", "anzexian-book-*.xlsx")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // unlinked at once: gone when closed, whatever happens
	n, err := io.Copy(f, io.LimitReader(body, limit+1))
	if err == nil && n > limit {
		err = &http.MaxBytesError{Limit: limit}
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// lazyWriter sends the response's header with the first byte written, so
// that a batch that cannot start is still answered with a problem.
type lazyWriter struct {
	w         http.ResponseWriter
	committed bool
	// contentType is the answer's (default application/x-ndjson)
	contentType string
	// err is the first failure to send: the client stopped taking the
	// answer (it went away, or its connection broke)
	err error
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	if !l.committed {
		l.committed = true
		ct := l.contentType
		if ct == "" {
			ct = "application/x-ndjson"
		}
		l.w.Header().Set("Content-Type", ct)
		l.w.WriteHeader(http.StatusOK)
	}
	n, err := l.w.Write(b)
	if err != nil && l.err == nil {
		l.err = err
	}
	return n, err
}

// Flush sends what was written to the client: the batch calls it whenever
// its output has caught up with the book read so far, so that a book still
// arriving has its answers streamed back as they are made.
func (l *lazyWriter) Flush() error {
	if !l.committed {
		return nil
	}
	if err := http.NewResponseController(l.w).Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		if l.err == nil {
			l.err = err
		}
		return err
	}
	return nil
}

func (s *Server) handleBatch(c *call, w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "at", "insurer", "skip_bad", "full", "format":
		default:
			writeProblem(w, c, badRequest("unknown query parameter %q (parameters: at, insurer, skip_bad, full, format)", k))
			return
		}
	}
	o := portfolio.BatchOptions{Name: "book", Insurer: q.Get("insurer")}
	var p *Problem
	if o.Format, p = bookFormat(r); p != nil {
		writeProblem(w, c, p)
		return
	}
	o.At = facts.Today()
	if at := q.Get("at"); at != "" {
		d, err := facts.ParseDate(at)
		if err != nil {
			writeProblem(w, c, badRequest("at: %v (YYYY-MM-DD)", err))
			return
		}
		o.At = d
	}
	if o.SkipBad, p = boolParam(q.Get("skip_bad"), "skip_bad"); p != nil {
		writeProblem(w, c, p)
		return
	}
	if o.Full, p = boolParam(q.Get("full"), "full"); p != nil {
		writeProblem(w, c, p)
		return
	}
	if o.Insurer != "" && !c.st.reg.HasFiling(o.Insurer) {
		writeProblem(w, c, newProblem(http.StatusUnprocessableEntity, "stack.unknown_insurer", "Unknown insurer",
			"insurer "+quoteOr(o.Insurer, "")+" has no rate filing in any ruleset served; insurers with one: "+strings.Join(c.st.reg.Insurers(), "、")))
		return
	}
	// the answer streams while the book is still arriving: HTTP/1.1 needs
	// telling that reads and writes interleave (a client must read the
	// answer while it sends the book, as Go's, curl and most do)
	http.NewResponseController(w).EnableFullDuplex()
	hr := newBookBody(r, sha256.New(), w, c)
	defer hr.finish()
	defer hr.close()
	var in io.Reader = hr
	if o.Format == portfolio.XLSX {
		f, p := s.spoolBook(hr, hr, "batch")
		if p != nil {
			writeProblem(w, c, p)
			return
		}
		defer f.Close()
		in = f
	}
	const keep = 100
	type rejected struct {
		Line        int              `json:"line"`
		Error       string           `json:"error"`
		Diagnostics diag.Diagnostics `json:"diagnostics,omitempty"`
	}
	var rej []rejected
	more := 0
	o.Rejected = func(line int, err error) {
		if len(rej) >= keep {
			more++
			return
		}
		rej = append(rej, rejected{Line: line, Error: err.Error(), Diagnostics: diagnosticsOf(err)})
	}
	defer s.streamGC()()
	lw := &lazyWriter{w: w}
	sum, err := portfolio.Batch(r.Context(), c.st.eng, in, lw, o)
	// the pipeline may still be reading the body: end that first
	cp := connectionProblem("batch", s.cfg.Limits.BookTimeout, hr.close(), lw.err)
	if err != nil && sum.Read == 0 && !lw.committed {
		if cp == nil {
			cp = bookProblem(err)
		}
		writeProblem(w, c, cp)
		return
	}
	var ep *Problem
	switch {
	case cp != nil && (err != nil || sum.Interrupted):
		// a failed read or write ends the batch: the connection's
		// failure, whatever the book's reader made of it
		ep = cp
	case err != nil:
		ep = bookProblem(err)
	case sum.Interrupted:
		if errors.Is(r.Context().Err(), context.DeadlineExceeded) {
			ep = newProblem(http.StatusServiceUnavailable, "request.timeout", "The batch took too long",
				"the time limit of "+s.cfg.Limits.BookTimeout.String()+" ran out")
		} else {
			ep = newProblem(http.StatusServiceUnavailable, "request.cancelled", "The batch was stopped",
				"the client went away or the server is shutting down")
		}
	}
	if ep != nil {
		ep.RequestID = c.id
		c.problem = ep
	}
	s.metrics.assessed.WithLabelValues("batch", "ok").Add(float64(sum.Written))
	s.metrics.assessed.WithLabelValues("batch", "error").Add(float64(sum.Skipped + sum.Failed))
	if s.dlog != nil {
		line := appendBatchDecision(nil, &decision{time: time.Now(), requestID: c.id, keyID: c.key.ID, endpoint: "batch",
			factsDigest: "sha256:" + hex.EncodeToString(hr.digest())}, c.st, o, sum)
		if derr := s.dlog.Append(line, 1); derr != nil && ep == nil {
			ep = newProblem(http.StatusInternalServerError, "decision_log.failed", "The batch could not be recorded in the decision log", "")
		}
	}
	tail := struct {
		Summary      *portfolio.BatchSummary `json:"summary"`
		Rejected     []rejected              `json:"rejected"`
		RejectedMore int                     `json:"rejected_more,omitempty"`
		Error        *Problem                `json:"error"`
	}{sum, rej, more, ep}
	if tail.Rejected == nil {
		tail.Rejected = []rejected{}
	}
	if lw.err != nil {
		return // nobody to tell: the log says why it stopped
	}
	b, _ := json.Marshal(tail)
	lw.Write(append(b, '\n'))
}

// bookProblem is the problem of a book that could not be read or stopped
// at a bad record.
func bookProblem(err error) *Problem {
	p := problemOf(err)
	if p.Status == http.StatusInternalServerError {
		// a book that is not what its format says: the client's
		p = newProblem(http.StatusUnprocessableEntity, "book.invalid", "The book cannot be read", err.Error())
	}
	return p
}

func appendBatchDecision(b []byte, d *decision, st *state, o portfolio.BatchOptions, s *portfolio.BatchSummary) []byte {
	b = appendDecisionHead(b, d)
	b = append(b, `,"book_digest":"`...)
	b = append(b, d.factsDigest...)
	b = append(b, `","format":"`...)
	b = append(b, o.Format...)
	b = append(b, `","as_of":"`...)
	b = append(b, o.At.String()...)
	b = append(b, '"')
	if o.Insurer != "" {
		b = append(b, `,"insurer":`...)
		b = jsonw.AppendStringNoHTML(b, o.Insurer)
	}
	b = append(b, `,"registry":"`...)
	b = append(b, st.digest...)
	b = append(b, `","rulesets":[`...)
	for i, rs := range st.reg.Rulesets() {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonw.AppendStringNoHTML(b, rs.Key()+"#"+rs.Digest)
	}
	j, _ := json.Marshal(s)
	b = append(b, `],"summary":`...)
	b = append(b, j...)
	return append(b, "}\n"...)
}

// streamGC runs the collector at GOGC=400 while a batch or an impact runs
// (unless GOGC is set), as the CLI does: what a batch keeps alive is small
// and bounded, while each enterprise allocates short-lived memory, and at
// the default the collector took half the CPU (BENCHMARKS.md). The setting
// is the process's: it is raised while at least one book is running and
// restored after the last.
func (s *Server) streamGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcBooks == 0 {
		gcOld = debug.SetGCPercent(400)
	}
	gcBooks++
	return func() {
		gcMu.Lock()
		defer gcMu.Unlock()
		gcBooks--
		if gcBooks == 0 {
			debug.SetGCPercent(gcOld)
		}
	}
}

var (
	gcMu    sync.Mutex
	gcBooks int
	gcOld   int
)
