package server_test

import (
	"net/http/httptest"

	"bytes"
	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
	"io"
	"net/http"
	"testing"

	"github.com/anzexian/anzexian/server"
)

// BenchmarkServeAssess is /v1/assess over loopback, client and server in
// one process (for profiles; TestLoad measures the server's CPU alone).
func BenchmarkServeAssess(b *testing.B) {
	_, ts := testServer(b, server.Config{Logger: newLogger(io.Discard)})
	body := hunanJSON(b)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	c0 := selfCPU()
	defer func() { b.ReportMetric(float64(selfCPU()-c0)/float64(b.N), "cpu-ns/op") }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", ts.URL+"/v1/assess?at=2026-01-01", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			res, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	})
}

// BenchmarkHandlerAssess is the server's handler alone (no connection):
// what the server adds to decoding, assessing and encoding, without
// net/http's connection handling and the kernel.
func BenchmarkHandlerAssess(b *testing.B) {
	s, _ := testServer(b, server.Config{Logger: newLogger(io.Discard)})
	h := s.Handler()
	body := hunanJSON(b)
	b.ReportAllocs()
	c0 := selfCPU()
	defer func() { b.ReportMetric(float64(selfCPU()-c0)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v1/assess?at=2026-01-01", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, req)
		if w.code != 200 {
			b.Fatal(w.code)
		}
	}
}

// BenchmarkInProcess is what TestLoad compares the server with: decoding,
// assessing and encoding one answer.
func BenchmarkInProcess(b *testing.B) {
	reg, _ := rulesets.LoadBundled()
	eng := anzexian.NewWithRegistry(reg)
	body := hunanJSON(b)
	opts := []anzexian.Option{anzexian.At(facts.MustParseDate("2026-01-01"))}
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	c0 := selfCPU()
	defer func() { b.ReportMetric(float64(selfCPU()-c0)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		f, err := facts.DecodeLine("request", 1, body)
		if err != nil {
			b.Fatal(err)
		}
		a, err := eng.Assess(f, opts...)
		if err != nil {
			b.Fatal(err)
		}
		buf = a.AppendJSON(buf[:0])
	}
}

// discardWriter is a ResponseWriter that keeps nothing of the body.
type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header { return d.h }
func (d *discardWriter) WriteHeader(c int) {
	if d.code == 0 {
		d.code = c
	}
}
func (d *discardWriter) Write(b []byte) (int, error) {
	if d.code == 0 {
		d.code = 200
	}
	return len(b), nil
}
