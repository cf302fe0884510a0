package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// generate → batch: the portfolio a seed gives is assessed line by line;
// bad records stop the run (exit 2) or are skipped and counted (exit 1).
func TestGenerateAndBatch(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "book.jsonl")
	code, _, errs := runCLI(t, "", "generate", "--seed", "9", "--count", "50", "--out", book)
	if code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 50 {
		t.Fatalf("generate wrote %d lines, want 50", n)
	}
	_, again, _ := runCLI(t, "", "generate", "--seed", "9", "--count", "50")
	if again != string(data) {
		t.Fatal("the same seed gave a different portfolio")
	}
	_, csvOut, _ := runCLI(t, "", "generate", "--seed", "9", "--count", "50", "--format", "csv")
	if !strings.HasPrefix(csvOut, "name,region,sectors,") || strings.Count(csvOut, "\n") != 51 {
		t.Fatalf("CSV portfolio:\n%.300s", csvOut)
	}

	code, out, errs := runCLI(t, "", "batch", "--at", "2026-01-01", book)
	if code != 0 {
		t.Fatalf("batch: exit %d: %s", code, errs)
	}
	if n := strings.Count(out, "\n"); n != 50 || !strings.HasPrefix(out, `{"line":1,`) {
		t.Fatalf("batch wrote %d lines:\n%.300s", n, out)
	}
	for _, s := range []string{"batch: 50 read, 50 written, 0 skipped", "obligations: mandatory"} {
		if !strings.Contains(errs, s) {
			t.Errorf("summary lacks %q:\n%s", s, errs)
		}
	}
	code, out, _ = runCLI(t, csvOut, "batch", "--at", "2026-01-01", "--format", "csv", "-")
	if code != 0 || strings.Count(out, "\n") != 50 || !strings.HasPrefix(out, `{"line":2,`) {
		t.Fatalf("batch of the CSV from stdin: exit %d:\n%.300s", code, out)
	}

	bad := string(data[:strings.Index(string(data), "\n")+1]) +
		`{"region": "430100", "sectors": ["coal_mines"]}` + "\n" +
		string(data[strings.Index(string(data), "\n")+1:])
	code, out, errs = runCLI(t, bad, "batch", "--at", "2026-01-01", "-")
	if code != 2 || strings.Count(out, "\n") != 1 || !strings.Contains(errs, "<stdin>:2:") || !strings.Contains(errs, `did you mean "coal_mine"?`) {
		t.Errorf("a bad record without --skip-bad: exit %d, %d lines, stderr:\n%s", code, strings.Count(out, "\n"), errs)
	}
	code, out, errs = runCLI(t, bad, "batch", "--at", "2026-01-01", "--skip-bad", "-")
	if code != 1 || strings.Count(out, "\n") != 50 || !strings.Contains(errs, "skipped: <stdin>:2:") || !strings.Contains(errs, "51 read, 50 written, 1 skipped") {
		t.Errorf("a bad record with --skip-bad: exit %d, %d lines, stderr:\n%s", code, strings.Count(out, "\n"), errs)
	}
	code, _, errs = runCLI(t, "", "batch", "--format", "xml", book)
	if code != 2 || !strings.Contains(errs, "--format") {
		t.Errorf("bad --format: exit %d: %s", code, errs)
	}
}

// impact compares the bundled stack with an edited one over a portfolio,
// in text, JSON and HTML.
func TestImpactCLI(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "book.jsonl")
	if code, _, errs := runCLI(t, "", "generate", "--seed", "4", "--count", "400", "--out", book); code != 0 {
		t.Fatal(errs)
	}
	base, err := os.ReadFile(filepath.Join("..", "..", "rulesets", "bundled", "cn", "rating-baseline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	old := `value: "0.10", reason: 被纳入联合惩戒名单`
	if !strings.Contains(string(base), old) {
		t.Fatal("the blacklist case moved; update this test")
	}
	edit := filepath.Join(dir, "edit.yaml")
	os.WriteFile(edit, []byte(strings.Replace(string(base), old, `value: "0.30", reason: 被纳入联合惩戒名单`, 1)), 0o644)

	code, out, errs := runCLI(t, "", "impact", "--with", edit, "--at", "2026-01-01", "--lang", "en", book)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{"replaced  cn/rating/baseline", "400 assessed under both stacks", "Largest movers:", "blacklist 0.1 (listed)→0.3 (listed)"} {
		if !strings.Contains(out, s) {
			t.Errorf("text report lacks %q:\n%s", s, out)
		}
	}
	code, out, _ = runCLI(t, "", "impact", "--with", edit, "--at", "2026-01-01", "--format", "json", book)
	if code != 0 || !strings.Contains(out, `"enterprises": 400`) || !strings.Contains(out, `"histogram": [`) {
		t.Errorf("JSON report: exit %d:\n%.500s", code, out)
	}
	page := filepath.Join(dir, "report.html")
	code, _, errs = runCLI(t, "", "impact", "--with", edit, "--at", "2026-01-01", "--format", "html", "--out", page, book)
	html, _ := os.ReadFile(page)
	if code != 0 || !strings.Contains(string(html), "<svg") || !strings.Contains(errs, "report written to") {
		t.Errorf("HTML report: exit %d, %d bytes: %s", code, len(html), errs)
	}
	if code, _, errs := runCLI(t, "", "impact", book); code != 2 || !strings.Contains(errs, "usage") {
		t.Errorf("impact without --with: exit %d: %s", code, errs)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(string(base), old, `value: "0.30", reason: 被纳入联合惩戒名单, when: blacklisted + 1`, 1)), 0o644)
	if code, _, errs := runCLI(t, "", "impact", "--with", bad, book); code != 2 || !strings.Contains(errs, "bad.yaml:") {
		t.Errorf("impact with a broken edit: exit %d: %s", code, errs)
	}
}
