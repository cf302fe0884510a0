package facts_test

import (
	"errors"
	"fmt"

	"github.com/anzexian/anzexian/facts"
)

// Facts are read from YAML or JSON; every problem is reported at once with
// its field path and line:column, and a "did you mean" for codes.
func ExampleDecode() {
	_, err := facts.Decode("acme.yaml", []byte(`region: "430100"
sectors: [hazardous_chemical.storage]
employees: -3
policy: {start: 2026-01-01, end: 2025-12-31}
`))
	var fe *facts.Error
	if errors.As(err, &fe) {
		for _, d := range fe.Diagnostics {
			fmt.Printf("%s %s: %s (%s)\n", d.Subject, d.Path, d.Summary, d.Hint)
		}
	}
	// Output:
	// acme.yaml:2:11 sectors[0]: unknown sector code "hazardous_chemical.storage" (did you mean "hazardous_chemicals.storage"?)
	// acme.yaml:3:12 employees: employees is out of range: -3 (it must lie between 0 and 2147483647)
	// acme.yaml:4:34 policy.end: policy ends (2025-12-31) before it starts (2026-01-01) (end is the last day covered (至…24时止) and cannot precede start)
}

// Accident grades follow 条例 第三条: the gravest of deaths, serious injuries
// and direct loss, 以上 inclusive and 以下 exclusive.
func ExampleGradeOf() {
	fmt.Println(facts.GradeOf(2, 9, facts.MustDecimal("9999999.99")).Label())
	fmt.Println(facts.GradeOf(3, 0, facts.MustDecimal("0")).Label())
	fmt.Println(facts.GradeOf(0, 0, facts.MustDecimal("100000000")).Label())
	// Output:
	// 一般事故
	// 较大事故
	// 特别重大事故
}
