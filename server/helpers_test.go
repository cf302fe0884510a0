package server_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/server"
)

// examples is the analysts' case directory, which the server's tests run
// /v1/test against as `anzexian serve --cases examples` does.
const examples = "../examples"

// hunan is README's example enterprise.
const hunan = "../examples/enterprises/hunan-hazchem-storage.yaml"

// testServer starts a server over cfg on a loopback listener
// (httptest), with its log in the test's output only when it fails.
func testServer(t testing.TB, cfg server.Config) (*server.Server, *httptest.Server) {
	t.Helper()
	if cfg.Logger == nil {
		var buf testkit.Buffer // the handler logs from several goroutines
		cfg.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("server log:\n%s", buf.String())
			}
		})
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// request sends a request and returns the response with its body read.
func request(t testing.TB, method, url, contentType string, body []byte, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// editedBaseline is the bundled rating baseline with the blacklist factor
// raised from 10% to 30%, README's impact example.
func editedBaseline(t testing.TB) string {
	t.Helper()
	src := string(readFile(t, filepath.Join("..", "rulesets", "bundled", "cn", "rating-baseline.yaml")))
	const from, to = `value: "0.10", reason: 被纳入联合惩戒名单`, `value: "0.30", reason: 被纳入联合惩戒名单`
	if !strings.Contains(src, from) {
		t.Fatalf("the baseline's blacklist case is not %q any more", from)
	}
	return strings.Replace(src, from, to, 1)
}

// ioPipe returns a generated JSONL book of n enterprises (seed 1, what the
// workbench's "generate" sends) and a function that closes it.
func ioPipe(t testing.TB, n int) (io.Reader, func()) {
	var buf bytes.Buffer
	w := portfolio.NewWriter(&buf, portfolio.JSONL)
	for f := range portfolio.GenerateSeq(1, n) {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return &buf, func() {}
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
