package anzexian_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/rulesets"
)

// Evaluation has a budget (README, "Limits"): an edited ruleset whose work
// grows with the square of the facts, whose decimals grow without bound or
// whose whole numbers overflow gets a clear error quickly, never minutes of
// work, an exhausted memory or a wrapped-around number.

// attackRuleset is a national policy in force from 2000 with the given lets
// and one coverage rule "c" whose condition is when.
func attackRuleset(when string, lets ...string) diag.File {
	var b strings.Builder
	b.WriteString(`schema: anzexian/v1
id: cn/test/attack
version: "1"
status: in_force
kind: policy
title: 攻击测试
region: ""
effective: {from: 2000-01-01}
sources: {s: {title: 测试}}
`)
	if len(lets) > 0 {
		b.WriteString("let:\n")
		for _, l := range lets {
			b.WriteString("  " + l + "\n")
		}
	}
	fmt.Fprintf(&b, "coverage:\n  - {id: c, when: '%s', obligation: encouraged, text: t, cite: {source: s, article: x}}\n", when)
	return diag.File{Name: "attack.yaml", Data: []byte(b.String())}
}

// withAccidents returns facts with n accidents in 2024.
func withAccidents(n int) *facts.Facts {
	f := &facts.Facts{Region: "430100", Sectors: []string{"other"}, Status: "operating", Employees: facts.Int(2147483647)}
	for i := 0; i < n; i++ {
		f.Accidents = append(f.Accidents, facts.Accident{Date: facts.MustParseDate("2024-01-05"), Deaths: 1})
	}
	return f
}

// timed runs f and returns how long it took and the bytes it allocated.
func timed(f func()) (time.Duration, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return took, after.TotalAlloc - before.TotalAlloc
}

func engineWith(t *testing.T, files ...diag.File) *anzexian.Engine {
	t.Helper()
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	reg, err = reg.With(files...)
	if err != nil {
		t.Fatalf("With: %v", err)
	}
	return anzexian.NewWithRegistry(reg)
}

var at2026 = anzexian.At(facts.MustParseDate("2026-01-01"))

func TestLimitEvaluationBudget(t *testing.T) {
	for _, c := range []struct {
		name, when string
		accidents  int
	}{
		{"three nested any over 1000 accidents", "any(accidents, {any(accidents, {any(accidents, {.deaths > 100})})})", 1000},
		{"three nested sum over 1000 accidents", "sum(accidents, sum(accidents, sum(accidents, .deaths))) < 0", 1000},
		{"nested count over 20000 accidents", "count(accidents, {count(accidents, {.deaths > 0}) > 0}) < 0", 20000},
	} {
		t.Run(c.name, func(t *testing.T) {
			eng := engineWith(t, attackRuleset(c.when))
			f := withAccidents(c.accidents)
			var err error
			took, alloc := timed(func() { _, err = eng.Assess(f, at2026) })
			if !errors.Is(err, anzexian.ErrBudget) {
				t.Fatalf("Assess: %v; want ErrBudget", err)
			}
			if !strings.Contains(err.Error(), "attack.yaml:11:") {
				t.Errorf("the error does not name the expression: %v", err)
			}
			if took > 5*time.Second*slowdown || alloc > 256<<20 {
				t.Errorf("took %s and %d MB", took, alloc>>20)
			}
			_, qerr := eng.Quote(f, at2026)
			if !errors.Is(qerr, anzexian.ErrBudget) {
				t.Errorf("Quote: %v; want ErrBudget", qerr)
			}
			t.Logf("%s, %d MB: %v", took, alloc>>20, err)
		})
	}
	t.Run("the bundled rulesets on 40000 accidents stay within it", func(t *testing.T) {
		eng, err := anzexian.New()
		if err != nil {
			t.Fatal(err)
		}
		f := withAccidents(40000)
		for i := 0; i < len(f.Accidents); i += 10 {
			f.Accidents[i].UnitLiable = true // a penalty each
		}
		if _, err := eng.Assess(f, at2026); err != nil {
			t.Fatalf("Assess: %v", err)
		}
	})
}

// undeterminedBy assesses f and returns the error of coverage rule
// cn/test/attack@1#c, which must be undetermined.
func undeterminedBy(t *testing.T, eng *anzexian.Engine, f *facts.Facts) string {
	t.Helper()
	a, err := eng.Assess(f, at2026)
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	for _, u := range a.Coverage.Undetermined {
		if u.Rule == "cn/test/attack@1#c" {
			return u.Error
		}
	}
	t.Fatalf("rule c is not undetermined: %+v", a.Coverage)
	return ""
}

func TestLimitDecimalsInExpressions(t *testing.T) {
	squares := []string{"a0: decimal(employees ?? 1) * 1.1234567890123456"}
	for i := 1; i <= 20; i++ {
		squares = append(squares, fmt.Sprintf("a%d: a%d * a%d", i, i-1, i-1))
	}
	for _, c := range []struct {
		name, when string
		lets       []string
		want       string
	}{
		{"a decimal squared twenty times", "a20 > 0", squares, "more than 64 decimal places"},
		{"a large amount multiplied by itself", "decimal(employees ?? 0) * 1000000000000 * 1000000000000 * 1000000000000 * 1000000000000 > 0", nil, "more than 40 digits before the point"},
		{"a division by a tiny amount", "decimal(employees ?? 0) * 1000000000000000 * 1000000000 / 0.0000000000000001 > 0", nil, "more than 40 digits before the point"},
	} {
		t.Run(c.name, func(t *testing.T) {
			eng := engineWith(t, attackRuleset(c.when, c.lets...))
			var msg string
			took, alloc := timed(func() { msg = undeterminedBy(t, eng, withAccidents(0)) })
			if !strings.Contains(msg, c.want) {
				t.Errorf("rule c undetermined with %q, want %q", msg, c.want)
			}
			if took > 5*time.Second*slowdown || alloc > 64<<20 {
				t.Errorf("took %s and %d MB", took, alloc>>20)
			}
		})
	}
	t.Run("trailing zeros past the scale are dropped", func(t *testing.T) {
		eng := engineWith(t, attackRuleset("a3 == 1", "a0: 1.00000000000000000000", "a1: a0 * a0", "a2: a1 * a1", "a3: a2 * a2"))
		a, err := eng.Assess(withAccidents(0), at2026)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range a.Coverage.Undetermined {
			if u.Rule == "cn/test/attack@1#c" {
				t.Fatalf("undetermined: %+v", u)
			}
		}
	})
}

func TestLimitWholeNumberOverflow(t *testing.T) {
	for _, when := range []string{
		"(employees ?? 0) * (employees ?? 0) * (employees ?? 0) * (employees ?? 0) > 0",
		"(employees ?? 0) * 4294967298 * 4294967298 > 0",
		"sum([9223372036854775807, 1]) > 0",
		"9223372036854775807 + (employees ?? 0) > 0",
		"-9223372036854775807 - (employees ?? 0) < 0",
		"abs(-9223372036854775807 - 1) > 0",
	} {
		t.Run(when, func(t *testing.T) {
			eng := engineWith(t, attackRuleset(when))
			if msg := undeterminedBy(t, eng, withAccidents(0)); !strings.Contains(msg, "overflow") {
				t.Errorf("rule c undetermined with %q, want an overflow", msg)
			}
		})
	}
}

// Loading grows with the number of lets, not with its square: the checker
// sees only the names an expression mentions.
func TestLimitManyLets(t *testing.T) {
	lets := func(n int) diag.File {
		l := []string{"l0: employees ?? 0"}
		for i := 1; i < n; i++ {
			l = append(l, fmt.Sprintf("l%d: l%d + 1", i, i-1))
		}
		return attackRuleset(fmt.Sprintf("l%d > 0", n-1), l...)
	}
	f := lets(rulesets.MaxExprsPerFile - 1)
	var err error
	took, alloc := timed(func() { _, err = rulesets.LoadFiles(f) })
	if err != nil {
		t.Fatal(err)
	}
	// before: 7 s and some 6 GB allocated, growing with the square
	if took > 10*time.Second*slowdown || alloc > 1<<30 {
		t.Errorf("%d lets loaded in %s, %d MB allocated", rulesets.MaxExprsPerFile-1, took, alloc>>20)
	}
	t.Logf("%d lets: %s, %d MB", rulesets.MaxExprsPerFile-1, took, alloc>>20)

	// Four such files stack together: building and linting their stacks
	// grows with the lets of all layers, not with their square (before:
	// 16 times the work of one file for four).
	files := func(n int) []diag.File {
		var out []diag.File
		for k := range n {
			l := []string{fmt.Sprintf("f%d_0: employees ?? 0", k)}
			for i := 1; i < 2000; i++ {
				l = append(l, fmt.Sprintf("f%d_%d: f%d_%d + 1", k, i, k, i-1))
			}
			f := attackRuleset(fmt.Sprintf("f%d_1999 > 0", k), l...)
			f.Data = []byte(strings.Replace(string(f.Data), "cn/test/attack", fmt.Sprintf("cn/test/attack%d", k), 1))
			f.Name = fmt.Sprintf("attack%d.yaml", k)
			out = append(out, f)
		}
		return out
	}
	// The work is judged by the bytes it allocates, which a loaded machine
	// does not change (time does): linear work allocates about four times
	// one file's for four, quadratic sixteen.
	lint := func(fs []diag.File) (time.Duration, uint64) {
		return timed(func() {
			reg, err := rulesets.LoadBundled()
			if err == nil {
				reg, err = reg.With(fs...)
			}
			if err != nil {
				t.Fatal(err)
			}
			rulesets.Lint(reg, nil)
		})
	}
	// Time is judged too, by the fastest of three runs (a loaded machine
	// only ever adds to a run): quadratic work took 122 s for four files of
	// 4990 lets, about 20 s at 2000.
	fastest := func(fs []diag.File) (time.Duration, uint64) {
		best, alloc := lint(fs)
		for range 2 {
			if d, _ := lint(fs); d < best {
				best = d
			}
		}
		return best, alloc
	}
	one, four := files(1), files(4)
	oneT, oneA := fastest(one)
	fourT, fourA := fastest(four)
	t.Logf("lint: one file of 2000 lets %s (%d MB), four %s (%d MB)", oneT, oneA>>20, fourT, fourA>>20)
	if fourA > 8*oneA {
		t.Errorf("four files allocated %d MB, one %d MB: more than linear", fourA>>20, oneA>>20)
	}
	if fourT > 10*oneT && fourT > 5*time.Second*slowdown {
		t.Errorf("four files took %s, one %s: more than linear", fourT, oneT)
	}
}

// A let that fails (a fact it needs is missing) is computed once, as a
// value is: a chain of lets each reading the one before twice took time
// doubling with every link.
func TestLimitFailingLetChain(t *testing.T) {
	lets := []string{"a0: decimal(employees)"}
	for i := 1; i <= 60; i++ {
		lets = append(lets, fmt.Sprintf("a%d: a%d + a%d", i, i-1, i-1))
	}
	eng := engineWith(t, attackRuleset("a60 > 0", lets...))
	f := &facts.Facts{Region: "430100", Sectors: []string{"other"}, Status: "operating"}
	var a *anzexian.Assessment
	var err error
	took, _ := timed(func() { a, err = eng.Assess(f, at2026) })
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range a.Coverage.Undetermined {
		if u.Rule == "cn/test/attack@1#c" {
			found = len(u.Missing) == 1 && u.Missing[0] == "employees"
		}
	}
	if !found {
		t.Errorf("rule c is not undetermined for want of employees: %+v", a.Coverage.Undetermined)
	}
	if took > 5*time.Second*slowdown {
		t.Errorf("took %s", took)
	}
}

// A reload whose files hold no ruleset is refused: every Assess would fail
// after it. The previous rulesets keep serving.
func TestReloadNothing(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	before := eng.Registry()
	if err := eng.Reload(context.Background()); !errors.Is(err, anzexian.ErrEmptyReload) {
		t.Fatalf("Reload(): %v", err)
	}
	if err := eng.Reload(context.Background(), diag.File{Name: "empty.yaml", Data: []byte("# nothing\n")}); err == nil {
		t.Fatal("Reload of an empty file succeeded")
	}
	if eng.Registry() != before {
		t.Fatal("the registry changed")
	}
	if _, err := eng.Assess(withAccidents(0), at2026); err != nil {
		t.Fatalf("Assess after the refused reloads: %v", err)
	}
}
