package facts_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anzexian/anzexian/internal/testkit"

	"github.com/anzexian/anzexian/facts"
)

// completeFactsYAML gives every core fact; richFacts most optional ones.
// Other packages' tests read the same files.
var (
	completeFactsYAML = readTestdata("complete.yaml")
	richFacts         = readTestdata("rich.yaml")
)

// bareFacts gives only what is required.
const bareFacts = `region: "430100"
sectors: [other]
`

func readTestdata(name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func mustFacts(t testing.TB, doc string) *facts.Facts {
	t.Helper()
	fs, err := facts.Decode("facts.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, formatDiags(err))
	}
	if len(fs) != 1 {
		t.Fatalf("Decode returned %d enterprises, want 1", len(fs))
	}
	return fs[0]
}

// formatDiags renders the diagnostics of a *facts.Error, one a line.
func formatDiags(err error) string {
	var fe *facts.Error
	if !errors.As(err, &fe) {
		return ""
	}
	var b strings.Builder
	for _, d := range fe.Diagnostics {
		b.WriteString(d.Format())
		b.WriteByte('\n')
	}
	return b.String()
}

var (
	errorCodes = testkit.ErrorCodes
	findDiag   = testkit.FindDiag
)

// bug marks a regression test of a bug the tests found and that has been
// fixed; desc says what the bug was. The test always runs.
func bug(t testing.TB, desc string) {
	t.Helper()
	_ = desc
}
