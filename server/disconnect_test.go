package server_test

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/anzexian/anzexian/internal/testkit"
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

const bookLine = `{"region": "430100", "sectors": ["other"], "employees": 5}` + "\n"

// A client that goes away while its book is still arriving has not sent a
// bad book: the batch says the body was cut short (400), not 422
// book.invalid.
func TestBatchClientGoesAwayMidBook(t *testing.T) {
	log, _, ts := logged(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	// two records of a book that says it is much longer
	fmt.Fprintf(conn, "POST /v1/batch?at=2026-01-01 HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n%s%s", bookLine, bookLine)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
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
	l := requestLine(t, log, "/v1/batch")
	if !strings.Contains(l, "problem=request.incomplete") {
		t.Errorf("the log says %s\nwant problem=request.incomplete", l)
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
