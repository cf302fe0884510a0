package portfolio_test

import (
	"flag"
	"sync"
	"testing"
	"time"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/testkit"
	"github.com/anzexian/anzexian/rulesets"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var asOf2026 = facts.MustParseDate("2026-01-01")

var fuzzWatchdog = testkit.Watchdog

// The bundled registry is loaded once: a Registry is immutable and safe for
// concurrent use, so every input can have a fresh Engine over it.
var fuzzBundled struct {
	once sync.Once
	reg  *rulesets.Registry
	err  error
}

func bundledForFuzz(t testing.TB) *rulesets.Registry {
	t.Helper()
	fuzzBundled.once.Do(func() { fuzzBundled.reg, fuzzBundled.err = rulesets.LoadBundled() })
	if fuzzBundled.err != nil {
		t.Fatalf("LoadBundled: %v", fuzzBundled.err)
	}
	return fuzzBundled.reg
}

// fuzzInputLimit is the time one input may take before the watchdog turns
// it into a crash.
const fuzzInputLimit = 20 * time.Second
