package diag_test

import (
	"fmt"
	"os"

	"github.com/anzexian/anzexian/diag"
)

// Diagnostics print one problem a block: where, what, the line with a
// caret under the subject, and the hint. Err is nil when only warnings
// remain.
func ExampleDiagnostics_Print() {
	ds := diag.Diagnostics{
		{
			Severity: diag.SeverityError, Code: "facts.unknown_code", Path: "sectors[0]",
			Summary: `unknown sector code "hazardous_chemical"`, Hint: `did you mean "hazardous_chemicals"?`,
			Subject: diag.Range{File: "acme.yaml", Start: diag.Pos{Line: 2, Column: 11}, End: diag.Pos{Line: 2, Column: 29}},
			Source:  "sectors: [hazardous_chemical]",
		},
		{Severity: diag.SeverityWarning, Code: "lint.unused", Summary: "let big is never used",
			Subject: diag.Range{File: "rules.yaml", Start: diag.Pos{Line: 9, Column: 3}}},
	}
	ds.Sort()
	_ = ds.Print(os.Stdout)
	fmt.Println(ds.Err() != nil, ds.Warnings().Err() == nil)
	// Output:
	// acme.yaml:2:11: error: unknown sector code "hazardous_chemical" [facts.unknown_code]
	//       at sectors[0]
	//   2 | sectors: [hazardous_chemical]
	//     |           ^^^^^^^^^^^^^^^^^^
	//       = hint: did you mean "hazardous_chemicals"?
	// rules.yaml:9:3: warning: let big is never used [lint.unused]
	// true true
}
