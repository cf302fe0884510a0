package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/server"
)

// localBaseline writes the rating baseline with the blacklist factor at
// value into dir (a ruleset of the directory: it replaces the bundled one).
func localBaseline(t testing.TB, dir, value string) {
	t.Helper()
	src := editedBaseline(t)
	src = strings.Replace(src, `value: "0.30", reason: 被纳入联合惩戒名单`, `value: "`+value+`", reason: 被纳入联合惩戒名单`, 1)
	tmp := filepath.Join(dir, ".rating-baseline.yaml.tmp")
	if err := os.WriteFile(tmp, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "rating-baseline.yaml")); err != nil {
		t.Fatal(err)
	}
}

type readyz struct {
	Status     string
	Digest     string
	LastReload struct {
		OK     bool
		Reason string
		Error  string
	} `json:"last_reload"`
}

func getReady(t testing.TB, url string) (int, readyz) {
	t.Helper()
	res, body := request(t, "GET", url+"/readyz", "", nil)
	var r readyz
	json.Unmarshal(body, &r)
	return res.StatusCode, r
}

// servedDigest is the digest of the baseline an assessment used.
func servedDigest(t testing.TB, url string) string {
	t.Helper()
	res, body := request(t, "POST", url+"/v1/assess?at=2026-01-01&form=brief", "application/yaml", readFile(t, hunan))
	if res.StatusCode != 200 {
		t.Fatalf("assess: %d %s", res.StatusCode, body)
	}
	var b struct{ Rulesets []string }
	json.Unmarshal(body, &b)
	for _, r := range b.Rulesets {
		if strings.HasPrefix(r, "cn/rating/baseline@") {
			return r
		}
	}
	t.Fatalf("no baseline in %s", body)
	return ""
}

// TestReload: the directory's rulesets replace the bundled ones; a change
// is served after the watcher's debounce, or at once on Reload (SIGHUP,
// POST /v1/reload); a reload that fails keeps the previous rulesets
// serving and says so in /readyz, the metrics and the log.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	localBaseline(t, dir, "0.20")
	var logs testkit.Buffer // read while the server logs
	s, err := server.New(server.Config{RulesetsDir: dir, ReloadDebounce: 100 * time.Millisecond, Logger: newLogger(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, server.ServeOptions{}) }()
	defer func() {
		cancel()
		<-served
	}()

	first := servedDigest(t, url)
	if !strings.Contains(first, "sha256:") {
		t.Fatal(first)
	}
	res, body := request(t, "GET", url+"/v1/rulesets", "", nil)
	if !strings.Contains(string(body), `"file":"local/rating-baseline.yaml","origin":"local"`) {
		t.Errorf("the directory's ruleset is not listed as local: %d %.300s", res.StatusCode, body)
	}

	// a change of the file: served after the debounce
	localBaseline(t, dir, "0.25")
	deadline := time.Now().Add(20 * time.Second)
	for servedDigest(t, url) == first {
		if time.Now().After(deadline) {
			t.Fatalf("the change was not reloaded:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	second := servedDigest(t, url)

	// a broken file: the previous rulesets keep serving
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("schema: anzexian/v1\nid: broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(context.Background(), "signal"); err == nil {
		t.Fatal("a broken ruleset reloaded")
	}
	if got := servedDigest(t, url); got != second {
		t.Errorf("after a failed reload the baseline served is %s, was %s", got, second)
	}
	code, r := getReady(t, url)
	if code != 200 || r.LastReload.OK || r.LastReload.Reason != "signal" || !strings.Contains(r.LastReload.Error, "broken.yaml") {
		t.Errorf("/readyz after a failed reload: %d %+v", code, r)
	}
	_, metrics := request(t, "GET", url+"/metrics", "", nil)
	for _, m := range []string{"anzexian_reload_ok 0", `anzexian_reloads_total{result="error"} 1`} {
		if !bytes.Contains(metrics, []byte(m)) {
			t.Errorf("metrics lack %q", m)
		}
	}
	if !strings.Contains(logs.String(), "reload failed; the previous rulesets keep serving") {
		t.Errorf("the log does not say the reload failed:\n%s", logs.String())
	}
	res, body = request(t, "POST", url+"/v1/reload", "", nil)
	if res.StatusCode != 422 || !strings.Contains(string(body), `"code":"reload.failed"`) || !strings.Contains(string(body), `"diagnostics"`) {
		t.Errorf("POST /v1/reload with a broken file: %d %s", res.StatusCode, body)
	}

	// fixed: served again, and /readyz says so
	os.Remove(filepath.Join(dir, "broken.yaml"))
	localBaseline(t, dir, "0.40")
	res, body = request(t, "POST", url+"/v1/reload", "", nil)
	if res.StatusCode != 200 {
		t.Fatalf("reload: %d %s", res.StatusCode, body)
	}
	if got := servedDigest(t, url); got == second {
		t.Error("the fixed directory is not served")
	}
	if code, r := getReady(t, url); code != 200 || !r.LastReload.OK {
		t.Errorf("/readyz after a good reload: %d %+v", code, r)
	}
}

// TestNoMixedAnswers: answers given while the rulesets are reloaded over
// and over each rest on one version of them: the digest of every layer is
// that of one reload, and the premium is the one that version gives.
func TestNoMixedAnswers(t *testing.T) {
	dir := t.TempDir()
	localBaseline(t, dir, "0.20")
	s, ts := testServer(t, server.Config{RulesetsDir: dir})
	// a blacklisted enterprise, so that the factor shows in the premium
	facts := bytes.Replace(readFile(t, hunan), []byte("risk_level: high"), []byte("risk_level: high\nblacklisted: true"), 1)
	versions := map[string]string{} // baseline digest → premium
	var mu sync.Mutex
	var stop atomic.Bool
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				res, body := request(t, "POST", ts.URL+"/v1/assess?at=2026-01-01&form=brief", "application/yaml", facts)
				if res.StatusCode != 200 {
					bad.Add(1)
					continue
				}
				var b struct {
					Rulesets []string
					Premium  string
				}
				json.Unmarshal(body, &b)
				for _, r := range b.Rulesets {
					if strings.HasPrefix(r, "cn/rating/baseline@") {
						mu.Lock()
						if p, ok := versions[r]; ok && p != b.Premium {
							t.Errorf("baseline %s priced %s and %s", r, p, b.Premium)
						}
						versions[r] = b.Premium
						mu.Unlock()
					}
				}
			}
		}()
	}
	for i := range 12 {
		localBaseline(t, dir, fmt.Sprintf("0.%02d", 20+i%2*10))
		if err := s.Reload(context.Background(), "api"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	if bad.Load() > 0 {
		t.Errorf("%d requests failed", bad.Load())
	}
	if len(versions) != 2 {
		t.Errorf("answers from %d versions of the baseline, want 2: %v", len(versions), versions)
	}
}

// TestGracefulShutdown: when Serve's context ends, /readyz turns 503, a
// request in flight is answered, then Serve returns.
func TestGracefulShutdown(t *testing.T) {
	s, err := server.New(server.Config{Logger: newLogger(io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, server.ServeOptions{ShutdownTimeout: 20 * time.Second}) }()
	for {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			c.Close()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// a batch whose book arrives slowly: in flight when the shutdown starts
	pr, pw := io.Pipe()
	type result struct {
		status int
		body   []byte
		err    error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("POST", url+"/v1/batch?at=2026-01-01", pr)
		req.Header.Set("Content-Type", "application/x-ndjson")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		got <- result{res.StatusCode, b, err}
	}()
	book := generated(t, 50)
	half := bytes.Index(book[len(book)/2:], []byte("\n")) + len(book)/2 + 1
	pw.Write(book[:half])
	time.Sleep(200 * time.Millisecond)
	// a second connection, to see /readyz while draining
	probe := &http.Client{Transport: &http.Transport{}}
	res, err := probe.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	cancel()
	time.Sleep(200 * time.Millisecond)
	res, err = probe.Get(url + "/readyz")
	if err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 503 || !strings.Contains(string(b), `"status":"draining"`) {
			t.Errorf("/readyz while draining: %d %s", res.StatusCode, b)
		}
	} // a refused connection is as good: no new work is taken
	pw.Write(book[half:])
	pw.Close()
	r := <-got
	if r.err != nil || r.status != 200 {
		t.Fatalf("the request in flight: %d %v", r.status, r.err)
	}
	lines := bytes.Split(bytes.TrimSpace(r.body), []byte("\n"))
	if len(lines) != 51 || !bytes.Contains(lines[50], []byte(`"error":null`)) {
		t.Errorf("the batch in flight was cut: %d lines, last %s", len(lines), lines[len(lines)-1])
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after draining")
	}
}

// TestDecisionLog: a line per answer before it is sent, naming who asked,
// the facts' and rulesets' digests and the answer; one per batch; rotated
// by size.
func TestDecisionLog(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "decisions.jsonl")
	_, ts := testServer(t, server.Config{DecisionLog: file, DecisionLogMaxSize: 8 << 10, DecisionLogKeep: 2})
	yaml := readFile(t, hunan)
	res, body := request(t, "POST", ts.URL+"/v1/assess?at=2026-01-01", "application/yaml", yaml, "X-Request-Id", "req-1")
	want(t, res, body, 200)
	lines := readLines(t, file)
	if len(lines) != 1 {
		t.Fatalf("%d lines after one answer", len(lines))
	}
	var d struct {
		RequestID   string `json:"request_id"`
		KeyID       string `json:"key_id"`
		Endpoint    string
		FactsDigest string `json:"facts_digest"`
		Rulesets    []string
		Obligation  string
		Premium     string
		Fines       []struct{ Violation, Min, Max string }
	}
	if err := json.Unmarshal([]byte(lines[0]), &d); err != nil {
		t.Fatal(err)
	}
	// the answer sent: every ruleset it rests on (earlier laws governing
	// earlier violations among them) and every penalty
	var a struct {
		Rulesets  []json.RawMessage
		Penalties []json.RawMessage
	}
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	accidentFine := func(fs []struct{ Violation, Min, Max string }) bool {
		for _, f := range fs {
			if f.Violation == "accident-unit-ordinary" {
				return f.Min == "300000.00" && f.Max == "1000000.00"
			}
		}
		return false
	}
	if d.RequestID != "req-1" || d.KeyID != "anonymous" || d.Endpoint != "assess" || !strings.HasPrefix(d.FactsDigest, "sha256:") ||
		len(d.Rulesets) != len(a.Rulesets) || d.Obligation != "mandatory" || d.Premium != "19584.00" || len(d.Fines) != len(a.Penalties) || !accidentFine(d.Fines) {
		t.Errorf("decision %s", lines[0])
	}
	res, body = request(t, "POST", ts.URL+"/v1/batch?at=2026-01-01", "application/x-ndjson", generated(t, 20))
	want(t, res, body, 200)
	lines = readLines(t, file)
	if !strings.Contains(lines[len(lines)-1], `"endpoint":"batch","book_digest":"sha256:`) || !strings.Contains(lines[len(lines)-1], `"written":20`) {
		t.Errorf("batch decision %s", lines[len(lines)-1])
	}
	// rotation: past 8 KiB the file becomes decisions.jsonl.1, then .2
	for range 30 {
		res, body = request(t, "POST", ts.URL+"/v1/assess?at=2026-01-01", "application/yaml", yaml)
		want(t, res, body, 200)
	}
	for _, f := range []string{file, file + ".1", file + ".2"} {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatalf("no %s: %v", filepath.Base(f), err)
		}
		if info.Size() > 8<<10 {
			t.Errorf("%s is %d bytes, over the limit", filepath.Base(f), info.Size())
		}
	}
	if _, err := os.Stat(file + ".3"); err == nil {
		t.Error("more rotated files are kept than asked")
	}
	for _, f := range []string{file, file + ".1"} {
		for _, l := range readLines(t, f) {
			if !json.Valid([]byte(l)) {
				t.Errorf("%s holds an incomplete line: %.80s", filepath.Base(f), l)
			}
		}
	}
}

func readLines(t testing.TB, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
