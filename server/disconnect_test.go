package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/server"
)

// logged starts a server whose log the test reads.
func logged(t *testing.T) (*testkit.Buffer, *server.Server, *httptest.Server) {
	t.Helper()
	var log testkit.Buffer
	s, ts := testServer(t, server.Config{Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", log.String())
		}
	})
	return &log, s, ts
}

// requestLine is the log line of the one request to path.
func requestLine(t *testing.T, log *testkit.Buffer, path string) string {
	t.Helper()
	log.WaitFor(t, "path="+path, 20*time.Second)
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, "msg=request") && strings.Contains(l, "path="+path) {
			return l
		}
	}
	t.Fatalf("no request line for %s", path)
	return ""
}

// postBookStart sends, on a connection of its own, the head of a batch
// request whose body says it is 100,000 bytes long and the start of that
// body, and reads the answer's head: the client goes on (or not) with the
// connection.
func postBookStart(t *testing.T, ts *httptest.Server, start string) (net.Conn, *http.Response) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST /v1/batch?at=2026-01-01 HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n%s", start)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return conn, res
}

const bookLine = `{"region": "430100", "sectors": ["other"], "employees": 5}` + "\n"

// A client that goes away while its book is still arriving has not sent a
// bad book: the log says the client went away, not 422 book.invalid.
func TestBatchClientGoesAwayMidBook(t *testing.T) {
	log, _, ts := logged(t)
	// two records of a book that says it is much longer
	conn, res := postBookStart(t, ts, bookLine+bookLine)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	for i := 1; i <= 2; i++ {
		if !sc.Scan() || !strings.Contains(sc.Text(), fmt.Sprintf(`"line":%d,`, i)) {
			t.Fatalf("line %d: %q %v", i, sc.Text(), sc.Err())
		}
	}
	conn.Close() // the rest of the book never comes
	// whichever the server notices first, the body cut short or the
	// request cancelled, the client went away
	l := requestLine(t, log, "/v1/batch")
	if !strings.Contains(l, "problem=request.incomplete") && !strings.Contains(l, "problem=request.cancelled") {
		t.Errorf("the log says %s\nwant problem=request.incomplete or request.cancelled", l)
	}
}

// cutShort is a body that ends in an error after its text: a connection
// that broke.
func cutShort(text []byte) io.Reader {
	return io.MultiReader(bytes.NewReader(text), iotest.ErrReader(io.ErrUnexpectedEOF))
}

// A body that breaks off is request.incomplete, deterministically when
// nothing else happens to the request: after answers were sent (the
// summary's error; the status is sent), and before (400, for an XLSX book
// spooled first).
func TestBatchBodyCutShort(t *testing.T) {
	t.Run("jsonl", func(t *testing.T) {
		log, s, _ := logged(t)
		req := httptest.NewRequest("POST", "/v1/batch?at=2026-01-01", cutShort([]byte(strings.Repeat(bookLine, 3)+bookLine[:20])))
		req.Header.Set("Content-Type", "application/x-ndjson")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
		var tail struct {
			Summary portfolio.BatchSummary `json:"summary"`
			Error   *server.Problem        `json:"error"`
		}
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &tail); err != nil || tail.Error == nil || tail.Error.Code != "request.incomplete" || tail.Summary.Written != 3 {
			t.Errorf("the summary: %s", lines[len(lines)-1])
		}
		if l := requestLine(t, log, "/v1/batch"); !strings.Contains(l, "problem=request.incomplete") {
			t.Errorf("the log says %s", l)
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		_, s, _ := logged(t)
		book := readFile(t, "../examples/workbooks/企业清单.xlsx")
		req := httptest.NewRequest("POST", "/v1/batch?at=2026-01-01", cutShort(book[:len(book)/2]))
		req.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		var p server.Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != http.StatusBadRequest || p.Code != "request.incomplete" {
			t.Errorf("%d %s, want 400 request.incomplete", w.Code, w.Body.String())
		}
	})
}

// A client that is still there when the time limit runs out, still
// sending, is told the batch took too long (not that it went away, nor
// that its book is bad).
func TestBatchTimeLimitWhileReading(t *testing.T) {
	var log testkit.Buffer
	_, ts := testServer(t, server.Config{Limits: server.Limits{BookTimeout: time.Second},
		Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	_, res := postBookStart(t, ts, bookLine+bookLine)
	body, _ := io.ReadAll(res.Body) // the client reads to the end
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if !strings.Contains(lines[len(lines)-1], `"code":"request.timeout"`) {
		t.Errorf("the answer ends %s\nwant the summary with request.timeout", lines[len(lines)-1])
	}
	if l := requestLine(t, &log, "/v1/batch"); !strings.Contains(l, "problem=request.timeout") {
		t.Errorf("the log says %s\nwant problem=request.timeout", l)
	}
}

// A batch that stops at a bad record while the client is still sending
// returns only once nothing reads the body any more: the server may then
// read the connection itself. The answer is whole, and the server neither
// hangs nor panics (net/http: "invalid concurrent Body.Read call").
func TestBatchStopsWhileTheBookArrives(t *testing.T) {
	log, _, ts := logged(t)
	// a bad record, then a book that is still arriving (it never does)
	_, res := postBookStart(t, ts, bookLine+"{\"region\": 7}\n"+bookLine)
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"code":"book.bad_record"`) {
		t.Errorf("the answer:\n%s\nwant one answer and the summary with book.bad_record", body)
	}
	l := requestLine(t, log, "/v1/batch")
	if strings.Contains(log.String(), "panic") {
		t.Errorf("the server panicked:\n%s", log.String())
	}
	if !strings.Contains(l, "problem=book.bad_record") {
		t.Errorf("the log says %s", l)
	}
}

// brokenPipe is a response writer whose client goes away after the
// response's first bytes.
type brokenPipe struct {
	h     http.Header
	wrote int
}

func (b *brokenPipe) Header() http.Header { return b.h }
func (b *brokenPipe) WriteHeader(int)     {}
func (b *brokenPipe) Write(p []byte) (int, error) {
	if b.wrote > 0 {
		return 0, errors.New("write tcp: broken pipe")
	}
	b.wrote += len(p)
	return len(p), nil
}

// An impact's changed list whose client went away is logged as such, not
// as a clean answer (the list's writer drops its errors) nor as a bad book.
func TestImpactClientStopsReading(t *testing.T) {
	log, s, _ := logged(t)
	ct, body := multipartBody(t, [][3]string{{"at", "", "2026-01-01"}, {"format", "", "changed-csv"}, {"ruleset", "edited/cn/rating-baseline.yaml", editedBaseline(t)}, {"generate", "", "3000"}})
	req := httptest.NewRequest("POST", "/v1/impact", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	w := &brokenPipe{h: http.Header{}, wrote: 1} // gone before the first byte
	s.Handler().ServeHTTP(w, req)
	if l := requestLine(t, log, "/v1/impact"); !strings.Contains(l, "problem=request.cancelled") {
		t.Errorf("the log says %s\nwant problem=request.cancelled", l)
	}
}

// A client that stops reading the answer is not a bad book either: the
// batch was cancelled by the client (and says so in the log), not 422
// book.invalid.
func TestBatchClientStopsReading(t *testing.T) {
	for _, tc := range []struct{ name, format, body string }{
		{"jsonl", "application/x-ndjson", strings.Repeat(bookLine, 3000)},
		{"csv", "text/csv", "region,sectors,employees\n" + strings.Repeat("430100,other,5\n", 3000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, s, _ := logged(t)
			req := httptest.NewRequest("POST", "/v1/batch?at=2026-01-01", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.format)
			w := &brokenPipe{h: http.Header{}}
			s.Handler().ServeHTTP(w, req)
			if w.wrote == 0 {
				t.Fatal("nothing was written")
			}
			l := requestLine(t, log, "/v1/batch")
			if !strings.Contains(l, "problem=request.cancelled") {
				t.Errorf("the log says %s\nwant problem=request.cancelled", l)
			}
		})
	}
}

// A batch that a bad record stops while the book is still arriving
// answers, and the connection goes on: what the client still sends of the
// book is read and dropped, and its next request is answered. (Found in
// CI: the read that the stop ended left the connection's read deadline in
// the past, so net/http could not read the rest of the body after the
// answer and closed the connection; a client sending its next request on
// it met a reset.)
func TestBatchStoppedByABadRecordKeepsTheConnection(t *testing.T) {
	_, _, ts := logged(t)
	const bad = `{"region": "430100", "sectors": ["other"], "employees": -1}` + "\n"
	start := bookLine + bad
	rest := strings.Repeat(bookLine, (100000-len(start))/len(bookLine))
	rest += strings.Repeat(" ", 100000-len(start)-len(rest)) // to the length the head says
	conn, res := postBookStart(t, ts, start)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	br := bufio.NewReader(res.Body)
	var summary string
	for {
		l, err := br.ReadString('\n')
		if strings.Contains(l, `"summary"`) {
			summary = l
			break
		}
		if err != nil {
			t.Fatalf("no summary before %v", err)
		}
	}
	if !strings.Contains(summary, "book.bad_record") {
		t.Errorf("the summary: %s", summary)
	}
	// the rest of the book arrives after the answer
	if _, err := io.WriteString(conn, rest); err != nil {
		t.Fatalf("sending the rest of the book: %v", err)
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatalf("the end of the answer: %v", err)
	}
	// the next request on the same connection
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
	next, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the next request on the connection: %v", err)
	}
	nb, _ := io.ReadAll(next.Body)
	if next.StatusCode != 200 {
		t.Errorf("the next request: status %d: %s", next.StatusCode, nb)
	}
}

// A client that stops sending its book after a bad record stopped the
// batch gets the whole answer, and then the connection closes: the read
// the server waited on (drainTime, 5 s) failed, which cancels the
// connection's context in net/http, so no later request may use it.
func TestBatchStoppedByABadRecordClientStalls(t *testing.T) {
	t.Parallel()
	_, _, ts := logged(t)
	const bad = `{"region": "430100", "sectors": ["other"], "employees": -1}` + "\n"
	conn, res := postBookStart(t, ts, bookLine+bad)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	body, err := io.ReadAll(res.Body) // to the end of the chunked answer
	if err != nil {
		t.Fatalf("the answer: %v (%d bytes)", err, len(body))
	}
	if !strings.Contains(string(body), "book.bad_record") {
		t.Errorf("the answer: %s", body)
	}
	// the server closes the connection: a read ends, at once
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := conn.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the connection is still open after the answer (read %d, %v)", n, err)
	}
}
