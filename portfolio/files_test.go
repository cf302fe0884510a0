package portfolio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/portfolio"
)

func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "book.jsonl")
	if err := os.WriteFile(book, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.jsonl")
	hard := filepath.Join(dir, "hard.jsonl")
	if err := os.Symlink(book, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(book, hard); err != nil {
		t.Fatal(err)
	}
	in, err := portfolio.OpenInput(book, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	for _, c := range []struct {
		out  string
		same bool
	}{
		{book, true}, {link, true}, {hard, true}, {filepath.Join(dir, ".", "book.jsonl"), true},
		{filepath.Join(dir, "answers.jsonl"), false}, {"", false}, {"-", false},
	} {
		err := portfolio.CheckOutput(c.out, in.Info)
		if got := errors.Is(err, portfolio.ErrOutputIsInput); got != c.same {
			t.Errorf("CheckOutput(%q): %v", c.out, err)
		}
	}
	if data, _ := os.ReadFile(book); string(data) != "{}\n" {
		t.Errorf("the input was changed: %q", data)
	}
}

func TestOpenInputRefusesWhatIsNoFile(t *testing.T) {
	for _, name := range []string{"/dev/zero", t.TempDir()} {
		if _, err := os.Stat(name); err != nil {
			continue
		}
		if _, err := portfolio.OpenInput(name, nil); err == nil || !strings.Contains(err.Error(), "must be a regular file") {
			t.Errorf("OpenInput(%q): %v", name, err)
		}
	}
}

// outputLines parses a batch's JSONL output into the portfolio lines it
// answers.
func outputLines(t *testing.T, data []byte) []int {
	t.Helper()
	var lines []int
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var v struct{ Line int }
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		lines = append(lines, v.Line)
	}
	return lines
}

// A killed batch is resumed: what follows the last complete line is cut
// off, the records already written are read past, and the output ends up
// as one run would have written it.
func TestResume(t *testing.T) {
	eng := newEngine(t)
	for _, full := range []bool{false, true} {
		name := map[bool]string{false: "brief", true: "full"}[full]
		t.Run(name, func(t *testing.T) {
			book := portfolioBytes(t, 11, 300, portfolio.JSONL)
			o := portfolio.BatchOptions{Name: "book.jsonl", At: asOf2026, Full: full}
			var whole bytes.Buffer
			if _, err := portfolio.Batch(context.Background(), eng, bytes.NewReader(book), &whole, o); err != nil {
				t.Fatal(err)
			}
			// a batch killed in the middle of line 120 of its output
			lines := strings.SplitAfter(whole.String(), "\n")
			partial := strings.Join(lines[:119], "") + lines[119][:len(lines[119])/2]
			out := filepath.Join(t.TempDir(), "answers.jsonl")
			if err := os.WriteFile(out, []byte(partial), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := portfolio.CreateOutput(out, portfolio.OutputOptions{Resume: true, Full: full, AsOf: asOf2026})
			if err != nil {
				t.Fatal(err)
			}
			if want := outputLines(t, []byte(lines[118]))[0]; f.ResumeAfter != want {
				t.Errorf("ResumeAfter %d, want %d", f.ResumeAfter, want)
			}
			o.ResumeAfter = f.ResumeAfter
			s, err := portfolio.Batch(context.Background(), eng, bytes.NewReader(book), f, o)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			if s.Resumed != 119 || s.Written != 300-119 {
				t.Errorf("summary %+v", s)
			}
			got, _ := os.ReadFile(out)
			if !bytes.Equal(got, whole.Bytes()) {
				t.Errorf("resumed output differs from one run's: %d bytes, want %d", len(got), whole.Len())
			}
			// resuming a complete output writes nothing more
			f, err = portfolio.CreateOutput(out, portfolio.OutputOptions{Resume: true, Full: full, AsOf: asOf2026})
			if err != nil {
				t.Fatal(err)
			}
			o.ResumeAfter = f.ResumeAfter
			if s, err := portfolio.Batch(context.Background(), eng, bytes.NewReader(book), f, o); err != nil || s.Written != 0 || s.Resumed != 300 {
				t.Errorf("resuming a finished batch: %v %+v", err, s)
			}
			f.Commit()
			// another form or date is refused
			if _, err := portfolio.CreateOutput(out, portfolio.OutputOptions{Resume: true, Full: !full, AsOf: asOf2026}); err == nil {
				t.Error("resumed in the other form")
			}
			if _, err := portfolio.CreateOutput(out, portfolio.OutputOptions{Resume: true, Full: full, AsOf: asOf2026.AddDays(1)}); err == nil || !strings.Contains(err.Error(), "--at 2026-01-01") {
				t.Errorf("resumed on another date: %v", err)
			}
		})
	}
	t.Run("not an output of batch", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "book.jsonl")
		os.WriteFile(out, []byte(`{"region": "430100", "sectors": ["other"]}`+"\n"), 0o644)
		if _, err := portfolio.CreateOutput(out, portfolio.OutputOptions{Resume: true}); err == nil || !strings.Contains(err.Error(), "not an answer of batch") {
			t.Errorf("CreateOutput: %v", err)
		}
		if data, _ := os.ReadFile(out); !strings.HasPrefix(string(data), `{"region"`) {
			t.Errorf("the file was changed: %q", data)
		}
	})
}

// A format that cannot be appended to is written whole or not at all.
func TestAtomicOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	os.WriteFile(out, []byte("old"), 0o644)
	f, err := portfolio.CreateOutput(out, portfolio.OutputOptions{Atomic: true})
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half")
	f.Abort()
	if data, _ := os.ReadFile(out); string(data) != "old" {
		t.Errorf("after Abort: %q", data)
	}
	f, _ = portfolio.CreateOutput(out, portfolio.OutputOptions{Atomic: true})
	f.WriteString("new")
	if data, _ := os.ReadFile(out); string(data) != "old" {
		t.Errorf("before Commit: %q", data)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(out); string(data) != "new" {
		t.Errorf("after Commit: %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
