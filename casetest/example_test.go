package casetest_test

import (
	"fmt"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
)

// Load a case file and run it on the bundled rulesets: each case passes,
// or fails with what its answer did not meet (and a diff, -want +got).
func ExampleRunner_RunAll() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	cases, err := casetest.Load("testdata/elevators.yaml")
	if err != nil {
		panic(err)
	}
	rep := casetest.NewRunner(eng).RunAll(cases, false)
	for _, r := range rep.Results {
		fmt.Printf("%s: pass %v", r.Case.Name, r.Pass())
		for _, f := range r.Failures {
			fmt.Printf(" (%s)", f.What)
		}
		fmt.Println()
	}
	fmt.Println(rep.Failed(), "failed")
	// Output:
	// required by Hunan: pass true
	// an expectation that is wrong: pass false (obligation)
	// 1 failed
}
