package anzexian_test

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// layers ranks every package of the module, lowest first: a package may
// import only packages of a lower rank, so imports point down and
// packages of one rank (coverage, rating, penalties; casetest and
// portfolio) never import one another. ARCHITECTURE.md draws the same
// picture. A new package must be given its rank here.
var layers = map[string]int{
	"diag":                 0,
	"internal/suggest":     0,
	"internal/decfmt":      0,
	"internal/fixed":       0,
	"internal/boundedfile": 0,
	"internal/cowmap":      0,
	"internal/yamlx":       1,
	"facts":                2,
	"internal/regions":     1,
	"internal/lang":        3,
	"rulesets":             4,
	"internal/answer":      5,
	"internal/jsonw":       5,
	"internal/testkit":     5,
	"timeline":             6,
	"coverage":             7,
	"rating":               7,
	"penalties":            7,
	".":                    8,
	"casetest":             9,
	"portfolio":            9,
	"report":               10,
	"server":               11,
	"cmd/anzexian":         12,
}

// library is the highest rank of the library proper: those packages import
// only the standard library and the four modules the design names.
const library = 8

var libraryModules = []string{
	"github.com/expr-lang/expr",
	"gopkg.in/yaml.v3",
	"github.com/shopspring/decimal",
	"github.com/google/go-cmp",
}

// testOnly packages are imported by tests alone.
var testOnly = map[string]bool{"internal/testkit": true}

func TestLayers(t *testing.T) {
	const mod = "github.com/anzexian/anzexian"
	var dirs []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "examples") {
			return filepath.SkipDir
		}
		dirs = append(dirs, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(dirs)
	seen := 0
	for _, dir := range dirs {
		pkg, err := build.Default.ImportDir(dir, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				continue
			}
			t.Fatalf("%s: %v", dir, err)
		}
		rel := filepath.ToSlash(dir)
		rank, ok := layers[rel]
		if !ok {
			t.Errorf("package %s has no layer: give it a rank in layers_test.go (and a place in ARCHITECTURE.md)", rel)
			continue
		}
		seen++
		for _, imp := range pkg.Imports {
			switch {
			case imp == mod || strings.HasPrefix(imp, mod+"/"):
				to := strings.TrimPrefix(strings.TrimPrefix(imp, mod), "/")
				if to == "" {
					to = "."
				}
				r, ok := layers[to]
				if !ok {
					t.Errorf("%s imports %s, which has no layer", rel, to)
					continue
				}
				if r >= rank {
					t.Errorf("%s (rank %d) imports %s (rank %d): imports must point down", rel, rank, to, r)
				}
				if testOnly[to] {
					t.Errorf("%s imports %s, which only tests may import", rel, to)
				}
			case !strings.Contains(strings.SplitN(imp, "/", 2)[0], "."):
				// the standard library
			case rank <= library:
				allowed := false
				for _, m := range libraryModules {
					if imp == m || strings.HasPrefix(imp, m+"/") {
						allowed = true
					}
				}
				if !allowed {
					t.Errorf("%s is a library package and imports %s: only the standard library and %s may be imported below the CLI, the server and the formats", rel, imp, strings.Join(libraryModules, ", "))
				}
			}
		}
	}
	if seen < 15 {
		t.Fatalf("checked only %d packages", seen)
	}
}
