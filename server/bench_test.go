package server_test

import (
	"bytes"
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
