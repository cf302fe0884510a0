package portfolio_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// Assess a portfolio as a stream: JSONL in, one brief JSON line per
// enterprise out, in input order, with a bad record skipped and counted.
func ExampleBatch() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	book := strings.NewReader(`{"name": "甲", "region": "430100", "sectors": ["special_equipment.elevator"], "employees": 40, "risk_level": "low"}
{"name": "乙", "region": "430100", "sectors": ["hazardous_chemical"]}
{"name": "丙", "region": "330382", "sectors": ["commerce.catering"], "employees": 12}
`)
	var out bytes.Buffer
	s, err := portfolio.Batch(context.Background(), eng, book, &out, portfolio.BatchOptions{
		Name: "book.jsonl", At: facts.MustParseDate("2026-01-01"), SkipBad: true,
		Rejected: func(line int, err error) { fmt.Println("skipped line", line) },
	})
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		fmt.Println(line[:strings.Index(line, `,"region"`)], "…")
	}
	fmt.Printf("read %d, written %d, skipped %d; mandatory %d, required %d, encouraged %d\n", s.Read, s.Written, s.Skipped,
		s.Obligations[rulesets.ObligationMandatory], s.Obligations[rulesets.ObligationRequired], s.Obligations[rulesets.ObligationEncouraged])
	// Output:
	// skipped line 2
	// {"line":1,"enterprise":"甲" …
	// {"line":3,"enterprise":"丙" …
	// read 3, written 2, skipped 1; mandatory 0, required 1, encouraged 1
}

// What would raising the blacklist loading from +10% to +30% do to a book?
func ExampleImpact() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	reg := eng.Registry()
	var baseline diag.File
	for _, f := range reg.Files() {
		if strings.HasSuffix(f.Name, "cn/rating-baseline.yaml") {
			baseline = f
		}
	}
	edited, err := reg.With(diag.File{Name: "blacklist-30.yaml", Data: bytes.Replace(baseline.Data,
		[]byte(`value: "0.10", reason: 被纳入联合惩戒名单`), []byte(`value: "0.30", reason: 被纳入联合惩戒名单`), 1)})
	if err != nil {
		panic(err)
	}
	var book bytes.Buffer
	w := portfolio.NewWriter(&book, portfolio.JSONL)
	for f := range portfolio.GenerateSeq(1, 2000) {
		w.Write(f)
	}
	w.Flush()
	rep, err := portfolio.Impact(context.Background(), eng, &book, edited, portfolio.ImpactOptions{
		Name: "book.jsonl", At: facts.MustParseDate("2026-01-01"), Top: 3})
	if err != nil {
		panic(err)
	}
	// WriteImpactHTML(w, rep) writes the self-contained page; WriteImpactText(w, rep) the
	// terminal form; encoding/json the data.
	fmt.Println(rep.Changes[0].ID, rep.Changes[0].Change)
	fmt.Println("premiums increased:", rep.Premium.Increased, "decreased:", rep.Premium.Decreased, "obligations changed:", rep.Obligations.Changed)
	for _, m := range rep.Movers {
		fmt.Println("moved by", m.MovedBy[0].Step, m.MovedBy[0].Before, "→", m.MovedBy[0].After)
	}
	// Output:
	// cn/rating/baseline replaced
	// premiums increased: 42 decreased: 0 obligations changed: 0
	// moved by blacklist 0.1 (listed) → 0.3 (listed)
	// moved by blacklist 0.1 (listed) → 0.3 (listed)
	// moved by blacklist 0.1 (listed) → 0.3 (listed)
}
