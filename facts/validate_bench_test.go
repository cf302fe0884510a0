package facts_test

import (
	"testing"
)

func BenchmarkValidate(b *testing.B) {
	f := mustFacts(b, completeFactsYAML)
	b.ReportAllocs()
	for b.Loop() {
		if err := f.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
