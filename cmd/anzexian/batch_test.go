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
