//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anzexian/anzexian/internal/testkit"
)

// The CLI against what a hostile or careless user names (issue 14): a
// device, a FIFO, a directory, a file of gigabytes, an output that is its
// own input, a stalled pipe and an endless line on stdin, and a signal
// while the reader waits. Every case ends quickly with a clear message.

// TestMain lets a test run the CLI as a process of its own (for signals):
// with ANZEXIAN_TEST_MAIN=1 the test binary is the CLI.
func TestMain(m *testing.M) {
	if os.Getenv("ANZEXIAN_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// hostileFiles makes a FIFO, a sparse file of 3 GB and a directory named
// like rulesets and facts.
func hostileFiles(t *testing.T) (fifo, huge, dir string) {
	t.Helper()
	tmp := t.TempDir()
	fifo = filepath.Join(tmp, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	huge = filepath.Join(tmp, "huge.yaml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		t.Skipf("sparse file: %v", err)
	}
	f.Close()
	dir = filepath.Join(tmp, "dir.yaml")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return fifo, huge, dir
}

func TestCLIRefusesWhatIsNoFile(t *testing.T) {
	fifo, huge, dir := hostileFiles(t)
	tmp := t.TempDir()
	caseFile := func(body string) string {
		p := filepath.Join(tmp, fmt.Sprintf("case%d.yaml", time.Now().UnixNano()))
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dev := "/dev/zero"
	book := filepath.Join(tmp, "book.jsonl")
	os.WriteFile(book, []byte(goodLine), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring of stderr or stdout
	}{
		{"lint a device", []string{"lint", dev}, 2, "/dev/zero: is a character device; a ruleset file must be a regular file"},
		{"lint a FIFO", []string{"lint", fifo}, 2, "is a FIFO (named pipe); a ruleset file must be a regular file"},
		{"lint 3 GB", []string{"lint", huge}, 2, "is 3221225472 bytes, over the 4194304-byte limit of a ruleset file"},
		{"rulesets --with a device", []string{"rulesets", "--with", dev}, 2, "a ruleset file must be a regular file"},
		{"assess --with a FIFO", []string{"assess", "--with", fifo, "examples/enterprises/hunan-hazchem-storage.yaml"}, 2, "is a FIFO"},
		{"assess a device", []string{"assess", dev}, 2, "/dev/zero: is a character device; a facts document (use batch for books of enterprises) must be a regular file"},
		{"assess a FIFO", []string{"assess", fifo}, 2, "is a FIFO"},
		{"assess 3 GB", []string{"assess", huge}, 2, "is 3221225472 bytes, over the 1048576-byte limit of a facts document"},
		{"assess a directory", []string{"assess", dir}, 2, "is a directory"},
		{"test a FIFO", []string{"test", fifo}, 2, "is a FIFO (named pipe); a case file must be a regular file"},
		{"test facts_file: a FIFO", []string{"test", caseFile("as_of: 2026-01-01\nfacts_file: " + fifo + "\n")}, 2, "is a FIFO (named pipe); a facts document must be a regular file"},
		{"test facts_file: a device", []string{"test", caseFile("as_of: 2026-01-01\nfacts_file: /dev/zero\n")}, 2, "is a character device"},
		{"test with: a FIFO", []string{"test", caseFile("as_of: 2026-01-01\nwith: " + fifo + "\nfacts: {region: \"430100\", sectors: [other]}\n")}, 1, "a ruleset file must be a regular file"},
		{"batch a FIFO", []string{"batch", "--at", "2026-01-01", fifo}, 2, "is a FIFO (named pipe); a portfolio must be a regular file"},
		{"batch a device", []string{"batch", "--at", "2026-01-01", dev}, 2, "a portfolio must be a regular file"},
		{"impact a FIFO", []string{"impact", "--with", "examples/rulesets/tianjin-rating-2011.yaml", fifo}, 2, "a portfolio must be a regular file"},
		{"impact --bins past its bound", []string{"impact", "--bins", "1000000000", "--with", "examples/rulesets/tianjin-rating-2011.yaml", book}, 2, "at most 10000 movers and 1000 histogram bars"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			var out, errs string
			done := make(chan struct{})
			go func() { defer close(done); code, out, errs = runCLI(t, "", tt.args...) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("still running after 10 s")
			}
			if code != tt.code || !strings.Contains(errs+out, tt.stderr) {
				t.Errorf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", code, tt.code, tt.stderr, out, errs)
			}
		})
	}
}

// An output that is one of the inputs is refused before anything is
// written: batch --out book.jsonl book.jsonl truncated its input and
// reported "0 read".
func TestBatchOutputIsInput(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "book.jsonl")
	code, _, errs := runCLI(t, "", "generate", "--count", "20", "--out", book)
	if code != 0 {
		t.Fatal(errs)
	}
	before, _ := os.ReadFile(book)
	link := filepath.Join(dir, "link.jsonl")
	os.Symlink(book, link)
	rules := filepath.Join(dir, "rules.yaml")
	data, _ := os.ReadFile(filepath.Join("..", "..", "examples", "rulesets", "tianjin-rating-2011.yaml"))
	os.WriteFile(rules, data, 0o644)
	for _, args := range [][]string{
		{"batch", "--at", "2026-01-01", "--out", book, book},
		{"batch", "--at", "2026-01-01", "--out", link, book},
		{"batch", "--at", "2026-01-01", "--out", book, "--resume", book},
		{"batch", "--at", "2026-01-01", "--with", rules, "--out", rules, book},
		{"impact", "--with", rules, "--out", book, book},
	} {
		code, _, errs := runCLI(t, "", args...)
		if code != 2 || !strings.Contains(errs, "the output is one of the inputs") {
			t.Errorf("%v: exit %d\n%s", args, code, errs)
		}
	}
	if after, _ := os.ReadFile(book); !bytes.Equal(before, after) {
		t.Error("the portfolio was changed")
	}
	if after, _ := os.ReadFile(rules); !bytes.Equal(data, after) {
		t.Error("the ruleset was changed")
	}
}

// TestBatchResumeCLI: a batch whose output was cut (a kill) is taken up
// with --resume and ends as one run would have written it.
func TestBatchResumeCLI(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "book.jsonl")
	if code, _, errs := runCLI(t, "", "generate", "--count", "300", "--out", book); code != 0 {
		t.Fatal(errs)
	}
	whole := filepath.Join(dir, "whole.jsonl")
	if code, _, errs := runCLI(t, "", "batch", "--at", "2026-01-01", "--out", whole, book); code != 0 {
		t.Fatal(errs)
	}
	want, _ := os.ReadFile(whole)
	cut := filepath.Join(dir, "cut.jsonl")
	os.WriteFile(cut, want[:len(want)*2/3], 0o644)
	code, _, errs := runCLI(t, "", "batch", "--at", "2026-01-01", "--out", cut, "--resume", book)
	if code != 0 || !strings.Contains(errs, "resumed after line") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if got, _ := os.ReadFile(cut); !bytes.Equal(got, want) {
		t.Errorf("the resumed output differs from one run's (%d bytes, want %d)", len(got), len(want))
	}
	if code, _, errs := runCLI(t, "", "batch", "--at", "2025-06-01", "--out", cut, "--resume", book); code != 2 || !strings.Contains(errs, "resume it with --at 2026-01-01") {
		t.Errorf("resumed on another date: exit %d\n%s", code, errs)
	}
}

// cli starts the CLI as a process of its own, from the repository root,
// with stdin a pipe the test writes to.
func cli(t *testing.T, args ...string) (cmd *exec.Cmd, stdin io.WriteCloser, stdout, stderr *testkit.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(exe, args...)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "ANZEXIAN_TEST_MAIN=1")
	stdout, stderr = &testkit.Buffer{}, &testkit.Buffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	stdin, err = cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); stdin.Close() })
	return cmd, stdin, stdout, stderr
}

// waitExit waits for cmd to end within d and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd, d time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(d):
		cmd.Process.Kill()
		t.Fatalf("still running %s after the signal", d)
	}
	return -1
}

// completeLines checks that out is whole JSON lines and returns how many.
func completeLines(t *testing.T, out string) int {
	t.Helper()
	if out == "" {
		return 0
	}
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("the output does not end on a complete line: …%q", out[max(0, len(out)-40):])
	}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Errorf("line %d: %v", n+1, err)
		}
		n++
	}
	return n
}

const goodLine = `{"region": "430100", "sectors": ["other"], "employees": 5}` + "\n"

// A batch on a stalled stdin writes the records that arrived, and an
// interrupt (SIGINT or SIGTERM) ends it at once, on a complete line.
func TestBatchSignalsOnAStalledPipe(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, stdin, stdout, stderr := cli(t, "batch", "--at", "2026-01-01", "-")
			io.WriteString(stdin, strings.Repeat(goodLine, 3))
			stdout.WaitLines(t, 3, 20*time.Second) // written while stdin stalls
			start := time.Now()
			cmd.Process.Signal(sig)
			code := waitExit(t, cmd, 5*time.Second) // before: not until stdin closed
			t.Logf("ended %s after the signal", time.Since(start))
			if code != 130 || !strings.Contains(stderr.String(), "interrupted: 3 enterprises written") {
				t.Errorf("exit %d\n%s", code, stderr)
			}
			if n := completeLines(t, stdout.String()); n != 3 {
				t.Errorf("%d lines written, want 3", n)
			}
		})
	}
}

// An endless line on stdin (a device piped in) is reported at the limit,
// without reading to its end; skipping it, an interrupt ends the batch
// while it is read past.
func TestBatchEndlessLineOnStdin(t *testing.T) {
	feed := func(w io.WriteCloser) {
		io.WriteString(w, goodLine)
		x := bytes.Repeat([]byte("x"), 64<<10)
		for {
			if _, err := w.Write(x); err != nil {
				return
			}
		}
	}
	t.Run("stopping at it", func(t *testing.T) {
		cmd, stdin, stdout, stderr := cli(t, "batch", "--at", "2026-01-01", "-")
		go feed(stdin)
		code := waitExit(t, cmd, 10*time.Second)
		if code != 2 || !strings.Contains(stderr.String(), "<stdin>:2:1: error: the record is longer than 1048576 bytes") {
			t.Errorf("exit %d\n%s", code, stderr)
		}
		if n := completeLines(t, stdout.String()); n != 1 {
			t.Errorf("%d lines written, want 1", n)
		}
	})
	t.Run("skipping it", func(t *testing.T) {
		cmd, stdin, stdout, stderr := cli(t, "batch", "--at", "2026-01-01", "--skip-bad", "-")
		go feed(stdin)
		stdout.WaitLines(t, 1, 20*time.Second)
		stderr.WaitFor(t, "skipped: ", 20*time.Second) // it reads on past the long line
		cmd.Process.Signal(syscall.SIGINT)
		code := waitExit(t, cmd, 5*time.Second)
		if code != 130 || !strings.Contains(stderr.String(), "skipped: <stdin>:2:1: the record is longer than 1048576 bytes") {
			t.Errorf("exit %d\n%s", code, stderr)
		}
		if n := completeLines(t, stdout.String()); n != 1 {
			t.Errorf("%d lines written, want 1", n)
		}
	})
}
