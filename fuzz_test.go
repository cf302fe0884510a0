package anzexian_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anzexian/anzexian/internal/testkit"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/report"
	"github.com/anzexian/anzexian/rulesets"
)

// Fuzz targets of the root package: case files (what analysts write) and
// facts (what callers send) through the public API. Run one with
//
//	go test . -run '^$' -fuzz '^FuzzAssess$' -fuzztime 2m -fuzzminimizetime 5s
//
// The seed corpora under testdata/fuzz/<Target>/ hold the example files
// (an example added or edited since seeds the target from examples/ until
// go test . -run TestWriteFuzzSeeds -write-fuzz-seeds writes it there);
// inputs that break a property are added there too and run as part of go
// test.

// fuzzInputLimit is the time one input may take before the watchdog turns
// it into a crash with every goroutine's stack (Go's fuzzer has no
// per-input timeout).
const fuzzInputLimit = 20 * time.Second

func fuzzWatchdog(limit time.Duration) func() {
	timer := time.AfterFunc(limit, func() {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		panic(fmt.Sprintf("input took longer than %s:\n%s", limit, buf[:n]))
	})
	return func() { timer.Stop() }
}

var catchPanic = testkit.CatchPanic

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

// caseDir makes a directory laid out as examples/ is, so that the relative
// facts_file: and with: of the example case files resolve: the case file
// goes to <dir>/cases/, next to links to examples/enterprises and
// examples/rulesets.
func caseDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"enterprises", "rulesets"} {
		abs, err := filepath.Abs(filepath.Join("examples", sub))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(abs, filepath.Join(dir, sub)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "cases"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var trickyCaseFiles = []string{
	"",
	"---\n",
	"[]\n",
	"cases: {}\n",
	"cases: [1, [2], {name: x}]\n",
	"defaults: [1]\ncases:\n  - {name: x, as_of: 2026-01-01, facts: {region: \"43\", sectors: [other]}}\n",
	"as_of: 2026-01-01\nfacts: {region: \"43\", sectors: [other]}\nexpect: {obligation: mandatory}\n",
	"as_of: 2026-02-30\nfacts: {region: \"43\", sectors: [other]}\n",
	"as_of: 2026-01-01\nfacts: [1, 2]\n",
	"as_of: 2026-01-01\nfacts: {region: \"43\", sectors: [other], employees: &a 1, dispatched_workers: *a}\n",
	"as_of: 2026-01-01\nfacts_file: missing.yaml\n",
	"as_of: 2026-01-01\nfacts_file: ../enterprises/hunan-hazchem-storage.yaml\nfacts: {employees: -1}\n",
	"as_of: 2026-01-01\nfacts: {region: \"43\", sectors: [other]}\nwith: [../rulesets/filing-example.yaml, nope.yaml]\n",
	"as_of: 2026-01-01\nfacts: {region: \"43\", sectors: [other]}\nexpect: {paths: {\"premium.factors[id=x].value\": absent, \"a[\": 1, \"[0]\": x}}\n",
	"as_of: 2026-01-01\nfacts: {region: \"43\", sectors: [other]}\nexpect: {requirements: {death_limit_min: [1]}, error: x}\n",
	"as_of: 2026-01-01\nfacts: {region: \"43\", sectors: [other]}\nexpect: {unknown: 1}\n",
	"as_of: 2026-01-01\nfacts: {region: \"43\", sectors: [other]}\nexpect: &e {paths: *e}\n",
	"as_of: 2026-01-01\ninsurer: 某保险公司\ngolden: true\nfacts: {region: \"\", sectors: [other]}\n",
	"as_of: 1900-01-01\nfacts: {region: \"43\", sectors: [other]}\n",
}

// FuzzCaseFile: any bytes, written as a case file, load with LoadCases
// without panicking; when they load, every case runs with RunCase on an
// engine fresh for the input without panicking, and an answer it produced marshals to
// valid JSON and renders as text.
func FuzzCaseFile(f *testing.F) {
	exampleSeeds(f, "FuzzCaseFile", func(_ string, data []byte) { f.Add(data) })
	for _, s := range trickyCaseFiles {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzWatchdog(fuzzInputLimit)()
		if readsDevices(data) {
			t.Skip("names a device file (see TestCaseFileLimits)")
		}
		reg := bundledForFuzz(t)
		dir := caseDir(t)
		path := filepath.Join(dir, "cases", "fuzz.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var cases []*casetest.Case
		var err error
		catchPanic(t, "LoadCases", func() { cases, err = casetest.Load(path) })
		if err != nil {
			var ce *casetest.FileError
			if !errors.As(err, &ce) {
				t.Fatalf("LoadCases error %T: %v", err, err)
			}
			if len(ce.Diagnostics) == 0 {
				t.Fatal("a CaseFileError without diagnostics")
			}
			for _, d := range ce.Diagnostics {
				if d.Summary == "" {
					t.Errorf("diagnostic without a summary: %+v", d)
				}
				_ = d.Format()
			}
			return
		}
		// a fresh engine for the input: no with: registries cached from
		// earlier inputs (its cases share it, as a test run's do)
		eng := anzexian.NewWithRegistry(reg)
		for _, c := range cases {
			var res *casetest.Result
			catchPanic(t, "RunCase "+c.ID(), func() { res = casetest.NewRunner(eng).Run(c, false) })
			if res == nil || res.Case != c {
				t.Fatalf("RunCase(%s) = %+v", c.ID(), res)
			}
			for _, fl := range res.Failures {
				if fl.What == "" {
					t.Errorf("a failure of %s that does not say what failed: %+v", c.ID(), fl)
				}
			}
			if res.Assessment != nil {
				checkAnswer(t, c.ID(), res.Assessment)
				checkInvariants(t, c.ID(), res.Assessment, c.AsOf)
			}
		}
	})
}

// checkAnswer checks that an answer marshals to valid JSON and renders as
// text.
func checkAnswer(t *testing.T, what string, a *anzexian.Assessment) {
	t.Helper()
	var b []byte
	var err error
	catchPanic(t, "json.Marshal of "+what, func() { b, err = json.Marshal(a) })
	if err != nil {
		t.Fatalf("%s: the answer does not marshal: %v", what, err)
	}
	if !json.Valid(b) {
		t.Fatalf("%s: the answer marshals to invalid JSON:\n%s", what, b)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: the answer's JSON does not read back: %v", what, err)
	}
	var text bytes.Buffer
	catchPanic(t, "WriteText of "+what, func() { err = report.WriteAssessment(&text, a) })
	if err != nil {
		t.Fatalf("%s: WriteText: %v", what, err)
	}
}

var trickyAssessFacts = []string{
	"",
	"region: \"430100\"\nsectors: [other]\n",
	"region: \"43\"\nsectors: [hazardous_chemicals]\nemployees: 0\n",
	"region: \"330382\"\nsectors: [construction]\nproject: {contract_value: \"999999999999999\", high_risk_works: true, metro: true}\n",
	"region: \"11\"\nsectors: [fireworks.retail_store]\nstatus: closed\npolicy: {insured: false}\n",
	"region: \"430100\"\nsectors: [coal_mine]\nemployees: 2147483647\ndispatched_workers: 2147483647\n",
	"region: \"430100\"\nsectors: [transport.road]\naccidents: [{date: 2025-12-31, deaths: 2147483647, direct_loss: \"999999999999999.9999999999999999\"}]\n",
	"region: \"430100\"\nsectors: [other]\npolicy: {start: 1949-10-01, end: 2199-12-31, death_limit: 0}\npolicy_history: [{start: 1949-10-01, end: 1949-10-01, surrendered_on: 1949-10-01}]\n",
	"region: \"430100\"\nsectors: [other]\nenforcement: {ordered_on: 2025-01-01, deadline: 2025-01-01, fined_on: 2199-12-31, fine_amount: \"0\"}\nhazards: {refused_rectification: true, refused_on: 2025-02-01}\n",
	"region: \"430100\"\nsectors: [other]\noperating_since: 1949-10-01\ncredit_grade: d\nblacklisted: true\nloss_ratio: \"99999999999999\"\n",
	"region: \"430100\"\nsectors: [other]\naggregate_limit: \"6000000\"\ncredit_grade: zz\nunknown_fact: 1\n",
	"region: \"43\"\nsectors: [other]\n---\nregion: \"330382\"\nsectors: [fishery]\n---\nregion: \"110000\"\nsectors: [other]\n",
	`{"region": "430100", "sectors": ["hazardous_chemicals.storage"], "employees": 40, "policy": {"start": "2025-07-01", "end": "2026-06-30"}}`,
}

// assessDates are as-of dates worth seeding FuzzAssess with: before any
// bundled ruleset, the days the bundled rulesets start or end, and the
// last date the library accepts.
var assessDates = []string{"2010-06-30", "2014-12-01", "2018-01-01", "2021-08-31", "2021-09-01", "2025-03-28", "2025-03-29", "2026-01-01", "2199-12-31"}

// fuzzEpoch is the date FuzzAssess's day counts from, so that small
// numbers land among the dates the rulesets change on.
var fuzzEpoch = facts.MustParseDate("2000-01-01")

// fuzzDay turns the fuzzed day into an as-of date: fuzzEpoch plus day
// days, anywhere from year 1 to 9999 (outside the range facts may use:
// Assess must cope with any date a caller passes).
func fuzzDay(day int32) facts.Date {
	d := fuzzEpoch.AddDays(int(day))
	if d.IsZero() {
		d = fuzzEpoch.AddDays(int(day % 2_900_000))
	}
	if d.IsZero() {
		d = fuzzEpoch
	}
	return d
}

// fuzzEngine is shared by every input of a fuzzing process, so that its
// pool of evaluators carries whatever the earlier inputs left in them: an
// answer must not depend on it (FuzzAssess compares with a fresh engine).
var fuzzEngine struct {
	once sync.Once
	eng  *anzexian.Engine
}

// FuzzAssess: any bytes that DecodeFacts reads are assessed over the
// bundled rulesets on the fuzzed date, with the trace, without an insurer
// and with one whose filing is not loaded. Assess never panics; it returns
// an answer or a typed error (*rulesets.FactsError or *rulesets.StackError),
// never both, never neither; an answer marshals to valid JSON and renders
// as text, its premium is not negative, its obligation is one of the four
// levels, its fines are ranges of non-negative amounts, it names the
// bundled rulesets it used with their digests, and it is byte for byte the
// answer of a fresh engine.
func FuzzAssess(f *testing.F) {
	exampleSeeds(f, "FuzzAssess", func(_ string, data []byte) { f.Add(data, int32(fuzzEpoch.DaysUntil(asOf2026))) })
	for _, s := range trickyAssessFacts {
		for _, d := range assessDates {
			f.Add([]byte(s), int32(fuzzEpoch.DaysUntil(facts.MustParseDate(d))))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, day int32) {
		defer fuzzWatchdog(fuzzInputLimit)()
		var fs []*facts.Facts
		var err error
		catchPanic(t, "DecodeFacts", func() { fs, err = facts.Decode("fuzz.yaml", data) })
		if err != nil {
			var fe *facts.Error
			if !errors.As(err, &fe) {
				t.Fatalf("DecodeFacts error %T: %v", err, err)
			}
			return
		}
		if len(fs) > 4 {
			fs = fs[:4] // a long stream adds nothing but time
		}
		reg := bundledForFuzz(t)
		fuzzEngine.once.Do(func() { fuzzEngine.eng = anzexian.NewWithRegistry(reg) })
		eng := fuzzEngine.eng
		asOf := fuzzDay(day)
		for i, fa := range fs {
			for _, insurer := range []string{"", "某保险公司"} {
				what := fmt.Sprintf("enterprise %d on %s (insurer %q)", i, asOf, insurer)
				opts := []anzexian.Option{anzexian.At(asOf), anzexian.Insurer(insurer), anzexian.WithTrace()}
				var a *anzexian.Assessment
				catchPanic(t, "Assess "+what, func() { a, err = eng.Assess(fa, opts...) })
				if err != nil {
					if a != nil {
						t.Fatalf("%s: Assess returned an answer and the error %v", what, err)
					}
					var fe *facts.Error
					var se *rulesets.StackError
					if !errors.As(err, &fe) && !errors.As(err, &se) {
						t.Fatalf("%s: Assess error %T: %v", what, err, err)
					}
					continue
				}
				if a == nil {
					t.Fatalf("%s: Assess returned no answer and no error", what)
				}
				checkAnswer(t, what, a)
				checkInvariants(t, what, a, asOf)
				for _, l := range a.Rulesets {
					if rs := reg.Ruleset(l.ID + "@" + l.Version); rs == nil || rs.Digest != l.Digest {
						t.Fatalf("%s: the answer names %s@%s %s, which is not a bundled ruleset with that digest", what, l.ID, l.Version, l.Digest)
					}
				}
				if insurer != "" {
					continue
				}
				// the same answer from a fresh engine: nothing leaks from
				// earlier inputs through the shared engine's pool
				var fresh *anzexian.Assessment
				catchPanic(t, "Assess (fresh engine) "+what, func() { fresh, err = anzexian.NewWithRegistry(reg).Assess(fa, opts...) })
				if err != nil {
					t.Fatalf("%s: a fresh engine fails with %v where the shared one answered", what, err)
				}
				got, _ := json.Marshal(a)
				want, _ := json.Marshal(fresh)
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: the shared engine's answer differs from a fresh engine's:\n%s", what, firstDiff(want, got))
				}
			}
		}
	})
}

var knownObligations = map[rulesets.Obligation]bool{rulesets.ObligationMandatory: true, rulesets.ObligationRequired: true, rulesets.ObligationEncouraged: true, rulesets.ObligationNone: true}

// checkInvariants checks what every answer must satisfy whatever the
// facts: it is for the date asked, names its rulesets with digests, its
// obligation is one of the four levels, its premium (when there is one)
// is not negative and its adjustment lies within its clamp, and every fine
// is a range of non-negative amounts.
func checkInvariants(t *testing.T, what string, a *anzexian.Assessment, asOf facts.Date) {
	t.Helper()
	if a.AsOf != asOf {
		t.Errorf("%s: the answer is as of %s, not %s", what, a.AsOf, asOf)
	}
	if len(a.Rulesets) == 0 {
		t.Errorf("%s: the answer names no ruleset", what)
	}
	for _, l := range a.Rulesets {
		if l.ID == "" || l.Version == "" || !strings.HasPrefix(l.Digest, "sha256:") {
			t.Errorf("%s: a layer without id, version or digest: %+v", what, l)
		}
	}
	if a.Coverage == nil {
		t.Fatalf("%s: an answer without coverage", what)
	}
	if !knownObligations[a.Coverage.Obligation] {
		t.Errorf("%s: obligation %q is not one of the four levels", what, a.Coverage.Obligation)
	}
	for _, r := range a.Coverage.Reasons {
		if !knownObligations[r.Obligation] {
			t.Errorf("%s: reason %s has obligation %q", what, r.Rule, r.Obligation)
		}
	}
	if p := a.Premium; p != nil {
		if p.Amount.IsNegative() {
			t.Errorf("%s: negative premium %s", what, p.Amount)
		}
		if c := p.Clamp; c != nil && (p.Applied.LessThan(c.Min) || p.Applied.GreaterThan(c.Max)) {
			t.Errorf("%s: applied adjustment %s outside the clamp [%s, %s]", what, p.Applied, c.Min, c.Max)
		}
		if a.PremiumIncomplete != nil {
			t.Errorf("%s: a premium and premium_incomplete", what)
		}
	}
	for _, p := range a.Penalties {
		for _, r := range []*penalties.Range{p.Fine, p.Statutory} {
			if r != nil && (r.Min.IsNegative() || r.Max.LessThan(r.Min)) {
				t.Errorf("%s: penalty %s: fine range [%s, %s]", what, p.Violation, r.Min, r.Max)
			}
		}
		if d := p.PerDay; d != nil && (d.Amount.IsNegative() || d.Days < 0 || d.Total.IsNegative()) {
			t.Errorf("%s: penalty %s: per-day fine %+v", what, p.Violation, *d)
		}
	}
}

// readsDevices reports whether a case file may name a device or kernel
// file (facts_file: ../../../../dev/zero; paths are joined to the case
// file's directory, so only .. reaches them): reading one never ends, a
// known limit of the case runner (TestCaseFileLimits), not a finding. A
// YAML escape (\x2f, \u002f, \/) could spell such a path too.
func readsDevices(data []byte) bool {
	for _, p := range []string{"/dev", "/proc", "/sys", `\x`, `\u`, `\U`, `\/`} {
		if bytes.Contains(data, []byte(p)) {
			return true
		}
	}
	return false
}

// fuzzSeeds lists, per target, the example files that seed it.
var fuzzSeeds = map[string]func(path string) bool{
	"FuzzCaseFile": func(p string) bool {
		return !strings.Contains(p, ".golden/") && !strings.HasPrefix(p, "examples/enterprises/") && !strings.HasPrefix(p, "examples/rulesets/")
	},
	"FuzzAssess": func(p string) bool { return strings.HasPrefix(p, "examples/enterprises/") },
}

// seedEntry is an example file as an entry of target's corpus, in the
// format of go test's corpus files (FuzzAssess's on 2026-01-01).
func seedEntry(target string, data []byte) string {
	entry := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
	if target == "FuzzAssess" {
		entry += fmt.Sprintf("int32(%d)\n", fuzzEpoch.DaysUntil(asOf2026))
	}
	return entry
}

// exampleSeeds calls add with every example file for target that its
// committed corpus (testdata/fuzz/<target>/) does not hold as it is now: a
// new or edited example seeds the fuzzer at once, and is not run twice
// otherwise. It returns the number of example files.
func exampleSeeds(tb testing.TB, target string, add func(path string, data []byte)) int {
	dir := filepath.Join("testdata", "fuzz", target)
	have := map[string]bool{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		have[string(b)] = true
	}
	n := 0
	err := filepath.WalkDir("examples", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") || !fuzzSeeds[target](filepath.ToSlash(p)) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if !have[seedEntry(target, data)] {
			add(p, data)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

var writeFuzzSeeds = flag.Bool("write-fuzz-seeds", false, "write the example files missing from the fuzz targets' seed corpora")

// TestWriteFuzzSeeds, with -write-fuzz-seeds, writes into the committed
// seed corpora the example files they do not hold as they are now:
//
//	go test . -run TestWriteFuzzSeeds -write-fuzz-seeds
func TestWriteFuzzSeeds(t *testing.T) {
	for target := range fuzzSeeds {
		missing := 0
		n := exampleSeeds(t, target, func(p string, data []byte) {
			missing++
			if !*writeFuzzSeeds {
				return
			}
			dir := filepath.Join("testdata", "fuzz", target)
			name := strings.Trim(slugRe.ReplaceAllString(strings.TrimSuffix(filepath.ToSlash(p), ".yaml"), "-"), "-")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(seedEntry(target, data)), 0o644); err != nil {
				t.Fatal(err)
			}
		})
		if n == 0 {
			t.Errorf("no example files seed %s", target)
		}
		if missing > 0 && !*writeFuzzSeeds {
			t.Logf("%s: %d of %d example files are not in its committed corpus (they seed it from the examples; -write-fuzz-seeds adds them)", target, missing, n)
		}
	}
}

var slugRe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// bug marks a regression test of a bug the tests found and that has been
// fixed; desc says what the bug was. The test always runs.
func bug(t *testing.T, desc string) {
	t.Helper()
	_ = desc
}

// TestCaseFileLimits: what a case file names is read with the limits that
// apply to the same input given directly.
func TestCaseFileLimits(t *testing.T) {
	t.Run("facts_file larger than MaxFactsSize", func(t *testing.T) {
		dir := t.TempDir()
		var b strings.Builder
		b.WriteString("region: \"430100\"\nsectors: [other]\n")
		for b.Len() <= facts.MaxSize {
			b.WriteString("# " + strings.Repeat("x", 76) + "\n")
		}
		if err := os.WriteFile(filepath.Join(dir, "big.yaml"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "case.yaml")
		if err := os.WriteFile(path, []byte("as_of: 2026-01-01\nfacts_file: big.yaml\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := facts.Decode("big.yaml", []byte(b.String())); err == nil || !strings.Contains(err.Error(), "limit") {
			t.Fatalf("DecodeFacts of the same document = %v, want the size limit", err)
		}
		cases, err := casetest.Load(path)
		switch {
		case err != nil && strings.Contains(err.Error(), "limit"):
		case err == nil && len(cases) == 1 && cases[0].FactsErr != nil && strings.Contains(cases[0].FactsErr.Error(), "limit"):
		default:
			t.Errorf("LoadCases accepted a facts_file of %d bytes (MaxFactsSize is %d): err %v", b.Len(), facts.MaxSize, err)
		}
		bug(t, "cases.go read facts_file with os.ReadFile and decoded it with DecodeFactsNode, which does not check MaxFactsSize")
	})
	t.Run("facts_file and with: name a device", func(t *testing.T) {
		if _, err := os.Stat("/dev/zero"); err != nil {
			t.Skip("no /dev/zero")
		}
		dir := t.TempDir()
		for _, doc := range []string{
			"as_of: 2026-01-01\nfacts_file: /dev/zero\n",
			"as_of: 2026-01-01\nwith: [/dev/zero]\nfacts: {region: \"430100\", sectors: [other]}\n",
		} {
			path := filepath.Join(dir, "case.yaml")
			if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			cases, err := casetest.Load(path)
			if err == nil && len(cases) == 1 && cases[0].FactsErr == nil {
				e, err2 := anzexian.New()
				if err2 != nil {
					t.Fatal(err2)
				}
				r := casetest.NewRunner(e).Run(cases[0], false)
				err = errors.New(fmt.Sprint(r.Failures))
			}
			if err == nil || !strings.Contains(err.Error(), "must be a regular file") {
				t.Errorf("case %q: err %v, want \"must be a regular file\"", doc, err)
			}
		}
		bug(t, "os.ReadFile is unbounded: facts_file: /dev/zero, or with: [/dev/zero], read until memory ran out")
	})
	t.Run("facts nested deeper than 64 levels", func(t *testing.T) {
		factsText := "region: \"430100\"\nsectors: [other]\ncustom: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"
		if _, err := facts.Decode("deep.yaml", []byte(factsText)); err == nil || !strings.Contains(err.Error(), "nested") {
			t.Fatalf("DecodeFacts of the same document = %v, want the depth limit", err)
		}
		path := filepath.Join(t.TempDir(), "case.yaml")
		doc := "as_of: 2026-01-01\nfacts:\n  " + strings.ReplaceAll(strings.TrimSuffix(factsText, "\n"), "\n", "\n  ") + "\n"
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		cases, err := casetest.Load(path)
		switch {
		case err != nil && strings.Contains(err.Error(), "nested"):
		case err == nil && len(cases) == 1 && cases[0].FactsErr != nil && strings.Contains(cases[0].FactsErr.Error(), "nested"):
		default:
			t.Errorf("LoadCases accepted facts nested 100 levels deep, which DecodeFacts rejects: err %v", err)
		}
	})
}
