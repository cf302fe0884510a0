//go:build unix

package boundedfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within runs f and fails if it has not returned after d (a FIFO opened
// for reading would block forever).
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %s", d)
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte("region: \"43\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// a sparse 3 GB file: refused by its size, never read
	if err := f.Truncate(3 << 30); err != nil {
		t.Skipf("cannot make a sparse file: %v", err)
	}
	f.Close()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		want       error
		problem    string
	}{
		{"a regular file", small, nil, ""},
		{"a file over the limit", big, ErrTooLarge, "is 3221225472 bytes, over the 1048576-byte limit of a test file"},
		{"a FIFO", fifo, ErrNotRegular, "is a FIFO (named pipe); a test file must be a regular file"},
		{"a link to a FIFO", link, ErrNotRegular, "FIFO"},
		{"a directory", dir, ErrNotRegular, "is a directory"},
		{"a character device", "/dev/zero", ErrNotRegular, "is a character device"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := os.Stat(c.path); err != nil {
				t.Skip(err)
			}
			var data []byte
			var err error
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			within(t, 2*time.Second, func() { data, err = Read(c.path, 1<<20, "a test file") })
			runtime.ReadMemStats(&after)
			if c.want == nil {
				if err != nil || string(data) != "region: \"43\"\n" {
					t.Fatalf("Read: %q, %v", data, err)
				}
				return
			}
			var fe *Error
			if !errors.Is(err, c.want) || !errors.As(err, &fe) || !strings.Contains(err.Error(), c.problem) || !strings.HasPrefix(err.Error(), c.path+": ") {
				t.Fatalf("Read: %v; want %v with %q", err, c.want, c.problem)
			}
			if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
				t.Errorf("allocated %d bytes before refusing", a)
			}
		})
	}
}

// infinite is a stream that never ends (a device, a stalled producer that
// keeps writing).
type infinite struct{ n int64 }

func (r *infinite) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = 'x'
	}
	r.n += int64(len(b))
	return len(b), nil
}

func TestReadAllStopsAtTheLimit(t *testing.T) {
	r := &infinite{}
	_, err := ReadAll(r, "<stdin>", 1<<20, "a facts document")
	if !errors.Is(err, ErrTooLarge) || err.Error() != "<stdin>: is over the 1048576-byte limit of a facts document" {
		t.Fatalf("ReadAll: %v", err)
	}
	if r.n > 2<<20 {
		t.Errorf("read %d bytes of an endless stream", r.n)
	}
	data, err := ReadAll(io.LimitReader(&infinite{}, 1<<20), "<stdin>", 1<<20, "a facts document")
	if err != nil || len(data) != 1<<20 {
		t.Errorf("exactly the limit: %d bytes, %v", len(data), err)
	}
}

func TestReadTree(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b.yaml", "a.yml", "c.txt", "sub/d.yaml", ".git/e.yaml"} {
		p = filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := ReadTree(dir, []string{".yaml", ".yml"}, 1<<20, "a ruleset file")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimPrefix(f.Name, filepath.ToSlash(dir)+"/"))
	}
	if got := strings.Join(names, " "); got != "a.yml b.yaml sub/d.yaml" {
		t.Errorf("read %s", got)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "sub", "f.yaml"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	within(t, 2*time.Second, func() { _, err = ReadTree(dir, []string{".yaml"}, 1<<20, "a ruleset file") })
	if !errors.Is(err, ErrNotRegular) {
		t.Errorf("a FIFO in the tree: %v", err)
	}
}
