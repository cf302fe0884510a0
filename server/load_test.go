package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// The load benchmark and the soak, run by hand (not in CI):
//
//	go test ./server -run '^TestLoad$' -load -v          # BENCHMARKS.md, "anzexian serve"
//	go test ./server -run '^TestSoak$' -soak 10m -v -timeout 30m
//
// Both build the CLI and run `anzexian serve` as a process of its own on a
// loopback port, so that its CPU time (from /proc/PID/stat) is the
// server's alone, while the load generator runs in the test process on the
// same 2 cores. Linux only (the CPU times and RSS come from /proc).

var (
	loadFlag    = flag.Bool("load", false, "run the load benchmark of anzexian serve")
	loadSeconds = flag.Duration("load-time", 5*time.Second, "measuring time of each load run")
	soakFlag    = flag.Duration("soak", 0, "run the soak of anzexian serve for this long (10m)")
	loadGOGC    = flag.String("load-gogc", "", "GOGC of the server process")
	loadOnly    = flag.String("load-only", "", "with -load: run only the configurations whose name contains this")
	loadProfile = flag.String("load-profile", "", "with -load: write a CPU profile of the server under 32 clients (full answers) to this file")
)

// buildCLI builds anzexian into a temporary directory.
func buildCLI(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "anzexian")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/anzexian")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProc is `anzexian serve` running in its own process.
type serveProc struct {
	cmd *exec.Cmd
	url string
}

func startServe(t testing.TB, bin string, args ...string) *serveProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--log-level", "warn", "--log-format", "text", "--cases", t.TempDir()}, args...)...)
	cmd.Stderr = os.Stderr
	if *loadGOGC != "" {
		cmd.Env = append(os.Environ(), "GOGC="+*loadGOGC)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, url: "http://" + addr}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if res, err := http.Get(p.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("anzexian serve did not get ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(func() { p.stop() })
	return p
}

func (p *serveProc) stop() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
	}
}

// cpu is the process's CPU time (user + system) from /proc/PID/stat.
func (p *serveProc) cpu(t testing.TB) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// rss is the process's resident set and its peak, in bytes.
func (p *serveProc) rss(t testing.TB) (now, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "VmRSS:":
				now = n << 10
			case "VmHWM:":
				peak = n << 10
			}
		}
	}
	return
}

// selfCPU is this process's CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type loadResult struct {
	clients      int
	requests     int
	errors       int
	elapsed      time.Duration
	p50, p99     time.Duration
	serverCPU    time.Duration
	clientCPU    time.Duration
	bytesPerResp int
}

func (r loadResult) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }
func (r loadResult) cpuPerReq() time.Duration {
	return r.serverCPU / time.Duration(max(r.requests, 1))
}

// load sends body to url from clients goroutines on keep-alive connections
// for d after a warm-up, and measures.
func load(t testing.TB, p *serveProc, path string, body []byte, clients int, d time.Duration) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	var measuring atomic.Bool
	var stop atomic.Bool
	lat := make([][]time.Duration, clients)
	var errs, size atomic.Int64
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				start := time.Now()
				req, _ := http.NewRequest("POST", p.url+path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				res, err := c.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				n, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				el := time.Since(start)
				if res.StatusCode != 200 {
					errs.Add(1)
				}
				if measuring.Load() {
					lat[i] = append(lat[i], el)
					size.Store(n)
				}
			}
		}()
	}
	time.Sleep(time.Second) // warm-up: connections, caches, the heap
	cpu0, self0 := p.cpu(t), selfCPU()
	t0 := time.Now()
	measuring.Store(true)
	time.Sleep(d)
	measuring.Store(false)
	el := time.Since(t0)
	cpu1, self1 := p.cpu(t), selfCPU()
	stop.Store(true)
	wg.Wait()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	r := loadResult{clients: clients, requests: len(all), errors: int(errs.Load()), elapsed: el, serverCPU: cpu1 - cpu0, clientCPU: self1 - self0, bytesPerResp: int(size.Load())}
	if len(all) > 0 {
		r.p50 = all[len(all)/2]
		r.p99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return r
}

// inProcess is the CPU cost of what one request asks, in this process:
// decoding the facts (the JSON decoder the server uses), assessing and
// encoding the answer.
func inProcess(t testing.TB, eng *anzexian.Engine, body []byte, brief bool, n int, gcPercent int) time.Duration {
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	runtime.GC()
	opts := []anzexian.Option{anzexian.At(facts.MustParseDate("2026-01-01"))}
	buf := make([]byte, 0, 64<<10)
	c0 := selfCPU()
	for range n {
		f, err := facts.DecodeLine("request", 1, body)
		if err != nil {
			t.Fatal(err)
		}
		a, err := eng.Assess(f, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if brief {
			buf = portfolio.AppendBrief(buf[:0], a, 0)
		} else {
			buf = a.AppendJSON(buf[:0])
		}
	}
	return (selfCPU() - c0) / time.Duration(n)
}

func hunanJSON(t testing.TB) []byte {
	fs, err := facts.Decode("hunan", readFile(t, hunan))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(fs[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := facts.DecodeLine("x", 1, b); err != nil {
		t.Fatalf("the facts as JSON do not decode: %v\n%s", err, b)
	}
	return b
}

func TestLoad(t *testing.T) {
	if !*loadFlag {
		t.Skip("the load benchmark runs by hand: go test ./server -run '^TestLoad$' -load -v")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	bin := buildCLI(t)
	body := hunanJSON(t)
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	eng := anzexian.NewWithRegistry(reg)
	dlog := filepath.Join(t.TempDir(), "decisions.jsonl")
	type config struct {
		name  string
		path  string
		brief bool
		args  []string
	}
	configs := []config{
		{"full, decision log off", "/v1/assess?at=2026-01-01", false, nil},
		{"full, decision log on", "/v1/assess?at=2026-01-01", false, []string{"--decision-log", dlog}},
		{"brief, decision log off", "/v1/assess?at=2026-01-01&form=brief", true, nil},
	}
	fmt.Printf("\nanzexian serve, /v1/assess, one enterprise a request (README's, %d bytes of JSON), keep-alive, %s a run, GOMAXPROCS=%d, load generator in the same machine\n\n",
		len(body), *loadSeconds, runtime.GOMAXPROCS(0))
	fmt.Println("| answer | clients | req/s | p50 | p99 | server CPU/req | in-process CPU/req, GOGC=400 (100) | ratio | load generator CPU/req | errors |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	if *loadProfile != "" {
		profileServer(t, bin, body)
		return
	}
	for _, c := range configs {
		if !strings.Contains(c.name, *loadOnly) {
			continue
		}
		p := startServe(t, bin, c.args...)
		for _, clients := range []int{1, 8, 32, 128} {
			// alternate: in-process, server, in-process, so that the load
			// of the machine (shared) weighs on both alike
			// the server runs at GOGC=400 (anzexian serve's default): the
			// in-process cost is measured at 400 too, and at Go's default
			base1 := inProcess(t, eng, body, c.brief, 3000, 400)
			def1 := inProcess(t, eng, body, c.brief, 3000, 100)
			r := load(t, p, c.path, body, clients, *loadSeconds)
			base2 := inProcess(t, eng, body, c.brief, 3000, 400)
			def2 := inProcess(t, eng, body, c.brief, 3000, 100)
			base, def := (base1+base2)/2, (def1+def2)/2
			fmt.Printf("| %s | %d | %.0f | %s | %s | %s | %s (%s) | %.2f× | %s | %d |\n", c.name, clients, r.rate(), ms(r.p50), ms(r.p99),
				us(r.cpuPerReq()), us(base), us(def), float64(r.cpuPerReq())/float64(base), us(r.clientCPU/time.Duration(max(r.requests, 1))), r.errors)
			if r.errors > 0 {
				t.Errorf("%s, %d clients: %d errors", c.name, clients, r.errors)
			}
		}
		p.stop()
	}
	if fi, err := os.Stat(dlog); err == nil {
		fmt.Printf("\n(decision log: %d bytes written)\n", fi.Size())
	}
	if *loadOnly == "" {
		batchVsCLI(t, bin)
	}
}

// profileServer writes a CPU profile of anzexian serve under 32 clients.
func profileServer(t testing.TB, bin string, body []byte) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dbg := ln.Addr().String()
	ln.Close()
	p := startServe(t, bin, "--debug-addr", dbg)
	done := make(chan []byte)
	go func() {
		res, err := http.Get("http://" + dbg + "/debug/pprof/profile?seconds=5")
		if err != nil {
			done <- nil
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		done <- b
	}()
	load(t, p, "/v1/assess?at=2026-01-01", body, 32, 5*time.Second)
	prof := <-done
	os.WriteFile(*loadProfile, prof, 0o644)
	p.stop()
	fmt.Printf("CPU profile of the server: go tool pprof -top %s %s\n", bin, *loadProfile)
	os.Link(bin, *loadProfile+".bin")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
func us(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d)/1e3) }

// batchVsCLI streams the same generated book through `anzexian batch` and
// through /v1/batch, and compares enterprises per second and peak memory.
func batchVsCLI(t testing.TB, bin string) {
	const n = 200_000
	book := filepath.Join(t.TempDir(), "book.jsonl")
	gen := exec.Command(bin, "generate", "--count", strconv.Itoa(n), "--out", book)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate: %v %s", err, out)
	}
	fi, _ := os.Stat(book)
	fmt.Printf("\n/v1/batch against `anzexian batch`: %d generated enterprises (%d MB of JSONL), brief lines out, alternating\n\n", n, fi.Size()>>20)
	fmt.Println("| run | wall | enterprises/s | CPU | peak RSS |")
	fmt.Println("|---|---:|---:|---:|---:|")
	var cliRate, srvRate []float64
	for round := range 2 {
		cmd := exec.Command(bin, "batch", "--at", "2026-01-01", book)
		cmd.Stdout = io.Discard
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("batch: %v", err)
		}
		el := time.Since(t0)
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		cliRate = append(cliRate, n/el.Seconds())
		fmt.Printf("| CLI %d | %.2f s | %.0f | %.2f s | %d MB |\n", round+1, el.Seconds(), n/el.Seconds(), cpu.Seconds(), ru.Maxrss>>10)

		p := startServe(t, bin)
		f, _ := os.Open(book)
		req, _ := http.NewRequest("POST", p.url+"/v1/batch?at=2026-01-01", bufio.NewReaderSize(f, 1<<20))
		req.Header.Set("Content-Type", "application/x-ndjson")
		cpu0 := p.cpu(t)
		t0 = time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		lines := 0
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var last []byte
		for sc.Scan() {
			lines++
			last = append(last[:0], sc.Bytes()...)
		}
		res.Body.Close()
		f.Close()
		el = time.Since(t0)
		_, peak := p.rss(t)
		cpu = p.cpu(t) - cpu0
		p.stop()
		if lines != n+1 || !bytes.Contains(last, []byte(`"error":null`)) {
			t.Errorf("/v1/batch: %d lines, last %s", lines, last)
		}
		srvRate = append(srvRate, n/el.Seconds())
		fmt.Printf("| /v1/batch %d | %.2f s | %.0f | %.2f s | %d MB |\n", round+1, el.Seconds(), n/el.Seconds(), cpu.Seconds(), peak>>20)
	}
	fmt.Printf("\n/v1/batch at %.0f%% of the CLI's enterprises/s (mean of the rounds)\n", 100*(srvRate[0]+srvRate[1])/(cliRate[0]+cliRate[1]))
}

// TestSoak runs anzexian serve at a steady load for -soak, replacing two of
// the directory's rulesets every 10 s (between two versions; the watcher
// reloads on the change, and SIGHUP every other time), and checks: no
// error, no answer mixing the two versions (each answer's layers are all of
// one version, and its premium that version's), and no growth of RSS past
// the first minute's peak (beyond the collector's noise, 10 %).
func TestSoak(t *testing.T) {
	if *soakFlag == 0 {
		t.Skip("the soak runs by hand: go test ./server -run '^TestSoak$' -soak 10m -v -timeout 30m")
	}
	bin := buildCLI(t)
	dir := t.TempDir()
	construction := string(readFile(t, filepath.Join("..", "rulesets", "bundled", "cn.hunan", "rating-construction.yaml")))
	write := func(v int) {
		localBaseline(t, dir, []string{"0.20", "0.30"}[v])
		tmp := filepath.Join(dir, ".c.tmp")
		os.WriteFile(tmp, []byte(fmt.Sprintf("# soak version %d\n%s", v, construction)), 0o644)
		os.Rename(tmp, filepath.Join(dir, "rating-construction.yaml"))
	}
	write(0)
	p := startServe(t, bin, "--rulesets", dir)
	body := bytes.Replace(hunanJSON(t), []byte(`"region":`), []byte(`"blacklisted":true,"region":`), 1)
	type version struct{ baseline, construction, premium string }
	var mu sync.Mutex
	seen := map[version]int{}
	var reqs, errs atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	const clients = 8
	const rate = 400 // requests a second, all clients together: a steady load, not the most the server can do
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	c := &http.Client{Transport: tr}
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(time.Second * clients / rate)
			defer tick.Stop()
			for !stop.Load() {
				<-tick.C
				req, _ := http.NewRequest("POST", p.url+"/v1/assess?at=2026-01-01&form=brief", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				res, err := c.Do(req)
				reqs.Add(1)
				if err != nil {
					errs.Add(1)
					continue
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					errs.Add(1)
					continue
				}
				var br struct {
					Rulesets []string
					Premium  string
				}
				json.Unmarshal(b, &br)
				var v version
				for _, r := range br.Rulesets {
					switch {
					case strings.HasPrefix(r, "cn/rating/baseline@"):
						v.baseline = r
					case strings.HasPrefix(r, "cn.hunan/rating/construction@"):
						v.construction = r
					}
				}
				v.premium = br.Premium
				mu.Lock()
				seen[v]++
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	var firstMinute, after int64
	perMinute := map[int]int64{} // minute → peak RSS
	reloads := 0
	next := 1
	for el := time.Duration(0); el < *soakFlag; el = time.Since(start) {
		time.Sleep(time.Second)
		rss, _ := p.rss(t)
		m := int(time.Since(start) / time.Minute)
		perMinute[m] = max(perMinute[m], rss)
		if time.Since(start) <= time.Minute {
			firstMinute = max(firstMinute, rss)
		} else {
			after = max(after, rss)
		}
		if int(time.Since(start)/(10*time.Second)) >= reloads+1 {
			write(next)
			if reloads%2 == 1 {
				p.cmd.Process.Signal(syscall.SIGHUP)
			}
			next = 1 - next
			reloads++
		}
		if int(time.Since(start).Seconds())%60 == 0 {
			t.Logf("%s: %d requests, %d errors, RSS %d MB", time.Since(start).Round(time.Second), reqs.Load(), errs.Load(), rss>>20)
		}
	}
	stop.Store(true)
	wg.Wait()
	fmt.Printf("\nsoak: %s, %d requests (%.0f/s), %d errors, %d reloads (every 10 s, SIGHUP every other), RSS peak in the first minute %d MB, after it %d MB\n",
		time.Since(start).Round(time.Second), reqs.Load(), float64(reqs.Load())/time.Since(start).Seconds(), errs.Load(), reloads, firstMinute>>20, after>>20)
	fmt.Print("peak RSS by minute (MB):")
	for m := 0; m < len(perMinute); m++ {
		fmt.Printf(" %d", perMinute[m]>>20)
	}
	fmt.Println()
	fmt.Println("answers by (baseline, construction, premium):")
	for v, n := range seen {
		fmt.Printf("  %s + %s → %s: %d\n", short(v.baseline), short(v.construction), v.premium, n)
	}
	if errs.Load() > 0 {
		t.Errorf("%d errors", errs.Load())
	}
	if len(seen) != 2 {
		t.Errorf("answers from %d combinations of the two rulesets' versions and premiums, want 2 (mixing)", len(seen))
	}
	// No growth: no later minute's peak above the first minute's by more
	// than the collector's noise (10 %; the peaks move by a few MB from
	// minute to minute with when the collector last ran), so a leak of
	// even a few KB a reload would show over 60 reloads.
	for m := 1; m < len(perMinute); m++ {
		if perMinute[m] > firstMinute+firstMinute/10 {
			t.Errorf("RSS grew: minute %d peaked at %d MB, the first minute at %d MB", m+1, perMinute[m]>>20, firstMinute>>20)
		}
	}
}

func short(key string) string {
	if i := strings.Index(key, "#sha256:"); i >= 0 && len(key) > i+20 {
		return key[:i+20] + "…"
	}
	return key
}

var _ = context.Background
