package anzexian_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
	"github.com/anzexian/anzexian/rulesets"
)

// The same input gives byte-identical JSON and text across runs and
// GOMAXPROCS values: a generated portfolio and every example enterprise,
// at two dates (the 2021 law with the 2025 measures, and the 2014 law with
// the 2017 measures), with and without the trace, assessed by a fresh
// Engine over a freshly loaded registry at GOMAXPROCS 1, 2 and 8, by as
// many goroutines as GOMAXPROCS allows.
func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	n := 80
	if testing.Short() {
		n = 30
	}
	ents := append(portfolio.Generate(20260101, n), exampleEnterprises(t)...)
	type job struct {
		f     *facts.Facts
		opts  []anzexian.Option
		label string
	}
	var jobs []job
	for _, d := range []string{"2026-01-01", "2020-06-30"} {
		for i, f := range ents {
			opts := []anzexian.Option{anzexian.At(facts.MustParseDate(d))}
			if i%3 == 0 {
				opts = append(opts, anzexian.WithTrace())
			}
			jobs = append(jobs, job{f, opts, fmt.Sprintf("%s at %s", f.Name, d)})
		}
	}

	// run assesses every job with a fresh engine and returns, per job, its
	// JSON and its text (or the error).
	run := func(t *testing.T, procs int) [][2][]byte {
		t.Helper()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		reg, err := rulesets.Load(rulesets.Bundled())
		if err != nil {
			t.Fatal(err)
		}
		eng := anzexian.NewWithRegistry(reg)
		out := make([][2][]byte, len(jobs))
		var wg sync.WaitGroup
		for w := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(jobs); i += procs {
					a, err := eng.Assess(jobs[i].f, jobs[i].opts...)
					if err != nil {
						out[i] = [2][]byte{[]byte("error: " + err.Error()), nil}
						continue
					}
					js, err := json.Marshal(a)
					if err != nil {
						t.Errorf("%s: %v", jobs[i].label, err)
						continue
					}
					var txt bytes.Buffer
					if err := report.WriteAssessment(&txt, a); err != nil {
						t.Errorf("%s: %v", jobs[i].label, err)
					}
					out[i] = [2][]byte{js, txt.Bytes()}
				}
			}()
		}
		wg.Wait()
		return out
	}

	base := run(t, 1)
	errs := 0
	for _, r := range base {
		if bytes.HasPrefix(r[0], []byte("error: ")) {
			errs++
		}
	}
	t.Logf("%d assessments, %d errors", len(jobs), errs)
	if errs > len(jobs)/10 {
		t.Fatalf("%d of %d assessments failed; the test needs answers to compare", errs, len(jobs))
	}
	for _, procs := range []int{2, 8, 1} {
		got := run(t, procs)
		bad := 0
		for i := range jobs {
			for k, form := range []string{"JSON", "text"} {
				if !bytes.Equal(base[i][k], got[i][k]) {
					if bad++; bad <= 3 {
						t.Errorf("GOMAXPROCS=%d: %s of %s differs from GOMAXPROCS=1:\n%s", procs, form, jobs[i].label, firstDiff(base[i][k], got[i][k]))
					}
				}
			}
		}
		if bad > 0 {
			t.Errorf("GOMAXPROCS=%d: %d answers differ", procs, bad)
		}
	}
}

// firstDiff shows where two outputs first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-120)
	clip := func(s []byte) string {
		return strings.ToValidUTF8(string(s[from:min(len(s), i+120)]), "�")
	}
	return fmt.Sprintf("at byte %d:\n  want …%s…\n   got …%s…", i, clip(a), clip(b))
}
