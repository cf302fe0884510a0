package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// endpoint is one route of the API with what guards it: the role a key
// needs, the body limit, the time limit and the concurrency limit.
type endpoint struct {
	name    string
	role    Role // RoleNone: open (operations, the workbench's files)
	body    int64
	timeout time.Duration
	sem     chan struct{}
	// long marks the endpoints whose work may run long (a book, a run of
	// cases): their context ends at the time limit.
	long bool
	m    *endpointMetrics
	h    func(c *call, w http.ResponseWriter, r *http.Request)
}

// call is one request being answered: its id, the key that made it, the
// state it is answered from (taken once, so that a reload meanwhile
// changes nothing of this answer) and, when it failed, the problem.
type call struct {
	id      string
	key     *apiKey
	st      *state
	ep      *endpoint
	problem *Problem
	// body is the request's body with its limit, when it has one: once
	// the limit is hit, the rest is read past before the answer ends
	// (drainPastLimit).
	body *limitedBody
}

// anonymous is the key of every request when the server has no keys
// (loopback only, unless told otherwise): it may do everything.
var anonymous = &apiKey{ID: "anonymous", Role: RoleAdmin}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	l := s.cfg.Limits
	sem := func(n int) chan struct{} { return make(chan struct{}, n) }
	light := sem(l.Light)
	add := func(pattern, name string, role Role, body int64, timeout time.Duration, slots chan struct{}, h func(*call, http.ResponseWriter, *http.Request)) {
		ep := &endpoint{name: name, role: role, body: body, timeout: timeout, sem: slots, m: s.metrics.endpoint(name), h: h,
			long: slots != light && slots != nil}
		mux.Handle(pattern, s.wrap(ep))
	}
	add("POST /v1/assess", "assess", RoleQuote, l.Body, l.Timeout, light, s.handleAssess)
	add("POST /v1/quote", "quote", RoleQuote, l.Body, l.Timeout, light, s.handleQuote)
	add("POST /v1/batch", "batch", RoleQuote, l.Book, l.BookTimeout, sem(l.Heavy), s.handleBatch)
	add("GET /v1/rulesets", "rulesets", RoleQuote, 0, l.Timeout, light, s.handleRulesets)
	add("GET /v1/rulesets/{key...}", "ruleset", RoleQuote, 0, l.Timeout, light, s.handleRuleset)
	add("POST /v1/lint", "lint", RoleAnalyst, l.AnalystBody, l.Timeout, sem(l.Lint), s.handleLint)
	add("POST /v1/test", "test", RoleAnalyst, l.AnalystBody, l.Timeout*4, sem(l.Heavy), s.handleTest)
	add("POST /v1/impact", "impact", RoleAnalyst, l.Book, l.BookTimeout, sem(l.Heavy), s.handleImpact)
	add("POST /v1/reload", "reload", RoleAdmin, 0, l.Timeout, sem(1), s.handleReload)
	add("GET /v1/vocabulary", "vocabulary", RoleQuote, 0, l.Timeout, light, s.handleVocabulary)
	add("GET /v1/session", "session", RoleQuote, 0, l.Timeout, light, s.handleSession)
	add("GET /healthz", "healthz", RoleNone, 0, l.Timeout, nil, s.handleHealthz)
	add("GET /readyz", "readyz", RoleNone, 0, l.Timeout, nil, s.handleReadyz)
	add("GET /openapi.json", "openapi", RoleNone, 0, l.Timeout, nil, s.handleOpenAPI)
	add("GET /", "workbench", RoleNone, 0, l.Timeout, nil, s.handleWeb)
	mux.Handle("GET /metrics", s.metricsHandler())
	// anything else under /v1/: a problem, not the workbench's 404 page
	notFound := func(c *call, w http.ResponseWriter, r *http.Request) {
		writeProblem(w, c, newProblem(http.StatusNotFound, "request.not_found", "No such endpoint",
			r.Method+" "+r.URL.Path+" is not an endpoint of this API (see /openapi.json)"))
	}
	add("GET /v1/", "unknown", RoleNone, 0, l.Timeout, nil, notFound)
	add("POST /v1/", "unknown", RoleNone, 0, l.Timeout, nil, notFound)
	return s.outer(mux)
}

// wrap guards an endpoint: request id, CORS, metrics and logs, the key
// and its role, the concurrency limit, the body and time limits.
func (s *Server) wrap(ep *endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c := &call{id: s.requestID(r), ep: ep}
		rec := &recorder{ResponseWriter: w}
		h := w.Header()
		h.Set("X-Request-Id", c.id)
		h.Set("X-Content-Type-Options", "nosniff")
		ep.m.inFlight.Inc()
		defer func() {
			ep.m.inFlight.Dec()
			if v := recover(); v != nil {
				s.log.Error("panic", "endpoint", ep.name, "request_id", c.id, "panic", v)
				if !rec.wrote {
					writeProblem(rec, c, newProblem(http.StatusInternalServerError, "internal", "Internal error", ""))
				}
			}
			s.finish(c, rec, r, start)
		}()
		if s.corsPreflight(rec, r) {
			return
		}
		if ep.role != RoleNone {
			st := s.state.Load()
			c.st = st
			if !s.authorize(c, rec, r, st) {
				return
			}
		}
		if ep.sem != nil {
			select {
			case ep.sem <- struct{}{}:
				defer func() { <-ep.sem }()
			default:
				s.metrics.rejected.WithLabelValues(ep.name, "busy").Inc()
				rec.Header().Set("Retry-After", "1")
				writeProblem(rec, c, newProblem(http.StatusTooManyRequests, "request.busy", "Too many requests at once",
					"this endpoint answers "+strconv.Itoa(cap(ep.sem))+" requests at a time; retry shortly"))
				return
			}
		}
		if ep.body > 0 && r.ContentLength > ep.body {
			s.metrics.rejected.WithLabelValues(ep.name, "too_large").Inc()
			writeProblem(rec, c, newProblem(http.StatusRequestEntityTooLarge, "request.too_large", "The request body is too large",
				"the body is over this endpoint's limit of "+byteSize(ep.body)))
			return
		}
		if ep.body > 0 {
			c.body = &limitedBody{ReadCloser: http.MaxBytesReader(rec, r.Body, ep.body), raw: r.Body}
			r.Body = c.body
		}
		if ep.timeout > 0 && ep.role != RoleNone {
			// the connection's deadlines bound reading the body and writing
			// the answer; a context deadline (a timer more per request)
			// only where the work itself may run long
			deadline := start.Add(ep.timeout)
			rc := http.NewResponseController(w)
			rc.SetReadDeadline(deadline)
			rc.SetWriteDeadline(deadline.Add(time.Second))
			if ep.long {
				ctx, cancel := context.WithDeadline(r.Context(), deadline)
				defer cancel()
				r = r.WithContext(ctx)
			}
		}
		ep.h(c, rec, r)
		if c.body != nil && c.body.hit {
			drainPastLimit(w, c.body.raw)
		}
	})
}

// limitedBody is a request body under http.MaxBytesReader that remembers
// whether the limit was hit, and keeps the body under it.
type limitedBody struct {
	io.ReadCloser
	raw io.Reader
	hit bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if err != nil && errors.As(err, &mbe) {
		b.hit = true
	}
	return n, err
}

// Draining past a body's limit. Once a body passes its limit the server
// closes the connection after the answer; if the client is still sending
// then, the unread bytes make the kernel reset the connection, and a reset
// can destroy the end of the answer on its way to the client (a streamed
// batch's summary line, the one that says the book was cut; a problem
// response). So, whatever the endpoint, what was written is flushed and the
// rest of the body is read and discarded before the answer ends, within
// bounds: at most maxDrain bytes and drainTime.
const (
	maxDrain  = 64 << 20
	drainTime = 5 * time.Second
)

func drainPastLimit(w http.ResponseWriter, raw io.Reader) {
	rc := http.NewResponseController(w)
	rc.Flush()
	rc.SetReadDeadline(time.Now().Add(drainTime))
	io.Copy(io.Discard, io.LimitReader(raw, maxDrain))
}

// finish counts and logs a request that was answered.
func (s *Server) finish(c *call, rec *recorder, r *http.Request, start time.Time) {
	status := rec.status
	if !rec.wrote {
		status = http.StatusOK
	}
	el := time.Since(start)
	c.ep.m.observe(status, el.Seconds())
	level := slog.LevelDebug
	switch {
	case status >= 500:
		level = slog.LevelError
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		level = slog.LevelWarn
	case status >= 400 || el > 5*time.Second:
		level = slog.LevelInfo
	}
	if !s.log.Enabled(r.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", c.id), slog.String("endpoint", c.ep.name), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.Int("status", status), slog.Int64("bytes", rec.bytes),
		slog.Duration("took", el), slog.String("remote", r.RemoteAddr),
	}
	if c.key != nil {
		attrs = append(attrs, slog.String("key_id", c.key.ID))
	}
	if c.problem != nil {
		attrs = append(attrs, slog.String("problem", c.problem.Code))
		if c.problem.Detail != "" && status < 500 {
			attrs = append(attrs, slog.String("detail", firstLine(c.problem.Detail)))
		}
	}
	s.log.LogAttrs(context.Background(), level, "request", attrs...)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// authorize finds the request's key and checks its role; it answers 401
// or 403 itself and returns false when the request may not go on.
func (s *Server) authorize(c *call, w http.ResponseWriter, r *http.Request, st *state) bool {
	if st.keys == nil {
		c.key = anonymous
		return true
	}
	token, ok := bearer(r)
	if !ok {
		s.metrics.rejected.WithLabelValues(c.ep.name, "auth").Inc()
		w.Header().Set("WWW-Authenticate", `Bearer realm="anzexian"`)
		writeProblem(w, c, newProblem(http.StatusUnauthorized, "auth.missing_key", "An API key is needed",
			"send the key in the header Authorization: Bearer azx_…"))
		return false
	}
	k := st.keys.lookup(token)
	if k == nil {
		s.metrics.rejected.WithLabelValues(c.ep.name, "auth").Inc()
		w.Header().Set("WWW-Authenticate", `Bearer realm="anzexian", error="invalid_token"`)
		writeProblem(w, c, newProblem(http.StatusUnauthorized, "auth.unknown_key", "The API key is not known",
			"the key is not in the server's keys file (or was removed from it)"))
		return false
	}
	c.key = k
	if k.Role < c.ep.role {
		s.metrics.rejected.WithLabelValues(c.ep.name, "forbidden").Inc()
		writeProblem(w, c, newProblem(http.StatusForbidden, "auth.forbidden", "The key's role may not do this",
			"key "+k.ID+" has the role "+k.Role.String()+"; "+c.ep.name+" needs "+c.ep.role.String()))
		return false
	}
	return true
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		t := strings.TrimSpace(h[7:])
		return t, t != ""
	}
	return "", false
}

// requestID returns the client's X-Request-Id when it is a plain token,
// else a new one.
func (s *Server) requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && plainToken(id) {
		return id
	}
	return s.idPrefix + strconv.FormatUint(s.idCounter.Add(1), 36)
}

func plainToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// corsPreflight sets the CORS headers for a configured origin and answers a
// preflight request; without configured origins it does nothing, so that
// browsers keep other sites' pages from calling the API.
func (s *Server) corsPreflight(w http.ResponseWriter, r *http.Request) bool {
	if len(s.cors) == 0 {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || !s.cors[origin] {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines,
// flushing).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) Flush() { r.FlushError() }

// FlushError is Flush with its error: http.ResponseController prefers it
// to Flush, so a batch that flushes learns that the client went away.
func (r *recorder) FlushError() error { return http.NewResponseController(r.ResponseWriter).Flush() }
