package facts_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/testkit"
)

// Fuzz targets of the facts decoders. Inputs the fuzzer finds that break a
// property are kept under testdata/fuzz/<Target>/ and run as part of go
// test. Run one with
//
//	go test ./facts -run '^$' -fuzz '^FuzzDecodeFacts$' -fuzztime 60s

var dateCmp = cmp.Comparer(func(a, b facts.Date) bool { return a == b })

var trickyFacts = []string{
	"",
	"---\n",
	"[]\n",
	"null\n",
	`{"region": "430100", "sectors": ["other"], "employees": 1e2}`,
	`{"region": "430100", "sectors": ["other"], "annual_revenue": 1e-3, "loss_ratio": -0.0}`,
	"region: 430100\nsectors: [other]\nemployees: 0x10\n",
	"region: \"43\"\nsectors: [other]\nemployees: 1_000\n",
	"region: \"43\"\nsectors: [other]\nemployees: 99999999999999999999\n",
	"region: \"43\"\nsectors: [other]\nannual_revenue: .inf\n",
	"region: \"43\"\nsectors: [other]\nannual_revenue: .nan\n",
	"region: \"43\"\nsectors: [other]\npolicy: {insured: false}\n",
	"region: \"43\"\nsectors: [other]\npolicy: ~\nenforcement: {}\nhazards: {}\n",
	"region: \"43\"\nsectors: [other]\naccidents: [{date: 2024-02-29}]\n",
	"region: \"43\"\nsectors: [other]\n? [complex, key]\n: value\n",
	"region: \"43\"\nsectors: [other]\ncustom: {a: [1, {b: c}]}\n",
	"region: \"43\"\nsectors: [other]\nx: !!binary aGVsbG8=\n",
	"region: \"43\"\nsectors: [other]\n<<: {employees: 5}\n",
	"a: &a [*a, *a]\n",
	"region: \"43\"\nsectors: [other]\n---\nregion: \"33\"\nsectors: [fishery]\n---\n",
	completeFactsYAML,
	completeFactsJSON,
	richFacts,
}

func FuzzDecodeFacts(f *testing.F) {
	for _, s := range trickyFacts {
		f.Add([]byte(s))
	}
	testkit.AddFiles(f, os.DirFS(filepath.Join("..", "examples", "enterprises")), "*")
	factsCodes := regexp.MustCompile(`^facts\.[a-z_]+$`)
	f.Fuzz(func(t *testing.T, data []byte) {
		defer testkit.Watchdog(testkit.FuzzLimit)()
		var fs []*facts.Facts
		var err error
		testkit.NoPanic(t, func() { fs, err = facts.Decode("fuzz.yaml", data) })
		if err != nil {
			var fe *facts.Error
			if !errors.As(err, &fe) {
				t.Fatalf("DecodeFacts error %T: %v", err, err)
			}
			testkit.CheckDiagnostics(t, fe.Diagnostics, data, factsCodes)
			return
		}
		if len(fs) == 0 {
			t.Fatal("DecodeFacts returned no enterprise and no error")
		}
		for _, x := range fs {
			if err := x.Validate(); err != nil {
				if knownValidateBug(x, err) {
					bug(t, "DecodeFacts accepts region \"\" or a list of empty/null sector codes that Facts.Validate rejects")
				}
				t.Fatalf("DecodeFacts accepted facts that Validate rejects: %v", err)
			}
			roundTrip(t, x)
		}
	})
}

// knownValidateBug reports whether Validate fails only for the known
// decoder holes (an empty region, sectors that were all empty or null).
func knownValidateBug(f *facts.Facts, err error) bool {
	var fe *facts.Error
	if !errors.As(err, &fe) {
		return false
	}
	for _, d := range fe.Diagnostics {
		switch {
		case d.Path == "region" && f.Region == "":
		case d.Path == "sectors" && d.Code == "facts.missing" && len(f.Sectors) == 0:
		default:
			return false
		}
	}
	return true
}

// extraCmp compares extra facts as the stack will type them.
var extraCmp = cmp.Comparer(func(a, b facts.ExtraValue) bool {
	if a.Text != b.Text && !sameNumber(a, b) || a.IsList != b.IsList || a.IsNull != b.IsNull || a.Kind != b.Kind || a.Path != b.Path || !slices.Equal(a.Items, b.Items) {
		return false
	}
	_, numErr := strconv.ParseFloat(a.Text, 64) // only to classify the text
	ambiguous := numErr == nil || a.Text == "true" || a.Text == "false" || a.Text == "null"
	return !ambiguous || a.Quoted == b.Quoted
})

// sameNumber reports whether a plain number written as a and read back as
// b has one value and one scale (080 → 80, +1.50 → 1.50 are the same).
func sameNumber(a, b facts.ExtraValue) bool {
	if a.Quoted || b.Quoted {
		return false
	}
	x, err1 := decimal.NewFromString(a.Text)
	y, err2 := decimal.NewFromString(b.Text)
	return err1 == nil && err2 == nil && x.Equal(y) && x.Exponent() == y.Exponent()
}

// roundTrip checks that facts written as JSON read back the same.
func roundTrip(t *testing.T, f *facts.Facts) {
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	back, err := facts.Decode("roundtrip.json", b)
	if err != nil {
		if knownRoundTripBug(f) {
			bug(t, "a policy with insured: false and no dates marshals \"start\": \"\" (Date zero), which DecodeFacts rejects")
		}
		t.Fatalf("facts written as JSON do not read back: %v\n%s", err, b)
	}
	// extra facts are written too; only their positions differ, and
	// whether text that cannot be mistaken for a number or a boolean was
	// quoted
	if d := cmp.Diff(f, back[0], dateCmp, cmpopts.EquateEmpty(), extraCmp); d != "" {
		t.Fatalf("JSON round trip changed the facts (-before +after):\n%s\n%s", d, b)
	}
}

func knownRoundTripBug(f *facts.Facts) bool {
	return f.Policy != nil && (f.Policy.Start.IsZero() || f.Policy.End.IsZero())
}
