package portfolio_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/portfolio"
)

// Hostile portfolios (README, "Limits"): a record over MaxRecordSize is
// refused with its line as soon as the limit is passed, in JSONL and CSV
// alike; text that is no UTF-8 or holds control characters is refused in
// CSV as in JSON; reading is never what keeps an interrupt from stopping
// a batch.

// counting reads r and counts the bytes read.
type counting struct {
	r io.Reader
	n atomic.Int64
}

func (c *counting) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// endless is a stream of one byte repeated, never ending (a device through
// standard input).
type endless byte

func (e endless) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(e)
	}
	return len(b), nil
}

// firstError returns the code and line of the first diagnostic of err.
func firstError(t *testing.T, err error) (string, int, string) {
	t.Helper()
	var fe *facts.Error
	if !errors.As(err, &fe) || len(fe.Diagnostics) == 0 {
		t.Fatalf("%T %v is not a *facts.Error", err, err)
	}
	d := fe.Diagnostics[0]
	return d.Code, d.Subject.Start.Line, d.Summary
}

const csvHead = "region,sectors,employees,name\n"

func TestLimitCSVRecords(t *testing.T) {
	good := "430100,other,5,甲\n"
	huge := strings.Repeat("x", 2*portfolio.MaxRecordSize)
	tests := []struct {
		name string
		data string
		// the records before the bad one that read well, the bad one's
		// line and code, and whether any record after it is read
		good   int
		line   int
		code   string
		after  bool
		inRead int64 // at most this many bytes read
	}{
		{"a huge quoted cell", csvHead + good + "430100,other,5,\"" + huge + "\"\n" + good, 1, 3, "facts.too_large", false, 2 << 20},
		{"a quote never closed", csvHead + good + "430100,other,5,\"甲\n" + strings.Repeat(good, 200000), 1, 3, "facts.too_large", false, 2 << 20},
		{"a huge unquoted row", csvHead + good + "430100,other,5," + huge + "\n" + good, 1, 3, "facts.too_large", true, 4 << 20},
		{"a NUL", csvHead + good + "430100,other,5,甲\x00乙\n" + good, 1, 3, "facts.syntax", true, 1 << 20},
		{"a control character", csvHead + good + "430100,other,5,\x1b[31m甲\n" + good, 1, 3, "facts.syntax", true, 1 << 20},
		{"not UTF-8 (GBK)", csvHead + good + "430100,other,5,\xbc\xd7\n" + good, 1, 3, "facts.syntax", true, 1 << 20},
		{"a bare quote", csvHead + good + "430100,other,5,a\"b\n" + good, 1, 3, "facts.syntax", true, 1 << 20},
		{"a headcount with a leading zero", csvHead + good + "430100,other,010,甲\n" + good, 1, 3, "facts.type", true, 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &counting{r: strings.NewReader(tt.data)}
			r, err := portfolio.NewReader("book.csv", in, portfolio.CSV)
			if err != nil {
				t.Fatal(err)
			}
			var recs []portfolio.Record
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				recs = append(recs, rec)
			}
			if len(recs) <= tt.good || recs[tt.good].Err == nil {
				t.Fatalf("%d records, none bad where expected", len(recs))
			}
			for _, rec := range recs[:tt.good] {
				if rec.Err != nil {
					t.Fatalf("line %d: %v", rec.Line, rec.Err)
				}
			}
			code, line, summary := firstError(t, recs[tt.good].Err)
			if code != tt.code || line != tt.line || recs[tt.good].Line != tt.line {
				t.Errorf("%s at line %d (record line %d): %s; want %s at line %d", code, line, recs[tt.good].Line, summary, tt.code, tt.line)
			}
			if after := len(recs) > tt.good+1; after != tt.after {
				t.Errorf("records after the bad one: %d", len(recs)-tt.good-1)
			}
			if tt.after && recs[len(recs)-1].Err != nil {
				t.Errorf("the record after the bad one: %v", recs[len(recs)-1].Err)
			}
			if n := in.n.Load(); n > tt.inRead {
				t.Errorf("read %d bytes of %d", n, len(tt.data))
			}
		})
	}
}

// A CSV record the portfolio cannot be read past stops a batch even when
// bad records are skipped: the rest of the portfolio would be lost
// silently otherwise.
func TestBatchStopsAtAnUnreadableCSVRecord(t *testing.T) {
	eng := newEngine(t)
	data := csvHead + "430100,other,5,甲\n430100,other,5,\"甲\n" + strings.Repeat("430100,other,5,乙\n", 100000)
	var out bytes.Buffer
	s, err := portfolio.Batch(context.Background(), eng, strings.NewReader(data), &out, portfolio.BatchOptions{
		Name: "book.csv", At: asOf2026, SkipBad: true})
	var be *portfolio.BatchError
	if !errors.As(err, &be) || be.Line != 3 {
		t.Fatalf("Batch: %v", err)
	}
	if s.Written != 1 || s.Failed != 1 || s.Read != 2 {
		t.Errorf("summary %+v", s)
	}
	if !strings.Contains(err.Error(), "the rest of the portfolio cannot be read") {
		t.Errorf("error %q does not say the rest is not read", err)
	}
}

func TestLimitJSONLLines(t *testing.T) {
	good := `{"region": "430100", "sectors": ["other"]}` + "\n"
	t.Run("a byte order mark", func(t *testing.T) {
		recs := readAll(t, "book.jsonl", []byte("\ufeff"+good+good), portfolio.JSONL)
		if len(recs) != 2 || recs[0].Err != nil || recs[1].Err != nil {
			t.Fatalf("records %+v", recs)
		}
	})
	t.Run("an endless line is reported at the limit", func(t *testing.T) {
		in := &counting{r: io.MultiReader(strings.NewReader(good), endless('x'))}
		r, err := portfolio.NewReader("<stdin>", in, portfolio.JSONL)
		if err != nil {
			t.Fatal(err)
		}
		if rec, err := r.Next(); err != nil || rec.Err != nil {
			t.Fatalf("first record: %v %v", err, rec.Err)
		}
		rec, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if code, line, _ := firstError(t, rec.Err); code != "facts.too_large" || line != 2 {
			t.Errorf("%s at line %d", code, line)
		}
		if n := in.n.Load(); n > portfolio.MaxRecordSize+256<<10 {
			t.Errorf("read %d bytes before reporting", n)
		}
	})
	t.Run("a batch stops at an endless line at once", func(t *testing.T) {
		eng := newEngine(t)
		in := &counting{r: io.MultiReader(strings.NewReader(good), endless('x'))}
		var out bytes.Buffer
		var s *portfolio.BatchSummary
		var err error
		within(t, 10*time.Second, func() {
			s, err = portfolio.Batch(context.Background(), eng, in, &out, portfolio.BatchOptions{Name: "<stdin>", Format: portfolio.JSONL, At: asOf2026})
		})
		var be *portfolio.BatchError
		if !errors.As(err, &be) || be.Line != 2 || s.Written != 1 {
			t.Fatalf("Batch: %v, %+v", err, s)
		}
	})
	t.Run("skipping it, an interrupt stops the batch", func(t *testing.T) {
		eng := newEngine(t)
		in := io.MultiReader(strings.NewReader(good), endless('x'))
		ctx, cancel := context.WithCancel(context.Background())
		var out bytes.Buffer
		var s *portfolio.BatchSummary
		var err error
		within(t, 10*time.Second, func() {
			s, err = portfolio.Batch(ctx, eng, in, &out, portfolio.BatchOptions{Name: "<stdin>", Format: portfolio.JSONL, At: asOf2026, SkipBad: true,
				Rejected: func(line int, err error) { cancel() }})
		})
		if err != nil || !s.Interrupted || s.Written != 1 || s.Skipped != 1 {
			t.Fatalf("Batch: %v, %+v", err, s)
		}
	})
}

// within runs f and fails the test if it has not returned after d.
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

// stalled gives its data, then blocks until closed (a producer that stopped
// writing to a pipe).
type stalled struct {
	data   *strings.Reader
	closed chan struct{}
}

func (s *stalled) Read(b []byte) (int, error) {
	if s.data.Len() > 0 {
		return s.data.Read(b)
	}
	<-s.closed
	return 0, io.EOF
}

// A batch reading a stalled stream assesses and writes what arrived, and
// an interrupt stops it at once although its reader is still waiting.
func TestBatchStalledInput(t *testing.T) {
	eng := newEngine(t)
	in := &stalled{data: strings.NewReader(string(portfolioBytes(t, 3, 5, portfolio.JSONL))), closed: make(chan struct{})}
	defer close(in.closed)
	ctx, cancel := context.WithCancel(context.Background())
	w := &testkit.Buffer{}
	var s *portfolio.BatchSummary
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		s, err = portfolio.Batch(ctx, eng, in, w, portfolio.BatchOptions{Name: "<stdin>", Format: portfolio.JSONL, At: asOf2026})
	}()
	w.WaitLines(t, 5, 20*time.Second) // written while the input stalls
	start := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the interrupt did not stop a batch waiting on its input")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("stopped %s after the interrupt", took)
	}
	if err != nil || !s.Interrupted || s.Written != 5 {
		t.Fatalf("Batch: %v, %+v", err, s)
	}
	if out := w.String(); strings.Count(out, "\n") != 5 || !strings.HasSuffix(out, "\n") {
		t.Errorf("output:\n%s", out)
	}
}
