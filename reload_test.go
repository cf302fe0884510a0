package anzexian_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// reloadRating is a compact national rating ruleset for the reload test:
// cheap to compile (about 1 ms, against 35 ms for the bundled rulesets, so
// that a thousand reloads stay fast under -race) yet it rates every
// enterprise through a base, factors, the clamp, a minimum and rounding.
// The test's second version edits one factor value and bumps the version.
const reloadRating = `schema: anzexian/v1
id: cn/test/reload-rating
version: "1"
status: in_force
kind: rating
title: 热加载测试费率
region: ""
effective: {from: 2018-01-01}
sources:
  t: {title: 热加载测试文件}
facts:
  - {name: aggregate_limit, type: decimal, doc: 累计赔偿限额（生成的湖南建设项目带有它）}
rating:
  currency: CNY
  bases:
    - {id: per-person, text: 每人年保费 × 从业人员数, rate: "60", formula: 'rate * (employees ?? 10)'}
  factors:
    - id: accidents
      title: 事故记录
      unit: percent
      pick: highest
      cases:
        - {id: fatal, when: 'any(accidents_within(1), {.deaths > 0})', value: "0.25", reason: 上一年度有死亡事故}
        - {id: any, when: len(accidents_within(1)) > 0, value: "0.10", reason: 上一年度有事故}
      default: {value: "-0.10", reason: 上一年度无事故}
    - id: blacklist
      title: 黑名单
      unit: percent
      cases:
        - {id: listed, when: blacklisted, value: "0.10", reason: 黑名单}
      default: {value: "0", reason: 不在名单}
  combine: {mode: add}
  clamp: {min: "0.70", max: "1.30"}
  minimum: {amount: "100"}
  rounding: {scale: 2, mode: half_up, steps: [premium]}
`

// editRuleset changes a ruleset's text: every replacement must apply once.
func editRuleset(t testing.TB, name, text string, repl ...string) string {
	t.Helper()
	for i := 0; i+1 < len(repl); i += 2 {
		if strings.Count(text, repl[i]) != 1 {
			t.Fatalf("%s: %q occurs %d times, want once", name, repl[i], strings.Count(text, repl[i]))
		}
		text = strings.Replace(text, repl[i], repl[i+1], 1)
	}
	return text
}

// reloadSet is one set of ruleset files the reload test swaps in, with the
// answers that set alone gives for every enterprise.
type reloadSet struct {
	name  string
	files []diag.File
	// rating is the digest of its rating layer, which tells the sets apart.
	ratingID, rating string
	digests          map[string]string // id@version → digest
	want             [][]byte          // JSON answer per enterprise
	premium          []string
	served           atomic.Int64 // answers the assessors got from this set
}

// mapFiles builds the files of a set in memory and reads them back in name
// order, as Reload's callers would.
func mapFiles(t testing.TB, docs map[string]string) []diag.File {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range docs {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	files, err := rulesets.ReadFiles(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func bundledDocs(t testing.TB) map[string]string {
	t.Helper()
	docs := map[string]string{}
	err := fs.WalkDir(rulesets.Bundled(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(rulesets.Bundled(), p)
		docs[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func withDoc(docs map[string]string, name, text string) map[string]string {
	out := map[string]string{}
	for k, v := range docs {
		out[k] = v
	}
	out[name] = text
	return out
}

// reloadEnterprises are the enterprises assessed during reloads: a
// generated portfolio and every example enterprise.
func reloadEnterprises(t testing.TB, n int) []*facts.Facts {
	t.Helper()
	out := portfolio.Generate(7, n)
	return append(out, exampleEnterprises(t)...)
}

func exampleEnterprises(t testing.TB) []*facts.Facts {
	t.Helper()
	paths, err := filepath.Glob("examples/enterprises/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no example enterprises: %v", err)
	}
	var out []*facts.Facts
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := facts.Decode(p, data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fs...)
	}
	return out
}

// prepare loads the set on its own and records its answers.
func (s *reloadSet) prepare(t *testing.T, ents []*facts.Facts, ratingID string) {
	t.Helper()
	reg, err := rulesets.LoadFiles(s.files...)
	if err != nil {
		t.Fatalf("set %s: %v", s.name, err)
	}
	s.ratingID = ratingID
	s.digests = map[string]string{}
	for _, rs := range reg.Rulesets() {
		s.digests[rs.Key()] = rs.Digest
		if rs.ID == ratingID {
			s.rating = rs.Digest
		}
	}
	if s.rating == "" {
		t.Fatalf("set %s has no %s", s.name, ratingID)
	}
	eng := anzexian.NewWithRegistry(reg)
	for i, f := range ents {
		a, err := eng.Assess(f, anzexian.At(asOf2026))
		if err != nil {
			t.Fatalf("set %s, enterprise %d (%s): %v", s.name, i, f.Name, err)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		s.want = append(s.want, b)
		s.premium = append(s.premium, premiumOf(a))
	}
}

func premiumOf(a *anzexian.Assessment) string {
	if a.Premium == nil {
		return "none"
	}
	return a.Premium.Amount.String()
}

// check says whether the answer for enterprise i is entirely this set's:
// every layer it names is this set's ruleset with its digest, and it is
// its premium and (when b is given) its whole JSON are byte for byte what
// the set alone answers.
func (s *reloadSet) check(i int, a *anzexian.Assessment, b []byte) error {
	for _, l := range a.Rulesets {
		if d, ok := s.digests[l.ID+"@"+l.Version]; !ok || d != l.Digest {
			return fmt.Errorf("layer %s@%s %s is not set %s's", l.ID, l.Version, l.Digest, s.name)
		}
	}
	if p := premiumOf(a); p != s.premium[i] {
		return fmt.Errorf("premium %s, but set %s alone gives %s", p, s.name, s.premium[i])
	}
	if b != nil && !bytes.Equal(b, s.want[i]) {
		return fmt.Errorf("the answer differs from what set %s alone gives:\n got %s\nwant %s", s.name, b, s.want[i])
	}
	return nil
}

// Engine.Reload swaps the whole registry atomically while assessments run:
// eight goroutines assess enterprises during a thousand reloads that
// alternate between different valid sets of rulesets and invalid ones.
// Every answer comes entirely from one set (the layers and digests it
// names, its premium and, sampled, its whole JSON are what that set alone
// gives); every failed reload returns diagnostics and leaves the previous
// registry serving. Run it with -race.
func TestReloadUnderLoad(t *testing.T) {
	const (
		assessors = 8
		// perReload assessments are let run during each reload: enough to
		// overlap every swap, few enough that the reloader is not starved
		// on a small machine.
		perReload = 4
		// every jsonEvery-th answer is compared byte for byte as JSON
		// (marshalling is slow under -race); every answer is compared by
		// its layers, digests and premium.
		jsonEvery = 32
	)
	reloads := 1000
	if testing.Short() {
		reloads = 200
	}
	ents := reloadEnterprises(t, 60)

	// The valid sets. Most reloads swap between two versions of a compact
	// rating ruleset; every 40th cycle the full bundled rulesets and the
	// bundled rulesets with the rating baseline edited (a factor value
	// changed and the version bumped) take their place, so that reloads
	// also swap real stacks of several layers.
	bundled := bundledDocs(t)
	const baseline = "cn/rating-baseline.yaml"
	edited := withDoc(bundled, baseline, editRuleset(t, baseline, bundled[baseline],
		`version: "2018"`, `version: "2018.1-reload-test"`,
		`default: {value: "-0.10", reason: 上一年度未发生生产安全事故`, `default: {value: "-0.05", reason: 上一年度未发生生产安全事故`))
	const small = "test/reload-rating.yaml"
	smallV2 := editRuleset(t, small, reloadRating, `version: "1"`, `version: "2"`,
		`default: {value: "-0.10", reason: 上一年度无事故}`, `default: {value: "-0.02", reason: 上一年度无事故}`)
	sets := []*reloadSet{
		{name: "small v1", files: mapFiles(t, map[string]string{small: reloadRating})},
		{name: "small v2", files: mapFiles(t, map[string]string{small: smallV2})},
		{name: "bundled", files: mapFiles(t, bundled)},
		{name: "bundled, baseline edited", files: mapFiles(t, edited)},
	}
	for i, s := range sets {
		id := "cn/test/reload-rating"
		if i >= 2 {
			id = "cn/rating/baseline"
		}
		s.prepare(t, ents, id)
	}
	// The edits must change answers, or mixing could not be seen.
	for _, pair := range [][2]int{{0, 1}, {2, 3}} {
		a, b := sets[pair[0]], sets[pair[1]]
		differ := 0
		for i := range ents {
			if a.premium[i] != b.premium[i] {
				differ++
			}
		}
		if a.rating == b.rating || differ < len(ents)/3 {
			t.Fatalf("sets %q and %q differ in %d premiums of %d; the test needs them to differ in most", a.name, b.name, differ, len(ents))
		}
	}

	// The invalid sets: a YAML syntax error, an expression type error, a
	// condition that is not boolean, two overlapping versions of one id.
	type badSet struct {
		name  string
		files []diag.File
		code  string // a diagnostic code the error must carry
	}
	bad := []badSet{
		{"syntax error", mapFiles(t, map[string]string{small: reloadRating[:strings.Index(reloadRating, "  factors:")] + "  factors: [{id: x\n"}), "ruleset.syntax"},
		{"type error", mapFiles(t, map[string]string{small: editRuleset(t, small, reloadRating, `when: blacklisted,`, `when: blacklisted == "yes",`)}), "expr."},
		{"non-bool condition", mapFiles(t, map[string]string{small: editRuleset(t, small, reloadRating, `when: len(accidents_within(1)) > 0,`, `when: len(accidents_within(1)),`)}), "expr."},
		{"overlapping versions", mapFiles(t, map[string]string{small: reloadRating, "test/reload-rating-v2.yaml": smallV2}), "ruleset."},
	}
	for _, b := range bad {
		_, err := rulesets.LoadFiles(b.files...)
		var le *rulesets.LoadError
		if !errors.As(err, &le) || len(le.Diagnostics) == 0 {
			t.Fatalf("invalid set %q: want a LoadError with diagnostics, got %v", b.name, err)
		}
		if !hasCode(le.Diagnostics, b.code) {
			t.Fatalf("invalid set %q: want a diagnostic %s…, got %v", b.name, b.code, le)
		}
	}

	eng := anzexian.NewWithRegistry(mustLoad(t, sets[0].files))
	var (
		answers  atomic.Int64
		failOnce sync.Once
		failure  atomic.Pointer[string]
		stop     = make(chan struct{})
		stopOnce sync.Once
		tokens   = make(chan struct{}, assessors*perReload)
	)
	halt := func() { stopOnce.Do(func() { close(stop) }) }
	fail := func(format string, args ...any) {
		failOnce.Do(func() {
			msg := fmt.Sprintf(format, args...)
			failure.Store(&msg)
		})
		halt()
	}
	grant := func(n int) {
		for range n {
			select {
			case tokens <- struct{}{}:
			default:
				return
			}
		}
	}
	var wg sync.WaitGroup
	for g := range assessors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g * 7; ; i++ {
				select {
				case <-stop:
					return
				case <-tokens:
				}
				k := i % len(ents)
				a, err := eng.Assess(ents[k], anzexian.At(asOf2026))
				if err != nil {
					fail("assessor %d, enterprise %d: %v", g, k, err)
					return
				}
				var from *reloadSet
				for _, s := range sets {
					for _, l := range a.Rulesets {
						if l.ID == s.ratingID && l.Digest == s.rating {
							from = s
						}
					}
				}
				if from == nil {
					fail("enterprise %d: the answer names none of the sets' rating layers: %v", k, a.Rulesets)
					return
				}
				var b []byte
				if i%jsonEvery == 0 {
					if b, err = json.Marshal(a); err != nil {
						fail("assessor %d: %v", g, err)
						return
					}
				}
				if err := from.check(k, a, b); err != nil {
					fail("enterprise %d (%s), answer from set %q: %v", k, ents[k].Name, from.name, err)
					return
				}
				from.served.Add(1)
				answers.Add(1)
			}
		}()
	}

	// The reloader: good, bad, good, bad …; the good sets alternate, so
	// that consecutive registries always answer differently. After a good
	// reload it waits until an assessor has been served by the new set, so
	// that every registry is really used.
	ctx := context.Background()
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	var goodReloads, badReloads int
	start := time.Now()
	for r := 0; r < reloads && !stopped(); r++ {
		before := eng.Registry()
		grant(perReload)
		if r%2 == 1 {
			b := bad[(r/2)%len(bad)]
			err := eng.Reload(ctx, b.files...)
			var le *rulesets.LoadError
			switch {
			case !errors.As(err, &le):
				fail("reload %d (%s): want a *rulesets.LoadError, got %v", r, b.name, err)
			case len(le.Diagnostics) == 0:
				fail("reload %d (%s): a LoadError without diagnostics", r, b.name)
			case eng.Registry() != before:
				fail("reload %d (%s) failed but replaced the registry", r, b.name)
			}
			badReloads++
			continue
		}
		s := sets[(r/2)%2]
		if (r/4)%40 == 20 {
			s = sets[2+(r/2)%2]
		}
		seen := s.served.Load()
		if err := eng.Reload(ctx, s.files...); err != nil {
			fail("reload %d (%s): %v", r, s.name, err)
			break
		}
		goodReloads++
		if eng.Registry() == before {
			fail("reload %d (%s) succeeded but kept the old registry", r, s.name)
			break
		}
		for deadline := time.Now().Add(10 * time.Second); s.served.Load() == seen && !stopped(); {
			if time.Now().After(deadline) {
				fail("reload %d (%s): no assessment was served by the new registry within 10s", r, s.name)
				break
			}
			grant(1)
			time.Sleep(50 * time.Microsecond)
		}
	}
	halt()
	wg.Wait()
	if msg := failure.Load(); msg != nil {
		t.Fatal(*msg)
	}
	if goodReloads+badReloads < reloads {
		t.Fatalf("only %d reloads ran", goodReloads+badReloads)
	}
	for _, s := range sets {
		if s.served.Load() == 0 {
			t.Errorf("no answer came from set %q", s.name)
		}
	}
	t.Logf("%d reloads (%d good, %d bad) and %d answers by %d goroutines in %s",
		goodReloads+badReloads, goodReloads, badReloads, answers.Load(), assessors, time.Since(start).Round(time.Millisecond))
}

func hasCode(ds diag.Diagnostics, prefix string) bool {
	for _, d := range ds {
		if strings.HasPrefix(d.Code, prefix) {
			return true
		}
	}
	return false
}

func mustLoad(t testing.TB, files []diag.File) *rulesets.Registry {
	t.Helper()
	reg, err := rulesets.LoadFiles(files...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// A case with with: assesses against the engine's current registry plus
// its files: after a reload it must not keep using a registry built on the
// previous one.
func TestReloadRefreshesWithRegistries(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	c := &casetest.Case{File: "reload.yaml", Name: "with after reload", AsOf: asOf2026,
		Facts:  mustFacts(t, `{region: "110105", sectors: [hazardous_chemicals.storage], employees: 30, risk_level: low}`),
		Expect: &casetest.Expectation{}, With: []string{"examples/rulesets/beijing-regulation-2022.yaml"}}
	version := func() string {
		t.Helper()
		res := casetest.NewRunner(eng).Run(c, false)
		if !res.Pass() || res.Assessment == nil {
			t.Fatalf("case failed: %+v", res.Failures)
		}
		for _, l := range res.Assessment.Rulesets {
			if l.ID == "cn/rating/baseline" {
				return l.Version
			}
		}
		t.Fatalf("no rating baseline in %v", res.Assessment.Rulesets)
		return ""
	}
	if v := version(); v != "2018" {
		t.Fatalf("before the reload: baseline %s", v)
	}
	bundled := bundledDocs(t)
	const baseline = "cn/rating-baseline.yaml"
	edited := withDoc(bundled, baseline, editRuleset(t, baseline, bundled[baseline], `version: "2018"`, `version: "2019"`))
	if err := eng.Reload(context.Background(), mapFiles(t, edited)...); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != "2019" {
		t.Fatalf("after the reload a with: case still uses the old registry (baseline %s)", v)
	}
}
