package anzexian_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
)

// An assessment built in a Scratch is the one built afresh, whatever the
// answers built in it before: every example enterprise and 2,000
// generated ones, and the most crowded documents, in one Scratch, one after another (so that small
// answers follow large ones and the other way round), on several dates,
// with the trace and with an insurer's filing.
func TestScratchGivesTheSameAnswers(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	fs := exampleEnterprises(t)
	n := 2000
	if testing.Short() {
		n = 200
	}
	// the most crowded documents (lists cut at their bounds), each
	// followed by a small one, on every date
	var big []*facts.Facts
	for _, doc := range []string{crowded(), manyAccidents(3000)} {
		b, err := facts.Decode("big.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		big = append(big, b[0], fs[0])
	}
	for range 3 {
		fs = append(fs, big...)
	}
	fs = append(fs, portfolio.Generate(31, n)...)
	dates := []string{"2016-03-01", "2020-06-30", "2026-01-01"}
	var s anzexian.Scratch
	for i, f := range fs {
		if i%50 == 0 {
			s = anzexian.Scratch{} // a new scratch's first answer too
		}
		opts := []anzexian.Option{anzexian.At(facts.MustParseDate(dates[i%len(dates)]))}
		if i%7 == 0 {
			opts = append(opts, anzexian.WithTrace())
		}
		if i%5 == 0 {
			opts = append(opts, anzexian.Insurer("示例财产保险股份有限公司"))
		}
		want, werr := eng.Assess(f, opts...)
		got, gerr := eng.Assess(f, append(opts, anzexian.Reuse(&s))...)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("enterprise %d (%s): error %v afresh, %v in the scratch", i, f.Name, werr, gerr)
		}
		if werr != nil {
			continue
		}
		if d := cmp.Diff(want, got, refCmp); d != "" {
			t.Fatalf("enterprise %d (%s): the answer built in the scratch differs (-afresh +scratch):\n%s", i, f.Name, d)
		}
	}
}

// The answer is built where the one before was, and what was copied out
// of that one (strings, decimals) stays as it was.
func TestScratchReusesMemory(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	fs := exampleEnterprises(t)
	var s anzexian.Scratch
	at := anzexian.At(facts.MustParseDate("2026-01-01"))
	var first *anzexian.Assessment
	for _, f := range fs {
		if first, err = eng.Assess(f, at, anzexian.Reuse(&s)); err == nil && first.Premium != nil && len(first.Penalties) > 0 {
			break
		}
	}
	if first == nil || first.Premium == nil || len(first.Penalties) == 0 {
		t.Fatal("no example enterprise has a premium and a penalty")
	}
	amount, amountText := first.Premium.Amount, first.Premium.Amount.String()
	fine := first.Penalties[0]
	fineMin := ""
	if fine.Fine != nil {
		fineMin = fine.Fine.Min.String()
	}
	tl, prem := first.Timeline, first.Premium
	reusedTL, reusedPrem := false, false
	for _, f := range fs {
		a, err := eng.Assess(f, at, anzexian.Reuse(&s))
		if err != nil {
			continue
		}
		if a != first {
			t.Fatal("the Assessment is not the one built in the scratch before")
		}
		reusedTL = reusedTL || a.Timeline == tl
		reusedPrem = reusedPrem || (a.Premium != nil && a.Premium == prem)
	}
	if !reusedTL || !reusedPrem {
		t.Errorf("timeline reused: %v, premium reused: %v; want both", reusedTL, reusedPrem)
	}
	if amount.String() != amountText {
		t.Errorf("a premium copied out of an answer changed from %s to %s once the scratch was reused", amountText, amount)
	}
	if fine.Fine != nil && fine.Fine.Min.String() != fineMin {
		t.Errorf("a fine copied out of an answer changed from %s to %s", fineMin, fine.Fine.Min)
	}

	// fewer allocations: the answer, its timeline, premium and lists
	f := fs[0]
	fresh := testing.AllocsPerRun(50, func() { eng.Assess(f, at) })
	reused := testing.AllocsPerRun(50, func() { eng.Assess(f, at, anzexian.Reuse(&s)) })
	if reused > fresh-3 {
		t.Errorf("an assessment allocates %.0f times afresh and %.0f times in a scratch; want at least 3 fewer", fresh, reused)
	}
}
