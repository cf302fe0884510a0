package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the CLI in-process from the repository root.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(filepath.Join("..", "..")); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	tests := []cliCase{
		{name: "no arguments", args: nil, code: 2, stderr: []string{"Usage:"}},
		{name: "unknown command", args: []string{"asses"}, code: 2, stderr: []string{`unknown command "asses"`}},
		{name: "help", args: []string{"help"}, code: 0, stdout: []string{"anzexian assess"}},
		{name: "assess text", args: []string{"assess", "--at", "2026-01-01", "examples/enterprises/hunan-hazchem-storage.yaml"}, code: 0,
			stdout: []string{"一、投保义务：应当投保（国家规定的高危行业、领域） [mandatory]", "二、保费：", "三、可能面临的处罚：", "应急〔2025〕27号"}},
		{name: "assess json from stdin", stdin: `{"region": "430100", "sectors": ["special_equipment.elevator"], "employees": 3, "risk_level": "low"}`,
			args: []string{"assess", "--at", "2026-01-01", "--format", "json", "-"}, code: 0, stdout: []string{`"obligation":"required"`, `"amount":"`}},
		{name: "bad facts name the file, line and field", stdin: "region: \"430100\"\nsectors: [hazardous_chemical]\n",
			args: []string{"assess", "--at", "2026-01-01", "-"}, code: 2,
			stderr: []string{"<stdin>:2:11", `unknown sector code "hazardous_chemical"`, `did you mean "hazardous_chemicals"?`}},
		{name: "bad date flag", args: []string{"assess", "--at", "2026-13-01", "x.yaml"}, code: 2, stderr: []string{"--at"}},
		{name: "bad format", args: []string{"assess", "--format", "xml", "x.yaml"}, code: 2, stderr: []string{"--format"}},
		{name: "no stack before 2014-12-01", stdin: `{"region": "430100", "sectors": ["coal_mine"]}`,
			args: []string{"assess", "--at", "2014-11-30", "-"}, code: 2, stderr: []string{"no ruleset is in force"}},
		{name: "with an example ruleset", stdin: `{"region": "110105", "sectors": ["coal_mine"], "employees": 50, "risk_level": "low", "operating_since": "2025-01-01"}`,
			args: []string{"assess", "--at", "2026-01-01", "--with", "examples/rulesets/beijing-regulation-2022.yaml", "-"}, code: 0,
			stdout: []string{"北京市安全生产条例", "第五十九条", "裁量档次：under-100"}},
		{name: "rulesets", args: []string{"rulesets"}, code: 0, stdout: []string{"cn/measures/spli@2025", "cn.yueqing/opinions/spli@2022-draft", "draft"}},
		{name: "lint bundled", args: []string{"lint", "--strict"}, code: 0, stdout: []string{"0 error(s), 0 warning(s)"}},
		{name: "coverage of the ruleset under test alone", args: []string{"test", "--coverage", "--ruleset", "cn.hunan/rating/coal-mine", "--min-coverage", "100", "examples/rating/coal-mine-scheme.yaml"},
			code: 0, stdout: []string{"rule coverage: 13/13 items (100.0%)", "cn.hunan/rating/coal-mine@2024-example"}},
		{name: "coverage of every ruleset the stacks used", args: []string{"test", "--coverage", "--min-coverage", "100", "examples/rating/coal-mine-scheme.yaml"},
			code: 1, stdout: []string{"cn/rating/baseline@2018", "is below the minimum 100.0%"}},
		{name: "coverage of an unknown ruleset", args: []string{"test", "--coverage", "--ruleset", "cn.hunan/rating/coal", "examples/rating/coal-mine-scheme.yaml"},
			code: 2, stderr: []string{"--ruleset: ruleset cn.hunan/rating/coal is not among the rulesets"}},
		{name: "lint a counter-example", args: []string{"lint", "testdata/rulesets/filing-bad-override.yaml"}, code: 1,
			stdout: []string{"stack.filing_override", "filing-bad-override.yaml:16:7"}},
	}
	checkCLI(t, tests)
}

// assess --format json prints one JSON object per enterprise.
func TestAssessJSONPerEnterprise(t *testing.T) {
	stream := `{"region": "430100", "sectors": ["coal_mine"], "employees": 10, "risk_level": "low"}
---
{"region": "330382", "sectors": ["machinery"], "employees": 10, "risk_level": "low"}
`
	code, out, errs := runCLI(t, stream, "assess", "--at", "2026-01-01", "--format", "json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines, got %d", len(lines))
	}
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		for _, k := range []string{"rulesets", "as_of", "coverage", "premium", "penalties", "consequences"} {
			if _, ok := v[k]; !ok {
				t.Errorf("answer lacks %q", k)
			}
		}
	}
}

// cliCase is one run of the CLI and what its exit code and streams must
// hold.
type cliCase struct {
	name   string
	stdin  string
	args   []string
	code   int
	stdout []string // substrings
	stderr []string
	not    []string // in neither stream
}

// checkCLI runs each case in-process as a subtest.
func checkCLI(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%.2000s\nstderr:\n%s", code, tt.code, out, errs)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%.3000s", s, out)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(out+errs, s) {
					t.Errorf("output has %q", s)
				}
			}
		})
	}
}
